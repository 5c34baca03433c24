package harness

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/twiml"
)

// A ConversationRelay session: <Connect><ConversationRelay> connects the
// call to an AI agent over a WebSocket, Twilio being the client, in JSON
// text (relay_wire.go). Twilio recognizes the caller's speech and speaks
// the agent's text; the harness stands for both, on the virtual clock.
//
// Time. Every message Twilio sends is an exchange in flight, like a
// webhook (outbox.exchangeLocked): it is written, the application pinged,
// and what it sent before its pong applied at the message's virtual
// instant. After a final prompt the exchange also waits, up to the relay
// patience of real time ([WithRelayPatience]), for the application's
// answer: a talk cycle's end (text with last), a play, digits or the end of
// the session. The agent then "speaks" on the virtual clock, for as long
// as the harness's <Say> does (relay_talk.go), and the far end's script
// takes its turns around that speech (relay_farend.go). What the
// application sends outside an exchange, from a goroutine of its own, is
// applied when it arrives, at the virtual instant of then, as a REST
// request is.

// relayVerbName is the name the far end's steps know a session by.
const relayVerbName = "ConversationRelay"

// Limits of a session.
const (
	// maxMalformed is how many invalid messages in a row Twilio takes
	// before it closes the socket (1007) and fails the session (64105).
	maxMalformed = 10
	// DefaultRelayPatience is how long, in real time, a session waits
	// for the application to answer a prompt (see [WithRelayPatience]).
	DefaultRelayPatience = 10 * time.Second
)

// WithRelayPatience sets how long, in real time, a ConversationRelay
// session waits for the application to answer the caller's final prompt
// (default [DefaultRelayPatience]): text with last set, a play, digits or
// end. Past it the harness logs [CodeRelayNoAnswer] and the caller takes
// its next turn; an answer that comes later is applied when it comes (zero
// waits for nothing but the ping: only what the application sent before
// its pong counts as the answer). The
// WebSocket's upgrade, and each message's ping, wait as long as
// [WithStreamPatience] says.
func WithRelayPatience(d time.Duration) Option {
	return option(func(c *config) { c.relayPatience = d })
}

// Session statuses, as the Connect action's SessionStatus says.
const (
	SessionEnded     = "ended"     // the application sent end
	SessionCompleted = "completed" // the call ended
	SessionFailed    = "failed"    // the socket could not be opened or broke

	// sessionRedirected is the status of a session a REST redirect ended:
	// Twilio requests no action, so has no SessionStatus for it.
	sessionRedirected = "redirected"
)

// relay is one ConversationRelay session. Its methods run with srv.mu
// held, unless they say otherwise.
type relay struct {
	// Set when made; read without a lock.
	call          *Call
	sid           string // VX…
	url           string
	cfg           relayConfig
	params        []twiml.Parameter
	verb          *relayVerb
	callStatus    string // setup's callStatus
	forwardedFrom string
	callerName    string
	created       time.Time

	state     streamState
	sock      *socket
	opened    time.Time
	ended     time.Time
	status    string // SessionStatus, once ended
	errCode   int
	errMsg    string
	handoff   *string
	tts, stt  string   // the active languages
	out       [][]byte // Twilio's messages waiting for the next exchange
	answer    bool     // the next exchange waits for the application's answer
	flushing  bool     // an exchange of this instant is scheduled
	inTurn    bool     // an exchange is in flight: the socket is its own until it is applied
	closing   *relayClose
	malformed int // invalid messages in a row
	talk      talker
	caller    callerTurns
	timers    []*clock.Timer
	log       []RelayMessage
	turns     []ConversationTurn
	logCut    bool
	kick      chan struct{} // the application sent something: the applier looks

	endAfterSpeech bool // the application sent end: the session ends once the agent is silent (Fidelity.RelayEndAfterSpeech)
}

// relayClose is how a session's socket is to be closed.
type relayClose struct {
	code   websocket.StatusCode
	reason string
}

// RelayMessage is one entry of a ConversationRelay session's record: a
// message Twilio sent or the application sent.
type RelayMessage struct {
	// Time is when it was sent (virtual); an application's message, when
	// the harness applied it.
	Time time.Time `json:"time"`
	// FromApp is true for what the application sent.
	FromApp bool `json:"from_app"`
	// Type is the message's type: setup, prompt, dtmf, interrupt, error,
	// info (Twilio's); text, play, sendDigits, language, end (the
	// application's); empty for an application's message that is not one.
	Type string `json:"type"`
	// Text is the message as sent, cut at 1 kB for the application's.
	Text string `json:"text"`
	// Problem says why the harness dropped an application's message (as
	// its 64107 notification says).
	Problem string `json:"problem,omitempty"`
}

// relayVerb is a <Connect><ConversationRelay> holding the call until the
// session ends. Its methods run with srv.mu held.
type relayVerb struct {
	c *Call
	v *twiml.Connect
	r *relay
}

// relayLocked runs <Connect><ConversationRelay>: it opens a session, which
// holds the call until it ends.
func (c *Call) relayLocked(v *twiml.Connect, n *twiml.ConversationRelay) bool {
	s := c.srv
	vb := &relayVerb{c: c, v: v}
	cfg := c.readRelayConfigLocked(n)
	r := &relay{call: c, sid: s.ids.SID("VX"), cfg: cfg, params: dedupeParams(n.Parameters), verb: vb,
		created: s.clock.Now(), tts: cfg.ttsLanguage, stt: cfg.sttLanguage, kick: make(chan struct{}, 1)}
	r.callStatus = strings.ToUpper(strings.ReplaceAll(string(c.line.status), "-", "_"))
	if c.direction == DirectionInbound && len(c.relays) == 0 && c.line.answered.Equal(s.clock.Now()) {
		r.callStatus = "RINGING" // the Connect answers the call: Twilio's setup says so
	}
	r.forwardedFrom = c.standardParamLocked("ForwardedFrom")
	r.callerName = c.standardParamLocked("CallerName")
	vb.r = r
	c.relays = append(c.relays, r)
	c.program.active = vb
	u, why := r.urlLocked(n.URL)
	r.url = u
	c.recordLocked(callEvent{kind: EventRelay, action: ActionDialing, url: u, more: &eventMore{sid: r.sid}})
	if why != "" {
		r.failLocked(codeRelayConnect, why)
		return true
	}
	r.openLocked()
	return true
}

// urlLocked returns the session's URL resolved against the document's, or
// why Twilio could not connect to it.
func (r *relay) urlLocked(ref string) (string, string) {
	c := r.call
	if ref == "" {
		return "", "Unable to Connect to Websocket URL: <ConversationRelay> has no url"
	}
	u := ref
	if pu, err := url.Parse(ref); err != nil || !pu.IsAbs() { // relative, against the document's URL
		if u, err = c.resolveLocked(ref); err != nil {
			return ref, "Unable to Connect to Websocket URL: " + err.Error()
		}
	} else if s := strings.ToLower(pu.Scheme); s != "wss" && s != "ws" {
		return ref, fmt.Sprintf("Unable to Connect to Websocket URL: %q: the url must begin with wss://", ref)
	}
	ws, uerr := streamURL(u)
	if uerr != nil {
		return u, fmt.Sprintf("Unable to Connect to Websocket URL: %q (want wss://host/path)", u)
	}
	return ws, ""
}

// openLocked dials the application, as an exchange in flight.
func (r *relay) openLocked() {
	r.call.dialSocketLocked(r.url, r.poke, func() bool { return r.state == streamStopped }, r.openedLocked)
}

// poke tells the session's applier that the application sent something.
// It runs on the socket's reader, without a lock.
func (r *relay) poke() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// openedLocked goes on once the dial is done: setup, the greeting and the
// far end's first turn; or the session fails.
func (r *relay) openedLocked(k *socket, err error) {
	c := r.call
	s := c.srv
	if err != nil {
		r.failLocked(codeRelayConnect, "Unable to Connect to Websocket URL: "+strings.TrimPrefix(err.(*streamDialError).msg, "Stream - WebSocket - "))
		return
	}
	r.sock, r.state, r.opened = k, streamOpen, s.clock.Now()
	s.wg.Add(1)
	go r.applier(k)
	c.recordLocked(callEvent{kind: EventRelay, action: ActionStarted, url: r.url, more: &eventMore{sid: r.sid}})
	if r.cfg.invalid != "" { // Twilio says why in an error message, and hangs up
		r.sendLocked(errorRelayMessage(r.cfg.invalid), "error")
		r.failLocked(codeRelayArgument, r.cfg.invalid)
		return
	}
	r.sendLocked(r.setupMessage(), "setup")
	if r.cfg.welcome != "" {
		r.talk.addGreetingLocked(r, r.cfg.welcome)
	} else {
		r.caller.turnLocked(r, "")
	}
}

// applier applies what the application sends outside an exchange, when it
// comes, until the socket closes. It runs on a goroutine of its own.
func (r *relay) applier(k *socket) {
	s := r.call.srv
	defer s.wg.Done()
	for {
		// The reader signals once more after it ended, so a message read
		// just before it is applied here before the applier stops: the
		// reader's closing is in the inbox once k.done is.
		ended := false
		select {
		case <-r.kick:
		case <-k.done:
			ended = true
		}
		s.mu.Lock()
		live := r.sock == k && r.state == streamOpen
		if live && !r.inTurn { // an exchange in flight applies the inbox itself
			s.tickLocked()
			r.applyInboxLocked(turnResult{}, nil)
			r.flushLocked()
			s.wakeLocked()
		}
		s.mu.Unlock()
		if ended || !live {
			return
		}
	}
}

// sendLocked queues a message of Twilio's for the next exchange, and
// records it.
func (r *relay) sendLocked(msg []byte, typ string) {
	r.out = append(r.out, msg)
	r.recordMessageLocked(RelayMessage{Type: typ, Text: string(msg)})
	r.flushLocked()
}

// awaitAnswerLocked makes the exchange that carries the messages queued
// now wait for the application's answer.
func (r *relay) awaitAnswerLocked() { r.answer = true }

// recordMessageLocked adds m to the session's record, stamped now, up to
// Limits.StreamMessages.
func (r *relay) recordMessageLocked(m RelayMessage) {
	m.Time = r.call.srv.clock.Now()
	keepLocked(r, &r.log, m)
}

// keepLocked appends v to a list of the session's record, unless the list
// holds Limits.StreamMessages already (then the record says it was cut).
func keepLocked[T any](r *relay, list *[]T, v T) {
	if len(*list) >= r.call.srv.cfg.callLimits.StreamMessages {
		r.logCut = true
		return
	}
	*list = append(*list, v)
}

// flushLocked starts an exchange with the queued messages, unless one is
// in flight (its end starts the next). The exchange is put in flight at
// the end of the current instant's work, so that the messages queued by
// one event go together.
func (r *relay) flushLocked() {
	if r.inTurn || r.flushing || len(r.out) == 0 || r.state != streamOpen {
		return
	}
	r.flushing = true
	// Deferred to a clock event of now, so that what else happens at this
	// instant (a prompt and the far end's next step) joins the exchange.
	// A session that ended meanwhile sent its last messages as it closed.
	r.call.afterUnlessEndedLocked(0, func() {
		r.flushing = false
		if r.state == streamOpen {
			r.exchangeLocked()
		}
	})
}

// exchangeLocked puts the queued messages in flight as one exchange:
// written, the application pinged, and, after a final prompt, its answer
// waited for; then what it sent is applied at this instant.
func (r *relay) exchangeLocked() {
	c := r.call
	s := c.srv
	k, patience, grace := r.sock, s.cfg.streamPatience, s.cfg.relayPatience
	msgs, wait := r.out, r.answer
	r.out, r.answer, r.inTurn = nil, false, true
	var res turnResult
	var answered bool
	var seen []decodedMessage // the messages the answer wait decoded
	s.out.exchangeLocked(c, func() {
		res = k.exchange(msgs, patience, true)
		if wait && res.err == nil && !res.stalled {
			answered = k.awaitInbox(answers(&seen), grace)
		}
	}, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		r.inTurn = false
		if r.closing != nil {
			r.closeSocketLocked()
			return
		}
		r.applyInboxLocked(res, seen)
		if wait && !answered && r.state == streamOpen && !r.talk.busy() { // tokens without last: the agent says them
			c.notifyLocked(CodeRelayNoAnswer, LevelWarning, fmt.Sprintf("ConversationRelay session %s: the application did not answer the caller's prompt within %v (harness.WithRelayPatience); the caller goes on", r.sid, grace), r.url, "")
			r.caller.noAnswerLocked(r)
		}
		r.flushLocked()
	})
}

// applyInboxLocked applies what the application sent, then what the
// exchange found (a broken or closed socket). seen is what the exchange's
// answer wait decoded of the inbox, in order (decoded once, not twice).
func (r *relay) applyInboxLocked(res turnResult, seen []decodedMessage) {
	if r.state != streamOpen {
		return
	}
	msgs, dropped, closed, byApp := r.sock.take()
	for i, m := range msgs {
		ev, err := decodedAt(seen, i, m)
		r.receiveLocked(m, ev, err)
		if r.state != streamOpen {
			return
		}
	}
	if dropped > 0 {
		r.call.notifyLocked(codeRelayBadMessage, LevelWarning, fmt.Sprintf("Invalid Message Received: the application sent more than the harness buffers (%d messages dropped)", dropped), r.url, "")
	}
	switch {
	case res.stalled:
		r.failLocked(codeRelayEnded, fmt.Sprintf("Websocket ended: the application read no more for %v (harness.WithStreamPatience)", r.call.srv.cfg.streamPatience))
	case closed != nil && byApp:
		r.failLocked(codeRelayEnded, "Websocket ended: the application closed the WebSocket without sending end")
	case closed != nil || res.err != nil:
		why := closed
		if why == nil {
			why = res.err
		}
		r.failLocked(codeRelayEnded, "Websocket ended: "+why.Error())
	}
}

// receiveLocked applies one message of the application's, decoded (ev,
// or what is wrong with it).
func (r *relay) receiveLocked(m appMessage, ev relayEvent, err error) {
	c := r.call
	rec := RelayMessage{FromApp: true, Text: clip(string(m.data), 1024)}
	rec.Type = ev.Type
	if err != nil {
		rec.Problem = err.Error()
		r.recordMessageLocked(rec)
		r.malformed++
		c.notifyLocked(codeRelayBadMessage, LevelWarning, "Invalid Message Received: "+err.Error(), r.url, "")
		r.sendLocked(errorRelayMessage(fmt.Sprintf("Invalid message received, code: %d, %s", codeRelayBadMessage, clip(string(m.data), 512))), "error")
		if r.malformed >= maxMalformed {
			r.closing = &relayClose{websocket.StatusInvalidFramePayloadData, "Too many consecutive malformed messages"}
			r.failLocked(codeRelayEnded, fmt.Sprintf("Websocket ended: %d malformed messages in a row", maxMalformed))
		}
		return
	}
	r.malformed = 0
	r.recordMessageLocked(rec)
	switch ev.Type {
	case relayText:
		r.talk.addTextLocked(r, ev)
	case relayPlay:
		r.talk.addPlayLocked(r, ev)
	case relaySendDigits:
		r.talk.addDigitsLocked(r, ev)
	case relayLanguage:
		r.switchLanguageLocked(ev)
	case relayEnd:
		r.handoff = ev.handoff
		if c.srv.cfg.fidelity.RelayEndAfterSpeech && r.talk.busy() {
			r.endAfterSpeech = true // the talker ends the session once silent
			return
		}
		r.endLocked(SessionEnded, "the application sent end")
	}
}

// switchLanguageLocked applies a language message.
func (r *relay) switchLanguageLocked(ev relayEvent) {
	var parts []string
	if ev.TTSLanguage != nil && *ev.TTSLanguage != "" {
		r.tts = *ev.TTSLanguage
		parts = append(parts, "speech "+r.tts)
	}
	if ev.TranscriptionLanguage != nil && *ev.TranscriptionLanguage != "" {
		r.stt = *ev.TranscriptionLanguage
		parts = append(parts, "recognition "+r.stt)
	}
	r.call.recordLocked(callEvent{kind: EventRelay, action: ActionLanguage, text: strings.Join(parts, ", "), more: &eventMore{sid: r.sid}})
}

// promptLang is the lang of a prompt: the active recognition language, or
// its primary subtag under automatic detection.
func (r *relay) promptLang(spoken string) string {
	if spoken != "" {
		return spoken
	}
	if r.stt == "multi" {
		return "en"
	}
	return r.stt
}

// failLocked ends a session that could not be opened or broke.
func (r *relay) failLocked(code int, msg string) {
	r.call.notifyLocked(code, LevelError, msg, r.url, "")
	r.errCode, r.errMsg = code, msg
	r.endLocked(SessionFailed, msg)
}

// endLocked ends the session with status: its speech and the far end's
// turns stop, the socket is closed, and the call goes on as the Connect
// says.
func (r *relay) endLocked(status, why string) {
	if r.state == streamStopped {
		return
	}
	c := r.call
	s := c.srv
	wasOpen := r.state == streamOpen
	r.state, r.status, r.ended = streamStopped, status, s.clock.Now()
	r.talk.stopLocked(r)
	r.cancelTimersLocked()
	action := ActionEnded
	if status == SessionFailed {
		action = ActionFailed
	}
	c.recordLocked(callEvent{kind: EventRelay, action: action, status: Status(status), text: why, code: r.errCode, url: r.url, more: &eventMore{sid: r.sid, handoff: r.handoff}})
	if wasOpen {
		if r.closing == nil {
			reason := ""
			if status == SessionCompleted {
				reason = "Closing websocket session"
			}
			r.closing = &relayClose{websocket.StatusNormalClosure, reason}
		}
		if !r.inTurn {
			r.closeSocketLocked()
		}
	}
	if v := r.verb; v != nil {
		r.verb = nil
		v.sessionEndedLocked()
	}
}

// closeSocketLocked writes Twilio's last messages (an error, say) and
// closes the session's socket, as an exchange in flight.
func (r *relay) closeSocketLocked() {
	cl, k, msgs, patience := r.closing, r.sock, r.out, r.call.srv.cfg.streamPatience
	if cl == nil || k == nil {
		return
	}
	r.closing, r.out = nil, nil
	r.call.srv.out.exchangeLocked(r.call, func() {
		k.exchange(msgs, patience, false)
		k.closeWith(cl.code, cl.reason)
	}, func() {})
}

// afterLocked runs fn after d while the session is open.
// The timers that ran are dropped from time to time: a session of hours
// schedules thousands (one that ran but waits, parked, for a reply of its
// call's still checks that the session is open).
func (r *relay) afterLocked(d time.Duration, fn func()) {
	if len(r.timers) >= 32 && len(r.timers) == cap(r.timers) {
		r.timers = slices.DeleteFunc(r.timers, func(t *clock.Timer) bool { return !t.Pending() })
	}
	r.timers = append(r.timers, r.call.afterUnlessEndedLocked(d, func() {
		if r.state == streamOpen {
			fn()
		}
	}))
}

// cancelTimersLocked cancels what the session has scheduled.
func (r *relay) cancelTimersLocked() {
	for _, t := range r.timers {
		r.call.srv.clock.Cancel(t)
	}
	r.timers = nil
}

// actionParamsLocked are the session's parameters of the Connect action.
func (r *relay) actionParamsLocked() signing.Params {
	p := signing.Params{
		{Name: "SessionId", Value: r.sid},
		{Name: "SessionStatus", Value: r.status},
		{Name: "SessionDuration", Value: fmt.Sprint(int64(r.duration() / time.Second))},
	}
	if r.handoff != nil {
		p = append(p, signing.Param{Name: "HandoffData", Value: *r.handoff})
	}
	if r.status == SessionFailed {
		p = append(p, signing.Param{Name: "ErrorCode", Value: fmt.Sprint(r.errCode)}, signing.Param{Name: "ErrorMessage", Value: r.errMsg})
	}
	return p
}

// duration is how long the session was open.
func (r *relay) duration() time.Duration {
	if r.opened.IsZero() {
		return 0
	}
	end := r.ended
	if end.IsZero() {
		end = r.call.srv.clock.Now()
	}
	return end.Sub(r.opened)
}

// sessionEndedLocked goes on after the session ended by itself (end, or a
// failure): the action with its result, whose TwiML runs; without one,
// the next verb after end, the end of the call after a failure.
func (vb *relayVerb) sessionEndedLocked() {
	c := vb.c
	if c.program.active != vb || c.line.status.Ended() {
		return
	}
	c.program.active = nil
	if vb.v.Action != "" {
		c.transferLocked(KindAction, vb.v.Action, vb.v.Method, vb.r.actionParamsLocked())
		return
	}
	if vb.r.status == SessionFailed && !c.srv.cfg.fidelity.RelayFailureGoesOn {
		c.hangUpLocked(StatusCompleted, "the ConversationRelay session failed and the <Connect> has no action")
		return
	}
	c.nextLocked()
}

// stopLocked: the call is redirected (the session ends; no action), or it
// ended otherwise (the Calls API completed it, its time limit): then as
// when the caller hangs up.
func (vb *relayVerb) stopLocked() {
	r := vb.r
	r.verb = nil
	if vb.c.line.status.Ended() {
		vb.c.srv.out.postLocked(vb.completedLocked())
		return
	}
	r.endLocked(sessionRedirected, "the call was redirected")
}

// hungUpLocked: the far end hung up; the session completes, and the
// action is requested with CallStatus=completed (its TwiML is not run).
func (vb *relayVerb) hungUpLocked() *webhook { return vb.completedLocked() }

// completedLocked ends the session because the call ended, and returns
// the action request, if the Connect has an action.
func (vb *relayVerb) completedLocked() *webhook {
	r := vb.r
	r.verb = nil
	r.endLocked(SessionCompleted, "the call ended")
	if vb.v.Action == "" {
		return nil
	}
	return vb.c.finalActionLocked(vb.v.Action, vb.v.Method, r.actionParamsLocked())
}

// stopRelaysLocked ends the call's sessions: it ended.
func (c *Call) stopRelaysLocked() {
	for _, r := range c.relays {
		r.endLocked(SessionCompleted, "the call ended")
	}
}

// abandonLocked drops the session at a reset: no record; its socket is
// closed on a goroutine of the server's.
func (r *relay) abandonLocked() {
	if r.state == streamStopped {
		return
	}
	s := r.call.srv
	r.state = streamStopped
	r.talk.stopLocked(r)
	r.cancelTimersLocked()
	if k := r.sock; k != nil {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			k.close()
		}()
	}
}
