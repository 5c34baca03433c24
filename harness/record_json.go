package harness

import (
	"encoding/json"
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
}

// ServerRecordJSON is the JSON form of a server's record, as
// [Server.RecordJSON] writes it.
type ServerRecordJSON struct {
	Now         time.Time        `json:"now"`
	Calls       []CallRecordJSON `json:"calls"`
	APIRequests []APIRequest     `json:"api_requests"`
	Messages    []Message        `json:"messages"`
}

// RecordOption changes what [Call.JSON] and [Server.RecordJSON] include.
type RecordOption interface {
	applyRecord(*recordConfig)
}

type recordConfig struct {
	noReplyBodies bool
}

type recordOption func(*recordConfig)

func (o recordOption) applyRecord(c *recordConfig) { o(c) }

// WithoutReplyBodies leaves the bodies of the applications' replies out of
// the record, so that the records of two identical runs compare equal even
// when the application writes its TwiML's attributes in map order (as
// twilio-go's twiml package does).
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

// recordJSONLocked returns the call's record.
func (c *Call) recordJSONLocked(rc recordConfig) CallRecordJSON {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
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
	return out
}

// JSON returns the call's record as indented JSON: its state, every event
// with the requests made and their replies, its notifications and
// recordings.
func (c *Call) JSON(opts ...RecordOption) []byte {
	rc := recordConfigOf(opts)
	c.srv.mu.Lock()
	rec := c.recordJSONLocked(rc)
	c.srv.mu.Unlock()
	return mustIndent(rec)
}

// RecordJSON returns the record of every call, every REST request and every
// message as indented JSON.
func (s *Server) RecordJSON(opts ...RecordOption) []byte {
	rc := recordConfigOf(opts)
	s.mu.Lock()
	rec := ServerRecordJSON{Now: s.clock.Now(), Calls: make([]CallRecordJSON, 0, len(s.order)),
		APIRequests: make([]APIRequest, 0, len(s.apiLog)), Messages: make([]Message, 0, len(s.messages))}
	for _, c := range s.order {
		rec.Calls = append(rec.Calls, c.recordJSONLocked(rc))
	}
	for _, r := range s.apiLog {
		rec.APIRequests = append(rec.APIRequests, r.export())
	}
	for _, m := range s.messages {
		rec.Messages = append(rec.Messages, *m)
	}
	s.mu.Unlock()
	return mustIndent(rec)
}

// mustIndent renders a record: its types always marshal.
func mustIndent(v any) []byte {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic("harness: cannot render the record: " + err.Error())
	}
	return data
}
