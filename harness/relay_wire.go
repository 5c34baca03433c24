package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The messages of ConversationRelay, as Twilio writes them: JSON text
// frames, the keys in the order of Twilio's documentation, every setup
// field a string (an unknown one empty, never absent), last a boolean and
// durationUntilInterruptMs a number.

// setupMessage is the first message of a session.
func (r *relay) setupMessage() []byte {
	c := r.call
	b := make([]byte, 0, 512)
	field := func(name, value string) {
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		b = appendQuoted(b, value)
	}
	b = append(b, `{"type":"setup"`...)
	field("sessionId", r.sid)
	field("accountSid", c.account)
	field("parentCallSid", c.parent)
	field("callSid", c.sid)
	field("from", c.from)
	field("to", c.to)
	field("forwardedFrom", r.forwardedFrom)
	field("callType", callType(c.from, c.to))
	field("callerName", r.callerName)
	field("direction", string(c.direction))
	field("callStatus", r.callStatus)
	b = append(b, `,"customParameters":{`...)
	for i, p := range r.params {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, p.Name)
		b = append(b, ':')
		b = appendQuoted(b, p.Value)
	}
	return append(b, `}}`...)
}

// callType is setup's callType: CLIENT or SIP when either end is one,
// else PSTN.
func callType(from, to string) string {
	for _, a := range []string{from, to} {
		switch {
		case strings.HasPrefix(a, "client:"):
			return "CLIENT"
		case strings.HasPrefix(a, "sip:"):
			return "SIP"
		}
	}
	return "PSTN"
}

// promptMessage is what the caller said: final when last.
func promptMessage(text, lang string, last bool) []byte {
	b := make([]byte, 0, 64+len(text))
	b = append(b, `{"type":"prompt","voicePrompt":`...)
	b = appendQuoted(b, text)
	b = append(b, `,"lang":`...)
	b = appendQuoted(b, lang)
	b = append(b, `,"last":`...)
	b = strconv.AppendBool(b, last)
	return append(b, '}')
}

// dtmfRelayMessage is a key the caller pressed.
func dtmfRelayMessage(digit string) []byte {
	b := append([]byte(`{"type":"dtmf","digit":`), appendQuoted(nil, digit)...)
	return append(b, '}')
}

// interruptMessage says the caller cut the agent's speech short: what the
// caller heard of it, and after how long.
func interruptMessage(heard string, ms int64) []byte {
	b := make([]byte, 0, 96+len(heard))
	b = append(b, `{"type":"interrupt","utteranceUntilInterrupt":`...)
	b = appendQuoted(b, heard)
	b = append(b, `,"durationUntilInterruptMs":`...)
	b = strconv.AppendInt(b, ms, 10)
	return append(b, '}')
}

// errorMessage tells the application about an error in the session.
func errorRelayMessage(description string) []byte {
	b := append([]byte(`{"type":"error","description":`), appendQuoted(nil, description)...)
	return append(b, '}')
}

// infoMessage is a message of the debug channel: name and its value.
func infoMessage(name, value string) []byte {
	b := append([]byte(`{"type":"info","name":`), appendQuoted(nil, name)...)
	b = append(b, `,"value":`...)
	b = appendQuoted(b, value)
	return append(b, '}')
}

// relayEvent is a message of the application's, decoded. Pointer fields
// tell a missing field from a zero one.
type relayEvent struct {
	Type                  string           `json:"type"`
	Token                 *string          `json:"token"`
	Last                  *bool            `json:"last"`
	Lang                  *string          `json:"lang"`
	Interruptible         *json.RawMessage `json:"interruptible"`
	Preemptible           *bool            `json:"preemptible"`
	Source                *string          `json:"source"`
	Loop                  *int             `json:"loop"`
	Digits                *string          `json:"digits"`
	TTSLanguage           *string          `json:"ttsLanguage"`
	TranscriptionLanguage *string          `json:"transcriptionLanguage"`
	HandoffData           *json.RawMessage `json:"handoffData"`

	interrupt inputSet // Interruptible, read; valid when Interruptible is set
	handoff   *string  // HandoffData, as the action sends it
}

// The message types an application may send.
const (
	relayText       = "text"
	relayPlay       = "play"
	relaySendDigits = "sendDigits"
	relayLanguage   = "language"
	relayEnd        = "end"
)

// decodeRelayMessage reads a message of the application's, or says what
// is wrong with it, as Twilio's 64107 does.
func decodeRelayMessage(m appMessage) (relayEvent, error) {
	var ev relayEvent
	if m.binary {
		return ev, fmt.Errorf("a binary frame (ConversationRelay messages are JSON text)")
	}
	// A message that is one JSON value, as nearly all are, decodes with
	// Unmarshal, for a fraction of a Decoder's allocations; anything else
	// is read as before, by a Decoder (its first value, or why not).
	if json.Unmarshal(m.data, &ev) != nil {
		ev = relayEvent{}
		if err := json.NewDecoder(bytes.NewReader(m.data)).Decode(&ev); err != nil {
			return ev, fmt.Errorf("not a JSON object of the protocol: %v", err)
		}
	}
	if ev.Interruptible != nil {
		set, ok := interruptibleValue(*ev.Interruptible)
		if !ok {
			return ev, fmt.Errorf("%s: interruptible must be a boolean (or none, dtmf, speech, any), not %s", ev.Type, *ev.Interruptible)
		}
		ev.interrupt = set
	}
	switch ev.Type {
	case relayText:
		if ev.Token == nil {
			return ev, fmt.Errorf("text without a token (null or missing)")
		}
	case relayPlay:
		if ev.Source == nil || *ev.Source == "" {
			return ev, fmt.Errorf("play without a source")
		}
		if ev.Loop != nil && *ev.Loop < 0 {
			return ev, fmt.Errorf("play with loop %d (want 0 or more)", *ev.Loop)
		}
	case relaySendDigits:
		if ev.Digits == nil || *ev.Digits == "" {
			return ev, fmt.Errorf("sendDigits without digits")
		}
		if i := strings.IndexFunc(*ev.Digits, func(r rune) bool { return !strings.ContainsRune("0123456789w#*", r) }); i >= 0 {
			return ev, fmt.Errorf("sendDigits with %q: digits are 0-9, w, # and *", *ev.Digits)
		}
	case relayLanguage:
		if ev.TTSLanguage == nil && ev.TranscriptionLanguage == nil {
			return ev, fmt.Errorf("language without ttsLanguage or transcriptionLanguage")
		}
	case relayEnd:
		if ev.HandoffData != nil && string(*ev.HandoffData) != "null" {
			var s string
			if err := json.Unmarshal(*ev.HandoffData, &s); err != nil {
				return ev, fmt.Errorf("end with handoffData %s: it must be a string (stringify JSON)", clip(string(*ev.HandoffData), 80))
			}
			ev.handoff = &s
		}
	case "":
		return ev, fmt.Errorf("no type")
	default:
		return ev, fmt.Errorf("unknown type %q (the application may send text, play, sendDigits, language and end)", ev.Type)
	}
	return ev, nil
}

// interruptibleValue reads an interruptible field: a boolean, or one of
// the attribute's words.
func interruptibleValue(raw json.RawMessage) (inputSet, bool) {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		if b {
			return inputAny, true
		}
		return 0, true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return parseInputSet(s)
	}
	return 0, false
}

// decodedMessage is a message of the application's as decoded.
type decodedMessage struct {
	data []byte
	ev   relayEvent
	err  error
}

// decodedAt returns m decoded: seen[i], when that is m itself, or
// decodeRelayMessage's reading of it.
func decodedAt(seen []decodedMessage, i int, m appMessage) (relayEvent, error) {
	if i < len(seen) && len(m.data) > 0 && len(seen[i].data) == len(m.data) && &seen[i].data[0] == &m.data[0] {
		return seen[i].ev, seen[i].err
	}
	return decodeRelayMessage(m)
}

// answers returns a test of the application's messages, in order, for
// the one that answers the caller: it ends a talk cycle (text with last
// set), plays, sends digits or ends the session. Ten invalid messages in a
// row end the wait too: the session fails on them. Each message it
// decodes is added to seen, for the exchange's apply.
func answers(seen *[]decodedMessage) func(appMessage) bool {
	malformed := 0
	return func(m appMessage) bool {
		ev, err := decodeRelayMessage(m)
		if *seen == nil {
			*seen = make([]decodedMessage, 0, 2) // an answer is a token or two, mostly
		}
		*seen = append(*seen, decodedMessage{m.data, ev, err})
		if err != nil {
			malformed++
			return malformed >= maxMalformed
		}
		malformed = 0
		switch ev.Type {
		case relayText:
			return ev.Last != nil && *ev.Last
		case relayPlay, relaySendDigits, relayEnd:
			return true
		}
		return false
	}
}
