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

// queueDialState is where a <Dial><Queue> is.
type queueDialState int

const (
	queueDialWaiting    queueDialState = iota // the queue is empty: it waits for a caller, up to the Dial's timeout
	queueDialConnecting                       // it took a caller, who hears the Queue's url first
	queueDialBridged                          // the agent and the caller talk
	queueDialEnded
)

// queueDialing is a <Dial><Queue> in progress on an agent's call: it takes
// the caller at the front of the queue (or waits for one), plays the
// Queue's url to that caller, and bridges the two until one hangs up; then
// each side goes on: the agent with the Dial's action, the caller with its
// Enqueue's action (QueueResult=bridged). The bridge is a room of two: the
// agent and the caller hear each other. Its methods run with srv.mu held.
type queueDialing struct {
	c       *Call
	v       *twiml.Dial
	n       *twiml.Queue
	q       *queue
	caller  *enqueueing
	state   queueDialState
	timers  []*clock.Timer
	timeout *clock.Timer // the Dial's timeout while the queue is empty
	url     *music
	bridged time.Time
	took    int // the caller's QueueTime when taken
}

// dialQueueLocked runs <Dial><Queue>.
func (c *Call) dialQueueLocked(v *twiml.Dial, n *twiml.Queue) bool {
	s := c.srv
	q := s.queueNamedLocked(c.account, n.Name)
	if q == nil {
		c.noteLocked(fmt.Sprintf("<Dial><Queue>: the account has no queue %q; the Dial fails", n.Name))
		c.recordLocked(callEvent{kind: EventDial, action: ActionDialEnded, status: StatusFailed})
		return c.dialQueueResultLocked(v, signing.Params{{Name: "DialCallStatus", Value: string(StatusFailed)}})
	}
	d := &queueDialing{c: c, v: v, n: n, q: q}
	c.program.active = d
	c.recordLocked(callEvent{kind: EventDial, action: ActionDialing, dur: time.Duration(v.Timeout) * time.Second, more: &eventMore{to: n.Name, noun: "queue"}})
	if step := c.stepForLocked("Dial", c.program.lastPrompt); step != nil {
		d.plan(step)
	}
	for _, m := range q.members {
		if m.verb.state == memberWaiting {
			d.takeLocked(m)
			return true
		}
	}
	q.dialers = append(q.dialers, d)
	d.at(time.Duration(v.Timeout)*time.Second, func() {
		q.dropDialerLocked(d)
		d.endLocked(StatusNoAnswer)
	})
	d.timeout = d.timers[len(d.timers)-1]
	return true
}

// dialQueueResultLocked requests the Dial's action with p, or reports
// that the interpreter goes on with the next verb.
func (c *Call) dialQueueResultLocked(v *twiml.Dial, p signing.Params) bool {
	if v.Action == "" {
		return false
	}
	c.program.active = nil
	c.transferLocked(KindAction, v.Action, v.Method, p)
	return true
}

func (d *queueDialing) at(dt time.Duration, fn func()) {
	d.timers = append(d.timers, d.c.afterUnlessMovedOnLocked(dt, fn))
}

// plan schedules what the agent does during the Dial: hang up, or press
// * to end the bridge (with hangupOnStar).
func (d *queueDialing) plan(step *scenario.Step) {
	switch step.Do.Kind {
	case scenario.HangUp:
		d.at(step.Do.Delay, func() { d.c.farEndHangsUpLocked("the agent hung up during <Dial><Queue>") })
	case scenario.Press:
		keys := step.Do.Digits
		d.at(step.Do.Delay, func() {
			d.c.recordLocked(callEvent{kind: EventInput, action: ActionPressed, digits: keys, more: &eventMore{sequence: true}})
			switch {
			case !strings.Contains(keys, "*"):
			case d.v.HangupOnStar && d.state == queueDialBridged:
				d.c.noteLocked("the agent pressed * (hangupOnStar): the bridge ends")
				d.bridgeEndedLocked()
			default:
				d.c.noteLocked("* does nothing here: the Dial has no hangupOnStar or is not bridged")
			}
		})
	}
}

// takeLocked takes the caller m out of the queue: its wait stops, the
// Queue's url plays to it, then the two are bridged.
func (d *queueDialing) takeLocked(m *member) {
	e, caller, s := m.verb, m.call, d.c.srv
	d.q.removeLocked(m)
	d.q.dropDialerLocked(d)
	s.clock.Cancel(d.timeout) // the timeout bounds the wait for a caller, not the bridge
	d.timeout = nil
	d.caller, d.took = e, m.waitedLocked()
	e.state, e.agent = memberDequeued, d
	d.state = queueDialConnecting
	caller.program.abandonLocked(s) // its wait document stops
	caller.program.active = e
	caller.recordLocked(callEvent{kind: EventQueue, action: ActionDequeued, more: &eventMore{sid: d.q.sid, to: d.q.name, from: d.c.sid}})
	d.c.recordLocked(callEvent{kind: EventQueue, action: ActionDequeued, more: &eventMore{sid: d.q.sid, to: d.q.name, from: caller.sid}})
	if d.n.URL == "" {
		d.bridgeLocked()
		return
	}
	u, err := d.c.resolveLocked(d.n.URL)
	if err != nil {
		d.c.notifyLocked(codeInvalidURL, LevelWarning, "url of <Queue>: "+err.Error(), d.n.URL, "")
		d.bridgeLocked()
		return
	}
	hear := func(ev callEvent) {
		ev.kind = EventQueue
		ev.more.sid, ev.more.to = d.q.sid, d.q.name
		caller.recordLocked(ev)
	}
	d.url = newMusic(caller, musicDequeue, u, d.n.Method, hear, func(string) {
		d.url = nil
		if d.state == queueDialConnecting {
			d.bridgeLocked()
		}
	})
	d.url.extra = signing.Params{
		{Name: "DequeingCallSid", Value: d.c.sid},
		{Name: "QueueSid", Value: d.q.sid},
		{Name: "QueueTime", Value: strconv.Itoa(d.took)},
	}
	d.url.startLocked()
}

// bridgeLocked connects the agent and the caller.
func (d *queueDialing) bridgeLocked() {
	c, caller := d.c, d.caller.c
	d.state, d.caller.state = queueDialBridged, memberBridged
	d.bridged = c.srv.clock.Now()
	c.answerInboundLocked()
	c.recordLocked(callEvent{kind: EventDial, action: ActionBridged, more: &eventMore{sid: caller.sid, legTo: caller.from}})
	caller.recordLocked(callEvent{kind: EventQueue, action: ActionBridged, more: &eventMore{sid: c.sid, to: d.q.name}})
	if d.v.TimeLimit > 0 {
		d.at(time.Duration(d.v.TimeLimit)*time.Second, func() {
			c.noteLocked("the <Dial>'s timeLimit passed: the bridge ends")
			d.bridgeEndedLocked()
		})
	}
}

// callerGoneLocked is called when the caller taken hangs up (or is
// redirected) before the bridge: the Dial ends as the caller's hang-up.
func (d *queueDialing) callerGoneLocked() {
	if d.url != nil {
		d.url.stopLocked()
		d.url = nil
	}
	d.endLocked(StatusCompleted)
}

// bridgeEndedLocked ends the bridge: the agent goes on with the Dial's
// action and the caller, if still on the line, with its Enqueue's action
// (QueueResult=bridged).
func (d *queueDialing) bridgeEndedLocked() {
	if d.state == queueDialBridged {
		d.endLocked(StatusCompleted)
	}
}

// endLocked ends the Dial with DialCallStatus st: the action, or the next
// verb; nothing if the agent's call has ended (see hungUpLocked).
func (d *queueDialing) endLocked(st Status) {
	if d.state == queueDialEnded {
		return
	}
	c := d.c
	p := d.result(st)
	d.stopLocked()
	if c.line.status.Ended() {
		return
	}
	c.recordLocked(callEvent{kind: EventDial, action: ActionDialEnded, status: st})
	if !c.dialQueueResultLocked(d.v, p) {
		c.nextLocked()
	}
}

// result returns the Dial's action parameters. After a bridge Twilio's
// older documentation lists QueueSid, DequeueResult, DequeuedCallSid,
// DequeuedCallQueueTime and DequeuedCallDuration.
func (d *queueDialing) result(st Status) signing.Params {
	p := signing.Params{{Name: "DialCallStatus", Value: string(st)}, {Name: "QueueSid", Value: d.q.sid}}
	if d.caller == nil {
		return p
	}
	caller := d.caller.c
	p = append(p, signing.Param{Name: "DialCallSid", Value: caller.sid},
		signing.Param{Name: "DequeuedCallSid", Value: caller.sid},
		signing.Param{Name: "DequeuedCallQueueTime", Value: strconv.Itoa(d.took)})
	if !d.bridged.IsZero() {
		secs := strconv.Itoa(int(d.c.srv.clock.Now().Sub(d.bridged) / time.Second))
		p = append(p, signing.Param{Name: "DequeueResult", Value: QueueBridged},
			signing.Param{Name: "DequeuedCallDuration", Value: secs}, signing.Param{Name: "DialCallDuration", Value: secs})
	}
	return p
}

// stopLocked ends the Dial without a result; a caller it took and who is
// still on the line goes on with its Enqueue's action
// (QueueResult=bridged) once the Dial has ended. Idempotent.
func (d *queueDialing) stopLocked() {
	if d.state == queueDialEnded {
		return
	}
	d.state = queueDialEnded
	for _, t := range d.timers {
		d.c.srv.clock.Cancel(t)
	}
	d.q.dropDialerLocked(d)
	if d.url != nil {
		d.url.stopLocked()
		d.url = nil
	}
	if e := d.caller; e != nil && (e.state == memberDequeued || e.state == memberBridged) {
		e.state = memberDone
		if !e.c.line.status.Ended() {
			e.c.afterUnlessEndedLocked(0, func() { e.resultLocked(QueueBridged, true) })
		}
	}
}

// hungUpLocked ends the Dial because the agent hung up: the caller goes
// on with its Enqueue's action, and the Dial's action is still requested,
// as for any <Dial>.
func (d *queueDialing) hungUpLocked() *webhook {
	st := StatusCompleted
	if d.caller == nil {
		st = StatusCanceled
	}
	p := d.result(st)
	d.stopLocked()
	if d.v.Action == "" || d.c.srv.cfg.fidelity.NoDialActionAfterHangup {
		return nil
	}
	return d.c.finalActionLocked(d.v.Action, d.v.Method, p)
}
