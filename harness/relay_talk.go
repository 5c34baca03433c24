package harness

import (
	"fmt"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
)

// The agent's side of a ConversationRelay session: what the application
// sends to be spoken, played or dialed goes into one play queue, as
// Twilio's does, and plays on the virtual clock. Text lasts as long as the
// harness's <Say> of it (0.4 s a word, at least a second), a play as long
// as [WithMediaDuration] says, digits as long as <Play digits>. A talk
// cycle is the text up to a message with last set; the caller may cut it
// short (interrupt), and the next message may cut a preemptible one.

// maxQueuedSpeech bounds what the agent's play queue holds that has not
// played yet (text, URLs and digits; a day of speech), so that an
// application that floods the socket cannot exhaust the server. Past it
// the session fails with [CodeLimitReached]. Twilio documents no limit.
const maxQueuedSpeech = 1 << 20

// Kinds of talk item.
const (
	talkGreeting = "greeting"
	talkText     = "text"
	talkPlay     = "play"
	talkDigits   = "digits"
)

// talkItem is one thing the agent says, plays or dials.
type talkItem struct {
	kind        string
	text        string // the words; the URL played; the digits
	lang        string
	cycle       int // the talk cycle it belongs to
	interrupt   inputSet
	preemptible bool
	dur         time.Duration
}

// talker is a session's play queue. Its methods run with srv.mu held.
type talker struct {
	queue      []*talkItem
	cur        *talkItem // playing now
	start      time.Time // when cur started
	cycleStart time.Time // when cur's talk cycle started
	cycleSaid  string    // the text of cur's cycle spoken before cur, as sent
	timer      *clock.Timer
	cycles     int
	open       int       // the talk cycle whose last token has not come, 0 for none
	last       *talkItem // its item still queued, which its next tokens join
	starting   bool      // the agent starts to speak at this instant
	queued     int       // the bytes of text the queue holds
}

// roomLocked reports whether the queue takes n more bytes of text; if not,
// the session fails.
func (t *talker) roomLocked(r *relay, n int) bool {
	if t.queued+n <= maxQueuedSpeech {
		t.queued += n
		return true
	}
	r.failLocked(CodeLimitReached, fmt.Sprintf("the application queued more than %d bytes of speech the agent has not said yet; the harness ends the session", maxQueuedSpeech))
	return false
}

// speaking reports whether the agent is speaking (or playing, or dialing).
func (t *talker) speaking() bool { return t.cur != nil }

// busy reports whether the agent is speaking or about to: what the
// application sent at this instant starts once it is all in.
func (t *talker) busy() bool { return t.cur != nil || t.starting || len(t.queue) > 0 }

// addGreetingLocked queues the welcome greeting.
func (t *talker) addGreetingLocked(r *relay, text string) {
	t.cycles++
	t.queued += len(text)
	t.pushLocked(r, &talkItem{kind: talkGreeting, text: text, lang: r.tts, cycle: t.cycles, interrupt: r.cfg.welcomeInterrupt})
}

// addTextLocked applies a text message: its token joins the open talk
// cycle, or starts one.
func (t *talker) addTextLocked(r *relay, ev relayEvent) {
	last := ev.Last != nil && *ev.Last
	token := *ev.Token
	if !t.roomLocked(r, len(token)) {
		return
	}
	if t.open == 0 { // a new talk cycle
		t.preemptLocked(r)
		t.cycles++
		t.open = t.cycles
	}
	switch {
	case t.last != nil: // still queued: the token joins it
		t.last.text += token
	case strings.TrimSpace(token) != "":
		it := &talkItem{kind: talkText, text: token, cycle: t.open}
		t.settleLocked(r, it, ev)
		t.last = it
		t.pushLocked(r, it)
	}
	if last {
		t.open, t.last = 0, nil
	}
}

// settleLocked sets an item's language and how it may be cut, from the
// message or the TwiML.
func (t *talker) settleLocked(r *relay, it *talkItem, ev relayEvent) {
	it.lang, it.interrupt, it.preemptible = r.tts, r.cfg.interruptible, r.cfg.preemptible
	if ev.Lang != nil && *ev.Lang != "" {
		it.lang = *ev.Lang
	}
	if ev.Interruptible != nil {
		it.interrupt = ev.interrupt
	}
	if ev.Preemptible != nil {
		it.preemptible = *ev.Preemptible
	}
}

// addPlayLocked applies a play message.
func (t *talker) addPlayLocked(r *relay, ev relayEvent) {
	c := r.call
	u, err := c.resolveLocked(*ev.Source)
	if err != nil {
		u = *ev.Source
	}
	n := 1
	if ev.Loop != nil {
		n = loops(*ev.Loop)
	}
	each, ok := c.srv.media[faultKey(u)]
	if !ok {
		each = DefaultMediaDuration
	}
	if !t.roomLocked(r, len(u)) {
		return
	}
	t.preemptLocked(r)
	t.cycles++
	t.open, t.last = 0, nil
	it := &talkItem{kind: talkPlay, text: u, cycle: t.cycles, dur: times(n, each)}
	t.settleLocked(r, it, ev)
	it.lang = "" // audio, in no language of the agent's
	t.pushLocked(r, it)
}

// addDigitsLocked applies a sendDigits message: the digits play after
// what is queued.
func (t *talker) addDigitsLocked(r *relay, ev relayEvent) {
	if !t.roomLocked(r, len(*ev.Digits)) {
		return
	}
	t.cycles++
	t.open, t.last = 0, nil
	t.pushLocked(r, &talkItem{kind: talkDigits, text: *ev.Digits, cycle: t.cycles, dur: digitsDuration(*ev.Digits), interrupt: r.cfg.interruptible})
}

// preemptLocked cuts, without an interrupt, what the next message of the
// application may cut: the preemptible item playing, and those queued.
func (t *talker) preemptLocked(r *relay) {
	keep := t.queue[:0]
	for _, it := range t.queue {
		if !it.preemptible {
			keep = append(keep, it)
		} else {
			t.queued -= len(it.text)
		}
	}
	clear(t.queue[len(keep):])
	t.queue = keep
	if t.cur != nil && t.cur.preemptible {
		heard, d := t.heardLocked(r)
		r.call.recordLocked(callEvent{kind: EventRelay, action: ActionPreempted, text: heard, dur: d, more: &eventMore{sid: r.sid}})
		r.cutTurnLocked(heard, d, "")
		r.call.srv.clock.Cancel(t.timer)
		t.cur = nil
		r.infoLocked("speaker-events", "agentSpeaking", "off")
		// What comes next (the message that cut it) starts at this
		// instant: the agent has not fallen silent, and the caller's turn
		// waits until it does.
		t.startSoonLocked(r)
	}
}

// pushLocked queues it; if the agent is silent, it starts to speak once
// what the application sent at this instant is in (tokens of one cycle
// join the item that waits).
func (t *talker) pushLocked(r *relay, it *talkItem) {
	t.queue = append(t.queue, it)
	t.startSoonLocked(r)
}

// startSoonLocked makes a silent agent play what is queued once what the
// application sent at this instant is in.
func (t *talker) startSoonLocked(r *relay) {
	if t.cur == nil && !t.starting {
		t.starting = true
		r.afterLocked(0, func() {
			t.starting, t.queued = false, 0
			if t.cur == nil {
				t.nextLocked(r)
			}
		})
	}
}

// nextLocked plays the next item after cur (nil when the agent was
// silent, or cut short); with none, the agent falls silent.
func (t *talker) nextLocked(r *relay) {
	prev := t.cur
	if len(t.queue) == 0 {
		t.cur = nil
		r.infoLocked("speaker-events", "agentSpeaking", "off")
		if r.endAfterSpeech {
			r.endLocked(SessionEnded, "the application sent end, and the agent has said what was queued")
			return
		}
		r.caller.agentStopsLocked(r)
		return
	}
	it := t.queue[0]
	n := copy(t.queue, t.queue[1:]) // in place: the queue keeps its array
	t.queue[n] = nil
	t.queue = t.queue[:n]
	t.queued -= len(it.text)
	c := r.call
	now := c.srv.clock.Now()
	if prev == nil || prev.cycle != it.cycle {
		t.cycleStart, t.cycleSaid = now, ""
	}
	t.cur, t.start = it, now
	if t.last == it {
		t.last = nil // later tokens of its cycle are an item of their own
	}
	if it.kind == talkText || it.kind == talkGreeting {
		it.dur = speechDuration(it.text)
	}
	ev := callEvent{kind: EventRelay, text: it.text, dur: it.dur, more: &eventMore{sid: r.sid, name: it.lang, noun: it.kind}}
	switch it.kind {
	case talkPlay:
		ev.action, ev.url, ev.text = ActionAgentPlayed, it.text, ""
	case talkDigits:
		ev.action, ev.digits, ev.text = ActionAgentDigits, it.text, ""
	default:
		ev.action = ActionAgentSaid
	}
	c.recordLocked(ev)
	r.agentTurnLocked(it)
	if prev == nil {
		r.infoLocked("speaker-events", "agentSpeaking", "on")
		r.caller.agentStartsLocked(r, t.pendingText())
	}
	t.timer = c.afterUnlessEndedLocked(it.dur, func() { t.finishedLocked(r) })
}

// pendingText is what the agent is about to say: the item playing and
// the text queued after it.
func (t *talker) pendingText() string {
	var b strings.Builder
	for _, it := range append([]*talkItem{t.cur}, t.queue...) {
		if it != nil && (it.kind == talkText || it.kind == talkGreeting) {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(it.text)
		}
	}
	return b.String()
}

// finishedLocked: the item playing has played.
func (t *talker) finishedLocked(r *relay) {
	if r.state != streamOpen || t.cur == nil {
		return
	}
	it := t.cur
	switch it.kind {
	case talkDigits:
		r.infoLocked("tokens-played", "tokensPlayed", it.text)
	case talkText, talkGreeting:
		t.cycleSaid += it.text // tokens of a cycle join as sent
		r.infoLocked("tokens-played", "tokensPlayed", it.text)
	}
	r.caller.heardLocked(it)
	t.nextLocked(r)
}

// heardLocked returns what the caller has heard of the talk cycle playing,
// and for how long it has played.
func (t *talker) heardLocked(r *relay) (string, time.Duration) {
	now := r.call.srv.clock.Now()
	it := t.cur
	heard := t.cycleSaid
	if it.kind == talkText || it.kind == talkGreeting {
		n := int(now.Sub(t.start) / (400 * time.Millisecond))
		heard += firstWords(it.text, n)
	}
	return strings.TrimSpace(heard), now.Sub(t.cycleStart)
}

// interruptLocked is the caller's input (kind) while the agent speaks:
// when what plays allows it, Twilio sends interrupt and purges the queue.
// It reports whether the caller interrupted.
func (t *talker) interruptLocked(r *relay, kind inputSet) bool {
	if t.cur == nil || t.cur.interrupt&kind == 0 {
		return false
	}
	heard, d := t.heardLocked(r)
	c := r.call
	r.sendLocked(interruptMessage(heard, d.Milliseconds()), "interrupt")
	c.recordLocked(callEvent{kind: EventRelay, action: ActionInterrupted, text: heard, dur: d, more: &eventMore{sid: r.sid, noun: kind.String()}})
	r.cutTurnLocked(heard, d, kind.String())
	t.dropLocked(r)
	r.infoLocked("speaker-events", "agentSpeaking", "off")
	if r.endAfterSpeech {
		r.endLocked(SessionEnded, "the application sent end, and the caller interrupted what was queued")
	}
	return true
}

// dropLocked silences the agent: what plays stops, the queue is purged.
func (t *talker) dropLocked(r *relay) {
	r.call.srv.clock.Cancel(t.timer)
	clear(t.queue)
	t.queue, t.cur, t.last, t.open, t.timer = t.queue[:0], nil, nil, 0, nil
	t.starting = false
}

// stopLocked silences the agent at the end of the session.
func (t *talker) stopLocked(r *relay) {
	if t.cur != nil {
		heard, d := t.heardLocked(r)
		r.cutTurnLocked(heard, d, "end")
	}
	t.dropLocked(r)
}

// firstWords returns the first n words of s, as written (with the
// space before them).
func firstWords(s string, n int) string {
	end, words, in := 0, 0, false
	for i, ch := range s {
		space := ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'
		switch {
		case !space && !in:
			if words == n {
				return strings.TrimRight(s[:end], " \t\n\r")
			}
			in = true
		case space && in:
			in, end = false, i
			words++
		}
	}
	if in {
		end = len(s)
	}
	return strings.TrimRight(s[:end], " \t\n\r")
}

// joinWords joins two stretches of speech with a space.
func joinWords(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
