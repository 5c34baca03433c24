package harness

import "github.com/twimlharness/twimlharness/harness/internal/sid"

// Reset forgets every call, request, notification, message, fault and party
// the server has, and restarts the SID generator from its seed (see
// [Server.Reseed]). Accounts, applications and incoming numbers stay, and
// the clock keeps its time. It waits for the event in progress, if any.
func (s *Server) Reset() {
	s.drive.Lock()
	defer s.drive.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock.Clear()
	for _, c := range s.order {
		c.forgetLocked()
	}
	clear(s.calls)
	s.order = nil
	for _, a := range s.accounts {
		a.calls = nil
	}
	s.hooksLog, s.apiLog, s.notes, s.messages = nil, nil, nil, nil
	clear(s.out.faults)
	clear(s.parsed)
	clear(s.parties)
	for addr, p := range s.cfg.parties {
		s.parties[addr] = p
	}
	s.ids = sid.New(s.cfg.seed)
}

// forgetLocked marks a forgotten call as ended, so that anyone waiting on
// it stops.
func (c *Call) forgetLocked() {
	if !c.line.status.Ended() {
		c.line.status = StatusCanceled
	}
	select {
	case <-c.done:
	default:
		close(c.done)
	}
}

// Reseed restarts the generator of SIDs and idempotency tokens from seed.
func (s *Server) Reseed(seed uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.seed = seed
	s.ids = sid.New(seed)
}
