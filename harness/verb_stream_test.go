package harness_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness"
)

// TestConnectStreamCallEnds: a call that ends during <Connect><Stream>
// for another reason than its far end hanging up (here its time limit; the
// Calls API's Status=completed goes the same way) stops the stream as
// "the call ended", not as a redirect, and requests no action.
func TestConnectStreamCallEnds(t *testing.T) {
	app := http.NewServeMux()
	app.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Connect action="/after"><Stream url="wss://app.example.com/media"/></Connect></Response>`)
	})
	app.HandleFunc("/media", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.CloseNow()
		for {
			if _, _, err := c.Read(context.Background()); err != nil {
				return
			}
		}
	})
	srv := harness.NewServer(t, harness.WithApp("https://app.example.com", app))
	call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"},
		"Url": {"https://app.example.com/voice"}, "TimeLimit": {"2"}})
	if err != nil {
		t.Fatal(err)
	}
	call.Wait()
	var ended []string
	for _, e := range call.Events() {
		if e.Kind == harness.EventStream && (e.Action == harness.ActionStopped || e.Action == harness.ActionFailed) {
			ended = append(ended, e.Text)
		}
	}
	if len(ended) != 1 || !strings.HasSuffix(ended[0], "stopped: the call ended") {
		t.Errorf("the stream ended %q, want once with \"stopped: the call ended\"\n%s", ended, call.Transcript())
	}
	if n := len(call.Requests()); n != 1 {
		t.Errorf("%d requests, want only the voice request (no action after the call ended)\n%s", n, call.Transcript())
	}
}
