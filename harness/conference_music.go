package harness

import (
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/twiml"
)

// musicKind is what a document played in a conference is for.
type musicKind int

const (
	musicWait     musicKind = iota // a participant waits for the conference to start (waitUrl)
	musicHold                      // a participant is on hold (HoldUrl)
	musicAnnounce                  // an announcement (AnnounceUrl), to one participant or the room
	musicDequeue                   // the url of a <Dial><Queue>, to the caller it takes
)

// source is how the record names what a participant heard from it.
func (k musicKind) source() string {
	switch k {
	case musicWait:
		return SourceWaitMusic
	case musicHold:
		return SourceHoldMusic
	case musicDequeue:
		return SourceDequeueURL
	}
	return SourceAnnouncement
}

func (k musicKind) requestKind() RequestKind {
	switch k {
	case musicWait:
		return KindConferenceWait
	case musicHold:
		return KindConferenceHold
	case musicDequeue:
		return KindDequeue
	}
	return KindConferenceAnnounce
}

// maxMusicDocsAtOnce bounds the documents one music loads without time
// passing (a <Redirect> to itself with nothing to play).
const maxMusicDocsAtOnce = 10

// music plays a document in a conference: the wait music of a participant
// before the start, its hold music, an announcement. Twilio allows only
// <Play>, <Say>, <Pause> and <Redirect> there (13238 for any other verb);
// the URL may also answer with audio, which plays once. When the document
// runs out, silence: Twilio does not request it again (loop with
// <Redirect>). Its methods run with srv.mu held.
type music struct {
	call    *Call // whose requests fetch it, and whose standard parameters they send
	kind    musicKind
	url     string
	method  string
	extra   signing.Params // parameters added to its requests
	hear    func(callEvent)
	done    func(failed string) // when it has played (failed: why it could not), or nil
	stopped bool
	timer   *clock.Timer
	doc     *twiml.Document
	docURL  string
	pc      int
	loadsAt time.Time
	loads   int
}

func newMusic(c *Call, kind musicKind, url, method string, hear func(callEvent), done func(string)) *music {
	return &music{call: c, kind: kind, url: url, method: method, hear: hear, done: done}
}

// startLocked plays the music: silence for an empty URL, Twilio's own hold
// music (not requested: it is Twilio's) for the default, else the
// document at the URL.
func (m *music) startLocked() {
	switch m.url {
	case "":
		m.hear(callEvent{kind: EventConference, action: ActionHeard, text: "silence", more: &eventMore{source: m.kind.source()}})
		m.finishLocked("")
	case defaultHoldMusic:
		m.hear(callEvent{kind: EventConference, action: ActionHeard, url: m.url, more: &eventMore{source: m.kind.source()}})
		if m.kind == musicAnnounce {
			m.finishLocked("")
		}
	default:
		m.fetchLocked(m.url, m.method)
	}
}

// stopLocked stops the music; nothing it scheduled runs any more.
func (m *music) stopLocked() {
	m.stopped = true
	m.call.srv.clock.Cancel(m.timer)
	m.timer = nil
}

// fetchLocked requests the document at target.
func (m *music) fetchLocked(target, method string) {
	c, s := m.call, m.call.srv
	now := s.clock.Now()
	if now.Equal(m.loadsAt) {
		m.loads++
	} else {
		m.loadsAt, m.loads = now, 1
	}
	if m.loads > maxMusicDocsAtOnce {
		c.notifyLocked(CodeRedirectLoop, LevelError, fmt.Sprintf("%s: more than %d documents at one instant with nothing to play (a <Redirect> loop?); it stops", m.kind.requestKind(), maxMusicDocsAtOnce), target, method)
		m.finishLocked("redirect loop")
		return
	}
	p := c.standardParamsLocked(c.line.status)
	for _, kv := range m.extra {
		p.Add(kv.Name, kv.Value)
	}
	w := s.out.buildLocked(m.kind.requestKind(), c, method, target, p)
	m.timer = c.afterLocked(0, func() {
		s.out.send(w, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			m.fetchedLocked(w)
		})
	})
}

// fetchedLocked plays what the application answered.
func (m *music) fetchedLocked(w *webhook) {
	if m.stopped {
		return
	}
	c, s := m.call, m.call.srv
	mt, _, _ := mime.ParseMediaType(w.replyHeader.Get("Content-Type"))
	if w.err == nil && w.status < 300 && strings.HasPrefix(mt, "audio/") {
		d, ok := s.media[faultKey(w.target)]
		if !ok {
			d = DefaultMediaDuration
		}
		m.hear(callEvent{kind: EventConference, action: ActionHeard, url: w.target, dur: d, more: &eventMore{source: m.kind.source()}})
		m.timer = c.afterLocked(d, m.locked(func() { m.finishLocked("") }))
		return
	}
	doc, code, msg := s.readTwiMLLocked(w)
	if code != 0 {
		c.notifyLocked(code, LevelError, msg, w.url, w.method)
		m.finishLocked(msg)
		return
	}
	m.doc, m.docURL, m.pc = doc, w.target, 0
	m.nextLocked()
}

// locked wraps fn to run with srv.mu held, unless the music stopped.
func (m *music) locked(fn func()) func() {
	s := m.call.srv
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !m.stopped {
			fn()
		}
	}
}

// nextLocked plays the document's next verb.
func (m *music) nextLocked() {
	c := m.call
	for m.pc < len(m.doc.Verbs) {
		v := m.doc.Verbs[m.pc]
		m.pc++
		var ev callEvent
		switch v := v.(type) {
		case *twiml.Say:
			ev = callEvent{kind: EventConference, action: ActionHeard, text: v.Text, dur: times(loops(v.Loop), speechDuration(v.Text))}
		case *twiml.Pause:
			m.timer = c.afterLocked(time.Duration(v.Length)*time.Second, m.locked(m.nextLocked))
			return
		case *twiml.Play:
			ev = m.playEventLocked(v)
			if ev.kind == "" {
				continue
			}
		case *twiml.Redirect:
			target, err := twiml.Resolve(m.docURL, v.URL)
			if v.URL == "" {
				target, err = m.docURL, nil
			}
			if err != nil {
				c.notifyLocked(codeInvalidURL, LevelError, "<Redirect> in "+string(m.kind.requestKind())+": "+err.Error(), v.URL, "")
				m.finishLocked(err.Error())
				return
			}
			m.fetchLocked(target, v.Method)
			return
		case *twiml.Element:
			continue // unknown: its 12200 was logged
		default:
			c.notifyLocked(codeConferenceBadVerb, LevelError, fmt.Sprintf("<%s> is not allowed in a %s document: only <Play>, <Say>, <Pause> and <Redirect> are", v.VerbName(), m.kind.requestKind()), m.docURL, "")
			m.finishLocked("<" + v.VerbName() + "> is not allowed")
			return
		}
		ev.more = &eventMore{source: m.kind.source()}
		m.hear(ev)
		m.timer = c.afterLocked(ev.dur, m.locked(m.nextLocked))
		return
	}
	m.finishLocked("")
}

// playEventLocked returns what a <Play> in the document plays; a zero
// event when it plays nothing.
func (m *music) playEventLocked(v *twiml.Play) callEvent {
	if v.Digits != "" {
		return callEvent{kind: EventConference, action: ActionHeard, text: "digits " + v.Digits, dur: digitsDuration(v.Digits)}
	}
	if v.URL == "" {
		return callEvent{}
	}
	u, err := twiml.Resolve(m.docURL, v.URL)
	if err != nil {
		m.call.notifyLocked(codeInvalidURL, LevelWarning, "<Play>: "+err.Error(), v.URL, "")
		return callEvent{}
	}
	each, ok := m.call.srv.media[faultKey(u)]
	if !ok {
		each = DefaultMediaDuration
	}
	return callEvent{kind: EventConference, action: ActionHeard, url: u, dur: times(loops(v.Loop), each)}
}

// finishLocked ends the music: silence from now on, and done is told.
func (m *music) finishLocked(failed string) {
	m.timer = nil
	if m.done != nil {
		done := m.done
		m.done = nil
		done(failed)
	}
}
