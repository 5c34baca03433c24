package harness_test

import (
	"strings"
	"testing"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

func TestApplicationSid(t *testing.T) {
	a := newApp(`<Response><Say>From the app</Say></Response>`)
	srv := newServer(t, harness.WithApp(origin, a))
	appSID, err := srv.AddApplication(harness.Application{VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice", VoiceMethod: "GET", StatusCallback: origin + "/app-status"}})
	if err != nil {
		t.Fatal(err)
	}
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetApplicationSid(appSID).
			SetStatusCallback(origin + "/ignored").SetStatusCallbackEvent([]string{"initiated"})
	})
	c.Wait()
	reqs := c.Requests()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want the voice URL and the application's status callback:\n%s", len(reqs), c.Transcript())
	}
	if reqs[0].Method != "GET" || !strings.HasPrefix(reqs[0].URL, origin+"/voice?") || reqs[0].Form.Get("ApplicationSid") != appSID {
		t.Errorf("voice request = %s %s with ApplicationSid %q; want GET of the application's URL with its SID",
			reqs[0].Method, reqs[0].URL, reqs[0].Form.Get("ApplicationSid"))
	}
	if reqs[1].URL != origin+"/app-status" || reqs[1].Form.Get("CallStatus") != "completed" {
		t.Errorf("status callback = %s (%s); want the application's, completed only", reqs[1].URL, reqs[1].Form.Get("CallStatus"))
	}
}
