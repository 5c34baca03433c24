package harness

import (
	"net/http"
	"strconv"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// Recording is a recording of a call: of the whole call (Record=true on the
// REST API, <Start><Recording>), of a <Record> verb, or of a <Dial>.
type Recording struct {
	SID        string `json:"sid"` // "RE" and 32 hex digits
	AccountSID string `json:"account_sid"`
	CallSID    string `json:"call_sid"`
	// ConferenceSID is set for a conference's recording (record of
	// <Conference>, ConferenceRecord of the Participants API), whose
	// CallSID is the participant whose join started the conference.
	ConferenceSID string `json:"conference_sid,omitempty"`
	// URL is where Twilio would serve the audio (no extension: WAV; add .mp3
	// for MP3).
	URL string `json:"url"`
	// Source is how the recording was started: OutboundAPI, RecordVerb,
	// DialVerb, Conference, StartCallRecordingTwiML or
	// StartCallRecordingAPI.
	Source   string `json:"source"`
	Channels int    `json:"channels"` // 1 (mono) or 2 (dual)
	Track    string `json:"track"`    // inbound, outbound or both
	Trim     string `json:"trim"`     // trim-silence or do-not-trim
	// Status is in-progress while it records (paused while paused with
	// the REST API), then completed, or absent when nothing was recorded.
	Status   string        `json:"status"`
	Start    time.Time     `json:"start"` // virtual
	Duration time.Duration `json:"duration_ns"`

	callbackURL, callbackMethod string
	callbackEvents              recEventSet
	reported                    bool // its completed or absent callback was built

	call       *Call         // whose events the media sounds
	offset     time.Duration // trimmed from the start: the media begins at Start+offset
	pauses     []recPause    // paused with the REST API, in order
	updated    time.Time
	conference *conference // set for a conference's recording
	errorCode  int         // 16101 when absent
	deleted    bool        // deleted with the REST API: listed only with IncludeSoftDeleted
}

// recPause is a stretch a recording was paused: silent in its media, or
// skipped (left out of its length and media) with PauseBehavior=skip.
type recPause struct {
	from, until time.Time // until is zero while paused
	skip        bool
}

// Sources of recordings, as RecordingSource reports them.
const (
	sourceAPI    = "OutboundAPI"
	sourceRecord = "RecordVerb"
	sourceDial   = "DialVerb"
	sourceStart  = "StartCallRecordingTwiML"
	sourceREST   = "StartCallRecordingAPI"
	sourceConf   = "Conference"
)

// newRecordingLocked starts a recording of the call now and returns it with
// its in-progress callback, if subscribed.
func (c *Call) newRecordingLocked(source string, channels int, track, trim, cbURL, cbMethod string, events recEventSet) (*Recording, *webhook) {
	s := c.srv
	r := &Recording{SID: s.ids.SID("RE"), AccountSID: c.account, CallSID: c.sid, Source: source,
		Channels: channels, Track: track, Trim: trim, Status: "in-progress", Start: s.clock.Now(),
		callbackURL: cbURL, callbackMethod: cbMethod, callbackEvents: events, call: c, updated: s.clock.Now()}
	r.URL = "https://api.twilio.com/2010-04-01/Accounts/" + c.account + "/Recordings/" + r.SID
	c.history.recordings = append(c.history.recordings, r)
	return r, c.recordingCallbackLocked(r, recInProgress)
}

// startRecordingLocked begins the call's Record=true recording at answer
// and returns the in-progress callback if subscribed.
func (c *Call) startRecordingLocked() *webhook {
	p := c.params
	if p == nil || !p.record {
		return nil
	}
	channels := 1
	if p.recordingChannels == "dual" {
		channels = 2
	}
	_, w := c.newRecordingLocked(sourceAPI, channels, p.recordingTrack, p.trim, p.recordingStatusCallback,
		p.recordingStatusCallbackMethod, p.recordingEvents)
	return w
}

// apiRecordingLocked returns the call's Record=true recording, or nil.
func (c *Call) apiRecordingLocked() *Recording {
	for _, r := range c.history.recordings {
		if r.Source == sourceAPI {
			return r
		}
	}
	return nil
}

// stopLocked ends the recording now, keeping d of it (all it recorded,
// skipped pauses aside, when d is negative). A recording of nothing is
// absent, with error 16101.
func (r *Recording) stopLocked(now time.Time, d time.Duration) {
	if !r.liveLocked() {
		return
	}
	r.resumeLocked(now)
	if d < 0 {
		d = now.Sub(r.Start) - r.skippedLocked()
	}
	r.Duration = d.Truncate(time.Second)
	r.Status, r.updated = "completed", now
	if r.Duration == 0 {
		r.Status, r.errorCode = "absent", codeRecordingTooShort
	}
}

// liveLocked reports whether the recording still records (or is paused).
func (r *Recording) liveLocked() bool { return r.Status == "in-progress" || r.Status == "paused" }

// pauseLocked pauses the recording now; skip leaves the pause out of its
// length and media.
func (r *Recording) pauseLocked(now time.Time, skip bool) {
	if r.Status != "in-progress" {
		return
	}
	r.pauses = append(r.pauses, recPause{from: now, skip: skip})
	r.Status, r.updated = "paused", now
}

// resumeLocked ends a pause now.
func (r *Recording) resumeLocked(now time.Time) {
	if r.Status != "paused" {
		return
	}
	r.pauses[len(r.pauses)-1].until = now
	r.Status, r.updated = "in-progress", now
}

// skippedLocked is how long the recording was paused with
// PauseBehavior=skip.
func (r *Recording) skippedLocked() time.Duration {
	var d time.Duration
	for _, p := range r.pauses {
		if p.skip && !p.until.IsZero() {
			d += p.until.Sub(p.from)
		}
	}
	return d
}

// stopRecordingsLocked ends the recordings still running when the call
// ends.
func (c *Call) stopRecordingsLocked() {
	for _, r := range c.history.recordings {
		if r.conference == nil { // a conference's recording lasts as long as the conference
			r.stopLocked(c.srv.clock.Now(), -1)
		}
	}
}

// recordingCallbackLocked builds the recording status callback of r for ev
// if it is subscribed. A final event (anything but in-progress) is built
// once, whoever asks first, as completed or absent as r's status says.
func (c *Call) recordingCallbackLocked(r *Recording, ev recEventSet) *webhook {
	if r == nil {
		return nil
	}
	if ev != recInProgress {
		if r.reported {
			return nil
		}
		r.reported = true
		ev = recCompleted
		if r.Status == "absent" {
			ev = recAbsent
		}
	}
	if r.callbackURL == "" || r.callbackEvents&ev == 0 {
		return nil
	}
	track := r.Track
	if r.Source == sourceRecord {
		track = "both" // Twilio's callbacks say both where tracks do not apply
	}
	p := signing.Params{
		{Name: "AccountSid", Value: c.account},
		{Name: "CallSid", Value: c.sid},
		{Name: "ErrorCode", Value: strconv.Itoa(r.errorCode)},
		{Name: "RecordingChannels", Value: strconv.Itoa(r.Channels)},
		{Name: "RecordingSid", Value: r.SID},
		{Name: "RecordingSource", Value: r.Source},
		{Name: "RecordingStartTime", Value: twilioapi.Date(r.Start)},
		{Name: "RecordingStatus", Value: r.Status},
		{Name: "RecordingTrack", Value: track},
		{Name: "RecordingUrl", Value: r.URL},
	}
	if r.Status != "in-progress" {
		p.Add("RecordingDuration", strconv.Itoa(int(r.Duration/time.Second)))
	}
	method := r.callbackMethod
	if method == "" {
		method = http.MethodPost
	}
	return c.srv.out.buildLocked(KindRecordingStatusCallback, c, method, r.callbackURL, p)
}
