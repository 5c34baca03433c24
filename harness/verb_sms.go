package harness

import (
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/twiml"
)

// Message is a text message sent during a call with <Sms>.
type Message struct {
	SID        string    `json:"sid"` // "SM" and 32 hex digits
	AccountSID string    `json:"account_sid"`
	CallSID    string    `json:"call_sid"`
	To         string    `json:"to"`
	From       string    `json:"from"`
	Body       string    `json:"body"`
	Status     string    `json:"status"` // "sent"
	Time       time.Time `json:"time"`
}

// Messages returns the text messages calls sent, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages))
	for i, m := range s.messages {
		out[i] = *m
	}
	return out
}

// smsLocked sends a text message: to the far end and from the Twilio
// number by default. With an action the call continues with the action's
// document.
func (c *Call) smsLocked(v *twiml.Sms) bool {
	s := c.srv
	far, own := c.to, c.from
	if c.direction == DirectionInbound {
		far, own = c.from, c.to
	}
	m := &Message{SID: s.ids.SID("SM"), AccountSID: c.account, CallSID: c.sid, To: cmpOr(v.To, far),
		From: cmpOr(v.From, own), Body: v.Message, Status: "sent", Time: s.clock.Now()}
	s.messages = append(s.messages, m)
	c.recordLocked(callEvent{kind: EventSms, text: m.Body, more: &eventMore{sid: m.SID, to: m.To, from: m.From}})
	if v.StatusCallback != "" {
		if u, err := c.resolveLocked(v.StatusCallback); err == nil {
			cb := c.standardParamsLocked(c.line.status)
			cb.Add("SmsSid", m.SID)
			cb.Add("SmsStatus", m.Status)
			s.out.postLocked(s.out.buildLocked(KindSmsStatus, c, "POST", u, cb))
		}
	}
	if v.Action == "" {
		return false
	}
	c.transferLocked(KindAction, v.Action, v.Method, signing.Params{{Name: "SmsSid", Value: m.SID}, {Name: "SmsStatus", Value: m.Status}})
	return true
}

// cmpOr returns a, or b when a is empty.
func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
