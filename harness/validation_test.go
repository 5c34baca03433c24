package harness_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// verify sends a validation request for num through the official client,
// with its status callback at origin/verified.
func verify(t *testing.T, srv *harness.Server, num string, set func(*api.CreateValidationRequestParams)) *api.ApiV2010ValidationRequest {
	t.Helper()
	p := new(api.CreateValidationRequestParams).SetPhoneNumber(num).SetStatusCallback(origin + "/verified")
	if set != nil {
		set(p)
	}
	v, err := restClient(srv).CreateValidationRequest(p)
	if err != nil {
		t.Fatalf("validation request for %s: %v", num, err)
	}
	return v
}

// verificationCallback returns the status callback of the verification
// call, failing the test unless there is exactly one.
func verificationCallback(t *testing.T, c *harness.Call) harness.Request {
	t.Helper()
	var cbs []harness.Request
	for _, r := range c.Requests() {
		if r.Kind == harness.KindStatusCallback {
			cbs = append(cbs, r)
		}
	}
	if len(cbs) != 1 {
		t.Fatalf("the verification call sent %d status callbacks, want 1 (completed):\n%s", len(cbs), c.Transcript())
	}
	return cbs[0]
}

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

func TestValidationRequest(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(``)))
	v := verify(t, srv, "(415) 555-0100", func(p *api.CreateValidationRequestParams) { p.SetFriendlyName("my cell") })
	if *v.PhoneNumber != "+14155550100" || *v.FriendlyName != "my cell" || *v.AccountSid != srv.AccountSID() || !sixDigits.MatchString(*v.ValidationCode) {
		t.Errorf("validation request: %+v", v)
	}
	if last := srv.APIRequests(); last[len(last)-1].Status != 200 {
		t.Errorf("the validation request was answered %d, want 200", last[len(last)-1].Status)
	}
	if ids := srv.CallerIDs(); len(ids) != 0 {
		t.Errorf("caller IDs before the call: %v, want none", ids)
	}

	// The verification call: to the number, which keys in the code.
	c := srv.Call(*v.CallSid)
	if c == nil {
		t.Fatalf("the server has no call %s", *v.CallSid)
	}
	info := c.Wait()
	if info.Status != harness.StatusCompleted || c.To() != "+14155550100" || c.Direction() != harness.DirectionOutboundAPI {
		t.Errorf("verification call: %s %s to %s", info.Status, c.Direction(), c.To())
	}
	var pressed string
	for _, e := range c.Events() {
		if e.Kind == harness.EventInput && e.Action == harness.ActionPressed {
			pressed += e.Digits
		}
	}
	if pressed != *v.ValidationCode {
		t.Errorf("the far end pressed %q, want the code %s:\n%s", pressed, *v.ValidationCode, c.Transcript())
	}

	// The caller ID exists, and the callback says so.
	ids, err := restClient(srv).ListOutgoingCallerId(new(api.ListOutgoingCallerIdParams).SetPhoneNumber("+14155550100"))
	if err != nil || len(ids) != 1 || *ids[0].FriendlyName != "my cell" {
		t.Fatalf("caller IDs after the call: %v, %v", ids, err)
	}
	cb := verificationCallback(t, c)
	if cb.Form.Get("VerificationStatus") != "success" || cb.Form.Get("OutgoingCallerIdSid") != *ids[0].Sid ||
		cb.Form.Get("CallStatus") != "completed" || cb.Form.Get("CallSid") != *v.CallSid || !strings.HasSuffix(cb.URL, "/verified") {
		t.Errorf("status callback %s: %v", cb.URL, cb.Form)
	}

	// Verified already: 21450.
	_, err = restClient(srv).CreateValidationRequest(new(api.CreateValidationRequestParams).SetPhoneNumber("+14155550100"))
	cliRestError(t, err, 21450, 400)
}

func TestValidationFails(t *testing.T) {
	tests := []struct {
		name  string
		party scenario.Party
	}{
		{"a wrong code", scenario.Person().Presses("000000")},
		{"no code", scenario.Person().StaysSilent()},
		{"busy", scenario.Busy()},
		{"no answer", scenario.NoAnswer()},
		{"hangs up", scenario.Person().HangsUp()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, harness.WithApp(origin, newApp(``)), harness.WithParty(to, tt.party))
			v := verify(t, srv, to, nil)
			c := srv.Call(*v.CallSid)
			c.Wait()
			cb := verificationCallback(t, c)
			if cb.Form.Get("VerificationStatus") != "failed" || cb.Form.Has("OutgoingCallerIdSid") {
				t.Errorf("status callback: %v, want VerificationStatus=failed without OutgoingCallerIdSid", cb.Form)
			}
			if ids := srv.CallerIDs(); len(ids) != 0 {
				t.Errorf("caller IDs: %v, want none", ids)
			}
		})
	}
}

func TestValidationRequestErrors(t *testing.T) {
	tests := []struct {
		name     string
		params   *api.CreateValidationRequestParams
		wantCode int
	}{
		{"no number", new(api.CreateValidationRequestParams), 21421},
		{"Twilio's invalid test number", new(api.CreateValidationRequestParams).SetPhoneNumber("+15005550001"), 21421},
		{"one of the account's numbers", new(api.CreateValidationRequestParams).SetPhoneNumber(ourNumber), 21450},
		{"a call delay over a minute", new(api.CreateValidationRequestParams).SetPhoneNumber(to).SetCallDelay(61), 20001},
		{"an extension with letters", new(api.CreateValidationRequestParams).SetPhoneNumber(to).SetExtension("12a"), 20001},
		{"a relative status callback", new(api.CreateValidationRequestParams).SetPhoneNumber(to).SetStatusCallback("/cb"), 21205},
		{"a status callback method of PUT", new(api.CreateValidationRequestParams).SetPhoneNumber(to).SetStatusCallbackMethod("PUT"), 21209},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}}); err != nil {
				t.Fatal(err)
			}
			_, err := restClient(srv).CreateValidationRequest(tt.params)
			cliRestError(t, err, tt.wantCode, 400)
			if n := len(srv.Calls()); n != 0 {
				t.Errorf("a refused validation request made %d calls", n)
			}
		})
	}
}

func TestValidationCallDelayAndExtension(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(``)))
	v := verify(t, srv, to, func(p *api.CreateValidationRequestParams) { p.SetCallDelay(30).SetExtension("1234") })
	c := srv.Call(*v.CallSid)
	info := c.Wait()
	if got := info.Started.Sub(info.Created); got != 30*time.Second {
		t.Errorf("the call started %v after the request, want CallDelay's 30 s", got)
	}
	var sent string
	for _, e := range c.Events() {
		if e.Kind == harness.EventPlay && e.Digits != "" {
			sent = e.Digits
		}
	}
	if sent != "1234" {
		t.Errorf("digits played after the answer: %q, want the extension 1234:\n%s", sent, c.Transcript())
	}
	if cb := verificationCallback(t, c); cb.Form.Get("VerificationStatus") != "success" {
		t.Errorf("verification with an extension: %v", cb.Form)
	}
}

// TestVerificationsForgottenWithTheirCalls: under a retention, a
// verification goes when its call is forgotten.
func TestVerificationsForgottenWithTheirCalls(t *testing.T) {
	srv := newServer(t, harness.WithRetention(harness.Retention{EndedCalls: 10}))
	rest := restClient(srv)
	for i := range 50 {
		if _, err := rest.CreateValidationRequest(new(api.CreateValidationRequestParams).SetPhoneNumber(fmt.Sprintf("+1415666%04d", i))); err != nil {
			t.Fatal(err)
		}
		srv.Run()
	}
	if calls, n := len(srv.Calls()), harness.VerificationsOf(srv); n > calls {
		t.Errorf("%d verifications kept for %d calls: a forgotten call's verification is never released", n, calls)
	}
}

// TestValidationRequestXML: a validation request answered in XML passes
// the contract check, which rebuilds the request with its own method.
func TestValidationRequestXML(t *testing.T) {
	srv := newServer(t)
	form := url.Values{"PhoneNumber": {"+14155550100"}}
	req := httptest.NewRequest(http.MethodPost, "/2010-04-01/Accounts/"+srv.AccountSID()+"/OutgoingCallerIds.xml", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "<ValidationRequest>") {
		t.Errorf("POST OutgoingCallerIds.xml: %d %s", rec.Code, rec.Body.String())
	}
}
