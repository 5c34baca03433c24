package harness

import (
	"net/http"
	"net/url"
	"time"
)

// RequestKind says why the fake made a request to the application.
type RequestKind string

// The kinds of request the fake makes.
const (
	// KindVoice fetches a call's TwiML from its Url (or its application's
	// voice URL) when the call is answered, or after a REST update.
	KindVoice RequestKind = "voice"
	// KindFallback fetches TwiML from the FallbackUrl after the voice URL
	// failed, with ErrorCode and ErrorUrl.
	KindFallback RequestKind = "fallback"
	// KindStatusCallback reports a call progress event to StatusCallback.
	KindStatusCallback RequestKind = "status-callback"
	// KindRecordingStatusCallback reports a recording's status to
	// RecordingStatusCallback.
	KindRecordingStatusCallback RequestKind = "recording-status-callback"
	// KindAction requests a verb's action: <Gather>, <Record>, <Dial>,
	// <Sms>.
	KindAction RequestKind = "action"
	// KindRedirect requests the URL of a <Redirect>.
	KindRedirect RequestKind = "redirect"
	// KindWhisper requests the url of a dialed <Number>, <Client> or <Sip>,
	// run on the callee before the bridge.
	KindWhisper RequestKind = "whisper"
	// KindPartialResult reports partial speech to a <Gather>'s
	// partialResultCallback.
	KindPartialResult RequestKind = "partial-result-callback"
	// KindTranscription reports a <Record>'s transcription to its
	// transcribeCallback.
	KindTranscription RequestKind = "transcribe-callback"
	// KindSmsStatus reports an <Sms>'s status to its statusCallback.
	KindSmsStatus RequestKind = "sms-status-callback"
	// KindAMDStatus reports answering machine detection's result to
	// AsyncAmdStatusCallback (or a <Number>'s amdStatusCallback).
	KindAMDStatus RequestKind = "amd-status-callback"
)

// Request is one request the fake made to an application, with the reply.
// Values returned by the server are copies.
type Request struct {
	Seq     uint64 // order among everything the server recorded
	Kind    RequestKind
	CallSID string
	Method  string
	// URL is the URL requested: for GET it carries the parameters in its
	// query.
	URL string
	// Form holds the parameters sent (the body of a POST, the query of a GET).
	Form url.Values
	// Header holds the request headers, X-Twilio-Signature among them.
	Header http.Header
	// Time is the virtual time the request was made.
	Time time.Time
	// Status is the reply's HTTP status, 0 when there was no reply.
	Status      int
	ReplyHeader http.Header
	ReplyBody   string
	// Err is the failure to get a reply (connection refused, timeout), nil
	// when the application answered, whatever its status.
	Err error
}

// APIRequest is one REST request the server answered.
type APIRequest struct {
	Seq        uint64    `json:"seq"`
	Time       time.Time `json:"time"`                  // virtual
	AccountSID string    `json:"account_sid,omitempty"` // the account that authenticated, if any
	CallSID    string    `json:"call_sid,omitempty"`    // the call it concerned, if any
	Method     string    `json:"method"`
	// Path is the request's path and query, as sent.
	Path string `json:"path"`
	// Form holds the POST parameters.
	Form url.Values `json:"form,omitempty"`
	// Status, ContentType and Body are the reply.
	Status      int    `json:"status"`
	ContentType string `json:"content_type,omitempty"`
	Body        string `json:"body,omitempty"`
}

// Level is a notification's severity, as in Twilio's debugger.
type Level string

// Notification levels.
const (
	LevelError   Level = "error"
	LevelWarning Level = "warning"
)

// Notification is an error or warning the fake logged for a call, as Twilio
// logs them in its debugger: an application that failed, a document that did
// not parse, a verb that is not simulated.
type Notification struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	CallSID string    `json:"call_sid"`
	Code    int       `json:"code"` // Twilio's error code (11200, 12100, …)
	Level   Level     `json:"level"`
	Message string    `json:"message"`
	// URL and Method are those of the request that failed, if any.
	URL    string `json:"url,omitempty"`
	Method string
}

// EventKind is the kind of an [Event] in a call's history.
type EventKind string

// The kinds of event in a call's history.
const (
	EventStatus       EventKind = "status"       // the call's status changed
	EventAPI          EventKind = "api"          // a REST request concerned the call
	EventRequest      EventKind = "request"      // the fake made a request for the call
	EventSay          EventKind = "say"          // <Say> spoke
	EventPause        EventKind = "pause"        // <Pause> waited
	EventHangup       EventKind = "hangup"       // the application or the far end hung up
	EventNotification EventKind = "notification" // an error or warning was logged
	EventNote         EventKind = "note"         // something else worth knowing, in words
	EventPlay         EventKind = "play"         // <Play> played audio or tones
	EventInput        EventKind = "input"        // the far end pressed keys, spoke, or will
	EventGather       EventKind = "gather"       // a <Gather> ended, with what it collected
	EventRecord       EventKind = "record"       // a <Record> started or ended
	EventDial         EventKind = "dial"         // a <Dial> started, bridged or ended
	EventSms          EventKind = "sms"          // <Sms> sent a message
	EventFork         EventKind = "fork"         // <Start> or <Stop> changed a stream, transcription or recording
)

// Event is one entry of a call's history.
type Event struct {
	Seq     uint64
	Time    time.Time // virtual
	CallSID string
	Kind    EventKind
	// Status is the new status of an EventStatus.
	Status Status
	// Text is what was said, why the call hung up, or a notification's
	// message.
	Text string
	// Duration is how long a Say or a Pause lasted.
	Duration time.Duration
	// Code is a notification's error code.
	Code int
	// Request is set for EventRequest, APIRequest for EventAPI.
	Request    *Request
	APIRequest *APIRequest
}

// callEvent is the compact form of an Event kept in a call's history.
type callEvent struct {
	seq    uint64
	at     time.Time
	kind   EventKind
	status Status
	text   string
	dur    time.Duration
	code   int
	hook   *webhook
	api    *apiRecord
}

// apiRecord is the compact form of an APIRequest.
type apiRecord struct {
	seq         uint64
	at          time.Time
	account     string
	callSID     string
	method      string
	path        string
	form        url.Values
	status      int
	contentType string
	body        string
}

func (r *apiRecord) export() APIRequest {
	return APIRequest{Seq: r.seq, Time: r.at, AccountSID: r.account, CallSID: r.callSID, Method: r.method,
		Path: r.path, Form: cloneValues(r.form), Status: r.status, ContentType: r.contentType, Body: r.body}
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// Requests returns every request the fake made to applications, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.hooksLog))
	for i, w := range s.hooksLog {
		out[i] = w.export()
	}
	return out
}

// APIRequests returns every REST request the server answered, in order.
func (s *Server) APIRequests() []APIRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]APIRequest, len(s.apiLog))
	for i, r := range s.apiLog {
		out[i] = r.export()
	}
	return out
}

// Notifications returns every error and warning logged for any call, in
// order.
func (s *Server) Notifications() []Notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Notification, len(s.notes))
	for i, n := range s.notes {
		out[i] = *n
	}
	return out
}

// nextSeq returns the next number of the server's record. Call with s.mu held.
func (s *Server) nextSeq() uint64 {
	s.seq++
	return s.seq
}
