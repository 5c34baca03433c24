package twilioapi

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// The JSON of a Schema is written here, from the same field list as its
// CSV and XML, rather than by encoding/json: it is on the path of every
// REST reply, and writing it directly keeps a reply as cheap as the
// hand-written code it replaced (see the harness's CreateFetch
// benchmarks). Its output is byte for byte encoding/json's for the types a
// Schema admits, which the package's tests and fuzz targets check.
//
// Fields are read at their offsets: NewSchema took the offsets and the
// kinds from T's reflect.Type, and a Schema[T] only ever renders a *T, so
// each read has the type the field was declared with. This is what makes
// it as fast as code written by hand, without writing it by hand for each
// resource.

// kind is what a field holds, as the JSON writer reads it.
type kind uint8

const (
	kindOther kind = iota // nested struct, Links or Object: handled by the field's flags
	kindString
	kindStringPtr
	kindInt
	kindIntPtr
	kindInt64
	kindInt64Ptr
	kindBool
	kindBoolPtr
	kindFloat
	kindFloatPtr
)

// kindOf returns the kind of a field of type t (one NewSchema admits).
func kindOf(t reflect.Type) kind {
	ptr := t.Kind() == reflect.Pointer
	if ptr {
		t = t.Elem()
	}
	var k kind
	switch t.Kind() {
	case reflect.String:
		k = kindString
	case reflect.Int:
		k = kindInt
	case reflect.Int64:
		k = kindInt64
	case reflect.Bool:
		k = kindBool
	case reflect.Float64:
		k = kindFloat
	default:
		return kindOther
	}
	if ptr {
		k++ // each pointer kind follows its value kind
	}
	return k
}

// appendJSON appends the struct at p as a JSON object with fields.
func appendJSON(b []byte, fields []field, p unsafe.Pointer) []byte {
	b = append(b, '{')
	first := true
	for i := range fields {
		f := &fields[i]
		fp := unsafe.Add(p, f.offset)
		if f.omitEmpty && isEmpty(f.kind, fp) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, f.jsonKey...)
		switch {
		case f.links:
			b = (*Links)(fp).appendJSON(b)
		case f.object:
			b = (*Object)(fp).appendJSON(b)
		case f.nested != nil:
			b = appendJSON(b, f.nested, fp)
		default:
			b = appendScalar(b, f.kind, fp)
		}
	}
	return append(b, '}')
}

// isEmpty is encoding/json's omitempty test, for the kinds a Schema admits.
func isEmpty(k kind, p unsafe.Pointer) bool {
	switch k {
	case kindString:
		return *(*string)(p) == ""
	case kindInt:
		return *(*int)(p) == 0
	case kindInt64:
		return *(*int64)(p) == 0
	case kindBool:
		return !*(*bool)(p)
	case kindFloat:
		return *(*float64)(p) == 0
	case kindStringPtr, kindIntPtr, kindInt64Ptr, kindBoolPtr, kindFloatPtr:
		return *(*unsafe.Pointer)(p) == nil
	}
	return false
}

// appendScalar appends the string, integer, boolean or float at p, or the
// one a pointer at p points to (nil is null).
func appendScalar(b []byte, k kind, p unsafe.Pointer) []byte {
	switch k {
	case kindStringPtr, kindIntPtr, kindInt64Ptr, kindBoolPtr, kindFloatPtr:
		p = *(*unsafe.Pointer)(p)
		if p == nil {
			return append(b, "null"...)
		}
		k--
	}
	switch k {
	case kindString:
		return appendString(b, *(*string)(p))
	case kindInt:
		return strconv.AppendInt(b, int64(*(*int)(p)), 10)
	case kindInt64:
		return strconv.AppendInt(b, *(*int64)(p), 10)
	case kindBool:
		return strconv.AppendBool(b, *(*bool)(p))
	case kindFloat:
		return appendFloat(b, *(*float64)(p))
	}
	panic(fmt.Sprintf("twilioapi: no JSON for field kind %d", k)) // NewSchema admits no other kind
}

// appendFloat appends f as encoding/json does.
func appendFloat(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		panic(fmt.Sprintf("twilioapi: %v cannot be written as JSON", f))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// 1e-07 becomes 1e-7, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped appends s escaped as encoding/json escapes strings: HTML's
// <, > and & as \u003c and so on, invalid UTF-8 as U+FFFD, and U+2028 and
// U+2029.
func appendEscaped(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&15])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}
