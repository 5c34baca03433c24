package harness_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

// A call SID no account has, and a document that keeps a call up for ten
// minutes.
const (
	unknownCall = "CAffffffffffffffffffffffffffffffff"
	pauseTwiml  = `<Response><Pause length="600"/></Response>`
)

func TestClientErrors(t *testing.T) {
	srv := newServer(t)
	tw := restClient(srv)

	creates := []struct {
		name    string
		params  *api.CreateCallParams
		code    int
		message string
	}{
		{"no To", (&api.CreateCallParams{}).SetFrom("+14155550199").SetUrl(origin + "/voice"), 21201, "No 'To' number is specified"},
		{"nothing at all", &api.CreateCallParams{}, 21201, "No 'To' number is specified"},
		{"no From", (&api.CreateCallParams{}).SetTo("+14155550100").SetUrl(origin + "/voice"), 21213, "No 'From' number is specified"},
	}
	for _, tc := range creates {
		t.Run("create with "+tc.name, func(t *testing.T) {
			_, err := tw.CreateCall(tc.params)
			rerr := cliRestError(t, err, tc.code, http.StatusBadRequest)
			if rerr.Message != tc.message {
				t.Errorf("message %q, want %q", rerr.Message, tc.message)
			}
		})
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("refused creates made %d calls", len(calls))
	}

	sid := cliCreate(t, tw, cliTwimlCall("+14155550100", cliHangUp))
	srv.Run()

	t.Run("wrong credentials", func(t *testing.T) {
		clients := map[string]*api.ApiService{
			"wrong token":     restClientFor(srv, srv.AccountSID(), "wrongtoken0123456789abcdef012345"),
			"unknown account": restClientFor(srv, "AC0123456789abcdef0123456789abcdef", srv.AuthToken()),
		}
		for name, bad := range clients {
			_, err := bad.FetchCall(sid, nil)
			if rerr := cliRestError(t, err, 20003, http.StatusUnauthorized); rerr.Message != "Authenticate" {
				t.Errorf("%s: fetch message %q, want Authenticate", name, rerr.Message)
			}
			_, err = bad.CreateCall(cliTwimlCall("+14155550100", cliHangUp))
			cliRestError(t, err, 20003, http.StatusUnauthorized)
			_, err = bad.ListCall(nil)
			cliRestError(t, err, 20003, http.StatusUnauthorized)
		}
		if n := len(srv.Calls()); n != 1 {
			t.Errorf("server has %d calls after unauthenticated creates, want 1", n)
		}
	})

	t.Run("accounts are isolated", func(t *testing.T) {
		acct2, token2, err := srv.AddAccount("", "")
		if err != nil {
			t.Fatalf("AddAccount: %v", err)
		}
		tw2 := restClientFor(srv, acct2, token2)
		sid2 := cliCreate(t, tw2, cliTwimlCall("+14155550100", cliHangUp))
		srv.Run()

		for _, tc := range []struct {
			name string
			tw   *api.ApiService
			want []string
		}{{"first", tw, []string{sid}}, {"second", tw2, []string{sid2}}} {
			calls, err := tc.tw.ListCall(nil)
			if err != nil {
				t.Fatalf("%s account: ListCall: %v", tc.name, err)
			}
			if diff := cmp.Diff(tc.want, cliSIDs(calls)); diff != "" {
				t.Errorf("%s account: ListCall SIDs mismatch (-want +got):\n%s", tc.name, diff)
			}
		}
		c2, err := tw2.FetchCall(sid2, nil)
		if err != nil {
			t.Fatalf("FetchCall own call: %v", err)
		}
		if cliDeref(c2.AccountSid) != strconv.Quote(acct2) {
			t.Errorf("account_sid %s, want %s", cliDeref(c2.AccountSid), acct2)
		}

		_, err = tw.FetchCall(sid2, nil)
		rerr := cliRestError(t, err, 20404, http.StatusNotFound)
		if want := "The requested resource " + cliCallPrefix + srv.AccountSID() + "/Calls/" + sid2 + ".json was not found"; rerr.Message != want {
			t.Errorf("message %q, want %q", rerr.Message, want)
		}
		_, err = tw2.FetchCall(sid, nil)
		cliRestError(t, err, 20404, http.StatusNotFound)
		cliRestError(t, tw2.DeleteCall(sid, nil), 20404, http.StatusNotFound)
		_, err = tw2.UpdateCall(sid, (&api.UpdateCallParams{}).SetTwiml(cliPauseLong))
		cliRestError(t, err, 20404, http.StatusNotFound)
		// The other account's path, with one's own credentials.
		_, err = tw.FetchCall(sid2, (&api.FetchCallParams{}).SetPathAccountSid(acct2))
		cliRestError(t, err, 20404, http.StatusNotFound)
		_, err = tw.ListCall((&api.ListCallParams{}).SetPathAccountSid(acct2))
		cliRestError(t, err, 20404, http.StatusNotFound)
		if _, err := tw.FetchCall(sid, nil); err != nil {
			t.Errorf("the first account's call after the second account's attempts: %v", err)
		}
	})
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
		{name: "route/unknown resource", method: get, path: apiRoot + "{acct}/Addresses.json",
			wantStatus: 404, wantCode: 20404},
		{name: "route/unknown subresource", method: get, path: apiRoot + "{acct}/Calls/{live}/Payments.json",
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
