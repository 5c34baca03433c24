package harness

import (
	"fmt"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/twiml"
)

// say speaks v.Text for as long as it takes, loop times.
func (c *Call) say(v *twiml.Say) bool {
	c.lastPrompt = v.Text
	c.hangUpStepAt("Say")
	return c.sound(v)
}

// loops is how many times a verb with loop=n plays: n, or Twilio's cap of
// 1,000 for 0 ("until the call ends").
func loops(n int) int {
	if n == 0 {
		return 1000
	}
	return n
}

// play plays audio (for as long as [WithMediaDuration] says) or DTMF tones.
func (c *Call) play(v *twiml.Play) bool {
	c.hangUpStepAt("Play")
	return c.sound(v)
}

// pause waits v.Length seconds.
func (c *Call) pause(v *twiml.Pause) bool {
	c.hangUpStepAt("Pause")
	return c.sound(v)
}

// sound records a <Say>, <Play> or <Pause> and goes on with the next verb
// when it is over. It reports false, at once, for a <Play> it cannot play.
func (c *Call) sound(v twiml.Verb) bool {
	ev, ok := c.soundEvent(v)
	if !ok {
		return false
	}
	c.record(ev)
	c.wait(ev.dur)
	return true
}

// soundEvent returns the event of a <Say>, <Play> or <Pause>: what it says
// or plays, and for how long. A <Play> whose URL cannot be resolved is
// skipped with warning 11100 (ok is false). Call with srv.mu held.
func (c *Call) soundEvent(v twiml.Verb) (ev callEvent, ok bool) {
	switch v := v.(type) {
	case *twiml.Say:
		return callEvent{kind: EventSay, text: v.Text, dur: time.Duration(loops(v.Loop)) * speechDuration(v.Text)}, true
	case *twiml.Pause:
		return callEvent{kind: EventPause, dur: time.Duration(v.Length) * time.Second}, true
	case *twiml.Play:
		if v.Digits != "" {
			return callEvent{kind: EventPlay, text: "digits " + v.Digits, dur: digitsDuration(v.Digits)}, true
		}
		u, err := c.resolve(v.URL)
		if err != nil {
			c.notify(twiml.CodeInvalidURL, LevelWarning, "<Play>: "+err.Error(), v.URL, "")
			return callEvent{}, false
		}
		each, ok := c.srv.media[faultKey(u)]
		if !ok {
			each = DefaultMediaDuration
		}
		return callEvent{kind: EventPlay, text: u, dur: time.Duration(loops(v.Loop)) * each}, true
	}
	return callEvent{}, false
}

// digitsDuration is how long <Play digits> takes: a tenth of a second a
// tone with as much silence after it, w half a second, W a second.
func digitsDuration(digits string) time.Duration {
	var d time.Duration
	for _, r := range digits {
		switch r {
		case 'w':
			d += 500 * time.Millisecond
		case 'W':
			d += time.Second
		default:
			d += 200 * time.Millisecond
		}
	}
	return d
}

// wait goes on with the next verb after d.
func (c *Call) wait(d time.Duration) {
	c.step = c.later(d, c.exec)
}

// redirectVerb continues with the document at the <Redirect>'s URL.
func (c *Call) redirectVerb(v *twiml.Redirect) bool {
	c.transfer(KindRedirect, v.URL, v.Method, nil)
	return true
}

// reject refuses a call that has not been answered: busy for
// reason="busy", no-answer otherwise. A call already answered hangs up, with
// a warning: <Reject> is only for incoming calls before they are answered.
func (c *Call) reject(v *twiml.Reject) bool {
	if c.answered.IsZero() {
		st, sip := StatusNoAnswer, 404
		if v.Reason == "busy" {
			st, sip = StatusBusy, 486
		}
		c.record(callEvent{kind: EventHangup, text: "<Reject reason=" + v.Reason + ">"})
		c.finish(st, sip, "rejected")
		return true
	}
	c.notify(13810, LevelWarning, "<Reject> on a call that is already answered hangs it up", c.docURL, "")
	c.hangUp(StatusCompleted, "<Reject> on an answered call")
	return true
}

// echo plays the caller's audio back until the call ends: nothing happens
// until the far end hangs up or the time limit comes.
func (c *Call) echo() bool {
	c.hangUpStepAt("Echo")
	c.record(callEvent{kind: EventNote, text: "<Echo>: the caller hears themselves until the call ends"})
	return true
}

// Message is a text message sent during a call with <Sms>.
type Message struct {
	SID        string    `json:"sid"` // "SM" and 32 hex digits
	AccountSID string    `json:"account_sid"`
	CallSID    string    `json:"call_sid"`
	To         string    `json:"to"`
	From       string    `json:"from"`
	Body       string    `json:"body"`
	Status     string    `json:"status"` // "sent"
	Time       time.Time `json:"time"`
}

// Messages returns the text messages calls sent, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages))
	for i, m := range s.messages {
		out[i] = *m
	}
	return out
}

// sms sends a text message: to the far end and from the Twilio number by
// default. With an action the call continues with the action's document.
func (c *Call) sms(v *twiml.Sms) bool {
	s := c.srv
	far, own := c.to, c.from
	if c.direction == DirectionInbound {
		far, own = c.from, c.to
	}
	m := &Message{SID: s.ids.sid("SM"), AccountSID: c.account, CallSID: c.sid, To: or(v.To, far),
		From: or(v.From, own), Body: v.Message, Status: "sent", Time: s.clock.now}
	s.messages = append(s.messages, m)
	c.record(callEvent{kind: EventSms, text: fmt.Sprintf("to %s from %s: %q", m.To, m.From, m.Body)})
	p := params{{"SmsSid", m.SID}, {"SmsStatus", m.Status}}
	if v.StatusCallback != "" {
		if u, err := c.resolve(v.StatusCallback); err == nil {
			cb := c.standardParams(c.status)
			cb.add("SmsSid", m.SID)
			cb.add("SmsStatus", m.Status)
			s.post(s.newWebhook(KindSmsStatus, c, "POST", u, cb))
		}
	}
	if v.Action == "" {
		return false
	}
	c.transfer(KindAction, v.Action, v.Method, p)
	return true
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// startFork starts streams, SIPREC sessions, transcriptions and recordings
// in the background, and goes on at once.
func (c *Call) startFork(v *twiml.Start) bool {
	for _, n := range v.Nouns {
		switch n := n.(type) {
		case *twiml.Recording:
			channels := 1
			if n.Channels == "dual" {
				channels = 2
			}
			cbURL := ""
			if n.RecordingStatusCallback != "" {
				cbURL, _ = c.resolve(n.RecordingStatusCallback)
			}
			r, w := c.newRecording(sourceStart, channels, n.Track, n.Trim, cbURL,
				n.RecordingStatusCallbackMethod, recEvents(n.RecordingStatusCallbackEvent))
			c.srv.post(w)
			c.record(callEvent{kind: EventFork, text: "started recording " + r.SID})
		default:
			c.record(callEvent{kind: EventFork, text: "started " + describeFork(n)})
		}
	}
	return false
}

// stopFork stops what <Start> started, by name, and goes on at once.
func (c *Call) stopFork(v *twiml.Stop) bool {
	for _, n := range v.Nouns {
		c.record(callEvent{kind: EventFork, text: "stopped " + describeFork(n)})
	}
	return false
}

// describeFork names a noun of <Start> or <Stop> for the transcript.
func describeFork(n twiml.Noun) string {
	var name, to string
	switch n := n.(type) {
	case *twiml.Stream:
		name, to = n.Name, n.URL
	case *twiml.Siprec:
		name, to = n.Name, n.ConnectorName
	case *twiml.Transcription:
		name = n.Name
	}
	parts := []string{strings.ToLower(n.NounName())}
	if name != "" {
		parts = append(parts, fmt.Sprintf("%q", name))
	}
	if to != "" {
		parts = append(parts, "to "+to)
	}
	return strings.Join(parts, " ")
}

// recEvents reads recording status callback event names.
func recEvents(names []string) recEventSet {
	var set recEventSet
	for _, n := range names {
		set |= recordingEvents[n]
	}
	if set == 0 {
		set = recCompleted
	}
	return set
}
