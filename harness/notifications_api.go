package harness

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// The Notifications resource: the errors and warnings the engine logged
// while it ran calls (Twilio's debugger log, deprecated in favour of
// Monitor Alerts but still served), per account and per call. Read-only.

// notificationsResource is …/Notifications.json and …/Notifications/{Sid}.json.
func notificationsResource() resource {
	return resource{path: "Notifications", list: (*Server).listNotifications, fetch: (*Server).fetchNotification}
}

// callNotificationsResource is …/Calls/{CallSid}/Notifications.json and its
// instances.
func callNotificationsResource() resource {
	return resource{path: "Calls/{CallSid}/Notifications", list: (*Server).listNotifications, fetch: (*Server).fetchNotification}
}

// notificationResource is a notification as the REST API lists it.
type notificationResource struct {
	AccountSid    string  `json:"account_sid"`
	APIVersion    string  `json:"api_version"`
	CallSid       *string `json:"call_sid"`
	DateCreated   string  `json:"date_created"`
	DateUpdated   string  `json:"date_updated"`
	ErrorCode     string  `json:"error_code"`
	Log           string  `json:"log"`
	MessageDate   string  `json:"message_date"`
	MessageText   string  `json:"message_text"`
	MoreInfo      string  `json:"more_info"`
	RequestMethod *string `json:"request_method"`
	RequestURL    *string `json:"request_url"`
	Sid           string  `json:"sid"`
	URI           string  `json:"uri"`
}

// notificationInstance is a notification as the REST API fetches it: with
// the request and the reply that caused it.
type notificationInstance struct {
	notificationResource
	RequestVariables string `json:"request_variables"`
	ResponseBody     string `json:"response_body"`
	ResponseHeaders  string `json:"response_headers"`
}

// notificationSchema and notificationInstanceSchema render notifications:
// <Notification> in XML, "notifications" in lists. Immutable.
var (
	notificationSchema         = twilioapi.NewSchema[notificationResource]("Notification", "notifications")
	notificationInstanceSchema = twilioapi.NewSchema[notificationInstance]("Notification", "notifications")
)

// notificationListing declares the filters of both lists.
var notificationListing = &listing[*Notification]{
	key: func(n *Notification) string { return n.SID },
	filters: []listFilter[*Notification]{
		{"Log", func(v string) (func(*Notification) bool, *APIError) {
			if v != "0" && v != "1" {
				return nil, badRequest(codeBadRequest, "Log must be 0 (errors) or 1 (warnings): %s", v)
			}
			return func(n *Notification) bool { return logLevel(n.Level) == v }, nil
		}},
		{"MessageDate", timeFilter[*Notification]("MessageDate", messageDate)},
		{"MessageDate<", timeFilter[*Notification]("MessageDate<", messageDate)},
		{"MessageDate>", timeFilter[*Notification]("MessageDate>", messageDate)},
	},
}

func messageDate(n *Notification) time.Time { return n.Time }

// logLevel is Twilio's log value of a level: "0" for errors, "1" for
// warnings.
func logLevel(l Level) string {
	if l == LevelError {
		return "0"
	}
	return "1"
}

// listNotifications answers GET /Notifications.json and
// GET /Calls/{CallSid}/Notifications.json: newest first, filtered and
// paged.
func (s *Server) listNotifications(req *apiRequest) apiReply {
	lq, aerr := notificationListing.parse(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	notes, callSID, aerr := s.notesOfLocked(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	matched := make([]*Notification, 0, len(notes))
	for i := len(notes) - 1; i >= 0; i-- {
		if n := notes[i]; n.account == req.acct.sid && lq.matches(n) {
			matched = append(matched, n)
		}
	}
	reply := pageReply(notificationSchema, page(notificationListing, lq, matched, req.path, (*Notification).resource))
	reply.callSID = callSID
	return reply
}

// fetchNotification answers GET /Notifications/{Sid}.json and
// GET /Calls/{CallSid}/Notifications/{Sid}.json.
func (s *Server) fetchNotification(req *apiRequest) apiReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	notes, callSID, aerr := s.notesOfLocked(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	sid := req.param("Sid")
	for _, n := range notes {
		if n.SID == sid && n.account == req.acct.sid {
			return instance(http.StatusOK, notificationInstanceSchema, n.instance(), callSID)
		}
	}
	return apiReply{callSID: callSID, err: notFound(req.path)}
}

// notesOfLocked returns the notifications a request is about: its call's,
// or the server's; and the call's SID.
func (s *Server) notesOfLocked(req *apiRequest) ([]*Notification, string, *APIError) {
	callSID := req.param("CallSid")
	if callSID == "" {
		return s.notes, "", nil
	}
	c := s.lookupLocked(req.acct, callSID)
	if c == nil {
		return nil, "", notFound(req.path)
	}
	return c.history.notes, callSID, nil
}

// resource renders n as a list shows it.
func (n *Notification) resource() *notificationResource {
	date := twilioapi.Date(n.Time)
	r := &notificationResource{
		AccountSid:  n.account,
		APIVersion:  apiVersion,
		DateCreated: date,
		DateUpdated: date,
		ErrorCode:   strconv.Itoa(n.Code),
		Log:         logLevel(n.Level),
		MessageDate: date,
		MessageText: n.messageText(),
		MoreInfo:    moreInfo(n.Code),
		Sid:         n.SID,
		URI:         "/" + apiVersion + "/Accounts/" + n.account + "/Notifications/" + n.SID + ".json",
	}
	if n.CallSID != "" {
		r.CallSid = &n.CallSID
	}
	if n.URL != "" {
		r.RequestURL = &n.URL
	}
	if n.Method != "" {
		r.RequestMethod = &n.Method
	}
	return r
}

// instance renders n as a fetch shows it, with the request and reply that
// caused it (empty when none did).
func (n *Notification) instance() *notificationInstance {
	inst := &notificationInstance{notificationResource: *n.resource()}
	if w := n.hook; w != nil {
		inst.RequestVariables, inst.ResponseBody = w.body, w.reply
		inst.ResponseHeaders = url.Values(w.replyHeader.header()).Encode()
	}
	return inst
}

// messageText is the notification as Twilio's message_text gives it: URL
// encoded key=value pairs.
func (n *Notification) messageText() string {
	var b strings.Builder
	b.WriteString("Msg=")
	b.WriteString(url.QueryEscape(n.Message))
	b.WriteString("&ErrorCode=")
	b.WriteString(strconv.Itoa(n.Code))
	b.WriteString("&LogLevel=")
	if n.Level == LevelError {
		b.WriteString("ERROR")
	} else {
		b.WriteString("WARN")
	}
	if n.URL != "" {
		b.WriteString("&url=")
		b.WriteString(url.QueryEscape(n.URL))
	}
	if w := n.hook; w != nil && w.status != 0 {
		b.WriteString("&httpResponse=")
		b.WriteString(strconv.Itoa(w.status))
	}
	return b.String()
}

// moreInfo is where a code is explained: Twilio's error catalog, or this
// package's documentation for the harness's own codes.
func moreInfo(code int) string {
	if name := harnessCodeName(code); name != "" {
		return "https://pkg.go.dev/github.com/twimlharness/twimlharness/harness#" + name
	}
	return "https://www.twilio.com/docs/errors/" + strconv.Itoa(code)
}

// harnessCodeName is the constant that names one of the harness's own
// codes, "" for Twilio's.
func harnessCodeName(code int) string {
	switch code {
	case CodeNotSimulated:
		return "CodeNotSimulated"
	case CodeRedirectLoop:
		return "CodeRedirectLoop"
	case CodeUnusedStep:
		return "CodeUnusedStep"
	case CodeLimitReached:
		return "CodeLimitReached"
	case CodeInputNotTaken:
		return "CodeInputNotTaken"
	}
	return ""
}
