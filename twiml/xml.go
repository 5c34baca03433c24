package twiml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/beevik/etree"
)

// readXML reads data, which is not empty, into an element tree and returns
// its root element. It reads the XML once: etree's strict reading checks the
// syntax and the nesting of tags, and readXML checks what etree lets
// through (content around the root, duplicate attributes). Only when the
// document is broken does it read data a second time, with encoding/xml, to
// find the line of the fault.
func readXML(data []byte) (*etree.Element, error) {
	doc := etree.NewDocument()
	// Keep duplicates so that they can be refused: XML does not allow them,
	// and etree would silently keep the last one.
	doc.ReadSettings.PreserveDuplicateAttrs = true
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, xmlError(data, err)
	}
	var root *etree.Element
	for _, t := range doc.Child {
		switch t := t.(type) {
		case *etree.Element:
			if root != nil {
				return nil, xmlError(data, errors.New("content after the root element"))
			}
			root = t
		case *etree.CharData:
			if !t.IsWhitespace() {
				return nil, xmlError(data, errors.New("text outside the root element"))
			}
		}
	}
	if root == nil {
		return nil, &ParseError{Code: CodeParseFailure, Err: errors.New("no root element")}
	}
	if err := checkAttrs(root); err != nil {
		return nil, err
	}
	return root, nil
}

// xmlError returns the 12100 error for data that cause failed to read. A
// syntax error carries its line; for other faults, xmlError reads data
// again to find the first fault and its line, and keeps cause if it finds
// none.
func xmlError(data []byte, cause error) error {
	var syntax *xml.SyntaxError
	if errors.As(cause, &syntax) {
		return &ParseError{Code: CodeParseFailure, Line: syntax.Line, Err: errors.New(syntax.Msg)}
	}
	if line, err := locate(data); err != nil {
		return &ParseError{Code: CodeParseFailure, Line: line, Err: err}
	}
	return &ParseError{Code: CodeParseFailure, Err: cause}
}

// locate reads data with encoding/xml and returns the line and a
// description of the first fault: a syntax error, a second root element,
// or text outside the root element. It returns a nil error if it finds no
// fault.
func locate(data []byte) (int, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	depth, roots := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return 0, nil
		}
		var syntax *xml.SyntaxError
		if errors.As(err, &syntax) {
			return syntax.Line, errors.New(syntax.Msg)
		}
		if err != nil {
			return 0, err
		}
		line, _ := dec.InputPos()
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if roots > 1 {
					return line, fmt.Errorf("content after the root element: <%s>", tok.Name.Local)
				}
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok)) > 0 {
				return line, errors.New("text outside the root element")
			}
		}
	}
}

// checkAttrs returns a 12100 error if an element under root, or root, has
// the same attribute twice: XML does not allow it, so Twilio's parser
// refuses the document.
func checkAttrs(root *etree.Element) error {
	var buf [32]*etree.Element
	stack := append(buf[:0], root)
	for len(stack) > 0 {
		el := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if a, ok := duplicateAttr(el.Attr); ok {
			return &ParseError{Code: CodeParseFailure, Err: fmt.Errorf("attribute %q appears twice in <%s>", a, el.FullTag())}
		}
		for _, t := range el.Child {
			if c, ok := t.(*etree.Element); ok {
				stack = append(stack, c)
			}
		}
	}
	return nil
}

// duplicateAttr returns the name of an attribute that appears twice in
// attrs, if one does.
func duplicateAttr(attrs []etree.Attr) (string, bool) {
	if len(attrs) > 16 {
		seen := make(map[string]bool, len(attrs))
		for _, a := range attrs {
			k := a.FullKey()
			if seen[k] {
				return k, true
			}
			seen[k] = true
		}
		return "", false
	}
	for i := 1; i < len(attrs); i++ {
		for j := range i {
			if attrs[i].Space == attrs[j].Space && attrs[i].Key == attrs[j].Key {
				return attrs[i].FullKey(), true
			}
		}
	}
	return "", false
}
