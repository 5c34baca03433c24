package bookingagent

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"strings"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// The relay's WebSocket: Twilio dials /relay; the agent accepts the
// upgrade if it is signed, then holds the conversation, one goroutine a
// call, answering each message before it reads the next.

// message is a message of Twilio's, with the fields the agent reads.
type message struct {
	Type string `json:"type"`
	// setup
	SessionID        string            `json:"sessionId"`
	CallSid          string            `json:"callSid"`
	CustomParameters map[string]string `json:"customParameters"`
	// prompt
	VoicePrompt string `json:"voicePrompt"`
	Lang        string `json:"lang"`
	Last        bool   `json:"last"`
	// dtmf
	Digit string `json:"digit"`
	// interrupt
	UtteranceUntilInterrupt  string `json:"utteranceUntilInterrupt"`
	DurationUntilInterruptMs int64  `json:"durationUntilInterruptMs"`
	// error
	Description string `json:"description"`
}

// Messages the agent sends.
type (
	textMessage struct {
		Type  string `json:"type"` // text
		Token string `json:"token"`
		Last  bool   `json:"last"`
	}
	languageMessage struct {
		Type                  string `json:"type"` // language
		TTSLanguage           string `json:"ttsLanguage"`
		TranscriptionLanguage string `json:"transcriptionLanguage"`
	}
	endMessage struct {
		Type        string `json:"type"` // end
		HandoffData string `json:"handoffData"`
	}
)

// relay serves the ConversationRelay WebSocket. Twilio signs the upgrade
// like a webhook with no parameters, for the relay's URL as the TwiML
// writes it.
func (a *App) relay(w http.ResponseWriter, r *http.Request) {
	if !a.validator.Validate(a.relayURL, map[string]string{}, r.Header.Get("X-Twilio-Signature")) {
		http.Error(w, "invalid signature", http.StatusForbidden)
		return
	}
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		log.Printf("bookingagent: accept: %v", err)
		return
	}
	defer conn.CloseNow()
	s := &session{app: a, conn: conn}
	s.run(r.Context())
}

// session is the agent's side of one ConversationRelay session.
type session struct {
	app     *App
	conn    *websocket.Conn
	callSID string
	ended   bool // the agent sent end: Twilio closes the socket
}

// run holds the conversation until Twilio closes the socket.
func (s *session) run(ctx context.Context) {
	for {
		var m message
		if err := wsjson.Read(ctx, s.conn, &m); err != nil {
			var ce websocket.CloseError
			if s.callSID != "" && !s.ended && !errors.As(err, &ce) {
				s.app.update(s.callSID, func(c *Conversation) { c.Errors = append(c.Errors, "read: "+err.Error()) })
			}
			return
		}
		if err := s.handle(ctx, m); err != nil {
			log.Printf("bookingagent: %s: %v", s.callSID, err)
			return
		}
	}
}

// handle takes one of Twilio's messages.
func (s *session) handle(ctx context.Context, m message) error {
	switch m.Type {
	case "setup":
		s.callSID = m.CallSid
		s.app.update(s.callSID, func(c *Conversation) {
			c.SessionID, c.Caller = m.SessionID, m.CustomParameters["caller"]
			c.History = append(c.History, Line{Role: RoleAgent, Text: Greeting, Lang: c.Lang})
		})
	case "prompt":
		if !m.Last || s.ended { // a partial transcript: wait for the whole
			return nil
		}
		s.app.update(s.callSID, func(c *Conversation) {
			c.History = append(c.History, Line{Role: RoleCaller, Text: m.VoicePrompt, Lang: m.Lang})
		})
		return s.answer(ctx, Input{Speech: m.VoicePrompt, Lang: m.Lang})
	case "dtmf":
		if s.ended {
			return nil
		}
		s.app.update(s.callSID, func(c *Conversation) {
			c.History = append(c.History, Line{Role: RoleCaller, Digit: m.Digit})
		})
		return s.answer(ctx, Input{Digit: m.Digit})
	case "interrupt":
		s.app.update(s.callSID, func(c *Conversation) { c.interrupted(m.UtteranceUntilInterrupt) })
	case "error":
		s.app.update(s.callSID, func(c *Conversation) { c.Errors = append(c.Errors, "twilio: "+m.Description) })
	}
	return nil
}

// interrupted cuts the agent's last line to what the caller heard of it:
// the rest was never said.
func (c *Conversation) interrupted(heard string) {
	c.Interruptions++
	for i := len(c.History) - 1; i >= 0; i-- {
		l := &c.History[i]
		if l.Role != RoleAgent {
			continue
		}
		if !l.Interrupted {
			l.Said = l.Text
		}
		l.Text, l.Interrupted = heard, true
		return
	}
}

// answer asks the model for the agent's reply to in, and carries it out.
func (s *session) answer(ctx context.Context, in Input) error {
	conv := s.app.read(s.callSID)
	rep, err := s.app.cfg.Model.Reply(ctx, conv, in)
	if err == nil && rep.Text == "" {
		err = errors.New("it replied nothing")
	}
	if err != nil { // a person does better than silence
		rep = Reply{Text: phrasesFor(conv.Lang).handoff, Handoff: "the model failed: " + err.Error()}
	}
	lang := conv.Lang
	if rep.Lang != "" && rep.Lang != lang {
		lang = rep.Lang
		if err := wsjson.Write(ctx, s.conn, languageMessage{Type: "language", TTSLanguage: lang, TranscriptionLanguage: lang}); err != nil {
			return err
		}
	}
	if rep.Book != "" || rep.Handoff != "" {
		return s.end(ctx, rep, lang)
	}
	s.app.update(s.callSID, func(c *Conversation) {
		c.Lang = lang
		c.History = append(c.History, Line{Role: RoleAgent, Text: rep.Text, Lang: lang})
		c.Day = rep.Propose // a reply that proposes nothing leaves nothing to confirm
		c.KeypadOffered = c.KeypadOffered || rep.OfferKeypad
	})
	return s.speak(ctx, rep.Text)
}

// speak streams text to Twilio a word at a time, as a language model's
// tokens would come, the last with last set.
func (s *session) speak(ctx context.Context, text string) error {
	toks := tokens(text)
	for i, t := range toks {
		if err := wsjson.Write(ctx, s.conn, textMessage{Type: "text", Token: t, Last: i == len(toks)-1}); err != nil {
			return err
		}
	}
	return nil
}

// tokens splits text into words, each with the space that follows it.
func tokens(text string) []string {
	var out []string
	for text != "" {
		i := strings.IndexByte(text, ' ')
		if i < 0 {
			return append(out, text)
		}
		out = append(out, text[:i+1])
		text = text[i+1:]
	}
	return out
}

// end ends the session: the handoff data says why and what the caller is
// to hear next (the Connect's action says it: speech still queued when
// the session ends is not played).
func (s *session) end(ctx context.Context, rep Reply, lang string) error {
	h := Handoff{Reason: ReasonPerson, Why: rep.Handoff, Lang: lang, Say: rep.Text}
	if rep.Book != "" {
		h = Handoff{Reason: ReasonBooked, Day: rep.Book, Lang: lang, Say: rep.Text}
	}
	data, err := json.Marshal(h)
	if err != nil {
		return err
	}
	s.ended = true
	s.app.update(s.callSID, func(c *Conversation) {
		c.Lang, c.Day, c.Handoff = lang, "", &h
	})
	return wsjson.Write(ctx, s.conn, endMessage{Type: "end", HandoffData: string(data)})
}
