package harness_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

// TestConnectStreamCallEnds: a call that ends during <Connect><Stream>
// for another reason than its far end hanging up (here its time limit; the
// Calls API's Status=completed goes the same way) stops the stream as
// "the call ended", not as a redirect, and requests no action.
func TestConnectStreamCallEnds(t *testing.T) {
	app := miniApp(t, `<Response><Connect action="/after"><Stream url="wss://app.example.com/media"/></Connect></Response>`,
		func(context.Context, *websocket.Conn, miniMsg) bool { return false })
	_, call := miniCall(t, app, url.Values{"TimeLimit": {"2"}})
	var ended []string
	for _, e := range streamEnds(call) {
		ended = append(ended, e.Text)
	}
	if len(ended) != 1 || !strings.HasSuffix(ended[0], "stopped: the call ended") {
		t.Errorf("the stream ended %q, want once with \"stopped: the call ended\"\n%s", ended, call.Transcript())
	}
	if n := len(call.Requests()); n != 1 {
		t.Errorf("%d requests, want only the voice request (no action after the call ended)\n%s", n, call.Transcript())
	}
}
