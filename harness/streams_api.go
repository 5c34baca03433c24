package harness

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
	"github.com/twimlharness/twimlharness/twiml"
)

// The Streams resource: …/Calls/{CallSid}/Streams.json (create: a
// unidirectional media stream on a live call, stream.go) and
// …/Calls/{CallSid}/Streams/{Sid}.json (update: Status=stopped), where
// {Sid} is a stream's SID or its name. Twilio documents no list, fetch or
// delete: those methods are answered 405.

// streamsResource is the Streams resource.
func streamsResource() resource {
	return resource{path: "Calls/{CallSid}/Streams", create: (*Server).createStream, update: (*Server).updateStream}
}

// maxStreamParams is how many ParameterN pairs a create request takes.
const maxStreamParams = 99

// Statuses of the Stream resource.
const (
	streamStatusInProgress = "in-progress"
	streamStatusStopped    = "stopped"
)

// streamResource is the Stream resource as Twilio renders it (in the order
// of Twilio's examples).
type streamResource struct {
	AccountSid  string  `json:"account_sid"`
	CallSid     string  `json:"call_sid"`
	Sid         string  `json:"sid"`
	Name        *string `json:"name"`
	Status      string  `json:"status"`
	DateUpdated string  `json:"date_updated"`
	URI         string  `json:"uri"`
}

// streamSchema renders streams: <Stream> in XML. Immutable.
var streamSchema = twilioapi.NewSchema[streamResource]("Stream", "streams")

// resourceLocked renders the stream as the REST API shows it: in-progress
// while it is being opened or runs, stopped once it ended for whatever
// reason (and date_updated is then when it stopped).
func (st *stream) resourceLocked() *streamResource {
	c := st.call
	r := &streamResource{
		AccountSid:  c.account,
		CallSid:     c.sid,
		Sid:         st.sid,
		Status:      streamStatusInProgress,
		DateUpdated: twilioapi.Date(st.created),
		URI:         strings.TrimSuffix(c.uri, ".json") + "/Streams/" + st.sid + ".json",
	}
	if st.state == streamStopped {
		r.Status, r.DateUpdated = streamStatusStopped, twilioapi.Date(st.stopped)
	}
	if st.name != "" {
		r.Name = strPtr(st.name)
	}
	return r
}

// streamCreate is a validated create request: the stream to start, and
// the ParameterN keys outside 1–99, which are ignored.
type streamCreate struct {
	spec    streamSpec
	ignored []string
}

// parseStreamCreate reads a create request: Url (required, an absolute
// ws:// or wss:// URL), Name, Track, StatusCallback, StatusCallbackMethod
// and the pairs Parameter1.Name/Parameter1.Value … Parameter99.
func parseStreamCreate(form twilioapi.Form) (*streamCreate, *APIError) {
	sc := &streamCreate{}
	sp := &sc.spec
	sp.viaAPI = true
	var aerr *APIError
	if sp.url, aerr = streamURLParam(form.Get("Url")); aerr != nil {
		return nil, aerr
	}
	sp.name = form.Get("Name")
	track, err := form.Choice("Track", "inbound_track", "inbound_track", "outbound_track", "both_tracks")
	if err != nil {
		return nil, badRequest(codeBadRequest, "Track must be inbound_track, outbound_track or both_tracks: %s", form.Raw("Track"))
	}
	sp.track = track
	if sp.cbURL, aerr = urlParam(form, "StatusCallback"); aerr != nil {
		return nil, aerr
	}
	if sp.cbMethod, aerr = methodParam(form, "StatusCallbackMethod"); aerr != nil {
		return nil, aerr
	}
	if sp.params, aerr = streamParamsOf(form); aerr != nil {
		return nil, aerr
	}
	sc.ignored = outOfRangeParams(form)
	return sc, nil
}

// streamURLParam checks the Url of a create request.
//
// Fidelity: Twilio's description says Url may be relative, without saying
// what it is relative to; the harness takes only an absolute ws:// or
// wss:// URL and answers anything else 400 with 21205, as the Calls API
// answers a bad Url. (Twilio itself dials only wss://; the harness dials
// ws:// too, for a loopback server.)
func streamURLParam(v string) (string, *APIError) {
	if v == "" {
		return "", badRequest(codeNoURL, "Url is required: the absolute wss:// URL of the WebSocket the stream is sent to")
	}
	u, err := url.Parse(v)
	if err != nil || (!strings.EqualFold(u.Scheme, "ws") && !strings.EqualFold(u.Scheme, "wss")) || u.Hostname() == "" {
		return "", badRequest(codeNoURL, "Url must be an absolute ws:// or wss:// URL (Twilio opens a WebSocket to it): %s", v)
	}
	return v, nil
}

// streamParamsOf reads the pairs Parameter1.Name/Parameter1.Value …
// Parameter99, in the order of their numbers. A name without a value has
// the value "".
//
// Fidelity: Twilio documents neither a value without its name nor a pair
// of 500 characters or more (the limit of <Parameter>) given to the
// Streams API: the harness answers both 400 with 20001, rather than drop
// the pair as it drops such a <Parameter> with a warning.
func streamParamsOf(form twilioapi.Form) ([]twiml.Parameter, *APIError) {
	var out []twiml.Parameter
	for n := 1; n <= maxStreamParams; n++ {
		nameKey, valueKey := fmt.Sprintf("Parameter%d.Name", n), fmt.Sprintf("Parameter%d.Value", n)
		if !form.Has(nameKey) && !form.Has(valueKey) {
			continue
		}
		p := twiml.Parameter{Name: form.Raw(nameKey), Value: form.Raw(valueKey)}
		if p.Name == "" {
			return nil, badRequest(codeBadRequest, "%s is given without %s: each custom parameter needs a name", valueKey, nameKey)
		}
		if len(p.Name)+len(p.Value) >= maxParameterPair {
			return nil, badRequest(codeBadRequest, "Parameter%d: name and value together must be under %d characters (they have %d)", n, maxParameterPair, len(p.Name)+len(p.Value))
		}
		out = append(out, p)
	}
	return out, nil
}

// paramKey is a key of a custom parameter, whatever its number.
var paramKey = regexp.MustCompile(`^Parameter([0-9]+)\.(Name|Value)$`)

// outOfRangeParams returns the ParameterN keys whose N is not 1–99,
// sorted.
func outOfRangeParams(form twilioapi.Form) []string {
	var out []string
	for k := range form {
		m := paramKey.FindStringSubmatch(k)
		if m == nil {
			continue
		}
		if n, err := strconv.Atoi(m[1]); err != nil || n < 1 || n > maxStreamParams || m[1] != strconv.Itoa(n) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// createStream answers POST /Calls/{CallSid}/Streams.json: a
// unidirectional stream starts on the call, which must be in progress.
// The reply says in-progress at once; the WebSocket is opened afterwards,
// as for <Start><Stream>, and a stream that cannot be opened ends with
// its error logged and its stream-error callback.
func (s *Server) createStream(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	sc, perr := parseStreamCreate(form)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked() // a scaled clock's time: the stream starts now
	callSID := req.param("CallSid")
	c := s.lookupLocked(req.acct, callSID)
	if c == nil {
		return apiReply{err: notFound(req.path)}
	}
	if perr != nil {
		return apiReply{callSID: callSID, err: perr}
	}
	if st := c.line.status; st != StatusInProgress {
		return apiReply{callSID: callSID, err: badRequest(codeInvalidCallState,
			"Call is not in-progress. Cannot start a stream: call %s is %s, and a stream can be started only on a call in progress", callSID, st.resource())}
	}
	// Fidelity: Twilio documents the limits of streams on a call (four
	// tracks of unidirectional streams at once, names unique among the
	// call's running streams, <Connect><Stream> included) but not the
	// REST error of exceeding them: the harness answers 400 with 20001
	// and the limit in words, and starts nothing.
	st, _, msg := c.newStreamLocked(sc.spec)
	if st == nil {
		return apiReply{callSID: callSID, err: badRequest(codeBadRequest, "Cannot start the stream: %s", msg)}
	}
	if len(sc.ignored) > 0 {
		c.noteLocked(fmt.Sprintf("stream %s: %s ignored: the Streams API takes custom parameters Parameter1 to Parameter%d", st.sid, strings.Join(sc.ignored, ", "), maxStreamParams))
	}
	return instance(http.StatusOK, streamSchema, st.resourceLocked(), callSID)
}

// updateStream answers POST /Calls/{CallSid}/Streams/{Sid}.json with
// Status=stopped: the stream, named by its SID or its name, stops (the
// application gets the stop message, then the WebSocket closes).
//
// Fidelity: stopping a stream that has already stopped (by the API, by
// <Stop><Stream>, because it failed or its call ended) answers 200 with
// the stream as it is, stopped, and changes nothing, even once the call
// has ended; Twilio does not document it. A name used by several streams
// of the call in turn names the latest. The API stops a <Connect><Stream>
// too (Twilio documents the update for unidirectional streams only): the
// call goes on as when the application closes the WebSocket, with the
// Connect's action or the next verb.
func (s *Server) updateStream(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked() // a scaled clock's time: the stream stops now
	callSID := req.param("CallSid")
	c := s.lookupLocked(req.acct, callSID)
	if c == nil {
		return apiReply{err: notFound(req.path)}
	}
	st := c.streamNamedLocked(req.param("Sid"))
	if st == nil {
		return apiReply{callSID: callSID, err: notFound(req.path)}
	}
	switch v := form.Raw("Status"); v {
	case streamStatusStopped:
	case "":
		return apiReply{callSID: callSID, err: badRequest(codeBadRequest, "Status is required: stopped, the only change the Streams API makes to a stream")}
	default:
		return apiReply{callSID: callSID, err: badRequest(codeBadRequest, "Status must be stopped, the only change the Streams API makes to a stream: %s", v)}
	}
	st.stopLocked("the Streams API stopped it", true)
	return instance(http.StatusOK, streamSchema, st.resourceLocked(), callSID)
}
