package harness

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// Fault is a failure injected in place of an application's reply, for
// every request to one URL: an HTTP error, a bad body, a connection that is
// refused or never answers. No real time passes: a timeout costs Twilio's 15
// seconds of virtual time.
type Fault struct {
	// Status, if set, is the reply's HTTP status.
	Status int
	// Body and ContentType, if set, are the reply's body and Content-Type
	// (Status defaults to 200 then).
	Body        string
	ContentType string
	// Timeout makes the request fail with no reply after Twilio's 15-second
	// timeout (error 11205), on the virtual clock.
	Timeout bool
	// Refused makes the connection fail at once (error 11205).
	Refused bool
	// Delay is the virtual time before the reply (or the failure) arrives.
	Delay time.Duration
	// Times limits the fault to that many requests; 0 means every request.
	Times int
}

// webhookTimeout is Twilio's total timeout for a webhook, used for injected
// timeouts on the virtual clock.
const webhookTimeout = 15 * time.Second

// Errors of injected faults, as a request's Err.
var (
	ErrInjectedTimeout = errors.New("harness: injected fault: the request timed out after 15s")
	ErrInjectedRefused = errors.New("harness: injected fault: connection refused")
)

type injected struct {
	fault Fault
	used  int
}

// InjectFault makes every request to target (an absolute URL; its query and
// fragment are ignored, and so is the query of the requests) fail as f says,
// whether the application is in-process or reached over HTTP. A later call
// for the same URL replaces the fault.
func (s *Server) InjectFault(target string, f Fault) error {
	if twilioapi.CheckURL(target) != nil {
		return fmt.Errorf("harness: inject fault: %q is not an absolute http or https URL", target)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out.faults[faultKey(target)] = &injected{fault: f}
	return nil
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.out.faults)
}

// faultKey is a URL without query and fragment.
func faultKey(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}

// faultForLocked returns the fault for w, if one applies, and counts it.
func (o *outbox) faultForLocked(w *webhook) *Fault {
	in := o.faults[faultKey(w.url)]
	if in == nil || (in.fault.Times > 0 && in.used >= in.fault.Times) {
		return nil
	}
	in.used++
	f := in.fault
	return &f
}

// applyFaultLocked fills in w's reply as the fault says and returns how much
// virtual time the reply takes.
func (w *webhook) applyFaultLocked(f *Fault) time.Duration {
	w.done = true
	switch {
	case f.Timeout:
		w.err = ErrInjectedTimeout
		return f.Delay + webhookTimeout
	case f.Refused:
		w.err = ErrInjectedRefused
		return f.Delay
	}
	w.status = f.Status
	if w.status == 0 {
		w.status = http.StatusOK
	}
	hdr := http.Header{}
	if f.ContentType != "" {
		hdr.Set("Content-Type", f.ContentType)
	}
	w.replyHeader = compactHeader(hdr)
	w.reply = f.Body
	return f.Delay
}
