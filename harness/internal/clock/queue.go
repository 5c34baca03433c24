package clock

import (
	"container/heap"
	"time"
)

// Queue is a virtual clock: the current instant and the timers due after
// it. The zero value is a usable queue whose clock reads the zero
// [time.Time] until [Queue.AdvanceTo] or [Queue.Next] moves it. A Queue is
// not safe for concurrent use.
type Queue struct {
	now  time.Time
	seq  uint64
	heap timerHeap
}

// New returns an empty queue whose clock reads start.
func New(start time.Time) *Queue { return &Queue{now: start} }

// Now returns the current instant of the virtual clock.
func (q *Queue) Now() time.Time { return q.now }

// AdvanceTo moves the clock forward to t. It never moves it backwards: a t
// before the current instant leaves the clock where it is. It runs nothing;
// timers due by t stay queued for [Queue.Next].
func (q *Queue) AdvanceTo(t time.Time) {
	if t.After(q.now) {
		q.now = t
	}
}

// At schedules fn at t, or at the current instant if t is in the past, and
// returns the timer, which [Queue.Cancel] can remove. Timers due at the same
// instant come out of [Queue.Next] in the order they were scheduled.
func (q *Queue) At(t time.Time, fn func()) *Timer {
	return q.AtFor(t, nil, fn)
}

// AtFor schedules fn at t, as [Queue.At] does, with owner as the timer's
// Owner.
func (q *Queue) AtFor(t time.Time, owner any, fn func()) *Timer {
	if t.Before(q.now) {
		t = q.now
	}
	q.seq++
	tm := &Timer{at: t, seq: q.seq, fn: fn, Owner: owner}
	heap.Push(&q.heap, tm)
	return tm
}

// After schedules fn d after the current instant, as [Queue.At] does.
func (q *Queue) After(d time.Duration, fn func()) *Timer {
	return q.At(q.now.Add(d), fn)
}

// Cancel removes t from the queue if it is still there, and marks it
// canceled either way (see [Timer.Canceled]). It is safe with nil and with
// timers that already ran or were canceled. t must come from q.
func (q *Queue) Cancel(t *Timer) {
	if t == nil {
		return
	}
	t.canceled = true
	if t.index < 0 {
		return
	}
	heap.Remove(&q.heap, t.index)
}

// Next removes and returns the earliest timer due no later than limit,
// moving the clock to its time if that is later than now. A zero limit means
// no limit. It returns nil, and leaves the clock alone, when nothing is due
// by limit. The caller runs the timer with [Timer.Run].
func (q *Queue) Next(limit time.Time) *Timer {
	if len(q.heap) == 0 {
		return nil
	}
	t := q.heap[0]
	if !limit.IsZero() && t.at.After(limit) {
		return nil
	}
	heap.Pop(&q.heap)
	if t.at.After(q.now) {
		q.now = t.at
	}
	return t
}

// Peek returns the time of the earliest timer, and false when none is
// queued. It changes nothing.
func (q *Queue) Peek() (time.Time, bool) {
	if len(q.heap) == 0 {
		return time.Time{}, false
	}
	return q.heap[0].at, true
}

// Len returns how many timers are queued.
func (q *Queue) Len() int { return len(q.heap) }

// Clear drops every queued timer; each is no longer [Timer.Pending]. The
// clock keeps its time and the scheduling sequence goes on.
func (q *Queue) Clear() {
	for _, t := range q.heap {
		t.index = -1
	}
	q.heap = nil
}
