// Package callcentre is the call centre of Northwind Bikes, a fictional
// shop: a small but complete Twilio voice application built on Twilio's
// queues, and the subject of the Ginkgo suite next to it, which tests it
// against the harness's fake Twilio with several callers and agents at once.
//
// A caller hears a menu and presses 1 for sales or 2 for support, which puts
// the call in that queue (<Enqueue>). While it waits, its wait document tells
// the caller their place in line ("You are caller number 3", from
// QueuePosition) and plays hold music inside a <Gather>, so that a caller who
// would rather not wait presses a key and leaves a voicemail at once. After
// five minutes in the queue (QueueTime of 300 seconds or more) the wait
// document sends the caller out of the queue with <Leave>, and the
// Enqueue's action, seeing QueueResult=leave, takes a voicemail with
// <Record>.
//
// An agent is connected with [App.ConnectAgent], which rings the agent's
// phone through the REST API; when the agent answers, /agent dials the
// queue (<Dial><Queue>), which takes the caller at the front, who first
// hears "Connecting you to an agent" (the Queue's url). When the
// conversation ends, the caller's Enqueue action sees QueueResult=bridged
// and a caller still on the line hears goodbye; a caller who hangs up while
// waiting is QueueResult=hangup, which the app logs. An agent who dials an
// empty queue waits for the next caller for up to 20 seconds, then hears
// that nobody is waiting; so does one who dials a queue nobody has joined
// yet (Twilio creates a queue on its first <Enqueue>, and fails a Dial to a
// queue that does not exist).
//
// The app keeps what a test (or a supervisor's dashboard) wants to see:
// how each caller's time in the queue ended ([App.Outcome]), what each
// agent's call did ([App.AgentCalls]) and the voicemails ([App.Messages]).
//
// Every endpoint answers POST only, rejects a request whose
// X-Twilio-Signature does not check out with 403, and writes its TwiML with
// twilio-go's twiml package.
package callcentre

import (
	"fmt"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twilio/twilio-go/twiml"
)

// The queues, by the menu key that leads to them.
const (
	Sales   = "sales"
	Support = "support"
)

// MaxWait is how long a caller waits in a queue before being offered
// voicemail.
const MaxWait = 5 * time.Minute

// HoldMusic is what callers hear while they wait: one of Twilio's own
// hold-music tracks.
const HoldMusic = "http://com.twilio.sounds.music.s3.amazonaws.com/MARKOVICHAMP-Borghestral.mp3"

// What callers and agents hear.
const (
	welcomeText    = "Thank you for calling Northwind Bikes."
	menuText       = "For sales, press 1. For support, press 2."
	noChoiceText   = "We did not receive a choice. Goodbye."
	invalidText    = "Sorry, that is not a valid option."
	holdKeyText    = "To leave a message instead of waiting, press any key."
	tooLongText    = "We are sorry to keep you waiting."
	whisperText    = "Connecting you to an agent."
	voicemailText  = "Please leave a message after the tone, and press the pound key when you are done."
	noMessageText  = "We did not receive a message. Goodbye."
	thanksText     = "Thank you. Your message has been recorded. Goodbye."
	bridgedText    = "Thank you for calling Northwind Bikes. Goodbye."
	sorryText      = "Sorry, we cannot take your call right now. Please call again later. Goodbye."
	nobodyText     = "Nobody is waiting in the queue. Goodbye."
	unknownQueue   = "That queue does not exist. Goodbye."
	agentWaitLimit = "20" // seconds an agent's Dial waits on an empty queue
)

// positionText is what a waiting caller hears at each turn of the hold
// loop.
func positionText(position string) string {
	return "You are caller number " + position + ". Please hold."
}

// Why a caller left a queue for voicemail.
const (
	ReasonWaitedTooLong = "waited-too-long" // MaxWait passed
	ReasonPressedKey    = "pressed-key"     // the caller pressed a key while waiting
)

// Config is what the app needs to know.
type Config struct {
	// AuthToken is the auth token of the Twilio account; it checks the
	// signature of every request.
	AuthToken string
	// BaseURL is where Twilio reaches the app ("https://calls.example.com",
	// no trailing slash): the agents' calls' Url is made from it, and
	// signatures are checked against it.
	BaseURL string
	// From is the call centre's number, which rings the agents.
	From string
	// Log receives a line for every way a caller leaves a queue and every
	// agent's call that ends; nil for the standard logger.
	Log *log.Logger
}

// Outcome is how a caller's time in a queue ended, as the Enqueue's
// action heard it.
type Outcome struct {
	Queue string
	// Result is the QueueResult: bridged, leave, hangup, error…
	Result string
	// Waited is the time spent in the queue (QueueTime).
	Waited time.Duration
	// Reason says why a caller left with QueueResult=leave:
	// ReasonWaitedTooLong or ReasonPressedKey.
	Reason string
}

// AgentCall is what an agent's <Dial><Queue> did.
type AgentCall struct {
	CallSID string // the agent's call
	Queue   string
	// Status is the DialCallStatus: completed after a conversation,
	// no-answer when nobody was waiting.
	Status string
	// Caller is the SID of the caller the agent talked to, "" for none.
	Caller string
	// CallerWaited is how long that caller had waited, Talked how long the
	// two talked.
	CallerWaited, Talked time.Duration
}

// Message is a voicemail a caller left.
type Message struct {
	CallSID      string
	From         string
	Queue        string
	Reason       string // ReasonWaitedTooLong or ReasonPressedKey
	RecordingURL string
	Duration     time.Duration
}

// App is the call centre: an http.Handler for Twilio's requests, and
// [App.ConnectAgent] to ring an agent. It is safe for concurrent use.
type App struct {
	cfg       Config
	log       *log.Logger
	validator client.RequestValidator
	mux       *http.ServeMux

	mu       sync.Mutex
	reasons  map[string]string // call SID → why it left its queue
	outcomes map[string]Outcome
	agents   []AgentCall
	messages []Message
}

// New returns the app. Its handler serves
//
//	POST /voice                 the welcome and the menu
//	POST /choose                the menu's choice: into a queue
//	POST /hold?queue=…          the wait document: position, hold music, the way out
//	POST /hold-key?queue=…      a key pressed while waiting: out of the queue
//	POST /queue-result?queue=…  the Enqueue's action: goodbye, voicemail or nothing
//	POST /voicemail?queue=…     the end of a voicemail
//	POST /agent?queue=…         an agent's call: dials the queue
//	POST /whisper               what the caller taken hears before the agent
//	POST /agent-done?queue=…    the end of an agent's Dial
//	POST /status                status callbacks, answered 204
func New(cfg Config) *App {
	a := &App{cfg: cfg, log: cfg.Log, validator: client.NewRequestValidator(cfg.AuthToken), mux: http.NewServeMux(),
		reasons: map[string]string{}, outcomes: map[string]Outcome{}}
	if a.log == nil {
		a.log = log.Default()
	}
	a.mux.Handle("POST /voice", twimlFunc(a.voice))
	a.mux.Handle("POST /choose", twimlFunc(a.choose))
	a.mux.Handle("POST /hold", twimlFunc(a.hold))
	a.mux.Handle("POST /hold-key", twimlFunc(a.holdKey))
	a.mux.Handle("POST /queue-result", twimlFunc(a.queueResult))
	a.mux.Handle("POST /voicemail", twimlFunc(a.voicemail))
	a.mux.Handle("POST /agent", twimlFunc(a.agent))
	a.mux.Handle("POST /whisper", twimlFunc(a.whisper))
	a.mux.Handle("POST /agent-done", twimlFunc(a.agentDone))
	a.mux.HandleFunc("POST /status", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	return a
}

// ConnectAgent rings the agent's phone through tw, twilio-go's 2010-04-01
// API (a twilio.RestClient's Api, or twilioclient/voice's API in tests); when
// the agent answers, the call dials queue and takes the caller at its
// front. It returns the SID of the agent's call.
func (a *App) ConnectAgent(tw *api.ApiService, agent, queue string) (string, error) {
	if queue != Sales && queue != Support {
		return "", fmt.Errorf("callcentre: no queue %q: want %q or %q", queue, Sales, Support)
	}
	params := &api.CreateCallParams{}
	params.SetTo(agent).SetFrom(a.cfg.From).
		SetUrl(a.cfg.BaseURL + "/agent?" + url.Values{"queue": {queue}}.Encode()).
		SetStatusCallback(a.cfg.BaseURL + "/status")
	call, err := tw.CreateCall(params)
	if err != nil {
		return "", fmt.Errorf("callcentre: ring agent %s: %w", agent, err)
	}
	if call.Sid == nil {
		return "", fmt.Errorf("callcentre: ring agent %s: Twilio returned no call SID", agent)
	}
	return *call.Sid, nil
}

// Outcome returns how the caller's call callSID left its queue, and
// whether it has.
func (a *App) Outcome(callSID string) (Outcome, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	o, ok := a.outcomes[callSID]
	return o, ok
}

// AgentCalls returns what the agents' calls did, in the order their
// Dials ended.
func (a *App) AgentCalls() []AgentCall {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]AgentCall(nil), a.agents...)
}

// Messages returns the voicemails, in the order they were left.
func (a *App) Messages() []Message {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Message(nil), a.messages...)
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
		log.Printf("callcentre: %s: %v", r.URL.Path, err)
		http.Error(w, "cannot write TwiML", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Write([]byte(doc))
}

// withQueue is path with the queue in its query.
func withQueue(path, queue string) string {
	return path + "?" + url.Values{"queue": {queue}}.Encode()
}

// voice welcomes the caller and offers the menu, twice at most.
func (a *App) voice(r *http.Request) []twiml.Element {
	retry := r.URL.Query().Get("retry") != ""
	var verbs []twiml.Element
	if !retry {
		verbs = append(verbs, twiml.VoiceSay{Message: welcomeText})
	}
	verbs = append(verbs, twiml.VoiceGather{
		NumDigits:     "1",
		Action:        "/choose",
		InnerElements: []twiml.Element{twiml.VoiceSay{Message: menuText}},
	})
	if !retry {
		return append(verbs, twiml.VoiceRedirect{Url: "/voice?retry=1"})
	}
	return append(verbs, twiml.VoiceSay{Message: noChoiceText}, twiml.VoiceHangup{})
}

// choose puts the caller in the queue the key chose. The Enqueue's action
// and wait document carry the queue's name in their query.
func (a *App) choose(r *http.Request) []twiml.Element {
	var queue string
	switch r.PostForm.Get("Digits") {
	case "1":
		queue = Sales
	case "2":
		queue = Support
	default:
		return []twiml.Element{twiml.VoiceSay{Message: invalidText}, twiml.VoiceRedirect{Url: "/voice?retry=1"}}
	}
	return []twiml.Element{twiml.VoiceEnqueue{
		Name:    queue,
		Action:  withQueue("/queue-result", queue),
		WaitUrl: withQueue("/hold", queue),
	}}
}

// hold is the wait document, requested again each time it ends: the
// caller's place in line, then hold music during which any key leads to
// voicemail. Once the caller has waited MaxWait, it takes the call out
// of the queue instead.
func (a *App) hold(r *http.Request) []twiml.Element {
	queue := r.URL.Query().Get("queue")
	waited, _ := strconv.Atoi(r.PostForm.Get("QueueTime"))
	if time.Duration(waited)*time.Second >= MaxWait {
		a.leaving(r.PostForm.Get("CallSid"), ReasonWaitedTooLong)
		return []twiml.Element{twiml.VoiceSay{Message: tooLongText}, twiml.VoiceLeave{}}
	}
	return []twiml.Element{
		twiml.VoiceSay{Message: positionText(r.PostForm.Get("QueuePosition"))},
		twiml.VoiceGather{
			NumDigits: "1",
			Timeout:   "1",
			Action:    withQueue("/hold-key", queue),
			InnerElements: []twiml.Element{
				twiml.VoiceSay{Message: holdKeyText},
				twiml.VoicePlay{Url: HoldMusic},
			},
		},
	}
}

// holdKey takes a caller who pressed a key while waiting out of the
// queue, to voicemail.
func (a *App) holdKey(r *http.Request) []twiml.Element {
	a.leaving(r.PostForm.Get("CallSid"), ReasonPressedKey)
	return []twiml.Element{twiml.VoiceLeave{}}
}

// leaving notes why the call is about to leave its queue.
func (a *App) leaving(callSID, reason string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.reasons[callSID] = reason
}

// queueResult is the Enqueue's action: how the caller's time in the queue
// ended. A caller who talked to an agent hears goodbye; one who left the
// queue leaves a voicemail; a hang-up (whose reply Twilio ignores) and
// anything else are logged.
func (a *App) queueResult(r *http.Request) []twiml.Element {
	sid, queue, result := r.PostForm.Get("CallSid"), r.URL.Query().Get("queue"), r.PostForm.Get("QueueResult")
	waited, _ := strconv.Atoi(r.PostForm.Get("QueueTime"))
	a.mu.Lock()
	o := Outcome{Queue: queue, Result: result, Waited: time.Duration(waited) * time.Second, Reason: a.reasons[sid]}
	a.outcomes[sid] = o
	a.mu.Unlock()
	a.log.Printf("callcentre: call %s left queue %s after %v: %s %s", sid, queue, o.Waited, result, o.Reason)
	switch result {
	case "bridged":
		return []twiml.Element{twiml.VoiceSay{Message: bridgedText}, twiml.VoiceHangup{}}
	case "leave":
		return []twiml.Element{
			twiml.VoiceSay{Message: voicemailText},
			twiml.VoiceRecord{Action: withQueue("/voicemail", queue), MaxLength: "120", FinishOnKey: "#"},
			twiml.VoiceSay{Message: noMessageText},
			twiml.VoiceHangup{},
		}
	case "hangup":
		return nil
	}
	return []twiml.Element{twiml.VoiceSay{Message: sorryText}, twiml.VoiceHangup{}}
}

// voicemail keeps the message and thanks the caller.
func (a *App) voicemail(r *http.Request) []twiml.Element {
	secs, _ := strconv.Atoi(r.PostForm.Get("RecordingDuration"))
	sid := r.PostForm.Get("CallSid")
	a.mu.Lock()
	a.messages = append(a.messages, Message{
		CallSID:      sid,
		From:         r.PostForm.Get("From"),
		Queue:        r.URL.Query().Get("queue"),
		Reason:       a.reasons[sid],
		RecordingURL: r.PostForm.Get("RecordingUrl"),
		Duration:     time.Duration(secs) * time.Second,
	})
	a.mu.Unlock()
	return []twiml.Element{twiml.VoiceSay{Message: thanksText}, twiml.VoiceHangup{}}
}

// agent connects an agent to the caller at the front of the queue; the
// caller hears /whisper first.
func (a *App) agent(r *http.Request) []twiml.Element {
	queue := r.URL.Query().Get("queue")
	if queue != Sales && queue != Support {
		return []twiml.Element{twiml.VoiceSay{Message: unknownQueue}, twiml.VoiceHangup{}}
	}
	return []twiml.Element{twiml.VoiceDial{
		Action:        withQueue("/agent-done", queue),
		Timeout:       agentWaitLimit,
		InnerElements: []twiml.Element{twiml.VoiceQueue{Name: queue, Url: "/whisper"}},
	}}
}

// whisper is what the caller taken from the queue hears before the agent.
func (a *App) whisper(*http.Request) []twiml.Element {
	return []twiml.Element{twiml.VoiceSay{Message: whisperText}}
}

// agentDone notes what the agent's Dial did, and tells an agent who found
// nobody waiting.
func (a *App) agentDone(r *http.Request) []twiml.Element {
	f := r.PostForm
	waited, _ := strconv.Atoi(f.Get("DequeuedCallQueueTime"))
	talked, _ := strconv.Atoi(f.Get("DialCallDuration"))
	ac := AgentCall{CallSID: f.Get("CallSid"), Queue: r.URL.Query().Get("queue"), Status: f.Get("DialCallStatus"),
		Caller: f.Get("DequeuedCallSid"), CallerWaited: time.Duration(waited) * time.Second, Talked: time.Duration(talked) * time.Second}
	a.mu.Lock()
	a.agents = append(a.agents, ac)
	a.mu.Unlock()
	a.log.Printf("callcentre: agent call %s on queue %s: %s, caller %q", ac.CallSID, ac.Queue, ac.Status, ac.Caller)
	if ac.Caller == "" {
		return []twiml.Element{twiml.VoiceSay{Message: nobodyText}, twiml.VoiceHangup{}}
	}
	return []twiml.Element{twiml.VoiceHangup{}}
}
