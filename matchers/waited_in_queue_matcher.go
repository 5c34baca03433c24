package matchers

import (
	"fmt"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveWaitedInQueue succeeds when the call was enqueued (<Enqueue>) in the
// queue named expected (equal for a string; or a *regexp.Regexp or a
// matcher). For narrows it to a wait that ended after that long.
//
//	Expect(caller).To(HaveWaitedInQueue("support"))
//	Expect(caller).To(HaveWaitedInQueue("support").For(45 * time.Second))
//	Expect(caller).To(HaveWaitedInQueue("support").For(BeNumerically("<", time.Minute)))
func HaveWaitedInQueue(expected any) *QueueWaitMatcher {
	return &QueueWaitMatcher{expected: expected}
}

// QueueWaitMatcher is the matcher HaveWaitedInQueue returns.
type QueueWaitMatcher struct {
	expected any
	dur      any
	got      []queueStay
}

// queueStay is one wait of a call in a queue, from the enqueued event to
// the left event (open while the call still waits).
type queueStay struct {
	callSID, queue string
	left           bool
	result         harness.Status
	waited         time.Duration
}

func (s queueStay) String() string {
	if !s.left {
		return fmt.Sprintf("%q (still waiting)", s.queue)
	}
	return fmt.Sprintf("%q for %v (QueueResult=%s)", s.queue, s.waited, s.result)
}

// For requires how long the call waited before it left the queue: a
// time.Duration, or a matcher for one. A call still waiting does not
// match.
func (m *QueueWaitMatcher) For(expected any) *QueueWaitMatcher {
	m.dur = expected
	return m
}

// queueStays returns the waits of every call in events, in order: each
// ActionEnqueued opens one, the ActionLeft of the same call and queue
// closes it.
func queueStays(events []harness.Event) []queueStay {
	var out []queueStay
	open := map[string]int{} // call SID and queue: index in out
	for _, e := range events {
		if e.Kind != harness.EventQueue {
			continue
		}
		key := e.CallSID + " " + e.Queue
		switch e.Action {
		case harness.ActionEnqueued:
			open[key] = len(out)
			out = append(out, queueStay{callSID: e.CallSID, queue: e.Queue})
		case harness.ActionLeft:
			if i, ok := open[key]; ok {
				out[i].left, out[i].result, out[i].waited = true, e.Status, e.Duration
				delete(open, key)
			}
		}
	}
	return out
}

// Match implements types.GomegaMatcher.
func (m *QueueWaitMatcher) Match(actual any) (bool, error) {
	r, err := asRecord("HaveWaitedInQueue", actual)
	if err != nil {
		return false, err
	}
	m.got = queueStays(r.Events())
	for _, s := range m.got {
		ok, err := exactly(m.expected).Match(s.queue)
		if err != nil {
			return false, err
		}
		if ok && m.dur != nil {
			if !s.left {
				continue
			}
			if ok, err = exactly(m.dur).Match(s.waited); err != nil {
				return false, err
			}
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

func (m *QueueWaitMatcher) want() string {
	s := "in queue " + describe(m.expected)
	if m.dur != nil {
		s += " for " + describe(m.dur)
	}
	return s
}

func stays(got []queueStay) string {
	if len(got) == 0 {
		return "    (in no queue)"
	}
	lines := make([]string, len(got))
	for i, s := range got {
		lines[i] = "    " + s.String()
	}
	return strings.Join(lines, "\n")
}

// FailureMessage implements types.GomegaMatcher.
func (m *QueueWaitMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have waited %s, but it waited:\n%s%s", subject(actual), m.want(), stays(m.got), transcript(actual))
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *QueueWaitMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have waited %s, but it waited:\n%s%s", subject(actual), m.want(), stays(m.got), transcript(actual))
}

// MatchMayChangeInTheFuture tells Eventually to stop once the call ended.
func (m *QueueWaitMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }
