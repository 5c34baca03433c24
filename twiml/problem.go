package twiml

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// Level is how bad a [Problem] is, as in Twilio's debugger: [Warning] or
// [Error].
type Level string

// The levels of Twilio's error catalog.
const (
	Warning Level = "warning"
	Error   Level = "error"
)

// Problem is something in a document that Twilio logs to the debugger
// without refusing the document: an unknown element or attribute, a child
// that may not be nested where it is, an attribute value Twilio does not
// accept. Twilio runs the document anyway: it skips what it does not know,
// drops what is misplaced, and uses an attribute's default in place of a
// value it does not accept.
type Problem struct {
	// Code is Twilio's code for the problem (12200, 13313, …).
	Code int
	// Level is the code's level in Twilio's catalog.
	Level Level
	// Path is where the problem is, as an XPath-like path with 1-based
	// indexes among siblings of the same name: "Response/Gather[1]/Say[2]".
	Path string
	// Message says what is wrong and what Twilio does instead.
	Message string
}

// String returns "<level> <code> at <path>: <message>".
func (p Problem) String() string {
	return fmt.Sprintf("%s %d at %s: %s", p.Level, p.Code, p.Path, p.Message)
}

// path returns the indexed path of el in its document: "Response" for the
// root, then each element's name with its position among the siblings of
// the same name.
func path(el *etree.Element) string {
	var parts []string
	for e := el; e != nil; e = e.Parent() {
		parent := e.Parent()
		if parent == nil || parent.Parent() == nil {
			parts = append(parts, e.FullTag())
			break
		}
		parts = append(parts, e.FullTag()+"["+strconv.Itoa(sameNameIndex(e))+"]")
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString(parts[i])
		if i > 0 {
			b.WriteByte('/')
		}
	}
	return b.String()
}

// sameNameIndex returns the 1-based position of el among its parent's
// child elements of the same name.
func sameNameIndex(el *etree.Element) int {
	n := 0
	for _, c := range el.Parent().ChildElements() {
		if c.Space == el.Space && c.Tag == el.Tag {
			n++
		}
		if c == el {
			break
		}
	}
	return n
}
