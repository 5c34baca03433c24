package harness

import (
	"fmt"
	"maps"
	"slices"

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
	return s.putNumber(n, false)
}

// SetNumber registers an incoming number, or replaces the settings of one
// the server has (which keeps its SID), and returns its SID. It returns an
// error as [Server.AddNumber] does, but for a number taken.
func (s *Server) SetNumber(n IncomingNumber) (string, error) {
	return s.putNumber(n, true)
}

// putNumber adds n, or replaces the number it names if replace is set.
func (s *Server) putNumber(n IncomingNumber, replace bool) (string, error) {
	what := "add number"
	if replace {
		what = "set number"
	}
	if n.AccountSID == "" {
		n.AccountSID = s.cfg.accountSID
	}
	num, kind := phone.Normalize(n.PhoneNumber)
	if kind != phone.Phone {
		return "", fmt.Errorf("harness: %s: %q is not a phone number: want E.164, such as +14155550100", what, n.PhoneNumber)
	}
	n.PhoneNumber = num
	what += " " + num
	if n.VoiceURL == "" {
		return "", fmt.Errorf("harness: %s: VoiceURL is required: where should an incoming call's TwiML come from?", what)
	}
	if err := n.check(what); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[n.AccountSID]; !ok {
		return "", fmt.Errorf("harness: %s: unknown account %s", what, n.AccountSID)
	}
	old, ok := s.numbers[num]
	switch {
	case ok && !replace:
		return "", fmt.Errorf("harness: %s: the server already has it: set it to replace its settings (SetNumber; "+
			"PUT %snumbers/%s), or reset the server", what, ControlPrefix, num)
	case ok:
		n.SID = old.SID
	default:
		n.SID = s.ids.SID("PN")
	}
	s.numbers[num] = &n
	return n.SID, nil
}

// RemoveNumber removes an incoming number: calls to it fail as calls to a
// number nobody has. It returns an error if the server does not have it.
func (s *Server) RemoveNumber(number string) error {
	num, _ := phone.Normalize(number)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.numbers[num]; !ok {
		return fmt.Errorf("harness: remove number: the server has no number %q", number)
	}
	delete(s.numbers, num)
	return nil
}

// Numbers returns the server's incoming numbers, in the order of their
// phone numbers.
func (s *Server) Numbers() []IncomingNumber {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]IncomingNumber, 0, len(s.numbers))
	for _, num := range slices.Sorted(maps.Keys(s.numbers)) {
		out = append(out, *s.numbers[num])
	}
	return out
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
