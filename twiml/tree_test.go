package twiml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// FuzzReadTree checks that readTree reads what etree's
// Document.ReadFromBytes reads, as Parse did with it: the same elements,
// attributes and texts, or the same error.
func FuzzReadTree(f *testing.F) {
	for _, s := range []string{
		`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Response>\n  <Say voice=\"alice\">Hello</Say>\n  <Pause/>\n</Response>\n",
		`<Response><Say>a &amp; b &#65; <![CDATA[<c>]]> d</Say></Response>`,
		"<Response>\r\n<Say>x\r\ny</Say>\r</Response>",
		`<!DOCTYPE Response><!-- c --><Response><?pi x?><Say>a<!-- c -->b</Say></Response><!-- after -->`,
		`<Response a="1" a="2" b:a="3" xmlns:b="urn:b"><b:Say b:x="y">t</b:Say></Response>`,
		`<Response><Say></Response>`, `<Response>`, `<Response></Say>`, `</Response>`, `<a:b></c:b>`,
		`<Response/><Response/>`, `text<Response/>`, `<Response/>text`, ` `, ``, `<`, `<Response x=1/>`,
		`<?xml version="1.0" encoding="ISO-8859-1"?><Response>caf` + "\xe9" + `</Response>`,
		"<Response>\xff</Response>", "\ufeff<Response/>", `<Response>&bogus;</Response>`, `<?xml version="0"?>`,
		strings.Repeat("<a>", 1023) + strings.Repeat("</a>", 1023),
		strings.Repeat("<a>", 1024) + strings.Repeat("</a>", 1024),
		strings.Repeat("<a>", 1025) + strings.Repeat("</a>", 1025),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want := etree.NewDocument()
		want.ReadSettings.PreserveDuplicateAttrs = true
		wantErr := want.ReadFromBytes(data)
		got, dups, err := readTree(data)
		if !sameError(err, wantErr) {
			t.Fatalf("readTree(%q) error %v, ReadFromBytes error %v", data, err, wantErr)
		}
		if err != nil {
			return
		}
		if _, dup := duplicates(&want.Element); dup != dups {
			t.Fatalf("readTree(%q) reports duplicate attributes %v, etree reads %v", data, dups, dup)
		}
		if got.Parent() != nil {
			t.Fatalf("readTree(%q): the document has a parent", data)
		}
		if diff := treeDiff(got, &want.Element); diff != "" {
			t.Fatalf("readTree(%q) differs from ReadFromBytes at %s", data, diff)
		}
	})
}

// duplicates returns the name of an attribute that an element under el has
// twice, if one does.
func duplicates(el *etree.Element) (string, bool) {
	if a, ok := duplicateAttr(el.Attr); ok {
		return a, true
	}
	for _, c := range el.ChildElements() {
		if a, ok := duplicates(c); ok {
			return a, true
		}
	}
	return "", false
}

func sameError(got, want error) bool {
	var gs, ws *xml.SyntaxError
	switch {
	case got == nil || want == nil:
		return got == want
	case errors.As(got, &gs) && errors.As(want, &ws):
		return *gs == *ws
	case want == etree.ErrXML || want == etree.ErrMaxDepth:
		return got == want
	}
	// Other errors of the decoder are made anew for each document.
	return fmt.Sprintf("%T %v", got, got) == fmt.Sprintf("%T %v", want, want)
}

// treeDiff returns where got differs from want, which etree read, in what
// Parse reads: names, attributes, texts and elements, in order.
func treeDiff(got, want *etree.Element) string {
	if got.Space != want.Space || got.Tag != want.Tag {
		return "<" + got.FullTag() + "> for <" + want.FullTag() + ">"
	}
	here := "<" + got.FullTag() + ">"
	if len(got.Attr) != len(want.Attr) {
		return here + " attributes"
	}
	for i, a := range got.Attr {
		if w := want.Attr[i]; a.Space != w.Space || a.Key != w.Key || a.Value != w.Value {
			return here + " attribute " + a.FullKey()
		}
	}
	var kids []etree.Token
	for _, t := range want.Child {
		switch t.(type) {
		case *etree.Element, *etree.CharData:
			kids = append(kids, t)
		}
	}
	if len(got.Child) != len(kids) {
		return here + " children"
	}
	for i, t := range got.Child {
		if t.Parent() != got || t.Index() != i {
			return here + " parent"
		}
		switch w := kids[i].(type) {
		case *etree.Element:
			g, ok := t.(*etree.Element)
			if !ok {
				return here + " child element"
			}
			if diff := treeDiff(g, w); diff != "" {
				return here + " " + diff
			}
		case *etree.CharData:
			g, ok := t.(*etree.CharData)
			if !ok || g.Data != w.Data || isSpace(g.Data) != w.IsWhitespace() {
				return here + " text"
			}
		}
	}
	return ""
}
