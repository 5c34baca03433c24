package matchers

import (
	"fmt"

	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveSaid succeeds when something the call said (a <Say>, Twilio's own
// messages) contains expected: a substring, a *regexp.Regexp, or a matcher
// for the whole text.
//
//	Expect(call).To(HaveSaid("press 1 for sales"))
//	Expect(call).To(HaveSaid(regexp.MustCompile(`appointment on \w+day`)))
func HaveSaid(expected any) types.GomegaMatcher {
	return &eventTextMatcher{name: "HaveSaid", verb: "said", kind: harness.EventSay, expected: expected,
		field: func(e harness.Event) string { return e.Words }}
}

// HavePlayed succeeds when the call played audio or tones (<Play>) whose
// URL, or "digits 123", matches expected.
//
//	Expect(call).To(HavePlayed("hold-music.mp3"))
func HavePlayed(expected any) types.GomegaMatcher {
	return &eventTextMatcher{name: "HavePlayed", verb: "played", kind: harness.EventPlay, expected: expected,
		field: func(e harness.Event) string {
			if e.Digits != "" {
				return "digits " + e.Digits
			}
			return e.URL
		}}
}

type eventTextMatcher struct {
	name, verb string
	kind       harness.EventKind
	field      func(harness.Event) string // what of the event is matched
	expected   any
	got        []string
}

func (m *eventTextMatcher) Match(actual any) (bool, error) {
	r, err := asRecord(m.name, actual)
	if err != nil {
		return false, err
	}
	m.got = nil
	for _, e := range r.Events() {
		if e.Kind == m.kind {
			m.got = append(m.got, m.field(e))
		}
	}
	return anyMatches(valueMatcher(m.expected), m.got)
}

func (m *eventTextMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have %s %s, but it %s:\n%s%s", subject(actual), m.verb, describe(m.expected), m.verb, list(m.got), transcript(actual))
}

func (m *eventTextMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have %s %s, but it %s:\n%s%s", subject(actual), m.verb, describe(m.expected), m.verb, list(m.got), transcript(actual))
}

func (m *eventTextMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }
