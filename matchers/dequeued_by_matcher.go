package matchers

import (
	"fmt"

	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveBeenDequeuedBy succeeds when an agent's <Dial><Queue> took the call
// out of its queue, the agent being expected: its call (anything with a
// SID method, such as a *harness.Call), its call SID, or a matcher for
// the SID.
//
//	Expect(caller).To(HaveBeenDequeuedBy(agent))
func HaveBeenDequeuedBy(expected any) types.GomegaMatcher {
	return &dequeuedByMatcher{expected: expected}
}

type dequeuedByMatcher struct {
	expected any
	got      []string
}

// sidOf returns the SID of a call given as a value with a SID method, or
// expected itself.
func sidOf(expected any) any {
	if c, ok := expected.(interface{ SID() string }); ok {
		return c.SID()
	}
	return expected
}

func (m *dequeuedByMatcher) Match(actual any) (bool, error) {
	r, err := asRecord("HaveBeenDequeuedBy", actual)
	if err != nil {
		return false, err
	}
	m.got = nil
	callers := map[string]bool{} // calls that were enqueued: their dequeued events name the agent
	for _, e := range r.Events() {
		if e.Kind != harness.EventQueue {
			continue
		}
		switch {
		case e.Action == harness.ActionEnqueued:
			callers[e.CallSID] = true
		case e.Action == harness.ActionDequeued && callers[e.CallSID]:
			m.got = append(m.got, e.Source)
		}
	}
	return anyMatches(exactly(sidOf(m.expected)), m.got)
}

func (m *dequeuedByMatcher) agents() string {
	if len(m.got) == 0 {
		return "    (nobody: no agent took it)"
	}
	return list(m.got)
}

func (m *dequeuedByMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have been dequeued by %s, but it was dequeued by:\n%s%s", subject(actual), describe(sidOf(m.expected)), m.agents(), transcript(actual))
}

func (m *dequeuedByMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have been dequeued by %s, but it was dequeued by:\n%s%s", subject(actual), describe(sidOf(m.expected)), m.agents(), transcript(actual))
}

func (m *dequeuedByMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }
