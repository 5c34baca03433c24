package harness

import (
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/scenario"
)

// Run runs the engine until nothing is left to happen: every call has ended
// and every callback has been sent. Virtual time jumps from one event to the
// next. Run returns at once when the server is closed.
func (s *Server) Run() {
	if s.cfg.systemClock {
		s.waitAll()
		return
	}
	s.lockDrive()
	defer s.unlockDrive()
	for s.step(time.Time{}) {
	}
}

// lockDrive makes the calling goroutine the one that steps the engine,
// which delivers the requests it sends itself when it has nothing else to
// do (see [outbox.holdLocked]).
func (s *Server) lockDrive() {
	s.drive.Lock()
	s.mu.Lock()
	s.out.holdLocked(true)
	s.mu.Unlock()
}

// unlockDrive ends lockDrive: the requests still held go to couriers, and
// scaled time goes on from where the driver left the clock.
func (s *Server) unlockDrive() {
	s.mu.Lock()
	s.out.holdLocked(false)
	if s.clk.Mode == ClockScaled {
		s.tickLocked()
		s.anchorLocked()
	}
	s.mu.Unlock()
	s.drive.Unlock()
}

// Advance runs every event due within d of virtual time, then moves the
// clock d forward.
func (s *Server) Advance(d time.Duration) {
	if s.cfg.systemClock {
		sleep(d)
		return
	}
	s.lockDrive()
	defer s.unlockDrive()
	s.mu.Lock()
	s.tickLocked() // a scaled clock's time so far counts before d
	target := s.clock.Now().Add(d)
	s.mu.Unlock()
	for s.step(target) {
	}
	s.mu.Lock()
	s.clock.AdvanceTo(target)
	s.mu.Unlock()
}

// Wait runs the engine until the call has ended and its last callbacks have
// been sent (or nothing is left to happen), and returns its final state.
// When the server moves time by itself (any [ClockMode] but
// [ClockManual]) it blocks until the server's goroutine has ended the call,
// or the server closes.
func (c *Call) Wait() CallInfo {
	s := c.srv
	if s.selfDriven() {
		c.awaitTree()
		return c.Info()
	}
	s.lockDrive()
	for !c.settledTree() && s.step(time.Time{}) {
	}
	s.unlockDrive()
	return c.Info()
}

// awaitTree blocks until the call and, once it is done, every leg it
// dialed (and theirs) are done, or the server closes.
func (c *Call) awaitTree() {
	select {
	case <-c.done:
	case <-c.srv.ctx.Done():
		return
	}
	for _, child := range c.Children() {
		child.awaitTree()
	}
}

// step does the engine's next piece of work and reports whether there was
// one. While a request is in flight, virtual time does not move: step runs
// what is due now, then applies the replies in the order the requests were
// sent, waiting for each; so a run with the same requests and replies is
// the same run every time, whichever reply comes in first. When nothing is
// left to do but wait, step delivers a request it holds itself (see
// [outbox.holdLocked]). Otherwise it
// runs the next event due no later than limit (zero: any). The caller
// holds s.drive; the work runs without s.mu.
func (s *Server) step(limit time.Time) bool {
	s.mu.Lock()
	for {
		s.tickLocked()
		if s.closed {
			s.mu.Unlock()
			return false
		}
		if !s.out.inFlightLocked() {
			break
		}
		if ev := s.nextEventLocked(s.clock.Now()); ev != nil {
			s.mu.Unlock()
			ev.Run()
			return true
		}
		if fl := s.out.nextReplyLocked(true); fl != nil {
			s.mu.Unlock()
			fl.apply()
			return true
		}
		if s.out.deliverHeldLocked() {
			continue
		}
		s.wake.Wait() // for the replies
	}
	ev := s.nextEventLocked(limit)
	s.mu.Unlock()
	if ev == nil {
		return false
	}
	ev.Run()
	return true
}

// atLocked schedules fn on the virtual clock for the call owner (nil for
// none) and wakes the server's goroutine. fn runs without s.mu.
func (s *Server) atLocked(t time.Time, owner *Call, fn func()) *clock.Timer {
	ev := s.clock.AtFor(t, owner, fn)
	s.wakeLocked()
	return ev
}

// nextEventLocked takes the next event due no later than limit (zero:
// any) off the clock, holding back those of calls that wait for a reply
// (see [pending]); nil when nothing runnable is due.
func (s *Server) nextEventLocked(limit time.Time) *clock.Timer {
	for {
		ev := s.clock.Next(limit)
		if ev == nil {
			return nil
		}
		if c, ok := ev.Owner.(*Call); ok && c.pending.requests > 0 {
			if c.pending.parked == nil {
				c.pending.parked = make([]*clock.Timer, 0, 4) // grown once, not three times
			}
			c.pending.parked = append(c.pending.parked, ev)
			continue
		}
		return ev
	}
}

// afterLocked schedules fn d from now as an event of the call: fn runs
// without srv.mu, unless the call has a request on its way then, in which
// case it runs once the reply has been applied (see [pending]).
func (c *Call) afterLocked(d time.Duration, fn func()) *clock.Timer {
	return c.srv.atLocked(c.srv.clock.Now().Add(d), c, fn)
}

// runParked runs the call's events that waited for its replies, in the
// order they were due, until one of them sends a request again. Call
// without srv.mu, as the engine's driver.
func (c *Call) runParked() {
	s := c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	for c.pending.requests == 0 && len(c.pending.parked) > 0 {
		t := c.pending.parked[0]
		c.pending.parked = c.pending.parked[1:]
		if t.Canceled() {
			continue
		}
		s.mu.Unlock()
		t.Run()
		s.mu.Lock()
	}
}

// The two ways a call schedules its own work. Both run fn with srv.mu held,
// and each is skipped in its own case.

// afterUnlessMovedOnLocked runs fn after d unless the call has moved on by
// then: it ended, or it left the document it runs now (a redirect, a new
// document, a hang-up). For what belongs to the current verb.
func (c *Call) afterUnlessMovedOnLocked(d time.Duration, fn func()) *clock.Timer {
	epoch := c.program.epoch
	return c.afterLocked(d, func() {
		c.srv.mu.Lock()
		defer c.srv.mu.Unlock()
		if c.program.epoch == epoch && !c.line.status.Ended() {
			fn()
		}
	})
}

// afterUnlessEndedLocked runs fn after d unless the call has ended by
// then: for what belongs to the call rather than to its current document
// (the time limit, the far end hanging up).
func (c *Call) afterUnlessEndedLocked(d time.Duration, fn func()) *clock.Timer {
	return c.afterLocked(d, func() {
		c.srv.mu.Lock()
		defer c.srv.mu.Unlock()
		if !c.line.status.Ended() {
			fn()
		}
	})
}

// dequeue starts dialing a queued call.
func (c *Call) dequeue() {
	s := c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.line.status != StatusQueued {
		return
	}
	c.line.started = s.clock.Now()
	c.setStatusLocked(StatusInitiated)
	s.out.postLocked(c.progressLocked(evInitiated))
	c.program.step = c.afterLocked(0, c.ring)
}

// ring makes the far end ring and schedules what its party does.
func (c *Call) ring() {
	s := c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.line.status != StatusInitiated {
		return
	}
	c.setStatusLocked(StatusRinging)
	s.out.postLocked(c.progressLocked(evRinging))
	if c.reachNumberLocked() {
		return
	}
	p := c.partyLocked()
	timeout := c.ringTimeoutLocked()
	pr := &c.program
	switch {
	case p.Outcome == scenario.OutcomeNoAnswer || p.RingTime >= timeout:
		pr.step = c.afterUnlessMovedOnLocked(timeout, func() {
			c.finishLocked(StatusNoAnswer, sipRequestTerm, "no answer within the timeout")
		})
	case p.Outcome == scenario.OutcomeAnswer:
		pr.step = c.afterLocked(p.RingTime, c.answer)
	case p.Outcome == scenario.OutcomeBusy:
		pr.step = c.afterUnlessMovedOnLocked(p.RingTime, func() { c.finishLocked(StatusBusy, p.SIPResponse(), "the line is busy") })
	case p.Outcome == scenario.OutcomeReject:
		pr.step = c.afterUnlessMovedOnLocked(p.RingTime, func() { c.finishLocked(StatusBusy, p.SIPResponse(), "the callee declined the call") })
	default:
		pr.step = c.afterUnlessMovedOnLocked(p.RingTime, func() {
			c.finishLocked(StatusFailed, p.SIPResponse(), "the call could not be completed")
		})
	}
}

// ringTimeoutLocked is how long the call may ring.
func (c *Call) ringTimeoutLocked() time.Duration {
	switch {
	case c.dial.leg != nil:
		return c.dial.leg.dial.timeout()
	case c.params != nil:
		return c.params.timeout
	}
	return defaultTimeout
}

// answer connects the call: the answered callback, the recording, the time
// limit and the far end's hang-up are set up, then the TwiML runs (or, for a
// leg of a <Dial>, its whisper or the bridge).
func (c *Call) answer() {
	s := c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.line.status != StatusRinging {
		return
	}
	c.program.step = nil
	c.connectLocked()
	s.out.postLocked(c.startRecordingLocked())
	if d := c.farEnd.party.HangUpAfter; d > 0 {
		c.farEnd.hangUp = c.afterUnlessEndedLocked(d, func() { c.farEndHangsUpLocked("the far end hung up") })
	}
	if c.dial.leg != nil {
		c.dial.leg.answeredLocked()
		return
	}
	switch {
	case c.joins != nil && c.params != nil && c.params.amd.mode != "":
		c.startAMDLocked(c.params.amd, c.joinAnsweredLocked)
	case c.joins != nil:
		c.joinAnsweredLocked()
	case c.params != nil && c.params.sendDigits != "":
		d := digitsDuration(c.params.sendDigits)
		c.recordLocked(callEvent{kind: EventPlay, action: ActionSendDigits, digits: c.params.sendDigits, dur: d})
		c.program.step = c.afterUnlessMovedOnLocked(d, c.runSourceLocked)
	case c.params != nil && c.params.amd.mode != "":
		c.startAMDLocked(c.params.amd, c.runSourceLocked)
	default:
		c.runSourceLocked()
	}
}

// connectLocked moves a ringing call to in-progress: the answered callback
// and the time limit, counted from now.
func (c *Call) connectLocked() {
	c.line.answered = c.srv.clock.Now()
	c.setStatusLocked(StatusInProgress)
	c.srv.out.postLocked(c.progressLocked(evAnswered))
	c.line.limit = c.afterUnlessEndedLocked(c.line.timeLimit, func() {
		c.hangUpLocked(StatusCompleted, "the call reached its time limit")
	})
}

// farEndHangsUpLocked ends the call because the party at the far end hung
// up. The verb in progress may still make a request about it (Record's and
// Dial's action).
func (c *Call) farEndHangsUpLocked(reason string) {
	if c.line.status.Ended() {
		return
	}
	if a := c.program.active; a != nil {
		c.program.active = nil
		c.srv.out.postLocked(a.hungUpLocked())
	}
	if c.line.answered.IsZero() {
		c.recordLocked(callEvent{kind: EventHangup, text: reason})
		c.finishLocked(StatusCanceled, sipRequestTerm, reason) // hung up while ringing
		return
	}
	c.hangUpLocked(StatusCompleted, reason)
}

// hangUpLocked records why the call ends and ends it.
func (c *Call) hangUpLocked(st Status, reason string) {
	if c.line.status.Ended() {
		return
	}
	c.recordLocked(callEvent{kind: EventHangup, text: reason})
	sip := sipOK
	if st == StatusCanceled {
		sip = sipRequestTerm
	}
	c.finishLocked(st, sip, reason)
}

// finishLocked moves the call to a terminal status: the verb in progress
// stops, times, price and recordings are settled, every pending step is
// canceled, and the completed callbacks are scheduled.
func (c *Call) finishLocked(st Status, sip int, reason string) {
	if c.line.status.Ended() {
		return
	}
	s := c.srv
	wasQueued := c.line.status == StatusQueued
	if !wasQueued {
		c.line.ended = s.clock.Now()
	}
	c.line.sipCode = sip
	c.setStatusLocked(st)
	c.program.abandonLocked(s)
	for _, t := range []*clock.Timer{c.line.limit, c.farEnd.hangUp, c.amd.timer} {
		s.clock.Cancel(t)
	}
	c.line.limit, c.farEnd.hangUp, c.amd.timer = nil, nil, nil
	c.line.price = c.priceTextLocked()
	c.stopRecordingsLocked()
	c.stopStreamsLocked("the call ended")
	c.stopRelaysLocked()
	c.reportUnusedStepsLocked()
	if l := c.dial.leg; l != nil {
		l.endedLocked()
	}
	if d := c.dial.running; d != nil {
		d.stopLocked()
	}
	if c.joins != nil {
		c.addFailedLocked()
	}
	if e := c.queue; e != nil {
		s.out.postLocked(e.endedLocked())
	}
	if p := c.conf; p != nil && p.present { // a call of the Participants API, hung up
		p.leaveLocked(leftHungUp, false)
	}
	c.loopEndedLocked()
	if wasQueued {
		close(c.done) // a call canceled in the queue sends no callbacks
		s.doneLocked(c)
		return
	}
	c.afterLocked(0, c.afterEnd)
}

// afterEnd sends the completed status callback and the recordings'
// callbacks, then marks the call done.
func (c *Call) afterEnd() {
	s := c.srv
	s.mu.Lock()
	hooks := []*webhook{c.progressLocked(evCompleted)}
	for _, r := range c.history.recordings {
		if r.reported || r.conference != nil { // a conference reports its own recording when it ends
			continue
		}
		ev := recCompleted
		if r.Status == "absent" {
			ev = recAbsent
		}
		hooks = append(hooks, c.recordingCallbackLocked(r, ev))
	}
	c.callback.base = nil // an ended call needs its parameters no more: keep the record small
	s.mu.Unlock()
	c.reportMisuse()
	s.out.sendChain(hooks, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		c.history.trimLocked()
		close(c.done)
		s.doneLocked(c)
	})
}
