package harness

import (
	"net/http"
	"strconv"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// A conference's recording and its announcements.

// startRecordingLocked records the conference from its start (the wait
// music is never recorded) until it ends; its callbacks go to the
// recordingStatusCallback of the first participant.
func (cf *conference) startRecordingLocked(by *Call) {
	r, _ := by.newRecordingLocked(sourceConf, 1, "both", cf.trim, "", "", 0)
	r.conference, r.ConferenceSID = cf, cf.sid
	r.URL = "https://api.twilio.com/2010-04-01/Accounts/" + cf.account + "/Recordings/" + r.SID
	cf.rec = r
	cf.srv.out.postLocked(cf.recordingCallbackLocked(by, recInProgress))
}

// stopRecordingLocked stops the conference's recording and reports it,
// to its recordingStatusCallback or, without one, its eventCallbackUrl
// (the deprecated conference-record-end).
func (cf *conference) stopRecordingLocked() {
	r := cf.rec
	if r == nil || !r.liveLocked() {
		return
	}
	owner := cf.ownerLocked(nil)
	r.stopLocked(cf.srv.clock.Now(), -1)
	if w := cf.recordingCallbackLocked(owner, recCompleted); w != nil {
		cf.srv.out.postLocked(w)
		return
	}
	if cf.recCB.eventURL != "" && r.Status == "completed" {
		p := signing.Params{
			{Name: "AccountSid", Value: cf.account},
			{Name: "ConferenceSid", Value: cf.sid},
			{Name: "Duration", Value: strconv.Itoa(int(r.Duration / time.Second))},
			{Name: "EventName", Value: "conference-record-end"},
			{Name: "FriendlyName", Value: cf.name},
			{Name: "RecordingFileSize", Value: strconv.Itoa(int(r.Duration/time.Second) * 16000)},
			{Name: "RecordingUrl", Value: r.URL},
		}
		cf.srv.out.postLocked(cf.srv.out.buildLocked(KindConferenceRecordingCallback, owner, http.MethodPost, cf.recCB.eventURL, p))
	}
}

// recordingCallbackLocked builds the recording status callback of the
// conference's recording for ev, made for the call owner, if subscribed.
func (cf *conference) recordingCallbackLocked(owner *Call, ev recEventSet) *webhook {
	r := cf.rec
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
	if cf.recCB.url == "" || cf.recCB.events&ev == 0 || owner == nil {
		return nil
	}
	p := signing.Params{
		{Name: "AccountSid", Value: cf.account},
		{Name: "ConferenceSid", Value: cf.sid},
		{Name: "RecordingChannels", Value: "1"},
		{Name: "RecordingSid", Value: r.SID},
		{Name: "RecordingSource", Value: sourceConf},
		{Name: "RecordingStartTime", Value: twilioapi.Date(r.Start)},
		{Name: "RecordingStatus", Value: r.Status},
		{Name: "RecordingUrl", Value: r.URL},
	}
	if r.Status != "in-progress" {
		p.Add("RecordingDuration", strconv.Itoa(int(r.Duration/time.Second)))
	}
	method := cf.recCB.method
	if method == "" {
		method = http.MethodPost
	}
	return cf.srv.out.buildLocked(KindConferenceRecordingCallback, owner, method, cf.recCB.url, p)
}

// announceLocked plays the document at url to everyone in the room (the
// Conferences API's AnnounceUrl), then reports announcement-end.
func (cf *conference) announceLocked(url, method string) {
	owner := cf.ownerLocked(nil)
	if owner == nil {
		return
	}
	if cf.announce != nil {
		cf.announce.stopLocked()
	}
	hear := func(ev callEvent) {
		ev.more.sid, ev.more.to = cf.sid, cf.name
		for _, q := range cf.parts {
			if !q.hold {
				e := ev
				m := *ev.more
				e.more = &m
				q.call.recordLocked(e)
			}
		}
	}
	var m *music
	m = newMusic(owner, musicAnnounce, url, method, hear, func(failed string) {
		if cf.announce == m {
			cf.announce = nil
		}
		cf.announcedLocked(nil, url, failed)
	})
	m.extra = signing.Params{{Name: "ConferenceSid", Value: cf.sid}, {Name: "FriendlyName", Value: cf.name}}
	cf.announce = m
	m.startLocked()
}

// announceLocked plays the document at url to p alone (the Participants
// API's AnnounceUrl), then reports announcement-end.
func (p *participant) announceLocked(url, method string) {
	cf := p.conf
	hear := func(ev callEvent) {
		ev.more.sid, ev.more.to = cf.sid, cf.name
		p.call.recordLocked(ev)
	}
	m := newMusic(p.call, musicAnnounce, url, method, hear, func(failed string) {
		cf.announcedLocked(p, url, failed)
	})
	m.extra = signing.Params{{Name: "ConferenceSid", Value: cf.sid}, {Name: "FriendlyName", Value: cf.name}}
	p.announcing = m
	m.startLocked()
}

// announcedLocked reports the end of an announcement to p (nil: to the
// room): announcement-end, or announcement-fail with the reason.
func (cf *conference) announcedLocked(p *participant, url, failed string) {
	if cf.status == ConferenceCompleted {
		return
	}
	if failed == "" {
		cf.eventLocked("announcement-end", p, signing.Params{{Name: "AnnounceUrl", Value: url}})
		return
	}
	cf.eventLocked("announcement-fail", p, signing.Params{{Name: "AnnounceUrl", Value: url}, {Name: "ReasonAnnouncementFailed", Value: failed}})
}
