package harness

import (
	"fmt"
	"time"
)

// Retention says how much of its record a server keeps. A test's server is
// short-lived and keeps everything (the zero Retention, the default); a
// server that runs for hours ([ServeRetention], what twimlharness serve
// uses) forgets the oldest ended calls and keeps bodies short, so that its
// memory stays bounded. Forgetting loses nothing a test holds: a *Call
// stays readable, with its whole history, after the server forgets it; it
// is only gone from [Server.Call], [Server.Calls], the REST API, the views
// of the whole server and the server-wide lists of requests and
// notifications. A zero field keeps everything of its kind.
type Retention struct {
	// EndedCalls is how many ended calls the server keeps: past it, the
	// calls that ended first are forgotten, a few at a time.
	EndedCalls int
	// Window forgets calls that ended longer ago than this, in virtual
	// time.
	Window time.Duration
	// BodyBytes is how much of each body the record keeps: the
	// application's replies and the REST API's. The rest is cut, with a
	// note of how much.
	BodyBytes int
	// CallBodyBytes is how much of all one call's bodies together the
	// record keeps; past it, its bodies are no longer kept.
	CallBodyBytes int
	// EventsPerCall is how many events of one call's history are kept;
	// past it, one note says the history stops there.
	EventsPerCall int
	// APIRequests is how many REST requests that concern no call (lists,
	// errors) the record keeps; the oldest are forgotten first.
	APIRequests int
	// EndedConferences is how many completed conferences the server
	// keeps: past it, those that ended first are forgotten, a few at a
	// time (gone from [Server.Conference], [Server.Conferences] and the
	// REST API; a *Conference a test holds stays readable).
	EndedConferences int
	// ForgetDeleted forgets a call as soon as it is deleted with the REST
	// API (once it has sent its last callbacks).
	ForgetDeleted bool
}

// ServeRetention returns the retention twimlharness serve uses: the last
// 10,000 ended calls and 10,000 completed conferences, bodies of at most 4 KiB and 256 KiB a call, 5,000
// events a call, the last 10,000 REST requests that concern no call, and
// deleted calls forgotten.
func ServeRetention() Retention {
	return Retention{EndedCalls: 10000, EndedConferences: 10000, BodyBytes: 4 << 10, CallBodyBytes: 256 << 10, EventsPerCall: 5000,
		APIRequests: 10000, ForgetDeleted: true}
}

// WithRetention sets how much of its record the server keeps (default:
// everything; see [Retention] and [ServeRetention]).
func WithRetention(r Retention) Option {
	return option(func(c *config) { c.retention = r })
}

// retention is the server's part that forgets: the ended calls, in the
// order they were done.
type retention struct {
	ended     []*Call       // done calls the server still keeps, oldest first
	confs     []*conference // completed conferences the server still keeps, oldest first
	loose     int           // kept REST requests that concern no call
	forgotten int           // calls forgotten so far
}

// batch is how many entries past a limit trigger forgetting: the logs are
// compacted once for that many, so forgetting costs O(1) a call.
func batch(limit int) int { return max(1, limit/8) }

// doneLocked is called when a call has sent its last callbacks: it joins
// the ended calls, and the oldest are forgotten past the retention.
func (s *Server) doneLocked(c *Call) {
	r := &s.cfg.retention
	if c.forgotten {
		return
	}
	if r.ForgetDeleted && c.deleted {
		s.forgetLocked(map[*Call]bool{c: true})
		return
	}
	if r.EndedCalls == 0 && r.Window == 0 {
		return
	}
	ret := &s.kept
	ret.ended = append(ret.ended, c)
	n := 0
	if r.EndedCalls > 0 && len(ret.ended) >= r.EndedCalls+batch(r.EndedCalls) {
		n = len(ret.ended) - r.EndedCalls
	}
	if r.Window > 0 {
		cutoff := s.clock.Now().Add(-r.Window)
		old := 0
		for old < len(ret.ended) && ret.ended[old].line.ended.Before(cutoff) {
			old++
		}
		if old >= batch(len(ret.ended)) {
			n = max(n, old)
		}
	}
	if n == 0 {
		return
	}
	gone := make(map[*Call]bool, n)
	for _, c := range ret.ended[:n] {
		if !c.forgotten {
			gone[c] = true
		}
	}
	ret.ended = append(ret.ended[:0:0], ret.ended[n:]...)
	s.forgetLocked(gone)
}

// forgetLocked forgets calls: the server's maps, lists and logs no longer
// hold them or what concerns them. The calls themselves are untouched.
func (s *Server) forgetLocked(gone map[*Call]bool) {
	if len(gone) == 0 {
		return
	}
	for c := range gone {
		c.forgotten = true
		delete(s.calls, c.sid)
		delete(s.dir.verifications, c.sid)
	}
	s.kept.forgotten += len(gone)
	keep := func(sid string) bool { c := s.calls[sid]; return c != nil }
	s.order = filter(s.order, func(c *Call) bool { return !c.forgotten })
	for _, a := range s.accounts {
		a.calls = filter(a.calls, func(c *Call) bool { return !c.forgotten })
	}
	s.hooksLog = filter(s.hooksLog, func(w *webhook) bool { return keep(w.callSID) })
	s.notes = filter(s.notes, func(n *Notification) bool { return keep(n.CallSID) })
	s.messages = filter(s.messages, func(m *Message) bool { return keep(m.CallSID) })
	s.apiLog = filter(s.apiLog, func(r *apiRecord) bool { return r.callSID == "" || keep(r.callSID) })
}

// filter keeps the elements of list that keep accepts, in place.
func filter[T any](list []T, keep func(T) bool) []T {
	out := list[:0]
	for _, v := range list {
		if keep(v) {
			out = append(out, v)
		}
	}
	clear(list[len(out):]) // let the garbage collector have the rest
	return out
}

// recordAPILocked adds a REST request to the server's log, forgetting the
// oldest that concern no call past the retention.
func (s *Server) recordAPILocked(rec *apiRecord) {
	s.apiLog = append(s.apiLog, rec)
	lim := s.cfg.retention.APIRequests
	if rec.callSID != "" || lim == 0 {
		return
	}
	if s.kept.loose++; s.kept.loose < lim+batch(lim) {
		return
	}
	drop := s.kept.loose - lim
	s.apiLog = filter(s.apiLog, func(r *apiRecord) bool {
		if r.callSID == "" && drop > 0 {
			drop--
			return false
		}
		return true
	})
	s.kept.loose = lim
}

// keptBodyLocked returns what the record keeps of a body that concerns
// the call c (nil for none): at most BodyBytes of it, and nothing once the
// call has kept CallBodyBytes of bodies.
func (s *Server) keptBodyLocked(c *Call, body string) string {
	r := &s.cfg.retention
	if body == "" || r.BodyBytes == 0 && r.CallBodyBytes == 0 {
		return body
	}
	if c != nil && r.CallBodyBytes > 0 && c.history.bodyBytes >= r.CallBodyBytes {
		return fmt.Sprintf("(%d bytes not kept: harness.Retention.CallBodyBytes)", len(body))
	}
	kept := body
	if r.BodyBytes > 0 && len(body) > r.BodyBytes {
		kept = body[:r.BodyBytes] + fmt.Sprintf("… (%d more bytes not kept: harness.Retention.BodyBytes)", len(body)-r.BodyBytes)
	}
	if c != nil {
		c.history.bodyBytes += len(kept)
	}
	return kept
}

// appendEventLocked adds ev to the call's history, unless the history has
// reached the retention's EventsPerCall: then one note says so, and later
// events are not kept.
func (c *Call) appendEventLocked(ev callEvent) {
	h := &c.history
	lim := c.srv.cfg.retention.EventsPerCall
	switch {
	case lim == 0 || len(h.events) < lim:
		h.events = append(h.events, ev)
	case len(h.events) == lim:
		h.events = append(h.events, callEvent{seq: ev.seq, at: ev.at, kind: EventNote,
			text: fmt.Sprintf("the record keeps no more of this call's events (harness.Retention.EventsPerCall is %d)", lim)})
	}
}

// conferenceEndedLocked keeps a completed conference, and forgets the
// oldest past the retention's EndedConferences.
func (s *Server) conferenceEndedLocked(cf *conference) {
	lim := s.cfg.retention.EndedConferences
	if lim == 0 {
		return
	}
	ret := &s.kept
	ret.confs = append(ret.confs, cf)
	if len(ret.confs) < lim+batch(lim) {
		return
	}
	n := len(ret.confs) - lim
	gone := make(map[*conference]bool, n)
	for _, old := range ret.confs[:n] {
		gone[old] = true
		delete(s.confs.bySID, old.sid)
	}
	ret.confs = append(ret.confs[:0:0], ret.confs[n:]...)
	s.confs.order = filter(s.confs.order, func(cf *conference) bool { return !gone[cf] })
}
