package matchers

import (
	"fmt"

	"github.com/onsi/gomega/types"
)

// HaveAnsweredBy succeeds when answering machine detection reported
// expected for the call ("human", "machine_end_beep", …, or a matcher).
//
//	Expect(call).To(HaveAnsweredBy("machine_end_beep"))
func HaveAnsweredBy(expected any) types.GomegaMatcher {
	return &answeredByMatcher{expected: expected}
}

type answeredByMatcher struct {
	expected any
	got      string
}

func (m *answeredByMatcher) Match(actual any) (bool, error) {
	c, err := asCall("HaveAnsweredBy", actual)
	if err != nil {
		return false, err
	}
	m.got = c.Info().AnsweredBy
	return exactly(m.expected).Match(m.got)
}

func (m *answeredByMatcher) FailureMessage(actual any) string {
	got := fmt.Sprintf("%q", m.got)
	if m.got == "" {
		got = "nothing (no answering machine detection)"
	}
	return fmt.Sprintf("Expected %s to be answered by %s, but detection reported %s%s", subject(actual), describe(m.expected), got, transcript(actual))
}

func (m *answeredByMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to be answered by %s, but it was%s", subject(actual), describe(m.expected), transcript(actual))
}

func (m *answeredByMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }
