package matchers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveJoinedConference succeeds when the call joined a conference named
// name (a <Dial><Conference>, or the Participants API). As narrows it to
// a join with a participant label.
//
//	Expect(call).To(HaveJoinedConference("support-42"))
//	Expect(agent).To(HaveJoinedConference("support-42").As("agent"))
func HaveJoinedConference(name string) *JoinedConferenceMatcher {
	return &JoinedConferenceMatcher{name: name}
}

// JoinedConferenceMatcher is the matcher HaveJoinedConference returns.
type JoinedConferenceMatcher struct {
	name  string
	label any
	got   []string
}

// As requires the participant's label: a string (equal) or a matcher.
func (m *JoinedConferenceMatcher) As(label any) *JoinedConferenceMatcher {
	m.label = label
	return m
}

// Match implements types.GomegaMatcher.
func (m *JoinedConferenceMatcher) Match(actual any) (bool, error) {
	c, err := asCall("HaveJoinedConference", actual)
	if err != nil {
		return false, err
	}
	m.got = nil
	found := false
	for _, e := range conferenceEvents(c, harness.ActionJoined) {
		m.got = append(m.got, strconv.Quote(e.Conference)+asText(e.Label))
		if e.Conference != m.name {
			continue
		}
		ok := true
		if m.label != nil {
			if ok, err = exactly(m.label).Match(e.Label); err != nil {
				return false, err
			}
		}
		found = found || ok
	}
	return found, nil
}

// asText is ` as "label"`, or "" without a label.
func asText(label string) string {
	if label == "" {
		return ""
	}
	return " as " + strconv.Quote(label)
}

func (m *JoinedConferenceMatcher) want() string {
	s := strconv.Quote(m.name)
	if m.label != nil {
		s += " as " + describe(m.label)
	}
	return s
}

// FailureMessage implements types.GomegaMatcher.
func (m *JoinedConferenceMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have joined conference %s, but it joined:\n%s%s", subject(actual), m.want(), m.joined(), callAndConference(actual))
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *JoinedConferenceMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have joined conference %s, but it joined:\n%s%s", subject(actual), m.want(), m.joined(), callAndConference(actual))
}

// MatchMayChangeInTheFuture tells Eventually to stop once the call ended.
func (m *JoinedConferenceMatcher) MatchMayChangeInTheFuture(actual any) bool {
	return mayChange(actual)
}

// joined lists the conferences the call joined.
func (m *JoinedConferenceMatcher) joined() string {
	if len(m.got) == 0 {
		return "    (no conference)"
	}
	return "    " + strings.Join(m.got, "\n    ")
}
