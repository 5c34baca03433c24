// Package outbound places calls through twilio-go and steers them from
// their status callbacks: a small but complete Twilio voice application,
// and the subject of the Ginkgo suite next to it, which tests it against the
// harness's fake Twilio.
//
// [Dialer.Call] places a call that says a message, subscribed to all four
// status callback events. The Dialer's /status endpoint keeps every event
// it receives ([Dialer.Events]) and acts on some of them, through the same
// twilio-go client, from inside the webhook:
//
//   - a call that ends busy or no-answer is placed once more (a new
//     CreateCall); a retry that fails too is not retried;
//   - in urgent mode ([Dialer.SetUrgent]), a call that is answered is
//     redirected to the urgent message (an UpdateCall with Url=/urgent).
//
// It shows how to test an application whose webhooks call the REST API:
// the harness serves those requests while it runs the engine, so the
// second call, and the redirect, happen within one srv.Run, on the
// virtual clock.
//
// The attempt a call is travels in the query of its status callback URL,
// so the Dialer keeps no state per call. It does not check
// X-Twilio-Signature, to stay short; the ivr example shows how.
package outbound

import (
	"fmt"
	"log"
	"net/http"
	"strconv"
	"sync"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twilio/twilio-go/twiml"
)

// What the callee hears.
const (
	messageText = "This is Acme Alerts. Your backup finished successfully. Goodbye."
	urgentText  = "This is Acme Alerts with an urgent message. Your backup failed. Please check it now. Goodbye."
)

// MaxAttempts is how many times the Dialer calls a number that is busy or
// does not answer: the first call and one retry.
const MaxAttempts = 2

// RingTimeout is how long a call rings before it ends no-answer.
const RingTimeout = 30 * time.Second

// Config is what the Dialer needs to know.
type Config struct {
	// Client places and updates the calls: twilio-go's 2010-04-01 API (a
	// twilio.RestClient's Api, or twilioclient/voice's API in tests).
	Client *api.ApiService
	// From is the caller ID of the calls.
	From string
	// BaseURL is where Twilio reaches the Dialer's endpoints, such as
	// "https://alerts.example.com", without a trailing slash.
	BaseURL string
}

// Event is a status callback the Dialer received.
type Event struct {
	CallSID string
	To      string
	// Status is the CallStatus reported.
	Status string
	// Attempt is 1 for the first call to a number, 2 for its retry.
	Attempt int
}

// Dialer places calls and serves their webhooks:
//
//	POST /voice   the message
//	POST /urgent  the urgent message
//	POST /status  status callbacks: retries and redirects
//
// Its methods are safe for concurrent use.
type Dialer struct {
	cfg Config
	mux *http.ServeMux

	mu sync.Mutex
	// guards the fields below
	urgent bool
	events []Event
}

// New returns a Dialer.
func New(cfg Config) *Dialer {
	d := &Dialer{cfg: cfg, mux: http.NewServeMux()}
	d.mux.Handle("POST /voice", say(messageText))
	d.mux.Handle("POST /urgent", say(urgentText))
	d.mux.HandleFunc("POST /status", d.status)
	return d
}

// ServeHTTP serves the Dialer's endpoints.
func (d *Dialer) ServeHTTP(w http.ResponseWriter, r *http.Request) { d.mux.ServeHTTP(w, r) }

// SetUrgent turns urgent mode on or off: in urgent mode, calls answered
// from then on are redirected to the urgent message.
func (d *Dialer) SetUrgent(on bool) {
	d.mu.Lock()
	d.urgent = on
	d.mu.Unlock()
}

// Events returns a copy of the status callbacks received, in order.
func (d *Dialer) Events() []Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Event(nil), d.events...)
}

// Call places a call to to and returns its SID.
func (d *Dialer) Call(to string) (sid string, err error) {
	return d.place(to, 1)
}

// place creates the call to to, the attempt-th to that number.
func (d *Dialer) place(to string, attempt int) (string, error) {
	params := &api.CreateCallParams{}
	params.SetTo(to).SetFrom(d.cfg.From).
		SetUrl(d.cfg.BaseURL + "/voice").
		SetTimeout(int(RingTimeout / time.Second)).
		SetStatusCallback(d.cfg.BaseURL + "/status?attempt=" + strconv.Itoa(attempt)).
		SetStatusCallbackEvent([]string{"initiated", "ringing", "answered", "completed"})
	call, err := d.cfg.Client.CreateCall(params)
	if err != nil {
		return "", fmt.Errorf("outbound: call %s: %w", to, err)
	}
	return *call.Sid, nil
}

// status keeps the event, then retries a call that was busy or not
// answered, or redirects a call that was answered in urgent mode.
func (d *Dialer) status(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	attempt, _ := strconv.Atoi(r.URL.Query().Get("attempt"))
	ev := Event{CallSID: r.PostForm.Get("CallSid"), To: r.PostForm.Get("To"), Status: r.PostForm.Get("CallStatus"), Attempt: attempt}
	d.mu.Lock()
	d.events = append(d.events, ev)
	urgent := d.urgent
	d.mu.Unlock()

	switch {
	case (ev.Status == "busy" || ev.Status == "no-answer") && ev.Attempt < MaxAttempts:
		if _, err := d.place(ev.To, ev.Attempt+1); err != nil {
			log.Printf("outbound: retry of %s: %v", ev.CallSID, err)
		}
	case ev.Status == "in-progress" && urgent:
		if err := d.redirect(ev.CallSID, "/urgent"); err != nil {
			log.Printf("outbound: %v", err)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// redirect makes the live call sid run the TwiML at path.
func (d *Dialer) redirect(sid, path string) error {
	params := &api.UpdateCallParams{}
	params.SetUrl(d.cfg.BaseURL + path).SetMethod(http.MethodPost)
	if _, err := d.cfg.Client.UpdateCall(sid, params); err != nil {
		return fmt.Errorf("outbound: redirect %s to %s: %w", sid, path, err)
	}
	return nil
}

// say is an endpoint that says text and hangs up.
func say(text string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc, err := twiml.Voice([]twiml.Element{twiml.VoiceSay{Message: text}, twiml.VoiceHangup{}})
		if err != nil {
			log.Printf("outbound: %s: %v", r.URL.Path, err)
			http.Error(w, "cannot write TwiML", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		w.Write([]byte(doc))
	})
}
