package harness_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// inspectorFixture is a server with calls to list: to1 answers, to2 is
// busy, to3 answers and the call dials a leg.
type inspectorFixture struct {
	srv   *harness.Server
	calls []*harness.Call // in the order they were created
}

const (
	to1 = "+14155550101"
	to2 = "+14155550102"
	to3 = "+14155550103"
	leg = "+14155550199"
)

func newInspectorFixture(t *testing.T, opts ...harness.Option) *inspectorFixture {
	t.Helper()
	paths := map[string]string{
		"/voice": `<Response><Say>Hello there.</Say><Pause length="2"/><Hangup/></Response>`,
		"/dial":  `<Response><Dial timeout="12"><Number>` + leg + `</Number></Dial></Response>`,
	}
	opts = append([]harness.Option{harness.WithApp(origin, &docs{paths: paths}), harness.WithParty(to2, scenario.Busy()),
		harness.WithParty(leg, scenario.AnswersAfter(8*time.Second).HangsUpAfter(30*time.Second))}, opts...)
	f := &inspectorFixture{srv: newServer(t, opts...)}
	for _, c := range []struct{ to, path string }{{to1, "/voice"}, {to2, "/voice"}, {to3, "/dial"}} {
		f.place(t, c.to, c.path)
		f.srv.Advance(time.Minute) // so that each call is created a minute after the last
	}
	f.srv.Run()
	return f
}

func (f *inspectorFixture) place(t *testing.T, to, path string) *harness.Call {
	t.Helper()
	c, err := f.srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + path}})
	if err != nil {
		t.Fatal(err)
	}
	f.calls = append(f.calls, c)
	return c
}

// callPageOf decodes a reply of GET calls.
func callPageOf(t *testing.T, body string) harness.CallPage {
	t.Helper()
	var p harness.CallPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("GET calls: %v in\n%s", err, body)
	}
	return p
}

// TestControlCallList: GET calls lists the calls newest first, a page at
// a time, filtered by status, number and creation time; the legs are
// calls of the list, and name their parent.
func TestControlCallList(t *testing.T) {
	f := newInspectorFixture(t)
	first, busy, dialer := f.calls[0], f.calls[1], f.calls[2]
	legs := dialer.Children()
	if len(legs) != 1 {
		t.Fatalf("the dialer has %d legs, want 1:\n%s", len(legs), dialer.Transcript())
	}
	sids := func(p harness.CallPage) []string {
		var out []string
		for _, c := range p.Calls {
			out = append(out, c.SID)
		}
		return out
	}
	start := harness.DefaultStartTime()
	tests := []struct {
		query     string
		want      []string
		wantTotal int
	}{
		{"", []string{legs[0].SID(), dialer.SID(), busy.SID(), first.SID()}, 4},
		{"?limit=2", []string{legs[0].SID(), dialer.SID()}, 4},
		{"?limit=2&offset=2", []string{busy.SID(), first.SID()}, 4},
		{"?offset=9", nil, 4},
		{"?status=busy", []string{busy.SID()}, 1},
		{"?status=completed&limit=1&offset=1", []string{dialer.SID()}, 3},
		{"?number=" + url.QueryEscape(to3), []string{dialer.SID()}, 1},
		{"?number=0199", []string{legs[0].SID()}, 1},
		{"?number=" + url.QueryEscape(from), []string{legs[0].SID(), dialer.SID(), busy.SID(), first.SID()}, 4},
		{"?since=" + start.Add(time.Minute).Format(time.RFC3339), []string{legs[0].SID(), dialer.SID(), busy.SID()}, 3},
		{"?until=" + start.Add(time.Minute).Format(time.RFC3339), []string{first.SID()}, 1},
	}
	for _, tt := range tests {
		status, body := control(t, f.srv, "GET", "calls"+tt.query, "")
		if status != 200 {
			t.Fatalf("GET calls%s: %d %s", tt.query, status, body)
		}
		p := callPageOf(t, body)
		if diff := cmp.Diff(tt.want, sids(p)); diff != "" || p.Total != tt.wantTotal {
			t.Errorf("GET calls%s: total %d (want %d), SIDs (-want +got):\n%s", tt.query, p.Total, tt.wantTotal, diff)
		}
	}

	_, body := control(t, f.srv, "GET", "calls?limit=4", "")
	p := callPageOf(t, body)
	if p.Limit != 4 || p.Offset != 0 || !p.Now.Equal(f.srv.Now()) {
		t.Errorf("page: limit %d offset %d now %v, want 4, 0 and %v", p.Limit, p.Offset, p.Now, f.srv.Now())
	}
	legLine, dialerLine, busyLine := p.Calls[0], p.Calls[1], p.Calls[2]
	if legLine.ParentSID != dialer.SID() || legLine.Direction != harness.DirectionOutboundDial || legLine.Status != harness.StatusCompleted {
		t.Errorf("the leg's line: %+v", legLine)
	}
	if diff := cmp.Diff([]string{legs[0].SID()}, dialerLine.Legs); diff != "" {
		t.Errorf("the dialer's legs (-want +got):\n%s", diff)
	}
	if dialerLine.Requests != len(dialer.Requests()) || dialerLine.Events != len(dialer.Events()) || dialerLine.Seq == 0 {
		t.Errorf("the dialer's counts: %+v, want %d requests and %d events", dialerLine, len(dialer.Requests()), len(dialer.Events()))
	}
	if busyLine.Status != harness.StatusBusy || busyLine.DurationMS != 0 || busyLine.Ended == nil {
		t.Errorf("the busy call's line: %+v", busyLine)
	}
	if got, want := dialerLine.DurationMS, dialer.Info().Duration.Milliseconds(); got != want {
		t.Errorf("the dialer's duration_ms %d, want %d", got, want)
	}
}

// TestControlCallListRefuses: a query the list cannot read is refused
// with 400 and what to send instead.
func TestControlCallListRefuses(t *testing.T) {
	srv := newServer(t)
	tests := []struct{ query, want string }{
		{"?status=done", `status "done" is not a call status: want one of queued, initiated, ringing, in-progress, completed, busy, no-answer, failed, canceled`},
		{"?limit=1001", "limit 1001 is more than a page holds: want a whole number of calls to show, from 1 to 1000"},
		{"?limit=0", `limit "0": want a whole number of calls to show, from 1 to 1000`},
		{"?offset=-1", `offset "-1": want a whole number of calls to skip, 0 or more`},
		{"?since=yesterday", `since "yesterday" is not an RFC 3339 time`},
		{"?call=CA00", "the list of calls takes status, number, since, until, offset and limit"},
		{"?since=2025-01-06T10:00:00Z&until=2025-01-06T09:00:00Z", "since 2025-01-06T10:00:00Z is not before until 2025-01-06T09:00:00Z"},
		{"?status=busy&status=failed", "status"},
	}
	for _, tt := range tests {
		rec := controlRecorder(srv, "GET", "calls"+tt.query)
		if got := controlReplyOf(t, rec.Result()); got.status != 400 || !strings.Contains(got.err, tt.want) {
			t.Errorf("GET calls%s: %d %q, want 400 with %q", tt.query, got.status, got.err, tt.want)
		}
	}
}

// TestControlCallDiagrams: a call's line, and its diagram and a
// conference's drawn as SVG, the same diagram as the Mermaid text.
func TestControlCallDiagrams(t *testing.T) {
	f := newInspectorFixture(t)
	dialer := f.calls[2]
	status, body := control(t, f.srv, "GET", "calls/"+dialer.SID()+"/summary", "")
	var line harness.CallSummary
	if err := json.Unmarshal([]byte(body), &line); status != 200 || err != nil || line.SID != dialer.SID() || len(line.Legs) != 1 {
		t.Errorf("GET calls/{sid}/summary: %d %s (%v)", status, body, err)
	}
	rec := controlRecorder(f.srv, "GET", "calls/"+dialer.SID()+"/diagram.svg")
	svg := rec.Body.String()
	if ct := rec.Header().Get("Content-Type"); rec.Code != 200 || ct != "image/svg+xml" {
		t.Fatalf("GET calls/{sid}/diagram.svg: %d %s", rec.Code, ct)
	}
	if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, `class="seqsvg"`) {
		t.Errorf("diagram.svg is not the drawn diagram:\n%.300s", svg)
	}
	// Every participant of the Mermaid text is a lane of the picture.
	for _, m := range regexp.MustCompile(`participant \w+ as (.+)`).FindAllStringSubmatch(dialer.Mermaid(), -1) {
		label := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(m[1])
		if !strings.Contains(svg, ">"+label+"<") {
			t.Errorf("the picture has no lane %q", m[1])
		}
	}
	if status, body := control(t, f.srv, "GET", "calls/CA00000000000000000000000000000000/diagram.svg", ""); status != 404 {
		t.Errorf("diagram.svg of an unknown call: %d %s", status, body)
	}
}

// controlRecorder sends one control request and returns the recorded
// reply, headers and all.
func controlRecorder(srv *harness.Server, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	srv.ControlHandler().ServeHTTP(rec, controlRequest(srv, method, path, ""))
	return rec
}

// TestInspectorAssets: the inspector's page, script and style sheet are
// served under ui/, behind the control API's checks.
func TestInspectorAssets(t *testing.T) {
	srv := newServer(t)
	for _, tt := range []struct{ path, ctype, has string }{
		{"ui/", "text/html; charset=utf-8", `<script src="/_harness/ui/app.js">`},
		{"ui", "text/html; charset=utf-8", "<title>twimlharness inspector</title>"},
		{"ui/index.html", "text/html; charset=utf-8", `<main id="main">`},
		{"ui/app.js", "text/javascript; charset=utf-8", "new EventSource(base + 'events')"},
		{"ui/style.css", "text/css; charset=utf-8", ".diagram"},
	} {
		rec := controlRecorder(srv, "GET", tt.path)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != tt.ctype || !strings.Contains(rec.Body.String(), tt.has) {
			t.Errorf("GET %s: %d %s, want %s with %q", tt.path, rec.Code, rec.Header().Get("Content-Type"), tt.ctype, tt.has)
		}
	}
	if csp := controlRecorder(srv, "GET", "ui/").Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") ||
		!strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("the page's Content-Security-Policy %q does not keep it to its own script and server", csp)
	}
	if status, body := control(t, srv, "GET", "ui/nothing.js", ""); status != 404 || !strings.Contains(body, "open /_harness/ui/") {
		t.Errorf("GET ui/nothing.js: %d %s", status, body)
	}
	r := controlRequest(srv, "GET", "ui/", "")
	r.Header.Del("Authorization")
	rec := httptest.NewRecorder()
	srv.ControlHandler().ServeHTTP(rec, r)
	if rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("the inspector without credentials: %d, want 401 asking for them", rec.Code)
	}
	r = controlRequest(srv, "GET", "ui/", "")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	rec = httptest.NewRecorder()
	srv.ControlHandler().ServeHTTP(rec, r)
	if rec.Code != 403 {
		t.Errorf("the inspector from another site's page: %d, want 403", rec.Code)
	}
}

// sseEvent is one Server-Sent Event.
type sseEvent struct{ name, data string }

// sseStream reads the events of GET events on srv's listener.
type sseStream struct {
	resp *http.Response
	r    *bufio.Reader
}

func openEvents(t *testing.T, ctx context.Context, srv *harness.Server) (*sseStream, int) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL()+harness.ControlPrefix+"events", nil)
	req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return &sseStream{resp: resp, r: bufio.NewReader(resp.Body)}, resp.StatusCode
}

// next reads the next event.
func (s *sseStream) next() (sseEvent, error) {
	var ev sseEvent
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			return ev, err
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "" && ev.name != "":
			return ev, nil
		case strings.HasPrefix(line, "event: "):
			ev.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			ev.data = strings.TrimPrefix(line, "data: ")
		}
	}
}

// TestControlEvents: GET events says hello, then sends a call's line each
// time it changes, up to its end, and says when the server is reset; the
// stream ends when the server closes.
func TestControlEvents(t *testing.T) {
	srv := newServer(t, harness.WithControlAPI(), harness.WithApp(origin, &docs{paths: map[string]string{
		"/voice": `<Response><Say>Hello there.</Say></Response>`}}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a hung stream fails instead of hanging
	defer cancel()
	st, status := openEvents(t, ctx, srv)
	if ct := st.resp.Header.Get("Content-Type"); status != 200 || ct != "text/event-stream" {
		t.Fatalf("GET events: %d %s", status, ct)
	}
	hello, err := st.next()
	if err != nil || hello.name != "hello" || !strings.Contains(hello.data, `"calls":0`) {
		t.Fatalf("first event %+v (%v), want hello with no calls", hello, err)
	}
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Run()
	var seen []harness.Status
	var last harness.CallSummary
	for last.Status != harness.StatusCompleted {
		ev, err := st.next()
		if err != nil {
			t.Fatalf("after %v: %v", seen, err)
		}
		if ev.name != "call" {
			t.Fatalf("event %+v, want call", ev)
		}
		if err := json.Unmarshal([]byte(ev.data), &last); err != nil || last.SID != c.SID() {
			t.Fatalf("call event %s (%v), want the line of %s", ev.data, err, c.SID())
		}
		seen = append(seen, last.Status)
	}
	if want := c.Info().Status; last.Status != want || last.Events != len(c.Events()) {
		t.Errorf("the last line: %+v, want %s with %d events", last, want, len(c.Events()))
	}
	srv.Reset()
	if ev, err := st.next(); err != nil || ev.name != "reset" {
		t.Errorf("after Reset: %+v (%v), want reset", ev, err)
	}
	srv.Close()
	if ev, err := st.next(); err == nil {
		t.Errorf("after Close: %+v, want the stream to end", ev)
	}
}

// TestControlEventsLimit: past the streams the server allows at once, GET
// events is 503 and says what to do; a stream closed makes room.
func TestControlEventsLimit(t *testing.T) {
	srv := newServer(t, harness.WithControlAPI())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var open []context.CancelFunc
	for range harness.MaxWatchers {
		sctx, scancel := context.WithCancel(ctx)
		open = append(open, scancel)
		st, status := openEvents(t, sctx, srv)
		if status != 200 {
			t.Fatalf("stream %d: %d", len(open), status)
		}
		if _, err := st.next(); err != nil { // hello: it is registered
			t.Fatal(err)
		}
	}
	st, status := openEvents(t, ctx, srv)
	body, _ := st.r.ReadString(0)
	if status != 503 || !strings.Contains(body, fmt.Sprintf("%d event streams are open, the most the server allows", harness.MaxWatchers)) {
		t.Errorf("one stream too many: %d %s", status, body)
	}
	open[0]()
	for {
		st, status := openEvents(t, ctx, srv) // the first stream's handler may take a moment to see it went
		if status == 200 {
			st.resp.Body.Close()
			break
		}
		if ctx.Err() != nil {
			t.Fatal("no room after a stream closed")
		}
	}
}

// reportData returns the data a report's page carries.
func reportData(t *testing.T, page []byte) map[string]json.RawMessage {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script id="twimlharness-report" type="application/json">(.*?)</script>`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("the report has no data:\n%.500s", page)
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(m[1], &data); err != nil {
		t.Fatalf("the report's data: %v", err)
	}
	return data
}

// TestHTMLReport: a call's report is one page that needs nothing else:
// the inspector's style and script inlined, the call and its legs, their
// records, transcripts and diagrams as data. Text from the application
// cannot end the script it is in.
func TestHTMLReport(t *testing.T) {
	const sneaky = `</script><script>alert(1)</script> & <b>`
	f := newInspectorFixture(t)
	f.place(t, to1, "/voice")
	f.srv.Run()
	dialer := f.calls[2]
	page := dialer.HTML()
	for _, bad := range []string{`<script src`, `<link`, `@import`, `url(`} {
		if strings.Contains(string(page), bad) {
			t.Errorf("the report fetches something: it has %q", bad)
		}
	}
	if n := strings.Count(string(page), "<script"); n != 2 {
		t.Errorf("the report has %d scripts, want the data and the inspector's", n)
	}
	data := reportData(t, page)
	var calls []harness.CallSummary
	var records map[string]harness.CallRecordJSON
	var transcripts map[string]string
	var diagrams map[string]struct{ Mermaid, SVG string }
	for name, v := range map[string]any{"calls": &calls, "records": &records, "transcripts": &transcripts, "diagrams": &diagrams} {
		if err := json.Unmarshal(data[name], v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	leg := dialer.Children()[0]
	if len(calls) != 2 || calls[0].SID != dialer.SID() || calls[1].SID != leg.SID() {
		t.Errorf("the report's calls: %+v, want the dialer and its leg", calls)
	}
	for _, c := range []*harness.Call{dialer, leg} {
		if transcripts[c.SID()] != c.Transcript() || diagrams[c.SID()].Mermaid != c.Mermaid() ||
			!strings.Contains(diagrams[c.SID()].SVG, `class="seqsvg"`) || len(records[c.SID()].Events) != len(c.Events()) {
			t.Errorf("the report's views of %s are not the call's", c.SID())
		}
	}
	if !strings.Contains(string(page), "<title>twimlharness report: call "+dialer.SID()+"</title>") {
		t.Error("the report's title does not name the call")
	}

	// Text that would close the script: escaped in the data, the same once read.
	srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{
		"/voice": `<Response><Say>` + strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(sneaky) + `</Say></Response>`}}))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Run()
	page = srv.HTML()
	if n := strings.Count(string(page), "</script>"); n != 2 {
		t.Errorf("the report has %d </script>, want 2: text of the call ended a script", n)
	}
	if err := json.Unmarshal(reportData(t, page)["transcripts"], &transcripts); err != nil || !strings.Contains(transcripts[c.SID()], sneaky) {
		t.Errorf("the transcript in the report lost %q: %v", sneaky, err)
	}
}

// TestSaveFailureReport: a report is saved only when a directory is
// named, in code or by the environment, under the test's name made safe,
// without overwriting another.
func TestSaveFailureReport(t *testing.T) {
	f := newInspectorFixture(t)
	t.Setenv(harness.ReportDirEnv, "")
	if path, err := harness.SaveFailureReport("TestX", f.srv); path != "" || err != nil {
		t.Errorf("with no directory: %q %v, want no report", path, err)
	}
	dir := filepath.Join(t.TempDir(), "reports")
	p1, err := harness.SaveFailureReport("TestFlow/a busy line: retries?", f.calls[1], harness.HTMLReportsIn(dir))
	if err != nil || p1 != filepath.Join(dir, "TestFlow_a_busy_line_retries.html") {
		t.Fatalf("saved as %q (%v)", p1, err)
	}
	p2, err := harness.SaveFailureReport("TestFlow/a busy line: retries?", f.srv, harness.HTMLReportsIn(dir))
	if err != nil || p2 != filepath.Join(dir, "TestFlow_a_busy_line_retries-2.html") {
		t.Errorf("the second report of the same name: %q (%v)", p2, err)
	}
	if data, _ := os.ReadFile(p1); string(data) != string(f.calls[1].HTML()) {
		t.Error("the first file is not the call's report")
	}
	envDir := t.TempDir()
	t.Setenv(harness.ReportDirEnv, envDir)
	if path, err := harness.SaveFailureReport("Describe it › does it", f.srv); err != nil || path != filepath.Join(envDir, "Describe_it_does_it.html") {
		t.Errorf("with %s: %q (%v)", harness.ReportDirEnv, path, err)
	}
	ft := &failingTest{failed: true}
	harness.LogTranscriptOnFailure(ft, f.srv, harness.HTMLReportsIn(dir))
	ft.end()
	if n := len(ft.logged); n != 2 || !strings.HasPrefix(ft.logged[1], "harness: HTML report of every call: "+filepath.Join(dir, "report.html")) {
		t.Errorf("LogTranscriptOnFailure with a directory logged:\n%s", strings.Join(ft.logged, "\n"))
	}
}

// TestControlRecordingWAV: the inspector plays a call's recording from
// the control API, which serves the REST API's audio without recording a
// request; a recording the call does not have is 404.
func TestControlRecordingWAV(t *testing.T) {
	voice := `<Response><Say>Leave a message</Say><Record maxLength="30" timeout="3"/></Response>`
	talk := scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Talk, Duration: 4 * time.Second}}}}
	srv, c := run(t, map[string]string{"/voice": voice}, talk)
	recs := c.Recordings()
	if len(recs) == 0 {
		t.Fatalf("no recording:\n%s", c.Transcript())
	}
	before := len(srv.APIRequests())
	rec := controlRecorder(srv, "GET", "calls/"+c.SID()+"/recordings/"+recs[0].SID+".wav")
	body := rec.Body.Bytes()
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "audio/x-wav" || !strings.HasPrefix(string(body), "RIFF") {
		t.Fatalf("GET the recording: %d %s %.12q", rec.Code, rec.Header().Get("Content-Type"), body)
	}
	status, _, rest := restGet(t, srv, "/Recordings/"+recs[0].SID+".wav")
	if status != 200 {
		t.Fatalf("GET the recording from the REST API: %d", status)
	}
	if string(rest) != string(body) {
		t.Errorf("the control API's audio (%d bytes) is not the REST API's (%d bytes)", len(body), len(rest))
	}
	if got := len(srv.APIRequests()); got != before+1 {
		t.Errorf("%d REST requests recorded after the control API's and the REST API's audio, want %d: only the REST one", got, before+1)
	}
	for _, name := range []string{"RE00000000000000000000000000000000.wav", recs[0].SID + ".mp3", recs[0].SID} {
		if status, body := control(t, srv, "GET", "calls/"+c.SID()+"/recordings/"+name, ""); status != 404 || !strings.Contains(body, "has no completed recording") {
			t.Errorf("GET recordings/%s: %d %s, want 404", name, status, body)
		}
	}
}
