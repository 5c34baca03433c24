package scenario

import (
	"fmt"
	"time"
)

// This file is the builder DSL: each method returns a new Party, so a
// script can be kept in a variable and shared between tests safely.
//
//	scenario.Person().AnswersAfterRings(4).
//		Presses("2").WhenPromptContains("menu").
//		Says("billing").AtNext("Gather").
//		HangsUp().During("Play").After(5 * time.Second)
//
//	scenario.AnsweringMachine(7 * time.Second).EndingWithBeep()

// Person returns a person who answers at once, says hello and then
// listens.
func Person() Party { return Party{} }

// AnsweringMachine returns an answering machine whose greeting lasts
// greeting and ends with a beep.
func AnsweringMachine(greeting time.Duration) Party {
	return Party{Answerer: Machine, Greeting: greeting}
}

// Fax returns a fax machine that answers at once.
func Fax() Party { return Party{Answerer: FaxMachine} }

// Silence returns a line that is answered but where nobody says anything
// (answering machine detection reports "unknown").
func Silence() Party { return Party{Answerer: Nobody} }

// Rejects returns a party that declines the call (SIP 603, reported as
// busy).
func Rejects() Party { return Party{Outcome: OutcomeReject} }

// AnswersAfter returns a copy of p that rings for d before answering.
func (p Party) AnswersAfter(d time.Duration) Party {
	p.Outcome, p.RingTime = OutcomeAnswer, d
	return p
}

// AnswersAfterRings returns a copy of p that answers after n rings.
func (p Party) AnswersAfterRings(n int) Party {
	return p.AnswersAfter(time.Duration(n) * RingCycle)
}

// Greets returns a copy of p whose hello or greeting lasts d.
func (p Party) Greets(d time.Duration) Party {
	p.Greeting = d
	return p
}

// EndingWithBeep returns a copy of a machine whose greeting ends with a
// beep (the default).
func (p Party) EndingWithBeep() Party { return p.greetingEnd(EndBeep) }

// EndingWithSilence returns a copy of a machine whose greeting ends in
// silence, with no beep.
func (p Party) EndingWithSilence() Party { return p.greetingEnd(EndSilence) }

// EndingWithOther returns a copy of a machine whose greeting ends with
// something that is neither a beep nor silence.
func (p Party) EndingWithOther() Party { return p.greetingEnd(EndOther) }

func (p Party) greetingEnd(e GreetingEnd) Party {
	if p.Answerer != Machine {
		panic(fmt.Sprintf("scenario: only an answering machine's greeting ends with a %s, not a %s's", e, p.Answerer))
	}
	p.GreetingEnd = e
	return p
}

// Named returns a copy of p that calls in with caller ID name name.
func (p Party) Named(name string) Party {
	p.Caller.Name = name
	return p
}

// ForwardedBy returns a copy of p whose calls in arrive forwarded from
// number.
func (p Party) ForwardedBy(number string) Party {
	p.Caller.ForwardedFrom = number
	return p
}

// CallingFrom returns a copy of p whose calls in come from that place.
func (p Party) CallingFrom(city, state, zip, country string) Party {
	p.Caller.City, p.Caller.State, p.Caller.Zip, p.Caller.Country = city, state, zip, country
	return p
}

// Presses returns a copy of p that presses digits at the next verb that
// waits for input (narrow it with At, WhenPromptContains…).
func (p Party) Presses(digits string) Party {
	return p.add(Action{Kind: Press, Digits: digits})
}

// Says returns a copy of p that says text at the next <Gather> that listens
// for speech.
func (p Party) Says(text string) Party {
	return p.add(Action{Kind: Speak, Text: text})
}

// StaysSilent returns a copy of p that says and presses nothing at the next
// verb that waits for input, so that it times out.
func (p Party) StaysSilent() Party {
	return p.add(Action{Kind: Silent})
}

// Talks returns a copy of p that speaks into the next <Record> for d, then
// falls silent (see ThenPresses and ThenHangsUp).
func (p Party) Talks(d time.Duration) Party {
	return p.add(Action{Kind: Talk, Duration: d})
}

// LeavesMessage returns a copy of p that speaks text into the next
// <Record> (for as long as saying it takes, 0.4 s a word).
func (p Party) LeavesMessage(text string) Party {
	words := len(splitWords(text))
	return p.add(Action{Kind: Talk, Text: text, Duration: max(time.Second, time.Duration(words)*400*time.Millisecond)})
}

// HangsUp returns a copy of p that hangs up at the next verb that waits for
// input (narrow it with During, At…).
func (p Party) HangsUp() Party {
	return p.add(Action{Kind: HangUp})
}

func (p Party) add(a Action) Party {
	p.Steps = append(append(make([]Step, 0, len(p.Steps)+1), p.Steps...), Step{Do: a})
	return p
}

// last returns a copy of p whose last step is changed by fn. It panics if
// p has no step, naming the method that needs one.
func (p Party) last(method string, fn func(*Step)) Party {
	if len(p.Steps) == 0 {
		panic("scenario: " + method + " changes the step before it, and there is none")
	}
	p.Steps = append([]Step(nil), p.Steps...)
	fn(&p.Steps[len(p.Steps)-1])
	return p
}

// ThenPresses returns a copy of p whose last Talks ends with key (a finish
// key of the <Record>).
func (p Party) ThenPresses(key string) Party {
	return p.last("ThenPresses", func(s *Step) {
		if s.Do.Kind != Talk {
			panic("scenario: ThenPresses follows Talks or LeavesMessage, not " + s.Do.Kind.String())
		}
		s.Do.Digits = key
	})
}

// ThenHangsUp returns a copy of p whose last Talks ends with a hang-up.
func (p Party) ThenHangsUp() Party {
	return p.last("ThenHangsUp", func(s *Step) {
		if s.Do.Kind != Talk {
			panic("scenario: ThenHangsUp follows Talks or LeavesMessage, not " + s.Do.Kind.String())
		}
		s.Do.HangUpAfterTalk = true
	})
}

// After returns a copy of p whose last step waits d before acting.
func (p Party) After(d time.Duration) Party {
	return p.last("After", func(s *Step) { s.Do.Delay = d })
}

// KeysApart returns a copy of p whose last Presses leaves d between keys.
func (p Party) KeysApart(d time.Duration) Party {
	return p.last("KeysApart", func(s *Step) { s.Do.KeyGap = d })
}

// WithConfidence returns a copy of p whose last Says is recognised with
// confidence c (0 to 1).
func (p Party) WithConfidence(c float64) Party {
	return p.last("WithConfidence", func(s *Step) { s.Do.Confidence = c })
}

// Interrupting returns a copy of p whose last step acts during the
// <Gather>'s prompt (barge-in), its delay counted from the prompt's start.
func (p Party) Interrupting() Party {
	return p.last("Interrupting", func(s *Step) { s.Do.BargeIn = true })
}

// AtNext returns a copy of p whose last step applies at the next verb named
// verb ("Gather", "Record", "Dial").
func (p Party) AtNext(verb string) Party {
	return p.last("AtNext", func(s *Step) { s.When.Verb = verb })
}

// At returns a copy of p whose last step applies only at the nth verb named
// verb ("at the second Gather": At("Gather", 2)).
func (p Party) At(verb string, nth int) Party {
	return p.last("At", func(s *Step) { s.When.Verb, s.When.Nth = verb, nth })
}

// During returns a copy of p whose last step (a hang-up, usually) applies
// at the next verb named verb, such as "Play" for hold music.
func (p Party) During(verb string) Party {
	return p.AtNext(verb)
}

// InConference returns a copy of p whose last step applies in the next
// conference the call joins, its delay counted from the join: Says and
// Talks speak to the room, Presses("*") leaves it when the <Dial> has
// hangupOnStar, HangsUp leaves it by hanging up. Every such step applies
// in the same conference, each on its own delay.
func (p Party) InConference() Party {
	return p.AtNext("Conference")
}

// InStream returns a copy of p whose last step applies in the next media
// stream of the call (<Connect><Stream> or <Start><Stream>), its delay
// counted from the stream's start (or from its cue: AfterMark,
// WhenAppSpeaks, WhenAppStopsSpeaking). There Says speaks a synthetic
// utterance as long as saying the text takes, Talks a synthetic voice for
// its duration, SpeaksAudio the given audio, Presses sends each key as a
// dtmf message (on a bidirectional stream), and HangsUp hangs up. Every
// such step applies in the same stream, each on its own delay.
func (p Party) InStream() Party {
	return p.AtNext("Stream")
}

// InConversation returns a copy of p whose last step applies in a
// ConversationRelay session (<Connect><ConversationRelay>), at the
// caller's next turn: each time the agent has finished speaking (its
// welcome greeting, an answer), and at the start when there is no
// greeting. Steps with no verb named apply there too, one a turn, in order;
// WhenPromptContains matches what the agent said in the turn. Says becomes
// a prompt once said (InLanguage sets its lang), Presses a dtmf message
// per key when the session detects them, Interrupting barges into the
// agent's speech, its delay counted from when the agent started, and
// HangsUp hangs up.
func (p Party) InConversation() Party {
	return p.AtNext("ConversationRelay")
}

// InLanguage returns a copy of p whose last Says is heard in lang (a
// ConversationRelay prompt's lang), instead of the session's recognition
// language.
func (p Party) InLanguage(lang string) Party {
	return p.last("InLanguage", func(s *Step) {
		if s.Do.Kind != Speak {
			panic("scenario: InLanguage follows Says, not " + s.Do.Kind.String())
		}
		s.Do.Language = lang
	})
}

// SpeaksAudio returns a copy of p that speaks audio into the next media
// stream: format is [AudioMulaw], [AudioPCM16] or [AudioWAV] (8 kHz, one
// channel). Audio the harness cannot read is logged when the step runs,
// and the far end stays silent.
func (p Party) SpeaksAudio(format string, audio []byte) Party {
	return p.add(Action{Kind: SpeakAudio, Audio: audio, AudioFormat: format}).InStream()
}

// AfterMark returns a copy of p whose last step applies in the next media
// stream once the application's mark named name has played (Twilio
// echoed it), its delay counted from then.
func (p Party) AfterMark(name string) Party {
	return p.cue("AfterMark", Cue{Kind: CueMark, Mark: name})
}

// WhenAppSpeaks returns a copy of p whose last step applies in the next
// media stream when the application's audio starts playing, its delay
// counted from then: Says("stop").WhenAppSpeaks().After(time.Second)
// barges in a second into what the application says.
func (p Party) WhenAppSpeaks() Party {
	return p.cue("WhenAppSpeaks", Cue{Kind: CueAudioStarts})
}

// WhenAppStopsSpeaking returns a copy of p whose last step applies in the
// next media stream when the application's audio has finished playing (or
// was cleared), its delay counted from then: the far end answers when the
// application has had its say.
func (p Party) WhenAppStopsSpeaking() Party {
	return p.cue("WhenAppStopsSpeaking", Cue{Kind: CueAudioStops})
}

func (p Party) cue(method string, c Cue) Party {
	return p.last(method, func(s *Step) { s.When.Verb, s.Do.On = "Stream", c })
}

// InQueue returns a copy of p whose last step (a hang-up) applies while
// the call waits in the next queue it joins, its delay counted from the
// enqueue: HangsUp().InQueue().After(4*time.Minute) gives up after four
// minutes, unless an agent takes the call first. To press keys during
// the hold loop, aim a Presses at the wait document's <Gather>.
func (p Party) InQueue() Party {
	return p.AtNext("Enqueue")
}

// AfterLeaves returns a copy of p whose last step applies in the next
// conference once who has left it (a participant's label, call SID, or the
// address of its far end; "" for anyone), its delay counted from then:
// HangsUp().AfterLeaves("agent-a") leaves when agent A does.
func (p Party) AfterLeaves(who string) Party {
	return p.last("AfterLeaves", func(s *Step) {
		s.When.Verb, s.Do.AfterLeaving, s.Do.Leaver = "Conference", true, who
	})
}

// WhenPromptContains returns a copy of p whose last step applies only when
// the prompt contains text.
func (p Party) WhenPromptContains(text string) Party {
	return p.last("WhenPromptContains", func(s *Step) { s.When.PromptContains = text })
}

// EveryTime returns a copy of p whose last step applies at every verb it
// matches, not once.
func (p Party) EveryTime() Party {
	return p.last("EveryTime", func(s *Step) { s.Repeat = true })
}

func splitWords(s string) []string {
	var out []string
	word := false
	for _, r := range s {
		space := r == ' ' || r == '\t' || r == '\n'
		if !space && !word {
			out = append(out, "")
		}
		if !space {
			out[len(out)-1] += string(r)
		}
		word = !space
	}
	return out
}
