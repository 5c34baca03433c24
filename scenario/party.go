package scenario

import (
	"fmt"
	"time"
)

// Outcome is how a line responds when it is dialed.
type Outcome int

const (
	// OutcomeAnswer: the line rings for the party's delay, then picks up.
	OutcomeAnswer Outcome = iota
	// OutcomeBusy: the line gives a busy signal after the delay (SIP 486).
	OutcomeBusy
	// OutcomeNoAnswer: the line rings until the caller gives up.
	OutcomeNoAnswer
	// OutcomeFail: the call cannot be completed (SIP 404 unless the party
	// says otherwise).
	OutcomeFail
	// OutcomeReject: the callee declines the call (SIP 603), which Twilio
	// reports as busy.
	OutcomeReject
)

// String returns the outcome's name: "answer", "busy", "no-answer" or "fail".
func (o Outcome) String() string {
	switch o {
	case OutcomeAnswer:
		return "answer"
	case OutcomeBusy:
		return "busy"
	case OutcomeNoAnswer:
		return "no-answer"
	case OutcomeFail:
		return "fail"
	case OutcomeReject:
		return "reject"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Party is the behaviour of the far end of a call. The zero value answers at
// once and stays on the line until the application hangs up; it is the
// harness's default for addresses nobody described.
type Party struct {
	// Outcome is how the line responds to the call.
	Outcome Outcome
	// RingTime is how long the line rings before the outcome (answer, busy,
	// fail or reject). It is ignored for OutcomeNoAnswer. If it reaches the
	// call's ring timeout, the call ends no-answer instead.
	RingTime time.Duration
	// SIPCode is the SIP response code for busy and failed outcomes; 0 means
	// the usual one (486 for busy, 404 for fail).
	SIPCode int
	// HangUpAfter, if positive, hangs up that long after answering.
	HangUpAfter time.Duration
	// Steps are what the party does during the call, tried in order at
	// each verb: the first step that matches the verb applies (and is used
	// up unless it repeats). A verb no step matches gets silence.
	Steps []Step
	// Answerer is who picks up: a person (the zero value), an answering
	// machine, a fax machine, or nobody saying anything.
	Answerer Answerer
	// Greeting is how long the answerer speaks first: a person's hello (1 s
	// when zero) or a machine's greeting (10 s when zero).
	Greeting time.Duration
	// GreetingEnd is how a machine's greeting ends.
	GreetingEnd GreetingEnd
	// Caller is what the network says about this party when it calls in.
	Caller CallerInfo
}

// Answerer is who picks up a call.
type Answerer int

// Who can pick up.
const (
	// Human: a person, who says hello and then listens.
	Human Answerer = iota
	// Machine: an answering machine, with a greeting.
	Machine
	// FaxMachine: a fax, answering with its tones.
	FaxMachine
	// Nobody: the line is answered but nothing is said.
	Nobody
)

// String returns "human", "machine", "fax" or "nobody".
func (a Answerer) String() string {
	switch a {
	case Human:
		return "human"
	case Machine:
		return "machine"
	case FaxMachine:
		return "fax"
	case Nobody:
		return "nobody"
	}
	return fmt.Sprintf("Answerer(%d)", int(a))
}

// GreetingEnd is how an answering machine's greeting ends.
type GreetingEnd int

// The ways a greeting can end, as answering machine detection reports them
// (machine_end_beep, machine_end_silence, machine_end_other).
const (
	EndBeep GreetingEnd = iota
	EndSilence
	EndOther
)

// String returns "beep", "silence" or "other".
func (g GreetingEnd) String() string {
	switch g {
	case EndBeep:
		return "beep"
	case EndSilence:
		return "silence"
	case EndOther:
		return "other"
	}
	return fmt.Sprintf("GreetingEnd(%d)", int(g))
}

// CallerInfo is what the network tells Twilio about a caller.
type CallerInfo struct {
	Name          string // CallerName (caller ID lookup)
	ForwardedFrom string // ForwardedFrom, when the carrier forwarded the call
	City          string
	State         string
	Zip           string
	Country       string // ISO code; from the calling code when empty
}

// GreetingLength returns how long the answerer speaks when it picks up.
func (p Party) GreetingLength() time.Duration {
	switch {
	case p.Greeting > 0:
		return p.Greeting
	case p.Answerer == Machine:
		return 10 * time.Second
	case p.Answerer == Human:
		return time.Second
	}
	return 0
}

// Then returns a copy of p with the steps appended.
func (p Party) Then(steps ...Step) Party {
	p.Steps = append(append([]Step(nil), p.Steps...), steps...)
	return p
}

// AnswersAfter returns a party that rings for d, then answers.
func AnswersAfter(d time.Duration) Party { return Party{Outcome: OutcomeAnswer, RingTime: d} }

// AnswersAfterRings returns a party that answers after n rings of six seconds
// each (the North American ring cadence).
func AnswersAfterRings(n int) Party { return AnswersAfter(time.Duration(n) * RingCycle) }

// RingCycle is the length of one ring: two seconds on, four off.
const RingCycle = 6 * time.Second

// Busy returns a party whose line is busy.
func Busy() Party { return Party{Outcome: OutcomeBusy} }

// NoAnswer returns a party that lets the line ring until the caller gives up.
func NoAnswer() Party { return Party{Outcome: OutcomeNoAnswer} }

// Fails returns a party whose call cannot be completed, with the SIP response
// code sipCode (0 for 404).
func Fails(sipCode int) Party { return Party{Outcome: OutcomeFail, SIPCode: sipCode} }

// HangsUpAfter returns a copy of p that hangs up d after answering.
func (p Party) HangsUpAfter(d time.Duration) Party {
	p.HangUpAfter = d
	return p
}

// RingsFor returns a copy of p whose line rings for d before its outcome.
func (p Party) RingsFor(d time.Duration) Party {
	p.RingTime = d
	return p
}

// String describes the party in words, for transcripts and messages.
func (p Party) String() string {
	var s string
	switch p.Outcome {
	case OutcomeAnswer:
		s = fmt.Sprintf("answers after %v", p.RingTime)
	case OutcomeBusy:
		s = "busy"
	case OutcomeNoAnswer:
		s = "does not answer"
	case OutcomeFail:
		s = fmt.Sprintf("fails (SIP %d)", p.SIPResponse())
	case OutcomeReject:
		s = "rejects the call"
	default:
		s = p.Outcome.String()
	}
	if p.Outcome == OutcomeAnswer && p.Answerer != Human {
		s += " as " + p.Answerer.String()
		if p.Answerer == Machine {
			s += fmt.Sprintf(" (greeting %v, ends with %s)", p.GreetingLength(), p.GreetingEnd)
		}
	}
	if p.HangUpAfter > 0 {
		s += fmt.Sprintf(", hangs up after %v", p.HangUpAfter)
	}
	return s
}

// SIPResponse returns the SIP code the line answers with for its outcome:
// 200 for an answer, 486 for busy, 487 for no answer, 603 for a rejection,
// SIPCode or 404 for a failure.
func (p Party) SIPResponse() int {
	switch p.Outcome {
	case OutcomeBusy:
		if p.SIPCode != 0 {
			return p.SIPCode
		}
		return 486
	case OutcomeNoAnswer:
		return 487
	case OutcomeReject:
		if p.SIPCode != 0 {
			return p.SIPCode
		}
		return 603
	case OutcomeFail:
		if p.SIPCode != 0 {
			return p.SIPCode
		}
		return 404
	}
	return 200
}
