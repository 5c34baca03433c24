package harness

import "github.com/twimlharness/twimlharness/twiml"

// rejectLocked refuses a call that has not been answered: busy for
// reason="busy", no-answer otherwise. A call already answered hangs up,
// with a warning: <Reject> is only for incoming calls before they are
// answered.
func (c *Call) rejectLocked(v *twiml.Reject) bool {
	if c.line.answered.IsZero() {
		st, sip := StatusNoAnswer, sipNotFound
		if v.Reason == "busy" {
			st, sip = StatusBusy, sipBusyHere
		}
		c.recordLocked(callEvent{kind: EventHangup, text: "<Reject reason=" + v.Reason + ">"})
		c.finishLocked(st, sip, "rejected")
		return true
	}
	c.notifyLocked(codeRejectAnswered, LevelWarning, "<Reject> on a call that is already answered hangs it up", c.program.docURL, "")
	c.hangUpLocked(StatusCompleted, "<Reject> on an answered call")
	return true
}
