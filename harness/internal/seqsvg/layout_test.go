package seqsvg

import (
	"math"
	"os"
	"strings"
	"testing"
)

// TestLayoutKeepsLanesApart: participants' boxes do not overlap, every
// message's label fits between the lanes it joins, and a note over one
// lane or beside it stays clear of its neighbours' lifelines.
func TestLayoutKeepsLanesApart(t *testing.T) {
	golden, err := os.ReadFile("testdata/call.mmd")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
	}{
		{"realistic", string(golden)},
		{"a wide label between distant lanes spreads", "sequenceDiagram\nA->>B: x\nB->>C: x\nC->>D: x\nA->>D: " + strings.Repeat("wide ", 12)},
		{"wide labels nested", "sequenceDiagram\nA->>C: " + strings.Repeat("a", 50) + "\nB->>C: " + strings.Repeat("b", 40) + "\nA->>B: " + strings.Repeat("c", 30)},
		{"notes", "sequenceDiagram\nA->>B: x\nB->>C: x\nNote over B: " + strings.Repeat("n", 50) + "\nNote left of C: " + strings.Repeat("l", 30) + "\nNote right of A: " + strings.Repeat("r", 30)},
		{"long participant labels", "sequenceDiagram\nparticipant A as " + strings.Repeat("label ", 8) + "\nparticipant B as " + strings.Repeat("label ", 12) + "\nA->>B: x"},
		{"messages to themselves", "sequenceDiagram\nA->>A: " + strings.Repeat("s", 40) + "\nA->>B: x"},
	}
	const eps = 1e-6
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			l := newLayout(d)
			for i := 1; i < len(l.x); i++ {
				if right, left := l.x[i-1]+l.boxW[i-1]/2, l.x[i]-l.boxW[i]/2; left-right < boxGap-eps {
					t.Errorf("boxes of %s and %s %.1f apart, want %d", d.lanes[i-1].id, d.lanes[i].id, left-right, boxGap)
				}
			}
			for _, r := range d.rows {
				a, b := l.x[r.from], l.x[r.to]
				w := textW(r.text)
				switch {
				case r.kind == timeMark:
				case r.kind != note && r.from != r.to && math.Abs(b-a) < w+2*labelPad-eps:
					t.Errorf("line %d: label %.1f wide between lanes %.1f apart", r.line, w, math.Abs(b-a))
				case r.kind != note && r.from == r.to && r.from+1 < len(l.x) && l.x[r.from+1]-a < selfIndent+w+lifelineClear-eps:
					t.Errorf("line %d: label of a message to itself runs into the next lifeline", r.line)
				case r.kind == note && r.from == r.to:
					x0, x1 := noteSpan(l, &r)
					if r.from > 0 && x0 < l.x[r.from-1]+lifelineClear-eps || r.from+1 < len(l.x) && x1 > l.x[r.from+1]-lifelineClear+eps {
						t.Errorf("line %d: note %.1f..%.1f crosses a neighbour's lifeline (%v)", r.line, x0, x1, l.x)
					}
				}
			}
		})
	}
}

// noteSpan returns where a note over or beside one lane is drawn.
func noteSpan(l *layout, r *row) (float64, float64) {
	x, w := l.x[r.from], noteW(r)
	switch r.place {
	case leftOf:
		return x - noteSide - w, x - noteSide
	case rightOf:
		return x + noteSide, x + noteSide + w
	}
	return x - w/2, x + w/2
}

// TestLayoutSpreadsEvenly: a shortfall between distant lanes is shared by
// the gaps between them.
func TestLayoutSpreadsEvenly(t *testing.T) {
	c := &constraints{n: 4, apart: map[span]float64{{0, 1}: 100, {1, 2}: 100, {2, 3}: 200, {0, 3}: 700}}
	gaps := spread(c)
	want := []float64{200, 200, 300}
	for i := range want {
		if math.Abs(gaps[i]-want[i]) > 1e-9 {
			t.Fatalf("gaps %v, want %v", gaps, want)
		}
	}
}
