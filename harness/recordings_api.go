package harness

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// The Recordings resource: every recording a call made (<Record>,
// Record=true, <Dial record>, <Start><Recording>, or the REST API's own),
// listed per account and per call, fetched, deleted; started, paused,
// resumed and stopped on a live call; and its media (recording_media.go).

// recordingsResource is …/Recordings.json and …/Recordings/{Sid}.json.
func recordingsResource() resource {
	return resource{path: "Recordings", list: (*Server).listRecordings,
		fetch: (*Server).fetchRecording, delete: (*Server).deleteRecording}
}

// callRecordingsResource is …/Calls/{CallSid}/Recordings.json and its
// instances.
func callRecordingsResource() resource {
	return resource{path: "Calls/{CallSid}/Recordings", list: (*Server).listRecordings,
		create: (*Server).createRecording, fetch: (*Server).fetchRecording,
		update: (*Server).updateRecording, delete: (*Server).deleteRecording}
}

// MaxRecordingPauses is how many times one recording may be paused: each
// pause is kept, and its media is rendered from them.
const MaxRecordingPauses = 1000

// RecordingPricePerMinute is what a recording costs a started minute, in
// USD, shown negative as Twilio shows charges.
const RecordingPricePerMinute = 0.0025

// recordingFields are the fields both representations of a recording
// share.
type recordingFields struct {
	AccountSid        string  `json:"account_sid"`
	APIVersion        string  `json:"api_version"`
	CallSid           *string `json:"call_sid"`
	ConferenceSid     *string `json:"conference_sid"`
	DateCreated       string  `json:"date_created"`
	DateUpdated       string  `json:"date_updated"`
	StartTime         string  `json:"start_time"`
	Duration          *string `json:"duration"`
	Sid               string  `json:"sid"`
	PriceUnit         *string `json:"price_unit"`
	Status            string  `json:"status"`
	Channels          int     `json:"channels"`
	Source            string  `json:"source"`
	ErrorCode         *int    `json:"error_code"`
	URI               string  `json:"uri"`
	EncryptionDetails *string `json:"encryption_details"`
}

// recordingResource is a recording under the account's Recordings.
type recordingResource struct {
	recordingFields
	Price           *string         `json:"price"`
	SubresourceURIs twilioapi.Links `json:"subresource_uris"`
	MediaURL        string          `json:"media_url"`
}

// callRecordingResource is a recording under its call: the price is a
// number, and the track is shown.
type callRecordingResource struct {
	recordingFields
	Price *float64 `json:"price"`
	Track string   `json:"track"`
}

var (
	recordingSchema     = twilioapi.NewSchema[recordingResource]("Recording", "recordings")
	callRecordingSchema = twilioapi.NewSchema[callRecordingResource]("Recording", "recordings")
)

// recordingSubresources are an account recording's subresource URIs.
var recordingSubresources = [][2]string{{"add_on_results", "AddOnResults"}, {"transcriptions", "Transcriptions"}}

// recordingListing declares the filters of both lists (the call's takes
// only the dates).
var recordingListing = &listing[*Recording]{
	key: func(r *Recording) string { return r.SID },
	filters: []listFilter[*Recording]{
		{"DateCreated", timeFilter[*Recording]("DateCreated", recordingStart)},
		{"DateCreated<", timeFilter[*Recording]("DateCreated<", recordingStart)},
		{"DateCreated>", timeFilter[*Recording]("DateCreated>", recordingStart)},
		{"CallSid", func(v string) (func(*Recording) bool, *APIError) {
			return func(r *Recording) bool { return r.CallSID == v }, nil
		}},
		{"ConferenceSid", func(v string) (func(*Recording) bool, *APIError) {
			return func(r *Recording) bool { return r.ConferenceSID == v }, nil
		}},
		{"IncludeSoftDeleted", func(v string) (func(*Recording) bool, *APIError) {
			if _, err := strconv.ParseBool(v); err != nil {
				return nil, badRequest(codeBadRequest, "IncludeSoftDeleted must be true or false: %s", v)
			}
			return func(*Recording) bool { return true }, nil // the handler reads it
		}},
	},
}

func recordingStart(r *Recording) time.Time { return r.Start }

// includeDeleted reports whether a request asks for soft-deleted
// recordings too.
func includeDeleted(req *apiRequest) bool {
	v, _ := strconv.ParseBool(req.query().Get("IncludeSoftDeleted"))
	return v
}

// recordingsOfLocked returns the recordings a request is about, oldest
// first: its call's, or every call's of the account; and the call's SID.
func (s *Server) recordingsOfLocked(req *apiRequest) ([]*Recording, string, *APIError) {
	if callSID := req.param("CallSid"); callSID != "" {
		c := s.lookupLocked(req.acct, callSID)
		if c == nil {
			return nil, "", notFound(req.path)
		}
		return c.history.recordings, callSID, nil
	}
	var out []*Recording
	for _, c := range s.order {
		if c.account == req.acct.sid {
			out = append(out, c.history.recordings...)
		}
	}
	return out, "", nil
}

// listRecordings answers GET /Recordings.json and
// GET /Calls/{CallSid}/Recordings.json: newest first, filtered and paged.
func (s *Server) listRecordings(req *apiRequest) apiReply {
	if req.param("CallSid") != "" {
		for _, name := range []string{"CallSid", "ConferenceSid", "IncludeSoftDeleted"} {
			if req.query().Has(name) {
				return apiReply{err: badRequest(codeBadRequest, "%s is not a filter of a call's recordings: list them under the account, /Recordings.json", name)}
			}
		}
	}
	lq, aerr := recordingListing.parse(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	deleted := includeDeleted(req)
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, callSID, aerr := s.recordingsOfLocked(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	matched := make([]*Recording, 0, len(recs))
	for i := len(recs) - 1; i >= 0; i-- {
		if r := recs[i]; (deleted || !r.deleted) && lq.matches(r) {
			matched = append(matched, r)
		}
	}
	slices.SortStableFunc(matched, func(a, b *Recording) int { return b.Start.Compare(a.Start) })
	var reply apiReply
	if callSID != "" {
		reply = pageReply(callRecordingSchema, page(recordingListing, lq, matched, req.path, (*Recording).callResourceLocked))
	} else {
		reply = pageReply(recordingSchema, page(recordingListing, lq, matched, req.path, (*Recording).resourceLocked))
	}
	reply.callSID = callSID
	return reply
}

// findRecordingLocked returns the recording sid of the request's call or
// account; Twilio.CURRENT names the call's recording in progress.
func (s *Server) findRecordingLocked(req *apiRequest, sid string) (*Recording, string, *APIError) {
	recs, callSID, aerr := s.recordingsOfLocked(req)
	if aerr != nil {
		return nil, "", aerr
	}
	for i := len(recs) - 1; i >= 0; i-- {
		r := recs[i]
		if r.SID == sid || sid == "Twilio.CURRENT" && callSID != "" && r.liveLocked() && r.ofCall() {
			if r.deleted && !includeDeleted(req) {
				break
			}
			return r, callSID, nil
		}
	}
	return nil, callSID, notFound(req.path)
}

// fetchRecording answers GET /Recordings/{Sid}.json and
// GET /Calls/{CallSid}/Recordings/{Sid}.json.
func (s *Server) fetchRecording(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, callSID, aerr := s.findRecordingLocked(req, req.param("Sid"))
	if aerr != nil {
		return apiReply{callSID: callSID, err: aerr}
	}
	return r.replyLocked(http.StatusOK, callSID, false)
}

// replyLocked renders r in the representation of its path: under its call
// or the account. inFlight shows the status a recording has right now
// (in-progress, paused, stopped), as create and update replies do; a
// fetch shows a live recording as processing.
func (r *Recording) replyLocked(status int, callSID string, inFlight bool) apiReply {
	if callSID != "" {
		res := r.callResourceLocked()
		if inFlight {
			res.Status = r.flightStatus()
		}
		return instance(status, callRecordingSchema, res, callSID)
	}
	return instance(status, recordingSchema, r.resourceLocked(), "")
}

// ofCall reports whether r records the call rather than a verb (<Record>,
// <Dial record>): only those can be paused, resumed and stopped with the
// REST API, and Twilio.CURRENT names one.
func (r *Recording) ofCall() bool {
	return r.Source != sourceRecord && r.Source != sourceDial && r.Source != sourceConf
}

// flightStatus is the recording's status as an update shows it.
func (r *Recording) flightStatus() string {
	if r.liveLocked() {
		return r.Status
	}
	return "stopped"
}

// createRecording answers POST /Calls/{CallSid}/Recordings.json: a
// recording of the live call from now (source StartCallRecordingAPI).
func (s *Server) createRecording(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	p, aerr := parseRecordingParams(form)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	callSID := req.param("CallSid")
	c := s.lookupLocked(req.acct, callSID)
	if c == nil {
		return apiReply{err: notFound(req.path)}
	}
	if c.line.status != StatusInProgress {
		return apiReply{callSID: callSID, err: badRequest(codeInvalidCallState,
			"Cannot start a recording: the call is %s, not in-progress", c.line.status)}
	}
	r, w := c.newRecordingLocked(sourceREST, p.channels, p.track, p.trim, p.callbackURL, p.callbackMethod, p.events)
	s.out.postLocked(w)
	c.recordLocked(callEvent{kind: EventFork, action: ActionStarted, more: &eventMore{noun: "recording", sid: r.SID}})
	return r.replyLocked(http.StatusCreated, callSID, true)
}

// recordingParams are a create request's parameters, with Twilio's
// defaults: do-not-trim, mono, both tracks, the completed callback.
type recordingParams struct {
	callbackURL, callbackMethod string
	events                      recEventSet
	trim, track                 string
	channels                    int
}

func parseRecordingParams(form twilioapi.Form) (*recordingParams, *APIError) {
	p := &recordingParams{trim: "do-not-trim", track: "both", channels: 1, events: recCompleted}
	if v := form.Get("RecordingStatusCallback"); v != "" {
		if twilioapi.CheckURL(v) != nil {
			return nil, badRequest(codeNoURL, "RecordingStatusCallback is not a valid URL: %s", v)
		}
		p.callbackURL = v
	}
	m, err := twilioapi.Method(form.Get("RecordingStatusCallbackMethod"))
	if err != nil {
		return nil, badRequest(codeInvalidMethod, "RecordingStatusCallbackMethod: %v", err)
	}
	p.callbackMethod = m
	if vs := form["RecordingStatusCallbackEvent"]; len(vs) > 0 {
		p.events = 0
		for _, v := range vs {
			for _, ev := range strings.Fields(strings.ReplaceAll(v, ",", " ")) {
				bit, ok := recordingEvents[ev]
				if !ok {
					return nil, badRequest(codeBadRequest, "RecordingStatusCallbackEvent must be in-progress, completed or absent: %s", ev)
				}
				p.events |= bit
			}
		}
	}
	switch v := form.Get("Trim"); v {
	case "":
	case "trim-silence", "do-not-trim":
		p.trim = v
	default:
		return nil, badRequest(codeBadRequest, "Trim must be trim-silence or do-not-trim: %s", v)
	}
	switch v := form.Get("RecordingChannels"); v {
	case "", "mono":
	case "dual":
		p.channels = 2
	default:
		return nil, badRequest(codeBadRequest, "RecordingChannels must be mono or dual: %s", v)
	}
	switch v := form.Get("RecordingTrack"); v {
	case "":
	case "inbound", "outbound", "both":
		p.track = v
	default:
		return nil, badRequest(codeBadRequest, "RecordingTrack must be inbound, outbound or both: %s", v)
	}
	return p, nil
}

// updateRecording answers POST /Calls/{CallSid}/Recordings/{Sid}.json:
// Status paused (PauseBehavior skip or silence), in-progress (resume) or
// stopped.
func (s *Server) updateRecording(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	status, behavior := form.Get("Status"), form.Get("PauseBehavior")
	switch status {
	case "paused", "in-progress", "stopped":
	case "":
		return apiReply{err: badRequest(codeBadRequest, "Status is required: paused, in-progress or stopped")}
	default:
		return apiReply{err: badRequest(codeBadRequest, "Status must be paused, in-progress or stopped: %s", status)}
	}
	switch {
	case behavior != "" && behavior != "skip" && behavior != "silence":
		return apiReply{err: badRequest(codeBadRequest, "PauseBehavior must be skip or silence: %s", behavior)}
	case behavior != "" && status != "paused":
		return apiReply{err: badRequest(codeBadRequest, "PauseBehavior goes with Status=paused only")}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	r, callSID, aerr := s.findRecordingLocked(req, req.param("Sid"))
	if aerr != nil {
		return apiReply{callSID: callSID, err: aerr}
	}
	switch {
	case !r.liveLocked():
		return apiReply{callSID: callSID, err: badRequest(codeInvalidCallState,
			"Recording %s is %s: only a recording in progress or paused can be updated", r.SID, r.Status)}
	case !r.ofCall():
		return apiReply{callSID: callSID, err: badRequest(codeInvalidCallState,
			"Recording %s is the recording of a <%s> verb, which ends with its verb: only recordings of the call "+
				"(Record=true, <Start><Recording>, this resource) can be paused, resumed or stopped", r.SID, strings.TrimSuffix(r.Source, "Verb"))}
	}
	now, c := s.clock.Now(), r.call
	switch status {
	case "paused":
		if len(r.pauses) >= MaxRecordingPauses && r.Status == "in-progress" {
			return apiReply{callSID: callSID, err: badRequest(codeBadRequest,
				"Recording %s was paused %d times, the harness's limit (MaxRecordingPauses): stop it and start another", r.SID, MaxRecordingPauses)}
		}
		r.pauseLocked(now, behavior == "skip")
	case "in-progress":
		r.resumeLocked(now)
	case "stopped":
		r.stopLocked(now, -1)
		ev := recCompleted
		if r.Status == "absent" {
			ev = recAbsent
		}
		s.out.postLocked(c.recordingCallbackLocked(r, ev))
		c.recordLocked(callEvent{kind: EventFork, action: ActionStopped, more: &eventMore{noun: "recording", sid: r.SID}})
	}
	return r.replyLocked(http.StatusOK, callSID, true)
}

// deleteRecording answers DELETE on a recording: only a completed one
// (20009 otherwise). Its metadata stays, listed with IncludeSoftDeleted;
// its media is gone.
func (s *Server) deleteRecording(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, callSID, aerr := s.findRecordingLocked(req, req.param("Sid"))
	if aerr != nil {
		return apiReply{callSID: callSID, err: aerr}
	}
	if r.Status != "completed" {
		return apiReply{callSID: callSID, err: badRequest(codeDeleteLiveCall,
			"Recording %s is %s and not available for deletion: only completed recordings can be deleted", r.SID, r.Status)}
	}
	r.deleted, r.updated = true, s.clock.Now()
	return apiReply{status: http.StatusNoContent, callSID: callSID}
}

// fieldsLocked renders what both representations share.
func (r *Recording) fieldsLocked() recordingFields {
	f := recordingFields{
		AccountSid:  r.AccountSID,
		APIVersion:  apiVersion,
		CallSid:     &r.CallSID,
		DateCreated: twilioapi.Date(r.Start),
		DateUpdated: twilioapi.Date(r.updated),
		StartTime:   twilioapi.Date(r.Start),
		Sid:         r.SID,
		Status:      r.Status,
		Channels:    r.Channels,
		Source:      r.Source,
		URI:         "/" + apiVersion + "/Accounts/" + r.AccountSID + "/Recordings/" + r.SID + ".json",
	}
	switch {
	case r.deleted:
		f.Status = "deleted"
	case r.liveLocked():
		f.Status = "processing"
	}
	if !r.liveLocked() {
		d, unit := strconv.Itoa(int(r.Duration/time.Second)), "USD"
		f.Duration, f.PriceUnit = &d, &unit
	}
	if r.errorCode != 0 {
		f.ErrorCode = &r.errorCode
	}
	if r.ConferenceSID != "" {
		f.ConferenceSid = &r.ConferenceSID
	}
	return f
}

// price is what the recording cost, negative; 0 while it records.
func (r *Recording) price() float64 {
	minutes := math.Ceil(r.Duration.Minutes())
	return -minutes * RecordingPricePerMinute
}

// resourceLocked renders r under the account's Recordings.
func (r *Recording) resourceLocked() *recordingResource {
	res := &recordingResource{recordingFields: r.fieldsLocked(), MediaURL: r.URL,
		SubresourceURIs: twilioapi.Links{Base: "/" + apiVersion + "/Accounts/" + r.AccountSID + "/Recordings/" + r.SID, Names: recordingSubresources}}
	if !r.liveLocked() {
		p := strconv.FormatFloat(r.price(), 'f', 5, 64)
		res.Price = &p
	}
	return res
}

// callResourceLocked renders r under its call's Recordings.
func (r *Recording) callResourceLocked() *callRecordingResource {
	res := &callRecordingResource{recordingFields: r.fieldsLocked(), Track: r.Track}
	res.URI = "/" + apiVersion + "/Accounts/" + r.AccountSID + "/Calls/" + r.CallSID + "/Recordings/" + r.SID + ".json"
	if !r.liveLocked() {
		p := r.price()
		res.Price = &p
	}
	return res
}
