package signing

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"hash"
	"net/url"
)

// Signer signs requests with one account's auth token. It reuses its HMAC
// and buffers from one signature to the next, so it is not safe for
// concurrent use.
type Signer struct {
	mac hash.Hash
	buf []byte
	sum []byte
}

// NewSigner returns a signer keyed with authToken.
func NewSigner(authToken string) *Signer {
	return &Signer{mac: hmac.New(sha1.New, []byte(authToken))}
}

// Sign returns the X-Twilio-Signature of a request to fullURL with the POST
// parameters p: the base64 of HMAC-SHA1 over fullURL followed by each
// parameter's name and value, in p's order, which must be sorted. For a GET
// request pass the URL with its query and no parameters.
func (g *Signer) Sign(fullURL string, p Params) string {
	g.buf = append(g.buf[:0], fullURL...)
	for _, kv := range p {
		g.buf = append(g.buf, kv.Name...)
		g.buf = append(g.buf, kv.Value...)
	}
	g.mac.Reset()
	g.mac.Write(g.buf)
	g.sum = g.mac.Sum(g.sum[:0])
	return base64.StdEncoding.EncodeToString(g.sum)
}

// Signature computes X-Twilio-Signature for a request to fullURL with the
// POST parameters form, keyed with authToken: the first value of each name,
// names sorted (a name with no values is left out). For a GET request pass a
// nil form: the URL with its query is signed alone.
func Signature(authToken, fullURL string, form url.Values) string {
	p := make(Params, 0, len(form))
	for k, vs := range form {
		if len(vs) > 0 {
			p = append(p, Param{Name: k, Value: vs[0]})
		}
	}
	p.Sort()
	return NewSigner(authToken).Sign(fullURL, p)
}
