package signing

import (
	"net/url"
	"strings"
	"testing"
)

// tricky are strings whose escaping differs between encoders.
var tricky = []struct {
	name  string
	input string
}{
	{"empty", ""},
	{"unreserved", "AZaz09-_.~"},
	{"space", "a b  c"},
	{"plus", "+14155550100"},
	{"ampersand and equals", "a=1&b=2"},
	{"percent", "100%"},
	{"slash colon question hash", "https://example.com/a?b#c"},
	{"reserved marks", "!*'();:@$,/?#[]"},
	{"quotes and brackets", `"<Say>'hi'</Say>"`},
	{"unicode", "Grüße, 東京 🙂"},
	{"control bytes", "\x00\t\n\r\x7f"},
	{"invalid UTF-8", "\xff\xfe"},
	{"high bytes", "\x80\xc3\xa9"},
	{"long", strings.Repeat("a b&", 200)},
}

func TestAppendEscaped(t *testing.T) {
	for _, tt := range tricky {
		t.Run(tt.name, func(t *testing.T) {
			want := url.QueryEscape(tt.input)
			if got := string(AppendEscaped(nil, tt.input)); got != want {
				t.Errorf("AppendEscaped(nil, %q) = %q, want %q", tt.input, got, want)
			}
			if got := string(AppendEscaped([]byte("x="), tt.input)); got != "x="+want {
				t.Errorf("AppendEscaped(%q, %q) = %q, want %q", "x=", tt.input, got, "x="+want)
			}
		})
	}
}

func TestParamsEncode(t *testing.T) {
	tests := []struct {
		name  string
		input Params
		want  string
	}{
		{name: "nil", want: ""},
		{name: "one", input: Params{{Name: "A", Value: "1"}}, want: "A=1"},
		{name: "empty value", input: Params{{Name: "A", Value: ""}, {Name: "B", Value: ""}}, want: "A=&B="},
		{name: "empty name", input: Params{{Name: "", Value: "x"}}, want: "=x"},
		{
			name:  "Twilio's parameters",
			input: Params{{Name: "Called", Value: "+18005551212"}, {Name: "CallerName", Value: "Ada Lovelace"}, {Name: "msg", Value: "Gather End"}},
			want:  "Called=%2B18005551212&CallerName=Ada+Lovelace&msg=Gather+End",
		},
		{name: "escapes names too", input: Params{{Name: "a b", Value: "c&d"}, {Name: "e=f", Value: "g+h"}}, want: "a+b=c%26d&e%3Df=g%2Bh"},
		{name: "unicode", input: Params{{Name: "City", Value: "Zürich"}}, want: "City=Z%C3%BCrich"},
		{name: "in the given order, unsorted", input: Params{{Name: "B", Value: "2"}, {Name: "A", Value: "1"}}, want: "B=2&A=1"},
		{name: "repeated names", input: Params{{Name: "A", Value: "1"}, {Name: "A", Value: "2"}}, want: "A=1&A=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.input.Encode(); got != tt.want {
				t.Errorf("Encode() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParamsEncodeMatchesURLValues(t *testing.T) {
	// For sorted, unique names Encode is url.Values.Encode.
	for _, tt := range tricky {
		t.Run(tt.name, func(t *testing.T) {
			p := Params{{Name: "A" + tt.input, Value: tt.input}, {Name: "B", Value: tt.input + tt.input}}
			p.Sort()
			if got, want := p.Encode(), p.Values().Encode(); got != want {
				t.Errorf("Encode() = %q, want url.Values.Encode() = %q", got, want)
			}
			back, err := url.ParseQuery(p.Encode())
			if err != nil {
				t.Fatalf("ParseQuery(Encode()): %v", err)
			}
			for _, kv := range p {
				if got := back.Get(kv.Name); got != kv.Value {
					t.Errorf("round trip of %q = %q, want %q", kv.Name, got, kv.Value)
				}
			}
		})
	}
}

func FuzzAppendEscaped(f *testing.F) {
	for _, tt := range tricky {
		f.Add(tt.input)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendEscaped(nil, s)), url.QueryEscape(s); got != want {
			t.Errorf("AppendEscaped(nil, %q) = %q, want %q", s, got, want)
		}
	})
}

// Escape gives each parameter its escaped form, which Encode then uses as
// it is: the body is the one escaping each time gives, and Set drops the
// escaped form of the value it replaces.
func TestEscape(t *testing.T) {
	for _, tt := range tricky {
		t.Run(tt.name, func(t *testing.T) {
			p := Params{{Name: "A" + tt.input, Value: tt.input}, {Name: "B", Value: tt.input + tt.input}, {Name: "C"}}
			p.Sort()
			want := p.Encode()
			p.Escape()
			for _, kv := range p {
				if kv.Escaped == "" {
					t.Fatalf("%q has no escaped form", kv.Name)
				}
			}
			if got := p.Encode(); got != want {
				t.Errorf("Encode() after Escape = %q, want %q", got, want)
			}
			p.Set("C", tt.input)
			if got, want := p.Encode(), p.Values().Encode(); got != want {
				t.Errorf("after Set, Encode() = %q, want %q", got, want)
			}
		})
	}
}
