package clock

import "time"

// Timer is one event of a [Queue]: a function due at an instant. The driver
// takes it from the queue with [Queue.Next] and calls [Timer.Run].
type Timer struct {
	at       time.Time
	seq      uint64
	index    int // position in the queue; -1 once it ran or was canceled
	fn       func()
	canceled bool
	// Owner is whatever the driver wants to know about the timer before
	// running it (the harness: the call it belongs to). The queue never
	// looks at it.
	Owner any
}

// At returns the instant the timer is due, on the queue's virtual clock. For
// a timer scheduled in the past this is the instant it was scheduled.
func (t *Timer) At() time.Time { return t.at }

// Run calls the timer's function. It does not look at the queue: call it
// after [Queue.Next] has returned the timer.
func (t *Timer) Run() { t.fn() }

// Pending reports whether the timer is still queued: false once [Queue.Next]
// has returned it, or it was canceled or cleared.
func (t *Timer) Pending() bool { return t.index >= 0 }

// Canceled reports whether [Queue.Cancel] was called for the timer, even
// after the queue had returned it: a driver that holds a timer back before
// running it checks this first.
func (t *Timer) Canceled() bool { return t.canceled }

// timerHeap is a min-heap of timers ordered by (at, seq), for container/heap.
type timerHeap []*Timer

func (h timerHeap) Len() int { return len(h) }

func (h timerHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}

func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}

func (h *timerHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}
