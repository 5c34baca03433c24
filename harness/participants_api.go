package harness

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// The Participants resource: …/Conferences/{ConferenceSid}/Participants.json
// (list; create dials a number into the conference) and
// …/Participants/{CallSid}.json (fetch, update, delete), where {CallSid} is
// a call SID or a participant's label. Only the participants in the room,
// or on their way there, are listed and found: Twilio keeps no history of
// those who left.

// participantsResource is the Participants resource.
func participantsResource() resource {
	return resource{path: "Conferences/{ConferenceSid}/Participants",
		list: (*Server).listParticipants, create: (*Server).createParticipant,
		fetch: (*Server).fetchParticipant, update: (*Server).updateParticipant, delete: (*Server).deleteParticipant}
}

// participantResource is the Participant resource as Twilio renders it.
type participantResource struct {
	AccountSid             string  `json:"account_sid"`
	CallSid                string  `json:"call_sid"`
	Label                  *string `json:"label"`
	CallSidToCoach         *string `json:"call_sid_to_coach"`
	Coaching               bool    `json:"coaching"`
	ConferenceSid          string  `json:"conference_sid"`
	DateCreated            string  `json:"date_created"`
	DateUpdated            string  `json:"date_updated"`
	EndConferenceOnExit    bool    `json:"end_conference_on_exit"`
	Muted                  bool    `json:"muted"`
	Hold                   bool    `json:"hold"`
	StartConferenceOnEnter bool    `json:"start_conference_on_enter"`
	Status                 string  `json:"status"`
	QueueTime              *string `json:"queue_time"`
	URI                    string  `json:"uri"`
}

// participantSchema renders participants: <Participant> in XML,
// "participants" in lists. Immutable.
var participantSchema = twilioapi.NewSchema[participantResource]("Participant", "participants")

// resourceLocked renders the participant as the REST API shows it;
// queue_time is null but in the create response.
func (p *participant) resourceLocked() *participantResource {
	cf := p.conf
	r := &participantResource{
		AccountSid:             cf.account,
		CallSid:                p.call.sid,
		Coaching:               p.coaching,
		ConferenceSid:          cf.sid,
		DateCreated:            twilioapi.Date(p.created),
		DateUpdated:            twilioapi.Date(p.updated),
		EndConferenceOnExit:    p.endOnExit,
		Muted:                  p.muted,
		Hold:                   p.hold,
		StartConferenceOnEnter: p.startOnEnter,
		Status:                 p.statusLocked(),
		URI:                    cf.uri() + "/Participants/" + p.call.sid + ".json",
	}
	if p.label != "" {
		r.Label = strPtr(p.label)
	}
	if p.coaching && p.coach != "" {
		r.CallSidToCoach = strPtr(p.coach)
	}
	return r
}

// participantListing declares the Participants list's filters. Its tests
// run with srv.mu held.
var participantListing = &listing[*participant]{
	key: func(p *participant) string { return p.call.sid },
	filters: []listFilter[*participant]{
		{"Muted", flagFilter("Muted", func(p *participant) bool { return p.muted })},
		{"Hold", flagFilter("Hold", func(p *participant) bool { return p.hold })},
		{"Coaching", flagFilter("Coaching", func(p *participant) bool { return p.coaching })},
	},
}

// flagFilter keeps participants whose flag is the value given, true or
// false.
func flagFilter(name string, flag func(*participant) bool) func(string) (func(*participant) bool, *APIError) {
	return func(v string) (func(*participant) bool, *APIError) {
		var want bool
		switch strings.ToLower(v) {
		case "true":
			want = true
		case "false":
		default:
			return nil, badRequest(codeBadRequest, "%s must be true or false: %s", name, v)
		}
		return func(p *participant) bool { return flag(p) == want }, nil
	}
}

// confOfRequestLocked returns the account's conference the request's
// {ConferenceSid} names, or 20404.
func (s *Server) confOfRequestLocked(req *apiRequest) (*conference, *APIError) {
	cf := s.conferenceOfLocked(req.acct, req.param("ConferenceSid"))
	if cf == nil {
		return nil, notFound(req.path)
	}
	return cf, nil
}

// participantOfRequestLocked returns the participant the request's
// {CallSid} names (a call SID or a label), in the room or on its way, or
// 20404.
func (s *Server) participantOfRequestLocked(req *apiRequest) (*participant, *APIError) {
	cf, aerr := s.confOfRequestLocked(req)
	if aerr != nil {
		return nil, aerr
	}
	// Fidelity: a participant who left, or whose conference ended, is not
	// found (20404), as it is no longer listed.
	p := cf.participantLocked(req.param("Sid"))
	if p == nil {
		return nil, notFound(req.path)
	}
	return p, nil
}

// listParticipants answers GET /Participants.json: the participants in
// the room, in the order they joined, then those being dialed.
func (s *Server) listParticipants(req *apiRequest) apiReply {
	lq, aerr := participantListing.parse(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cf, aerr := s.confOfRequestLocked(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	// Fidelity: the participants in the room in the order they joined,
	// then those being dialed in the order they were added; Twilio does
	// not document the order.
	matched := make([]*participant, 0, len(cf.parts)+len(cf.adding))
	for _, list := range [][]*participant{cf.parts, cf.adding} {
		for _, p := range list {
			if lq.matches(p) {
				matched = append(matched, p)
			}
		}
	}
	return pageReply(participantSchema, page(participantListing, lq, matched, req.path, (*participant).resourceLocked))
}

// fetchParticipant answers GET /Participants/{CallSid}.json.
func (s *Server) fetchParticipant(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, aerr := s.participantOfRequestLocked(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	return instance(http.StatusOK, participantSchema, p.resourceLocked(), p.call.sid)
}

// createParticipant answers POST /Conferences/{ConferenceSid}/Participants.json:
// an outbound call to To, which joins the conference when answered. The
// conference is named by its SID (it must be live: 16022) or by its
// friendly name (a name with no live conference makes one).
func (s *Server) createParticipant(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	pp, aerr := parseParticipantCreate(form, s.cfg.fidelity)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	acct := req.acct
	if aerr := s.checkFromLocked(acct, pp.call.from); aerr != nil {
		return apiReply{err: aerr}
	}
	shown, aerr := s.checkCallerIDLocked(acct, pp)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	id := req.param("ConferenceSid")
	var cf *conference
	if conferenceSIDPattern.MatchString(id) {
		// Fidelity: a conference SID that is unknown or names a completed
		// conference is refused with 16022 and HTTP 400 (Twilio documents
		// the code, not the status); a name shaped like a conference SID
		// is read as a SID.
		cf = s.conferenceOfLocked(acct, id)
		if cf == nil || cf.status == ConferenceCompleted {
			return apiReply{err: badRequest(codeConferenceNotFound, "Conference %s does not exist or has ended: participants can be added to a live conference, or to a new one by its friendly name", id)}
		}
	} else {
		cf = s.confs.live[confKey{acct.sid, id}]
	}
	sp := &pp.spec
	if cf != nil {
		if sp.label != "" && cf.labels[sp.label] != nil {
			return apiReply{err: badRequest(codeParticipantLabelTaken, "Label %q is already in use in conference %s: labels are unique in a conference", sp.label, cf.sid)}
		}
		// Fidelity: a conference that has maxParticipants in the room or
		// being dialed refuses another with 16020 "Conference is full"
		// (HTTP 400) rather than dialing a call that could not join.
		if len(cf.parts)+len(cf.adding) >= cf.max {
			return apiReply{err: badRequest(CodeConferenceFull, "Conference %s is full: it has its maxParticipants (%d) in the room or being dialed", cf.sid, cf.max)}
		}
	}
	if sp.coach != "" {
		coach, aerr := cf.coachedLocked(nil, sp.coach)
		if aerr != nil {
			return apiReply{err: aerr}
		}
		sp.coach = coach
	}
	if cf == nil {
		cf = s.conferenceLocked(acct.sid, id, sp)
	}
	c := s.newParticipantCallLocked(acct, pp.call, shown)
	p := cf.addLocked(c, sp)
	if len(pp.asyncAMD) > 0 {
		c.notifyLocked(codeAMDParamsInvalid, LevelWarning, fmt.Sprintf("%s: the Participants API does not take the Calls API's asynchronous AMD parameters and ignores them; "+
			"its AMD result goes to AmdStatusCallback", strings.Join(pp.asyncAMD, ", ")), "", "")
	}
	res := p.resourceLocked()
	res.QueueTime = strPtr(strconv.FormatInt(s.cfg.queueTime.Milliseconds(), 10))
	return instance(http.StatusCreated, participantSchema, res, c.sid)
}

// newParticipantCallLocked creates the queued outbound-api call of a new
// participant, showing the caller ID shown. It has no TwiML: once
// answered it joins its conference.
func (s *Server) newParticipantCallLocked(acct *account, p *callParams, shown string) *Call {
	c := s.newCallBaseLocked(acct.sid, DirectionOutboundAPI, p.to, shown)
	c.params, c.line.timeLimit = p, p.timeLimit
	c.callback = callback{url: p.statusCallback, method: p.statusCallbackMethod, events: p.events}
	s.addCallLocked(c)
	c.setStatusLocked(StatusQueued)
	c.program.step = c.afterLocked(s.cfg.queueTime, c.dequeue)
	return c
}

// updateParticipant answers POST /Participants/{CallSid}.json: mute, hold
// (with HoldUrl), announce to it alone, change its wait music, BeepOnExit,
// EndConferenceOnExit, coaching.
func (s *Server) updateParticipant(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	u, perr := parseParticipantUpdate(form)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	p, aerr := s.participantOfRequestLocked(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	if perr != nil {
		return apiReply{callSID: p.call.sid, err: perr}
	}
	cf := p.conf
	coach := ""
	if u.coaching != nil && *u.coaching {
		if coach, aerr = cf.coachedLocked(p, u.coach); aerr != nil {
			return apiReply{callSID: p.call.sid, err: aerr}
		}
	}
	if u.announceURL != "" && !p.present {
		// Fidelity: an announcement to a participant still being dialed
		// is refused with 16001 (HTTP 400): it is not in the room to hear
		// it.
		return apiReply{callSID: p.call.sid, err: badRequest(codeConferenceNotActive, "Participant %s is not in conference %s yet (it is %s): nothing can be announced to it", p.call.sid, cf.sid, p.statusLocked())}
	}
	p.updateLocked(u, coach)
	return instance(http.StatusOK, participantSchema, p.resourceLocked(), p.call.sid)
}

// updateLocked applies a validated update: mute and hold first (their own
// events), then the changes participant-modify reports, then the
// announcement.
//
// Fidelity: participant-modify is sent once per update that changes
// BeepOnExit, EndConferenceOnExit, coaching or the wait music; an update
// that gives them their current values sends none. A participant still
// being dialed takes the changes silently: its events start when it joins.
func (p *participant) updateLocked(u *participantUpdate, coach string) {
	now := p.conf.srv.clock.Now()
	if u.muted != nil {
		if p.present {
			p.setMutedLocked(*u.muted)
		} else {
			p.muted, p.updated = *u.muted, now
		}
	}
	// Fidelity: HoldUrl and HoldMethod go with Hold=true; alone, they are
	// ignored.
	if u.hold != nil {
		switch {
		case p.present:
			p.setHoldLocked(*u.hold, u.holdURL, u.holdMethod)
		case *u.hold:
			p.hold, p.holdURL, p.holdMethod, p.updated = true, u.holdURL, u.holdMethod, now
			if p.holdURL == "" {
				p.holdURL, p.holdMethod = defaultHoldMusic, http.MethodGet
			}
		default:
			p.hold, p.updated = false, now
		}
	}
	modified := false
	if u.beepOnExit != nil && *u.beepOnExit != p.beepOnExit {
		p.beepOnExit, modified = *u.beepOnExit, true
	}
	if u.endOnExit != nil && *u.endOnExit != p.endOnExit {
		p.endOnExit, modified = *u.endOnExit, true
	}
	if u.coaching != nil && (*u.coaching != p.coaching || coach != p.coach) {
		p.coaching, p.coach, modified = *u.coaching, coach, true
	}
	if u.waitURL != nil && (*u.waitURL != p.waitURL || u.waitMethod != p.waitMethod) {
		p.waitURL, p.waitMethod, modified = *u.waitURL, u.waitMethod, true
		if p.present && !p.hold && p.conf.status == ConferenceInit {
			p.playLocked(musicWait, p.waitURL, p.waitMethod) // the new music, from its start
		}
	}
	switch {
	case modified && p.present:
		p.modifiedLocked()
	case modified:
		p.updated = now
	}
	if u.announceURL != "" {
		p.announceLocked(u.announceURL, u.announceMethod)
	}
}

// deleteParticipant answers DELETE /Participants/{CallSid}.json: the
// participant is removed ("kicked"). A call of the Participants API still
// being dialed is canceled.
func (s *Server) deleteParticipant(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	p, aerr := s.participantOfRequestLocked(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	if p.present {
		p.kickLocked()
	} else {
		// Fidelity: deleting a participant that is still being dialed
		// cancels its call; the conference reports participant-leave with
		// participant_add_failed and ParticipantCallStatus canceled.
		p.call.hangUpLocked(StatusCanceled, "the participant was removed over the REST API before it answered")
	}
	return apiReply{status: http.StatusNoContent, callSID: p.call.sid}
}
