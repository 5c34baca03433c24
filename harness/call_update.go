package harness

import "time"

// updateLocked applies a validated REST update to a live call.
func (c *Call) updateLocked(u *callUpdate) {
	src, cb := &c.program.src, &c.callback
	if u.fallbackURL != nil {
		src.fallbackURL = *u.fallbackURL
	}
	if u.fallbackMethod != "" {
		src.fallbackMethod = u.fallbackMethod
	}
	if u.statusCallback != nil {
		cb.url = *u.statusCallback
	}
	if u.statusCallbackMethod != "" {
		cb.method = u.statusCallbackMethod
	}
	if u.timeLimit > 0 {
		c.setTimeLimitLocked(u.timeLimit)
	}
	switch {
	case u.status == StatusCanceled && c.line.status != StatusInProgress:
		c.hangUpLocked(StatusCanceled, "canceled with the REST API")
		return
	case u.status == StatusCompleted:
		if c.line.status == StatusInProgress {
			c.hangUpLocked(StatusCompleted, "hung up with the REST API")
		} else {
			c.hangUpLocked(StatusCanceled, "canceled with the REST API")
		}
		return
	}
	if u.url != "" || u.twiml != "" {
		c.redirectLocked(u)
	}
}

// redirectLocked replaces the call's TwiML. A call in progress abandons
// what it is doing and runs the new document now; a call not answered yet
// will run it when it answers.
func (c *Call) redirectLocked(u *callUpdate) {
	src := &c.program.src
	src.url, src.twiml = u.url, u.twiml
	if u.url != "" {
		src.method = u.method
	}
	if c.joins != nil { // added with the Participants API: it runs the new TwiML instead of joining
		c.addFailedAsLocked(leftUpdatedViaAPI, string(c.line.status))
	}
	if c.line.status != StatusInProgress {
		return
	}
	if l := c.dial.leg; l != nil {
		l.detachLocked()
	}
	if e := c.queue; e != nil {
		e.redirectedLocked()
	}
	if p := c.conf; p != nil && p.present && p.verb == nil { // added with the Participants API
		p.leaveLocked(leftUpdatedViaAPI, false)
		c.conf = nil
	}
	c.program.abandonLocked(c.srv)
	c.noteLocked("redirected with the REST API")
	c.runSourceLocked()
}

// setTimeLimitLocked sets the call's maximum duration, counted from the
// answer.
func (c *Call) setTimeLimitLocked(d time.Duration) {
	ln := &c.line
	ln.timeLimit = d
	if ln.status != StatusInProgress {
		return
	}
	c.srv.clock.Cancel(ln.limit)
	ln.limit = c.afterUnlessEndedLocked(ln.answered.Add(d).Sub(c.srv.clock.Now()), func() {
		c.hangUpLocked(StatusCompleted, "the call reached its time limit")
	})
}
