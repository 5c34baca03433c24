package twiml

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// Document is a parsed TwiML document: the verbs of its <Response>, in
// order, and the problems Twilio would log while reading it.
type Document struct {
	// Verbs are the verbs to execute, typed, with Twilio's defaults
	// applied. An element that is not a voice verb is kept as an *[Element]
	// (and reported as a problem) so that the interpreter can skip it as
	// Twilio does.
	Verbs []Verb
	// Problems are the warnings and errors Twilio would log for the
	// document, in document order. None of them stops the document.
	Problems []Problem
}

// Parse reads a TwiML document. The XML must be well formed with nothing
// but whitespace, comments and processing instructions around the root
// element, and the root must be <Response>; otherwise Parse returns a
// [*ParseError] with Twilio's code (12100 or 12102).
//
// Anything else Twilio only logs: Parse reports it in
// [Document.Problems] and returns the document Twilio would run, with
// unknown attributes ignored, misplaced children dropped and invalid
// attribute values replaced by their defaults.
func Parse(data []byte) (*Document, error) {
	// Whitespace around the document is allowed, as on Twilio.
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, &ParseError{Code: CodeParseFailure, Err: ErrEmpty}
	}
	root, err := readXML(data)
	if err != nil {
		return nil, err
	}
	if root.Tag != "Response" || root.Space != "" {
		return nil, &ParseError{Code: CodeBadRoot, Err: fmt.Errorf("the root element must be Response, not %s", root.FullTag())}
	}
	var p parser
	verbs := p.response(root)
	return &Document{Verbs: verbs, Problems: p.problems}, nil
}

// MustParse is like [Parse] but panics on error. It is meant for document
// literals in tests.
func MustParse(s string) *Document {
	doc, err := Parse([]byte(s))
	if err != nil {
		panic(err)
	}
	return doc
}

// parser turns the element tree of one document into verbs and collects
// its problems.
type parser struct {
	problems []Problem
}

// report records a problem with code at el.
func (p *parser) report(el *etree.Element, code int, format string, args ...any) {
	p.problems = append(p.problems, Problem{
		Code:    code,
		Level:   levelOf(code),
		Path:    path(el),
		Message: fmt.Sprintf(format, args...),
	})
}

// response returns the verbs of the root element.
func (p *parser) response(root *etree.Element) []Verb {
	a := p.attrsOf(root)
	a.done()
	p.noText(root)
	var verbs []Verb
	for _, t := range root.Child {
		if el, ok := t.(*etree.Element); ok {
			verbs = append(sized(verbs, root), p.verb(el))
		}
	}
	return verbs
}

// verb returns the verb for el, a child of <Response>.
func (p *parser) verb(el *etree.Element) Verb {
	if el.Space == "" {
		switch el.Tag {
		case "Say":
			return p.say(el, false)
		case "Play":
			return p.play(el)
		case "Pause":
			return p.pause(el)
		case "Gather":
			return p.gather(el)
		case "Dial":
			return p.dial(el)
		case "Record":
			return p.record(el)
		case "Redirect":
			return p.redirect(el)
		case "Hangup":
			return p.hangup(el)
		case "Reject":
			return p.reject(el)
		case "Enqueue":
			return p.enqueue(el)
		case "Leave":
			p.empty(el)
			return &Leave{}
		case "Echo":
			p.empty(el)
			return &Echo{}
		case "Sms":
			return p.sms(el)
		case "Connect":
			return p.connect(el)
		case "Start":
			return p.start(el)
		case "Stop":
			return p.stop(el)
		case "Refer":
			return p.refer(el)
		case "Pay":
			return p.pay(el)
		}
	}
	p.report(el, CodeSchema, "<%s> is not a TwiML voice verb; Twilio skips it%s", el.FullTag(), verbHint(el.FullTag()))
	return element(el)
}

// verbHint explains an unknown verb that differs from a verb only in case.
func verbHint(name string) string {
	for _, v := range [...]string{
		"Connect", "Dial", "Echo", "Enqueue", "Gather", "Hangup", "Leave", "Pause", "Pay",
		"Play", "Record", "Redirect", "Refer", "Reject", "Say", "Sms", "Start", "Stop",
	} {
		if strings.EqualFold(name, v) {
			return " (names are case-sensitive: did you mean <" + v + ">?)"
		}
	}
	return ""
}

// element returns el as written, with its descendants.
func element(el *etree.Element) *Element {
	out := &Element{Name: el.FullTag(), Text: trimmedText(el)}
	for _, a := range el.Attr {
		out.Attrs = append(out.Attrs, Attr{Name: a.FullKey(), Value: a.Value})
	}
	for _, t := range el.Child {
		if c, ok := t.(*etree.Element); ok {
			out.Children = append(out.Children, element(c))
		}
	}
	return out
}

// trimmedText returns the text directly inside el, without its
// children's, trimmed of white space: strings.TrimSpace of its pieces of
// text joined. Pieces made only of white space before the first piece of
// text or after the last add nothing to the result, so the usual element,
// one piece of text among indentation, is trimmed without joining.
func trimmedText(el *etree.Element) string {
	first, last := -1, -1
	for i, t := range el.Child {
		if cd, ok := t.(*etree.CharData); ok && strings.TrimSpace(cd.Data) != "" {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	switch {
	case first < 0:
		return ""
	case first == last:
		return strings.TrimSpace(el.Child[first].(*etree.CharData).Data)
	}
	var b strings.Builder
	for _, t := range el.Child[first : last+1] {
		if cd, ok := t.(*etree.CharData); ok {
			b.WriteString(cd.Data)
		}
	}
	return strings.TrimSpace(b.String())
}

// text returns the trimmed text of el, which takes text and no child
// elements: child elements are reported and dropped.
func (p *parser) text(el *etree.Element) string {
	p.noChildren(el)
	return trimmedText(el)
}

// noText reports text directly inside el, which takes none.
func (p *parser) noText(el *etree.Element) {
	for _, t := range el.Child {
		if cd, ok := t.(*etree.CharData); ok && !isSpace(cd.Data) {
			p.report(el, CodeSchema, "<%s> takes no text; Twilio ignores %q", el.FullTag(), strings.TrimSpace(cd.Data))
			return
		}
	}
}

// noChildren reports every child element of el, which takes none.
func (p *parser) noChildren(el *etree.Element) {
	for _, t := range el.Child {
		if c, ok := t.(*etree.Element); ok {
			p.misplaced(c, CodeSchema)
		}
	}
}

// empty checks an element that takes no attributes, text or children.
func (p *parser) empty(el *etree.Element) {
	a := p.attrsOf(el)
	a.done()
	p.noText(el)
	p.noChildren(el)
}

// misplaced reports el, which may not be nested in its parent, with code;
// Twilio drops it.
func (p *parser) misplaced(el *etree.Element, code int) {
	p.report(el, code, "<%s> may not be nested in <%s>; Twilio drops it", el.FullTag(), el.Parent().FullTag())
}

// sized returns s, a list read from the child elements of el, with room
// for one item per child element when it is still nil: the first append
// to it then allocates once for the whole list instead of growing it.
func sized[T any](s []T, el *etree.Element) []T {
	if s != nil {
		return s
	}
	n := 0
	for _, t := range el.Child {
		if _, ok := t.(*etree.Element); ok {
			n++
		}
	}
	return make([]T, 0, n)
}

// children calls f for each child element of el.
func children(el *etree.Element, f func(c *etree.Element)) {
	for _, t := range el.Child {
		if c, ok := t.(*etree.Element); ok {
			f(c)
		}
	}
}

// named reports whether el is the TwiML element name.
func named(el *etree.Element, name string) bool {
	return el.Space == "" && el.Tag == name
}

// parameter reads a <Parameter> or <Config> element: a name and a value.
func (p *parser) parameter(el *etree.Element) Parameter {
	a := p.attrsOf(el)
	name, ok := a.get("name")
	value := a.str("value")
	a.done()
	p.noText(el)
	p.noChildren(el)
	if !ok || name == "" {
		p.report(el, CodeSchema, "<%s> has no name", el.FullTag())
	}
	return Parameter{Name: name, Value: value}
}
