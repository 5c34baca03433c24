package harness

import "github.com/twimlharness/twimlharness/twiml"

// playLocked plays audio (for as long as [WithMediaDuration] says) or DTMF
// tones.
func (c *Call) playLocked(v *twiml.Play) bool {
	c.hangUpStepAtLocked("Play")
	return c.soundLocked(v)
}
