package harness

import (
	"net/http"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// The Members resource: the calls waiting in a queue, front first,
// listed, fetched (by Call SID, or Front), and dequeued to a new TwiML
// document with an update.

// membersResource is …/Queues/{QueueSid}/Members.json and
// …/Queues/{QueueSid}/Members/{CallSid}.json ({CallSid} may be Front).
func membersResource() resource {
	return resource{path: "Queues/{QueueSid}/Members", list: (*Server).listMembers,
		fetch: (*Server).fetchMember, update: (*Server).updateMember}
}

// frontMember is the CallSid that names the member at the front.
const frontMember = "Front"

// memberResource is the Member resource as Twilio's REST API renders it
// (in the order of Twilio's examples). Position and wait_time are JSON
// numbers: twilio-go decodes them into ints.
type memberResource struct {
	CallSid      string `json:"call_sid"`
	DateEnqueued string `json:"date_enqueued"`
	Position     int    `json:"position"`
	URI          string `json:"uri"`
	WaitTime     int    `json:"wait_time"`
	QueueSid     string `json:"queue_sid"`
}

// memberSchema renders members: <QueueMember> in XML, "queue_members" in
// lists.
var memberSchema = twilioapi.NewSchema[memberResource]("QueueMember", "queue_members")

// memberListing declares the list: paging only, no filter.
var memberListing = &listing[*member]{key: func(m *member) string { return m.call.sid }}

// resourceLocked renders m as it is now: its position and how long it has
// waited.
func (m *member) resourceLocked() *memberResource {
	q := m.q
	return &memberResource{
		CallSid:      m.call.sid,
		DateEnqueued: twilioapi.Date(m.enqueued),
		Position:     q.positionLocked(m),
		URI:          q.pathLocked() + "/Members/" + m.call.sid + ".json",
		WaitTime:     m.waitedLocked(),
		QueueSid:     q.sid,
	}
}

// memberOfLocked returns the member a request names, in the queue of its
// path: a call waiting there, or the one at the front for Front.
//
// Fidelity: Twilio's documentation does not give the error of a call that
// is not (or no longer) in the queue, of Front in an empty queue, or of an
// unknown queue: the harness answers 404 with 20404 for each, as for any
// unknown resource. Twilio's examples echo "call_sid": "Front" when the
// member is fetched as Front; the harness shows the member's real Call SID,
// which its schema requires.
func (s *Server) memberOfLocked(req *apiRequest) (*member, *APIError) {
	q := s.queueOfLocked(req.acct, req.param("QueueSid"))
	if q == nil {
		return nil, notFound(req.path)
	}
	sid := req.param("Sid")
	for _, m := range q.members {
		if sid == frontMember || m.call.sid == sid {
			return m, nil
		}
	}
	return nil, notFound(req.path)
}

// listMembers answers GET /Queues/{QueueSid}/Members.json: the calls
// waiting, front first, paged.
func (s *Server) listMembers(req *apiRequest) apiReply {
	lq, aerr := memberListing.parse(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked() // positions and waits are those of now
	q := s.queueOfLocked(req.acct, req.param("QueueSid"))
	if q == nil {
		return apiReply{err: notFound(req.path)}
	}
	return pageReply(memberSchema, page(memberListing, lq, q.members, req.path, (*member).resourceLocked))
}

// fetchMember answers GET /Queues/{QueueSid}/Members/{CallSid}.json.
func (s *Server) fetchMember(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	m, aerr := s.memberOfLocked(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	return instance(http.StatusOK, memberSchema, m.resourceLocked(), m.call.sid)
}

// updateMember answers POST /Queues/{QueueSid}/Members/{CallSid}.json:
// the member leaves the queue and its call runs the TwiML at Url (Method
// GET or POST, default POST). The reply shows the member as it was, before
// it left; the next members move up.
//
// Fidelity: Twilio documents that the call then runs the document at Url,
// and (on the <Enqueue> page) that a call leaving its queue this way has
// its Enqueue action requested at once with QueueResult=redirected. The
// harness does both, as for a Calls update: the action is requested (with
// QueueSid and QueueTime) and its reply ignored; Url drives the call, and
// becomes its Url. A missing or relative Url is 400 with 21205, as for
// Calls; an update of a call that has left the queue (a second update)
// is 404, 20404.
func (s *Server) updateMember(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	var perr *APIError
	target := form.Get("Url")
	switch {
	case target == "":
		perr = badRequest(codeNoURL, "Url is required: the absolute URL of the TwiML the dequeued call runs next")
	case twilioapi.CheckURL(target) != nil:
		perr = badRequest(codeNoURL, "Url must be an absolute http or https URL (the dequeued call runs the TwiML there): %s", target)
	}
	method, err := form.Method("Method")
	if err != nil && perr == nil {
		perr = badRequest(codeInvalidMethod, "Method must be GET or POST: %s", form.Get("Method"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked() // a scaled clock's time: the dequeue happens now
	m, aerr := s.memberOfLocked(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	sid := m.call.sid
	if perr != nil {
		return apiReply{callSID: sid, err: perr}
	}
	res := m.resourceLocked() // as it was
	m.verb.dequeuedToLocked(method, target)
	return instance(http.StatusOK, memberSchema, res, sid)
}
