package harness

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// A ConversationRelay session in a sequence diagram: the application's
// WebSocket is a participant (one for each host and path, as a media
// stream's), between Twilio and the application. Twilio connects to it
// and sends setup; the caller's speech goes to Twilio and on to the
// socket as a prompt (its keys as dtmf), when Twilio reports it; the
// agent's text, plays and digits come from the socket and are spoken,
// played or dialed to the caller; interrupts go to the socket; the
// session ends with the application's end (and its handoffData), the
// call's end, or a failure.

// relayLane is the diagram's state of a call's session: the session, its
// participant, and how far its record's messages have been matched with
// the caller's input.
type relayLane struct {
	r    *relay
	w    string // the participant's id
	next int    // the first message of r.log not matched yet
	// pending are the lines of Twilio's messages for the caller's last
	// input (a prompt, a dtmf), shown after the interrupt that input
	// caused at the same instant, if any: Twilio sends the interrupt
	// first.
	pending   []string
	pendingAt time.Time
}

// relayLaneLocked returns the diagram's state of the session sid of c,
// declaring its participant on first use.
func (d *diagrammer) relayLaneLocked(c *Call, sid string) *relayLane {
	if l := d.relayLanes[c]; l != nil && l.r.sid == sid {
		return l
	}
	for _, r := range c.relays {
		if r.sid == sid {
			key, label := socketLane(r.url)
			l := &relayLane{r: r, w: d.lane("W", key, label)}
			d.relayLanes[c] = l
			return l
		}
	}
	return nil
}

// flushRelay writes the lines that wait for c's next event, unless e is
// the interrupt they wait for.
func (d *diagrammer) flushRelay(c *Call, e *callEvent) {
	l := d.relayLanes[c]
	if l == nil || len(l.pending) == 0 {
		return
	}
	if e != nil && e.kind == EventRelay && e.action == ActionInterrupted && e.at.Equal(l.pendingAt) {
		return
	}
	for _, line := range l.pending { // written at their input's time, now past
		d.write(line)
	}
	l.pending = l.pending[:0]
}

// flushRelays writes every line still waiting, at the end of a diagram.
func (d *diagrammer) flushRelays() {
	for _, c := range d.relayOrder {
		d.flushRelay(c, nil)
	}
}

// relayEventLocked renders an event of a ConversationRelay session of c
// (p is the call's far end).
func (d *diagrammer) relayEventLocked(c *Call, p string, e *callEvent) {
	m := e.extra()
	l := d.relayLaneLocked(c, m.sid)
	if l == nil { // not in a call's history
		d.add("Note over T,%s: %s", p, escape(e.detail()))
		return
	}
	w := l.r.sid
	switch e.action {
	case ActionDialing:
		d.relayOrder = append(d.relayOrder, c)
		d.add("T->>%s: WebSocket connect: ConversationRelay session %s", l.w, w)
	case ActionStarted:
		d.add("T->>%s: setup", l.w)
	case ActionAgentSaid:
		if m.noun == talkGreeting {
			d.add("T->>%s: greets %s (%s, %v)", p, quoteShort(e.text), escape(m.name), e.dur)
			break
		}
		d.add("%s->>T: text %s", l.w, quoteShort(e.text))
		d.add("T->>%s: speaks it (%s, %v)", p, escape(m.name), e.dur)
	case ActionAgentPlayed:
		d.add("%s->>T: play %s", l.w, escape(e.url))
		d.add("T->>%s: plays it (%v)", p, e.dur)
	case ActionAgentDigits:
		d.add("%s->>T: sendDigits %s", l.w, escape(strconv.Quote(e.digits)))
		d.add("T->>%s: digits %s", p, escape(e.digits))
	case ActionInterrupted:
		d.add("T->>%s: interrupt by %s after %dms, heard %s", l.w, escape(m.noun), e.dur.Milliseconds(), quoteShort(e.text))
		d.flushRelay(c, nil)
	case ActionPreempted:
		d.add("Note over T,%s: the next message cut the agent after %dms, having said %s", l.w, e.dur.Milliseconds(), quoteShort(e.text))
	case ActionLanguage:
		d.add("%s->>T: language: %s", l.w, escape(e.text))
	case ActionEnded:
		d.relayEndedLocked(l, e, m)
	case ActionFailed:
		d.add("Note over T,%s: session %s failed (%d): %s", l.w, w, e.code, escape(e.text))
		delete(d.relayLanes, c)
	default:
		d.add("Note over T,%s: %s", l.w, escape(e.detail()))
	}
}

// relayEndedLocked renders the end of a session: the application's end
// (with its handoffData), or Twilio closing the socket.
func (d *diagrammer) relayEndedLocked(l *relayLane, e *callEvent, m eventMore) {
	c := l.r.call
	switch string(e.status) {
	case SessionEnded:
		if m.handoff != nil {
			d.add("%s->>T: end, handoffData %s", l.w, quoteShort(*m.handoff))
		} else {
			d.add("%s->>T: end", l.w)
		}
	default:
		d.add("T-x%s: closes: session %s: %s", l.w, escape(string(e.status)), escape(e.text))
	}
	delete(d.relayLanes, c)
}

// relayInputLocked adds, to the caller's input e during a session of c,
// the message Twilio sent the application for it: the final prompt of
// its speech, or the dtmf of its key, if Twilio sent one. It waits for
// the call's next event, which may be the interrupt the input caused.
func (d *diagrammer) relayInputLocked(c *Call, e *callEvent) {
	l := d.relayLanes[c]
	if l == nil || e.kind != EventInput {
		return
	}
	var typ, want string
	var until time.Time
	switch e.action {
	case ActionSpoke:
		typ, want, until = "prompt", e.text, e.at.Add(speechDuration(e.text))
	case ActionPressed:
		typ, want, until = "dtmf", e.digits, e.at
	default:
		return
	}
	log := l.r.log
	for i := l.next; i < len(log) && !log[i].Time.After(until); i++ {
		msg := &log[i]
		if msg.FromApp || msg.Type != typ || msg.Time.Before(e.at) {
			continue
		}
		var v struct {
			VoicePrompt string `json:"voicePrompt"`
			Last        bool   `json:"last"`
			Digit       string `json:"digit"`
		}
		json.Unmarshal([]byte(msg.Text), &v) // Twilio's own messages: JSON
		var line string
		switch {
		case typ == "prompt" && v.Last && v.VoicePrompt == want:
			line = fmt.Sprintf("T->>%s: prompt %s", l.w, quoteShort(want))
		case typ == "dtmf" && v.Digit == want:
			line = fmt.Sprintf("T->>%s: dtmf %s", l.w, escape(strconv.Quote(want)))
		default:
			continue
		}
		l.next = i + 1
		l.pending, l.pendingAt = append(l.pending, wrapLine(line)), e.at
		return
	}
}

// quoteShort quotes the start of what was said, for a diagram.
func quoteShort(s string) string {
	return escape(strconv.Quote(excerpt(s, heardExcerpt)))
}
