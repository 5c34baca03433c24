package matchers

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/format"
	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveConferenceEvents succeeds when the conference's history
// ([harness.Conference.Events]: every event of its status callback, sent
// or not) is exactly expected, in order. Each element is a string, the
// event's name (participant-join, conference-start, participant-leave…),
// or a Gomega matcher, given the whole [harness.ConferenceEvent]: match
// its fields with HaveField. On a *harness.Call it checks the last
// conference the call joined. Ignoring leaves events out by name before
// comparing (participant-speech-start and -stop, say).
//
//	Expect(conf).To(HaveConferenceEvents("participant-join", "participant-join", "conference-start",
//		"participant-leave", "participant-leave", "conference-end"))
//	Expect(call).To(HaveConferenceEvents("participant-join", "conference-start",
//		HaveField("Params", HaveKeyWithValue("ReasonParticipantLeft", "participant_hung_up")),
//		"conference-end").Ignoring("participant-speech-start", "participant-speech-stop"))
func HaveConferenceEvents(expected ...any) *ConferenceEventsMatcher {
	return &ConferenceEventsMatcher{expected: expected}
}

// ConferenceEventsMatcher is the matcher HaveConferenceEvents returns.
type ConferenceEventsMatcher struct {
	expected []any
	ignoring []string
	conf     ConferenceRecord // nil when a call was in none
	got      []harness.ConferenceEvent
	diff     string // where the events first differ
}

// Ignoring leaves the events with these names out of the comparison.
func (m *ConferenceEventsMatcher) Ignoring(names ...string) *ConferenceEventsMatcher {
	m.ignoring = append(m.ignoring, names...)
	return m
}

// conferenceOrCalls returns the conference actual is, or the last one the call
// actual joined (nil if none), or the misuse error.
func conferenceOrCalls(matcher string, actual any) (ConferenceRecord, error) {
	if cf, ok := actual.(ConferenceRecord); ok {
		return cf, nil
	}
	if _, ok := actual.(conferenceOf); ok {
		return lastConference(actual), nil
	}
	return nil, fmt.Errorf("%s expects a *harness.Conference (a matchers.ConferenceRecord) or a *harness.Call, got:\n%s", matcher, format.Object(actual, 1))
}

// Match implements types.GomegaMatcher.
func (m *ConferenceEventsMatcher) Match(actual any) (bool, error) {
	cf, err := conferenceOrCalls("HaveConferenceEvents", actual)
	if err != nil {
		return false, err
	}
	m.conf, m.got, m.diff = cf, nil, ""
	if cf == nil {
		return false, nil
	}
	for _, e := range cf.Events() {
		if !slices.Contains(m.ignoring, e.Name) {
			m.got = append(m.got, e)
		}
	}
	for i, want := range m.expected {
		if i >= len(m.got) {
			m.diff = fmt.Sprintf("event %d: want %s, but there is none", i+1, describeEvent(want))
			return false, nil
		}
		ok, err := eventMatcher(want).Match(m.got[i])
		if err != nil {
			return false, fmt.Errorf("HaveConferenceEvents: event %d: %w", i+1, err)
		}
		if !ok {
			m.diff = fmt.Sprintf("event %d: want %s, got %s", i+1, describeEvent(want), m.got[i].Name)
			if mt, isMatcher := want.(types.GomegaMatcher); isMatcher {
				m.diff = fmt.Sprintf("event %d, %s: %s", i+1, m.got[i].Name, mt.FailureMessage(m.got[i]))
			}
			return false, nil
		}
	}
	if len(m.got) > len(m.expected) {
		m.diff = fmt.Sprintf("event %d: want none, got %s", len(m.expected)+1, m.got[len(m.expected)].Name)
		return false, nil
	}
	return true, nil
}

// eventMatcher is the matcher of an expected conference event: a name,
// or a matcher of the event.
func eventMatcher(expected any) types.GomegaMatcher {
	switch e := expected.(type) {
	case string:
		return gomega.HaveField("Name", e)
	case types.GomegaMatcher:
		return e
	}
	return gomega.Equal(expected)
}

// describeEvent renders an expected event for a failure message: a
// matcher by its type, since it is given an event (the message says how
// the event differs).
func describeEvent(expected any) string {
	switch e := expected.(type) {
	case string:
		return e
	case types.GomegaMatcher:
		return fmt.Sprintf("(%T)", e)
	}
	return describe(expected)
}

// names returns the names of events.
func (m *ConferenceEventsMatcher) names() string {
	out := make([]string, len(m.got))
	for i, e := range m.got {
		out[i] = e.Name
	}
	return seq(out)
}

func (m *ConferenceEventsMatcher) want() string {
	out := make([]string, len(m.expected))
	for i, e := range m.expected {
		out[i] = describeEvent(e)
	}
	s := seq(out)
	if len(m.ignoring) > 0 {
		s += "\n(ignoring " + strings.Join(m.ignoring, ", ") + ")"
	}
	return s
}

// confSubject names the conference of actual in a failure message.
func (m *ConferenceEventsMatcher) confSubject(actual any) string {
	if m.conf == nil {
		return subject(actual)
	}
	s := "conference " + m.conf.SID() + " " + strconv.Quote(m.conf.Name())
	if _, ok := actual.(conferenceOf); ok {
		s += " (of " + subject(actual) + ")"
	}
	return s
}

// FailureMessage implements types.GomegaMatcher.
func (m *ConferenceEventsMatcher) FailureMessage(actual any) string {
	if m.conf == nil {
		return fmt.Sprintf("Expected %s to have been in a conference with the events\n    %s\nbut it was in none%s", subject(actual), m.want(), transcript(actual))
	}
	return fmt.Sprintf("Expected %s to have the events\n    %s\nbut it had\n    %s\n(%s)%s", m.confSubject(actual), m.want(), m.names(), m.diff, conferenceTranscript(m.conf))
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *ConferenceEventsMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have the events\n    %s\nbut it did%s", m.confSubject(actual), m.want(), conferenceTranscript(m.conf))
}

// MatchMayChangeInTheFuture tells Eventually to stop once the conference
// has ended (or the call, if it was in none).
func (m *ConferenceEventsMatcher) MatchMayChangeInTheFuture(actual any) bool {
	cf, err := conferenceOrCalls("HaveConferenceEvents", actual)
	switch {
	case err != nil:
		return false
	case cf == nil:
		return mayChange(actual)
	}
	return cf.Info().Status != harness.ConferenceCompleted
}
