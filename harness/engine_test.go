package harness_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

const (
	origin = "https://app.example.com"
	from   = "+15005550006"
	to     = "+14155550100"
)

// place creates a call through the official client and returns it.
func place(t *testing.T, srv *harness.Server, set func(*api.CreateCallParams)) *harness.Call {
	t.Helper()
	p := &api.CreateCallParams{}
	p.SetTo(to).SetFrom(from).SetUrl(origin + "/voice")
	if set != nil {
		set(p)
	}
	created, err := restClient(srv).Api.CreateCall(p)
	if err != nil {
		t.Fatalf("create call: %v", err)
	}
	c := srv.Call(*created.Sid)
	if c == nil {
		t.Fatalf("the server has no call %s", *created.Sid)
	}
	return c
}

// statuses returns the statuses a call went through.
func statuses(c *harness.Call) []harness.Status {
	var out []harness.Status
	for _, e := range c.Events() {
		if e.Kind == harness.EventStatus {
			out = append(out, e.Status)
		}
	}
	return out
}

// kinds returns the kinds of the requests made for a call.
func kinds(c *harness.Call) []harness.RequestKind {
	var out []harness.RequestKind
	for _, r := range c.Requests() {
		out = append(out, r.Kind)
	}
	return out
}

func TestOutcomes(t *testing.T) {
	const say = `<Response><Say>Hello</Say></Response>`
	tests := []struct {
		name       string
		party      scenario.Party
		timeout    int
		want       harness.Status
		wantPath   []harness.Status
		wantRing   time.Duration // from dialing to the outcome
		wantLength time.Duration // from answer to end
		wantSIP    int
	}{
		{name: "default party answers at once", want: harness.StatusCompleted,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "in-progress", "completed"}, wantLength: time.Second, wantSIP: 200},
		{name: "answers after two rings", party: scenario.AnswersAfterRings(2), want: harness.StatusCompleted,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "in-progress", "completed"}, wantRing: 12 * time.Second, wantLength: time.Second, wantSIP: 200},
		{name: "busy after a ring", party: scenario.Busy().RingsFor(3 * time.Second), want: harness.StatusBusy,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "busy"}, wantRing: 3 * time.Second, wantSIP: 486},
		{name: "no answer rings the default 60 s", party: scenario.NoAnswer(), want: harness.StatusNoAnswer,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "no-answer"}, wantRing: 60 * time.Second, wantSIP: 487},
		{name: "no answer with Timeout", party: scenario.NoAnswer(), timeout: 15, want: harness.StatusNoAnswer,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "no-answer"}, wantRing: 15 * time.Second, wantSIP: 487},
		{name: "answering later than Timeout is no answer", party: scenario.AnswersAfter(30 * time.Second), timeout: 20,
			want: harness.StatusNoAnswer, wantPath: []harness.Status{"queued", "initiated", "ringing", "no-answer"}, wantRing: 20 * time.Second, wantSIP: 487},
		{name: "fails with the party's SIP code", party: scenario.Fails(503), want: harness.StatusFailed,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "failed"}, wantSIP: 503},
		{name: "fails with 404 by default", party: scenario.Fails(0), want: harness.StatusFailed,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "failed"}, wantSIP: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, harness.WithParty(to, tt.party))
			c := place(t, srv, func(p *api.CreateCallParams) {
				p.SetUrl("").SetTwiml(say)
				if tt.timeout > 0 {
					p.SetTimeout(tt.timeout)
				}
			})
			info := c.Wait()
			if info.Status != tt.want {
				t.Errorf("status = %s, want %s\n%s", info.Status, tt.want, c.Transcript())
			}
			if diff := cmp.Diff(tt.wantPath, statuses(c)); diff != "" {
				t.Errorf("status path mismatch (-want +got):\n%s", diff)
			}
			end := info.Ended
			if !info.Answered.IsZero() {
				end = info.Answered
			}
			if got := end.Sub(info.Started); got != tt.wantRing {
				t.Errorf("ringing lasted %v, want %v", got, tt.wantRing)
			}
			if info.Duration != tt.wantLength {
				t.Errorf("duration = %v, want %v", info.Duration, tt.wantLength)
			}
			if info.SIPResponseCode != tt.wantSIP {
				t.Errorf("SIP response = %d, want %d", info.SIPResponseCode, tt.wantSIP)
			}
		})
	}
}

func TestSayPauseHangup(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(`<?xml version="1.0"?>
<Response>
  <Say voice="woman" loop="2">Your code is one two three</Say>
  <Pause length="7"/>
  <Hangup/>
  <Say>never said</Say>
</Response>`)))
	c := place(t, srv, nil)
	info := c.Wait()
	var got []string
	for _, e := range c.Events() {
		switch e.Kind {
		case harness.EventSay, harness.EventPause, harness.EventHangup:
			got = append(got, fmt.Sprintf("%v %s %q %v", e.Time.Sub(info.Answered), e.Kind, e.Text, e.Duration))
		}
	}
	want := []string{
		`0s say "Your code is one two three" 4.8s`, // 6 words × 0.4 s × 2 loops
		`4.8s pause "" 7s`,
		`11.8s hangup "<Hangup>" 0s`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verbs mismatch (-want +got):\n%s", diff)
	}
	if info.Status != harness.StatusCompleted || info.Duration != 11800*time.Millisecond {
		t.Errorf("call ended %s after %v, want completed after 11.8s", info.Status, info.Duration)
	}
}

func TestEndOfDocumentHangsUp(t *testing.T) {
	srv := newServer(t)
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetTwiml(`<Response><Pause length="3"/></Response>`)
	})
	info := c.Wait()
	if info.Status != harness.StatusCompleted || info.Duration != 3*time.Second {
		t.Fatalf("got %s after %v, want completed after 3s", info.Status, info.Duration)
	}
	ev := c.Events()
	var last harness.Event
	for _, e := range ev {
		if e.Kind == harness.EventHangup {
			last = e
		}
	}
	if last.Text != "end of document" {
		t.Errorf("hang-up reason = %q, want end of document", last.Text)
	}
}

func TestTimeLimit(t *testing.T) {
	srv := newServer(t, harness.WithParty(to, scenario.AnswersAfter(5*time.Second)))
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetTwiml(`<Response><Pause length="600"/></Response>`).SetTimeLimit(42)
	})
	info := c.Wait()
	if info.Duration != 42*time.Second || info.Status != harness.StatusCompleted {
		t.Fatalf("got %s after %v, want completed after the 42 s time limit", info.Status, info.Duration)
	}
}

func TestFarEndHangsUp(t *testing.T) {
	srv := newServer(t, harness.WithParty(to, scenario.AnswersAfter(time.Second).HangsUpAfter(9*time.Second)))
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetTwiml(`<Response><Pause length="60"/></Response>`)
	})
	if info := c.Wait(); info.Duration != 9*time.Second {
		t.Fatalf("call lasted %v, want 9s: the far end hangs up", info.Duration)
	}
}

func TestCallSetPartyOverridesServer(t *testing.T) {
	srv := newServer(t, harness.WithParty(to, scenario.Busy()))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response/>`) })
	c.SetParty(scenario.NoAnswer())
	if info := c.Wait(); info.Status != harness.StatusNoAnswer {
		t.Fatalf("status = %s, want no-answer from the call's own party", info.Status)
	}
}

func TestAdvanceRunsOnlyWhatIsDue(t *testing.T) {
	srv := newServer(t, harness.WithParty(to, scenario.AnswersAfter(10*time.Second)))
	start := srv.Now()
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Pause length="5"/></Response>`) })
	srv.Advance(9 * time.Second)
	if st := c.Status(); st != harness.StatusRinging {
		t.Fatalf("after 9 s: status %s, want ringing", st)
	}
	if got := srv.Now().Sub(start); got != 9*time.Second {
		t.Fatalf("clock moved %v, want 9s", got)
	}
	srv.Advance(time.Second)
	if st := c.Status(); st != harness.StatusInProgress {
		t.Fatalf("after 10 s: status %s, want in-progress", st)
	}
	srv.Advance(5 * time.Second)
	if st := c.Status(); st != harness.StatusCompleted {
		t.Fatalf("after 15 s: status %s, want completed", st)
	}
}

func TestSameSeedSameTranscript(t *testing.T) {
	transcript := func(seed uint64) string {
		srv := newServer(t, harness.WithSeed(seed), harness.WithApp(origin, newApp(`<Response><Say>Hi</Say></Response>`)))
		place(t, srv, func(p *api.CreateCallParams) {
			p.SetStatusCallback(origin + "/status").SetStatusCallbackEvent([]string{"initiated", "completed"})
		})
		place(t, srv, nil)
		srv.Run()
		return srv.Transcript()
	}
	a, b := transcript(7), transcript(7)
	if a != b {
		t.Fatalf("two runs with seed 7 differ:\n%s", cmp.Diff(a, b))
	}
	if c := transcript(8); c == a {
		t.Fatal("seeds 7 and 8 made the same SIDs")
	}
}

func TestApplicationSid(t *testing.T) {
	a := newApp(`<Response><Say>From the app</Say></Response>`)
	srv := newServer(t, harness.WithApp(origin, a))
	appSID, err := srv.AddApplication(harness.Application{VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice", VoiceMethod: "GET", StatusCallback: origin + "/app-status"}})
	if err != nil {
		t.Fatal(err)
	}
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetApplicationSid(appSID).
			SetStatusCallback(origin + "/ignored").SetStatusCallbackEvent([]string{"initiated"})
	})
	c.Wait()
	reqs := c.Requests()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want the voice URL and the application's status callback:\n%s", len(reqs), c.Transcript())
	}
	if reqs[0].Method != "GET" || !strings.HasPrefix(reqs[0].URL, origin+"/voice?") || reqs[0].Form.Get("ApplicationSid") != appSID {
		t.Errorf("voice request = %s %s with ApplicationSid %q; want GET of the application's URL with its SID",
			reqs[0].Method, reqs[0].URL, reqs[0].Form.Get("ApplicationSid"))
	}
	if reqs[1].URL != origin+"/app-status" || reqs[1].Form.Get("CallStatus") != "completed" {
		t.Errorf("status callback = %s (%s); want the application's, completed only", reqs[1].URL, reqs[1].Form.Get("CallStatus"))
	}
}

func TestGETWebhookCarriesParametersInQuery(t *testing.T) {
	a := newApp(`<Response/>`)
	srv := newServer(t, harness.WithApp(origin, a))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(origin + "/voice?tenant=7").SetMethod("GET") })
	c.Wait()
	r := c.Requests()[0]
	u, err := url.Parse(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if r.Method != "GET" || q.Get("tenant") != "7" || q.Get("CallSid") != c.SID() || q.Get("CallStatus") != "in-progress" {
		t.Errorf("GET webhook URL %s: want the app's query and Twilio's parameters", r.URL)
	}
	if got := r.Header.Get("Content-Type"); got != "" {
		t.Errorf("GET webhook has Content-Type %q, want none", got)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if got := a.forms[0].Get("CallSid"); got != c.SID() {
		t.Errorf("the app read CallSid %q from the query, want %s", got, c.SID())
	}
}

func TestAppFailures(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"say":"hi"}`)
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Content-Type", "text/xml") })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, "<Response>\n<Say>unclosed\n</Response>")
	})
	mux.HandleFunc("/root", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, "<Document/>")
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, "<Response><Say>"+strings.Repeat("a", 70000)+"</Say></Response>")
	})
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	mux.HandleFunc("/fallback", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, "<Response><Say>fallback %s %s</Say></Response>", r.FormValue("ErrorCode"), r.FormValue("ErrorUrl"))
	})
	tests := []struct {
		path     string
		wantCode int
	}{
		{"/500", 11200},
		{"/json", 12300},
		{"/empty", 11770},
		{"/broken", 12100},
		{"/root", 12102},
		{"/big", 11750},
		{"/panic", 11205},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			srv := newServer(t, harness.WithApp(origin, mux), harness.WithApp("https://fallback.example.com", mux))
			noFallback := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(origin + tt.path) })
			withFallback := place(t, srv, func(p *api.CreateCallParams) {
				p.SetUrl(origin + tt.path).SetFallbackUrl("https://fallback.example.com/fallback")
			})
			srv.Run()

			notes := noFallback.Notifications()
			if len(notes) != 1 || notes[0].Code != tt.wantCode || notes[0].URL != origin+tt.path {
				t.Fatalf("notifications = %+v, want one %d for %s", notes, tt.wantCode, tt.path)
			}
			var said []string
			for _, e := range noFallback.Events() {
				if e.Kind == harness.EventSay {
					said = append(said, e.Text)
				}
			}
			if diff := cmp.Diff([]string{"We are sorry, an application error has occurred. Goodbye."}, said); diff != "" {
				t.Errorf("without a fallback the caller hears (-want +got):\n%s", diff)
			}
			if st := noFallback.Status(); st != harness.StatusCompleted {
				t.Errorf("status = %s, want completed", st)
			}

			reqs := withFallback.Requests()
			if len(reqs) != 2 || reqs[1].Kind != harness.KindFallback {
				t.Fatalf("requests = %v, want voice then fallback", kinds(withFallback))
			}
			wantForm := fmt.Sprint(tt.wantCode)
			if reqs[1].Form.Get("ErrorCode") != wantForm || reqs[1].Form.Get("ErrorUrl") != origin+tt.path {
				t.Errorf("fallback got ErrorCode=%q ErrorUrl=%q, want %s and %s", reqs[1].Form.Get("ErrorCode"),
					reqs[1].Form.Get("ErrorUrl"), wantForm, origin+tt.path)
			}
			for _, e := range withFallback.Events() {
				if e.Kind == harness.EventSay && !strings.HasPrefix(e.Text, "fallback "+wantForm) {
					t.Errorf("with a fallback the caller hears %q, want the fallback's document", e.Text)
				}
			}
		})
	}
}

func TestFallbackFailsToo(t *testing.T) {
	fail := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	srv := newServer(t, harness.WithApp(origin, fail))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetFallbackUrl(origin + "/fallback") })
	info := c.Wait()
	var codes []int
	for _, n := range c.Notifications() {
		codes = append(codes, n.Code)
	}
	if diff := cmp.Diff([]int{11200, 11200}, codes); diff != "" {
		t.Errorf("notifications mismatch (-want +got):\n%s", diff)
	}
	if info.Status != harness.StatusCompleted {
		t.Errorf("status = %s, want completed after the application error message", info.Status)
	}
}

func TestInlineTwimlParseError(t *testing.T) {
	srv := newServer(t)
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Say>oops</Response>`) })
	c.Wait()
	notes := c.Notifications()
	if len(notes) != 1 || notes[0].Code != 12100 {
		t.Fatalf("notifications = %+v, want one 12100", notes)
	}
}

func TestVerbsNotSimulatedAreReported(t *testing.T) {
	srv := newServer(t)
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetTwiml(`<Response><say>lower case</say><Say>first</Say><Enqueue>support</Enqueue><Say>never</Say></Response>`)
	})
	info := c.Wait()
	var got []string
	for _, n := range c.Notifications() {
		got = append(got, fmt.Sprintf("%d %s", n.Code, n.Level))
	}
	want := []string{"12200 warning", fmt.Sprintf("%d error", harness.CodeNotSimulated)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notifications mismatch (-want +got):\n%s", diff)
	}
	if info.Status != harness.StatusCompleted || info.Duration != time.Second {
		t.Errorf("got %s after %v; want completed after the one Say", info.Status, info.Duration)
	}
}

func TestUrlAndTwimlBothGiven(t *testing.T) {
	a := newApp(`<Response/>`)
	srv := newServer(t, harness.WithApp(origin, a))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetTwiml(`<Response><Pause length="30"/></Response>`) })
	info := c.Wait()
	if info.Duration != 0 || len(c.Requests()) != 1 {
		t.Errorf("the call ran the inline Twiml: duration %v, %d requests", info.Duration, len(c.Requests()))
	}
	notes := c.Notifications()
	if len(notes) != 1 || notes[0].Code != 32019 {
		t.Errorf("notifications = %+v, want the 32019 warning", notes)
	}
}

func TestWebhookOverRealHTTP(t *testing.T) {
	ts := httptest.NewServer(newApp(`<Response><Say>over the wire</Say></Response>`))
	defer ts.Close()
	srv := newServer(t)
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl(ts.URL + "/voice").SetStatusCallback(ts.URL + "/status")
	})
	info := c.Wait()
	if info.Status != harness.StatusCompleted || len(c.Notifications()) != 0 {
		t.Fatalf("got %s with %+v\n%s", info.Status, c.Notifications(), c.Transcript())
	}
	reqs := c.Requests()
	if len(reqs) != 2 || reqs[0].Status != 200 || reqs[1].Status != 204 {
		t.Fatalf("requests over HTTP: %+v", reqs)
	}
}

func TestConnectionRefused(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	addr := ts.URL
	ts.Close() // nothing listens there any more
	srv := newServer(t)
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(addr + "/voice") })
	c.Wait()
	notes := c.Notifications()
	if len(notes) != 1 || notes[0].Code != 11205 {
		t.Fatalf("notifications = %+v, want 11205", notes)
	}
	if r := c.Requests()[0]; r.Err == nil || r.Status != 0 {
		t.Errorf("request record: status %d, err %v; want no status and the connection error", r.Status, r.Err)
	}
}

func TestHandlerMayUseTheAPI(t *testing.T) {
	srv := newServer(t)
	tw := restClient(srv)
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		p := &api.UpdateCallParams{}
		p.SetStatus("completed")
		if _, err := tw.Api.UpdateCall(r.Form.Get("CallSid"), p); err != nil {
			t.Errorf("update from the handler: %v", err)
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>ignored: the call hung up</Say></Response>`)
	})
	srv2 := newServer(t, harness.WithApp(origin, mux))
	tw = restClient(srv2)
	c := place(t, srv2, nil)
	info := c.Wait()
	if info.Status != harness.StatusCompleted {
		t.Fatalf("status = %s, want completed", info.Status)
	}
	for _, e := range c.Events() {
		if e.Kind == harness.EventSay {
			t.Errorf("the call said %q after it was hung up", e.Text)
		}
	}
}

func TestRedirectDuringWebhook(t *testing.T) {
	var srv *harness.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		p := &api.UpdateCallParams{}
		p.SetUrl(origin + "/second")
		if _, err := restClient(srv).Api.UpdateCall(r.Form.Get("CallSid"), p); err != nil {
			t.Errorf("redirect from the handler: %v", err)
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>stale</Say></Response>`)
	})
	mux.HandleFunc("/second", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>second document</Say></Response>`)
	})
	srv = newServer(t, harness.WithApp(origin, mux))
	c := place(t, srv, nil)
	c.Wait()
	var said []string
	for _, e := range c.Events() {
		if e.Kind == harness.EventSay {
			said = append(said, e.Text)
		}
	}
	if diff := cmp.Diff([]string{"second document"}, said); diff != "" {
		t.Errorf("said mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
	}
}

func TestCanceledWhileQueuedSendsNoCallbacks(t *testing.T) {
	a := newApp(`<Response/>`)
	srv := newServer(t, harness.WithApp(origin, a), harness.WithQueueTime(2*time.Second))
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetStatusCallback(origin + "/status").SetStatusCallbackEvent([]string{"initiated", "ringing", "answered", "completed"})
	})
	p := &api.UpdateCallParams{}
	p.SetStatus("canceled")
	got, err := restClient(srv).Api.UpdateCall(c.SID(), p)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Status != "canceled" {
		t.Errorf("update answered status %q, want canceled", *got.Status)
	}
	srv.Run()
	if n := len(c.Requests()); n != 0 {
		t.Errorf("a call canceled in the queue sent %d requests, want none:\n%s", n, c.Transcript())
	}
}

func TestQueueTime(t *testing.T) {
	srv := newServer(t, harness.WithQueueTime(1500*time.Millisecond))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response/>`) })
	c.Wait()
	got, err := restClient(srv).Api.FetchCall(c.SID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if *got.QueueTime != "1500" {
		t.Errorf("queue_time = %q, want 1500", *got.QueueTime)
	}
}

func TestRecordingCallbacks(t *testing.T) {
	a := newApp(`<Response/>`)
	srv := newServer(t, harness.WithApp(origin, a))
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetTwiml(`<Response><Pause length="8"/></Response>`).SetRecord(true).
			SetRecordingChannels("dual").SetRecordingStatusCallback(origin + "/rec").
			SetRecordingStatusCallbackEvent([]string{"in-progress completed"}).SetStatusCallback(origin + "/status")
	})
	c.Wait()
	recs := c.Recordings()
	if len(recs) != 1 || recs[0].Duration != 8*time.Second || recs[0].Channels != 2 || recs[0].Status != "completed" {
		t.Fatalf("recordings = %+v, want one of 8 s, dual, completed", recs)
	}
	var got []string
	for _, r := range c.Requests() {
		got = append(got, fmt.Sprintf("%s %s %s %s", r.Kind, r.Form.Get("RecordingStatus"), r.Form.Get("RecordingChannels"), r.Form.Get("RecordingDuration")))
	}
	want := []string{
		"recording-status-callback in-progress 2 ",
		"status-callback   8",
		"recording-status-callback completed 2 8",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
	done := c.Requests()[1]
	if done.Form.Get("RecordingSid") != recs[0].SID || done.Form.Get("RecordingUrl") != recs[0].URL {
		t.Errorf("completed callback carries recording %s %s, want %s %s", done.Form.Get("RecordingSid"),
			done.Form.Get("RecordingUrl"), recs[0].SID, recs[0].URL)
	}
}

func TestPrice(t *testing.T) {
	srv := newServer(t, harness.WithPrice(0.02, "eur"))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Pause length="61"/></Response>`) })
	c.Wait()
	got, err := restClient(srv).Api.FetchCall(c.SID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Price != "-0.04000" || *got.PriceUnit != "EUR" || *got.Duration != "61" {
		t.Errorf("price %s %s for %s s, want -0.04000 EUR for 61 s (two started minutes)", *got.Price, *got.PriceUnit, *got.Duration)
	}
}

func TestAutoRun(t *testing.T) {
	srv := newServer(t, harness.WithAutoRun(), harness.WithParty(to, scenario.AnswersAfter(30*time.Second)))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Pause length="600"/></Response>`) })
	info := c.Wait()
	if info.Status != harness.StatusCompleted || info.Duration != 600*time.Second {
		t.Fatalf("got %s after %v; want completed after 600 s of virtual time", info.Status, info.Duration)
	}
}

func TestCloseIsIdempotentAndStopsTheAPI(t *testing.T) {
	srv := harness.NewServer(nil, harness.WithAutoRun())
	base := srv.URL()
	srv.Close()
	srv.Close()
	if _, err := http.Get(base + "/2010-04-01/Accounts/x/Calls.json"); err == nil {
		t.Error("the listener still answers after Close")
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/2010-04-01/Accounts/x/Calls.json", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("after Close the handler answers %d, want 503", rec.Code)
	}
	if _, err := srv.Listen(); !errors.Is(err, harness.ErrClosed) {
		t.Errorf("Listen after Close: %v, want ErrClosed", err)
	}
}

func TestAccounts(t *testing.T) {
	srv := newServer(t)
	sid, token, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := harness.CheckAccount(sid, token); err != nil {
		t.Errorf("generated account: %v", err)
	}
	if _, _, err := srv.AddAccount(sid, "other"); err == nil {
		t.Error("adding an account twice succeeded")
	}
	if _, _, err := srv.AddAccount("AC123", "tok"); err == nil {
		t.Error("a malformed account SID was accepted")
	}
	if _, _, err := srv.AddAccount("ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "not-alphanumeric"); err == nil {
		t.Error("a token with a dash was accepted")
	}
}

func TestCloseStopsEveryGoroutine(t *testing.T) {
	srv := harness.NewServer(nil, harness.WithAutoRun())
	base := srv.URL()
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	for i := 0; i < 3; i++ {
		resp, err := (&http.Client{Transport: tr}).Get(base + "/2010-04-01/Accounts/x/Calls.json")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	srv.Close()
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	for _, fn := range []string{"harness.(*Server).autoRun", "net/http.(*conn).serve", "net/http.(*Server).Serve"} {
		if strings.Contains(stacks, fn) {
			t.Errorf("a goroutine in %s outlived Close:\n%s", fn, stacks)
		}
	}
}

func TestServerEventsInterleaveCalls(t *testing.T) {
	srv := newServer(t)
	a := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Pause length="5"/></Response>`) })
	b := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Pause length="2"/></Response>`) })
	srv.Run()
	events := srv.Events()
	if len(events) != len(a.Events())+len(b.Events()) {
		t.Fatalf("server has %d events, calls have %d and %d", len(events), len(a.Events()), len(b.Events()))
	}
	var order []string
	for i, e := range events {
		if i > 0 && (e.Seq <= events[i-1].Seq || e.Time.Before(events[i-1].Time)) {
			t.Errorf("event %d (%d at %v) is not after event %d (%d at %v)", i, e.Seq, e.Time, i-1, events[i-1].Seq, events[i-1].Time)
		}
		if e.Kind == harness.EventStatus && e.Status == harness.StatusCompleted {
			order = append(order, e.CallSID)
		}
	}
	if diff := cmp.Diff([]string{b.SID(), a.SID()}, order); diff != "" {
		t.Errorf("completion order mismatch (-want +got):\n%s", diff)
	}
}

func TestClearParty(t *testing.T) {
	const other = "+14155550177"
	srv := newServer(t, harness.WithParty(to, scenario.Busy()))
	srv.SetParty(to, scenario.NoAnswer())
	srv.SetParty(other, scenario.Busy())
	srv.ClearParty(to)    // back to WithParty's busy
	srv.ClearParty(other) // back to the default: answers
	a := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response/>`) })
	b := place(t, srv, func(p *api.CreateCallParams) { p.SetTo(other).SetUrl("").SetTwiml(`<Response/>`) })
	srv.Run()
	if a.Status() != harness.StatusBusy || b.Status() != harness.StatusCompleted {
		t.Errorf("after ClearParty: %s is %s (want busy, from WithParty), %s is %s (want completed, the default)",
			to, a.Status(), other, b.Status())
	}
}

func TestAutoRunWaitIncludesLegs(t *testing.T) {
	a := newApp(`<Response><Dial><Number statusCallback="/leg">+14155550201</Number></Dial></Response>`)
	srv := newServer(t, harness.WithAutoRun(), harness.WithApp(origin, a),
		harness.WithParty("+14155550201", scenario.AnswersAfter(3*time.Second).HangsUpAfter(4*time.Second)))
	c := place(t, srv, nil)
	c.Wait()
	legs := c.Children()
	if len(legs) != 1 {
		t.Fatalf("legs: %d\n%s", len(legs), srv.Transcript())
	}
	var done bool
	for _, r := range legs[0].Requests() {
		done = done || (r.Kind == harness.KindStatusCallback && r.Form.Get("CallStatus") == "completed")
	}
	if !done {
		t.Errorf("Wait returned before the leg's completed callback was sent:\n%s", srv.Transcript())
	}
}
