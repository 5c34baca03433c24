package harness_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
)

func TestConversationTranscript(t *testing.T) {
	_, c, _ := bookingCall(t)
	cv, ok := c.Conversation()
	if !ok {
		t.Fatal("the call has no conversation")
	}
	want := `conversation ` + cv.SessionID + ` to wss://app.example.com/relay (call ` + c.SID() + `): ended after 19.2s
  00:00:00.000  agent   greets "Hello, how can I help?" (en-US, 2s)
  00:00:02.000  caller  says "I want to book" (en-US, 1.6s, confidence 0.9)
  00:00:03.600  agent   says "Which day would you like?" (en-US, 2s)
  00:00:05.600  caller  presses 1
  00:00:05.600  agent   plays https://cdn.example.com/beep.mp3 (10s)
  00:00:15.600  agent   sends digits 12 (400ms)
  00:00:16.000  caller  says "martes" (es-ES, 1s)
  00:00:17.000  agent   says "Martes a las diez está libre, ¿lo reservo para usted ahora?" (es-ES) — interrupted by the caller's speech after 1s, heard up to "Martes a"
  00:00:18.000  caller  says "a human please" (en-US, 1.2s)
  00:00:19.200  end     the application ended the session, handing off "{\"reason\":\"human\"}"
`
	if diff := cmp.Diff(want, cv.Transcript()); diff != "" {
		t.Errorf("Transcript mismatch (-want +got):\n%s", diff)
	}
	if gs := cv.GomegaString(); gs != "conversation "+cv.SessionID+" to wss://app.example.com/relay (ended after 19.2s, 9 turns)" {
		t.Errorf("GomegaString = %q", gs)
	}
}

// TestConversationTranscriptOfKeys: keys interrupt the greeting; speech
// over an agent that may not be interrupted goes unreported; the caller
// hangs up.
func TestConversationTranscriptOfKeys(t *testing.T) {
	c := keysCall(t)
	cv, _ := c.Conversation()
	want := `conversation ` + cv.SessionID + ` to wss://app.example.com/relay (call ` + c.SID() + `): completed after 4.7s
  00:00:00.000  agent   greets "Welcome to the clinic, press one for bookings" (en-US) — interrupted by the caller's keys after 500ms, heard up to "Welcome"
  00:00:00.500  caller  presses 1
  00:00:00.500  agent   says "Bookings. Please hold while I find a slot" (en-US, 3.2s)
  00:00:01.000  caller  says "hello?" (en-US, 1s) — not reported to the application
  00:00:04.700  end     the call ended
`
	if diff := cmp.Diff(want, cv.Transcript()); diff != "" {
		t.Errorf("Transcript mismatch (-want +got):\n%s", diff)
	}
}

// TestConversationTranscriptEnds: how each way a session ends reads.
func TestConversationTranscriptEnds(t *testing.T) {
	hung, _ := hungUpCall(t).Conversation()
	failed, _ := failedCall(t).Conversation()
	never, _ := neverConnectedCall(t).Conversation()
	start := harness.DefaultStartTime()
	running := harness.Conversation{SessionID: "VX1", CallSID: "CA1", URL: "wss://x/y", Started: start.Add(time.Minute), Duration: 3 * time.Second,
		Turns: []harness.ConversationTurn{{Time: start.Add(time.Minute + time.Second), Speaker: harness.SpeakerAgent, Kind: harness.TurnText, Text: "hi", Lang: "en-US", Duration: time.Second}}}
	tests := []struct {
		name string
		cv   harness.Conversation
		want []string
	}{
		{"the caller hung up during the greeting", hung, []string{"): completed after 500ms\n",
			`00:00:00.000  agent   greets "Welcome to the clinic" (en-US, 500ms) — cut off by the session's end after 500ms, heard up to "Welcome"` + "\n",
			"  00:00:00.500  end     the call ended\n"}},
		{"the application closed the socket", failed, []string{"): failed after 0s\n",
			"  00:00:00.000  end     failed (64105): Websocket ended: the application closed the WebSocket without sending end\n"}},
		{"Twilio could not connect", never, []string{"): failed, never connected\n", "  00:00:00.000  end     failed (64102): Unable to Connect to Websocket URL: "}},
		{"a session that runs, made by hand (times from its start)", running, []string{
			"conversation VX1 to wss://x/y (call CA1): in progress for 3s\n  00:00:01.000  agent   says \"hi\" (en-US, 1s)\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cv.Transcript()
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("the transcript lacks %q:\n%s", want, got)
				}
			}
		})
	}
	if strings.Contains(running.Transcript(), "end ") {
		t.Errorf("a session that runs has an end:\n%s", running.Transcript())
	}
}

func TestConversationTurnString(t *testing.T) {
	agent, caller := harness.SpeakerAgent, harness.SpeakerCaller
	tests := []struct {
		name string
		turn harness.ConversationTurn
		want string
	}{
		{"greeting", harness.ConversationTurn{Speaker: agent, Kind: harness.TurnGreeting, Text: "Hi", Lang: "en-US", Duration: time.Second},
			`agent greets "Hi" (en-US, 1s)`},
		{"text cut by the caller's keys", harness.ConversationTurn{Speaker: agent, Kind: harness.TurnText, Text: "one two three", Lang: "fr-FR",
			Duration: 400 * time.Millisecond, Interrupted: true, By: "dtmf", Heard: "one"},
			`agent says "one two three" (fr-FR) — interrupted by the caller's keys after 400ms, heard up to "one"`},
		{"text cut by the next message", harness.ConversationTurn{Speaker: agent, Kind: harness.TurnText, Text: "please hold", Lang: "en-US",
			Duration: 400 * time.Millisecond, Preempted: true, Heard: "please"},
			`agent says "please hold" (en-US) — cut by the application's next message after 400ms, said up to "please"`},
		{"play", harness.ConversationTurn{Speaker: agent, Kind: harness.TurnPlay, Text: "https://cdn.example.com/a.mp3", Lang: "en-US", Duration: 10 * time.Second},
			`agent plays https://cdn.example.com/a.mp3 (10s)`},
		{"digits", harness.ConversationTurn{Speaker: agent, Kind: harness.TurnDigits, Text: "1w2", Duration: 1200 * time.Millisecond},
			`agent sends digits 1w2 (1.2s)`},
		{"speech, unreported", harness.ConversationTurn{Speaker: caller, Kind: harness.TurnSpeech, Text: "yes", Lang: "en", Duration: time.Second,
			Confidence: 0.5, Unreported: true}, `caller says "yes" (en, 1s, confidence 0.5) — not reported to the application`},
		{"keys", harness.ConversationTurn{Speaker: caller, Kind: harness.TurnKeys, Text: "12#", Duration: 200 * time.Millisecond},
			`caller presses 12# (200ms)`},
		{"sound", harness.ConversationTurn{Speaker: caller, Kind: harness.TurnTalk, Duration: 2 * time.Second, Unreported: true},
			`caller makes sound without words (2s)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.turn.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if got := tt.turn.GomegaString(); got != tt.want {
				t.Errorf("GomegaString() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRelayEventsInTheCallTranscript: the call's transcript says what the
// caller said in which language, the agent's digits and their length, and
// the handoff on the session's end.
func TestRelayEventsInTheCallTranscript(t *testing.T) {
	_, c, _ := bookingCall(t)
	cv, _ := c.Conversation()
	tr := c.Transcript()
	for _, want := range []string{
		`00:00:02.000  input        said "I want to book" (en-US)` + "\n",
		`00:00:15.600  relay        the agent sends digits 12 (400ms)` + "\n",
		`00:00:16.000  input        said "martes" (es-ES)` + "\n",
		`00:00:17.000  relay        the agent switches language: speech es-ES` + "\n",
		`00:00:18.000  relay        the caller interrupted the agent (speech) after 1000ms, having heard "Martes a"` + "\n",
		`00:00:19.200  relay        ConversationRelay session ` + cv.SessionID + ` ended: the application sent end; handoffData "{\"reason\":\"human\"}"` + "\n",
	} {
		if !strings.Contains(tr, want) {
			t.Errorf("the transcript lacks %q:\n%s", want, tr)
		}
	}
	var ended harness.Event
	for _, e := range c.Events() {
		if e.Kind == harness.EventRelay && e.Action == harness.ActionEnded {
			ended = e
		}
	}
	if !strings.HasSuffix(ended.Text, `; handoffData "{\"reason\":\"human\"}"`) || ended.Status != harness.SessionEnded {
		t.Errorf("the ended event: %+v", ended)
	}

	hung := hungUpCall(t)
	if tr := hung.Transcript(); !strings.Contains(tr, " completed: the call ended\n") || strings.Contains(tr, "handoffData") {
		t.Errorf("a session the caller ended:\n%s", tr)
	}
	failed := failedCall(t)
	if tr := failed.Transcript(); !strings.Contains(tr, " failed (64105): Websocket ended: the application closed the WebSocket without sending end\n") {
		t.Errorf("a session that failed:\n%s", tr)
	}
}
