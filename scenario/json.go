package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// PartySpec is a Party in JSON, for the standalone server's control API and
// other languages' tests:
//
//	{"answer": "busy"}
//	{"rings": 2, "steps": [{"press": "1"}, {"say": "billing", "at": "Gather", "nth": 2}]}
//	{"answered_by": "machine", "greeting_seconds": 7, "greeting_end": "beep"}
type PartySpec struct {
	// Answer is how the line answers: "answer" (the default), "busy",
	// "no-answer", "fail" or "reject".
	Answer      string  `json:"answer,omitempty"`
	RingSeconds float64 `json:"ring_seconds,omitempty"`
	Rings       int     `json:"rings,omitempty"`
	SIPCode     int     `json:"sip_code,omitempty"`
	// HangUpAfterSeconds hangs up that long after answering.
	HangUpAfterSeconds float64 `json:"hang_up_after_seconds,omitempty"`
	// AnsweredBy is who picks up: "human" (the default), "machine", "fax"
	// or "nobody".
	AnsweredBy      string  `json:"answered_by,omitempty"`
	GreetingSeconds float64 `json:"greeting_seconds,omitempty"`
	// GreetingEnd is how a machine's greeting ends: "beep" (the default),
	// "silence" or "other".
	GreetingEnd   string     `json:"greeting_end,omitempty"`
	CallerName    string     `json:"caller_name,omitempty"`
	ForwardedFrom string     `json:"forwarded_from,omitempty"`
	CallerCity    string     `json:"caller_city,omitempty"`
	CallerState   string     `json:"caller_state,omitempty"`
	CallerZip     string     `json:"caller_zip,omitempty"`
	CallerCountry string     `json:"caller_country,omitempty"`
	Steps         []StepSpec `json:"steps,omitempty"`
}

// StepSpec is a Step in JSON: exactly one of Press, Say, TalkSeconds,
// HangUp or Silent, with optional timing and trigger.
type StepSpec struct {
	Press      string  `json:"press,omitempty"`
	Say        string  `json:"say,omitempty"`
	Confidence float64 `json:"confidence,omitempty"`
	// Language is the language Say is heard in, in a ConversationRelay
	// session.
	Language       string  `json:"language,omitempty"`
	TalkSeconds    float64 `json:"talk_seconds,omitempty"`
	Text           string  `json:"text,omitempty"`
	ThenPress      string  `json:"then_press,omitempty"`
	ThenHangUp     bool    `json:"then_hang_up,omitempty"`
	HangUp         bool    `json:"hang_up,omitempty"`
	Silent         bool    `json:"silent,omitempty"`
	AfterSeconds   float64 `json:"after_seconds,omitempty"`
	KeyGapMS       int     `json:"key_gap_ms,omitempty"`
	BargeIn        bool    `json:"barge_in,omitempty"`
	At             string  `json:"at,omitempty"`
	Nth            int     `json:"nth,omitempty"`
	PromptContains string  `json:"prompt_contains,omitempty"`
	EveryTime      bool    `json:"every_time,omitempty"`
	// AfterLeaving waits, in a conference, until a participant leaves:
	// Leaver names which (a label, call SID or address; empty for anyone).
	AfterLeaving bool   `json:"after_leaving,omitempty"`
	Leaver       string `json:"leaver,omitempty"`
	// Audio speaks audio into a media stream: base64 of AudioFormat
	// ("mulaw", "pcm16" or "wav").
	Audio       []byte `json:"audio,omitempty"`
	AudioFormat string `json:"audio_format,omitempty"`
	// In a media stream, a step may wait for a mark of the application's
	// to play (AfterMark), or for its audio to start (WhenAppSpeaks) or
	// stop (WhenAppStopsSpeaking).
	AfterMark            string `json:"after_mark,omitempty"`
	WhenAppSpeaks        bool   `json:"when_app_speaks,omitempty"`
	WhenAppStopsSpeaking bool   `json:"when_app_stops_speaking,omitempty"`
}

// ParsePartyJSON reads a PartySpec. Unknown fields and values are errors
// that say which.
func ParsePartyJSON(data []byte) (Party, error) {
	var spec PartySpec
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		return Party{}, fmt.Errorf("scenario: party: %w", err)
	}
	return spec.Party()
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Party returns the Party the spec describes.
func (spec PartySpec) Party() (Party, error) {
	var p Party
	switch spec.Answer {
	case "", "answer":
	case "busy":
		p.Outcome = OutcomeBusy
	case "no-answer":
		p.Outcome = OutcomeNoAnswer
	case "fail":
		p.Outcome = OutcomeFail
	case "reject":
		p.Outcome = OutcomeReject
	default:
		return p, fmt.Errorf("scenario: party: answer %q: want answer, busy, no-answer, fail or reject", spec.Answer)
	}
	p.RingTime = seconds(spec.RingSeconds) + time.Duration(spec.Rings)*RingCycle
	p.SIPCode = spec.SIPCode
	p.HangUpAfter = seconds(spec.HangUpAfterSeconds)
	switch spec.AnsweredBy {
	case "", "human":
	case "machine":
		p.Answerer = Machine
	case "fax":
		p.Answerer = FaxMachine
	case "nobody":
		p.Answerer = Nobody
	default:
		return p, fmt.Errorf("scenario: party: answered_by %q: want human, machine, fax or nobody", spec.AnsweredBy)
	}
	p.Greeting = seconds(spec.GreetingSeconds)
	switch spec.GreetingEnd {
	case "", "beep":
	case "silence":
		p.GreetingEnd = EndSilence
	case "other":
		p.GreetingEnd = EndOther
	default:
		return p, fmt.Errorf("scenario: party: greeting_end %q: want beep, silence or other", spec.GreetingEnd)
	}
	p.Caller = CallerInfo{Name: spec.CallerName, ForwardedFrom: spec.ForwardedFrom,
		City: spec.CallerCity, State: spec.CallerState, Zip: spec.CallerZip, Country: spec.CallerCountry}
	for i, s := range spec.Steps {
		step, err := s.step()
		if err != nil {
			return p, fmt.Errorf("scenario: party: step %d: %w", i+1, err)
		}
		p.Steps = append(p.Steps, step)
	}
	return p, nil
}

func (s StepSpec) step() (Step, error) {
	var a Action
	kinds := 0
	if s.Press != "" {
		a, kinds = Action{Kind: Press, Digits: s.Press}, kinds+1
	}
	if s.Say != "" {
		a, kinds = Action{Kind: Speak, Text: s.Say, Confidence: s.Confidence, Language: s.Language}, kinds+1
	}
	if s.TalkSeconds > 0 {
		a, kinds = Action{Kind: Talk, Duration: seconds(s.TalkSeconds), Text: s.Text, Digits: s.ThenPress, HangUpAfterTalk: s.ThenHangUp}, kinds+1
	}
	if s.HangUp {
		a, kinds = Action{Kind: HangUp}, kinds+1
	}
	if s.Silent {
		a, kinds = Action{Kind: Silent}, kinds+1
	}
	if s.Audio != nil {
		a, kinds = Action{Kind: SpeakAudio, Audio: s.Audio, AudioFormat: s.AudioFormat}, kinds+1
		switch s.AudioFormat {
		case AudioMulaw, AudioPCM16, AudioWAV:
		default:
			return Step{}, fmt.Errorf("audio_format %q: want mulaw, pcm16 or wav", s.AudioFormat)
		}
	}
	if kinds != 1 {
		return Step{}, fmt.Errorf("give exactly one of press, say, talk_seconds, audio, hang_up and silent (got %d)", kinds)
	}
	a.Delay = seconds(s.AfterSeconds)
	a.KeyGap = time.Duration(s.KeyGapMS) * time.Millisecond
	a.BargeIn = s.BargeIn
	a.AfterLeaving, a.Leaver = s.AfterLeaving || s.Leaver != "", s.Leaver
	cues := 0
	for _, c := range []struct {
		on  bool
		cue Cue
	}{{s.AfterMark != "", Cue{Kind: CueMark, Mark: s.AfterMark}}, {s.WhenAppSpeaks, Cue{Kind: CueAudioStarts}}, {s.WhenAppStopsSpeaking, Cue{Kind: CueAudioStops}}} {
		if c.on {
			a.On, cues = c.cue, cues+1
		}
	}
	if cues > 1 {
		return Step{}, fmt.Errorf("give at most one of after_mark, when_app_speaks and when_app_stops_speaking (got %d)", cues)
	}
	when := Trigger{Verb: s.At, Nth: s.Nth, PromptContains: s.PromptContains}
	if (cues > 0 || a.Kind == SpeakAudio) && when.Verb == "" {
		when.Verb = "Stream"
	}
	return Step{When: when, Do: a, Repeat: s.EveryTime}, nil
}

// Spec returns p as JSON describes it: the PartySpec whose Party is p.
func (p Party) Spec() PartySpec {
	spec := PartySpec{
		RingSeconds: p.RingTime.Seconds(), SIPCode: p.SIPCode, HangUpAfterSeconds: p.HangUpAfter.Seconds(),
		GreetingSeconds: p.Greeting.Seconds(), CallerName: p.Caller.Name, ForwardedFrom: p.Caller.ForwardedFrom,
		CallerCity: p.Caller.City, CallerState: p.Caller.State, CallerZip: p.Caller.Zip, CallerCountry: p.Caller.Country,
	}
	switch p.Outcome {
	case OutcomeBusy:
		spec.Answer = "busy"
	case OutcomeNoAnswer:
		spec.Answer = "no-answer"
	case OutcomeFail:
		spec.Answer = "fail"
	case OutcomeReject:
		spec.Answer = "reject"
	}
	if p.Answerer != Human {
		spec.AnsweredBy = p.Answerer.String()
	}
	if p.GreetingEnd != EndBeep {
		spec.GreetingEnd = p.GreetingEnd.String()
	}
	for _, st := range p.Steps {
		spec.Steps = append(spec.Steps, st.spec())
	}
	return spec
}

// spec returns s as JSON describes it.
func (s Step) spec() StepSpec {
	a := s.Do
	out := StepSpec{AfterSeconds: a.Delay.Seconds(), KeyGapMS: int(a.KeyGap / time.Millisecond), BargeIn: a.BargeIn,
		At: s.When.Verb, Nth: s.When.Nth, PromptContains: s.When.PromptContains, EveryTime: s.Repeat,
		AfterLeaving: a.AfterLeaving, Leaver: a.Leaver}
	switch a.Kind {
	case Press:
		out.Press = a.Digits
	case Speak:
		out.Say, out.Confidence, out.Language = a.Text, a.Confidence, a.Language
	case Talk:
		out.TalkSeconds, out.Text, out.ThenPress, out.ThenHangUp = a.Duration.Seconds(), a.Text, a.Digits, a.HangUpAfterTalk
	case HangUp:
		out.HangUp = true
	case Silent:
		out.Silent = true
	case SpeakAudio:
		out.Audio, out.AudioFormat = a.Audio, a.AudioFormat
	}
	switch a.On.Kind {
	case CueMark:
		out.AfterMark = a.On.Mark
	case CueAudioStarts:
		out.WhenAppSpeaks = true
	case CueAudioStops:
		out.WhenAppStopsSpeaking = true
	}
	return out
}
