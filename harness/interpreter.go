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

	codeHTTPRetrieval   = 11200
	codeHTTPConnection  = 11205
	codeTooManyRedirect = 11215
	codeReplyTooLarge   = 11750
	codeEmptyReply      = 11770
	codeContentType     = 12300
)

// applicationError is what Twilio says before hanging up on a call whose
// application failed.
const applicationError = "We are sorry, an application error has occurred. Goodbye."

// runSource starts the call's TwiML: it runs the inline document, or fetches
// the URL and runs what it returns. epoch is the execution it belongs to;
// if the call moved on meanwhile, nothing happens.
func (c *Call) runSource(epoch uint64) {
	s := c.srv
	s.mu.Lock()
	if c.epoch != epoch || c.status.Ended() {
		s.mu.Unlock()
		return
	}
	if c.src.url == "" {
		doc, err := s.parse(c.src.twiml)
		if err != nil {
			c.failTwiML(codeOf(err), "inline Twiml: "+err.Error(), "", "")
		} else {
			c.start(doc, "")
		}
		s.mu.Unlock()
		return
	}
	hook := s.newWebhook(KindVoice, c, c.src.method, c.src.url, c.standardParams(c.status))
	s.mu.Unlock()
	s.send(hook)
	c.fetched(epoch, hook)
}

// fetched handles the reply to a TwiML request: run the document, or go to
// the fallback, or end the call with Twilio's application error.
func (c *Call) fetched(epoch uint64, hook *webhook) {
	s := c.srv
	s.mu.Lock()
	if c.epoch != epoch || c.status.Ended() {
		s.mu.Unlock()
		return
	}
	doc, code, msg := s.readTwiML(hook)
	if code == 0 {
		c.start(doc, hook.url)
		s.mu.Unlock()
		return
	}
	c.notify(code, LevelError, msg, hook.url, hook.method)
	if hook.kind != KindVoice || c.src.fallbackURL == "" {
		c.applicationError()
		s.mu.Unlock()
		return
	}
	p := c.standardParams(c.status)
	p.add("ErrorCode", strconv.Itoa(code))
	p.add("ErrorUrl", hook.url)
	fb := s.newWebhook(KindFallback, c, c.src.fallbackMethod, c.src.fallbackURL, p)
	s.mu.Unlock()
	s.send(fb)
	c.fetched(epoch, fb)
}

// readTwiML checks a TwiML reply as Twilio does and parses it. It returns
// the document, or Twilio's error code and a message.
func (s *Server) readTwiML(w *webhook) (*twiml.Document, int, string) {
	switch {
	case errors.Is(w.err, errTooManyRedirect):
		return nil, codeTooManyRedirect, "HTTP too many redirects"
	case w.err != nil:
		return nil, codeHTTPConnection, "HTTP connection failure: " + w.err.Error()
	case w.status >= 400:
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

// failTwiML ends a call whose document could not be used. Call with srv.mu
// held.
func (c *Call) failTwiML(code int, msg, url, method string) {
	c.notify(code, LevelError, msg, url, method)
	c.applicationError()
}

// applicationError plays Twilio's application error message, then hangs up.
// Call with srv.mu held.
func (c *Call) applicationError() {
	dur := speechDuration(applicationError)
	c.record(callEvent{kind: EventSay, text: applicationError, dur: dur})
	epoch := c.epoch
	c.step = c.srv.after(dur, func() {
		c.srv.mu.Lock()
		defer c.srv.mu.Unlock()
		if c.epoch == epoch {
			c.hangUp(StatusCompleted, "application error")
		}
	})
}

// start runs doc from its first verb; url is where it came from. Call with
// srv.mu held.
func (c *Call) start(doc *twiml.Document, url string) {
	c.doc, c.docURL, c.pc = doc, url, 0
	for _, p := range doc.Problems {
		c.notify(p.Code, Level(p.Level), p.Path+": "+p.Message, url, "")
	}
	c.exec()
}

// exec runs verbs until one of them waits or the call ends. Call with srv.mu
// held.
func (c *Call) exec() {
	for !c.status.Ended() {
		if c.pc >= len(c.doc.Verbs) {
			c.hangUp(StatusCompleted, "end of document")
			return
		}
		v := c.doc.Verbs[c.pc]
		c.pc++
		if c.verb(v) {
			return
		}
	}
}

// verb executes one verb and reports whether the call now waits for
// something (the clock, a request).
func (c *Call) verb(v twiml.Verb) bool {
	switch v := v.(type) {
	case *twiml.Say:
		return c.say(v)
	case *twiml.Pause:
		return c.pause(v)
	case *twiml.Hangup:
		c.hangUp(StatusCompleted, "<Hangup>")
		return true
	case *twiml.Element:
		return false // not a TwiML verb: skipped, as its 12200 warning says
	}
	return c.notSimulated(v)
}

// say speaks v.Text for as long as it takes, loop times.
func (c *Call) say(v *twiml.Say) bool {
	loops := v.Loop
	if loops == 0 {
		loops = 1000 // Twilio's cap for loop="0"
	}
	dur := time.Duration(loops) * speechDuration(v.Text)
	c.record(callEvent{kind: EventSay, text: v.Text, dur: dur})
	c.wait(dur)
	return true
}

// pause waits v.Length seconds.
func (c *Call) pause(v *twiml.Pause) bool {
	dur := time.Duration(v.Length) * time.Second
	c.record(callEvent{kind: EventPause, dur: dur})
	c.wait(dur)
	return true
}

// wait resumes the document after d.
func (c *Call) wait(d time.Duration) {
	epoch := c.epoch
	c.step = c.srv.after(d, func() {
		c.srv.mu.Lock()
		defer c.srv.mu.Unlock()
		if c.epoch == epoch && !c.status.Ended() {
			c.exec()
		}
	})
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
