package scenario

import (
	"fmt"
	"strings"
	"time"
)

// ActionKind is what the far end does at a step.
type ActionKind int

// The things the far end can do during a call.
const (
	// Press presses Digits on the keypad, KeyGap apart.
	Press ActionKind = iota + 1
	// Speak says Text, which speech recognition hears with Confidence.
	Speak
	// Silent does nothing, so that the verb times out.
	Silent
	// HangUp hangs up.
	HangUp
	// Talk speaks into a <Record> for Duration, then presses Digits (a
	// finish key), hangs up (HangUpAfterTalk) or falls silent.
	Talk
	// SpeakAudio speaks Audio, in AudioFormat, into a media stream.
	SpeakAudio
)

// The formats of SpeakAudio's audio.
const (
	// AudioMulaw is G.711 μ-law at 8 kHz, one byte a sample: what Media
	// Streams carry.
	AudioMulaw = "mulaw"
	// AudioPCM16 is 16-bit linear PCM at 8 kHz, little-endian.
	AudioPCM16 = "pcm16"
	// AudioWAV is a WAV file of 8 kHz, one channel, 16-bit PCM or μ-law.
	AudioWAV = "wav"
)

// CueKind is what in a media stream a step waits for.
type CueKind int

// The cues of a media stream.
const (
	// CueNone: the step's delay counts from the stream's start.
	CueNone CueKind = iota
	// CueMark: the application's mark named Cue.Mark has played.
	CueMark
	// CueAudioStarts: the application's audio starts playing.
	CueAudioStarts
	// CueAudioStops: the application's audio has finished playing, or was
	// cleared.
	CueAudioStops
)

// Cue is a moment of a media stream that a step waits for.
type Cue struct {
	Kind CueKind
	Mark string // the mark's name, for CueMark
}

// String describes the cue in words.
func (c Cue) String() string {
	switch c.Kind {
	case CueMark:
		return fmt.Sprintf("once mark %q has played", c.Mark)
	case CueAudioStarts:
		return "when the application's audio starts"
	case CueAudioStops:
		return "when the application's audio stops"
	}
	return ""
}

// String returns the kind's name.
func (k ActionKind) String() string {
	switch k {
	case Press:
		return "press"
	case Speak:
		return "speak"
	case Silent:
		return "stay silent"
	case HangUp:
		return "hang up"
	case Talk:
		return "talk"
	case SpeakAudio:
		return "speak audio"
	}
	return fmt.Sprintf("ActionKind(%d)", int(k))
}

// DefaultKeyGap is the time between two key presses when a step does not
// say otherwise.
const DefaultKeyGap = 200 * time.Millisecond

// Action is something the far end does.
type Action struct {
	Kind ActionKind
	// Digits are the keys of Press, or the key Talk ends with.
	Digits string
	// KeyGap is the time between keys; zero means DefaultKeyGap.
	KeyGap time.Duration
	// Text and Confidence are what Speak says and how sure recognition is
	// (zero means 0.9).
	Text       string
	Confidence float64
	// Duration is how long Talk speaks.
	Duration time.Duration
	// HangUpAfterTalk hangs up when Talk has spoken.
	HangUpAfterTalk bool
	// Delay is the wait before acting, counted from the end of the verb's
	// prompt (a Gather's nested verbs, a Record's beep), from when a Dial
	// starts, or from the start of any other verb. With BargeIn it is
	// counted from the start of the Gather, so that keys interrupt the
	// prompt.
	Delay   time.Duration
	BargeIn bool
	// AfterLeaving, in a conference, waits until a participant leaves the
	// room, then acts after Delay. Leaver names the participant (its
	// label, call SID, or the address of its call's far end); empty means
	// anyone.
	AfterLeaving bool
	Leaver       string
	// Audio and AudioFormat are what SpeakAudio speaks (AudioMulaw,
	// AudioPCM16 or AudioWAV).
	Audio       []byte
	AudioFormat string
	// Language is the language Speak is heard in, in a ConversationRelay
	// session (the prompt's lang); empty means the session's.
	Language string
	// On, in a media stream, waits for a cue of the application's audio
	// (a mark played, its audio starting or stopping), then acts after
	// Delay.
	On Cue
}

// Trigger says where in the call a step applies. The zero value applies at
// the next verb that waits for the far end (a Gather, a Record or a Dial).
type Trigger struct {
	// Verb is the verb the step applies to ("Gather", "Record", "Dial",
	// "Conference" for the time the call is in a conference, or, for
	// HangUp, any verb such as "Play"); empty means any verb that waits for
	// input.
	Verb string
	// Nth, if positive, applies the step at the nth such verb of the call
	// (1-based), counting only verbs named Verb when Verb is set.
	Nth int
	// PromptContains, if set, applies the step only when what the call said
	// in the verb's prompt (a Gather's nested <Say>s, or the last <Say>
	// before the verb) contains it, ignoring case.
	PromptContains string
}

// Step is one thing the far end does, and where.
type Step struct {
	When Trigger
	Do   Action
	// Repeat keeps the step for every verb it matches, instead of using it
	// once.
	Repeat bool
}

// String describes the step in words, for transcripts and failure messages.
func (s Step) String() string {
	var b strings.Builder
	switch s.Do.Kind {
	case Press:
		fmt.Fprintf(&b, "press %q", s.Do.Digits)
	case Speak:
		fmt.Fprintf(&b, "say %q", s.Do.Text)
	case Talk:
		fmt.Fprintf(&b, "talk for %v", s.Do.Duration)
		switch {
		case s.Do.Digits != "":
			fmt.Fprintf(&b, " then press %q", s.Do.Digits)
		case s.Do.HangUpAfterTalk:
			b.WriteString(" then hang up")
		}
	case SpeakAudio:
		fmt.Fprintf(&b, "speak %d bytes of %s audio", len(s.Do.Audio), s.Do.AudioFormat)
	default:
		b.WriteString(s.Do.Kind.String())
	}
	if s.Do.Delay > 0 {
		fmt.Fprintf(&b, " after %v", s.Do.Delay)
	}
	switch {
	case s.Do.AfterLeaving && s.Do.Leaver != "":
		fmt.Fprintf(&b, " once %s has left", s.Do.Leaver)
	case s.Do.AfterLeaving:
		b.WriteString(" once someone has left")
	case s.Do.On.Kind != CueNone:
		b.WriteString(" " + s.Do.On.String())
	}
	switch {
	case s.When.Nth > 0 && s.When.Verb != "":
		fmt.Fprintf(&b, " at <%s> #%d", s.When.Verb, s.When.Nth)
	case s.When.Nth > 0:
		fmt.Fprintf(&b, " at input #%d", s.When.Nth)
	case s.When.Verb != "":
		fmt.Fprintf(&b, " at the next <%s>", s.When.Verb)
	}
	if s.When.PromptContains != "" {
		fmt.Fprintf(&b, " when the prompt contains %q", s.When.PromptContains)
	}
	if s.Repeat {
		b.WriteString(" (every time)")
	}
	return b.String()
}

// Fits reports whether the step's action makes sense at verb: keys and
// speech at a Gather, talk and keys at a Record, the star key at a Dial,
// keys, speech and talk in a Conference, hanging up and silence anywhere.
// A step that waits for someone to leave fits only a Conference; while
// the call waits in a queue ("Enqueue") the far end can only hang up or
// stay silent. In a media stream ("Stream") it speaks (text, talk or
// audio), presses keys and hangs up; only there can it wait for a cue of
// the application's audio, or speak given audio. In a ConversationRelay
// session ("ConversationRelay") it speaks, talks, presses keys, stays
// silent and hangs up, a step a turn of the conversation.
func (s Step) Fits(verb string) bool {
	if s.Do.AfterLeaving && verb != "Conference" {
		return false
	}
	if verb == "Stream" {
		return true
	}
	if verb == "ConversationRelay" {
		return s.Do.On.Kind == CueNone && s.Do.Kind != SpeakAudio
	}
	if s.Do.On.Kind != CueNone || s.Do.Kind == SpeakAudio {
		return false
	}
	switch s.Do.Kind {
	case HangUp, Silent:
		return true
	case Press:
		return verb == "Gather" || verb == "Record" || verb == "Dial" || verb == "Conference"
	case Speak:
		return verb == "Gather" || verb == "Conference"
	case Talk:
		return verb == "Record" || verb == "Conference"
	}
	return false
}

// Matches reports whether the step applies at verb, the nth of its name
// (nth) and the nth verb waiting for input (input, 0 when the verb does not
// wait for input), whose prompt is prompt.
func (s Step) Matches(verb string, nth, input int, prompt string) bool {
	w := s.When
	if w.Verb != "" && w.Verb != verb {
		return false
	}
	if w.Verb == "" && input == 0 {
		return false
	}
	if w.Nth > 0 {
		if w.Verb != "" && w.Nth != nth || w.Verb == "" && w.Nth != input {
			return false
		}
	}
	if w.PromptContains != "" && !strings.Contains(strings.ToLower(prompt), strings.ToLower(w.PromptContains)) {
		return false
	}
	return s.Fits(verb)
}
