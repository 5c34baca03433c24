package harness

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twiml"
)

// memberState is where a call in a queue is.
type memberState int

const (
	memberWaiting  memberState = iota // in line, its waitUrl looping
	memberDequeued                    // taken by an agent: the Queue's url plays, then the bridge
	memberBridged                     // talking to the agent
	memberDone                        // out of the queue, its result known
)

// enqueueing is an <Enqueue> in progress: the call waits in its queue,
// running the waitUrl's documents (limited to the verbs Twilio allows
// there) in a loop, until it leaves (<Leave>, a hang-up, a REST redirect,
// an error) or an agent takes it; then the Enqueue's action is requested
// with QueueResult, or the verb after the Enqueue runs. It is the call's
// queue link rather than its active verb, since the wait documents run
// as the call's program. Its methods run with srv.mu held.
type enqueueing struct {
	c          *Call
	v          *twiml.Enqueue
	m          *member
	state      memberState
	action     string // resolved; "" for none
	waitURL    string // resolved; "" for silence
	waitMethod string
	// Where the call goes on after the Enqueue without an action.
	doc    *twiml.Document
	docURL string
	pc     int
	agent  *queueDialing // the agent's Dial that took it
	giveUp *clock.Timer  // the far end hanging up while it waits
}

// queueWaitVerbs are the verbs a waitUrl document may use.
var queueWaitVerbs = map[string]bool{"Play": true, "Say": true, "Pause": true, "Hangup": true, "Redirect": true, "Leave": true, "Gather": true}

// enqueueLocked runs <Enqueue>.
func (c *Call) enqueueLocked(v *twiml.Enqueue) bool {
	s := c.srv
	if v.Name == "" {
		return c.notSimulatedLocked("Enqueue workflowSid") // TaskRouter only: no queue to wait in
	}
	if v.WorkflowSID != "" {
		c.notifyLocked(CodeNotSimulated, LevelWarning, fmt.Sprintf("<Enqueue workflowSid=%q>: TaskRouter is not simulated; the call waits in queue %q as in a plain queue", v.WorkflowSID, v.Name), c.program.docURL, "")
	}
	e := &enqueueing{c: c, v: v, doc: c.program.doc, docURL: c.program.docURL, pc: c.program.pc}
	if v.Action != "" {
		u, err := c.resolveLocked(v.Action)
		if err != nil {
			c.notifyLocked(codeInvalidURL, LevelError, "action of <Enqueue>: "+err.Error(), v.Action, "")
			return false
		}
		e.action = u
	}
	e.waitURL, e.waitMethod = defaultHoldMusic, http.MethodGet
	if v.WaitURLSet {
		e.waitURL, e.waitMethod = "", v.WaitURLMethod
		if v.WaitURL != "" {
			u, err := c.resolveLocked(v.WaitURL)
			if err != nil {
				c.notifyLocked(codeInvalidURL, LevelError, "waitUrl of <Enqueue>: "+err.Error(), v.WaitURL, "")
				return e.resultLocked(QueueError, false)
			}
			e.waitURL = u
		}
	}
	q := s.queueNamedLocked(c.account, v.Name)
	if q == nil {
		if msg := s.queueLimitLocked(c.account); msg != "" {
			c.notifyLocked(CodeLimitReached, LevelError, fmt.Sprintf("<Enqueue>: queue %q cannot be created: %s; the call is not enqueued", v.Name, msg), c.program.docURL, "")
			return e.resultLocked(QueueSystemErr, false)
		}
		q = s.newQueueLocked(c.account, v.Name, v.MaxQueueSize)
	}
	limit := q.max
	if v.MaxQueueSize > 0 && v.MaxQueueSize < limit {
		limit = v.MaxQueueSize
	}
	if len(q.members) >= limit {
		c.notifyLocked(codeQueueFull, LevelWarning, fmt.Sprintf("queue %q is full (%d callers, its max size %d); the call is not enqueued", q.name, len(q.members), limit), c.program.docURL, "")
		return e.resultLocked(QueueFull, false)
	}
	c.answerInboundLocked()
	m := &member{q: q, call: c, enqueued: s.clock.Now(), verb: e}
	e.m = m
	q.members = append(q.members, m)
	q.updated = m.enqueued
	c.queue = e
	c.program.active = e
	c.recordLocked(callEvent{kind: EventQueue, action: ActionEnqueued, more: &eventMore{sid: q.sid, to: q.name, position: len(q.members)}})
	e.planLocked()
	if q.arrivedLocked(m) {
		return true
	}
	e.waitLocked()
	return true
}

// planLocked schedules the far end's hang-up while it waits in the queue
// (a HangUp step at "Enqueue", its delay counted from the enqueue): a
// caller who gives up. The interpreter has counted the Enqueue already.
func (e *enqueueing) planLocked() {
	c := e.c
	step := c.stepForLocked("Enqueue", c.program.lastPrompt)
	if step == nil || step.Do.Kind != scenario.HangUp {
		return
	}
	e.giveUp = c.afterUnlessEndedLocked(step.Do.Delay, func() {
		if e.waitingLocked() {
			c.farEndHangsUpLocked("the caller hung up while waiting in the queue")
		}
	})
}

// waitLocked plays the waitUrl: Twilio's hold music (not requested: it is
// Twilio's own), silence, or the application's document, which is
// requested again each time it runs out.
func (e *enqueueing) waitLocked() {
	c := e.c
	switch e.waitURL {
	case defaultHoldMusic, "":
		text := ""
		if e.waitURL == "" {
			text = "silence"
		}
		c.recordLocked(callEvent{kind: EventQueue, action: ActionHeard, url: e.waitURL, text: text, more: &eventMore{source: SourceWaitMusic, sid: e.m.q.sid, to: e.m.q.name}})
		return
	}
	c.loadLocked(KindEnqueueWait, e.waitMethod, e.waitURL, e.m.waitParamsLocked())
}

// waitingLocked reports whether the call waits in its queue, running its
// wait documents.
func (e *enqueueing) waitingLocked() bool { return e != nil && e.state == memberWaiting }

// stopLocked is called when the program abandons what it runs. While the
// call waits, its wait documents come and go: nothing to do.
func (e *enqueueing) stopLocked() {}

// hungUpLocked: the far end hung up while the Enqueue held the call
// directly (hold music or silence, no document running).
func (e *enqueueing) hungUpLocked() *webhook { return nil }

// endedLocked is called when the call ends while in its queue: a caller
// hanging up (or <Hangup> in a wait document) leaves with
// QueueResult=hangup, a bridged caller ends the bridge; the action is
// still requested, as for <Dial>, its reply ignored.
func (e *enqueueing) endedLocked() *webhook {
	c := e.c
	c.queue = nil
	st := e.state
	e.state = memberDone
	switch st {
	case memberWaiting:
		e.m.q.removeLocked(e.m)
		return e.finalLocked(QueueHangup)
	case memberDequeued:
		e.agent.callerGoneLocked()
		return e.finalLocked(QueueHangup)
	case memberBridged:
		e.agent.bridgeEndedLocked()
		return e.finalLocked(QueueBridged)
	}
	return nil
}

// finalLocked builds the action request of a call that has ended.
func (e *enqueueing) finalLocked(result string) *webhook {
	e.recordLeftLocked(result)
	if e.action == "" || e.c.srv.cfg.fidelity.NoDialActionAfterHangup {
		return nil
	}
	return e.c.finalActionLocked(e.action, e.v.Method, e.paramsLocked(result, true))
}

// paramsLocked are the action's parameters: QueueResult, and QueueSid and
// QueueTime when the call was enqueued.
func (e *enqueueing) paramsLocked(result string, enqueued bool) signing.Params {
	p := signing.Params{{Name: "QueueResult", Value: result}}
	if enqueued {
		p = append(p, signing.Param{Name: "QueueSid", Value: e.m.q.sid}, signing.Param{Name: "QueueTime", Value: strconv.Itoa(e.m.waitedLocked())})
	}
	return p
}

// recordLeftLocked records the call leaving its queue with result.
func (e *enqueueing) recordLeftLocked(result string) {
	if e.m == nil {
		return
	}
	e.c.recordLocked(callEvent{kind: EventQueue, action: ActionLeft, text: result, dur: e.m.left.Sub(e.m.enqueued),
		more: &eventMore{sid: e.m.q.sid, to: e.m.q.name}})
}

// leaveLocked takes the call out of its queue with result, while the
// call is live: the action is requested, or the verb after the Enqueue
// runs.
func (e *enqueueing) leaveLocked(result string) bool {
	if e.m != nil {
		e.m.q.removeLocked(e.m)
	}
	return e.resultLocked(result, true)
}

// resultLocked ends the Enqueue with result: the action with QueueResult
// (QueueSid and QueueTime when enqueued), or the verb after the Enqueue.
// It reports whether the call now waits (false: the Enqueue was never
// entered and the interpreter goes on with the next verb itself).
func (e *enqueueing) resultLocked(result string, enqueued bool) bool {
	c := e.c
	e.state = memberDone
	if c.queue == e {
		c.queue = nil
	}
	if enqueued {
		e.recordLeftLocked(result)
	} else {
		c.recordLocked(callEvent{kind: EventQueue, action: ActionLeft, text: result, more: &eventMore{to: e.v.Name}})
	}
	p := e.paramsLocked(result, enqueued)
	if e.action != "" {
		c.program.endVerbLocked(c.srv)
		c.transferLocked(KindAction, e.action, e.v.Method, p)
		return true
	}
	if !enqueued {
		return false // on to the verb after the Enqueue
	}
	c.program.endVerbLocked(c.srv)
	pr := &c.program
	if pr.doc != e.doc {
		pr.epoch++
		pr.doc, pr.docURL, pr.pc = e.doc, e.docURL, e.pc
	}
	c.execLocked()
	return true
}

// redirectedLocked takes the call out of its queue because it was
// redirected with the REST API (a Calls update, or a Members update): the
// action is requested at once with QueueResult=redirected
// (redirected-from-bridged if it was talking to an agent), and its reply
// is ignored: the call runs its new TwiML.
func (e *enqueueing) redirectedLocked() {
	c := e.c
	c.queue = nil
	st := e.state
	e.state = memberDone
	result := QueueRedirected
	switch st {
	case memberWaiting:
		e.m.q.removeLocked(e.m)
	case memberDequeued:
		e.agent.callerGoneLocked()
	case memberBridged:
		e.agent.bridgeEndedLocked()
		result = QueueRedirectedFromBridged
	}
	e.recordLeftLocked(result)
	if e.action == "" {
		return
	}
	p := c.standardParamsLocked(c.line.status)
	for _, kv := range e.paramsLocked(result, true) {
		p.Add(kv.Name, kv.Value)
	}
	c.srv.out.postLocked(c.srv.out.buildLocked(KindAction, c, e.v.Method, e.action, p))
}

// dequeuedToLocked takes the waiting call out of its queue because of a
// Members update: as for a Calls update, the action is requested with
// QueueResult=redirected and its reply ignored, and the call runs the
// TwiML at target, which becomes its Url.
func (e *enqueueing) dequeuedToLocked(method, target string) {
	c := e.c
	e.redirectedLocked()
	src := &c.program.src
	src.url, src.method, src.twiml = target, method, ""
	c.program.abandonLocked(c.srv)
	c.noteLocked("dequeued with the Members API")
	c.runSourceLocked()
}

// waitDocumentDoneLocked is called when a wait document runs out of
// verbs: the waitUrl is requested again.
func (e *enqueueing) waitDocumentDoneLocked() {
	e.waitLocked()
}

// waitErrorLocked ends the wait because a wait document failed: its
// request, or a verb Twilio does not allow there.
func (e *enqueueing) waitErrorLocked() {
	e.leaveLocked(QueueError)
}

// leaveVerbLocked runs <Leave>: in a wait document, the call leaves its
// queue (QueueResult=leave); anywhere else it does nothing.
func (c *Call) leaveVerbLocked(*twiml.Leave) bool {
	if e := c.queue; e.waitingLocked() {
		return e.leaveLocked(QueueLeave)
	}
	c.notifyLocked(twiml.CodeSchema, LevelWarning, "<Leave> outside a queue's wait document does nothing", c.program.docURL, "")
	return false
}
