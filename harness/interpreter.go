package harness

import (
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/twiml"
)

// applicationError is what Twilio says before hanging up on a call whose
// application failed.
const applicationError = "We are sorry, an application error has occurred. Goodbye."

// program is the TwiML a call runs: where it comes from, the document and
// the position in it, and the verb holding the call.
type program struct {
	src        source
	doc        *twiml.Document
	docURL     string
	pc         int          // the next verb
	epoch      uint64       // bumped whenever the running TwiML is abandoned
	active     activeVerb   // the verb holding the call, if any
	step       *clock.Timer // the next step of the ring or of the TwiML
	loadsAt    time.Time    // documents loaded at one instant, against loops
	loads      int
	documents  int    // documents loaded over the call's life, against Limits
	lastPrompt string // what the call said last, for the far end's prompt triggers
}

// activeVerb is a verb that holds the call for a while (a <Gather>, a
// <Record>, a <Dial>…).
type activeVerb interface {
	// stopLocked ends the verb without a result: the call is being
	// redirected or hung up.
	stopLocked()
	// hungUpLocked ends the verb because the far end hung up, and returns
	// the request Twilio still makes about it (Record's and Dial's action),
	// or nil. The call has ended when it is sent.
	hungUpLocked() *webhook
}

// endVerbLocked cancels what the current verb had scheduled.
func (p *program) endVerbLocked(s *Server) {
	if p.active != nil {
		p.active.stopLocked()
		p.active = nil
	}
	s.clock.Cancel(p.step)
	p.step = nil
}

// abandonLocked drops the running document: the verb in progress stops and
// nothing scheduled for the document runs any more.
func (p *program) abandonLocked(s *Server) {
	p.endVerbLocked(s)
	p.epoch++
	p.doc = nil
}

// runSourceLocked starts the call's TwiML: it runs the inline document, or
// fetches the URL and runs what it returns.
func (c *Call) runSourceLocked() {
	src := &c.program.src
	if src.url == "" {
		doc, err := c.srv.parseLocked(src.twiml)
		if err != nil {
			c.notifyLocked(codeOf(err), LevelError, "inline Twiml: "+err.Error(), "", "")
			c.applicationErrorLocked()
			return
		}
		c.startLocked(doc, "")
		return
	}
	var extra signing.Params
	if c.amd.answeredBy != "" && c.params != nil && !c.params.amd.async {
		extra = signing.Params{{Name: "MachineDetectionDuration", Value: strconv.FormatInt(c.amd.took.Milliseconds(), 10)}}
	}
	c.loadLocked(KindVoice, src.method, src.url, extra)
}

// loadLocked requests a document and runs it when it arrives. The request
// is made by an event of the clock at the current instant, unless the call
// moves on first.
func (c *Call) loadLocked(kind RequestKind, method, target string, extra signing.Params) {
	s := c.srv
	epoch := c.program.epoch
	c.program.step = c.afterLocked(0, func() {
		s.mu.Lock()
		if c.program.epoch != epoch || c.line.status.Ended() {
			s.mu.Unlock()
			return
		}
		p := c.standardParamsLocked(c.line.status)
		for _, kv := range extra {
			p.Add(kv.Name, kv.Value)
		}
		w := s.out.buildLocked(kind, c, method, target, p)
		s.mu.Unlock()
		s.out.send(w, func() { c.fetched(epoch, w) })
	})
}

// transferLocked hands control to the document at ref, resolved against
// the current document's URL: the action of a verb, or a <Redirect>.
func (c *Call) transferLocked(kind RequestKind, ref, method string, extra signing.Params) {
	target, err := c.resolveLocked(ref)
	if err != nil {
		c.notifyLocked(codeInvalidURL, LevelError, err.Error(), ref, method)
		c.applicationErrorLocked()
		return
	}
	c.loadLocked(kind, method, target, extra)
}

// resolveLocked returns ref as an absolute URL, resolved against the
// current document's URL. A document given inline (Twiml) has no URL: its
// URLs must be absolute.
func (c *Call) resolveLocked(ref string) (string, error) {
	base := c.program.docURL
	if ref == "" {
		ref = base
	}
	if ref == "" {
		return "", fmt.Errorf("%w: no URL to request: a document given with the Twiml parameter has no URL of its own, so its action URLs must be absolute", twiml.ErrBadURL)
	}
	u, err := twiml.Resolve(base, ref)
	if err != nil && base == "" {
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
	if c.program.epoch != epoch || c.line.status.Ended() {
		return
	}
	doc, code, msg := s.readTwiMLLocked(w)
	if code == 0 {
		c.startLocked(doc, w.target)
		return
	}
	c.notifyLocked(code, LevelError, msg, w.url, w.method)
	if e := c.queue; e.waitingLocked() {
		e.waitErrorLocked() // a wait document failed: QueueResult=error
		return
	}
	src := &c.program.src
	if !c.fallsBackLocked(w.kind) || src.fallbackURL == "" {
		c.applicationErrorLocked()
		return
	}
	c.loadLocked(KindFallback, src.fallbackMethod, src.fallbackURL,
		signing.Params{{Name: "ErrorCode", Value: strconv.Itoa(code)}, {Name: "ErrorUrl", Value: w.target}})
}

// fallsBackLocked reports whether a failed request of kind goes to the
// call's FallbackUrl: the call's Url always, and every later document of
// the call (an action, a <Redirect>) unless [Fidelity.NoFallbackForActions].
func (c *Call) fallsBackLocked(kind RequestKind) bool {
	switch kind {
	case KindVoice:
		return true
	case KindAction, KindRedirect:
		return !c.srv.cfg.fidelity.NoFallbackForActions
	}
	return false
}

// readTwiMLLocked checks a TwiML reply as Twilio does and parses it. It
// returns the document, or Twilio's error code and a message.
func (s *Server) readTwiMLLocked(w *webhook) (*twiml.Document, int, string) {
	switch {
	case errors.Is(w.err, errTooManyRedirects):
		return nil, codeTooManyRedirects, "HTTP too many redirects"
	case errors.Is(w.err, errBadRedirect):
		return nil, codeBadRedirect, "HTTP invalid redirect: " + strings.TrimPrefix(w.err.Error(), errBadRedirect.Error()+": ")
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
	doc, err := s.parseLocked(w.reply)
	if err != nil {
		return nil, codeOf(err), "Document parse failure: " + err.Error()
	}
	return doc, 0, ""
}

// maxParsed bounds the cache of parsed documents.
const maxParsed = 256

// parseLocked parses a TwiML document, from the server's cache when the
// same text was parsed before: apps answer the same documents again and
// again, and a parsed document is never modified.
func (s *Server) parseLocked(text string) (*twiml.Document, error) {
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

// applicationErrorLocked plays Twilio's application error message, then
// hangs up. An incoming call still ringing is answered first: the caller
// hears the message.
func (c *Call) applicationErrorLocked() {
	c.program.endVerbLocked(c.srv)
	c.answerInboundLocked()
	dur := speechDuration(applicationError)
	c.recordLocked(callEvent{kind: EventSay, text: applicationError, dur: dur})
	c.program.step = c.afterUnlessMovedOnLocked(dur, func() { c.hangUpLocked(StatusCompleted, "application error") })
}

// startLocked runs doc from its first verb; url is where it came from.
func (c *Call) startLocked(doc *twiml.Document, url string) {
	pr := &c.program
	now := c.srv.clock.Now()
	if now.Equal(pr.loadsAt) {
		pr.loads++
	} else {
		pr.loadsAt, pr.loads = now, 1
	}
	if limit := c.srv.cfg.fidelity.MaxDocumentsAtOnce; limit > 0 && pr.loads > limit {
		c.notifyLocked(CodeRedirectLoop, LevelError, fmt.Sprintf("the call loaded more than %d documents at one instant (a <Redirect> loop?); the harness ends it", limit), url, "")
		c.hangUpLocked(StatusCompleted, "redirect loop")
		return
	}
	limits := &c.srv.cfg.callLimits
	if pr.documents++; pr.documents > limits.DocumentsPerCall {
		c.limitReachedLocked("documents loaded", limits.DocumentsPerCall, "DocumentsPerCall")
		return
	}
	pr.doc, pr.docURL, pr.pc = doc, url, 0
	for i, p := range doc.Problems {
		if i == limits.NotificationsPerDocument {
			c.notifyLocked(CodeLimitReached, LevelWarning, fmt.Sprintf("%d more problems of this document are not logged (harness.Limits.NotificationsPerDocument is %d)",
				len(doc.Problems)-i, limits.NotificationsPerDocument), url, "")
			break
		}
		c.notifyLocked(p.Code, Level(p.Level), p.Path+": "+p.Message, url, "")
	}
	if c.line.status.Ended() {
		return
	}
	c.execLocked()
}

// execLocked runs verbs until one of them waits or the call ends.
func (c *Call) execLocked() {
	pr := &c.program
	pr.active = nil
	for !c.line.status.Ended() {
		if pr.pc >= len(pr.doc.Verbs) {
			c.endOfDocumentLocked()
			return
		}
		v := pr.doc.Verbs[pr.pc]
		pr.pc++
		if c.verbLocked(v) {
			return
		}
	}
}

// nextLocked continues with the verb after the current one.
func (c *Call) nextLocked() {
	c.program.endVerbLocked(c.srv)
	c.execLocked()
}

// waitLocked goes on with the next verb after d.
func (c *Call) waitLocked(d time.Duration) {
	c.program.step = c.afterUnlessMovedOnLocked(d, c.execLocked)
}

// endOfDocumentLocked is what happens when a document runs out of verbs:
// the call hangs up, or a whisper ends and its leg is bridged.
func (c *Call) endOfDocumentLocked() {
	if l := c.dial.leg; l != nil && l.state == legWhispering {
		l.whisperDoneLocked()
		return
	}
	if e := c.queue; e.waitingLocked() {
		e.waitDocumentDoneLocked()
		return
	}
	c.hangUpLocked(StatusCompleted, "end of document")
}

// verbLocked executes one verb, as its entry in the verb table says, and
// reports whether the call now waits for something (the clock, a request,
// the far end).
func (c *Call) verbLocked(v twiml.Verb) bool {
	name := v.VerbName()
	spec := c.srv.specOf(v)
	if l := c.dial.leg; l != nil && l.state == legWhispering && !spec.inWhisper {
		c.notifyLocked(codeDialInDial, LevelError, fmt.Sprintf("<%s> is not allowed in a whisper document (only Play, Say, Pause, Gather and Hangup are)", name), c.program.docURL, "")
		c.hangUpLocked(StatusCompleted, "whisper error")
		return true
	}
	if e := c.queue; e.waitingLocked() && !queueWaitVerbs[name] {
		c.notifyLocked(codeQueueWaitVerb, LevelError, fmt.Sprintf("<%s> is not allowed in a queue's wait document (only Play, Say, Pause, Gather, Hangup, Redirect and Leave are); the call leaves the queue", name), c.program.docURL, "")
		e.waitErrorLocked()
		return true
	}
	c.countVerbLocked(name)
	if c.direction == DirectionInbound && c.line.answered.IsZero() && spec.answers(v) {
		c.answerInboundLocked()
	}
	return spec.run(c, v)
}

// specOf returns the entry of v in the verb table. An element that is not
// a TwiML verb is skipped, as its 12200 warning says; a verb the harness
// does not execute yet answers the call and ends it with
// [CodeNotSimulated].
func (s *Server) specOf(v twiml.Verb) verbSpec {
	if _, unknown := v.(*twiml.Element); unknown {
		return verbSpec{answers: never, inWhisper: true, run: func(*Call, twiml.Verb) bool { return false }}
	}
	if spec, ok := s.verbs[v.VerbName()]; ok {
		return spec
	}
	return verbSpec{answers: always, run: func(c *Call, v twiml.Verb) bool { return c.notSimulatedLocked(v.VerbName()) }}
}

// notSimulatedLocked ends the call at a verb the harness cannot execute
// yet, with a notification that says so: never a silent skip.
func (c *Call) notSimulatedLocked(name string) bool {
	c.notifyLocked(CodeNotSimulated, LevelError, fmt.Sprintf("<%s> is not simulated by the harness yet; the call ends here", name), c.program.docURL, "")
	c.hangUpLocked(StatusCompleted, "<"+name+"> is not simulated")
	return true
}

// speechDuration is how long text-to-speech takes to say text: 0.4 s a word
// (150 words a minute), at least one second.
func speechDuration(text string) time.Duration {
	return max(time.Second, time.Duration(len(strings.Fields(text)))*400*time.Millisecond)
}
