package harness

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/twimlharness/twimlharness/scenario"
)

// stepState is what a call knows about its far end's steps: which were
// used, and how many of each verb it has run.
type stepState struct {
	used   []bool
	counts map[string]int
	inputs int
	seen   []verbSeen // the verbs the call ran, for the report of unused steps
}

// verbSeen is a verb a call ran: the n-th of its name. The report of
// unused steps writes it "<Gather> #2", only when there is one to write.
type verbSeen struct {
	name string
	n    int
}

func (v verbSeen) String() string { return "<" + v.name + "> #" + strconv.Itoa(v.n) }

// countVerbLocked counts a verb the call starts.
func (c *Call) countVerbLocked(name string) {
	if len(c.farEnd.party.Steps) == 0 {
		return
	}
	st := &c.farEnd.steps
	if st.counts == nil {
		st.counts = map[string]int{}
	}
	st.counts[name]++
	if c.srv.takesInput(name) {
		st.inputs++
	}
	st.seen = append(st.seen, verbSeen{name, st.counts[name]})
}

// stepForLocked returns the party's step for the verb that is starting, or
// nil when no step matches (the far end stays silent). prompt is what the
// verb (or the call before it) said.
func (c *Call) stepForLocked(verb, prompt string) *scenario.Step {
	return c.stepWhereLocked(verb, prompt, nil)
}

// stepWhereLocked is stepForLocked, but when the step that applies does
// not pass only (if set) it is left for later, and none is returned.
func (c *Call) stepWhereLocked(verb, prompt string, only func(*scenario.Step) bool) *scenario.Step {
	steps := c.farEnd.party.Steps
	if len(steps) == 0 {
		return nil
	}
	st := &c.farEnd.steps
	if st.used == nil {
		st.used = make([]bool, len(steps))
	}
	input := 0
	if c.srv.takesInput(verb) {
		input = st.inputs
	}
	for i := range steps {
		if st.used[i] || !steps[i].Matches(verb, st.counts[verb], input, prompt) {
			continue
		}
		if only != nil && !only(&steps[i]) {
			return nil
		}
		if !steps[i].Repeat {
			st.used[i] = true
		}
		step := steps[i]
		c.recordLocked(callEvent{kind: EventInput, action: ActionPlanned, more: &eventMore{step: &step}})
		return &step
	}
	return nil
}

// hangUpStepAtLocked schedules the far end's hang-up when a HangUp step
// names the verb that is starting (hanging up during a <Play>, say). Verbs
// that take input plan their own steps.
func (c *Call) hangUpStepAtLocked(verb string) {
	if len(c.farEnd.party.Steps) == 0 || c.srv.takesInput(verb) {
		return
	}
	step := c.stepForLocked(verb, c.program.lastPrompt)
	if step == nil || step.Do.Kind != scenario.HangUp {
		return
	}
	fe := &c.farEnd
	c.srv.clock.Cancel(fe.hangUp)
	fe.hangUp = c.afterUnlessEndedLocked(step.Do.Delay, func() { c.farEndHangsUpLocked("the far end hung up during <" + verb + ">") })
}

// reportUnusedStepsLocked logs a notification for each step of the
// party's script that the call never used.
func (c *Call) reportUnusedStepsLocked() {
	fe := &c.farEnd
	for i, step := range fe.party.Steps {
		if step.Repeat || (fe.steps.used != nil && fe.steps.used[i]) {
			continue
		}
		did := "no verb that waits for the far end"
		if len(fe.steps.seen) > 0 {
			names := make([]string, len(fe.steps.seen))
			for i, v := range fe.steps.seen {
				names[i] = v.String()
			}
			did = strings.Join(names, ", ")
		}
		msg := fmt.Sprintf("the far end's step %d (%s) was never used; the call ran %s", i+1, step, did)
		c.notifyLocked(CodeUnusedStep, LevelError, msg, "", "")
		fe.misuse = append(fe.misuse, msg)
	}
}

// reportMisuse fails the test that owns the server for each unused step of
// the call's script, unless [WithLenientScripts]. Call without srv.mu.
func (c *Call) reportMisuse() {
	s := c.srv
	s.mu.Lock()
	msgs := c.farEnd.misuse
	c.farEnd.misuse = nil
	s.mu.Unlock()
	if s.t == nil || s.cfg.lenient {
		return
	}
	for _, m := range msgs {
		s.t.Errorf("harness: call %s to %s: %s\n%s", c.sid, c.to, m, c.Transcript())
	}
}
