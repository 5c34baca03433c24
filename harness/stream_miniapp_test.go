package harness_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness"
)

// miniMsg is what a miniApp reads of Twilio's messages.
type miniMsg struct {
	Event     string `json:"event"`
	StreamSid string `json:"streamSid"`
}

// miniApp is a voice application with one stream, for tests of one
// behaviour each: /voice answers doc, /after hangs up, and /media accepts
// the WebSocket and hands each of Twilio's messages to on, which may write
// on c and reports whether the application closes the socket there.
func miniApp(t testing.TB, doc string, on func(ctx context.Context, c *websocket.Conn, m miniMsg) (closeNow bool)) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, doc)
	})
	mux.HandleFunc("/after", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Hangup/></Response>`)
	})
	mux.HandleFunc("/media", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(1 << 20)
		ctx := context.Background()
		for {
			_, data, err := c.Read(ctx)
			if err != nil {
				return
			}
			var m miniMsg
			json.Unmarshal(data, &m)
			if on(ctx, c, m) {
				c.Close(websocket.StatusNormalClosure, "")
				return
			}
		}
	})
	return mux
}

// miniCall runs one call to app, with the Calls API's parameters extra
// and the server's opts, to its end.
func miniCall(t *testing.T, app http.Handler, extra url.Values, opts ...harness.Option) (*harness.Server, *harness.Call) {
	t.Helper()
	srv := harness.NewServer(t, append([]harness.Option{harness.WithApp("https://app.example.com", app)}, opts...)...)
	form := url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}}
	for k, v := range extra {
		form[k] = v
	}
	call, err := srv.CreateCall(form)
	if err != nil {
		t.Fatal(err)
	}
	call.Wait()
	return srv, call
}

// streamEnds returns the events that ended the call's streams (stopped
// or failed).
func streamEnds(call *harness.Call) []harness.Event {
	var out []harness.Event
	for _, e := range call.Events() {
		if e.Kind == harness.EventStream && (e.Action == harness.ActionStopped || e.Action == harness.ActionFailed) {
			out = append(out, e)
		}
	}
	return out
}
