package signing

import (
	"net/url"
	"slices"
	"strings"
)

// Param is one webhook parameter. Escaped, when not empty, is Name=Value
// already escaped for a form body (see [Params.Escape]), which
// [Params.Encode] writes instead of escaping them again: change the value
// of a parameter through [Params.Set], which clears it, never by hand.
type Param struct{ Name, Value, Escaped string }

// Params is a webhook's parameter list, sorted by name in byte order (as
// signatures need them), names unique. [Params.Add] and [Params.Set] keep it
// so; a list built with append must be sorted with [Params.Sort] before it is
// encoded or signed.
type Params []Param

// Add inserts a parameter at its place in the order. It does not check that
// the name is new: adding a name already present inserts a second one before
// it (use [Params.Set] to replace). p must be sorted.
func (p *Params) Add(name, value string) {
	i, _ := slices.BinarySearchFunc(*p, name, compareName)
	*p = slices.Insert(*p, i, Param{Name: name, Value: value})
}

// Set replaces the value of the parameter name, or adds it at its place.
// p must be sorted.
func (p *Params) Set(name, value string) {
	i, found := slices.BinarySearchFunc(*p, name, compareName)
	if found {
		(*p)[i].Value, (*p)[i].Escaped = value, ""
		return
	}
	*p = slices.Insert(*p, i, Param{Name: name, Value: value})
}

// Get returns the value of the parameter name, and false if there is none.
// p must be sorted.
func (p Params) Get(name string) (string, bool) {
	i, found := slices.BinarySearchFunc(p, name, compareName)
	if !found {
		return "", false
	}
	return p[i].Value, true
}

// Sorted reports whether p is sorted by name.
func (p Params) Sorted() bool { return slices.IsSortedFunc(p, byName) }

// Sort sorts p by name in place. The sort is not stable: it is meant for
// lists whose names are unique.
func (p Params) Sort() { slices.SortFunc(p, byName) }

// Values returns p as a new url.Values, in which a repeated name has its
// values in p's order.
func (p Params) Values() url.Values {
	v := make(url.Values, len(p))
	for _, kv := range p {
		v[kv.Name] = append(v[kv.Name], kv.Value)
	}
	return v
}

func compareName(kv Param, name string) int { return strings.Compare(kv.Name, name) }

func byName(a, b Param) int { return strings.Compare(a.Name, b.Name) }
