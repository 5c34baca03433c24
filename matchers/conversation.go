package matchers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/format"
	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/harness"
)

// The conversation matchers take a *harness.Call, and look at its latest
// ConversationRelay session ([harness.Call.Conversation]), or a
// [harness.Conversation] (one of call.Conversations()), and look at that
// one. They read the conversation's turns and status, never its
// transcript, which their failure messages show after the call's.

// conversationOf is a call with ConversationRelay sessions: *harness.Call
// satisfies it.
type conversationOf interface {
	Conversation() (harness.Conversation, bool)
}

// conversationOfActual returns the conversation a matcher looks at, and
// whether there is one (a call may have had none).
func conversationOfActual(matcher string, actual any) (harness.Conversation, bool, error) {
	switch a := actual.(type) {
	case harness.Conversation:
		return a, true, nil
	case *harness.Conversation:
		if a == nil {
			return harness.Conversation{}, false, fmt.Errorf("%s was given a nil *harness.Conversation", matcher)
		}
		return *a, true, nil
	case conversationOf:
		cv, ok := a.Conversation()
		return cv, ok, nil
	}
	return harness.Conversation{}, false, fmt.Errorf("%s expects a *harness.Call or a harness.Conversation (call.Conversations()[i]), got:\n%s",
		matcher, format.Object(actual, 1))
}

// conversationSubject names actual in a failure message: "call CA…" or
// "conversation VX…".
func conversationSubject(actual any) string {
	switch a := actual.(type) {
	case harness.Conversation:
		return "conversation " + a.SessionID
	case *harness.Conversation:
		if a != nil {
			return "conversation " + a.SessionID
		}
	}
	return subject(actual)
}

// conversationContext returns, for a failure message, the transcript of
// the call actual (if it is one) and of the conversation looked at, or
// says that the call had none.
func conversationContext(actual any, cv harness.Conversation, ok bool) string {
	s := transcript(actual)
	if !ok {
		return s
	}
	return s + "\n\nConversation transcript:\n" + format.IndentString(strings.TrimRight(cv.Transcript(), "\n"), 1)
}

// conversationMayChange reports whether what actual shows may still
// change: a call until it has ended; a Conversation, a snapshot, while its
// session ran when it was taken (Eventually may take another).
func conversationMayChange(actual any) bool {
	switch a := actual.(type) {
	case harness.Conversation:
		return a.Status == ""
	case *harness.Conversation:
		return a != nil && a.Status == ""
	}
	return mayChange(actual)
}

// noConversation is how a failure message says the call had no session.
const noConversation = "it had no ConversationRelay session"

// TurnMatcher matches one turn of a conversation, a
// [harness.ConversationTurn] (or a pointer to one): AgentSaid, CallerSaid,
// CallerPressed, AgentPlayed and AgentSentDigits return one, for
// HaveConversed, and InLanguage and Interrupted narrow it.
//
//	Expect(call).To(HaveConversed(AgentSaid("which day"), CallerSaid("Tuesday").InLanguage("en-US")))
//	Expect(cv.Turns[3]).To(AgentSaid(HavePrefix("Tuesday")).Interrupted())
type TurnMatcher struct {
	who      string   // the speaker: harness.SpeakerAgent or SpeakerCaller
	kinds    []string // the kinds of turn it takes
	verb     string   // in words: "said", "pressed"…
	expected any      // matched against the turn's Text
	text     types.GomegaMatcher
	lang     string
	cut      bool
}

// AgentSaid matches a turn in which the agent spoke (its welcome greeting,
// or a talk cycle of the application's text, tokens joined) whose words
// match expected: a string they contain, a *regexp.Regexp, or a Gomega
// matcher given the whole text.
func AgentSaid(expected any) *TurnMatcher {
	return &TurnMatcher{who: harness.SpeakerAgent, kinds: []string{harness.TurnGreeting, harness.TurnText}, verb: "said",
		expected: expected, text: valueMatcher(expected)}
}

// CallerSaid matches a turn in which the caller spoke (as the far end's
// script says it: what Twilio reports in a prompt), whose words match
// expected: a string they contain, a *regexp.Regexp, or a Gomega matcher.
// Speech Twilio did not report to the application counts too
// ([harness.ConversationTurn.Unreported]).
func CallerSaid(expected any) *TurnMatcher {
	return &TurnMatcher{who: harness.SpeakerCaller, kinds: []string{harness.TurnSpeech}, verb: "said",
		expected: expected, text: valueMatcher(expected)}
}

// CallerPressed matches a turn in which the caller pressed keys: keys is
// a string equal to them all ("12#"), or a Gomega matcher.
func CallerPressed(keys any) *TurnMatcher {
	return &TurnMatcher{who: harness.SpeakerCaller, kinds: []string{harness.TurnKeys}, verb: "pressed",
		expected: keys, text: exactly(keys)}
}

// AgentPlayed matches a turn in which the agent played audio (a play
// message) whose URL matches url: a string it contains, a
// *regexp.Regexp, or a Gomega matcher.
func AgentPlayed(url any) *TurnMatcher {
	return &TurnMatcher{who: harness.SpeakerAgent, kinds: []string{harness.TurnPlay}, verb: "played",
		expected: url, text: valueMatcher(url)}
}

// AgentSentDigits matches a turn in which the agent sent digits to the
// far end (a sendDigits message): digits is a string equal to them, or a
// Gomega matcher.
func AgentSentDigits(digits any) *TurnMatcher {
	return &TurnMatcher{who: harness.SpeakerAgent, kinds: []string{harness.TurnDigits}, verb: "sent digits",
		expected: digits, text: exactly(digits)}
}

// InLanguage requires the turn's language: the language the agent spoke
// in, or the caller's speech was heard in (a prompt's lang).
func (m *TurnMatcher) InLanguage(lang string) *TurnMatcher {
	m.lang = lang
	return m
}

// Interrupted requires an agent's turn the caller cut short (speech or
// keys: an interrupt message).
func (m *TurnMatcher) Interrupted() *TurnMatcher {
	m.cut = true
	return m
}

// Match implements types.GomegaMatcher.
func (m *TurnMatcher) Match(actual any) (bool, error) {
	var t harness.ConversationTurn
	switch a := actual.(type) {
	case harness.ConversationTurn:
		t = a
	case *harness.ConversationTurn:
		if a == nil {
			return false, fmt.Errorf("%s was given a nil *harness.ConversationTurn", m)
		}
		t = *a
	default:
		return false, fmt.Errorf("a turn matcher (%s) expects a harness.ConversationTurn, got:\n%s", m, format.Object(actual, 1))
	}
	return m.matches(t)
}

// matches reports whether t is a turn the matcher wants.
func (m *TurnMatcher) matches(t harness.ConversationTurn) (bool, error) {
	switch {
	case t.Speaker != m.who, !slices.Contains(m.kinds, t.Kind):
		return false, nil
	case m.lang != "" && t.Lang != m.lang, m.cut && !t.Interrupted:
		return false, nil
	}
	ok, err := m.text.Match(t.Text)
	if err != nil {
		return false, fmt.Errorf("%s: %w", m, err)
	}
	return ok, nil
}

// String says what the matcher wants: `the agent said "which day"`.
func (m *TurnMatcher) String() string {
	s := "the " + m.who + " " + m.verb + " " + describe(m.expected)
	if m.lang != "" {
		s += " in " + m.lang
	}
	if m.cut {
		s += ", interrupted"
	}
	return s
}

// FailureMessage implements types.GomegaMatcher.
func (m *TurnMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected the turn\n    %s\nto be one where %s", turnText(actual), m)
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *TurnMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected the turn\n    %s\nnot to be one where %s", turnText(actual), m)
}

// turnText renders a turn, or anything else, for a failure message.
func turnText(actual any) string {
	switch a := actual.(type) {
	case harness.ConversationTurn:
		return a.String()
	case *harness.ConversationTurn:
		if a != nil {
			return a.String()
		}
	}
	return format.Object(actual, 0)
}

// HaveConversed succeeds when the conversation's turns include turns, in
// this order: each expected turn matches a turn of the conversation after
// the one the previous expected turn matched, and other turns may come
// between them (the greeting, the caller's keys, what a test does not care
// about). Exactly requires the turns to be these and no others.
//
// Each element of turns is a Gomega matcher given the
// [harness.ConversationTurn] (AgentSaid, CallerSaid, CallerPressed,
// AgentPlayed, AgentSentDigits, or HaveField), or a string or a
// *regexp.Regexp, which matches a turn of either speaker whose text (the
// words, the keys, the URL) contains it or matches it.
//
//	Expect(call).To(HaveConversed(
//		CallerSaid("book"),
//		AgentSaid("Which day"),
//		CallerSaid("Tuesday"),
//		AgentSaid("Tuesday at ten").Interrupted(),
//		CallerSaid("a human")))
//	Expect(call).To(HaveConversed(AgentSaid("Hello"), "book", "Which day").Exactly())
func HaveConversed(turns ...any) *ConversedMatcher {
	return &ConversedMatcher{expected: turns}
}

// ConversedMatcher is the matcher HaveConversed returns.
type ConversedMatcher struct {
	expected []any
	exactly  bool

	cv      harness.Conversation
	had     bool
	matched []int  // the index of the conversation's turn each expected turn matched, as far as they did
	why     string // where the match failed
}

// Exactly requires the conversation's turns to be the expected turns and
// no others: as many, each matching the expected turn of its rank.
func (m *ConversedMatcher) Exactly() *ConversedMatcher {
	m.exactly = true
	return m
}

// anyTurn matches a turn of either speaker whose text matches a string (a
// substring) or a *regexp.Regexp.
type anyTurn struct{ expected any }

func (a anyTurn) Match(actual any) (bool, error) {
	t, ok := actual.(harness.ConversationTurn)
	if !ok {
		return false, fmt.Errorf("a turn expects a harness.ConversationTurn, got:\n%s", format.Object(actual, 1))
	}
	return valueMatcher(a.expected).Match(t.Text)
}

func (a anyTurn) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected the turn\n    %s\nto be %s", turnText(actual), a)
}

func (a anyTurn) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected the turn\n    %s\nnot to be %s", turnText(actual), a)
}

func (a anyTurn) String() string { return "a turn whose text matches " + describe(a.expected) }

// turnMatchers returns the expected turns as matchers, or the misuse
// error.
func (m *ConversedMatcher) turnMatchers() ([]types.GomegaMatcher, error) {
	out := make([]types.GomegaMatcher, len(m.expected))
	for i, x := range m.expected {
		switch e := x.(type) {
		case types.GomegaMatcher:
			out[i] = e
		case string, *regexp.Regexp:
			out[i] = anyTurn{e}
		default:
			return nil, fmt.Errorf("HaveConversed: turn %d is a %T: give a turn matcher (AgentSaid, CallerSaid, CallerPressed, AgentPlayed, "+
				"AgentSentDigits, or any matcher of a harness.ConversationTurn), or a string the turn's text contains", i+1, x)
		}
	}
	return out, nil
}

// Match implements types.GomegaMatcher.
func (m *ConversedMatcher) Match(actual any) (bool, error) {
	cv, ok, err := conversationOfActual("HaveConversed", actual)
	if err != nil {
		return false, err
	}
	want, err := m.turnMatchers()
	if err != nil {
		return false, err
	}
	m.cv, m.had, m.matched, m.why = cv, ok, nil, ""
	if !ok {
		m.why = noConversation
		return false, nil
	}
	if m.exactly {
		return m.matchExactly(want)
	}
	next := 0
	for i, w := range want {
		found := -1
		for k := next; k < len(cv.Turns) && found < 0; k++ {
			ok, err := w.Match(cv.Turns[k])
			if err != nil {
				return false, fmt.Errorf("HaveConversed: turn %d: %w", i+1, err)
			}
			if ok {
				found = k
			}
		}
		if found < 0 {
			after := "in the conversation"
			if next > 0 {
				after = fmt.Sprintf("after its turn %d", next)
			}
			m.why = fmt.Sprintf("no turn %s is turn %d (%s)", after, i+1, turnWanted(w))
			return false, nil
		}
		m.matched = append(m.matched, found)
		next = found + 1
	}
	return true, nil
}

// matchExactly matches the conversation's turns one for one.
func (m *ConversedMatcher) matchExactly(want []types.GomegaMatcher) (bool, error) {
	turns := m.cv.Turns
	for i, w := range want {
		if i >= len(turns) {
			m.why = fmt.Sprintf("it has %d turns, and no turn %d (%s)", len(turns), i+1, turnWanted(w))
			return false, nil
		}
		ok, err := w.Match(turns[i])
		if err != nil {
			return false, fmt.Errorf("HaveConversed: turn %d: %w", i+1, err)
		}
		if !ok {
			m.why = fmt.Sprintf("its turn %d, %s, is not turn %d (%s)", i+1, turns[i], i+1, turnWanted(w))
			return false, nil
		}
		m.matched = append(m.matched, i)
	}
	if len(turns) > len(want) {
		m.why = fmt.Sprintf("it has %d turns, %d more than expected, from turn %d: %s", len(turns), len(turns)-len(want),
			len(want)+1, turns[len(want)])
		return false, nil
	}
	return true, nil
}

// turnWanted describes an expected turn.
func turnWanted(m types.GomegaMatcher) string {
	if s, ok := m.(fmt.Stringer); ok {
		return s.String()
	}
	return describe(m)
}

// want lists the expected turns, one a line.
func (m *ConversedMatcher) want() string {
	ms, err := m.turnMatchers()
	if err != nil {
		return "    " + err.Error()
	}
	var b strings.Builder
	for i, w := range ms {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "    %d. %s", i+1, turnWanted(w))
	}
	if len(ms) == 0 {
		b.WriteString("    (no turn)")
	}
	return b.String()
}

// turns lists the conversation's turns, numbered, each marked with the
// expected turn it matched.
func (m *ConversedMatcher) turns() string {
	if len(m.cv.Turns) == 0 {
		return "    (no turn)"
	}
	by := map[int]int{}
	for i, k := range m.matched {
		by[k] = i + 1
	}
	var b strings.Builder
	for k, t := range m.cv.Turns {
		mark := "    "
		if i, ok := by[k]; ok {
			mark = fmt.Sprintf("= %-2d", i)
		}
		fmt.Fprintf(&b, "\n    %3d %s %s", k+1, mark, t)
	}
	return b.String()[1:]
}

func (m *ConversedMatcher) how() string {
	if m.exactly {
		return "exactly these turns"
	}
	return "these turns, in this order (others may come between them)"
}

// FailureMessage implements types.GomegaMatcher.
func (m *ConversedMatcher) FailureMessage(actual any) string {
	if !m.had {
		return fmt.Sprintf("Expected %s to have conversed with %s:\n%s\nbut %s%s", conversationSubject(actual), m.how(), m.want(),
			m.why, conversationContext(actual, m.cv, m.had))
	}
	return fmt.Sprintf("Expected %s to have conversed with %s:\n%s\nbut %s. Its turns (= the expected turn each matched):\n%s%s",
		conversationSubject(actual), m.how(), m.want(), m.why, m.turns(), conversationContext(actual, m.cv, m.had))
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *ConversedMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have conversed with %s:\n%s\nbut it did. Its turns (= the expected turn each matched):\n%s%s",
		conversationSubject(actual), m.how(), m.want(), m.turns(), conversationContext(actual, m.cv, m.had))
}

// MatchMayChangeInTheFuture tells Eventually to stop once the call ended.
func (m *ConversedMatcher) MatchMayChangeInTheFuture(actual any) bool {
	return conversationMayChange(actual)
}

// HaveBeenInterrupted succeeds when the caller cut the agent short in the
// conversation: a turn of the agent's was interrupted (Twilio sent the
// application an interrupt). By, Hearing and WhileSaying narrow it; every
// condition holds for one turn.
//
//	Expect(call).To(HaveBeenInterrupted())
//	Expect(call).To(HaveBeenInterrupted().By("speech").Hearing("Tuesday at").WhileSaying("shall I book"))
func HaveBeenInterrupted() *InterruptedMatcher {
	return &InterruptedMatcher{}
}

// InterruptedMatcher is the matcher HaveBeenInterrupted returns.
type InterruptedMatcher struct {
	by              string
	hearing, saying any

	cv  harness.Conversation
	had bool
	got []string
}

// By requires what interrupted the agent: "speech" (the caller spoke) or
// "dtmf" (a key).
func (m *InterruptedMatcher) By(input string) *InterruptedMatcher {
	m.by = input
	return m
}

// Hearing requires what the caller had heard of the agent's talk cycle
// when it cut in (the interrupt's utteranceUntilInterrupt): a string it
// contains (Equal("") for nothing at all), a *regexp.Regexp, or a Gomega
// matcher.
func (m *InterruptedMatcher) Hearing(heard any) *InterruptedMatcher {
	m.hearing = heard
	return m
}

// WhileSaying requires what the agent was saying (the whole turn, as the
// application sent it): a string it contains, a *regexp.Regexp, or a
// Gomega matcher.
func (m *InterruptedMatcher) WhileSaying(text any) *InterruptedMatcher {
	m.saying = text
	return m
}

// Match implements types.GomegaMatcher.
func (m *InterruptedMatcher) Match(actual any) (bool, error) {
	cv, ok, err := conversationOfActual("HaveBeenInterrupted", actual)
	if err != nil {
		return false, err
	}
	if m.by != "" && m.by != "speech" && m.by != "dtmf" {
		return false, fmt.Errorf("HaveBeenInterrupted: By takes \"speech\" or \"dtmf\", got %q", m.by)
	}
	m.cv, m.had, m.got = cv, ok, nil
	found := false
	for _, t := range cv.Interrupted() {
		m.got = append(m.got, t.String())
		if m.by != "" && t.By != m.by {
			continue
		}
		ok, err := optionalMatch(m.hearing, t.Heard)
		if err != nil {
			return false, fmt.Errorf("HaveBeenInterrupted: Hearing: %w", err)
		}
		said, err := optionalMatch(m.saying, t.Text)
		if err != nil {
			return false, fmt.Errorf("HaveBeenInterrupted: WhileSaying: %w", err)
		}
		found = found || ok && said
	}
	return found, nil
}

// optionalMatch matches s against expected, read as valueMatcher reads
// it; nil matches anything.
func optionalMatch(expected any, s string) (bool, error) {
	if expected == nil {
		return true, nil
	}
	return valueMatcher(expected).Match(s)
}

func (m *InterruptedMatcher) want() string {
	s := "interrupted"
	if m.by != "" {
		s += " by " + m.by
	}
	if m.hearing != nil {
		s += ", the caller having heard " + describe(m.hearing)
	}
	if m.saying != nil {
		s += ", while the agent said " + describe(m.saying)
	}
	return s
}

// interrupted lists the agent's turns the caller interrupted.
func (m *InterruptedMatcher) interrupted() string {
	if !m.had {
		return "but " + noConversation
	}
	if len(m.got) == 0 {
		return "but the caller interrupted none of its turns"
	}
	return "and the turns the caller interrupted were:\n    " + strings.Join(m.got, "\n    ")
}

// FailureMessage implements types.GomegaMatcher.
func (m *InterruptedMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected the agent of %s to have been %s, %s%s", conversationSubject(actual), m.want(), m.interrupted(),
		conversationContext(actual, m.cv, m.had))
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *InterruptedMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected the agent of %s not to have been %s, %s%s", conversationSubject(actual), m.want(), m.interrupted(),
		conversationContext(actual, m.cv, m.had))
}

// MatchMayChangeInTheFuture tells Eventually to stop once the call ended.
func (m *InterruptedMatcher) MatchMayChangeInTheFuture(actual any) bool {
	return conversationMayChange(actual)
}

// HaveHandedOff succeeds when the application ended the conversation
// itself (an end message: SessionStatus ended), handing the call back to
// its TwiML (the Connect's action). WithData requires the end message's
// handoffData.
//
//	Expect(call).To(HaveHandedOff())
//	Expect(call).To(HaveHandedOff().WithData(`{"reason": "human", "day": "Tuesday"}`))
//	Expect(call).To(HaveHandedOff().WithData(map[string]any{"reason": "human", "day": "Tuesday"}))
//	Expect(call).To(HaveHandedOff().WithData(ContainSubstring("human")))
func HaveHandedOff() *HandedOffMatcher {
	return &HandedOffMatcher{}
}

// HandedOffMatcher is the matcher HaveHandedOff returns.
type HandedOffMatcher struct {
	data    any
	hasData bool

	cv  harness.Conversation
	had bool
}

// WithData requires the end message's handoffData, which Twilio passes
// on verbatim (a string, often JSON):
//
//   - a string equals it, or, when both are JSON, is the same JSON value
//     (the order of keys and white space aside);
//   - a Gomega matcher is given it, a string (MatchJSON,
//     ContainSubstring…);
//   - anything else (a map, a struct, a slice, a number) is marshalled to
//     JSON and must be the same JSON value as it.
//
// An end without handoffData matches no WithData.
func (m *HandedOffMatcher) WithData(data any) *HandedOffMatcher {
	m.data, m.hasData = data, true
	return m
}

// dataMatcher returns the matcher of the handoffData, or the misuse
// error.
func (m *HandedOffMatcher) dataMatcher() (types.GomegaMatcher, error) {
	switch d := m.data.(type) {
	case types.GomegaMatcher:
		return d, nil
	case string:
		return sameJSONOrEqual{d}, nil
	}
	data, err := json.Marshal(m.data)
	if err != nil {
		return nil, fmt.Errorf("HaveHandedOff: WithData: %T does not marshal to JSON: %w", m.data, err)
	}
	return gomega.MatchJSON(data), nil
}

// sameJSONOrEqual matches a string equal to want, or the same JSON value
// when both are JSON.
type sameJSONOrEqual struct{ want string }

func (s sameJSONOrEqual) Match(actual any) (bool, error) {
	got, ok := actual.(string)
	if !ok {
		return false, fmt.Errorf("expects a string, got %T", actual)
	}
	if got == s.want {
		return true, nil
	}
	if !json.Valid([]byte(got)) || !json.Valid([]byte(s.want)) {
		return false, nil
	}
	return gomega.MatchJSON(s.want).Match(got)
}

func (s sameJSONOrEqual) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %q to equal %q, or be the same JSON", actual, s.want)
}

func (s sameJSONOrEqual) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %q not to equal %q, nor be the same JSON", actual, s.want)
}

// Match implements types.GomegaMatcher.
func (m *HandedOffMatcher) Match(actual any) (bool, error) {
	cv, ok, err := conversationOfActual("HaveHandedOff", actual)
	if err != nil {
		return false, err
	}
	var data types.GomegaMatcher
	if m.hasData {
		if data, err = m.dataMatcher(); err != nil {
			return false, err
		}
	}
	m.cv, m.had = cv, ok
	switch {
	case !ok || cv.Status != harness.SessionEnded:
		return false, nil
	case data == nil:
		return true, nil
	case cv.HandoffData == nil:
		return false, nil
	}
	ok, err = data.Match(*cv.HandoffData)
	if err != nil {
		return false, fmt.Errorf("HaveHandedOff: WithData: %w", err)
	}
	return ok, nil
}

func (m *HandedOffMatcher) want() string {
	if !m.hasData {
		return "handed off (the application's end)"
	}
	if s, ok := m.data.(string); ok {
		return fmt.Sprintf("handed off with handoffData %q", s)
	}
	if _, ok := m.data.(types.GomegaMatcher); !ok {
		if data, err := json.Marshal(m.data); err == nil {
			return "handed off with handoffData " + string(data) + " (as JSON)"
		}
	}
	return "handed off with handoffData " + describe(m.data)
}

// got says how the conversation ended.
func (m *HandedOffMatcher) got() string {
	cv := m.cv
	var b bytes.Buffer
	switch {
	case !m.had:
		return noConversation
	case cv.Status == "":
		fmt.Fprintf(&b, "its session %s has not ended", cv.SessionID)
	case cv.Status == harness.SessionFailed:
		fmt.Fprintf(&b, "its session %s failed (%d: %s)", cv.SessionID, cv.ErrorCode, cv.ErrorMessage)
	default:
		fmt.Fprintf(&b, "its session %s %s", cv.SessionID, endedHow(cv.Status))
	}
	if cv.HandoffData != nil {
		fmt.Fprintf(&b, " with handoffData %q", *cv.HandoffData)
	} else if cv.Status == harness.SessionEnded {
		b.WriteString(" without handoffData")
	}
	return b.String()
}

// endedHow says how a session ended, by its status.
func endedHow(status string) string {
	switch status {
	case harness.SessionEnded:
		return "was ended by the application"
	case harness.SessionCompleted:
		return "ended with the call (completed)"
	}
	return "ended: " + status
}

// FailureMessage implements types.GomegaMatcher.
func (m *HandedOffMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have %s, but %s%s", conversationSubject(actual), m.want(), m.got(),
		conversationContext(actual, m.cv, m.had))
}

// NegatedFailureMessage implements types.GomegaMatcher.
func (m *HandedOffMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have %s, but %s%s", conversationSubject(actual), m.want(), m.got(),
		conversationContext(actual, m.cv, m.had))
}

// MatchMayChangeInTheFuture tells Eventually to stop once the call ended.
func (m *HandedOffMatcher) MatchMayChangeInTheFuture(actual any) bool {
	return conversationMayChange(actual)
}

// HaveSessionStatus succeeds when the conversation ended with this
// SessionStatus (as the Connect action reports it): status is a string
// (harness.SessionEnded, SessionCompleted, SessionFailed; "redirected"
// for a session a REST redirect ended) or a Gomega matcher.
//
//	Expect(call).To(HaveSessionStatus(harness.SessionCompleted))
func HaveSessionStatus(status any) types.GomegaMatcher {
	return &sessionStatusMatcher{want: status}
}

type sessionStatusMatcher struct {
	want any
	cv   harness.Conversation
	had  bool
}

func (m *sessionStatusMatcher) Match(actual any) (bool, error) {
	cv, ok, err := conversationOfActual("HaveSessionStatus", actual)
	if err != nil {
		return false, err
	}
	m.cv, m.had = cv, ok
	if !ok || cv.Status == "" {
		return false, nil
	}
	ok, err = exactly(m.want).Match(cv.Status)
	if err != nil {
		return false, fmt.Errorf("HaveSessionStatus: %w", err)
	}
	return ok, nil
}

func (m *sessionStatusMatcher) got() string {
	cv := m.cv
	switch {
	case !m.had:
		return noConversation
	case cv.Status == "":
		return fmt.Sprintf("its session %s has not ended", cv.SessionID)
	case cv.Status == harness.SessionFailed:
		return fmt.Sprintf("its session %s is %q (%d: %s)", cv.SessionID, cv.Status, cv.ErrorCode, cv.ErrorMessage)
	}
	return fmt.Sprintf("its session %s is %q", cv.SessionID, cv.Status)
}

func (m *sessionStatusMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s to have ended with SessionStatus %s, but %s%s", conversationSubject(actual), describe(m.want),
		m.got(), conversationContext(actual, m.cv, m.had))
}

func (m *sessionStatusMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("Expected %s not to have ended with SessionStatus %s, but %s%s", conversationSubject(actual), describe(m.want),
		m.got(), conversationContext(actual, m.cv, m.had))
}

func (m *sessionStatusMatcher) MatchMayChangeInTheFuture(actual any) bool {
	return conversationMayChange(actual)
}
