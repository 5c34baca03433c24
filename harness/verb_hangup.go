package harness

import "github.com/twimlharness/twimlharness/twiml"

// hangupVerbLocked ends the call (answering it first, if it rang: Twilio
// bills a <Hangup> as an answered call).
func (c *Call) hangupVerbLocked(*twiml.Hangup) bool {
	c.hangUpLocked(StatusCompleted, "<Hangup>")
	return true
}
