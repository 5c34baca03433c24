package harness_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twilio/twilio-go/client"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// setupScript is what a test in another language sends before its call:
// a number, a busy party, the manual clock; then a call it drives.
var setupScript = []struct{ method, path, body string }{
	{"PUT", "clock", `{"mode": "manual"}`},
	{"PUT", "parties/+14155550201", `{"answer": "busy"}`},
	{"POST", "numbers", `{"phone_number": "+14155550123", "voice_url": "` + origin + `/voice"}`},
	{"POST", "calls", `{"from": "+14155550999", "to": "+14155550123", "caller": {"steps": [{"press": "1"}]}}`},
	{"POST", "clock/advance", `{"seconds": 3}`},
	{"POST", "clock/run", ``},
}

// TestSetupScriptTwice: the same setup run twice against one server, with
// a reset between, gives the same transcript and record, to the SID and
// the millisecond; a number added again does not fail.
func TestSetupScriptTwice(t *testing.T) {
	srv := newServer(t, harness.WithClock(harness.Clock{Mode: harness.ClockAuto}), harness.WithApp(origin, &docs{paths: map[string]string{
		"/voice": `<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather></Response>`,
		"/menu":  `<Response><Dial action="/dialed">+14155550201</Dial></Response>`,
	}}))
	var transcripts, records []string
	for run := range 2 {
		for _, st := range setupScript {
			if code, body := control(t, srv, st.method, st.path, st.body); code != 200 {
				t.Fatalf("run %d: %s %s: %d %s", run+1, st.method, st.path, code, body)
			}
		}
		_, tr := control(t, srv, "GET", "transcript", "")
		_, rec := control(t, srv, "GET", "record", "")
		transcripts, records = append(transcripts, tr), append(records, rec)
		if code, body := control(t, srv, "POST", "reset", ""); code != 200 || body != `{"kept":[],"status":"reset"}`+"\n" {
			t.Fatalf("reset: %d %s", code, body)
		}
		if got := srv.Clock(); got.Mode != harness.ClockAuto {
			t.Errorf("after the reset the clock is %v, want auto, as the server started", got)
		}
	}
	if !strings.Contains(transcripts[0], "DialCallStatus=busy") {
		t.Fatalf("the setup's call did not run:\n%s", transcripts[0])
	}
	if diff := cmp.Diff(transcripts[0], transcripts[1]); diff != "" {
		t.Errorf("the second run's transcript differs (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(records[0], records[1]); diff != "" {
		t.Errorf("the second run's record differs (-first +second):\n%s", diff)
	}
}

func TestResetKeeps(t *testing.T) {
	start := harness.DefaultStartTime()
	setup := func(srv *harness.Server) {
		t.Helper()
		if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber,
			VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}}); err != nil {
			t.Fatal(err)
		}
		srv.SetParty(alice, scenario.Busy())
		if err := srv.MapPublicURL(harness.PublicURL{Public: origin, Real: "http://127.0.0.1:9"}); err != nil {
			t.Fatal(err)
		}
		srv.Advance(90 * 1e9)
		if err := srv.SetClock(harness.Clock{Mode: harness.ClockScaled, Rate: 5}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("nothing", func(t *testing.T) {
		srv := newServer(t, harness.WithParty(to, scenario.NoAnswer()))
		setup(srv)
		srv.Reset()
		if n := srv.Numbers(); len(n) != 0 {
			t.Errorf("numbers after a reset: %v", n)
		}
		if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber,
			VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}}); err != nil {
			t.Errorf("adding the number again after a reset: %v", err)
		}
		_, parties := control(t, srv, "GET", "parties", "")
		if parties != `{"parties":{"+14155550100":{"answer":"no-answer"}}}`+"\n" {
			t.Errorf("parties after a reset: %s, want only the option's", parties)
		}
		if got := srv.PublicURLs(); len(got) != 0 {
			t.Errorf("public URLs after a reset: %v", got)
		}
		if now, clk := srv.Now(), srv.Clock(); !now.Equal(start) || clk.Mode != harness.ClockManual {
			t.Errorf("clock after a reset: %v %v, want %v manual", now, clk, start)
		}
	})
	t.Run("everything", func(t *testing.T) {
		srv := newServer(t)
		setup(srv)
		code, body := control(t, srv, "POST", "reset", `{"keep": ["numbers", "parties", "clock", "public_urls"]}`)
		if code != 200 || body != `{"kept":["numbers","parties","clock","public_urls"],"status":"reset"}`+"\n" {
			t.Fatalf("reset: %d %s", code, body)
		}
		if n := srv.Numbers(); len(n) != 1 || n[0].PhoneNumber != ourNumber {
			t.Errorf("numbers kept: %v", n)
		}
		if _, parties := control(t, srv, "GET", "parties", ""); !strings.Contains(parties, `"+14155550201":{"answer":"busy"}`) {
			t.Errorf("parties kept: %s", parties)
		}
		if got := srv.PublicURLs(); len(got) != 1 {
			t.Errorf("public URLs kept: %v", got)
		}
		if now, clk := srv.Now(), srv.Clock(); now.Sub(start) < 90*1e9 || clk.Mode != harness.ClockScaled {
			t.Errorf("clock kept: %v %v", now, clk)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		srv := newServer(t)
		if code, body := control(t, srv, "POST", "reset", `{"keep": ["calls"]}`); code != 400 || !strings.Contains(body, `cannot keep \"calls\": want numbers, parties, clock or public_urls`) {
			t.Errorf("reset keeping calls: %d %s", code, body)
		}
		defer func() {
			if recover() == nil {
				t.Error("Reset(\"calls\") did not panic")
			}
		}()
		srv.Reset("calls")
	})
}

func TestControlNumbers(t *testing.T) {
	srv := newServer(t)
	steps := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "numbers", ``, 200, `{"numbers":[]}`},
		{"POST", "numbers", `{"phone_number": "+14155550123", "voice_url": "` + origin + `/voice"}`, 200, `{"sid":"PN`},
		{"POST", "numbers", `{"phone_number": "+14155550123", "voice_url": "` + origin + `/voice"}`, 400, `the server already has it: set it to replace its settings (SetNumber; PUT /_harness/numbers/+14155550123)`},
		{"PUT", "numbers/+14155550123", `{"voice_url": "` + origin + `/v2", "voice_method": "GET"}`, 200, `"phone_number":"+14155550123","voice_url":"https://app.example.com/v2","voice_method":"GET"`},
		{"PUT", "numbers/+14155550124", `{"voice_url": "` + origin + `/v3"}`, 200, `"phone_number":"+14155550124","voice_url":"https://app.example.com/v3","voice_method":"POST"`},
		{"PUT", "numbers/+14155550124", `{"phone_number": "+1999", "voice_url": "` + origin + `/v3"}`, 400, `is not the path's`},
		{"PUT", "numbers/+14155550125", `{"voice_url": "/relative"}`, 400, `VoiceURL \"/relative\" is not an absolute http or https URL`},
		{"PUT", "numbers/hello", `{"voice_url": "` + origin + `/v3"}`, 400, `\"hello\" is not a phone number`},
		{"GET", "numbers", ``, 200, `"voice_url":"https://app.example.com/v2"`},
		{"DELETE", "numbers/+14155550124", ``, 200, `{"deleted":"+14155550124"}`},
		{"DELETE", "numbers/+14155550124", ``, 404, `the server has no number`},
		{"PATCH", "numbers", ``, 405, `numbers take GET and POST`},
	}
	var sid string
	for _, st := range steps {
		code, body := control(t, srv, st.method, st.path, st.body)
		if code != st.status || !strings.Contains(body, st.want) {
			t.Errorf("%s %s: %d %s; want %d with %q", st.method, st.path, code, body, st.status, st.want)
		}
		if st.method == "POST" && code == 200 {
			var out struct{ Sid string }
			json.Unmarshal([]byte(body), &out)
			sid = out.Sid
		}
	}
	n := srv.Numbers()
	if len(n) != 1 || n[0].SID != sid || n[0].VoiceURL != origin+"/v2" {
		t.Errorf("numbers: %+v, want %s replaced in place (its SID kept)", n, sid)
	}
}

func TestControlClock(t *testing.T) {
	srv := newServer(t)
	steps := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "clock", ``, 200, `{"now":"2025-01-06T09:00:00Z","mode":"manual"}`},
		{"PUT", "clock", `{"mode": "scaled", "rate": 0.5}`, 200, `"mode":"scaled","rate":0.5}`},
		{"PUT", "clock", `{"mode": "auto"}`, 200, `"mode":"auto"}`},
		{"PUT", "clock", `{"mode": "manual", "rate": 3}`, 400, `clock manual takes no rate`},
		{"PUT", "clock", `{"mode": "warp"}`, 400, `clock mode \"warp\": want manual, auto or scaled`},
		{"PUT", "clock", `{"mode": "manual", "speed": 3}`, 400, `unknown field \"speed\"`},
		{"PUT", "clock", `{"mode": "manual"}`, 200, `"mode":"manual"}`},
		{"POST", "clock/advance", `{}`, 400, `clock/advance takes {\"seconds\": n}`},
		{"POST", "clock/advance", `{"seconds": -1}`, 400, `clock/advance takes {\"seconds\": n}`},
		{"POST", "clock/advance", `{"seconds": 1e12}`, 400, `clock/advance takes {\"seconds\": n}`},
		{"POST", "clock/advance", `{"seconds": 0}`, 200, `"mode":"manual"`},
		{"DELETE", "clock", ``, 405, `the clock takes GET and PUT clock`},
	}
	for _, st := range steps {
		code, body := control(t, srv, st.method, st.path, st.body)
		if code != st.status || !strings.Contains(body, st.want) {
			t.Errorf("%s %s: %d %s; want %d with %q", st.method, st.path, code, body, st.status, st.want)
		}
	}
}

// signedApp is an application behind a reverse proxy: it checks each
// request's signature against the public URL it believes it has, as
// twilio-go's validator does, and answers 403 when it does not match.
type signedApp struct {
	public    string
	validator client.RequestValidator
	mu        sync.Mutex
	seen      []http.Header
}

func (a *signedApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	params := map[string]string{}
	for k, v := range r.PostForm {
		params[k] = v[0]
	}
	a.mu.Lock()
	a.seen = append(a.seen, r.Header.Clone())
	a.seen[len(a.seen)-1].Set("Host", r.Host)
	a.mu.Unlock()
	if !a.validator.Validate(a.public+r.URL.RequestURI(), params, r.Header.Get("X-Twilio-Signature")) {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	switch r.URL.Path {
	case "/voice":
		io.WriteString(w, `<Response><Gather numDigits="1" action="/menu?level=2"><Say>Press 1</Say></Gather></Response>`)
	default:
		fmt.Fprintf(w, `<Response><Say>You pressed %s</Say></Response>`, r.PostForm.Get("Digits"))
	}
}

func TestPublicURLSignsWhatTheAppChecks(t *testing.T) {
	const public = "https://acme.example.com"
	app := &signedApp{public: public, validator: client.NewRequestValidator(harness.DefaultAuthToken)}
	real := httptest.NewServer(app)
	defer real.Close()
	call := func(t *testing.T, srv *harness.Server) *harness.Call {
		t.Helper()
		if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber,
			VoiceSettings: harness.VoiceSettings{VoiceURL: public + "/voice", StatusCallback: public + "/status"}}); err != nil {
			t.Fatal(err)
		}
		c, err := srv.IncomingCall(from, ourNumber, scenario.Person().Presses("1").AtNext("Gather"))
		if err != nil {
			t.Fatal(err)
		}
		c.Wait()
		return c
	}
	t.Run("mapped", func(t *testing.T) {
		srv := newServer(t, harness.WithPublicURL(public, real.URL))
		c := call(t, srv)
		if !strings.Contains(c.Transcript(), `"You pressed 1"`) {
			t.Errorf("the app did not accept every webhook:\n%s", c.Transcript())
		}
		reqs := c.Requests()
		if len(reqs) != 3 {
			t.Fatalf("%d requests, want voice, action and status callback", len(reqs))
		}
		for _, r := range reqs {
			if r.Status != 200 || !strings.HasPrefix(r.URL, public+"/") {
				t.Errorf("%s %s -> %d, want 200 on the public URL", r.Method, r.URL, r.Status)
			}
		}
		app.mu.Lock()
		defer app.mu.Unlock()
		for _, h := range app.seen {
			if h.Get("Host") != "acme.example.com" || h.Get("X-Forwarded-Proto") != "https" || h.Get("X-Forwarded-Host") != "acme.example.com" {
				t.Errorf("headers a proxy would send: Host %q, X-Forwarded-Proto %q, X-Forwarded-Host %q",
					h.Get("Host"), h.Get("X-Forwarded-Proto"), h.Get("X-Forwarded-Host"))
			}
		}
	})
	t.Run("unmapped", func(t *testing.T) {
		srv := newServer(t, harness.WithLenientScripts())
		// Without the mapping the harness signs the URL it calls, and the
		// app, which checks its public URL, refuses.
		if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber,
			VoiceSettings: harness.VoiceSettings{VoiceURL: real.URL + "/voice"}}); err != nil {
			t.Fatal(err)
		}
		c, err := srv.IncomingCall(from, ourNumber, scenario.Person())
		if err != nil {
			t.Fatal(err)
		}
		c.Wait()
		if r := c.Requests(); len(r) == 0 || r[0].Status != http.StatusForbidden {
			t.Errorf("the app accepted a webhook signed for another URL: %+v", r)
		}
		if n := c.Notifications(); len(n) == 0 || n[0].Code != 11200 {
			t.Errorf("notifications %+v, want 11200", n)
		}
	})
	t.Run("control API", func(t *testing.T) {
		srv := newServer(t)
		steps := []struct {
			method, body string
			status       int
			want         string
		}{
			{"PUT", `{"public": "` + public + `", "real": "` + real.URL + `"}`, 200, `{"public_urls":[{"public":"https://acme.example.com","real":"` + real.URL + `"}]}`},
			{"PUT", `{"public": "https://acme.example.com/voice", "real": "` + real.URL + `"}`, 400, "want an origin such as https://app.example.com"},
			{"GET", ``, 200, `"public":"https://acme.example.com"`},
		}
		for _, st := range steps {
			code, body := control(t, srv, st.method, "public_urls", st.body)
			if code != st.status || !strings.Contains(body, st.want) {
				t.Errorf("%s public_urls: %d %s; want %d with %q", st.method, code, body, st.status, st.want)
			}
		}
		c := call(t, srv)
		if !strings.Contains(c.Transcript(), `"You pressed 1"`) {
			t.Errorf("a mapping made through the control API was not used:\n%s", c.Transcript())
		}
		if code, body := control(t, srv, "DELETE", "public_urls", ""); code != 200 || body != `{"public_urls":[]}`+"\n" {
			t.Errorf("DELETE public_urls: %d %s", code, body)
		}
	})
}

func TestParsePublicURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://app.example.com=http://127.0.0.1:3000", ""},
		{"HTTPS://App.Example.com:443=http://localhost:3000/", ""},
		{"https://app.example.com", "want public=real"},
		{"app.example.com=http://127.0.0.1:3000", `public URL "app.example.com": want an origin`},
		{"https://app.example.com=127.0.0.1:3000", `real address "127.0.0.1:3000": want an origin`},
	} {
		_, err := harness.ParsePublicURL(tt.in)
		if (tt.want == "" && err != nil) || (tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want))) {
			t.Errorf("ParsePublicURL(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
	m, _ := harness.ParsePublicURL("HTTPS://App.Example.com:443=http://localhost:3000/")
	srv := newServer(t)
	srv.MapPublicURL(m)
	if got := srv.PublicURLs(); len(got) != 1 || got[0] != (harness.PublicURL{Public: "https://app.example.com", Real: "http://localhost:3000"}) {
		t.Errorf("a mapping is kept normalised: %+v", got)
	}
}

// gatedApp answers /voice only once its gate opens, and says when a
// request has come in.
type gatedApp struct {
	arrived chan struct{}
	gate    chan struct{}
}

func (a *gatedApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("wait") != "" {
		a.arrived <- struct{}{}
		<-a.gate
	}
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, `<Response><Say>Hello</Say><Pause length="5"/></Response>`)
}

// TestResetWithARequestInFlight: a reply that comes after a reset is
// applied to nothing; the server goes on from its start.
func TestResetWithARequestInFlight(t *testing.T) {
	app := &gatedApp{arrived: make(chan struct{}), gate: make(chan struct{})}
	srv := newServer(t, harness.WithAutoRun(), harness.WithApp(origin, app))
	old, err := srv.CreateCall(map[string][]string{"To": {to}, "From": {from}, "Url": {origin + "/voice?wait=1"}})
	if err != nil {
		t.Fatal(err)
	}
	<-app.arrived
	srv.Reset()
	close(app.gate)
	c, err := srv.CreateCall(map[string][]string{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	info := c.Wait()
	srv.Run()
	if info.Status != harness.StatusCompleted || info.SID != old.SID() || len(srv.Calls()) != 1 {
		t.Errorf("after the reset: %s %s, %d calls; want the first SID again, completed, alone", info.SID, info.Status, len(srv.Calls()))
	}
	if tr := srv.Transcript(); strings.Count(tr, `"Hello"`) != 1 {
		t.Errorf("the forgotten call's reply was applied:\n%s", tr)
	}
}
