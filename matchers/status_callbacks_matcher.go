package matchers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveStatusCallbacks succeeds when the call's status callbacks reported
// exactly these CallStatus values, in this order. WithSequenceNumbers and
// WithCallDuration check more of what they sent.
//
//	Expect(call).To(HaveStatusCallbacks("initiated", "ringing", "in-progress", "completed").
//		WithSequenceNumbers(0, 1, 2, 3).WithCallDuration(12))
func HaveStatusCallbacks(statuses ...string) *StatusCallbacksMatcher {
	return &StatusCallbacksMatcher{want: statuses}
}

// StatusCallbacksMatcher is the matcher HaveStatusCallbacks returns.
type StatusCallbacksMatcher struct {
	want     []string
	seqs     []int
	duration any
	got      []harness.Request
}

// WithSequenceNumbers requires the callbacks' SequenceNumber values, in
// order (Twilio counts from 0 the events sent to each callback URL).
func (m *StatusCallbacksMatcher) WithSequenceNumbers(seqs ...int) *StatusCallbacksMatcher {
	m.seqs = seqs
	return m
}

// WithCallDuration requires the CallDuration of the final callback, in
// seconds: an int, or a matcher for the int.
func (m *StatusCallbacksMatcher) WithCallDuration(expected any) *StatusCallbacksMatcher {
	m.duration = expected
	return m
}

// Match implements types.GomegaMatcher.
func (m *StatusCallbacksMatcher) Match(actual any) (bool, error) {
	c, err := asCall("HaveStatusCallbacks", actual)
	if err != nil {
		return false, err
	}
	m.got = nil
	for _, r := range c.Requests() {
		if r.Kind == harness.KindStatusCallback && r.CallSID == c.SID() {
			m.got = append(m.got, r)
		}
	}
	if !equalStrings(m.statuses(), m.want) {
		return false, nil
	}
	if m.seqs != nil && !equalStrings(m.sequence(), ints(m.seqs)) {
		return false, nil
	}
	if m.duration != nil {
		if len(m.got) == 0 {
			return false, nil
		}
		v, ok := m.got[len(m.got)-1].Form["CallDuration"]
		if !ok {
			return false, nil
		}
		n, err := strconv.Atoi(v[0])
		if err != nil {
			return false, nil
		}
		return exactly(m.duration).Match(n)
	}
	return true, nil
}

func (m *StatusCallbacksMatcher) statuses() []string { return m.param("CallStatus") }

func (m *StatusCallbacksMatcher) sequence() []string { return m.param("SequenceNumber") }

// param returns a parameter of each callback, "?" where it was not sent.
func (m *StatusCallbacksMatcher) param(name string) []string {
	out := make([]string, len(m.got))
	for i, r := range m.got {
		out[i] = "?"
		if v, ok := r.Form[name]; ok {
			out[i] = v[0]
		}
	}
	return out
}

// wanted describes what the matcher asks for.
func (m *StatusCallbacksMatcher) wanted() string {
	s := seq(m.want)
	if m.seqs != nil {
		s += " with SequenceNumber " + seq(ints(m.seqs))
	}
	if m.duration != nil {
		s += " and a final CallDuration of " + describe(m.duration)
	}
	return s
}

// sent describes what the call sent.
func (m *StatusCallbacksMatcher) sent() string {
	s := seq(m.statuses())
	if m.seqs != nil {
		s += " with SequenceNumber " + seq(m.sequence())
	}
	if m.duration != nil && len(m.got) > 0 {
		s += " and a final CallDuration of " + strings.Join(m.param("CallDuration")[len(m.got)-1:], "")
	}
	return s
}

// FailureMessage implements types.GomegaMatcher.
func (m *StatusCallbacksMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have sent the status callbacks\n    %s\nbut it sent\n    %s%s", subject(actual), m.wanted(), m.sent(), transcript(actual))
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *StatusCallbacksMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have sent the status callbacks\n    %s\nbut it did%s", subject(actual), m.wanted(), transcript(actual))
}

// MatchMayChangeInTheFuture tells Eventually to stop once the call ended.
func (m *StatusCallbacksMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }

func seq(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, " → ")
}

func ints(ns []int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
