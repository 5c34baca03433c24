package harness

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/phone"
	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// callsResource is the Calls resource: …/Calls.json (list, create) and
// …/Calls/{Sid}.json (fetch, update, delete).
func callsResource() resource {
	return resource{path: "Calls",
		list: (*Server).listCalls, create: (*Server).createCall,
		fetch: (*Server).fetchCall, update: (*Server).updateCall, delete: (*Server).deleteCall}
}

// callListing declares the Calls list's filters, in the order Twilio's page
// URIs carry them. Its tests run with srv.mu held.
var callListing = &listing[*Call]{
	key: func(c *Call) string { return c.sid },
	filters: []listFilter[*Call]{
		{"To", addressFilter(func(c *Call) string { return c.to })},
		{"From", addressFilter(func(c *Call) string { return c.from })},
		{"ParentCallSid", func(v string) (func(*Call) bool, *APIError) {
			return func(c *Call) bool { return c.parent == v }, nil
		}},
		{"Status", func(v string) (func(*Call) bool, *APIError) {
			if !Status(v).Ended() && v != string(StatusQueued) && v != string(StatusRinging) && v != string(StatusInProgress) {
				return nil, badRequest(codeBadRequest, "Status must be one of queued, ringing, in-progress, canceled, completed, failed, busy, no-answer: %s", v)
			}
			return func(c *Call) bool { return string(c.line.status.resource()) == v }, nil
		}},
		{"StartTime", timeFilter[*Call]("StartTime", startOf)},
		{"StartTime<", timeFilter[*Call]("StartTime<", startOf)},
		{"StartTime>", timeFilter[*Call]("StartTime>", startOf)},
		{"EndTime", timeFilter[*Call]("EndTime", endOf)},
		{"EndTime<", timeFilter[*Call]("EndTime<", endOf)},
		{"EndTime>", timeFilter[*Call]("EndTime>", endOf)},
	},
}

// startOf and endOf are when the call began dialing and when it ended
// (zero before), which the date filters compare: a call that ended
// unanswered is found by EndTime although its resource shows no end_time.
// Call with srv.mu held.
func startOf(c *Call) time.Time { return c.line.started }

func endOf(c *Call) time.Time { return c.line.ended }

// addressFilter keeps calls whose address (as addr returns it) is the
// given one, normalised as To and From are.
func addressFilter(addr func(*Call) string) func(string) (func(*Call) bool, *APIError) {
	return func(v string) (func(*Call) bool, *APIError) {
		want, _ := phone.Normalize(v)
		return func(c *Call) bool { return addr(c) == want }, nil
	}
}

// listCalls answers GET /Calls.json: the account's calls, newest first,
// filtered and paged.
func (s *Server) listCalls(req *apiRequest) apiReply {
	lq, aerr := callListing.parse(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	calls := req.acct.calls
	matched := make([]*Call, 0, len(calls))
	for i := len(calls) - 1; i >= 0; i-- {
		if c := calls[i]; lq.matches(c) {
			matched = append(matched, c)
		}
	}
	return pageReply(callSchema, page(callListing, lq, matched, req.path, (*Call).resourceLocked))
}

// createCall answers POST /Calls.json: a new outbound-api call, queued.
func (s *Server) createCall(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	p, aerr := parseCreate(form, s.cfg.fidelity)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	p.form = req.keptForm(form)
	s.mu.Lock()
	defer s.mu.Unlock()
	if aerr := s.checkFromLocked(req.acct, p.from); aerr != nil {
		return apiReply{err: aerr}
	}
	var app *Application
	if p.applicationSID != "" && p.url == "" {
		a := s.dir.apps[p.applicationSID]
		if a == nil || a.AccountSID != req.acct.sid {
			return apiReply{err: badRequest(codeInvalidApplication, "ApplicationSid %s is not a valid application of this account", p.applicationSID)}
		}
		if a.VoiceURL == "" {
			return apiReply{err: badRequest(codeInvalidApplication, "Application %s has no voice URL", a.SID)}
		}
		app = &a.Application
	}
	c := s.newCallLocked(req.acct, p, app)
	return instance(http.StatusCreated, callSchema, c.resourceLocked(), c.sid)
}

// CreateCall creates an outbound call for the server's first account as
// POST /Calls.json does, from the same parameters (To, From, Url or Twiml,
// StatusCallback…), without HTTP. Invalid parameters give Twilio's error, as
// an *APIError.
//
//	call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"},
//		"Twiml": {"<Response><Say>Hi</Say></Response>"}})
func (s *Server) CreateCall(form url.Values) (*Call, error) {
	s.mu.Lock()
	acct := s.accounts[s.cfg.accountSID]
	s.mu.Unlock()
	r := &http.Request{Method: http.MethodPost, PostForm: form, Form: form}
	reply := s.createCall(&apiRequest{http: r, acct: acct, format: twilioapi.JSON})
	if reply.err != nil {
		return nil, reply.err
	}
	c := s.Call(reply.callSID)
	if c == nil {
		return nil, fmt.Errorf("harness: create call: call %s was forgotten as soon as it was made (a Reset, or the retention)", reply.callSID)
	}
	return c, nil
}

// lookupLocked returns the account's call sid as the API sees it.
func (s *Server) lookupLocked(acct *account, sid string) *Call {
	c := s.calls[sid]
	if c == nil || c.account != acct.sid || c.deleted {
		return nil
	}
	return c
}

// fetchCall answers GET /Calls/{Sid}.json.
func (s *Server) fetchCall(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	sid := req.param("Sid")
	c := s.lookupLocked(req.acct, sid)
	if c == nil {
		return apiReply{err: notFound(req.path)}
	}
	return instance(http.StatusOK, callSchema, c.resourceLocked(), sid)
}

// deleteCall answers DELETE /Calls/{Sid}.json: an ended call's record goes
// away from the API; a live call cannot be deleted.
func (s *Server) deleteCall(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	sid := req.param("Sid")
	c := s.lookupLocked(req.acct, sid)
	if c == nil {
		return apiReply{err: notFound(req.path)}
	}
	if st := c.line.status; !st.Ended() {
		return apiReply{callSID: sid, err: badRequest(codeDeleteLiveCall, "Cannot delete call %s: it is %s, and a call can be deleted only once it has ended", sid, st.resource())}
	}
	c.deleted = true
	calls := req.acct.calls
	for i, other := range calls {
		if other == c {
			req.acct.calls = append(calls[:i], calls[i+1:]...)
			break
		}
	}
	if s.cfg.retention.ForgetDeleted && c.settled() {
		s.forgetLocked(map[*Call]bool{c: true})
	}
	return apiReply{status: http.StatusNoContent, callSID: sid}
}

// updateCall answers POST /Calls/{Sid}.json: redirect the call to a new Url
// or Twiml, hang it up (Status=canceled|completed), change its callbacks or
// its time limit.
func (s *Server) updateCall(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	u, aerr := parseUpdate(form, s.cfg.fidelity)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked() // a scaled clock's time: the update happens now
	sid := req.param("Sid")
	c := s.lookupLocked(req.acct, sid)
	if c == nil {
		return apiReply{err: notFound(req.path)}
	}
	if aerr != nil {
		return apiReply{callSID: sid, err: aerr}
	}
	if c.line.status.Ended() {
		return apiReply{callSID: sid, err: badRequest(codeInvalidCallState, "Call is not in-progress. Cannot redirect.")}
	}
	c.updateLocked(u)
	return instance(http.StatusOK, callSchema, c.resourceLocked(), sid)
}

// newCallLocked creates a queued outbound-api call from a create request.
func (s *Server) newCallLocked(acct *account, p *callParams, app *Application) *Call {
	s.tickLocked()
	c := s.newCallBaseLocked(acct.sid, DirectionOutboundAPI, p.to, p.from)
	c.params, c.line.timeLimit = p, p.timeLimit
	c.program.src = source{url: p.url, method: p.method, fallbackURL: p.fallbackURL,
		fallbackMethod: p.fallbackMethod, twiml: p.twiml}
	c.callback = callback{url: p.statusCallback, method: p.statusCallbackMethod, events: p.events}
	if p.url != "" {
		c.program.src.twiml = "" // Twilio ignores Twiml when Url is given
	}
	if app != nil {
		c.appSID = app.SID
		c.program.src, c.callback = app.source(), app.callback()
	}
	s.addCallLocked(c)
	c.setStatusLocked(StatusQueued)
	if p.url != "" && p.twiml != "" {
		c.notifyLocked(codeTwimlAndURL, LevelWarning, "Twiml and Url were both given: the Url is used and the Twiml ignored", p.url, "")
	}
	c.program.step = c.afterLocked(s.cfg.queueTime, c.dequeue)
	return c
}
