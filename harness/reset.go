package harness

import (
	"fmt"
	"maps"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/sid"
)

// Keep names a part of the server's state that [Server.Reset] keeps.
type Keep string

// What a reset can keep.
const (
	// KeepNumbers keeps the incoming numbers, applications and verified
	// caller IDs added since the server started, however they were added
	// (the library, the control API or the REST API).
	KeepNumbers Keep = "numbers"
	// KeepParties keeps the parties set since the server started.
	KeepParties Keep = "parties"
	// KeepClock keeps the clock's time and mode.
	KeepClock Keep = "clock"
	// KeepPublicURLs keeps the public URLs mapped since the server started.
	KeepPublicURLs Keep = "public_urls"
)

// keeps is every Keep, for messages.
var keeps = []Keep{KeepNumbers, KeepParties, KeepClock, KeepPublicURLs}

// CheckKeep returns an error unless k is one of the Keep constants.
func CheckKeep(k Keep) error {
	for _, known := range keeps {
		if k == known {
			return nil
		}
	}
	return fmt.Errorf("harness: reset: cannot keep %q: want numbers, parties, clock or public_urls", string(k))
}

// Reset puts the server back where it started, so that the same setup run
// twice gives the same transcripts: it forgets every call, request,
// notification, message and fault; it forgets the incoming numbers,
// applications, verified caller IDs, parties and public URLs added since
// (those of the options stay); the clock goes back to its start time and
// mode; and the SID generator restarts from its seed (see
// [Server.Reseed]), though never to a SID of a number, application or
// caller ID kept. Accounts stay.
// keep names the parts to leave as they are. Reset waits for the event in
// progress, if any; it panics on a Keep that is not one of the constants
// (see [CheckKeep]).
func (s *Server) Reset(keep ...Keep) {
	for _, k := range keep {
		if err := CheckKeep(k); err != nil {
			panic(err)
		}
	}
	kept := func(k Keep) bool {
		for _, want := range keep {
			if want == k {
				return true
			}
		}
		return false
	}
	s.drive.Lock()
	defer s.drive.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock.Clear()
	for _, c := range s.order {
		for _, st := range c.streams {
			st.abandonLocked()
		}
		for _, r := range c.relays {
			r.abandonLocked()
		}
		c.forgetLocked()
	}
	clear(s.calls)
	clear(s.dir.verifications)
	s.order = nil
	for _, a := range s.accounts {
		a.calls = nil
	}
	s.hooksLog, s.apiLog, s.notes, s.messages = nil, nil, nil, nil
	s.confs = newConferences()
	s.queues = newQueues()
	s.kept.confs = nil
	s.seq, s.kept = 0, retention{}
	s.watch.resetLocked()
	clear(s.out.faults)
	s.out.forgetFlightsLocked()
	clear(s.parsed)
	if !kept(KeepParties) {
		clear(s.parties)
		maps.Copy(s.parties, s.cfg.parties)
	}
	if !kept(KeepNumbers) {
		s.dir.clear()
	}
	if !kept(KeepPublicURLs) {
		s.out.setPublicURLs(s.cfg.publicURLs)
	}
	if !kept(KeepClock) {
		start := s.cfg.start
		if s.cfg.systemClock {
			start = systemNow()
		}
		if s.clk != s.cfg.clock {
			s.setClockLocked(s.cfg.clock)
		}
		s.clock = clock.New(start)
		s.anchorLocked()
	}
	s.epoch++ // a runner starts again from the new state
	s.wakeLocked()
	s.ids, s.noteIDs = sid.New(s.cfg.seed), sid.New(noteSeed(s.cfg.seed))
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

// Reseed restarts the generator of SIDs and idempotency tokens from seed,
// which [Server.Reset] restarts it from from then on.
func (s *Server) Reseed(seed uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.seed = seed
	s.ids, s.noteIDs = sid.New(seed), sid.New(noteSeed(seed))
}

// noteSeed is the seed of the notifications' SIDs for a server's seed.
func noteSeed(seed uint64) uint64 { return seed ^ 0x4e4f5449 }
