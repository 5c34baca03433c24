package harness

import (
	"encoding/json"
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
	// KindFallback fetches TwiML from the FallbackUrl after a request for
	// the call's TwiML failed, with ErrorCode and ErrorUrl.
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
	// KindConferenceCallback is a conference's status callback
	// (statusCallback of <Conference>, ConferenceStatusCallback).
	KindConferenceCallback RequestKind = "conference-status-callback"
	// KindConferenceWait fetches a conference participant's wait music
	// (waitUrl).
	KindConferenceWait RequestKind = "conference-wait"
	// KindConferenceHold fetches a participant's hold music (HoldUrl).
	KindConferenceHold RequestKind = "conference-hold"
	// KindConferenceAnnounce fetches an announcement (AnnounceUrl).
	KindConferenceAnnounce RequestKind = "conference-announce"
	// KindEnqueueWait fetches the waitUrl of a call waiting in a queue,
	// with QueuePosition, QueueSid, QueueTime, AvgQueueTime,
	// CurrentQueueSize and MaxQueueSize.
	KindEnqueueWait RequestKind = "enqueue-wait"
	// KindDequeue fetches the url of a <Dial><Queue>, run on the caller it
	// takes before the bridge.
	KindDequeue RequestKind = "dequeue-url"
	// KindConferenceRecordingCallback is a conference recording's status
	// callback.
	KindConferenceRecordingCallback RequestKind = "conference-recording-status-callback"
	// KindStreamCallback is a media stream's status callback
	// (stream-started, stream-stopped, stream-error).
	KindStreamCallback RequestKind = "stream-status-callback"
)

// Request is one request the fake made to an application, with the reply.
// Values returned by the server are copies.
type Request struct {
	Seq     uint64      // order among everything the server recorded
	Kind    RequestKind // why it was made
	CallSID string
	Method  string
	// URL is the URL requested: for GET it carries the parameters in its
	// query. Target is the URL as configured, without them.
	URL    string
	Target string
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

// MarshalJSON writes the request with snake_case names, its parameters as
// "params" and its error as text.
func (r Request) MarshalJSON() ([]byte, error) {
	type wire struct {
		Seq         uint64              `json:"seq"`
		Time        time.Time           `json:"time"`
		CallSID     string              `json:"call_sid"`
		Kind        RequestKind         `json:"kind"`
		Method      string              `json:"method"`
		URL         string              `json:"url"`
		Target      string              `json:"target"`
		Params      map[string][]string `json:"params"`
		Headers     map[string][]string `json:"headers"`
		Status      int                 `json:"reply_status,omitempty"`
		ReplyHeader map[string][]string `json:"reply_headers,omitempty"`
		ReplyBody   string              `json:"reply_body,omitempty"`
		Error       string              `json:"error,omitempty"`
	}
	w := wire{Seq: r.Seq, Time: r.Time, CallSID: r.CallSID, Kind: r.Kind, Method: r.Method, URL: r.URL,
		Target: r.Target, Params: r.Form, Headers: r.Header, Status: r.Status, ReplyHeader: r.ReplyHeader,
		ReplyBody: r.ReplyBody}
	if r.Err != nil {
		w.Error = r.Err.Error()
	}
	return json.Marshal(w)
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
	// SID is the notification's SID ("NO" and 32 hex digits), as the
	// Notifications resource shows it.
	SID     string    `json:"sid"`
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	CallSID string    `json:"call_sid"`
	Code    int       `json:"code"` // Twilio's error code (11200, 12100, …)
	Level   Level     `json:"level"`
	Message string    `json:"message"`
	// URL and Method are those of the request that failed, if any.
	URL    string `json:"url,omitempty"`
	Method string `json:"method,omitempty"`

	account string   // the call's account
	hook    *webhook // the request that failed, if any
}

// apiRecord is the compact form of an APIRequest.
type apiRecord struct {
	seq         uint64
	at          time.Time
	account     string
	callSID     string
	method      string
	path        string
	form        keptForm
	status      int
	contentType string
	body        string
}

func (r *apiRecord) export() APIRequest {
	return APIRequest{Seq: r.seq, Time: r.at, AccountSID: r.account, CallSID: r.callSID, Method: r.method,
		Path: r.path, Form: r.form.get(), Status: r.status, ContentType: r.contentType, Body: r.body}
}

// keptForm is a request's parameters as the record keeps them: the
// encoded body they were parsed from when there is one, a fraction of the
// size of the parsed map, parsed again when asked for.
type keptForm struct {
	raw     string
	encoded bool       // raw holds them
	values  url.Values // otherwise
}

// get returns the parameters, a copy the caller may keep.
func (f keptForm) get() url.Values {
	if f.encoded {
		v, _ := url.ParseQuery(f.raw) // the text they were parsed from, without error
		return v
	}
	return cloneValues(f.values)
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
		out[i] = w.exportLocked()
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

// nextSeqLocked returns the next number of the server's record.
func (s *Server) nextSeqLocked() uint64 {
	s.seq++
	return s.seq
}
