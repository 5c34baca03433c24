package seqsvg

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestRender(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		want       map[string]int // g elements by class
		wantLines  []string       // data-line of each message, note and time mark
		wantInText []string       // in the SVG, escaped
	}{
		{
			name:      "each arrow",
			in:        "sequenceDiagram\nparticipant T as Twilio\nparticipant A as app\nT->>A: voice\nA-->>T: 200\nT-xA: leaves\nA--xT: refused",
			want:      map[string]int{"participant": 2, "msg request": 1, "msg reply": 1, "msg leave": 1, "msg failed": 1},
			wantLines: []string{"4", "5", "6", "7"},
		},
		{
			name:      "notes and a time mark",
			in:        "sequenceDiagram\nNote over T: a\nNote over T,P: b\nNote left of T: c\nNote right of P: d\nNote over P,T: ⏱ 0:12 (+12s)",
			want:      map[string]int{"participant": 2, "note": 4, "time": 1},
			wantLines: []string{"2", "3", "4", "5", "6"},
			wantInText: []string{
				`data-id="T"`, `data-id="P"`, ">0:12 (+12s)</text>",
			},
		},
		{
			name:      "a message to itself",
			in:        "sequenceDiagram\nA->>A: thinks\nA--xA: fails",
			want:      map[string]int{"participant": 1, "msg request": 1, "msg failed": 1},
			wantLines: []string{"2", "3"},
		},
		{
			name:      "text is escaped",
			in:        "sequenceDiagram\nparticipant CF1 as Conference #quot;a & b#quot;\nT->>CF1: %%{init: {\"theme\":\"dark\"}}%% <script>alert(1)</script> #lt;br/#gt; x#59; y",
			want:      map[string]int{"participant": 2, "msg request": 1},
			wantLines: []string{"3"},
			wantInText: []string{
				"Conference &quot;a &amp; b&quot;",
				">%%{init: {&quot;theme&quot;:&quot;dark&quot;}}%% &lt;script&gt;alert(1)&lt;/script&gt; &lt;br/&gt;</tspan>",
				">x; y</tspan>",
			},
		},
		{
			name:      "line breaks",
			in:        "sequenceDiagram\nT->>P: one<br/>two\nNote over T: three<br>four",
			want:      map[string]int{"participant": 2, "msg request": 1, "note": 1},
			wantLines: []string{"2", "3"},
			wantInText: []string{
				">one</tspan>", ">two</tspan>", ">three</tspan>", ">four</tspan>",
			},
		},
		{
			name: "boxes at the bottom of a tall diagram",
			in:   "sequenceDiagram\n" + strings.Repeat("T->>P: x\n", repeatAfter+1),
			want: map[string]int{"participant": 2, "participant bottom": 2, "msg request": repeatAfter + 1},
		},
		{
			name: "no rows",
			in:   "sequenceDiagram\n",
			want: map[string]int{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, root := render(t, tt.in)
			if diff := cmp.Diff(tt.want, groups(root)); diff != "" {
				t.Errorf("groups by class mismatch (-want +got):\n%s", diff)
			}
			var lines []string
			root.walk("", func(n *node, _ string) {
				if l := n.attr("data-line"); l != "" {
					lines = append(lines, l)
				}
			})
			if len(tt.wantLines) > 0 {
				if diff := cmp.Diff(tt.wantLines, lines); diff != "" {
					t.Errorf("data-line mismatch (-want +got):\n%s", diff)
				}
			}
			for _, want := range tt.wantInText {
				if !strings.Contains(svg, want) {
					t.Errorf("the SVG lacks %q:\n%s", want, svg)
				}
			}
		})
	}
}

// TestRenderStaysInTheViewBox: nothing is drawn outside the picture, text
// measured as the layout measures it.
func TestRenderStaysInTheViewBox(t *testing.T) {
	golden, err := os.ReadFile("testdata/call.mmd")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
	}{
		{"realistic", string(golden)},
		{"notes at the edges", "sequenceDiagram\nNote left of A: " + strings.Repeat("left ", 20) + "\nNote right of B: right<br/>of B\nNote over A,B: " + strings.Repeat("over ", 30)},
		{"a message to itself on the last lane", "sequenceDiagram\nA->>B: x\nB->>B: " + strings.Repeat("self ", 15)},
		{"wide characters", "sequenceDiagram\nA->>B: " + strings.Repeat("電話", 40) + "\nNote over B: 📞📞📞📞📞📞📞📞"},
		{"tall, with the boxes at the bottom", "sequenceDiagram\n" + strings.Repeat("T->>P: x\n", repeatAfter+10) + "Note right of P: last"},
		{"time marks only", "sequenceDiagram\nNote over A: ⏱ 10:00:00 (+1h0m0s)<br/>and a second line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, root := render(t, tt.in)
			w, h := root.num(t, "width"), root.num(t, "height")
			if vb := root.attr("viewBox"); vb != fmt.Sprintf("0 0 %g %g", w, h) {
				t.Errorf("viewBox %q, want 0 0 %g %g", vb, w, h)
			}
			root.walk("", func(n *node, anchor string) {
				b, ok := extent(t, n, anchor)
				if ok && (b.x0 < 0 || b.y0 < 0 || b.x1 > w || b.y1 > h) {
					t.Errorf("<%s %v %q> covers %v, outside 0 0 %g %g", n.XMLName.Local, n.Attrs, n.Text, b, w, h)
				}
			})
		})
	}
}

// TestRenderLongLabel: a 730-character label wraps, and the picture stays
// narrow enough to read.
func TestRenderLongLabel(t *testing.T) {
	label := strings.TrimSpace(strings.Repeat("Post https://app.example.com/status?CallSid=CA123: ", 14))
	label += strings.Repeat("x", 730-len(label))
	svg, root := render(t, "sequenceDiagram\nparticipant T as Twilio\nparticipant A as app.example.com\nA--xT: "+label)
	if w := root.num(t, "width"); w > 1100 {
		t.Errorf("width %g, want at most 1100", w)
	}
	if n := strings.Count(svg, "<tspan"); n < 730/wrapAt {
		t.Errorf("%d lines, want at least %d", n, 730/wrapAt)
	}
}

func TestRenderErrors(t *testing.T) {
	var b strings.Builder
	err := Render(&b, "sequenceDiagram\n  T->>P: x\n  loop forever\n")
	if se := (*SyntaxError)(nil); !errors.As(err, &se) || se.Line != 3 || se.Text != "loop forever" {
		t.Errorf("Render = %v, want a *SyntaxError for line 3", err)
	}
	if b.Len() != 0 {
		t.Errorf("Render wrote %d bytes for a diagram it refused", b.Len())
	}

	errBroken := errors.New("broken pipe")
	err = Render(failingWriter{errBroken}, "sequenceDiagram\n"+strings.Repeat("T->>P: x\n", 2000))
	if !errors.Is(err, errBroken) || !strings.HasPrefix(err.Error(), "seqsvg: ") {
		t.Errorf("Render to a failing writer = %v, want it wrapped", err)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// TestGolden: a realistic diagram of a call, as the harness writes it.
// go test -update rewrites testdata/call.svg.
func TestGolden(t *testing.T) {
	src, err := os.ReadFile("testdata/call.mmd")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := render(t, string(src))
	path := filepath.Join("testdata", "call.svg")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func FuzzRender(f *testing.F) {
	f.Add("sequenceDiagram\nparticipant T as Twilio\nT->>P1: says \"Press 1#59; or #35;\"\nP1-->>T: 200")
	f.Add("sequenceDiagram\nNote over T,P: ⏱ 0:12 (+12s)\nNote left of T: a<br/>b\nA--xA: #0;#65535;")
	f.Add("sequenceDiagram\nT->>T: \xff\xfe <&> #lt;")
	f.Fuzz(func(t *testing.T, diagram string) {
		var b strings.Builder
		err := Render(&b, diagram)
		if err != nil {
			if !errors.Is(err, ErrSyntax) || b.Len() > 0 {
				t.Fatalf("Render = %v after writing %d bytes", err, b.Len())
			}
			return
		}
		if _, err := parseSVG(b.String()); err != nil {
			t.Fatalf("the SVG does not parse: %v\n%s", err, b.String())
		}
	})
}
