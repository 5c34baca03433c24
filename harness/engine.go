package harness

import (
	"strconv"
	"time"

	"github.com/twimlharness/twimlharness/scenario"
)

// Run runs the engine until nothing is left to happen: every call has ended
// and every callback has been sent. Virtual time jumps from one event to the
// next. Run returns at once when the server is closed.
func (s *Server) Run() {
	s.drive.Lock()
	defer s.drive.Unlock()
	for s.step(time.Time{}) {
	}
}

// Advance runs every event due within d of virtual time, then moves the
// clock d forward.
func (s *Server) Advance(d time.Duration) {
	s.drive.Lock()
	defer s.drive.Unlock()
	s.mu.Lock()
	target := s.clock.now.Add(d)
	s.mu.Unlock()
	for s.step(target) {
	}
	s.mu.Lock()
	if target.After(s.clock.now) {
		s.clock.now = target
	}
	s.mu.Unlock()
}

// Wait runs the engine until the call has ended and its last callbacks have
// been sent (or nothing is left to happen), and returns its final state. With [WithAutoRun] it blocks until
// the server's goroutine has ended the call, or the server closes.
func (c *Call) Wait() CallInfo {
	s := c.srv
	if s.cfg.autoRun {
		select {
		case <-c.done:
		case <-s.ctx.Done():
		}
		return c.Info()
	}
	s.drive.Lock()
	for !c.settled() && s.step(time.Time{}) {
	}
	s.drive.Unlock()
	return c.Info()
}

// step runs the next event due no later than limit (zero: any) and reports
// whether there was one. The caller holds s.drive.
func (s *Server) step(limit time.Time) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	ev := s.clock.next(limit)
	s.mu.Unlock()
	if ev == nil {
		return false
	}
	ev.fn()
	return true
}

// autoRun is the server's goroutine under [WithAutoRun]: it runs events as
// they become due and sleeps on s.wake while there are none.
func (s *Server) autoRun() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		for !s.closed && s.clock.pending() == 0 {
			s.wake.Wait()
		}
		closed := s.closed
		s.mu.Unlock()
		if closed {
			return
		}
		s.drive.Lock()
		s.step(time.Time{})
		s.drive.Unlock()
	}
}

// at schedules fn on the virtual clock and wakes the server's goroutine.
// Call with s.mu held.
func (s *Server) at(t time.Time, fn func()) *timer {
	ev := s.clock.at(t, fn)
	if s.cfg.autoRun {
		s.wake.Signal()
	}
	return ev
}

// after schedules fn d from now. Call with s.mu held.
func (s *Server) after(d time.Duration, fn func()) *timer {
	return s.at(s.clock.now.Add(d), fn)
}

// dequeue starts dialing a queued call.
func (c *Call) dequeue() {
	s := c.srv
	s.mu.Lock()
	if c.status != StatusQueued {
		s.mu.Unlock()
		return
	}
	c.started = s.clock.now
	c.setStatus(StatusInitiated)
	hook := c.progress(evInitiated)
	c.step = s.after(0, c.ring)
	s.mu.Unlock()
	s.sendAll(hook)
}

// ring makes the far end ring and schedules what its party does.
func (c *Call) ring() {
	s := c.srv
	s.mu.Lock()
	if c.status != StatusInitiated {
		s.mu.Unlock()
		return
	}
	c.setStatus(StatusRinging)
	hook := c.progress(evRinging)
	p := c.partyFor()
	timeout := c.ringTimeout()
	switch {
	case p.Outcome == scenario.OutcomeNoAnswer || p.After >= timeout:
		c.step = s.after(timeout, func() { c.unanswered(StatusNoAnswer, 487, "no answer within the timeout") })
	case p.Outcome == scenario.OutcomeAnswer:
		c.step = s.after(p.After, c.answer)
	case p.Outcome == scenario.OutcomeBusy:
		c.step = s.after(p.After, func() { c.unanswered(StatusBusy, p.SIPResponse(), "the line is busy") })
	default:
		c.step = s.after(p.After, func() { c.unanswered(StatusFailed, p.SIPResponse(), "the call could not be completed") })
	}
	s.mu.Unlock()
	s.sendAll(hook)
}

// ringTimeout is how long the call may ring. Call with s.mu held.
func (c *Call) ringTimeout() time.Duration {
	if c.params != nil {
		return c.params.timeout
	}
	return defaultTimeout
}

// unanswered ends a ringing call with a busy, no-answer or failed outcome.
func (c *Call) unanswered(st Status, sip int, reason string) {
	s := c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.status == StatusRinging {
		c.finish(st, sip, reason)
	}
}

// answer connects the call: the answered callback, the recording, the time
// limit and the far end's hang-up are set up, then the TwiML runs.
func (c *Call) answer() {
	s := c.srv
	s.mu.Lock()
	if c.status != StatusRinging {
		s.mu.Unlock()
		return
	}
	c.answered = s.clock.now
	c.setStatus(StatusInProgress)
	hooks := []*webhook{c.progress(evAnswered), c.startRecording()}
	c.limit = s.after(c.timeLimit, func() { c.hangUpEvent(StatusCompleted, "the call reached its time limit") })
	if d := c.party.HangUpAfter; d > 0 {
		c.farEnd = s.after(d, func() { c.hangUpEvent(StatusCompleted, "the far end hung up") })
	}
	epoch := c.epoch
	s.mu.Unlock()
	s.sendAll(hooks...)
	c.runSource(epoch)
}

// hangUpEvent ends the call now, as an event of the clock.
func (c *Call) hangUpEvent(st Status, reason string) {
	s := c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	c.hangUp(st, reason)
}

// hangUp records why the call ends and ends it. Call with s.mu held.
func (c *Call) hangUp(st Status, reason string) {
	if c.status.Ended() {
		return
	}
	c.record(callEvent{kind: EventHangup, text: reason})
	sip := 200
	if st == StatusCanceled {
		sip = 487
	}
	c.finish(st, sip, reason)
}

// finish moves the call to a terminal status: times, price and recording are
// settled, every pending step is canceled, and the completed callbacks are
// scheduled. Call with s.mu held.
func (c *Call) finish(st Status, sip int, reason string) {
	if c.status.Ended() {
		return
	}
	s := c.srv
	wasQueued := c.status == StatusQueued
	if !c.answered.IsZero() || st != StatusCanceled || !wasQueued {
		c.ended = s.clock.now
	}
	c.sipCode = sip
	c.setStatus(st)
	s.clock.cancel(c.step)
	s.clock.cancel(c.limit)
	s.clock.cancel(c.farEnd)
	c.step, c.limit, c.farEnd = nil, nil, nil
	c.epoch++
	c.doc = nil
	c.price = c.priceText()
	c.stopRecording()
	if wasQueued {
		close(c.done) // a call canceled in the queue sends no callbacks
		return
	}
	s.after(0, c.afterEnd)
}

// afterEnd sends the completed status callback and the recording's
// callbacks.
func (c *Call) afterEnd() {
	s := c.srv
	s.mu.Lock()
	hooks := []*webhook{c.progress(evCompleted)}
	if c.recording != nil {
		ev := recCompleted
		if c.recording.Status == "absent" {
			ev = recAbsent
		}
		hooks = append(hooks, c.recordingCallback(ev))
	}
	s.mu.Unlock()
	s.sendAll(hooks...)
	close(c.done)
}

// sendAll sends the requests that are not nil, in order, then reports the
// status callbacks that failed. Call without s.mu.
func (s *Server) sendAll(hooks ...*webhook) {
	for _, w := range hooks {
		if w == nil {
			continue
		}
		s.send(w)
		if w.kind == KindStatusCallback || w.kind == KindRecordingStatusCallback {
			s.callbackFailed(w)
		}
	}
}

// callbackFailed logs a notification when a callback got no reply or an
// HTTP error: 15003 for a status, 11205 for a failed connection.
func (s *Server) callbackFailed(w *webhook) {
	if !w.failed() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls[w.callSID]
	if c == nil {
		return
	}
	if w.err != nil {
		c.notify(11205, LevelWarning, "HTTP connection failure: "+w.err.Error(), w.url, w.method)
		return
	}
	c.notify(15003, LevelWarning, "Call Progress: Warning Response to Callback URL (HTTP "+strconv.Itoa(w.status)+")", w.url, w.method)
}
