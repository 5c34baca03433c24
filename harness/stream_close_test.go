package harness_test

import (
	"context"
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
	app := miniApp(t, `<Response><Connect action="/after"><Stream url="wss://app.example.com/media"/></Connect></Response>`,
		func(_ context.Context, _ *websocket.Conn, m miniMsg) bool { return m.Event == "dtmf" })
	for i := range 20 { // the race it guards against was lost most of the time
		srv, call := miniCall(t, app, nil, harness.WithParty("+14155550100", scenario.Person().Presses("5").InStream().After(time.Second)))
		if n := call.Notifications(); len(n) > 0 {
			t.Fatalf("run %d: notifications %v, want none\n%s", i, n, call.Transcript())
		}
		ended := streamEnds(call)
		if len(ended) != 1 || ended[0].Action != harness.ActionStopped || !strings.HasSuffix(ended[0].Text, ": the application closed the WebSocket") {
			t.Fatalf("run %d: the stream ended %v, want stopped as the application closed the WebSocket\n%s", i, ended, call.Transcript())
		}
		if len(call.Requests()) != 2 {
			t.Fatalf("run %d: %d requests, want the voice request and the Connect's action\n%s", i, len(call.Requests()), call.Transcript())
		}
		srv.Close()
	}
}
