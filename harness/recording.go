package harness

import (
	"net/http"
	"strconv"
	"time"
)

// Recording is a recording of a call, made when the call was created with
// Record=true.
type Recording struct {
	SID        string // "RE" and 32 hex digits
	AccountSID string
	CallSID    string
	// URL is where Twilio would serve the audio (no extension: WAV; add .mp3
	// for MP3).
	URL string
	// Source is how the recording was started ("OutboundAPI").
	Source   string
	Channels int    // 1 (mono) or 2 (dual)
	Track    string // inbound, outbound or both
	Trim     string // trim-silence or do-not-trim
	// Status is in-progress while the call lasts, then completed, or absent
	// when nothing was recorded.
	Status   string
	Start    time.Time // virtual
	Duration time.Duration

	callbackURL, callbackMethod string
	callbackEvents              recEventSet
}

// startRecording begins the call's Record=true recording at answer and
// returns the in-progress callback if subscribed. Call with srv.mu held.
func (c *Call) startRecording() *webhook {
	p := c.params
	if p == nil || !p.record {
		return nil
	}
	s := c.srv
	r := &Recording{SID: s.ids.sid("RE"), AccountSID: c.account, CallSID: c.sid, Source: "OutboundAPI",
		Channels: 1, Track: p.recordingTrack, Trim: p.trim, Status: "in-progress", Start: s.clock.now,
		callbackURL: p.recordingStatusCallback, callbackMethod: p.recordingStatusCallbackMethod,
		callbackEvents: p.recordingEvents}
	if p.recordingChannels == "dual" {
		r.Channels = 2
	}
	r.URL = "https://api.twilio.com/2010-04-01/Accounts/" + c.account + "/Recordings/" + r.SID
	c.recording = r
	return c.recordingCallback(recInProgress)
}

// stopRecording ends the recording with the call. Call with srv.mu held.
func (c *Call) stopRecording() {
	r := c.recording
	if r == nil || r.Status != "in-progress" {
		return
	}
	r.Duration = c.srv.clock.now.Sub(r.Start).Truncate(time.Second)
	r.Status = "completed"
	if r.Duration == 0 {
		r.Status = "absent"
	}
}

// recordingCallback builds the recording status callback for ev if the call
// subscribed to it. Call with srv.mu held.
func (c *Call) recordingCallback(ev recEventSet) *webhook {
	r := c.recording
	if r == nil || r.callbackURL == "" || r.callbackEvents&ev == 0 {
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
