package twiml_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/twiml"
)

// where is a problem without its message, for comparisons.
type where struct {
	Code  int
	Level twiml.Level
	Path  string
}

// wheres returns the code, level and path of each problem, and fails t
// for a problem without a message.
func wheres(t *testing.T, problems []twiml.Problem) []where {
	t.Helper()
	var out []where
	for _, p := range problems {
		if p.Message == "" {
			t.Errorf("problem %+v has no message", p)
		}
		out = append(out, where{p.Code, p.Level, p.Path})
	}
	return out
}

// mustParse parses in and fails t on error.
func mustParse(t *testing.T, in string) *twiml.Document {
	t.Helper()
	doc, err := twiml.Parse([]byte(in))
	if err != nil {
		t.Fatalf("Parse(%q): %v", in, err)
	}
	return doc
}

func TestParse(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		want         []twiml.Verb
		wantProblems []where
	}{
		{
			name: "say with defaults",
			in:   `<?xml version="1.0" encoding="UTF-8"?><Response><Say>  Hello there  </Say></Response>`,
			want: []twiml.Verb{&twiml.Say{Text: "Hello there", Voice: "man", Language: "en-US", Loop: 1}},
		},
		{
			name: "say attributes",
			in:   `<Response><Say voice="Polly.Joanna" language="en-GB" loop="0">Hi</Say></Response>`,
			want: []twiml.Verb{&twiml.Say{Text: "Hi", Voice: "Polly.Joanna", Language: "en-GB", Loop: 0}},
		},
		{
			name:         "bad loop falls back to the default",
			in:           `<Response><Say loop="-2">Hi</Say></Response>`,
			want:         []twiml.Verb{&twiml.Say{Text: "Hi", Voice: "man", Language: "en-US", Loop: 1}},
			wantProblems: []where{{13510, twiml.Warning, "Response/Say[1]"}},
		},
		{
			name: "pause",
			in:   `<Response><Pause/><Pause length="10"/><Pause length="0"/><Pause length="x"/></Response>`,
			want: []twiml.Verb{&twiml.Pause{Length: 1}, &twiml.Pause{Length: 10}, &twiml.Pause{Length: 1}, &twiml.Pause{Length: 1}},
			wantProblems: []where{
				{13910, twiml.Warning, "Response/Pause[3]"},
				{13910, twiml.Warning, "Response/Pause[4]"},
			},
		},
		{
			name: "hangup and comments",
			in:   "<Response>\n  <!-- bye -->\n  <Hangup/>\n</Response>\n",
			want: []twiml.Verb{&twiml.Hangup{}},
		},
		{
			name: "unknown elements are kept as elements and reported",
			in:   `<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather><say>lower</say><x:Say xmlns:x="urn:x">ns</x:Say></Response>`,
			want: []twiml.Verb{
				&twiml.Gather{
					Action: "/menu", Method: "POST", FinishOnKey: "#", NumDigits: 1, Timeout: 5,
					Input: []string{"dtmf"}, Language: "en-US", ProfanityFilter: true,
					PartialResultCallbackMethod: "POST", BargeIn: true, MaxSpeechTime: 60,
					Verbs: []twiml.Verb{&twiml.Say{Text: "Press 1", Voice: "man", Language: "en-US", Loop: 1}},
				},
				&twiml.Element{Name: "say", Text: "lower"},
				&twiml.Element{Name: "x:Say", Attrs: []twiml.Attr{{Name: "xmlns:x", Value: "urn:x"}}, Text: "ns"},
			},
			wantProblems: []where{
				{12200, twiml.Warning, "Response/say[1]"},
				{12200, twiml.Warning, "Response/x:Say[1]"},
			},
		},
		{
			name: "empty response",
			in:   `<Response/>`,
		},
		{
			name: "whitespace, comments and a processing instruction around the document",
			in:   "\n\n  <?xml version=\"1.0\"?>\n<!-- before -->\n<Response><Leave/></Response>\n<!-- after -->\n\n",
			want: []twiml.Verb{&twiml.Leave{}},
		},
		{
			name: "say with SSML",
			in:   `<Response><Say voice="Polly.Joanna">Hello <break time="1s"/><emphasis level="strong">world</emphasis>, <say-as interpret-as="digits">123</say-as><amazon:effect name="whispered">psst</amazon:effect></Say></Response>`,
			want: []twiml.Verb{&twiml.Say{Text: "Hello world, 123psst", Voice: "Polly.Joanna", Language: "en-US", Loop: 1}},
		},
		{
			name: "CDATA and entities in text",
			in:   `<Response><Say><![CDATA[Fish & <chips>]]> &amp; peas</Say></Response>`,
			want: []twiml.Verb{&twiml.Say{Text: "Fish & <chips> & peas", Voice: "man", Language: "en-US", Loop: 1}},
		},
		{
			name: "namespace declarations are not unknown attributes",
			in:   `<Response xmlns="http://www.twilio.com/docs/twiml"><Hangup/></Response>`,
			want: []twiml.Verb{&twiml.Hangup{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, tt.in)
			if diff := cmp.Diff(tt.want, doc.Verbs); diff != "" {
				t.Errorf("verbs mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantProblems, wheres(t, doc.Problems)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s\n%v", diff, doc.Problems)
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
		{name: "unclosed root", in: "<Response>\n<Say>hi</Say>\n", wantCode: 12100, wantLine: 2},
		{name: "not XML", in: "Hello world", wantCode: 12100},
		{name: "text after the root", in: "<Response/>\ntrailing", wantCode: 12100, wantLine: 2},
		{name: "text before the root", in: "hello <Response/>", wantCode: 12100, wantLine: 1},
		{name: "trailing content", in: "<Response/><Response/>", wantCode: 12100},
		{name: "second root on line 3", in: "<Response>\n</Response>\n<Response/>", wantCode: 12100, wantLine: 3},
		{name: "unquoted attribute", in: "<Response>\n<Say loop=2>hi</Say></Response>", wantCode: 12100, wantLine: 2},
		{name: "undefined entity", in: "<Response><Say>a &nbsp; b</Say></Response>", wantCode: 12100, wantLine: 1},
		{name: "bare ampersand", in: "<Response><Say>fish & chips</Say></Response>", wantCode: 12100, wantLine: 1},
		{name: "duplicate attribute", in: `<Response><Say loop="1" loop="2">hi</Say></Response>`, wantCode: 12100},
		{name: "only a comment", in: "<!-- nothing -->", wantCode: 12100},
		{name: "wrong root", in: "<Document><Say>hi</Say></Document>", wantCode: 12102},
		{name: "root in lower case", in: "<response/>", wantCode: 12102},
		{name: "namespaced root", in: `<x:Response xmlns:x="urn:x"/>`, wantCode: 12102},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := twiml.Parse([]byte(tt.in))
			var pe *twiml.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v (document %+v), want a *ParseError", err, doc)
			}
			if pe.Code != tt.wantCode || (tt.wantLine != 0 && pe.Line != tt.wantLine) {
				t.Errorf("got code %d line %d (%v), want code %d line %d", pe.Code, pe.Line, err, tt.wantCode, tt.wantLine)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v does not wrap %v", err, tt.wantErr)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "twiml: ") {
				t.Errorf("error %q lacks the twiml: prefix", msg)
			}
		})
	}
}

func TestMustParse(t *testing.T) {
	doc := twiml.MustParse(`<Response><Hangup/></Response>`)
	if diff := cmp.Diff([]twiml.Verb{&twiml.Hangup{}}, doc.Verbs); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("MustParse of a bad document did not panic")
		}
		var pe *twiml.ParseError
		if err, ok := r.(error); !ok || !errors.As(err, &pe) || pe.Code != twiml.CodeBadRoot {
			t.Errorf("MustParse panicked with %v, want the 12102 *ParseError", r)
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
		`<Response><Dial timeout="3" record="true"><Number>+1 (415) 555-0100</Number><Conference>c</Conference><Say/></Dial></Response>`,
		`<Response><Gather input="dtmf speech" Timeout="2"><Play digits="1w2">x</Play><Dial/></Gather><say/></Response>`,
		`<Response><Start><Stream url="wss://x"><Parameter name="a" value="b"/></Stream><Room/></Start><Stop><Siprec name="s"/></Stop></Response>`,
		`<Response><Pay><Prompt for="postal-code" attempt="1 2"><Say>zip</Say><Dial/></Prompt></Pay><Enqueue><Task>{"a":1}</Task></Enqueue></Response>`,
		`<Response><Connect><ConversationRelay url="wss://r" voice="v"><Language code="en"/></ConversationRelay></Connect><Refer><Sip>sip:a@b</Sip></Refer></Response>`,
		`<Response a="1" a="2"/>`,
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
		for _, p := range doc.Problems {
			if p.Code == 0 || (p.Level != twiml.Warning && p.Level != twiml.Error) || !strings.HasPrefix(p.Path, "Response") || p.Message == "" {
				t.Fatalf("Parse(%q) returned an incomplete problem %+v", data, p)
			}
		}
	})
}
