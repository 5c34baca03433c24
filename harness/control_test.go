package harness_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
)

// control sends one control request to srv's control handler, with the
// server's credentials (and as JSON, if it has a body), and returns the
// status and body.
func control(t *testing.T, srv *harness.Server, method, path, body string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ControlHandler().ServeHTTP(rec, controlRequest(srv, method, path, body))
	data, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(data)
}

// controlRequest returns a control request as a test's client sends it:
// with srv's credentials, and a JSON body if body is not empty.
func controlRequest(srv *harness.Server, method, path, body string) *http.Request {
	r := httptest.NewRequest(method, harness.ControlPrefix+path, strings.NewReader(body))
	r.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	return r
}

func TestControlAPI(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{
		"/voice": `<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather></Response>`,
		"/menu":  `<Response><Dial action="/dialed">+14155550201</Dial></Response>`,
	}}))
	steps := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"PUT", "parties/+14155550201", `{"answer": "busy"}`, 200, `"party":"busy"`},
		{"POST", "numbers", `{"phone_number": "+14155550123", "voice_url": "` + origin + `/voice"}`, 200, `"sid":"PN`},
		{"POST", "calls", `{"from": "+14155550999", "to": "+14155550123", "caller": {"steps": [{"press": "1"}]}}`, 200, `"sid":"CA`},
		{"POST", "clock/advance", `{"seconds": 1}`, 200, `"now":"2025-01-06T09:00:01Z"`},
		{"POST", "clock/run", ``, 200, `"now"`},
		{"GET", "transcript", ``, 200, "dial         ended: DialCallStatus=busy"},
		{"GET", "diagram", ``, 200, "sequenceDiagram"},
		{"GET", "record", ``, 200, `"direction": "inbound"`},
		{"POST", "faults", `{"url": "` + origin + `/voice", "status": 500}`, 200, `"url"`},
		{"PUT", "parties/+1", `{"answer": "maybe"}`, 400, `answer \"maybe\"`},
		{"PUT", "parties/+14155550202", `{"answer": "busy"}`, 200, `"party":"busy"`},
		{"DELETE", "parties/+14155550202", ``, 200, `"party":"answers after 0s"`},
		{"POST", "calls", `{"from": "+1", "to": "+19999999999"}`, 400, "no such number"},
		{"POST", "seed", `{"seed": "x"}`, 400, "not the JSON"},
		{"GET", "calls/CAnope/transcript", ``, 404, "no call CAnope"},
		{"GET", "nothing", ``, 404, "no control endpoint GET /_harness/nothing"},
	}
	var sid string
	for _, st := range steps {
		code, body := control(t, srv, st.method, st.path, st.body)
		if code != st.status || !strings.Contains(body, st.want) {
			t.Errorf("%s %s: %d %s; want %d with %q", st.method, st.path, code, body, st.status, st.want)
		}
		if st.path == "calls" && code == 200 {
			var out struct{ Sid string }
			json.Unmarshal([]byte(body), &out)
			sid = out.Sid
		}
	}
	if code, body := control(t, srv, "GET", "calls/"+sid+"/transcript", ""); code != 200 || !strings.Contains(body, "call "+sid+" inbound") {
		t.Errorf("transcript of %s: %d %s", sid, code, body)
	}
	for _, path := range []string{"record", "calls/" + sid + "/record"} {
		_, with := control(t, srv, "GET", path, "")
		_, without := control(t, srv, "GET", path+"?reply_bodies=false", "")
		if !strings.Contains(with, `"reply_body"`) || strings.Contains(without, `"reply_body"`) || !strings.Contains(without, `"reply_status": 200`) {
			t.Errorf("GET %s?reply_bodies=false: want the record without the applications' reply bodies, got:\n%.600s", path, without)
		}
	}
	if c := srv.Call(sid); c == nil || c.Status() != harness.StatusCompleted {
		t.Fatalf("the incoming call did not complete")
	}
	if code, _ := control(t, srv, "POST", "reset", ""); code != 200 || len(srv.Calls()) != 0 || len(srv.Requests()) != 0 {
		t.Errorf("reset left %d calls and %d requests", len(srv.Calls()), len(srv.Requests()))
	}
}

// controlReply is an answer of the control API: its status, the
// WWW-Authenticate header and the message of its {"error": "…"} body.
type controlReply struct {
	status int
	auth   string
	err    string
}

// controlReplyOf reads an answer of the control API, and fails the test
// unless an error is {"error": "…"} with a message.
func controlReplyOf(t *testing.T, resp *http.Response) controlReply {
	t.Helper()
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	got := controlReply{status: resp.StatusCode, auth: resp.Header.Get("WWW-Authenticate")}
	if resp.StatusCode != http.StatusOK {
		var body map[string]string
		if err := json.Unmarshal(data, &body); err != nil || len(body) != 1 || body["error"] == "" {
			t.Errorf("status %d with body %q, want {\"error\": \"…\"}", resp.StatusCode, data)
		}
		got.err = body["error"]
	}
	return got
}

func TestControlAPIRefuses(t *testing.T) {
	srv := newServer(t)
	otherSID, otherToken, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatal(err)
	}
	const realm = `Basic realm="twimlharness control"`
	chunked := func(body string) io.Reader { return io.MultiReader(strings.NewReader(body)) } // length unknown
	tests := []struct {
		name       string
		method     string
		path       string
		body       io.Reader
		set        func(r *http.Request)
		wantStatus int
		wantErr    string // in the error's message
	}{
		{name: "no credentials", set: func(r *http.Request) { r.Header.Del("Authorization") },
			wantStatus: 401, wantErr: "send the account SID and auth token as HTTP Basic credentials, as for the REST API"},
		{name: "wrong token", set: func(r *http.Request) { r.SetBasicAuth(srv.AccountSID(), "wrong") },
			wantStatus: 401, wantErr: "HTTP Basic credentials"},
		{name: "unknown account", set: func(r *http.Request) { r.SetBasicAuth("ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", srv.AuthToken()) },
			wantStatus: 401, wantErr: "HTTP Basic credentials"},
		{name: "another account of the server", set: func(r *http.Request) { r.SetBasicAuth(otherSID, otherToken) }, wantStatus: 200},
		{name: "foreign Origin", set: func(r *http.Request) { r.Header.Set("Origin", "http://evil.example") },
			wantStatus: 403, wantErr: `refuses requests from web pages (Origin "http://evil.example" is not this server's)`},
		{name: "Origin null", set: func(r *http.Request) { r.Header.Set("Origin", "null") }, wantStatus: 403, wantErr: `Origin "null"`},
		{name: "Origin on another port", set: func(r *http.Request) { r.Header.Set("Origin", "http://example.com:8080") },
			wantStatus: 403, wantErr: "Origin"},
		{name: "own Origin", set: func(r *http.Request) { r.Header.Set("Origin", "http://example.com") }, wantStatus: 200},
		{name: "Sec-Fetch-Site cross-site", set: func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") },
			wantStatus: 403, wantErr: "(Sec-Fetch-Site: cross-site): call it from a test or a script, not a browser"},
		{name: "Sec-Fetch-Site same-site", set: func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "same-site") },
			wantStatus: 403, wantErr: "Sec-Fetch-Site: same-site"},
		{name: "Sec-Fetch-Site same-origin", set: func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "same-origin") }, wantStatus: 200},
		{name: "Sec-Fetch-Site none", set: func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "none") }, wantStatus: 200},
		{name: "browser checks before credentials", set: func(r *http.Request) {
			r.Header.Del("Authorization")
			r.Header.Set("Origin", "http://evil.example")
		}, wantStatus: 403, wantErr: "Origin"},
		{name: "text/plain body", set: func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") },
			wantStatus: 415, wantErr: `takes JSON bodies, and this one is "text/plain": send it with Content-Type: application/json`},
		{name: "form body", set: func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") },
			wantStatus: 415, wantErr: "application/x-www-form-urlencoded"},
		{name: "body without a type", set: func(r *http.Request) { r.Header.Del("Content-Type") }, wantStatus: 415, wantErr: `this one is ""`},
		{name: "text/plain body of unknown length", body: chunked(`{"seed": 7}`),
			set: func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, wantStatus: 415, wantErr: "text/plain"},
		{name: "JSON body of unknown length", body: chunked(`{"seed": 7}`), wantStatus: 200},
		{name: "JSON with a charset", set: func(r *http.Request) { r.Header.Set("Content-Type", "application/json; charset=utf-8") },
			wantStatus: 200},
		{name: "POST without a body or a type", path: "clock/run", body: strings.NewReader(""), wantStatus: 200},
		{name: "POST with an empty body of unknown length", path: "clock/run", body: chunked(""),
			set: func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, wantStatus: 200},
		{name: "Host is not checked without WithControlHosts", set: func(r *http.Request) { r.Host = "evil.example" }, wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, path := "POST", "seed"
			if tt.path != "" {
				path = tt.path
			}
			body := tt.body
			if body == nil {
				body = strings.NewReader(`{"seed": 7}`)
			}
			r := httptest.NewRequest(method, harness.ControlPrefix+path, body)
			r.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
			r.Header.Set("Content-Type", "application/json")
			if tt.set != nil {
				tt.set(r)
			}
			rec := httptest.NewRecorder()
			srv.ControlHandler().ServeHTTP(rec, r)
			got := controlReplyOf(t, rec.Result())
			if got.status != tt.wantStatus || !strings.Contains(got.err, tt.wantErr) {
				t.Errorf("%d %q, want %d with %q", got.status, got.err, tt.wantStatus, tt.wantErr)
			}
			if wantAuth := map[bool]string{true: realm}[tt.wantStatus == 401]; got.auth != wantAuth {
				t.Errorf("WWW-Authenticate: %q, want %q", got.auth, wantAuth)
			}
		})
	}
}

func TestControlHosts(t *testing.T) {
	srv := newServer(t, harness.WithControlHosts("Harness.test", "other.test:8080"))
	tests := []struct {
		host       string
		wantStatus int
	}{
		{"harness.test", 200},
		{"harness.test:1234", 200},
		{"HARNESS.TEST:80", 200},
		{"other.test:8080", 200},
		{"other.test:9090", 403},
		{"other.test", 403},
		{"evil.example", 403},
		{"127.0.0.1:8080", 403},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			r := controlRequest(srv, "GET", "clock", "")
			r.Host = tt.host
			rec := httptest.NewRecorder()
			srv.ControlHandler().ServeHTTP(rec, r)
			got := controlReplyOf(t, rec.Result())
			if got.status != tt.wantStatus {
				t.Errorf("Host %s: %d %q, want %d", tt.host, got.status, got.err, tt.wantStatus)
			}
			if tt.wantStatus == 403 && !strings.Contains(got.err, "harness.WithControlHosts") {
				t.Errorf("Host %s: the error %q does not say how to allow a name", tt.host, got.err)
			}
		})
	}
}

// TestControlAPIOnTheListener checks the Host and Origin of requests
// through the real listener of WithControlAPI, which knows its address.
func TestControlAPIOnTheListener(t *testing.T) {
	tests := []struct {
		name       string
		listen     string
		names      []string
		host       string // "" for the listener's address; %s is its port
		origin     string // %s is its port
		noAuth     bool
		wantStatus int
		wantErr    string
	}{
		{name: "own address", listen: "127.0.0.1:0", wantStatus: 200},
		{name: "evil.example", listen: "127.0.0.1:0", host: "evil.example", wantStatus: 403,
			wantErr: `Host "evil.example" does not name this server, as when a web page reaches it through DNS rebinding: address the server as 127.0.0.1:`},
		{name: "evil.example on the port", listen: "127.0.0.1:0", host: "evil.example:%s", wantStatus: 403, wantErr: "DNS rebinding"},
		{name: "localhost", listen: "127.0.0.1:0", host: "localhost:%s", wantStatus: 200},
		{name: "IPv6 loopback", listen: "127.0.0.1:0", host: "[::1]:%s", wantStatus: 200},
		{name: "another port", listen: "127.0.0.1:0", host: "127.0.0.1:1", wantStatus: 403, wantErr: "DNS rebinding"},
		{name: "another address", listen: "127.0.0.1:0", host: "192.0.2.1:%s", wantStatus: 403, wantErr: "DNS rebinding"},
		{name: "a name of WithControlHosts", listen: "127.0.0.1:0", names: []string{"twimlharness"}, host: "twimlharness:%s", wantStatus: 200},
		{name: "own Origin", listen: "127.0.0.1:0", origin: "http://127.0.0.1:%s", wantStatus: 200},
		{name: "localhost's Origin", listen: "127.0.0.1:0", host: "localhost:%s", origin: "http://localhost:%s", wantStatus: 200},
		{name: "foreign Origin", listen: "127.0.0.1:0", origin: "http://evil.example", wantStatus: 403, wantErr: "Origin"},
		{name: "no credentials", listen: "127.0.0.1:0", noAuth: true, wantStatus: 401, wantErr: "HTTP Basic credentials"},
		{name: "every interface: any IP address", listen: "0.0.0.0:0", host: "192.0.2.1:%s", wantStatus: 200},
		{name: "every interface: localhost", listen: "0.0.0.0:0", host: "localhost:%s", wantStatus: 200},
		{name: "every interface: a name", listen: "0.0.0.0:0", host: "evil.example:%s", wantStatus: 403,
			wantErr: "address the server as localhost:"},
	}
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, harness.WithControlAPI(), harness.WithListenAddr(tt.listen), harness.WithControlHosts(tt.names...))
			base, err := srv.Listen()
			if err != nil {
				t.Fatal(err)
			}
			port := base[strings.LastIndex(base, ":")+1:]
			req, _ := http.NewRequest("GET", "http://127.0.0.1:"+port+harness.ControlPrefix+"clock", nil)
			if tt.host != "" {
				req.Host = strings.ReplaceAll(tt.host, "%s", port)
			}
			if tt.origin != "" {
				req.Header.Set("Origin", strings.ReplaceAll(tt.origin, "%s", port))
			}
			if !tt.noAuth {
				req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
			}
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got := controlReplyOf(t, resp)
			if got.status != tt.wantStatus || !strings.Contains(got.err, tt.wantErr) {
				t.Errorf("Host %s: %d %q, want %d with %q", req.Host, got.status, got.err, tt.wantStatus, tt.wantErr)
			}
		})
	}
}

// TestControlViewQuery: the views of the whole server select and page
// calls by their query, and refuse a query they cannot read before they
// write anything.
func TestControlViewQuery(t *testing.T) {
	f := newViewFixture(t)
	at := func(seconds int) string {
		return f.start.Add(time.Duration(seconds) * time.Second).Format(time.RFC3339)
	}
	sid := func(name string) string { return f.calls[name].SID() }
	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantCalls  []string // by name, for a record
		wantBody   string   // the whole body, for a transcript or a diagram
		wantErr    string   // in the error's message
	}{
		{name: "two calls", path: "record?call=" + sid("four") + "&call=" + sid("two"), wantStatus: 200, wantCalls: []string{"two", "four"}},
		{name: "a window", path: "record?since=" + at(1) + "&until=" + at(3), wantStatus: 200, wantCalls: []string{"leg", "two", "three"}},
		{name: "an offset sent as %2B", path: "record?since=" + url.QueryEscape(f.start.Add(2*time.Second).In(time.FixedZone("", 3600)).Format(time.RFC3339)),
			wantStatus: 200, wantCalls: []string{"three", "four"}},
		{name: "fractions of a second", path: "record?until=2025-01-06T09:00:01.000000001Z", wantStatus: 200, wantCalls: []string{"menu", "leg", "two"}},
		{name: "a page", path: "record?offset=1&limit=2", wantStatus: 200, wantCalls: []string{"leg", "two"}},
		{name: "without reply bodies", path: "record?reply_bodies=false&call=" + sid("menu"), wantStatus: 200, wantCalls: []string{"menu"}},
		{name: "with reply bodies", path: "record?reply_bodies=true&limit=1", wantStatus: 200, wantCalls: []string{"menu"}},
		{name: "a page of the transcript", path: "transcript?offset=2&limit=1", wantStatus: 200, wantBody: f.calls["two"].Transcript()},
		{name: "the diagram of a call and its leg", path: "diagram?call=" + sid("menu") + "&call=" + sid("leg"), wantStatus: 200,
			wantBody: f.calls["menu"].Mermaid()},
		{name: "the diagram cut at a low limit", path: "diagram?diagram_limit=400", wantStatus: 200,
			wantBody: writtenMermaid(t, f.srv, harness.DiagramLimit(400))},
		{name: "the diagram without a limit", path: "diagram?diagram_limit=0", wantStatus: 200,
			wantBody: writtenMermaid(t, f.srv, harness.DiagramLimit(0))},
		{name: "a call's record with reply_bodies", path: "calls/" + sid("menu") + "/record?reply_bodies=false", wantStatus: 200},

		{name: "not a call SID", path: "record?call=CA123", wantStatus: 400,
			wantErr: `call "CA123" is not a call SID (CA and 32 hex digits): give one SID a call parameter, and repeat the parameter for several`},
		{name: "SIDs in one parameter", path: "record?call=" + sid("two") + "," + sid("four"), wantStatus: 400, wantErr: "repeat the parameter"},
		{name: "a call the server does not have", path: "transcript?call=CA00000000000000000000000000000000", wantStatus: 404,
			wantErr: "no call CA00000000000000000000000000000000"},
		{name: "not a time", path: "record?since=yesterday", wantStatus: 400,
			wantErr: `since "yesterday" is not an RFC 3339 time such as 2025-01-06T09:00:00Z`},
		{name: "a + not escaped", path: "record?until=2025-01-06T09:00:00+01:00", wantStatus: 400,
			wantErr: `until "2025-01-06T09:00:00 01:00" is not an RFC 3339 time such as 2025-01-06T09:00:00Z (a + in a query string means a space: send an offset such as +02:00 as %2B02:00)`},
		{name: "a date without a time", path: "transcript?until=2025-01-06", wantStatus: 400, wantErr: "not an RFC 3339 time"},
		{name: "since not before until", path: "record?since=" + at(2) + "&until=" + at(2), wantStatus: 400,
			wantErr: "since 2025-01-06T09:00:02Z is not before until 2025-01-06T09:00:02Z: calls are shown when created at or after since and before until"},
		{name: "limit 0", path: "record?limit=0", wantStatus: 400, wantErr: `limit "0": want a whole number of calls to show, 1 or more`},
		{name: "limit not a number", path: "diagram?limit=ten", wantStatus: 400, wantErr: `limit "ten": want a whole number`},
		{name: "negative offset", path: "record?offset=-1", wantStatus: 400, wantErr: `offset "-1": want a whole number of calls to skip, 0 or more`},
		{name: "limit twice", path: "record?limit=1&limit=2", wantStatus: 400, wantErr: "limit is given 2 times: give it once"},
		{name: "a negative diagram_limit", path: "diagram?diagram_limit=-1", wantStatus: 400,
			wantErr: `diagram_limit "-1": want a whole number of characters, 0 for no limit`},
		{name: "reply_bodies not a boolean", path: "record?reply_bodies=no", wantStatus: 400, wantErr: `reply_bodies "no": want true or false`},
		{name: "an unknown parameter", path: "transcript?calls=" + sid("two"), wantStatus: 400,
			wantErr: `unknown query parameter "calls": the views of the whole server take call, since, until, offset, limit, reply_bodies and diagram_limit`},
		{name: "a filter on one call's view", path: "calls/" + sid("two") + "/transcript?limit=1", wantStatus: 400,
			wantErr: `unknown query parameter "limit": the views of one call take only reply_bodies`},
	}
	if cut := writtenMermaid(t, f.srv, harness.DiagramLimit(400)); !strings.Contains(cut, "cut at the diagram's limit") {
		t.Fatalf("a diagram limited to 400 characters is not cut:\n%s", cut)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			f.srv.ControlHandler().ServeHTTP(rec, controlRequest(f.srv, "GET", tt.path, ""))
			resp := rec.Result()
			if tt.wantStatus != 200 {
				if got := controlReplyOf(t, resp); got.status != tt.wantStatus || !strings.Contains(got.err, tt.wantErr) {
					t.Errorf("%d %q, want %d with %q", got.status, got.err, tt.wantStatus, tt.wantErr)
				}
				return
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			switch {
			case tt.wantCalls != nil:
				if got := f.summarize(t, body).Calls; !cmp.Equal(got, tt.wantCalls) {
					t.Errorf("the record shows %v, want %v", got, tt.wantCalls)
				}
			case tt.wantBody != "":
				if diff := cmp.Diff(tt.wantBody, string(body)); diff != "" {
					t.Errorf("body mismatch (-want +got):\n%s", diff)
				}
			}
			if withBodies := bytes.Contains(body, []byte(`"reply_body"`)); strings.Contains(tt.path, "reply_bodies=") &&
				withBodies != strings.Contains(tt.path, "reply_bodies=true") {
				t.Errorf("reply bodies shown: %v, for %s", withBodies, tt.path)
			}
		})
	}
}

// writtenMermaid is the server's diagram as WriteMermaid writes it with
// opts.
func writtenMermaid(t *testing.T, srv *harness.Server, opts ...harness.ViewOption) string {
	t.Helper()
	var b strings.Builder
	if err := srv.WriteMermaid(&b, opts...); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// flushRecorder is a ResponseRecorder that counts the writes of the body
// and the flushes.
type flushRecorder struct {
	*httptest.ResponseRecorder
	writes, flushes int
}

func (r *flushRecorder) Write(p []byte) (int, error) {
	r.writes++
	return r.ResponseRecorder.Write(p)
}

func (r *flushRecorder) Flush() {
	r.flushes++
	r.ResponseRecorder.Flush()
}

// TestControlViewsStream: the views of the whole server reach the client
// as they are written, each chunk flushed, and stop once the client has
// gone.
func TestControlViewsStream(t *testing.T) {
	srv := newServer(t)
	for range 500 {
		if _, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Twiml": {"<Response/>"}}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Run()
	tests := []struct {
		path, contentType, want string
	}{
		{"transcript", "text/plain; charset=utf-8", srv.Transcript()},
		{"record", "application/json", string(srv.RecordJSON())},
		{"diagram", "text/plain; charset=utf-8", srv.Mermaid()},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec := &flushRecorder{ResponseRecorder: httptest.NewRecorder()}
			srv.ControlHandler().ServeHTTP(rec, controlRequest(srv, "GET", tt.path, ""))
			if rec.Code != 200 || rec.Header().Get("Content-Type") != tt.contentType {
				t.Fatalf("%d %s, want 200 %s", rec.Code, rec.Header().Get("Content-Type"), tt.contentType)
			}
			if rec.Body.String() != tt.want {
				t.Errorf("the view differs from the server's in memory")
			}
			if rec.writes < 2 || rec.flushes != rec.writes {
				t.Errorf("%d bytes in %d writes and %d flushes, want several writes, each flushed", rec.Body.Len(), rec.writes, rec.flushes)
			}

			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			gone := &flushRecorder{ResponseRecorder: httptest.NewRecorder()}
			srv.ControlHandler().ServeHTTP(gone, controlRequest(srv, "GET", tt.path, "").WithContext(ctx))
			if gone.writes != 0 {
				t.Errorf("%d writes to a client that has gone, want none", gone.writes)
			}
		})
	}
}

// TestControlConferences: the control API lists the conferences and
// shows one as a record, a transcript or a diagram, by its SID or name,
// behind the same checks as every endpoint.
func TestControlConferences(t *testing.T) {
	f := newConferenceFixture(t)
	sid := f.conf.SID()
	code, body := control(t, f.srv, "GET", "conferences", "")
	var list struct {
		Conferences []map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list.Conferences) != 1 {
		t.Fatalf("GET conferences: %d %s (%v), want 200 with one conference", code, body, err)
	}
	got := list.Conferences[0]
	var participants []harness.ParticipantRecordJSON
	json.Unmarshal(got["participants"], &participants)
	if string(got["sid"]) != `"`+sid+`"` || string(got["name"]) != `"room"` || string(got["status"]) != `"completed"` ||
		len(participants) != 2 || participants[1].Label != "agent" {
		t.Errorf("GET conferences: %s", body)
	}
	if _, ok := got["events"]; ok {
		t.Errorf("GET conferences lists the events too: %s", body)
	}

	tests := []struct {
		name, path  string
		wantStatus  int
		contentType string
		wantBody    string // the whole body, for a view
		wantErr     string // in the error's message
	}{
		{name: "a record", path: "conferences/" + sid, wantStatus: 200, contentType: "application/json", wantBody: string(f.conf.JSON())},
		{name: "a record by name", path: "conferences/room/record", wantStatus: 200, contentType: "application/json", wantBody: string(f.conf.JSON())},
		{name: "without reply bodies", path: "conferences/" + sid + "/record?reply_bodies=false", wantStatus: 200,
			contentType: "application/json", wantBody: string(f.conf.JSON(harness.WithoutReplyBodies()))},
		{name: "a transcript", path: "conferences/" + sid + "/transcript", wantStatus: 200, contentType: "text/plain; charset=utf-8",
			wantBody: f.conf.Transcript()},
		{name: "a diagram", path: "conferences/room/diagram", wantStatus: 200, contentType: "text/plain; charset=utf-8",
			wantBody: f.conf.Mermaid()},
		{name: "no such conference", path: "conferences/CF00000000000000000000000000000000/transcript", wantStatus: 404,
			wantErr: "no conference CF00000000000000000000000000000000: give a conference's SID (CF…) or its name, as GET /_harness/conferences lists them"},
		{name: "no such view", path: "conferences/" + sid + "/audio", wantStatus: 404, wantErr: "no control endpoint GET /_harness/conferences/" + sid + "/audio"},
		{name: "a filter on a conference's view", path: "conferences/" + sid + "/transcript?limit=1", wantStatus: 400,
			wantErr: `unknown query parameter "limit": the views of one conference take only reply_bodies`},
		{name: "reply_bodies not a boolean", path: "conferences/" + sid + "?reply_bodies=no", wantStatus: 400, wantErr: `reply_bodies "no": want true or false`},
		{name: "a parameter to the list", path: "conferences?status=completed", wantStatus: 400,
			wantErr: `unknown query parameter "status": the list of conferences takes none`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			f.srv.ControlHandler().ServeHTTP(rec, controlRequest(f.srv, "GET", tt.path, ""))
			resp := rec.Result()
			if tt.wantStatus != 200 {
				if got := controlReplyOf(t, resp); got.status != tt.wantStatus || !strings.Contains(got.err, tt.wantErr) {
					t.Errorf("%d %q, want %d with %q", got.status, got.err, tt.wantStatus, tt.wantErr)
				}
				return
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tt.contentType {
				t.Fatalf("%d %s %s, want 200 %s", resp.StatusCode, resp.Header.Get("Content-Type"), body, tt.contentType)
			}
			if diff := cmp.Diff(tt.wantBody, string(body)); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}

	for _, tt := range []struct {
		name       string
		set        func(*http.Request)
		wantStatus int
	}{
		{"no credentials", func(r *http.Request) { r.Header.Del("Authorization") }, 401},
		{"a web page", func(r *http.Request) { r.Header.Set("Origin", "http://evil.example") }, 403},
		{"a browser", func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") }, 403},
	} {
		for _, path := range []string{"conferences", "conferences/" + sid + "/transcript"} {
			r := controlRequest(f.srv, "GET", path, "")
			tt.set(r)
			rec := httptest.NewRecorder()
			f.srv.ControlHandler().ServeHTTP(rec, r)
			if got := controlReplyOf(t, rec.Result()); got.status != tt.wantStatus {
				t.Errorf("%s: GET %s: %d %q, want %d", tt.name, path, got.status, got.err, tt.wantStatus)
			}
		}
	}
	if code, body := control(t, f.srv, "POST", "conferences", `{}`); code != 404 || !strings.Contains(body, "no control endpoint POST") {
		t.Errorf("POST conferences: %d %s, want 404", code, body)
	}
	if code, body := control(t, f.srv, "GET", "transcript", ""); code != 200 || !strings.Contains(body, "conference "+sid) {
		t.Errorf("GET transcript: %d, without the conference's transcript:\n%s", code, body)
	}
}

func TestControlStreams(t *testing.T) {
	srv, c := botCall(t)
	c.Wait()
	s := c.Stream("bot")
	sid, ssid := c.SID(), s.SID()
	code, body := control(t, srv, "GET", "calls/"+sid+"/streams", "")
	var list struct {
		Streams []map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list.Streams) != 1 {
		t.Fatalf("GET streams: %d %s (%v), want 200 with one stream", code, body, err)
	}
	got := list.Streams[0]
	if string(got["sid"]) != `"`+ssid+`"` || string(got["name"]) != `"bot"` || string(got["status"]) != `"stopped"` ||
		string(got["audio_played_ms"]) != "2000" {
		t.Errorf("GET streams: %s", body)
	}
	if _, ok := got["messages"]; ok {
		t.Errorf("GET streams lists the messages too: %s", body)
	}
	var record bytes.Buffer
	json.Compact(&record, streamRecordOf(t, c, 0))
	record.WriteByte('\n')

	tests := []struct {
		name, path  string
		wantStatus  int
		contentType string
		wantBody    string // the whole body
		wantErr     string // in the error's message
	}{
		{name: "a record", path: "calls/" + sid + "/streams/" + ssid, wantStatus: 200, contentType: "application/json", wantBody: record.String()},
		{name: "a record by name", path: "calls/" + sid + "/streams/bot", wantStatus: 200, contentType: "application/json", wantBody: record.String()},
		{name: "a transcript", path: "calls/" + sid + "/streams/bot/transcript", wantStatus: 200, contentType: "text/plain; charset=utf-8",
			wantBody: s.Transcript()},
		{name: "the app's audio", path: "calls/" + sid + "/streams/bot.wav?track=app", wantStatus: 200, contentType: "audio/wav",
			wantBody: string(s.WAV(harness.TrackApp))},
		{name: "the inbound audio", path: "calls/" + sid + "/streams/" + ssid + ".wav?track=inbound", wantStatus: 200, contentType: "audio/wav",
			wantBody: string(s.WAV(harness.TrackInbound))},
		{name: "a track it has not", path: "calls/" + sid + "/streams/bot.wav?track=outbound", wantStatus: 404,
			wantErr: "stream " + ssid + " has no outbound track: it has inbound and app"},
		{name: "no track", path: "calls/" + sid + "/streams/bot.wav", wantStatus: 400,
			wantErr: "which track? give track=inbound or outbound (what Twilio sent the application) or track=app (what the application sent)"},
		{name: "an unknown track", path: "calls/" + sid + "/streams/bot.wav?track=both", wantStatus: 400, wantErr: `track "both": give track=inbound`},
		{name: "two tracks", path: "calls/" + sid + "/streams/bot.wav?track=app&track=inbound", wantStatus: 400, wantErr: "track is given 2 times: give it once"},
		{name: "another parameter to the audio", path: "calls/" + sid + "/streams/bot.wav?track=app&rate=16000", wantStatus: 400,
			wantErr: `unknown query parameter "rate": a stream's audio takes only track`},
		{name: "a parameter to the list", path: "calls/" + sid + "/streams?status=stopped", wantStatus: 400,
			wantErr: `unknown query parameter "status": the list of a call's streams takes none`},
		{name: "a parameter to the record", path: "calls/" + sid + "/streams/bot?reply_bodies=false", wantStatus: 400,
			wantErr: `unknown query parameter "reply_bodies": a stream's record takes none`},
		{name: "no such stream", path: "calls/" + sid + "/streams/nobody.wav?track=app", wantStatus: 404,
			wantErr: "no stream nobody on call " + sid + ": give a stream's SID (MZ…) or its name, as GET /_harness/calls/" + sid + "/streams lists them"},
		{name: "no such call", path: "calls/CA00000000000000000000000000000000/streams", wantStatus: 404, wantErr: "no call CA00000000000000000000000000000000"},
		{name: "no such view", path: "calls/" + sid + "/streams/bot/diagram", wantStatus: 404,
			wantErr: "no control endpoint GET /_harness/calls/" + sid + "/streams/bot/diagram: a stream has its record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			srv.ControlHandler().ServeHTTP(rec, controlRequest(srv, "GET", tt.path, ""))
			resp := rec.Result()
			if tt.wantStatus != 200 {
				if got := controlReplyOf(t, resp); got.status != tt.wantStatus || !strings.Contains(got.err, tt.wantErr) {
					t.Errorf("%d %q, want %d with %q", got.status, got.err, tt.wantStatus, tt.wantErr)
				}
				return
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tt.contentType {
				t.Fatalf("%d %s %.200s, want 200 %s", resp.StatusCode, resp.Header.Get("Content-Type"), body, tt.contentType)
			}
			if string(body) != tt.wantBody {
				t.Errorf("body of %d bytes, want %d:\n%.400s\nwant\n%.400s", len(body), len(tt.wantBody), body, tt.wantBody)
			}
		})
	}
	r := controlRequest(srv, "GET", "calls/"+sid+"/streams/bot.wav?track=app", "")
	r.Header.Del("Authorization")
	rec := httptest.NewRecorder()
	srv.ControlHandler().ServeHTTP(rec, r)
	if got := controlReplyOf(t, rec.Result()); got.status != 401 {
		t.Errorf("a stream's audio without credentials: %d %q, want 401", got.status, got.err)
	}
	if code, body := control(t, srv, "DELETE", "calls/"+sid+"/streams/bot", ""); code != 404 || !strings.Contains(body, "no control endpoint DELETE") {
		t.Errorf("DELETE a stream: %d %s, want 404", code, body)
	}
}

// streamRecordOf returns the record of c's ith stream, as c's JSON has
// it.
func streamRecordOf(t *testing.T, c *harness.Call, i int) json.RawMessage {
	t.Helper()
	var rec struct{ Streams []json.RawMessage }
	if err := json.Unmarshal(c.JSON(), &rec); err != nil || len(rec.Streams) <= i {
		t.Fatalf("the call's record has %d streams (%v), want stream %d", len(rec.Streams), err, i)
	}
	return rec.Streams[i]
}
