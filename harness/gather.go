package harness

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twiml"
)

// defaultConfidence is the speech recognition confidence of a Speak step
// that does not give one.
const defaultConfidence = 0.9

// gathering is a <Gather> in progress: its prompt (the nested verbs), the
// keys collected so far, and its timers. Its methods run with srv.mu held.
type gathering struct {
	c         *Call
	v         *twiml.Gather
	dtmf      bool
	speech    bool
	digits    []byte
	prompting bool      // the nested verbs are still playing
	promptEnd time.Time // when they end (or ended)
	prompt    []*timer  // the nested verbs, canceled by barge-in
	timers    []*timer  // everything else: keys, speech, the timeout
	timeout   *timer
	speaking  bool
}

// gather plays the nested verbs while listening for keys or speech, then
// requests its action with what it collected, or goes on with the next
// verb when nothing came.
func (c *Call) gather(v *twiml.Gather) bool {
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
	c.active = g
	var said []string
	var offset time.Duration
	for _, nv := range v.Verbs {
		ev, ok := c.soundEvent(nv)
		if !ok {
			continue
		}
		g.prompt = append(g.prompt, c.later(offset, func() { c.record(ev) }))
		if s, ok := nv.(*twiml.Say); ok {
			said = append(said, s.Text)
		}
		offset += ev.dur
	}
	prompt := strings.Join(said, " ")
	if prompt != "" {
		c.lastPrompt = prompt
	}
	now := c.srv.clock.now
	g.promptEnd = now.Add(offset)
	g.prompting = offset > 0
	if g.prompting {
		g.prompt = append(g.prompt, c.later(offset, func() { g.prompting = false }))
	}
	g.timeout = c.later(offset+g.timeoutLength(), g.expire)
	if step := c.stepFor("Gather", prompt); step != nil {
		g.plan(step)
	}
	return true
}

func (g *gathering) timeoutLength() time.Duration {
	return time.Duration(g.v.Timeout) * time.Second
}

// at schedules fn d from now as part of this gather.
func (g *gathering) at(d time.Duration, fn func()) {
	g.timers = append(g.timers, g.c.later(d, fn))
}

// plan schedules what the far end does: keys, speech, a hang-up.
func (g *gathering) plan(step *scenario.Step) {
	now := g.c.srv.clock.now
	base := g.promptEnd.Sub(now)
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
		for i, k := range []byte(step.Do.Digits) {
			g.at(start+time.Duration(i)*gap, func() { g.key(k) })
		}
	case scenario.Speak:
		g.at(start, func() { g.speak(step.Do.Text, step.Do.Confidence) })
	case scenario.HangUp:
		g.at(start, func() { g.c.farEndHangsUp("the far end hung up during <Gather>") })
	}
}

// key handles one key the far end pressed.
func (g *gathering) key(k byte) {
	c := g.c
	c.record(callEvent{kind: EventInput, text: fmt.Sprintf("pressed %q", k)})
	if !g.dtmf {
		c.record(callEvent{kind: EventNote, text: "<Gather input=\"speech\"> ignores keys"})
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

// bargeIn stops the prompt when input arrives while it plays, as Twilio
// does unless bargeIn="false".
func (g *gathering) bargeIn() {
	if !g.prompting || !g.v.BargeIn {
		return
	}
	for _, t := range g.prompt {
		g.c.srv.clock.cancel(t)
	}
	g.prompting = false
	g.promptEnd = g.c.srv.clock.now
	g.c.record(callEvent{kind: EventNote, text: "barge-in: the prompt stops"})
}

// restartTimeout counts the timeout again from the last input, or from the
// end of the prompt if it is still playing.
func (g *gathering) restartTimeout() {
	c := g.c
	c.srv.clock.cancel(g.timeout)
	from := max(g.promptEnd.Sub(c.srv.clock.now), 0)
	g.timeout = c.later(from+g.timeoutLength(), g.expire)
}

// speak handles speech from the far end: recognised once the caller has
// spoken and speechTimeout has passed.
func (g *gathering) speak(text string, confidence float64) {
	c := g.c
	c.record(callEvent{kind: EventInput, text: fmt.Sprintf("said %q", text)})
	if !g.speech {
		c.record(callEvent{kind: EventNote, text: "<Gather input=\"dtmf\"> does not listen to speech"})
		return
	}
	if confidence == 0 {
		confidence = defaultConfidence
	}
	g.bargeIn()
	c.srv.clock.cancel(g.timeout)
	g.speaking = true
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
	u, err := c.resolve(cb)
	if err != nil {
		c.notify(twiml.CodeInvalidURL, LevelWarning, "partialResultCallback: "+err.Error(), cb, "")
		return
	}
	p := c.standardParams(c.status)
	p.add("UnstableSpeechResult", text)
	p.add("Stability", "0.8")
	p.add("SequenceNumber", "1")
	c.srv.post(c.srv.newWebhook(KindPartialResult, c, g.v.PartialResultCallbackMethod, u, p))
}

// expire ends the gather when the timeout passes.
func (g *gathering) expire() {
	g.done("")
}

// done ends the gather with the keys collected: request the action, or go
// on with the next verb if nothing came (unless actionOnEmptyResult).
func (g *gathering) done(finishedOnKey string) {
	c := g.c
	g.stop()
	c.active = nil
	digits := string(g.digits)
	if digits == "" && !g.v.ActionOnEmptyResult {
		c.record(callEvent{kind: EventGather, text: "no input: on to the next verb"})
		c.next()
		return
	}
	text := fmt.Sprintf("collected %q", digits)
	if finishedOnKey != "" {
		text += fmt.Sprintf(", finished on %q", finishedOnKey)
	}
	c.record(callEvent{kind: EventGather, text: text})
	p := params{{"FinishedOnKey", finishedOnKey}, {"msg", "Gather End"}}
	if digits != "" {
		p = append(params{{"Digits", digits}}, p...)
	}
	c.transfer(KindAction, g.v.Action, g.v.Method, p)
}

// doneSpeech ends the gather with what the far end said.
func (g *gathering) doneSpeech(text string, confidence float64) {
	c := g.c
	g.stop()
	c.active = nil
	c.record(callEvent{kind: EventGather, text: fmt.Sprintf("heard %q", text)})
	c.transfer(KindAction, g.v.Action, g.v.Method, params{
		{"Confidence", strconv.FormatFloat(confidence, 'f', -1, 64)},
		{"SpeechResult", text},
		{"msg", "Gather End"},
	})
}

// stop cancels everything the gather scheduled.
func (g *gathering) stop() {
	for _, t := range g.prompt {
		g.c.srv.clock.cancel(t)
	}
	for _, t := range g.timers {
		g.c.srv.clock.cancel(t)
	}
	g.c.srv.clock.cancel(g.timeout)
}

// hungUp: Twilio makes no request when the caller hangs up during a Gather.
func (g *gathering) hungUp() *webhook {
	g.stop()
	return nil
}
