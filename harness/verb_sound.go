package harness

import (
	"time"

	"github.com/twimlharness/twimlharness/twiml"
)

// What <Say>, <Play> and <Pause> have in common: each is a sound of known
// length (or silence), at the top level of a document or as the prompt of a
// <Gather>.

// soundLocked records a <Say>, <Play> or <Pause> and goes on with the next
// verb when it is over. It reports false, at once, for a <Play> it cannot
// play.
func (c *Call) soundLocked(v twiml.Verb) bool {
	ev, ok := c.soundEventLocked(v)
	if !ok {
		return false
	}
	c.recordLocked(ev)
	c.waitLocked(ev.dur)
	return true
}

// soundEventLocked returns the event of a <Say>, <Play> or <Pause>: what it
// says or plays, and for how long. A <Play> without a URL (an error the
// parser reported as 11100) or whose URL cannot be resolved (warning 11100
// here) is skipped: ok is false. It never plays the document's own URL.
func (c *Call) soundEventLocked(v twiml.Verb) (ev callEvent, ok bool) {
	switch v := v.(type) {
	case *twiml.Say:
		return callEvent{kind: EventSay, text: v.Text, dur: times(loops(v.Loop), speechDuration(v.Text))}, true
	case *twiml.Pause:
		return callEvent{kind: EventPause, dur: time.Duration(v.Length) * time.Second}, true
	case *twiml.Play:
		if v.Digits != "" {
			return callEvent{kind: EventPlay, digits: v.Digits, dur: digitsDuration(v.Digits)}, true
		}
		if v.URL == "" {
			return callEvent{}, false // nothing to play: the parser logged 11100
		}
		u, err := c.resolveLocked(v.URL)
		if err != nil {
			c.notifyLocked(codeInvalidURL, LevelWarning, "<Play>: "+err.Error(), v.URL, "")
			return callEvent{}, false
		}
		each, ok := c.srv.media[faultKey(u)]
		if !ok {
			each = DefaultMediaDuration
		}
		return callEvent{kind: EventPlay, url: u, dur: times(loops(v.Loop), each)}, true
	}
	return callEvent{}, false
}

// loops is how many times a verb with loop=n plays: n, or Twilio's cap of
// 1,000 for 0 ("until the call ends").
func loops(n int) int {
	if n == 0 {
		return twiml.MaxLoop
	}
	return n
}

// times returns n times d, or the longest duration there is if that would
// overflow: a sound that long outlasts any call.
func times(n int, d time.Duration) time.Duration {
	if n > 0 && d > 0 && time.Duration(n) > time.Duration(1<<63-1)/d {
		return time.Duration(1<<63 - 1)
	}
	return time.Duration(n) * d
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
