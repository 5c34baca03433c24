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
	Events        []eventJSON    `json:"events"`
	Notifications []Notification `json:"notifications"`
	Recordings    []Recording    `json:"recordings"`
}

type eventJSON struct {
	Seq        uint64      `json:"seq"`
	Time       time.Time   `json:"time"`
	Kind       EventKind   `json:"kind"`
	Status     Status      `json:"status,omitempty"`
	Text       string      `json:"text,omitempty"`
	DurationMS int64       `json:"duration_ms,omitempty"`
	Code       int         `json:"code,omitempty"`
	Request    *requestRec `json:"request,omitempty"`
	API        *APIRequest `json:"api_request,omitempty"`
}

type requestRec struct {
	Kind        RequestKind         `json:"kind"`
	Method      string              `json:"method"`
	URL         string              `json:"url"`
	Params      map[string][]string `json:"params"`
	Headers     map[string][]string `json:"headers"`
	Status      int                 `json:"reply_status,omitempty"`
	ReplyHeader map[string][]string `json:"reply_headers,omitempty"`
	ReplyBody   string              `json:"reply_body,omitempty"`
	Error       string              `json:"error,omitempty"`
}

// recordJSON returns the call's record. Call with srv.mu held.
func (c *Call) recordJSON() CallRecordJSON {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	out := CallRecordJSON{SID: c.sid, AccountSID: c.account, ParentSID: c.parent, Direction: c.direction,
		From: c.from, To: c.to, Status: c.status, AnsweredBy: c.answeredBy, Created: c.created,
		Started: opt(c.started), Answered: opt(c.answered), Ended: opt(c.ended),
		DurationMS: c.duration().Milliseconds(), Price: c.price,
		Events: make([]eventJSON, 0, len(c.events)), Notifications: []Notification{}, Recordings: []Recording{}}
	for _, e := range c.events {
		ej := eventJSON{Seq: e.seq, Time: e.at, Kind: e.kind, Status: e.status, Text: e.text,
			DurationMS: e.dur.Milliseconds(), Code: e.code}
		if e.hook != nil {
			r := e.hook.export()
			ej.Request = &requestRec{Kind: r.Kind, Method: r.Method, URL: r.URL, Params: r.Form, Headers: r.Header,
				Status: r.Status, ReplyHeader: r.ReplyHeader, ReplyBody: r.ReplyBody}
			if r.Err != nil {
				ej.Request.Error = r.Err.Error()
			}
		}
		if e.api != nil {
			a := e.api.export()
			ej.API = &a
		}
		out.Events = append(out.Events, ej)
	}
	for _, n := range c.notes {
		out.Notifications = append(out.Notifications, *n)
	}
	for _, r := range c.recordings {
		out.Recordings = append(out.Recordings, *r)
	}
	return out
}

// JSON returns the call's record as indented JSON: its state, every event
// with the requests made and their replies, its notifications and
// recordings.
func (c *Call) JSON() []byte {
	c.srv.mu.Lock()
	rec := c.recordJSON()
	c.srv.mu.Unlock()
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		panic("harness: cannot render a call's record: " + err.Error())
	}
	return data
}

// ServerRecordJSON is the JSON form of a server's record, as
// [Server.RecordJSON] writes it.
type ServerRecordJSON struct {
	Now         time.Time        `json:"now"`
	Calls       []CallRecordJSON `json:"calls"`
	APIRequests []APIRequest     `json:"api_requests"`
	Messages    []Message        `json:"messages"`
}

// RecordJSON returns the record of every call, every REST request and every
// message as indented JSON.
func (s *Server) RecordJSON() []byte {
	s.mu.Lock()
	rec := ServerRecordJSON{Now: s.clock.now, Calls: make([]CallRecordJSON, 0, len(s.order)),
		APIRequests: make([]APIRequest, 0, len(s.apiLog)), Messages: make([]Message, 0, len(s.messages))}
	for _, c := range s.order {
		rec.Calls = append(rec.Calls, c.recordJSON())
	}
	for _, r := range s.apiLog {
		rec.APIRequests = append(rec.APIRequests, r.export())
	}
	for _, m := range s.messages {
		rec.Messages = append(rec.Messages, *m)
	}
	s.mu.Unlock()
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		panic("harness: cannot render the record: " + err.Error())
	}
	return data
}
