package seqsvg

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantLanes []string // id=label
		wantRows  []row
	}{
		{
			name:      "participants",
			in:        "sequenceDiagram\n    participant T as Twilio\n  participant P1\nparticipant A3 as app #35;1",
			wantLanes: []string{"T=Twilio", "P1=P1", "A3=app #1"},
		},
		{
			name:      "arrows",
			in:        "sequenceDiagram\n T->>A: voice POST /voice\n A-->>T: 200\n P-xCF: leaves: hung up\n A--xT: connection refused\n T->>A:no space",
			wantLanes: []string{"T=T", "A=A", "P=P", "CF=CF"},
			wantRows: []row{
				{line: 2, kind: request, from: 0, to: 1, text: []string{"voice POST /voice"}},
				{line: 3, kind: reply, from: 1, to: 0, text: []string{"200"}},
				{line: 4, kind: leave, from: 2, to: 3, text: []string{"leaves: hung up"}},
				{line: 5, kind: failed, from: 1, to: 0, text: []string{"connection refused"}},
				{line: 6, kind: request, from: 0, to: 1, text: []string{"no space"}},
			},
		},
		{
			name:      "spaces around the arrow, an empty text, a message to itself",
			in:        "sequenceDiagram\nT ->> A :\nA->>A: thinks",
			wantLanes: []string{"T=T", "A=A"},
			wantRows: []row{
				{line: 2, kind: request, from: 0, to: 1, text: []string{""}},
				{line: 3, kind: request, from: 1, to: 1, text: []string{"thinks"}},
			},
		},
		{
			name:      "notes",
			in:        "sequenceDiagram\nparticipant T\nparticipant P\nNote over T: one\nNote over P,T: two\nnote left of P: three\nNOTE right of T: four<br/>lines",
			wantLanes: []string{"T=T", "P=P"},
			wantRows: []row{
				{line: 4, kind: note, place: over, from: 0, to: 0, text: []string{"one"}},
				{line: 5, kind: note, place: over, from: 0, to: 1, text: []string{"two"}},
				{line: 6, kind: note, place: leftOf, from: 1, to: 1, text: []string{"three"}},
				{line: 7, kind: note, place: rightOf, from: 0, to: 0, text: []string{"four", "lines"}},
			},
		},
		{
			name:      "a time mark",
			in:        "sequenceDiagram\nNote over T,P1: ⏱ 0:12 (+12s)\nNote over T: ⏱no space",
			wantLanes: []string{"T=T", "P1=P1"},
			wantRows: []row{
				{line: 2, kind: timeMark, from: 0, to: 1, text: []string{"0:12 (+12s)"}},
				{line: 3, kind: note, from: 0, to: 0, text: []string{"⏱no space"}},
			},
		},
		{
			name:      "used before declared keeps its place and takes the label",
			in:        "sequenceDiagram\nT->>X: hi\nparticipant X as Later\nparticipant T as Twilio",
			wantLanes: []string{"T=Twilio", "X=Later"},
			wantRows:  []row{{line: 2, kind: request, from: 0, to: 1, text: []string{"hi"}}},
		},
		{
			name:      "comments, blank lines, CRLF",
			in:        "%%{init: {\"theme\":\"dark\"}}%%\r\n\r\nsequenceDiagram\r\n  %% a comment\r\n\r\n  T->>P: x\r\n",
			wantLanes: []string{"T=T", "P=P"},
			wantRows:  []row{{line: 6, kind: request, from: 0, to: 1, text: []string{"x"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var lanes []string
			for _, l := range d.lanes {
				lanes = append(lanes, l.id+"="+l.label[0])
			}
			if diff := cmp.Diff(tt.wantLanes, lanes); diff != "" {
				t.Errorf("lanes mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRows, d.rows, cmp.AllowUnexported(row{})); diff != "" {
				t.Errorf("rows mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want SyntaxError
	}{
		{"empty", "", SyntaxError{1, "", "no sequenceDiagram"}},
		{"only comments", "%% x\n\n", SyntaxError{2, "", "no sequenceDiagram"}},
		{"another diagram", "flowchart LR\n A-->B", SyntaxError{1, "flowchart LR", "want sequenceDiagram first"}},
		{"autonumber", "sequenceDiagram\n    autonumber", SyntaxError{2, "autonumber", "unknown statement"}},
		{"loop", "sequenceDiagram\n  T->>P: x\n  loop every minute", SyntaxError{3, "loop every minute", "unknown statement"}},
		{"open arrow", "sequenceDiagram\n T->P: x", SyntaxError{2, "T->P: x", "unknown arrow: want ->>, -->>, -x or --x"}},
		{"activation", "sequenceDiagram\n T->>+P: x", SyntaxError{2, "T->>+P: x", "want the receiver's ID after the arrow"}},
		{"no colon", "sequenceDiagram\n T->>P x", SyntaxError{2, "T->>P x", "want a colon before the message's text"}},
		{"participant without an ID", "sequenceDiagram\n participant  ", SyntaxError{2, "participant", "unknown statement"}},
		{"participant with a bad ID", "sequenceDiagram\n participant A-B", SyntaxError{2, "participant A-B", "want participant ID as Label"}},
		{"participant as nothing", "sequenceDiagram\n participant A as", SyntaxError{2, "participant A as", "want participant ID as Label"}},
		{"actor", "sequenceDiagram\n actor A", SyntaxError{2, "actor A", "unknown statement"}},
		{"note without a place", "sequenceDiagram\n Note T: x", SyntaxError{2, "Note T: x", "want Note over, Note left of or Note right of"}},
		{"note left without of", "sequenceDiagram\n Note left T: x", SyntaxError{2, "Note left T: x", `want "of" after left or right`}},
		{"note left of two", "sequenceDiagram\n Note left of T,P: x", SyntaxError{2, "Note left of T,P: x", "a note left or right of is of one participant"}},
		{"note over nothing", "sequenceDiagram\n Note over : x", SyntaxError{2, "Note over : x", "want a participant's ID in the note"}},
		{"note over a comma", "sequenceDiagram\n Note over T,: x", SyntaxError{2, "Note over T,: x", "want a participant's ID after the comma"}},
		{"note without a colon", "sequenceDiagram\n Note over T x", SyntaxError{2, "Note over T x", "want a colon before the note's text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(tt.in)
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("parse(%q) = %v, want a *SyntaxError", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, *se); diff != "" {
				t.Errorf("parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
