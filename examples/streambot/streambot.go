// Package streambot is the answering bot of Acme, a fictional company: a
// small voice bot on Twilio Media Streams, written as a real application
// would be, with twilio-go (its twiml package for TwiML, its REST client to
// hang up) and github.com/coder/websocket, and the subject of the Ginkgo
// suite next to it, which tests it against the harness's fake Twilio.
//
// A call to the bot fetches /voice, which connects it to a bidirectional
// media stream, the caller's number passed as the custom parameter
// "caller":
//
//	<Connect action="https://bot.example.com/goodbye">
//	  <Stream url="wss://bot.example.com/media"><Parameter name="caller" value="+14155550123"/></Stream>
//	</Connect>
//
// On the WebSocket (Twilio is its client), the bot:
//
//   - greets the caller: 1.5 s of audio in 20 ms media messages, then the
//     mark "greeting";
//   - listens: speech (a few loud 20 ms frames of the caller's audio,
//     decoded from μ-law) that has ended, or a key (a dtmf message);
//   - answers: the opening hours for the key 1, "I heard you, someone will
//     call you back" for speech or any other key; then the mark "answer";
//   - stops talking when the caller speaks over it (barge-in): it sends
//     clear, and Twilio drops the audio not yet played;
//   - hangs up through the REST API (the Calls resource, Status=completed)
//     once the mark "answer" comes back, that is once the caller has heard
//     the answer;
//   - gives up when the caller says nothing for [Config.Patience] after
//     the greeting: it closes the WebSocket, and Twilio requests the
//     Connect's action, /goodbye, whose TwiML says goodbye and hangs up.
//
// So a conversation ends in one of two ways on purpose, to show both: the
// REST API when the bot is done, the Connect's action when it gives up.
//
// Time. The bot counts time in the caller's audio (each media message of
// Twilio's is 20 ms of the call), never on a wall clock: its timeout then
// means the same under Twilio, where the stream runs in real time, and
// under the harness, where a minute of call may take a few milliseconds.
//
// Security. Every request from Twilio is checked with twilio-go's
// RequestValidator: a webhook against its URL under [Config.BaseURL] and
// its POST parameters; the WebSocket upgrade against the stream's URL as
// the TwiML writes it (wss://…/media) with no parameters. A request whose
// X-Twilio-Signature does not check out gets 403 (Twilio then logs 31920
// for the stream).
//
// The bot keeps, for every call, what it heard and did ([App.Conversation]),
// which is what the tests check.
package streambot

import (
	"log"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twilio/twilio-go/twiml"
)

// GoodbyeText is what the caller hears when the bot gives up.
const GoodbyeText = "Thank you for calling Acme. Goodbye."

// DefaultPatience is how long the bot waits for the caller after its
// greeting when Config.Patience does not say.
const DefaultPatience = 5 * time.Second

// Config is what the bot needs to know.
type Config struct {
	// AuthToken is the auth token of the Twilio account; it checks the
	// signature of every request from Twilio.
	AuthToken string
	// BaseURL is where Twilio reaches the bot ("https://bot.example.com",
	// no trailing slash): the webhooks' URLs are made from it, and the
	// stream's is the same with the scheme wss (ws for http).
	BaseURL string
	// Patience is how long, in the call's audio, the bot waits after its
	// greeting for the caller to speak or press a key before it gives up;
	// DefaultPatience when zero.
	Patience time.Duration
}

// Prompt is something the bot says: its name and its audio's length.
type Prompt struct {
	Name   string
	Length time.Duration
	freq   float64 // the tone that stands for it
}

// The bot's prompts.
var (
	// Greeting: "Hello, you are through to Acme. How can I help?"
	Greeting = Prompt{Name: "greeting", Length: 1500 * time.Millisecond, freq: 440}
	// HeardYou: "Thank you, someone will call you back."
	HeardYou = Prompt{Name: "heard-you", Length: time.Second, freq: 660}
	// Hours: "We are open from nine to five, Monday to Friday."
	Hours = Prompt{Name: "hours", Length: 2 * time.Second, freq: 880}
)

// The marks the bot sends after its audio.
const (
	MarkGreeting = "greeting"
	MarkAnswer   = "answer"
)

// Outcome is how a conversation ended.
type Outcome string

// The outcomes of a conversation.
const (
	// Answered: the bot answered and hung up through the REST API.
	Answered Outcome = "answered"
	// TimedOut: the caller said nothing; the bot closed the stream.
	TimedOut Outcome = "timed-out"
	// HungUp: the stream stopped before the bot was done (the caller hung
	// up, or Twilio ended the stream).
	HungUp Outcome = "hung-up"
)

// Conversation is what the bot heard and did on one call.
type Conversation struct {
	CallSID   string `json:"call_sid"`
	StreamSID string `json:"stream_sid"`
	// Caller is the custom parameter "caller": the caller's number.
	Caller string `json:"caller"`
	// Prompts are the names of the prompts the bot sent, in order.
	Prompts []string `json:"prompts"`
	// Heard is what the bot answered: "speech", or "key 1" for a key; empty
	// when it heard nothing.
	Heard string `json:"heard,omitempty"`
	// BargeIns is how many times the bot cleared its audio because the
	// caller spoke or pressed a key over it.
	BargeIns int `json:"barge_ins"`
	// Outcome is how it ended; empty while the stream runs.
	Outcome Outcome `json:"outcome,omitempty"`
	// Errors are the Twilio API errors and stream problems met.
	Errors []string `json:"errors,omitempty"`
}

// App is the bot: an http.Handler for Twilio's webhooks and the stream's
// WebSocket. It is safe for concurrent use.
type App struct {
	cfg       Config
	tw        *api.ApiService
	validator client.RequestValidator
	streamURL string
	mux       *http.ServeMux

	mu    sync.Mutex // guards calls
	calls map[string]*Conversation
}

// New returns the bot, which hangs up calls through tw, twilio-go's
// 2010-04-01 API (a twilio.RestClient's Api, or twilioclient/voice's API in tests).
// Its handler serves Twilio's requests:
//
//	POST /voice    a call comes in: connect it to the stream
//	GET  /media    the stream's WebSocket (Twilio's upgrade request)
//	POST /goodbye  the Connect's action, after the stream: goodbye
func New(cfg Config, tw *api.ApiService) *App {
	if cfg.Patience == 0 {
		cfg.Patience = DefaultPatience
	}
	a := &App{cfg: cfg, tw: tw, validator: client.NewRequestValidator(cfg.AuthToken),
		streamURL: wsURL(cfg.BaseURL) + "/media", mux: http.NewServeMux(), calls: map[string]*Conversation{}}
	a.mux.Handle("POST /voice", a.signed(twimlFunc(a.voice)))
	a.mux.Handle("POST /goodbye", a.signed(twimlFunc(goodbye)))
	a.mux.HandleFunc("GET /media", a.media)
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

// StreamURL is the URL of the bot's WebSocket, as its TwiML gives it to
// Twilio and as Twilio signs the upgrade.
func (a *App) StreamURL() string { return a.streamURL }

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
		log.Printf("streambot: %s: %v", r.URL.Path, err)
		http.Error(w, "cannot write TwiML", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Write([]byte(doc))
}

// voice connects a call to the bot's stream; when the stream ends by the
// bot closing it, the Connect's action says goodbye.
func (a *App) voice(r *http.Request) []twiml.Element {
	return []twiml.Element{twiml.VoiceConnect{
		Action: a.cfg.BaseURL + "/goodbye",
		Method: http.MethodPost,
		InnerElements: []twiml.Element{twiml.VoiceStream{
			Url:           a.streamURL,
			InnerElements: []twiml.Element{twiml.VoiceParameter{Name: "caller", Value: r.PostForm.Get("From")}},
		}},
	}}
}

// goodbye is the Connect's action: goodbye, and hang up.
func goodbye(*http.Request) []twiml.Element {
	return []twiml.Element{twiml.VoiceSay{Message: GoodbyeText}, twiml.VoiceHangup{}}
}

// Conversation returns a copy of what the bot heard and did on the call
// callSID, and whether it had a stream with it.
func (a *App) Conversation(callSID string) (Conversation, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.calls[callSID]
	if !ok {
		return Conversation{}, false
	}
	return c.copy(), true
}

// Conversations returns a copy of every conversation, in no particular
// order.
func (a *App) Conversations() []Conversation {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Conversation, 0, len(a.calls))
	for _, c := range a.calls {
		out = append(out, c.copy())
	}
	return out
}

// copy returns c with slices of its own. Call with a.mu held.
func (c *Conversation) copy() Conversation {
	out := *c
	out.Prompts = slices.Clone(c.Prompts)
	out.Errors = slices.Clone(c.Errors)
	return out
}

// update changes the conversation of callSID under the app's lock,
// starting it if need be.
func (a *App) update(callSID string, fn func(*Conversation)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.calls[callSID]
	if c == nil {
		c = &Conversation{CallSID: callSID}
		a.calls[callSID] = c
	}
	fn(c)
}
