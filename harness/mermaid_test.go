package harness_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestMermaidAndJSON(t *testing.T) {
	srv, c := run(t, map[string]string{
		"/voice": `<Response><Gather numDigits="1" action="/menu"><Say>Press 1; or #</Say></Gather></Response>`,
		"/menu":  `<Response><Dial>+14155550201</Dial></Response>`,
	}, scenario.Person().Presses("1"), harness.WithParty("+14155550201", scenario.AnswersAfter(2*time.Second).HangsUpAfter(3*time.Second)))
	d := c.Mermaid()
	for _, want := range []string{
		"sequenceDiagram\n",
		"participant T as Twilio",
		"participant P1 as +14155550100",
		"participant A4 as app.example.com",
		"participant L2 as +14155550201 (leg)",
		"T->>A4: voice POST /voice",
		"A4-->>T: 200",
		`T->>P1: says "Press 1#59; or #35;"`,
		"P1->>T: pressed '1'",
		"T->>L2: rings",
		"L2-->>T: answers",
		"Note over T: bridged with",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the diagram lacks %q:\n%s", want, d)
		}
	}
	if srv.Mermaid() != d {
		t.Errorf("the server's diagram differs from the call's, though it has only this call and its leg:\n%s", srv.Mermaid())
	}

	var rec harness.CallRecordJSON
	if err := json.Unmarshal(c.JSON(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.SID != c.SID() || rec.Status != harness.StatusCompleted || len(rec.Events) != len(c.Events()) {
		t.Errorf("JSON record: sid %s status %s with %d events; want %s completed with %d", rec.SID, rec.Status, len(rec.Events), c.SID(), len(c.Events()))
	}
	var all harness.ServerRecordJSON
	if err := json.Unmarshal(srv.RecordJSON(), &all); err != nil {
		t.Fatal(err)
	}
	if len(all.Calls) != 2 || all.Calls[1].ParentSID != c.SID() || len(all.APIRequests) != 1 {
		t.Errorf("server record: %d calls (second's parent %q), %d API requests", len(all.Calls), all.Calls[1].ParentSID, len(all.APIRequests))
	}
}

// TestWriteMermaid: the streamed diagram is the one in memory; its
// participants are declared first, in the order they first take part, and
// the events of calls that overlap follow in the order they happened.
func TestWriteMermaid(t *testing.T) {
	f := newViewFixture(t)
	var b bytes.Buffer
	if err := f.srv.WriteMermaid(&b); err != nil {
		t.Fatal(err)
	}
	d := f.srv.Mermaid()
	if diff := cmp.Diff(d, b.String()); diff != "" {
		t.Fatalf("WriteMermaid differs from Mermaid (-Mermaid +WriteMermaid):\n%s", diff)
	}
	wantHead := `sequenceDiagram
    participant T as Twilio
    participant P1 as +14155550100
    participant L2 as +14155550201 (leg)
    participant P3 as +14155550701
    participant P4 as +14155550702
    participant P5 as +14155550703
    participant R6 as REST client
    participant A7 as app.example.com
`
	if !strings.HasPrefix(d, wantHead) || strings.Count(d, "participant ") != 8 {
		t.Errorf("the diagram does not start with its 8 participants:\n%s\nwant it to start with:\n%s", d, wantHead)
	}
	var wantSaid, gotSaid []string
	for _, e := range f.srv.Events() {
		if e.Kind == harness.EventSay {
			wantSaid = append(wantSaid, e.Words)
		}
	}
	for _, line := range strings.Split(d, "\n") {
		if _, said, ok := strings.Cut(line, ": says "); ok {
			words, err := strconv.Unquote(said)
			if err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			gotSaid = append(gotSaid, words)
		}
	}
	if diff := cmp.Diff(wantSaid, gotSaid); diff != "" {
		t.Errorf("what the diagram says is not in the order it was said (-want +got):\n%s\n%s", diff, d)
	}
	var tree bytes.Buffer
	if err := f.srv.WriteMermaid(&tree, harness.OnlyCalls(f.sids("menu", "leg")...)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f.calls["menu"].Mermaid(), tree.String()); diff != "" {
		t.Errorf("the diagram of a call and its leg differs from the call's (-call +view):\n%s", diff)
	}
}

// TestMermaidOfCallsInAConference: a call's diagram shows the room as a
// participant: joins and leaves, the start and end, holds and mutes, what
// was said and heard, and the room's status callbacks as requests.
func TestMermaidOfCallsInAConference(t *testing.T) {
	f := newConferenceFixture(t)
	tests := []struct {
		name string
		call *harness.Call
		want []string
	}{
		{"customer", f.customer, []string{ // P1 is the call's far end
			"participant P1 as +14155550100",
			"participant A3 as app.example.com",
			`participant CF4 as Conference "room"`,
			`P1->>CF4: joins as "customer"`,
			"T->>A3: conference-status-callback participant-join POST /conf",
			"A3-->>T: 204",
			`CF4->>P1: wait-music: "Please wait"`,
			"Note over CF4: conference starts",
			`CF4->>P1: "how can I help" from "agent"`,
			`P1->>CF4: says "hello there"`,
			"P1-xCF4: leaves: participant_hung_up",
			"Note over CF4: conference ends: participant-with-end-conference-on-exit-left",
		}},
		{"agent", f.agent, []string{
			"participant P1 as +14155550201",
			`P1->>CF4: joins as "agent"`,
			"T->>A3: conference-status-callback conference-start POST /conf",
			`P1->>CF4: says "how can I help"`,
			`CF4->>P1: "hello there" from "customer"`,
			"Note over P1,CF4: on hold",
			"CF4->>P1: hold-music: http://twimlets.com/holdmusic?Bucket=com.twilio.music.classical",
			"Note over P1,CF4: off hold",
			"Note over P1,CF4: muted",
			"P1-xCF4: leaves: moderator_ended_conference",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.call.Mermaid()
			for _, want := range tt.want {
				if !strings.Contains(d, want) {
					t.Errorf("the diagram lacks %q:\n%s", want, d)
				}
			}
			if n := strings.Count(d, "conference starts"); n != 1 {
				t.Errorf("the diagram says %d times that the conference starts, want once:\n%s", n, d)
			}
			var b bytes.Buffer
			if err := f.srv.WriteMermaid(&b, harness.OnlyCalls(tt.call.SID())); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.call.Mermaid(), b.String()); diff != "" {
				t.Errorf("the streamed diagram of the call differs from its own (-call +view):\n%s", diff)
			}
		})
	}
	all := f.srv.Mermaid()
	for want, n := range map[string]int{`as Conference "room"`: 1, "conference starts": 1, "conference ends": 1, "joins as": 2, "leaves:": 2} {
		if got := strings.Count(all, want); got != n {
			t.Errorf("the server's diagram has %q %d times, want %d:\n%s", want, got, n, all)
		}
	}
}

// TestConferenceMermaid: a conference's diagram has a lane for each
// participant's far end and one for the room, and shows its history with
// each status callback and its reply.
func TestConferenceMermaid(t *testing.T) {
	f := newConferenceFixture(t)
	want := `sequenceDiagram
    participant P1 as +14155550100
    participant P2 as +14155550201
    participant CF3 as Conference "room"
    participant A4 as app.example.com
    P1->>CF3: joins as "customer"
    CF3->>A4: conference-status-callback participant-join POST /conf
    A4-->>CF3: 204
    P2->>CF3: joins as "agent"
    CF3->>A4: conference-status-callback participant-join POST /conf
    A4-->>CF3: 204
    Note over CF3: conference starts
    CF3->>A4: conference-status-callback conference-start POST /conf
    A4-->>CF3: 204
    P2->>CF3: says "how can I help"
    P1->>CF3: says "hello there"
    Note over P2,CF3: on hold
    CF3->>A4: conference-status-callback participant-hold POST /conf
    A4-->>CF3: 204
    Note over P2,CF3: off hold
    CF3->>A4: conference-status-callback participant-unhold POST /conf
    A4-->>CF3: 204
    Note over P2,CF3: muted
    CF3->>A4: conference-status-callback participant-mute POST /conf
    A4-->>CF3: 204
    P1-xCF3: leaves: participant_hung_up
    CF3->>A4: conference-status-callback participant-leave POST /conf
    A4-->>CF3: 204
    P2-xCF3: leaves: moderator_ended_conference
    CF3->>A4: conference-status-callback participant-leave POST /conf
    A4-->>CF3: 204
    Note over CF3: conference ends: participant-with-end-conference-on-exit-left
    CF3->>A4: conference-status-callback conference-end POST /conf
    A4-->>CF3: 204
`
	if diff := cmp.Diff(want, f.conf.Mermaid()); diff != "" {
		t.Errorf("the conference's diagram (-want +got):\n%s", diff)
	}
}

// TestMermaidEscapesConferences: a room's name and what is said there are
// escaped as any text of a diagram.
func TestMermaidEscapesConferences(t *testing.T) {
	_, c := run(t, map[string]string{
		"/voice": `<Response><Dial><Conference waitUrl="">sales #1; east</Conference></Dial></Response>`,
	}, scenario.Person().Says("a#b; c").InConference().After(time.Second).HangsUp().InConference().After(5*time.Second))
	d := c.Mermaid()
	for _, want := range []string{`as Conference "sales #35;1#59; east"`, `: says "a#35;b#59; c"`, ": silence (wait-music)"} {
		if !strings.Contains(d, want) {
			t.Errorf("the diagram lacks %q:\n%s", want, d)
		}
	}
	if cd := c.Conference().Mermaid(); !strings.Contains(cd, `as Conference "sales #35;1#59; east"`) {
		t.Errorf("the conference's diagram does not escape its name:\n%s", cd)
	}
}

// TestMermaidOfAQueue: a queue's events are notes over the caller's lane
// and Twilio's: enqueued at a position, what it hears, left with its
// QueueResult.
func TestMermaidOfAQueue(t *testing.T) {
	_, c := run(t, map[string]string{"/voice": `<Response><Enqueue waitUrl="">support</Enqueue></Response>`},
		scenario.Party{HangUpAfter: time.Minute})
	d := c.Mermaid()
	for _, want := range []string{
		`Note over T,P1: enqueued in "support" at position 1`,
		`Note over T,P1: waits in silence`,
		`Note over T,P1: left "support": QueueResult=hangup after 1m0s`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the diagram lacks %q:\n%s", want, d)
		}
	}
}

// TestMermaidOfAStream: the application's WebSocket is a participant of
// the diagram: Twilio connects to it and starts the stream, echoes the
// marks, hears the clear; the far end hears the application's audio; a
// note says why the stream stopped.
func TestMermaidOfAStream(t *testing.T) {
	srv, c := botCall(t)
	c.Wait()
	d := c.Mermaid()
	want := `    participant W3 as WebSocket app.example.com/media
    T->>P1: rings
    P1-->>T: answers
    T->>A2: voice POST /voice
    A2-->>T: 200
    T->>W3: WebSocket connect: bidirectional stream "bot"
    T->>W3: connected, start
    Note over T: 31951 Stream - Protocol - Invalid Message: unknown event "hello" (the application may send media, mark and clear)
    T->>W3: mark "greeting" played
    P1->>T: pressed '1'
    W3->>T: clear (1.5s not played)
    T->>P1: the application's audio (1.5s)
    T->>W3: mark "question" cleared
    T->>W3: mark "bye" played
    T->>P1: the application's audio (500ms)
    Note over T,W3: stream "bot" stopped: the far end hung up
`
	if !strings.Contains(d, want) {
		t.Errorf("the diagram lacks\n%s\nin\n%s", want, d)
	}
	if srv.Mermaid() != d {
		t.Errorf("the server's diagram differs from the call's, though it has only this call:\n%s", srv.Mermaid())
	}
}

// TestMermaidOfAFailedStream: a stream that could not connect is a note
// over Twilio and the WebSocket, its name escaped.
func TestMermaidOfAFailedStream(t *testing.T) {
	_, c := run(t, map[string]string{
		"/voice": `<Response><Start><Stream name="x#1; y" url="wss://app.example.com/nowhere?token=1"/></Start><Say>hi</Say></Response>`,
	}, scenario.Person())
	d := c.Mermaid()
	for _, want := range []string{
		"participant W4 as WebSocket app.example.com/nowhere\n",
		`T->>W4: WebSocket connect: unidirectional inbound stream "x#35;1#59; y"`,
		`Note over T,W4: stream "x#35;1#59; y" failed: Stream - WebSocket - Handshake Error: the application answered the upgrade with HTTP 204, not 101`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the diagram lacks %q:\n%s", want, d)
		}
	}
}
