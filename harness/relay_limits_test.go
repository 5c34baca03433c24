package harness_test

import (
	"context"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

const relayDoc = `<Response><Connect action="/after"><ConversationRelay url="wss://app.example.com/relay"/></Connect></Response>`

// An application that queues more speech than the harness holds (here
// texts that never play: each cycle is 64 kB and the agent speaks the
// first for hours) fails the session with 99004; the action is told why.
func TestRelayLimitQueuedSpeech(t *testing.T) {
	chunk := strings.Repeat("word ", 64<<10/5)
	a := &relayApp{doc: relayDoc, on: func(ctx context.Context, c *websocket.Conn, m relayMsg) bool {
		if m.Type == "prompt" {
			for range 20 { // 1.25 MiB
				say(ctx, c, fmt.Sprintf(`{"type":"text","token":%q,"last":true}`, chunk))
			}
		}
		return false
	}}
	_, call := relayCall(t, a, harness.WithParty("+14155550100", scenario.Person().Says("talk to me")))
	if n := notesWith(call, harness.CodeLimitReached); len(n) != 1 || !strings.Contains(n[0].Message, "bytes of speech") {
		t.Fatalf("notifications %v, want one 99004 about the queued speech\n%s", call.Notifications(), call.Transcript())
	}
	if len(a.actions) != 1 || a.actions[0].Get("SessionStatus") != "failed" || a.actions[0].Get("ErrorCode") != "99004" {
		t.Fatalf("actions %v, want one with SessionStatus=failed and ErrorCode=99004", a.actions)
	}
	cv, _ := call.Conversation()
	if cv.Status != harness.SessionFailed {
		t.Errorf("the session is %q, want failed", cv.Status)
	}
}

// The record keeps at most Limits.StreamMessages of a session's messages,
// and says it cut them; the session goes on.
func TestRelayLimitMessages(t *testing.T) {
	a := &relayApp{doc: relayDoc, on: func(ctx context.Context, c *websocket.Conn, m relayMsg) bool {
		if m.Type == "prompt" && m.Last {
			for i := range 30 {
				say(ctx, c, fmt.Sprintf(`{"type":"text","token":"%d ","last":%v}`, i, i == 29))
			}
		}
		return false
	}}
	party := scenario.Person().Says("one").Says("two").HangsUp()
	_, call := relayCall(t, a, harness.WithParty("+14155550100", party), harness.WithLimits(harness.Limits{StreamMessages: 10}))
	cv, _ := call.Conversation()
	if len(cv.Messages) != 10 || !cv.MessagesCut {
		t.Fatalf("%d messages kept (cut %v), want 10 and cut", len(cv.Messages), cv.MessagesCut)
	}
	if cv.Status != harness.SessionCompleted || len(a.actions) != 1 {
		t.Fatalf("the session is %q with actions %v, want completed by the hang-up", cv.Status, a.actions)
	}
}

// Close ends a session that would run for ever (its application never
// ends it, its caller never hangs up): every goroutine of it, the
// application's handler and the applier among them, is gone once Close
// returns.
func TestRelayCloseStopsItsGoroutines(t *testing.T) {
	started := make(chan struct{})
	a := &relayApp{doc: relayDoc, on: func(_ context.Context, _ *websocket.Conn, m relayMsg) bool {
		if m.Type == "setup" {
			close(started)
		}
		return false
	}}
	srv := harness.NewServer(nil, harness.WithApp("https://app.example.com", a.handler(t)), harness.WithAutoRun())
	if _, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}}); err != nil {
		t.Fatal(err)
	}
	<-started
	srv.Close()
	noGoroutinesIn(t, "harness.(*socket).read", "harness.(*relay).applier", "harness.(*outbox).courier", "harness.(*upgradePipe).RoundTrip.func1", "harness.(*Server).autoRun")
}

// What an application sends from a goroutine of its own, after the
// exchange of the prompt (here a second talk cycle, once the test lets
// it), is applied when it arrives, at the virtual instant of then: the
// agent says it too.
func TestRelayLateMessagesApplied(t *testing.T) {
	late, goOn := make(chan struct{}), make(chan struct{})
	a := &relayApp{doc: relayDoc, on: func(ctx context.Context, c *websocket.Conn, m relayMsg) bool {
		if m.Type == "prompt" && m.Last {
			say(ctx, c, `{"type":"text","token":"First.","last":true}`)
			go func() {
				defer close(late)
				<-goOn // later, on the application's own time
				say(ctx, c, `{"type":"text","token":"And a second thought.","last":true}`)
			}()
		}
		return false
	}}
	srv := harness.NewServer(t, harness.WithApp("https://app.example.com", a.handler(t)),
		harness.WithParty("+14155550100", scenario.Person().Says("hello")))
	call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(3 * time.Second) // the caller speaks; the agent answers, and is done at 2 s
	close(goOn)
	<-late
	for i := 0; i < 1000; i++ { // the applier takes it when it arrives; the clock then plays it
		srv.Advance(100 * time.Millisecond)
		if cv, _ := call.Conversation(); len(cv.Turns) >= 3 {
			break
		}
		runtime.Gosched()
	}
	cv, _ := call.Conversation()
	var said []string
	for _, t := range cv.Turns {
		if t.Speaker == harness.SpeakerAgent {
			said = append(said, t.Text)
		}
	}
	if len(said) != 2 || said[1] != "And a second thought." {
		t.Fatalf("the agent said %q, want the late answer too\n%s", said, call.Transcript())
	}
}

// A long conversation keeps only the timers it may still cancel: those
// that ran are dropped as it goes.
func TestRelayTimersDoNotPileUp(t *testing.T) {
	a := &relayApp{doc: relayDoc, on: func(ctx context.Context, c *websocket.Conn, m relayMsg) bool {
		if m.Type == "prompt" && m.Last {
			say(ctx, c, `{"type":"text","token":"Tell me more.","last":true}`)
		}
		return false
	}}
	party := scenario.Person().Says("and then some more words").EveryTime()
	srv := harness.NewServer(t, harness.WithApp("https://app.example.com", a.handler(t)), harness.WithParty("+14155550100", party))
	call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(10 * time.Minute) // about 190 turns
	cv, _ := call.Conversation()
	if len(cv.Turns) < 300 {
		t.Fatalf("%d turns in ten minutes, want hundreds", len(cv.Turns))
	}
	if n := harness.RelayTimers(call); n > 64 {
		t.Errorf("the session keeps %d timers after %d turns, want at most 64", n, len(cv.Turns))
	}
}
