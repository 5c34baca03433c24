package harness

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// The Queues resource: the account's call queues, made by <Enqueue> on
// first use or created here, listed, fetched, renamed and resized, and
// deleted once empty. Their callers are the Members resource
// (members_api.go).

// queuesResource is …/Queues.json and …/Queues/{Sid}.json.
func queuesResource() resource {
	return resource{path: "Queues", list: (*Server).listQueues, create: (*Server).createQueue,
		fetch: (*Server).fetchQueue, update: (*Server).updateQueue, delete: (*Server).deleteQueue}
}

// queueResource is the Queue resource as Twilio's REST API renders it. The
// sizes and the average wait are JSON numbers: twilio-go decodes them into
// ints, and a string would fail its decoding.
type queueResource struct {
	AccountSid      string `json:"account_sid"`
	AverageWaitTime int    `json:"average_wait_time"`
	CurrentSize     int    `json:"current_size"`
	DateCreated     string `json:"date_created"`
	DateUpdated     string `json:"date_updated"`
	FriendlyName    string `json:"friendly_name"`
	MaxSize         int    `json:"max_size"`
	Sid             string `json:"sid"`
	URI             string `json:"uri"`
}

// queueSchema renders queues: <Queue> in XML, "queues" in lists.
var queueSchema = twilioapi.NewSchema[queueResource]("Queue", "queues")

// queueListing declares the list: paging only, no filter.
var queueListing = &listing[*queue]{key: func(q *queue) string { return q.sid }}

// resourceLocked renders q; its current size and average wait are those of
// now.
func (q *queue) resourceLocked() *queueResource {
	return &queueResource{
		AccountSid:      q.account,
		AverageWaitTime: q.averageWaitLocked(),
		CurrentSize:     len(q.members),
		DateCreated:     twilioapi.Date(q.created),
		DateUpdated:     twilioapi.Date(q.updated),
		FriendlyName:    q.name,
		MaxSize:         q.max,
		Sid:             q.sid,
		URI:             q.pathLocked() + ".json",
	}
}

// pathLocked is the queue's URI without its extension.
func (q *queue) pathLocked() string { return apiPrefix + q.account + "/Queues/" + q.sid }

// queueOfLocked returns the account's queue sid, nil if none.
func (s *Server) queueOfLocked(acct *account, sid string) *queue {
	if q := s.queues.bySID[sid]; q != nil && q.account == acct.sid {
		return q
	}
	return nil
}

// queueLimitLocked says why the account may not have one more queue ("" if
// it may): it has Limits.QueuesPerAccount.
func (s *Server) queueLimitLocked(account string) string {
	if lim := s.cfg.callLimits.QueuesPerAccount; s.queues.ofAccount[account] >= lim {
		return fmt.Sprintf("the account has %d queues, the harness's limit (delete queues it no longer uses, or raise harness.Limits.QueuesPerAccount with WithLimits)", lim)
	}
	return ""
}

// queueSettings are what create and update read: FriendlyName (set is
// false when absent) and MaxSize (0 when absent).
type queueSettings struct {
	name string
	set  bool
	max  int
}

// parseQueueSettings reads FriendlyName (at most 64 characters, not
// empty when given) and MaxSize (1 to 5,000).
func parseQueueSettings(form twilioapi.Form) (queueSettings, *APIError) {
	var qs queueSettings
	if form.Has("FriendlyName") {
		qs.name, qs.set = form.Get("FriendlyName"), true
		switch {
		case qs.name == "":
			return qs, badRequest(codeBadRequest, "FriendlyName may not be empty: a queue is named by it, as <Enqueue> names it")
		case utf8.RuneCountInString(qs.name) > maxFriendlyName:
			return qs, badRequest(codeBadRequest, "FriendlyName may be at most %d characters long: %q", maxFriendlyName, qs.name)
		}
	}
	n, given, err := form.Int("MaxSize", 1, MaxQueueSize)
	if err != nil {
		return qs, badRequest(codeBadRequest, "MaxSize must be an integer from 1 to %d: %s", MaxQueueSize, form.Get("MaxSize"))
	}
	if given {
		qs.max = n
	}
	return qs, nil
}

// nameTakenLocked is the error of a FriendlyName another queue of the
// account has.
//
// Fidelity: Twilio's Queue documentation says "Each Queue needs to have a
// unique friendly name within an account" (and <Enqueue> finds a queue by
// it), but not what a duplicate gets: the harness answers 400 with 20001,
// the code Twilio gives a duplicate TaskRouter queue name.
func (s *Server) nameTakenLocked(acct *account, name string, self *queue) *APIError {
	if other := s.queueNamedLocked(acct.sid, name); other != nil && other != self {
		return badRequest(codeBadRequest, "A queue named %q already exists in this account (%s): queue names are unique within an account", name, other.sid)
	}
	return nil
}

// listQueues answers GET /Queues.json: the account's queues in the order
// they were created, paged.
func (s *Server) listQueues(req *apiRequest) apiReply {
	lq, aerr := queueListing.parse(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked() // sizes and waits are those of now
	var mine []*queue
	for _, q := range s.queues.order {
		if q.account == req.acct.sid {
			mine = append(mine, q)
		}
	}
	return pageReply(queueSchema, page(queueListing, lq, mine, req.path, (*queue).resourceLocked))
}

// createQueue answers POST /Queues.json: FriendlyName is required, MaxSize
// defaults to 1,000.
func (s *Server) createQueue(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	qs, aerr := parseQueueSettings(form)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	if !qs.set {
		return apiReply{err: badRequest(codeBadRequest, "FriendlyName is required: the queue's name, as <Enqueue> and <Dial><Queue> name it")}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	if aerr := s.nameTakenLocked(req.acct, qs.name, nil); aerr != nil {
		return apiReply{err: aerr}
	}
	if msg := s.queueLimitLocked(req.acct.sid); msg != "" {
		return apiReply{err: badRequest(codeBadRequest, "Queue %q cannot be created: %s", qs.name, msg)}
	}
	q := s.newQueueLocked(req.acct.sid, qs.name, qs.max)
	return instance(http.StatusCreated, queueSchema, q.resourceLocked(), "")
}

// fetchQueue answers GET /Queues/{Sid}.json.
func (s *Server) fetchQueue(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	q := s.queueOfLocked(req.acct, req.param("Sid"))
	if q == nil {
		return apiReply{err: notFound(req.path)}
	}
	return instance(http.StatusOK, queueSchema, q.resourceLocked(), "")
}

// updateQueue answers POST /Queues/{Sid}.json: a new FriendlyName (which
// <Enqueue> and <Dial><Queue> then use) or MaxSize.
//
// Fidelity: a MaxSize below the number of callers waiting is accepted
// (Twilio does not say otherwise): the callers stay, current_size may
// exceed max_size for a while, and <Enqueue> refuses new callers
// (queue-full) until the queue is below its new size.
func (s *Server) updateQueue(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	qs, perr := parseQueueSettings(form)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	q := s.queueOfLocked(req.acct, req.param("Sid"))
	if q == nil {
		return apiReply{err: notFound(req.path)}
	}
	if perr != nil {
		return apiReply{err: perr}
	}
	if qs.set && qs.name != q.name {
		if aerr := s.nameTakenLocked(req.acct, qs.name, q); aerr != nil {
			return apiReply{err: aerr}
		}
		delete(s.queues.byName, confKey{q.account, q.name})
		q.name = qs.name
		s.queues.byName[confKey{q.account, q.name}] = q
	}
	if qs.max > 0 {
		q.max = qs.max
	}
	if qs.set || qs.max > 0 {
		q.updated = s.clock.Now()
	}
	return instance(http.StatusOK, queueSchema, q.resourceLocked(), "")
}

// deleteQueue answers DELETE /Queues/{Sid}.json: only an empty queue can
// be deleted.
//
// Fidelity: Twilio documents "Remove an empty queue" but not the error of
// a queue with callers; the harness answers 400 with 20009, Twilio's code
// for deleting a resource still in use (a live call). A queue with an
// agent's <Dial><Queue> waiting for a caller is in use too, and refused the
// same way: the Dial would otherwise wait on a queue no one can join.
func (s *Server) deleteQueue(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	q := s.queueOfLocked(req.acct, req.param("Sid"))
	if q == nil {
		return apiReply{err: notFound(req.path)}
	}
	var busy []string
	if n := len(q.members); n > 0 {
		busy = append(busy, plural(n, "caller")+" waiting")
	}
	agents := 0
	for _, d := range q.dialers {
		if d.state == queueDialWaiting {
			agents++
		}
	}
	if agents > 0 {
		busy = append(busy, plural(agents, "agent")+" (<Dial><Queue>) waiting for a caller")
	}
	if len(busy) > 0 {
		return apiReply{err: badRequest(codeDeleteLiveCall, "Queue %s (%q) is not empty: it has %s. Only an empty queue can be deleted: dequeue its members first (POST …/Members/{CallSid}.json with a Url)",
			q.sid, q.name, strings.Join(busy, " and "))}
	}
	q.deleteLocked()
	return apiReply{status: http.StatusNoContent}
}

// plural is "1 caller", "2 callers".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
