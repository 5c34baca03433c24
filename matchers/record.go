package matchers

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/format"
	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// Record is what the matchers read: *harness.Call and *harness.Server
// satisfy it.
type Record interface {
	Events() []harness.Event
	Requests() []harness.Request
	Notifications() []harness.Notification
	Transcript() string
}

// CallRecord is a Record of one call: *harness.Call satisfies it.
type CallRecord interface {
	Record
	SID() string
	Info() harness.CallInfo
	Children() []*harness.Call
}

// ender is what tells Eventually that nothing will change any more.
type ender interface{ Ended() bool }

// mayChange reports whether actual may still change: anything but a call
// that has ended.
func mayChange(actual any) bool {
	if e, ok := actual.(ender); ok {
		return !e.Ended()
	}
	return true
}

// asRecord returns actual as a Record, or the misuse error.
func asRecord(matcher string, actual any) (Record, error) {
	r, ok := actual.(Record)
	if !ok {
		return nil, fmt.Errorf("%s expects a *harness.Call or a *harness.Server (a matchers.Record), got:\n%s", matcher, format.Object(actual, 1))
	}
	return r, nil
}

// asCall returns actual as a CallRecord, or the misuse error.
func asCall(matcher string, actual any) (CallRecord, error) {
	c, ok := actual.(CallRecord)
	if !ok {
		return nil, fmt.Errorf("%s expects a *harness.Call (a matchers.CallRecord), got:\n%s", matcher, format.Object(actual, 1))
	}
	return c, nil
}

// subject names actual in a failure message: "call CA…" or "the server".
func subject(actual any) string {
	if c, ok := actual.(interface{ SID() string }); ok {
		return "call " + c.SID()
	}
	return "the calls of the server"
}

// transcript returns the transcript of actual for a failure message,
// indented.
func transcript(actual any) string {
	r, ok := actual.(Record)
	if !ok {
		return ""
	}
	t := strings.TrimRight(r.Transcript(), "\n")
	if t == "" {
		return "\n\nTranscript: (nothing happened)"
	}
	return "\n\nTranscript:\n" + format.IndentString(t, 1)
}

// valueMatcher turns an expected value into a matcher: a string is a
// substring to find, a *regexp.Regexp a pattern, a Gomega matcher itself,
// anything else must be equal.
func valueMatcher(expected any) types.GomegaMatcher {
	switch e := expected.(type) {
	case types.GomegaMatcher:
		return e
	case string:
		return gomega.ContainSubstring(e)
	case *regexp.Regexp:
		return gomega.MatchRegexp(e.String())
	}
	return gomega.Equal(expected)
}

// describe renders an expected value for a failure message.
func describe(expected any) string {
	switch e := expected.(type) {
	case string:
		return fmt.Sprintf("%q", e)
	case *regexp.Regexp:
		return "/" + e.String() + "/"
	case time.Duration:
		return e.String()
	case int:
		return strconv.Itoa(e)
	case types.GomegaMatcher:
		msg := e.FailureMessage("…")
		msg = strings.TrimSpace(strings.TrimPrefix(msg, "Expected"))
		msg = strings.TrimSpace(strings.TrimPrefix(msg, "<string>: …"))
		return "a value that satisfies: " + strings.Join(strings.Fields(msg), " ")
	}
	return format.Object(expected, 0)
}

// anyMatches reports whether any of values satisfies m.
func anyMatches(m types.GomegaMatcher, values []string) (bool, error) {
	for _, v := range values {
		ok, err := m.Match(v)
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// list renders values one per line for a failure message.
func list(values []string) string {
	if len(values) == 0 {
		return "    (none)"
	}
	var b strings.Builder
	for i, v := range values {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "    %q", v)
	}
	return b.String()
}

// consistOf is Gomega's ConsistOf, for the legs of a call.
func consistOf(elements ...any) types.GomegaMatcher { return gomega.ConsistOf(elements...) }

// ConferenceRecord is a record of one conference: *harness.Conference
// satisfies it.
type ConferenceRecord interface {
	SID() string
	Name() string
	Info() harness.ConferenceInfo
	Events() []harness.ConferenceEvent
	Transcript() string
}

// conferenceOf is a call that may have been in a conference:
// *harness.Call satisfies it.
type conferenceOf interface {
	Conference() *harness.Conference
}

// lastConference returns the last conference the call actual joined, or
// nil.
func lastConference(actual any) ConferenceRecord {
	if co, ok := actual.(conferenceOf); ok {
		if cf := co.Conference(); cf != nil {
			return cf
		}
	}
	return nil
}

// conferenceTranscript returns the transcript of cf for a failure
// message, indented; "" for none.
func conferenceTranscript(cf ConferenceRecord) string {
	if cf == nil {
		return ""
	}
	return "\n\nConference transcript:\n" + format.IndentString(strings.TrimRight(cf.Transcript(), "\n"), 1)
}

// callAndConference returns the transcripts of the call actual and of the
// last conference it joined, for a failure message.
func callAndConference(actual any) string {
	return transcript(actual) + conferenceTranscript(lastConference(actual))
}

// conferenceEvents returns the call's events in conferences of action.
func conferenceEvents(c CallRecord, action harness.EventAction) []harness.Event {
	var out []harness.Event
	for _, e := range c.Events() {
		if e.Kind == harness.EventConference && e.Action == action {
			out = append(out, e)
		}
	}
	return out
}
