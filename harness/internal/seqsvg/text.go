package seqsvg

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// wrapAt is the width, in narrow characters, at which a line of text
// wraps.
const wrapAt = 60

// textLines decodes the text of a statement into the lines to show: split
// at <br/>, entities decoded, characters XML cannot carry replaced, each
// line wrapped at wrapAt.
func textLines(s string) []string {
	if !strings.ContainsAny(s, "<#") && plain(s) && width(s) <= wrapAt {
		return []string{s}
	}
	var out []string
	for part := range splitBreaks(s) {
		out = wrap(out, decode(part), wrapAt)
	}
	return out
}

// plain reports whether s is valid UTF-8 without control characters, so
// that it needs no decoding.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return false
		}
	}
	return utf8.ValidString(s)
}

// splitBreaks yields the parts of s between Mermaid's line breaks: <br>,
// <br/>, <br /> in any case, with any spaces before the slash.
func splitBreaks(s string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for {
			i, n := nextBreak(s)
			if i < 0 {
				yield(s)
				return
			}
			if !yield(s[:i]) {
				return
			}
			s = s[i+n:]
		}
	}
}

// nextBreak returns the index and length of the first line break in s, or
// -1.
func nextBreak(s string) (int, int) {
	for off := 0; ; {
		i := strings.IndexByte(s[off:], '<')
		if i < 0 {
			return -1, 0
		}
		i += off
		if n := breakLen(s[i:]); n > 0 {
			return i, n
		}
		off = i + 1
	}
}

// breakLen returns the length of the line break s starts with, or 0.
func breakLen(s string) int {
	if len(s) < 4 || !strings.EqualFold(s[:3], "<br") {
		return 0
	}
	j := 3
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j < len(s) && s[j] == '/' {
		j++
	}
	if j < len(s) && s[j] == '>' {
		return j + 1
	}
	return 0
}

// entities are the named entities Mermaid's #name; may spell.
var entities = map[string]rune{
	"quot": '"', "lt": '<', "gt": '>', "amp": '&', "apos": '\'', "nbsp": '\u00a0',
}

// maxEntity is the longest entity body looked for between # and ;.
const maxEntity = 8

// decode replaces Mermaid's entities in s with their characters, tabs with
// spaces, and characters XML cannot carry (control characters, invalid
// UTF-8, non-characters) with U+FFFD.
func decode(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] == '#' {
			if r, n := entity(s[i:]); n > 0 {
				b.WriteRune(xmlSafe(r))
				i += n
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(xmlSafe(r))
		i += n
	}
	return b.String()
}

// entity decodes the entity s starts with (#35; or #quot;) and returns its
// character and length, or 0 for none.
func entity(s string) (rune, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > maxEntity+1 {
		return 0, 0
	}
	body := s[1:end]
	if r, ok := entities[body]; ok {
		return r, end + 1
	}
	n, err := strconv.ParseUint(body, 10, 32)
	if err != nil || n > unicode.MaxRune {
		return 0, 0
	}
	return rune(n), end + 1
}

// xmlSafe returns r, a space for a tab or a line break, or U+FFFD for a
// character XML 1.0 cannot carry.
func xmlSafe(r rune) rune {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return ' '
	case r < 0x20, r >= 0xd800 && r < 0xe000, r == 0xfffe, r == 0xffff, r > unicode.MaxRune:
		return utf8.RuneError
	}
	return r
}

// width returns how many narrow characters s takes in a monospace font:
// wide characters count twice, combining marks not at all.
func width(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth returns how many narrow characters r takes.
func runeWidth(r rune) int {
	switch {
	case r < 0x300:
		return 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf), r >= 0xfe00 && r <= 0xfe0f:
		return 0
	case wide(r):
		return 2
	}
	return 1
}

// wide reports whether r is an East Asian wide or full-width character or
// an emoji, which monospace fonts draw two cells wide.
func wide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115f, r >= 0x2e80 && r <= 0x303e, r >= 0x3041 && r <= 0x33ff,
		r >= 0x3400 && r <= 0x4dbf, r >= 0x4e00 && r <= 0x9fff, r >= 0xa000 && r <= 0xa4cf,
		r >= 0xac00 && r <= 0xd7a3, r >= 0xf900 && r <= 0xfaff, r >= 0xfe30 && r <= 0xfe4f,
		r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6, r >= 0x1f300 && r <= 0x1f64f,
		r >= 0x1f900 && r <= 0x1f9ff, r >= 0x20000 && r <= 0x3fffd:
		return true
	}
	return false
}

// wrap appends line to dst, broken into lines at most limit wide: at
// its last space, or after its last / ? & = , ; or - (a URL breaks too),
// before the limit; a word wider than limit is broken where it must be.
func wrap(dst []string, line string, limit int) []string {
	line = strings.TrimRight(line, " ")
	if width(line) <= limit {
		return append(dst, line)
	}
	start, w := 0, 0
	cut, wCut := -1, 0 // where the current line may break, and its width before that
	for i, r := range line {
		rw := runeWidth(r)
		if r != ' ' && w+rw > limit && w > 0 {
			if cut > start {
				dst = append(dst, strings.TrimRight(line[start:cut], " "))
				start, w = cut, w-wCut
			} else {
				dst = append(dst, line[start:i])
				start, w = i, 0
			}
			cut = -1
		}
		w += rw
		if strings.ContainsRune(" /?&=,;-", r) {
			cut, wCut = i+1, w
		}
	}
	return append(dst, line[start:])
}
