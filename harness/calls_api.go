package harness

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// createCall answers POST /Calls.json: a new outbound-api call, queued.
func (s *Server) createCall(acct *account, r *http.Request) apiReply {
	if r.PostForm == nil {
		if err := r.ParseForm(); err != nil {
			return apiReply{err: badRequest(codeBadRequest, "The request parameters could not be read: %v", err)}
		}
	}
	p, aerr := parseCreate(r.PostForm)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var app *Application
	if p.applicationSID != "" && p.url == "" {
		app = s.apps[p.applicationSID]
		if app == nil || app.AccountSID != acct.sid {
			return apiReply{err: badRequest(codeInvalidApplication, "ApplicationSid %s is not a valid application of this account", p.applicationSID)}
		}
		if app.VoiceURL == "" {
			return apiReply{err: badRequest(codeInvalidApplication, "Application %s has no voice URL", app.SID)}
		}
	}
	c := s.newCall(acct, p, app)
	return apiReply{status: http.StatusCreated, value: c.resource(), callSID: c.sid}
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
	reply := s.createCall(acct, r)
	if reply.err != nil {
		return nil, reply.err
	}
	return s.Call(reply.callSID), nil
}

// newCall creates a queued outbound-api call. Call with s.mu held.
func (s *Server) newCall(acct *account, p *callParams, app *Application) *Call {
	s.tick()
	now := s.clock.now
	sid := s.ids.sid("CA")
	c := &Call{
		srv: s, sid: sid, uri: apiPrefix + acct.sid + "/Calls/" + sid + ".json", account: acct.sid,
		direction: DirectionOutboundAPI, events: make([]callEvent, 0, 16),
		to: p.to, from: p.from, created: now, params: p, timeLimit: p.timeLimit,
		done: make(chan struct{}),
		src: source{url: p.url, method: p.method, fallbackURL: p.fallbackURL,
			fallbackMethod: p.fallbackMethod, twiml: p.twiml},
		cb: callback{url: p.statusCallback, method: p.statusCallbackMethod, events: p.events},
	}
	if p.url != "" {
		c.src.twiml = "" // Twilio ignores Twiml when Url is given
	}
	if app != nil {
		c.appSID = app.SID
		c.src = source{url: app.VoiceURL, method: app.VoiceMethod, fallbackURL: app.VoiceFallbackURL,
			fallbackMethod: app.VoiceFallbackMethod}
		c.cb = callback{url: app.StatusCallback, method: app.StatusCallbackMethod, events: evCompleted}
	}
	s.calls[c.sid] = c
	s.order = append(s.order, c)
	acct.calls = append(acct.calls, c)
	c.setStatus(StatusQueued)
	if p.url != "" && p.twiml != "" {
		c.notify(32019, LevelWarning, "Twiml and Url were both given: the Url is used and the Twiml ignored", p.url, "")
	}
	c.step = s.after(s.cfg.queueTime, c.dequeue)
	return c
}

// lookup returns the account's call sid as the API sees it. Call with s.mu
// held.
func (s *Server) lookup(acct *account, sid string) *Call {
	c := s.calls[sid]
	if c == nil || c.account != acct.sid || c.deleted {
		return nil
	}
	return c
}

// fetchCall answers GET /Calls/{Sid}.json.
func (s *Server) fetchCall(acct *account, sid, path string) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookup(acct, sid)
	if c == nil {
		return apiReply{err: notFound(path)}
	}
	return apiReply{status: http.StatusOK, value: c.resource(), callSID: sid}
}

// deleteCall answers DELETE /Calls/{Sid}.json: an ended call's record goes
// away from the API; a live call cannot be deleted.
func (s *Server) deleteCall(acct *account, sid, path string) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookup(acct, sid)
	if c == nil {
		return apiReply{err: notFound(path)}
	}
	if !c.status.Ended() {
		return apiReply{callSID: sid, err: badRequest(codeDeleteLiveCall, "Cannot delete call %s: it is %s, and a call can be deleted only once it has ended", sid, c.status.resource())}
	}
	c.deleted = true
	for i, other := range acct.calls {
		if other == c {
			acct.calls = append(acct.calls[:i], acct.calls[i+1:]...)
			break
		}
	}
	return apiReply{status: http.StatusNoContent, callSID: sid}
}

// updateCall answers POST /Calls/{Sid}.json: redirect the call to a new Url
// or Twiml, hang it up (Status=canceled|completed), change its callbacks or
// its time limit.
func (s *Server) updateCall(acct *account, sid, path string, r *http.Request) apiReply {
	if err := r.ParseForm(); err != nil {
		return apiReply{err: badRequest(codeBadRequest, "The request parameters could not be read: %v", err)}
	}
	u, aerr := parseUpdate(r.PostForm)
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookup(acct, sid)
	if c == nil {
		return apiReply{err: notFound(path)}
	}
	if aerr != nil {
		return apiReply{callSID: sid, err: aerr}
	}
	if c.status.Ended() {
		return apiReply{callSID: sid, err: badRequest(codeInvalidCallState, "Call is not in-progress. Cannot redirect.")}
	}
	c.update(u)
	return apiReply{status: http.StatusOK, value: c.resource(), callSID: sid}
}

// update applies a validated update to a live call. Call with srv.mu held.
func (c *Call) update(u *callUpdate) {
	if u.fallbackURL != nil {
		c.src.fallbackURL = *u.fallbackURL
	}
	if u.fallbackMethod != "" {
		c.src.fallbackMethod = u.fallbackMethod
	}
	if u.statusCallback != nil {
		c.cb.url = *u.statusCallback
	}
	if u.statusCallbackMethod != "" {
		c.cb.method = u.statusCallbackMethod
	}
	if u.timeLimit > 0 {
		c.setTimeLimit(u.timeLimit)
	}
	switch {
	case u.status == StatusCanceled && c.status != StatusInProgress:
		c.hangUp(StatusCanceled, "canceled with the REST API")
		return
	case u.status == StatusCompleted:
		if c.status == StatusInProgress {
			c.hangUp(StatusCompleted, "hung up with the REST API")
		} else {
			c.hangUp(StatusCanceled, "canceled with the REST API")
		}
		return
	}
	if u.url != "" || u.twiml != "" {
		c.redirect(u)
	}
}

// redirect replaces the call's TwiML. A call in progress abandons what it is
// doing and runs the new document now; a call not answered yet will run it
// when it answers. Call with srv.mu held.
func (c *Call) redirect(u *callUpdate) {
	c.src.url, c.src.twiml = u.url, u.twiml
	if u.url != "" {
		c.src.method = u.method
	}
	if c.status != StatusInProgress {
		return
	}
	if c.leg != nil {
		c.leg.detach()
	}
	c.interrupt("redirected with the REST API")
	c.runSource()
}

// interrupt abandons what the call is doing: the verb in progress stops (a
// <Dial>'s legs hang up) and nothing scheduled for the old document runs.
// Call with srv.mu held.
func (c *Call) interrupt(why string) {
	c.endVerb()
	c.epoch++
	c.doc = nil
	c.record(callEvent{kind: EventNote, text: why})
}

// setTimeLimit sets the call's maximum duration, counted from the answer.
// Call with srv.mu held.
func (c *Call) setTimeLimit(d time.Duration) {
	c.timeLimit = d
	if c.status != StatusInProgress {
		return
	}
	c.srv.clock.cancel(c.limit)
	c.limit = c.whileLive(c.answered.Add(d).Sub(c.srv.clock.now), func() { c.hangUp(StatusCompleted, "the call reached its time limit") })
}

// callUpdate is a validated update request.
type callUpdate struct {
	url, method          string
	twiml                string
	status               Status
	fallbackURL          *string
	fallbackMethod       string
	statusCallback       *string
	statusCallbackMethod string
	timeLimit            time.Duration
}

// parseUpdate validates the parameters of POST /Calls/{Sid}.json.
func parseUpdate(form url.Values) (*callUpdate, *APIError) {
	u := &callUpdate{}
	var err *APIError
	if u.url, err = urlParam(form, "Url"); err != nil {
		return nil, err
	}
	u.twiml = form.Get("Twiml")
	if u.url != "" && u.twiml != "" {
		return nil, badRequest(codeBadRequest, "Twiml and Url are mutually exclusive: give one of them")
	}
	if len(u.twiml) > maxTwimlLength {
		return nil, badRequest(codeTwimlTooLong, "Twiml is %d characters long; the maximum is %d", len(u.twiml), maxTwimlLength)
	}
	if u.method, err = methodParam(form, "Method"); err != nil {
		return nil, err
	}
	switch st := strings.TrimSpace(form.Get("Status")); st {
	case "":
	case "canceled", "completed":
		u.status = Status(st)
	default:
		return nil, badRequest(codeBadRequest, "Status must be canceled or completed: %s", st)
	}
	if _, ok := form["FallbackUrl"]; ok {
		v, err := urlParam(form, "FallbackUrl")
		if err != nil {
			return nil, err
		}
		u.fallbackURL = &v
	}
	if form.Get("FallbackMethod") != "" {
		if u.fallbackMethod, err = methodParam(form, "FallbackMethod"); err != nil {
			return nil, err
		}
	}
	if _, ok := form["StatusCallback"]; ok {
		if u.url == "" && u.twiml == "" {
			return nil, badRequest(codeNoURL, "StatusCallback can only be updated together with Url or Twiml")
		}
		v, err := urlParam(form, "StatusCallback")
		if err != nil {
			return nil, err
		}
		u.statusCallback = &v
	}
	if form.Get("StatusCallbackMethod") != "" {
		if u.statusCallbackMethod, err = methodParam(form, "StatusCallbackMethod"); err != nil {
			return nil, err
		}
	}
	if u.timeLimit, err = parseTimeLimit(form); err != nil {
		return nil, err
	}
	return u, nil
}
