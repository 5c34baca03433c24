package harness

// A call created with the REST API whose To is an incoming number of one of
// the server's accounts reaches that number, as a call from a Twilio
// account to a Twilio number does: while the outbound-api call rings, an
// inbound call (From the caller, To the number, in the number's account)
// runs the number's routing; the outbound call is answered when the
// inbound one is, and ends busy, no-answer or failed as the inbound one
// does if it ends unanswered. When either call ends after that, the other
// one's far end hangs up. The caller at the inbound call is the party set
// for the From address (silent by default); the far end of the outbound
// call, for its own TwiML, is the party set for the number, as for any
// call. A REST-only client exercises inbound calls this way.

// reachNumberLocked makes the ringing call c reach the number it calls,
// if that is a number of the server, and reports whether it did. Only a
// call of the REST API does, and not a caller ID's verification call.
func (c *Call) reachNumberLocked() bool {
	s := c.srv
	if c.params == nil || c.dial.leg != nil || s.dir.verifications[c.sid] != nil {
		return false
	}
	n := s.dir.numbers[c.to]
	if n == nil {
		return false
	}
	c.partyLocked() // the far end's script, for the call's own TwiML
	in := s.incomingLocked(n, c.from, s.parties[c.from])
	c.loop, in.loop = in, c
	c.noteLocked("the number is one of the server's: inbound call " + in.sid + " rings it")
	in.noteLocked("called by " + c.sid + " through the REST API")
	c.program.step = c.afterUnlessMovedOnLocked(c.ringTimeoutLocked(), func() {
		c.finishLocked(StatusNoAnswer, sipRequestTerm, "no answer within the timeout")
	})
	return true
}

// loopAnsweredLocked answers the outbound call whose number's inbound call
// c has just answered.
func (c *Call) loopAnsweredLocked() {
	out := c.loop
	if out == nil || out.direction == DirectionInbound || out.line.status != StatusRinging {
		return
	}
	c.srv.clock.Cancel(out.program.step)
	out.program.step = out.afterLocked(0, out.answer)
}

// loopEndedLocked tells the other call of a call to a number of the server
// that c has ended: its far end hangs up or, if it was never answered, the
// outbound call ends as the inbound one did. The two calls forget each
// other.
func (c *Call) loopEndedLocked() {
	other := c.loop
	if other == nil {
		return
	}
	c.loop, other.loop = nil, nil // neither needs the other any more
	if other.line.status.Ended() {
		return
	}
	if c.direction == DirectionInbound && c.line.answered.IsZero() {
		st := c.line.status
		if st != StatusBusy && st != StatusNoAnswer {
			st = StatusFailed
		}
		sip := c.line.sipCode
		other.afterUnlessEndedLocked(0, func() { other.finishLocked(st, sip, "the number's call ended unanswered: "+string(c.line.status)) })
		return
	}
	reason := "the number's call ended"
	if c.direction != DirectionInbound {
		reason = "the caller hung up"
	}
	other.afterUnlessEndedLocked(0, func() { other.farEndHangsUpLocked(reason) })
}
