package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// CallRecordJSON is the JSON form of one call's record, as [Call.JSON] and
// [Server.RecordJSON] write it.
type CallRecordJSON struct {
	SID           string         `json:"sid"`
	AccountSID    string         `json:"account_sid"`
	ParentSID     string         `json:"parent_call_sid,omitempty"`
	Direction     Direction      `json:"direction"`
	From          string         `json:"from"`
	To            string         `json:"to"`
	Status        Status         `json:"status"`
	AnsweredBy    string         `json:"answered_by,omitempty"`
	Created       time.Time      `json:"created"`
	Started       *time.Time     `json:"started,omitempty"`
	Answered      *time.Time     `json:"answered,omitempty"`
	Ended         *time.Time     `json:"ended,omitempty"`
	DurationMS    int64          `json:"duration_ms"`
	Price         string         `json:"price,omitempty"`
	Events        []Event        `json:"events"`
	Notifications []Notification `json:"notifications"`
	Recordings    []Recording    `json:"recordings"`
	// Streams are the call's media streams, in the order they started,
	// each with its messages; absent for a call without any.
	Streams []StreamRecordJSON `json:"streams,omitempty"`
	// Conversations are the call's ConversationRelay sessions, in the
	// order they started, each with its turns and messages; absent for a
	// call without any.
	Conversations []ConversationRecordJSON `json:"conversations,omitempty"`
}

// ConversationRecordJSON is the JSON form of a ConversationRelay session's
// record, a [Conversation], as [Call.JSON] writes it.
type ConversationRecordJSON struct {
	SessionID string `json:"session_id"`
	CallSID   string `json:"call_sid"`
	URL       string `json:"url"`
	// Status is the SessionStatus once it ended (ended, completed,
	// failed, or redirected), empty while it runs.
	Status string `json:"status"`
	// Started and Ended are absent when it has not.
	Started    *time.Time `json:"started,omitempty"`
	Ended      *time.Time `json:"ended,omitempty"`
	DurationMS int64      `json:"duration_ms"`
	// HandoffData is the end message's handoffData, verbatim; absent when
	// none came.
	HandoffData  *string `json:"handoff_data,omitempty"`
	ErrorCode    int     `json:"error_code,omitempty"`
	ErrorMessage string  `json:"error_message,omitempty"`
	// Parameters are setup's customParameters, in order; Attributes the
	// <ConversationRelay>'s attributes, as written.
	Parameters            []StreamParameter `json:"parameters"`
	Attributes            map[string]string `json:"attributes"`
	TTSLanguage           string            `json:"tts_language"`
	TranscriptionLanguage string            `json:"transcription_language"`
	// Turns are who said what, in order; Messages the messages both ways
	// (absent from the control API's list of a call's conversations).
	Turns       []ConversationTurn `json:"turns"`
	Messages    []RelayMessage     `json:"messages"`
	MessagesCut bool               `json:"messages_cut,omitempty"`
}

// StreamRecordJSON is the JSON form of a media stream's record, as
// [Call.JSON] writes it: a [StreamInfo], what [Stream.Marks],
// [Stream.Cleared], [Stream.AudioSent] and [Stream.AudioPlayed] return,
// and its messages ([Stream.Messages]).
type StreamRecordJSON struct {
	SID           string            `json:"sid"`
	Name          string            `json:"name,omitempty"`
	CallSID       string            `json:"call_sid"`
	URL           string            `json:"url"`
	Bidirectional bool              `json:"bidirectional"`
	Tracks        []string          `json:"tracks"`
	Parameters    []StreamParameter `json:"parameters"`
	// Status is one of the StreamStatus constants; Why says why it
	// stopped or failed.
	Status string `json:"status"`
	Why    string `json:"why,omitempty"`
	ViaAPI bool   `json:"via_api"`
	// Created is when Twilio began to dial the application; Started and
	// Stopped are absent when it has not.
	Created time.Time  `json:"created"`
	Started *time.Time `json:"started,omitempty"`
	Stopped *time.Time `json:"stopped,omitempty"`
	// Marks are the names of the marks played, in order; Cleared how many
	// clears the application sent.
	Marks   []string `json:"marks"`
	Cleared int      `json:"cleared"`
	// AudioSentMS is how much audio the application sent, AudioPlayedMS
	// how much of it the far end heard, in milliseconds.
	AudioSentMS   int64           `json:"audio_sent_ms"`
	AudioPlayedMS int64           `json:"audio_played_ms"`
	Messages      []StreamMessage `json:"messages"`
}

// ServerRecordJSON is the JSON form of a server's record, as
// [Server.RecordJSON] and [Server.WriteRecordJSON] write it.
type ServerRecordJSON struct {
	Now   time.Time        `json:"now"`
	Calls []CallRecordJSON `json:"calls"`
	// Conferences are the conferences the calls were in, in the order
	// they were created: every conference the server keeps, for a record
	// of every call.
	Conferences []ConferenceRecordJSON `json:"conferences"`
	APIRequests []APIRequest           `json:"api_requests"`
	Messages    []Message              `json:"messages"`
}

// ConferenceRecordJSON is the JSON form of one conference's record, as
// [Conference.JSON] and [Server.RecordJSON] write it.
type ConferenceRecordJSON struct {
	SID        string `json:"sid"`
	AccountSID string `json:"account_sid"`
	// Name is the room's name (friendly_name).
	Name    string    `json:"name"`
	Status  string    `json:"status"`
	Region  string    `json:"region"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Started is when it started, Ended when it ended (its conference-end
	// event); absent when it has not.
	Started *time.Time `json:"started,omitempty"`
	Ended   *time.Time `json:"ended,omitempty"`
	// ReasonEnded and CallSIDEndingConference say how it ended.
	ReasonEnded             string `json:"reason_conference_ended,omitempty"`
	CallSIDEndingConference string `json:"call_sid_ending_conference,omitempty"`
	// Participants are every participant it ever had, in the order they
	// joined, those who left included.
	Participants []ParticipantRecordJSON `json:"participants"`
	// Events are its history, each with the status callback that
	// reported it, if subscribed.
	Events []ConferenceEvent `json:"events"`
}

// ParticipantRecordJSON is the JSON form of a conference's participant,
// a [ParticipantInfo].
type ParticipantRecordJSON struct {
	CallSID string `json:"call_sid"`
	Label   string `json:"label,omitempty"`
	// Status is connected while in the room, then complete (failed for a
	// call of the Participants API that never joined).
	Status                 string     `json:"status"`
	Muted                  bool       `json:"muted"`
	Hold                   bool       `json:"hold"`
	Coaching               bool       `json:"coaching"`
	CallSIDToCoach         string     `json:"call_sid_to_coach,omitempty"`
	StartConferenceOnEnter bool       `json:"start_conference_on_enter"`
	EndConferenceOnExit    bool       `json:"end_conference_on_exit"`
	Joined                 time.Time  `json:"joined"`
	Left                   *time.Time `json:"left,omitempty"`
}

// RecordOption changes what [Call.JSON], [Server.RecordJSON] and
// [Server.WriteRecordJSON] include.
type RecordOption interface {
	ViewOption
	applyRecord(*recordConfig)
}

type recordConfig struct {
	noReplyBodies bool
}

type recordOption func(*recordConfig)

func (o recordOption) applyRecord(c *recordConfig) { o(c) }
func (o recordOption) applyView(c *viewConfig)     { o(&c.record) }

// WithoutReplyBodies leaves the bodies of the applications' replies out of
// the record, so that the records of two identical runs compare equal even
// when the application writes its TwiML's attributes in map order (as
// twilio-go's twiml package does). Transcripts and diagrams never show
// those bodies.
func WithoutReplyBodies() RecordOption {
	return recordOption(func(c *recordConfig) { c.noReplyBodies = true })
}

func recordConfigOf(opts []RecordOption) recordConfig {
	var rc recordConfig
	for _, o := range opts {
		o.applyRecord(&rc)
	}
	return rc
}

// optTime is t, or nil for the zero time.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// recordJSONLocked returns the call's record.
func (c *Call) recordJSONLocked(rc recordConfig) CallRecordJSON {
	opt := optTime
	ln := &c.line
	out := CallRecordJSON{SID: c.sid, AccountSID: c.account, ParentSID: c.parent, Direction: c.direction,
		From: c.from, To: c.to, Status: ln.status, AnsweredBy: c.amd.answeredBy, Created: c.created,
		Started: opt(ln.started), Answered: opt(ln.answered), Ended: opt(ln.ended),
		DurationMS: c.durationLocked().Milliseconds(), Price: ln.price,
		Events: make([]Event, 0, len(c.history.events)), Notifications: []Notification{}, Recordings: []Recording{}}
	for i := range c.history.events {
		e := c.history.events[i].exportLocked(c.sid)
		if rc.noReplyBodies && e.Request != nil {
			e.Request.ReplyBody = ""
		}
		out.Events = append(out.Events, e)
	}
	for _, n := range c.history.notes {
		out.Notifications = append(out.Notifications, *n)
	}
	for _, r := range c.history.recordings {
		out.Recordings = append(out.Recordings, *r)
	}
	for _, st := range c.streams {
		out.Streams = append(out.Streams, st.recordJSONLocked(true))
	}
	for _, r := range c.relays {
		out.Conversations = append(out.Conversations, r.viewLocked().recordJSON(true))
	}
	return out
}

// recordJSONLocked returns the stream's record, with its messages if
// messages is true.
func (st *stream) recordJSONLocked(messages bool) StreamRecordJSON {
	info := st.infoLocked()
	out := StreamRecordJSON{SID: info.SID, Name: info.Name, CallSID: info.CallSID, URL: info.URL,
		Bidirectional: info.Bidirectional, Tracks: info.Tracks, Parameters: info.Parameters, Status: info.Status,
		Why: info.Why, ViaAPI: info.ViaAPI, Created: info.Created, Started: optTime(info.Started),
		Stopped: optTime(info.Stopped), Marks: st.marksLocked(), Cleared: st.clearedLocked(),
		AudioSentMS: st.audioSentLocked().Milliseconds(), AudioPlayedMS: st.audioPlayedLocked().Milliseconds()}
	if messages {
		out.Messages = append([]StreamMessage{}, st.log.msgs...)
	}
	if out.Parameters == nil {
		out.Parameters = []StreamParameter{}
	}
	if out.Marks == nil {
		out.Marks = []string{}
	}
	return out
}

// JSON returns the call's record as indented JSON: its state, every event
// with the requests made and their replies, its notifications and
// recordings, its media streams with their messages, and its
// ConversationRelay sessions with their turns and messages.
func (c *Call) JSON(opts ...RecordOption) []byte {
	rc := recordConfigOf(opts)
	c.srv.mu.Lock()
	rec := c.recordJSONLocked(rc)
	c.srv.mu.Unlock()
	return mustIndent(rec, "")
}

// recordJSONLocked returns the conference's record.
func (cf *conference) recordJSONLocked(rc recordConfig) ConferenceRecordJSON {
	out := cf.infoJSONLocked()
	out.Events = make([]ConferenceEvent, 0, len(cf.history))
	for i := range cf.history {
		e := cf.history[i].exportLocked()
		if rc.noReplyBodies && e.Request != nil {
			e.Request.ReplyBody = ""
		}
		out.Events = append(out.Events, e)
	}
	return out
}

// infoJSONLocked returns the conference's record without its events.
func (cf *conference) infoJSONLocked() ConferenceRecordJSON {
	out := ConferenceRecordJSON{SID: cf.sid, AccountSID: cf.account, Name: cf.name, Status: cf.status,
		Region: cf.region, Created: cf.created, Updated: cf.updated, Started: optTime(cf.started),
		ReasonEnded: cf.ending.reason, CallSIDEndingConference: cf.ending.callSID,
		Participants: make([]ParticipantRecordJSON, 0, len(cf.everyone))}
	for _, p := range cf.everyone {
		i := p.infoLocked()
		out.Participants = append(out.Participants, ParticipantRecordJSON{CallSID: i.CallSID, Label: i.Label,
			Status: i.Status, Muted: i.Muted, Hold: i.Hold, Coaching: i.Coaching, CallSIDToCoach: i.CallSIDToCoach,
			StartConferenceOnEnter: i.StartConferenceOnEnter, EndConferenceOnExit: i.EndConferenceOnExit,
			Joined: i.Joined, Left: optTime(i.Left)})
	}
	for i := len(cf.history) - 1; i >= 0 && cf.status == ConferenceCompleted; i-- {
		if e := &cf.history[i]; e.name == "conference-end" {
			out.Ended = optTime(e.at)
			break
		}
	}
	return out
}

// JSON returns the conference's record as indented JSON, a
// [ConferenceRecordJSON]: its state, every participant it had, and every
// event with the status callback that reported it.
func (c *Conference) JSON(opts ...RecordOption) []byte {
	rc := recordConfigOf(opts)
	c.srv.mu.Lock()
	rec := c.cf.recordJSONLocked(rc)
	c.srv.mu.Unlock()
	return mustIndent(rec, "")
}

// RecordJSON returns the record of every call, every conference, every
// REST request and every message as indented JSON, a [ServerRecordJSON]. It holds the whole
// record in memory: [Server.WriteRecordJSON] writes the same as it goes.
func (s *Server) RecordJSON(opts ...RecordOption) []byte {
	var b bytes.Buffer
	vopts := make([]ViewOption, len(opts))
	for i, o := range opts {
		vopts[i] = o
	}
	s.WriteRecordJSON(&b, vopts...) // a bytes.Buffer does not fail
	return b.Bytes()
}

// WriteRecordJSON writes the record of the calls opts select (every call
// by default), as [Server.RecordJSON] returns it, to w as it goes, and
// returns the first error w returned. Its form is a [ServerRecordJSON],
// indented as [Server.RecordJSON] is and byte for byte the same when
// nothing happens meanwhile: "now" is the virtual time the view began, and
// the calls are those the server had then. Each call's record is taken
// whole when its turn comes, under the server's lock for that call alone,
// so a call still running may show events later than "now"; the REST API
// and the engine wait at most for one call's record, never for w. With
// options that select fewer than every call, "conferences" holds only
// those a call shown was in, and "api_requests" and "messages" only those
// of the calls shown (none of the REST requests that concern no call).
func (s *Server) WriteRecordJSON(w io.Writer, opts ...ViewOption) error {
	vc := viewConfigOf(opts)
	v := s.viewOf(&vc, true)
	out := &chunkWriter{w: w}
	out.buf.WriteString("{\n  \"now\": ")
	out.buf.Write(mustIndent(v.now, ""))
	sids := v.shownSIDs(&vc)
	steps := []struct {
		name  string
		write func(*jsonList) error
	}{
		{"calls", func(l *jsonList) error { return s.writeCallRecords(l, v.calls, vc.record) }},
		{"conferences", func(l *jsonList) error { return s.writeConferenceRecords(l, v.confs, sids, vc.record) }},
		{"api_requests", func(l *jsonList) error { return s.writeAPIRecords(l, v.apiLog, sids) }},
		{"messages", func(l *jsonList) error { return s.writeMessages(l, v.messages, sids) }},
	}
	for _, st := range steps {
		fmt.Fprintf(&out.buf, ",\n  %q: ", st.name)
		l := &jsonList{out: out}
		if err := st.write(l); err != nil {
			return fmt.Errorf("harness: writing the record: %w", err)
		}
		l.close()
	}
	out.buf.WriteString("\n}")
	if err := out.flush(); err != nil {
		return fmt.Errorf("harness: writing the record: %w", err)
	}
	return nil
}

// writeCallRecords writes the record of each call, each taken under the
// lock for it alone.
func (s *Server) writeCallRecords(l *jsonList, calls []*Call, rc recordConfig) error {
	return writeEach(s, l, calls, func(*Call) bool { return true },
		func(c *Call) any { return c.recordJSONLocked(rc) })
}

// writeConferenceRecords writes the record of each conference that a call
// of sids was in (every conference if sids is nil), each taken under the
// lock for it alone.
func (s *Server) writeConferenceRecords(l *jsonList, confs []*conference, sids map[string]bool, rc recordConfig) error {
	for _, cf := range confs {
		s.mu.Lock()
		var rec *ConferenceRecordJSON
		if cf.hadAnyLocked(sids) {
			r := cf.recordJSONLocked(rc)
			rec = &r
		}
		s.unlockAndYield()
		if rec == nil {
			continue
		}
		if err := l.add(rec); err != nil {
			return err
		}
	}
	return nil
}

// writeAPIRecords writes the REST requests of log that concern a call of
// sids (every request if sids is nil).
func (s *Server) writeAPIRecords(l *jsonList, log []*apiRecord, sids map[string]bool) error {
	return writeEach(s, l, log, func(r *apiRecord) bool { return sids == nil || sids[r.callSID] },
		func(r *apiRecord) any { return r.export() })
}

// writeMessages writes the messages of msgs sent by a call of sids (every
// message if sids is nil).
func (s *Server) writeMessages(l *jsonList, msgs []*Message, sids map[string]bool) error {
	return writeEach(s, l, msgs, func(m *Message) bool { return sids == nil || sids[m.CallSID] },
		func(m *Message) any { return *m })
}

// writeEach adds to l what exportLocked returns of each item that shown
// accepts, taking the server's lock for one item at a time. shown reads
// only what never changes in an item (a SID), without the lock.
func writeEach[T any](s *Server, l *jsonList, items []T, shown func(T) bool, exportLocked func(T) any) error {
	for _, it := range items {
		if !shown(it) {
			continue
		}
		s.mu.Lock()
		v := exportLocked(it)
		s.unlockAndYield()
		if err := l.add(v); err != nil {
			return err
		}
	}
	return nil
}

// jsonList writes a list that is a field of the record's top-level object,
// indented as json.MarshalIndent(record, "", "  ") indents it: "[]" when
// it is empty.
type jsonList struct {
	out *chunkWriter
	n   int
}

// listIndent is the prefix of the lines of an item of a jsonList.
const listIndent = "    "

// add writes one item.
func (l *jsonList) add(v any) error {
	if l.n == 0 {
		l.out.buf.WriteString("[\n" + listIndent)
	} else {
		l.out.buf.WriteString(",\n" + listIndent)
	}
	l.n++
	l.out.buf.Write(mustIndent(v, listIndent))
	return l.out.flushFull()
}

// close ends the list.
func (l *jsonList) close() {
	if l.n == 0 {
		l.out.buf.WriteString("[]")
		return
	}
	l.out.buf.WriteString("\n  ]")
}

// mustIndent renders part of a record, its lines after the first
// starting with prefix: its types always marshal.
func mustIndent(v any, prefix string) []byte {
	data, err := json.MarshalIndent(v, prefix, "  ")
	if err != nil {
		panic("harness: cannot render the record: " + err.Error())
	}
	return data
}
