package matchers

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/format"
	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// The media stream matchers take a *harness.Call, and look at each of its
// streams, or a *harness.Stream (call.Stream("bot")), and look at that
// one. They read the streams' views (Info, Marks, Cleared, AudioSent,
// AudioPlayed), never their transcripts, which their failure messages
// show.

// streamsOf is a call with media streams: *harness.Call satisfies it.
type streamsOf interface {
	Streams() []*harness.Stream
}

// streamsOfActual returns the streams a matcher looks at: a
// *harness.Stream alone, or every stream of a call.
func streamsOfActual(matcher string, actual any) ([]*harness.Stream, error) {
	switch a := actual.(type) {
	case *harness.Stream:
		if a == nil {
			return nil, fmt.Errorf("%s was given a nil *harness.Stream: Call.Stream returns nil when the call has no stream of that SID or name", matcher)
		}
		return []*harness.Stream{a}, nil
	case streamsOf:
		return a.Streams(), nil
	}
	return nil, fmt.Errorf("%s expects a *harness.Call or a *harness.Stream (call.Stream(\"name\")), got:\n%s", matcher, format.Object(actual, 1))
}

// streamSubject names actual in a failure message: "stream MZ…", or as
// subject does.
func streamSubject(actual any) string {
	if s, ok := actual.(*harness.Stream); ok && s != nil {
		return "stream " + s.SID()
	}
	return subject(actual)
}

// streamTranscripts returns, for a failure message, the transcript of the
// call actual (if it is one) and of each stream looked at, indented.
func streamTranscripts(actual any) string {
	streams, _ := streamsOfActual("", actual)
	var b strings.Builder
	if _, ok := actual.(*harness.Stream); !ok {
		b.WriteString(transcript(actual))
	}
	for _, s := range streams {
		b.WriteString("\n\nStream transcript:\n" + format.IndentString(strings.TrimRight(s.Transcript(), "\n"), 1))
	}
	return b.String()
}

// streamsMayChange reports whether what the streams of actual show may
// still change: a stream that stopped or failed does not; a call, until
// it has ended.
func streamsMayChange(actual any) bool {
	if s, ok := actual.(*harness.Stream); ok && s != nil {
		st := s.Info().Status
		return st != harness.StreamStatusStopped && st != harness.StreamStatusFailed
	}
	return mayChange(actual)
}

// streamLine describes a stream in one line for a failure message.
func streamLine(info harness.StreamInfo) string {
	var b strings.Builder
	b.WriteString(info.SID)
	if info.Name != "" {
		b.WriteString(" " + strconv.Quote(info.Name))
	}
	kind := "unidirectional " + strings.Join(info.Tracks, "+")
	if info.Bidirectional {
		kind = "bidirectional"
	}
	status := info.Status
	if info.Started.IsZero() {
		status += ", never connected"
	}
	fmt.Fprintf(&b, " to %s (%s, %s)", info.URL, kind, status)
	for _, p := range info.Parameters {
		fmt.Fprintf(&b, " %s=%q", p.Name, p.Value)
	}
	return b.String()
}

// streamLines lists lines, one a stream, for a failure message.
func streamLines(lines []string) string {
	if len(lines) == 0 {
		return "    (no stream)"
	}
	return "    " + strings.Join(lines, "\n    ")
}

// HaveStreamed succeeds when the call had a media stream to url that
// connected (a stream the application refused, or that never connected
// before the call ended, does not count): url is a string (equal to the
// stream's URL as dialed: an http or https URL became ws or wss), a
// *regexp.Regexp or a Gomega matcher. WithParameters, Named and
// Bidirectional narrow it; every condition holds for one stream.
//
//	Expect(call).To(HaveStreamed("wss://app.example.com/media"))
//	Expect(call).To(HaveStreamed(HaveSuffix("/media")).Named("bot").Bidirectional().
//		WithParameters(map[string]string{"lang": "en"}))
func HaveStreamed(url any) *StreamedMatcher {
	return &StreamedMatcher{url: url}
}

// StreamedMatcher is the matcher HaveStreamed returns.
type StreamedMatcher struct {
	url, name     any
	params        map[string]string
	bidirectional bool
	got           []string
}

// WithParameters requires the stream's custom parameters to include
// these, each with this value (others may be there too).
func (m *StreamedMatcher) WithParameters(params map[string]string) *StreamedMatcher {
	m.params = params
	return m
}

// Named requires the stream's name: a string (equal) or a matcher.
func (m *StreamedMatcher) Named(name any) *StreamedMatcher {
	m.name = name
	return m
}

// Bidirectional requires a bidirectional stream: <Connect><Stream>.
func (m *StreamedMatcher) Bidirectional() *StreamedMatcher {
	m.bidirectional = true
	return m
}

// Match implements types.GomegaMatcher.
func (m *StreamedMatcher) Match(actual any) (bool, error) {
	streams, err := streamsOfActual("HaveStreamed", actual)
	if err != nil {
		return false, err
	}
	m.got = nil
	found := false
	for _, s := range streams {
		info := s.Info()
		m.got = append(m.got, streamLine(info))
		ok, err := m.matches(info)
		if err != nil {
			return false, fmt.Errorf("HaveStreamed: %w", err)
		}
		found = found || ok
	}
	return found, nil
}

// matches reports whether the stream info is one the matcher wants.
func (m *StreamedMatcher) matches(info harness.StreamInfo) (bool, error) {
	if info.Started.IsZero() || m.bidirectional && !info.Bidirectional {
		return false, nil
	}
	for name, want := range m.params {
		i := slices.IndexFunc(info.Parameters, func(p harness.StreamParameter) bool { return p.Name == name })
		if i < 0 || info.Parameters[i].Value != want {
			return false, nil
		}
	}
	if m.name != nil {
		if ok, err := exactly(m.name).Match(info.Name); !ok || err != nil {
			return false, err
		}
	}
	return exactly(m.url).Match(info.URL)
}

func (m *StreamedMatcher) want() string {
	s := "to " + describe(m.url)
	if m.bidirectional {
		s = "bidirectionally " + s
	}
	if m.name != nil {
		s += " named " + describe(m.name)
	}
	if len(m.params) > 0 {
		names := slices.Sorted(maps.Keys(m.params))
		ps := make([]string, len(names))
		for i, k := range names {
			ps[i] = fmt.Sprintf("%s=%q", k, m.params[k])
		}
		s += " with parameters " + strings.Join(ps, " ")
	}
	return s
}

// FailureMessage implements types.GomegaMatcher.
func (m *StreamedMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have streamed %s, but its streams were:\n%s%s", streamSubject(actual), m.want(),
		streamLines(m.got), streamTranscripts(actual))
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *StreamedMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have streamed %s, but its streams were:\n%s%s", streamSubject(actual), m.want(),
		streamLines(m.got), streamTranscripts(actual))
}

// MatchMayChangeInTheFuture tells Eventually to stop once the call ended
// (or the stream stopped).
func (m *StreamedMatcher) MatchMayChangeInTheFuture(actual any) bool { return streamsMayChange(actual) }

// HaveSentAudio succeeds when the application sent audio (media messages)
// on a media stream of the call, or on the stream given, whether or not
// it played. Lasting narrows it to a stream on which the far end heard
// that much of it.
//
//	Expect(call).To(HaveSentAudio())
//	Expect(call.Stream("bot")).To(HaveSentAudio().Lasting(2 * time.Second))
//	Expect(call).To(HaveSentAudio().Lasting(BeNumerically("<", time.Second)))
func HaveSentAudio() *SentAudioMatcher {
	return &SentAudioMatcher{}
}

// SentAudioMatcher is the matcher HaveSentAudio returns.
type SentAudioMatcher struct {
	lasting any
	got     []string
}

// Lasting requires how much of the application's audio the far end heard
// on one stream ([harness.Stream.AudioPlayed]: audio cleared before it
// played, or still queued when the stream stopped, does not count): a
// time.Duration is the least it heard; a matcher is given that
// time.Duration.
func (m *SentAudioMatcher) Lasting(expected any) *SentAudioMatcher {
	m.lasting = expected
	return m
}

// Match implements types.GomegaMatcher.
func (m *SentAudioMatcher) Match(actual any) (bool, error) {
	streams, err := streamsOfActual("HaveSentAudio", actual)
	if err != nil {
		return false, err
	}
	var heard types.GomegaMatcher
	switch x := m.lasting.(type) {
	case nil:
	case time.Duration:
		heard = gomega.BeNumerically(">=", x)
	case types.GomegaMatcher:
		heard = x
	default:
		return false, fmt.Errorf("HaveSentAudio: Lasting expects a time.Duration or a matcher, got %T", m.lasting)
	}
	m.got = nil
	found := false
	for _, s := range streams {
		sent, played := s.AudioSent(), s.AudioPlayed()
		m.got = append(m.got, fmt.Sprintf("%s: sent %v, the far end heard %v", s.SID(), sent, played))
		ok := sent > 0
		if ok && heard != nil {
			if ok, err = heard.Match(played); err != nil {
				return false, fmt.Errorf("HaveSentAudio: %w", err)
			}
		}
		found = found || ok
	}
	return found, nil
}

func (m *SentAudioMatcher) want() string {
	switch x := m.lasting.(type) {
	case nil:
		return "audio"
	case time.Duration:
		return "audio of which the far end heard at least " + x.String()
	}
	return "audio of which the far end heard " + describe(m.lasting)
}

// FailureMessage implements types.GomegaMatcher.
func (m *SentAudioMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected the application to have sent %s on %s, but on its streams it sent:\n%s%s", m.want(),
		streamSubject(actual), streamLines(m.got), streamTranscripts(actual))
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *SentAudioMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected the application not to have sent %s on %s, but on its streams it sent:\n%s%s", m.want(),
		streamSubject(actual), streamLines(m.got), streamTranscripts(actual))
}

// MatchMayChangeInTheFuture tells Eventually to stop once the call ended
// (or the stream stopped).
func (m *SentAudioMatcher) MatchMayChangeInTheFuture(actual any) bool {
	return streamsMayChange(actual)
}

// HaveMarks succeeds when the marks Twilio echoed (the application's
// audio before them played, or a clear dropped it) are exactly names, in
// this order: those of every stream of the call, in the order the streams
// started, or of the stream given. HaveMarks() with no name succeeds when
// no mark played.
//
//	Expect(call).To(HaveMarks("greeting", "question"))
func HaveMarks(names ...string) types.GomegaMatcher {
	return &marksMatcher{want: names}
}

type marksMatcher struct {
	want []string
	got  []string
}

func (m *marksMatcher) Match(actual any) (bool, error) {
	streams, err := streamsOfActual("HaveMarks", actual)
	if err != nil {
		return false, err
	}
	m.got = nil
	for _, s := range streams {
		m.got = append(m.got, s.Marks()...)
	}
	return slices.Equal(m.got, m.want), nil
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strconv.Quote(n)
	}
	return out
}

func (m *marksMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have played exactly the marks\n    %s\nbut it played\n    %s%s", streamSubject(actual),
		seq(quoted(m.want)), seq(quoted(m.got)), streamTranscripts(actual))
}

func (m *marksMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have played exactly the marks\n    %s%s", streamSubject(actual), seq(quoted(m.want)),
		streamTranscripts(actual))
}

func (m *marksMatcher) MatchMayChangeInTheFuture(actual any) bool { return streamsMayChange(actual) }

// HaveCleared succeeds when the application cleared its audio (a clear
// message) at least once on a stream of the call, or on the stream given.
//
//	Expect(call).To(HaveCleared())
func HaveCleared() types.GomegaMatcher {
	return &clearedMatcher{}
}

type clearedMatcher struct {
	got []string
}

func (m *clearedMatcher) Match(actual any) (bool, error) {
	streams, err := streamsOfActual("HaveCleared", actual)
	if err != nil {
		return false, err
	}
	m.got = nil
	n := 0
	for _, s := range streams {
		c := s.Cleared()
		m.got = append(m.got, fmt.Sprintf("%s: %d", s.SID(), c))
		n += c
	}
	return n > 0, nil
}

func (m *clearedMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected the application to have cleared its audio on %s, but the clears on its streams were:\n%s%s",
		streamSubject(actual), streamLines(m.got), streamTranscripts(actual))
}

func (m *clearedMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected the application not to have cleared its audio on %s, but the clears on its streams were:\n%s%s",
		streamSubject(actual), streamLines(m.got), streamTranscripts(actual))
}

func (m *clearedMatcher) MatchMayChangeInTheFuture(actual any) bool { return streamsMayChange(actual) }
