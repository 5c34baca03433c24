package harness

import (
	"bytes"
	"crypto/subtle"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unsafe"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

const (
	apiVersion   = "2010-04-01"
	apiPrefix    = "/" + apiVersion + "/Accounts/"
	maxBodyBytes = 1 << 20
)

// restResources is the REST API's route table: one line a resource, each
// declared in its own file.
func restResources() []resource {
	return []resource{
		callsResource(),
		notificationsResource(),
		callNotificationsResource(),
		callEventsResource(),
		recordingsResource(),
		callRecordingsResource(),
		streamsResource(),
		// IncomingPhoneNumbers/Local and IncomingPhoneNumbers/{Sid} both
		// match …/Local.json: the router prefers the literal segment,
		// whatever the order here (the typed lists' tests rely on it).
		numbersResource(),
		numberTypeResource("Local"), numberTypeResource("Mobile"), numberTypeResource("TollFree"),
		applicationsResource(),
		callerIDsResource(),
		conferencesResource(),
		participantsResource(),
		conferenceRecordingsResource(),
		queuesResource(),
		membersResource(),
	}
}

// resource is one REST resource under /2010-04-01/Accounts/{AccountSid}/:
// the path of its list ("Calls", "Calls/{CallSid}/Recordings") and the
// operations it serves. The list's path takes list and create; the path
// with "/{Sid}" after it takes fetch, update and delete. A nil operation is
// answered 405.
type resource struct {
	path                  string
	list, create          apiHandler
	fetch, update, delete apiHandler
}

// apiHandler answers one REST operation. It runs without the server's lock.
type apiHandler func(s *Server, req *apiRequest) apiReply

// apiRequest is an authenticated REST request, routed.
type apiRequest struct {
	http   *http.Request
	acct   *account
	path   string           // the request's path, as sent
	format twilioapi.Format // from the path's extension
	route  *route           // the pattern it matched
	vars   [maxVars]string  // the values of the pattern's {…} segments, in order

	read keptForm // the body PostForm was parsed from, when readForm read it
}

// keptForm returns form, the request's parameters, as the record keeps
// them.
func (r *apiRequest) keptForm(form twilioapi.Form) keptForm {
	if r.read.encoded {
		return r.read
	}
	return keptForm{values: url.Values(form)}
}

// maxVars is the most {…} segments a pattern may have.
const maxVars = 4

// param returns the value of the path segment {name}.
func (r *apiRequest) param(name string) string {
	for i, n := range r.route.names {
		if n == name {
			return r.vars[i]
		}
	}
	return ""
}

// form returns the request's POST parameters, parsed once.
func (r *apiRequest) form() (twilioapi.Form, *APIError) {
	if r.http.PostForm == nil && !r.readForm() {
		if err := r.http.ParseForm(); err != nil {
			return nil, badRequest(codeBadRequest, "The request parameters could not be read: %v", err)
		}
	}
	return twilioapi.Form(r.http.PostForm), nil
}

// ownedString returns b as a string without copying it. b must be a
// buffer no one writes again: a body just rendered, handed over whole.
func ownedString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// readForm reads the parameters of a POST of a form without a query, as
// twilio-go sends every one, as [http.Request.ParseForm] would but into
// PostForm alone (ParseForm fills Form then, if anything asks for it). It
// reports false, having read nothing, for any other request, or when the
// body cannot be read or parsed: ParseForm then reads it and says why.
func (r *apiRequest) readForm() bool {
	h := r.http
	if h.Method != http.MethodPost || h.URL.RawQuery != "" || h.Header.Get("Content-Type") != formType || h.Body == nil {
		return false
	}
	data, err := io.ReadAll(h.Body)
	if err != nil {
		h.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader{err}))
		return false
	}
	raw := string(data) // a copy of its length: the record keeps it, not ReadAll's larger buffer
	form, err := url.ParseQuery(raw)
	if err != nil {
		h.Body = io.NopCloser(bytes.NewReader(data))
		return false
	}
	h.PostForm = form
	r.read = keptForm{raw: raw, encoded: true}
	return true
}

// errReader is a reader that fails with its error.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// query returns the request's query parameters.
func (r *apiRequest) query() url.Values { return r.http.URL.Query() }

// apiReply is what a REST handler returns: a status and a body to render in
// the representation asked for, or an error in Twilio's shape. The wire
// format lives in [Server.serveAPI] alone.
type apiReply struct {
	status  int
	body    func(twilioapi.Format) []byte // nil for no body
	callSID string                        // the call the request concerned, for the record
	err     *APIError
}

// route is one pattern of the router: the segments of a path under the
// account, "{Name}" for a variable one.
type route struct {
	segments []string
	names    []string
	methods  map[string]apiHandler
}

// router finds the handler of a request from the route table.
type router struct {
	routes []route
}

func newRouter(resources []resource) *router {
	rt := &router{}
	for _, res := range resources {
		rt.add(res.path, map[string]apiHandler{http.MethodGet: res.list, http.MethodPost: res.create})
		rt.add(res.path+"/{Sid}", map[string]apiHandler{http.MethodGet: res.fetch, http.MethodPost: res.update, http.MethodDelete: res.delete})
	}
	rt.sortPatterns()
	return rt
}

// sortPatterns orders the patterns so that one with a literal segment where
// another has a variable one is tried first (Numbers/Local before
// Numbers/{Sid}), then shorter ones first: an order of the patterns' shapes
// alone, whatever the order of the route table.
func (rt *router) sortPatterns() {
	slices.SortStableFunc(rt.routes, func(a, b route) int {
		for i := range min(len(a.segments), len(b.segments)) {
			av, bv := strings.HasPrefix(a.segments[i], "{"), strings.HasPrefix(b.segments[i], "{")
			switch {
			case !av && bv:
				return -1
			case av && !bv:
				return 1
			}
		}
		return len(a.segments) - len(b.segments)
	})
}

func (rt *router) add(pattern string, methods map[string]apiHandler) {
	for m, h := range methods {
		if h == nil {
			delete(methods, m)
		}
	}
	if len(methods) == 0 {
		return
	}
	r := route{segments: strings.Split(pattern, "/"), methods: methods}
	for _, seg := range r.segments {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			r.names = append(r.names, strings.TrimSuffix(name, "}"))
		}
	}
	if len(r.names) > maxVars {
		panic("harness: route " + pattern + " has more than maxVars variable segments")
	}
	rt.routes = append(rt.routes, r)
}

// match finds the pattern of the path under the account (the part after
// "/Accounts/AC…/", its last segment without the extension) and returns
// its handler for method, with req's route and variables set; found is
// false when no pattern matches, and the handler nil when the pattern does
// not take the method.
func (rt *router) match(req *apiRequest, method, path string) (h apiHandler, found bool) {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	for i := range rt.routes {
		r := &rt.routes[i]
		rest, n := path, 0
		ok := true
		for j, seg := range r.segments {
			part, tail, more := strings.Cut(rest, "/")
			if more == (j == len(r.segments)-1) { // too many or too few segments
				ok = false
				break
			}
			rest = tail
			switch {
			case strings.HasPrefix(seg, "{"):
				if part == "" {
					ok = false
				}
				req.vars[n] = part
				n++
			case seg != part:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok {
			req.route = r
			return r.methods[method], true
		}
	}
	return nil, false
}

// serveAPI is the REST API: authentication, routing, rendering and the
// record of every request.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if acct, sid, ext, ok := mediaRequest(r.URL.Path); ok {
		s.serveMedia(w, r, acct, sid, ext)
		return
	}
	req := &apiRequest{http: r, path: r.URL.Path, format: twilioapi.JSON}
	reply := s.dispatch(req)
	status, ctype, body := render(reply, req.format)
	if reply.err != nil && reply.err.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
	}
	// The rendered body, as a string without a copy, serves the record and
	// the reply.
	text := ownedString(body)
	s.recordAPI(r, req.acct, reply.callSID, status, ctype, text, req.keptForm(twilioapi.Form(r.PostForm)))
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.WriteHeader(status)
	io.WriteString(w, text)
}

// dispatch authenticates req, finds its handler in the route table and
// runs it. It sets req's account, format and path variables on the way.
// Errors are JSON unless the path asks for XML with ".xml", or names a
// route of the API without an extension (the 2010 API's default).
func (s *Server) dispatch(req *apiRequest) apiReply {
	rest, inAPI := strings.CutPrefix(req.path, apiPrefix)
	acctSID, rest, _ := strings.Cut(rest, "/")
	rest, ext := twilioapi.SplitExt(rest)
	if strings.Contains(ext, "/") { // a dot in an earlier segment: no extension
		rest, ext = rest+"."+ext, ""
	}
	format, known := twilioapi.FormatOf(ext)
	if ext != "" && known {
		req.format = format
	}
	acct, aerr := s.authenticate(req.http)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	req.acct = acct
	if !inAPI || !known || acctSID != acct.sid {
		return apiReply{err: notFound(req.path)}
	}
	h, found := s.routes.match(req, req.http.Method, rest)
	if !found {
		return apiReply{err: notFound(req.path)}
	}
	req.format = format
	if h == nil {
		return apiReply{err: &APIError{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed,
			Message: "Method not allowed: " + req.http.Method + " " + req.path}}
	}
	return h(s, req)
}

// authenticate checks HTTP Basic auth against the server's accounts.
func (s *Server) authenticate(r *http.Request) (*account, *APIError) {
	user, pass, ok := r.BasicAuth()
	s.mu.Lock()
	closed := s.closed
	acct := s.accounts[user]
	s.mu.Unlock()
	if closed {
		return nil, &APIError{Status: http.StatusServiceUnavailable, Code: codeServiceUnavailable, Message: "Service unavailable: the harness server is closed"}
	}
	if !ok || acct == nil || subtle.ConstantTimeCompare([]byte(pass), []byte(acct.token)) != 1 {
		return nil, &APIError{Status: http.StatusUnauthorized, Code: codeAuthenticate, Message: "Authenticate"}
	}
	return acct, nil
}

// render turns a reply into its status, content type and body in the
// representation f.
func render(reply apiReply, f twilioapi.Format) (int, string, []byte) {
	if e := reply.err; e != nil {
		ctype, body := twilioapi.NewErrorBody(e.Status, e.Code, e.Message).Render(f)
		return e.Status, ctype, body
	}
	if reply.body == nil {
		return reply.status, "", nil
	}
	return reply.status, f.ContentType(), reply.body(f)
}

// instance returns a reply with one resource, rendered by its schema.
func instance[T any](status int, schema *twilioapi.Schema[T], v *T, callSID string) apiReply {
	return apiReply{status: status, callSID: callSID, body: func(f twilioapi.Format) []byte { return schema.Render(f, v) }}
}

// recordAPI adds a served request to the record, and to the history of the
// call it concerned.
func (s *Server) recordAPI(r *http.Request, acct *account, callSID string, status int, ctype string, body string, form keptForm) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	rec := &apiRecord{seq: s.nextSeqLocked(), at: s.clock.Now(), callSID: callSID, method: r.Method,
		path: r.URL.RequestURI(), status: status, contentType: ctype, body: body}
	if r.Method == http.MethodPost {
		rec.form = form
	}
	if acct != nil {
		rec.account = acct.sid
	}
	c := s.calls[callSID]
	rec.body = s.keptBodyLocked(c, rec.body)
	s.recordAPILocked(rec)
	if c != nil {
		c.appendEventLocked(callEvent{seq: rec.seq, at: rec.at, kind: EventAPI, api: rec})
	}
}
