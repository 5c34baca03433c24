package harness

import (
	"math"
	"sync"
	"time"
)

// This file is where the harness reads real time or waits for it: the
// system clock of [WithSystemClock], the scaled clock of [ClockScaled],
// the engine running by itself ([ClockAuto]), which follows real time while
// an application is slow to answer, and the patience of media streams with
// their applications ([WithStreamPatience]) and of Close with theirs. The virtual clock itself is
// harness/internal/clock; the modes are in clock_mode.go.

// systemNow returns the system clock's time, in UTC.
func systemNow() time.Time { return time.Now().UTC() }

// sleep waits d on the system clock.
func sleep(d time.Duration) { time.Sleep(d) }

// tickLocked moves the clock to the system time under [WithSystemClock],
// and to the scaled time under [ClockScaled]; in the other modes the
// virtual clock only moves with its events.
func (s *Server) tickLocked() {
	if now, ok := s.realNowLocked(); ok {
		s.clock.AdvanceTo(now)
	}
}

// rebased returns the same anchor from now: the virtual instant now, and
// the real instant it is.
func (r realTime) rebased() realTime {
	now := time.Now()
	return realTime{virtual: r.virtual.Add(scale(now.Sub(r.since), r.rate)), since: now, rate: r.rate}
}

// realNowLocked returns the time of the system clock under
// [WithSystemClock], or of the scaled clock under [ClockScaled], and
// whether the server is in either mode.
func (s *Server) realNowLocked() (time.Time, bool) {
	switch {
	case s.cfg.systemClock:
		return systemNow(), true
	case s.clk.Mode == ClockScaled:
		if time.Since(s.anchor.since) > time.Minute {
			s.anchor = s.anchor.rebased() // keep elapsed × rate far from overflowing
		}
		return s.anchor.virtualNow(), true
	}
	return time.Time{}, false
}

// anchorLocked ties the scaled clock to real time at the virtual clock's
// current instant: after a switch of mode, and after the test or a client
// drove the clock ahead.
func (s *Server) anchorLocked() {
	s.anchor = realTime{virtual: s.clock.Now(), since: time.Now(), rate: s.clk.Rate}
}

// realDuration returns how long d of virtual time takes in real time
// under the current mode: d itself on the system clock, d/rate scaled.
func (s *Server) realDuration(d time.Duration) time.Duration {
	if s.clk.Mode == ClockScaled {
		return time.Duration(math.Ceil(float64(d) / s.clk.Rate))
	}
	return d
}

// autoRun moves time under [ClockAuto], until the mode changes (epoch is
// no longer the server's) or the server closes: it applies replies
// and runs events as they become due, virtual time jumping from one event
// to the next whenever nothing is in flight. While requests are in flight
// it runs only what is due at the current instant and waits for the
// replies, as [Server.step] does, but for at most [WithReplyPatience]: then
// virtual time follows real time, so that the other calls go on, and each
// reply is applied when it comes.
func (s *Server) autoRun(epoch uint64) {
	var follow realTime   // zero while virtual time does not follow real time
	var waiting time.Time // when the engine began to wait for the replies of this instant
	for {
		s.drive.Lock()
		s.mu.Lock()
		if s.closed || s.epoch != epoch {
			s.unlockBoth()
			return
		}
		if !follow.since.IsZero() {
			if fl := s.out.nextReplyLocked(false); fl != nil {
				s.runAndUnlock(fl.apply)
				continue
			}
		}
		if !s.out.inFlightLocked() {
			follow, waiting = realTime{}, time.Time{}
			if s.clock.Len() == 0 {
				s.drive.Unlock()
				s.wake.Wait()
				s.mu.Unlock()
				continue
			}
			if ev := s.nextEventLocked(time.Time{}); ev != nil {
				s.runAndUnlock(ev.Run)
			} else {
				s.unlockBoth()
			}
			continue
		}
		limit := s.clock.Now()
		if !follow.since.IsZero() {
			limit = follow.virtualNow()
		}
		if ev := s.nextEventLocked(limit); ev != nil {
			s.runAndUnlock(ev.Run)
			continue
		}
		if follow.since.IsZero() {
			if fl := s.out.nextReplyLocked(true); fl != nil {
				s.runAndUnlock(fl.apply)
				continue
			}
			if waiting.IsZero() {
				waiting = time.Now()
			}
			left := s.cfg.replyPatience - time.Since(waiting)
			if left <= 0 {
				follow = realTime{virtual: s.clock.Now(), since: time.Now(), rate: 1}
				s.unlockBoth()
				continue
			}
			s.unlockBoth()
			s.awaitReply(left)
			continue
		}
		s.clock.AdvanceTo(limit)
		wait := time.Duration(-1)
		if next, ok := s.clock.Peek(); ok {
			wait = next.Sub(limit)
		}
		s.unlockBoth()
		s.awaitReply(wait)
	}
}

// A runner takes s.drive, then s.mu, before it looks for work, so that
// what it takes off the clock it also runs before anyone else drives: a
// [Server.Run] from the control API waits for the event in progress, then
// runs the rest itself.

// unlockBoth releases s.mu and s.drive.
func (s *Server) unlockBoth() {
	s.mu.Unlock()
	s.drive.Unlock()
}

// runAndUnlock runs fn without s.mu, as the engine's driver, then
// releases s.drive.
func (s *Server) runAndUnlock(fn func()) {
	s.mu.Unlock()
	fn()
	s.drive.Unlock()
}

// realTime anchors virtual time to real time: virtual was the virtual
// instant at the real instant since, and virtual time flows rate times as
// fast as real time.
type realTime struct {
	virtual time.Time
	since   time.Time
	rate    float64
}

func (r realTime) virtualNow() time.Time {
	elapsed := time.Since(r.since)
	if r.rate == 1 {
		return r.virtual.Add(elapsed)
	}
	return r.virtual.Add(scale(elapsed, r.rate))
}

// scale returns d times rate, saturated at the longest time.Duration (292
// years) instead of overflowing.
func scale(d time.Duration, rate float64) time.Duration {
	v := float64(d) * rate
	if v >= math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(v)
}

// awaitReply waits, in real time, until a reply comes in, an event is
// scheduled, the server closes, or d passes (d < 0: no limit). It reports
// whether it was woken before d passed.
func (s *Server) awaitReply(d time.Duration) bool {
	var timeout <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-s.out.arrived:
		return true
	case <-s.wakeCh:
		return true
	case <-s.ctx.Done():
		return true
	case <-timeout:
		return false
	}
}

// realRun moves time under [WithSystemClock] and [ClockScaled], until the
// mode changes (epoch is no longer the server's) or the server closes: it
// runs each event when the system or scaled clock reaches it, applies each
// reply when it comes, and waits for the next (or for a new one to be
// scheduled) in between.
func (s *Server) realRun(epoch uint64) {
	for {
		s.drive.Lock()
		s.mu.Lock()
		if s.closed || s.epoch != epoch {
			s.unlockBoth()
			return
		}
		// Events due run at their own instants, however late the runner
		// is; only then does the clock catch up with real time, and a
		// reply that came in is applied.
		now, _ := s.realNowLocked()
		if ev := s.nextEventLocked(now); ev != nil {
			s.runAndUnlock(ev.Run)
			continue
		}
		s.clock.AdvanceTo(now)
		now = s.clock.Now()
		if fl := s.out.nextReplyLocked(false); fl != nil {
			s.runAndUnlock(fl.apply)
			continue
		}
		wait := time.Duration(-1)
		if next, ok := s.clock.Peek(); ok {
			wait = s.realDuration(next.Sub(now))
		}
		s.unlockBoth()
		s.awaitReply(wait)
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

// handlerGrace is how long, in real time, Close waits for the
// applications' in-process WebSocket handlers to return once their
// connections are closed: a handler that ignores its closed connection is
// left behind rather than holding Close forever.
const handlerGrace = 5 * time.Second

// waitAtMost waits for wg, in real time, at most d.
func waitAtMost(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	awaitAtMost(done, d)
}

// awaitAtMost waits, in real time, at most d for done to close, and
// reports whether it did.
func awaitAtMost(done <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// watchdog returns a real-time timer, stopped, that runs fn each time it
// is armed (Reset) and not stopped before it fires.
func watchdog(fn func()) *time.Timer {
	t := time.AfterFunc(time.Hour, fn)
	t.Stop()
	return t
}

// realNanos returns the system clock's time in Unix nanoseconds.
func realNanos() int64 { return time.Now().UnixNano() }
