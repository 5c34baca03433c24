package twilioapi

import (
	"bytes"
	"encoding/json"
)

// Link is one entry of a resource's subresource_uris.
type Link struct {
	Key string // "recordings"
	URI string // "/2010-04-01/Accounts/AC…/Calls/CA…/Recordings.json"
}

// Links is a resource's subresource_uris, kept in the order Twilio lists
// them. In JSON it is an object; in XML each URI loses its ".json".
type Links []Link

// SubresourceLinks returns the links of the subresources named (key, path
// pairs such as "recordings", "Recordings") under base, a resource URI
// without its extension.
func SubresourceLinks(base string, names [][2]string) Links {
	out := make(Links, len(names))
	for i, n := range names {
		out[i] = Link{Key: n[0], URI: base + "/" + n[1] + ".json"}
	}
	return out
}

// MarshalJSON writes the links as an object, in order.
func (l Links) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, link := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(link.Key)
		uri, _ := json.Marshal(link.URI)
		b.Write(key)
		b.WriteByte(':')
		b.Write(uri)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
