package harness

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/audio"
)

// Stream is a media stream of a call (<Connect><Stream>, <Start><Stream>
// or the Streams API): what it is, where it is in its life, and its record
// (the messages both ways, the marks played, the clears, the audio each
// way). Get streams from [Call.Streams] or [Call.Stream]. Its methods are
// safe for concurrent use; values they return are snapshots. A Stream
// stays readable after the server forgets its call ([Retention]).
type Stream struct {
	st *stream
}

// The statuses of a stream ([StreamInfo.Status]).
const (
	StreamStatusOpening    = "opening"     // Twilio is dialing the application's WebSocket
	StreamStatusInProgress = "in-progress" // connected: its audio flows
	StreamStatusStopped    = "stopped"     // it ended: the call ended, <Stop>, the Streams API, the application closed it
	StreamStatusFailed     = "failed"      // it could not be opened, or broke (a notification says why)
)

// The tracks of a stream's audio, for [Stream.WAV].
const (
	TrackInbound  = "inbound"  // what Twilio sent of the far end's voice
	TrackOutbound = "outbound" // what Twilio sent of what the call played to the far end
	TrackApp      = "app"      // what the application sent on a bidirectional stream
)

// StreamInfo is a snapshot of a media stream.
type StreamInfo struct {
	SID     string // "MZ" and 32 hex digits
	Name    string // as given; "" for none (StreamName is then the SID)
	CallSID string
	// URL is the WebSocket's URL, as dialed and signed (an http or https
	// URL becomes ws or wss).
	URL string
	// Bidirectional is true for <Connect><Stream>: the application's
	// audio plays to the far end.
	Bidirectional bool
	// Tracks are the tracks streamed: inbound, outbound, or both.
	Tracks []string
	// Parameters are the custom parameters of the start message, in
	// order.
	Parameters []StreamParameter
	// Status is one of the StreamStatus constants.
	Status string
	// Created is when Twilio began to dial the application, Started when
	// the stream connected (zero if it never did), Stopped when it ended
	// (zero while it runs); virtual times.
	Created, Started, Stopped time.Time
	// Why says why it stopped or failed.
	Why string
	// ViaAPI is true for a stream started with the Streams API.
	ViaAPI bool
}

// StreamParameter is a custom parameter of a stream (a <Parameter>).
type StreamParameter struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Streams returns the call's media streams, in the order they started.
func (c *Call) Streams() []*Stream {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	out := make([]*Stream, len(c.streams))
	for i, st := range c.streams {
		out[i] = &Stream{st}
	}
	return out
}

// Stream returns the call's media stream whose SID or name is ref (the
// latest of that name), or nil.
func (c *Call) Stream(ref string) *Stream {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	if st := c.streamNamedLocked(ref); st != nil {
		return &Stream{st}
	}
	return nil
}

// SID returns the stream's SID ("MZ" and 32 hex digits).
func (s *Stream) SID() string { return s.st.sid }

// Info returns a snapshot of the stream.
func (s *Stream) Info() StreamInfo {
	mu := &s.st.call.srv.mu
	mu.Lock()
	defer mu.Unlock()
	return s.st.infoLocked()
}

func (st *stream) infoLocked() StreamInfo {
	info := StreamInfo{SID: st.sid, Name: st.name, CallSID: st.call.sid, URL: st.url, Bidirectional: st.connect,
		Tracks: st.trackNames(), Status: st.statusLocked(), Created: st.created, Started: st.startAt,
		Stopped: st.stopped, Why: st.why, ViaAPI: st.viaAPI}
	if len(st.params) > 0 {
		info.Parameters = make([]StreamParameter, len(st.params))
		for i, p := range st.params {
			info.Parameters[i] = StreamParameter{p.Name, p.Value}
		}
	}
	return info
}

// statusLocked is the stream's status, one of the StreamStatus constants.
func (st *stream) statusLocked() string {
	switch {
	case st.state == streamOpening:
		return StreamStatusOpening
	case st.state == streamOpen:
		return StreamStatusInProgress
	case st.failed:
		return StreamStatusFailed
	}
	return StreamStatusStopped
}

// Messages returns the stream's record: the messages Twilio sent and the
// application sent, in order, consecutive media messages of one track as
// one entry (see [StreamMessage]), up to [Limits.StreamMessages] entries.
func (s *Stream) Messages() []StreamMessage {
	mu := &s.st.call.srv.mu
	mu.Lock()
	defer mu.Unlock()
	return append([]StreamMessage(nil), s.st.log.msgs...)
}

// Marks returns the names of the application's marks that played (Twilio
// echoed them), in order, as the call's history records them
// ([ActionMark]).
func (s *Stream) Marks() []string {
	mu := &s.st.call.srv.mu
	mu.Lock()
	defer mu.Unlock()
	return s.st.marksLocked()
}

func (st *stream) marksLocked() []string {
	var out []string
	st.eachEventLocked(ActionMark, func(e *callEvent) { out = append(out, e.text) })
	return out
}

// Cleared returns how many times the application cleared its audio (a
// clear message), as the call's history records them ([ActionCleared]).
func (s *Stream) Cleared() int {
	mu := &s.st.call.srv.mu
	mu.Lock()
	defer mu.Unlock()
	return s.st.clearedLocked()
}

func (st *stream) clearedLocked() int {
	n := 0
	st.eachEventLocked(ActionCleared, func(*callEvent) { n++ })
	return n
}

// AudioSent returns how much audio the application sent on the stream, in
// all: every valid media message's payload at 8,000 bytes a second,
// whether it played, was cleared or was discarded.
func (s *Stream) AudioSent() time.Duration {
	mu := &s.st.call.srv.mu
	mu.Lock()
	defer mu.Unlock()
	return s.st.audioSentLocked()
}

func (st *stream) audioSentLocked() time.Duration {
	return bytesDuration(len(st.log.audio[trackApp])) + st.log.audioAt[trackApp]
}

// AudioPlayed returns how much of the application's audio the far end
// heard: the sum of the stream's [ActionPlayed] events. Audio cleared
// before it played, or still queued when the stream stopped, is not
// counted.
func (s *Stream) AudioPlayed() time.Duration {
	mu := &s.st.call.srv.mu
	mu.Lock()
	defer mu.Unlock()
	return s.st.audioPlayedLocked()
}

func (st *stream) audioPlayedLocked() time.Duration {
	var d time.Duration
	st.eachEventLocked(ActionPlayed, func(e *callEvent) { d += e.dur })
	return d
}

// eachEventLocked calls fn with each event of the stream's call about the
// stream whose action is action, in order.
func (st *stream) eachEventLocked(action EventAction, fn func(*callEvent)) {
	evs := st.call.history.events
	for i := range evs {
		if e := &evs[i]; e.kind == EventStream && e.action == action && e.more != nil && e.more.sid == st.sid {
			fn(e)
		}
	}
}

// WAV returns the audio of one track of the stream as a WAV (16-bit PCM,
// 8 kHz, one channel): [TrackInbound] or [TrackOutbound], what Twilio sent
// the application, or [TrackApp], what the application sent (a
// bidirectional stream's). It keeps up to [Limits.StreamAudio] of each
// track. WAV returns nil for a track the stream does not have, or a name
// that is none of the three.
func (s *Stream) WAV(track string) []byte {
	mu := &s.st.call.srv.mu
	mu.Lock()
	defer mu.Unlock()
	t, ok := s.st.trackIndexLocked(track)
	if !ok {
		return nil
	}
	var b bytes.Buffer
	audio.WriteMulawWAV(&b, s.st.log.audio[t]) // a bytes.Buffer does not fail
	return b.Bytes()
}

// trackIndexLocked returns the index in the stream's kept audio of the
// track named name, and whether the stream has that track.
func (st *stream) trackIndexLocked(name string) (int, bool) {
	switch name {
	case TrackInbound:
		return trackInbound, st.tracks[trackInbound]
	case TrackOutbound:
		return trackOutbound, st.tracks[trackOutbound]
	case TrackApp:
		return trackApp, st.connect
	}
	return 0, false
}

// Transcript renders the stream's record as text: a header line (its SID,
// name, URL, kind, call and status), then one line a message, with its
// virtual time from the server's start, its direction ("to app" for
// Twilio's, "from app" for the application's), its event and details; a
// run of media messages is one line ("media inbound ×50 (1s, seq 2–51)").
func (s *Stream) Transcript() string {
	mu := &s.st.call.srv.mu
	mu.Lock()
	defer mu.Unlock()
	var b bytes.Buffer
	s.st.writeTranscriptLocked(&b)
	return b.String()
}

func (st *stream) writeTranscriptLocked(b *bytes.Buffer) {
	start := st.call.srv.cfg.start
	fmt.Fprintf(b, "stream %s", st.sid)
	if st.name != "" {
		fmt.Fprintf(b, " %q", st.name)
	}
	fmt.Fprintf(b, " to %s (%s, call %s", st.url, st.kindName(), st.call.sid)
	if st.viaAPI {
		b.WriteString(", Streams API")
	}
	fmt.Fprintf(b, "): %s", st.statusLocked())
	if st.why != "" {
		b.WriteString(": " + st.why)
	}
	b.WriteByte('\n')
	for i := range st.log.msgs {
		m := &st.log.msgs[i]
		dir := "to app"
		switch {
		case m.Event == "note":
			dir = "harness"
		case m.FromApp:
			dir = "from app"
		}
		fmt.Fprintf(b, "  %s  %-8s  %s\n", clockText(m.Time.Sub(start)), dir, st.messageLine(m))
	}
}

// messageLine renders one entry of the stream's record for its transcript.
func (st *stream) messageLine(m *StreamMessage) string {
	switch {
	case m.Event == "note":
		return m.Problem
	case m.Problem != "":
		what := m.Event
		if what == "" {
			what = "a message"
		}
		return fmt.Sprintf("%s, ignored: %s: %q", what, m.Problem, excerpt(m.Text, replyExcerpt))
	}
	var s string
	switch m.Event {
	case "start":
		s = "start: tracks " + strings.Join(st.trackNames(), ", ")
		if len(st.params) > 0 {
			ps := make([]string, len(st.params))
			for i, p := range st.params {
				ps[i] = p.Name + "=" + strconv.Quote(p.Value)
			}
			s += "; parameters " + strings.Join(ps, " ")
		}
	case "media":
		s = "media"
		if m.Track != "" {
			s += " " + m.Track
		}
		s += fmt.Sprintf(" ×%d (%v", m.Chunks, m.Duration)
		if m.FirstSeq > 0 {
			s += ", " + seqText(m.FirstSeq, m.LastSeq)
		}
		return s + ")"
	case "mark":
		s = "mark " + strconv.Quote(m.Name)
	case "dtmf":
		s = "dtmf " + strconv.Quote(m.Digit)
	default:
		s = m.Event
	}
	if m.FirstSeq > 0 {
		s += " (" + seqText(m.FirstSeq, m.LastSeq) + ")"
	}
	return s
}

// seqText renders sequence numbers: "seq 7", or "seq 2–51" for a run.
func seqText(first, last int64) string {
	if last > first {
		return fmt.Sprintf("seq %d–%d", first, last)
	}
	return fmt.Sprintf("seq %d", first)
}

// GomegaString describes the stream in one line in Gomega's failure
// messages.
func (s *Stream) GomegaString() string {
	info := s.Info()
	name := ""
	if info.Name != "" {
		name = " " + strconv.Quote(info.Name)
	}
	return fmt.Sprintf("stream %s%s to %s (%s)", info.SID, name, info.URL, info.Status)
}
