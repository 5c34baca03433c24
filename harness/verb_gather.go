package harness

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twiml"
)

// defaultConfidence is the speech recognition confidence of a Speak step
// that does not give one.
const defaultConfidence = 0.9

// gatherState is where a <Gather> is.
type gatherState int

const (
	gatherPrompting gatherState = iota // its nested verbs are playing; keys barge in
	gatherListening                    // the prompt is over; the timeout runs
	gatherHearing                      // speech came; it is recognised when it ends
	gatherDone                         // it ended, with a result or without
)

// gathering is a <Gather> in progress: its prompt (the nested verbs), the
// keys collected so far, and its timers. Its methods run with srv.mu held.
type gathering struct {
	c         *Call
	v         *twiml.Gather
	state     gatherState
	dtmf      bool
	speech    bool
	digits    []byte
	promptEnd time.Time      // when the prompt ends (or ended)
	prompt    []*clock.Timer // the nested verbs, canceled by barge-in
	timers    []*clock.Timer // everything else: keys, speech, the timeout
	timeout   *clock.Timer
}

// gatherLocked plays the nested verbs while listening for keys or speech,
// then requests its action with what it collected, or goes on with the
// next verb when nothing came.
func (c *Call) gatherLocked(v *twiml.Gather) bool {
	g := &gathering{c: c, v: v}
	for _, in := range v.Input {
		switch in {
		case "dtmf":
			g.dtmf = true
		case "speech":
			g.speech = true
		}
	}
	if !g.dtmf && !g.speech {
		g.dtmf = true
	}
	c.program.active = g
	var said []string
	var offset time.Duration
	for _, nv := range v.Verbs {
		ev, ok := c.soundEventLocked(nv)
		if !ok {
			continue
		}
		g.prompt = append(g.prompt, c.afterUnlessMovedOnLocked(offset, func() { c.recordLocked(ev) }))
		if s, ok := nv.(*twiml.Say); ok {
			said = append(said, s.Text)
		}
		offset += ev.dur
	}
	prompt := strings.Join(said, " ")
	if prompt != "" {
		c.program.lastPrompt = prompt
	}
	g.promptEnd = c.srv.clock.Now().Add(offset)
	g.state = gatherListening
	if offset > 0 {
		g.state = gatherPrompting
		g.prompt = append(g.prompt, c.afterUnlessMovedOnLocked(offset, func() {
			if g.state == gatherPrompting {
				g.state = gatherListening
			}
		}))
	}
	g.timeout = c.afterUnlessMovedOnLocked(offset+g.timeoutLength(), g.expire)
	if step := c.stepForLocked("Gather", prompt); step != nil {
		g.plan(step)
	}
	return true
}

func (g *gathering) timeoutLength() time.Duration {
	return time.Duration(g.v.Timeout) * time.Second
}

// at schedules fn d from now as part of this gather.
func (g *gathering) at(d time.Duration, fn func()) {
	g.timers = append(g.timers, g.c.afterUnlessMovedOnLocked(d, fn))
}

// plan schedules what the far end does: keys, speech, a hang-up.
func (g *gathering) plan(step *scenario.Step) {
	base := g.promptEnd.Sub(g.c.srv.clock.Now())
	if step.Do.BargeIn {
		base = 0
	}
	start := base + step.Do.Delay
	switch step.Do.Kind {
	case scenario.Press:
		gap := step.Do.KeyGap
		if gap == 0 {
			gap = scenario.DefaultKeyGap
		}
		digits := step.Do.Digits
		for i := range len(digits) {
			g.at(start+time.Duration(i)*gap, func() {
				g.key(digits[i])
				if g.state == gatherDone && i < len(digits)-1 {
					g.keysDropped(digits, i)
				}
			})
		}
	case scenario.Speak:
		g.at(start, func() { g.speak(step.Do.Text, step.Do.Confidence) })
	case scenario.HangUp:
		g.at(start, func() { g.c.farEndHangsUpLocked("the far end hung up during <Gather>") })
	}
}

// key handles one key the far end pressed.
func (g *gathering) key(k byte) {
	c := g.c
	c.recordLocked(callEvent{kind: EventInput, action: ActionPressed, digits: string(k)})
	if !g.dtmf {
		c.notifyLocked(CodeInputNotTaken, LevelWarning, fmt.Sprintf("the far end pressed %q, but the <Gather> listens only for speech "+
			"(input=\"speech\"): the key went unheard. Script words (Says) for this menu, or add dtmf to its input", string(k)), "", "")
		return
	}
	g.bargeIn()
	if g.v.FinishOnKey != "" && strings.IndexByte(g.v.FinishOnKey, k) >= 0 {
		g.done(string(k))
		return
	}
	g.digits = append(g.digits, k)
	if g.v.NumDigits > 0 && len(g.digits) >= g.v.NumDigits {
		g.done("")
		return
	}
	g.restartTimeout()
}

// keysDropped logs [CodeInputNotTaken]: the gather ended at key i of a
// press of digits, and the keys after it go unheard.
func (g *gathering) keysDropped(digits string, i int) {
	why := fmt.Sprintf("took its numDigits=\"%d\"", g.v.NumDigits)
	if strings.IndexByte(g.v.FinishOnKey, digits[i]) >= 0 {
		why = fmt.Sprintf("ended on its finishOnKey %q", string(digits[i]))
	}
	g.c.notifyLocked(CodeInputNotTaken, LevelWarning, fmt.Sprintf("the far end pressed %q, but the <Gather> %s after %q: "+
		"%q went unheard. Script one press per <Gather>, with the keys that menu takes", digits, why, digits[:i+1], digits[i+1:]), "", "")
}

// bargeIn stops the prompt when input arrives while it plays, as Twilio
// does unless bargeIn="false".
func (g *gathering) bargeIn() {
	if g.state != gatherPrompting || !g.v.BargeIn {
		return
	}
	for _, t := range g.prompt {
		g.c.srv.clock.Cancel(t)
	}
	g.state = gatherListening
	g.promptEnd = g.c.srv.clock.Now()
	g.c.noteLocked("barge-in: the prompt stops")
}

// restartTimeout counts the timeout again from the last input, or from the
// end of the prompt if it is still playing.
func (g *gathering) restartTimeout() {
	c := g.c
	c.srv.clock.Cancel(g.timeout)
	from := max(g.promptEnd.Sub(c.srv.clock.Now()), 0)
	g.timeout = c.afterUnlessMovedOnLocked(from+g.timeoutLength(), g.expire)
}

// speak handles speech from the far end: recognised once the caller has
// spoken and speechTimeout has passed.
func (g *gathering) speak(text string, confidence float64) {
	c := g.c
	c.recordLocked(callEvent{kind: EventInput, action: ActionSpoke, text: text})
	if !g.speech {
		c.notifyLocked(CodeInputNotTaken, LevelWarning, fmt.Sprintf("the far end said %q, but the <Gather> listens only for keys "+
			"(input=\"dtmf\"): the words went unheard. Script keys (Presses) for this menu, or add speech to its input", text), "", "")
		return
	}
	if confidence == 0 {
		confidence = defaultConfidence
	}
	g.bargeIn()
	c.srv.clock.Cancel(g.timeout)
	g.state = gatherHearing
	talk := speechDuration(text)
	if cb := g.v.PartialResultCallback; cb != "" {
		words := strings.Fields(text)
		half := strings.Join(words[:(len(words)+1)/2], " ")
		g.at(talk/2, func() { g.partial(cb, half) })
	}
	g.at(talk+g.speechTimeout(), func() { g.doneSpeech(text, confidence) })
}

// speechTimeout is how long the gather waits after speech ends.
func (g *gathering) speechTimeout() time.Duration {
	switch v := g.v.SpeechTimeout; v {
	case "auto":
		return g.c.srv.cfg.fidelity.SpeechEndTimeout
	case "":
		return g.timeoutLength()
	default:
		n, err := strconv.Atoi(v)
		if err != nil {
			return g.timeoutLength()
		}
		return time.Duration(n) * time.Second
	}
}

// partial sends what was recognised so far to partialResultCallback.
func (g *gathering) partial(cb, text string) {
	c := g.c
	u, err := c.resolveLocked(cb)
	if err != nil {
		c.notifyLocked(codeInvalidURL, LevelWarning, "partialResultCallback: "+err.Error(), cb, "")
		return
	}
	p := c.standardParamsLocked(c.line.status)
	p.Add("UnstableSpeechResult", text)
	p.Add("Stability", "0.8")
	p.Add("SequenceNumber", "1")
	c.srv.out.postLocked(c.srv.out.buildLocked(KindPartialResult, c, g.v.PartialResultCallbackMethod, u, p))
}

// expire ends the gather when the timeout passes.
func (g *gathering) expire() {
	g.done("")
}

// done ends the gather with the keys collected: request the action, or go
// on with the next verb if nothing came (unless actionOnEmptyResult).
func (g *gathering) done(finishedOnKey string) {
	c := g.c
	g.stopLocked()
	c.program.active = nil
	digits := string(g.digits)
	if digits == "" && !g.v.ActionOnEmptyResult {
		c.recordLocked(callEvent{kind: EventGather, action: ActionNoInput})
		c.nextLocked()
		return
	}
	ev := callEvent{kind: EventGather, action: ActionCollected, digits: digits}
	if finishedOnKey != "" {
		ev.more = &eventMore{key: finishedOnKey}
	}
	c.recordLocked(ev)
	if v := c.srv.dir.verifications[c.sid]; v != nil {
		v.keyedInLocked(c, digits) // a verification call's code, which no application hears
		return
	}
	p := signing.Params{{Name: "FinishedOnKey", Value: finishedOnKey}, {Name: "msg", Value: "Gather End"}}
	if digits != "" {
		p = append(signing.Params{{Name: "Digits", Value: digits}}, p...)
	}
	c.transferLocked(KindAction, g.v.Action, g.v.Method, p)
}

// doneSpeech ends the gather with what the far end said.
func (g *gathering) doneSpeech(text string, confidence float64) {
	c := g.c
	g.stopLocked()
	c.program.active = nil
	c.recordLocked(callEvent{kind: EventGather, action: ActionHeard, text: text})
	c.transferLocked(KindAction, g.v.Action, g.v.Method, signing.Params{
		{Name: "Confidence", Value: strconv.FormatFloat(confidence, 'f', -1, 64)},
		{Name: "SpeechResult", Value: text},
		{Name: "msg", Value: "Gather End"},
	})
}

// stopLocked cancels everything the gather scheduled.
func (g *gathering) stopLocked() {
	g.state = gatherDone
	for _, t := range g.prompt {
		g.c.srv.clock.Cancel(t)
	}
	for _, t := range g.timers {
		g.c.srv.clock.Cancel(t)
	}
	g.c.srv.clock.Cancel(g.timeout)
}

// hungUpLocked: Twilio makes no request when the caller hangs up during a
// Gather.
func (g *gathering) hungUpLocked() *webhook {
	g.stopLocked()
	return nil
}
