package matchers

import (
	"fmt"

	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveGathered succeeds when a <Gather> of the call collected input that
// matches expected: the digits entered (without the finish key), or what
// speech recognition heard. A string must equal the input; use a matcher
// or a *regexp.Regexp for more.
//
//	Expect(call).To(HaveGathered("1"))
//	Expect(call).To(HaveGathered(ContainSubstring("billing")))
func HaveGathered(expected any) types.GomegaMatcher {
	return &gatheredMatcher{expected: expected}
}

type gatheredMatcher struct {
	expected any
	got      []string
}

// gathered returns the inputs gathers sent to their actions.
func gathered(r Record) []string {
	var out []string
	for _, req := range r.Requests() {
		if req.Kind != harness.KindAction || req.Form.Get("msg") != "Gather End" {
			continue
		}
		if v, ok := req.Form["SpeechResult"]; ok {
			out = append(out, v[0])
		} else {
			out = append(out, req.Form.Get("Digits"))
		}
	}
	return out
}

func (m *gatheredMatcher) Match(actual any) (bool, error) {
	r, err := asRecord("HaveGathered", actual)
	if err != nil {
		return false, err
	}
	m.got = gathered(r)
	return anyMatches(exactly(m.expected), m.got)
}

func (m *gatheredMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have gathered %s, but its gathers sent:\n%s%s", subject(actual), describe(m.expected), list(m.got), transcript(actual))
}

func (m *gatheredMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have gathered %s, but its gathers sent:\n%s%s", subject(actual), describe(m.expected), list(m.got), transcript(actual))
}

func (m *gatheredMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }
