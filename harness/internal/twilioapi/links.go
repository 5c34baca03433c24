package twilioapi

import "encoding/json"

// Links is a resource's subresource_uris: for each name pair (key, path
// segment) of Names, in order, the URI Base + "/" + segment + ".json". In
// JSON it is an object; in XML each URI loses its ".json". Names is shared,
// read-only data; only Base differs from one resource to the next, so
// rendering builds no string per link.
type Links struct {
	Base  string      // the resource's URI without its extension
	Names [][2]string // ("recordings", "Recordings"), …
}

// URI returns the URI of the i-th link, with ".json".
func (l Links) URI(i int) string { return l.Base + "/" + l.Names[i][1] + ".json" }

// appendJSON appends the links as a JSON object, in order. The base is
// escaped once and copied into each URI.
func (l *Links) appendJSON(b []byte) []byte {
	b = append(b, '{')
	var base []byte
	for i, n := range l.Names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, n[0])
		b = append(b, ':', '"')
		if i == 0 {
			at := len(b)
			b = appendEscaped(b, l.Base)
			base = b[at:len(b):len(b)]
		} else {
			b = append(b, base...)
		}
		b = append(b, '/')
		b = appendEscaped(b, n[1])
		b = append(b, ".json\""...)
	}
	return append(b, '}')
}

// MarshalJSON writes the links as an object, in order, for encoding/json.
func (l Links) MarshalJSON() ([]byte, error) { return l.appendJSON(nil), nil }

var _ json.Marshaler = Links{}
