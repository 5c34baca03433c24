package harness

import (
	"fmt"
	"net/url"

	"github.com/twimlharness/twimlharness/twiml"
)

// <Connect><Stream>, and the streams of <Start> and <Stop>.

// streamVerb is a <Connect><Stream> holding the call: until the stream
// ends, then the Connect's action or the next verb. Its methods run with
// srv.mu held.
type streamVerb struct {
	c  *Call
	v  *twiml.Connect
	st *stream
}

// connectVerbLocked runs <Connect>. With a <Stream> it connects the call to
// a bidirectional stream, which holds it until the application closes the
// WebSocket; with a <ConversationRelay>, to a session (relay.go); its
// other nouns are not simulated yet.
func (c *Call) connectVerbLocked(v *twiml.Connect) bool {
	var noun *twiml.Stream
	for _, n := range v.Nouns {
		if s, ok := n.(*twiml.Stream); ok {
			noun = s
			break
		}
		if cr, ok := n.(*twiml.ConversationRelay); ok {
			return c.relayLocked(v, cr)
		}
	}
	if noun == nil {
		name := "Connect"
		if len(v.Nouns) > 0 {
			name = "Connect><" + v.Nouns[0].NounName()
		}
		return c.notSimulatedLocked(name)
	}
	vb := &streamVerb{c: c, v: v}
	sp, ok := c.streamSpecLocked(noun)
	if !ok {
		return vb.endedLocked()
	}
	sp.connect = true
	st, code, msg := c.newStreamLocked(sp)
	if st == nil {
		c.notifyLocked(code, LevelError, msg, sp.url, "")
		return vb.endedLocked()
	}
	vb.st, st.verb = st, vb
	c.program.active = vb
	return true
}

// streamSpecLocked reads a <Stream> noun, its URL resolved against the
// document's; ok is false (and the problem logged) when it has no URL
// that can be dialed.
func (c *Call) streamSpecLocked(n *twiml.Stream) (streamSpec, bool) {
	sp := streamSpec{name: n.Name, track: n.Track, params: n.Parameters, cbMethod: n.StatusCallbackMethod}
	if n.URL == "" {
		c.notifyLocked(codeStreamMalformedURL, LevelError, "Stream - WebSocket - Malformed URL: <Stream> has no url", c.program.docURL, "")
		return sp, false
	}
	sp.url = n.URL
	// An absolute URL is dialed as written: its scheme is checked when the
	// stream is made (31922 for one Twilio does not dial).
	if u, err := url.Parse(n.URL); err != nil || !u.IsAbs() {
		u, err := c.resolveLocked(n.URL) // relative, against the document's URL
		if err != nil {
			c.notifyLocked(codeStreamMalformedURL, LevelError, "Stream - WebSocket - Malformed URL: "+err.Error(), n.URL, "")
			return sp, false
		}
		sp.url = u
	}
	if n.StatusCallback != "" {
		cb, err := c.resolveLocked(n.StatusCallback)
		if err != nil {
			c.notifyLocked(codeInvalidURL, LevelError, err.Error(), n.StatusCallback, n.StatusCallbackMethod)
		}
		sp.cbURL = cb
	}
	return sp, true
}

// endedLocked goes on after the stream: the Connect's action, or the next
// verb. It reports whether the call waits (for the action).
func (vb *streamVerb) endedLocked() bool {
	c := vb.c
	if vb.v.Action == "" {
		return false
	}
	c.transferLocked(KindAction, vb.v.Action, vb.v.Method, nil)
	return true
}

// streamEndedLocked is the stream ending by itself (the application
// closed it, it failed, the Streams API stopped it): the call goes on.
func (vb *streamVerb) streamEndedLocked() {
	c := vb.c
	if c.program.active != vb || c.line.status.Ended() {
		return
	}
	c.program.active = nil
	if !vb.endedLocked() {
		c.nextLocked()
	}
}

// stopLocked: the call is redirected, or it ended otherwise (the Calls API
// completed it, its time limit): the stream stops, and the action is not
// requested.
func (vb *streamVerb) stopLocked() {
	vb.st.verb = nil
	why := "the call was redirected"
	if vb.c.line.status.Ended() {
		why = "the call ended"
	}
	vb.st.stopLocked(why, true)
}

// hungUpLocked: the far end hung up; the stream stops, and the action is
// requested with CallStatus=completed (its TwiML is not run).
func (vb *streamVerb) hungUpLocked() *webhook {
	vb.st.verb = nil
	vb.st.stopLocked("the far end hung up", true)
	if vb.v.Action == "" {
		return nil
	}
	return vb.c.finalActionLocked(vb.v.Action, vb.v.Method, nil)
}

// startStreamLocked starts the unidirectional stream of a <Start>'s
// <Stream>; a stream that cannot start is logged, and the call goes on.
func (c *Call) startStreamLocked(n *twiml.Stream) {
	sp, ok := c.streamSpecLocked(n)
	if !ok {
		return
	}
	if _, code, msg := c.newStreamLocked(sp); code != 0 {
		c.notifyLocked(code, LevelError, msg, sp.url, "")
	}
}

// stopStreamLocked stops the stream a <Stop>'s <Stream> names; naming no
// stream that runs does nothing.
func (c *Call) stopStreamLocked(n *twiml.Stream) {
	if n.Name == "" {
		c.noteLocked("<Stop><Stream> without a name stops nothing")
		return
	}
	st := c.streamNamedLocked(n.Name)
	if st == nil || st.connect || st.state == streamStopped {
		c.noteLocked(fmt.Sprintf("<Stop><Stream name=%q>: no such stream runs on this call", n.Name))
		return
	}
	st.stopLocked("<Stop><Stream>", true)
}
