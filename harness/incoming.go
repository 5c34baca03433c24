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
// its voice settings: where [Server.IncomingCall] sends the call. The REST
// API's IncomingPhoneNumbers resource shows the same numbers.
type IncomingNumber struct {
	// SID is set by [Server.AddNumber] ("PN" and 32 hex digits).
	SID string
	// AccountSID is the owning account; empty means the server's first one.
	AccountSID string
	// PhoneNumber is the number, in E.164.
	PhoneNumber string
	// FriendlyName is how the REST API names it; empty means the number
	// formatted ("(415) 555-0100").
	FriendlyName string
	// VoiceApplicationSID, if set, names an [Application] of the account
	// whose voice settings calls to the number use instead of its own,
	// with ApplicationSid in every request.
	VoiceApplicationSID string
	VoiceSettings
}

// AddNumber registers an incoming number and returns its SID. VoiceURL or
// VoiceApplicationSID is required. It returns an error if the number is
// not a phone number, is taken, the application is not one of the
// account's, or a URL or method is invalid.
func (s *Server) AddNumber(n IncomingNumber) (string, error) {
	return s.putNumber(n, false)
}

// SetNumber registers an incoming number, or replaces the settings of one
// the server has (which keeps its SID, and its account unless n names
// another), and returns its SID. It returns an error as [Server.AddNumber]
// does, but for a number taken.
func (s *Server) SetNumber(n IncomingNumber) (string, error) {
	return s.putNumber(n, true)
}

// putNumber adds n, or replaces the number it names if replace is set.
func (s *Server) putNumber(n IncomingNumber, replace bool) (string, error) {
	what := "add number"
	if replace {
		what = "set number"
	}
	num, kind := phone.Normalize(n.PhoneNumber)
	if kind != phone.Phone {
		return "", fmt.Errorf("harness: %s: %q is not a phone number: want E.164, such as +14155550100", what, n.PhoneNumber)
	}
	n.PhoneNumber = num
	what += " " + num
	if n.VoiceURL == "" && n.VoiceApplicationSID == "" {
		return "", fmt.Errorf("harness: %s: VoiceURL is required: where should an incoming call's TwiML come from?", what)
	}
	if err := n.check(what); err != nil {
		return "", err
	}
	if _, err := checkFriendlyName("FriendlyName", n.FriendlyName); err != nil {
		return "", fmt.Errorf("harness: %s: %s", what, err.Message)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.dir.numbers[num]
	switch {
	case n.AccountSID != "":
	case ok && replace:
		n.AccountSID = old.AccountSID // a replaced number stays with its account unless told otherwise
	default:
		n.AccountSID = s.cfg.accountSID
	}
	if _, ok := s.accounts[n.AccountSID]; !ok {
		return "", fmt.Errorf("harness: %s: unknown account %s", what, n.AccountSID)
	}
	if a := n.VoiceApplicationSID; a != "" && (s.dir.apps[a] == nil || s.dir.apps[a].AccountSID != n.AccountSID) {
		return "", fmt.Errorf("harness: %s: VoiceApplicationSID %s is not an application of account %s (AddApplication)", what, a, n.AccountSID)
	}
	switch {
	case ok && !replace:
		return "", fmt.Errorf("harness: %s: the server already has it: set it to replace its settings (SetNumber; "+
			"PUT %snumbers/%s), or reset the server", what, ControlPrefix, num)
	case ok:
		n.SID = old.SID
		if n.FriendlyName == "" {
			n.FriendlyName = phone.Format(num)
		}
		old.IncomingNumber = n
		s.touchLocked(&old.entry)
		return n.SID, nil
	}
	n.SID = s.newDirectorySIDLocked("PN")
	nn := newNumber(n, kindOfNumber(num))
	s.stampLocked(&nn.entry)
	s.dir.numbers[num] = nn
	return n.SID, nil
}

// RemoveNumber removes an incoming number: calls to it fail as calls to a
// number nobody has. It returns an error if the server does not have it.
func (s *Server) RemoveNumber(number string) error {
	num, _ := phone.Normalize(number)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.dir.numbers[num]; !ok {
		return fmt.Errorf("harness: remove number: the server has no number %q", number)
	}
	delete(s.dir.numbers, num)
	return nil
}

// Numbers returns the incoming numbers of every account of the server,
// however they were added, in the order of their phone numbers.
func (s *Server) Numbers() []IncomingNumber {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]IncomingNumber, 0, len(s.dir.numbers))
	for _, num := range slices.Sorted(maps.Keys(s.dir.numbers)) {
		out = append(out, s.dir.numbers[num].IncomingNumber)
	}
	return out
}

// IncomingCall makes caller, at address from, call the incoming number to:
// the call starts ringing, Twilio's first request goes to the number's
// voice URL, or its application's (CallStatus=ringing, Direction=inbound,
// ApplicationSid with an application), and the call is
// answered by the first verb that answers (not <Reject>, <Pause> or
// <Redirect>). It returns an error if to is not a number of the server
// ([Server.AddNumber], or bought through the REST API). The caller's
// HangUpAfter counts from the start of the call.
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
	n := s.dir.numbers[num]
	if n == nil {
		return nil, fmt.Errorf("harness: incoming call to %s: no such number; add it with AddNumber", to)
	}
	return s.incomingLocked(n, from, caller), nil
}

// incomingLocked starts a call from from to the number n, whose caller is
// caller: ringing, with its first request on its way.
func (s *Server) incomingLocked(n *number, from string, caller scenario.Party) *Call {
	c := s.newCallBaseLocked(n.AccountSID, DirectionInbound, n.PhoneNumber, from)
	c.number, c.callToken = &n.IncomingNumber, s.ids.SID("")[:32]
	c.line.started, c.line.timeLimit = c.created, defaultTimeLimit
	c.farEnd.party, c.farEnd.fixed = caller, true
	c.program.src, c.callback, c.appSID = s.routeLocked(n)
	s.addCallLocked(c)
	c.setStatusLocked(StatusRinging)
	if n.trunkSID != "" {
		c.noteLocked("the number's trunk " + n.trunkSID + " is not simulated: the call uses the number's voice settings")
	}
	if d := caller.HangUpAfter; d > 0 {
		c.farEnd.hangUp = c.afterUnlessEndedLocked(d, func() { c.farEndHangsUpLocked("the caller hung up") })
	}
	c.runSourceLocked()
	return c
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
		c.loopAnsweredLocked()
	}
}
