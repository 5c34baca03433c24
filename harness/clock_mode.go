package harness

import (
	"fmt"
	"math"
	"strconv"
)

// ClockMode is how a server's virtual time moves when the test does not
// drive it itself.
type ClockMode string

// The clock modes. A server starts in [ClockManual] unless [WithClock] or
// [WithAutoRun] says otherwise; [Server.SetClock] switches between them
// while it runs.
const (
	// ClockManual moves time only when it is driven: by [Server.Run],
	// [Server.Advance] and [Call.Wait], or by the control API's
	// clock/advance and clock/run. Nothing happens in between, not even
	// what is due now: a call created over the REST API stays queued until
	// the clock is driven. Advancing by 0 runs what is due now. A library
	// server's default.
	ClockManual ClockMode = "manual"
	// ClockAuto runs the engine on a goroutine of the server, virtual time
	// jumping to the next event as soon as nothing else is due: a whole
	// call plays out before a REST client's next request. The default of
	// twimlharness serve; [WithAutoRun].
	ClockAuto ClockMode = "auto"
	// ClockScaled makes virtual time flow at [Clock.Rate] times the wall
	// clock (1 is Twilio's own pace), so that a REST client can catch a
	// call while it rings or is in progress: cancel it, hang it up,
	// redirect it. The applications' slowness takes virtual time too, as
	// on Twilio, but the webhook timeout ([WithWebhookTimeout]) stays in
	// real time: at rate 50, a reply that takes 500 ms costs the call 25
	// virtual seconds and is still accepted. Runs in this mode are not
	// repeatable to the millisecond. [Server.Run] and clock/run still
	// run everything left at once.
	ClockScaled ClockMode = "scaled"
	// ClockSystem is the mode of a server made with [WithSystemClock]: the
	// system clock's own time. It cannot be set or left with
	// [Server.SetClock].
	ClockSystem ClockMode = "system"
)

// MaxClockRate is the fastest [ClockScaled] rate: a million virtual
// seconds a real second. Faster is [ClockAuto].
const MaxClockRate = 1e6

// Clock is a server's clock mode, with the rate of [ClockScaled].
type Clock struct {
	Mode ClockMode
	// Rate is how many virtual seconds pass in a real second under
	// ClockScaled (0 < Rate <= MaxClockRate). It must be 0 in the other
	// modes.
	Rate float64
}

// String returns "manual", "auto", "system", or "scaled 10x".
func (c Clock) String() string {
	if c.Mode == ClockScaled {
		return "scaled " + strconv.FormatFloat(c.Rate, 'g', -1, 64) + "x"
	}
	return string(c.Mode)
}

// check returns an error that says what is wrong with c, if anything.
func (c Clock) check() error {
	switch c.Mode {
	case ClockManual, ClockAuto:
		if c.Rate != 0 {
			return fmt.Errorf("harness: clock %s takes no rate (got %g): only the scaled clock has one", c.Mode, c.Rate)
		}
	case ClockScaled:
		if math.IsNaN(c.Rate) || c.Rate <= 0 || c.Rate > MaxClockRate {
			return fmt.Errorf("harness: scaled clock rate %g: want virtual seconds per real second, more than 0 and at most %g (1 is Twilio's pace)", c.Rate, float64(MaxClockRate))
		}
	case ClockSystem:
		return fmt.Errorf("harness: clock system: a server runs on the system clock only when made with WithSystemClock")
	default:
		return fmt.Errorf("harness: clock mode %q: want manual, auto or scaled", c.Mode)
	}
	return nil
}

// CheckClock returns an error that says what is wrong with c, if anything:
// a mode that is not manual, auto or scaled, a scaled rate out of range, or
// a rate given to another mode.
func CheckClock(c Clock) error { return c.check() }

// WithClock sets how the server's virtual time moves (see [ClockMode]).
// NewServer panics if c is not valid.
func WithClock(c Clock) Option {
	if err := c.check(); err != nil {
		panic(err)
	}
	return option(func(cfg *config) { cfg.clock = c })
}

// Clock returns the server's clock mode and rate.
func (s *Server) Clock() Clock {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clk
}

// SetClock switches the server's clock mode: the virtual time stays where
// it is and goes on moving the new way. It returns an error if c is not
// valid or the server runs on the system clock.
func (s *Server) SetClock(c Clock) error {
	if err := c.check(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.systemClock {
		return fmt.Errorf("harness: set clock %s: the server runs on the system clock (WithSystemClock), which cannot be switched", c)
	}
	s.setClockLocked(c)
	return nil
}

// setClockLocked switches to c, which is valid: scaled time settled first,
// the runner started if c needs it and told to look again.
func (s *Server) setClockLocked(c Clock) {
	s.tickLocked()
	s.clk = c
	s.anchorLocked()
	s.epoch++
	if c.Mode != ClockManual {
		s.startRunnerLocked()
	}
	s.wakeLocked()
}

// selfDriven reports whether the server's own goroutine moves time, so
// that waiting for a call means waiting for it rather than driving.
func (s *Server) selfDriven() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clk.Mode != ClockManual
}

// startRunnerLocked starts the goroutine that moves time in the automatic
// modes, once.
func (s *Server) startRunnerLocked() {
	if s.runner || s.closed {
		return
	}
	s.runner = true
	s.wg.Add(1)
	go s.runClock()
}

// wakeLocked tells the runner, if any, to look again: an event was
// scheduled, the mode changed, or the server is closing.
func (s *Server) wakeLocked() {
	if !s.runner {
		return
	}
	s.wake.Broadcast()
	select {
	case s.wakeCh <- struct{}{}:
	default:
	}
}

// runClock is the runner: it moves time the way the current mode says,
// switching when the mode changes, until the server closes.
func (s *Server) runClock() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		mode, epoch := s.clk.Mode, s.epoch
		if mode == ClockManual {
			s.wake.Wait()
			s.mu.Unlock()
			continue
		}
		s.mu.Unlock()
		if mode == ClockAuto {
			s.autoRun(epoch)
		} else {
			s.realRun(epoch)
		}
	}
}
