package harness

import (
	"net/http"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// The Conferences resource: …/Conferences.json (list) and
// …/Conferences/{Sid}.json (fetch, update). Twilio has no create (a
// conference comes into being when its first participant joins) and no
// delete.

// conferencesResource is …/Conferences.json and …/Conferences/{Sid}.json.
func conferencesResource() resource {
	return resource{path: "Conferences", list: (*Server).listConferences,
		fetch: (*Server).fetchConference, update: (*Server).updateConference}
}

// conferenceResource is the Conference resource as Twilio renders it.
type conferenceResource struct {
	AccountSid              string          `json:"account_sid"`
	DateCreated             string          `json:"date_created"`
	DateUpdated             string          `json:"date_updated"`
	APIVersion              string          `json:"api_version"`
	FriendlyName            string          `json:"friendly_name"`
	Region                  string          `json:"region"`
	Sid                     string          `json:"sid"`
	Status                  string          `json:"status"`
	URI                     string          `json:"uri"`
	SubresourceURIs         twilioapi.Links `json:"subresource_uris"`
	ReasonConferenceEnded   *string         `json:"reason_conference_ended"`
	CallSidEndingConference *string         `json:"call_sid_ending_conference"`
}

// conferenceSchema renders conferences: <Conference> in XML, "conferences"
// in lists. Immutable.
var conferenceSchema = twilioapi.NewSchema[conferenceResource]("Conference", "conferences")

// conferenceSubresources are a conference's subresource URIs, in the order
// of Twilio's example.
var conferenceSubresources = [][2]string{{"participants", "Participants"}, {"recordings", "Recordings"}}

// uri is the conference's URI without its extension.
func (cf *conference) uri() string {
	return "/" + apiVersion + "/Accounts/" + cf.account + "/Conferences/" + cf.sid
}

// resourceLocked renders the conference as the REST API shows it:
// reason_conference_ended and call_sid_ending_conference are null until it
// ends (and the call SID stays null when no participant ended it).
func (cf *conference) resourceLocked() *conferenceResource {
	base := cf.uri()
	r := &conferenceResource{
		AccountSid:      cf.account,
		DateCreated:     twilioapi.Date(cf.created),
		DateUpdated:     twilioapi.Date(cf.updated),
		APIVersion:      apiVersion,
		FriendlyName:    cf.name,
		Region:          cf.region,
		Sid:             cf.sid,
		Status:          cf.status,
		URI:             base + ".json",
		SubresourceURIs: twilioapi.Links{Base: base, Names: conferenceSubresources},
	}
	if cf.status == ConferenceCompleted {
		r.ReasonConferenceEnded = strPtr(cf.ending.reason)
		if cf.ending.callSID != "" {
			r.CallSidEndingConference = strPtr(cf.ending.callSID)
		}
	}
	return r
}

// conferenceListing declares the Conferences list's filters, in the order
// Twilio's description lists them. Its tests run with srv.mu held.
var conferenceListing = &listing[*conference]{
	key: func(cf *conference) string { return cf.sid },
	filters: []listFilter[*conference]{
		{"DateCreated", timeFilter[*conference]("DateCreated", confCreated)},
		{"DateCreated<", timeFilter[*conference]("DateCreated<", confCreated)},
		{"DateCreated>", timeFilter[*conference]("DateCreated>", confCreated)},
		{"DateUpdated", timeFilter[*conference]("DateUpdated", confUpdated)},
		{"DateUpdated<", timeFilter[*conference]("DateUpdated<", confUpdated)},
		{"DateUpdated>", timeFilter[*conference]("DateUpdated>", confUpdated)},
		{"FriendlyName", func(v string) (func(*conference) bool, *APIError) {
			return func(cf *conference) bool { return cf.name == v }, nil
		}},
		{"Status", func(v string) (func(*conference) bool, *APIError) {
			switch v {
			case ConferenceInit, ConferenceInProgress, ConferenceCompleted:
			default:
				return nil, badRequest(codeBadRequest, "Status must be one of init, in-progress, completed: %s", v)
			}
			return func(cf *conference) bool { return cf.status == v }, nil
		}},
	},
}

func confCreated(cf *conference) time.Time { return cf.created }

func confUpdated(cf *conference) time.Time { return cf.updated }

// listConferences answers GET /Conferences.json: the account's
// conferences, newest first, filtered and paged.
func (s *Server) listConferences(req *apiRequest) apiReply {
	lq, aerr := conferenceListing.parse(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Fidelity: newest first, as the Calls list; Twilio does not document
	// the order of conferences.
	all := s.confs.order
	matched := make([]*conference, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		if cf := all[i]; cf.account == req.acct.sid && lq.matches(cf) {
			matched = append(matched, cf)
		}
	}
	return pageReply(conferenceSchema, page(conferenceListing, lq, matched, req.path, (*conference).resourceLocked))
}

// conferenceOfLocked returns the account's conference whose SID is sid, or
// nil.
func (s *Server) conferenceOfLocked(acct *account, sid string) *conference {
	cf := s.confs.bySID[sid]
	if cf == nil || cf.account != acct.sid {
		return nil
	}
	return cf
}

// fetchConference answers GET /Conferences/{Sid}.json, an ended conference
// too.
func (s *Server) fetchConference(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	cf := s.conferenceOfLocked(req.acct, req.param("Sid"))
	if cf == nil {
		return apiReply{err: notFound(req.path)}
	}
	return instance(http.StatusOK, conferenceSchema, cf.resourceLocked(), "")
}

// updateConference answers POST /Conferences/{Sid}.json: Status=completed
// ends the conference (conference-ended-via-api); AnnounceUrl plays a
// document to everyone in it.
func (s *Server) updateConference(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	status := form.Get("Status")
	if status != "" && status != ConferenceCompleted {
		return apiReply{err: badRequest(codeBadRequest, "Status must be completed (the only status a conference can be given): %s", status)}
	}
	announce, aerr := urlParam(form, "AnnounceUrl")
	if aerr != nil {
		return apiReply{err: aerr}
	}
	method, aerr := methodParam(form, "AnnounceMethod")
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	cf := s.conferenceOfLocked(req.acct, req.param("Sid"))
	if cf == nil {
		return apiReply{err: notFound(req.path)}
	}
	switch {
	case status == ConferenceCompleted:
		// Fidelity: ending a conference that has already ended changes
		// nothing and answers it as it is (200, completed), the request's
		// aim being met; with AnnounceUrl too, the end wins and nothing is
		// announced.
		cf.endLocked(EndedViaAPI, nil, "")
	case announce != "":
		// Fidelity: an announcement needs someone in the room to hear it:
		// to a completed conference, or to one whose participants are all
		// still being dialed, Twilio's 16001 "Conference is not active"
		// (HTTP 400).
		switch {
		case cf.status == ConferenceCompleted:
			return apiReply{err: badRequest(codeConferenceNotActive, "Conference %s is not active: it has ended, and nothing can be announced to it", cf.sid)}
		case len(cf.parts) == 0:
			return apiReply{err: badRequest(codeConferenceNotActive, "Conference %s is not active: nobody is in the room yet to hear an announcement", cf.sid)}
		}
		cf.announceLocked(announce, method)
	}
	return instance(http.StatusOK, conferenceSchema, cf.resourceLocked(), "")
}

// conferenceRecordingsResource is …/Conferences/{ConferenceSid}/Recordings.json
// (list) and its instances (fetch): the conference's recording
// (record="record-from-start", ConferenceRecord).
func conferenceRecordingsResource() resource {
	return resource{path: "Conferences/{ConferenceSid}/Recordings", list: (*Server).listConferenceRecordings,
		fetch: (*Server).fetchConferenceRecording}
}

// conferenceRecordingResource is a recording under its conference: the
// account's representation without its subresources and media URL.
type conferenceRecordingResource struct {
	recordingFields
	Price *string `json:"price"`
}

var conferenceRecordingSchema = twilioapi.NewSchema[conferenceRecordingResource]("Recording", "recordings")

// conferenceRecordingListing declares the list's filters.
var conferenceRecordingListing = &listing[*Recording]{
	key: func(r *Recording) string { return r.SID },
	filters: []listFilter[*Recording]{
		{"DateCreated", timeFilter[*Recording]("DateCreated", recordingStart)},
		{"DateCreated<", timeFilter[*Recording]("DateCreated<", recordingStart)},
		{"DateCreated>", timeFilter[*Recording]("DateCreated>", recordingStart)},
	},
}

// conferenceResourceLocked renders r under its conference.
func (r *Recording) conferenceResourceLocked() *conferenceRecordingResource {
	res := &conferenceRecordingResource{recordingFields: r.fieldsLocked(), Price: r.resourceLocked().Price}
	res.URI = "/" + apiVersion + "/Accounts/" + r.AccountSID + "/Conferences/" + r.ConferenceSID + "/Recordings/" + r.SID + ".json"
	return res
}

// conferenceRecordingsLocked returns the recordings of the request's
// conference that are not deleted: its one recording, if it was recorded.
func (s *Server) conferenceRecordingsLocked(req *apiRequest) ([]*Recording, *APIError) {
	cf, aerr := s.confOfRequestLocked(req)
	if aerr != nil {
		return nil, aerr
	}
	if cf.rec == nil || cf.rec.deleted {
		return nil, nil
	}
	return []*Recording{cf.rec}, nil
}

// listConferenceRecordings answers GET /Conferences/{ConferenceSid}/Recordings.json.
func (s *Server) listConferenceRecordings(req *apiRequest) apiReply {
	lq, aerr := conferenceRecordingListing.parse(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, aerr := s.conferenceRecordingsLocked(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	matched := make([]*Recording, 0, len(recs))
	for _, r := range recs {
		if lq.matches(r) {
			matched = append(matched, r)
		}
	}
	return pageReply(conferenceRecordingSchema, page(conferenceRecordingListing, lq, matched, req.path, (*Recording).conferenceResourceLocked))
}

// fetchConferenceRecording answers GET /Conferences/{ConferenceSid}/Recordings/{Sid}.json.
func (s *Server) fetchConferenceRecording(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, aerr := s.conferenceRecordingsLocked(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	for _, r := range recs {
		if r.SID == req.param("Sid") {
			return instance(http.StatusOK, conferenceRecordingSchema, r.conferenceResourceLocked(), "")
		}
	}
	return apiReply{err: notFound(req.path)}
}
