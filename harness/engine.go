package harness

import (
	"fmt"
	"strconv"
	"time"

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
	s.drive.Lock()
	defer s.drive.Unlock()
	for s.step(time.Time{}) {
	}
}

// Advance runs every event due within d of virtual time, then moves the
// clock d forward.
func (s *Server) Advance(d time.Duration) {
	if s.cfg.systemClock {
		sleep(d)
		return
	}
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
		c.awaitTree()
		return c.Info()
	}
	s.drive.Lock()
	for !c.settledTree() && s.step(time.Time{}) {
	}
	s.drive.Unlock()
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

// step runs the next event due no later than limit (zero: any) and reports
// whether there was one. The caller holds s.drive.
func (s *Server) step(limit time.Time) bool {
	s.mu.Lock()
	s.tick()
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
		select {
		case s.wakeCh <- struct{}{}:
		default:
		}
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
	defer s.mu.Unlock()
	if c.status != StatusQueued {
		return
	}
	c.started = s.clock.now
	c.setStatus(StatusInitiated)
	s.post(c.progress(evInitiated))
	c.step = s.after(0, c.ring)
}

// ring makes the far end ring and schedules what its party does.
func (c *Call) ring() {
	s := c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.status != StatusInitiated {
		return
	}
	c.setStatus(StatusRinging)
	s.post(c.progress(evRinging))
	p := c.partyFor()
	timeout := c.ringTimeout()
	switch {
	case p.Outcome == scenario.OutcomeNoAnswer || p.RingTime >= timeout:
		c.step = c.later(timeout, func() { c.finish(StatusNoAnswer, 487, "no answer within the timeout") })
	case p.Outcome == scenario.OutcomeAnswer:
		c.step = s.after(p.RingTime, c.answer)
	case p.Outcome == scenario.OutcomeBusy:
		c.step = c.later(p.RingTime, func() { c.finish(StatusBusy, p.SIPResponse(), "the line is busy") })
	case p.Outcome == scenario.OutcomeReject:
		c.step = c.later(p.RingTime, func() { c.finish(StatusBusy, p.SIPResponse(), "the callee declined the call") })
	default:
		c.step = c.later(p.RingTime, func() { c.finish(StatusFailed, p.SIPResponse(), "the call could not be completed") })
	}
}

// ringTimeout is how long the call may ring. Call with s.mu held.
func (c *Call) ringTimeout() time.Duration {
	switch {
	case c.leg != nil:
		return c.leg.dial.timeout()
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
	if c.status != StatusRinging {
		return
	}
	c.step = nil
	c.connect()
	s.post(c.startRecording())
	if d := c.party.HangUpAfter; d > 0 {
		c.farEnd = c.whileLive(d, func() { c.farEndHangsUp("the far end hung up") })
	}
	if c.leg != nil {
		c.leg.answered()
		return
	}
	switch {
	case c.params != nil && c.params.sendDigits != "":
		d := digitsDuration(c.params.sendDigits)
		c.record(callEvent{kind: EventPlay, text: "digits " + c.params.sendDigits + " (SendDigits)", dur: d})
		c.step = c.later(d, c.runSource)
	case c.params != nil && c.params.amd.mode != "":
		c.startAMD(c.params.amd, c.runSource)
	default:
		c.runSource()
	}
}

// connect moves a ringing call to in-progress: the answered callback and
// the time limit, counted from now. Call with s.mu held.
func (c *Call) connect() {
	c.answered = c.srv.clock.now
	c.setStatus(StatusInProgress)
	c.srv.post(c.progress(evAnswered))
	c.limit = c.whileLive(c.timeLimit, func() { c.hangUp(StatusCompleted, "the call reached its time limit") })
}

// farEndHangsUp ends the call because the party at the far end hung up.
// The verb in progress may still make a request about it (Record's and
// Dial's action). Call with s.mu held.
func (c *Call) farEndHangsUp(reason string) {
	if c.status.Ended() {
		return
	}
	if c.active != nil {
		w := c.active.hungUp()
		c.active = nil
		c.srv.post(w)
	}
	if c.answered.IsZero() {
		c.record(callEvent{kind: EventHangup, text: reason})
		c.finish(StatusCanceled, 487, reason) // hung up while ringing
		return
	}
	c.hangUp(StatusCompleted, reason)
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

// finish moves the call to a terminal status: the verb in progress stops,
// times, price and recordings are settled, every pending step is canceled,
// and the completed callbacks are scheduled. Call with s.mu held.
func (c *Call) finish(st Status, sip int, reason string) {
	if c.status.Ended() {
		return
	}
	s := c.srv
	wasQueued := c.status == StatusQueued
	if !wasQueued {
		c.ended = s.clock.now
	}
	c.sipCode = sip
	c.setStatus(st)
	if c.active != nil {
		c.active.stop()
		c.active = nil
	}
	s.clock.cancel(c.step)
	s.clock.cancel(c.limit)
	s.clock.cancel(c.farEnd)
	s.clock.cancel(c.amdTimer)
	c.step, c.limit, c.farEnd, c.amdTimer = nil, nil, nil, nil
	c.epoch++
	c.doc = nil
	c.price = c.priceText()
	c.stopRecordings()
	c.reportUnusedSteps()
	if c.leg != nil {
		c.leg.ended()
	}
	if c.dialing != nil {
		c.dialing.parentEnded()
	}
	if wasQueued {
		close(c.done) // a call canceled in the queue sends no callbacks
		return
	}
	s.after(0, c.afterEnd)
}

// afterEnd sends the completed status callback and the recordings'
// callbacks, then marks the call done.
func (c *Call) afterEnd() {
	s := c.srv
	s.mu.Lock()
	hooks := []*webhook{c.progress(evCompleted)}
	for _, r := range c.recordings {
		if r.reported {
			continue
		}
		ev := recCompleted
		if r.Status == "absent" {
			ev = recAbsent
		}
		hooks = append(hooks, c.recordingCallback(r, ev))
	}
	c.base = nil // an ended call needs its parameters no more: keep the record small
	s.mu.Unlock()
	c.reportMisuse()
	s.sendChain(hooks, func() { close(c.done) })
}

// sendChain sends the requests that are not nil one after the other, each
// once the previous reply is in, then calls done. Call without s.mu.
func (s *Server) sendChain(hooks []*webhook, done func()) {
	for len(hooks) > 0 && hooks[0] == nil {
		hooks = hooks[1:]
	}
	if len(hooks) == 0 {
		done()
		return
	}
	w := hooks[0]
	s.request(w, func() {
		s.callbackFailed(w)
		s.sendChain(hooks[1:], done)
	})
}

// callbackFailed logs a notification when a request whose reply is not
// TwiML got no reply or an HTTP error: 15003 for a status callback, 11200
// for others, 11205 for a failed connection. Call without s.mu.
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
	switch {
	case w.err != nil:
		c.notify(codeHTTPConnection, LevelWarning, "HTTP connection failure: "+w.err.Error(), w.url, w.method)
	case w.kind == KindStatusCallback:
		c.notify(15003, LevelWarning, "Call Progress: Warning Response to Callback URL (HTTP "+strconv.Itoa(w.status)+")", w.url, w.method)
	default:
		c.notify(codeHTTPRetrieval, LevelWarning, fmt.Sprintf("HTTP retrieval failure: %s answered %d", w.kind, w.status), w.url, w.method)
	}
}
