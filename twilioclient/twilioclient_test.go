package twilioclient_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/twilioclient"
	"github.com/twimlharness/twimlharness/twilioclient/voice"
)

// constructors are the ways to the 2010-04-01 API service: through the
// whole RestClient, and alone (here and in the voice package).
var constructors = []struct {
	name       string
	first      func(*harness.Server) *api.ApiService
	forAccount func(srv *harness.Server, sid, token string) *api.ApiService
}{
	{"New and ForAccount", func(srv *harness.Server) *api.ApiService { return twilioclient.New(srv).Api },
		func(srv *harness.Server, sid, token string) *api.ApiService {
			return twilioclient.ForAccount(srv, sid, token).Api
		}},
	{"API and APIForAccount", twilioclient.API, twilioclient.APIForAccount},
	{"voice.API and voice.APIForAccount", voice.API, voice.APIForAccount},
}

// TestFirstAccount: the client reaches the server in-process as its first
// account.
func TestFirstAccount(t *testing.T) {
	for _, ctor := range constructors {
		t.Run(ctor.name, func(t *testing.T) {
			srv := harness.NewServer(t)
			created, err := ctor.first(srv).CreateCall(new(api.CreateCallParams).SetTo("+14155550100").
				SetFrom("+15005550006").SetTwiml("<Response><Say>Hi</Say></Response>"))
			if err != nil {
				t.Fatalf("create a call: %v", err)
			}
			if *created.AccountSid != srv.AccountSID() {
				t.Errorf("the call belongs to %s, want the server's first account %s", *created.AccountSid, srv.AccountSID())
			}
			if srv.Call(*created.Sid) == nil {
				t.Errorf("the server has no call %s", *created.Sid)
			}
		})
	}
}

// TestOtherAccount: the client authenticates as the account it is given,
// and wrong credentials get error 20003.
func TestOtherAccount(t *testing.T) {
	for _, ctor := range constructors {
		t.Run(ctor.name, func(t *testing.T) {
			srv := harness.NewServer(t)
			sid, token, err := srv.AddAccount("", "")
			if err != nil {
				t.Fatal(err)
			}
			created, err := ctor.forAccount(srv, sid, token).CreateCall(new(api.CreateCallParams).
				SetTo("+14155550100").SetFrom("+15005550006").SetTwiml("<Response/>"))
			if err != nil || *created.AccountSid != sid {
				t.Fatalf("create with the second account: %v, %v", created, err)
			}
			_, err = ctor.forAccount(srv, sid, "wrongtoken").FetchCall(*created.Sid, nil)
			var te *client.TwilioRestError
			if !errors.As(err, &te) || te.Code != 20003 {
				t.Errorf("a wrong token: %v, want error 20003", err)
			}
		})
	}
}

func ExampleNew() {
	srv := harness.NewServer(nil)
	defer srv.Close()
	tw := twilioclient.New(srv)
	call, err := tw.Api.CreateCall(new(api.CreateCallParams).SetTo("+14155550100").SetFrom("+15005550006").
		SetTwiml("<Response><Say>Your code is 1 2 3</Say></Response>"))
	if err != nil {
		panic(err)
	}
	info := srv.Call(*call.Sid).Wait()
	fmt.Println(*call.Status, "→", info.Status, "after", info.Duration)
	// Output: queued → completed after 2.4s
}

func ExampleAPI() {
	srv := harness.NewServer(nil)
	defer srv.Close()
	tw := twilioclient.API(srv)
	call, err := tw.CreateCall(new(api.CreateCallParams).SetTo("+14155550100").SetFrom("+15005550006").
		SetTwiml("<Response><Say>Your code is 1 2 3</Say></Response>"))
	if err != nil {
		panic(err)
	}
	info := srv.Call(*call.Sid).Wait()
	fmt.Println(*call.Status, "→", info.Status, "after", info.Duration)
	// Output: queued → completed after 2.4s
}
