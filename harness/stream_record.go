package harness

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// What the record keeps of a stream: its messages both ways, consecutive
// media of one track as one entry, and the audio itself (what Twilio sent
// on each track, what the application sent), up to [Limits.StreamAudio].

// trackApp indexes the application's audio among the kept audio.
const trackApp = 2

// StreamMessage is one entry of a stream's record: a message Twilio sent
// or the application sent, or a run of consecutive media messages of one
// track.
type StreamMessage struct {
	// Time is when it was sent (virtual), the first of a run.
	Time time.Time `json:"time"`
	// FromApp is true for what the application sent.
	FromApp bool `json:"from_app"`
	// Event is the message's event: connected, start, media, dtmf, mark,
	// stop (Twilio's); media, mark, clear (the application's); empty for
	// an application's message that is not JSON.
	Event string `json:"event"`
	// Track is a media message's track of Twilio's: inbound or outbound.
	Track string `json:"track,omitempty"`
	// FirstSeq and LastSeq are the sequenceNumbers of Twilio's messages
	// (of a run of media: its first and last).
	FirstSeq int64 `json:"first_seq,omitempty"`
	LastSeq  int64 `json:"last_seq,omitempty"`
	// Chunks is how many media messages a run holds; Duration their audio
	// (in JSON, "duration_ms").
	Chunks   int           `json:"chunks,omitempty"`
	Duration time.Duration `json:"-"`
	// Name is a mark's name; Digit a dtmf message's key.
	Name  string `json:"name,omitempty"`
	Digit string `json:"digit,omitempty"`
	// Text is the message as sent (every message but media), cut at 1 kB
	// for the application's.
	Text string `json:"text,omitempty"`
	// Problem says why the harness ignored an application's message (as
	// its 31951 or 31924 notification says).
	Problem string `json:"problem,omitempty"`
}

// MarshalJSON writes the message with its Duration in milliseconds, as
// "duration_ms".
func (m StreamMessage) MarshalJSON() ([]byte, error) {
	type plain StreamMessage // without this method
	return json.Marshal(struct {
		plain
		DurationMS int64 `json:"duration_ms,omitempty"`
	}{plain(m), m.Duration.Milliseconds()})
}

// streamLog is a stream's record.
type streamLog struct {
	msgs    []StreamMessage
	runs    [3]int // 1 + the index of the open media run of each track (app: 2); 0 for none
	cut     bool   // the log reached Limits.StreamMessages
	audio   [3][]byte
	audioAt [3]time.Duration // how much of each was not kept, past the limit
}

// addLocked records m: a media message joins the open run of its track
// (an application's media message the harness ignored is an entry of its
// own, with its Problem).
func (l *streamLog) addLocked(m StreamMessage, limit int) {
	if m.Event == "media" && m.Problem == "" {
		t := trackApp
		if !m.FromApp {
			t = trackIndex(m.Track)
		}
		if r := l.runs[t]; r > 0 {
			run := &l.msgs[r-1]
			run.Chunks += m.Chunks
			run.Duration += m.Duration
			run.LastSeq = m.LastSeq
			return
		}
		if l.full(limit) {
			return
		}
		l.msgs = append(l.msgs, m)
		l.runs[t] = len(l.msgs)
		return
	}
	l.runs = [3]int{}
	if l.full(limit) {
		return
	}
	l.msgs = append(l.msgs, m)
}

// full reports whether the log keeps no more entries, and adds an entry
// that says so the first time.
func (l *streamLog) full(limit int) bool {
	switch {
	case l.cut:
		return true
	case limit > 0 && len(l.msgs) >= limit:
		l.cut = true
		l.msgs = append(l.msgs, StreamMessage{Event: "note", Problem: fmt.Sprintf("the record keeps no more of this stream's messages (harness.Limits.StreamMessages is %d)", limit)})
		return true
	}
	return false
}

// keepAudio keeps audio of track t, up to limit of it.
func (l *streamLog) keepAudio(t int, b []byte, limit time.Duration) {
	room := int(limit/time.Millisecond)*bytesPerMs - len(l.audio[t])
	if room < len(b) {
		l.audioAt[t] += time.Duration(len(b)-max(room, 0)) * time.Millisecond / bytesPerMs
		b = b[:max(room, 0)]
	}
	l.audio[t] = append(l.audio[t], b...)
}

func trackIndex(name string) int {
	if name == "outbound" {
		return trackOutbound
	}
	return trackInbound
}

// streamDetail renders an EventStream in words.
func (e *callEvent) streamDetail(m eventMore) string {
	who := m.sid
	if m.name != "" {
		who = strconv.Quote(m.name) + " (" + m.sid + ")"
	}
	switch e.action {
	case ActionDialing:
		return "connecting " + m.noun + " stream " + who + " to " + e.url
	case ActionStarted:
		return m.noun + " stream " + who + " started"
	case ActionStopped:
		return "stream " + who + " stopped: " + e.text
	case ActionFailed:
		return "stream " + who + " failed: " + e.text
	case ActionMark:
		if m.noun == markCleared {
			return fmt.Sprintf("mark %q echoed by the clear (the audio before it did not play)", e.text)
		}
		return fmt.Sprintf("mark %q played", e.text)
	case ActionCleared:
		return fmt.Sprintf("the application cleared its audio (%v not played)", e.dur)
	case ActionPlayed:
		return fmt.Sprintf("the far end heard %v of the application's audio", e.dur)
	}
	return e.text
}
