// Package warmtransfer is the support line of Acme, a fictional company: a
// contact centre's warm transfer, written as a small but complete Twilio
// voice application with twilio-go (its twiml package for TwiML, its REST
// client for the Conferences and Participants API), and the subject of the
// Ginkgo suite next to it, which tests it against the harness's fake Twilio.
//
// A customer who calls the support number is put in a conference room of
// their own (named after the call), labelled "customer", hearing a hold
// message until an agent joins; the app adds the first agent with the
// Participants API as soon as the conference says the customer has joined.
// The agent talks to the customer and may transfer the call from the desk
// (a small HTTP API, [App.Desk], standing for the agent's desk software):
// the customer is put on hold, with the app's hold document playing, and
// the colleague is called into the room to be briefed. Once the colleague
// has joined, the first agent completes the transfer from the desk, or
// simply hangs up: the customer is taken off hold and talks to the
// colleague. When the customer hangs up the conference ends (the customer
// joins with endConferenceOnExit), and every agent with it.
//
// What can go wrong is handled as a contact centre would:
//
//   - the colleague does not answer, is busy, or the call fails (the
//     conference reports participant-leave with participant_add_failed):
//     the customer is taken off hold, back with the first agent;
//   - the colleague hangs up during the briefing, or the agent cancels the
//     transfer from the desk: the same;
//   - the customer hangs up while on hold: the conference ends, and with it
//     the colleague's call if it still rings (the app cancels it, unless
//     Twilio has already);
//   - no agent answers the customer's call: the customer hears an apology
//     and the call ends;
//   - the agent with the customer hangs up with no transfer under way: the
//     customer hears goodbye.
//
// It shows how to test, in the suite:
//
//   - a <Dial><Conference> with a waitUrl, a participantLabel and a
//     statusCallback, and an application driven by conference events;
//   - the Participants API (create, update to hold and unhold with a
//     HoldUrl, delete) addressed by label, through twilio-go;
//   - the far ends of several calls in one conference, each speaking and
//     hanging up on its own schedule (InConference, AfterLeaves);
//   - what each participant heard, and the conference's own history.
//
// Every Twilio endpoint answers POST only and rejects a request whose
// X-Twilio-Signature does not check out with 403. The app keeps, for every
// customer call, what became of it and of each transfer ([App.Call]), which
// is what its desk shows and what the tests check.
package warmtransfer

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twilio/twilio-go/twiml"
)

// The labels of the participants. A transfer's colleague is labelled with
// the letter after the transferring agent's: agent-a transfers to agent-b,
// agent-b to agent-c.
const (
	LabelCustomer   = "customer"
	LabelFirstAgent = "agent-a"
)

// What the customer hears.
const (
	WaitText    = "Thank you for calling Acme support. An agent will be with you shortly."
	HoldText    = "Please hold while we bring in a colleague who can help."
	NoAgentText = "Sorry, all our agents are busy. Please call again later. Goodbye."
	GoodbyeText = "Thank you for calling Acme support. Goodbye."
)

// DefaultRingTimeout is how long an agent's phone rings when
// Config.RingTimeout does not say.
const DefaultRingTimeout = 20 * time.Second

// Config is what the app needs to know.
type Config struct {
	// AuthToken is the auth token of the Twilio account; it checks the
	// signature of every request from Twilio.
	AuthToken string
	// BaseURL is where Twilio reaches the app ("https://support.example.com",
	// no trailing slash): every URL the app gives Twilio is made from it,
	// and signatures are checked against it.
	BaseURL string
	// SupportNumber is the number customers call; the calls to agents come
	// from it.
	SupportNumber string
	// FirstAgent is the number of the agent who takes new calls.
	FirstAgent string
	// HoldMusic is the audio the hold and wait documents play after their
	// message, over and over; none when empty.
	HoldMusic string
	// RingTimeout is how long an agent's phone rings before the app gives
	// up (5 s to 600 s); DefaultRingTimeout when zero.
	RingTimeout time.Duration
}

// State is where a transfer stands.
type State string

// The states of a transfer.
const (
	// Ringing: the colleague's phone rings; the customer is on hold.
	Ringing State = "ringing"
	// Consulting: the colleague has joined and is being briefed; the
	// customer is still on hold.
	Consulting State = "consulting"
	// Completed: the customer talks to the colleague; the transferring
	// agent has left.
	Completed State = "completed"
	// Failed: the colleague did not join, or left during the briefing;
	// the customer is back with the transferring agent. Reason says why.
	Failed State = "failed"
	// Canceled: the transferring agent called it off from the desk.
	Canceled State = "canceled"
	// Abandoned: the customer hung up during the transfer.
	Abandoned State = "abandoned"
)

// Transfer is one transfer of a customer call from an agent to a
// colleague.
type Transfer struct {
	// From and To are the labels of the transferring agent and of the
	// colleague.
	From string `json:"from"`
	To   string `json:"to"`
	// Number is the colleague's number, CallSID the call to it.
	Number  string `json:"number"`
	CallSID string `json:"call_sid"`
	State   State  `json:"state"`
	// Reason says why a transfer failed or was abandoned: the
	// colleague's ParticipantCallStatus (no-answer, busy, failed,
	// canceled), or what happened.
	Reason string `json:"reason,omitempty"`
	// Unattended is set when the transferring agent hung up before the
	// colleague answered: the transfer completes as soon as the colleague
	// joins.
	Unattended bool `json:"unattended,omitempty"`
}

// Agent is an agent the app called into a customer's conference.
type Agent struct {
	Label   string `json:"label"`
	Number  string `json:"number"`
	CallSID string `json:"call_sid"`
	// Joined and Left say whether the agent joined the conference and has
	// left it; an agent who never came has Left set and Status saying why.
	Joined bool `json:"joined"`
	Left   bool `json:"left"`
	// Status is the agent's ParticipantCallStatus when it left.
	Status string `json:"status,omitempty"`
}

// Call is a customer's call as the app saw it: what the desk shows.
type Call struct {
	CallSID string `json:"call_sid"` // the customer's call
	From    string `json:"from"`     // the customer's number
	// Room is the conference's name, ConferenceSID its SID once the
	// customer has joined.
	Room          string `json:"room"`
	ConferenceSID string `json:"conference_sid,omitempty"`
	// With is the label of the agent the customer talks to now (or will,
	// once off hold); empty until the first agent joins.
	With      string     `json:"with,omitempty"`
	Agents    []Agent    `json:"agents"`
	Transfers []Transfer `json:"transfers"`
	// Ended is set once the customer has left the conference.
	Ended bool `json:"ended"`
	// Errors are the Twilio API errors met while handling the call.
	Errors []string `json:"errors,omitempty"`
}

// transfer returns the transfer in progress (ringing or consulting), or
// nil.
func (c *Call) transfer() *Transfer {
	if n := len(c.Transfers); n > 0 {
		if t := &c.Transfers[n-1]; t.State == Ringing || t.State == Consulting {
			return t
		}
	}
	return nil
}

// agent returns the agent labelled label, or nil.
func (c *Call) agent(label string) *Agent {
	for i := range c.Agents {
		if c.Agents[i].Label == label {
			return &c.Agents[i]
		}
	}
	return nil
}

// App is the support line: an http.Handler for Twilio's requests, and
// [App.Desk] for the agents' desk. It is safe for concurrent use.
type App struct {
	cfg       Config
	tw        *api.ApiService
	validator client.RequestValidator
	mux       *http.ServeMux
	desk      *http.ServeMux

	mu    sync.Mutex // guards calls
	calls map[string]*session
}

// session is a customer's call with its own lock, held while the app acts
// on it (REST requests included), so that the events of one conference
// are handled one at a time, whatever order they arrive in.
type session struct {
	mu sync.Mutex
	Call
}

// New returns the app, which acts on conferences through tw, twilio-go's
// 2010-04-01 API (a twilio.RestClient's Api, or twilioclient/voice's API in tests).
// Its handler serves Twilio's requests:
//
//	POST /voice              a customer calls: into a conference of their own
//	POST /wait               the wait document: the message, then music
//	POST /hold               the hold document, while an agent consults
//	POST /conference-events  the conference's status callbacks, answered 204
//	POST /no-agent           no agent answered: an apology, then hang up
//	POST /goodbye            the agent hung up: goodbye
func New(cfg Config, tw *api.ApiService) *App {
	if cfg.RingTimeout == 0 {
		cfg.RingTimeout = DefaultRingTimeout
	}
	a := &App{cfg: cfg, tw: tw, validator: client.NewRequestValidator(cfg.AuthToken),
		mux: http.NewServeMux(), desk: http.NewServeMux(), calls: map[string]*session{}}
	a.mux.Handle("POST /voice", twimlFunc(a.voice))
	a.mux.Handle("POST /wait", twimlFunc(a.music(WaitText)))
	a.mux.Handle("POST /hold", twimlFunc(a.music(HoldText)))
	a.mux.Handle("POST /no-agent", twimlFunc(say(NoAgentText)))
	a.mux.Handle("POST /goodbye", twimlFunc(say(GoodbyeText)))
	a.mux.HandleFunc("POST /conference-events", a.conferenceEvent)
	a.desk.HandleFunc("POST /transfer", a.deskTransfer)
	a.desk.HandleFunc("POST /transfer/complete", a.deskComplete)
	a.desk.HandleFunc("POST /transfer/cancel", a.deskCancel)
	a.desk.HandleFunc("GET /calls/{room}", a.deskCall)
	return a
}

// ServeHTTP answers Twilio's requests. A request whose X-Twilio-Signature
// is not the one Twilio computes for its URL (under BaseURL) and its POST
// parameters gets 403.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	params := make(map[string]string, len(r.PostForm))
	for k, vs := range r.PostForm {
		params[k] = vs[0]
	}
	if !a.validator.Validate(a.cfg.BaseURL+r.RequestURI, params, r.Header.Get("X-Twilio-Signature")) {
		http.Error(w, "invalid signature", http.StatusForbidden)
		return
	}
	a.mux.ServeHTTP(w, r)
}

// Call returns a copy of the customer call whose conference is room (or
// whose call SID is room), and whether there is one.
func (a *App) Call(room string) (Call, bool) {
	s := a.session(room)
	if s == nil {
		return Call{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.copy(), true
}

// Calls returns a copy of every customer call, in no particular order.
func (a *App) Calls() []Call {
	a.mu.Lock()
	all := make([]*session, 0, len(a.calls))
	for _, s := range a.calls {
		all = append(all, s)
	}
	a.mu.Unlock()
	out := make([]Call, 0, len(all))
	for _, s := range all {
		s.mu.Lock()
		out = append(out, s.copy())
		s.mu.Unlock()
	}
	return out
}

// copy returns the call with slices of its own. Call with s.mu held.
func (s *session) copy() Call {
	c := s.Call
	c.Agents = slices.Clone(c.Agents)
	c.Transfers = slices.Clone(c.Transfers)
	c.Errors = slices.Clone(c.Errors)
	return c
}

// session returns the call of room (a conference name or the customer's
// call SID), or nil.
func (a *App) session(room string) *session {
	a.mu.Lock()
	defer a.mu.Unlock()
	if s := a.calls[room]; s != nil {
		return s
	}
	return a.calls[roomOf(room)]
}

// roomOf names the conference of the customer's call callSID.
func roomOf(callSID string) string { return "support-" + callSID }

// twimlFunc is an endpoint that answers with a TwiML document made of the
// verbs it returns.
type twimlFunc func(r *http.Request) []twiml.Element

func (f twimlFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	doc, err := twiml.Voice(f(r))
	if err != nil {
		log.Printf("warmtransfer: %s: %v", r.URL.Path, err)
		http.Error(w, "cannot write TwiML", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Write([]byte(doc))
}

// say is a document that says text and hangs up.
func say(text string) twimlFunc {
	return func(*http.Request) []twiml.Element {
		return []twiml.Element{twiml.VoiceSay{Message: text}, twiml.VoiceHangup{}}
	}
}

// music is a wait or hold document: text, then the hold music over and
// over (a conference's documents may only Say, Play, Pause and Redirect).
func (a *App) music(text string) twimlFunc {
	return func(*http.Request) []twiml.Element {
		verbs := []twiml.Element{twiml.VoiceSay{Message: text}}
		if a.cfg.HoldMusic != "" {
			verbs = append(verbs, twiml.VoicePlay{Url: a.cfg.HoldMusic, Loop: "0"})
		}
		return verbs
	}
}

// voice puts a customer who calls into a conference room of their own.
// The room reports joins, leaves and its end to /conference-events, where
// the customer's join brings in the first agent.
func (a *App) voice(r *http.Request) []twiml.Element {
	callSID := r.PostForm.Get("CallSid")
	room := roomOf(callSID)
	a.mu.Lock()
	if a.calls[room] == nil {
		a.calls[room] = &session{Call: Call{CallSID: callSID, From: r.PostForm.Get("From"), Room: room}}
	}
	a.mu.Unlock()
	return []twiml.Element{twiml.VoiceDial{InnerElements: []twiml.Element{twiml.VoiceConference{
		Name:                 room,
		ParticipantLabel:     LabelCustomer,
		EndConferenceOnExit:  "true",
		Beep:                 "false",
		WaitUrl:              a.cfg.BaseURL + "/wait",
		WaitMethod:           http.MethodPost,
		StatusCallback:       a.cfg.BaseURL + "/conference-events",
		StatusCallbackMethod: http.MethodPost,
		StatusCallbackEvent:  "join leave end",
	}}}}
}

// The conference's ReasonParticipantLeft values the app acts on.
const (
	leftAddFailed       = "participant_add_failed"
	leftModeratorEnded  = "moderator_ended_conference"
	leftConferenceEnded = "conference_ended_via_api"
)

// conferenceEvent acts on a status callback of a customer's conference.
// Twilio may deliver the events of one instant in any order, so each is
// read for what it says, not for where it comes in the sequence.
func (a *App) conferenceEvent(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNoContent)
	f := r.PostForm
	s := a.session(f.Get("FriendlyName"))
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	label := f.Get("ParticipantLabel")
	switch f.Get("StatusCallbackEvent") {
	case "participant-join":
		s.joined(a, f.Get("ConferenceSid"), label)
	case "participant-leave":
		s.left(a, label, f.Get("ReasonParticipantLeft"), f.Get("ParticipantCallStatus"))
	case "conference-end":
		s.ended(a, "the conference ended")
	}
}

// joined acts on a participant's join: the customer's brings in the first
// agent; the colleague's starts the briefing (or completes an unattended
// transfer).
func (s *session) joined(a *App, conferenceSID, label string) {
	if ag := s.agent(label); ag != nil {
		ag.Joined = true
	}
	switch t := s.transfer(); {
	case label == LabelCustomer:
		s.ConferenceSID = conferenceSID
		if s.agent(LabelFirstAgent) == nil {
			s.addAgent(a, LabelFirstAgent, a.cfg.FirstAgent)
		}
	case label == LabelFirstAgent && s.With == "":
		s.With = LabelFirstAgent
	case t != nil && label == t.To:
		t.State = Consulting
		if t.Unattended {
			s.complete(a, t)
		}
	}
}

// left acts on a participant's leave.
func (s *session) left(a *App, label, reason, callStatus string) {
	if ag := s.agent(label); ag != nil {
		ag.Left, ag.Status = true, callStatus
	}
	if reason == leftModeratorEnded || reason == leftConferenceEnded {
		return // the conference is ending; conference-end says the rest
	}
	t := s.transfer()
	switch {
	case label == LabelCustomer:
		s.ended(a, "the customer hung up")
	case s.Ended:
	case label == LabelFirstAgent && reason == leftAddFailed && s.With == "":
		s.redirect(a, "/no-agent") // nobody took the call
	case t != nil && label == t.To:
		// The colleague never came, or left during the briefing.
		why := callStatus
		if reason != leftAddFailed {
			why = "the colleague left during the briefing"
		}
		t.State, t.Reason = Failed, why
		if t.Unattended {
			s.redirect(a, "/no-agent") // nobody is left to take the customer back
			return
		}
		s.hold(a, false)
	case t != nil && label == t.From && t.State == Consulting:
		s.complete(a, t) // hanging up completes the transfer
	case t != nil && label == t.From:
		t.Unattended = true
	case label == s.With:
		s.redirect(a, "/goodbye") // the agent ended the call
	}
}

// ended marks the call over and cancels the call of any agent still
// ringing, who would otherwise answer into an empty room.
func (s *session) ended(a *App, why string) {
	if s.Ended {
		return
	}
	s.Ended = true
	if t := s.transfer(); t != nil {
		t.State, t.Reason = Abandoned, why
	}
	for i := range s.Agents {
		if ag := &s.Agents[i]; !ag.Joined && !ag.Left {
			if err := a.cancel(ag.CallSID); err != nil {
				s.fail("cancel the call to "+ag.Label, err)
			}
		}
	}
}

// codeCallNotInProgress is Twilio's error 21220: the call is not in a
// state to be changed (it has ended).
const codeCallNotInProgress = 21220

// cancel cancels a call that may still ring. A call that has ended
// already (Twilio may end the calls of a conference that ended itself)
// is not an error.
func (a *App) cancel(callSID string) error {
	_, err := a.tw.UpdateCall(callSID, new(api.UpdateCallParams).SetStatus("canceled"))
	var te *client.TwilioRestError
	if errors.As(err, &te) && te.Code == codeCallNotInProgress {
		return nil
	}
	return err
}

// addAgent calls number into the conference as label.
func (s *session) addAgent(a *App, label, number string) (*Agent, error) {
	p, err := a.tw.CreateParticipant(s.ConferenceSID, new(api.CreateParticipantParams).
		SetFrom(a.cfg.SupportNumber).
		SetTo(number).
		SetLabel(label).
		SetTimeout(int(a.cfg.RingTimeout/time.Second)).
		SetBeep("false").
		SetEndConferenceOnExit(false))
	if err != nil {
		return nil, s.fail("add "+label, err)
	}
	if p.CallSid == nil {
		return nil, s.fail("add "+label, errors.New("no call SID in the response"))
	}
	s.Agents = append(s.Agents, Agent{Label: label, Number: number, CallSID: *p.CallSid})
	return &s.Agents[len(s.Agents)-1], nil
}

// hold puts the customer on hold, with the app's hold document, or takes
// them off.
func (s *session) hold(a *App, on bool) error {
	params := new(api.UpdateParticipantParams).SetHold(on)
	if on {
		params.SetHoldUrl(a.cfg.BaseURL + "/hold").SetHoldMethod(http.MethodPost)
	}
	if _, err := a.tw.UpdateParticipant(s.ConferenceSID, LabelCustomer, params); err != nil {
		verb := "take the customer off hold"
		if on {
			verb = "put the customer on hold"
		}
		return s.fail(verb, err)
	}
	return nil
}

// complete hands the customer over to the colleague: off hold, and the
// transferring agent out of the room (unless already gone).
func (s *session) complete(a *App, t *Transfer) error {
	t.State, s.With = Completed, t.To
	if err := s.hold(a, false); err != nil {
		return err
	}
	if from := s.agent(t.From); from != nil && !from.Left {
		if err := a.tw.DeleteParticipant(s.ConferenceSID, t.From, nil); err != nil {
			return s.fail("remove "+t.From, err)
		}
	}
	return nil
}

// redirect gives the customer's call new TwiML, which takes it out of the
// conference (and ends the conference, which the customer ends on exit).
func (s *session) redirect(a *App, path string) {
	params := new(api.UpdateCallParams).SetUrl(a.cfg.BaseURL + path).SetMethod(http.MethodPost)
	if _, err := a.tw.UpdateCall(s.CallSID, params); err != nil {
		s.fail("redirect the customer to "+path, err)
	}
}

// fail notes a Twilio error on the call and returns it.
func (s *session) fail(what string, err error) error {
	err = fmt.Errorf("%s: %w", what, err)
	s.Errors = append(s.Errors, err.Error())
	log.Printf("warmtransfer: %s: %v", s.Room, err)
	return err
}

// nextLabel is the label of the colleague an agent transfers to: the next
// letter.
func nextLabel(from string) string {
	if n := len(from); n > 0 && from[n-1] >= 'a' && from[n-1] < 'z' {
		return from[:n-1] + string(from[n-1]+1)
	}
	return from + "-next"
}

// Desk returns the handler of the agents' desk, which a real deployment
// serves behind the contact centre's own sign-in (it is not Twilio's to
// call, and checks no signature):
//
//	POST /transfer?conference=ROOM&to=NUMBER  put the customer on hold and call NUMBER in (202)
//	POST /transfer/complete?conference=ROOM   hand the customer over to the colleague (200)
//	POST /transfer/cancel?conference=ROOM     call the transfer off, back to the customer (200)
//	GET  /calls/ROOM                          the call as the app knows it
//
// The transfer endpoints answer with the transfer as JSON; 404 for an
// unknown conference, 409 when the call is not in a state to do it, 502
// when Twilio refused.
func (a *App) Desk() http.Handler { return a.desk }

// deskSession finds the call of the request's conference, locked, or
// answers 404. The caller unlocks it.
func (a *App) deskSession(w http.ResponseWriter, r *http.Request) *session {
	s := a.session(r.URL.Query().Get("conference"))
	if s == nil {
		http.Error(w, "no such conference", http.StatusNotFound)
		return nil
	}
	s.mu.Lock()
	return s
}

func (a *App) deskTransfer(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("to")
	if !strings.HasPrefix(to, "+") {
		http.Error(w, "to: want a number in E.164 form, such as +14155550143", http.StatusBadRequest)
		return
	}
	s := a.deskSession(w, r)
	if s == nil {
		return
	}
	defer s.mu.Unlock()
	switch {
	case s.Ended:
		http.Error(w, "the customer has hung up", http.StatusConflict)
		return
	case s.With == "":
		http.Error(w, "no agent is with the customer yet", http.StatusConflict)
		return
	case s.transfer() != nil:
		http.Error(w, "a transfer is already under way", http.StatusConflict)
		return
	}
	if err := s.hold(a, true); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	label := nextLabel(s.With)
	ag, err := s.addAgent(a, label, to)
	if err != nil {
		s.hold(a, false)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	s.Transfers = append(s.Transfers, Transfer{From: s.With, To: label, Number: to, CallSID: ag.CallSID, State: Ringing})
	writeJSON(w, http.StatusAccepted, s.Transfers[len(s.Transfers)-1])
}

func (a *App) deskComplete(w http.ResponseWriter, r *http.Request) {
	s := a.deskSession(w, r)
	if s == nil {
		return
	}
	defer s.mu.Unlock()
	t := s.transfer()
	if t == nil || t.State != Consulting {
		http.Error(w, "no colleague has joined to take the call", http.StatusConflict)
		return
	}
	if err := s.complete(a, t); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	writeJSON(w, http.StatusOK, *t)
}

func (a *App) deskCancel(w http.ResponseWriter, r *http.Request) {
	s := a.deskSession(w, r)
	if s == nil {
		return
	}
	defer s.mu.Unlock()
	t := s.transfer()
	if t == nil {
		http.Error(w, "no transfer is under way", http.StatusConflict)
		return
	}
	var err error
	switch t.State {
	case Ringing:
		err = a.cancel(t.CallSID)
	case Consulting:
		err = a.tw.DeleteParticipant(s.ConferenceSID, t.To, nil)
	}
	if err != nil {
		http.Error(w, s.fail("call off the transfer to "+t.To, err).Error(), http.StatusBadGateway)
		return
	}
	t.State, t.Reason = Canceled, "the agent called it off"
	if err := s.hold(a, false); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	writeJSON(w, http.StatusOK, *t)
}

func (a *App) deskCall(w http.ResponseWriter, r *http.Request) {
	c, ok := a.Call(r.PathValue("room"))
	if !ok {
		http.Error(w, "no such conference", http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
