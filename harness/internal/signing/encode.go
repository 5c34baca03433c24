package signing

import "strings"

// Encode form-encodes p in its order, as name=value pairs joined by "&",
// each escaped by [AppendEscaped]. It does not sort p.
func (p Params) Encode() string {
	n := 0
	for _, kv := range p {
		n += len(kv.Name) + len(kv.Value) + 2
	}
	var b strings.Builder
	b.Grow(n + n/4)
	var scratch [256]byte
	for i, kv := range p {
		if i > 0 {
			b.WriteByte('&')
		}
		if kv.Escaped != "" {
			b.WriteString(kv.Escaped)
			continue
		}
		b.Write(AppendEscaped(scratch[:0], kv.Name))
		b.WriteByte('=')
		b.Write(AppendEscaped(scratch[:0], kv.Value))
	}
	return b.String()
}

// Escape sets each parameter's Escaped, all of them slices of one string
// (one allocation unless escaping makes the text a quarter longer): for a
// list encoded many times over, as a call's standard parameters are.
func (p Params) Escape() {
	n := 0
	for _, kv := range p {
		n += len(kv.Name) + len(kv.Value) + 1
	}
	var b strings.Builder
	b.Grow(n + n/4)
	var scratch [256]byte
	ends := make([]int, 0, 64) // on the stack for up to 64 parameters
	for _, kv := range p {
		b.Write(AppendEscaped(scratch[:0], kv.Name))
		b.WriteByte('=')
		b.Write(AppendEscaped(scratch[:0], kv.Value))
		ends = append(ends, b.Len())
	}
	all, start := b.String(), 0
	for i, end := range ends {
		p[i].Escaped = all[start:end]
		start = end
	}
}

// AppendEscaped appends s to b escaped as url.QueryEscape does: letters,
// digits and "-_.~" as they are, space as "+", every other byte as "%XX"
// with upper-case hex digits.
func AppendEscaped(b []byte, s string) []byte {
	const hexDigits = "0123456789ABCDEF"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			continue
		}
		b = append(b, s[start:i]...)
		if c == ' ' {
			b = append(b, '+')
		} else {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		}
		start = i + 1
	}
	return append(b, s[start:]...)
}
