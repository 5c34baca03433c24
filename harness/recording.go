package harness

import (
	"net/http"
	"strconv"
	"time"
)

// Recording is a recording of a call: of the whole call (Record=true on the
// REST API, <Start><Recording>), of a <Record> verb, or of a <Dial>.
type Recording struct {
	SID        string `json:"sid"` // "RE" and 32 hex digits
	AccountSID string `json:"account_sid"`
	CallSID    string `json:"call_sid"`
	// URL is where Twilio would serve the audio (no extension: WAV; add .mp3
	// for MP3).
	URL string `json:"url"`
	// Source is how the recording was started: OutboundAPI, RecordVerb,
	// DialVerb or StartCallRecordingTwiML.
	Source   string `json:"source"`
	Channels int    `json:"channels"` // 1 (mono) or 2 (dual)
	Track    string `json:"track"`    // inbound, outbound or both
	Trim     string `json:"trim"`     // trim-silence or do-not-trim
	// Status is in-progress while the call lasts, then completed, or absent
	// when nothing was recorded.
	Status   string        `json:"status"`
	Start    time.Time     `json:"start"` // virtual
	Duration time.Duration `json:"duration_ns"`

	callbackURL, callbackMethod string
	callbackEvents              recEventSet
	reported                    bool // its completed or absent callback was built
}

// Sources of recordings, as RecordingSource reports them.
const (
	sourceAPI    = "OutboundAPI"
	sourceRecord = "RecordVerb"
	sourceDial   = "DialVerb"
	sourceStart  = "StartCallRecordingTwiML"
)

// newRecording starts a recording of the call now and returns it with its
// in-progress callback, if subscribed. Call with srv.mu held.
func (c *Call) newRecording(source string, channels int, track, trim, cbURL, cbMethod string, events recEventSet) (*Recording, *webhook) {
	s := c.srv
	r := &Recording{SID: s.ids.sid("RE"), AccountSID: c.account, CallSID: c.sid, Source: source,
		Channels: channels, Track: track, Trim: trim, Status: "in-progress", Start: s.clock.now,
		callbackURL: cbURL, callbackMethod: cbMethod, callbackEvents: events}
	r.URL = "https://api.twilio.com/2010-04-01/Accounts/" + c.account + "/Recordings/" + r.SID
	c.recordings = append(c.recordings, r)
	return r, c.recordingCallback(r, recInProgress)
}

// startRecording begins the call's Record=true recording at answer and
// returns the in-progress callback if subscribed. Call with srv.mu held.
func (c *Call) startRecording() *webhook {
	p := c.params
	if p == nil || !p.record {
		return nil
	}
	channels := 1
	if p.recordingChannels == "dual" {
		channels = 2
	}
	_, w := c.newRecording(sourceAPI, channels, p.recordingTrack, p.trim, p.recordingStatusCallback,
		p.recordingStatusCallbackMethod, p.recordingEvents)
	return w
}

// apiRecording returns the call's Record=true recording, or nil. Call with
// srv.mu held.
func (c *Call) apiRecording() *Recording {
	for _, r := range c.recordings {
		if r.Source == sourceAPI {
			return r
		}
	}
	return nil
}

// stop ends the recording now, keeping d of it (the whole recording when d
// is negative). Call with srv.mu held.
func (r *Recording) stop(now time.Time, d time.Duration) {
	if r.Status != "in-progress" {
		return
	}
	if d < 0 {
		d = now.Sub(r.Start)
	}
	r.Duration = d.Truncate(time.Second)
	r.Status = "completed"
	if r.Duration == 0 {
		r.Status = "absent"
	}
}

// stopRecordings ends the recordings still running when the call ends.
// Call with srv.mu held.
func (c *Call) stopRecordings() {
	for _, r := range c.recordings {
		r.stop(c.srv.clock.now, -1)
	}
}

// recordingCallback builds the recording status callback of r for ev if it
// is subscribed. Call with srv.mu held.
func (c *Call) recordingCallback(r *Recording, ev recEventSet) *webhook {
	if r == nil {
		return nil
	}
	if ev != recInProgress {
		r.reported = true
	}
	if r.callbackURL == "" || r.callbackEvents&ev == 0 {
		return nil
	}
	p := params{
		{"AccountSid", c.account},
		{"CallSid", c.sid},
		{"ErrorCode", "0"},
		{"RecordingChannels", strconv.Itoa(r.Channels)},
		{"RecordingSid", r.SID},
		{"RecordingSource", r.Source},
		{"RecordingStartTime", rfc2822(r.Start)},
		{"RecordingStatus", r.Status},
		{"RecordingTrack", r.Track},
		{"RecordingUrl", r.URL},
	}
	if r.Status != "in-progress" {
		p.add("RecordingDuration", strconv.Itoa(int(r.Duration/time.Second)))
	}
	method := r.callbackMethod
	if method == "" {
		method = http.MethodPost
	}
	return c.srv.newWebhook(KindRecordingStatusCallback, c, method, r.callbackURL, p)
}
