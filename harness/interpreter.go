package harness

import (
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/twiml"
)

// Codes of the notifications the interpreter logs.
const (
	// CodeNotSimulated is the harness's own code (not Twilio's) for a verb
	// the harness cannot execute yet. The call ends after it.
	CodeNotSimulated = 99001
	// CodeRedirectLoop is the harness's own code for a call that loaded too
	// many documents at one virtual instant (see
	// [Fidelity.MaxDocumentsAtOnce]). The call ends after it.
	CodeRedirectLoop = 99002

	codeHTTPRetrieval   = 11200
	codeHTTPConnection  = 11205
	codeTooManyRedirect = 11215
	codeReplyTooLarge   = 11750
	codeEmptyReply      = 11770
	codeContentType     = 12300
	codeDialInDial      = 13201
)

// applicationError is what Twilio says before hanging up on a call whose
// application failed.
const applicationError = "We are sorry, an application error has occurred. Goodbye."

// activeVerb is a verb that holds the call for a while (a <Gather>, a
// <Record>, a <Dial>…). Its methods run with srv.mu held.
type activeVerb interface {
	// stop ends the verb without a result: the call is being redirected or
	// hung up.
	stop()
	// hungUp ends the verb because the far end hung up, and returns the
	// request Twilio still makes about it (Record's and Dial's action), or
	// nil. The call has ended when it is sent.
	hungUp() *webhook
}

// later runs fn after d, with srv.mu held, if the call is still running the
// same TwiML then (no redirect, no hang-up in between). Call with srv.mu
// held.
func (c *Call) later(d time.Duration, fn func()) *timer {
	epoch := c.epoch
	return c.srv.after(d, func() {
		c.srv.mu.Lock()
		defer c.srv.mu.Unlock()
		if c.epoch == epoch && !c.status.Ended() {
			fn()
		}
	})
}

// whileLive runs fn after d, with srv.mu held, if the call has not ended:
// for what belongs to the call rather than to its current document (the
// time limit, the far end hanging up). Call with srv.mu held.
func (c *Call) whileLive(d time.Duration, fn func()) *timer {
	return c.srv.after(d, func() {
		c.srv.mu.Lock()
		defer c.srv.mu.Unlock()
		if !c.status.Ended() {
			fn()
		}
	})
}

// post sends w now, as an event of the clock, for requests whose reply
// matters only when it fails (callbacks). Call with s.mu held; nil is
// ignored.
func (s *Server) post(w *webhook) {
	if w == nil {
		return
	}
	s.after(0, func() { s.request(w, func() { s.callbackFailed(w) }) })
}

// request makes w, then calls then once the reply is in: at once, or after
// an injected fault's delay of virtual time. Call without s.mu.
func (s *Server) request(w *webhook, then func()) {
	s.mu.Lock()
	s.logWebhook(w)
	f := s.faultFor(w)
	var delay time.Duration
	if f != nil {
		delay = w.applyFault(f)
		w.replyAt = s.clock.now.Add(delay)
	}
	s.mu.Unlock()
	if f == nil {
		s.send(w)
		then()
		return
	}
	if delay == 0 {
		then()
		return
	}
	s.mu.Lock()
	s.after(delay, then)
	s.mu.Unlock()
}

// runSource starts the call's TwiML: it runs the inline document, or fetches
// the URL and runs what it returns. Call with srv.mu held.
func (c *Call) runSource() {
	if c.src.url == "" {
		doc, err := c.srv.parse(c.src.twiml)
		if err != nil {
			c.notify(codeOf(err), LevelError, "inline Twiml: "+err.Error(), "", "")
			c.applicationError()
			return
		}
		c.start(doc, "")
		return
	}
	var extra params
	if c.answeredBy != "" && c.params != nil && !c.params.amd.async {
		extra = params{{"MachineDetectionDuration", strconv.FormatInt(c.amdDuration.Milliseconds(), 10)}}
	}
	c.load(KindVoice, c.src.method, c.src.url, extra)
}

// load requests a document and runs it when it arrives. The request is made
// by an event of the clock at the current instant, unless the call moves on
// first. Call with srv.mu held.
func (c *Call) load(kind RequestKind, method, target string, extra params) {
	epoch := c.epoch
	s := c.srv
	c.step = s.after(0, func() {
		s.mu.Lock()
		if c.epoch != epoch || c.status.Ended() {
			s.mu.Unlock()
			return
		}
		p := c.standardParams(c.status)
		for _, kv := range extra {
			p.add(kv.name, kv.value)
		}
		w := s.newWebhook(kind, c, method, target, p)
		s.mu.Unlock()
		s.request(w, func() { c.fetched(epoch, w) })
	})
}

// transfer hands control to the document at ref, resolved against the
// current document's URL: the action of a verb, or a <Redirect>. Call with
// srv.mu held.
func (c *Call) transfer(kind RequestKind, ref, method string, extra params) {
	target, err := c.resolve(ref)
	if err != nil {
		c.notify(twiml.CodeInvalidURL, LevelError, err.Error(), ref, method)
		c.applicationError()
		return
	}
	c.load(kind, method, target, extra)
}

// resolve returns ref as an absolute URL, resolved against the current
// document's URL. A document given inline (Twiml) has no URL: its URLs must
// be absolute.
func (c *Call) resolve(ref string) (string, error) {
	if ref == "" {
		ref = c.docURL
	}
	if ref == "" {
		return "", fmt.Errorf("%w: no URL to request: a document given with the Twiml parameter has no URL of its own, so its action URLs must be absolute", twiml.ErrBadURL)
	}
	u, err := twiml.Resolve(c.docURL, ref)
	if err != nil && c.docURL == "" {
		return "", fmt.Errorf("%w (a document given with the Twiml parameter has no URL to resolve it against)", err)
	}
	return u, err
}

// fetched handles the reply to a TwiML request: run the document, or go to
// the fallback, or end the call with Twilio's application error.
func (c *Call) fetched(epoch uint64, w *webhook) {
	s := c.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.epoch != epoch || c.status.Ended() {
		return
	}
	doc, code, msg := s.readTwiML(w)
	if code == 0 {
		c.start(doc, w.target)
		return
	}
	c.notify(code, LevelError, msg, w.url, w.method)
	fallback := w.kind == KindVoice || (s.cfg.fidelity.FallbackForActions && (w.kind == KindAction || w.kind == KindRedirect))
	if !fallback || c.src.fallbackURL == "" {
		c.applicationError()
		return
	}
	c.load(KindFallback, c.src.fallbackMethod, c.src.fallbackURL,
		params{{"ErrorCode", strconv.Itoa(code)}, {"ErrorUrl", w.target}})
}

// readTwiML checks a TwiML reply as Twilio does and parses it. It returns
// the document, or Twilio's error code and a message. Call with s.mu held.
func (s *Server) readTwiML(w *webhook) (*twiml.Document, int, string) {
	switch {
	case errors.Is(w.err, errTooManyRedirect):
		return nil, codeTooManyRedirect, "HTTP too many redirects"
	case w.err != nil:
		return nil, codeHTTPConnection, "HTTP connection failure: " + w.err.Error()
	case w.status >= 300:
		return nil, codeHTTPRetrieval, fmt.Sprintf("HTTP retrieval failure: the application answered %d", w.status)
	case len(w.reply) > maxReply:
		return nil, codeReplyTooLarge, "TwiML response body too large: more than 64 kB"
	case strings.TrimSpace(w.reply) == "":
		return nil, codeEmptyReply, "Empty response body"
	}
	ctype := w.replyHeader.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ctype)
	switch mt {
	case "text/xml", "application/xml", "text/html", "text/plain":
	default:
		return nil, codeContentType, fmt.Sprintf("Invalid Content-Type %q: TwiML must be text/xml or application/xml", ctype)
	}
	doc, err := s.parse(w.reply)
	if err != nil {
		return nil, codeOf(err), "Document parse failure: " + err.Error()
	}
	return doc, 0, ""
}

// maxParsed bounds the cache of parsed documents.
const maxParsed = 256

// parse parses a TwiML document, from the server's cache when the same text
// was parsed before: apps answer the same documents again and again, and a
// parsed document is never modified. Call with s.mu held.
func (s *Server) parse(text string) (*twiml.Document, error) {
	if doc, ok := s.parsed[text]; ok {
		return doc, nil
	}
	doc, err := twiml.Parse([]byte(text))
	if err != nil {
		return nil, err
	}
	if len(s.parsed) >= maxParsed {
		clear(s.parsed)
	}
	s.parsed[text] = doc
	return doc, nil
}

// codeOf returns the Twilio code of a parse error.
func codeOf(err error) int {
	var pe *twiml.ParseError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return twiml.CodeParseFailure
}

// applicationError plays Twilio's application error message, then hangs up.
// Call with srv.mu held.
func (c *Call) applicationError() {
	c.endVerb()
	dur := speechDuration(applicationError)
	c.record(callEvent{kind: EventSay, text: applicationError, dur: dur})
	c.step = c.later(dur, func() { c.hangUp(StatusCompleted, "application error") })
}

// start runs doc from its first verb; url is where it came from. Call with
// srv.mu held.
func (c *Call) start(doc *twiml.Document, url string) {
	now := c.srv.clock.now
	if now.Equal(c.loadsAt) {
		c.loads++
	} else {
		c.loadsAt, c.loads = now, 1
	}
	if limit := c.srv.cfg.fidelity.MaxDocumentsAtOnce; limit > 0 && c.loads > limit {
		c.notify(CodeRedirectLoop, LevelError, fmt.Sprintf("the call loaded more than %d documents at one instant (a <Redirect> loop?); the harness ends it", limit), url, "")
		c.hangUp(StatusCompleted, "redirect loop")
		return
	}
	c.doc, c.docURL, c.pc = doc, url, 0
	for _, p := range doc.Problems {
		c.notify(p.Code, Level(p.Level), p.Path+": "+p.Message, url, "")
	}
	c.exec()
}

// exec runs verbs until one of them waits or the call ends. Call with srv.mu
// held.
func (c *Call) exec() {
	c.active = nil
	for !c.status.Ended() {
		if c.pc >= len(c.doc.Verbs) {
			c.endOfDocument()
			return
		}
		v := c.doc.Verbs[c.pc]
		c.pc++
		if c.verb(v) {
			return
		}
	}
}

// next continues with the verb after the current one. Call with srv.mu
// held.
func (c *Call) next() {
	c.endVerb()
	c.exec()
}

// endVerb cancels what the current verb had scheduled. Call with srv.mu
// held.
func (c *Call) endVerb() {
	if c.active != nil {
		c.active.stop()
		c.active = nil
	}
	c.srv.clock.cancel(c.step)
	c.step = nil
}

// endOfDocument is what happens when a document runs out of verbs: the call
// hangs up, or a whisper ends and its leg is bridged.
func (c *Call) endOfDocument() {
	if c.leg != nil && c.leg.whispering {
		c.leg.whisperDone()
		return
	}
	c.hangUp(StatusCompleted, "end of document")
}

// verb executes one verb and reports whether the call now waits for
// something (the clock, a request, the far end).
func (c *Call) verb(v twiml.Verb) bool {
	if c.leg != nil && c.leg.whispering && !whisperAllowed(v) {
		c.notify(codeDialInDial, LevelError, fmt.Sprintf("<%s> is not allowed in a whisper document (only Play, Say, Pause, Gather and Hangup are)", v.VerbName()), c.docURL, "")
		c.hangUp(StatusCompleted, "whisper error")
		return true
	}
	c.countVerb(v.VerbName())
	if c.direction == DirectionInbound && c.answered.IsZero() && answersCall(v) {
		c.answerInbound()
	}
	switch v := v.(type) {
	case *twiml.Say:
		return c.say(v)
	case *twiml.Play:
		return c.play(v)
	case *twiml.Pause:
		return c.pause(v)
	case *twiml.Gather:
		return c.gather(v)
	case *twiml.Record:
		return c.recordVerb(v)
	case *twiml.Dial:
		return c.dial(v)
	case *twiml.Redirect:
		return c.redirectVerb(v)
	case *twiml.Hangup:
		c.hangUp(StatusCompleted, "<Hangup>")
		return true
	case *twiml.Reject:
		return c.reject(v)
	case *twiml.Sms:
		return c.sms(v)
	case *twiml.Start:
		return c.startFork(v)
	case *twiml.Stop:
		return c.stopFork(v)
	case *twiml.Echo:
		return c.echo()
	case *twiml.Element:
		return false // not a TwiML verb: skipped, as its 12200 warning says
	}
	return c.notSimulated(v)
}

// whisperAllowed reports whether v may run in a whisper document.
func whisperAllowed(v twiml.Verb) bool {
	switch v.(type) {
	case *twiml.Play, *twiml.Say, *twiml.Pause, *twiml.Gather, *twiml.Hangup, *twiml.Element:
		return true
	}
	return false
}

// notSimulated ends the call at a verb the harness cannot execute yet, with
// a notification that says so: never a silent skip.
func (c *Call) notSimulated(v twiml.Verb) bool {
	c.notify(CodeNotSimulated, LevelError, fmt.Sprintf("<%s> is not simulated by the harness yet; the call ends here", v.VerbName()), c.docURL, "")
	c.hangUp(StatusCompleted, "<"+v.VerbName()+"> is not simulated")
	return true
}

// speechDuration is how long text-to-speech takes to say text: 0.4 s a word
// (150 words a minute), at least one second.
func speechDuration(text string) time.Duration {
	return max(time.Second, time.Duration(len(strings.Fields(text)))*400*time.Millisecond)
}
