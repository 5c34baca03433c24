package harness_test

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// newServer returns a server for one test. At the end of the test every REST
// response the server gave is checked against Twilio's OpenAPI description
// (see contract_test.go), so every test of the package is a contract test.
func newServer(t testing.TB, opts ...harness.Option) *harness.Server {
	t.Helper()
	srv := harness.NewServer(t, opts...)
	t.Cleanup(func() { checkContract(t, srv) })
	return srv
}

// restClient returns the official client's 2010-04-01 API aimed at srv's
// first account, through the in-process transport: what voice.API
// (twilioclient/voice) returns, built here because a test package that
// imports it compiles it a second time against this package's test build
// (the harness with export_test.go).
func restClient(srv *harness.Server) *api.ApiService {
	return restClientFor(srv, srv.AccountSID(), srv.AuthToken())
}

// restClientFor returns the official client's 2010-04-01 API with the given
// credentials.
func restClientFor(srv *harness.Server, sid, token string) *api.ApiService {
	c := &client.Client{Credentials: client.NewCredentials(sid, token), HTTPClient: srv.HTTPClient()}
	c.SetAccountSid(sid)
	return api.NewApiServiceWithClient(c)
}

// app is a small voice application for tests: it answers /voice with its
// TwiML and records every request it gets.
type app struct {
	mu       sync.Mutex
	twiml    string
	requests []*http.Request
	forms    []url.Values
}

func newApp(twiml string) *app { return &app{twiml: twiml} }

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	a.mu.Lock()
	a.requests = append(a.requests, r)
	a.forms = append(a.forms, r.Form)
	doc := a.twiml
	a.mu.Unlock()
	switch r.URL.Path {
	case "/voice":
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, doc)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// Tests named TestFix… pin the behaviour changes of the commit "harness: a
// REST layer for any resource, a Call in parts, …" (its "Fixes found from
// outside" list): one per fix, in the test file of the source file it
// fixes, each asserting what Twilio documents (../shared/reference/*.md,
// ../shared/seed/call-resource.txt), so that it fails if the fix is
// reverted.

// The application's origin, and the numbers [place] calls from and to.
const (
	origin = "https://app.example.com"
	from   = "+15005550006"
	to     = "+14155550100"
)

// ourNumber is the application's incoming number.
const ourNumber = "+14155550123"

// alice is a number a <Dial> rings; holdTune is music on hold.
const (
	alice    = "+14155550201"
	holdTune = "https://cdn.example.com/hold.mp3"
)

// allEvents subscribes a call's status callback to every progress event.
var allEvents = []string{"initiated", "ringing", "answered", "completed"}

// appErrorMessage is what Twilio says before hanging up on a call whose
// application failed.
const appErrorMessage = "We are sorry, an application error has occurred. Goodbye."

// place creates a call through the official client and returns it.
func place(t *testing.T, srv *harness.Server, set func(*api.CreateCallParams)) *harness.Call {
	t.Helper()
	p := &api.CreateCallParams{}
	p.SetTo(to).SetFrom(from).SetUrl(origin + "/voice")
	if set != nil {
		set(p)
	}
	created, err := restClient(srv).CreateCall(p)
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

// docs is a voice app that answers each path with its document, and
// answers 204 to paths it does not know (callbacks).
type docs struct {
	mu    sync.Mutex
	paths map[string]string
}

func (d *docs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	doc, ok := d.paths[r.URL.Path]
	d.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, doc)
}

// run places one call from a server whose app serves paths, with the far
// end party, and runs it to the end.
func run(t *testing.T, paths map[string]string, party scenario.Party, opts ...harness.Option) (*harness.Server, *harness.Call) {
	t.Helper()
	opts = append([]harness.Option{harness.WithApp(origin, &docs{paths: paths}), harness.WithParty(to, party)}, opts...)
	srv := newServer(t, opts...)
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetStatusCallback(origin + "/status")
	})
	c.Wait()
	return srv, c
}

// req is a request in a form easy to compare: kind, method, path and the
// parameters that matter to a test.
type req struct {
	Kind   harness.RequestKind
	Method string
	Path   string
	Params map[string]string
}

// requests returns the call's requests other than status callbacks, with
// the named parameters.
func requests(c *harness.Call, names ...string) []req {
	var out []req
	for _, r := range c.Requests() {
		if r.Kind == harness.KindStatusCallback {
			continue
		}
		u, _ := url.Parse(r.URL)
		got := req{Kind: r.Kind, Method: r.Method, Path: u.Path, Params: map[string]string{}}
		for _, n := range names {
			if vs, ok := r.Form[n]; ok {
				got.Params[n] = vs[0]
			}
		}
		out = append(out, got)
	}
	return out
}

// said returns what the call said and played.
func said(c *harness.Call) []string {
	var out []string
	for _, e := range c.Events() {
		switch e.Kind {
		case harness.EventSay:
			out = append(out, e.Text)
		case harness.EventPlay:
			out = append(out, "play "+e.Text)
		}
	}
	return out
}

func press(digits string) scenario.Step {
	return scenario.Step{Do: scenario.Action{Kind: scenario.Press, Digits: digits}}
}

// flow is one call placed to `to` and run to its end: the application's
// documents by path, the far ends, and what the test expects of it.
type flow struct {
	name  string
	paths map[string]string
	// party is the far end of the call (at `to`).
	party scenario.Party
	opts  []harness.Option
	// setup runs once the server exists, before the call is placed.
	setup func(t *testing.T, srv *harness.Server)
	// drive runs part of the call (with Advance) before it is run to its
	// end, to act on it half-way.
	drive func(t *testing.T, srv *harness.Server, c *harness.Call)
	// params are the parameters of the requests the test compares.
	params       []string
	want         []req
	wantStatus   harness.Status
	wantDuration time.Duration
	// check looks at anything else once the call has ended.
	check func(t *testing.T, srv *harness.Server, c *harness.Call)
}

// run places the flow's call, runs it to its end and checks it.
func (f flow) run(t *testing.T) {
	t.Helper()
	opts := append([]harness.Option{harness.WithApp(origin, &docs{paths: f.paths}), harness.WithParty(to, f.party)}, f.opts...)
	srv := newServer(t, opts...)
	if f.setup != nil {
		f.setup(t, srv)
	}
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetStatusCallback(origin + "/status") })
	if f.drive != nil {
		f.drive(t, srv, c)
	}
	info := c.Wait()
	srv.Run() // legs detached from the call may outlive it
	if diff := cmp.Diff(f.want, requests(c, f.params...)); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s\n%s", diff, srv.Transcript())
	}
	if f.wantStatus != "" && info.Status != f.wantStatus {
		t.Errorf("status = %s, want %s\n%s", info.Status, f.wantStatus, c.Transcript())
	}
	if info.Duration != f.wantDuration {
		t.Errorf("duration = %v, want %v\n%s", info.Duration, f.wantDuration, c.Transcript())
	}
	if f.check != nil {
		f.check(t, srv, c)
	}
}

func runFlows(t *testing.T, flows []flow) {
	t.Helper()
	for _, f := range flows {
		t.Run(f.name, f.run)
	}
}

// values returns the parameters name, value, name, value… as a map.
func values(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// voiceReq is the request for the call's Url; voiceInProgress the same
// with its CallStatus.
var (
	voiceReq        = req{harness.KindVoice, "POST", "/voice", map[string]string{}}
	voiceInProgress = req{harness.KindVoice, "POST", "/voice", map[string]string{"CallStatus": "in-progress"}}
)

// notes returns the code, level and message of the call's notifications.
func notes(c *harness.Call) []string {
	var out []string
	for _, n := range c.Notifications() {
		out = append(out, fmt.Sprintf("%d %s %s", n.Code, n.Level, n.Message))
	}
	return out
}

// codes returns the codes of the call's notifications.
func codes(c *harness.Call) []int {
	var out []int
	for _, n := range c.Notifications() {
		out = append(out, n.Code)
	}
	return out
}

// legs returns the final status and duration of each leg the call dialed.
func legs(c *harness.Call) []string {
	var out []string
	for _, l := range c.Children() {
		info := l.Info()
		out = append(out, fmt.Sprintf("%s %s %v", info.To, info.Status, info.Duration))
	}
	return out
}

// wantSaid returns a check that the call said and played want.
func wantSaid(want ...string) func(*testing.T, *harness.Server, *harness.Call) {
	return func(t *testing.T, _ *harness.Server, c *harness.Call) {
		t.Helper()
		if diff := cmp.Diff(want, said(c)); diff != "" {
			t.Errorf("said mismatch (-want +got):\n%s", diff)
		}
	}
}

// wantLegs returns a check of the legs the call dialed.
func wantLegs(want ...string) func(*testing.T, *harness.Server, *harness.Call) {
	return func(t *testing.T, srv *harness.Server, c *harness.Call) {
		t.Helper()
		if diff := cmp.Diff(want, legs(c)); diff != "" {
			t.Errorf("legs mismatch (-want +got):\n%s\n%s", diff, srv.Transcript())
		}
	}
}

// both runs several checks.
func both(checks ...func(*testing.T, *harness.Server, *harness.Call)) func(*testing.T, *harness.Server, *harness.Call) {
	return func(t *testing.T, srv *harness.Server, c *harness.Call) {
		t.Helper()
		for _, check := range checks {
			check(t, srv, c)
		}
	}
}

// statusCallbacks returns the method, path and CallStatus of the status
// callbacks made for a call, one a string.
func statusCallbacks(c *harness.Call) []string {
	var out []string
	for _, r := range c.Requests() {
		if r.Kind != harness.KindStatusCallback {
			continue
		}
		u, _ := url.Parse(r.URL)
		out = append(out, r.Method+" "+u.Path+" "+r.Form.Get("CallStatus"))
	}
	return out
}

// Helpers named cli… serve the tests that drive the unmodified twilio-go
// client (v1.31.0) against the fake through srv.HTTPClient(), and check what
// it gets back, and the webhooks the fake sends, against ../shared/reference.

const (
	cliPauseLong  = `<Response><Pause length="600"/></Response>`
	cliHangUp     = `<Response><Hangup/></Response>`
	cliCallPrefix = "/2010-04-01/Accounts/"
)

var cliCallSID = regexp.MustCompile(`^CA[0-9a-f]{32}$`)

// cliRef returns a pointer to a copy of v.
func cliRef[T any](v T) *T { return &v }

// cliDate formats t as Twilio's REST dates and Timestamp parameters do
// (RFC 2822, UTC).
func cliDate(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// cliAt returns the instant d after the server's virtual start.
func cliAt(d time.Duration) time.Time { return harness.DefaultStartTime().Add(d) }

// cliCreate creates a call with the official client and returns its SID.
func cliCreate(t *testing.T, tw *api.ApiService, p *api.CreateCallParams) string {
	t.Helper()
	c, err := tw.CreateCall(p)
	if err != nil {
		t.Fatalf("CreateCall: %v", err)
	}
	if c.Sid == nil || !cliCallSID.MatchString(*c.Sid) {
		t.Fatalf("CreateCall: sid = %v, want CA and 32 lowercase hex digits", cliDeref(c.Sid))
	}
	return *c.Sid
}

// cliTwimlCall returns create parameters for a call from +14155550199 to to
// that runs doc inline.
func cliTwimlCall(to, doc string) *api.CreateCallParams {
	p := &api.CreateCallParams{}
	return p.SetTo(to).SetFrom("+14155550199").SetTwiml(doc)
}

// cliDeref renders a nullable string field for messages and comparisons:
// quoted, or <nil>.
func cliDeref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return strconv.Quote(*p)
}

// cliRestError asserts that err is a *client.TwilioRestError with the given
// code and HTTP status and Twilio's more_info link, and returns it.
func cliRestError(t *testing.T, err error, code, status int) *client.TwilioRestError {
	t.Helper()
	var rerr *client.TwilioRestError
	if !errors.As(err, &rerr) {
		t.Fatalf("error = %v (%T), want a *client.TwilioRestError with code %d", err, err, code)
	}
	if rerr.Code != code || rerr.Status != status {
		t.Errorf("error code %d status %d (%q), want code %d status %d", rerr.Code, rerr.Status, rerr.Message, code, status)
	}
	if want := "https://www.twilio.com/docs/errors/" + strconv.Itoa(code); rerr.MoreInfo != want {
		t.Errorf("error more_info = %q, want %q", rerr.MoreInfo, want)
	}
	return rerr
}

// cliSIDs returns the SIDs of calls, in order.
func cliSIDs(calls []api.ApiV2010Call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = "<nil>"
		if c.Sid != nil {
			out[i] = *c.Sid
		}
	}
	return out
}

// cliSummary renders requests one a line, for failure messages.
func cliSummary(reqs []harness.Request) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "  +%v %s %s %s CallStatus=%q\n", r.Time.Sub(harness.DefaultStartTime()), r.Kind, r.Method,
			strings.SplitN(r.URL, "?", 2)[0], r.Form.Get("CallStatus"))
	}
	if len(reqs) == 0 {
		b.WriteString("  (none)\n")
	}
	return b.String()
}

// cliRequestsOf returns the requests of one kind made for a call.
func cliRequestsOf(srv *harness.Server, sid string, kind harness.RequestKind) []harness.Request {
	var out []harness.Request
	for _, r := range srv.Call(sid).Requests() {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// cliLiveCall creates a call that answers at once and pauses for ten minutes,
// runs it for ten seconds of virtual time and returns its SID.
func cliLiveCall(t *testing.T, srv *harness.Server, tw *api.ApiService, p *api.CreateCallParams) string {
	t.Helper()
	sid := cliCreate(t, tw, p)
	srv.Advance(10 * time.Second)
	if st := srv.Call(sid).Status(); st != harness.StatusInProgress {
		t.Fatalf("call %s is %s after 10 s, want in-progress (test setup broken)", sid, st)
	}
	return sid
}

// The fixture below sends raw HTTP requests to [harness.Server.Handler], so
// they can be anything a client could send, not only what twilio-go sends.

const (
	apiRoot     = "/2010-04-01/Accounts/"
	validTo     = "+14155550100"
	validFrom   = "+14155550199"
	validURL    = "https://example.com/voice"
	unknownApp  = "AP00000000000000000000000000000000"
	hangupTwiml = "<Response><Hangup/></Response>"
)

var callSIDPattern = regexp.MustCompile(`^CA[0-9a-f]{32}$`)

// credentials is who a request says it is.
type credentials int

const (
	authValid          credentials = iota // the first account's SID and token
	authNone                              // no Authorization header
	authWrongToken                        // the first account's SID, a wrong token
	authUnknownAccount                    // an account SID the server does not have
	authOther                             // the second account's SID and token
)

// fixture is a server with two accounts and calls in known states, and the
// placeholders the cases of [TestInvalidRequests] use in paths and messages:
// {acct}, {other}, {ended}, {live}, {otherCall}, {otherApp}.
type fixture struct {
	srv          *harness.Server
	other        string // the second account
	otherToken   string
	placeholders *strings.Replacer
}

// create makes a call through the REST API and returns its SID.
func (f *fixture) create(t *testing.T, who credentials, form url.Values) string {
	t.Helper()
	acct := f.srv.AccountSID()
	if who == authOther {
		acct = f.other
	}
	rec, err := f.serve(http.MethodPost, apiRoot+acct+"/Calls.json", form.Encode(), who)
	if err != nil {
		t.Fatalf("setup: create call %v: %v", form, err)
	}
	if rec.Code != http.StatusCreated {
		t.Fatalf("setup: create call %v: status %d, body %s", form, rec.Code, rec.Body)
	}
	var res struct{ Sid string }
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || res.Sid == "" {
		t.Fatalf("setup: create call %v: body %s: %v", form, rec.Body, err)
	}
	return res.Sid
}

// serve sends one raw request to the server's handler. A body is sent as a
// form. A panic of the handler is returned as an error.
func (f *fixture) serve(method, target, body string, who credentials) (*httptest.ResponseRecorder, error) {
	req := httptest.NewRequest(method, "https://api.twilio.com"+target, strings.NewReader(body))
	if body != "" || method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	switch who {
	case authValid:
		req.SetBasicAuth(f.srv.AccountSID(), f.srv.AuthToken())
	case authWrongToken:
		req.SetBasicAuth(f.srv.AccountSID(), "ffffffffffffffffffffffffffffffff")
	case authUnknownAccount:
		req.SetBasicAuth("AC0123456789abcdef0123456789abcdef", f.srv.AuthToken())
	case authOther:
		req.SetBasicAuth(f.other, f.otherToken)
	}
	return serveSafely(f.srv.Handler(), req)
}

// serveSafely serves req with h and returns the recorded response, or the
// panic of the handler as an error with its stack, so that one crash fails
// one test instead of the test binary.
func serveSafely(h http.Handler, req *http.Request) (rec *httptest.ResponseRecorder, err error) {
	rec = httptest.NewRecorder()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the handler panicked: %v\n%s", p, debug.Stack())
		}
	}()
	h.ServeHTTP(rec, req)
	return rec, nil
}

// createForm is a valid create request with kv applied: pairs of name and
// value, an empty value removing the parameter.
func createForm(kv ...string) url.Values {
	form := url.Values{"To": {validTo}, "From": {validFrom}, "Url": {validURL}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			form.Del(kv[i])
		} else {
			form.Set(kv[i], kv[i+1])
		}
	}
	return form
}

// twimlOfLength returns a TwiML document of exactly n characters (n ≥ 32).
func twimlOfLength(n int) string {
	const open, closing = "<Response><Say>", "</Say></Response>"
	return open + strings.Repeat("a", n-len(open)-len(closing)) + closing
}

// twilioError is Twilio's REST error body.
type twilioError struct {
	Code     int
	Message  string
	MoreInfo string
	Status   int
}

// checkErrorResponse checks that a response is an error in Twilio's shape:
// a JSON object with exactly code (an integer), message (not empty),
// more_info (the code's documentation page) and status (the HTTP status),
// served as application/json. It returns the error and every problem found.
func checkErrorResponse(status int, header http.Header, body []byte) (twilioError, error) {
	var e twilioError
	var problems []error
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err == nil && mt == "application/xml" {
		return checkXMLError(status, body)
	}
	if err != nil || mt != "application/json" {
		problems = append(problems, fmt.Errorf("Content-Type is %q, want application/json", header.Get("Content-Type")))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return e, errors.Join(append(problems, fmt.Errorf("body %q is not a JSON object: %v", body, err))...)
	}
	targets := map[string]any{"code": &e.Code, "message": &e.Message, "more_info": &e.MoreInfo, "status": &e.Status}
	for name, dst := range targets {
		raw, ok := fields[name]
		if !ok {
			problems = append(problems, fmt.Errorf("body %s has no %q", body, name))
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			problems = append(problems, fmt.Errorf("body %s: %q is %s: %v", body, name, raw, err))
		}
	}
	for name := range fields {
		if _, ok := targets[name]; !ok {
			problems = append(problems, fmt.Errorf("body %s has the field %q, not in Twilio's error body", body, name))
		}
	}
	if e.Message == "" {
		problems = append(problems, fmt.Errorf("body %s: empty message", body))
	}
	if want := fmt.Sprintf("https://www.twilio.com/docs/errors/%d", e.Code); e.MoreInfo != want {
		problems = append(problems, fmt.Errorf("body %s: more_info is %q, want %q", body, e.MoreInfo, want))
	}
	if e.Status != status {
		problems = append(problems, fmt.Errorf("body %s: status is %d, but the HTTP status is %d", body, e.Status, status))
	}
	return e, errors.Join(problems...)
}

// checkXMLError checks an error in Twilio's XML shape:
// <TwilioResponse><RestException> with the same four fields as JSON.
func checkXMLError(status int, body []byte) (twilioError, error) {
	var doc struct {
		XMLName xml.Name `xml:"TwilioResponse"`
		E       struct {
			Code     int    `xml:"Code"`
			Message  string `xml:"Message"`
			MoreInfo string `xml:"MoreInfo"`
			Status   int    `xml:"Status"`
		} `xml:"RestException"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		return twilioError{}, fmt.Errorf("body %q is not Twilio's XML error: %v", body, err)
	}
	e := twilioError{Code: doc.E.Code, Message: doc.E.Message, MoreInfo: doc.E.MoreInfo, Status: doc.E.Status}
	var problems []error
	if e.Message == "" {
		problems = append(problems, fmt.Errorf("body %s: empty message", body))
	}
	if want := fmt.Sprintf("https://www.twilio.com/docs/errors/%d", e.Code); e.MoreInfo != want {
		problems = append(problems, fmt.Errorf("body %s: MoreInfo is %q, want %q", body, e.MoreInfo, want))
	}
	if e.Status != status {
		problems = append(problems, fmt.Errorf("body %s: Status is %d, but the HTTP status is %d", body, e.Status, status))
	}
	return e, errors.Join(problems...)
}

// checkResponse checks the invariants every REST response keeps: no server
// error but 503, Twilio's error body for every error, and a JSON body for
// every success that has one. It returns the decoded JSON body of a success.
func checkResponse(rec *httptest.ResponseRecorder) (map[string]any, error) {
	switch {
	case rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable:
		return nil, fmt.Errorf("status %d; body %q", rec.Code, rec.Body)
	case rec.Code < 200 || rec.Code >= 300:
		_, err := checkErrorResponse(rec.Code, rec.Header(), rec.Body.Bytes())
		return nil, err
	case rec.Code == http.StatusNoContent:
		if rec.Body.Len() != 0 {
			return nil, fmt.Errorf("204 with a body %q", rec.Body)
		}
		return nil, nil
	}
	mt, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type"))
	switch mt {
	case "application/json":
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("status %d: body %q is not a JSON object: %v", rec.Code, rec.Body, err)
		}
		return v, nil
	case "text/csv":
		return nil, nil
	case "application/xml":
		var doc struct {
			XMLName xml.Name `xml:"TwilioResponse"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			return nil, fmt.Errorf("status %d: body %q is not a TwilioResponse: %v", rec.Code, rec.Body, err)
		}
		return nil, nil
	}
	return nil, fmt.Errorf("status %d with Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
}
