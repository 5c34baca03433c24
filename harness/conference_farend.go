package harness

import (
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/scenario"
)

// The far end in a conference: the steps of a participant's party at
// "Conference" (or at any verb that waits for input), each counted from
// the join, or from another participant leaving.

// planLocked schedules the far end's steps for the conference p joined.
func (p *participant) planLocked() {
	c := p.call
	c.countVerbLocked("Conference")
	for _, step := range c.stepsAtLocked("Conference") {
		if step.Do.AfterLeaving {
			p.waits = append(p.waits, step)
			continue
		}
		p.afterLocked(step.Do.Delay, func() { p.actLocked(step) })
	}
}

// afterLocked runs fn after d while p is still in the room.
func (p *participant) afterLocked(d time.Duration, fn func()) {
	c := p.call
	p.timers = append(p.timers, c.afterUnlessEndedLocked(d, func() {
		if p.present {
			fn()
		}
	}))
}

// stepsAtLocked returns the far end's steps for a conference it joins or
// a stream that starts (verb "Conference" or "Stream"): every one that
// matches, in order.
func (c *Call) stepsAtLocked(verb string) []*scenario.Step {
	var out []*scenario.Step
	for {
		step := c.stepForLocked(verb, c.program.lastPrompt)
		if step == nil {
			return out
		}
		out = append(out, step)
		if step.Repeat {
			return out
		}
	}
}

// actLocked does a step of p's far end now.
func (p *participant) actLocked(step *scenario.Step) {
	c := p.call
	switch step.Do.Kind {
	case scenario.HangUp:
		c.farEndHangsUpLocked("the far end hung up in the conference")
	case scenario.Press:
		c.recordLocked(callEvent{kind: EventInput, action: ActionPressed, digits: step.Do.Digits, more: &eventMore{sequence: true}})
		if !strings.Contains(step.Do.Digits, "*") {
			return
		}
		if p.verb != nil && p.verb.v.HangupOnStar {
			p.verb.leave("the caller pressed * (hangupOnStar): it leaves the conference", leftHungUp)
			return
		}
		c.noteLocked("* does nothing here: the call did not join with a <Dial hangupOnStar=\"true\">")
	case scenario.Speak:
		p.speakLocked(step.Do.Text, speechDuration(step.Do.Text))
	case scenario.Talk:
		p.speakLocked("", step.Do.Duration)
		if step.Do.HangUpAfterTalk {
			p.afterLocked(step.Do.Duration, func() { c.farEndHangsUpLocked("the far end hung up after talking in the conference") })
		}
	}
}

// sawLeaveLocked runs the steps that wait for gone to leave.
func (p *participant) sawLeaveLocked(gone *participant) {
	keep := p.waits[:0]
	for _, step := range p.waits {
		if !gone.matches(step.Do.Leaver) {
			keep = append(keep, step)
			continue
		}
		p.afterLocked(step.Do.Delay, func() { p.actLocked(step) })
	}
	p.waits = keep
}

// matches reports whether who ("" for anyone) names the participant: its
// label, its call SID, or the address of its call's far end.
func (p *participant) matches(who string) bool {
	c := p.call
	far := c.to
	if c.direction == DirectionInbound {
		far = c.from
	}
	return who == "" || who == p.label || who == c.sid || who == far
}
