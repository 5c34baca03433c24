package harness

import "github.com/twimlharness/twimlharness/twiml"

// pauseLocked waits v.Length seconds. As the first verb of an incoming call
// it delays the answer (see the verb table).
func (c *Call) pauseLocked(v *twiml.Pause) bool {
	c.hangUpStepAtLocked("Pause")
	return c.soundLocked(v)
}
