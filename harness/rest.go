package harness

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

const (
	apiPrefix    = "/" + apiVersion + "/Accounts/"
	maxBodyBytes = 1 << 20
	jsonType     = "application/json"
	csvType      = "text/csv"
)

// apiReply is what a REST handler returns: a status and a value for the
// adapter to render as JSON or CSV, or an error in Twilio's shape. The wire
// format lives in [Server.serveAPI] alone.
type apiReply struct {
	status  int
	value   any // *callResource, *callList, or nil for no body
	callSID string
	err     *APIError
}

// serveAPI is the REST API: authentication, routing, rendering and the
// record of every request.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	acct, reply := s.authenticate(r)
	csv := false
	if reply.err == nil {
		reply, csv = s.route(acct, r)
	}
	status, ctype, body := render(reply, csv)
	if reply.err != nil && reply.err.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
	}
	s.recordAPI(r, acct, reply.callSID, status, ctype, body)
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.WriteHeader(status)
	w.Write(body)
}

// authenticate checks HTTP Basic auth against the server's accounts.
func (s *Server) authenticate(r *http.Request) (*account, apiReply) {
	user, pass, ok := r.BasicAuth()
	s.mu.Lock()
	closed := s.closed
	acct := s.accounts[user]
	s.mu.Unlock()
	if closed {
		return nil, apiReply{err: &APIError{Status: http.StatusServiceUnavailable, Code: codeServiceUnavailable, Message: "Service unavailable: the harness server is closed"}}
	}
	if !ok || acct == nil || subtle.ConstantTimeCompare([]byte(pass), []byte(acct.token)) != 1 {
		return nil, apiReply{err: &APIError{Status: http.StatusUnauthorized, Code: codeAuthenticate, Message: "Authenticate"}}
	}
	return acct, apiReply{}
}

// route finds the handler for the request's path and method. It also
// reports whether the CSV representation was asked for.
func (s *Server) route(acct *account, r *http.Request) (apiReply, bool) {
	path := r.URL.Path
	rest, ok := strings.CutPrefix(path, apiPrefix)
	if !ok {
		return apiReply{err: notFound(path)}, false
	}
	sid, rest, _ := strings.Cut(rest, "/")
	if sid != acct.sid {
		return apiReply{err: notFound(path)}, false
	}
	var ext string
	switch {
	case rest == "Calls.json" || rest == "Calls.csv":
		ext = rest[len("Calls."):]
		switch r.Method {
		case http.MethodPost:
			return s.createCall(acct, r), false
		case http.MethodGet, http.MethodHead:
			return s.listCalls(acct, r), ext == "csv"
		}
	case strings.HasPrefix(rest, "Calls/") && strings.Count(rest, "/") == 1:
		file := rest[len("Calls/"):]
		var callSID string
		var found bool
		if callSID, found = strings.CutSuffix(file, ".json"); found {
			ext = "json"
		} else if callSID, found = strings.CutSuffix(file, ".csv"); found {
			ext = "csv"
		} else {
			return apiReply{err: notFound(path)}, false
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			return s.fetchCall(acct, callSID, path), ext == "csv"
		case http.MethodPost:
			return s.updateCall(acct, callSID, path, r), false
		case http.MethodDelete:
			return s.deleteCall(acct, callSID, path), false
		}
	default:
		return apiReply{err: notFound(path)}, false
	}
	return apiReply{err: &APIError{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed,
		Message: "Method not allowed: " + r.Method + " " + path}}, false
}

// render turns a reply into its status, content type and body.
func render(reply apiReply, csv bool) (int, string, []byte) {
	if e := reply.err; e != nil {
		body, _ := json.Marshal(errorBody{Code: e.Code, Message: e.Message, MoreInfo: moreInfo(e.Code), Status: e.Status})
		return e.Status, jsonType, body
	}
	if reply.value == nil {
		return reply.status, "", nil
	}
	if csv {
		return reply.status, csvType, renderCSV(reply.value)
	}
	switch v := reply.value.(type) {
	case *callResource:
		return reply.status, jsonType, v.appendJSON(make([]byte, 0, 2048))
	case *callList:
		return reply.status, jsonType, v.appendJSON(make([]byte, 0, 512+2048*len(v.Calls)))
	}
	panic(fmt.Sprintf("harness: no JSON rendering for %T", reply.value))
}

// errorBody is Twilio's REST error body.
type errorBody struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// recordAPI adds a served request to the record, and to the history of the
// call it concerned.
func (s *Server) recordAPI(r *http.Request, acct *account, callSID string, status int, ctype string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tick()
	rec := &apiRecord{seq: s.nextSeq(), at: s.clock.now, callSID: callSID, method: r.Method,
		path: r.URL.RequestURI(), status: status, contentType: ctype, body: string(body)}
	if r.Method == http.MethodPost {
		rec.form = r.PostForm
	}
	if acct != nil {
		rec.account = acct.sid
	}
	s.apiLog = append(s.apiLog, rec)
	if c := s.calls[callSID]; c != nil {
		c.events = append(c.events, callEvent{seq: rec.seq, at: rec.at, kind: EventAPI, api: rec})
	}
}
