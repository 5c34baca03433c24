package harness_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness"
)

// limitApp is a miniApp whose stream does what onStart says once the
// start message arrives; after closeAfter frames (0: never) it closes the
// socket itself.
func limitApp(t *testing.T, doc string, closeAfter int, onStart func(ctx context.Context, c *websocket.Conn, sid string)) http.Handler {
	frames := 0
	return miniApp(t, doc, func(ctx context.Context, c *websocket.Conn, m miniMsg) bool {
		switch m.Event {
		case "start":
			frames = 0
			onStart(ctx, c, m.StreamSid)
		case "media":
			frames++
			return frames == closeAfter
		}
		return false
	})
}

const connectDoc = `<Response><Connect><Stream url="wss://app.example.com/media"/></Connect></Response>`

// sendAudio writes media messages of n bytes each, count of them.
func sendAudio(ctx context.Context, t *testing.T, c *websocket.Conn, sid string, n, count int) {
	payload := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x10", n)))
	msg := []byte(`{"event":"media","streamSid":"` + sid + `","media":{"payload":"` + payload + `"}}`)
	for range count {
		if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
			t.Errorf("write: %v", err)
			return
		}
	}
}

// notesWith returns the call's notifications of code.
func notesWith(call *harness.Call, code int) []harness.Notification {
	var out []harness.Notification
	for _, n := range call.Notifications() {
		if n.Code == code {
			out = append(out, n)
		}
	}
	return out
}

// Limits.StreamMessages bounds the record of one stream's messages: what
// is past it is not kept, and an entry says so.
func TestStreamLimitMessages(t *testing.T) {
	app := limitApp(t, connectDoc, 3, func(ctx context.Context, c *websocket.Conn, sid string) {
		for i := range 10 { // nothing queued: each mark comes back at once, ten messages each way
			c.Write(ctx, websocket.MessageText, []byte(fmt.Sprintf(`{"event":"mark","streamSid":%q,"mark":{"name":"m%d"}}`, sid, i)))
		}
	})
	_, call := miniCall(t, app, nil, harness.WithLimits(harness.Limits{StreamMessages: 6}))
	st := call.Streams()[0]
	msgs := st.Messages()
	if len(msgs) != 7 {
		t.Fatalf("the record kept %d entries, want 6 and one that says the rest is not kept:\n%s", len(msgs), st.Transcript())
	}
	if last := msgs[6]; !strings.Contains(last.Problem, "Limits.StreamMessages is 6") {
		t.Errorf("the last entry is %+v, want one naming Limits.StreamMessages", last)
	}
	if got := len(st.Marks()); got != 10 {
		t.Errorf("%d marks played, want 10: the limit bounds the record, not the stream", got)
	}
}

// Limits.StreamAudio bounds the audio kept of each track; the stream goes
// on.
func TestStreamLimitAudio(t *testing.T) {
	app := limitApp(t, connectDoc, 60, func(ctx context.Context, c *websocket.Conn, sid string) {
		sendAudio(ctx, t, c, sid, 8000, 1) // a second of the application's audio
	})
	_, call := miniCall(t, app, nil, harness.WithLimits(harness.Limits{StreamAudio: 100 * time.Millisecond}))
	st := call.Streams()[0]
	for _, track := range []string{harness.TrackInbound, harness.TrackApp} {
		if got, want := len(st.WAV(track)), 44+2*800; got != want {
			t.Errorf("WAV(%s) is %d bytes, want %d: 100 ms of 8 kHz 16-bit audio", track, got, want)
		}
	}
	if got := st.AudioPlayed(); got != time.Second {
		t.Errorf("the far end heard %v, want 1s: the limit bounds the record, not the audio played", got)
	}
}

// More than ten minutes of the application's audio buffered is discarded
// with warning 31931, once.
func TestStreamLimitBuffered(t *testing.T) {
	app := limitApp(t, connectDoc, 2, func(ctx context.Context, c *websocket.Conn, sid string) {
		sendAudio(ctx, t, c, sid, 600_000, 9) // 11.25 minutes in nine messages of 75 s
	})
	_, call := miniCall(t, app, nil)
	notes := notesWith(call, 31931)
	if len(notes) != 1 || !strings.Contains(notes[0].Message, "10 minutes") {
		t.Fatalf("notifications 31931: %+v, want one about the 10 minutes Twilio buffers\n%s", notes, call.Transcript())
	}
	if got, want := call.Streams()[0].AudioSent(), 675*time.Second; got != want {
		t.Errorf("AudioSent is %v, want %v: what the application sent, kept or not", got, want)
	}
}

// A message larger than the harness reads (4 MiB) breaks the connection:
// 31924, and the stream fails.
func TestStreamLimitMessageSize(t *testing.T) {
	app := limitApp(t, connectDoc, 0, func(ctx context.Context, c *websocket.Conn, sid string) {
		sendAudio(ctx, t, c, sid, 3_200_000, 1) // 4.3 MB of base64
	})
	_, call := miniCall(t, app, nil)
	if notes := notesWith(call, 31924); len(notes) != 1 {
		t.Fatalf("notifications 31924: %+v, want one for the broken connection\n%s\n%s", notes, call.Transcript(), call.Streams()[0].Transcript())
	}
	if got := call.Streams()[0].Info().Status; got != harness.StreamStatusFailed {
		t.Errorf("the stream is %s, want %s", got, harness.StreamStatusFailed)
	}
}

// What an application sends between two turns is bounded (16 MiB): the
// rest is dropped with warning 31931, and the stream goes on.
func TestStreamLimitInbox(t *testing.T) {
	junk := []byte(`{"event":"junk","pad":"` + strings.Repeat("x", 3_000_000) + `"}`)
	app := limitApp(t, connectDoc, 2, func(ctx context.Context, c *websocket.Conn, sid string) {
		for range 6 { // 18 MB at once
			c.Write(ctx, websocket.MessageText, junk)
		}
	})
	_, call := miniCall(t, app, nil)
	notes := notesWith(call, 31931)
	if len(notes) != 1 || !strings.Contains(notes[0].Message, "1 messages dropped") {
		t.Fatalf("notifications 31931: %+v, want one about the message dropped\n%s", notes, call.Transcript())
	}
	if notes := notesWith(call, 31951); len(notes) != 1 {
		t.Errorf("notifications 31951: %+v, want one for the junk (once a stream)", notes)
	}
	st := call.Streams()[0]
	ignored := 0
	for _, m := range st.Messages() {
		if m.FromApp && m.Problem != "" {
			ignored++
		}
	}
	if ignored != 5 {
		t.Errorf("%d of the application's messages were recorded as ignored, want 5 (the sixth was dropped)", ignored)
	}
	if got := st.Info().Status; got != harness.StreamStatusStopped {
		t.Errorf("the stream is %s, want %s: it goes on after the drop", got, harness.StreamStatusStopped)
	}
}

// Close ends a stream that would run for ever (its application never
// closes it, its far end never hangs up): every goroutine of the stream,
// the application's handler among them, is gone once Close returns.
func TestStreamCloseStopsItsGoroutines(t *testing.T) {
	started := make(chan struct{})
	app := limitApp(t, connectDoc, 0, func(context.Context, *websocket.Conn, string) { close(started) })
	srv := harness.NewServer(nil, harness.WithApp("https://app.example.com", app), harness.WithAutoRun())
	if _, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}}); err != nil {
		t.Fatal(err)
	}
	<-started
	srv.Close()
	noGoroutinesIn(t, "harness.(*socket).read", "harness.(*outbox).courier", "harness.(*upgradePipe).RoundTrip.func1", "harness.(*Server).autoRun")
}

// noGoroutinesIn fails the test if a goroutine runs in one of fns. A
// goroutine that has said it is done (to the server's WaitGroup) may still
// be returning: it gets a few chances to.
func noGoroutinesIn(t *testing.T, fns ...string) {
	t.Helper()
	buf := make([]byte, 1<<20)
	var stacks string
	for range 100 {
		stacks = string(buf[:runtime.Stack(buf, true)])
		found := false
		for _, fn := range fns {
			found = found || strings.Contains(stacks, fn)
		}
		if !found {
			return
		}
		runtime.Gosched()
	}
	for _, fn := range fns {
		if strings.Contains(stacks, fn) {
			t.Errorf("a goroutine in %s outlived Close:\n%s", fn, stacks)
		}
	}
}
