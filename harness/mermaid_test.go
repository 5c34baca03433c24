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
