package twiml_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/twimlharness/twimlharness/twiml"
)

func TestResolve(t *testing.T) {
	const base = "https://app.example.com/ivr/menu.xml?lang=en"
	tests := []struct {
		name    string
		base    string
		ref     string
		want    string
		wantErr bool
	}{
		{name: "absolute path", base: base, ref: "/voicemail", want: "https://app.example.com/voicemail"},
		{name: "relative path", base: base, ref: "options?choice=1", want: "https://app.example.com/ivr/options?choice=1"},
		{name: "parent path", base: base, ref: "../start", want: "https://app.example.com/start"},
		{name: "dot path", base: base, ref: "./", want: "https://app.example.com/ivr/"},
		{name: "query only", base: base, ref: "?step=2", want: "https://app.example.com/ivr/menu.xml?step=2"},
		{name: "network-path reference", base: base, ref: "//cdn.example.com/a.mp3", want: "https://cdn.example.com/a.mp3"},
		{name: "white space around is trimmed", base: base, ref: "  /next \n", want: "https://app.example.com/next"},
		{name: "absolute https as is", base: base, ref: "https://other.example.com/x?y=1#z", want: "https://other.example.com/x?y=1#z"},
		{name: "absolute http as is", base: "", ref: "http://example.com/x", want: "http://example.com/x"},
		{name: "scheme in upper case", base: "", ref: "HTTPS://example.com/x", want: "HTTPS://example.com/x"},
		{name: "http base", base: "http://localhost:8080/a/b", ref: "c", want: "http://localhost:8080/a/c"},
		{name: "relative with no base", base: "", ref: "/next", wantErr: true},
		{name: "empty ref", base: base, ref: "", wantErr: true},
		{name: "blank ref", base: base, ref: "  ", wantErr: true},
		{name: "ftp", base: base, ref: "ftp://example.com/a.mp3", wantErr: true},
		{name: "mailto", base: base, ref: "mailto:a@example.com", wantErr: true},
		{name: "no host", base: base, ref: "https:///path", wantErr: true},
		{name: "bad escape", base: base, ref: "/a%zz", wantErr: true},
		{name: "space inside", base: base, ref: "/a b", wantErr: true},
		{name: "bad port", base: base, ref: "http://example.com:port/", wantErr: true},
		{name: "relative base", base: "/ivr", ref: "next", wantErr: true},
		{name: "bad base", base: "ftp://example.com/", ref: "next", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := twiml.Resolve(tt.base, tt.ref)
			if tt.wantErr {
				if !errors.Is(err, twiml.ErrBadURL) {
					t.Fatalf("Resolve(%q, %q) = %q, %v; want an error wrapping ErrBadURL", tt.base, tt.ref, got, err)
				}
				if !strings.HasPrefix(err.Error(), "twiml: ") {
					t.Errorf("error %q lacks the twiml: prefix", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Resolve(%q, %q) = %q, %v; want %q", tt.base, tt.ref, got, err, tt.want)
			}
		})
	}
	if twiml.CodeInvalidURL != 11100 {
		t.Errorf("CodeInvalidURL = %d, want 11100", twiml.CodeInvalidURL)
	}
}
