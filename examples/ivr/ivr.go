// Package ivr is the phone menu of Riverside Clinic, a fictional clinic: a
// small but complete Twilio voice application, and the subject of the Ginkgo
// suite next to it, which tests it against the harness's fake Twilio.
//
// A caller hears a menu. Pressing 1 books an appointment by saying a date,
// 2 reaches the billing office and 0 the operator; when nobody answers, the
// caller leaves a voicemail. A caller who presses nothing hears the menu once
// more, then goodbye.
//
// Every endpoint answers POST only, rejects a request whose
// X-Twilio-Signature does not check out with 403, and writes its TwiML with
// twilio-go's twiml package. The app keeps no state between requests: the
// number of times the menu was offered travels in the query of its URL.
package ivr

import (
	"log"
	"net/http"

	"github.com/twilio/twilio-go/client"
	"github.com/twilio/twilio-go/twiml"
)

// What the caller hears.
const (
	welcomeText   = "Thank you for calling Riverside Clinic."
	menuText      = "For appointments, press 1. For billing, press 2. To speak to the operator, press 0."
	noChoiceText  = "We did not receive a choice. Goodbye."
	invalidText   = "Sorry, that is not a valid option."
	askDateText   = "Please say the date you would like to come in."
	noDateText    = "Sorry, we did not hear a date."
	billingText   = "Connecting you to billing."
	operatorText  = "Connecting you to the operator."
	nobodyText    = "Sorry, nobody is available to take your call. Please leave a message after the tone, and press the pound key when you are done."
	noMessageText = "We did not receive a message. Goodbye."
	thanksText    = "Thank you. Your message has been recorded. Goodbye."
)

// Config is what the app needs to know.
type Config struct {
	// AuthToken is the auth token of the Twilio account whose calls reach
	// the app; it checks the signature of every request.
	AuthToken string
	// Billing and Operator are the numbers that menu options 2 and 0 dial.
	Billing  string
	Operator string
}

// New returns the app as an http.Handler. It serves
//
//	POST /voice        the welcome and the menu
//	POST /menu         the menu's choice
//	POST /appointment  the date the caller said
//	POST /dial-status  the end of a call to billing or the operator
//	POST /voicemail    the end of a voicemail
//	POST /status       status callbacks, answered 204
//
// The handler is safe for concurrent use.
func New(cfg Config) http.Handler {
	a := &app{cfg: cfg, validator: client.NewRequestValidator(cfg.AuthToken)}
	mux := http.NewServeMux()
	mux.Handle("POST /voice", twimlFunc(a.voice))
	mux.Handle("POST /menu", twimlFunc(a.menu))
	mux.Handle("POST /appointment", twimlFunc(a.appointment))
	mux.Handle("POST /dial-status", twimlFunc(a.dialStatus))
	mux.Handle("POST /voicemail", twimlFunc(a.voicemail))
	mux.HandleFunc("POST /status", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	return a.verify(mux)
}

// app holds the configuration; it is never written after New.
type app struct {
	cfg       Config
	validator client.RequestValidator
}

// twimlFunc is an endpoint that answers with a TwiML document made of the
// verbs it returns.
type twimlFunc func(r *http.Request) []twiml.Element

func (f twimlFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	doc, err := twiml.Voice(f(r))
	if err != nil {
		log.Printf("ivr: %s: %v", r.URL.Path, err)
		http.Error(w, "cannot write TwiML", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Write([]byte(doc))
}

// verify answers 403 to any request whose X-Twilio-Signature is not the one
// Twilio computes for its URL and POST parameters, and passes the others to
// next.
func (a *app) verify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		params := make(map[string]string, len(r.PostForm))
		for k, vs := range r.PostForm {
			params[k] = vs[0]
		}
		if !a.validator.Validate(requestURL(r), params, r.Header.Get("X-Twilio-Signature")) {
			http.Error(w, "invalid signature", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requestURL rebuilds the URL Twilio requested, which is the URL it signed.
func requestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.RequestURI
}

// voice welcomes the caller and offers the menu. When the caller presses
// nothing, it offers the menu once more through a redirect to
// /voice?retry=1, and says goodbye after the second silence.
func (a *app) voice(r *http.Request) []twiml.Element {
	retry := r.URL.Query().Get("retry") != ""
	var verbs []twiml.Element
	if !retry {
		verbs = append(verbs, twiml.VoiceSay{Message: welcomeText})
	}
	verbs = append(verbs, twiml.VoiceGather{
		NumDigits:     "1",
		Action:        "/menu",
		InnerElements: []twiml.Element{twiml.VoiceSay{Message: menuText}},
	})
	if !retry {
		return append(verbs, twiml.VoiceRedirect{Url: "/voice?retry=1"})
	}
	return append(verbs, twiml.VoiceSay{Message: noChoiceText}, twiml.VoiceHangup{})
}

// menu acts on the key the caller pressed at the menu.
func (a *app) menu(r *http.Request) []twiml.Element {
	switch r.PostForm.Get("Digits") {
	case "1":
		return []twiml.Element{
			twiml.VoiceGather{
				Input:         "speech",
				SpeechTimeout: "auto",
				Action:        "/appointment",
				InnerElements: []twiml.Element{twiml.VoiceSay{Message: askDateText}},
			},
			twiml.VoiceSay{Message: noDateText},
			twiml.VoiceRedirect{Url: "/voice"},
		}
	case "2":
		return connect(billingText, a.cfg.Billing)
	case "0":
		return connect(operatorText, a.cfg.Operator)
	}
	return []twiml.Element{twiml.VoiceSay{Message: invalidText}, twiml.VoiceRedirect{Url: "/voice"}}
}

// connect announces and dials number for 20 seconds; /dial-status decides
// what happens when that call ends.
func connect(announcement, number string) []twiml.Element {
	return []twiml.Element{
		twiml.VoiceSay{Message: announcement},
		twiml.VoiceDial{Number: number, Action: "/dial-status", Timeout: "20"},
	}
}

// appointment confirms the date the caller said, as speech recognition
// heard it, and hangs up.
func (a *app) appointment(r *http.Request) []twiml.Element {
	date := r.PostForm.Get("SpeechResult")
	if date == "" {
		return []twiml.Element{twiml.VoiceSay{Message: noDateText}, twiml.VoiceRedirect{Url: "/voice"}}
	}
	return []twiml.Element{
		twiml.VoiceSay{Message: "Your appointment request for " + date + " is booked. We will send you a text message to confirm. Goodbye."},
		twiml.VoiceHangup{},
	}
}

// dialStatus hangs up after a conversation with billing or the operator,
// and otherwise (busy, no answer, failed) takes a voicemail of at most a
// minute that the caller ends with the pound key.
func (a *app) dialStatus(r *http.Request) []twiml.Element {
	switch r.PostForm.Get("DialCallStatus") {
	case "completed", "answered":
		return []twiml.Element{twiml.VoiceHangup{}}
	}
	return []twiml.Element{
		twiml.VoiceSay{Message: nobodyText},
		twiml.VoiceRecord{Action: "/voicemail", MaxLength: "60", FinishOnKey: "#"},
		twiml.VoiceSay{Message: noMessageText},
		twiml.VoiceHangup{},
	}
}

// voicemail thanks the caller for the message and hangs up.
func (a *app) voicemail(*http.Request) []twiml.Element {
	return []twiml.Element{twiml.VoiceSay{Message: thanksText}, twiml.VoiceHangup{}}
}
