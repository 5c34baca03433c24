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

// after schedules fn d from now.
func (c *clock) after(d time.Duration, fn func()) *timer {
	return c.at(c.now.Add(d), fn)
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
