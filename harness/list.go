package harness

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// List paging limits.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// timeFilter is one of the date filters of the Calls list.
type timeFilter struct {
	key string // StartTime, StartTime<, StartTime>, EndTime, EndTime<, EndTime>
	raw string
	at  time.Time
	day bool // given as YYYY-MM-DD
}

// match reports whether t (zero: the call has no such time) passes the
// filter. StartTime=D keeps calls of that day (the day of the instant, when
// an instant is given); StartTime< keeps calls on or before the bound,
// StartTime> on or after it, a date meaning its midnight (UTC).
func (f timeFilter) match(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	switch {
	case strings.HasSuffix(f.key, "<"):
		return !t.After(f.at)
	case strings.HasSuffix(f.key, ">"):
		return !t.Before(f.at)
	}
	day := f.at.UTC().Truncate(24 * time.Hour)
	return !t.Before(day) && t.Before(day.Add(24*time.Hour))
}

// listQuery is a validated list request.
type listQuery struct {
	filters  url.Values // the filters as given, for the page URIs
	to, from string
	parent   string
	status   string
	times    []timeFilter
	pageSize int
	page     int
	token    string
}

// filterKeys are the list filters, in the order the page URIs carry them.
var filterKeys = []string{"To", "From", "ParentCallSid", "Status", "StartTime", "StartTime<", "StartTime>",
	"EndTime", "EndTime<", "EndTime>"}

// parseList validates the query of GET /Calls.json.
func parseList(q url.Values) (*listQuery, *APIError) {
	lq := &listQuery{filters: url.Values{}, pageSize: defaultPageSize}
	for _, k := range filterKeys {
		v := strings.TrimSpace(q.Get(k))
		if v == "" {
			continue
		}
		lq.filters.Set(k, v)
		switch k {
		case "To":
			lq.to, _ = normalizeAddress(v)
		case "From":
			lq.from, _ = normalizeAddress(v)
		case "ParentCallSid":
			lq.parent = v
		case "Status":
			if !Status(v).Ended() && v != string(StatusQueued) && v != string(StatusRinging) && v != string(StatusInProgress) {
				return nil, badRequest(codeBadRequest, "Status must be one of queued, ringing, in-progress, canceled, completed, failed, busy, no-answer: %s", v)
			}
			lq.status = v
		default:
			f, err := parseTimeFilter(k, v)
			if err != nil {
				return nil, err
			}
			lq.times = append(lq.times, f)
		}
	}
	if v := q.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, badRequest(codeBadRequest, "PageSize must be a positive integer: %s", v)
		}
		lq.pageSize = min(n, maxPageSize)
	}
	if v := q.Get("Page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, badRequest(codeBadRequest, "Page must be a non-negative integer: %s", v)
		}
		lq.page = n
	}
	lq.token = q.Get("PageToken")
	return lq, nil
}

func parseTimeFilter(key, v string) (timeFilter, *APIError) {
	f := timeFilter{key: key, raw: v}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		f.at, f.day = t, true
		return f, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return f, badRequest(codeBadRequest, "%s must be a date as YYYY-MM-DD or an RFC 3339 time: %s", key, v)
	}
	f.at = t.UTC()
	return f, nil
}

// matches reports whether the call passes every filter. Call with srv.mu
// held.
func (q *listQuery) matches(c *Call) bool {
	switch {
	case q.to != "" && c.to != q.to,
		q.from != "" && c.from != q.from,
		q.parent != "" && c.parent != q.parent,
		q.status != "" && string(c.status.resource()) != q.status:
		return false
	}
	for _, f := range q.times {
		t := c.started
		if strings.HasPrefix(f.key, "End") {
			t = c.ended
		}
		if !f.match(t) {
			return false
		}
	}
	return true
}

// pageURI renders the list's URI for a page, carrying the filters.
func (q *listQuery) pageURI(account string, page int, token string) string {
	var b strings.Builder
	b.WriteString(apiPrefix + account + "/Calls.json?")
	first := true
	add := func(k, val string) {
		if !first {
			b.WriteByte('&')
		}
		first = false
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(val))
	}
	for _, k := range filterKeys {
		if val := q.filters.Get(k); val != "" {
			add(k, val)
		}
	}
	add("PageSize", strconv.Itoa(q.pageSize))
	add("Page", strconv.Itoa(page))
	if token != "" {
		add("PageToken", token)
	}
	return b.String()
}

// listCalls answers GET /Calls.json: the account's calls, newest first,
// filtered and paged.
func (s *Server) listCalls(acct *account, r *http.Request) apiReply {
	q, aerr := parseList(r.URL.Query())
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []*Call
	for i := len(acct.calls) - 1; i >= 0; i-- {
		if c := acct.calls[i]; q.matches(c) {
			matched = append(matched, c)
		}
	}
	offset := len(matched) // a page past the end, without overflowing page*size
	if q.page <= len(matched)/q.pageSize {
		offset = q.page * q.pageSize
	}
	if sid, ok := strings.CutPrefix(q.token, "PA"); ok {
		for i, c := range matched {
			if c.sid == sid {
				offset = i + 1
				break
			}
		}
	}
	end := min(offset+q.pageSize, len(matched))
	page := &callList{
		Calls:        make([]*callResource, 0, end-offset),
		FirstPageURI: q.pageURI(acct.sid, 0, ""),
		Page:         q.page,
		PageSize:     q.pageSize,
		Start:        offset,
		End:          max(offset, end-1),
		URI:          q.pageURI(acct.sid, q.page, q.token),
	}
	for _, c := range matched[offset:end] {
		page.Calls = append(page.Calls, c.resource())
	}
	if end < len(matched) {
		page.NextPageURI = strPtr(q.pageURI(acct.sid, q.page+1, "PA"+matched[end-1].sid))
	}
	if q.page > 0 {
		page.PreviousPageURI = strPtr(q.pageURI(acct.sid, q.page-1, ""))
	}
	return apiReply{status: http.StatusOK, value: page}
}
