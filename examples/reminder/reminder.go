// Package reminder calls the patients of Riverside Clinic, a fictional
// clinic, to remind them of an appointment: a small but complete Twilio
// voice application that places its calls with answering machine detection,
// and the subject of the Ginkgo suite next to it, which tests it against the
// harness's fake Twilio.
//
// [App.Remind] places the call with MachineDetection=DetectMessageEnd, so
// that Twilio requests /answer only once it knows who picked up, and (for an
// answering machine) once the greeting has ended. A person hears the
// reminder and presses 1 to confirm or 2 to cancel; an answering machine
// gets a voicemail after its beep; a fax machine, or a line where detection
// could not tell, is hung up on.
//
// Every endpoint answers POST only, rejects a request whose
// X-Twilio-Signature does not check out with 403, and writes its TwiML with
// twilio-go's twiml package. The app keeps no state between requests: the
// appointment's time travels in the query of its URLs.
package reminder

import (
	"fmt"
	"log"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twilio/twilio-go/twiml"
)

// WhenLayout is how the reminder says the appointment's time:
// "Tuesday, January 7 at 3:30 PM", in the time's own location.
const WhenLayout = "Monday, January 2 at 3:04 PM"

// What the patient hears.
const (
	confirmedText = "Thank you. Your appointment is confirmed. Goodbye."
	canceledText  = "Your appointment has been canceled. Please call us to book a new one. Goodbye."
	invalidText   = "Sorry, that is not an option."
	noReplyText   = "We did not receive an answer. Goodbye."
)

// personText is what a person who answers hears, with the Gather listening
// for one key.
func personText(when string) string {
	return "Hi, this is a reminder of your appointment on " + when + ". Press 1 to confirm, 2 to cancel."
}

// voicemailText is the message left on an answering machine after its beep.
func voicemailText(when string) string {
	return "Hi, this is Riverside Clinic with a reminder of your appointment on " + when +
		". If you cannot make it, please call us. Goodbye."
}

// Config is what the app needs to know.
type Config struct {
	// AuthToken is the auth token of the Twilio account that places the
	// calls; it checks the signature of every request.
	AuthToken string
	// BaseURL is where Twilio reaches the app ("https://reminders.example.com",
	// no trailing slash): the calls' Url and StatusCallback are made from it,
	// and signatures are checked against it.
	BaseURL string
	// From is the clinic's number, which places the calls.
	From string
	// OnReply, if set, is told what a patient pressed: 1 confirms, 2
	// cancels. It is called from the handler's goroutine, and must be safe
	// for concurrent use.
	OnReply func(Reply)
}

// Reply is a patient's answer to a reminder.
type Reply struct {
	CallSID   string
	To        string // the patient's number
	Confirmed bool   // true for 1 (confirm), false for 2 (cancel)
}

// App is the reminder application: an http.Handler for Twilio's requests,
// and [App.Remind] to place a call. It is safe for concurrent use.
type App struct {
	cfg       Config
	validator client.RequestValidator
	mux       *http.ServeMux
}

// New returns the app. Its handler serves
//
//	POST /answer   who answered: the reminder, a voicemail, or a hang-up
//	POST /confirm  the key the patient pressed
//	POST /status   status callbacks, answered 204
func New(cfg Config) *App {
	a := &App{cfg: cfg, validator: client.NewRequestValidator(cfg.AuthToken), mux: http.NewServeMux()}
	a.mux.Handle("POST /answer", twimlFunc(a.answer))
	a.mux.Handle("POST /confirm", twimlFunc(a.confirm))
	a.mux.HandleFunc("POST /status", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	return a
}

// Remind calls to about the appointment at when, through tw, twilio-go's
// 2010-04-01 API (a twilio.RestClient's Api, or twilioclient/voice's API in tests),
// and returns the call's SID. The call waits for answering machine
// detection (MachineDetection=DetectMessageEnd, synchronous) before Twilio
// requests /answer, and reports its end to /status.
func (a *App) Remind(tw *api.ApiService, to string, when time.Time) (string, error) {
	q := url.Values{"when": {when.Format(WhenLayout)}}
	params := &api.CreateCallParams{}
	params.SetTo(to).SetFrom(a.cfg.From).
		SetUrl(a.cfg.BaseURL + "/answer?" + q.Encode()).
		SetMachineDetection("DetectMessageEnd").
		SetAsyncAmd("false").
		SetStatusCallback(a.cfg.BaseURL + "/status")
	call, err := tw.CreateCall(params)
	if err != nil {
		return "", fmt.Errorf("reminder: call %s: %w", to, err)
	}
	if call.Sid == nil {
		return "", fmt.Errorf("reminder: call %s: Twilio returned no call SID", to)
	}
	return *call.Sid, nil
}

// ServeHTTP answers Twilio's requests. A request whose X-Twilio-Signature
// is not the one Twilio computes for its URL (under BaseURL) and its POST
// parameters gets 403.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	params := make(map[string]string, len(r.PostForm))
	for k, vs := range r.PostForm {
		params[k] = vs[0]
	}
	if !a.validator.Validate(a.cfg.BaseURL+r.RequestURI, params, r.Header.Get("X-Twilio-Signature")) {
		http.Error(w, "invalid signature", http.StatusForbidden)
		return
	}
	a.mux.ServeHTTP(w, r)
}

// twimlFunc is an endpoint that answers with a TwiML document made of the
// verbs it returns.
type twimlFunc func(r *http.Request) []twiml.Element

func (f twimlFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	doc, err := twiml.Voice(f(r))
	if err != nil {
		log.Printf("reminder: %s: %v", r.URL.Path, err)
		http.Error(w, "cannot write TwiML", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Write([]byte(doc))
}

// answer acts on what answering machine detection heard: a person gets the
// reminder and a choice, an answering machine (whose greeting has ended) a
// voicemail, and anything else a hang-up.
func (a *App) answer(r *http.Request) []twiml.Element {
	when := r.URL.Query().Get("when")
	switch by := r.PostForm.Get("AnsweredBy"); {
	case by == "human" || by == "":
		return ask(when)
	case strings.HasPrefix(by, "machine_end"):
		return []twiml.Element{twiml.VoiceSay{Message: voicemailText(when)}, twiml.VoiceHangup{}}
	}
	return []twiml.Element{twiml.VoiceHangup{}} // fax, unknown
}

// ask says the reminder and waits for one key, which goes to /confirm.
func ask(when string) []twiml.Element {
	q := url.Values{"when": {when}}
	return []twiml.Element{
		twiml.VoiceGather{
			NumDigits:     "1",
			Action:        "/confirm?" + q.Encode(),
			InnerElements: []twiml.Element{twiml.VoiceSay{Message: personText(when)}},
		},
		twiml.VoiceSay{Message: noReplyText},
		twiml.VoiceHangup{},
	}
}

// confirm confirms or cancels the appointment on 1 or 2, and asks again on
// any other key.
func (a *App) confirm(r *http.Request) []twiml.Element {
	var text string
	switch r.PostForm.Get("Digits") {
	case "1":
		text = confirmedText
	case "2":
		text = canceledText
	default:
		return append([]twiml.Element{twiml.VoiceSay{Message: invalidText}}, ask(r.URL.Query().Get("when"))...)
	}
	if a.cfg.OnReply != nil {
		a.cfg.OnReply(Reply{CallSID: r.PostForm.Get("CallSid"), To: r.PostForm.Get("To"), Confirmed: text == confirmedText})
	}
	return []twiml.Element{twiml.VoiceSay{Message: text}, twiml.VoiceHangup{}}
}
