package harness

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The text of a diagram. Mermaid reads a sequence diagram a line at a
// time: # starts a comment and ; ends a statement; %%{…}%% anywhere is a
// directive that restyles the whole diagram; < > and & in a label are
// HTML; a text that begins with wrap: or nowrap: is an instruction; a
// participant's label ends at a colon in some readers. Text from a call
// (what was said, names, addresses, errors) is escaped with Mermaid's
// entity codes, #NNN; and #name;, which Mermaid shows as the character.
// A label is wrapped at spaces into a few short lines, so that a picture
// stays narrow whatever was said.

const (
	labelWidth = 60  // characters in a line of a message or a note
	labelLines = 4   // lines of a message or a note at most
	quoteMax   = 160 // characters of what was said that a diagram quotes
)

// escape makes text safe in a message or a note of a diagram: the
// characters Mermaid reads as syntax become entity codes, and line breaks
// and other control characters spaces.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '#':
			b.WriteString("#35;")
		case r == ';':
			b.WriteString("#59;")
		case r == '%':
			b.WriteString("#37;")
		case r == '<':
			b.WriteString("#lt;")
		case r == '>':
			b.WriteString("#gt;")
		case r == '&':
			b.WriteString("#amp;")
		case unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// escapeLabel makes text safe as a participant's label: escaped as a
// message's, with its colons and quotes too, and cut to one line.
func escapeLabel(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > labelWidth {
		s = string([]rune(s)[:labelWidth-1]) + "…"
	}
	s = escape(s)
	return strings.NewReplacer(":", "#58;", `"`, "#quot;").Replace(s)
}

// quote quotes what was said, escaped; past quoteMax characters it is cut
// at a space, and says how long it was ("…" (730 characters)).
func quote(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= quoteMax {
		return escape(strconv.Quote(s))
	}
	cut := string([]rune(s)[:quoteMax])
	if i := strings.LastIndexByte(cut, ' '); i > quoteMax/2 {
		cut = cut[:i]
	}
	return fmt.Sprintf("%s (%d#nbsp;characters)", escape(strconv.Quote(cut+"…")), n) // on one line
}

// wrap breaks escaped text into lines of at most labelWidth characters at
// spaces (a longer word anywhere but inside an entity code), joined with
// <br/>. Past maxLines lines the last one ends with "…". Mermaid trims a
// label, and reads one that begins with wrap: or nowrap: as an
// instruction: that colon is escaped.
func wrap(text string, maxLines int) string {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "wrap:") || strings.HasPrefix(text, "nowrap:") {
		text = strings.Replace(text, ":", "#58;", 1)
	}
	if fitsOneLine(text) {
		return text // what wrapWords would make of it, without its slices
	}
	return wrapWords(text, maxLines)
}

// wrapWords is wrap's way for any text: word by word, each character a
// rune or an entity code.
func wrapWords(text string, maxLines int) string {
	var lines [][]string // each line's characters: a rune or an entity code
	var line []string
	for _, word := range strings.Fields(text) {
		chars := labelChars(word)
		if len(line) > 0 && len(line)+1+len(chars) > labelWidth {
			lines, line = append(lines, line), nil
		}
		if len(line) > 0 {
			line = append(line, " ")
		}
		for len(line)+len(chars) > labelWidth { // a word longer than a line
			n := labelWidth - len(line)
			lines, line, chars = append(lines, append(line, chars[:n]...)), nil, chars[n:]
		}
		line = append(line, chars...)
	}
	if len(line) > 0 || len(lines) == 0 {
		lines = append(lines, line)
	}
	if len(lines) > maxLines {
		last := lines[maxLines-1]
		if len(last) >= labelWidth {
			last = last[:labelWidth-1]
		}
		lines = append(lines[:maxLines-1], append(last, "…"))
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.Join(l, "")
	}
	return strings.Join(out, "<br/>")
}

// fitsOneLine reports whether wrap leaves text as it is: printable ASCII
// (no white space but single spaces, which Fields would change), no longer
// than a line in bytes, and so in characters. Most labels are.
func fitsOneLine(text string) bool {
	if len(text) > labelWidth || strings.Contains(text, "  ") {
		return false
	}
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

// labelChars splits an escaped word into the characters a picture shows:
// a rune, or an entity code.
func labelChars(word string) []string {
	var out []string
	for word != "" {
		n := 1
		if word[0] == '#' {
			if end := strings.IndexByte(word, ';'); end > 0 {
				n = end + 1
			}
		} else {
			_, n = utf8.DecodeRuneInString(word)
		}
		out, word = append(out, word[:n]), word[n:]
	}
	return out
}

// clockTime formats d, a time from the start of a diagram, as m:ss with
// the fraction of a second it has (0:12, 1:07.5), h:mm:ss past an hour.
func clockTime(d time.Duration) string {
	sec := d / time.Second
	s := fmt.Sprintf("%d:%02d", sec/60, sec%60)
	if h := sec / 3600; h > 0 {
		s = fmt.Sprintf("%d:%02d:%02d", h, sec/60%60, sec%60)
	}
	if frac := d % time.Second; frac > 0 {
		s += strings.TrimRight(fmt.Sprintf(".%09d", frac), "0")
	}
	return s
}
