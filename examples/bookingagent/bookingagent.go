// Package bookingagent is the appointment line of Acme Clinic, a
// fictional practice: an AI voice agent on Twilio ConversationRelay,
// written as a real application would be, with twilio-go (its twiml
// package for TwiML, its RequestValidator for signatures) and
// github.com/coder/websocket, and the subject of the Ginkgo suite next to
// it, which tests it against the harness's fake Twilio.
//
// A call to the clinic fetches /voice, which connects it to the agent:
//
//	<Connect action="https://agent.example.com/handoff" method="POST">
//	  <ConversationRelay url="wss://agent.example.com/relay" welcomeGreeting="Hello, this is Acme Clinic…"
//	      dtmfDetection="true" interruptible="any" language="en-US" hints="Monday, Tuesday, …">
//	    <Language code="en-US" ttsProvider="ElevenLabs" transcriptionProvider="Deepgram"/>
//	    <Language code="es-ES" ttsProvider="Google" voice="es-ES-Neural2-B" transcriptionProvider="Google"/>
//	    <Parameter name="caller" value="+14155550123"/>
//	  </ConversationRelay>
//	</Connect>
//
// Twilio greets the caller, recognises what the caller says and speaks
// what the agent answers; the agent and Twilio talk over the WebSocket
// (Twilio is its client) in JSON. The agent:
//
//   - answers each final prompt (what the caller said) and each key
//     (dtmf) with what its [Model] replies, streamed as text tokens, the
//     last with last set, as a language model's answer would arrive;
//   - keeps the conversation's history, and when the caller interrupts
//     it (interrupt), cuts its last line to what the caller heard
//     (utteranceUntilInterrupt), so that the model never believes the
//     caller heard more than they did;
//   - switches language when the model does: a language message sets both
//     speech and recognition, and its next replies are in that language;
//   - ends the session (end) when the model books a day or hands off,
//     with handoffData (a JSON string, [Handoff]) saying which and what the
//     caller is to hear next.
//
// When the session ends Twilio requests the Connect's action, /handoff,
// with SessionStatus and HandoffData. It says the agent's last words and
// hangs up after a booking, dials the front desk ([Config.FrontDesk]) for
// a person or when the session failed (the agent could not be reached, or
// broke), and returns an empty document when the caller hung up (Twilio
// ignores it then).
//
// Security. Every request from Twilio is checked with twilio-go's
// RequestValidator: a webhook against its URL under [Config.BaseURL] and
// its POST parameters; the WebSocket upgrade against the relay's URL as
// the TwiML writes it (wss://…/relay) with no parameters. A request whose
// X-Twilio-Signature does not check out gets 403.
//
// The agent keeps, for every call, its side of the conversation
// ([App.Conversation]), which is what the tests check.
package bookingagent

import (
	"encoding/json"
	"log"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/twilio/twilio-go/client"
	"github.com/twilio/twilio-go/twiml"
)

// Greeting is what Twilio says when the session opens (welcomeGreeting).
const Greeting = "Hello, this is Acme Clinic. I can book you an appointment. Which day would you like to come in? Para español, diga español."

// The /handoff action's own words.
const (
	// GoodbyeText ends a conversation that ended without a word for the
	// caller.
	GoodbyeText = "Thank you for calling Acme Clinic. Goodbye."
	// UnavailableText comes before the front desk when the agent could
	// not be reached or broke.
	UnavailableText = "Sorry, our booking assistant is not available right now. Let me put you through to our front desk."
)

// Config is what the agent needs to know.
type Config struct {
	// AuthToken is the auth token of the Twilio account; it checks the
	// signature of every request from Twilio.
	AuthToken string
	// BaseURL is where Twilio reaches the agent ("https://agent.example.com",
	// no trailing slash): the webhooks' URLs are made from it, and the
	// relay's is the same with the scheme wss (ws for http).
	BaseURL string
	// FrontDesk is the number of the clinic's front desk, where a person
	// takes the calls the agent hands off.
	FrontDesk string
	// Model decides what the agent says; [Rules] when nil.
	Model Model
}

// Outcome is how a conversation ended.
type Outcome string

// The outcomes of a conversation.
const (
	// Booked: the agent booked a day and ended the session.
	Booked Outcome = "booked"
	// HandedOff: the agent ended the session for a person to take over.
	HandedOff Outcome = "handed-off"
	// HungUp: the caller hung up during the conversation.
	HungUp Outcome = "hung-up"
	// Failed: the session failed (the agent was unreachable, or the
	// socket broke); the caller went to the front desk.
	Failed Outcome = "failed"
)

// Roles of the history's lines.
const (
	RoleAgent  = "agent"
	RoleCaller = "caller"
)

// Line is one line of a conversation's history, as the agent keeps it
// and the model reads it.
type Line struct {
	Role string `json:"role"` // RoleAgent or RoleCaller
	// Text is what was said: for an agent's line the caller cut short,
	// what the caller heard of it.
	Text string `json:"text,omitempty"`
	// Digit is the key a caller's line pressed.
	Digit string `json:"digit,omitempty"`
	// Lang is the language it was said or heard in.
	Lang string `json:"lang,omitempty"`
	// Interrupted is set on an agent's line the caller cut short; Said is
	// then all the agent meant to say.
	Interrupted bool   `json:"interrupted,omitempty"`
	Said        string `json:"said,omitempty"`
}

// Handoff is the end message's handoffData: why the agent ended the
// session, and what the caller is to hear next. Twilio passes it, as
// sent, to the Connect's action as HandoffData.
type Handoff struct {
	// Reason is ReasonBooked or ReasonPerson.
	Reason string `json:"reason"`
	// Day is the day booked.
	Day string `json:"day,omitempty"`
	// Why says why a person takes over, for the front desk.
	Why string `json:"why,omitempty"`
	// Lang is the language of the conversation; Say what the caller hears
	// next, in it.
	Lang string `json:"lang"`
	Say  string `json:"say"`
}

// Reasons of a [Handoff].
const (
	ReasonBooked = "booked"
	ReasonPerson = "person"
)

// Conversation is what the agent heard and did on one call: what the
// model reads, and what the tests check.
type Conversation struct {
	CallSID   string `json:"call_sid"`
	SessionID string `json:"session_id"`
	// Caller is the custom parameter "caller": the caller's number.
	Caller string `json:"caller"`
	// Lang is the language the agent speaks and listens in now.
	Lang string `json:"lang"`
	// History is the conversation, line by line.
	History []Line `json:"history"`
	// Day is the day the agent proposed and waits for the caller to
	// confirm, if any.
	Day string `json:"day,omitempty"`
	// KeypadOffered says the agent has offered the keypad menu.
	KeypadOffered bool `json:"keypad_offered,omitempty"`
	// Interruptions is how many times the caller cut the agent short.
	Interruptions int `json:"interruptions,omitempty"`
	// Handoff is what the agent sent with end, if it ended the session.
	Handoff *Handoff `json:"handoff,omitempty"`
	// Outcome is how it ended, once the Connect's action has come.
	Outcome Outcome `json:"outcome,omitempty"`
	// Errors are the protocol's errors met: Twilio's error messages, and
	// the session's ErrorCode and ErrorMessage when it failed.
	Errors []string `json:"errors,omitempty"`
}

// copy returns c with slices of its own.
func (c *Conversation) copy() Conversation {
	out := *c
	out.History = slices.Clone(c.History)
	out.Errors = slices.Clone(c.Errors)
	if c.Handoff != nil {
		h := *c.Handoff
		out.Handoff = &h
	}
	return out
}

// App is the agent: an http.Handler for Twilio's webhooks and the relay's
// WebSocket. It is safe for concurrent use.
type App struct {
	cfg       Config
	validator client.RequestValidator
	relayURL  string
	mux       *http.ServeMux

	mu    sync.Mutex // guards calls
	calls map[string]*Conversation
}

// New returns the agent. Its handler serves Twilio's requests:
//
//	POST /voice    a call comes in: connect it to the agent
//	GET  /relay    the ConversationRelay WebSocket (Twilio's upgrade request)
//	POST /handoff  the Connect's action, once the session has ended
func New(cfg Config) *App {
	if cfg.Model == nil {
		cfg.Model = Rules{}
	}
	a := &App{cfg: cfg, validator: client.NewRequestValidator(cfg.AuthToken),
		relayURL: wsURL(cfg.BaseURL) + "/relay", mux: http.NewServeMux(), calls: map[string]*Conversation{}}
	a.mux.Handle("POST /voice", a.signed(twimlFunc(a.voice)))
	a.mux.Handle("POST /handoff", a.signed(twimlFunc(a.handoff)))
	a.mux.HandleFunc("GET /relay", a.relay)
	return a
}

// wsURL is base with the scheme of a WebSocket: wss for https, ws for
// http.
func wsURL(base string) string {
	if rest, ok := strings.CutPrefix(base, "https://"); ok {
		return "wss://" + rest
	}
	if rest, ok := strings.CutPrefix(base, "http://"); ok {
		return "ws://" + rest
	}
	return base
}

// RelayURL is the URL of the agent's WebSocket, as its TwiML gives it to
// Twilio and as Twilio signs the upgrade.
func (a *App) RelayURL() string { return a.relayURL }

// ServeHTTP answers Twilio's requests.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// signed passes on a webhook whose X-Twilio-Signature is the one Twilio
// computes for its URL (under BaseURL) and its POST parameters, and answers
// any other with 403.
func (a *App) signed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		h.ServeHTTP(w, r)
	})
}

// twimlFunc is an endpoint that answers with a TwiML document made of the
// verbs it returns.
type twimlFunc func(r *http.Request) []twiml.Element

func (f twimlFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	doc, err := twiml.Voice(f(r))
	if err != nil {
		log.Printf("bookingagent: %s: %v", r.URL.Path, err)
		http.Error(w, "cannot write TwiML", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Write([]byte(doc))
}

// voice connects a call to the agent, in English, ready for Spanish; the
// Connect's action takes over when the session ends.
func (a *App) voice(r *http.Request) []twiml.Element {
	return []twiml.Element{twiml.VoiceConnect{
		Action: a.cfg.BaseURL + "/handoff",
		Method: http.MethodPost,
		InnerElements: []twiml.Element{twiml.VoiceConversationRelay{
			Url:             a.relayURL,
			WelcomeGreeting: Greeting,
			Language:        English,
			Interruptible:   "any",
			DtmfDetection:   "true",
			Hints:           "Monday, Tuesday, Wednesday, Thursday, Friday, español",
			InnerElements: []twiml.Element{
				twiml.VoiceLanguage{Code: English, TtsProvider: "ElevenLabs", TranscriptionProvider: "Deepgram"},
				twiml.VoiceLanguage{Code: Spanish, TtsProvider: "Google", Voice: "es-ES-Neural2-B", TranscriptionProvider: "Google"},
				twiml.VoiceParameter{Name: "caller", Value: r.PostForm.Get("From")},
			},
		}},
	}}
}

// handoff is the Connect's action: the session has ended, and
// SessionStatus says how.
func (a *App) handoff(r *http.Request) []twiml.Element {
	f := r.PostForm
	callSID := f.Get("CallSid")
	switch f.Get("SessionStatus") {
	case "completed": // the caller hung up: Twilio ignores the document
		a.update(callSID, func(c *Conversation) { c.Outcome = HungUp })
		return nil
	case "failed":
		a.update(callSID, func(c *Conversation) {
			c.Outcome = Failed
			c.Errors = append(c.Errors, "session failed: "+f.Get("ErrorCode")+" "+f.Get("ErrorMessage"))
		})
		return a.toFrontDesk(UnavailableText, English)
	}
	var h Handoff
	if data, ok := f["HandoffData"]; !ok || json.Unmarshal([]byte(data[0]), &h) != nil {
		return []twiml.Element{twiml.VoiceSay{Message: GoodbyeText}, twiml.VoiceHangup{}}
	}
	switch h.Reason {
	case ReasonBooked:
		a.update(callSID, func(c *Conversation) { c.Outcome = Booked })
		return []twiml.Element{twiml.VoiceSay{Message: h.Say, Language: h.Lang}, twiml.VoiceHangup{}}
	default:
		a.update(callSID, func(c *Conversation) { c.Outcome = HandedOff })
		return a.toFrontDesk(h.Say, h.Lang)
	}
}

// toFrontDesk says say, in lang, and dials the front desk.
func (a *App) toFrontDesk(say, lang string) []twiml.Element {
	return []twiml.Element{
		twiml.VoiceSay{Message: say, Language: lang},
		twiml.VoiceDial{InnerElements: []twiml.Element{twiml.VoiceNumber{PhoneNumber: a.cfg.FrontDesk}}},
	}
}

// Conversation returns a copy of what the agent heard and did on the call
// callSID, and whether it has one.
func (a *App) Conversation(callSID string) (Conversation, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.calls[callSID]
	if !ok {
		return Conversation{}, false
	}
	return c.copy(), true
}

// update changes the conversation of callSID under the app's lock,
// starting it if need be.
func (a *App) update(callSID string, fn func(*Conversation)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.calls[callSID]
	if c == nil {
		c = &Conversation{CallSID: callSID, Lang: English}
		a.calls[callSID] = c
	}
	fn(c)
}

// read returns a copy of the conversation of callSID.
func (a *App) read(callSID string) Conversation {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c := a.calls[callSID]; c != nil {
		return c.copy()
	}
	return Conversation{CallSID: callSID, Lang: English}
}
