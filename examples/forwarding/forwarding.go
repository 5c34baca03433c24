// Package forwarding forwards the calls of a small business's number to its
// owner's mobile phone, with a voicemail box for the calls the owner does
// not take: a small but complete Twilio voice application, and the subject
// of the plain go test next to it, which tests it against the harness's
// fake Twilio with the matchers package and gomega.NewWithT, without
// Ginkgo.
//
// An incoming call is answered with a <Dial> of 20 seconds to the owner.
// When the owner picks up, a whisper that only the owner hears says who is
// calling and asks for 1 to accept; pressing 1 connects the caller, and
// anything else (or nothing) hangs up the owner's leg. When the owner was
// busy, did not answer, or declined at the whisper, the caller hears a
// prompt and leaves a message, which is recorded and transcribed; the
// messages are kept in the app's voicemail box ([App.Voicemails]).
//
// It shows how to test:
//
//   - an incoming call (Server.AddNumber, Server.IncomingCall);
//   - a <Dial> with a whisper (<Number url>) run on the owner's leg, and
//     the owner's keys at it;
//   - the Dial's action for every way the forward can end, including the
//     one Twilio reports as DialCallStatus=completed although the caller
//     was never connected: the whisper hung up, which only DialBridged=false
//     tells apart;
//   - a <Record> with its action and its transcribeCallback;
//   - a caller who hangs up while the forward is still ringing.
//
// The app writes its TwiML with twilio-go's twiml package. It does not check
// X-Twilio-Signature, to stay short; the ivr example shows how.
package forwarding

import (
	"log"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/twilio/twilio-go/twiml"
)

// What the caller and the owner hear.
const (
	// acceptText follows "Call from <caller>" in the whisper.
	acceptText = ", press 1 to accept."
	// leaveMessageText is the voicemail prompt.
	leaveMessageText = "Sorry, nobody can take your call right now. Please leave a message after the tone."
	// thanksText ends the call after a message.
	thanksText = "Thank you, your message has been recorded. Goodbye."
)

// RingTimeout is how long the owner's phone rings before the caller goes to
// voicemail.
const RingTimeout = 20 * time.Second

// Config is what the app needs to know.
type Config struct {
	// Owner is the number calls are forwarded to.
	Owner string
}

// Voicemail is a message left in the voicemail box.
type Voicemail struct {
	CallSID string
	From    string
	// RecordingSID and RecordingURL identify the recording at Twilio.
	RecordingSID string
	RecordingURL string
	// Duration is the length of the recording as Twilio reported it to the
	// action, in whole seconds.
	Duration time.Duration
	// Transcript is the text of the message, once the transcription has
	// arrived; empty until then.
	Transcript string
}

// App is the forwarding application: an http.Handler that serves
//
//	POST /voice           an incoming call: forward it to the owner
//	POST /whisper         the owner answered: who is calling, press 1
//	POST /whisper-answer  the owner's key at the whisper
//	POST /after-dial      the forward ended: hang up, or take a message
//	POST /voicemail       a message was recorded
//	POST /transcription   a message's transcription
//
// Its methods are safe for concurrent use.
type App struct {
	cfg Config
	mux *http.ServeMux

	mu sync.Mutex
	// guards voicemails and byRecording
	voicemails  []*Voicemail
	byRecording map[string]*Voicemail
}

// New returns the app.
func New(cfg Config) *App {
	a := &App{cfg: cfg, mux: http.NewServeMux(), byRecording: map[string]*Voicemail{}}
	a.mux.Handle("POST /voice", twimlFunc(a.voice))
	a.mux.Handle("POST /whisper", twimlFunc(a.whisper))
	a.mux.Handle("POST /whisper-answer", twimlFunc(a.whisperAnswer))
	a.mux.Handle("POST /after-dial", twimlFunc(a.afterDial))
	a.mux.Handle("POST /voicemail", twimlFunc(a.voicemail))
	a.mux.HandleFunc("POST /transcription", a.transcription)
	return a
}

// ServeHTTP serves the app's endpoints.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// Voicemails returns a copy of the messages in the voicemail box, oldest
// first.
func (a *App) Voicemails() []Voicemail {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Voicemail, len(a.voicemails))
	for i, v := range a.voicemails {
		out[i] = *v
	}
	return out
}

// twimlFunc is an endpoint that answers with a TwiML document made of the
// verbs it returns.
type twimlFunc func(r *http.Request) []twiml.Element

func (f twimlFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	doc, err := twiml.Voice(f(r))
	if err != nil {
		log.Printf("forwarding: %s: %v", r.URL.Path, err)
		http.Error(w, "cannot write TwiML", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Write([]byte(doc))
}

// voice forwards the call to the owner, whose leg runs /whisper first.
func (a *App) voice(*http.Request) []twiml.Element {
	return []twiml.Element{twiml.VoiceDial{
		Timeout: strconv.Itoa(int(RingTimeout / time.Second)),
		Action:  "/after-dial",
		InnerElements: []twiml.Element{
			twiml.VoiceNumber{PhoneNumber: a.cfg.Owner, Url: "/whisper"},
		},
	}}
}

// whisper tells the owner who is calling and waits five seconds for 1; with
// no key, the owner's leg hangs up and the caller is not connected.
func (a *App) whisper(r *http.Request) []twiml.Element {
	return []twiml.Element{
		twiml.VoiceGather{
			NumDigits: "1",
			Timeout:   "5",
			Action:    "/whisper-answer",
			InnerElements: []twiml.Element{
				twiml.VoiceSay{Message: "Call from " + r.PostForm.Get("From") + acceptText},
			},
		},
		twiml.VoiceHangup{},
	}
}

// whisperAnswer connects the caller when the owner pressed 1 (an empty
// document ends the whisper, which bridges the call) and hangs up the
// owner's leg otherwise.
func (a *App) whisperAnswer(r *http.Request) []twiml.Element {
	if r.PostForm.Get("Digits") == "1" {
		return nil
	}
	return []twiml.Element{twiml.VoiceHangup{}}
}

// afterDial hangs up after a conversation with the owner and takes a
// message otherwise. A whisper that hung up ends the Dial as completed but
// not bridged, so DialBridged tells a declined call from a conversation.
// When the caller has hung up already (CallStatus=completed), Twilio ignores
// the reply and there is nothing to do.
func (a *App) afterDial(r *http.Request) []twiml.Element {
	f := r.PostForm
	talked := f.Get("DialCallStatus") == "completed" && f.Get("DialBridged") != "false"
	if talked || f.Get("CallStatus") == "completed" {
		return []twiml.Element{twiml.VoiceHangup{}}
	}
	return []twiml.Element{
		twiml.VoiceSay{Message: leaveMessageText},
		twiml.VoiceRecord{
			Action:             "/voicemail",
			MaxLength:          "120",
			Transcribe:         "true",
			TranscribeCallback: "/transcription",
		},
		twiml.VoiceHangup{},
	}
}

// voicemail keeps the message and thanks the caller.
func (a *App) voicemail(r *http.Request) []twiml.Element {
	f := r.PostForm
	secs, _ := strconv.Atoi(f.Get("RecordingDuration"))
	a.mu.Lock()
	v := a.message(f.Get("RecordingSid"), f.Get("CallSid"), f.Get("From"))
	v.RecordingURL = f.Get("RecordingUrl")
	v.Duration = time.Duration(secs) * time.Second
	a.mu.Unlock()
	return []twiml.Element{twiml.VoiceSay{Message: thanksText}, twiml.VoiceHangup{}}
}

// transcription adds the text of a message to it.
func (a *App) transcription(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	f := r.PostForm
	if f.Get("TranscriptionStatus") == "completed" {
		a.mu.Lock()
		a.message(f.Get("RecordingSid"), f.Get("CallSid"), f.Get("From")).Transcript = f.Get("TranscriptionText")
		a.mu.Unlock()
	}
	w.WriteHeader(http.StatusNoContent)
}

// message returns the message of the recording sid, adding it to the box if
// it is new: the action and the transcription may arrive in either order.
// Call with a.mu held.
func (a *App) message(sid, callSID, from string) *Voicemail {
	v := a.byRecording[sid]
	if v == nil {
		v = &Voicemail{CallSID: callSID, From: from, RecordingSID: sid}
		a.voicemails = append(a.voicemails, v)
		a.byRecording[sid] = v
	}
	return v
}
