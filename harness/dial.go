package harness

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twiml"
)

// dialing is a <Dial> in progress on its parent call: the legs it rings,
// the one that answered, the bridge. Its methods run with srv.mu held.
type dialing struct {
	c         *Call
	v         *twiml.Dial
	targets   []dialTarget
	next      int // the next target to ring, when sequential
	legs      []*Call
	ringing   int
	winner    *Call
	bridged   bool
	detached  bool // the winner was redirected out of the bridge
	rec       *Recording
	timers    []*timer
	done      bool
	unbridged []Status // how the legs that did not answer ended
}

// dialTarget is one party a <Dial> rings.
type dialTarget struct {
	to         string
	sendDigits string
	cb         twiml.LegCallbacks
	amd        amdConfig
}

// leg is the part of a child call that belongs to a <Dial>.
type leg struct {
	dial       *dialing
	call       *Call
	target     dialTarget
	whispering bool
}

// dial rings the parties of a <Dial>, bridges the first to answer, and when
// the bridge ends (or nobody answered) requests the action or goes on with
// the next verb.
func (c *Call) dial(v *twiml.Dial) bool {
	d := &dialing{c: c, v: v}
	if v.Number != "" {
		d.targets = append(d.targets, dialTarget{to: v.Number})
	}
	for _, n := range v.Nouns {
		switch n := n.(type) {
		case *twiml.Number:
			d.targets = append(d.targets, dialTarget{to: n.Number, sendDigits: n.SendDigits, cb: n.LegCallbacks, amd: nounAMD(n.AMD)})
		case *twiml.Client:
			d.targets = append(d.targets, dialTarget{to: "client:" + n.Identity, cb: n.LegCallbacks})
		case *twiml.Sip:
			d.targets = append(d.targets, dialTarget{to: n.URI, cb: n.LegCallbacks, amd: nounAMD(n.AMD)})
		default:
			c.notify(CodeNotSimulated, LevelError, fmt.Sprintf("<Dial><%s> is not simulated by the harness yet; the call ends here", n.NounName()), c.docURL, "")
			c.hangUp(StatusCompleted, "<Dial><"+n.NounName()+"> is not simulated")
			return true
		}
	}
	for i := range d.targets {
		if to, kind := normalizeAddress(d.targets[i].to); kind != addrInvalid {
			d.targets[i].to = to
		}
	}
	if len(d.targets) == 0 {
		c.notify(twiml.CodeDialPhoneNumber, LevelWarning, "<Dial> has nothing to dial; on to the next verb", c.docURL, "")
		return false
	}
	c.active, c.dialing = d, d
	var to []string
	for _, t := range d.targets {
		to = append(to, t.to)
	}
	how := "at once"
	if v.Sequential && len(to) > 1 {
		how = "one after the other"
	}
	c.record(callEvent{kind: EventDial, text: fmt.Sprintf("dialing %s %s, for %ds each", strings.Join(to, ", "), how, v.Timeout)})
	if strings.HasPrefix(v.Record, "record-from-ringing") {
		d.startRecording()
	}
	if step := c.stepFor("Dial", c.lastPrompt); step != nil {
		d.plan(step)
	}
	if v.Sequential {
		d.ringNext()
	} else {
		for _, t := range d.targets {
			d.ring(t)
		}
	}
	return true
}

// timeout is how long each leg rings.
func (d *dialing) timeout() time.Duration {
	return time.Duration(d.v.Timeout) * time.Second
}

func (d *dialing) at(dt time.Duration, fn func()) {
	d.timers = append(d.timers, d.c.later(dt, fn))
}

// plan schedules what the caller does during the Dial: hang up, or press *
// to end the bridge (with hangupOnStar).
func (d *dialing) plan(step *scenario.Step) {
	switch step.Do.Kind {
	case scenario.HangUp:
		d.at(step.Do.Delay, func() { d.c.farEndHangsUp("the caller hung up during <Dial>") })
	case scenario.Press:
		keys := step.Do.Digits
		d.at(step.Do.Delay, func() { d.press(keys) })
	}
}

// press handles keys the caller presses during the Dial.
func (d *dialing) press(keys string) {
	c := d.c
	c.record(callEvent{kind: EventInput, text: fmt.Sprintf("pressed %q", keys)})
	if !strings.Contains(keys, "*") {
		return
	}
	if !d.v.HangupOnStar || !d.bridged {
		c.record(callEvent{kind: EventNote, text: "* does nothing here: the Dial has no hangupOnStar or is not bridged"})
		return
	}
	d.winner.hangUp(StatusCompleted, "the caller pressed * (hangupOnStar)")
}

// ringNext rings the next target of a sequential Dial.
func (d *dialing) ringNext() bool {
	if d.next >= len(d.targets) {
		return false
	}
	d.ring(d.targets[d.next])
	d.next++
	return true
}

// ring creates a leg (a child call, outbound-dial) to t and makes it ring.
func (d *dialing) ring(t dialTarget) {
	c, s := d.c, d.c.srv
	sid := s.ids.sid("CA")
	callerID := c.from
	if d.v.CallerID != "" {
		callerID = d.v.CallerID
	}
	child := &Call{
		srv: s, sid: sid, uri: apiPrefix + c.account + "/Calls/" + sid + ".json", account: c.account,
		direction: DirectionOutboundDial, parent: c.sid, to: t.to, from: callerID, created: s.clock.now,
		timeLimit: time.Duration(d.v.TimeLimit) * time.Second, done: make(chan struct{}),
		events: make([]callEvent, 0, 16),
	}
	child.leg = &leg{dial: d, call: child, target: t}
	if t.cb.StatusCallback != "" {
		if u, err := c.resolve(t.cb.StatusCallback); err == nil {
			child.cb = callback{url: u, method: t.cb.StatusCallbackMethod, events: legEvents(t.cb.StatusCallbackEvent)}
		} else {
			c.notify(twiml.CodeInvalidURL, LevelWarning, "statusCallback of <Dial> leg: "+err.Error(), t.cb.StatusCallback, "")
		}
	}
	s.calls[sid] = child
	s.order = append(s.order, child)
	s.accounts[c.account].calls = append(s.accounts[c.account].calls, child)
	c.children = append(c.children, child)
	d.legs = append(d.legs, child)
	d.ringing++
	child.started = s.clock.now
	child.setStatus(StatusInitiated)
	s.post(child.progress(evInitiated))
	child.step = s.after(0, child.ring)
}

// legEvents reads a leg's statusCallbackEvent list; completed by default.
func legEvents(names []string) eventSet {
	set, err := parseEvents(names)
	if err != nil {
		return evCompleted
	}
	return set
}

// answered is called when a leg answers: the first leg to answer wins and
// the others stop ringing; the winner runs its whisper, or is bridged.
func (l *leg) answered() {
	d, child := l.dial, l.call
	if d.done || d.winner != nil {
		child.hangUp(StatusCompleted, "another leg of the <Dial> answered first")
		return
	}
	d.winner = child
	d.ringing--
	for _, other := range d.legs {
		if other != child && !other.status.Ended() {
			other.record(callEvent{kind: EventHangup, text: "another leg of the <Dial> answered first"})
			other.finish(d.c.srv.cfg.fidelity.LosingLegStatus, 487, "lost the race")
		}
	}
	if l.target.sendDigits != "" {
		child.record(callEvent{kind: EventPlay, text: "digits " + l.target.sendDigits, dur: digitsDuration(l.target.sendDigits)})
	}
	if l.target.amd.mode != "" && l.target.sendDigits == "" {
		child.startAMD(l.target.amd, l.connect)
		return
	}
	l.connect()
}

// connect runs the winning leg's whisper, or bridges it.
func (l *leg) connect() {
	d, child := l.dial, l.call
	if u := l.target.cb.URL; u != "" {
		target, err := d.c.resolve(u)
		if err != nil {
			d.c.notify(twiml.CodeInvalidURL, LevelWarning, "url of <Dial> leg: "+err.Error(), u, "")
		} else {
			l.whispering = true
			child.record(callEvent{kind: EventDial, text: "whisper " + target})
			child.load(KindWhisper, l.target.cb.Method, target, nil)
			return
		}
	}
	d.bridge()
}

// whisperDone bridges the leg once its whisper document has run out.
func (l *leg) whisperDone() {
	l.whispering = false
	l.call.doc = nil
	if !l.dial.done {
		l.dial.bridge()
	}
}

// bridge connects the caller and the winning leg until one of them hangs
// up, the Dial's timeLimit passes, or the caller presses * (hangupOnStar).
func (d *dialing) bridge() {
	c, w := d.c, d.winner
	d.bridged = true
	c.answerInbound() // answerOnBridge: the caller is answered now
	c.record(callEvent{kind: EventDial, text: "bridged with " + w.to + " (" + w.sid + ")"})
	w.record(callEvent{kind: EventDial, text: "bridged with " + c.sid})
	if d.v.Record != "" && d.v.Record != "do-not-record" && d.rec == nil {
		d.startRecording()
	}
}

// startRecording records the Dial (record="record-from-…"). Call with
// srv.mu held.
func (d *dialing) startRecording() {
	c, v := d.c, d.v
	channels := 1
	if strings.HasSuffix(v.Record, "-dual") {
		channels = 2
	}
	cbURL := ""
	if v.RecordingStatusCallback != "" {
		cbURL, _ = c.resolve(v.RecordingStatusCallback)
	}
	rec, w := c.newRecording(sourceDial, channels, v.RecordingTrack, v.Trim, cbURL,
		v.RecordingStatusCallbackMethod, recEvents(v.RecordingStatusCallbackEvent))
	d.rec = rec
	c.srv.post(w)
}

// ended is called when a leg ends: a leg that did not answer may end the
// Dial (or make the next target ring); the winner ends the bridge.
func (l *leg) ended() {
	d, child := l.dial, l.call
	if d.done {
		return
	}
	if child == d.winner {
		d.end(StatusCompleted)
		return
	}
	d.ringing--
	d.unbridged = append(d.unbridged, child.status)
	if d.winner != nil || d.ringing > 0 {
		return
	}
	if d.v.Sequential && d.ringNext() {
		return
	}
	d.end(d.unansweredStatus())
}

// unansweredStatus is DialCallStatus when no leg answered: no-answer if any
// leg rang out, else busy if any was busy, else canceled, else failed.
func (d *dialing) unansweredStatus() Status {
	for _, want := range []Status{StatusNoAnswer, StatusBusy, StatusCanceled} {
		for _, st := range d.unbridged {
			if st == want {
				return want
			}
		}
	}
	return StatusFailed
}

// end finishes the Dial with DialCallStatus st: the legs still up hang up,
// and the call requests the action or goes on with the next verb.
func (d *dialing) end(st Status) {
	c := d.c
	p := d.result(st)
	d.stop()
	c.record(callEvent{kind: EventDial, text: "ended: DialCallStatus=" + p[0].value})
	if d.v.Action == "" {
		c.next()
		return
	}
	c.active = nil
	c.transfer(KindAction, d.v.Action, d.v.Method, p)
}

// result returns the Dial's action parameters, DialCallStatus first.
func (d *dialing) result(st Status) params {
	p := params{{"DialCallStatus", string(st)}}
	leg := d.winner
	if leg == nil && len(d.legs) > 0 {
		leg = d.legs[len(d.legs)-1]
	}
	if leg != nil {
		p = append(p, param{"DialCallSid", leg.sid})
	}
	if d.winner != nil && !d.detached {
		p = append(p, param{"DialCallDuration", strconv.Itoa(d.winner.seconds())})
	}
	p = append(p, param{"DialBridged", strconv.FormatBool(d.bridged)})
	if d.rec != nil {
		d.rec.stop(d.c.srv.clock.now, -1)
		p = append(p, param{"RecordingDuration", strconv.Itoa(int(d.rec.Duration / time.Second))},
			param{"RecordingSid", d.rec.SID}, param{"RecordingUrl", d.rec.URL})
	}
	return p
}

// stop ends the Dial without a result: legs still ringing are canceled, a
// bridged leg hangs up. Idempotent.
func (d *dialing) stop() {
	if d.done {
		return
	}
	d.done = true
	c := d.c
	for _, t := range d.timers {
		c.srv.clock.cancel(t)
	}
	for _, l := range d.legs {
		switch {
		case l.status.Ended() || (l == d.winner && d.detached):
		case l.status == StatusInProgress:
			l.hangUp(StatusCompleted, "the <Dial> ended")
		default:
			l.record(callEvent{kind: EventHangup, text: "the <Dial> ended"})
			l.finish(StatusCanceled, 487, "the <Dial> ended")
		}
	}
	if d.rec != nil {
		d.rec.stop(c.srv.clock.now, -1)
		c.srv.post(c.recordingCallback(d.rec, recCompleted))
	}
	if c.dialing == d {
		c.dialing = nil
	}
}

// hungUp ends the Dial because the caller hung up: the legs hang up, and
// Twilio still requests the action with CallStatus=completed (unless
// [Fidelity.NoDialActionAfterHangup]).
func (d *dialing) hungUp() *webhook {
	st := StatusCanceled
	if d.winner != nil {
		st = StatusCompleted
	}
	p := d.result(st)
	d.stop()
	if d.v.Action == "" || d.c.srv.cfg.fidelity.NoDialActionAfterHangup {
		return nil
	}
	return d.c.finalAction(d.v.Action, d.v.Method, p)
}

// parentEnded makes sure no leg outlives its parent.
func (d *dialing) parentEnded() { d.stop() }

// detach takes a leg out of its Dial because the leg was redirected with
// the REST API: the Dial ends as completed, and the leg goes on alone.
func (l *leg) detach() {
	d := l.dial
	l.call.leg = nil
	if d.done || l.call != d.winner {
		return
	}
	d.detached = true
	d.end(StatusCompleted)
}
