package harness_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// TestStreamAppClosesWhileTwilioWrites: an application that closes the
// WebSocket on a message of a turn (here the dtmf, which the turn's media
// frame follows) makes the harness's next write fail before its reader
// has taken the close frame; the stream still stops as closed by the
// application, with no 31924, and the Connect's action runs.
func TestStreamAppClosesWhileTwilioWrites(t *testing.T) {
	app := http.NewServeMux()
	app.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Connect action="/after"><Stream url="wss://app.example.com/media"/></Connect></Response>`)
	})
	app.HandleFunc("/after", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Hangup/></Response>`)
	})
	app.HandleFunc("/media", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.CloseNow()
		for {
			_, data, err := c.Read(context.Background())
			if err != nil {
				return
			}
			var m struct{ Event string }
			if json.Unmarshal(data, &m) == nil && m.Event == "dtmf" {
				c.Close(websocket.StatusNormalClosure, "")
				return
			}
		}
	})
	for i := range 20 { // the race it guards against was lost most of the time
		srv := harness.NewServer(t, harness.WithApp("https://app.example.com", app),
			harness.WithParty("+14155550100", scenario.Person().Presses("5").InStream().After(time.Second)))
		call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}})
		if err != nil {
			t.Fatal(err)
		}
		call.Wait()
		if n := call.Notifications(); len(n) > 0 {
			t.Fatalf("run %d: notifications %v, want none\n%s", i, n, call.Transcript())
		}
		var ended []harness.Event
		for _, e := range call.Events() {
			if e.Kind == harness.EventStream && (e.Action == harness.ActionStopped || e.Action == harness.ActionFailed) {
				ended = append(ended, e)
			}
		}
		if len(ended) != 1 || ended[0].Action != harness.ActionStopped || !strings.HasSuffix(ended[0].Text, ": the application closed the WebSocket") {
			t.Fatalf("run %d: the stream ended %v, want stopped as the application closed the WebSocket\n%s", i, ended, call.Transcript())
		}
		if len(call.Requests()) != 2 {
			t.Fatalf("run %d: %d requests, want the voice request and the Connect's action\n%s", i, len(call.Requests()), call.Transcript())
		}
		srv.Close()
	}
}
