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
// its root element. It parses the XML once: readTree checks the syntax and
// the nesting of tags, and readXML checks what readTree lets through
// (content around the root, duplicate attributes). Only when the document
// is broken does it read data a second time, with encoding/xml, to find the
// line of the fault.
func readXML(data []byte) (*etree.Element, error) {
	doc, dups, err := readTree(data)
	if err != nil {
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
			if !isSpace(t.Data) {
				return nil, xmlError(data, errors.New("text outside the root element"))
			}
		}
	}
	if root == nil {
		return nil, &ParseError{Code: CodeParseFailure, Err: errors.New("no root element")}
	}
	if dups {
		if err := checkAttrs(root); err != nil {
			return nil, err
		}
	}
	return root, nil
}

// maxDepth is how deep elements may nest, as in etree's reader.
const maxDepth = 1024

// readTree reads data into an etree element tree, as etree's
// Document.ReadFromBytes does with ReadSettings.PreserveDuplicateAttrs
// (duplicate attributes are kept, so that readXML can refuse them), and
// returns the document element, whose children are the root element and
// the text around it, and whether an element has the same attribute twice.
// It reads the same tokens with the same encoding/xml
// decoder, and fails where ReadFromBytes fails with the same error: a
// *xml.SyntaxError, etree.ErrXML for a closing tag that does not match or an
// element left open, etree.ErrMaxDepth past 1024 nested elements.
//
// It differs from ReadFromBytes only in what Parse does not read, so as
// not to pay for it (ReadFromBytes alone costs about 1.5 times what
// reading the tokens does): the decoder reads data directly rather than
// through a bufio.Reader; elements, attributes, texts and child lists are
// cut from blocks allocated once for the document rather than allocated and
// grown one by one; comments, directives and processing instructions are
// not kept; and texts do not carry etree's white space flag
// (CharData.IsWhitespace is always false: use isSpace) nor attributes their
// element (Attr.Element is nil).
func readTree(data []byte) (*etree.Element, bool, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = passCharset
	var b treeBuilder
	b.init(data)
	doc := b.node()
	// The open elements, the document first, and their children so far,
	// in order: the children of open[i] are kids[open[i].first:] up to
	// the next open element's.
	var openBuf [16]openElement
	var kidsBuf [64]etree.Token
	open := append(openBuf[:0], openElement{el: doc})
	kids := kidsBuf[:0]
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			if len(open) != 1 {
				return nil, false, etree.ErrXML
			}
			b.close(open[0], kids)
			return doc, b.dups, nil
		}
		if err != nil {
			return nil, false, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(open) > maxDepth {
				return nil, false, etree.ErrMaxDepth
			}
			el := b.element(tok)
			kids = append(kids, el)
			open = append(open, openElement{el: el, first: len(kids)})
		case xml.EndElement:
			top := open[len(open)-1]
			if top.el.Tag != tok.Name.Local || top.el.Space != tok.Name.Space {
				return nil, false, etree.ErrXML
			}
			b.close(top, kids)
			open, kids = open[:len(open)-1], kids[:top.first]
		case xml.CharData:
			kids = append(kids, b.text(tok))
		}
	}
}

// passCharset reads a document in any declared encoding as UTF-8, as
// etree's reader does.
func passCharset(_ string, r io.Reader) (io.Reader, error) { return r, nil }

// treeBuilder builds the tree of readTree from blocks that it cuts nodes,
// attribute lists and child lists from.
type treeBuilder struct {
	els   []etree.Element
	cds   []etree.CharData
	attrs []etree.Attr
	toks  []etree.Token
	dups  bool // an element has the same attribute twice
}

// openElement is an element whose end tag is not read yet, with the index
// of its first child in readTree's list of children.
type openElement struct {
	el    *etree.Element
	first int
}

// init allocates the first blocks for data, from an upper bound of what
// it holds (an element per start tag, an attribute per =, a text before and
// after each tag, a child per element and text) capped so that a large
// document takes more blocks rather than a huge first block.
func (b *treeBuilder) init(data []byte) {
	tags, ends, eqs := 0, 0, 0 // counted in one pass
	for i, c := range data {
		switch c {
		case '<':
			tags++
			if i+1 < len(data) && data[i+1] == '/' {
				ends++
			}
		case '=':
			eqs++
		}
	}
	starts := tags - ends
	b.els = make([]etree.Element, 0, min(starts+1, 64)) // and the document
	b.cds = make([]etree.CharData, 0, min(tags+1, 128))
	b.attrs = make([]etree.Attr, 0, min(eqs, 128))
	b.toks = make([]etree.Token, 0, min(starts+tags+1, 256))
}

// node returns a new element.
func (b *treeBuilder) node() *etree.Element {
	if len(b.els) == cap(b.els) {
		b.els = make([]etree.Element, 0, 16)
	}
	b.els = b.els[:len(b.els)+1]
	return &b.els[len(b.els)-1]
}

// element returns the element of tok, with its attributes.
func (b *treeBuilder) element(tok xml.StartElement) *etree.Element {
	el := b.node()
	el.Space, el.Tag = tok.Name.Space, tok.Name.Local
	if n := len(tok.Attr); n > 0 {
		if cap(b.attrs)-len(b.attrs) < n {
			b.attrs = make([]etree.Attr, 0, max(n, 32))
		}
		el.Attr = b.attrs[len(b.attrs) : len(b.attrs)+n : len(b.attrs)+n]
		b.attrs = b.attrs[:len(b.attrs)+n]
		for i, a := range tok.Attr {
			el.Attr[i] = etree.Attr{Space: a.Name.Space, Key: a.Name.Local, Value: a.Value}
		}
		if n > 1 && !b.dups {
			_, b.dups = duplicateAttr(el.Attr)
		}
	}
	return el
}

// text returns the text node of tok.
func (b *treeBuilder) text(tok xml.CharData) *etree.CharData {
	if len(b.cds) == cap(b.cds) {
		b.cds = make([]etree.CharData, 0, 32)
	}
	b.cds = b.cds[:len(b.cds)+1]
	cd := &b.cds[len(b.cds)-1]
	cd.Data = indentation(tok)
	if cd.Data == "" {
		cd.Data = string(tok)
	}
	return cd
}

// blanks holds the indentations that indentation returns.
const blanks = "\n                                                                "

// indentation returns tok as a string without allocating it if tok is a
// line end followed by spaces, the usual text between elements; otherwise
// "".
func indentation(tok []byte) string {
	if len(tok) == 0 || len(tok) > len(blanks) || tok[0] != '\n' {
		return ""
	}
	for _, c := range tok[1:] {
		if c != ' ' {
			return ""
		}
	}
	return blanks[:len(tok)]
}

// close gives top, whose end tag was read, its children: kids[top.first:].
func (b *treeBuilder) close(top openElement, kids []etree.Token) {
	kids = kids[top.first:]
	n := len(kids)
	if n == 0 {
		return
	}
	if cap(b.toks)-len(b.toks) < n {
		b.toks = make([]etree.Token, 0, max(n, 64))
	}
	top.el.Child = b.toks[len(b.toks) : len(b.toks) : len(b.toks)+n]
	b.toks = b.toks[:len(b.toks)+n]
	for _, k := range kids {
		top.el.AddChild(k)
	}
}

// isSpace reports whether s is only XML white space, as etree's
// CharData.IsWhitespace does for the texts it reads.
func isSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
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
	dec.CharsetReader = passCharset
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
