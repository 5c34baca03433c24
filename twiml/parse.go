package twiml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// Document is a parsed TwiML document: the verbs of its <Response>, in order.
type Document struct {
	Verbs []Verb
}

// Parse reads a TwiML document. The XML must be well formed with nothing
// after the root element, and the root must be <Response>; otherwise Parse
// returns a [*ParseError] with Twilio's code (12100 or 12102).
func Parse(data []byte) (*Document, error) {
	// Whitespace around the document is allowed; etree's validation would
	// count a trailing newline as content after the root.
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, &ParseError{Code: CodeParseFailure, Err: ErrEmpty}
	}
	doc := etree.NewDocument()
	doc.ReadSettings.ValidateInput = true
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, xmlError(err)
	}
	root := doc.Root()
	if root == nil {
		return nil, &ParseError{Code: CodeParseFailure, Err: errors.New("no root element")}
	}
	if root.Tag != "Response" || root.Space != "" {
		return nil, &ParseError{Code: CodeBadRoot, Err: fmt.Errorf("the root element must be Response, not %s", root.FullTag())}
	}
	out := &Document{}
	for _, el := range root.ChildElements() {
		out.Verbs = append(out.Verbs, verb(el))
	}
	return out, nil
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

func xmlError(err error) error {
	var syntax *xml.SyntaxError
	if errors.As(err, &syntax) {
		return &ParseError{Code: CodeParseFailure, Line: syntax.Line, Err: errors.New(syntax.Msg)}
	}
	return &ParseError{Code: CodeParseFailure, Err: err}
}

func verb(el *etree.Element) Verb {
	if el.Space != "" {
		return element(el)
	}
	switch el.Tag {
	case "Say":
		return &Say{
			Text:     strings.TrimSpace(el.Text()),
			Voice:    el.SelectAttrValue("voice", "man"),
			Language: el.SelectAttrValue("language", "en-US"),
			Loop:     intAttr(el, "loop", 1, 0),
		}
	case "Pause":
		return &Pause{Length: intAttr(el, "length", 1, 1)}
	case "Hangup":
		return &Hangup{}
	}
	return element(el)
}

// intAttr reads an integer attribute, falling back to def when it is absent,
// malformed or below min (Twilio runs the verb with its default then).
func intAttr(el *etree.Element, key string, def, min int) int {
	a := el.SelectAttr(key)
	if a == nil {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(a.Value))
	if err != nil || n < min {
		return def
	}
	return n
}

func element(el *etree.Element) *Element {
	out := &Element{Name: el.FullTag(), Text: strings.TrimSpace(el.Text())}
	for _, a := range el.Attr {
		out.Attrs = append(out.Attrs, Attr{Name: a.FullKey(), Value: a.Value})
	}
	for _, c := range el.ChildElements() {
		out.Children = append(out.Children, element(c))
	}
	return out
}
