package harness

import "github.com/twimlharness/twimlharness/twiml"

// sayLocked speaks v.Text for as long as it takes, loop times.
func (c *Call) sayLocked(v *twiml.Say) bool {
	c.program.lastPrompt = v.Text
	c.hangUpStepAtLocked("Say")
	return c.soundLocked(v)
}
