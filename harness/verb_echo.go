package harness

import "github.com/twimlharness/twimlharness/twiml"

// echoLocked plays the caller's audio back until the call ends: nothing
// happens until the far end hangs up or the time limit comes.
func (c *Call) echoLocked(*twiml.Echo) bool {
	c.hangUpStepAtLocked("Echo")
	c.noteLocked("<Echo>: the caller hears themselves until the call ends")
	return true
}
