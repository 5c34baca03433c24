package harness_test

import (
	"strings"
	"testing"
)

// TestMermaidOfAConversation: the application's WebSocket is a
// participant of the diagram; the caller's speech and keys reach it as
// prompts and dtmf, the agent's text, plays and digits reach the caller
// from it, the interrupt goes to it before the prompt of the speech that
// caused it, and the end carries its handoffData.
func TestMermaidOfAConversation(t *testing.T) {
	srv, c, _ := bookingCall(t)
	cv, _ := c.Conversation()
	d := c.Mermaid()
	checkDiagram(t, d)
	want := `    participant W3 as WebSocket app.example.com/relay
    T->>P1: rings
    P1-->>T: answers
    T->>A2: voice POST /voice
    A2-->>T: 200
    T->>W3: WebSocket connect: ConversationRelay session<br/>` + cv.SessionID + `
    T->>W3: setup
    T->>P1: greets "Hello, how can I help?" (en-US, 2s)
    Note over T,W3: ⏱ 0:02 (+2s)
    P1->>T: said "I want to book" (en-US)
    T->>W3: prompt "I want to book"
    Note over T,W3: ⏱ 0:03.6 (+1.6s)
    W3->>T: text "Which day would you like?"
    T->>P1: speaks it (en-US, 2s)
    Note over T,W3: ⏱ 0:05.6 (+2s)
    P1->>T: pressed '1'
    T->>W3: dtmf "1"
    W3->>T: play https://cdn.example.com/beep.mp3
    T->>P1: plays it (10s)
    Note over T,W3: ⏱ 0:15.6 (+10s)
    W3->>T: sendDigits "12"
    T->>P1: digits 12
    Note over T,W3: ⏱ 0:16 (+400ms)
    P1->>T: said "martes" (es-ES)
    T->>W3: prompt "martes"
    Note over T,W3: ⏱ 0:17 (+1s)
    W3->>T: language: speech es-ES
    W3->>T: text "Martes a las diez está libre, ¿lo rese…"
    T->>P1: speaks it (es-ES, 4.4s)
    Note over T,W3: ⏱ 0:18 (+1s)
    P1->>T: said "a human please" (en-US)
    T->>W3: interrupt by speech after 1000ms, heard "Martes a"
    T->>W3: prompt "a human please"
    Note over T,W3: ⏱ 0:19.2 (+1.2s)
    W3->>T: end, handoffData "{\"reason\":\"human\"}"
    T->>A2: action POST /after
    A2-->>T: 200
    T->>P1: says "Connecting you"
`
	if !strings.Contains(d, want) {
		t.Errorf("the diagram lacks\n%s\nin\n%s", want, d)
	}
	if srv.Mermaid() != d {
		t.Errorf("the server's diagram differs from the call's, though it has only this call:\n%s", srv.Mermaid())
	}
}

// TestMermaidOfAConversationWithKeys: a key that interrupts is an
// interrupt, then its dtmf; speech Twilio does not report has no prompt;
// the caller's hang-up closes the socket.
func TestMermaidOfAConversationWithKeys(t *testing.T) {
	c := keysCall(t)
	d := c.Mermaid()
	checkDiagram(t, d)
	want := `    T->>P1: greets "Welcome to the clinic, press one for boo…" (en-US,<br/>3.2s)
    Note over T,W3: ⏱ 0:00.5 (+500ms)
    P1->>T: pressed '1'
    T->>W3: interrupt by dtmf after 500ms, heard "Welcome"
    T->>W3: dtmf "1"
    W3->>T: text "Bookings. Please hold while I find a slo…"
    T->>P1: speaks it (en-US, 3.2s)
    Note over T,W3: ⏱ 0:01 (+500ms)
    P1->>T: said "hello?" (en-US)
    Note over T,P1: the caller spoke while the agent did (interruptible=none,<br/>reportInputDuringAgentSpeech=none): Twilio reports nothing
    Note over T,W3: ⏱ 0:04.7 (+3.7s)
    T-xW3: closes: session completed: the call ended
    Note over T,P1: hang-up: the caller hung up during the conversation
`
	if !strings.Contains(d, want) {
		t.Errorf("the diagram lacks\n%s\nin\n%s", want, d)
	}
}

// TestMermaidOfAFailedConversation: a session that fails is a note over
// Twilio and the WebSocket, with its code; one that never connected
// too. A handoff's text is escaped.
func TestMermaidOfAFailedConversation(t *testing.T) {
	for _, tt := range []struct {
		name string
		d    string
		want []string
	}{
		{"closed by the application", failedCall(t).Mermaid(), []string{"    T->>W3: setup\n",
			"    Note over T,W3: session VX", "failed (64105): Websocket ended: the application closed the WebSocket without sending end\n"}},
		{"never connected", neverConnectedCall(t).Mermaid(), []string{"    participant W3 as WebSocket app.example.com/relay\n",
			"    T->>W3: WebSocket connect: ConversationRelay session VX", "failed (64102): Unable to Connect to Websocket URL: "}},
		{"a handoff to escape", handoffCall(t, `{"note":"a#1; b"}`).Mermaid(), []string{
			`    W3->>T: end, handoffData "{\"note\":\"a#35;1#59; b\"}"` + "\n"}},
		{"an end without handoffData", handoffCall(t, "").Mermaid(), []string{"    W3->>T: end\n"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkDiagram(t, tt.d)
			for _, want := range tt.want {
				if !strings.Contains(unwrapped(tt.d), want) {
					t.Errorf("the diagram lacks %q:\n%s", want, tt.d)
				}
			}
			if strings.Contains(tt.d, "T->>W3: prompt") {
				t.Errorf("a prompt no one sent:\n%s", tt.d)
			}
		})
	}
}
