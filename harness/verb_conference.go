package harness

import (
	"fmt"
	"net/http"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/twiml"
)

// conferencing is a <Dial><Conference> in progress: the call is a
// participant of the room until it leaves (hangs up, presses * with
// hangupOnStar, reaches the Dial's timeLimit, is kicked, or the conference
// ends); then the Dial's action is requested, or the next verb runs. Its
// methods run with srv.mu held.
type conferencing struct {
	c      *Call
	v      *twiml.Dial
	n      *twiml.Conference
	p      *participant
	rec    *Recording
	timers []*clock.Timer
	done   bool
}

// conferenceLocked runs <Dial><Conference>.
func (c *Call) conferenceLocked(v *twiml.Dial, n *twiml.Conference) bool {
	s := c.srv
	if msg := labelProblem(n.ParticipantLabel); n.ParticipantLabel != "" && msg != "" {
		c.notifyLocked(codeParticipantLabelInvalid, LevelError, msg+"; the call does not join the conference", c.program.docURL, "")
		return false
	}
	spec := conferenceSpec(c, n)
	if cf := s.confs.live[confKey{c.account, n.Name}]; cf != nil {
		if n.ParticipantLabel != "" && cf.labels[n.ParticipantLabel] != nil {
			c.notifyLocked(codeParticipantLabelInUse, LevelError, fmt.Sprintf("participant label %q is already in use in conference %q; the call does not join it, on to the next verb", n.ParticipantLabel, n.Name), c.program.docURL, "")
			return false
		}
		if len(cf.parts) >= cf.max {
			c.notifyLocked(CodeConferenceFull, LevelWarning, fmt.Sprintf("conference %q is full (maxParticipants %d); the call does not join it", n.Name, cf.max), c.program.docURL, "")
			return c.conferenceFailedLocked(v)
		}
		if spec.coach != "" && cf.participantLocked(spec.coach) == nil {
			c.notifyLocked(codeConferenceCoach, LevelError, fmt.Sprintf("coach: call %s is not in conference %q", spec.coach, n.Name), c.program.docURL, "")
			return c.conferenceFailedLocked(v)
		}
	} else if spec.coach != "" {
		c.notifyLocked(codeConferenceCoach, LevelError, fmt.Sprintf("coach: conference %q is not in progress, so call %s cannot be coached", n.Name, spec.coach), c.program.docURL, "")
		return c.conferenceFailedLocked(v)
	}
	cv := &conferencing{c: c, v: v, n: n}
	c.program.active = cv
	c.answerInboundLocked()
	c.recordLocked(callEvent{kind: EventDial, action: ActionDialing, more: &eventMore{to: n.Name, noun: "conference"}})
	if v.Record != "" && v.Record != "do-not-record" {
		rec, w := dialRecordingLocked(c, v)
		cv.rec = rec
		s.out.postLocked(w)
	}
	if v.TimeLimit > 0 {
		cv.at(time.Duration(v.TimeLimit)*time.Second, func() { cv.leave("the <Dial>'s timeLimit passed", leftHungUp) })
	}
	cf := s.conferenceLocked(c.account, n.Name, spec)
	cv.p = cf.joinLocked(c, spec, cv)
	cv.p.planLocked()
	return true
}

// conferenceSpec reads a <Conference> noun.
func conferenceSpec(c *Call, n *twiml.Conference) *participantSpec {
	spec := &participantSpec{label: n.ParticipantLabel, muted: n.Muted, beep: n.Beep,
		startOnEnter: n.StartConferenceOnEnter, endOnExit: n.EndConferenceOnExit, waitMethod: n.WaitMethod,
		coach: n.Coach, max: n.MaxParticipants, record: n.Record, trim: n.Trim, region: n.Region,
		cbMethod: n.StatusCallbackMethod, cbEvents: n.StatusCallbackEvent,
		recCBMethod: n.RecordingStatusCallbackMethod, recCBEvents: recEvents(n.RecordingStatusCallbackEvent)}
	spec.waitGiven = n.WaitURLSet
	if n.WaitURL != "" {
		if u, err := c.resolveLocked(n.WaitURL); err == nil {
			spec.waitURL = u
		} else {
			c.notifyLocked(codeInvalidURL, LevelWarning, "waitUrl of <Conference>: "+err.Error(), n.WaitURL, "")
			spec.waitGiven = false
		}
	}
	if spec.waitGiven && spec.waitMethod == "" {
		spec.waitMethod = http.MethodPost
	}
	spec.cbURL = resolvedOrEmpty(c, n.StatusCallback, "statusCallback of <Conference>")
	spec.recCBURL = resolvedOrEmpty(c, n.RecordingStatusCallback, "recordingStatusCallback of <Conference>")
	spec.eventURL = resolvedOrEmpty(c, n.EventCallbackURL, "eventCallbackUrl of <Conference>")
	if len(spec.cbEvents) == 0 && !c.srv.cfg.fidelity.NoDefaultConferenceEvents {
		spec.defaultEvents = []string{"start", "end"}
	}
	return spec
}

// resolvedOrEmpty resolves ref against the call's document, or logs why it
// cannot and returns "".
func resolvedOrEmpty(c *Call, ref, what string) string {
	if ref == "" {
		return ""
	}
	u, err := c.resolveLocked(ref)
	if err != nil {
		c.notifyLocked(codeInvalidURL, LevelWarning, what+": "+err.Error(), ref, "")
		return ""
	}
	return u
}

// conferenceFailedLocked ends a <Dial><Conference> that could not join:
// the action is requested with DialCallStatus=failed, or the next verb
// runs.
func (c *Call) conferenceFailedLocked(v *twiml.Dial) bool {
	c.recordLocked(callEvent{kind: EventDial, action: ActionDialEnded, status: StatusFailed})
	if v.Action == "" {
		return false
	}
	c.program.active = nil
	c.transferLocked(KindAction, v.Action, v.Method, signing.Params{{Name: "DialCallStatus", Value: string(StatusFailed)}})
	return true
}

func (cv *conferencing) at(d time.Duration, fn func()) {
	cv.timers = append(cv.timers, cv.c.afterUnlessMovedOnLocked(d, fn))
}

// leave takes the call out of the conference by its own doing (*, the
// time limit, a far end's step) and ends the Dial.
func (cv *conferencing) leave(why, reason string) {
	if cv.done {
		return
	}
	cv.c.noteLocked(why)
	cv.p.leaveLocked(reason, false)
	cv.leftLocked()
}

// leftLocked ends the Dial once the participant is out of the room: the
// action with DialCallStatus=answered, or the next verb.
func (cv *conferencing) leftLocked() {
	if cv.done {
		return
	}
	cv.goOnLocked(cv.endLocked())
}

// droppedLocked ends the Dial of a participant the conference dropped
// (it ended, or kicked the call): the call goes on once the conference
// has done what it does at this instant, so that its next document
// cannot join the room that is ending.
func (cv *conferencing) droppedLocked() {
	if cv.done {
		return
	}
	p := cv.endLocked()
	cv.c.afterUnlessMovedOnLocked(0, func() { cv.goOnLocked(p) })
}

// endLocked marks the Dial over and returns its action's parameters.
func (cv *conferencing) endLocked() signing.Params {
	p := cv.result()
	cv.stopTimers()
	cv.c.recordLocked(callEvent{kind: EventDial, action: ActionDialEnded, status: dialAnswered})
	return p
}

// goOnLocked requests the Dial's action with p, or runs the next verb.
func (cv *conferencing) goOnLocked(p signing.Params) {
	c := cv.c
	if cv.v.Action == "" {
		c.nextLocked()
		return
	}
	c.program.active = nil
	c.transferLocked(KindAction, cv.v.Action, cv.v.Method, p)
}

// dialAnswered is DialCallStatus for a call that was in a conference.
const dialAnswered Status = "answered"

// result returns the Dial's action parameters: DialCallStatus=answered
// (a conference sends no DialCallSid nor DialCallDuration), and the Dial's
// recording.
func (cv *conferencing) result() signing.Params {
	p := signing.Params{{Name: "DialCallStatus", Value: string(dialAnswered)}}
	return append(p, cv.c.dialRecordingParamsLocked(cv.rec)...)
}

// stopTimers marks the Dial done and cancels what it scheduled.
func (cv *conferencing) stopTimers() {
	cv.done = true
	for _, t := range cv.timers {
		cv.c.srv.clock.Cancel(t)
	}
	if r := cv.rec; r != nil && r.liveLocked() {
		r.stopLocked(cv.c.srv.clock.Now(), -1)
		cv.c.srv.out.postLocked(cv.c.recordingCallbackLocked(r, recCompleted))
	}
}

// stopLocked takes the call out of the conference because it moves on (a
// REST redirect) or ended (the application hung up).
func (cv *conferencing) stopLocked() {
	if cv.done {
		return
	}
	reason := leftUpdatedViaAPI
	if cv.c.line.status.Ended() {
		reason = leftHungUp
	}
	cv.stopTimers()
	cv.p.leaveLocked(reason, false)
}

// hungUpLocked takes the call out of the conference because its far end
// hung up; the Dial's action is still requested, as for any <Dial>.
func (cv *conferencing) hungUpLocked() *webhook {
	if cv.done {
		return nil
	}
	p := cv.result()
	cv.stopTimers()
	cv.p.leaveAsLocked(leftHungUp, false, string(StatusCompleted))
	if cv.v.Action == "" || cv.c.srv.cfg.fidelity.NoDialActionAfterHangup {
		return nil
	}
	return cv.c.finalActionLocked(cv.v.Action, cv.v.Method, p)
}
