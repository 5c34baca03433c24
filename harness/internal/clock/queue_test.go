package clock

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var start = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// event is one timer a test schedules: a name, and when, as an offset from
// start.
type event struct {
	name string
	at   time.Duration
}

// fired is what a test sees of a timer that ran: its name and the clock
// when it ran.
type fired struct {
	Name string
	Now  time.Duration
}

// schedule adds events to q; each one, when run, appends itself to *log.
// It returns the timers by name.
func schedule(t *testing.T, q *Queue, log *[]fired, events []event) map[string]*Timer {
	t.Helper()
	timers := make(map[string]*Timer, len(events))
	for _, ev := range events {
		if _, dup := timers[ev.name]; dup {
			t.Fatalf("schedule: duplicate event name %q", ev.name)
		}
		timers[ev.name] = q.At(start.Add(ev.at), func() {
			*log = append(*log, fired{ev.name, q.Now().Sub(start)})
		})
	}
	return timers
}

// drain runs every timer due by limit, in order, and returns how many ran.
func drain(t *testing.T, q *Queue, limit time.Time) int {
	t.Helper()
	n := 0
	for tm := q.Next(limit); tm != nil; tm = q.Next(limit) {
		if tm.Pending() {
			t.Errorf("Next returned a timer still Pending")
		}
		tm.Run()
		n++
	}
	return n
}

func TestQueueOrder(t *testing.T) {
	tests := []struct {
		name   string
		events []event
		want   []fired
	}{
		{
			name: "empty",
			want: nil,
		},
		{
			name:   "by time",
			events: []event{{"c", 3 * time.Second}, {"a", time.Second}, {"b", 2 * time.Second}},
			want:   []fired{{"a", time.Second}, {"b", 2 * time.Second}, {"c", 3 * time.Second}},
		},
		{
			name:   "same instant in scheduling order",
			events: []event{{"x", time.Second}, {"y", time.Second}, {"z", time.Second}},
			want:   []fired{{"x", time.Second}, {"y", time.Second}, {"z", time.Second}},
		},
		{
			name: "time first, then sequence",
			events: []event{
				{"late1", 5 * time.Second}, {"early1", time.Second}, {"late2", 5 * time.Second},
				{"now", 0}, {"early2", time.Second}, {"late3", 5 * time.Second},
			},
			want: []fired{
				{"now", 0}, {"early1", time.Second}, {"early2", time.Second},
				{"late1", 5 * time.Second}, {"late2", 5 * time.Second}, {"late3", 5 * time.Second},
			},
		},
		{
			name:   "past times run now, in scheduling order with the present",
			events: []event{{"present", 0}, {"past", -time.Hour}, {"future", time.Millisecond}, {"long ago", -24 * time.Hour}},
			want:   []fired{{"present", 0}, {"past", 0}, {"long ago", 0}, {"future", time.Millisecond}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := New(start)
			var got []fired
			schedule(t, q, &got, tt.events)
			if n := q.Len(); n != len(tt.events) {
				t.Errorf("Len() = %d, want %d", n, len(tt.events))
			}
			drain(t, q, time.Time{})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if n := q.Len(); n != 0 {
				t.Errorf("Len() after draining = %d, want 0", n)
			}
		})
	}
}

func TestQueueAt(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
		want time.Time
	}{
		{name: "future", at: start.Add(time.Minute), want: start.Add(time.Minute)},
		{name: "now", at: start, want: start},
		{name: "past is now", at: start.Add(-time.Nanosecond), want: start},
		{name: "zero time is now", at: time.Time{}, want: start},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := New(start)
			tm := q.At(tt.at, func() {})
			if got := tm.At(); !got.Equal(tt.want) {
				t.Errorf("At() = %v, want %v", got, tt.want)
			}
			if !tm.Pending() {
				t.Errorf("Pending() = false right after At, want true")
			}
		})
	}
}

func TestQueueAfter(t *testing.T) {
	tests := []struct {
		name string
		now  time.Duration // AdvanceTo start+now first
		d    time.Duration
		want time.Duration
	}{
		{name: "from start", d: time.Second, want: time.Second},
		{name: "from an advanced clock", now: time.Minute, d: time.Second, want: time.Minute + time.Second},
		{name: "zero is now", now: time.Minute, want: time.Minute},
		{name: "negative is now", now: time.Minute, d: -time.Hour, want: time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := New(start)
			q.AdvanceTo(start.Add(tt.now))
			tm := q.After(tt.d, func() {})
			if got := tm.At().Sub(start); got != tt.want {
				t.Errorf("At() = start+%v, want start+%v", got, tt.want)
			}
		})
	}
}

func TestQueueCancel(t *testing.T) {
	events := []event{{"a", 1 * time.Second}, {"b", 2 * time.Second}, {"c", 3 * time.Second}, {"d", 4 * time.Second}, {"e", 5 * time.Second}}
	tests := []struct {
		name   string
		run    int      // timers to run before canceling
		cancel []string // "" cancels nil
		want   []string // what runs afterwards
	}{
		{name: "from the middle", cancel: []string{"c"}, want: []string{"a", "b", "d", "e"}},
		{name: "the first", cancel: []string{"a"}, want: []string{"b", "c", "d", "e"}},
		{name: "the last", cancel: []string{"e"}, want: []string{"a", "b", "c", "d"}},
		{name: "several", cancel: []string{"d", "b", "a"}, want: []string{"c", "e"}},
		{name: "all", cancel: []string{"c", "a", "e", "b", "d"}, want: nil},
		{name: "twice", cancel: []string{"c", "c"}, want: []string{"a", "b", "d", "e"}},
		{name: "nil", cancel: []string{""}, want: []string{"a", "b", "c", "d", "e"}},
		{name: "one that already ran", run: 2, cancel: []string{"a", "b"}, want: []string{"c", "d", "e"}},
		{name: "one that ran and one queued", run: 1, cancel: []string{"a", "d"}, want: []string{"b", "c", "e"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := New(start)
			var log []fired
			timers := schedule(t, q, &log, events)
			for range tt.run {
				q.Next(time.Time{}).Run()
			}
			log = nil
			for _, name := range tt.cancel {
				q.Cancel(timers[name]) // a missing name is a nil *Timer
			}
			for _, name := range tt.cancel {
				if tm := timers[name]; tm != nil && tm.Pending() {
					t.Errorf("%s.Pending() = true after Cancel", name)
				}
			}
			if got, want := q.Len(), len(tt.want); got != want {
				t.Errorf("Len() = %d, want %d", got, want)
			}
			drain(t, q, time.Time{})
			var got []string
			for _, f := range log {
				got = append(got, f.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestQueueNext(t *testing.T) {
	events := []event{{"a", time.Second}, {"b", 2 * time.Second}, {"c", 2 * time.Second}, {"d", time.Minute}}
	tests := []struct {
		name    string
		limit   time.Time
		want    []fired
		wantNow time.Duration
		wantLen int
	}{
		{
			name:    "zero limit is no limit",
			want:    []fired{{"a", time.Second}, {"b", 2 * time.Second}, {"c", 2 * time.Second}, {"d", time.Minute}},
			wantNow: time.Minute,
		},
		{
			name:    "limit before the first",
			limit:   start.Add(time.Second - time.Nanosecond),
			wantLen: 4,
		},
		{
			name:    "limit at a timer includes it",
			limit:   start.Add(time.Second),
			want:    []fired{{"a", time.Second}},
			wantNow: time.Second,
			wantLen: 3,
		},
		{
			name:    "limit between timers",
			limit:   start.Add(30 * time.Second),
			want:    []fired{{"a", time.Second}, {"b", 2 * time.Second}, {"c", 2 * time.Second}},
			wantNow: 2 * time.Second,
			wantLen: 1,
		},
		{
			name:    "limit in the past",
			limit:   start.Add(-time.Hour),
			wantLen: 4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := New(start)
			var got []fired
			schedule(t, q, &got, events)
			drain(t, q, tt.limit)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if now := q.Now().Sub(start); now != tt.wantNow {
				t.Errorf("Now() = start+%v, want start+%v", now, tt.wantNow)
			}
			if n := q.Len(); n != tt.wantLen {
				t.Errorf("Len() = %d, want %d", n, tt.wantLen)
			}
		})
	}
}

func TestQueueNextKeepsALaterClock(t *testing.T) {
	q := New(start)
	var got []fired
	schedule(t, q, &got, []event{{"a", time.Second}})
	q.AdvanceTo(start.Add(time.Minute))
	drain(t, q, time.Time{})
	want := []fired{{"a", time.Minute}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestQueueAdvanceTo(t *testing.T) {
	tests := []struct {
		name string
		to   []time.Duration
		want time.Duration
	}{
		{name: "forward", to: []time.Duration{time.Second}, want: time.Second},
		{name: "to now", to: []time.Duration{0}, want: 0},
		{name: "never backwards", to: []time.Duration{-time.Second}, want: 0},
		{name: "forward then back", to: []time.Duration{time.Minute, time.Second}, want: time.Minute},
		{name: "forward twice", to: []time.Duration{time.Second, time.Minute}, want: time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := New(start)
			for _, d := range tt.to {
				q.AdvanceTo(start.Add(d))
			}
			if got := q.Now().Sub(start); got != tt.want {
				t.Errorf("Now() = start+%v, want start+%v", got, tt.want)
			}
		})
	}
}

func TestQueueAdvanceToRunsNothing(t *testing.T) {
	q := New(start)
	var got []fired
	timers := schedule(t, q, &got, []event{{"a", time.Second}})
	q.AdvanceTo(start.Add(time.Hour))
	if len(got) != 0 || !timers["a"].Pending() || q.Len() != 1 {
		t.Errorf("AdvanceTo ran or dropped a timer: ran %v, Pending %v, Len %d", got, timers["a"].Pending(), q.Len())
	}
}

func TestQueuePeek(t *testing.T) {
	tests := []struct {
		name    string
		events  []event
		cancel  string
		want    time.Duration
		wantOK  bool
		wantLen int
	}{
		{name: "empty"},
		{name: "earliest", events: []event{{"b", 2 * time.Second}, {"a", time.Second}}, want: time.Second, wantOK: true, wantLen: 2},
		{name: "after canceling the earliest", events: []event{{"b", 2 * time.Second}, {"a", time.Second}}, cancel: "a", want: 2 * time.Second, wantOK: true, wantLen: 1},
		{name: "after canceling the only one", events: []event{{"a", time.Second}}, cancel: "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := New(start)
			var log []fired
			timers := schedule(t, q, &log, tt.events)
			q.Cancel(timers[tt.cancel])
			at, ok := q.Peek()
			if ok != tt.wantOK {
				t.Fatalf("Peek() ok = %v, want %v", ok, tt.wantOK)
			}
			want := time.Time{}
			if ok {
				want = start.Add(tt.want)
			}
			if !at.Equal(want) {
				t.Errorf("Peek() = %v, want %v", at, want)
			}
			if n := q.Len(); n != tt.wantLen {
				t.Errorf("Len() after Peek = %d, want %d", n, tt.wantLen)
			}
		})
	}
}

func TestQueueClear(t *testing.T) {
	q := New(start)
	var got []fired
	timers := schedule(t, q, &got, []event{{"a", time.Second}, {"b", 2 * time.Second}, {"c", 3 * time.Second}})
	q.AdvanceTo(start.Add(time.Second))
	q.Clear()
	if n := q.Len(); n != 0 {
		t.Errorf("Len() after Clear = %d, want 0", n)
	}
	for name, tm := range timers {
		if tm.Pending() {
			t.Errorf("%s.Pending() = true after Clear", name)
		}
		q.Cancel(tm) // must be a no-op
	}
	if _, ok := q.Peek(); ok {
		t.Errorf("Peek() ok = true after Clear")
	}
	if tm := q.Next(time.Time{}); tm != nil {
		t.Errorf("Next() after Clear = %v, want nil", tm)
	}
	if got := q.Now(); !got.Equal(start.Add(time.Second)) {
		t.Errorf("Now() after Clear = %v, want the time before it", got)
	}
	// The queue works as before, and keeps scheduling order.
	schedule(t, q, &got, []event{{"x", time.Second}, {"y", time.Second}})
	drain(t, q, time.Time{})
	want := []fired{{"x", time.Second}, {"y", time.Second}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestZeroQueue(t *testing.T) {
	var q Queue
	if got := q.Now(); !got.IsZero() {
		t.Errorf("Now() = %v, want the zero time", got)
	}
	q.AdvanceTo(start)
	var got []fired
	schedule(t, &q, &got, []event{{"b", time.Second}, {"a", 0}})
	drain(t, &q, time.Time{})
	want := []fired{{"a", 0}, {"b", time.Second}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestTimerCanceled: Canceled says whether Cancel was called, also for a
// timer the queue had already returned (and its driver held back).
func TestTimerCanceled(t *testing.T) {
	q := New(start)
	a := q.After(time.Second, func() {})
	b := q.After(2*time.Second, func() {})
	if a.Canceled() || b.Canceled() {
		t.Fatal("a timer is canceled before Cancel")
	}
	held := q.Next(time.Time{})
	if held != a {
		t.Fatalf("Next returned %v, want the first timer", held)
	}
	q.Cancel(held)
	q.Cancel(b)
	if !a.Canceled() || !b.Canceled() {
		t.Errorf("Canceled = %v and %v after Cancel, want true for both (a had left the queue)", a.Canceled(), b.Canceled())
	}
	if q.Len() != 0 {
		t.Errorf("the queue still has %d timers", q.Len())
	}
}

// TestAtFor: a timer keeps its owner, and is ordered as any other.
func TestAtFor(t *testing.T) {
	q := New(start)
	var order []string
	owner := &struct{ name string }{"call"}
	a := q.AtFor(start.Add(time.Second), owner, func() { order = append(order, "a") })
	q.At(start.Add(time.Second), func() { order = append(order, "b") })
	if a.Owner != owner {
		t.Errorf("Owner = %v, want the owner given", a.Owner)
	}
	for tm := q.Next(time.Time{}); tm != nil; tm = q.Next(time.Time{}) {
		tm.Run()
	}
	if len(order) != 2 || order[0] != "a" || order[1] != "b" {
		t.Errorf("ran %v, want a then b", order)
	}
}
