package harness

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestDiagramEscape(t *testing.T) {
	tests := []struct {
		name, in, want string
		label          bool
	}{
		{name: "a directive", in: `%%{init: {"theme":"dark"}}%%`, want: `#37;#37;{init: {"theme":"dark"}}#37;#37;`},
		{name: "a comment and a statement's end", in: "a #1; b", want: "a #35;1#59; b"},
		{name: "HTML", in: "<b>x</b> & y", want: "#lt;b#gt;x#lt;/b#gt; #amp; y"},
		{name: "line breaks and tabs", in: "a\nb\r\nc\td", want: "a b  c d"},
		{name: "a label's colon and quotes", in: `Conference "a:b"`, want: "Conference #quot;a#58;b#quot;", label: true},
		{name: "a label's spaces", in: "  x  ", want: "x", label: true},
		{name: "a long label", in: strings.Repeat("x", 70), want: strings.Repeat("x", 59) + "…", label: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := escape(tt.in)
			if tt.label {
				got = escapeLabel(tt.in)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDiagramWrap(t *testing.T) {
	long := strings.Repeat("word ", 30) // 150 characters
	tests := []struct {
		name, in string
		lines    int
		want     string
	}{
		{name: "short", in: "says hi", lines: 4, want: "says hi"},
		{name: "at spaces", in: strings.Repeat("abcdefghi ", 7), lines: 4,
			want: "abcdefghi abcdefghi abcdefghi abcdefghi abcdefghi abcdefghi<br/>abcdefghi"},
		{name: "an entity is one character", in: strings.Repeat("#35;", 60) + " x", lines: 4, want: strings.Repeat("#35;", 60) + "<br/>x"},
		{name: "a long word anywhere but in an entity", in: strings.Repeat("a", 59) + "#35;#35;", lines: 4,
			want: strings.Repeat("a", 59) + "#35;<br/>#35;"},
		{name: "too many lines", in: long, lines: 2,
			want: strings.TrimSpace(strings.Repeat("word ", 12)) + "<br/>" + strings.Repeat("word ", 11) + "word…"},
		{name: "an instruction to Mermaid", in: "wrap: x", lines: 4, want: "wrap#58; x"},
		{name: "spaces around", in: "  x  ", lines: 4, want: "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wrap(tt.in, tt.lines); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestDiagramQuote(t *testing.T) {
	long := strings.Repeat("abc ", 50) // 200 characters
	tests := []struct{ name, in, want string }{
		{"short", `a "b"; c`, `"a \"b\"#59; c"`},
		{"long, cut at a space", long, `"` + strings.TrimSpace(strings.Repeat("abc ", 40)) + `…" (200#nbsp;characters)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quote(tt.in); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestDiagramClockTime(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0:00"},
		{12 * time.Second, "0:12"},
		{67500 * time.Millisecond, "1:07.5"},
		{2*time.Second + 20*time.Millisecond, "0:02.02"},
		{time.Hour + 2*time.Minute + 3*time.Second, "1:02:03"},
	}
	for _, tt := range tests {
		if got := clockTime(tt.in); got != tt.want {
			t.Errorf("clockTime(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// What wrap leaves as it is (fitsOneLine) is what wrapping it word by word
// gives.
func TestWrapShortcut(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "ab Z09#;&:%.-_()é\t"
	for range 20000 {
		b := make([]byte, r.IntN(labelWidth+5))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		text := strings.TrimSpace(string(b))
		if !fitsOneLine(text) {
			continue
		}
		if got := wrapWords(text, 4); got != text {
			t.Fatalf("wrapWords(%q) = %q, but wrap leaves it as it is", text, got)
		}
	}
}
