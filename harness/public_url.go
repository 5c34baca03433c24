package harness

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// An application behind a reverse proxy checks X-Twilio-Signature against
// the public URL it believes Twilio calls (https://app.example.com/voice),
// while in a test it listens on another address (http://127.0.0.1:3000).
// A public URL mapping lets the test configure the public URLs, as it
// would on Twilio, and have the harness send the requests to the real
// address: signed for the public URL, with the headers a reverse proxy
// adds.

// PublicURL maps an application's public origin to the origin the
// harness really sends its requests to.
type PublicURL struct {
	// Public is the origin Twilio would call, as the application's URLs
	// name it: "https://app.example.com".
	Public string `json:"public"`
	// Real is where the application listens: "http://127.0.0.1:3000".
	Real string `json:"real"`
}

// ParsePublicURL reads a mapping written public=real, as the -public-url
// flag of twimlharness serve takes it:
// "https://app.example.com=http://127.0.0.1:3000".
func ParsePublicURL(s string) (PublicURL, error) {
	public, real, ok := strings.Cut(s, "=")
	if !ok {
		return PublicURL{}, fmt.Errorf("harness: public URL %q: want public=real, such as https://app.example.com=http://127.0.0.1:3000", s)
	}
	m := PublicURL{Public: public, Real: real}
	if _, _, err := m.keys(); err != nil {
		return PublicURL{}, err
	}
	return m, nil
}

// keys returns the normalised origins of m, or an error that says which
// is not an origin.
func (m PublicURL) keys() (public, real string, err error) {
	public, err = originKey(m.Public)
	if err != nil {
		return "", "", fmt.Errorf("harness: public URL %q: want an origin such as https://app.example.com (scheme and host, no path)", m.Public)
	}
	real, err = originKey(m.Real)
	if err != nil {
		return "", "", fmt.Errorf("harness: public URL %s: real address %q: want an origin such as http://127.0.0.1:3000 (scheme and host, no path)", m.Public, m.Real)
	}
	return public, real, nil
}

// WithPublicURL makes the requests to URLs under public go to real
// instead: a request for https://app.example.com/voice?x=1 is sent to
// http://127.0.0.1:3000/voice?x=1, signed for the public URL, with a Host
// header of app.example.com and X-Forwarded-Proto and X-Forwarded-Host
// giving the public scheme and host, as a reverse proxy in front of the
// application would send it. The record shows the public URL, as Twilio's
// logs would. Both are origins: a scheme and a host, no path. A request
// to a [WithApp] origin is served in-process, mapping or not. NewServer
// panics if either is not an origin; see [Server.MapPublicURL] to add one
// later.
func WithPublicURL(public, real string) Option {
	m := PublicURL{Public: public, Real: real}
	if _, _, err := m.keys(); err != nil {
		panic(err)
	}
	return option(func(c *config) { c.publicURLs = append(c.publicURLs, m) })
}

// MapPublicURL adds a public URL mapping to a running server, or replaces
// the one of the same public origin (see [WithPublicURL]). It returns an
// error if either is not an origin.
func (s *Server) MapPublicURL(m PublicURL) error {
	if _, _, err := m.keys(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.setPublicURLs(append(s.out.publicURLs(), m))
	return nil
}

// PublicURLs returns the server's public URL mappings, by public origin.
func (s *Server) PublicURLs() []PublicURL {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.publicURLs()
}

// ClearPublicURLs removes every public URL mapping, those of the options
// too: requests go to the URLs as configured.
func (s *Server) ClearPublicURLs() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.setPublicURLs(nil)
}

// proxied is one public URL mapping, parsed.
type proxied struct {
	PublicURL
	public *url.URL
	real   *url.URL
}

// publicMap is the outbox's mappings by public origin. It is never
// changed once made: a new one replaces it, so that couriers read it
// without the lock.
type publicMap map[string]proxied

// setPublicURLs replaces the mappings with ms, a later one of the same
// public origin replacing an earlier one. The mappings are valid.
func (o *outbox) setPublicURLs(ms []PublicURL) {
	next := publicMap{}
	for _, m := range ms {
		public, real, _ := m.keys()
		pu, _ := url.Parse(public)
		ru, _ := url.Parse(real)
		next[public] = proxied{PublicURL: PublicURL{Public: public, Real: real}, public: pu, real: ru}
	}
	o.public.Store(&next)
}

// publicURLs returns the mappings, sorted by public origin.
func (o *outbox) publicURLs() []PublicURL {
	m := *o.public.Load()
	out := make([]PublicURL, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k].PublicURL)
	}
	return out
}

// proxyTarget returns where a request for u really goes, and the headers
// a reverse proxy would add; ok is false when u is under no public origin.
func (o *outbox) proxyTarget(u *url.URL) (target string, header http.Header, ok bool) {
	p, ok := (*o.public.Load())[urlOrigin(u)]
	if !ok {
		return "", nil, false
	}
	r := *u
	r.Scheme, r.Host = p.real.Scheme, p.real.Host
	header = http.Header{
		"X-Forwarded-Proto": {p.public.Scheme},
		"X-Forwarded-Host":  {u.Host},
	}
	return r.String(), header, true
}
