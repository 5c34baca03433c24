package harness

import (
	"strconv"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twiml"
)

// amdConfig is answering machine detection as a call or a dialed number
// asked for it.
type amdConfig struct {
	mode               string // "", Enable or DetectMessageEnd
	timeout            time.Duration
	speechThreshold    time.Duration
	speechEndThreshold time.Duration
	silenceTimeout     time.Duration
	async              bool
	callbackURL        string
	callbackMethod     string
}

// defaultAMD returns Twilio's defaults, detection off.
func defaultAMD() amdConfig {
	return amdConfig{timeout: 30 * time.Second, speechThreshold: 2400 * time.Millisecond,
		speechEndThreshold: 1200 * time.Millisecond, silenceTimeout: 5 * time.Second, callbackMethod: "POST"}
}

// nounAMD reads the detection attributes of a <Number> or <Sip>.
func nounAMD(a twiml.AMD) amdConfig {
	c := defaultAMD()
	c.mode = a.MachineDetection
	if a.Timeout > 0 {
		c.timeout = time.Duration(a.Timeout) * time.Second
	}
	if a.SpeechThreshold > 0 {
		c.speechThreshold = time.Duration(a.SpeechThreshold) * time.Millisecond
	}
	if a.SpeechEndThreshold > 0 {
		c.speechEndThreshold = time.Duration(a.SpeechEndThreshold) * time.Millisecond
	}
	if a.SilenceTimeout > 0 {
		c.silenceTimeout = time.Duration(a.SilenceTimeout) * time.Millisecond
	}
	c.callbackURL = a.StatusCallback
	if a.StatusCallbackMethod != "" {
		c.callbackMethod = a.StatusCallbackMethod
	}
	return c
}

// faxDetection is how long detection takes to hear a fax's tones.
const faxDetection = 3 * time.Second

// detect returns what answering machine detection reports for who picked
// up, and after how long:
//
//   - a person whose hello is shorter than the speech threshold: human,
//     once the hello has ended and the speech end threshold has passed;
//   - a longer greeting: machine_start at the speech threshold (Enable), or
//     at the end of the greeting machine_end_beep (at the beep),
//     machine_end_silence or machine_end_other (after the speech end
//     threshold) with DetectMessageEnd;
//   - a fax: fax, after three seconds of its tones;
//   - silence: unknown, after the silence timeout;
//   - anything that would take longer than the detection timeout: unknown,
//     at the timeout.
func (a amdConfig) detect(p scenario.Party) (string, time.Duration) {
	answer, after := a.classify(p)
	if after > a.timeout {
		return "unknown", a.timeout
	}
	return answer, after
}

func (a amdConfig) classify(p scenario.Party) (string, time.Duration) {
	g := p.GreetingLength()
	switch p.Answerer {
	case scenario.FaxMachine:
		return "fax", faxDetection
	case scenario.Nobody:
		return "unknown", a.silenceTimeout
	}
	if g < a.speechThreshold {
		return "human", g + a.speechEndThreshold
	}
	if a.mode == "Enable" {
		return "machine_start", a.speechThreshold
	}
	end := p.GreetingEnd
	if p.Answerer == scenario.Human {
		end = scenario.EndOther // a long-winded person
	}
	switch end {
	case scenario.EndBeep:
		return "machine_end_beep", g
	case scenario.EndSilence:
		return "machine_end_silence", g + a.speechEndThreshold
	}
	return "machine_end_other", g + a.speechEndThreshold
}

// startAMDLocked runs detection on a call that just answered. In
// synchronous mode the call waits for the result before its TwiML runs
// (then calls ready); asynchronously the TwiML runs at once and the result
// goes to the AsyncAmdStatusCallback. A leg of a <Dial> and a call of the
// Participants API wait for the result and also send it to their
// callback.
func (c *Call) startAMDLocked(a amdConfig, ready func()) {
	answer, after := a.detect(c.farEnd.party)
	c.recordLocked(callEvent{kind: EventNote, action: ActionDetecting, text: a.mode})
	done := func() {
		c.amd.answeredBy, c.amd.took = answer, after
		c.callback.base = nil // AnsweredBy joins the standard parameters
		c.recordLocked(callEvent{kind: EventNote, action: ActionDetected, text: answer, dur: after})
		if (a.async || c.dial.leg != nil || c.joins != nil) && a.callbackURL != "" {
			c.postAMDResultLocked(a, answer, after)
		}
		if !a.async && ready != nil {
			ready()
		}
	}
	if a.async {
		if a.callbackURL == "" {
			c.notifyLocked(codeAMDNoCallback, LevelWarning, "answering machine detection without a status callback URL: the result is only on the Call resource (answered_by)", "", "")
		}
		c.amd.timer = c.afterUnlessMovedOnLocked(after, done)
		ready()
		return
	}
	c.program.step = c.afterUnlessMovedOnLocked(after, done)
}

// postAMDResultLocked sends detection's result to its status callback: a
// leg's amdStatusCallback resolves against its parent's document; the REST
// API's is absolute already.
func (c *Call) postAMDResultLocked(a amdConfig, answer string, after time.Duration) {
	target, err := a.callbackURL, error(nil)
	if l := c.dial.leg; l != nil {
		target, err = l.dial.c.resolveLocked(a.callbackURL)
	}
	if err != nil {
		c.notifyLocked(codeInvalidURL, LevelWarning, "AMD status callback: "+err.Error(), a.callbackURL, "")
		return
	}
	c.srv.out.postLocked(c.srv.out.buildLocked(KindAMDStatus, c, a.callbackMethod, target, signing.Params{
		{Name: "AccountSid", Value: c.account}, {Name: "AnsweredBy", Value: answer}, {Name: "CallSid", Value: c.sid},
		{Name: "MachineDetectionDuration", Value: strconv.FormatInt(after.Milliseconds(), 10)},
	}))
}
