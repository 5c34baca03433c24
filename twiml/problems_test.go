package twiml_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/twiml"
)

func w(code int, path string) where { return where{code, twiml.Warning, path} }
func e(code int, path string) where { return where{code, twiml.Error, path} }

// TestProblems checks the problems reported for documents Twilio runs but
// logs warnings or errors about.
func TestProblems(t *testing.T) {
	tests := []struct {
		name string
		in   string // the content of <Response>
		want []where
	}{
		// Names are case-sensitive; unknown names are schema warnings.
		{"verb in lower case", `<say>hi</say>`, []where{w(12200, "Response/say[1]")}},
		{"attribute in upper case", `<Say Voice="woman">hi</Say>`, []where{w(12200, "Response/Say[1]")}},
		{"unknown attribute", `<Hangup reason="x"/>`, []where{w(12200, "Response/Hangup[1]")}},
		{"Messaging verb", `<Message>hi</Message>`, []where{w(12200, "Response/Message[1]")}},
		{"noun at the top level", `<Number>+14155550100</Number>`, []where{w(12200, "Response/Number[1]")}},
		{"text in Response", `hello<Hangup/>`, []where{w(12200, "Response")}},
		{"namespaced attribute", `<Pause xml:lang="en"/>`, []where{w(12200, "Response/Pause[1]")}},

		// <Say>
		{"Say loop", `<Say loop="-1">a</Say>`, []where{w(13510, "Response/Say[1]")}},
		{"Say voice", `<Say voice="robot">a</Say>`, []where{w(13511, "Response/Say[1]")}},
		{"Say empty", `<Say>  </Say>`, []where{w(13520, "Response/Say[1]")}},
		{"Say too long", `<Say>` + strings.Repeat("a", 4097) + `</Say>`, []where{w(13521, "Response/Say[1]")}},
		{"Polly Say too long", `<Say voice="Polly.Amy">` + strings.Repeat("a", 3001) + `</Say>`, []where{w(13521, "Response/Say[1]")}},
		{"Say with a non-SSML element", `<Say>a<Play>x</Play></Say>`, []where{w(12200, "Response/Say[1]/Play[1]")}},

		// <Play>, <Pause>, <Redirect>, <Reject>
		{"Play loop", `<Play loop="x">/a.mp3</Play>`, []where{w(13410, "Response/Play[1]")}},
		{"Play digits", `<Play digits="12x"/>`, []where{w(13430, "Response/Play[1]"), e(11100, "Response/Play[1]")}},
		{"Play with nothing to play", `<Play/>`, []where{e(11100, "Response/Play[1]")}},
		{"Play with a bad URL", `<Play>ftp://example.com/a.mp3</Play>`, []where{e(11100, "Response/Play[1]")}},
		{"Pause length", `<Pause length="-5"/>`, []where{w(13910, "Response/Pause[1]")}},
		// Numbers that would overflow a duration are out of range, never
		// silently changed: the longest call is 86400 s, loop="0" plays 1000.
		{"Pause length over a day", `<Pause length="86401"/>`, []where{w(13910, "Response/Pause[1]")}},
		{"Pause length that overflows", `<Pause length="9223372036854775807"/>`, []where{w(13910, "Response/Pause[1]")}},
		{"Say loop over 1000", `<Say loop="1001">a</Say>`, []where{w(13510, "Response/Say[1]")}},
		{"Play loop that overflows", `<Play loop="99999999999999999999">/a.mp3</Play>`, []where{w(13410, "Response/Play[1]")}},
		{"Record timeout over a day", `<Record timeout="86401"/>`, []where{w(13611, "Response/Record[1]")}},
		{"the longest Pause and loop are fine", `<Pause length="86400"/><Say loop="1000">a</Say><Play loop="1000">/a.mp3</Play>`, nil},
		{"Pause with text", `<Pause>5</Pause>`, []where{w(12200, "Response/Pause[1]")}},
		{"Redirect method", `<Redirect method="PUT">/next</Redirect>`, []where{w(13710, "Response/Redirect[1]")}},
		{"Redirect without URL", `<Redirect/>`, []where{e(11100, "Response/Redirect[1]")}},
		{"Reject reason", `<Reject reason="no"/>`, []where{w(13810, "Response/Reject[1]")}},

		// <Gather>
		{"Gather finishOnKey", `<Gather finishOnKey="##"/>`, []where{w(13310, "Response/Gather[1]")}},
		{"Gather method", `<Gather method="PATCH"/>`, []where{w(13312, "Response/Gather[1]")}},
		{"Gather timeout", `<Gather timeout="0"/>`, []where{w(13313, "Response/Gather[1]")}},
		{"Gather timeout over a day", `<Gather timeout="86401"/>`, []where{w(13313, "Response/Gather[1]")}},
		{"Gather numDigits", `<Gather numDigits="one"/>`, []where{w(13314, "Response/Gather[1]")}},
		{"Gather input", `<Gather input="dtmf voice"/>`, []where{w(13326, "Response/Gather[1]")}},
		{"Gather speechTimeout", `<Gather speechTimeout="soon"/>`, []where{w(13327, "Response/Gather[1]")}},
		{"Gather maxSpeechTime", `<Gather maxSpeechTime="61"/>`, []where{w(13328, "Response/Gather[1]")}},
		{"Gather partialResultCallbackMethod", `<Gather partialResultCallbackMethod="PUT"/>`, []where{w(13329, "Response/Gather[1]")}},
		{"Gather bargeIn", `<Gather bargeIn="yes"/>`, []where{w(13332, "Response/Gather[1]")}},
		{"Gather profanityFilter", `<Gather profanityFilter="1"/>`, []where{w(13333, "Response/Gather[1]")}},
		{"Gather speechModel", `<Gather speechModel="best"/>`, []where{w(13334, "Response/Gather[1]")}},
		{"Gather debug", `<Gather debug="on"/>`, []where{w(13336, "Response/Gather[1]")}},
		{"Gather actionOnEmptyResult", `<Gather actionOnEmptyResult="maybe"/>`, []where{e(13338, "Response/Gather[1]")}},
		{"Gather enhanced", `<Gather enhanced="0"/>`, []where{w(13339, "Response/Gather[1]")}},
		{"Gather action URL", `<Gather action="mailto:a@example.com"/>`, []where{e(11100, "Response/Gather[1]")}},
		{"Gather Say loop and voice", `<Gather><Say>a</Say><Say loop="x" voice="robot">b</Say></Gather>`,
			[]where{w(13321, "Response/Gather[1]/Say[2]"), w(13322, "Response/Gather[1]/Say[2]")}},

		// <Record>
		{"Record method", `<Record method="DELETE"/>`, []where{w(13610, "Response/Record[1]")}},
		{"Record timeout", `<Record timeout="-1"/>`, []where{w(13611, "Response/Record[1]")}},
		{"Record maxLength", `<Record maxLength="1"/>`, []where{w(13612, "Response/Record[1]")}},
		{"Record finishOnKey", `<Record finishOnKey="a"/>`, []where{w(13613, "Response/Record[1]")}},
		{"Record transcribe", `<Record transcribe="yes"/>`, []where{w(13614, "Response/Record[1]")}},
		{"Record maxLength too long to transcribe", `<Record transcribe="true" maxLength="600"/>`, []where{w(13615, "Response/Record[1]")}},
		{"Record bad maxLength while transcribing", `<Record transcribe="true" maxLength="x"/>`, []where{w(13612, "Response/Record[1]")}},
		{"Record playBeep", `<Record playBeep="no"/>`, []where{w(13616, "Response/Record[1]")}},
		{"Record recordingStatusCallbackEvent", `<Record recordingStatusCallbackEvent="completed done"/>`, []where{e(13621, "Response/Record[1]")}},
		{"Record trim", `<Record trim="yes"/>`, []where{w(13699, "Response/Record[1]")}},
		{"Record with a child", `<Record><Say>hi</Say></Record>`, []where{w(12200, "Response/Record[1]/Say[1]")}},

		// <Dial> and its nouns
		{"Dial method", `<Dial method="put">+14155550100</Dial>`, []where{w(13210, "Response/Dial[1]")}},
		{"Dial timeout too short", `<Dial timeout="4">+14155550100</Dial>`, []where{w(13212, "Response/Dial[1]")}},
		{"Dial timeout too long", `<Dial timeout="601">+14155550100</Dial>`, []where{w(13212, "Response/Dial[1]")}},
		{"Dial hangupOnStar", `<Dial hangupOnStar="*">+14155550100</Dial>`, []where{w(13213, "Response/Dial[1]")}},
		{"Dial callerId", `<Dial callerId="">+14155550100</Dial>`, []where{w(13214, "Response/Dial[1]")}},
		{"Dial nested Say", `<Dial><Say>hi</Say><Number>+14155550100</Number></Dial>`, []where{w(13215, "Response/Dial[1]/Say[1]")}},
		{"Dial timeLimit", `<Dial timeLimit="0">+14155550100</Dial>`, []where{w(13216, "Response/Dial[1]")}},
		{"Dial record", `<Dial record="always">+14155550100</Dial>`, []where{w(13217, "Response/Dial[1]")}},
		{"Dial sequential", `<Dial sequential="2">+14155550100</Dial>`, []where{w(13218, "Response/Dial[1]")}},
		{"Dial answerOnBridge", `<Dial answerOnBridge="y">+14155550100</Dial>`, []where{w(13219, "Response/Dial[1]")}},
		{"Dial ringTone", `<Dial ringTone="xx">+14155550100</Dial>`, []where{w(13220, "Response/Dial[1]")}},
		{"Dial nothing to dial", `<Dial/>`, []where{w(13223, "Response/Dial[1]")}},
		{"Dial a word", `<Dial>reception</Dial>`, []where{w(13223, "Response/Dial[1]")}},
		{"Dial text and nouns", `<Dial>+14155550100<Number>+14155550101</Number></Dial>`, []where{w(12200, "Response/Dial[1]")}},
		{"Number method", `<Dial><Number method="PUT">+14155550100</Number></Dial>`, []where{w(13221, "Response/Dial[1]/Number[1]")}},
		{"Number sendDigits", `<Dial><Number sendDigits="12x">+14155550100</Number></Dial>`, []where{w(13222, "Response/Dial[1]/Number[1]")}},
		{"Number format", `<Dial><Number>+1-800-FLOWERS</Number></Dial>`, []where{w(13223, "Response/Dial[1]/Number[1]")}},
		{"Number statusCallbackEvent", `<Dial><Number statusCallbackEvent="queued">+14155550100</Number></Dial>`, []where{w(12200, "Response/Dial[1]/Number[1]")}},
		{"Number machineDetectionTimeout", `<Dial><Number machineDetectionTimeout="2">+14155550100</Number></Dial>`, []where{w(12200, "Response/Dial[1]/Number[1]")}},
		{"Number asyncAmd", `<Dial><Number asyncAmd="true">+14155550100</Number></Dial>`, []where{w(21263, "Response/Dial[1]/Number[1]")}},
		{"Conference mixed with Number", `<Dial><Number>+14155550100</Number><Conference>room</Conference></Dial>`, []where{w(13000, "Response/Dial[1]/Conference[1]")}},
		{"two Conferences", `<Dial><Conference>a</Conference><Conference>b</Conference></Dial>`, []where{w(13000, "Response/Dial[1]/Conference[2]")}},
		{"eleven Numbers", `<Dial>` + strings.Repeat(`<Number>+14155550100</Number>`, 11) + `</Dial>`, []where{w(12200, "Response/Dial[1]/Number[11]")}},
		{"Conference muted", `<Dial><Conference muted="x">r</Conference></Dial>`, []where{w(13230, "Response/Dial[1]/Conference[1]")}},
		{"Conference endConferenceOnExit", `<Dial><Conference endConferenceOnExit="x">r</Conference></Dial>`, []where{e(13231, "Response/Dial[1]/Conference[1]")}},
		{"Conference startConferenceOnEnter", `<Dial><Conference startConferenceOnEnter="x">r</Conference></Dial>`, []where{w(13232, "Response/Dial[1]/Conference[1]")}},
		{"Conference waitUrl", `<Dial><Conference waitUrl="ftp://music">r</Conference></Dial>`, []where{w(13233, "Response/Dial[1]/Conference[1]")}},
		{"Conference waitMethod", `<Dial><Conference waitMethod="x">r</Conference></Dial>`, []where{w(13234, "Response/Dial[1]/Conference[1]")}},
		{"Conference beep", `<Dial><Conference beep="loud">r</Conference></Dial>`, []where{w(13235, "Response/Dial[1]/Conference[1]")}},
		{"Conference name", `<Dial><Conference/></Dial>`, []where{w(13237, "Response/Dial[1]/Conference[1]")}},
		{"Conference trim", `<Dial><Conference trim="all">r</Conference></Dial>`, []where{e(13239, "Response/Dial[1]/Conference[1]")}},
		{"Sip method", `<Dial><Sip method="x">sip:a@example.com</Sip></Dial>`, []where{w(13241, "Response/Dial[1]/Sip[1]")}},
		{"Sip URI", `<Dial><Sip>bob@example.com</Sip></Dial>`, []where{w(13243, "Response/Dial[1]/Sip[1]")}},
		{"Queue method", `<Dial><Queue method="x">q</Queue></Dial>`, []where{e(14210, "Response/Dial[1]/Queue[1]")}},
		{"Queue without name", `<Dial><Queue/></Dial>`, []where{e(14212, "Response/Dial[1]/Queue[1]")}},
		{"Client without identity", `<Dial><Client/></Dial>`, []where{w(12200, "Response/Dial[1]/Client[1]")}},
		{"Application without sid", `<Dial><Application/></Dial>`, []where{w(12200, "Response/Dial[1]/Application[1]")}},

		// <Sms>, <Enqueue>, <Start>, <Stop>, <Connect>, <Refer>
		{"Sms to", `<Sms to="someone">hi</Sms>`, []where{w(14101, "Response/Sms[1]")}},
		{"Sms from", `<Sms from="me">hi</Sms>`, []where{w(14102, "Response/Sms[1]")}},
		{"Sms body", `<Sms/>`, []where{w(14103, "Response/Sms[1]")}},
		{"Sms method", `<Sms method="x">hi</Sms>`, []where{w(14104, "Response/Sms[1]")}},
		{"Enqueue method", `<Enqueue method="x">q</Enqueue>`, []where{e(14201, "Response/Enqueue[1]")}},
		{"Enqueue waitUrl", `<Enqueue waitUrl="ftp://x">q</Enqueue>`, []where{e(14202, "Response/Enqueue[1]")}},
		{"Enqueue action", `<Enqueue action="ftp://x">q</Enqueue>`, []where{e(14203, "Response/Enqueue[1]")}},
		{"Enqueue without name", `<Enqueue/>`, []where{e(14204, "Response/Enqueue[1]")}},
		{"Enqueue name too long", `<Enqueue>` + strings.Repeat("q", 65) + `</Enqueue>`, []where{e(14205, "Response/Enqueue[1]")}},
		{"Enqueue waitUrlMethod", `<Enqueue waitUrlMethod="x">q</Enqueue>`, []where{e(14206, "Response/Enqueue[1]")}},
		{"Enqueue Task JSON", `<Enqueue workflowSid="WW01"><Task>{not json}</Task></Enqueue>`, []where{e(14221, "Response/Enqueue[1]/Task[1]")}},
		{"Start with Room", `<Start><Room>r</Room><Stream url="wss://x"/></Start>`, []where{e(14300, "Response/Start[1]/Room[1]")}},
		{"Stop with Recording", `<Stop><Recording/></Stop>`, []where{e(14300, "Response/Stop[1]/Recording[1]")}},
		{"Connect with Number", `<Connect><Number>+14155550100</Number></Connect>`, []where{w(12200, "Response/Connect[1]/Number[1]")}},
		{"Stream track", `<Connect><Stream url="wss://x" track="both"/></Connect>`, []where{w(12200, "Response/Connect[1]/Stream[1]")}},
		{"Parameter without name", `<Hangup><Parameter value="v"/></Hangup>`, []where{w(12200, "Response/Hangup[1]/Parameter[1]")}},
		{"Refer without Sip", `<Refer/>`, []where{w(12200, "Response/Refer[1]")}},
		{"Refer with a bad SIP URI", `<Refer><Sip>tel:+14155550100</Sip></Refer>`, []where{w(13243, "Response/Refer[1]/Sip[1]")}},
		{"Transcription unknown attribute", `<Start><Transcription colour="red"/></Start>`, []where{w(12200, "Response/Start[1]/Transcription[1]")}},
		{"Pay tokenType", `<Pay tokenType="forever"/>`, []where{w(12200, "Response/Pay[1]")}},

		// Problems come in document order.
		{"document order", `<Say loop="x">a</Say><Gather timeout="x"><Say voice="x">b</Say><Dial/></Gather><Pause length="x"/>`, []where{
			w(13510, "Response/Say[1]"),
			w(13313, "Response/Gather[1]"),
			w(13321, "Response/Gather[1]/Say[1]"),
			w(13320, "Response/Gather[1]/Dial[1]"),
			w(13910, "Response/Pause[1]"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, "<Response>"+tt.in+"</Response>")
			if diff := cmp.Diff(tt.want, wheres(t, doc.Problems)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s\n%v", diff, doc.Problems)
			}
		})
	}
}

// TestNesting checks that children that may not be nested where they are
// are dropped, and the rest of the document is kept.
func TestNesting(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		want         twiml.Verb
		wantProblems []where
	}{
		{
			name: "Gather keeps Say, Play and Pause and drops the rest",
			in:   `<Gather><Say>a</Say><Dial>+14155550100</Dial><Play>/b.mp3</Play><Play digits="1"/><Record/><Pause/><say>c</say></Gather>`,
			want: func() *twiml.Gather {
				g := gatherDefaults()
				g.Verbs = []twiml.Verb{
					&twiml.Say{Text: "a", Voice: "man", Language: "en-US", Loop: 1},
					&twiml.Play{URL: "/b.mp3", Loop: 1},
					&twiml.Pause{Length: 1},
				}
				return g
			}(),
			wantProblems: []where{
				w(13320, "Response/Gather[1]/Dial[1]"),
				w(13320, "Response/Gather[1]/Play[2]"),
				w(13320, "Response/Gather[1]/Record[1]"),
				w(13320, "Response/Gather[1]/say[1]"),
			},
		},
		{
			name: "Dial keeps its nouns and drops verbs",
			in:   `<Dial><Number>+14155550100</Number><Hangup/><Client>alice</Client></Dial>`,
			want: dialWith(
				&twiml.Number{Number: "+14155550100", LegCallbacks: legDefaults, AMD: amdDefaults},
				&twiml.Client{Identity: "alice", LegCallbacks: legDefaults},
			),
			wantProblems: []where{w(13215, "Response/Dial[1]/Hangup[1]")},
		},
		{
			name: "Dial keeps the first of Conference and Number",
			in:   `<Dial><Conference>room</Conference><Number>+14155550100</Number></Dial>`,
			want: dialWith(&twiml.Conference{
				Name: "room", Beep: "true", StartConferenceOnEnter: true, WaitMethod: "POST", MaxParticipants: 250, JitterBufferSize: "large",
				Record: "do-not-record", Trim: "trim-silence", StatusCallbackMethod: "POST",
				RecordingStatusCallbackMethod: "POST", RecordingStatusCallbackEvent: []string{"completed"},
			}),
			wantProblems: []where{w(13000, "Response/Dial[1]/Number[1]")},
		},
		{
			name: "Dial keeps WhatsApp as written",
			in:   `<Dial><WhatsApp>+14155550100</WhatsApp></Dial>`,
			want: dialWith(&twiml.Element{Name: "WhatsApp", Text: "+14155550100"}),
		},
		{
			name: "Connect keeps untyped helper-library nouns as written",
			in:   `<Connect><Assistant id="a"/></Connect>`,
			want: &twiml.Connect{Method: "POST", Nouns: []twiml.Noun{&twiml.Element{Name: "Assistant", Attrs: []twiml.Attr{{Name: "id", Value: "a"}}}}},
		},
		{
			name:         "Pay Prompt keeps Say and drops Gather",
			in:           `<Pay><Prompt for="expiration-date"><Gather/><Say>Expiry?</Say></Prompt></Pay>`,
			wantProblems: []where{w(12200, "Response/Pay[1]/Prompt[1]/Gather[1]")},
			want: &twiml.Pay{
				Method: "POST", PaymentConnector: "Default", Currency: "usd", Input: "dtmf", MaxAttempts: 1,
				PaymentMethod: "credit-card", PostalCode: "true", SecurityCode: true, StatusCallbackMethod: "POST",
				Timeout: 5, TokenType: "reusable", ValidCardTypes: []string{"visa", "mastercard", "amex"},
				Prompts: []*twiml.Prompt{{For: "expiration-date", Verbs: []twiml.Verb{&twiml.Say{Text: "Expiry?", Voice: "man", Language: "en-US", Loop: 1}}}},
			},
		},
		{
			name:         "Reject keeps Parameters and drops verbs",
			in:           `<Reject><Say>no</Say><Parameter name="a" value="b"/></Reject>`,
			want:         &twiml.Reject{Reason: "rejected", Parameters: []twiml.Parameter{{Name: "a", Value: "b"}}},
			wantProblems: []where{w(12200, "Response/Reject[1]/Say[1]")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, "<Response>"+tt.in+"</Response>")
			if diff := cmp.Diff([]twiml.Verb{tt.want}, doc.Verbs); diff != "" {
				t.Errorf("verbs mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantProblems, wheres(t, doc.Problems)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s\n%v", diff, doc.Problems)
			}
		})
	}
}

// A list attribute without a default, given a bad value, says it has none
// rather than quoting an empty text.
func TestInvalidListWithoutDefault(t *testing.T) {
	doc, err := twiml.Parse([]byte(`<Response><Dial><Conference statusCallbackEvent="bogus">room</Conference></Dial></Response>`))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, p := range doc.Problems {
		msgs = append(msgs, p.Message)
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, `statusCallbackEvent="bogus" is not`) || !strings.Contains(all, "Twilio uses the default (none)") {
		t.Errorf("problems:\n%s\nwant statusCallbackEvent's, saying the default is (none)", all)
	}
}
