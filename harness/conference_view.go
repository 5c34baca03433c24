package harness

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Conference is a conference room in the fake: the calls in it, its status
// and its history. Get conferences from [Server.Conferences] or
// [Server.Conference]. Its methods are safe for concurrent use; values
// they return are snapshots.
type Conference struct {
	srv *Server
	cf  *conference
}

// ConferenceInfo is a snapshot of a conference.
type ConferenceInfo struct {
	SID        string
	AccountSID string
	// Name is the room's name (friendly_name).
	Name string
	// Status is init, in-progress or completed.
	Status           string
	Region           string
	Created, Updated time.Time // virtual
	// Started is when it started (its second participant joined), zero if
	// it never did.
	Started time.Time
	// ReasonEnded and CallSIDEndingConference say how it ended.
	ReasonEnded             string
	CallSIDEndingConference string
	// Participants are the calls in the room now, in the order they
	// joined.
	Participants []ParticipantInfo
}

// ParticipantInfo is a snapshot of a conference's participant.
type ParticipantInfo struct {
	CallSID string
	Label   string
	// Status is connected while in the room, then complete.
	Status                                      string
	Muted, Hold, Coaching                       bool
	CallSIDToCoach                              string
	StartConferenceOnEnter, EndConferenceOnExit bool
	Joined, Left                                time.Time // virtual; Left is zero while in the room
}

// SID returns the conference's SID ("CF" and 32 hex digits).
func (c *Conference) SID() string { return c.cf.sid }

// Name returns the room's name.
func (c *Conference) Name() string { return c.cf.name }

// AccountSID returns the SID of the account the conference belongs to.
func (c *Conference) AccountSID() string { return c.cf.account }

// Info returns a snapshot of the conference.
func (c *Conference) Info() ConferenceInfo {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	return c.cf.infoLocked()
}

func (cf *conference) infoLocked() ConferenceInfo {
	info := ConferenceInfo{SID: cf.sid, AccountSID: cf.account, Name: cf.name, Status: cf.status, Region: cf.region,
		Created: cf.created, Updated: cf.updated, Started: cf.started, ReasonEnded: cf.ending.reason,
		CallSIDEndingConference: cf.ending.callSID}
	for _, p := range cf.parts {
		info.Participants = append(info.Participants, p.infoLocked())
	}
	return info
}

func (p *participant) infoLocked() ParticipantInfo {
	return ParticipantInfo{CallSID: p.call.sid, Label: p.label, Status: p.statusLocked(), Muted: p.muted, Hold: p.hold,
		Coaching: p.coaching, CallSIDToCoach: p.coach, StartConferenceOnEnter: p.startOnEnter,
		EndConferenceOnExit: p.endOnExit, Joined: p.joined, Left: p.left}
}

// Everyone returns every participant the conference ever had, in the
// order they joined, those who left included.
func (c *Conference) Everyone() []ParticipantInfo {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	out := make([]ParticipantInfo, len(c.cf.everyone))
	for i, p := range c.cf.everyone {
		out[i] = p.infoLocked()
	}
	return out
}

// Events returns the conference's history: every event of its status
// callback, in order, whether or not the callback subscribed to it.
func (c *Conference) Events() []ConferenceEvent {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	out := make([]ConferenceEvent, len(c.cf.history))
	for i := range c.cf.history {
		out[i] = c.cf.history[i].exportLocked()
	}
	return out
}

// Requests returns the status callbacks the conference sent, in order.
func (c *Conference) Requests() []Request {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	var out []Request
	for i := range c.cf.history {
		if w := c.cf.history[i].hook; w != nil {
			out = append(out, w.exportLocked())
		}
	}
	return out
}

// Calls returns the calls that were ever in the conference, in the order
// they first joined.
func (c *Conference) Calls() []*Call {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	var out []*Call
	for _, p := range c.cf.everyone {
		if !slices.Contains(out, p.call) {
			out = append(out, p.call)
		}
	}
	return out
}

// Transcript renders the conference's history as text, one event a line
// with its virtual time from the server's start, as call transcripts
// show it: who joined and
// left, when it started and ended and why, mutes, holds and
// announcements, and each status callback sent.
func (c *Conference) Transcript() string {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	var b bytes.Buffer
	c.cf.writeTranscriptLocked(&b)
	return b.String()
}

func (cf *conference) writeTranscriptLocked(b *bytes.Buffer) {
	fmt.Fprintf(b, "conference %s %q (%s, %s)\n", cf.sid, cf.name, cf.account, cf.status)
	for i := range cf.history {
		e := &cf.history[i]
		start := b.Len()
		fmt.Fprintf(b, "  %s  %-26s", clockText(e.at.Sub(cf.srv.cfg.start)), e.name)
		if e.callSID != "" {
			b.WriteString(" " + e.callSID)
			if e.label != "" {
				fmt.Fprintf(b, " %q", e.label)
			}
		}
		for _, kv := range e.extra {
			if kv.Name == "Reason" {
				continue
			}
			fmt.Fprintf(b, " %s=%s", kv.Name, kv.Value)
		}
		if flags := e.flagsText(); flags != "" {
			b.WriteString(" [" + flags + "]")
		}
		if e.hook != nil {
			fmt.Fprintf(b, " -> %s %s", e.hook.method, e.hook.target)
			if e.hook.done {
				fmt.Fprintf(b, " (%d)", e.hook.status)
			}
		}
		b.Truncate(start + len(bytes.TrimRight(b.Bytes()[start:], " "))) // no padding at the end of a line
		b.WriteByte('\n')
	}
}

// flagsText lists the flags set on a participant event.
func (e *confEvent) flagsText() string {
	if e.callSID == "" {
		return ""
	}
	var on []string
	f := e.flags
	for _, fl := range []struct {
		set  bool
		name string
	}{{f.muted, "muted"}, {f.hold, "hold"}, {f.coaching, "coaching " + f.coach}, {!f.startOnEnter, "no start on enter"}, {f.endOnExit, "ends on exit"}} {
		if fl.set {
			on = append(on, fl.name)
		}
	}
	return strings.Join(on, ", ")
}

// GomegaString describes the conference in one line in Gomega's failure
// messages.
func (c *Conference) GomegaString() string {
	info := c.Info()
	return fmt.Sprintf("conference %s %q (%s, %d participants)", info.SID, info.Name, info.Status, len(info.Participants))
}

// Conferences returns every conference of every account the server
// keeps, in the order they were created.
func (s *Server) Conferences() []*Conference {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Conference, len(s.confs.order))
	for i, cf := range s.confs.order {
		out[i] = cf.handle
	}
	return out
}

// Conference returns the conference with the SID id, or else the latest
// conference named id (of any account); nil if there is none.
func (s *Server) Conference(id string) *Conference {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cf := s.confs.bySID[id]; cf != nil {
		return cf.handle
	}
	for i := len(s.confs.order) - 1; i >= 0; i-- {
		if cf := s.confs.order[i]; cf.name == id {
			return cf.handle
		}
	}
	return nil
}

// Conference returns the last conference the call joined, or nil.
func (c *Call) Conference() *Conference {
	s := c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(c.history.events) - 1; i >= 0; i-- {
		e := &c.history.events[i]
		if e.kind == EventConference && e.action == ActionJoined {
			if cf := s.confs.bySID[e.more.sid]; cf != nil {
				return cf.handle
			}
		}
	}
	return nil
}

// Heard is something a participant heard in a conference: another
// participant speaking (Source is its call SID), the beep of a join or a
// leave, its wait or hold music, an announcement (Source is one of the
// Source constants).
type Heard struct {
	Seq        uint64        `json:"seq"`
	Time       time.Time     `json:"time"` // virtual
	Conference string        `json:"conference"`
	Source     string        `json:"source"`
	Label      string        `json:"label,omitempty"` // the speaker's participant label
	Words      string        `json:"words,omitempty"` // what was said
	URL        string        `json:"url,omitempty"`   // the audio played
	Duration   time.Duration `json:"duration_ns,omitempty"`
	Silence    bool          `json:"silence,omitempty"` // a waitUrl of "": nothing to hear
}

// Heard returns what the call heard in the conferences it was in, in
// order: what its history records (the far ends it could hear, its music,
// announcements) and the beeps of the room while it was there and not on
// hold (kept by the conference, not in the call's history: see
// [Call.Events]).
func (c *Call) Heard() []Heard {
	s := c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Heard
	var rooms []*conference
	for i := range c.history.events {
		e := &c.history.events[i]
		if e.kind != EventConference {
			continue
		}
		m := e.extra()
		switch e.action {
		case ActionHeard:
			out = append(out, Heard{Seq: e.seq, Time: e.at, Conference: m.to, Source: m.source, Label: m.name,
				Words: wordsOf(e), URL: e.url, Duration: e.dur, Silence: e.text == "silence"})
		case ActionJoined:
			if cf := s.confs.bySID[m.sid]; cf != nil && !slices.Contains(rooms, cf) {
				rooms = append(rooms, cf)
			}
		}
	}
	for _, cf := range rooms {
		for _, p := range cf.everyone {
			if p.call != c || p.joinSeq == 0 {
				continue
			}
			for _, b := range cf.beeps {
				if p.heardBeepLocked(b) {
					out = append(out, Heard{Seq: b.seq, Time: b.at, Conference: cf.name, Source: SourceBeep})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Heard) int { return cmp.Compare(a.Seq, b.Seq) })
	return out
}

// wordsOf returns the words of a heard event: none for silence.
func wordsOf(e *callEvent) string {
	if e.text == "silence" {
		return ""
	}
	return e.text
}
