package streambot

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	api "github.com/twilio/twilio-go/rest/api/v2010"
)

// The stream's WebSocket: Twilio dials /media; the bot accepts the upgrade
// if it is signed, then holds the conversation, one goroutine a call,
// answering each message before it reads the next.

// message is a message of Twilio's, with the fields the bot reads.
type message struct {
	Event     string `json:"event"`
	StreamSid string `json:"streamSid"`
	Start     *struct {
		CallSid          string            `json:"callSid"`
		CustomParameters map[string]string `json:"customParameters"`
	} `json:"start"`
	Media *struct {
		Payload string `json:"payload"`
	} `json:"media"`
	Mark *struct {
		Name string `json:"name"`
	} `json:"mark"`
	DTMF *struct {
		Digit string `json:"digit"`
	} `json:"dtmf"`
}

// Messages the bot sends.
type (
	outMedia struct {
		Event     string `json:"event"` // media
		StreamSid string `json:"streamSid"`
		Media     struct {
			Payload string `json:"payload"`
		} `json:"media"`
	}
	outMark struct {
		Event     string `json:"event"` // mark
		StreamSid string `json:"streamSid"`
		Mark      struct {
			Name string `json:"name"`
		} `json:"mark"`
	}
	outClear struct {
		Event     string `json:"event"` // clear
		StreamSid string `json:"streamSid"`
	}
)

// media serves the stream's WebSocket. Twilio signs the upgrade like a
// webhook with no parameters, for the stream's URL as the TwiML writes it.
func (a *App) media(w http.ResponseWriter, r *http.Request) {
	if !a.validator.Validate(a.streamURL, map[string]string{}, r.Header.Get("X-Twilio-Signature")) {
		http.Error(w, "invalid signature", http.StatusForbidden)
		return
	}
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		log.Printf("streambot: accept: %v", err)
		return
	}
	defer conn.CloseNow()
	s := &session{app: a, conn: conn, patience: samples(a.cfg.Patience)}
	s.run(r.Context())
}

// session is the bot's side of one stream.
type session struct {
	app      *App
	conn     *websocket.Conn
	callSID  string
	sid      string // the streamSid
	ears     detector
	playing  string // the mark of the audio playing: it plays until the mark comes back
	greeted  bool   // the greeting's mark has come back
	answered bool   // the bot has answered
	waited   int    // samples of the caller's silence since the greeting
	patience int    // samples of silence the bot waits
	done     bool   // the bot hung up or gave up
	gaveUp   bool   // the caller said nothing: the bot closes the stream
}

// samples is how many samples of audio d is.
func samples(d time.Duration) int { return int(d * sampleRate / time.Second) }

// run holds the conversation until the stream stops or the bot ends it.
func (s *session) run(ctx context.Context) {
	for {
		var m message
		if err := wsjson.Read(ctx, s.conn, &m); err != nil {
			s.ended(fmt.Sprintf("the stream closed without a stop message: %v", err))
			return
		}
		var err error
		switch m.Event {
		case "start":
			err = s.begin(ctx, m)
		case "media":
			err = s.hear(ctx, m)
		case "dtmf":
			if m.DTMF != nil {
				err = s.answer(ctx, "key "+m.DTMF.Digit)
			}
		case "mark":
			if m.Mark != nil {
				s.markPlayed(m.Mark.Name)
			}
		case "stop":
			s.ended("")
			return
		}
		if err != nil {
			s.ended(err.Error())
			return
		}
		if s.gaveUp { // Twilio goes on with the Connect's action
			s.conn.Close(websocket.StatusNormalClosure, "")
			return
		}
	}
}

// begin starts the conversation: the bot notes who calls and greets.
func (s *session) begin(ctx context.Context, m message) error {
	if m.Start == nil {
		return errors.New("a start message without start")
	}
	s.callSID, s.sid = m.Start.CallSid, m.StreamSid
	s.app.update(s.callSID, func(c *Conversation) {
		c.StreamSID, c.Caller = s.sid, m.Start.CustomParameters["caller"]
	})
	return s.play(ctx, Greeting, MarkGreeting)
}

// hear takes a media message: the caller's audio, 20 ms of the call.
func (s *session) hear(ctx context.Context, m message) error {
	if m.Media == nil {
		return nil
	}
	frame, err := base64.StdEncoding.DecodeString(m.Media.Payload)
	if err != nil {
		return fmt.Errorf("a media payload that is not base64: %v", err)
	}
	switch s.ears.feed(frame) {
	case startsSpeaking:
		s.waited = 0
		if s.playing != "" {
			return s.bargeIn(ctx)
		}
	case stopsSpeaking:
		return s.answer(ctx, "speech")
	default:
		if s.greeted && !s.answered && s.playing == "" && !s.ears.speaking {
			s.waited += len(frame)
			if s.waited >= s.patience {
				s.giveUp()
			}
		}
	}
	return nil
}

// bargeIn stops the bot's audio: the caller speaks over it.
func (s *session) bargeIn(ctx context.Context) error {
	s.app.update(s.callSID, func(c *Conversation) { c.BargeIns++ })
	return wsjson.Write(ctx, s.conn, outClear{Event: "clear", StreamSid: s.sid})
}

// answer answers what the bot heard ("speech", "key 1"), once.
func (s *session) answer(ctx context.Context, heard string) error {
	if s.answered || s.done {
		return nil
	}
	s.answered = true
	s.app.update(s.callSID, func(c *Conversation) { c.Heard = heard })
	if s.playing != "" { // a key pressed during the greeting cuts it short
		if err := s.bargeIn(ctx); err != nil {
			return err
		}
	}
	p := HeardYou
	if heard == "key 1" {
		p = Hours
	}
	return s.play(ctx, p, MarkAnswer)
}

// play sends a prompt's audio in 20 ms media messages, as a text-to-speech
// stream would arrive, then a mark: Twilio sends the mark back once the
// caller has heard all of it (or the audio was cleared).
func (s *session) play(ctx context.Context, p Prompt, mark string) error {
	audio := tone(p.freq, p.Length)
	for len(audio) > 0 {
		n := min(len(audio), frameSamples)
		m := outMedia{Event: "media", StreamSid: s.sid}
		m.Media.Payload = base64.StdEncoding.EncodeToString(audio[:n])
		if err := wsjson.Write(ctx, s.conn, m); err != nil {
			return err
		}
		audio = audio[n:]
	}
	mk := outMark{Event: "mark", StreamSid: s.sid}
	mk.Mark.Name = mark
	if err := wsjson.Write(ctx, s.conn, mk); err != nil {
		return err
	}
	s.playing = mark
	s.app.update(s.callSID, func(c *Conversation) { c.Prompts = append(c.Prompts, p.Name) })
	return nil
}

// markPlayed takes a mark Twilio sent back.
func (s *session) markPlayed(name string) {
	if name == s.playing {
		s.playing = ""
	}
	switch name {
	case MarkGreeting:
		s.greeted = true
	case MarkAnswer:
		s.hangUp()
	}
}

// hangUp ends the call through the REST API: the caller has heard the
// answer. Twilio then stops the stream.
func (s *session) hangUp() {
	if s.done {
		return
	}
	s.done = true
	_, err := s.app.tw.UpdateCall(s.callSID, new(api.UpdateCallParams).SetStatus("completed"))
	s.app.update(s.callSID, func(c *Conversation) {
		c.Outcome = Answered
		if err != nil {
			c.Errors = append(c.Errors, "hang up: "+err.Error())
		}
	})
	if err != nil {
		log.Printf("streambot: %s: hang up: %v", s.callSID, err)
	}
}

// giveUp ends a conversation in which the caller said nothing: run closes
// the WebSocket, and Twilio requests the Connect's action.
func (s *session) giveUp() {
	s.done, s.gaveUp = true, true
	s.app.update(s.callSID, func(c *Conversation) { c.Outcome = TimedOut })
}

// ended notes the stream's end; problem says what went wrong, if
// anything did.
func (s *session) ended(problem string) {
	if s.callSID == "" {
		log.Printf("streambot: a stream ended before it started: %s", problem)
		return
	}
	s.app.update(s.callSID, func(c *Conversation) {
		if c.Outcome == "" {
			c.Outcome = HungUp
		}
		if problem != "" {
			c.Errors = append(c.Errors, problem)
		}
	})
}
