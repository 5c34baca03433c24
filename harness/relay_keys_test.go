package harness_test

import (
	"context"
	"testing"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// TestRelayKeyAnsweredWaitsForTheAgent: an application that answers a key
// with text makes the agent speak at the instant the key comes in; the
// caller's next step waits for the agent to stop, as after speech, rather
// than pressing on at once and cutting the answer short.
func TestRelayKeyAnsweredWaitsForTheAgent(t *testing.T) {
	app := &relayApp{
		doc: `<Response><Connect action="/after"><ConversationRelay url="wss://app.example.com/relay" dtmfDetection="true"/></Connect></Response>`,
		on: func(ctx context.Context, c *websocket.Conn, m relayMsg) bool {
			switch {
			case m.Type == "dtmf" && m.Digit == "1":
				say(ctx, c, `{"type":"text","token":"You pressed one. Press two to finish.","last":true}`)
			case m.Type == "dtmf" && m.Digit == "2":
				say(ctx, c, `{"type":"end"}`)
			}
			return false
		},
	}
	_, call := relayCall(t, app, harness.WithParty("+14155550100", scenario.Person().Presses("1").Presses("2")))
	cv, ok := call.Conversation()
	if !ok {
		t.Fatal("no conversation")
	}
	if got := cv.Interrupted(); len(got) != 0 {
		t.Errorf("the caller cut the agent short: %+v\n%s", got, call.Transcript())
	}
	var answer, second *harness.ConversationTurn
	for i := range cv.Turns {
		switch tn := &cv.Turns[i]; {
		case tn.Speaker == harness.SpeakerAgent && tn.Kind == harness.TurnText:
			answer = tn
		case tn.Kind == harness.TurnKeys && tn.Text == "2":
			second = tn
		}
	}
	if answer == nil || second == nil {
		t.Fatalf("turns %+v\n%s", cv.Turns, call.Transcript())
	}
	if end := answer.Time.Add(answer.Duration); second.Time.Before(end) {
		t.Errorf("the second key came at %v, before the agent's answer ended at %v\n%s", second.Time, end, call.Transcript())
	}
	if cv.Status != harness.SessionEnded {
		t.Errorf("session status %q, want %q", cv.Status, harness.SessionEnded)
	}
}
