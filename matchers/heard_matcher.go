package matchers

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// HaveHeard succeeds when what the call heard in conferences holds
// expected, in this order (with anything else between): what other
// participants said, the wait and hold music, announcements, beeps. Each
// element is a string, found in the words heard or the URL of the audio
// played, or equal to the source (harness.SourceBeep,
// harness.SourceWaitMusic, harness.SourceHoldMusic,
// harness.SourceAnnouncement, or a speaker's call SID); a
// *regexp.Regexp, matching the words or the URL; or a Gomega matcher,
// given the whole harness.Heard: match its fields with HaveField. It reads
// the call's Heard, which holds the beeps of the rooms it was in besides
// its history.
//
//	Expect(agent).To(HaveHeard("hello", "thank you"))
//	Expect(customer).To(HaveHeard(harness.SourceBeep, HaveField("Label", "agent")))
func HaveHeard(expected ...any) types.GomegaMatcher {
	return &heardMatcher{expected: expected}
}

type heardMatcher struct {
	expected []any
	got      []harness.Heard
	missing  int // the index of the first element not heard in order
}

func (m *heardMatcher) Match(actual any) (bool, error) {
	c, err := asCall("HaveHeard", actual)
	if err != nil {
		return false, err
	}
	h, ok := c.(interface{ Heard() []harness.Heard })
	if !ok {
		return false, fmt.Errorf("HaveHeard expects a *harness.Call, got %T", actual)
	}
	m.got = h.Heard()
	m.missing = 0
	for _, e := range m.got {
		if m.missing == len(m.expected) {
			break
		}
		ok, err := heardMatches(m.expected[m.missing], e)
		if err != nil {
			return false, fmt.Errorf("HaveHeard: %w", err)
		}
		if ok {
			m.missing++
		}
	}
	return m.missing == len(m.expected), nil
}

// heardMatches reports whether what e heard is expected.
func heardMatches(expected any, e harness.Heard) (bool, error) {
	switch x := expected.(type) {
	case string:
		return e.Source == x || x != "" && (strings.Contains(e.Words, x) || strings.Contains(e.URL, x)), nil
	case *regexp.Regexp:
		return e.Words != "" && x.MatchString(e.Words) || e.URL != "" && x.MatchString(e.URL), nil
	case types.GomegaMatcher:
		return x.Match(e)
	}
	return false, fmt.Errorf("expects strings, *regexp.Regexp or matchers, got %T", expected)
}

// heardText renders what a participant heard, for a failure message.
func heardText(e harness.Heard) string {
	var what string
	switch {
	case e.Source == harness.SourceBeep:
		return "the beep"
	case e.Words != "":
		what = strconv.Quote(e.Words)
	case e.URL != "":
		what = e.URL
	case e.Silence:
		what = "silence"
	default:
		what = "talking for " + e.Duration.String()
	}
	switch e.Source {
	case harness.SourceWaitMusic, harness.SourceHoldMusic, harness.SourceAnnouncement:
		return what + " (" + e.Source + ")"
	}
	from := e.Source
	if e.Label != "" {
		from = strconv.Quote(e.Label) + " (" + e.Source + ")"
	}
	return what + " from " + from
}

func (m *heardMatcher) heard() string {
	if len(m.got) == 0 {
		return "    (nothing)"
	}
	out := make([]string, len(m.got))
	for i, e := range m.got {
		out[i] = "    " + heardText(e)
	}
	return strings.Join(out, "\n")
}

func (m *heardMatcher) want() string {
	out := make([]string, len(m.expected))
	for i, e := range m.expected {
		out[i] = describeHeard(e)
	}
	return seq(out)
}

func (m *heardMatcher) FailureMessage(actual any) string {
	missing := ""
	if m.missing < len(m.expected) {
		missing = fmt.Sprintf("\n(not heard in order: %s)", describeHeard(m.expected[m.missing]))
	}
	return fmt.Sprintf("Expected %s to have heard, in order,\n    %s\nbut it heard:\n%s%s%s", subject(actual), m.want(), m.heard(), missing, callAndConference(actual))
}

func (m *heardMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have heard, in order,\n    %s\nbut it heard:\n%s%s", subject(actual), m.want(), m.heard(), callAndConference(actual))
}

func (m *heardMatcher) MatchMayChangeInTheFuture(actual any) bool { return mayChange(actual) }

// describeHeard renders an expected element: a matcher by its type, since
// it is given an event.
func describeHeard(expected any) string {
	if _, ok := expected.(types.GomegaMatcher); ok {
		return describeEvent(expected)
	}
	return describe(expected)
}
