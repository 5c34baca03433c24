package harness

import (
	"container/heap"
	"time"
)

// timer is one entry of the virtual clock's queue: fn runs on the goroutine
// that drives the engine, without the server's lock, once the clock reaches
// at. Events due at the same instant run in the order they were scheduled.
type timer struct {
	at    time.Time
	seq   uint64
	index int // position in the queue; -1 once it ran or was canceled
	fn    func()
}

// clock is the virtual clock: the current instant and the queue of what is
// due. It never reads the system clock and never sleeps; time moves only when
// the driver takes the next event. Its fields are guarded by Server.mu.
type clock struct {
	now   time.Time
	seq   uint64
	queue timerQueue
}

// at schedules fn at t (or now, if t is in the past) and returns the event,
// which can be canceled.
func (c *clock) at(t time.Time, fn func()) *timer {
	if t.Before(c.now) {
		t = c.now
	}
	c.seq++
	ev := &timer{at: t, seq: c.seq, fn: fn}
	heap.Push(&c.queue, ev)
	return ev
}

// cancel removes ev from the queue if it is still there. It is safe with nil
// and with events that already ran.
func (c *clock) cancel(ev *timer) {
	if ev == nil || ev.index < 0 {
		return
	}
	heap.Remove(&c.queue, ev.index)
}

// next removes and returns the earliest event due no later than limit, moving
// the clock to its time; it returns nil when nothing is due. A zero limit
// means no limit.
func (c *clock) next(limit time.Time) *timer {
	if len(c.queue) == 0 {
		return nil
	}
	ev := c.queue[0]
	if !limit.IsZero() && ev.at.After(limit) {
		return nil
	}
	heap.Pop(&c.queue)
	if ev.at.After(c.now) {
		c.now = ev.at
	}
	return ev
}

// pending reports how many events are queued.
func (c *clock) pending() int { return len(c.queue) }

// timerQueue is a min-heap of timers ordered by (at, seq).
type timerQueue []*timer

func (q timerQueue) Len() int { return len(q) }

func (q timerQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}

func (q timerQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index = i
	q[j].index = j
}

func (q *timerQueue) Push(x any) {
	ev := x.(*timer)
	ev.index = len(*q)
	*q = append(*q, ev)
}

func (q *timerQueue) Pop() any {
	old := *q
	n := len(old)
	ev := old[n-1]
	old[n-1] = nil
	ev.index = -1
	*q = old[:n-1]
	return ev
}

// This part of the file is the system clock of [WithSystemClock]: the only
// place where the harness reads the time or waits for it.

// systemNow returns the system clock's time, in UTC.
func systemNow() time.Time { return time.Now().UTC() }

// sleep waits d on the system clock.
func sleep(d time.Duration) { time.Sleep(d) }

// tick moves the clock to the system time under [WithSystemClock]; the
// virtual clock only moves with its events. Call with s.mu held.
func (s *Server) tick() {
	if s.cfg.systemClock {
		if now := systemNow(); now.After(s.clock.now) {
			s.clock.now = now
		}
	}
}

// peek returns the time of the next event, and false when none is queued.
func (c *clock) peek() (time.Time, bool) {
	if len(c.queue) == 0 {
		return time.Time{}, false
	}
	return c.queue[0].at, true
}

// systemRun is the server's goroutine under [WithSystemClock]: it runs each
// event when the system clock reaches it, and waits for the next (or for a
// new one to be scheduled) in between.
func (s *Server) systemRun() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		s.tick()
		next, ok := s.clock.peek()
		closed := s.closed
		now := s.clock.now
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
