package twiml

import (
	"fmt"
	"net/url"
	"strings"
)

// Resolve returns the URL that Twilio requests for ref, a URL written in a
// document (an action, a <Redirect>, a <Number url>, a waitUrl…), when the
// document came from base. A relative ref is resolved against base as RFC
// 3986 says; an absolute http or https ref is returned as it is.
//
// Resolve fails with an error wrapping [ErrBadURL] (Twilio's 11100,
// [CodeInvalidURL]) for an empty ref, a ref that does not parse, a scheme
// other than http and https, and a relative ref with no base (a document
// given inline, with the Calls API's Twiml parameter, has no URL). A verb's
// default URL, such as the document's own URL for <Gather> and <Record>
// without an action, is for the caller to apply before calling Resolve.
func Resolve(base, ref string) (string, error) {
	r, err := parseRef(ref)
	if err != nil {
		return "", err
	}
	if r.IsAbs() {
		return strings.TrimSpace(ref), nil
	}
	if base == "" {
		return "", fmt.Errorf("%w: relative URL %q with no document URL to resolve it against", ErrBadURL, ref)
	}
	b, err := parseRef(base)
	if err != nil {
		return "", err
	}
	if !b.IsAbs() {
		return "", fmt.Errorf("%w: document URL %q is not absolute", ErrBadURL, base)
	}
	return b.ResolveReference(r).String(), nil
}

// requestable reports whether Twilio could request ref from some
// document: it parses, and it is relative or an absolute http or https URL.
func requestable(ref string) bool {
	if plainPath(ref) || plainURL(ref) {
		return true
	}
	_, err := parseRef(ref)
	return err == nil
}

// plainPath reports whether ref is an absolute path ("/ivr/menu?x=1") made
// only of characters that need no checking: url.Parse accepts it, and most
// URLs in documents are like it, so Parse can skip the slower check.
func plainPath(ref string) bool {
	if len(ref) < 1 || ref[0] != '/' || (len(ref) > 1 && ref[1] == '/') {
		return false
	}
	for i := 1; i < len(ref); i++ {
		c := ref[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_', c == '~', c == '/', c == '?', c == '=', c == '&', c == '+',
			c == ',', c == ';', c == ':', c == '@', c == '!', c == '$', c == '*', c == '\'', c == '(', c == ')':
		default:
			return false
		}
	}
	return true
}

// plainURL reports whether ref is an absolute http or https URL
// ("https://example.com/audio/menu.mp3") whose host is made only of
// letters, digits, dots and dashes and whose path, if any, is a plain path:
// parseRef accepts it, so Parse can skip url.Parse for it too.
func plainURL(ref string) bool {
	rest, ok := strings.CutPrefix(ref, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(ref, "http://")
	}
	if !ok {
		return false
	}
	host, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, path = rest[:i], rest[i:]
	}
	if host == "" {
		return false
	}
	for i := 0; i < len(host); i++ {
		switch c := host[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-':
		default:
			return false
		}
	}
	return path == "" || plainPath(path)
}

// parseRef parses a URL as Twilio would request it.
func parseRef(ref string) (*url.URL, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, fmt.Errorf("%w: empty URL", ErrBadURL)
	}
	if strings.ContainsAny(ref, " \t\r\n") {
		return nil, fmt.Errorf("%w: %q contains white space", ErrBadURL, ref)
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("%w: %q does not parse: %v", ErrBadURL, ref, unwrapURLError(err))
	}
	if u.IsAbs() {
		if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
			return nil, fmt.Errorf("%w: %q: scheme %q is not http or https", ErrBadURL, ref, u.Scheme)
		}
		if u.Host == "" {
			return nil, fmt.Errorf("%w: %q has no host", ErrBadURL, ref)
		}
	}
	return u, nil
}

// unwrapURLError returns the cause of a *url.Error, whose own message
// repeats the URL.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
