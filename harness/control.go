package harness

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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
// {"error": "…"} with status 400 or 404. The control API has no
// authentication: serve it on loopback.
func (s *Server) ControlHandler() http.Handler {
	return http.HandlerFunc(s.serveControl)
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
		status := http.StatusBadRequest
		var ce *controlError
		if errors.As(err, &ce) {
			status = ce.status
		}
		writeJSON(w, status, map[string]string{"error": err.Error()})
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
