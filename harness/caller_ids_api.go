package harness

import (
	"net/http"

	"github.com/twimlharness/twimlharness/harness/internal/phone"
	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// callerIDsResource is the OutgoingCallerIds resource:
// …/OutgoingCallerIds.json (list; POST is a validation request, see
// validation.go) and …/OutgoingCallerIds/{Sid}.json (fetch, update,
// delete).
func callerIDsResource() resource {
	return resource{path: "OutgoingCallerIds",
		list: (*Server).listCallerIDs, create: (*Server).createValidationRequest,
		fetch: (*Server).fetchCallerID, update: (*Server).updateCallerID, delete: (*Server).deleteCallerID}
}

// callerIDResource is the OutgoingCallerId resource as Twilio's REST API
// renders it.
type callerIDResource struct {
	AccountSid   string `json:"account_sid"`
	DateCreated  string `json:"date_created"`
	DateUpdated  string `json:"date_updated"`
	FriendlyName string `json:"friendly_name"`
	PhoneNumber  string `json:"phone_number"`
	Sid          string `json:"sid"`
	URI          string `json:"uri"`
}

// callerIDSchema renders caller IDs: <OutgoingCallerId> in XML,
// "outgoing_caller_ids" in lists. Immutable.
var callerIDSchema = twilioapi.NewSchema[callerIDResource]("OutgoingCallerId", "outgoing_caller_ids")

// resource renders the caller ID as the REST API shows it.
func (c *callerID) resource() *callerIDResource {
	return &callerIDResource{
		AccountSid:   c.AccountSID,
		DateCreated:  twilioapi.Date(c.created),
		DateUpdated:  twilioapi.Date(c.updated),
		FriendlyName: c.FriendlyName,
		PhoneNumber:  c.PhoneNumber,
		Sid:          c.SID,
		URI:          apiPrefix + c.AccountSID + "/OutgoingCallerIds/" + c.SID + ".json",
	}
}

// callerIDListing declares the list's filters, in the order Twilio's page
// URIs carry them. Its tests run with srv.mu held.
var callerIDListing = &listing[*callerID]{
	key: func(c *callerID) string { return c.SID },
	filters: []listFilter[*callerID]{
		{"PhoneNumber", func(v string) (func(*callerID) bool, *APIError) {
			want, _ := phone.Normalize(v)
			return func(c *callerID) bool { return c.PhoneNumber == want }, nil
		}},
		{"FriendlyName", func(v string) (func(*callerID) bool, *APIError) {
			return func(c *callerID) bool { return c.FriendlyName == v }, nil
		}},
	},
}

// callerIDLocked returns the account's caller ID sid, or nil.
func (s *Server) callerIDLocked(accountSID, sid string) *callerID {
	if c := s.dir.callerIDs[sid]; c != nil && c.AccountSID == accountSID {
		return c
	}
	return nil
}

// listCallerIDs answers GET /OutgoingCallerIds.json: the account's
// verified caller IDs in the order they were verified, filtered and paged.
func (s *Server) listCallerIDs(req *apiRequest) apiReply {
	lq, aerr := callerIDListing.parse(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := inOrder(s.dir.callerIDs, func(c *callerID) uint64 { return c.seq }, func(c *callerID) bool {
		return c.AccountSID == req.acct.sid && lq.matches(c)
	})
	return pageReply(callerIDSchema, page(callerIDListing, lq, ids, req.path, (*callerID).resource))
}

// fetchCallerID answers GET /OutgoingCallerIds/{Sid}.json.
func (s *Server) fetchCallerID(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.callerIDLocked(req.acct.sid, req.param("Sid"))
	if c == nil {
		return apiReply{err: notFound(req.path)}
	}
	return instance(http.StatusOK, callerIDSchema, c.resource(), "")
}

// updateCallerID answers POST /OutgoingCallerIds/{Sid}.json: its
// FriendlyName is all it changes.
func (s *Server) updateCallerID(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.callerIDLocked(req.acct.sid, req.param("Sid"))
	if c == nil {
		return apiReply{err: notFound(req.path)}
	}
	if form.Has("FriendlyName") {
		name, aerr := checkFriendlyName("FriendlyName", form.Get("FriendlyName"))
		if aerr != nil {
			return apiReply{err: aerr}
		}
		c.FriendlyName = name
		s.touchLocked(&c.entry)
	}
	return instance(http.StatusOK, callerIDSchema, c.resource(), "")
}

// deleteCallerID answers DELETE /OutgoingCallerIds/{Sid}.json: the account
// may no longer call from the number (unless it is one of its incoming
// numbers).
func (s *Server) deleteCallerID(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.callerIDLocked(req.acct.sid, req.param("Sid"))
	if c == nil {
		return apiReply{err: notFound(req.path)}
	}
	delete(s.dir.callerIDs, c.SID)
	return apiReply{status: http.StatusNoContent}
}
