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
	"strings"
	"testing"
	"time"

	"github.com/twimlharness/twimlharness/harness"
)

// The requests of this file are raw HTTP requests to [harness.Server.Handler],
// so they can be anything a client could send, not only what twilio-go sends.

const (
	apiRoot     = "/2010-04-01/Accounts/"
	validTo     = "+14155550100"
	validFrom   = "+14155550199"
	validURL    = "https://example.com/voice"
	unknownCall = "CAffffffffffffffffffffffffffffffff"
	unknownApp  = "AP00000000000000000000000000000000"
	hangupTwiml = "<Response><Hangup/></Response>"
	pauseTwiml  = `<Response><Pause length="600"/></Response>`
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

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := newServer(t)
	other, otherToken, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatalf("AddAccount: %v", err)
	}
	otherApp, err := srv.AddApplication(harness.Application{AccountSID: other, VoiceSettings: harness.VoiceSettings{VoiceURL: validURL}})
	if err != nil {
		t.Fatalf("AddApplication: %v", err)
	}
	f := &fixture{srv: srv, other: other, otherToken: otherToken}

	ended := f.create(t, authValid, url.Values{"To": {validTo}, "From": {validFrom}, "Twiml": {hangupTwiml}})
	srv.Run()
	if st := srv.Call(ended).Status(); st != harness.StatusCompleted {
		t.Fatalf("setup: call %s with %s is %s after Run, want completed", ended, hangupTwiml, st)
	}
	live := f.create(t, authValid, url.Values{"To": {validTo}, "From": {validFrom}, "Twiml": {pauseTwiml}})
	srv.Advance(time.Second)
	if st := srv.Call(live).Status(); st != harness.StatusInProgress {
		t.Fatalf("setup: call %s with %s is %s a second after its creation, want in-progress", live, pauseTwiml, st)
	}
	otherCall := f.create(t, authOther, url.Values{"To": {validTo}, "From": {validFrom}, "Url": {validURL}})

	f.placeholders = strings.NewReplacer("{acct}", srv.AccountSID(), "{other}", other,
		"{ended}", ended, "{live}", live, "{otherCall}", otherCall, "{otherApp}", otherApp)
	return f
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

func TestInvalidRequests(t *testing.T) {
	f := newFixture(t)
	const (
		calls         = apiRoot + "{acct}/Calls.json"
		unknownPath   = apiRoot + "{acct}/Calls/" + unknownCall + ".json"
		unknownMsg    = "The requested resource " + unknownPath + " was not found"
		endedPath     = apiRoot + "{acct}/Calls/{ended}.json"
		livePath      = apiRoot + "{acct}/Calls/{live}.json"
		otherCalls    = apiRoot + "{other}/Calls.json"
		otherCallPath = apiRoot + "{other}/Calls/{otherCall}.json"
		get, post     = http.MethodGet, http.MethodPost
		del, put      = http.MethodDelete, http.MethodPut
	)
	tests := []struct {
		name        string
		method      string
		path        string // with the placeholders of [fixture]; may carry a query
		form        url.Values
		body        string // raw body, when form is nil
		auth        credentials
		wantStatus  int
		wantCode    int
		wantMessage string // exact, where Twilio's message is known; placeholders allowed
	}{
		// Create: the addresses.
		{name: "create/missing To", method: post, path: calls, form: createForm("To", ""),
			wantStatus: 400, wantCode: 21201, wantMessage: "No 'To' number is specified"},
		{name: "create/blank To", method: post, path: calls, form: createForm("To", "   "),
			wantStatus: 400, wantCode: 21201, wantMessage: "No 'To' number is specified"},
		{name: "create/empty body", method: post, path: calls, form: url.Values{},
			wantStatus: 400, wantCode: 21201, wantMessage: "No 'To' number is specified"},
		{name: "create/missing From", method: post, path: calls, form: createForm("From", ""),
			wantStatus: 400, wantCode: 21213, wantMessage: "No 'From' number is specified"},
		{name: "create/malformed To", method: post, path: calls, form: createForm("To", "not-a-number"),
			wantStatus: 400, wantCode: 21211},
		{name: "create/To client without a name", method: post, path: calls, form: createForm("To", "client:"),
			wantStatus: 400, wantCode: 21211},
		{name: "create/malformed From", method: post, path: calls, form: createForm("From", "12"),
			wantStatus: 400, wantCode: 21212, wantMessage: "From is not a valid phone number: 12"},
		{name: "create/From magic +15005550001", method: post, path: calls, form: createForm("From", "+15005550001"),
			wantStatus: 400, wantCode: 21212, wantMessage: "From is not a valid phone number: +15005550001"},
		{name: "create/To magic +15005550001", method: post, path: calls, form: createForm("To", "+15005550001"),
			wantStatus: 400, wantCode: 21217, wantMessage: "The phone number you are attempting to call, +15005550001, is not valid."},
		{name: "create/To magic +15005550002", method: post, path: calls, form: createForm("To", "+15005550002"),
			wantStatus: 400, wantCode: 21214},
		{name: "create/To magic +15005550003", method: post, path: calls, form: createForm("To", "+15005550003"),
			wantStatus: 400, wantCode: 21215, wantMessage: "Account not allowed to call +15005550003"},
		{name: "create/To magic +15005550004", method: post, path: calls, form: createForm("To", "+15005550004"),
			wantStatus: 400, wantCode: 21216},
		{name: "create/phone To from a client", method: post, path: calls, form: createForm("From", "client:x"),
			wantStatus: 400, wantCode: 21212, wantMessage: "From is not a valid phone number: client:x"},

		// Create: where the TwiML comes from.
		{name: "create/no Url Twiml or ApplicationSid", method: post, path: calls, form: createForm("Url", ""),
			wantStatus: 400, wantCode: 21205},
		{name: "create/relative Url", method: post, path: calls, form: createForm("Url", "/voice"),
			wantStatus: 400, wantCode: 21205},
		{name: "create/unparsable Url", method: post, path: calls, form: createForm("Url", "ht!tp://x"),
			wantStatus: 400, wantCode: 21205},
		{name: "create/ftp Url", method: post, path: calls, form: createForm("Url", "ftp://x"),
			wantStatus: 400, wantCode: 21205},
		{name: "create/Url host with underscore", method: post, path: calls, form: createForm("Url", "https://my_app.example.com/voice"),
			wantStatus: 400, wantCode: 21205},
		{name: "create/relative FallbackUrl", method: post, path: calls, form: createForm("FallbackUrl", "fallback"),
			wantStatus: 400, wantCode: 21205},
		{name: "create/relative StatusCallback", method: post, path: calls, form: createForm("StatusCallback", "/status"),
			wantStatus: 400, wantCode: 21205},
		{name: "create/Twiml of 4001 characters", method: post, path: calls, form: createForm("Url", "", "Twiml", twimlOfLength(4001)),
			wantStatus: 400, wantCode: 32018},
		{name: "create/unknown ApplicationSid", method: post, path: calls, form: createForm("Url", "", "ApplicationSid", unknownApp),
			wantStatus: 400, wantCode: 21218},
		{name: "create/ApplicationSid of another account", method: post, path: calls, form: createForm("Url", "", "ApplicationSid", "{otherApp}"),
			wantStatus: 400, wantCode: 21218},

		// Create: methods.
		{name: "create/Method PUT", method: post, path: calls, form: createForm("Method", "PUT"),
			wantStatus: 400, wantCode: 21209},
		{name: "create/FallbackMethod DELETE", method: post, path: calls, form: createForm("FallbackUrl", "https://example.com/fallback", "FallbackMethod", "DELETE"),
			wantStatus: 400, wantCode: 21209},
		{name: "create/StatusCallbackMethod PATCH", method: post, path: calls, form: createForm("StatusCallback", "https://example.com/status", "StatusCallbackMethod", "PATCH"),
			wantStatus: 400, wantCode: 21209},

		// Create: dialing.
		{name: "create/Timeout 0", method: post, path: calls, form: createForm("Timeout", "0"),
			wantStatus: 400, wantCode: 21208},
		{name: "create/Timeout 601", method: post, path: calls, form: createForm("Timeout", "601"),
			wantStatus: 400, wantCode: 21208},
		{name: "create/Timeout abc", method: post, path: calls, form: createForm("Timeout", "abc"),
			wantStatus: 400, wantCode: 21208},
		{name: "create/Timeout huge", method: post, path: calls, form: createForm("Timeout", "99999999999999999999999"),
			wantStatus: 400, wantCode: 21208},
		{name: "create/StatusCallbackEvent started", method: post, path: calls, form: createForm("StatusCallback", "https://example.com/status", "StatusCallbackEvent", "started"),
			wantStatus: 400, wantCode: 21626},
		{name: "create/StatusCallbackEvent comma-joined", method: post, path: calls, form: createForm("StatusCallback", "https://example.com/status", "StatusCallbackEvent", "initiated,ringing"),
			wantStatus: 400, wantCode: 21626},
		{name: "create/SendDigits 12x", method: post, path: calls, form: createForm("SendDigits", "12x"),
			wantStatus: 400, wantCode: 21206},
		{name: "create/SendDigits of 33 keys", method: post, path: calls, form: createForm("SendDigits", strings.Repeat("1", 33)),
			wantStatus: 400, wantCode: 21206},

		// Create: answering machine detection.
		{name: "create/MachineDetection Yes", method: post, path: calls, form: createForm("MachineDetection", "Yes"),
			wantStatus: 400, wantCode: 21234},
		{name: "create/MachineDetectionTimeout 2", method: post, path: calls, form: createForm("MachineDetection", "Enable", "MachineDetectionTimeout", "2"),
			wantStatus: 400, wantCode: 21234},
		{name: "create/MachineDetectionTimeout 60", method: post, path: calls, form: createForm("MachineDetection", "Enable", "MachineDetectionTimeout", "60"),
			wantStatus: 400, wantCode: 21234},
		{name: "create/MachineDetectionSpeechThreshold 999", method: post, path: calls, form: createForm("MachineDetection", "Enable", "MachineDetectionSpeechThreshold", "999"),
			wantStatus: 400, wantCode: 21234},
		{name: "create/AsyncAmd maybe", method: post, path: calls, form: createForm("MachineDetection", "Enable", "AsyncAmd", "maybe"),
			wantStatus: 400, wantCode: 21234},

		// Create: the request itself.
		{name: "create/malformed query", method: post, path: calls + "?%zz", form: createForm(),
			wantStatus: 400, wantCode: 20001},
		{name: "create/malformed body", method: post, path: calls, body: "To=%zz&From=%2B14155550199",
			wantStatus: 400, wantCode: 20001},

		// Authentication and accounts.
		{name: "auth/none", method: post, path: calls, form: createForm(), auth: authNone,
			wantStatus: 401, wantCode: 20003, wantMessage: "Authenticate"},
		{name: "auth/wrong token", method: post, path: calls, form: createForm(), auth: authWrongToken,
			wantStatus: 401, wantCode: 20003, wantMessage: "Authenticate"},
		{name: "auth/unknown account", method: get, path: calls, auth: authUnknownAccount,
			wantStatus: 401, wantCode: 20003, wantMessage: "Authenticate"},
		{name: "auth/other account's path", method: post, path: otherCalls, form: createForm(),
			wantStatus: 404, wantCode: 20404, wantMessage: "The requested resource " + otherCalls + " was not found"},
		{name: "auth/other account's list", method: get, path: otherCalls,
			wantStatus: 404, wantCode: 20404},
		{name: "auth/other account's call", method: get, path: otherCallPath,
			wantStatus: 404, wantCode: 20404},
		{name: "auth/other account's call under own account", method: get, path: apiRoot + "{acct}/Calls/{otherCall}.json",
			wantStatus: 404, wantCode: 20404},

		// A call: fetch, update, delete.
		{name: "fetch/unknown call", method: get, path: unknownPath,
			wantStatus: 404, wantCode: 20404, wantMessage: unknownMsg},
		{name: "update/unknown call", method: post, path: unknownPath, form: url.Values{"Url": {validURL}},
			wantStatus: 404, wantCode: 20404, wantMessage: unknownMsg},
		{name: "delete/unknown call", method: del, path: unknownPath,
			wantStatus: 404, wantCode: 20404, wantMessage: unknownMsg},
		{name: "update/ended call", method: post, path: endedPath, form: url.Values{"Url": {validURL}},
			wantStatus: 400, wantCode: 21220, wantMessage: "Call is not in-progress. Cannot redirect."},
		{name: "delete/live call", method: del, path: livePath,
			wantStatus: 400, wantCode: 20009},
		{name: "delete/queued call", method: del, path: otherCallPath, auth: authOther,
			wantStatus: 400, wantCode: 20009},
		{name: "update/Status foo", method: post, path: livePath, form: url.Values{"Status": {"foo"}},
			wantStatus: 400, wantCode: 20001},
		{name: "update/Url and Twiml", method: post, path: livePath, form: url.Values{"Url": {validURL}, "Twiml": {hangupTwiml}},
			wantStatus: 400, wantCode: 20001},
		{name: "update/relative Url", method: post, path: livePath, form: url.Values{"Url": {"/next"}},
			wantStatus: 400, wantCode: 21205},
		{name: "update/Method PUT", method: post, path: livePath, form: url.Values{"Url": {validURL}, "Method": {"PUT"}},
			wantStatus: 400, wantCode: 21209},
		{name: "update/Twiml of 4001 characters", method: post, path: livePath, form: url.Values{"Twiml": {twimlOfLength(4001)}},
			wantStatus: 400, wantCode: 32018},
		{name: "fetch/unknown extension", method: get, path: apiRoot + "{acct}/Calls/{live}.txt",
			wantStatus: 404, wantCode: 20404},
		{name: "fetch/unknown call as XML", method: get, path: apiRoot + "{acct}/Calls/CA00000000000000000000000000000000.xml",
			wantStatus: 404, wantCode: 20404},
		{name: "fetch/unknown call without extension (XML)", method: get, path: apiRoot + "{acct}/Calls/CA00000000000000000000000000000000",
			wantStatus: 404, wantCode: 20404},

		// The list.
		{name: "list/PageSize abc", method: get, path: calls + "?PageSize=abc",
			wantStatus: 400, wantCode: 20001},
		{name: "list/PageSize 0", method: get, path: calls + "?PageSize=0",
			wantStatus: 400, wantCode: 20001},
		{name: "list/StartTime yesterday", method: get, path: calls + "?StartTime=yesterday",
			wantStatus: 400, wantCode: 20001},
		{name: "list/Status bogus", method: get, path: calls + "?Status=bogus",
			wantStatus: 400, wantCode: 20001},

		// Routing.
		{name: "route/PUT on Calls", method: put, path: calls, form: createForm(),
			wantStatus: 405, wantCode: 20004},
		{name: "route/DELETE on Calls", method: del, path: calls,
			wantStatus: 405, wantCode: 20004},
		{name: "route/PUT on a call", method: put, path: livePath, form: url.Values{"Url": {validURL}},
			wantStatus: 405, wantCode: 20004},
		{name: "route/unknown resource", method: get, path: apiRoot + "{acct}/Queues.json",
			wantStatus: 404, wantCode: 20404},
		{name: "route/unknown subresource", method: get, path: apiRoot + "{acct}/Calls/{live}/Streams.json",
			wantStatus: 404, wantCode: 20404},
		{name: "route/unknown path", method: get, path: "/2010-04-01/Nothing.json",
			wantStatus: 404, wantCode: 20404},
		{name: "route/root", method: get, path: "/",
			wantStatus: 404, wantCode: 20404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := f.placeholders.Replace(tt.path)
			body := tt.body
			if tt.form != nil {
				form := url.Values{}
				for k, vs := range tt.form {
					for _, v := range vs {
						form.Add(k, f.placeholders.Replace(v))
					}
				}
				body = form.Encode()
			}
			before := len(f.srv.Calls())

			rec, err := f.serve(tt.method, path, body, tt.auth)
			if err != nil {
				t.Fatalf("%s %s: %v", tt.method, path, err)
			}

			if rec.Code != tt.wantStatus {
				t.Errorf("%s %s: status %d, want %d; body %s", tt.method, path, rec.Code, tt.wantStatus, rec.Body)
			}
			got, err := checkErrorResponse(rec.Code, rec.Header(), rec.Body.Bytes())
			if err != nil {
				t.Errorf("%s %s: not Twilio's error body:\n%v", tt.method, path, err)
			}
			if got.Code != tt.wantCode {
				t.Errorf("%s %s: code %d, want %d; message %q", tt.method, path, got.Code, tt.wantCode, got.Message)
			}
			if want := f.placeholders.Replace(tt.wantMessage); want != "" && got.Message != want {
				t.Errorf("%s %s: message %q, want %q", tt.method, path, got.Message, want)
			}
			if rec.Code == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s: 401 without a WWW-Authenticate header", tt.method, path)
			}
			if after := len(f.srv.Calls()); after != before {
				t.Errorf("%s %s: the rejected request made %d calls", tt.method, path, after-before)
			}
		})
	}
	// The rejected requests changed nothing.
	if st := f.srv.Call(f.placeholders.Replace("{live}")).Status(); st != harness.StatusInProgress {
		t.Errorf("the live call is %s after the rejected requests, want in-progress", st)
	}
}

func TestValidVariants(t *testing.T) {
	tests := []struct {
		name            string
		form            url.Values
		wantTo          string
		wantToFormatted string
		wantFrom        string
	}{
		{name: "StatusCallbackEvent space-separated",
			form: createForm("StatusCallback", "https://example.com/status", "StatusCallbackEvent", "initiated ringing")},
		{name: "StatusCallbackEvent repeated",
			form: url.Values{"To": {validTo}, "From": {validFrom}, "Url": {validURL}, "StatusCallback": {"https://example.com/status"},
				"StatusCallbackEvent": {"initiated", "ringing", "answered", "completed"}}},
		{name: "StatusCallbackEvent upper case", form: createForm("StatusCallback", "https://example.com/status", "StatusCallbackEvent", "Completed")},
		{name: "lower-case get", form: createForm("Method", "get", "FallbackUrl", "https://example.com/fallback", "FallbackMethod", "get")},
		{name: "NANP number", form: createForm("To", "(415) 555-0100"),
			wantTo: "+14155550100", wantToFormatted: "(415) 555-0100"},
		{name: "NANP number with dashes and country code", form: createForm("To", "1-415-555-0100"),
			wantTo: "+14155550100", wantToFormatted: "(415) 555-0100"},
		{name: "UK number", form: createForm("To", "+442071838750"),
			wantTo: "+442071838750", wantToFormatted: "+442071838750"},
		{name: "client with a caller label", form: createForm("To", "client:alice", "From", "harness"),
			wantTo: "client:alice", wantToFormatted: "client:alice", wantFrom: "harness"},
		{name: "Timeout 1", form: createForm("Timeout", "1")},
		{name: "Timeout 600", form: createForm("Timeout", "600")},
		{name: "MachineDetectionTimeout 3", form: createForm("MachineDetection", "Enable", "MachineDetectionTimeout", "3")},
		{name: "MachineDetectionTimeout 59", form: createForm("MachineDetection", "DetectMessageEnd", "MachineDetectionTimeout", "59")},
		{name: "AsyncAmd true", form: createForm("MachineDetection", "Enable", "AsyncAmd", "true")},
		{name: "Twiml only", form: createForm("Url", "", "Twiml", twimlOfLength(4000))},
		{name: "Url and Twiml", form: createForm("Twiml", hangupTwiml)},
		{name: "SendDigits of 32 keys", form: createForm("SendDigits", "W1234#*ABCDw"+strings.Repeat("0", 20))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fixture{srv: newServer(t)}
			target := apiRoot + f.srv.AccountSID() + "/Calls.json"

			rec, err := f.serve(http.MethodPost, target, tt.form.Encode(), authValid)
			if err != nil {
				t.Fatalf("POST %s %v: %v", target, tt.form, err)
			}

			if rec.Code != http.StatusCreated {
				t.Fatalf("POST %s %v: status %d, want 201; body %s", target, tt.form, rec.Code, rec.Body)
			}
			if mt, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type")); mt != "application/json" {
				t.Errorf("Content-Type %q, want application/json", rec.Header().Get("Content-Type"))
			}
			var got map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			sid, _ := got["sid"].(string)
			if !callSIDPattern.MatchString(sid) {
				t.Errorf("sid %v, want CA and 32 hex digits", got["sid"])
			}
			want := map[string]string{"status": "queued", "direction": "outbound-api", "to": tt.wantTo,
				"to_formatted": tt.wantToFormatted, "from": tt.wantFrom}
			for field, w := range want {
				if w != "" && got[field] != w {
					t.Errorf("%s is %v, want %q", field, got[field], w)
				}
			}
			if calls := f.srv.Calls(); len(calls) != 1 || calls[0].SID() != sid {
				t.Errorf("the server has %d calls after one create, want the call %s", len(calls), sid)
			}
		})
	}
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

// FuzzCreateCall sends arbitrary bodies and query strings to POST
// /Calls.json with valid credentials: the answer is a new call or Twilio's
// error, never a crash.
func FuzzCreateCall(f *testing.F) {
	valid := createForm()
	seeds := []struct{ body, query string }{
		{valid.Encode(), ""},
		{createForm("Url", "", "Twiml", hangupTwiml).Encode(), ""},
		{createForm("To", "client:alice", "From", "harness").Encode(), ""},
		{createForm("To", "sip:alice@example.com", "From", "anything").Encode(), ""},
		{createForm("To", "(415) 555-0100", "Timeout", "600", "MachineDetection", "Enable", "AsyncAmd", "TRUE").Encode(), ""},
		{url.Values{"To": {validTo}, "From": {validFrom}, "Url": {validURL}, "StatusCallbackEvent": {"initiated ringing", "answered", "completed"}}.Encode(), ""},
		{createForm("Record", "true", "RecordingStatusCallbackEvent", "in-progress completed absent", "RecordingChannels", "dual").Encode(), ""},
		{createForm("Url", "", "ApplicationSid", unknownApp).Encode(), ""},
		{"", ""},
		{"", valid.Encode()},
		{"\x00\xff\xfe\x01binary\x80garbage", ""},
		{"To=%zz&From=%2", ""},
		{valid.Encode(), "%zz"},
		{valid.Encode() + "&Timeout=99999999999999999999999999", ""},
		{valid.Encode() + "&Timeout=-1&TimeLimit=-5", ""},
		{valid.Encode() + "&MachineDetectionTimeout=9223372036854775808", ""},
		{valid.Encode() + "&SendDigits=" + strings.Repeat("w", 1000), ""},
		{"To=;From=;Url=", "a;b"},
		{"To=+15005550001&From=+15005550006&Url=https://example.com/", ""},
		{createForm("Url", "", "Twiml", twimlOfLength(4001)).Encode(), ""},
		{createForm("Url", "http://[::1]:namedport/").Encode(), ""},
	}
	for _, s := range seeds {
		f.Add(s.body, s.query)
	}
	f.Fuzz(func(t *testing.T, body, query string) {
		srv := newServer(t)
		fx := &fixture{srv: srv}
		req := httptest.NewRequest(http.MethodPost, apiRoot+srv.AccountSID()+"/Calls.json", strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())

		rec, err := serveSafely(srv.Handler(), req)
		if err != nil {
			t.Fatalf("POST Calls.json?%q with body %q: %v", query, body, err)
		}

		v, err := checkResponse(rec)
		if err != nil {
			t.Fatalf("POST Calls.json?%q with body %q: %v", query, body, err)
		}
		calls := len(fx.srv.Calls())
		switch {
		case rec.Code == http.StatusCreated:
			if sid, _ := v["sid"].(string); !callSIDPattern.MatchString(sid) {
				t.Errorf("POST Calls.json?%q with body %q: 201 with sid %v", query, body, v["sid"])
			}
			if calls != 1 {
				t.Errorf("POST Calls.json?%q with body %q: 201, and the server has %d calls", query, body, calls)
			}
		case rec.Code >= 400:
			if calls != 0 {
				t.Errorf("POST Calls.json?%q with body %q: %d, and the server has %d calls", query, body, rec.Code, calls)
			}
		default:
			t.Errorf("POST Calls.json?%q with body %q: status %d, want 201 or an error", query, body, rec.Code)
		}
	})
}

// FuzzAPI sends arbitrary methods, paths, queries and bodies to a server
// with an ended, a live and a queued call. In paths, {acct}, {ended}, {live}
// and {queued} stand for their SIDs.
func FuzzAPI(f *testing.F) {
	seeds := []struct{ method, path, query, body string }{
		{"GET", "/2010-04-01/Accounts/{acct}/Calls.json", "", ""},
		{"GET", "/2010-04-01/Accounts/{acct}/Calls.csv", "Status=completed&PageSize=1", ""},
		{"GET", "/2010-04-01/Accounts/{acct}/Calls.json", "PageSize=1&Page=1&PageToken=PA{ended}", ""},
		{"GET", "/2010-04-01/Accounts/{acct}/Calls.json", "StartTime>=2025-01-06&EndTime<=2025-01-07T00:00:00Z&To=%2B14155550100", ""},
		{"GET", "/2010-04-01/Accounts/{acct}/Calls.json", "PageSize=99999999999999999999&Page=99999999999", ""},
		{"GET", "/2010-04-01/Accounts/{acct}/Calls.json", "Page=9223372036854775807&PageSize=1000", ""},
		{"HEAD", "/2010-04-01/Accounts/{acct}/Calls/{ended}.json", "", ""},
		{"GET", "/2010-04-01/Accounts/{acct}/Calls/{live}.csv", "", ""},
		{"POST", "/2010-04-01/Accounts/{acct}/Calls.json", "", createForm().Encode()},
		{"POST", "/2010-04-01/Accounts/{acct}/Calls/{live}.json", "", "Url=https%3A%2F%2Fexample.com%2Fnext&Method=GET"},
		{"POST", "/2010-04-01/Accounts/{acct}/Calls/{live}.json", "", "Status=completed"},
		{"POST", "/2010-04-01/Accounts/{acct}/Calls/{queued}.json", "", "Status=canceled"},
		{"POST", "/2010-04-01/Accounts/{acct}/Calls/{live}.json", "", "TimeLimit=1&StatusCallback=https%3A%2F%2Fexample.com%2Fs&Twiml=%3CResponse%2F%3E"},
		{"POST", "/2010-04-01/Accounts/{acct}/Calls/{live}.json", "", "TimeLimit=99999999999999999"},
		{"POST", "/2010-04-01/Accounts/{acct}/Calls/{ended}.json", "", "Status=bogus"},
		{"DELETE", "/2010-04-01/Accounts/{acct}/Calls/{ended}.json", "", ""},
		{"DELETE", "/2010-04-01/Accounts/{acct}/Calls/{live}.json", "", ""},
		{"PUT", "/2010-04-01/Accounts/{acct}/Calls.json", "", ""},
		{"", "", "", ""},
		{"GET", "/2010-04-01/Accounts/{acct}/Calls/.json", "", ""},
		{"GET", "/2010-04-01/Accounts/{acct}/Calls/{live}.json/extra", "", ""},
		{"GET", "/2010-04-01/Accounts/", "", ""},
		{"G\x00T", "//\xff", "%", "\xff"},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, s.body)
	}
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		srv := newServer(t)
		fx := &fixture{srv: srv}
		ended := fx.create(t, authValid, url.Values{"To": {validTo}, "From": {validFrom}, "Twiml": {hangupTwiml}})
		srv.Run()
		live := fx.create(t, authValid, url.Values{"To": {validTo}, "From": {validFrom}, "Twiml": {pauseTwiml}})
		srv.Advance(time.Second)
		queued := fx.create(t, authValid, createForm())
		path = strings.NewReplacer("{acct}", srv.AccountSID(), "{ended}", ended, "{live}", live, "{queued}", queued).Replace(path)

		req := httptest.NewRequest(http.MethodGet, "/", strings.NewReader(body))
		req.Method = method
		req.URL.Path = path
		req.URL.RawPath = ""
		req.URL.RawQuery = query
		req.RequestURI = req.URL.RequestURI()
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())

		rec, err := serveSafely(srv.Handler(), req)
		if err != nil {
			t.Fatalf("%q %q?%q with body %q: %v", method, path, query, body, err)
		}

		v, err := checkResponse(rec)
		if err != nil {
			t.Fatalf("%q %q?%q with body %q: %v", method, path, query, body, err)
		}
		if _, isList := v["calls"]; v != nil && !isList {
			if sid, _ := v["sid"].(string); !callSIDPattern.MatchString(sid) {
				t.Errorf("%q %q?%q with body %q: %d with sid %v", method, path, query, body, rec.Code, v["sid"])
			}
		}
	})
}
