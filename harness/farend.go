package harness

import (
	"fmt"
	"strings"

	"github.com/twimlharness/twimlharness/scenario"
)

// CodeUnusedStep is the harness's own code (not Twilio's) for a step of the
// far end's script that the call never reached: a key press for a menu that
// never came, say. It is logged when the call ends, with what the call did
// instead.
const CodeUnusedStep = 99003

// stepState is what a call knows about its party's steps: which were used,
// and how many of each verb it has run. Guarded by Server.mu.
type stepState struct {
	used   []bool
	counts map[string]int
	inputs int
	seen   []string // the verbs the call ran, for the report of unused steps
}

// countVerb counts a verb the call starts. Call with srv.mu held.
func (c *Call) countVerb(name string) {
	if len(c.party.Steps) == 0 {
		return
	}
	st := &c.steps
	if st.counts == nil {
		st.counts = map[string]int{}
	}
	st.counts[name]++
	if name == "Gather" || name == "Record" || name == "Dial" {
		st.inputs++
	}
	st.seen = append(st.seen, fmt.Sprintf("<%s> #%d", name, st.counts[name]))
}

// stepFor returns the party's step for the verb that is starting, or nil
// when no step matches (the far end stays silent). prompt is what the verb
// (or the call before it) said. Call with srv.mu held.
func (c *Call) stepFor(verb, prompt string) *scenario.Step {
	steps := c.party.Steps
	if len(steps) == 0 {
		return nil
	}
	st := &c.steps
	if st.used == nil {
		st.used = make([]bool, len(steps))
	}
	input := 0
	if verb == "Gather" || verb == "Record" || verb == "Dial" {
		input = st.inputs
	}
	for i := range steps {
		if st.used[i] || !steps[i].Matches(verb, st.counts[verb], input, prompt) {
			continue
		}
		if !steps[i].Repeat {
			st.used[i] = true
		}
		step := steps[i]
		c.record(callEvent{kind: EventInput, text: "the far end will " + step.String()})
		return &step
	}
	return nil
}

// hangUpStepAt schedules the far end's hang-up when a HangUp step names the
// verb that is starting (hanging up during a <Play>, say). Call with srv.mu
// held.
func (c *Call) hangUpStepAt(verb string) {
	if len(c.party.Steps) == 0 || verb == "Gather" || verb == "Record" || verb == "Dial" {
		return
	}
	step := c.stepFor(verb, c.lastPrompt)
	if step == nil || step.Do.Kind != scenario.HangUp {
		return
	}
	c.srv.clock.cancel(c.farEnd)
	c.farEnd = c.whileLive(step.Do.Delay, func() { c.farEndHangsUp("the far end hung up during <" + verb + ">") })
}

// reportUnusedSteps logs a notification for each step of the party's
// script that the call never used. Call with srv.mu held.
func (c *Call) reportUnusedSteps() {
	steps := c.party.Steps
	for i, step := range steps {
		if step.Repeat || (c.steps.used != nil && c.steps.used[i]) {
			continue
		}
		did := "no verb that waits for the far end"
		if len(c.steps.seen) > 0 {
			did = strings.Join(c.steps.seen, ", ")
		}
		msg := fmt.Sprintf("the far end's step %d (%s) was never used; the call ran %s", i+1, step, did)
		c.notify(CodeUnusedStep, LevelError, msg, "", "")
		c.misuse = append(c.misuse, msg)
	}
}

// reportMisuse fails the test that owns the server for each unused step of
// the call's script, unless [WithLenientScripts]. Call without srv.mu.
func (c *Call) reportMisuse() {
	s := c.srv
	s.mu.Lock()
	msgs := c.misuse
	c.misuse = nil
	s.mu.Unlock()
	if s.t == nil || s.cfg.lenient {
		return
	}
	for _, m := range msgs {
		s.t.Errorf("harness: call %s to %s: %s\n%s", c.sid, c.to, m, c.Transcript())
	}
}
