package twilioapi

import (
	"bytes"
	"encoding/json"
)

// Object is a JSON object of string values whose keys are not known in
// advance (the parameters of a request a Call Event shows), as key-value
// pairs in order. In XML each pair is an element named after its key in
// PascalCase; CSV leaves it out, as it does nested objects.
type Object [][2]string

// appendJSON appends the pairs as a JSON object, in order.
func (o Object) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, kv := range o {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, kv[0])
		b = append(b, ':')
		b = appendString(b, kv[1])
	}
	return append(b, '}')
}

// MarshalJSON writes the pairs as an object, in order, for encoding/json.
func (o Object) MarshalJSON() ([]byte, error) { return o.appendJSON(nil), nil }

var _ json.Marshaler = Object{}

// writeXML writes each pair as an element.
func (o Object) writeXML(b *bytes.Buffer) {
	for _, kv := range o {
		writeElement(b, Pascal(kv[0]), kv[1])
	}
}
