package harness

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/scenario"
)

// Conference statuses, as the Conferences resource shows them.
const (
	ConferenceInit       = "init"
	ConferenceInProgress = "in-progress"
	ConferenceCompleted  = "completed"
)

// Participant statuses, as the Participants resource shows them.
const (
	ParticipantQueued     = "queued"
	ParticipantConnecting = "connecting"
	ParticipantRinging    = "ringing"
	ParticipantConnected  = "connected"
	ParticipantComplete   = "complete"
	ParticipantFailed     = "failed"
)

// Why a conference ended (ReasonConferenceEnded, reason_conference_ended).
const (
	EndedViaAPI           = "conference-ended-via-api"
	EndedLastLeft         = "last-participant-left"
	EndedLastKicked       = "last-participant-kicked"
	EndedModeratorLeft    = "participant-with-end-conference-on-exit-left"
	EndedModeratorKicked  = "participant-with-end-conference-on-exit-kicked"
	leftEndedViaAPI       = "conference_ended_via_api"
	leftModeratorEnded    = "moderator_ended_conference"
	leftUpdatedViaAPI     = "participant_updated_via_api"
	leftHungUp            = "participant_hung_up"
	leftAddFailed         = "participant_add_failed"
	defaultHoldMusic      = "http://twimlets.com/holdmusic?Bucket=com.twilio.music.classical"
	maxParticipantLabel   = 128
	conferenceRegion      = "us1"
	conferenceTimestamp   = "Mon, 2 Jan 2006 15:04:05 -0700"
	conferenceEventsLimit = 10000
)

// The conference events a status callback can subscribe to, by the word of
// statusCallbackEvent, and what each sends.
var conferenceEventWords = map[string][]string{
	"start":        {"conference-start"},
	"end":          {"conference-end"},
	"join":         {"participant-join"},
	"leave":        {"participant-leave"},
	"mute":         {"participant-mute", "participant-unmute"},
	"hold":         {"participant-hold", "participant-unhold"},
	"modify":       {"participant-modify"},
	"speaker":      {"participant-speech-start", "participant-speech-stop"},
	"announcement": {"announcement-end", "announcement-fail"},
}

// conference is a room: the calls in it, its settings (set by the first
// participant), its callbacks and its own history. Its methods run with
// srv.mu held.
type conference struct {
	srv      *Server
	sid      string
	account  string
	name     string
	created  time.Time
	updated  time.Time
	status   string
	region   string
	started  time.Time
	max      int
	seq      int // SequenceNumber of the next event
	cb       confCallback
	parts    []*participant // in the room now, in the order they joined
	adding   []*participant // added with the Participants API, not answered yet
	everyone []*participant // every participant it ever had
	lastLeft *participant   // the participant that left last
	labels   map[string]*participant
	history  []confEvent
	beeps    []mark // every beep played to the room
	record   string
	trim     string
	recCB    confRecordingCallback
	rec      *Recording
	ending   confEnding
	announce *music // the announcement to the whole room in progress
	handle   *Conference
}

// confCallback is a conference's status callback subscription.
type confCallback struct {
	url, method string
	events      map[string]bool // by StatusCallbackEvent value
}

// confRecordingCallback is where a conference's recording is reported.
type confRecordingCallback struct {
	url, method string
	events      recEventSet
	eventURL    string // the deprecated eventCallbackUrl
}

// confEnding is how a conference ended.
type confEnding struct {
	reason   string
	callSID  string
	label    string
	inFlight bool // ending: participants are being taken out
}

// participant is a call in a conference, with its flags. Its methods run
// with srv.mu held.
type participant struct {
	conf         *conference
	call         *Call
	label        string
	muted        bool
	hold         bool
	coaching     bool
	coach        string // the call SID it coaches
	startOnEnter bool
	endOnExit    bool
	beepOnEnter  bool
	beepOnExit   bool
	waitURL      string // "" for silence; defaultHoldMusic when not given
	waitMethod   string
	holdURL      string
	holdMethod   string
	status       string
	created      time.Time // when it was added: date_created
	joined       time.Time
	updated      time.Time
	left         time.Time
	verb         *conferencing // the <Dial><Conference> it joined by; nil when added over REST
	music        *music        // wait or hold music playing to it
	announcing   *music        // an announcement to it alone
	present      bool
	joinSeq      uint64           // the record's sequence number when it joined, when it left
	leftSeq      uint64           //
	holds        [][2]uint64      // when it was put on hold and taken off (0 while on hold)
	waits        []*scenario.Step // the far end's steps that wait for someone to leave
	timers       []*clock.Timer   // the far end's steps scheduled
}

// participantSpec is what a participant joins with: from the <Conference>
// noun or from the Participants API.
type participantSpec struct {
	label        string
	muted        bool
	beep         string // true, false, onEnter, onExit
	startOnEnter bool
	endOnExit    bool
	waitURL      string
	waitMethod   string
	waitGiven    bool
	coach        string
	// The conference's settings, which only its first participant sets.
	max             int
	record          string
	trim            string
	region          string
	cbURL           string
	cbMethod        string
	cbEvents        []string
	recCBURL        string
	recCBMethod     string
	recCBEvents     recEventSet
	eventURL        string
	defaultEvents   []string // when cbEvents is empty
	fromParticipAPI bool
}

// confKey finds the conference in progress with a name in an account.
type confKey struct{ account, name string }

// conferences is the server's part that keeps conferences.
type conferences struct {
	live  map[confKey]*conference // not completed, by account and name
	bySID map[string]*conference
	order []*conference // every conference, oldest first
}

func newConferences() conferences {
	return conferences{live: map[confKey]*conference{}, bySID: map[string]*conference{}}
}

// conferenceLocked returns the conference of the account named name that is
// not completed, creating it (status init) with spec's settings when there
// is none.
func (s *Server) conferenceLocked(account, name string, spec *participantSpec) *conference {
	key := confKey{account, name}
	if cf := s.confs.live[key]; cf != nil {
		return cf
	}
	sid := s.ids.SID("CF")
	now := s.clock.Now()
	cf := &conference{srv: s, sid: sid, account: account, name: name, created: now, updated: now,
		status: ConferenceInit, region: conferenceRegion, max: spec.max, record: spec.record, trim: spec.trim,
		labels: map[string]*participant{}}
	if cf.max == 0 {
		cf.max = 250
	}
	if spec.region != "" {
		cf.region = spec.region
	}
	if spec.cbURL != "" {
		method := spec.cbMethod
		if method == "" {
			method = http.MethodPost
		}
		words := spec.cbEvents
		if len(words) == 0 {
			words = spec.defaultEvents
		}
		cf.cb = confCallback{url: spec.cbURL, method: method, events: map[string]bool{}}
		for _, w := range words {
			for _, ev := range conferenceEventWords[w] {
				cf.cb.events[ev] = true
			}
		}
	}
	cf.recCB = confRecordingCallback{url: spec.recCBURL, method: spec.recCBMethod, events: spec.recCBEvents, eventURL: spec.eventURL}
	cf.handle = &Conference{srv: s, cf: cf}
	s.confs.live[key] = cf
	s.confs.bySID[sid] = cf
	s.confs.order = append(s.confs.order, cf)
	return cf
}

// participantLocked returns the participant of the conference whose call
// SID or label is id, in the room or (added with the Participants API)
// on its way there, or nil.
func (cf *conference) participantLocked(id string) *participant {
	if p := cf.labels[id]; p != nil {
		return p
	}
	for _, list := range [][]*participant{cf.parts, cf.adding} {
		for _, p := range list {
			if p.call.sid == id {
				return p
			}
		}
	}
	return nil
}

// labelProblem returns why label cannot be a participant's label (16023),
// or "".
func labelProblem(label string) string {
	switch {
	case len(label) > maxParticipantLabel:
		return fmt.Sprintf("participant label has %d characters; Twilio takes at most %d", len(label), maxParticipantLabel)
	case callSIDPattern.MatchString(label):
		return fmt.Sprintf("participant label %q looks like a Call SID", label)
	case strings.Contains(label, "/"):
		return fmt.Sprintf("participant label %q contains '/'", label)
	}
	return ""
}

// newParticipantLocked returns call as a participant of the conference
// with spec, not yet in the room.
func (cf *conference) newParticipantLocked(call *Call, spec *participantSpec, verb *conferencing) *participant {
	now := cf.srv.clock.Now()
	p := &participant{conf: cf, call: call, label: spec.label, muted: spec.muted, startOnEnter: spec.startOnEnter,
		endOnExit: spec.endOnExit, waitURL: spec.waitURL, waitMethod: spec.waitMethod, status: ParticipantQueued,
		created: now, joined: now, updated: now, verb: verb, coach: spec.coach, coaching: spec.coach != ""}
	switch spec.beep {
	case "", "true":
		p.beepOnEnter, p.beepOnExit = true, true
	case "onEnter":
		p.beepOnEnter = true
	case "onExit":
		p.beepOnExit = true
	}
	if !spec.waitGiven {
		p.waitURL, p.waitMethod = defaultHoldMusic, http.MethodGet
	}
	if p.waitMethod == "" {
		p.waitMethod = http.MethodPost
	}
	return p
}

// joinLocked adds call to the conference as a participant with spec: it is
// in the room from now on, hears the wait music until the conference
// starts, and starts it when it may.
func (cf *conference) joinLocked(call *Call, spec *participantSpec, verb *conferencing) *participant {
	p := cf.newParticipantLocked(call, spec, verb)
	cf.admitLocked(p)
	return p
}

// admitLocked puts p in the room.
func (cf *conference) admitLocked(p *participant) {
	s, call := cf.srv, p.call
	now := s.clock.Now()
	p.status, p.present, p.joined, p.updated = ParticipantConnected, true, now, now
	if i := slices.Index(cf.adding, p); i >= 0 {
		cf.adding = slices.Delete(cf.adding, i, i+1)
	} else {
		cf.everyone = append(cf.everyone, p)
		if p.label != "" {
			cf.labels[p.label] = p
		}
	}
	cf.parts = append(cf.parts, p)
	call.conf = p
	cf.updated = now
	call.recordLocked(callEvent{kind: EventConference, action: ActionJoined, more: &eventMore{sid: cf.sid, to: cf.name, name: p.label}})
	p.joinSeq = s.seq
	cf.eventLocked("participant-join", p, nil)
	switch {
	case cf.status == ConferenceInit && len(cf.parts) >= 2 && slices.ContainsFunc(cf.parts, func(q *participant) bool { return q.startOnEnter }):
		cf.startLocked(p)
	case cf.status == ConferenceInit:
		p.playLocked(musicWait, p.waitURL, p.waitMethod)
	case p.hold: // put on hold over REST while its call rang
		p.playLocked(musicHold, p.holdURL, p.holdMethod)
	}
	if cf.status == ConferenceInProgress && p.beepOnEnter {
		cf.beepLocked()
	}
}

// addLocked adds a call of the Participants API that is not answered yet:
// listed as queued, then connecting and ringing, it joins the room when
// answered (see [Call.joinAnsweredLocked]).
func (cf *conference) addLocked(call *Call, spec *participantSpec) *participant {
	p := cf.newParticipantLocked(call, spec, nil)
	cf.adding = append(cf.adding, p)
	cf.everyone = append(cf.everyone, p)
	if p.label != "" {
		cf.labels[p.label] = p
	}
	call.joins = p
	return p
}

// joinAnsweredLocked puts an answered call of the Participants API in its
// conference; if the conference ended meanwhile, the call has nothing to
// do and hangs up.
func (c *Call) joinAnsweredLocked() {
	p := c.joins
	c.joins = nil
	if p.conf.status == ConferenceCompleted {
		c.hangUpLocked(StatusCompleted, "the conference it was added to has ended")
		return
	}
	p.conf.admitLocked(p)
	p.planLocked()
}

// addFailedLocked reports a call of the Participants API that ended
// before it was answered: participant-leave with participant_add_failed,
// and the conference ends if nobody else is in it or on the way.
func (c *Call) addFailedLocked() {
	c.addFailedAsLocked(leftAddFailed, string(c.line.status))
}

// addFailedAsLocked takes a call of the Participants API off its way to
// the conference, for reason, reporting its call's status as callStatus.
func (c *Call) addFailedAsLocked(reason, callStatus string) {
	p := c.joins
	c.joins = nil
	cf := p.conf
	cf.adding = slices.DeleteFunc(cf.adding, func(q *participant) bool { return q == p })
	if p.label != "" && cf.labels[p.label] == p {
		delete(cf.labels, p.label)
	}
	p.status, p.left, p.updated = ParticipantFailed, cf.srv.clock.Now(), cf.srv.clock.Now()
	if cf.status == ConferenceCompleted {
		return
	}
	cf.eventLocked("participant-leave", p, signing.Params{
		{Name: "ParticipantCallStatus", Value: callStatus},
		{Name: "ReasonParticipantLeft", Value: reason},
	})
	if cf.ending.inFlight {
		return
	}
	if len(cf.parts) == 0 && len(cf.adding) == 0 {
		cf.endLocked(EndedLastLeft, nil, "")
		return
	}
	cf.farEndsSeeLeaveLocked(p) // the far ends waiting for it to leave see it go
}

// statusLocked is the participant's status as the Participants resource
// shows it: that of its call while a call of the Participants API rings.
func (p *participant) statusLocked() string {
	if p.present || p.status == ParticipantComplete || p.status == ParticipantFailed {
		return p.status
	}
	switch p.call.line.status {
	case StatusInitiated:
		return ParticipantConnecting
	case StatusRinging:
		return ParticipantRinging
	}
	return p.status
}

// startLocked starts the conference: its audio is mixed, the wait music
// stops, and its recording starts.
func (cf *conference) startLocked(by *participant) {
	now := cf.srv.clock.Now()
	cf.status, cf.started, cf.updated = ConferenceInProgress, now, now
	for _, p := range cf.parts {
		p.stopMusicLocked()
		p.call.recordLocked(callEvent{kind: EventConference, action: ActionStarted, more: &eventMore{sid: cf.sid, to: cf.name}})
	}
	cf.eventLocked("conference-start", nil, nil) // a conference event: no participant's parameters
	if cf.record == "record-from-start" || cf.record == "true" {
		cf.startRecordingLocked(by.call)
	}
	for _, p := range cf.parts {
		if p.hold {
			p.playLocked(musicHold, p.holdURL, p.holdMethod)
		}
	}
}

// leaveLocked takes p out of the room: reason is ReasonParticipantLeft,
// callStatus ParticipantCallStatus. The conference ends when p was its
// last participant or ends it on exit.
func (p *participant) leaveLocked(reason string, kicked bool) {
	p.leaveAsLocked(reason, kicked, participantCallStatus(p.call))
}

// leaveAsLocked is leaveLocked with the ParticipantCallStatus to report:
// completed for a call whose far end has just hung up.
func (p *participant) leaveAsLocked(reason string, kicked bool, callStatus string) {
	if !p.present {
		return
	}
	cf := p.conf
	now := cf.srv.clock.Now()
	p.present, p.left, p.updated, p.status = false, now, now, ParticipantComplete
	p.stopMusicLocked()
	if p.announcing != nil {
		p.announcing.stopLocked()
		p.announcing = nil
	}
	for _, t := range p.timers {
		cf.srv.clock.Cancel(t)
	}
	p.timers, p.waits = nil, nil
	cf.parts = slices.DeleteFunc(cf.parts, func(q *participant) bool { return q == p })
	cf.lastLeft = p
	if p.label != "" && cf.labels[p.label] == p {
		delete(cf.labels, p.label)
	}
	cf.updated = now
	p.call.recordLocked(callEvent{kind: EventConference, action: ActionLeft, text: reason, more: &eventMore{sid: cf.sid, to: cf.name}})
	p.leftSeq = cf.srv.seq
	cf.eventLocked("participant-leave", p, signing.Params{
		{Name: "ParticipantCallStatus", Value: callStatus},
		{Name: "ReasonParticipantLeft", Value: reason},
	})
	for _, q := range cf.parts {
		if q.coaching && q.coach == p.call.sid {
			q.coaching, q.coach = false, ""
		}
	}
	if cf.ending.inFlight {
		return
	}
	switch {
	case p.endOnExit:
		r := EndedModeratorLeft
		if kicked {
			r = EndedModeratorKicked
		}
		cf.endLocked(r, p, leftModeratorEnded)
		return
	case len(cf.parts) == 0 && len(cf.adding) == 0:
		r := EndedLastLeft
		if kicked {
			r = EndedLastKicked
		}
		cf.endLocked(r, p, "")
		return
	}
	if cf.status == ConferenceInProgress && p.beepOnExit {
		cf.beepLocked()
	}
	cf.farEndsSeeLeaveLocked(p)
}

// participantCallStatus is ParticipantCallStatus for a participant's call.
func participantCallStatus(c *Call) string {
	if c.line.status.Ended() {
		return string(c.line.status)
	}
	return string(StatusInProgress)
}

// endLocked ends the conference: every participant left drops out (reason
// othersReason on their leave events), then conference-end. by is the
// participant that ended it, nil when it ended over the API.
func (cf *conference) endLocked(reason string, by *participant, othersReason string) {
	if cf.status == ConferenceCompleted || cf.ending.inFlight {
		return
	}
	s := cf.srv
	cf.ending = confEnding{reason: reason, inFlight: true}
	if by != nil {
		cf.ending.callSID, cf.ending.label = by.call.sid, by.label
	}
	if othersReason == "" {
		othersReason = leftEndedViaAPI
	}
	for len(cf.parts) > 0 {
		p := cf.parts[0]
		p.leaveLocked(othersReason, false)
		p.droppedLocked()
	}
	for len(cf.adding) > 0 { // calls of the Participants API still ringing
		c := cf.adding[0].call
		c.addFailedAsLocked(othersReason, string(StatusCanceled))
		c.recordLocked(callEvent{kind: EventHangup, text: "the conference it was added to has ended"})
		c.finishLocked(StatusCanceled, sipRequestTerm, "the conference ended")
	}
	if cf.announce != nil {
		cf.announce.stopLocked()
		cf.announce = nil
	}
	now := s.clock.Now()
	cf.status, cf.updated = ConferenceCompleted, now
	cf.ending.inFlight = false
	delete(s.confs.live, confKey{cf.account, cf.name})
	extra := signing.Params{{Name: "ReasonConferenceEnded", Value: reason}, {Name: "Reason", Value: endReasonText(reason)}}
	if by != nil {
		extra = append(extra, signing.Param{Name: "CallSidEndingConference", Value: by.call.sid})
		if by.label != "" {
			extra = append(extra, signing.Param{Name: "ParticipantLabelEndingConference", Value: by.label})
		}
	}
	cf.eventLocked("conference-end", nil, extra)
	cf.stopRecordingLocked()
	s.conferenceEndedLocked(cf)
}

// endReasonText is the free text of Reason on conference-end.
func endReasonText(reason string) string {
	switch reason {
	case EndedViaAPI:
		return "Conference ended via API"
	case EndedLastLeft:
		return "Participant left the conference"
	case EndedLastKicked:
		return "Participant was kicked from the conference"
	case EndedModeratorLeft:
		return "Participant with endConferenceOnExit left the conference"
	case EndedModeratorKicked:
		return "Participant with endConferenceOnExit was kicked from the conference"
	}
	return reason
}

// droppedLocked is what happens to p's call once the conference dropped
// it: a <Dial><Conference> ends (its action, or the next verb); a call
// added over REST has no TwiML left and hangs up.
func (p *participant) droppedLocked() {
	c := p.call
	if c.conf == p {
		c.conf = nil
	}
	if c.line.status.Ended() {
		return
	}
	if p.verb != nil {
		p.verb.droppedLocked()
		return
	}
	c.hangUpLocked(StatusCompleted, "the participant left the conference and has no TwiML to go on with")
}

// kickLocked removes p (the Participants API's delete).
func (p *participant) kickLocked() {
	p.leaveLocked(leftUpdatedViaAPI, true)
	p.droppedLocked()
}

// beepLocked plays the beep to the room. Every listener's event shares
// one eventMore, which nothing changes once recorded.
//
// A beep is kept once, in the conference, not in the history of every
// participant's call: a join or a leave then costs the same in a room of
// 250 as in a room of 2. What each participant heard of the beeps is
// worked out when asked ([Call.Heard]), from when it was in the room and
// not on hold.
func (cf *conference) beepLocked() {
	if len(cf.beeps) < conferenceEventsLimit {
		cf.beeps = append(cf.beeps, mark{seq: cf.srv.nextSeqLocked(), at: cf.srv.clock.Now()})
	}
}

// mark is a point in the record: its sequence number and virtual time.
type mark struct {
	seq uint64
	at  time.Time
}

// heardBeepLocked reports whether p heard the beep b: it was in the room
// then and not on hold.
func (p *participant) heardBeepLocked(b mark) bool {
	if b.seq < p.joinSeq || p.leftSeq != 0 && b.seq > p.leftSeq {
		return false
	}
	for _, h := range p.holds {
		if b.seq > h[0] && (h[1] == 0 || b.seq < h[1]) {
			return false
		}
	}
	return true
}

// hearsLocked reports whether listener hears speaker: both are in the
// room of a started conference, neither is on hold, the speaker is not
// muted, and a coach is heard only by the participant it coaches.
func (cf *conference) hearsLocked(listener, speaker *participant) bool {
	switch {
	case listener == speaker || !listener.present || !speaker.present:
		return false
	case cf.status != ConferenceInProgress:
		return false
	case listener.hold || speaker.hold || speaker.muted:
		return false
	case speaker.coaching:
		return speaker.coach == listener.call.sid
	}
	return true
}

// speakLocked makes p say words (or talk for d when words is empty): the
// participants who hear it record it, and the speaker events go out.
func (p *participant) speakLocked(words string, d time.Duration) {
	cf := p.conf
	if !p.present {
		return
	}
	spoke := ActionSpoke
	if words == "" {
		spoke = ActionTalked
	}
	p.call.recordLocked(callEvent{kind: EventInput, action: spoke, text: words, dur: d, more: &eventMore{sid: cf.sid, to: cf.name}})
	cf.eventLocked("participant-speech-start", p, nil)
	heard := 0
	more := &eventMore{source: p.call.sid, sid: cf.sid, to: cf.name, name: p.label} // shared, as a beep's
	for _, q := range cf.parts {
		if cf.hearsLocked(q, p) {
			heard++
			q.call.recordLocked(callEvent{kind: EventConference, action: ActionHeard, text: words, dur: d, more: more})
		}
	}
	if heard == 0 {
		p.call.noteLocked(fmt.Sprintf("nobody in conference %q hears it (%s)", cf.name, cf.whyUnheardLocked(p)))
	}
	c := p.call
	c.afterUnlessEndedLocked(d, func() {
		if p.present {
			cf.eventLocked("participant-speech-stop", p, nil)
		}
	})
}

// whyUnheardLocked says why nobody hears p.
func (cf *conference) whyUnheardLocked(p *participant) string {
	switch {
	case cf.status != ConferenceInProgress:
		return "the conference has not started"
	case p.muted:
		return "muted"
	case p.hold:
		return "on hold"
	case p.coaching:
		return "coaching " + p.coach
	}
	return "alone in the room"
}

// eventLocked records the conference event name (about p, nil for none)
// and sends it to the status callback when subscribed. extra are the
// event's own parameters.
func (cf *conference) eventLocked(name string, p *participant, extra signing.Params) {
	s := cf.srv
	ev := confEvent{seq: s.nextSeqLocked(), at: s.clock.Now(), name: name, extra: extra}
	if p != nil {
		ev.callSID, ev.label = p.call.sid, p.label
		ev.flags = p.flagsLocked()
	}
	owner := cf.ownerLocked(p)
	if cf.cb.url != "" && cf.cb.events[name] && owner != nil {
		params := cf.callbackParamsLocked(name, p, extra)
		w := s.out.buildLocked(KindConferenceCallback, owner, cf.cb.method, cf.cb.url, params)
		ev.hook = w
		s.out.postLocked(w)
	}
	if len(cf.history) < conferenceEventsLimit {
		cf.history = append(cf.history, ev)
	}
}

// ownerLocked is the call a conference's request is made for: p's, or
// the participant's that joined last, or the last that left.
func (cf *conference) ownerLocked(p *participant) *Call {
	switch {
	case p != nil:
		return p.call
	case len(cf.parts) > 0:
		return cf.parts[len(cf.parts)-1].call
	case cf.lastLeft != nil:
		return cf.lastLeft.call
	case len(cf.everyone) > 0:
		return cf.everyone[len(cf.everyone)-1].call
	}
	return nil
}

// flags are a participant's flags at an event.
type participantFlags struct {
	muted, hold, coaching, startOnEnter, endOnExit bool
	coach                                          string
}

func (p *participant) flagsLocked() participantFlags {
	return participantFlags{muted: p.muted, hold: p.hold, coaching: p.coaching, startOnEnter: p.startOnEnter,
		endOnExit: p.endOnExit, coach: p.coach}
}

// callbackParamsLocked returns the parameters of a conference status
// callback.
func (cf *conference) callbackParamsLocked(name string, p *participant, extra signing.Params) signing.Params {
	s := cf.srv
	params := make(signing.Params, 0, 16)
	params = append(params,
		signing.Param{Name: "AccountSid", Value: cf.account},
		signing.Param{Name: "ConferenceSid", Value: cf.sid},
		signing.Param{Name: "FriendlyName", Value: cf.name},
		signing.Param{Name: "SequenceNumber", Value: strconv.Itoa(cf.nextSeqLocked())},
		signing.Param{Name: "StatusCallbackEvent", Value: name},
		signing.Param{Name: "Timestamp", Value: s.clock.Now().UTC().Format(conferenceTimestamp)},
	)
	if p != nil {
		params = append(params,
			signing.Param{Name: "CallSid", Value: p.call.sid},
			signing.Param{Name: "Coaching", Value: strconv.FormatBool(p.coaching)},
			signing.Param{Name: "EndConferenceOnExit", Value: strconv.FormatBool(p.endOnExit)},
			signing.Param{Name: "Hold", Value: strconv.FormatBool(p.hold)},
			signing.Param{Name: "Muted", Value: strconv.FormatBool(p.muted)},
			signing.Param{Name: "StartConferenceOnEnter", Value: strconv.FormatBool(p.startOnEnter)},
		)
		if p.coaching {
			params = append(params, signing.Param{Name: "CallSidToCoach", Value: p.coach})
		}
		if p.label != "" {
			params = append(params, signing.Param{Name: "ParticipantLabel", Value: p.label})
		}
	}
	return append(params, extra...)
}

// nextSeqLocked returns the conference's next SequenceNumber: from 1, or
// from 0 with [Fidelity.ConferenceSequenceFromZero].
func (cf *conference) nextSeqLocked() int {
	n := cf.seq
	cf.seq++
	if cf.srv.cfg.fidelity.ConferenceSequenceFromZero {
		return n
	}
	return n + 1
}

// setMutedLocked mutes or unmutes p.
func (p *participant) setMutedLocked(muted bool) {
	if p.muted == muted {
		return
	}
	p.muted, p.updated = muted, p.conf.srv.clock.Now()
	action, name := ActionMuted, "participant-mute"
	if !muted {
		action, name = ActionUnmuted, "participant-unmute"
	}
	p.call.recordLocked(callEvent{kind: EventConference, action: action, more: &eventMore{sid: p.conf.sid, to: p.conf.name}})
	p.conf.eventLocked(name, p, nil)
}

// setHoldLocked puts p on hold (hearing the document at url, Twilio's hold
// music when url is empty) or takes it off.
func (p *participant) setHoldLocked(hold bool, url, method string) {
	if hold {
		if url == "" {
			url, method = defaultHoldMusic, http.MethodGet
		}
		p.holdURL, p.holdMethod = url, method
	}
	if p.hold == hold {
		return
	}
	p.hold, p.updated = hold, p.conf.srv.clock.Now()
	action, name := ActionHeld, "participant-hold"
	if !hold {
		action, name = ActionUnheld, "participant-unhold"
	}
	p.call.recordLocked(callEvent{kind: EventConference, action: action, url: p.holdURL, more: &eventMore{sid: p.conf.sid, to: p.conf.name}})
	if seq := p.conf.srv.seq; hold {
		p.holds = append(p.holds, [2]uint64{seq, 0})
	} else if n := len(p.holds); n > 0 {
		p.holds[n-1][1] = seq
	}
	p.conf.eventLocked(name, p, nil)
	switch {
	case hold && p.conf.status == ConferenceInProgress:
		p.playLocked(musicHold, p.holdURL, p.holdMethod)
	case !hold:
		p.stopMusicLocked()
		if p.conf.status == ConferenceInit {
			p.playLocked(musicWait, p.waitURL, p.waitMethod)
		}
	}
}

// modifiedLocked reports a change of EndConferenceOnExit, BeepOnExit,
// coaching or WaitUrl.
func (p *participant) modifiedLocked() {
	p.updated = p.conf.srv.clock.Now()
	p.call.recordLocked(callEvent{kind: EventConference, action: ActionModified, more: &eventMore{sid: p.conf.sid, to: p.conf.name}})
	p.conf.eventLocked("participant-modify", p, nil)
}

// stopMusicLocked stops the wait or hold music playing to p.
func (p *participant) stopMusicLocked() {
	if p.music != nil {
		p.music.stopLocked()
		p.music = nil
	}
}

// playLocked plays the document at url to p alone (wait or hold music).
func (p *participant) playLocked(kind musicKind, url, method string) {
	p.stopMusicLocked()
	hear := func(ev callEvent) {
		ev.more.sid, ev.more.to = p.conf.sid, p.conf.name // as announcements do: the record names the room
		p.call.recordLocked(ev)
	}
	p.music = newMusic(p.call, kind, url, method, hear, nil)
	p.music.startLocked()
}

// farEndsSeeLeaveLocked runs the steps of the participants still in the
// room that wait for someone to leave.
func (cf *conference) farEndsSeeLeaveLocked(gone *participant) {
	var waiting []*participant // usually none: no copy of the room on every leave
	for _, q := range cf.parts {
		if len(q.waits) > 0 {
			waiting = append(waiting, q)
		}
	}
	for _, q := range waiting {
		q.sawLeaveLocked(gone)
	}
}

// ConferenceEvent is one entry of a conference's history: an event of its
// status callback (sent or not: a conference keeps every event, and
// Request is set when the callback subscribed to it).
type ConferenceEvent struct {
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time"` // virtual
	// Name is the StatusCallbackEvent: conference-start, participant-join…
	Name string `json:"name"`
	// CallSID and Label are the participant's, for participant events.
	CallSID string `json:"call_sid,omitempty"`
	Label   string `json:"label,omitempty"`
	// Muted, Hold, Coaching, StartConferenceOnEnter and EndConferenceOnExit
	// are the participant's flags after the event.
	Muted                  bool `json:"muted,omitempty"`
	Hold                   bool `json:"hold,omitempty"`
	Coaching               bool `json:"coaching,omitempty"`
	StartConferenceOnEnter bool `json:"start_conference_on_enter,omitempty"`
	EndConferenceOnExit    bool `json:"end_conference_on_exit,omitempty"`
	// Params are the event's own parameters (ReasonParticipantLeft,
	// ReasonConferenceEnded, AnnounceUrl…).
	Params map[string]string `json:"params,omitempty"`
	// Request is the status callback that reported it, when subscribed.
	Request *Request `json:"request,omitempty"`
}

// confEvent is the compact form of a ConferenceEvent.
type confEvent struct {
	seq     uint64
	at      time.Time
	name    string
	callSID string
	label   string
	flags   participantFlags
	extra   signing.Params
	hook    *webhook
}

func (e *confEvent) exportLocked() ConferenceEvent {
	out := ConferenceEvent{Seq: e.seq, Time: e.at, Name: e.name, CallSID: e.callSID, Label: e.label,
		Muted: e.flags.muted, Hold: e.flags.hold, Coaching: e.flags.coaching,
		StartConferenceOnEnter: e.flags.startOnEnter, EndConferenceOnExit: e.flags.endOnExit}
	if len(e.extra) > 0 {
		out.Params = make(map[string]string, len(e.extra))
		for _, kv := range e.extra {
			out.Params[kv.Name] = kv.Value
		}
	}
	if e.hook != nil {
		r := e.hook.exportLocked()
		out.Request = &r
	}
	return out
}
