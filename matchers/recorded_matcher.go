package matchers

import (
	"fmt"
	"time"

	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveRecorded succeeds when the call made a recording; WithDuration and
// WithSource narrow it.
//
//	Expect(call).To(HaveRecorded().WithDuration(10 * time.Second))
//	Expect(call).To(HaveRecorded().WithSource("RecordVerb"))
func HaveRecorded() *RecordingMatcher {
	return &RecordingMatcher{}
}

// RecordingMatcher is the matcher HaveRecorded returns.
type RecordingMatcher struct {
	duration any
	source   string
	got      []harness.Recording
}

// WithDuration requires the recording's duration: a time.Duration, or a
// matcher for it.
func (m *RecordingMatcher) WithDuration(expected any) *RecordingMatcher {
	m.duration = expected
	return m
}

// WithSource requires how the recording was started: OutboundAPI,
// RecordVerb, DialVerb or StartCallRecordingTwiML.
func (m *RecordingMatcher) WithSource(source string) *RecordingMatcher {
	m.source = source
	return m
}

// recordings is what a call can tell about its recordings.
type recordings interface {
	Recordings() []harness.Recording
}

// Match implements types.GomegaMatcher.
func (m *RecordingMatcher) Match(actual any) (bool, error) {
	r, ok := actual.(recordings)
	if !ok {
		_, err := asCall("HaveRecorded", actual)
		return false, err
	}
	m.got = r.Recordings()
	for _, rec := range m.got {
		if m.source != "" && rec.Source != m.source {
			continue
		}
		if m.duration != nil {
			ok, err := valueMatcher(m.duration).Match(rec.Duration)
			if err != nil {
				return false, err
			}
			if !ok {
				continue
			}
		}
		return true, nil
	}
	return false, nil
}

func (m *RecordingMatcher) want() string {
	s := "a recording"
	if m.source != "" {
		s += " from " + m.source
	}
	if m.duration != nil {
		s += " lasting " + describe(m.duration)
	}
	return s
}

func (m *RecordingMatcher) made() string {
	if len(m.got) == 0 {
		return "    (none)"
	}
	s := ""
	for i, rec := range m.got {
		if i > 0 {
			s += "\n"
		}
		s += fmt.Sprintf("    %s from %s, %v, %s", rec.SID, rec.Source, rec.Duration.Round(time.Second), rec.Status)
	}
	return s
}

// FailureMessage implements types.GomegaMatcher.
func (m *RecordingMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have made %s, but its recordings are:\n%s%s", subject(actual), m.want(), m.made(), transcript(actual))
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *RecordingMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have made %s, but its recordings are:\n%s%s", subject(actual), m.want(), m.made(), transcript(actual))
}

// MatchMayChangeInTheFuture tells Eventually to stop once the call ended.
func (m *RecordingMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }

var _ types.GomegaMatcher = (*RecordingMatcher)(nil)
