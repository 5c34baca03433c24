package twiml_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/twiml"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *twiml.Document
	}{
		{
			name: "say with defaults",
			in:   `<?xml version="1.0" encoding="UTF-8"?><Response><Say>  Hello there  </Say></Response>`,
			want: &twiml.Document{Verbs: []twiml.Verb{&twiml.Say{Text: "Hello there", Voice: "man", Language: "en-US", Loop: 1}}},
		},
		{
			name: "say attributes",
			in:   `<Response><Say voice="Polly.Joanna" language="en-GB" loop="0">Hi</Say></Response>`,
			want: &twiml.Document{Verbs: []twiml.Verb{&twiml.Say{Text: "Hi", Voice: "Polly.Joanna", Language: "en-GB", Loop: 0}}},
		},
		{
			name: "bad loop falls back to the default",
			in:   `<Response><Say loop="-2">Hi</Say></Response>`,
			want: &twiml.Document{Verbs: []twiml.Verb{&twiml.Say{Text: "Hi", Voice: "man", Language: "en-US", Loop: 1}}},
		},
		{
			name: "pause",
			in:   `<Response><Pause/><Pause length="10"/><Pause length="0"/><Pause length="x"/></Response>`,
			want: &twiml.Document{Verbs: []twiml.Verb{&twiml.Pause{Length: 1}, &twiml.Pause{Length: 10}, &twiml.Pause{Length: 1}, &twiml.Pause{Length: 1}}},
		},
		{
			name: "hangup and comments",
			in:   "<Response>\n  <!-- bye -->\n  <Hangup/>\n</Response>\n",
			want: &twiml.Document{Verbs: []twiml.Verb{&twiml.Hangup{}}},
		},
		{
			name: "other verbs are kept as elements",
			in:   `<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather><say>lower</say></Response>`,
			want: &twiml.Document{Verbs: []twiml.Verb{
				&twiml.Element{Name: "Gather", Attrs: []twiml.Attr{{"numDigits", "1"}, {"action", "/menu"}},
					Children: []*twiml.Element{{Name: "Say", Text: "Press 1"}}},
				&twiml.Element{Name: "say", Text: "lower"},
			}},
		},
		{
			name: "empty response",
			in:   `<Response/>`,
			want: &twiml.Document{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := twiml.Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantCode int
		wantLine int
		wantErr  error
	}{
		{name: "empty", in: "", wantCode: 12100, wantErr: twiml.ErrEmpty},
		{name: "blank", in: " \n\t", wantCode: 12100, wantErr: twiml.ErrEmpty},
		{name: "unclosed element", in: "<Response>\n<Say>hi\n</Response>", wantCode: 12100, wantLine: 3},
		{name: "not XML", in: "Hello world", wantCode: 12100},
		{name: "trailing content", in: "<Response/><Response/>", wantCode: 12100},
		{name: "wrong root", in: "<Document><Say>hi</Say></Document>", wantCode: 12102},
		{name: "root in lower case", in: "<response/>", wantCode: 12102},
		{name: "namespaced root", in: `<x:Response xmlns:x="urn:x"/>`, wantCode: 12102},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := twiml.Parse([]byte(tt.in))
			var pe *twiml.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v, want a *ParseError", err)
			}
			if pe.Code != tt.wantCode || (tt.wantLine != 0 && pe.Line != tt.wantLine) {
				t.Errorf("got code %d line %d (%v), want code %d line %d", pe.Code, pe.Line, err, tt.wantCode, tt.wantLine)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v does not wrap %v", err, tt.wantErr)
			}
		})
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse of a bad document did not panic")
		}
	}()
	twiml.MustParse("<Nope/>")
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<Response><Say>Hello</Say><Pause length="3"/><Hangup/></Response>`,
		`<Response><Gather><Say>x</Say></Gather></Response>`,
		`<?xml version="1.0"?><Response/>`,
		`<Response>`, ``, `<a/>`, "<Response><Say loop=\"99999999999999999999\">x</Say></Response>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := twiml.Parse(data)
		if err != nil {
			var pe *twiml.ParseError
			if !errors.As(err, &pe) || (pe.Code != twiml.CodeParseFailure && pe.Code != twiml.CodeBadRoot) {
				t.Fatalf("Parse(%q) error %v is not a ParseError with 12100 or 12102", data, err)
			}
			return
		}
		if doc == nil {
			t.Fatalf("Parse(%q) returned no document and no error", data)
		}
		for _, v := range doc.Verbs {
			if v == nil || v.VerbName() == "" {
				t.Fatalf("Parse(%q) returned an unnamed verb", data)
			}
		}
	})
}
