package twiml

import "testing"

// TestPlainRefs checks that the shortcuts of requestable accept only what
// parseRef accepts.
func TestPlainRefs(t *testing.T) {
	for _, ref := range []string{
		"/ivr/menu", "/ivr/menu?x=1&y=2", "/", "//example.com/x", "/a b", "/%41",
		"https://example.com", "https://example.com/", "http://example.com/a/b.mp3?x=1",
		"https://example.com:8443/x", "https://user@example.com/x", "https:///x", "https://",
		"https://ex_ample.com/x", "https://example.com//x", "https://example.com/a b",
		"https://example.com/%zz", "https://-.-/x", "HTTPS://example.com/x", "ftp://example.com/x",
		"https://[::1]/x", "https://example.com?x", "https://example.com#top",
	} {
		plain := plainPath(ref) || plainURL(ref)
		_, err := parseRef(ref)
		if plain && err != nil {
			t.Errorf("%q: plain, but parseRef fails: %v", ref, err)
		}
	}
	for _, ref := range []string{"/ivr/menu", "https://example.com/audio/menu-music.mp3", "http://example.com"} {
		if !plainPath(ref) && !plainURL(ref) {
			t.Errorf("%q is not plain", ref)
		}
	}
}
