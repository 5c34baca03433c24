package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/scenario"
)

// ControlPrefix is where [Server.ControlHandler] serves the control API.
const ControlPrefix = "/_harness/"

// ControlHandler returns the control API, which lets a test in any
// language drive the server: under [ControlPrefix],
//
//	POST   reset       {"keep": ["numbers"]}              back to the start: see [Server.Reset]; the body is optional
//	POST   seed        {"seed": 7}                        restart the SID generator (Reseed)
//	GET    parties                                        {"parties": {address: PartySpec}}
//	PUT    parties/{address}  PartySpec                   set a party's behaviour (a scenario.PartySpec)
//	DELETE parties/{address}                              back to the default party
//	GET    numbers                                        {"numbers": [number, …]}
//	POST   numbers     {"phone_number", "voice_url", …}   add an incoming number
//	PUT    numbers/{phone_number} {"voice_url", …}        add it, or replace its settings
//	DELETE numbers/{phone_number}                         remove it
//	GET    caller_ids                                     {"caller_ids": [caller ID, …]}
//	POST   caller_ids  {"phone_number", "friendly_name"}  add a verified caller ID (AddCallerID)
//	POST   calls       {"from", "to", "caller": PartySpec} place an incoming call
//	GET    calls?status=busy&number=0123&offset=50&limit=50 a page of the calls, newest first (CallPage); also since, until
//	GET    events                                         Server-Sent Events: hello, then a CallSummary each time a call changes, and reset
//	GET    ui/                                            the inspector: a web page of all of this (sign in with the account's SID and token)
//	POST   faults      {"url", "status", "timeout", …}    inject a fault (DELETE clears them)
//	GET    clock                                          {"now", "mode", "rate"}
//	PUT    clock       {"mode": "scaled", "rate": 10}     switch the clock's mode (manual, auto, scaled)
//	POST   clock/advance {"seconds": 30}                  run what is due and move time
//	POST   clock/run                                      run until nothing is left to happen
//	GET    public_urls                                    {"public_urls": [{"public", "real"}, …]}
//	PUT    public_urls {"public": "https://app.example.com", "real": "http://127.0.0.1:3000"}
//	DELETE public_urls                                    remove every mapping
//	GET    transcript | record | diagram                  every call, as text, JSON or Mermaid
//	GET    calls/{sid}/transcript | record | diagram      one call
//	GET    calls/{sid}/diagram.svg | summary              its diagram drawn as SVG; its line in the list (CallSummary)
//	GET    calls/{sid}/recordings/{RE…}.wav               a completed recording's audio, as the REST API serves it, unrecorded
//	GET    calls/{sid}/streams                            {"streams": [stream, …]}: the call's media streams, each without its messages
//	GET    calls/{sid}/streams/{ref}                      a stream's record, with its messages; {ref} is its SID or name
//	GET    calls/{sid}/streams/{ref}/transcript           a stream's transcript
//	GET    calls/{sid}/streams/{ref}.wav?track=inbound    a track of a stream as a WAV: inbound, outbound or app
//	GET    calls/{sid}/conversations                      {"conversations": [conversation, …]}: the call's ConversationRelay sessions, each without its messages
//	GET    calls/{sid}/conversations/{id}                 a session's record, with its turns and messages; {id} is its session ID (VX…)
//	GET    calls/{sid}/conversations/{id}/transcript      a session's conversation as text (Conversation.Transcript)
//	GET    conferences                                    {"conferences": [conference, …]}: each without its events
//	GET    conferences/{sid}                              a conference's record (as conferences/{sid}/record)
//	GET    conferences/{sid}/transcript | record | diagram | diagram.svg  one conference; {sid} may be its name (the latest of that name)
//
// The views of every call are written to the response as they are
// produced, flushed as they go, by [Server.WriteTranscript],
// [Server.WriteRecordJSON] and [Server.WriteMermaid], which never hold the
// server up for more than one call. Their query parameters select calls,
// in the order they were created, then page through them:
//
//	call=CA…                     only this call; repeat it for several ([OnlyCalls])
//	since=2025-01-06T09:00:00Z   calls created at or after this virtual time ([CreatedSince])
//	until=2025-01-06T10:00:00Z   calls created before it ([CreatedBefore])
//	offset=200                   skip that many of the calls selected ([SkipCalls])
//	limit=100                    show at most that many ([MaxCalls])
//	reply_bodies=false           leave the applications' reply bodies out of the record ([WithoutReplyBodies])
//	diagram_limit=0              the diagram's limit in characters, 0 for none ([DiagramLimit]; default [DefaultDiagramLimit])
//
// Times are RFC 3339, fractions of a second allowed; a + in an offset is
// sent as %2B. The views of one call take only reply_bodies, and so do
// those of one conference; the list of conferences takes no parameter.
// The views of the whole server show, after the calls, the conferences
// they were in ([Server.WriteTranscript]).
// A record that selects fewer than every call lists only the REST requests
// and messages of the calls it shows. An unknown parameter, a value that
// does not parse, a since not before until, or a call the server does not
// have is refused before anything is written (400, or 404 for the call).
//
// Replies are JSON (text for transcripts and diagrams); errors are
// {"error": "…"}, saying what to do, with status 400 or 404, or:
//
//   - 401, with WWW-Authenticate: Basic realm="twimlharness control", unless
//     the request carries the SID and auth token of one of the server's
//     accounts as HTTP Basic credentials, as the REST API requires;
//   - 403 for a request from a web page: one with an Origin header other
//     than the server's own origin, or a Sec-Fetch-Site header other than
//     same-origin or none (a test's HTTP client sends neither);
//   - 403 for a Host header that does not name the server, as a web page
//     sends through DNS rebinding. The listener of [Server.URL] (with
//     [WithControlAPI]) knows its address and accepts only that, localhost
//     for a loopback listener, any IP address for a listener on every
//     interface, and the names of [WithControlHosts]. The handler returned
//     here, mounted on a server of the test's own, cannot know the address
//     it is served on: it checks the Host header only against the names of
//     [WithControlHosts], and not at all without them;
//   - 415 for a request with a body that is not application/json (charset
//     and other parameters allowed). A POST with no body needs no
//     Content-Type.
func (s *Server) ControlHandler() http.Handler {
	var hosts *hostPolicy
	if len(s.cfg.controlHosts) > 0 {
		hosts = &hostPolicy{names: s.cfg.controlHosts}
	}
	return s.controlHandler(hosts)
}

// controlHandler is the control API behind its checks, with Host headers
// allowed by hosts (any if hosts is nil).
func (s *Server) controlHandler(hosts *hostPolicy) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.admitControl(r, hosts); err != nil {
			writeControlError(w, err)
			return
		}
		s.serveControl(w, r)
	})
}

// admitControl returns the error to answer r with, if the control API must
// refuse it: a Host that does not name the server, a request from a web
// page, no credentials, or a body that is not JSON.
func (s *Server) admitControl(r *http.Request, hosts *hostPolicy) error {
	if !hosts.allows(r.Host) {
		return &controlError{http.StatusForbidden, fmt.Sprintf("Host %q does not name this server, as when a web page "+
			"reaches it through DNS rebinding: address the server as %s, or allow the name with "+
			"harness.WithControlHosts (twimlharness serve -control-host)", r.Host, hosts.example())}
	}
	if origin, ok := r.Header["Origin"]; ok && !sameOrigin(strings.Join(origin, ","), r.Host) {
		return &controlError{http.StatusForbidden, fmt.Sprintf("the control API refuses requests from web pages "+
			"(Origin %q is not this server's): call it from a test or a script, whose HTTP client sends no Origin", strings.Join(origin, ","))}
	}
	if site, ok := r.Header["Sec-Fetch-Site"]; ok && (len(site) != 1 || (site[0] != "same-origin" && site[0] != "none")) {
		return &controlError{http.StatusForbidden, fmt.Sprintf("the control API refuses requests from web pages "+
			"(Sec-Fetch-Site: %s): call it from a test or a script, not a browser", strings.Join(site, ","))}
	}
	if _, aerr := s.authenticate(r); aerr != nil {
		if aerr.Status == http.StatusUnauthorized {
			return &controlError{http.StatusUnauthorized, "the control API needs credentials: send the account SID " +
				"and auth token as HTTP Basic credentials, as for the REST API"}
		}
		return &controlError{aerr.Status, aerr.Message}
	}
	return requireJSONBody(r)
}

// requireJSONBody returns an error unless r has no body or a JSON one.
func requireJSONBody(r *http.Request) error {
	if !hasBody(r) {
		return nil
	}
	ctype := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ctype); err == nil && mt == "application/json" {
		return nil
	}
	return &controlError{http.StatusUnsupportedMediaType, fmt.Sprintf("the control API takes JSON bodies, "+
		"and this one is %q: send it with Content-Type: application/json (curl: --json)", ctype)}
}

// hasBody reports whether r has a body of at least one byte. A body of
// unknown length is peeked at and put back.
func hasBody(r *http.Request) bool {
	switch {
	case r.ContentLength > 0:
		return true
	case r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody:
		return false
	}
	var b [1]byte
	n, _ := io.ReadFull(r.Body, b[:])
	r.Body = peekedBody{io.MultiReader(bytes.NewReader(b[:n]), r.Body), r.Body}
	return n > 0
}

// peekedBody is a request body with its first bytes read and put back.
type peekedBody struct {
	io.Reader
	io.Closer
}

// hostPolicy says which Host headers name the server. A nil policy allows
// any.
type hostPolicy struct {
	names     []string // from WithControlHosts, in lower case: "name" on any port or "name:port"
	port      string   // the listener's port; "" when the handler does not know its listener
	ips       []net.IP // the listener's own addresses, on port
	anyIP     bool     // a listener on every interface: any IP address on port
	localhost bool     // "localhost" on port
}

// listenerHosts returns the policy of the listener at addr: its own
// address; localhost and both loopback addresses for a loopback listener;
// any IP address for a listener on every interface (an IP address cannot
// be rebound: DNS rebinding needs a name); and names.
func listenerHosts(addr net.Addr, names []string) *hostPolicy {
	p := &hostPolicy{names: names}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return p
	}
	p.port = strconv.Itoa(tcp.Port)
	switch {
	case tcp.IP == nil || tcp.IP.IsUnspecified():
		p.anyIP, p.localhost = true, true
	case tcp.IP.IsLoopback():
		p.ips, p.localhost = []net.IP{tcp.IP, net.IPv4(127, 0, 0, 1), net.IPv6loopback}, true
	default:
		p.ips = []net.IP{tcp.IP}
	}
	return p
}

// allows reports whether the Host header host names the server.
func (p *hostPolicy) allows(host string) bool {
	if p == nil {
		return true
	}
	host = strings.ToLower(host)
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), "80"
	}
	for _, n := range p.names {
		if n == host || n == name {
			return true
		}
	}
	if p.port == "" || port != p.port {
		return false
	}
	if p.localhost && name == "localhost" {
		return true
	}
	ip := net.ParseIP(name)
	if ip == nil {
		return false
	}
	if p.anyIP {
		return true
	}
	for _, own := range p.ips {
		if own.Equal(ip) {
			return true
		}
	}
	return false
}

// example returns a Host the policy allows, for error messages.
func (p *hostPolicy) example() string {
	switch {
	case len(p.ips) > 0:
		return net.JoinHostPort(p.ips[0].String(), p.port)
	case p.localhost:
		return "localhost:" + p.port
	case len(p.names) > 0:
		return strings.Join(p.names, " or ")
	}
	return "its own address"
}

// sameOrigin reports whether origin (an Origin header) is the origin of the
// server that host (a Host header) names, on http or https.
func sameOrigin(origin, host string) bool {
	o, err := originKey(origin)
	if err != nil {
		return false
	}
	scheme, _, _ := strings.Cut(o, "://")
	h, err := originKey(scheme + "://" + host)
	return err == nil && h == o
}

type controlError struct {
	status int
	msg    string
}

func (e *controlError) Error() string { return e.msg }

func badControl(format string, args ...any) error {
	return &controlError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// controlCSP is the Content-Security-Policy of every control reply: the
// inspector's page runs its own script only, reaches only its server,
// and may not be framed. (Its style attributes and the SVG diagrams'
// style elements are inline.)
const controlCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; media-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", controlCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	path := strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(ControlPrefix, "/"))
	path = strings.Trim(path, "/")
	out, err := s.control(r, path)
	if err != nil {
		writeControlError(w, err)
		return
	}
	switch v := out.(type) {
	case liveEvents:
		s.serveEvents(w, r)
	case streamedView:
		w.Header().Set("Content-Type", v.contentType)
		v.write(newFlushWriter(r.Context(), w)) // an error is a client gone: the reply stops short
	case string:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, v)
	case fileReply:
		w.Header().Set("Content-Type", v.contentType)
		w.Write(v.body)
	case []byte:
		w.Header().Set("Content-Type", "application/json")
		w.Write(v)
	default:
		writeJSON(w, http.StatusOK, v)
	}
}

// writeControlError answers with err as {"error": "…"}: with the status of
// a *controlError, 400 for any other.
func writeControlError(w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	var ce *controlError
	if errors.As(err, &ce) {
		status = ce.status
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="twimlharness control"`)
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// control routes one control request and returns what to reply.
func (s *Server) control(r *http.Request, path string) (any, error) {
	parts := strings.Split(path, "/")
	method := r.Method
	switch {
	case path == "reset" && method == http.MethodPost:
		return s.controlReset(r)
	case path == "seed" && method == http.MethodPost:
		var body struct{ Seed uint64 }
		if err := decode(r, &body); err != nil {
			return nil, err
		}
		s.Reseed(body.Seed)
		return map[string]uint64{"seed": body.Seed}, nil
	case path == "parties" && method == http.MethodGet:
		return s.controlParties(), nil
	case parts[0] == "parties" && len(parts) >= 2:
		return s.controlParty(r, strings.Join(parts[1:], "/"))
	case parts[0] == "numbers":
		return s.controlNumbers(r, strings.Join(parts[1:], "/"))
	case path == "caller_ids":
		return s.controlCallerIDs(r)
	case path == "calls" && method == http.MethodPost:
		return s.controlIncoming(r)
	case path == "calls" && method == http.MethodGet:
		return s.controlCallList(r.URL.Query())
	case path == "events" && method == http.MethodGet:
		return liveEvents{}, nil
	case parts[0] == "ui" && method == http.MethodGet:
		return s.uiAsset(path)
	case path == "faults":
		return s.controlFault(r)
	case path == "clock" || path == "clock/advance" || path == "clock/run":
		return s.controlClock(r, path)
	case path == "public_urls":
		return s.controlPublicURLs(r)
	case method == http.MethodGet && isView(path):
		opts, err := s.viewQuery(r.URL.Query())
		if err != nil {
			return nil, err
		}
		return s.streamedView(path, opts), nil
	case method == http.MethodGet && parts[0] == "calls" && len(parts) == 3 && (isView(parts[2]) || parts[2] == "diagram.svg" || parts[2] == "summary"):
		c, err := s.controlCall(parts[1])
		if err != nil {
			return nil, err
		}
		opts, err := callViewQuery(r.URL.Query())
		if err != nil {
			return nil, err
		}
		return callView(parts[2], c, opts), nil
	case method == http.MethodGet && parts[0] == "calls" && len(parts) >= 3 && parts[2] == "streams":
		return s.controlStreams(parts[1], parts[3:], r.URL.Query())
	case method == http.MethodGet && parts[0] == "calls" && len(parts) == 4 && parts[2] == "recordings":
		return s.controlRecordingWAV(parts[1], parts[3])
	case method == http.MethodGet && parts[0] == "calls" && len(parts) >= 3 && parts[2] == "conversations":
		return s.controlConversations(parts[1], parts[3:], r.URL.Query())
	case method == http.MethodGet && path == "conferences":
		return s.controlConferences(r.URL.Query())
	case method == http.MethodGet && parts[0] == "conferences" && (len(parts) == 2 || len(parts) == 3 && (isView(parts[2]) || parts[2] == "diagram.svg")):
		what := "record"
		if len(parts) == 3 {
			what = parts[2]
		}
		return s.controlConference(parts[1], what, r.URL.Query())
	}
	return nil, &controlError{http.StatusNotFound, fmt.Sprintf("no control endpoint %s %s%s", method, ControlPrefix, path)}
}

// isView reports whether name is one of the views: transcript, record or
// diagram.
func isView(name string) bool {
	return name == "transcript" || name == "record" || name == "diagram"
}

// streamedView is a view of the whole server, written to the reply as it
// is produced.
type streamedView struct {
	contentType string
	write       func(io.Writer) error
}

// streamedView returns the view what of the calls opts select.
func (s *Server) streamedView(what string, opts []ViewOption) streamedView {
	switch what {
	case "transcript":
		return streamedView{"text/plain; charset=utf-8", func(w io.Writer) error { return s.WriteTranscript(w, opts...) }}
	case "diagram":
		return streamedView{"text/plain; charset=utf-8", func(w io.Writer) error { return s.WriteMermaid(w, opts...) }}
	}
	return streamedView{"application/json", func(w io.Writer) error { return s.WriteRecordJSON(w, opts...) }}
}

// callView renders the view what of c: a transcript, JSON, a diagram (as
// Mermaid or drawn as SVG), or its line in the list of calls.
func callView(what string, c *Call, opts []RecordOption) any {
	switch what {
	case "transcript":
		return c.Transcript()
	case "diagram":
		return c.Mermaid()
	case "diagram.svg":
		return fileReply{svgType, []byte(diagramSVG(c.Mermaid()))}
	case "summary":
		c.srv.mu.Lock()
		defer c.srv.mu.Unlock()
		return c.summaryLocked()
	}
	return c.JSON(opts...)
}

// fileReply is a reply of the control API that is neither JSON nor text.
type fileReply struct {
	contentType string
	body        []byte
}

// controlCall returns the call sid names, or the control API's 404.
func (s *Server) controlCall(sid string) (*Call, error) {
	if c := s.Call(sid); c != nil {
		return c, nil
	}
	return nil, &controlError{http.StatusNotFound, "no call " + sid + " on this server (it may have been forgotten: see harness.Retention)"}
}

// streamListItem is a stream in the control API's list: its record
// without its messages.
type streamListItem struct {
	StreamRecordJSON
	Messages []StreamMessage `json:"messages,omitempty"` // never set: hides the record's
}

// controlStreams answers GET calls/{sid}/streams and below it (rest):
// the list of the call's streams, a stream's record, its transcript, or a
// track as a WAV.
func (s *Server) controlStreams(sid string, rest []string, q url.Values) (any, error) {
	c, err := s.controlCall(sid)
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		if err := onlyParams(q, "the list of a call's streams takes none"); err != nil {
			return nil, err
		}
		list := []streamListItem{}
		for _, st := range c.Streams() {
			s.mu.Lock()
			list = append(list, streamListItem{StreamRecordJSON: st.st.recordJSONLocked(false)})
			s.mu.Unlock()
		}
		return map[string][]streamListItem{"streams": list}, nil
	}
	ref, wav := strings.CutSuffix(rest[0], ".wav")
	view := ""
	switch {
	case len(rest) == 2 && !wav && rest[1] == "transcript":
		view = "transcript"
	case len(rest) != 1:
		return nil, &controlError{http.StatusNotFound, fmt.Sprintf("no control endpoint GET %scalls/%s/streams/%s: a stream "+
			"has its record (streams/{ref}), its transcript (streams/{ref}/transcript) and its audio (streams/{ref}.wav?track=inbound)",
			ControlPrefix, sid, strings.Join(rest, "/"))}
	}
	st := c.Stream(ref)
	if st == nil {
		return nil, &controlError{http.StatusNotFound, fmt.Sprintf("no stream %s on call %s: give a stream's SID (MZ…) "+
			"or its name, as GET %scalls/%s/streams lists them", ref, sid, ControlPrefix, sid)}
	}
	switch {
	case wav:
		return streamWAV(st, q)
	case view == "transcript":
		if err := onlyParams(q, "a stream's transcript takes none"); err != nil {
			return nil, err
		}
		return st.Transcript(), nil
	}
	if err := onlyParams(q, "a stream's record takes none"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	rec := st.st.recordJSONLocked(true)
	s.mu.Unlock()
	return rec, nil
}

// conversationListItem is a conversation in the control API's list: its
// record without its messages.
type conversationListItem struct {
	ConversationRecordJSON
	Messages []RelayMessage `json:"messages,omitempty"` // never set: hides the record's
}

// controlConversations answers GET calls/{sid}/conversations and below it
// (rest): the list of the call's ConversationRelay sessions, a session's
// record, or its transcript.
func (s *Server) controlConversations(sid string, rest []string, q url.Values) (any, error) {
	c, err := s.controlCall(sid)
	if err != nil {
		return nil, err
	}
	all := c.Conversations()
	if len(rest) == 0 {
		if err := onlyParams(q, "the list of a call's conversations takes none"); err != nil {
			return nil, err
		}
		list := []conversationListItem{}
		for _, cv := range all {
			list = append(list, conversationListItem{ConversationRecordJSON: cv.recordJSON(false)})
		}
		return map[string][]conversationListItem{"conversations": list}, nil
	}
	if len(rest) > 2 || len(rest) == 2 && rest[1] != "transcript" {
		return nil, &controlError{http.StatusNotFound, fmt.Sprintf("no control endpoint GET %scalls/%s/conversations/%s: a conversation "+
			"has its record (conversations/{id}) and its transcript (conversations/{id}/transcript)", ControlPrefix, sid, strings.Join(rest, "/"))}
	}
	i := slices.IndexFunc(all, func(cv Conversation) bool { return cv.SessionID == rest[0] })
	if i < 0 {
		return nil, &controlError{http.StatusNotFound, fmt.Sprintf("no conversation %s on call %s: %s", rest[0], sid, sessionsText(all))}
	}
	if len(rest) == 2 {
		if err := onlyParams(q, "a conversation's transcript takes none"); err != nil {
			return nil, err
		}
		return all[i].Transcript(), nil
	}
	if err := onlyParams(q, "a conversation's record takes none"); err != nil {
		return nil, err
	}
	return all[i].recordJSON(true), nil
}

// sessionsText says which sessions a call had, for an error message.
func sessionsText(all []Conversation) string {
	if len(all) == 0 {
		return "the call had no ConversationRelay session"
	}
	ids := make([]string, len(all))
	for i, cv := range all {
		ids[i] = cv.SessionID
	}
	return "give a session ID (VX…) the call had: " + strings.Join(ids, ", ")
}

// streamWAV answers GET calls/{sid}/streams/{ref}.wav: the track that
// track names, as a WAV.
func streamWAV(st *Stream, q url.Values) (any, error) {
	const want = "give track=inbound or outbound (what Twilio sent the application) or track=app (what the application sent)"
	if err := onlyParams(q, "a stream's audio takes only track: "+want, "track"); err != nil {
		return nil, err
	}
	track, ok, err := oneParam(q, "track")
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, badControl("which track? %s", want)
	case track != TrackInbound && track != TrackOutbound && track != TrackApp:
		return nil, badControl("track %q: %s", track, want)
	}
	data := st.WAV(track)
	if data == nil {
		info := st.Info()
		has := strings.Join(info.Tracks, " and ")
		if info.Bidirectional {
			has += " and app"
		}
		return nil, &controlError{http.StatusNotFound, fmt.Sprintf("stream %s has no %s track: it has %s", info.SID, track, has)}
	}
	return fileReply{"audio/wav", data}, nil
}

// conferenceListItem is a conference in the control API's list: its
// record without its events.
type conferenceListItem struct {
	ConferenceRecordJSON
	Events []ConferenceEvent `json:"events,omitempty"` // never set: hides the record's
}

// controlConferences lists every conference the server keeps, in the
// order they were created.
func (s *Server) controlConferences(q url.Values) (any, error) {
	if err := onlyParams(q, "the list of conferences takes none (GET "+ControlPrefix+"conferences/CF…/record for one)"); err != nil {
		return nil, err
	}
	list := []conferenceListItem{}
	for _, c := range s.Conferences() {
		s.mu.Lock()
		list = append(list, conferenceListItem{ConferenceRecordJSON: c.cf.infoJSONLocked()})
		s.unlockAndYield()
	}
	return map[string][]conferenceListItem{"conferences": list}, nil
}

// controlConference renders the view what of the conference id (its SID
// or name).
func (s *Server) controlConference(id, what string, q url.Values) (any, error) {
	cf := s.Conference(id)
	if cf == nil {
		return nil, &controlError{http.StatusNotFound, fmt.Sprintf("no conference %s: give a conference's SID (CF…) "+
			"or its name, as GET %sconferences lists them", id, ControlPrefix)}
	}
	if err := onlyParams(q, "the views of one conference take only reply_bodies", paramReplyBodies); err != nil {
		return nil, err
	}
	opts, err := recordQuery(q)
	if err != nil {
		return nil, err
	}
	switch what {
	case "transcript":
		return cf.Transcript(), nil
	case "diagram":
		return cf.Mermaid(), nil
	case "diagram.svg":
		return fileReply{svgType, []byte(diagramSVG(cf.Mermaid()))}, nil
	}
	return cf.JSON(opts...), nil
}

// The query parameters of the views.
const (
	paramCall        = "call"
	paramSince       = "since"
	paramUntil       = "until"
	paramOffset      = "offset"
	paramLimit       = "limit"
	paramReplyBodies = "reply_bodies"
	// paramDiagramLimit lifts or lowers the limit of the server's diagram.
	paramDiagramLimit = "diagram_limit"
)

// viewQuery reads the query of a view of the whole server: which calls it
// shows and what its record includes. It refuses unknown parameters, and
// values that do not parse, with 400, and a call the server does not have
// with 404.
func (s *Server) viewQuery(q url.Values) ([]ViewOption, error) {
	if err := onlyParams(q, "the views of the whole server take call, since, until, offset, limit, reply_bodies and diagram_limit",
		paramCall, paramSince, paramUntil, paramOffset, paramLimit, paramReplyBodies, paramDiagramLimit); err != nil {
		return nil, err
	}
	var opts []ViewOption
	for _, read := range []func(url.Values) ([]ViewOption, error){s.callsQuery, windowQuery, pageQuery, recordViewQuery, diagramLimitQuery} {
		o, err := read(q)
		if err != nil {
			return nil, err
		}
		opts = append(opts, o...)
	}
	return opts, nil
}

// callsQuery reads call, repeatable: the SIDs of the calls to show.
func (s *Server) callsQuery(q url.Values) ([]ViewOption, error) {
	sids, ok := q[paramCall]
	if !ok {
		return nil, nil
	}
	for _, sid := range sids {
		if !callSIDPattern.MatchString(sid) {
			return nil, badControl("call %q is not a call SID (CA and 32 hex digits): give one SID a call parameter, "+
				"and repeat the parameter for several (call=CA…&call=CA…)", sid)
		}
		if _, err := s.controlCall(sid); err != nil {
			return nil, err
		}
	}
	return []ViewOption{OnlyCalls(sids...)}, nil
}

// windowQuery reads since and until: the calls created at or after since
// and before until.
func windowQuery(q url.Values) ([]ViewOption, error) {
	since, until, err := timeWindow(q)
	if err != nil {
		return nil, err
	}
	var opts []ViewOption
	if !since.IsZero() {
		opts = append(opts, CreatedSince(since))
	}
	if !until.IsZero() {
		opts = append(opts, CreatedBefore(until))
	}
	return opts, nil
}

// timeWindow reads since and until, either of them zero when not given,
// and refuses a since that is not before until: no call would be shown.
func timeWindow(q url.Values) (since, until time.Time, err error) {
	if since, err = timeParam(q, paramSince); err != nil {
		return
	}
	if until, err = timeParam(q, paramUntil); err != nil {
		return
	}
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		err = badControl("since %s is not before until %s: calls are shown when created at or after since "+
			"and before until, and no call is", since.Format(time.RFC3339Nano), until.Format(time.RFC3339Nano))
	}
	return
}

// pageQuery reads offset and limit: how many of the calls selected to
// skip, and how many to show.
func pageQuery(q url.Values) ([]ViewOption, error) {
	var opts []ViewOption
	offset, ok, err := countParam(q, paramOffset, 0, "a whole number of calls to skip, 0 or more")
	if err != nil {
		return nil, err
	}
	if ok {
		opts = append(opts, SkipCalls(offset))
	}
	limit, ok, err := countParam(q, paramLimit, 1, "a whole number of calls to show, 1 or more")
	if err != nil {
		return nil, err
	}
	if ok {
		opts = append(opts, MaxCalls(limit))
	}
	return opts, nil
}

// diagramLimitQuery reads diagram_limit: how many characters the
// server's diagram holds at most (0: no limit).
func diagramLimitQuery(q url.Values) ([]ViewOption, error) {
	n, ok, err := countParam(q, paramDiagramLimit, 0, "a whole number of characters, 0 for no limit (the default is "+
		strconv.Itoa(DefaultDiagramLimit)+", under Mermaid's 50,000)")
	if err != nil || !ok {
		return nil, err
	}
	return []ViewOption{DiagramLimit(n)}, nil
}

// recordViewQuery reads reply_bodies, as [recordQuery], for a view of the
// whole server.
func recordViewQuery(q url.Values) ([]ViewOption, error) {
	rec, err := recordQuery(q)
	opts := make([]ViewOption, len(rec))
	for i, o := range rec {
		opts[i] = o
	}
	return opts, err
}

// callViewQuery reads the query of a view of one call: only reply_bodies.
func callViewQuery(q url.Values) ([]RecordOption, error) {
	if err := onlyParams(q, "the views of one call take only reply_bodies (call, since, until, offset and "+
		"limit select calls in the views of the whole server: GET "+ControlPrefix+"record?call=CA…)",
		paramReplyBodies); err != nil {
		return nil, err
	}
	return recordQuery(q)
}

// recordQuery reads reply_bodies: false leaves the applications' reply
// bodies out of the record.
func recordQuery(q url.Values) ([]RecordOption, error) {
	v, ok, err := oneParam(q, paramReplyBodies)
	if err != nil || !ok {
		return nil, err
	}
	keep, err := strconv.ParseBool(v)
	if err != nil {
		return nil, badControl("reply_bodies %q: want true or false", v)
	}
	if !keep {
		return []RecordOption{WithoutReplyBodies()}, nil
	}
	return nil, nil
}

// onlyParams refuses a query with a parameter not in names; want says
// which the endpoint takes.
func onlyParams(q url.Values, want string, names ...string) error {
	unknown := slices.Sorted(maps.Keys(q))
	unknown = slices.DeleteFunc(unknown, func(k string) bool { return slices.Contains(names, k) })
	if len(unknown) > 0 {
		return badControl("unknown query parameter %q: %s", unknown[0], want)
	}
	return nil
}

// oneParam returns the value of a parameter that may be given once, and
// whether it is given.
func oneParam(q url.Values, name string) (string, bool, error) {
	vs, ok := q[name]
	switch {
	case !ok:
		return "", false, nil
	case len(vs) > 1:
		return "", false, badControl("%s is given %d times: give it once", name, len(vs))
	}
	return vs[0], true, nil
}

// timeParam reads a virtual time in RFC 3339, zero when it is not given.
func timeParam(q url.Values, name string) (time.Time, error) {
	v, ok, err := oneParam(q, name)
	if err != nil || !ok {
		return time.Time{}, err
	}
	t, perr := time.Parse(time.RFC3339Nano, v)
	if perr != nil {
		hint := ""
		if strings.Contains(v, " ") {
			hint = " (a + in a query string means a space: send an offset such as +02:00 as %2B02:00)"
		}
		return time.Time{}, badControl("%s %q is not an RFC 3339 time such as 2025-01-06T09:00:00Z%s", name, v, hint)
	}
	return t, nil
}

// countParam reads a whole number of at least least; want says what it
// counts.
func countParam(q url.Values, name string, least int, want string) (int, bool, error) {
	v, ok, err := oneParam(q, name)
	if err != nil || !ok {
		return 0, false, err
	}
	n, perr := strconv.Atoi(v)
	if perr != nil || n < least {
		return 0, false, badControl("%s %q: want %s", name, v, want)
	}
	return n, true, nil
}

// flushWriter writes a view to a reply and flushes each chunk, so that
// the client reads it as it is produced; it stops once the client has
// gone.
type flushWriter struct {
	w   io.Writer
	f   http.Flusher // nil if the reply cannot be flushed
	ctx context.Context
}

func newFlushWriter(ctx context.Context, w http.ResponseWriter) *flushWriter {
	f, _ := w.(http.Flusher)
	return &flushWriter{w: w, f: f, ctx: ctx}
}

func (fw *flushWriter) Write(p []byte) (int, error) {
	if err := fw.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := fw.w.Write(p)
	if err == nil && fw.f != nil {
		fw.f.Flush()
	}
	return n, err
}

// decode reads a JSON body into v, strictly.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badControl("the body is not the JSON this endpoint takes: %v", err)
	}
	return nil
}

func (s *Server) controlParty(r *http.Request, address string) (any, error) {
	switch r.Method {
	case http.MethodPut, http.MethodPost:
		data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 1<<20))
		if err != nil {
			return nil, badControl("reading the party: %v", err)
		}
		p, err := scenario.ParsePartyJSON(data)
		if err != nil {
			return nil, badControl("%v", err)
		}
		s.SetParty(address, p)
		return map[string]string{"address": address, "party": p.String()}, nil
	case http.MethodDelete:
		s.ClearParty(address)
		s.mu.Lock()
		p := s.parties[address]
		s.mu.Unlock()
		return map[string]string{"address": address, "party": p.String()}, nil
	}
	return nil, &controlError{http.StatusMethodNotAllowed, "parties take PUT and DELETE"}
}

func (s *Server) controlIncoming(r *http.Request) (any, error) {
	var body struct {
		From   string              `json:"from"`
		To     string              `json:"to"`
		Caller *scenario.PartySpec `json:"caller"`
	}
	if err := decode(r, &body); err != nil {
		return nil, err
	}
	var caller scenario.Party
	if body.Caller != nil {
		var err error
		if caller, err = body.Caller.Party(); err != nil {
			return nil, badControl("%v", err)
		}
	}
	c, err := s.IncomingCall(body.From, body.To, caller)
	if err != nil {
		return nil, badControl("%v", err)
	}
	return map[string]string{"sid": c.SID()}, nil
}

func (s *Server) controlFault(r *http.Request) (any, error) {
	if r.Method == http.MethodDelete {
		s.ClearFaults()
		return map[string]string{"faults": "cleared"}, nil
	}
	if r.Method != http.MethodPost {
		return nil, &controlError{http.StatusMethodNotAllowed, "faults take POST and DELETE"}
	}
	var body struct {
		URL          string  `json:"url"`
		Status       int     `json:"status"`
		Body         string  `json:"body"`
		ContentType  string  `json:"content_type"`
		Timeout      bool    `json:"timeout"`
		Refused      bool    `json:"refused"`
		DelaySeconds float64 `json:"delay_seconds"`
		Times        int     `json:"times"`
	}
	if err := decode(r, &body); err != nil {
		return nil, err
	}
	f := Fault{Status: body.Status, Body: body.Body, ContentType: body.ContentType, Timeout: body.Timeout,
		Refused: body.Refused, Delay: time.Duration(body.DelaySeconds * float64(time.Second)), Times: body.Times}
	if err := s.InjectFault(body.URL, f); err != nil {
		return nil, badControl("%v", err)
	}
	return map[string]string{"url": body.URL}, nil
}
