package harness

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/phone"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twiml"
)

// dialState is where a <Dial> is.
type dialState int

const (
	dialRinging    dialState = iota // its legs ring; none has answered
	dialConnecting                  // a leg answered; its detection or whisper runs
	dialBridged                     // the caller and the leg are connected
	dialEnded                       // it ended (its legs hang up)
)

// legState is where a leg of a <Dial> is.
type legState int

const (
	legRinging    legState = iota // ringing
	legConnecting                 // answered; detection runs before the whisper or bridge
	legWhispering                 // answered; its whisper document runs on the callee
	legBridged                    // connected to the caller
)

// dialing is a <Dial> in progress on its parent call: the legs it rings,
// the one that answered, the bridge. Its methods run with srv.mu held.
type dialing struct {
	c         *Call
	v         *twiml.Dial
	state     dialState
	targets   []dialTarget
	next      int // the next target to ring, when sequential
	legs      []*Call
	ringing   int
	winner    *Call
	rec       *Recording
	timers    []*clock.Timer
	unbridged []Status // how the legs that did not answer ended
}

// dialTarget is one party a <Dial> rings.
type dialTarget struct {
	to         string
	valid      bool // to is an address Twilio can dial
	sendDigits string
	cb         twiml.LegCallbacks
	amd        amdConfig
}

// leg is the part of a child call that belongs to a <Dial>. Its methods run
// with srv.mu held.
type leg struct {
	dial   *dialing
	call   *Call
	target dialTarget
	state  legState
}

// dialLocked rings the parties of a <Dial>, bridges the first to answer,
// and when the bridge ends (or nobody answered) requests the action or goes
// on with the next verb.
func (c *Call) dialLocked(v *twiml.Dial) bool {
	if len(v.Nouns) == 1 {
		switch n := v.Nouns[0].(type) {
		case *twiml.Conference:
			return c.conferenceLocked(v, n)
		case *twiml.Queue:
			return c.dialQueueLocked(v, n)
		}
	}
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
			c.notifyLocked(CodeNotSimulated, LevelError, fmt.Sprintf("<Dial><%s> is not simulated by the harness yet; the call ends here", n.NounName()), c.program.docURL, "")
			c.hangUpLocked(StatusCompleted, "<Dial><"+n.NounName()+"> is not simulated")
			return true
		}
	}
	for i := range d.targets {
		t := &d.targets[i]
		if to, kind := phone.Normalize(t.to); kind != phone.Invalid {
			t.to, t.valid = to, true
		}
	}
	if len(d.targets) == 0 {
		c.notifyLocked(codeDialPhoneNumber, LevelWarning, "<Dial> has nothing to dial; on to the next verb", c.program.docURL, "")
		return false
	}
	if lim := c.srv.cfg.callLimits.LegsPerCall; len(c.dial.children)+len(d.targets) > lim {
		c.limitReachedLocked("legs dialed", lim, "LegsPerCall")
		return true
	}
	c.program.active, c.dial.running = d, d
	to := make([]string, len(d.targets))
	for i, t := range d.targets {
		to[i] = t.to
	}
	c.recordLocked(callEvent{kind: EventDial, action: ActionDialing, dur: d.timeout(),
		more: &eventMore{to: strings.Join(to, ", "), inTurn: v.Sequential && len(to) > 1}})
	if strings.HasPrefix(v.Record, "record-from-ringing") {
		d.startRecording()
	}
	if step := c.stepForLocked("Dial", c.program.lastPrompt); step != nil {
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
	d.timers = append(d.timers, d.c.afterUnlessMovedOnLocked(dt, fn))
}

// plan schedules what the caller does during the Dial: hang up, or press *
// to end the bridge (with hangupOnStar).
func (d *dialing) plan(step *scenario.Step) {
	switch step.Do.Kind {
	case scenario.HangUp:
		d.at(step.Do.Delay, func() { d.c.farEndHangsUpLocked("the caller hung up during <Dial>") })
	case scenario.Press:
		keys := step.Do.Digits
		d.at(step.Do.Delay, func() { d.press(keys) })
	}
}

// press handles keys the caller presses during the Dial.
func (d *dialing) press(keys string) {
	c := d.c
	c.recordLocked(callEvent{kind: EventInput, action: ActionPressed, digits: keys, more: &eventMore{sequence: true}})
	if !strings.Contains(keys, "*") {
		return
	}
	if !d.v.HangupOnStar || d.state != dialBridged {
		c.noteLocked("* does nothing here: the Dial has no hangupOnStar or is not bridged")
		return
	}
	d.winner.hangUpLocked(StatusCompleted, "the caller pressed * (hangupOnStar)")
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
// A target that is not an address Twilio can call fails at once: after the
// parser's warning 13223 when it is not written as a phone number, or
// after warning 13224 when it is but cannot be called (too short for E.164,
// say).
func (d *dialing) ring(t dialTarget) {
	c, s := d.c, d.c.srv
	callerID := c.from
	if d.v.CallerID != "" {
		callerID = d.v.CallerID
	}
	child := s.newCallBaseLocked(c.account, DirectionOutboundDial, t.to, callerID)
	child.parent = c.sid
	child.line.timeLimit = time.Duration(d.v.TimeLimit) * time.Second
	child.dial.leg = &leg{dial: d, call: child, target: t}
	if t.cb.StatusCallback != "" {
		if u, err := c.resolveLocked(t.cb.StatusCallback); err == nil {
			child.callback = callback{url: u, method: t.cb.StatusCallbackMethod, events: legEvents(t.cb.StatusCallbackEvent)}
		} else {
			c.notifyLocked(codeInvalidURL, LevelWarning, "statusCallback of <Dial> leg: "+err.Error(), t.cb.StatusCallback, "")
		}
	}
	s.addCallLocked(child)
	c.dial.children = append(c.dial.children, child)
	d.legs = append(d.legs, child)
	d.ringing++
	child.line.started = s.clock.Now()
	child.setStatusLocked(StatusInitiated)
	s.out.postLocked(child.progressLocked(evInitiated))
	if !t.valid {
		if twiml.IsPhoneNumber(t.to) { // else the parser reported 13223 already
			c.notifyLocked(codeDialUnsupported, LevelWarning, fmt.Sprintf("<Dial>: Twilio cannot call %q (not an E.164 or North American number); the leg fails", t.to), c.program.docURL, "")
		}
		child.program.step = child.afterUnlessMovedOnLocked(0, func() {
			child.finishLocked(StatusFailed, sipNotFound, "not a valid number")
		})
		return
	}
	child.program.step = child.afterLocked(0, child.ring)
}

// legEvents reads a leg's statusCallbackEvent list; completed by default.
func legEvents(names []string) eventSet {
	set, err := parseEvents(names)
	if err != nil {
		return evCompleted
	}
	return set
}

// answeredLocked is called when a leg answers: the first leg to answer
// wins and the others stop ringing; the winner runs its whisper, or is
// bridged.
func (l *leg) answeredLocked() {
	d, child := l.dial, l.call
	if d.state != dialRinging {
		child.hangUpLocked(StatusCompleted, "another leg of the <Dial> answered first")
		return
	}
	d.winner, d.state = child, dialConnecting
	d.ringing--
	for _, other := range d.legs {
		if other != child && !other.line.status.Ended() {
			other.recordLocked(callEvent{kind: EventHangup, text: "another leg of the <Dial> answered first"})
			other.finishLocked(d.c.srv.cfg.fidelity.LosingLegStatus, sipRequestTerm, "lost the race")
		}
	}
	if l.target.sendDigits != "" {
		child.recordLocked(callEvent{kind: EventPlay, digits: l.target.sendDigits, dur: digitsDuration(l.target.sendDigits)})
	}
	if l.target.amd.mode != "" && l.target.sendDigits == "" {
		l.state = legConnecting
		child.startAMDLocked(l.target.amd, l.connectLocked)
		return
	}
	l.connectLocked()
}

// connectLocked runs the winning leg's whisper, or bridges it.
func (l *leg) connectLocked() {
	d, child := l.dial, l.call
	if u := l.target.cb.URL; u != "" {
		target, err := d.c.resolveLocked(u)
		if err != nil {
			d.c.notifyLocked(codeInvalidURL, LevelWarning, "url of <Dial> leg: "+err.Error(), u, "")
		} else {
			l.state = legWhispering
			child.recordLocked(callEvent{kind: EventDial, action: ActionWhisper, url: target})
			child.loadLocked(KindWhisper, l.target.cb.Method, target, nil)
			return
		}
	}
	d.bridge()
}

// whisperDoneLocked bridges the leg once its whisper document has run
// out.
func (l *leg) whisperDoneLocked() {
	l.state = legConnecting
	l.call.program.doc = nil
	if l.dial.state != dialEnded {
		l.dial.bridge()
	}
}

// bridge connects the caller and the winning leg until one of them hangs
// up, the Dial's timeLimit passes, or the caller presses * (hangupOnStar).
func (d *dialing) bridge() {
	c, w := d.c, d.winner
	d.state = dialBridged
	w.dial.leg.state = legBridged
	c.answerInboundLocked() // answerOnBridge: the caller is answered now
	c.recordLocked(callEvent{kind: EventDial, action: ActionBridged, more: &eventMore{sid: w.sid, legTo: w.to}})
	w.recordLocked(callEvent{kind: EventDial, action: ActionBridged, more: &eventMore{sid: c.sid}})
	if d.v.Record != "" && d.v.Record != "do-not-record" && d.rec == nil {
		d.startRecording()
	}
}

// startRecording records the Dial (record="record-from-…").
func (d *dialing) startRecording() {
	rec, w := dialRecordingLocked(d.c, d.v)
	d.rec = rec
	d.c.srv.out.postLocked(w)
}

// endedLocked is called when a leg ends: a leg that did not answer may end
// the Dial (or make the next target ring); the winner ends the bridge.
func (l *leg) endedLocked() {
	d, child := l.dial, l.call
	if d.state == dialEnded {
		return
	}
	if child == d.winner {
		d.end(StatusCompleted, true)
		return
	}
	d.ringing--
	d.unbridged = append(d.unbridged, child.line.status)
	if d.winner != nil || d.ringing > 0 {
		return
	}
	if d.v.Sequential && d.ringNext() {
		return
	}
	d.end(d.unansweredStatus(), true)
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
// withDuration is false when the leg left the bridge (redirected), which
// Twilio reports without DialCallDuration.
func (d *dialing) end(st Status, withDuration bool) {
	c := d.c
	p := d.result(st, withDuration)
	d.stopLocked()
	c.recordLocked(callEvent{kind: EventDial, action: ActionDialEnded, status: st})
	if d.v.Action == "" {
		c.nextLocked()
		return
	}
	c.program.active = nil
	c.transferLocked(KindAction, d.v.Action, d.v.Method, p)
}

// result returns the Dial's action parameters. DialCallDuration is sent
// only for a leg that was bridged, and not when it left the bridge.
func (d *dialing) result(st Status, withDuration bool) signing.Params {
	p := signing.Params{{Name: "DialCallStatus", Value: string(st)}}
	leg := d.winner
	if leg == nil && len(d.legs) > 0 {
		leg = d.legs[len(d.legs)-1]
	}
	if leg != nil {
		p = append(p, signing.Param{Name: "DialCallSid", Value: leg.sid})
	}
	bridged := d.state == dialBridged
	if bridged && withDuration {
		p = append(p, signing.Param{Name: "DialCallDuration", Value: strconv.Itoa(d.winner.secondsLocked())})
	}
	p = append(p, signing.Param{Name: "DialBridged", Value: strconv.FormatBool(bridged)})
	return append(p, d.c.dialRecordingParamsLocked(d.rec)...)
}

// dialRecordingParamsLocked stops a <Dial record="…">'s recording (nil for
// none) and returns the action's parameters about it.
func (c *Call) dialRecordingParamsLocked(r *Recording) signing.Params {
	if r == nil {
		return nil
	}
	r.stopLocked(c.srv.clock.Now(), -1)
	return signing.Params{{Name: "RecordingDuration", Value: strconv.Itoa(int(r.Duration / time.Second))},
		{Name: "RecordingSid", Value: r.SID}, {Name: "RecordingUrl", Value: r.URL}}
}

// stopLocked ends the Dial without a result: legs still ringing are
// canceled, a bridged leg hangs up. Idempotent.
func (d *dialing) stopLocked() {
	if d.state == dialEnded {
		return
	}
	d.state = dialEnded
	c := d.c
	for _, t := range d.timers {
		c.srv.clock.Cancel(t)
	}
	for _, l := range d.legs {
		switch {
		case l.line.status.Ended():
		case l.line.status == StatusInProgress:
			l.hangUpLocked(StatusCompleted, "the <Dial> ended")
		default:
			l.recordLocked(callEvent{kind: EventHangup, text: "the <Dial> ended"})
			l.finishLocked(StatusCanceled, sipRequestTerm, "the <Dial> ended")
		}
	}
	if d.rec != nil {
		d.rec.stopLocked(c.srv.clock.Now(), -1)
		c.srv.out.postLocked(c.recordingCallbackLocked(d.rec, recCompleted))
	}
	if c.dial.running == d {
		c.dial.running = nil
	}
}

// hungUpLocked ends the Dial because the caller hung up: the legs hang up,
// and Twilio still requests the action with CallStatus=completed (unless
// [Fidelity.NoDialActionAfterHangup]).
func (d *dialing) hungUpLocked() *webhook {
	st := StatusCanceled
	if d.winner != nil {
		st = StatusCompleted
	}
	p := d.result(st, true)
	d.stopLocked()
	if d.v.Action == "" || d.c.srv.cfg.fidelity.NoDialActionAfterHangup {
		return nil
	}
	return d.c.finalActionLocked(d.v.Action, d.v.Method, p)
}

// detachLocked takes a leg out of its Dial because the leg was redirected
// with the REST API: the Dial ends as completed, without DialCallDuration,
// and the leg goes on alone.
func (l *leg) detachLocked() {
	d := l.dial
	l.call.dial.leg = nil
	if d.state == dialEnded || l.call != d.winner {
		return
	}
	for i, other := range d.legs {
		if other == l.call {
			d.legs = append(d.legs[:i:i], d.legs[i+1:]...)
			break
		}
	}
	d.end(StatusCompleted, false)
}

// dialRecordingLocked starts the recording of a <Dial record="…">.
func dialRecordingLocked(c *Call, v *twiml.Dial) (*Recording, *webhook) {
	channels := 1
	if strings.HasSuffix(v.Record, "-dual") {
		channels = 2
	}
	cbURL := ""
	if v.RecordingStatusCallback != "" {
		cbURL, _ = c.resolveLocked(v.RecordingStatusCallback)
	}
	return c.newRecordingLocked(sourceDial, channels, v.RecordingTrack, v.Trim, cbURL,
		v.RecordingStatusCallbackMethod, recEvents(v.RecordingStatusCallbackEvent))
}
