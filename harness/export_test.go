package harness

import "time"

// VerificationsOf is how many caller ID verifications s holds, for tests
// of what a long-lived server keeps.
func VerificationsOf(s *Server) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.dir.verifications)
}

// SetConferenceFlags puts the call on hold (hearing Twilio's hold music)
// or takes it off, and mutes or unmutes it, in the conference it is in, as
// the Participants API does: the tests of the views make the events it
// records without that API.
func SetConferenceFlags(c *Call, hold, muted bool) {
	s := c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := c.conf; p != nil {
		p.setHoldLocked(hold, "", "")
		p.setMutedLocked(muted)
	}
}

// Sleep waits d on the system clock, as the harness does where it waits
// in real time (system_clock.go): inside a testing/synctest bubble, d of
// the bubble's fake time.
func Sleep(d time.Duration) { sleep(d) }

// RelayTimers returns how many clock timers the call's latest
// ConversationRelay session keeps.
func RelayTimers(c *Call) int {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	if len(c.relays) == 0 {
		return 0
	}
	return len(c.relays[len(c.relays)-1].timers)
}

// MaxWatchers is how many event streams of the control API may be open at
// once.
const MaxWatchers = maxWatchers
