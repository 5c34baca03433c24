package matchers

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveStatusCallbacks succeeds when the call's status callbacks reported
// exactly these CallStatus values, in this order.
//
//	Expect(call).To(HaveStatusCallbacks("initiated", "ringing", "in-progress", "completed"))
func HaveStatusCallbacks(statuses ...string) types.GomegaMatcher {
	return &statusCallbacksMatcher{want: statuses}
}

type statusCallbacksMatcher struct {
	want, got []string
}

func (m *statusCallbacksMatcher) Match(actual any) (bool, error) {
	c, err := asCall("HaveStatusCallbacks", actual)
	if err != nil {
		return false, err
	}
	m.got = nil
	for _, r := range c.Requests() {
		if r.Kind == harness.KindStatusCallback && r.CallSID == c.SID() {
			m.got = append(m.got, r.Form.Get("CallStatus"))
		}
	}
	return strings.Join(m.got, " ") == strings.Join(m.want, " ") && len(m.got) == len(m.want), nil
}

func (m *statusCallbacksMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have sent the status callbacks\n    %s\nbut it sent\n    %s%s", subject(actual), seq(m.want), seq(m.got), transcript(actual))
}

func (m *statusCallbacksMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have sent the status callbacks\n    %s\nbut it did%s", subject(actual), seq(m.want), transcript(actual))
}

func (m *statusCallbacksMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }

func seq(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, " → ")
}
