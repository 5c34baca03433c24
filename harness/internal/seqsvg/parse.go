package seqsvg

import (
	"strings"
)

// kind is what a row of a diagram draws.
type kind uint8

const (
	request  kind = iota // ->>: a solid line, an arrowhead
	reply                // -->>: a dashed line, an arrowhead
	leave                // -x: a solid line, a cross
	failed               // --x: a dashed red line, a cross
	note                 // a yellow box
	timeMark             // a note that starts with "⏱ ": a divider
)

// classes are the classes of each kind's group.
var classes = [...]string{
	request:  "msg request",
	reply:    "msg reply",
	leave:    "msg leave",
	failed:   "msg failed",
	note:     "note",
	timeMark: "time",
}

// arrows are the arrows of messages, longest first, so that a prefix does
// not hide a longer one.
var arrows = [...]struct {
	text string
	kind kind
}{{"-->>", reply}, {"--x", failed}, {"->>", request}, {"-x", leave}}

// place is where a note stands against its lanes.
type place uint8

const (
	over place = iota
	leftOf
	rightOf
)

// timePrefix starts the text of a note that is a time mark.
const timePrefix = "⏱ "

// row is one message, note or time mark of a diagram.
type row struct {
	line  int // in the diagram, from 1
	kind  kind
	place place    // of a note
	from  int      // the sender's lane; a note's leftmost lane
	to    int      // the receiver's lane; a note's rightmost lane
	text  []string // decoded and wrapped
}

// lane is a participant.
type lane struct {
	id    string
	label []string
}

// diagram is a parsed sequence diagram.
type diagram struct {
	lanes []lane
	byID  map[string]int
	rows  []row
}

// parse parses src, in the grammar of the package doc.
func parse(src string) (*diagram, error) {
	d := &diagram{byID: map[string]int{}}
	n, header := 0, false
	for raw := range strings.Lines(src) {
		n++
		s := strings.Trim(raw, " \t\r\n")
		switch {
		case s == "" || strings.HasPrefix(s, "%%"):
		case !header:
			if s != "sequenceDiagram" {
				return nil, &SyntaxError{n, s, "want sequenceDiagram first"}
			}
			header = true
		default:
			if reason := d.statement(n, s); reason != "" {
				return nil, &SyntaxError{n, s, reason}
			}
		}
	}
	if !header {
		return nil, &SyntaxError{max(n, 1), "", "no sequenceDiagram"}
	}
	return d, nil
}

// statement parses one statement, s on line n, and returns what is wrong
// with it, or "".
func (d *diagram) statement(n int, s string) string {
	if rest, ok := cutWord(s, "participant"); ok {
		return d.participant(rest)
	}
	if rest, ok := cutWord(s, "note"); ok {
		return d.note(n, rest)
	}
	return d.message(n, s)
}

// participant declares a participant: "ID" or "ID as Label".
func (d *diagram) participant(s string) string {
	id, rest := cutID(s)
	if id == "" {
		return "want a participant's ID"
	}
	label := id
	if rest != "" {
		l, ok := cutWord(strings.TrimLeft(rest, " \t"), "as")
		if !ok || rest[0] != ' ' && rest[0] != '\t' {
			return "want participant ID as Label"
		}
		label = l
	}
	i := d.laneOf(id)
	d.lanes[i].label = textLines(label)
	return ""
}

// message parses "ID->>ID: text" and the other arrows.
func (d *diagram) message(n int, s string) string {
	from, rest := cutID(s)
	if from == "" {
		return "unknown statement"
	}
	rest = strings.TrimLeft(rest, " \t")
	k, ok := kind(0), false
	for _, a := range arrows {
		if strings.HasPrefix(rest, a.text) {
			k, rest, ok = a.kind, rest[len(a.text):], true
			break
		}
	}
	if !ok && strings.HasPrefix(rest, "-") {
		return "unknown arrow: want ->>, -->>, -x or --x"
	}
	if !ok {
		return "unknown statement"
	}
	to, rest := cutID(strings.TrimLeft(rest, " \t"))
	if to == "" {
		return "want the receiver's ID after the arrow"
	}
	text, ok := cutColon(rest)
	if !ok {
		return "want a colon before the message's text"
	}
	d.rows = append(d.rows, row{line: n, kind: k, from: d.laneOf(from), to: d.laneOf(to), text: textLines(text)})
	return ""
}

// note parses what follows "Note": "over ID: text", "over ID1,ID2: text",
// "left of ID: text" or "right of ID: text".
func (d *diagram) note(n int, s string) string {
	r := row{line: n, kind: note}
	var ok bool
	if s, ok = cutWord(s, "over"); !ok {
		if s, ok = cutWord(s, "left"); ok {
			r.place = leftOf
		} else if s, ok = cutWord(s, "right"); ok {
			r.place = rightOf
		} else {
			return "want Note over, Note left of or Note right of"
		}
		if s, ok = cutWord(s, "of"); !ok {
			return "want \"of\" after left or right"
		}
	}
	a, rest := cutID(s)
	if a == "" {
		return "want a participant's ID in the note"
	}
	b := a
	if rest = strings.TrimLeft(rest, " \t"); strings.HasPrefix(rest, ",") {
		if r.place != over {
			return "a note left or right of is of one participant"
		}
		if b, rest = cutID(strings.TrimLeft(rest[1:], " \t")); b == "" {
			return "want a participant's ID after the comma"
		}
	}
	text, ok := cutColon(rest)
	if !ok {
		return "want a colon before the note's text"
	}
	r.from, r.to = d.laneOf(a), d.laneOf(b)
	if r.from > r.to {
		r.from, r.to = r.to, r.from
	}
	r.text = textLines(text)
	if strings.HasPrefix(r.text[0], timePrefix) {
		r.kind = timeMark
		r.text[0] = strings.TrimPrefix(r.text[0], timePrefix)
	}
	d.rows = append(d.rows, r)
	return ""
}

// laneOf returns the lane of the participant id, declaring it, labelled
// with its ID, on first use.
func (d *diagram) laneOf(id string) int {
	if i, ok := d.byID[id]; ok {
		return i
	}
	d.byID[id] = len(d.lanes)
	d.lanes = append(d.lanes, lane{id: id, label: []string{id}})
	return len(d.lanes) - 1
}

// cutWord cuts the word w (in any case) and the spaces after it from the
// start of s, and reports whether s started with it.
func cutWord(s, w string) (string, bool) {
	if len(s) <= len(w) || !strings.EqualFold(s[:len(w)], w) || s[len(w)] != ' ' && s[len(w)] != '\t' {
		return s, false
	}
	return strings.TrimLeft(s[len(w):], " \t"), true
}

// cutID cuts an ID (letters, digits, underscores) from the start of s.
func cutID(s string) (id, rest string) {
	i := 0
	for i < len(s) && isIDByte(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func isIDByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// cutColon returns the text after the colon s starts with (after spaces),
// trimmed.
func cutColon(s string) (string, bool) {
	s = strings.TrimLeft(s, " \t")
	if !strings.HasPrefix(s, ":") {
		return "", false
	}
	return strings.Trim(s[1:], " \t"), true
}
