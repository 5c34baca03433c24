package twilioapi

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unsafe"
)

// Schema renders one resource type in every representation. T is a struct
// whose exported fields carry json tags (or json:"-"): the tag is the
// field's name in JSON and the CSV header, and its PascalCase form
// ("account_sid" → "AccountSid") the XML element, unless an xml tag names
// the element (`json:"sms" xml:"SMS"`, as Twilio spells a few). Fields may
// be strings, integers, booleans or floats, pointers to those (nil is JSON
// null, an empty XML element and an empty CSV cell), [Links], structs of
// such fields (nested objects, left out of CSV), or [Object]; the fields of
// an embedded struct without a json tag are flattened into the outer one,
// as encoding/json does. Text XML cannot carry (invalid UTF-8, control
// characters other than tab, newline and carriage return) is written as
// U+FFFD, as [xml.EscapeText] does.
//
// A Schema is immutable once made and safe for concurrent use.
type Schema[T any] struct {
	element string // the XML element of one resource: "Call"
	listKey string // the JSON key of a list: "calls"
	fields  []field
}

// field is one wire field of a resource.
type field struct {
	name      string  // the json tag
	jsonKey   string  // `"name":`, written once
	element   string  // the XML element
	index     []int   // the field's path from its struct, for CSV and XML
	offset    uintptr // the field's offset in its struct, for JSON
	kind      kind    // what it holds, for JSON
	omitEmpty bool    // the tag's omitempty, which only JSON honours
	nested    []field // for struct fields
	links     bool
	object    bool // an Object
}

// NewSchema returns the schema of T, whose XML element is element ("Call")
// and whose lists carry their items under listKey ("calls"; the XML list
// element is listKey in PascalCase). It panics if T is not a struct or has
// a field it cannot render: a programmer's error.
func NewSchema[T any](element, listKey string) *Schema[T] {
	t := reflect.TypeFor[T]()
	return &Schema[T]{element: element, listKey: listKey, fields: fieldsOf(t)}
}

func fieldsOf(t reflect.Type) []field {
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("twilioapi: %v is not a struct", t))
	}
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" || !sf.IsExported() && !sf.Anonymous {
			continue // encoding/json leaves it out too
		}
		if sf.Anonymous && tag == "" && sf.Type.Kind() == reflect.Struct {
			// An embedded struct's fields are the outer struct's, as
			// encoding/json flattens them.
			for _, f := range fieldsOf(sf.Type) {
				f.offset += sf.Offset
				f.index = append([]int{i}, f.index...)
				out = append(out, f)
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			// encoding/json would write it, under its Go name or flattened.
			panic(fmt.Sprintf("twilioapi: %v.%s: no json tag", t, sf.Name))
		}
		if opts != "" && opts != "omitempty" {
			panic(fmt.Sprintf("twilioapi: %v.%s: the json option %q is not supported", t, sf.Name, opts))
		}
		f := field{name: name, jsonKey: string(appendString(nil, name)) + ":", element: Pascal(name), index: []int{i},
			offset: sf.Offset, kind: kindOf(sf.Type), omitEmpty: opts == "omitempty"}
		if el := sf.Tag.Get("xml"); el != "" {
			f.element = el
		}
		ft := sf.Type
		ok := true
		switch {
		case ft == reflect.TypeFor[Links]():
			f.links = true
		case ft == reflect.TypeFor[Object]():
			f.object = true
		case ft.Kind() == reflect.Struct:
			f.nested = fieldsOf(ft)
			ok = len(f.nested) > 0 // not time.Time, which JSON alone shows
		default:
			ok = scalar(ft) || ft.Kind() == reflect.Pointer && scalar(ft.Elem())
		}
		if !ok {
			panic(fmt.Sprintf("twilioapi: %v.%s: cannot render a %v", t, sf.Name, ft))
		}
		out = append(out, f)
	}
	return out
}

func scalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64:
		return true
	}
	return false
}

// scalar reports whether f holds one value, which CSV shows: not a nested
// object, Links or an Object.
func (f *field) scalar() bool { return f.nested == nil && !f.links && !f.object }

// Pascal returns a snake_case wire name in PascalCase: "account_sid" →
// "AccountSid", "uri" → "Uri".
func Pascal(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_':
			upper = true
			continue
		case upper && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		upper = false
		b.WriteByte(c)
	}
	return b.String()
}

// Without returns a schema of the same type that leaves out the top-level
// fields named (by their json names) in every representation: for a list
// whose items show fewer fields than the resource does elsewhere. It
// panics if a name is no field of T: a programmer's error.
func (s *Schema[T]) Without(names ...string) *Schema[T] {
	out := &Schema[T]{element: s.element, listKey: s.listKey}
	drop := map[string]bool{}
	for _, n := range names {
		drop[n] = true
	}
	for _, f := range s.fields {
		if drop[f.name] {
			delete(drop, f.name)
			continue
		}
		out.fields = append(out.fields, f)
	}
	for n := range drop {
		panic(fmt.Sprintf("twilioapi: %v has no field %q to leave out", reflect.TypeFor[T](), n))
	}
	return out
}

// ListKey returns the JSON key of the schema's lists ("calls").
func (s *Schema[T]) ListKey() string { return s.listKey }

// Columns returns the CSV header: the names of the fields that are not
// nested objects, in the struct's order.
func (s *Schema[T]) Columns() []string {
	var out []string
	for _, f := range s.fields {
		if f.scalar() {
			out = append(out, f.name)
		}
	}
	return out
}

// Render returns one resource in the representation f.
func (s *Schema[T]) Render(f Format, v *T) []byte {
	switch f {
	case JSON:
		return appendJSON(make([]byte, 0, 2048), s.fields, unsafe.Pointer(v))
	case CSV:
		return s.csv([]*T{v})
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<TwilioResponse>")
	s.writeXML(&b, v)
	b.WriteString("</TwilioResponse>")
	return b.Bytes()
}

// RenderPage returns a page of resources in the representation f.
func (s *Schema[T]) RenderPage(f Format, p *Page[T]) []byte {
	switch f {
	case JSON:
		return s.pageJSON(p)
	case CSV:
		return s.csv(p.Items)
	}
	return s.pageXML(p)
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic("twilioapi: " + err.Error()) // the schema admits only types that marshal
	}
	return data
}

// csv renders items with a header row.
func (s *Schema[T]) csv(items []*T) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(s.Columns())
	row := make([]string, 0, len(s.fields))
	for _, it := range items {
		v := reflect.ValueOf(it).Elem()
		row = row[:0]
		for _, f := range s.fields {
			if f.scalar() {
				row = append(row, text(v.FieldByIndex(f.index)))
			}
		}
		w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

// text renders a scalar (or a pointer to one; nil is "") as CSV and XML
// show it.
func text(v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64)
	}
	return ""
}

// writeXML writes one resource as its element.
func (s *Schema[T]) writeXML(b *bytes.Buffer, v *T) {
	b.WriteString("<" + s.element + ">")
	writeFields(b, s.fields, reflect.ValueOf(v).Elem())
	b.WriteString("</" + s.element + ">")
}

func writeFields(b *bytes.Buffer, fields []field, v reflect.Value) {
	for _, f := range fields {
		fv := v.FieldByIndex(f.index)
		switch {
		case f.links:
			b.WriteString("<" + f.element + ">")
			l := fv.Interface().(Links)
			for _, n := range l.Names {
				writeElement(b, Pascal(n[0]), l.Base+"/"+n[1])
			}
			b.WriteString("</" + f.element + ">")
		case f.nested != nil:
			b.WriteString("<" + f.element + ">")
			writeFields(b, f.nested, fv)
			b.WriteString("</" + f.element + ">")
		case f.object:
			b.WriteString("<" + f.element + ">")
			fv.Interface().(Object).writeXML(b)
			b.WriteString("</" + f.element + ">")
		default:
			writeElement(b, f.element, text(fv))
		}
	}
}

// writeElement writes <name>text</name>, or <name/> for empty text.
func writeElement(b *bytes.Buffer, name, text string) {
	if text == "" {
		b.WriteString("<" + name + "/>")
		return
	}
	b.WriteString("<" + name + ">")
	xml.EscapeText(b, []byte(text))
	b.WriteString("</" + name + ">")
}
