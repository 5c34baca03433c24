package twiml

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// attrs reads the attributes of one element for its verb or noun. Every
// read marks the attribute as known; done reports the others as Twilio's
// schema warning. A value that Twilio does not accept is reported with the
// code the caller gives, and the default is used in its place.
type attrs struct {
	p    *parser
	el   *etree.Element
	keys uint64 // the keyBit of every attribute without a namespace
	used uint64 // bit i: el.Attr[i] was read
	more []bool // the same for attributes past the 64th
}

// attrsOf returns the attribute reader of el.
func (p *parser) attrsOf(el *etree.Element) attrs {
	a := attrs{p: p, el: el}
	for i := range el.Attr {
		if at := &el.Attr[i]; at.Space == "" {
			a.keys |= keyBit(at.Key)
		}
	}
	return a
}

// keyBit returns the bit of an attribute name in attrs.keys: get looks for
// a name among the attributes only if its bit is set, and most names that a
// verb reads are absent.
func keyBit(key string) uint64 {
	if key == "" {
		return 1
	}
	return 1 << ((uint(len(key))*7 + uint(key[len(key)-1])) & 63)
}

func (a *attrs) mark(i int) {
	if i < 64 {
		a.used |= 1 << i
		return
	}
	if a.more == nil {
		a.more = make([]bool, len(a.el.Attr))
	}
	a.more[i] = true
}

func (a *attrs) marked(i int) bool {
	if i < 64 {
		return a.used&(1<<i) != 0
	}
	return a.more != nil && a.more[i]
}

// get returns the value of the attribute key (no namespace, exact case)
// and whether it is present.
func (a *attrs) get(key string) (string, bool) {
	if a.keys&keyBit(key) == 0 {
		return "", false
	}
	for i := range a.el.Attr {
		at := &a.el.Attr[i]
		if at.Space == "" && at.Key == key {
			a.mark(i)
			return at.Value, true
		}
	}
	return "", false
}

// str returns the value of key, or "" if it is absent.
func (a *attrs) str(key string) string {
	v, _ := a.get(key)
	return v
}

// strOr returns the value of key, or def if it is absent or empty.
func (a *attrs) strOr(key, def string) string {
	if v, ok := a.get(key); ok && v != "" {
		return v
	}
	return def
}

// invalid reports the value v of key as code and returns def.
func invalid[T any](a *attrs, code int, key, v, want string, def T) T {
	a.p.report(a.el, code, "%s=%q is not %s; Twilio uses the default %v", key, v, want, shown(def))
	return def
}

// shown returns how a default reads in a problem's message.
func shown(v any) any {
	switch v := v.(type) {
	case string:
		if v == "" {
			return "(none)"
		}
		return strconv.Quote(v)
	case []string:
		if len(v) == 0 {
			return "(none)"
		}
		return strconv.Quote(strings.Join(v, " "))
	}
	return v
}

// method reads an HTTP method attribute: GET or POST, in any case, default
// POST.
func (a *attrs) method(key string, code int) string {
	v, ok := a.get(key)
	if !ok {
		return "POST"
	}
	switch {
	case strings.EqualFold(v, "POST"):
		return "POST"
	case strings.EqualFold(v, "GET"):
		return "GET"
	}
	return invalid(a, code, key, v, "GET or POST", "POST")
}

// boolean reads a true or false attribute, in any case.
func (a *attrs) boolean(key string, def bool, code int) bool {
	v, ok := a.get(key)
	if !ok {
		return def
	}
	if b, ok := parseBool(v); ok {
		return b
	}
	return invalid(a, code, key, v, "true or false", def)
}

func parseBool(v string) (bool, bool) {
	switch {
	case strings.EqualFold(v, "true"):
		return true, true
	case strings.EqualFold(v, "false"):
		return false, true
	}
	return false, false
}

// integer reads an integer attribute that must lie in [lo, hi].
func (a *attrs) integer(key string, def, lo, hi, code int) int {
	v, ok := a.get(key)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err == nil && n >= lo && n <= hi {
		return n
	}
	var want string
	switch {
	case hi == math.MaxInt && lo == 0:
		want = "a whole number of 0 or more"
	case hi == math.MaxInt && lo == 1:
		want = "a positive whole number"
	case hi == math.MaxInt:
		want = "a whole number of " + strconv.Itoa(lo) + " or more"
	default:
		want = "a whole number from " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi)
	}
	return invalid(a, code, key, v, want, def)
}

// enum reads an attribute whose value ok accepts; want describes the
// accepted values.
func (a *attrs) enum(key, def string, code int, ok func(string) bool, want string) string {
	v, present := a.get(key)
	if !present {
		return def
	}
	if ok(v) {
		return v
	}
	return invalid(a, code, key, v, want, def)
}

// list reads a space-separated list attribute whose every item ok accepts.
// def is the default: list returns a copy of it, so that the literal at the
// call does not escape and costs nothing when the attribute is given.
func (a *attrs) list(key string, code int, ok func(string) bool, want string, def ...string) []string {
	v, present := a.get(key)
	if !present {
		return slices.Clone(def)
	}
	items := strings.Fields(v)
	if len(items) == 0 {
		return invalid(a, code, key, v, want, slices.Clone(def))
	}
	for _, it := range items {
		if !ok(it) {
			return invalid(a, code, key, v, want, slices.Clone(def))
		}
	}
	return items
}

// url reads a URL attribute. A value Twilio could not request is reported
// as code and kept as written, since Twilio only fails when it uses the URL.
func (a *attrs) url(key string, code int) string {
	v, ok := a.get(key)
	if ok && v != "" && !requestable(v) {
		a.p.report(a.el, code, "%s=%q is not a valid URL", key, v)
	}
	return v
}

// rest returns the attributes not read so far, in document order, and
// marks them read. Namespace declarations are left out.
func (a *attrs) rest() []Attr {
	var out []Attr
	for i, at := range a.el.Attr {
		if a.marked(i) || isNamespaceDecl(at) {
			continue
		}
		a.mark(i)
		out = append(out, Attr{Name: at.FullKey(), Value: at.Value})
	}
	return out
}

// done reports every attribute not read as unknown (12200): Twilio ignores
// it.
func (a *attrs) done() {
	if n := len(a.el.Attr); n < 64 && a.used == 1<<n-1 {
		return // all read
	}
	for i, at := range a.el.Attr {
		if a.marked(i) || isNamespaceDecl(at) {
			continue
		}
		a.p.report(a.el, CodeSchema, "<%s> has no attribute %q; Twilio ignores it%s", a.el.FullTag(), at.FullKey(), attrHint(at))
	}
}

// attrHint explains an unknown attribute whose name starts with a capital
// letter: TwiML attribute names are case-sensitive and start in lower case.
func attrHint(at etree.Attr) string {
	if at.Key != "" && at.Key[0] >= 'A' && at.Key[0] <= 'Z' {
		return " (names are case-sensitive: TwiML attributes start with a lower-case letter)"
	}
	return ""
}

func isNamespaceDecl(at etree.Attr) bool {
	return (at.Space == "" && at.Key == "xmlns") || at.Space == "xmlns"
}
