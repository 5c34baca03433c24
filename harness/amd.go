package harness

import (
	"strconv"
	"time"

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

// startAMD runs detection on a call that just answered. In synchronous
// mode the call waits for the result before its TwiML runs (then calls
// ready); asynchronously the TwiML runs at once and the result goes to the
// AsyncAmdStatusCallback. Call with srv.mu held.
func (c *Call) startAMD(a amdConfig, ready func()) {
	answer, after := a.detect(c.party)
	c.record(callEvent{kind: EventNote, text: "answering machine detection (" + a.mode + ") started"})
	done := func() {
		c.answeredBy, c.amdDuration = answer, after
		c.base = nil // AnsweredBy joins the standard parameters
		c.record(callEvent{kind: EventNote, text: "answering machine detection: " + answer + " after " + after.String()})
		if a.async || c.leg != nil {
			if a.callbackURL != "" {
				target, err := c.resolveAMDCallback(a.callbackURL)
				if err != nil {
					c.notify(twiml.CodeInvalidURL, LevelWarning, "AMD status callback: "+err.Error(), a.callbackURL, "")
				} else {
					c.srv.post(c.srv.newWebhook(KindAMDStatus, c, a.callbackMethod, target, params{
						{"AccountSid", c.account}, {"AnsweredBy", answer}, {"CallSid", c.sid},
						{"MachineDetectionDuration", strconv.FormatInt(after.Milliseconds(), 10)},
					}))
				}
			}
		}
		if !a.async && ready != nil {
			ready()
		}
	}
	if a.async {
		if a.callbackURL == "" {
			c.notify(21262, LevelWarning, "answering machine detection without a status callback URL: the result is only on the Call resource (answered_by)", "", "")
		}
		c.amdTimer = c.later(after, done)
		ready()
		return
	}
	c.step = c.later(after, done)
}

// resolveAMDCallback resolves a leg's amdStatusCallback against the parent
// document; the REST API's is absolute already.
func (c *Call) resolveAMDCallback(u string) (string, error) {
	if c.leg != nil {
		return c.leg.dial.c.resolve(u)
	}
	return u, nil
}
