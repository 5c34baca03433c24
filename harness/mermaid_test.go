package harness_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestMermaidAndJSON(t *testing.T) {
	srv, c := run(t, map[string]string{
		"/voice": `<Response><Gather numDigits="1" action="/menu"><Say>Press 1; or #</Say></Gather></Response>`,
		"/menu":  `<Response><Dial>+14155550201</Dial></Response>`,
	}, scenario.Person().Presses("1"), harness.WithParty("+14155550201", scenario.AnswersAfter(2*time.Second).HangsUpAfter(3*time.Second)))
	d := c.Mermaid()
	checkDiagram(t, d)
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
		"Note over T,A4: ⏱ 0:01.6 (+1.6s)", // the far end pressed 1 after the Say
		"Note over T,P1: bridged with +14155550201<br/>(" + c.Children()[0].SID() + ")",
		"Note over T,L2: bridged with " + c.SID(),
		"Note over T,P1: " + c.SID() + " completed",
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
	checkDiagram(t, d)
	if diff := cmp.Diff(d, b.String()); diff != "" {
		t.Fatalf("WriteMermaid differs from Mermaid (-Mermaid +WriteMermaid):\n%s", diff)
	}
	var unlimited bytes.Buffer
	if err := f.srv.WriteMermaid(&unlimited, harness.DiagramLimit(0)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, unlimited.String()); diff != "" {
		t.Fatalf("a diagram within its limit differs from the one with no limit (-limit +none):\n%s", diff)
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
			`participant CF4 as Conference #quot;room#quot;`,
			`P1->>CF4: joins as "customer"`,
			"T->>A3: conference-status-callback participant-join POST /conf",
			"A3-->>T: 204",
			`CF4->>P1: wait-music: "Please wait"`,
			"Note over CF4: conference starts",
			`CF4->>P1: "how can I help" from "agent"`,
			`P1->>CF4: says "hello there"`,
			"Note over T,CF4: ⏱ 1:00 (+30s)",
			"P1-xCF4: leaves: participant_hung_up",
			"Note over CF4: conference ends:<br/>participant-with-end-conference-on-exit-left",
		}},
		{"agent", f.agent, []string{
			"participant P1 as +14155550201",
			`P1->>CF4: joins as "agent"`,
			"T->>A3: conference-status-callback conference-start POST /conf",
			`P1->>CF4: says "how can I help"`,
			`CF4->>P1: "hello there" from "customer"`,
			"Note over P1,CF4: on hold",
			"CF4->>P1: hold-music:<br/>http://twimlets.com/holdmusic?Bucket=com.twilio.music.classi<br/>cal",
			"Note over P1,CF4: off hold",
			"Note over P1,CF4: muted",
			"P1-xCF4: leaves: moderator_ended_conference",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.call.Mermaid()
			checkDiagram(t, d)
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
	checkDiagram(t, all)
	for want, n := range map[string]int{`as Conference #quot;room#quot;`: 1, "conference starts": 1, "conference ends": 1, "joins as": 2, "leaves:": 2} {
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
    participant CF3 as Conference #quot;room#quot;
    participant A4 as app.example.com
    P1->>CF3: joins as "customer"
    CF3->>A4: conference-status-callback participant-join POST /conf
    A4-->>CF3: 204
    Note over P1,A4: ⏱ 0:20 (+20s)
    P2->>CF3: joins as "agent"
    CF3->>A4: conference-status-callback participant-join POST /conf
    A4-->>CF3: 204
    Note over CF3: conference starts
    CF3->>A4: conference-status-callback conference-start POST /conf
    A4-->>CF3: 204
    Note over P1,A4: ⏱ 0:25 (+5s)
    P2->>CF3: says "how can I help"
    Note over P1,A4: ⏱ 0:30 (+5s)
    P1->>CF3: says "hello there"
    Note over P1,A4: ⏱ 0:40 (+10s)
    Note over P2,CF3: on hold
    CF3->>A4: conference-status-callback participant-hold POST /conf
    A4-->>CF3: 204
    Note over P1,A4: ⏱ 0:50 (+10s)
    Note over P2,CF3: off hold
    CF3->>A4: conference-status-callback participant-unhold POST /conf
    A4-->>CF3: 204
    Note over P2,CF3: muted
    CF3->>A4: conference-status-callback participant-mute POST /conf
    A4-->>CF3: 204
    Note over P1,A4: ⏱ 1:00 (+10s)
    P1-xCF3: leaves: participant_hung_up
    CF3->>A4: conference-status-callback participant-leave POST /conf
    A4-->>CF3: 204
    P2-xCF3: leaves: moderator_ended_conference
    CF3->>A4: conference-status-callback participant-leave POST /conf
    A4-->>CF3: 204
    Note over CF3: conference ends:<br/>participant-with-end-conference-on-exit-left
    CF3->>A4: conference-status-callback conference-end POST /conf
    A4-->>CF3: 204
`
	checkDiagram(t, f.conf.Mermaid())
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
	checkDiagram(t, d)
	checkDiagram(t, c.Conference().Mermaid())
	for _, want := range []string{`as Conference #quot;sales #35;1#59; east#quot;`, `: says "a#35;b#59; c"`, ": silence (wait-music)"} {
		if !strings.Contains(d, want) {
			t.Errorf("the diagram lacks %q:\n%s", want, d)
		}
	}
	if cd := c.Conference().Mermaid(); !strings.Contains(cd, `as Conference #quot;sales #35;1#59; east#quot;`) {
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
	checkDiagram(t, d)
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
	checkDiagram(t, d)
	want := `    participant W3 as WebSocket app.example.com/media
    T->>P1: rings
    P1-->>T: answers
    T->>A2: voice POST /voice
    A2-->>T: 200
    T->>W3: WebSocket connect: bidirectional stream "bot"
    T->>W3: connected, start
    Note over T,P1: 31951 Stream - Protocol - Invalid Message: unknown event<br/>"hello" (the application may send media, mark and clear)
    Note over T,W3: ⏱ 0:01 (+1s)
    T->>W3: mark "greeting" played
    Note over T,W3: ⏱ 0:01.5 (+500ms)
    P1->>T: pressed '1'
    W3->>T: clear (1.5s not played)
    T->>P1: the application's audio (1.5s)
    T->>W3: mark "question" cleared
    Note over T,W3: ⏱ 0:02 (+500ms)
    T->>W3: mark "bye" played
    Note over T,W3: ⏱ 0:02.02 (+20ms)
    T->>P1: the application's audio (500ms)
    Note over T,W3: ⏱ 0:03 (+980ms)
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
	checkDiagram(t, d)
	for _, want := range []string{
		"participant W4 as WebSocket app.example.com/nowhere\n",
		`T->>W4: WebSocket connect: unidirectional inbound stream "x#35;1#59; y"`,
		`Note over T,W4: stream "x#35;1#59; y" failed: Stream - WebSocket - Handshake Error: the application answered the upgrade with HTTP 204, not 101`,
	} {
		if !strings.Contains(unwrapped(d), want) {
			t.Errorf("the diagram lacks %q:\n%s", want, d)
		}
	}
}

// unwrapped is a diagram with its labels on one line each: what a test
// of the words in a label reads.
func unwrapped(d string) string {
	return strings.ReplaceAll(d, "<br/>", " ")
}

// TestMermaidEscapes: nothing said can change a diagram: a directive in a
// <Say> is text (its % escaped), as are HTML and Mermaid's comment and
// statement characters; a participant's label has its colons escaped.
func TestMermaidEscapes(t *testing.T) {
	_, c := run(t, map[string]string{
		"/voice": `<Response><Start><Stream url="wss://app.example.com:8443/media"/></Start>` +
			`<Say>%%{init: {"theme":"dark"}}%%</Say><Say>&lt;b&gt;bold&lt;/b&gt; &amp; 50%; #1</Say></Response>`,
	}, scenario.Person())
	d := c.Mermaid()
	checkDiagram(t, d)
	saveDiagram(t, "init-directive", d)
	for _, want := range []string{
		`T->>P1: says "#37;#37;{init: {\"theme\":\"dark\"}}#37;#37;"`,
		`T->>P1: says "#lt;b#gt;bold#lt;/b#gt; #amp; 50#37;#59; #35;1"`,
		"participant W4 as WebSocket app.example.com#58;8443/media\n",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the diagram lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "%") {
		t.Errorf("the diagram has a %%, which Mermaid may read as a directive or a comment:\n%s", d)
	}
}

// TestMermaidWrapsLongText: a long <Say> is cut at a word, says how long
// it was, and is wrapped into a few short lines; so is a long error.
func TestMermaidWrapsLongText(t *testing.T) {
	words := strings.Repeat("Your call is important to us and will be answered in the order received. ", 10)[:729] + "!"
	_, c := run(t, map[string]string{"/voice": `<Response><Say>` + words + `</Say></Response>`}, scenario.Person())
	d := c.Mermaid()
	checkDiagram(t, d)
	var says string
	for _, line := range strings.Split(d, "\n") {
		if strings.Contains(line, ": says ") {
			says = line
		}
	}
	if len(words) != 730 || !strings.HasSuffix(unwrapped(says), `…" (730#nbsp;characters)`) || strings.Count(says, "<br/>") > 3 || len(says) > 300 {
		t.Errorf("the <Say> of 730 characters is drawn as\n%s\nwant it cut at a word, with its length, in 4 lines at most", says)
	}
}

// TestMermaidFailedReplies: a reply with a status of 400 or more is a
// dashed line with a cross and the status's text, from the application
// as from the REST API; a reply that succeeded is a dashed arrow.
func TestMermaidFailedReplies(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "database is down", http.StatusInternalServerError)
	})
	mux.HandleFunc("/fallback", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>Sorry</Say></Response>`)
	})
	srv := newServer(t, harness.WithApp(origin, mux), harness.WithParty(to, scenario.Person()))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetFallbackUrl(origin + "/fallback") })
	c.Wait()
	if _, err := restClient(srv).UpdateCall(c.SID(), (&api.UpdateCallParams{}).SetTwiml("<Response/>")); err == nil {
		t.Fatal("updating a call that has ended succeeded")
	}
	d := c.Mermaid()
	checkDiagram(t, d)
	for _, want := range []string{
		"T->>A3: voice POST /voice\n    A3--xT: 500 Internal Server Error\n",
		"T->>A3: fallback POST /fallback\n    A3-->>T: 200\n",
		"R2->>T: POST …/Calls/" + c.SID() + ".json\n    T--xR2: 400 Bad Request\n",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the diagram lacks %q:\n%s", want, d)
		}
	}
}

// TestMermaidTimes: when virtual time has moved, a note across the lanes
// used so far says the time since the first line and since the last: a
// leg's 12 seconds of ringing, a minute of talk.
func TestMermaidTimes(t *testing.T) {
	_, c := run(t, map[string]string{"/voice": `<Response><Dial>` + alice + `</Dial></Response>`}, scenario.Person(),
		harness.WithParty(alice, scenario.AnswersAfter(12*time.Second).HangsUpAfter(time.Minute)))
	d := c.Mermaid()
	checkDiagram(t, d)
	for _, want := range []string{
		"    T->>L2: rings\n    Note over T,A4: ⏱ 0:12 (+12s)\n    L2-->>T: answers\n",
		"    Note over T,A4: ⏱ 1:12 (+1m0s)\n    Note over T,L2: hang-up: the far end hung up\n",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the diagram lacks %q:\n%s", want, d)
		}
	}
}

// TestMermaidLimit: a server's diagram of more than a hundred calls stops
// under Mermaid's limit after the last event that fits, with a note on
// what it left out and how to see it, which is so: the lines it has are
// the first of the diagram with no limit, and SkipCalls shows the rest.
func TestMermaidLimit(t *testing.T) {
	srv := newServer(t)
	var sids []string
	for i := range 150 {
		c, err := srv.CreateCall(url.Values{"To": {fmt.Sprintf("+1415555%04d", i)}, "From": {from},
			"Twiml": {`<Response><Say>Thank you for calling; every call is diagrammed.</Say><Pause length="3"/><Say>Goodbye.</Say></Response>`}})
		if err != nil {
			t.Fatal(err)
		}
		sids = append(sids, c.SID())
		srv.Advance(time.Second)
	}
	srv.Run()
	var unlimited bytes.Buffer
	if err := srv.WriteMermaid(&unlimited, harness.DiagramLimit(0)); err != nil {
		t.Fatal(err)
	}
	if unlimited.Len() <= 50_000 {
		t.Fatalf("the diagram with no limit is %d characters, want more than Mermaid's 50,000 for this test to mean anything", unlimited.Len())
	}
	saveDiagram(t, "over-limit", unlimited.String())
	d := srv.Mermaid()
	checkDiagram(t, d)
	if len(d) > harness.DefaultDiagramLimit {
		t.Errorf("the diagram is %d characters, want at most %d", len(d), harness.DefaultDiagramLimit)
	}
	lines := strings.Split(strings.TrimSuffix(d, "\n"), "\n")
	last := lines[len(lines)-1]
	m := regexp.MustCompile(`^    Note over T,P\d+: cut at the diagram's limit of 45000 characters: (\d+) more<br/>events of (\d+) calls are left out, (\d+) of those calls`).FindStringSubmatch(last)
	if m == nil || !strings.Contains(unwrapped(last), "See them with WriteMermaid and SkipCalls(") {
		t.Fatalf("the diagram does not end with a note of what it left out:\n%s", last)
	}
	var body []string // the lines after the participants
	for _, line := range lines[1 : len(lines)-1] {
		if !strings.HasPrefix(line, "    participant ") {
			body = append(body, line)
		}
	}
	var all []string
	for _, line := range strings.Split(unlimited.String(), "\n")[1:] {
		if !strings.HasPrefix(line, "    participant ") {
			all = append(all, line)
		}
	}
	if diff := cmp.Diff(all[:len(body)], body); diff != "" {
		t.Errorf("the diagram's lines are not the first of the one with no limit (-none +limit):\n%s", diff)
	}
	skip, _ := strconv.Atoi(regexp.MustCompile(`SkipCalls\((\d+)\)`).FindStringSubmatch(unwrapped(last))[1])
	left, _ := strconv.Atoi(m[2])
	if skip != len(sids)-left {
		t.Errorf("the note says SkipCalls(%d), with %d calls left out of %d", skip, left, len(sids))
	}
	var next bytes.Buffer
	if err := srv.WriteMermaid(&next, harness.SkipCalls(skip)); err != nil {
		t.Fatal(err)
	}
	checkDiagram(t, next.String())
	wantFirst := fmt.Sprintf("    participant T as Twilio\n    participant P1 as +1415555%04d\n", skip)
	if !strings.Contains(next.String(), wantFirst) {
		t.Errorf("the next page does not begin with the first call left out (%q):\n%s", wantFirst, next.String())
	}
	var small bytes.Buffer
	if err := srv.WriteMermaid(&small, harness.OnlyCalls(sids[0]), harness.DiagramLimit(1200)); err != nil {
		t.Fatal(err)
	}
	checkDiagram(t, small.String())
	if small.Len() > 1200 || !strings.Contains(unwrapped(small.String()), "more events of 1 calls are left out, 0 of those calls entirely") {
		t.Errorf("a diagram of one call cut at 1200 characters:\n%s", small.String())
	}
}

// TestMermaidLimitOfOneCall: a call's own diagram stops at the default
// limit too, pointing at WriteMermaid for the rest.
func TestMermaidLimitOfOneCall(t *testing.T) {
	_, c := run(t, map[string]string{"/voice": `<Response>` + strings.Repeat(`<Say>Still here; still talking.</Say><Pause length="1"/>`, 600) + `</Response>`},
		scenario.Person())
	d := c.Mermaid()
	checkDiagram(t, d)
	if len(d) > harness.DefaultDiagramLimit || !strings.Contains(unwrapped(d), "more events are left out. See them all with WriteMermaid, OnlyCalls of the call and its legs, and DiagramLimit(0)") {
		t.Errorf("the diagram of a long call is %d characters, ending:\n%s", len(d), d[max(len(d)-400, 0):])
	}
}

// TestDiagramLimitPanics: a negative limit is a programmer's error.
func TestDiagramLimitPanics(t *testing.T) {
	defer func() {
		if got := recover(); got != "harness: DiagramLimit(-1): want 0 (no limit) or more" {
			t.Errorf("panicked with %v", got)
		}
	}()
	harness.DiagramLimit(-1)
}

// TestCheckDiagram: the checker of diagrams finds what it should.
func TestCheckDiagram(t *testing.T) {
	for _, tt := range []struct {
		name, d string
		want    string // in the first problem; "" for none
	}{
		{"good", "sequenceDiagram\n    participant T as Twilio\n    participant P1 as a#58;b\n    T->>P1: a #35;1<br/>b\n    Note over T,P1: ok\n", ""},
		{"undeclared", "sequenceDiagram\n    participant T as Twilio\n    T->>P1: hi\n", "P1 used before it is declared"},
		{"a raw #", "sequenceDiagram\n    participant T as Twilio\n    Note over T: #1\n", `has '#' outside an entity code`},
		{"a raw %", "sequenceDiagram\n    participant T as Twilio\n    Note over T: %%{init: {}}%%\n", `has '%' outside`},
		{"a colon in a label", "sequenceDiagram\n    participant T as a:b\n", `has ':' outside`},
		{"a long line", "sequenceDiagram\n    participant T as Twilio\n    Note over T: " + strings.Repeat("x", 61) + "\n", "is 61 characters"},
		{"outside the grammar", "sequenceDiagram\n    participant T as Twilio\n    loop every second\n", "outside the grammar"},
		{"an instruction", "sequenceDiagram\n    participant T as Twilio\n    Note over T: wrap: x\n", "begins with an instruction"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			errs := diagramProblems(tt.d)
			switch {
			case tt.want == "" && len(errs) > 0:
				t.Errorf("problems in a good diagram: %v", errs)
			case tt.want != "" && (len(errs) == 0 || !strings.Contains(errs[0].Error(), tt.want)):
				t.Errorf("problems %v, want one with %q", errs, tt.want)
			}
		})
	}
}
