package harness

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// The Call Events resource: every request the call made to the
// application (its voice URL, fallbacks, actions, redirects, status and
// recording callbacks) and how the application answered, oldest first.
// Read-only. Twilio shows them 15 minutes after the call; the harness at
// once, and while the call lasts.

// callEventsResource is …/Calls/{CallSid}/Events.json.
func callEventsResource() resource {
	return resource{path: "Calls/{CallSid}/Events", list: (*Server).listCallEvents}
}

// eventResource is a call event as the REST API renders it.
type eventResource struct {
	Request  eventRequest  `json:"request"`
	Response eventResponse `json:"response"`
}

// eventRequest is what the harness sent: parameters named in snake_case.
type eventRequest struct {
	URL        string           `json:"url"`
	Method     string           `json:"method"`
	Parameters twilioapi.Object `json:"parameters"`
}

// eventResponse is how the application answered; a request that got no
// answer has response_code 0 and an empty body.
type eventResponse struct {
	DateCreated     string `json:"date_created"`
	RequestDuration int    `json:"request_duration"` // milliseconds of virtual time
	ResponseCode    int    `json:"response_code"`
	ContentType     string `json:"content_type"`
	ResponseBody    string `json:"response_body"`
}

// eventSchema renders call events: <Event> in XML, "events" in lists.
// Immutable.
var eventSchema = twilioapi.NewSchema[eventResource]("Event", "events")

// eventListing has no filters: paging only.
var eventListing = &listing[*webhook]{key: func(w *webhook) string { return strconv.FormatUint(w.seq, 10) }}

// listCallEvents answers GET /Calls/{CallSid}/Events.json.
func (s *Server) listCallEvents(req *apiRequest) apiReply {
	lq, aerr := eventListing.parse(req)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	callSID := req.param("CallSid")
	c := s.lookupLocked(req.acct, callSID)
	if c == nil {
		return apiReply{err: notFound(req.path)}
	}
	hooks := c.history.hooks
	reply := pageReply(eventSchema, page(eventListing, lq, hooks, req.path, (*webhook).eventLocked))
	reply.callSID = callSID
	return reply
}

// eventLocked renders w as a call event.
func (w *webhook) eventLocked() *eventResource {
	target := w.url
	if w.method == "GET" {
		target = w.target
	}
	ev := &eventResource{
		Request: eventRequest{URL: target, Method: w.method, Parameters: snakeParams(w.body)},
		Response: eventResponse{DateCreated: twilioapi.Date(w.at), ResponseCode: w.status,
			ContentType: w.replyHeader.Get("Content-Type"), ResponseBody: w.reply},
	}
	if w.replyAt.After(w.at) {
		ev.Response.RequestDuration = int(w.replyAt.Sub(w.at).Milliseconds())
	}
	return ev
}

// snakeParams decodes a request's form body into its parameters, named
// as Call Events name them ("CallSid" → "call_sid"), in order.
func snakeParams(body string) twilioapi.Object {
	var out twilioapi.Object
	for pair := range strings.SplitSeq(body, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		out = append(out, [2]string{snake(k), v})
	}
	return out
}

// snake returns a parameter name in snake_case: "CallSid" → "call_sid",
// "SipResponseCode" → "sip_response_code".
func snake(name string) string {
	var b strings.Builder
	b.Grow(len(name) + 4)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			if i > 0 && name[i-1] != '_' && !('A' <= name[i-1] && name[i-1] <= 'Z') {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}
