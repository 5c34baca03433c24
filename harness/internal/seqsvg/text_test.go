package seqsvg

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestTextLines(t *testing.T) {
	long := strings.Repeat("word ", 30) // 150 characters
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "voice POST /voice", []string{"voice POST /voice"}},
		{"empty", "", []string{""}},
		{"br", "one<br/>two<br>three<br />four<BR/>five", []string{"one", "two", "three", "four", "five"}},
		{"not a br", "a <b> <brx> <br", []string{"a <b> <brx> <br"}},
		{"harness escapes", `says "Press 1#59; or #35;"`, []string{`says "Press 1; or #"`}},
		{"named entities", "#quot;#lt;#gt;#amp;#apos;#nbsp;", []string{"\"<>&'\u00a0"}},
		{"percent and unicode", "#37;#37; #9829; #128222;", []string{"%% ♥ 📞"}},
		{"not entities", "# #; #x41; #unknown; #12345678901; #-1; 100#", []string{"# #; #x41; #unknown; #12345678901; #-1; 100#"}},
		{"an entity is not a break", "#lt;br/#gt;", []string{"<br/>"}},
		{"init directive as text", `%%{init: {"theme":"dark"}}%%`, []string{`%%{init: {"theme":"dark"}}%%`}},
		{"xml specials kept for escaping", `<a href="x">&amp;</a>`, []string{`<a href="x">&amp;</a>`}},
		{"control characters", "a\tb\x01c#0;d\xffe#55296;", []string{"a b\ufffdc\ufffdd\ufffde\ufffd"}},
		{"wrapped at words", long, []string{strings.Repeat("word ", 11) + "word", strings.Repeat("word ", 11) + "word", "word word word word word word"}},
		{"a URL wraps after a slash", "hold music: https://twimlets.com/holdmusic?Bucket=com.twilio.music.classical",
			[]string{"hold music: https://twimlets.com/holdmusic?Bucket=", "com.twilio.music.classical"}},
		{"a long word is cut", strings.Repeat("x", 130), []string{strings.Repeat("x", 60), strings.Repeat("x", 60), strings.Repeat("x", 10)}},
		{"wide characters count twice", strings.Repeat("電話", 20), []string{strings.Repeat("電話", 15), strings.Repeat("電話", 5)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := textLines(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("textLines(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			for _, line := range got {
				if width(line) > wrapAt || !utf8.ValidString(line) {
					t.Errorf("line %q: width %d, valid UTF-8 %v", line, width(line), utf8.ValidString(line))
				}
			}
		})
	}
}

func TestWidth(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"abc", 3},
		{"", 0},
		{"…", 1},
		{"電話", 4},
		{"e\u0301", 1}, // a combining accent
		{"📞", 2},
		{"⏱\ufe0f", 1}, // a variation selector
	}
	for _, tt := range tests {
		if got := width(tt.in); got != tt.want {
			t.Errorf("width(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
