package harness

import (
	"fmt"

	"github.com/twimlharness/twimlharness/harness/internal/phone"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/scenario"
)

// IncomingNumber is a phone number of an account that receives calls, with
// its voice settings: where [Server.IncomingCall] sends the call. VoiceURL
// is required.
type IncomingNumber struct {
	// SID is set by [Server.AddNumber] ("PN" and 32 hex digits).
	SID string
	// AccountSID is the owning account; empty means the server's first one.
	AccountSID string
	// PhoneNumber is the number, in E.164.
	PhoneNumber string
	VoiceSettings
}

// AddNumber registers an incoming number and returns its SID. It returns an
// error if the number is not a phone number, is taken, or a URL or method is
// invalid.
func (s *Server) AddNumber(n IncomingNumber) (string, error) {
	if n.AccountSID == "" {
		n.AccountSID = s.cfg.accountSID
	}
	num, kind := phone.Normalize(n.PhoneNumber)
	if kind != phone.Phone {
		return "", fmt.Errorf("harness: add number: %q is not a phone number", n.PhoneNumber)
	}
	n.PhoneNumber = num
	if n.VoiceURL == "" {
		return "", fmt.Errorf("harness: add number %s: VoiceURL is required: where should an incoming call's TwiML come from?", num)
	}
	if err := n.check("add number " + num); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[n.AccountSID]; !ok {
		return "", fmt.Errorf("harness: add number %s: unknown account %s", num, n.AccountSID)
	}
	if _, ok := s.numbers[num]; ok {
		return "", fmt.Errorf("harness: add number %s: the server already has it", num)
	}
	n.SID = s.ids.SID("PN")
	s.numbers[num] = &n
	return n.SID, nil
}

// IncomingCall makes caller, at address from, call the incoming number to:
// the call starts ringing, Twilio's first request goes to the number's
// voice URL (CallStatus=ringing, Direction=inbound), and the call is
// answered by the first verb that answers (not <Reject>, <Pause> or
// <Redirect>). It returns an error if to is not a number added with
// [Server.AddNumber]. The caller's HangUpAfter counts from the start of the
// call.
func (s *Server) IncomingCall(from, to string, caller scenario.Party) (*Call, error) {
	num, _ := phone.Normalize(to)
	if f, kind := phone.Normalize(from); kind != phone.Invalid {
		from = f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	s.tickLocked()
	n := s.numbers[num]
	if n == nil {
		return nil, fmt.Errorf("harness: incoming call to %s: no such number; add it with AddNumber", to)
	}
	c := s.newCallBaseLocked(n.AccountSID, DirectionInbound, num, from)
	c.number, c.callToken = n, s.ids.SID("")[:32]
	c.line.started, c.line.timeLimit = c.created, defaultTimeLimit
	c.farEnd.party, c.farEnd.fixed = caller, true
	c.program.src, c.callback = n.source(), n.callback()
	s.addCallLocked(c)
	c.setStatusLocked(StatusRinging)
	if d := caller.HangUpAfter; d > 0 {
		c.farEnd.hangUp = c.afterUnlessEndedLocked(d, func() { c.farEndHangsUpLocked("the caller hung up") })
	}
	c.runSourceLocked()
	return c, nil
}

// inboundParamsLocked adds what Twilio sends about an incoming call:
// CallToken, and ForwardedFrom, CallerName and the caller's place when the
// caller's script gives them.
func (c *Call) inboundParamsLocked(p *signing.Params) {
	info := c.farEnd.party.Caller
	p.Add("CallToken", c.callToken)
	if info.ForwardedFrom != "" {
		p.Add("ForwardedFrom", info.ForwardedFrom)
	}
	if info.Name != "" {
		p.Add("CallerName", info.Name)
	}
	for _, prefix := range []string{"From", "Caller"} {
		n := geoNames(prefix)
		for i, v := range []string{info.City, info.Country, info.State, info.Zip} {
			if v != "" {
				p.Set(n[i], v)
			}
		}
	}
}

// answerInboundLocked answers an incoming call that was ringing.
func (c *Call) answerInboundLocked() {
	if c.line.answered.IsZero() && c.line.status == StatusRinging {
		c.connectLocked()
	}
}
