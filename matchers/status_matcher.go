package matchers

import (
	"fmt"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveStatus succeeds when the call's status is expected: a harness.Status,
// a string, or a Gomega matcher for the status as a string.
//
//	Expect(call).To(HaveStatus(harness.StatusBusy))
//	Eventually(call).Should(HaveStatus("completed"))
func HaveStatus(expected any) types.GomegaMatcher {
	return &statusMatcher{expected: expected}
}

type statusMatcher struct {
	expected any
	got      harness.Status
}

func (m *statusMatcher) Match(actual any) (bool, error) {
	c, err := asCall("HaveStatus", actual)
	if err != nil {
		return false, err
	}
	m.got = c.Info().Status
	return exactly(m.expected).Match(string(m.got))
}

func (m *statusMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have status %s, but its status is %q%s", subject(actual), describe(plain(m.expected)), m.got, transcript(actual))
}

func (m *statusMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have status %s, but it has%s", subject(actual), describe(plain(m.expected)), transcript(actual))
}

func (m *statusMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }

// exactly is valueMatcher for values that must be equal when they are
// strings (a status, a code) rather than contained.
func exactly(expected any) types.GomegaMatcher {
	switch e := plain(expected).(type) {
	case string:
		return gomega.Equal(e)
	case types.GomegaMatcher:
		return e
	}
	return valueMatcher(expected)
}

// plain turns named string types (harness.Status) into strings.
func plain(v any) any {
	switch e := v.(type) {
	case harness.Status:
		return string(e)
	case harness.RequestKind:
		return string(e)
	case harness.Direction:
		return string(e)
	}
	return v
}
