package harness_test

import (
	"errors"
	"net/url"
	"testing"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

// TestFromRule checks who may be From (21210): once an account owns a
// number or has a verified caller ID, only those and Twilio's test number;
// before, anything valid; never a client or SIP address.
func TestFromRule(t *testing.T) {
	const owned, verified, stranger = "+14155550123", "+14155550150", "+14155550199"
	tests := []struct {
		name       string
		numbers    bool // the account owns owned
		callerIDs  bool // the account has verified verified
		elsewhere  bool // another account owns stranger
		anyFrom    bool
		to, from   string
		wantCode   int
		wantReject string
	}{
		{name: "nothing declared: any From", from: stranger},
		{name: "nothing declared, another account's number", elsewhere: true, from: stranger},
		{name: "a number it owns", numbers: true, from: owned},
		{name: "a number it does not own", numbers: true, from: stranger, wantCode: 21210},
		{name: "another account's number", numbers: true, elsewhere: true, from: stranger, wantCode: 21210},
		{name: "a verified caller ID", callerIDs: true, from: verified},
		{name: "a caller ID alone declares", callerIDs: true, from: stranger, wantCode: 21210},
		{name: "a caller ID with numbers too", numbers: true, callerIDs: true, from: verified},
		{name: "Twilio's test number", numbers: true, from: "+15005550006"},
		{name: "Twilio's invalid test number comes first", numbers: true, from: "+15005550001", wantCode: 21212},
		{name: "a client From is not checked", numbers: true, to: "client:alice", from: "client:bob"},
		{name: "a caller ID label towards a client is not checked", numbers: true, to: "client:alice", from: "Front desk"},
		{name: "AnyFrom", numbers: true, anyFrom: true, from: stranger},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fid := harness.DefaultFidelity()
			fid.AnyFrom = tt.anyFrom
			srv := newServer(t, harness.WithFidelity(fid))
			if tt.numbers {
				if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: owned, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}}); err != nil {
					t.Fatal(err)
				}
			}
			if tt.callerIDs {
				if _, err := srv.AddCallerID(harness.CallerID{PhoneNumber: verified}); err != nil {
					t.Fatal(err)
				}
			}
			if tt.elsewhere {
				other, _, err := srv.AddAccount("", "")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := srv.AddNumber(harness.IncomingNumber{AccountSID: other, PhoneNumber: stranger, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}}); err != nil {
					t.Fatal(err)
				}
			}
			callTo := to
			if tt.to != "" {
				callTo = tt.to
			}
			_, err := restClient(srv).CreateCall(new(api.CreateCallParams).SetTo(callTo).SetFrom(tt.from).SetTwiml(hangupTwiml))
			if tt.wantCode == 0 {
				if err != nil {
					t.Errorf("create from %s: %v, want it accepted", tt.from, err)
				}
				return
			}
			rerr := cliRestError(t, err, tt.wantCode, 400)
			if tt.wantCode == 21210 {
				want := "The source phone number provided, " + tt.from + ", is not yet verified for your account. " +
					"You may only make calls from phone numbers that you've verified or purchased from Twilio."
				if rerr.Message != want {
					t.Errorf("message %q,\nwant %q", rerr.Message, want)
				}
			}
		})
	}
}

// TestFromRuleFollowsTheStore checks that the rule follows numbers and
// caller IDs as they come and go, through the REST API and the library.
func TestFromRuleFollowsTheStore(t *testing.T) {
	srv := newServer(t)
	tw := restClient(srv)
	create := func() error {
		_, err := srv.CreateCall(url.Values{"To": {to}, "From": {"+14155550199"}, "Twiml": {hangupTwiml}})
		return err
	}
	if err := create(); err != nil {
		t.Fatalf("before any number: %v", err)
	}
	n := buy(t, srv, ourNumber, nil)
	var aerr *harness.APIError
	if err := create(); !errors.As(err, &aerr) || aerr.Code != 21210 {
		t.Fatalf("with a number bought: %v, want 21210", err)
	}
	id, err := srv.AddCallerID(harness.CallerID{PhoneNumber: "+14155550199"})
	if err != nil {
		t.Fatal(err)
	}
	if err := create(); err != nil {
		t.Errorf("with the From verified: %v", err)
	}
	if err := tw.DeleteOutgoingCallerId(id, nil); err != nil {
		t.Fatal(err)
	}
	if err := create(); !errors.As(err, &aerr) || aerr.Code != 21210 {
		t.Errorf("with the caller ID deleted: %v, want 21210", err)
	}
	if err := tw.DeleteIncomingPhoneNumber(*n.Sid, nil); err != nil {
		t.Fatal(err)
	}
	if err := create(); err != nil {
		t.Errorf("with everything released: %v, want any From accepted again", err)
	}
}
