package harness

import (
	"cmp"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twiml"
)

// Call is one call leg in the fake: its state in Twilio's state machine, the
// TwiML it runs and its history. Get calls from [Server.Calls] or
// [Server.Call]. Its methods are safe for concurrent use; values they return
// are snapshots.
type Call struct {
	srv       *Server
	sid       string
	uri       string // the resource's path, …/Calls/CA….json
	account   string
	direction Direction
	parent    string
	to, from  string
	created   time.Time
	params    *callParams
	appSID    string

	// guarded by srv.mu
	party       scenario.Party
	partyFixed  bool // set per call: ignore the server's parties
	status      Status
	updated     time.Time
	started     time.Time
	answered    time.Time
	ended       time.Time
	price       string
	sipCode     int
	src         source
	cb          callback
	timeLimit   time.Duration
	recordings  []*Recording
	active      activeVerb // the verb holding the call, if any
	leg         *leg       // set on a leg of a <Dial>
	dialing     *dialing   // the <Dial> the call is running, if any
	children    []*Call
	loadsAt     time.Time // documents loaded at one instant, against loops
	loads       int
	lastPrompt  string // what the call said last, for prompt triggers
	steps       stepState
	answeredBy  string        // answering machine detection's result
	amdDuration time.Duration // how long detection took
	amdTimer    *timer
	number      *IncomingNumber // the number an inbound call came in on
	callToken   string
	misuse      []string // unused steps, for the test
	base        params   // the standard parameters, once built
	epoch       uint64   // bumped whenever the running TwiML is abandoned
	doc         *twiml.Document
	docURL      string
	pc          int
	step        *timer // the next step of the ring or of the TwiML
	limit       *timer // TimeLimit
	farEnd      *timer // the far end hanging up
	cbSeq       int
	events      []callEvent
	hooks       []*webhook
	notes       []*Notification
	deleted     bool
	done        chan struct{}
}

// source is where a call's TwiML comes from: a URL with its fallback, or a
// document given inline with the Twiml parameter.
type source struct {
	url, method                 string
	fallbackURL, fallbackMethod string
	twiml                       string
}

// callback is a call's status callback subscription.
type callback struct {
	url, method string
	events      eventSet
}

// CallInfo is a snapshot of a call's state.
type CallInfo struct {
	SID        string
	AccountSID string
	ParentSID  string
	Direction  Direction
	To, From   string
	Status     Status
	// Created, Started, Answered and Ended are virtual times; zero when the
	// call has not reached that point. Started is when dialing began.
	Created, Started, Answered, Ended time.Time
	// Duration is the time from answer to end (Twilio's duration).
	Duration time.Duration
	// QueueTime is the time from creation to dialing.
	QueueTime time.Duration
	// Price is the charge as the Call resource shows it ("-0.01400"), empty
	// until the call ends; PriceUnit its currency.
	Price, PriceUnit string
	// SIPResponseCode is the final SIP code of an ended call (200 when it was
	// answered).
	SIPResponseCode int
	// Party is the far end's behaviour for this call.
	Party scenario.Party
	// AnsweredBy is answering machine detection's result ("human",
	// "machine_start", …), empty without detection.
	AnsweredBy string
}

// SID returns the call's SID ("CA" and 32 hex digits).
func (c *Call) SID() string { return c.sid }

// AccountSID returns the SID of the account the call belongs to.
func (c *Call) AccountSID() string { return c.account }

// To returns the called address, normalised (E.164 for phone numbers).
func (c *Call) To() string { return c.to }

// From returns the caller's address, normalised.
func (c *Call) From() string { return c.from }

// Direction returns the call's direction.
func (c *Call) Direction() Direction { return c.direction }

// ParentSID returns the SID of the call that created this leg, or "".
func (c *Call) ParentSID() string { return c.parent }

// Params returns the parameters of the REST request that created the call,
// as received.
func (c *Call) Params() url.Values {
	if c.params == nil {
		return url.Values{}
	}
	return cloneValues(c.params.form)
}

// Status returns the call's current status; "initiated" while it is being
// dialed.
func (c *Call) Status() Status {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	return c.status
}

// Ended reports whether the call has reached a terminal status.
func (c *Call) Ended() bool {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	return c.status.Ended()
}

// Done returns a channel closed once the call has ended and its completed
// callbacks have been sent.
func (c *Call) Done() <-chan struct{} { return c.done }

// settledTree reports whether the call and every leg it dialed are done.
func (c *Call) settledTree() bool {
	if !c.settled() {
		return false
	}
	for _, child := range c.Children() {
		if !child.settledTree() {
			return false
		}
	}
	return true
}

// settled reports whether Done is closed.
func (c *Call) settled() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Info returns a snapshot of the call's state.
func (c *Call) Info() CallInfo {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	info := CallInfo{
		SID: c.sid, AccountSID: c.account, ParentSID: c.parent, Direction: c.direction,
		To: c.to, From: c.from, Status: c.status, Created: c.created, Started: c.started,
		Answered: c.answered, Ended: c.ended, Price: c.price, PriceUnit: c.srv.cfg.priceUnit,
		SIPResponseCode: c.sipCode, Party: c.party, AnsweredBy: c.answeredBy,
	}
	info.Duration = c.duration()
	if !c.started.IsZero() {
		info.QueueTime = c.started.Sub(c.created)
	}
	return info
}

// SetParty sets the behaviour of the far end for this call alone, in place of
// the server's party for its address. It has effect only before the call
// starts ringing.
func (c *Call) SetParty(p scenario.Party) {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	c.party, c.partyFixed = p, true
}

// Events returns the call's history, in order.
func (c *Call) Events() []Event {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	out := make([]Event, len(c.events))
	for i, e := range c.events {
		out[i] = e.export(c.sid)
	}
	return out
}

// Requests returns the requests the fake made for this call, in order.
func (c *Call) Requests() []Request {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	out := make([]Request, len(c.hooks))
	for i, w := range c.hooks {
		out[i] = w.export()
	}
	return out
}

// Notifications returns the errors and warnings logged for this call.
func (c *Call) Notifications() []Notification {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	out := make([]Notification, len(c.notes))
	for i, n := range c.notes {
		out[i] = *n
	}
	return out
}

// Recordings returns the call's recordings, in the order they started.
func (c *Call) Recordings() []Recording {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	out := make([]Recording, len(c.recordings))
	for i, r := range c.recordings {
		out[i] = *r
	}
	return out
}

// GomegaString describes the call in one line in Gomega's failure
// messages, instead of every field of the server it belongs to.
func (c *Call) GomegaString() string {
	info := c.Info()
	return fmt.Sprintf("call %s %s from %s to %s (%s)", info.SID, info.Direction, info.From, info.To, info.Status)
}

// Children returns the legs this call dialed, in the order they were
// created.
func (c *Call) Children() []*Call {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	return append([]*Call(nil), c.children...)
}

func (e callEvent) export(callSID string) Event {
	out := Event{Seq: e.seq, Time: e.at, CallSID: callSID, Kind: e.kind, Status: e.status,
		Text: e.text, Duration: e.dur, Code: e.code}
	if e.hook != nil {
		r := e.hook.export()
		out.Request = &r
	}
	if e.api != nil {
		r := e.api.export()
		out.APIRequest = &r
	}
	return out
}

// record appends ev to the call's history. Call with srv.mu held.
func (c *Call) record(ev callEvent) {
	ev.seq = c.srv.nextSeq()
	ev.at = c.srv.clock.now
	c.events = append(c.events, ev)
}

// setStatus moves the call to st and records it. Call with srv.mu held.
func (c *Call) setStatus(st Status) {
	c.status = st
	c.updated = c.srv.clock.now
	c.record(callEvent{kind: EventStatus, status: st})
}

// notify logs a notification for the call. Call with srv.mu held.
func (c *Call) notify(code int, level Level, msg, url, method string) {
	n := &Notification{Seq: c.srv.nextSeq(), Time: c.srv.clock.now, CallSID: c.sid, Code: code,
		Level: level, Message: msg, URL: url, Method: method}
	c.notes = append(c.notes, n)
	c.srv.notes = append(c.srv.notes, n)
	c.events = append(c.events, callEvent{seq: n.Seq, at: n.Time, kind: EventNotification, code: code, text: msg})
}

// duration is the time from answer to end, or to now while the call is live.
// Call with srv.mu held.
func (c *Call) duration() time.Duration {
	switch {
	case c.answered.IsZero():
		return 0
	case c.ended.IsZero():
		return c.srv.clock.now.Sub(c.answered)
	}
	return c.ended.Sub(c.answered)
}

// seconds is Twilio's duration in whole seconds.
func (c *Call) seconds() int { return int(c.duration() / time.Second) }

// billedMinutes is the call's duration in started minutes: at least one for
// an answered call, none for a call never answered.
func (c *Call) billedMinutes() int {
	if c.answered.IsZero() {
		return 0
	}
	return max(1, int(math.Ceil(c.duration().Seconds()/60)))
}

// priceText renders what the call cost, as Twilio does: negative, five
// decimals.
func (c *Call) priceText() string {
	m := c.billedMinutes()
	if m == 0 {
		return "0.00000"
	}
	return strconv.FormatFloat(-float64(m)*c.srv.cfg.pricePerMinute, 'f', 5, 64)
}

// partyFor returns who answers the call. Call with srv.mu held.
func (c *Call) partyFor() scenario.Party {
	if !c.partyFixed {
		c.party = c.srv.parties[c.to]
	}
	return c.party
}

// Calls returns every call of every account, in the order they were created,
// deleted ones included.
func (s *Server) Calls() []*Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Call(nil), s.order...)
}

// Call returns the call with the given SID, or nil.
func (s *Server) Call(sid string) *Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[sid]
}

// Events returns the history of every call, in the order it happened.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Event
	for _, c := range s.order {
		for _, e := range c.events {
			out = append(out, e.export(c.sid))
		}
	}
	slices.SortFunc(out, func(a, b Event) int { return cmp.Compare(a.Seq, b.Seq) })
	return out
}
