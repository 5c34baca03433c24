package matchers

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveNotification succeeds when an error or warning with this Twilio code
// (an int, or a matcher for it) was logged.
//
//	Expect(call).To(HaveNotification(11200))
func HaveNotification(code any) types.GomegaMatcher {
	return &notificationMatcher{expected: code}
}

type notificationMatcher struct {
	expected any
	got      []harness.Notification
}

func (m *notificationMatcher) Match(actual any) (bool, error) {
	r, err := asRecord("HaveNotification", actual)
	if err != nil {
		return false, err
	}
	m.got = r.Notifications()
	want := exactly(m.expected)
	for _, n := range m.got {
		ok, err := want.Match(n.Code)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func (m *notificationMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have logged notification %s, but it logged:\n%s%s", subject(actual), describe(m.expected), notes(m.got), transcript(actual))
}

func (m *notificationMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have logged notification %s, but it logged:\n%s%s", subject(actual), describe(m.expected), notes(m.got), transcript(actual))
}

func (m *notificationMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }

func notes(ns []harness.Notification) string {
	if len(ns) == 0 {
		return "    (nothing)"
	}
	var lines []string
	for _, n := range ns {
		lines = append(lines, fmt.Sprintf("    %d %s (%s): %s", n.Code, n.Level, n.CallSID, n.Message))
	}
	return strings.Join(lines, "\n")
}

// HaveNoUnexpectedNotifications succeeds when every error or warning
// logged has one of the allowed codes: the strict mode that makes any TwiML
// warning or application error a spec did not expect fail it.
//
//	Expect(srv).To(HaveNoUnexpectedNotifications())
//	Expect(call).To(HaveNoUnexpectedNotifications(11200)) // this spec breaks the app on purpose
func HaveNoUnexpectedNotifications(allowed ...int) types.GomegaMatcher {
	return &strictMatcher{allowed: allowed}
}

type strictMatcher struct {
	allowed    []int
	unexpected []harness.Notification
}

func (m *strictMatcher) Match(actual any) (bool, error) {
	r, err := asRecord("HaveNoUnexpectedNotifications", actual)
	if err != nil {
		return false, err
	}
	m.unexpected = nil
next:
	for _, n := range r.Notifications() {
		for _, code := range m.allowed {
			if n.Code == code {
				continue next
			}
		}
		m.unexpected = append(m.unexpected, n)
	}
	return len(m.unexpected) == 0, nil
}

func (m *strictMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to log no notification the spec did not allow, but it logged:\n%s%s", subject(actual), notes(m.unexpected), transcript(actual))
}

func (m *strictMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to log a notification the spec did not allow, but it logged none%s", subject(actual), transcript(actual))
}
