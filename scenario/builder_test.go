package scenario_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/scenario"
)

func TestBuilderReadsLikeTheSentence(t *testing.T) {
	// "answers after 4 rings, presses 2 at the menu, says 'billing' at the
	// next prompt, hangs up during the hold music"
	p := scenario.Person().AnswersAfterRings(4).
		Presses("2").WhenPromptContains("menu").
		Says("billing").AtNext("Gather").
		HangsUp().During("Play").After(5 * time.Second)
	want := scenario.Party{
		RingTime: 24 * time.Second,
		Steps: []scenario.Step{
			{When: scenario.Trigger{PromptContains: "menu"}, Do: scenario.Action{Kind: scenario.Press, Digits: "2"}},
			{When: scenario.Trigger{Verb: "Gather"}, Do: scenario.Action{Kind: scenario.Speak, Text: "billing"}},
			{When: scenario.Trigger{Verb: "Play"}, Do: scenario.Action{Kind: scenario.HangUp, Delay: 5 * time.Second}},
		},
	}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	var steps []string
	for _, s := range p.Steps {
		steps = append(steps, s.String())
	}
	wantText := []string{
		`press "2" when the prompt contains "menu"`,
		`say "billing" at the next <Gather>`,
		`hang up after 5s at the next <Play>`,
	}
	if diff := cmp.Diff(wantText, steps); diff != "" {
		t.Errorf("step descriptions mismatch (-want +got):\n%s", diff)
	}
}

func TestBuilderCopiesAreIndependent(t *testing.T) {
	base := scenario.Person().Presses("1")
	a := base.Presses("2").After(time.Second)
	b := base.Says("hello")
	if len(base.Steps) != 1 || len(a.Steps) != 2 || len(b.Steps) != 2 {
		t.Fatalf("steps: base %d, a %d, b %d", len(base.Steps), len(a.Steps), len(b.Steps))
	}
	if a.Steps[1].Do.Kind != scenario.Press || b.Steps[1].Do.Kind != scenario.Speak || base.Steps[0].Do.Delay != 0 {
		t.Errorf("a shared script was changed by a copy: base %+v, a %+v, b %+v", base.Steps, a.Steps, b.Steps)
	}
	c := a.After(3 * time.Second)
	if a.Steps[1].Do.Delay != time.Second || c.Steps[1].Do.Delay != 3*time.Second {
		t.Errorf("After changed the original: %v %v", a.Steps[1].Do.Delay, c.Steps[1].Do.Delay)
	}
}

func TestVoicemailAndOutcomes(t *testing.T) {
	vm := scenario.AnsweringMachine(7 * time.Second).EndingWithBeep()
	if vm.Answerer != scenario.Machine || vm.GreetingLength() != 7*time.Second || vm.GreetingEnd != scenario.EndBeep {
		t.Errorf("voicemail = %+v", vm)
	}
	if got := scenario.AnsweringMachine(0).GreetingLength(); got != 10*time.Second {
		t.Errorf("default greeting %v, want 10s", got)
	}
	tests := []struct {
		p    scenario.Party
		sip  int
		text string
	}{
		{scenario.Busy(), 486, "busy"},
		{scenario.NoAnswer(), 487, "does not answer"},
		{scenario.Fails(503), 503, "fails (SIP 503)"},
		{scenario.Rejects(), 603, "rejects the call"},
		{scenario.Person(), 200, "answers after 0s"},
		{scenario.Fax(), 200, "answers after 0s as fax"},
		{vm, 200, "answers after 0s as machine (greeting 7s, ends with beep)"},
	}
	for _, tt := range tests {
		if tt.p.SIPResponse() != tt.sip || tt.p.String() != tt.text {
			t.Errorf("%+v: SIP %d %q, want %d %q", tt.p, tt.p.SIPResponse(), tt.p.String(), tt.sip, tt.text)
		}
	}
}

func TestBuilderMisusePanicsWithAMessage(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
		want string
	}{
		{"after with no step", func() { scenario.Person().After(time.Second) }, "After changes the step before it"},
		{"then presses after a press", func() { scenario.Person().Presses("1").ThenPresses("#") }, "ThenPresses follows Talks"},
		{"a person's greeting end", func() { scenario.Person().EndingWithSilence() }, "only an answering machine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(r.(string), tt.want) {
					t.Errorf("panic %v, want one that says %q", r, tt.want)
				}
			}()
			tt.fn()
		})
	}
}

func TestStepMatches(t *testing.T) {
	tests := []struct {
		name   string
		step   scenario.Step
		verb   string
		nth    int
		input  int
		prompt string
		want   bool
	}{
		{"next input", scenario.Step{Do: scenario.Action{Kind: scenario.Press}}, "Gather", 1, 1, "", true},
		{"not at a Say", scenario.Step{Do: scenario.Action{Kind: scenario.Press}}, "Say", 1, 0, "", false},
		{"second gather only", scenario.Step{When: scenario.Trigger{Verb: "Gather", Nth: 2}, Do: scenario.Action{Kind: scenario.Press}}, "Gather", 1, 1, "", false},
		{"second gather", scenario.Step{When: scenario.Trigger{Verb: "Gather", Nth: 2}, Do: scenario.Action{Kind: scenario.Press}}, "Gather", 2, 3, "", true},
		{"third input", scenario.Step{When: scenario.Trigger{Nth: 3}, Do: scenario.Action{Kind: scenario.Press}}, "Record", 1, 3, "", true},
		{"prompt, any case", scenario.Step{When: scenario.Trigger{PromptContains: "PRESS 1"}, Do: scenario.Action{Kind: scenario.Press}}, "Gather", 1, 1, "To book, press 1.", true},
		{"prompt missing", scenario.Step{When: scenario.Trigger{PromptContains: "press 1"}, Do: scenario.Action{Kind: scenario.Press}}, "Gather", 1, 1, "Welcome", false},
		{"talk is for Record", scenario.Step{Do: scenario.Action{Kind: scenario.Talk}}, "Gather", 1, 1, "", false},
		{"speech is for Gather", scenario.Step{Do: scenario.Action{Kind: scenario.Speak}}, "Dial", 1, 1, "", false},
		{"hang up during Play", scenario.Step{When: scenario.Trigger{Verb: "Play"}, Do: scenario.Action{Kind: scenario.HangUp}}, "Play", 1, 0, "", true},
	}
	for _, tt := range tests {
		if got := tt.step.Matches(tt.verb, tt.nth, tt.input, tt.prompt); got != tt.want {
			t.Errorf("%s: Matches = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParsePartyJSON(t *testing.T) {
	p, err := scenario.ParsePartyJSON([]byte(`{"rings": 2, "hang_up_after_seconds": 30,
		"steps": [{"press": "1", "key_gap_ms": 100}, {"say": "billing", "at": "Gather", "nth": 2, "confidence": 0.5},
		{"talk_seconds": 4, "then_press": "#"}, {"hang_up": true, "at": "Play", "after_seconds": 5}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := scenario.Person().AnswersAfterRings(2).HangsUpAfter(30*time.Second).
		Presses("1").KeysApart(100*time.Millisecond).
		Says("billing").At("Gather", 2).WithConfidence(0.5).
		Talks(4 * time.Second).ThenPresses("#").
		HangsUp().During("Play").After(5 * time.Second)
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	vm, err := scenario.ParsePartyJSON([]byte(`{"answered_by": "machine", "greeting_seconds": 7, "greeting_end": "silence"}`))
	if err != nil || vm.Answerer != scenario.Machine || vm.Greeting != 7*time.Second || vm.GreetingEnd != scenario.EndSilence {
		t.Errorf("machine = %+v, %v", vm, err)
	}
	for _, bad := range []string{`{"answer": "maybe"}`, `{"steps": [{}]}`, `{"steps": [{"press": "1", "say": "x"}]}`, `{"colour": "red"}`, `{"answered_by": "robot"}`} {
		if _, err := scenario.ParsePartyJSON([]byte(bad)); err == nil {
			t.Errorf("%s was accepted", bad)
		}
	}
}
