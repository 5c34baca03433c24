package harness

import (
	"net/http"
	"time"

	"github.com/twimlharness/twimlharness/scenario"
)

// The control API's endpoints that set a server up: reset, the clock,
// numbers, parties and public URLs. Each takes and gives the JSON shapes
// documented on [Server.ControlHandler] and in the README.

// controlReset resets the server, keeping what the optional body names.
func (s *Server) controlReset(r *http.Request) (any, error) {
	var body struct {
		Keep []Keep `json:"keep"`
	}
	if err := decodeOptional(r, &body); err != nil {
		return nil, err
	}
	for _, k := range body.Keep {
		if err := CheckKeep(k); err != nil {
			return nil, badControl("%v", err)
		}
	}
	s.Reset(body.Keep...)
	kept := body.Keep
	if kept == nil {
		kept = []Keep{}
	}
	return map[string]any{"status": "reset", "kept": kept}, nil
}

// clockReply is the clock as the control API shows it.
type clockReply struct {
	Now  time.Time `json:"now"`
	Mode ClockMode `json:"mode"`
	Rate float64   `json:"rate,omitempty"`
}

func (s *Server) clockReply() clockReply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	return clockReply{Now: s.clock.Now(), Mode: s.clk.Mode, Rate: s.clk.Rate}
}

// controlClock shows, switches, advances or runs the clock.
func (s *Server) controlClock(r *http.Request, path string) (any, error) {
	switch {
	case path == "clock" && r.Method == http.MethodGet:
	case path == "clock" && r.Method == http.MethodPut:
		var body struct {
			Mode ClockMode `json:"mode"`
			Rate float64   `json:"rate"`
		}
		if err := decode(r, &body); err != nil {
			return nil, err
		}
		if err := s.SetClock(Clock{Mode: body.Mode, Rate: body.Rate}); err != nil {
			return nil, badControl("%v", err)
		}
	case path == "clock/advance" && r.Method == http.MethodPost:
		var body struct {
			Seconds *float64 `json:"seconds"`
		}
		if err := decode(r, &body); err != nil {
			return nil, err
		}
		if body.Seconds == nil || *body.Seconds < 0 || *body.Seconds > maxAdvance.Seconds() {
			return nil, badControl("clock/advance takes {\"seconds\": n}, 0 <= n <= %g (0 runs what is due now)", maxAdvance.Seconds())
		}
		s.Advance(time.Duration(*body.Seconds * float64(time.Second)))
	case path == "clock/run" && r.Method == http.MethodPost:
		s.Run()
	default:
		return nil, &controlError{http.StatusMethodNotAllowed, "the clock takes GET and PUT clock, POST clock/advance and POST clock/run"}
	}
	return s.clockReply(), nil
}

// maxAdvance is the most one clock/advance may move time: a year.
const maxAdvance = 365 * 24 * time.Hour

// numberJSON is an incoming number as the control API shows and takes it.
type numberJSON struct {
	SID                  string `json:"sid,omitempty"`
	AccountSID           string `json:"account_sid,omitempty"`
	PhoneNumber          string `json:"phone_number,omitempty"`
	VoiceURL             string `json:"voice_url"`
	VoiceMethod          string `json:"voice_method,omitempty"`
	VoiceFallbackURL     string `json:"voice_fallback_url,omitempty"`
	VoiceFallbackMethod  string `json:"voice_fallback_method,omitempty"`
	StatusCallback       string `json:"status_callback,omitempty"`
	StatusCallbackMethod string `json:"status_callback_method,omitempty"`
	FriendlyName         string `json:"friendly_name,omitempty"`
	VoiceApplicationSID  string `json:"voice_application_sid,omitempty"`
}

func (n numberJSON) number() IncomingNumber {
	return IncomingNumber{AccountSID: n.AccountSID, PhoneNumber: n.PhoneNumber, FriendlyName: n.FriendlyName,
		VoiceApplicationSID: n.VoiceApplicationSID,
		VoiceSettings: VoiceSettings{VoiceURL: n.VoiceURL, VoiceMethod: n.VoiceMethod,
			VoiceFallbackURL: n.VoiceFallbackURL, VoiceFallbackMethod: n.VoiceFallbackMethod,
			StatusCallback: n.StatusCallback, StatusCallbackMethod: n.StatusCallbackMethod}}
}

func numberReply(n IncomingNumber) numberJSON {
	v := n.VoiceSettings
	return numberJSON{SID: n.SID, AccountSID: n.AccountSID, PhoneNumber: n.PhoneNumber, VoiceURL: v.VoiceURL,
		VoiceMethod: v.VoiceMethod, VoiceFallbackURL: v.VoiceFallbackURL, VoiceFallbackMethod: v.VoiceFallbackMethod,
		StatusCallback: v.StatusCallback, StatusCallbackMethod: v.StatusCallbackMethod,
		FriendlyName: n.FriendlyName, VoiceApplicationSID: n.VoiceApplicationSID}
}

// controlNumbers lists and adds numbers (number empty), or sets and
// removes one.
func (s *Server) controlNumbers(r *http.Request, number string) (any, error) {
	switch {
	case number == "" && r.Method == http.MethodGet:
		list := []numberJSON{}
		for _, n := range s.Numbers() {
			list = append(list, numberReply(n))
		}
		return map[string]any{"numbers": list}, nil
	case number == "" && r.Method == http.MethodPost:
		var body numberJSON
		if err := decode(r, &body); err != nil {
			return nil, err
		}
		sid, err := s.AddNumber(body.number())
		if err != nil {
			return nil, badControl("%v", err)
		}
		return map[string]string{"sid": sid}, nil
	case number != "" && r.Method == http.MethodPut:
		var body numberJSON
		if err := decode(r, &body); err != nil {
			return nil, err
		}
		if body.PhoneNumber != "" && body.PhoneNumber != number {
			return nil, badControl("the body's phone_number %q is not the path's %q: leave it out", body.PhoneNumber, number)
		}
		body.PhoneNumber = number
		sid, err := s.SetNumber(body.number())
		if err != nil {
			return nil, badControl("%v", err)
		}
		for _, n := range s.Numbers() {
			if n.SID == sid {
				return numberReply(n), nil
			}
		}
		return map[string]string{"sid": sid}, nil
	case number != "" && r.Method == http.MethodDelete:
		if err := s.RemoveNumber(number); err != nil {
			return nil, &controlError{http.StatusNotFound, err.Error()}
		}
		return map[string]string{"deleted": number}, nil
	}
	return nil, &controlError{http.StatusMethodNotAllowed, "numbers take GET and POST, numbers/{phone_number} PUT and DELETE"}
}

// callerIDJSON is a verified caller ID as the control API shows and takes
// it.
type callerIDJSON struct {
	SID          string `json:"sid,omitempty"`
	AccountSID   string `json:"account_sid,omitempty"`
	PhoneNumber  string `json:"phone_number"`
	FriendlyName string `json:"friendly_name,omitempty"`
}

// controlCallerIDs lists and adds verified caller IDs.
func (s *Server) controlCallerIDs(r *http.Request) (any, error) {
	switch r.Method {
	case http.MethodGet:
		list := []callerIDJSON{}
		for _, c := range s.CallerIDs() {
			list = append(list, callerIDJSON(c))
		}
		return map[string]any{"caller_ids": list}, nil
	case http.MethodPost:
		var body callerIDJSON
		if err := decode(r, &body); err != nil {
			return nil, err
		}
		if body.SID != "" {
			return nil, badControl("a caller ID's sid is given by the server: leave it out")
		}
		sid, err := s.AddCallerID(CallerID{AccountSID: body.AccountSID, PhoneNumber: body.PhoneNumber, FriendlyName: body.FriendlyName})
		if err != nil {
			return nil, badControl("%v", err)
		}
		return map[string]string{"sid": sid}, nil
	}
	return nil, &controlError{http.StatusMethodNotAllowed, "caller_ids take GET and POST"}
}

// controlParties lists the parties set, with their JSON.
func (s *Server) controlParties() any {
	s.mu.Lock()
	list := make(map[string]scenario.PartySpec, len(s.parties))
	for addr, p := range s.parties {
		list[addr] = p.Spec()
	}
	s.mu.Unlock()
	return map[string]any{"parties": list}
}

// controlPublicURLs lists, adds and clears public URL mappings.
func (s *Server) controlPublicURLs(r *http.Request) (any, error) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPut, http.MethodPost:
		var body PublicURL
		if err := decode(r, &body); err != nil {
			return nil, err
		}
		if err := s.MapPublicURL(body); err != nil {
			return nil, badControl("%v", err)
		}
	case http.MethodDelete:
		s.ClearPublicURLs()
	default:
		return nil, &controlError{http.StatusMethodNotAllowed, "public_urls take GET, PUT and DELETE"}
	}
	return map[string]any{"public_urls": s.PublicURLs()}, nil
}

// decodeOptional reads a JSON body into v, strictly, if there is one.
func decodeOptional(r *http.Request, v any) error {
	if !hasBody(r) {
		return nil
	}
	return decode(r, v)
}
