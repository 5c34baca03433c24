package harness_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twimlharness/twimlharness/harness"
)

func TestSmoke(t *testing.T) {
	app := http.NewServeMux()
	app.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>Hello there</Say><Pause length="2"/></Response>`)
	})
	app.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	srv := harness.NewServer(t, harness.WithApp("https://app.example.com", app))
	c := &client.Client{Credentials: client.NewCredentials(srv.AccountSID(), srv.AuthToken()), HTTPClient: srv.HTTPClient()}
	c.SetAccountSid(srv.AccountSID())
	tw := twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
	p := &api.CreateCallParams{}
	p.SetTo("+14155550100").SetFrom("+15005550006").SetUrl("https://app.example.com/voice").
		SetStatusCallback("https://app.example.com/status").SetStatusCallbackEvent([]string{"initiated", "ringing", "answered", "completed"})
	call, err := tw.Api.CreateCall(p)
	if err != nil {
		t.Fatal(err)
	}
	srv.Call(*call.Sid).Wait()
	t.Log(srv.Transcript())
	got, err := tw.Api.FetchCall(*call.Sid, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s %s %s", *got.Status, *got.Duration, *got.Price)
}
