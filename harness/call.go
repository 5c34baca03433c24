package harness

import (
	"cmp"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/scenario"
)

// Call is one call leg in the fake: its state in Twilio's state machine, the
// TwiML it runs and its history. Get calls from [Server.Calls] or
// [Server.Call]. Its methods are safe for concurrent use; values they return
// are snapshots.
type Call struct {
	srv *Server

	// Set when the call is made and never changed: read without a lock.
	sid       string
	uri       string // the resource's path, …/Calls/CA….json
	account   string
	direction Direction
	parent    string
	to, from  string
	created   time.Time
	params    *callParams     // the create request of an outbound-api call
	appSID    string          // the application whose voice settings it uses
	number    *IncomingNumber // the number an inbound call came in on
	callToken string          // an inbound call's CallToken
	done      chan struct{}   // closed once it ended and sent its last callbacks

	// The parts below are guarded by srv.mu; methods that touch them end
	// in Locked.
	line      line         // status, times, SIP code, price, time limit
	program   program      // the TwiML it runs
	farEnd    farEnd       // who is at the other end, and their script
	history   history      // what happened, as the record keeps it
	callback  callback     // the status callback subscription
	amd       detection    // answering machine detection's result
	dial      dialLink     // the <Dial> it runs, the one it is a leg of, its legs
	loop      *Call        // the other call of a call to a number of the server (loopback.go)
	conf      *participant // the conference it is in, if any
	joins     *participant // a call of the Participants API: who it becomes in its conference once answered
	queue     *enqueueing  // the queue it waits in, if any
	streams   []*stream    // its media streams, in the order they started
	voice     *callVoice   // what is heard on it, for its streams; nil until one starts
	relays    []*relay     // its ConversationRelay sessions, in the order they started
	pending   pending      // its requests on their way, and the events that wait for them
	deleted   bool         // deleted with the REST API: the API no longer shows it
	forgotten bool         // the server no longer keeps it (see Retention)
}

// trimLocked gives the events of an ended call, which will rarely have
// more, an array of their number: the record keeps less per call.
func (h *history) trimLocked() {
	if cap(h.events)-len(h.events) > 1 {
		h.events = slices.Clone(h.events)
	}
}

// pending is what a call waits for: while one of its requests is on its
// way, its events due meanwhile are held back, and run, in order, once the
// reply has been applied. Each call thus sees its requests one at a time,
// as if the engine waited for them, while other calls go on.
type pending struct {
	requests int
	parked   []*clock.Timer
}

// line is a call's connection in Twilio's state machine.
type line struct {
	status    Status
	updated   time.Time
	started   time.Time // dialing began
	answered  time.Time
	ended     time.Time
	price     string // set when the call ends
	sipCode   int    // the final SIP response
	timeLimit time.Duration
	limit     *clock.Timer // ends the call at its time limit
}

// farEnd is whoever is at the other end of the call: the callee of an
// outbound call or a leg, the caller of an inbound one.
type farEnd struct {
	party  scenario.Party
	fixed  bool         // set for this call alone: the server's parties do not apply
	steps  stepState    // which steps of its script were used
	hangUp *clock.Timer // the far end hanging up
	misuse []string     // unused steps, to fail the test with
}

// history is the call's part of the record.
type history struct {
	events     []callEvent
	hooks      []*webhook
	notes      []*Notification
	recordings []*Recording
	bodyBytes  int // of bodies kept, against Retention.CallBodyBytes
}

// callback is a call's status callback subscription, and the standard
// parameters of its requests, built once.
type callback struct {
	url, method string
	events      eventSet
	seq         int            // SequenceNumber of the next status callback
	base        signing.Params // the standard parameters without CallStatus; nil until built
}

// detection is the result of answering machine detection.
type detection struct {
	answeredBy string        // "human", "machine_start", …; empty without detection
	took       time.Duration // how long detection took
	timer      *clock.Timer  // asynchronous detection's result
}

// dialLink ties a call to <Dial>: the Dial it runs, the Dial it is a leg
// of, and the legs it dialed.
type dialLink struct {
	running  *dialing // the <Dial> the call runs, if any
	leg      *leg     // set on a leg of a <Dial>
	children []*Call
}

// source is where a call's TwiML comes from: a URL with its fallback, or a
// document given inline with the Twiml parameter.
type source struct {
	url, method                 string
	fallbackURL, fallbackMethod string
	twiml                       string
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
	return c.params.form.get()
}

// Status returns the call's current status; "initiated" while it is being
// dialed.
func (c *Call) Status() Status {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	return c.line.status
}

// Ended reports whether the call has reached a terminal status.
func (c *Call) Ended() bool {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	return c.line.status.Ended()
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
	ln := &c.line
	info := CallInfo{
		SID: c.sid, AccountSID: c.account, ParentSID: c.parent, Direction: c.direction,
		To: c.to, From: c.from, Status: ln.status, Created: c.created, Started: ln.started,
		Answered: ln.answered, Ended: ln.ended, Price: ln.price, PriceUnit: c.srv.cfg.priceUnit,
		SIPResponseCode: ln.sipCode, Party: c.farEnd.party, AnsweredBy: c.amd.answeredBy,
	}
	info.Duration = c.durationLocked()
	if !ln.started.IsZero() {
		info.QueueTime = ln.started.Sub(c.created)
	}
	return info
}

// SetParty sets the behaviour of the far end for this call alone, in place of
// the server's party for its address. It has effect only before the call
// starts ringing.
func (c *Call) SetParty(p scenario.Party) {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	c.farEnd.party, c.farEnd.fixed = p, true
}

// Events returns the call's history, in order.
func (c *Call) Events() []Event {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	out := make([]Event, len(c.history.events))
	for i := range c.history.events {
		out[i] = c.history.events[i].exportLocked(c.sid)
	}
	return out
}

// Requests returns the requests the fake made for this call, in order.
func (c *Call) Requests() []Request {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	out := make([]Request, len(c.history.hooks))
	for i, w := range c.history.hooks {
		out[i] = w.exportLocked()
	}
	return out
}

// Notifications returns the errors and warnings logged for this call.
func (c *Call) Notifications() []Notification {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	out := make([]Notification, len(c.history.notes))
	for i, n := range c.history.notes {
		out[i] = *n
	}
	return out
}

// Recordings returns the call's recordings, in the order they started.
func (c *Call) Recordings() []Recording {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	out := make([]Recording, len(c.history.recordings))
	for i, r := range c.history.recordings {
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
	return slices.Clone(c.dial.children)
}

// recordLocked appends ev to the call's history, stamped now.
func (c *Call) recordLocked(ev callEvent) {
	ev.seq = c.srv.nextSeqLocked()
	ev.at = c.srv.clock.Now()
	if c.voice != nil {
		c.voice.heardLocked(&ev)
	}
	c.appendEventLocked(ev)
	if len(c.srv.watch.subs) > 0 {
		c.srv.watch.touchLocked(c)
	}
}

// noteLocked records a note in words.
func (c *Call) noteLocked(text string) {
	c.recordLocked(callEvent{kind: EventNote, text: text})
}

// setStatusLocked moves the call to st and records it.
func (c *Call) setStatusLocked(st Status) {
	c.line.status = st
	c.line.updated = c.srv.clock.Now()
	c.recordLocked(callEvent{kind: EventStatus, status: st})
}

// notifyLocked logs a notification for the call. Past the call's limit
// of notifications, it logs that one and ends the call; later ones are
// dropped.
func (c *Call) notifyLocked(code int, level Level, msg, url, method string) {
	s := c.srv
	switch lim := s.cfg.callLimits.NotificationsPerCall; {
	case len(c.history.notes) > lim:
		return
	case len(c.history.notes) == lim:
		code, level = CodeLimitReached, LevelError
		msg = fmt.Sprintf("the call reached the harness's limit of %d notifications; it ends here (raise harness.Limits.NotificationsPerCall with WithLimits)", lim)
		c.afterUnlessEndedLocked(0, func() { c.hangUpLocked(StatusCompleted, "limit reached: notifications") })
	}
	n := &Notification{SID: s.noteIDs.SID("NO"), Seq: s.nextSeqLocked(), Time: s.clock.Now(), CallSID: c.sid, Code: code,
		Level: level, Message: msg, URL: url, Method: method, account: c.account, hook: c.lastHookLocked(url)}
	c.history.notes = append(c.history.notes, n)
	s.notes = append(s.notes, n)
	c.appendEventLocked(callEvent{seq: n.Seq, at: n.Time, kind: EventNotification, code: code, text: msg})
}

// lastHookLocked returns the call's latest request to url, nil if none.
func (c *Call) lastHookLocked(url string) *webhook {
	if url == "" {
		return nil
	}
	hooks := c.history.hooks
	for i := len(hooks) - 1; i >= 0; i-- {
		if hooks[i].url == url || hooks[i].target == url {
			return hooks[i]
		}
	}
	return nil
}

// durationLocked is the time from answer to end, or to now while the call
// is live.
func (c *Call) durationLocked() time.Duration {
	ln := &c.line
	switch {
	case ln.answered.IsZero():
		return 0
	case ln.ended.IsZero():
		return c.srv.clock.Now().Sub(ln.answered)
	}
	return ln.ended.Sub(ln.answered)
}

// secondsLocked is Twilio's duration in whole seconds.
func (c *Call) secondsLocked() int { return int(c.durationLocked() / time.Second) }

// billedMinutesLocked is the call's duration in started minutes: at least
// one for an answered call, none for a call never answered.
func (c *Call) billedMinutesLocked() int {
	if c.line.answered.IsZero() {
		return 0
	}
	return max(1, int(math.Ceil(c.durationLocked().Seconds()/60)))
}

// priceTextLocked renders what the call cost, as Twilio does: negative,
// five decimals.
func (c *Call) priceTextLocked() string {
	m := c.billedMinutesLocked()
	if m == 0 {
		return "0.00000"
	}
	return strconv.FormatFloat(-float64(m)*c.srv.cfg.pricePerMinute, 'f', 5, 64)
}

// shownEndLocked returns the end_time the Call resource shows, and whether
// it shows one: for a completed call, or for any ended call with
// [Fidelity.UnansweredCallTimes].
func (c *Call) shownEndLocked() (time.Time, bool) {
	ln := &c.line
	if ln.ended.IsZero() || (ln.status != StatusCompleted && !c.srv.cfg.fidelity.UnansweredCallTimes) {
		return time.Time{}, false
	}
	return ln.ended, true
}

// partyLocked returns who answers the call: the party set for this call, or
// the server's party for its address.
func (c *Call) partyLocked() scenario.Party {
	if !c.farEnd.fixed {
		c.farEnd.party = c.srv.parties[c.to]
	}
	return c.farEnd.party
}

// Calls returns every call of every account that the server keeps, in the
// order they were created, deleted ones included (see [Retention] for the
// calls a long-lived server forgets).
func (s *Server) Calls() []*Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.order)
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
		for i := range c.history.events {
			out = append(out, c.history.events[i].exportLocked(c.sid))
		}
	}
	slices.SortFunc(out, func(a, b Event) int { return cmp.Compare(a.Seq, b.Seq) })
	return out
}

// addCallLocked registers a new call with the server and its account.
func (s *Server) addCallLocked(c *Call) {
	s.calls[c.sid] = c
	s.order = append(s.order, c)
	s.accounts[c.account].calls = append(s.accounts[c.account].calls, c)
}

// newCallBaseLocked returns a call with its identity set and nothing else: every
// kind of call starts here.
func (s *Server) newCallBaseLocked(account string, dir Direction, to, from string) *Call {
	sid := s.ids.SID("CA")
	return &Call{srv: s, sid: sid, uri: apiPrefix + account + "/Calls/" + sid + ".json", account: account,
		direction: dir, to: to, from: from, created: s.clock.Now(), done: make(chan struct{}),
		history: history{events: make([]callEvent, 0, 16)}}
}
