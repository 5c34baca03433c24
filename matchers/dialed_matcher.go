package matchers

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveDialed succeeds when the call dialed a leg (<Dial>) to an address
// that matches expected (equal for a string; or a *regexp.Regexp or a
// matcher). WithStatus narrows it to a leg that ended with that status.
//
//	Expect(call).To(HaveDialed("+14155550100").WithStatus(harness.StatusBusy))
func HaveDialed(expected any) *DialMatcher {
	return &DialMatcher{expected: expected}
}

// DialMatcher is the matcher HaveDialed returns.
type DialMatcher struct {
	expected any
	status   any
	got      []string
}

// WithStatus requires the leg's final status (a harness.Status, a string
// or a matcher).
func (m *DialMatcher) WithStatus(status any) *DialMatcher {
	m.status = status
	return m
}

// Match implements types.GomegaMatcher.
func (m *DialMatcher) Match(actual any) (bool, error) {
	c, err := asCall("HaveDialed", actual)
	if err != nil {
		return false, err
	}
	m.got = nil
	found := false
	for _, leg := range c.Children() {
		info := leg.Info()
		m.got = append(m.got, fmt.Sprintf("%s (%s)", info.To, info.Status))
		ok, err := exactly(m.expected).Match(info.To)
		if err != nil {
			return false, err
		}
		if ok && m.status != nil {
			ok, err = exactly(m.status).Match(string(info.Status))
			if err != nil {
				return false, err
			}
		}
		found = found || ok
	}
	return found, nil
}

func (m *DialMatcher) want() string {
	s := describe(m.expected)
	if m.status != nil {
		s += " ending " + describe(plain(m.status))
	}
	return s
}

// FailureMessage implements types.GomegaMatcher.
func (m *DialMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have dialed %s, but it dialed:\n%s%s", subject(actual), m.want(), legs(m.got), transcript(actual))
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *DialMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have dialed %s, but it dialed:\n%s%s", subject(actual), m.want(), legs(m.got), transcript(actual))
}

// MatchMayChangeInTheFuture tells Eventually to stop once the call ended.
func (m *DialMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }

func legs(got []string) string {
	if len(got) == 0 {
		return "    (nobody)"
	}
	return "    " + strings.Join(got, "\n    ")
}

// HaveChildCalls succeeds when the legs the call dialed satisfy expected:
// an int (how many), or matchers that the legs must satisfy one to one, in
// any order (as ConsistOf).
//
//	Expect(call).To(HaveChildCalls(2))
//	Expect(call).To(HaveChildCalls(HaveStatus(harness.StatusCompleted), HaveStatus(harness.StatusCanceled)))
func HaveChildCalls(expected ...any) types.GomegaMatcher {
	return &childCallsMatcher{expected: expected}
}

type childCallsMatcher struct {
	expected []any
	got      []*harness.Call
	inner    types.GomegaMatcher
}

func (m *childCallsMatcher) Match(actual any) (bool, error) {
	c, err := asCall("HaveChildCalls", actual)
	if err != nil {
		return false, err
	}
	m.got = c.Children()
	if len(m.expected) == 1 {
		if n, ok := m.expected[0].(int); ok {
			return len(m.got) == n, nil
		}
	}
	m.inner = consistOf(m.expected...)
	return m.inner.Match(m.got)
}

func (m *childCallsMatcher) describeLegs() string {
	var got []string
	for _, leg := range m.got {
		info := leg.Info()
		got = append(got, fmt.Sprintf("%s to %s (%s)", info.SID, info.To, info.Status))
	}
	return legs(got)
}

func (m *childCallsMatcher) FailureMessage(actual any) string {
	want := fmt.Sprintf("%d legs", len(m.expected))
	if len(m.expected) == 1 {
		if n, ok := m.expected[0].(int); ok {
			want = fmt.Sprintf("%d legs", n)
		}
	}
	return fmt.Sprintf("Expected %s to have dialed %s matching, but its legs are:\n%s%s", subject(actual), want, m.describeLegs(), transcript(actual))
}

func (m *childCallsMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have such legs, but its legs are:\n%s%s", subject(actual), m.describeLegs(), transcript(actual))
}

func (m *childCallsMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }
