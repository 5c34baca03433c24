package harness

import "time"

// This file is the system clock of [WithSystemClock]: the only place where
// the harness reads the time or waits for it. The virtual clock itself is
// harness/internal/clock.

// systemNow returns the system clock's time, in UTC.
func systemNow() time.Time { return time.Now().UTC() }

// sleep waits d on the system clock.
func sleep(d time.Duration) { time.Sleep(d) }

// tickLocked moves the clock to the system time under [WithSystemClock];
// the virtual clock only moves with its events.
func (s *Server) tickLocked() {
	if s.cfg.systemClock {
		s.clock.AdvanceTo(systemNow())
	}
}

// systemRun is the server's goroutine under [WithSystemClock]: it runs each
// event when the system clock reaches it, and waits for the next (or for a
// new one to be scheduled) in between.
func (s *Server) systemRun() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		s.tickLocked()
		next, ok := s.clock.Peek()
		closed := s.closed
		now := s.clock.Now()
		s.mu.Unlock()
		if closed {
			return
		}
		if !ok || next.After(now) {
			var timeout <-chan time.Time
			var t *time.Timer
			if ok {
				t = time.NewTimer(next.Sub(now))
				timeout = t.C
			}
			select {
			case <-timeout:
			case <-s.wakeCh:
			case <-s.ctx.Done():
			}
			if t != nil {
				t.Stop()
			}
			continue
		}
		s.drive.Lock()
		s.step(now)
		s.drive.Unlock()
	}
}

// waitAll waits until every call has ended and sent its last callbacks, or
// the server closes.
func (s *Server) waitAll() {
	for {
		var open *Call
		for _, c := range s.Calls() {
			if !c.settled() {
				open = c
				break
			}
		}
		if open == nil {
			return
		}
		select {
		case <-open.done:
		case <-s.ctx.Done():
			return
		}
	}
}
