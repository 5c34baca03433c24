package harness_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestGather(t *testing.T) {
	menu := `<Response><Gather numDigits="1" action="/menu"><Say>Press 1 for sales</Say></Gather><Say>Goodbye</Say></Response>`
	tests := []struct {
		name     string
		voice    string
		steps    []scenario.Step
		want     []req
		wantSaid []string
		wantLen  time.Duration
	}{
		{
			name:  "numDigits reached",
			voice: menu,
			steps: []scenario.Step{press("1")},
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "POST", "/menu", map[string]string{"Digits": "1", "FinishedOnKey": "", "CallStatus": "in-progress"}},
			},
			wantSaid: []string{"Press 1 for sales", "Sales. Bye."},
			wantLen:  2600 * time.Millisecond, // 1.6 s prompt, key at once, 1 s "Sales. Bye."
		},
		{
			name:     "timeout falls through to the next verb",
			voice:    menu,
			want:     []req{{harness.KindVoice, "POST", "/voice", map[string]string{}}},
			wantSaid: []string{"Press 1 for sales", "Goodbye"},
			wantLen:  7600 * time.Millisecond, // 1.6 s prompt + 5 s timeout + 1 s goodbye
		},
		{
			name:  "finishOnKey ends and is not in Digits",
			voice: `<Response><Gather action="/menu" timeout="3"><Say>Enter your PIN</Say></Gather></Response>`,
			steps: []scenario.Step{press("12#")},
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "POST", "/menu", map[string]string{"Digits": "12", "FinishedOnKey": "#", "CallStatus": "in-progress"}},
			},
			wantSaid: []string{"Enter your PIN", "Sales. Bye."},
		},
		{
			name:     "finishOnKey first is no input",
			voice:    `<Response><Gather action="/menu"><Say>Enter your PIN</Say></Gather><Say>Nothing entered</Say></Response>`,
			steps:    []scenario.Step{press("#")},
			want:     []req{{harness.KindVoice, "POST", "/voice", map[string]string{}}},
			wantSaid: []string{"Enter your PIN", "Nothing entered"},
		},
		{
			name:  "digits then silence send what was typed",
			voice: `<Response><Gather action="/menu" timeout="2"><Say>Enter your PIN</Say></Gather></Response>`,
			steps: []scenario.Step{press("42")},
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "POST", "/menu", map[string]string{"Digits": "42", "FinishedOnKey": "", "CallStatus": "in-progress"}},
			},
			wantSaid: []string{"Enter your PIN", "Sales. Bye."},
		},
		{
			name:  "empty finishOnKey collects #",
			voice: `<Response><Gather action="/menu" finishOnKey="" numDigits="3"><Say>Go</Say></Gather></Response>`,
			steps: []scenario.Step{press("1#2")},
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "POST", "/menu", map[string]string{"Digits": "1#2", "FinishedOnKey": "", "CallStatus": "in-progress"}},
			},
			wantSaid: []string{"Go", "Sales. Bye."},
		},
		{
			name:  "actionOnEmptyResult requests the action with no Digits",
			voice: `<Response><Gather action="/menu" actionOnEmptyResult="true"><Say>Go</Say></Gather></Response>`,
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "POST", "/menu", map[string]string{"FinishedOnKey": "", "CallStatus": "in-progress"}},
			},
			wantSaid: []string{"Go", "Sales. Bye."},
		},
		{
			name:  "default action is the document's URL, GET method",
			voice: `<Response><Gather numDigits="1" method="GET"><Say>Go</Say></Gather></Response>`,
			steps: []scenario.Step{press("5"), {Do: scenario.Action{Kind: scenario.HangUp}}},
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "GET", "/voice", map[string]string{"Digits": "5", "FinishedOnKey": ""}},
			},
			wantSaid: []string{"Go", "Go"},
		},
		{
			name:  "speech",
			voice: `<Response><Gather input="speech" action="/menu" speechTimeout="auto"><Say>What do you need?</Say></Gather></Response>`,
			steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Speak, Text: "billing please", Confidence: 0.87}}},
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "POST", "/menu", map[string]string{"SpeechResult": "billing please", "Confidence": "0.87"}},
			},
			wantSaid: []string{"What do you need?", "Sales. Bye."},
			wantLen:  1600*time.Millisecond + time.Second + time.Second + time.Second, // prompt, speech, auto, reply
		},
		{
			name:     "speech at a dtmf gather is not heard",
			voice:    `<Response><Gather action="/menu"><Say>Press a key</Say></Gather><Say>Nothing</Say></Response>`,
			steps:    []scenario.Step{{Do: scenario.Action{Kind: scenario.Speak, Text: "hello"}}},
			want:     []req{{harness.KindVoice, "POST", "/voice", map[string]string{}}},
			wantSaid: []string{"Press a key", "Nothing"},
		},
		{
			name:     "hang up during the gather makes no request",
			voice:    menu,
			steps:    []scenario.Step{{Do: scenario.Action{Kind: scenario.HangUp, Delay: time.Second}}},
			want:     []req{{harness.KindVoice, "POST", "/voice", map[string]string{}}},
			wantSaid: []string{"Press 1 for sales"},
			wantLen:  2600 * time.Millisecond,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := run(t, map[string]string{"/voice": tt.voice, "/menu": `<Response><Say>Sales. Bye.</Say></Response>`},
				scenario.Party{Steps: tt.steps})
			got := requests(c, "Digits", "FinishedOnKey", "CallStatus", "SpeechResult", "Confidence")
			for i := range got {
				if tt.want != nil && i < len(tt.want) && tt.want[i].Params["CallStatus"] == "" {
					delete(got[i].Params, "CallStatus")
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("requests mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff(tt.wantSaid, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
			if info := c.Info(); tt.wantLen != 0 && info.Duration != tt.wantLen {
				t.Errorf("call lasted %v, want %v\n%s", info.Duration, tt.wantLen, c.Transcript())
			}
		})
	}
}

func TestGatherBargeIn(t *testing.T) {
	voice := `<Response><Gather numDigits="1" action="/menu"><Say>This is a very long menu prompt that goes on and on</Say><Say>Second prompt</Say></Gather></Response>`
	_, c := run(t, map[string]string{"/voice": voice, "/menu": `<Response/>`},
		scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Press, Digits: "2", BargeIn: true, Delay: time.Second}}}})
	if diff := cmp.Diff([]string{"This is a very long menu prompt that goes on and on"}, said(c)); diff != "" {
		t.Errorf("the second prompt played after the key (-want +got):\n%s", diff)
	}
	if got := c.Info().Duration; got != time.Second {
		t.Errorf("call lasted %v, want 1s: the key at 1 s ends the gather", got)
	}
}

// TestGatherInputNotTaken: keys at a Gather that listens only for speech,
// and words at one that listens only for keys, are warnings that say so.
func TestGatherInputNotTaken(t *testing.T) {
	for _, tt := range []struct {
		name, input string
		party       scenario.Party
		want        string
	}{
		{"keys at speech", "speech", scenario.Person().Presses("1").AtNext("Gather"), `the far end pressed "1", but the <Gather> listens only for speech`},
		{"words at keys", "dtmf", scenario.Person().Says("sales").AtNext("Gather"), `the far end said "sales", but the <Gather> listens only for keys`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, c := run(t, map[string]string{"/voice": `<Response><Gather input="` + tt.input + `" action="/done"><Say>Which department?</Say></Gather></Response>`},
				tt.party, harness.WithLenientScripts())
			n := c.Notifications()
			if len(n) != 1 || n[0].Code != harness.CodeInputNotTaken || n[0].Level != harness.LevelWarning || !strings.Contains(n[0].Message, tt.want) {
				t.Errorf("notifications %+v, want one warning %d: %s", n, harness.CodeInputNotTaken, tt.want)
			}
		})
	}
}

func TestGatherInput(t *testing.T) {
	const prompt = `<Say>Enter your account number</Say>` // 1.6 s
	gather := func(attrs string) map[string]string {
		return map[string]string{
			"/voice": `<Response><Gather action="/done" ` + attrs + `>` + prompt + `</Gather><Say>No input</Say></Response>`,
			"/done":  `<Response><Say>Thanks</Say></Response>`,
		}
	}
	keys := func(digits string, gap time.Duration) scenario.Party {
		return scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Press, Digits: digits, KeyGap: gap}}}}
	}
	names := []string{"Digits", "FinishedOnKey", "SpeechResult", "Confidence"}
	done := func(kv ...string) []req {
		return []req{voiceReq, {harness.KindAction, "POST", "/done", values(kv...)}}
	}
	const long = `<Say>Please listen carefully as our menu options have changed</Say><Say>Press 1 for sales</Say>` // 3.6 s + 1.6 s
	bargeIn := scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Press, Digits: "1", BargeIn: true, Delay: time.Second}}}}
	runFlows(t, []flow{
		{
			name:         "finishOnKey before numDigits",
			paths:        gather(`numDigits="4" finishOnKey="#"`),
			party:        keys("12#", 0),
			params:       names,
			want:         done("Digits", "12", "FinishedOnKey", "#"),
			wantDuration: 1600*time.Millisecond + 400*time.Millisecond + time.Second,
		},
		{
			name:         "numDigits before finishOnKey: later keys are not heard",
			paths:        gather(`numDigits="2" finishOnKey="#"`),
			party:        keys("123#", 0),
			params:       names,
			want:         done("Digits", "12", "FinishedOnKey", ""),
			wantDuration: 1600*time.Millisecond + 200*time.Millisecond + time.Second,
			check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
				for _, e := range c.Events() {
					if e.Kind == harness.EventInput && strings.Contains(e.Text, "'3'") {
						t.Errorf("the gather heard %s after numDigits was reached", e.Text)
					}
				}
				// The script does not fit the menu: said, never dropped silently.
				want := `the far end pressed "123#", but the <Gather> took its numDigits="2" after "12": "3#" went unheard`
				if n := c.Notifications(); len(n) != 1 || n[0].Code != harness.CodeInputNotTaken || n[0].Level != harness.LevelWarning || !strings.Contains(n[0].Message, want) {
					t.Errorf("notifications %+v, want one warning %d: %s", n, harness.CodeInputNotTaken, want)
				}
			},
		},
		{
			name:         "# is a digit when finishOnKey is *",
			paths:        gather(`finishOnKey="*"`),
			party:        keys("#1*", 0),
			params:       names,
			want:         done("Digits", "#1", "FinishedOnKey", "*"),
			wantDuration: 1600*time.Millisecond + 400*time.Millisecond + time.Second,
		},
		{
			name:         "the timeout restarts after each key: keys 3 s apart with timeout 2 collect only the first",
			paths:        gather(`timeout="2"`),
			party:        keys("12", 3*time.Second),
			params:       names,
			want:         done("Digits", "1", "FinishedOnKey", ""),
			wantDuration: 1600*time.Millisecond + 2*time.Second + time.Second,
		},
		{
			name:         "keys 1.5 s apart with timeout 2 are all collected",
			paths:        gather(`timeout="2"`),
			party:        keys("12", 1500*time.Millisecond),
			params:       names,
			want:         done("Digits", "12", "FinishedOnKey", ""),
			wantDuration: 1600*time.Millisecond + 1500*time.Millisecond + 2*time.Second + time.Second,
		},
		{
			name: "a key during the prompt stops it (bargeIn defaults to true)",
			paths: map[string]string{
				"/voice": `<Response><Gather action="/done" timeout="2">` + long + `</Gather></Response>`,
				"/done":  `<Response><Say>Thanks</Say></Response>`,
			},
			party:        bargeIn,
			params:       names,
			want:         done("Digits", "1", "FinishedOnKey", ""),
			wantDuration: time.Second + 2*time.Second + time.Second,
			check:        wantSaid("Please listen carefully as our menu options have changed", "Thanks"),
		},
		{
			name: `bargeIn="false" keeps the prompt playing; the timeout counts from its end`,
			paths: map[string]string{
				"/voice": `<Response><Gather action="/done" timeout="2" bargeIn="false">` + long + `</Gather></Response>`,
				"/done":  `<Response><Say>Thanks</Say></Response>`,
			},
			party:        bargeIn,
			params:       names,
			want:         done("Digits", "1", "FinishedOnKey", ""),
			wantDuration: 3600*time.Millisecond + 1600*time.Millisecond + 2*time.Second + time.Second,
			check:        wantSaid("Please listen carefully as our menu options have changed", "Press 1 for sales", "Thanks"),
		},
		{
			name:  `input="dtmf speech" hears speech`,
			paths: gather(`input="dtmf speech" speechTimeout="auto"`),
			party: scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Speak, Text: "sales"}}}},
			// 1.6 s prompt, 1 s of speech, 1 s of auto speech timeout, 1 s of thanks.
			params:       names,
			want:         done("SpeechResult", "sales", "Confidence", "0.9"),
			wantDuration: 1600*time.Millisecond + 3*time.Second,
		},
		{
			name:         `input="dtmf speech" hears keys`,
			paths:        gather(`input="dtmf speech" numDigits="1"`),
			party:        keys("4", 0),
			params:       names,
			want:         done("Digits", "4", "FinishedOnKey", ""),
			wantDuration: 1600*time.Millisecond + time.Second,
		},
	})
}
