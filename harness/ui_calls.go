package harness

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// CallSummary is one line of the inspector's list of calls: who called
// whom, how it went, and how much there is to see. The control API's
// GET calls answers with a page of them, and its event stream sends one
// each time a call changes.
type CallSummary struct {
	SID        string    `json:"sid"`
	ParentSID  string    `json:"parent_call_sid,omitempty"`
	Direction  Direction `json:"direction"`
	From       string    `json:"from"`
	To         string    `json:"to"`
	Status     Status    `json:"status"`
	AnsweredBy string    `json:"answered_by,omitempty"`
	Created    time.Time `json:"created"` // virtual
	// Ended is when the call ended, whatever its status (the Call
	// resource shows an end time for a completed call only); absent while
	// the call goes on.
	Ended      *time.Time `json:"ended,omitempty"`
	DurationMS int64      `json:"duration_ms"`
	// Events and Requests count the call's events and the requests it
	// made to the application; Errors and Warnings its notifications.
	Events   int `json:"events"`
	Requests int `json:"requests"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	// Legs are the SIDs of the calls it dialed, in the order they were
	// created.
	Legs []string `json:"legs,omitempty"`
	// Seq is the number of the call's latest event: it grows each time
	// the call changes.
	Seq uint64 `json:"seq"`
}

// summaryLocked returns the call's line in the list of calls.
func (c *Call) summaryLocked() CallSummary {
	h := &c.history
	out := CallSummary{SID: c.sid, ParentSID: c.parent, Direction: c.direction, From: c.from, To: c.to,
		Status: c.line.status, AnsweredBy: c.amd.answeredBy, Created: c.created,
		DurationMS: c.durationLocked().Milliseconds(), Events: len(h.events), Requests: len(h.hooks)}
	if end := c.line.ended; !end.IsZero() {
		out.Ended = &end
	}
	for _, n := range h.notes {
		if n.Level == LevelError {
			out.Errors++
		} else {
			out.Warnings++
		}
	}
	for _, leg := range c.dial.children {
		out.Legs = append(out.Legs, leg.sid)
	}
	if n := len(h.events); n > 0 {
		out.Seq = h.events[n-1].seq
	}
	return out
}

// CallPage is a page of the control API's list of calls, newest first.
type CallPage struct {
	Calls []CallSummary `json:"calls"`
	// Total is how many calls the filters select; Offset how many of
	// them the page skipped.
	Total  int       `json:"total"`
	Offset int       `json:"offset"`
	Limit  int       `json:"limit"`
	Now    time.Time `json:"now"` // the virtual time
}

// The list of calls: how many a page shows unless told, and at most.
const (
	defaultCallPage = 50
	maxCallPage     = 1000
)

// callFilter is what the list of calls selects: a status, a number in
// From or To, a window of creation times.
type callFilter struct {
	status       Status
	number       string
	since, until time.Time
}

// matches reports whether the filter selects c.
func (f *callFilter) matches(c *Call) bool {
	switch {
	case f.status != "" && c.line.status != f.status:
		return false
	case f.number != "" && !strings.Contains(c.from, f.number) && !strings.Contains(c.to, f.number):
		return false
	case !f.since.IsZero() && c.created.Before(f.since):
		return false
	case !f.until.IsZero() && !c.created.Before(f.until):
		return false
	}
	return true
}

// The query parameters of the list of calls, besides since, until,
// offset and limit.
const (
	paramStatus = "status"
	paramNumber = "number"
)

// controlCallList answers GET calls: a page of the calls the query
// selects, newest first. It holds the server's lock for one pass over the
// calls, which costs a comparison or two a call, and renders only the
// page.
func (s *Server) controlCallList(q url.Values) (any, error) {
	f, offset, limit, err := callListQuery(q)
	if err != nil {
		return nil, err
	}
	page := CallPage{Calls: []CallSummary{}, Offset: offset, Limit: limit}
	s.mu.Lock()
	defer s.mu.Unlock()
	page.Now = s.clock.Now()
	for i := len(s.order) - 1; i >= 0; i-- {
		c := s.order[i]
		if !f.matches(c) {
			continue
		}
		if page.Total >= offset && len(page.Calls) < limit {
			page.Calls = append(page.Calls, c.summaryLocked())
		}
		page.Total++
	}
	return page, nil
}

// callListQuery reads the query of GET calls: the filter, and the page's
// offset and limit.
func callListQuery(q url.Values) (f callFilter, offset, limit int, err error) {
	if err = onlyParams(q, "the list of calls takes status, number, since, until, offset and limit",
		paramStatus, paramNumber, paramSince, paramUntil, paramOffset, paramLimit); err != nil {
		return
	}
	status, _, err := oneParam(q, paramStatus)
	if err != nil {
		return
	}
	if f.status = Status(status); status != "" && !knownStatus(f.status) {
		err = badControl("status %q is not a call status: want one of %s", status, strings.Join(statusNames(), ", "))
		return
	}
	number, _, err := oneParam(q, paramNumber)
	if err != nil {
		return
	}
	f.number = strings.TrimSpace(number)
	if f.since, f.until, err = timeWindow(q); err != nil {
		return
	}
	if offset, _, err = countParam(q, paramOffset, 0, "a whole number of calls to skip, 0 or more"); err != nil {
		return
	}
	limit, ok, err := countParam(q, paramLimit, 1, "a whole number of calls to show, from 1 to 1000")
	switch {
	case err != nil:
	case !ok:
		limit = defaultCallPage
	case limit > maxCallPage:
		err = badControl("limit %d is more than a page holds: want a whole number of calls to show, from 1 to %d, "+
			"and offset to page on", limit, maxCallPage)
	}
	return
}

// knownStatus reports whether st is one of the statuses a call takes.
func knownStatus(st Status) bool { return slices.Contains(statusNames(), string(st)) }

// statusNames are the statuses a call takes, in the order it may take
// them.
func statusNames() []string {
	return []string{string(StatusQueued), string(StatusInitiated), string(StatusRinging), string(StatusInProgress),
		string(StatusCompleted), string(StatusBusy), string(StatusNoAnswer), string(StatusFailed), string(StatusCanceled)}
}
