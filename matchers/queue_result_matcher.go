package matchers

import (
	"fmt"

	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveQueueResult succeeds when the call left a queue with the QueueResult
// expected ("bridged", "hangup", "leave", "redirected", "error",
// "queue-full", harness.QueueBridged…, or a matcher): the result of its
// left event, which is what its <Enqueue> action received.
//
//	Expect(caller).To(HaveQueueResult(harness.QueueBridged))
func HaveQueueResult(expected any) types.GomegaMatcher {
	return &queueResultMatcher{expected: expected}
}

type queueResultMatcher struct {
	expected any
	got      []string
}

// queueResults returns the QueueResult of every time a call of the record
// left a queue (or was refused by a full one), in order; from the actions'
// QueueResult parameters when the record has no such events.
func queueResults(r Record) []string {
	var out []string
	for _, e := range r.Events() {
		if e.Kind == harness.EventQueue && e.Action == harness.ActionLeft {
			out = append(out, string(e.Status))
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, req := range r.Requests() {
		if req.Kind == harness.KindAction && req.Form.Has("QueueResult") {
			out = append(out, req.Form.Get("QueueResult"))
		}
	}
	return out
}

func (m *queueResultMatcher) Match(actual any) (bool, error) {
	r, err := asRecord("HaveQueueResult", actual)
	if err != nil {
		return false, err
	}
	m.got = queueResults(r)
	return anyMatches(exactly(m.expected), m.got)
}

func (m *queueResultMatcher) results() string {
	if len(m.got) == 0 {
		return "    (it left no queue)"
	}
	return list(m.got)
}

func (m *queueResultMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have left a queue with QueueResult %s, but its results are:\n%s%s", subject(actual), describe(m.expected), m.results(), transcript(actual))
}

func (m *queueResultMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have left a queue with QueueResult %s, but its results are:\n%s%s", subject(actual), describe(m.expected), m.results(), transcript(actual))
}

func (m *queueResultMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }
