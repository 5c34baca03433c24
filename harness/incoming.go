package harness

import (
	"fmt"

	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twiml"
)

// IncomingNumber is a phone number of an account that receives calls, with
// its voice settings: where [Server.IncomingCall] sends the call.
type IncomingNumber struct {
	// SID is set by [Server.AddNumber] ("PN" and 32 hex digits).
	SID string
	// AccountSID is the owning account; empty means the server's first one.
	AccountSID string
	// PhoneNumber is the number, in E.164.
	PhoneNumber string
	// VoiceURL is requested when a call comes in; VoiceMethod defaults to
	// POST.
	VoiceURL    string
	VoiceMethod string
	// VoiceFallbackURL is requested when VoiceURL fails.
	VoiceFallbackURL    string
	VoiceFallbackMethod string
	// StatusCallback receives the completed event of each call.
	StatusCallback       string
	StatusCallbackMethod string
}

// AddNumber registers an incoming number and returns its SID. It returns an
// error if the number is not a phone number, is taken, or a URL or method is
// invalid.
func (s *Server) AddNumber(n IncomingNumber) (string, error) {
	if n.AccountSID == "" {
		n.AccountSID = s.cfg.accountSID
	}
	num, kind := normalizeAddress(n.PhoneNumber)
	if kind != addrPhone {
		return "", fmt.Errorf("harness: add number: %q is not a phone number", n.PhoneNumber)
	}
	n.PhoneNumber = num
	if n.VoiceURL == "" || checkURL(n.VoiceURL) != nil {
		return "", fmt.Errorf("harness: add number %s: VoiceURL %q is not an absolute http or https URL", num, n.VoiceURL)
	}
	if err := checkURLMethods("add number "+num, []urlMethod{
		{"VoiceURL", &n.VoiceURL, &n.VoiceMethod},
		{"VoiceFallbackURL", &n.VoiceFallbackURL, &n.VoiceFallbackMethod},
		{"StatusCallback", &n.StatusCallback, &n.StatusCallbackMethod},
	}); err != nil {
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
	n.SID = s.ids.sid("PN")
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
	num, _ := normalizeAddress(to)
	if f, kind := normalizeAddress(from); kind != addrInvalid {
		from = f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	s.tick()
	n := s.numbers[num]
	if n == nil {
		return nil, fmt.Errorf("harness: incoming call to %s: no such number; add it with AddNumber", to)
	}
	sid := s.ids.sid("CA")
	c := &Call{
		srv: s, sid: sid, uri: apiPrefix + n.AccountSID + "/Calls/" + sid + ".json", account: n.AccountSID,
		direction: DirectionInbound, to: num, from: from, created: s.clock.now, started: s.clock.now,
		number: n, party: caller, partyFixed: true, timeLimit: defaultTimeLimit, done: make(chan struct{}),
		events: make([]callEvent, 0, 16), callToken: s.ids.sid("")[:32],
		src: source{url: n.VoiceURL, method: n.VoiceMethod, fallbackURL: n.VoiceFallbackURL, fallbackMethod: n.VoiceFallbackMethod},
		cb:  callback{url: n.StatusCallback, method: n.StatusCallbackMethod, events: evCompleted},
	}
	s.calls[sid] = c
	s.order = append(s.order, c)
	s.accounts[n.AccountSID].calls = append(s.accounts[n.AccountSID].calls, c)
	c.setStatus(StatusRinging)
	if d := caller.HangUpAfter; d > 0 {
		c.farEnd = c.whileLive(d, func() { c.farEndHangsUp("the caller hung up") })
	}
	c.runSource()
	return c, nil
}

// inboundParams adds what Twilio sends about an incoming call: CallToken,
// and ForwardedFrom, CallerName and the caller's place when the caller's
// script gives them. Call with srv.mu held.
func (c *Call) inboundParams(p *params) {
	info := c.party.Caller
	p.add("CallToken", c.callToken)
	if info.ForwardedFrom != "" {
		p.add("ForwardedFrom", info.ForwardedFrom)
	}
	if info.Name != "" {
		p.add("CallerName", info.Name)
	}
	for _, prefix := range []string{"From", "Caller"} {
		n := geoNames(prefix)
		for i, v := range []string{info.City, info.Country, info.State, info.Zip} {
			if v != "" {
				p.set(n[i], v)
			}
		}
	}
}

// answersCall reports whether v answers an incoming call that is still
// ringing: everything but <Pause> (which delays the answer), <Redirect>,
// <Reject>, <Sms>, <Start>, <Stop> and a <Dial answerOnBridge>.
func answersCall(v twiml.Verb) bool {
	switch v := v.(type) {
	case *twiml.Pause, *twiml.Redirect, *twiml.Reject, *twiml.Sms, *twiml.Start, *twiml.Stop, *twiml.Element:
		return false
	case *twiml.Dial:
		return !v.AnswerOnBridge
	}
	return true
}

// answerInbound answers an incoming call that was ringing. Call with
// srv.mu held.
func (c *Call) answerInbound() {
	if c.answered.IsZero() && c.status == StatusRinging {
		c.connect()
	}
}
