package harness

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
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
//	POST   reset                      forget every call and record (Reset)
//	POST   seed        {"seed": 7}    restart the SID generator (Reseed)
//	PUT    parties/{address}          set a party's behaviour (a scenario.PartySpec)
//	DELETE parties/{address}          back to the default party
//	POST   numbers     {"phone_number", "voice_url", …}   add an incoming number
//	POST   calls       {"from", "to", "caller": PartySpec} place an incoming call
//	POST   faults      {"url", "status", "timeout", …}    inject a fault (DELETE clears them)
//	GET    clock                      the virtual time
//	POST   clock/advance {"seconds": 30}                   run what is due and move time
//	POST   clock/run                  run until nothing is left to happen
//	GET    transcript | record | diagram                  every call, as text, JSON or Mermaid
//	GET    calls/{sid}/transcript | record | diagram      one call
//	       (record?reply_bodies=false leaves the applications' reply bodies out)
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

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(ControlPrefix, "/"))
	path = strings.Trim(path, "/")
	out, err := s.control(r, path)
	if err != nil {
		writeControlError(w, err)
		return
	}
	switch v := out.(type) {
	case string:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, v)
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
		s.Reset()
		return map[string]string{"status": "reset"}, nil
	case path == "seed" && method == http.MethodPost:
		var body struct{ Seed uint64 }
		if err := decode(r, &body); err != nil {
			return nil, err
		}
		s.Reseed(body.Seed)
		return map[string]uint64{"seed": body.Seed}, nil
	case parts[0] == "parties" && len(parts) >= 2:
		return s.controlParty(r, strings.Join(parts[1:], "/"))
	case path == "numbers" && method == http.MethodPost:
		return s.controlNumber(r)
	case path == "calls" && method == http.MethodPost:
		return s.controlIncoming(r)
	case path == "faults":
		return s.controlFault(r)
	case path == "clock" && method == http.MethodGet:
		return map[string]time.Time{"now": s.Now()}, nil
	case path == "clock/advance" && method == http.MethodPost:
		var body struct{ Seconds float64 }
		if err := decode(r, &body); err != nil {
			return nil, err
		}
		s.Advance(time.Duration(body.Seconds * float64(time.Second)))
		return map[string]time.Time{"now": s.Now()}, nil
	case path == "clock/run" && method == http.MethodPost:
		s.Run()
		return map[string]time.Time{"now": s.Now()}, nil
	case method == http.MethodGet && (path == "transcript" || path == "record" || path == "diagram"):
		return s.view(path, nil, recordOptions(r)), nil
	case method == http.MethodGet && parts[0] == "calls" && len(parts) == 3:
		c := s.Call(parts[1])
		if c == nil {
			return nil, &controlError{http.StatusNotFound, "no call " + parts[1]}
		}
		switch parts[2] {
		case "transcript", "record", "diagram":
			return s.view(parts[2], c, recordOptions(r)), nil
		}
	}
	return nil, &controlError{http.StatusNotFound, fmt.Sprintf("no control endpoint %s %s%s", method, ControlPrefix, path)}
}

// recordOptions reads the options of a record request: reply_bodies=false
// leaves the applications' reply bodies out.
func recordOptions(r *http.Request) []RecordOption {
	if r.URL.Query().Get("reply_bodies") == "false" {
		return []RecordOption{WithoutReplyBodies()}
	}
	return nil
}

// view renders the record of c (or every call) as a transcript, JSON or a
// diagram.
func (s *Server) view(what string, c *Call, opts []RecordOption) any {
	switch {
	case what == "transcript" && c != nil:
		return c.Transcript()
	case what == "transcript":
		return s.Transcript()
	case what == "diagram" && c != nil:
		return c.Mermaid()
	case what == "diagram":
		return s.Mermaid()
	case c != nil:
		return c.JSON(opts...)
	}
	return s.RecordJSON(opts...)
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

func (s *Server) controlNumber(r *http.Request) (any, error) {
	var body struct {
		PhoneNumber          string `json:"phone_number"`
		AccountSID           string `json:"account_sid"`
		VoiceURL             string `json:"voice_url"`
		VoiceMethod          string `json:"voice_method"`
		VoiceFallbackURL     string `json:"voice_fallback_url"`
		VoiceFallbackMethod  string `json:"voice_fallback_method"`
		StatusCallback       string `json:"status_callback"`
		StatusCallbackMethod string `json:"status_callback_method"`
	}
	if err := decode(r, &body); err != nil {
		return nil, err
	}
	sid, err := s.AddNumber(IncomingNumber{AccountSID: body.AccountSID, PhoneNumber: body.PhoneNumber,
		VoiceSettings: VoiceSettings{VoiceURL: body.VoiceURL, VoiceMethod: body.VoiceMethod,
			VoiceFallbackURL: body.VoiceFallbackURL, VoiceFallbackMethod: body.VoiceFallbackMethod,
			StatusCallback: body.StatusCallback, StatusCallbackMethod: body.StatusCallbackMethod}})
	if err != nil {
		return nil, badControl("%v", err)
	}
	return map[string]string{"sid": sid}, nil
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
