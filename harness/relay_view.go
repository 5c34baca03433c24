package harness

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/twimlharness/twimlharness/twiml"
)

// What the record keeps of a ConversationRelay session, and how a test
// sees it: the conversation, turn by turn, and the messages both ways.

// Speakers of a conversation's turns.
const (
	SpeakerCaller = "caller"
	SpeakerAgent  = "agent"
)

// Kinds of a conversation's turns.
const (
	TurnGreeting = "greeting" // the agent's welcome greeting
	TurnText     = "text"     // the agent's text, one talk cycle
	TurnPlay     = "play"     // the agent played audio
	TurnDigits   = "digits"   // the agent sent digits to the far end
	TurnSpeech   = "speech"   // the caller spoke
	TurnKeys     = "keys"     // the caller pressed keys
	TurnTalk     = "talk"     // the caller made sound without words (Talks)
)

// ConversationTurn is one turn of a conversation: what the agent or the
// caller said, played or pressed.
type ConversationTurn struct {
	// Time is when the turn began (virtual).
	Time time.Time `json:"time"`
	// Speaker is SpeakerCaller or SpeakerAgent.
	Speaker string `json:"speaker"`
	// Kind is one of the Turn… kinds.
	Kind string `json:"kind"`
	// Text is the words said (the agent's whole talk cycle, as sent), the
	// keys pressed or sent, or the URL played.
	Text string `json:"text"`
	// Lang is the language it was spoken or heard in.
	Lang string `json:"lang,omitempty"`
	// Duration is how long it lasted: as long as it was heard, when it was
	// cut short.
	Duration time.Duration `json:"-"`
	// Interrupted is set on an agent's turn the caller cut short; Heard is
	// what the caller heard of it (the interrupt's utteranceUntilInterrupt),
	// and By what interrupted it ("speech" or "dtmf").
	Interrupted bool   `json:"interrupted,omitempty"`
	Heard       string `json:"heard,omitempty"`
	By          string `json:"by,omitempty"`
	// Preempted is set on an agent's turn the application's next message
	// cut (it was preemptible); Heard is what was said of it.
	Preempted bool `json:"preempted,omitempty"`
	// CutOff is set on an agent's turn the end of the session cut (the
	// call ended, the application sent end, a redirect); Heard is what
	// was said of it.
	CutOff bool `json:"cut_off,omitempty"`
	// Unreported is set on a caller's turn Twilio did not pass on to the
	// application: speech or keys while the agent spoke, which could not
	// interrupt it and which reportInputDuringAgentSpeech does not report,
	// or keys without dtmfDetection.
	Unreported bool `json:"unreported,omitempty"`
	// Confidence is how sure the recognition was of the caller's speech
	// (the script's; Twilio does not send it).
	Confidence float64 `json:"confidence,omitempty"`

	cycle int // the agent's talk cycle
}

// MarshalJSON writes the turn with its Duration in milliseconds.
func (t ConversationTurn) MarshalJSON() ([]byte, error) {
	type plain ConversationTurn
	return json.Marshal(struct {
		plain
		DurationMS int64 `json:"duration_ms"`
	}{plain(t), t.Duration.Milliseconds()})
}

// Conversation is a ConversationRelay session of a call, as the record
// keeps it: a snapshot, from [Call.Conversations] or [Call.Conversation].
// It marshals to JSON as a [ConversationRecordJSON].
type Conversation struct {
	// SessionID is the session's VX… (setup's sessionId).
	SessionID string
	// CallSID is the SID of the call it belongs to.
	CallSID string
	// URL is the WebSocket's URL, as dialed and signed.
	URL string
	// Status is the session's SessionStatus once it ended (ended,
	// completed, failed; "redirected" when a REST redirect ended it, which
	// requests no action), empty while it runs.
	Status string
	// Started and Ended are when the socket opened and the session ended
	// (zero when it never opened, or runs).
	Started time.Time
	Ended   time.Time
	// Duration is how long it was open, as SessionDuration counts it.
	Duration time.Duration
	// HandoffData is the end message's handoffData, nil when none came.
	HandoffData *string
	// ErrorCode and ErrorMessage say why a failed session failed.
	ErrorCode    int
	ErrorMessage string
	// Parameters are setup's customParameters, in order.
	Parameters []twiml.Parameter
	// Attributes are the <ConversationRelay>'s attributes, as written.
	Attributes []twiml.Attr
	// TTSLanguage and TranscriptionLanguage are the active languages at
	// the end (or now).
	TTSLanguage           string
	TranscriptionLanguage string
	// Turns are who said what, in order.
	Turns []ConversationTurn
	// Messages are the messages both ways, up to [Limits.StreamMessages];
	// MessagesCut says the limit was reached.
	Messages    []RelayMessage
	MessagesCut bool

	origin time.Time // the server's start, from which Transcript counts
}

// MarshalJSON writes the conversation as a [ConversationRecordJSON].
func (cv Conversation) MarshalJSON() ([]byte, error) {
	return json.Marshal(cv.recordJSON(true))
}

// recordJSON returns the conversation's record, with its messages if
// messages is true.
func (cv Conversation) recordJSON(messages bool) ConversationRecordJSON {
	out := ConversationRecordJSON{SessionID: cv.SessionID, CallSID: cv.CallSID, URL: cv.URL, Status: cv.Status,
		Started: optTime(cv.Started), Ended: optTime(cv.Ended), DurationMS: cv.Duration.Milliseconds(),
		HandoffData: cv.HandoffData, ErrorCode: cv.ErrorCode, ErrorMessage: cv.ErrorMessage,
		Parameters: make([]StreamParameter, len(cv.Parameters)), Attributes: make(map[string]string, len(cv.Attributes)),
		TTSLanguage: cv.TTSLanguage, TranscriptionLanguage: cv.TranscriptionLanguage,
		Turns: append([]ConversationTurn{}, cv.Turns...), MessagesCut: cv.MessagesCut}
	for i, p := range cv.Parameters {
		out.Parameters[i] = StreamParameter{p.Name, p.Value}
	}
	for _, a := range cv.Attributes {
		out.Attributes[a.Name] = a.Value
	}
	if messages {
		out.Messages = append([]RelayMessage{}, cv.Messages...)
	}
	return out
}

// Interrupted returns the agent's turns the caller cut short.
func (cv Conversation) Interrupted() []ConversationTurn {
	var out []ConversationTurn
	for _, t := range cv.Turns {
		if t.Interrupted {
			out = append(out, t)
		}
	}
	return out
}

// Conversations returns the call's ConversationRelay sessions, in the
// order they started.
func (c *Call) Conversations() []Conversation {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	out := make([]Conversation, len(c.relays))
	for i, r := range c.relays {
		out[i] = r.viewLocked()
	}
	return out
}

// Conversation returns the call's latest ConversationRelay session, and
// false when it had none.
func (c *Call) Conversation() (Conversation, bool) {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	if len(c.relays) == 0 {
		return Conversation{}, false
	}
	return c.relays[len(c.relays)-1].viewLocked(), true
}

// viewLocked returns a snapshot of the session.
func (r *relay) viewLocked() Conversation {
	cv := Conversation{SessionID: r.sid, CallSID: r.call.sid, origin: r.call.srv.cfg.start, URL: r.url, Status: r.status, Started: r.opened, Ended: r.ended,
		Duration: r.duration(), ErrorCode: r.errCode, ErrorMessage: r.errMsg, Parameters: slices.Clone(r.params),
		Attributes: slices.Clone(r.cfg.attrs), TTSLanguage: r.tts, TranscriptionLanguage: r.stt,
		Turns: slices.Clone(r.turns), Messages: slices.Clone(r.log), MessagesCut: r.logCut}
	if r.handoff != nil {
		h := *r.handoff
		cv.HandoffData = &h
	}
	return cv
}

// addTurnLocked records a turn, up to Limits.StreamMessages of them.
func (r *relay) addTurnLocked(t ConversationTurn) {
	t.Time = r.call.srv.clock.Now()
	keepLocked(r, &r.turns, t)
}

// agentTurnLocked records the item the agent starts: a turn of its own, or
// more of its talk cycle's.
func (r *relay) agentTurnLocked(it *talkItem) {
	if n := len(r.turns); n > 0 {
		if last := &r.turns[n-1]; last.Speaker == SpeakerAgent && last.cycle == it.cycle && it.kind == talkText {
			last.Text += it.text // the tokens of one talk cycle, as sent
			last.Duration += it.dur
			return
		}
	}
	kind := map[string]string{talkGreeting: TurnGreeting, talkText: TurnText, talkPlay: TurnPlay, talkDigits: TurnDigits}[it.kind]
	r.addTurnLocked(ConversationTurn{Speaker: SpeakerAgent, Kind: kind, Text: it.text, Lang: it.lang, Duration: it.dur, cycle: it.cycle})
}

// cutTurnLocked marks the agent's last turn cut short after d, having
// been heard up to heard: interrupted by (speech or dtmf), preempted when
// by is empty, cut off by the session's end when by is "end".
func (r *relay) cutTurnLocked(heard string, d time.Duration, by string) {
	for i := len(r.turns) - 1; i >= 0; i-- {
		t := &r.turns[i]
		if t.Speaker != SpeakerAgent {
			continue
		}
		t.Heard, t.Duration = heard, d
		switch by {
		case "":
			t.Preempted = true
		case "end":
			t.CutOff = true
		default:
			t.Interrupted, t.By = true, by
		}
		return
	}
}
