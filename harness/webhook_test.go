package harness_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

// cliFormType is the Content-Type of a POSTed webhook.
const cliFormType = "application/x-www-form-urlencoded"

// cliFirstValues flattens a form as twilio-go's validator reads it.
func cliFirstValues(form url.Values) map[string]string {
	out := make(map[string]string, len(form))
	for k, vs := range form {
		if len(vs) > 0 {
			out[k] = vs[0]
		}
	}
	return out
}

// cliHookApp is a voice application that records every request as it arrived
// and answers by path: TwiML on /voice and /fallback, 500 on /broken, 204
// elsewhere.
type cliHookApp struct {
	mu  sync.Mutex
	got []cliArrivedHook
}

// cliArrivedHook is a request as the application saw it.
type cliArrivedHook struct {
	Method string
	URL    string // scheme, host and request URI, as an app reconstructs it
	Form   map[string]string
	Header http.Header
}

func (h *cliHookApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	in := cliArrivedHook{Method: r.Method, URL: scheme + "://" + r.Host + r.URL.RequestURI(), Header: r.Header.Clone()}
	if r.Method == http.MethodPost {
		in.Form = cliFirstValues(r.PostForm)
	}
	h.mu.Lock()
	h.got = append(h.got, in)
	h.mu.Unlock()
	switch r.URL.Path {
	case "/voice", "/fallback":
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>Hello there</Say></Response>`)
	case "/broken":
		http.Error(w, "boom", http.StatusInternalServerError)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (h *cliHookApp) arrived() []cliArrivedHook {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]cliArrivedHook(nil), h.got...)
}

func TestWebhooksValidateWithTwilioGo(t *testing.T) {
	t.Run("signature test vectors", func(t *testing.T) {
		docs := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675310"}, "Digits": {"1234"},
			"From": {"+14158675310"}, "To": {"+18005551212"}}
		readme := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"},
			"From": {"+12349013030"}, "To": {"+18005551212"}}
		validatorTest := url.Values{"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"},
			"Caller": {"+14158675309"}, "From": {"+14158675309"}, "ReasonConferenceEnded": {"test"}, "Reason": {"Participant"}}
		const bodyHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
		vectors := []struct {
			name string
			url  string
			form url.Values
			want string
		}{
			{"Twilio's documentation", "https://example.com/myapp.php?foo=1&bar=2", docs, "L/OH5YylLD5NRKLltdqwSvS0BnU="},
			{"twilio-go README", "https://mycompany.com/myapp.php?foo=1&bar=2", readme, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="},
			{"twilio-go validator test", "https://mycompany.com/myapp.php?foo=1&bar=2", validatorTest, "vOEb5UThFn24KEfnOFLQY2AE5FY="},
			{"twilio-go validator test over http", "http://mycompany.com/myapp.php?foo=1&bar=2", validatorTest, "n2xBNyzSW7rfYStDtOFiFMv7qNo="},
			{"JSON body hash in the URL", "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=" + bodyHash, nil, "a9nBmqA0ju/hNViExpshrM61xv4="},
		}
		validator := client.NewRequestValidator("12345")
		for _, v := range vectors {
			if got := harness.Signature("12345", v.url, v.form); got != v.want {
				t.Errorf("%s: Signature = %q, want %q", v.name, got, v.want)
			}
			if !validator.Validate(v.url, cliFirstValues(v.form), v.want) {
				t.Errorf("%s: twilio-go does not accept the vector itself", v.name)
			}
		}
		if !validator.ValidateBody(vectors[4].url, []byte(`{"property": "value", "boolean": true}`), harness.Signature("12345", vectors[4].url, nil)) {
			t.Errorf("twilio-go ValidateBody rejects Signature of a bodySHA256 URL")
		}
	})

	app := &cliHookApp{}
	srv := newServer(t, harness.WithApp(origin, app), harness.WithApp(origin+":8443", app))
	tw := restClient(srv)
	acct2, token2, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatalf("AddAccount: %v", err)
	}
	tw2 := restClientFor(srv, acct2, token2)

	// A: GET Url with a query of its own, every status event, a recording
	// with GET callbacks.
	pa := &api.CreateCallParams{}
	sidA := cliCreate(t, tw, pa.SetTo("+14155550100").SetFrom("+14155550199").
		SetUrl(origin+"/voice?lang=en-US&name=a%20b").SetMethod("GET").
		SetStatusCallback(origin+"/status?tenant=t1&env=test").SetStatusCallbackEvent(allEvents).
		SetRecord(true).SetRecordingStatusCallback(origin+"/recording").SetRecordingStatusCallbackMethod("GET").
		SetRecordingStatusCallbackEvent([]string{"in-progress", "completed"}))
	// B: a failing Url with a FallbackUrl, and status callbacks by GET.
	pb := &api.CreateCallParams{}
	sidB := cliCreate(t, tw, pb.SetTo("+442071838750").SetFrom("+14155550199").
		SetUrl(origin+"/broken").SetFallbackUrl(origin+"/fallback").
		SetStatusCallback(origin+"/status-get").SetStatusCallbackMethod("GET").SetStatusCallbackEvent(allEvents))
	// C: a call of the second account, signed with its own token, to URLs
	// with a port: another one, and the default one written out.
	pc := &api.CreateCallParams{}
	sidC := cliCreate(t, tw2, pc.SetTo("client:alice").SetFrom("+14155550199").
		SetUrl(origin+":8443/voice").SetStatusCallback("https://app.example.com:443/status"))
	srv.Run()

	reqs := srv.Requests()
	type kindMethod struct {
		Kind   harness.RequestKind
		Method string
	}
	count := map[string]map[kindMethod]int{}
	for _, r := range reqs {
		if count[r.CallSID] == nil {
			count[r.CallSID] = map[kindMethod]int{}
		}
		count[r.CallSID][kindMethod{r.Kind, r.Method}]++
	}
	wantCount := map[string]map[kindMethod]int{
		sidA: {{harness.KindVoice, "GET"}: 1, {harness.KindStatusCallback, "POST"}: 4, {harness.KindRecordingStatusCallback, "GET"}: 2},
		sidB: {{harness.KindVoice, "POST"}: 1, {harness.KindFallback, "POST"}: 1, {harness.KindStatusCallback, "GET"}: 4},
		sidC: {{harness.KindVoice, "POST"}: 1, {harness.KindStatusCallback, "POST"}: 1},
	}
	if diff := cmp.Diff(wantCount, count); diff != "" {
		t.Fatalf("requests by call, kind and method mismatch (-want +got):\n%s\n%s", diff, srv.Transcript())
	}

	tokens := map[string]int{}
	for i, r := range reqs {
		name := fmt.Sprintf("request %d (%s %s %s)", i, r.Kind, r.Method, r.URL)
		token, own := srv.AuthToken(), r.CallSID != sidC
		other := token2
		if !own {
			token, other = token2, srv.AuthToken()
		}
		validator := client.NewRequestValidator(token)
		sig := r.Header.Get("X-Twilio-Signature")
		var params map[string]string
		switch r.Method {
		case http.MethodGet:
			params = map[string]string{}
			u, err := url.Parse(r.URL)
			if err != nil {
				t.Errorf("%s: bad URL: %v", name, err)
				continue
			}
			// The query carries every parameter, after those of the
			// configured URL.
			q := u.Query()
			for k, vs := range r.Form {
				if diff := cmp.Diff(vs, q[k]); diff != "" {
					t.Errorf("%s: parameter %s in the query mismatch (-form +query):\n%s", name, k, diff)
				}
			}
		case http.MethodPost:
			params = cliFirstValues(r.Form)
			if ct := r.Header.Get("Content-Type"); ct != cliFormType {
				t.Errorf("%s: Content-Type %q, want %q", name, ct, cliFormType)
			}
		default:
			t.Errorf("%s: method %s", name, r.Method)
		}
		if r.Method == http.MethodGet && r.Header.Get("Content-Type") != "" {
			t.Errorf("%s: GET with Content-Type %q", name, r.Header.Get("Content-Type"))
		}
		if !validator.Validate(r.URL, params, sig) {
			t.Errorf("%s: twilio-go rejects X-Twilio-Signature %q", name, sig)
		}
		wrong := client.NewRequestValidator(other)
		if wrong.Validate(r.URL, params, sig) {
			t.Errorf("%s: the signature validates with another account's token", name)
		}
		// Tampering with any parameter breaks the signature.
		if r.Method == http.MethodPost {
			tampered := cliFirstValues(r.Form)
			tampered["CallSid"] = "CA00000000000000000000000000000000"
			if validator.Validate(r.URL, tampered, sig) {
				t.Errorf("%s: validates with a tampered CallSid", name)
			}
			extra := cliFirstValues(r.Form)
			extra["Digits"] = "1"
			if validator.Validate(r.URL, extra, sig) {
				t.Errorf("%s: validates with an added parameter", name)
			}
		} else {
			tampered := strings.Replace(r.URL, "CallSid="+r.CallSID, "CallSid=CA00000000000000000000000000000000", 1)
			if tampered == r.URL {
				t.Errorf("%s: GET URL does not carry CallSid=%s", name, r.CallSID)
			}
			if validator.Validate(tampered, params, sig) {
				t.Errorf("%s: validates with a tampered query", name)
			}
		}
		if ua := r.Header.Get("User-Agent"); ua != "TwilioProxy/1.1" {
			t.Errorf("%s: User-Agent %q, want TwilioProxy/1.1", name, ua)
		}
		tok := r.Header.Get("I-Twilio-Idempotency-Token")
		if tok == "" {
			t.Errorf("%s: no I-Twilio-Idempotency-Token", name)
		}
		tokens[tok]++
	}
	for tok, n := range tokens {
		if n > 1 {
			t.Errorf("I-Twilio-Idempotency-Token %q used by %d requests", tok, n)
		}
	}

	// What the application received validates too, from the URL it rebuilds
	// from Host and the request URI, and the form it parsed. Requests of
	// one instant are in flight together, so the app may get them in any
	// order: each is matched to the record by its idempotency token.
	arrived := app.arrived()
	if len(arrived) != len(reqs) {
		t.Fatalf("the app got %d requests, the record has %d", len(arrived), len(reqs))
	}
	byToken := map[string]harness.Request{}
	for _, r := range reqs {
		byToken[r.Header.Get("I-Twilio-Idempotency-Token")] = r
	}
	for i, in := range arrived {
		r, ok := byToken[in.Header.Get("I-Twilio-Idempotency-Token")]
		name := fmt.Sprintf("arrived %d (%s %s)", i, in.Method, in.URL)
		if !ok {
			t.Errorf("%s: its idempotency token %q is not in the record", name, in.Header.Get("I-Twilio-Idempotency-Token"))
			continue
		}
		if in.Method != r.Method || in.URL != r.URL {
			t.Errorf("%s: recorded as %s %s", name, r.Method, r.URL)
		}
		token := srv.AuthToken()
		if r.CallSID == sidC {
			token = token2
		}
		validator := client.NewRequestValidator(token)
		if !validator.Validate(in.URL, in.Form, in.Header.Get("X-Twilio-Signature")) {
			t.Errorf("%s: twilio-go rejects the request as the app received it", name)
		}
		if diff := cmp.Diff(r.Header.Get("I-Twilio-Idempotency-Token"), in.Header.Get("I-Twilio-Idempotency-Token")); diff != "" {
			t.Errorf("%s: idempotency token differs from the record (-record +arrived):\n%s", name, diff)
		}
	}

	// The fallback request says what failed.
	fb := cliRequestsOf(srv, sidB, harness.KindFallback)
	if len(fb) == 1 {
		if got := fb[0].Form; got.Get("ErrorCode") != "11200" || got.Get("ErrorUrl") != origin+"/broken" {
			t.Errorf("fallback ErrorCode %q ErrorUrl %q, want 11200 and %s/broken", got.Get("ErrorCode"), got.Get("ErrorUrl"), origin)
		}
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
		if _, err := tw.UpdateCall(r.Form.Get("CallSid"), p); err != nil {
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

func TestInProcessRedirectsAreFollowed(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/moved", http.StatusFound) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, "<Response><Say>moved %s</Say></Response>", r.Method)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusTemporaryRedirect)
	})
	srv := newServer(t, harness.WithApp(origin, mux))
	c := place(t, srv, nil)
	loop := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(origin + "/loop") })
	srv.Run()
	if diff := cmp.Diff([]string{"moved GET"}, said(c)); diff != "" {
		t.Errorf("said mismatch (-want +got):\n%s", diff)
	}
	if n := loop.Notifications(); len(n) != 1 || n[0].Code != 11215 {
		t.Errorf("notifications = %+v, want 11215", n)
	}
}

// redirectHop is a request the application got after a redirect.
type redirectHop struct {
	Method string
	Query  string
	Form   url.Values // the POST body
}

// redirectingApp answers /voice with a redirect (status and Location) and
// serves /next and /fallback, keeping what /next got.
type redirectingApp struct {
	status   int
	location string

	mu   sync.Mutex // guards hops
	hops []redirectHop
}

func (a *redirectingApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/voice":
		if a.location != "" {
			w.Header().Set("Location", a.location)
		}
		w.WriteHeader(a.status)
	case "/next":
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		a.mu.Lock()
		a.hops = append(a.hops, redirectHop{Method: r.Method, Query: r.URL.RawQuery, Form: form})
		a.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>Moved</Say></Response>`)
	case "/fallback":
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>Fallback</Say></Response>`)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (a *redirectingApp) got() []redirectHop {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]redirectHop(nil), a.hops...)
}

// Fix 4: Twilio follows only 301, 302, 303 and 307 from the application
// (301, 302 and 303 as a GET without the parameters, 307 repeating the POST
// and its body); any other 3xx, or one without a Location, is error 11216
// "HTTP invalid redirect" (Twilio's error catalog,
// https://www.twilio.com/docs/api/errors/11216), which ends the call with the
// application error or goes to the FallbackUrl (Twilio's "Availability and
// Reliability" page, reference voice-semantics §0.12, §2.4).
func TestFixWebhookRedirects(t *testing.T) {
	followedAsGET := []redirectHop{{Method: "GET", Query: "", Form: url.Values{}}}
	tests := []struct {
		name     string
		status   int
		location string
		fallback bool
		// wantNext is what /next got; wantPOST: the voice request's own
		// parameters were POSTed again.
		wantNext  []redirectHop
		wantPOST  bool
		wantCodes []int
		wantSaid  []string
		wantReqs  []req
	}{
		{name: "301 is followed as a GET", status: 301, location: "/next", wantNext: followedAsGET, wantSaid: []string{"Moved"}},
		{name: "302 is followed as a GET", status: 302, location: "/next", wantNext: followedAsGET, wantSaid: []string{"Moved"}},
		{name: "303 is followed as a GET", status: 303, location: "/next", wantNext: followedAsGET, wantSaid: []string{"Moved"}},
		{name: "303 to an absolute Location", status: 303, location: origin + "/next", wantNext: followedAsGET, wantSaid: []string{"Moved"}},
		{name: "307 repeats the POST with its body", status: 307, location: "/next", wantPOST: true, wantSaid: []string{"Moved"}},
		{name: "308 is 11216", status: 308, location: "/next", wantCodes: []int{11216}, wantSaid: []string{appErrorMessage}},
		{name: "300 is 11216", status: 300, location: "/next", wantCodes: []int{11216}, wantSaid: []string{appErrorMessage}},
		{name: "304 is 11216", status: 304, location: "/next", wantCodes: []int{11216}, wantSaid: []string{appErrorMessage}},
		{name: "302 without a Location is 11216", status: 302, wantCodes: []int{11216}, wantSaid: []string{appErrorMessage}},
		{name: "308 goes to the FallbackUrl", status: 308, location: "/next", fallback: true, wantCodes: []int{11216}, wantSaid: []string{"Fallback"},
			wantReqs: []req{voiceReq, {harness.KindFallback, "POST", "/fallback", values("ErrorCode", "11216", "ErrorUrl", origin+"/voice")}}},
		{name: "302 without a Location goes to the FallbackUrl", status: 302, fallback: true, wantCodes: []int{11216}, wantSaid: []string{"Fallback"},
			wantReqs: []req{voiceReq, {harness.KindFallback, "POST", "/fallback", values("ErrorCode", "11216", "ErrorUrl", origin+"/voice")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &redirectingApp{status: tt.status, location: tt.location}
			srv := newServer(t, harness.WithApp(origin, a))
			c := place(t, srv, func(p *api.CreateCallParams) {
				if tt.fallback {
					p.SetFallbackUrl(origin + "/fallback")
				}
			})
			info := c.Wait()
			want := tt.wantNext
			if tt.wantPOST {
				want = []redirectHop{{Method: "POST", Query: "", Form: c.Requests()[0].Form}}
			}
			if diff := cmp.Diff(want, a.got()); diff != "" {
				t.Errorf("what /next got mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff(tt.wantCodes, codes(c)); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff(tt.wantSaid, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
			if tt.wantReqs != nil {
				if diff := cmp.Diff(tt.wantReqs, requests(c, "ErrorCode", "ErrorUrl")); diff != "" {
					t.Errorf("requests mismatch (-want +got):\n%s", diff)
				}
			}
			if info.Status != harness.StatusCompleted {
				t.Errorf("status = %s, want completed", info.Status)
			}
		})
	}

	t.Run("308 over real HTTP is 11216", func(t *testing.T) {
		a := &redirectingApp{status: 308, location: "/next"}
		ts := httptest.NewServer(a)
		defer ts.Close()
		srv := newServer(t)
		c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(ts.URL + "/voice") })
		c.Wait()
		if diff := cmp.Diff([]int{11216}, codes(c)); diff != "" {
			t.Errorf("notifications mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
		}
		if diff := cmp.Diff([]string{appErrorMessage}, said(c)); diff != "" {
			t.Errorf("said mismatch (-want +got):\n%s", diff)
		}
		if got := a.got(); len(got) != 0 {
			t.Errorf("/next got %+v, want no request: a 308 is not followed", got)
		}
	})
}

// servedRequest is what an application's handler saw of a webhook.
type servedRequest struct {
	IsAbs         bool
	Path          string
	RawQuery      string
	RequestURI    string
	Host          string
	TLS           bool
	RemoteAddrSet bool
	Proto         string
	// Valid: twilio-go's validator accepts the URL rebuilt from the
	// request with the POST parameters and X-Twilio-Signature.
	Valid bool
}

// servedApp answers /voice and keeps what its handler saw.
type servedApp struct {
	mu   sync.Mutex // guards seen
	seen []servedRequest
}

func (a *servedApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if r.URL.Path != "/voice" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	// What a real application does behind a TLS-terminating server.
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	rebuilt := scheme + "://" + r.Host + r.URL.String()
	validator := client.NewRequestValidator(harness.DefaultAuthToken)
	s := servedRequest{
		IsAbs: r.URL.IsAbs(), Path: r.URL.Path, RawQuery: r.URL.RawQuery, RequestURI: r.RequestURI,
		Host: r.Host, TLS: r.TLS != nil, RemoteAddrSet: r.RemoteAddr != "", Proto: r.Proto,
		Valid: validator.Validate(rebuilt, cliFirstValues(r.PostForm), r.Header.Get(harness.HeaderSignature)),
	}
	a.mu.Lock()
	a.seen = append(a.seen, s)
	a.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, `<Response><Say>Hi</Say></Response>`)
}

// Fix 11: an in-process application gets the request an http.Server would
// hand it (net/http's Request documentation: for server requests URL holds
// the request-target, Host the Host header, TLS is set on TLS connections),
// so that the usual way to validate X-Twilio-Signature, rebuilding the URL
// from r.Host and r.URL, works (Twilio's security page,
// https://www.twilio.com/docs/usage/security: the signature is computed over
// the full URL, query string included, then the POST parameters).
func TestFixInProcessRequestLooksServed(t *testing.T) {
	tests := []struct {
		name   string
		origin string
		want   servedRequest
	}{
		{"https without a port", "https://app.example.com", servedRequest{Host: "app.example.com", TLS: true}},
		{"https with a port", "https://app.example.com:8443", servedRequest{Host: "app.example.com:8443", TLS: true}},
		{"http with a port", "http://app.example.com:8080", servedRequest{Host: "app.example.com:8080"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &servedApp{}
			srv := newServer(t, harness.WithApp(tt.origin, a))
			c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(tt.origin + "/voice?tenant=7") })
			c.Wait()
			want := tt.want
			want.Path, want.RawQuery, want.RequestURI = "/voice", "tenant=7", "/voice?tenant=7"
			want.RemoteAddrSet, want.Proto, want.Valid = true, "HTTP/1.1", true
			a.mu.Lock()
			got := append([]servedRequest(nil), a.seen...)
			a.mu.Unlock()
			if diff := cmp.Diff([]servedRequest{want}, got); diff != "" {
				t.Errorf("request the handler saw mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
