package voice_test

import (
	"fmt"
	"io"
	"net/http"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/twilioclient/voice"
)

// A call created through twilio-go's voice API runs the application's
// TwiML to its end.
func ExampleAPI() {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<Response><Say>Hello</Say></Response>`)
	})
	srv := harness.NewServer(nil, harness.WithApp("https://app.example.com", app))
	defer srv.Close()

	tw := voice.API(srv)
	p := &api.CreateCallParams{}
	p.SetTo("+14155550100").SetFrom("+15005550006").SetUrl("https://app.example.com/voice")
	created, err := tw.CreateCall(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*created.Status)
	fmt.Println(srv.Call(*created.Sid).Wait().Status)
	// Output:
	// queued
	// completed
}
