package harness

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/audio"
	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twiml"
)

// A media stream of a call: <Connect><Stream> (bidirectional: the
// application's audio plays to the far end) or <Start><Stream> and the
// Streams API (a fork of the call's audio). Twilio is the WebSocket's
// client (stream_socket.go); the messages are in stream_wire.go.
//
// Time. A stream runs in turns of one 20 ms frame on the virtual clock.
// Each turn is an exchange in flight, like a webhook (outbox.exchangeLocked):
// it writes the frame and whatever else Twilio has to say (marks played,
// dtmf, stop), pings the application and waits for its pong. An
// application reads its messages in order, so what it sent in answer to
// them is in the inbox before the pong; the engine then applies those
// messages at the turn's virtual instant, and schedules the next turn 20 ms
// later. A minute of call is thus a minute of virtual time delivered as
// fast as the application reads it, and a run is the same every time for
// an application that answers what it receives before it reads on.

const (
	// frameLength is one media message's audio.
	frameLength = 20 * time.Millisecond
	// bytesPerMs is μ-law at 8 kHz.
	bytesPerMs = audio.SampleRate / 1000
	// maxBuffered is the application's audio Twilio buffers: ten
	// minutes; more is discarded (31931).
	maxBuffered = 10 * 60 * 1000 * bytesPerMs
	// maxForkTracks is how many tracks of unidirectional streams a call
	// may stream at once.
	maxForkTracks = 4
	// maxParameterPair is the longest name and value of a <Parameter>
	// together.
	maxParameterPair = 500
	// DefaultStreamPatience is how long, in real time, a stream's turn
	// waits for the application (see [WithStreamPatience]).
	DefaultStreamPatience = 5 * time.Second
)

// WithStreamPatience sets how long, in real time, a media stream waits for
// its application (default [DefaultStreamPatience]): for the WebSocket
// upgrade's answer (then 31901), for the application to read a message,
// and for the pong of each turn's ping (then the turn goes on without it,
// and what the application sends later is applied at a later turn: such
// runs are not repeatable). An application that reads nothing, or
// answers no ping at two turns in a row, breaks the stream
// ([CodeStreamStalled]).
func WithStreamPatience(d time.Duration) Option {
	return option(func(c *config) { c.streamPatience = d })
}

// streamState is where a stream is in its life.
type streamState int

const (
	streamOpening streamState = iota // dialing the application
	streamOpen                       // connected; its turns run
	streamStopped                    // ended, for whatever reason
)

// Tracks of a stream.
const (
	trackInbound  = 0
	trackOutbound = 1
)

var trackNames = [2]string{"inbound", "outbound"}

// stream is one media stream. Its methods run with srv.mu held, unless
// they say otherwise.
type stream struct {
	// Set when made; read without a lock.
	call     *Call
	sid      string
	name     string // as given; "" when none
	url      string // as dialed and signed
	connect  bool   // bidirectional (<Connect><Stream>)
	tracks   [2]bool
	params   []twiml.Parameter
	cbURL    string
	cbMethod string
	viaAPI   bool // started with the Streams API
	created  time.Time

	state   streamState
	sock    *socket
	verb    *streamVerb // the <Connect> holding the call
	seq     int64       // the last sequenceNumber sent
	chunks  [2]int64
	startAt time.Time // the virtual instant of timestamp 0
	slots   int64     // frames sent per track
	out     [][]byte  // Twilio's messages waiting for the next turn
	tick    *clock.Timer
	timers  []*clock.Timer
	play    playback
	waits   []*scenario.Step // the far end's steps waiting for a cue
	frame   [audio.FrameBytes]byte
	media   [2][]byte // each track's media message, rewritten every turn (a turn is written before the next is made)
	log     streamLog
	warned  map[int]bool // codes logged once a stream
	late    bool         // a pong came late: said once
	stopped time.Time
	why     string   // why it stopped
	failed  bool     // it could not be opened, or broke
	inTurn  bool     // a turn is in flight: the socket is the turn's until it is applied
	closing [][]byte // set when the stream stopped during a turn: the last messages, for after it
}

// streamSpec is what starts a stream: a <Stream> or a Streams API request.
type streamSpec struct {
	url, name, track string
	params           []twiml.Parameter
	cbURL, cbMethod  string
	connect, viaAPI  bool
}

// trackNames returns the stream's tracks as its start message names them.
func (st *stream) trackNames() []string {
	var out []string
	for t, on := range st.tracks {
		if on {
			out = append(out, trackNames[t])
		}
	}
	return out
}

// displayName is the stream's name, or its SID when it has none (as
// StreamName says).
func (st *stream) displayName() string {
	if st.name != "" {
		return st.name
	}
	return st.sid
}

// newStreamLocked starts a stream on c, or says why not: Twilio's code and
// a message (the stream is not made).
func (c *Call) newStreamLocked(sp streamSpec) (*stream, int, string) {
	s := c.srv
	tracks, code, msg := streamTracks(sp.track, sp.connect)
	if code != 0 {
		return nil, code, msg
	}
	u, err := streamURL(sp.url)
	if err != nil {
		return nil, err.code, err.Error()
	}
	sp.url = u
	if msg := c.streamLimitLocked(sp, tracks); msg != "" {
		return nil, CodeStreamLimit, msg
	}
	st := &stream{call: c, sid: s.ids.SID("MZ"), name: sp.name, url: sp.url, connect: sp.connect, tracks: tracks,
		params: c.streamParamsLocked(sp.params), cbURL: sp.cbURL, cbMethod: sp.cbMethod, viaAPI: sp.viaAPI, created: s.clock.Now()}
	if st.cbMethod == "" {
		st.cbMethod = http.MethodPost
	}
	c.streams = append(c.streams, st)
	if c.voice == nil {
		c.voice = &callVoice{}
	}
	c.recordLocked(callEvent{kind: EventStream, action: ActionDialing, url: st.url, more: &eventMore{sid: st.sid, name: st.name, noun: st.kindName()}})
	st.openLocked()
	return st, 0, ""
}

// streamTracks reads a stream's track attribute: the tracks it streams,
// or Twilio's code and a message. A bidirectional stream takes only
// inbound_track.
func streamTracks(track string, connect bool) (tracks [2]bool, code int, msg string) {
	switch track {
	case "", "inbound_track":
		tracks[trackInbound] = true
	case "outbound_track":
		tracks[trackOutbound] = true
	case "both_tracks":
		tracks = [2]bool{true, true}
	default:
		return tracks, codeStreamTrack, fmt.Sprintf("Stream - Invalid Track configuration: track %q (want inbound_track, outbound_track or both_tracks)", track)
	}
	if connect && tracks != [2]bool{true, false} {
		return tracks, codeStreamTrack, fmt.Sprintf("Stream - Invalid Track configuration: <Connect><Stream> takes only inbound_track, not %q", track)
	}
	return tracks, 0, ""
}

// streamLimitLocked says which of Twilio's limits a new stream of the
// call would break, if any: one bidirectional stream, four tracks of
// unidirectional ones, names unique among the streams that run.
func (c *Call) streamLimitLocked(sp streamSpec, tracks [2]bool) string {
	forkTracks := 0
	for _, o := range c.streams {
		if o.state == streamStopped {
			continue
		}
		switch {
		case sp.name != "" && o.name == sp.name:
			return fmt.Sprintf("a stream named %q is already running on this call: names must be unique per call", sp.name)
		case sp.connect && o.connect:
			return "the call already has a bidirectional stream: Twilio allows one per call"
		case !o.connect:
			forkTracks += countTracks(o.tracks)
		}
	}
	if !sp.connect && forkTracks+countTracks(tracks) > maxForkTracks {
		return fmt.Sprintf("the call already streams %d tracks; Twilio streams at most %d at once (both_tracks counts two)", forkTracks, maxForkTracks)
	}
	return ""
}

// kindName says which kind of stream st is.
func (st *stream) kindName() string {
	if st.connect {
		return "bidirectional"
	}
	return "unidirectional " + strings.Join(st.trackNames(), "+")
}

func countTracks(t [2]bool) int {
	n := 0
	for _, on := range t {
		if on {
			n++
		}
	}
	return n
}

// streamURLError is a URL Twilio would not dial, with its code.
type streamURLError struct {
	code int
	msg  string
}

func (e *streamURLError) Error() string { return e.msg }

// streamURL checks a stream's absolute URL: ws:// or wss:// (an http or
// https URL, which a relative url resolves to, becomes ws or wss).
func streamURL(u string) (string, *streamURLError) {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok || rest == "" || strings.HasPrefix(rest, "/") {
		return "", &streamURLError{codeStreamMalformedURL, fmt.Sprintf("Stream - WebSocket - Malformed URL: %q (want wss://host/path)", u)}
	}
	switch strings.ToLower(scheme) {
	case "ws", "wss":
		return u, nil
	case "http":
		return "ws://" + rest, nil
	case "https":
		return "wss://" + rest, nil
	}
	return "", &streamURLError{codeStreamScheme, fmt.Sprintf("Stream - WebSocket - URL Schema Not Supported: %q (want wss://)", u)}
}

// streamParamsLocked returns the stream's custom parameters: the last of
// a name wins; a pair of 500 characters or more is dropped with a
// warning.
func (c *Call) streamParamsLocked(ps []twiml.Parameter) []twiml.Parameter {
	var kept []twiml.Parameter
	for _, p := range ps {
		if len(p.Name)+len(p.Value) >= maxParameterPair {
			c.notifyLocked(twiml.CodeSchema, LevelWarning, fmt.Sprintf("<Parameter name=%q>: name and value together must be under %d characters; dropped", p.Name, maxParameterPair), c.program.docURL, "")
			continue
		}
		kept = append(kept, p)
	}
	return dedupeParams(kept)
}

// dedupeParams returns ps with one parameter of each name, where the
// first was, with the last one's value.
func dedupeParams(ps []twiml.Parameter) []twiml.Parameter {
	var out []twiml.Parameter
	for _, p := range ps {
		i := 0
		for i < len(out) && out[i].Name != p.Name {
			i++
		}
		if i < len(out) {
			out[i].Value = p.Value
			continue
		}
		out = append(out, p)
	}
	return out
}

// openLocked dials the application, as an exchange in flight.
func (st *stream) openLocked() {
	st.call.dialSocketLocked(st.url, nil, func() bool { return st.state == streamStopped }, st.openedLocked)
}

// openedLocked goes on once the dial is done: the stream starts, or fails.
func (st *stream) openedLocked(k *socket, err error) {
	c := st.call
	if err != nil {
		de := err.(*streamDialError)
		st.failLocked(de.code, de.msg)
		return
	}
	s := c.srv
	st.sock, st.state, st.startAt = k, streamOpen, s.clock.Now()
	st.queueLocked(connectedMessage(), StreamMessage{Event: "connected"})
	st.seq++
	st.queueLocked(st.startMessage(st.seq), StreamMessage{Event: "start", FirstSeq: st.seq, LastSeq: st.seq})
	c.recordLocked(callEvent{kind: EventStream, action: ActionStarted, url: st.url, more: &eventMore{sid: st.sid, name: st.name, noun: st.kindName()}})
	st.tick = c.afterUnlessEndedLocked(0, st.turnLocked)
	st.callbackLocked("stream-started", "")
	st.planLocked()
}

// failLocked ends a stream that could not be opened or broke: the
// notification, the stream-error callback, and, for <Connect>, the call
// goes on.
func (st *stream) failLocked(code int, msg string) {
	c := st.call
	c.notifyLocked(code, LevelError, msg, st.url, "")
	st.failed = true
	st.callbackLocked("stream-error", msg)
	st.stopLocked(msg, false)
}

// queueLocked adds a message of Twilio's to the next turn, and to the
// record.
func (st *stream) queueLocked(msg []byte, m StreamMessage) {
	st.out = append(st.out, msg)
	m.Time = st.call.srv.clock.Now()
	if m.Event != "media" {
		m.Text = string(msg)
	}
	st.log.addLocked(m, st.call.srv.cfg.callLimits.StreamMessages)
}

// nextSeq returns the next sequenceNumber.
func (st *stream) nextSeq() int64 {
	st.seq++
	return st.seq
}

// turnLocked is one 20 ms turn of an open stream: the application's audio
// that played since the last turn (its marks echoed), then, once the far
// end has done what it does at this instant (framesLocked), the frames of
// this one and the exchange.
func (st *stream) turnLocked() {
	if st.state != streamOpen {
		return
	}
	st.play.advanceLocked(st, st.call.srv.clock.Now())
	// The far end's steps due now (at the stream's start, or in answer to
	// a mark just echoed or to the application's audio ending) are
	// scheduled already: they run before the frames, which carry what
	// they say from this instant on.
	st.tick = st.call.afterUnlessEndedLocked(0, st.framesLocked)
}

// framesLocked sends the turn's frames and whatever else Twilio has to
// say, as an exchange.
func (st *stream) framesLocked() {
	if st.state != streamOpen {
		return
	}
	c := st.call
	s := c.srv
	now := s.clock.Now()
	c.voice.pruneLocked(now.Add(-frameLength))
	ts := st.slots * int64(frameLength/time.Millisecond)
	for t, on := range st.tracks {
		if !on {
			continue
		}
		frame := st.frame[:]
		c.voice.renderLocked(t, now, frame)
		st.chunks[t]++
		seq := st.nextSeq()
		st.media[t] = st.mediaMessage(st.media[t][:0], seq, trackNames[t], st.chunks[t], ts, frame)
		st.queueLocked(st.media[t],
			StreamMessage{Event: "media", Track: trackNames[t], FirstSeq: seq, LastSeq: seq, Chunks: 1, Duration: frameLength})
		st.log.keepAudio(t, frame, s.cfg.callLimits.StreamAudio)
	}
	st.slots++
	msgs, k, patience := st.out, st.sock, s.cfg.streamPatience
	st.out = nil
	var res turnResult
	st.inTurn = true
	s.out.exchangeLocked(c, func() { res = k.exchange(msgs, patience, true) }, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		st.inTurn = false
		if st.closing != nil { // stopped during the turn: now the socket is free
			st.closeSocketLocked(st.closing)
			return
		}
		st.turnDoneLocked(res)
	})
}

// turnDoneLocked applies what the application sent during the turn, then
// schedules the next turn, or ends the stream if the application closed
// it.
func (st *stream) turnDoneLocked(res turnResult) {
	if st.state != streamOpen {
		return
	}
	c := st.call
	msgs, dropped, closed, byApp := st.sock.take()
	for _, m := range msgs {
		st.receiveLocked(m)
		if st.state != streamOpen {
			return
		}
	}
	if dropped > 0 {
		st.warnOnceLocked(codeStreamMediaDropped, LevelWarning, fmt.Sprintf("Stream - Media - Media Discarded: the application sent more than the harness buffers (%d messages dropped)", dropped))
	}
	switch {
	case res.stalled:
		st.failLocked(CodeStreamStalled, fmt.Sprintf("the application reads the stream no more: it left Twilio's messages unread, or two pings in a row unanswered, for %v each (harness.WithStreamPatience); the stream is broken", c.srv.cfg.streamPatience))
		return
	case closed != nil && byApp:
		st.stopLocked("the application closed the WebSocket", false)
		return
	case closed != nil || res.err != nil:
		why := closed
		if why == nil {
			why = res.err
		}
		st.failLocked(codeStreamProtocol, "Stream - Websocket - Protocol Error: the connection broke: "+why.Error())
		return
	}
	if res.late && !st.late {
		st.late = true
		c.noteLocked(fmt.Sprintf("stream %s: the application did not answer a ping within %v; the stream goes on without waiting for it, and this run may not repeat", st.sid, c.srv.cfg.streamPatience))
	}
	next := st.startAt.Add(time.Duration(st.slots) * frameLength)
	st.tick = c.afterUnlessEndedLocked(next.Sub(c.srv.clock.Now()), st.turnLocked)
}

// receiveLocked applies one message of the application's.
func (st *stream) receiveLocked(m appMessage) {
	c := st.call
	rec := StreamMessage{FromApp: true, Time: c.srv.clock.Now(), Text: clip(string(m.data), 1024)}
	ev, err := decodeAppMessage(m, st.sid)
	code, level, title := codeStreamInvalidMsg, LevelWarning, "Stream - Protocol - Invalid Message: "
	if err == nil && !st.connect {
		err = fmt.Errorf("%w: a unidirectional stream takes no messages from the application (%s)", errAppMessage, ev.Event)
		code, level, title = codeStreamProtocol, LevelError, "Stream - Websocket - Protocol Error: "
	}
	if err != nil {
		why := strings.TrimPrefix(err.Error(), errAppMessage.Error()+": ")
		rec.Event, rec.Problem = ev.Event, why
		st.log.addLocked(rec, c.srv.cfg.callLimits.StreamMessages)
		st.warnOnceLocked(code, level, title+why)
		return
	}
	rec.Event = ev.Event
	switch ev.Event {
	case "media":
		rec.Text, rec.Chunks, rec.Duration = "", 1, time.Duration(len(ev.audio))*time.Millisecond/bytesPerMs
		st.log.addLocked(rec, c.srv.cfg.callLimits.StreamMessages)
		st.log.keepAudio(trackApp, ev.audio, c.srv.cfg.callLimits.StreamAudio)
		st.play.addAudioLocked(st, ev.audio)
	case "mark":
		rec.Name = *ev.Mark.Name
		st.log.addLocked(rec, c.srv.cfg.callLimits.StreamMessages)
		st.play.addMarkLocked(st, *ev.Mark.Name)
	case "clear":
		st.log.addLocked(rec, c.srv.cfg.callLimits.StreamMessages)
		st.play.clearLocked(st)
	}
}

// warnOnceLocked logs code once in the stream's life.
func (st *stream) warnOnceLocked(code int, level Level, msg string) {
	if st.warned[code] {
		return
	}
	if st.warned == nil {
		st.warned = map[int]bool{}
	}
	st.warned[code] = true
	st.call.notifyLocked(code, level, msg, st.url, "")
}

// stopLocked ends the stream: its turns and the far end's steps stop; an
// open socket gets the stop message (unless the application closed it) and
// is closed; the stream-stopped callback goes out if it had started.
func (st *stream) stopLocked(why string, sendStop bool) {
	if st.state == streamStopped {
		return
	}
	c := st.call
	s := c.srv
	wasOpen := st.state == streamOpen
	st.state, st.why, st.stopped = streamStopped, why, s.clock.Now()
	s.clock.Cancel(st.tick)
	for _, t := range st.timers {
		s.clock.Cancel(t)
	}
	st.tick, st.timers, st.waits = nil, nil, nil
	if wasOpen {
		st.play.endLocked(st)
	}
	action := ActionStopped
	if st.failed {
		action = ActionFailed
	}
	c.recordLocked(callEvent{kind: EventStream, action: action, text: why, url: st.url, more: &eventMore{sid: st.sid, name: st.name, noun: st.kindName()}})
	if wasOpen {
		msgs := [][]byte{}
		if sendStop {
			st.queueLocked(st.stopMessage(st.nextSeq()), StreamMessage{Event: "stop", FirstSeq: st.seq, LastSeq: st.seq})
			msgs = st.out
		}
		st.out = nil
		st.closeSocketLocked(msgs)
		st.callbackLocked("stream-stopped", "")
	}
	if v := st.verb; v != nil {
		st.verb = nil
		v.streamEndedLocked()
	}
}

// closeSocketLocked writes the stream's last messages and closes its
// socket, as an exchange in flight; if a turn is in flight, once it is
// applied.
func (st *stream) closeSocketLocked(msgs [][]byte) {
	if st.inTurn {
		st.closing = msgs
		return
	}
	st.closing = nil
	k, patience := st.sock, st.call.srv.cfg.streamPatience
	st.call.srv.out.exchangeLocked(st.call, func() {
		k.exchange(msgs, patience, false)
		k.close()
	}, func() {})
}

// callbackLocked sends the stream's status callback for event, if it has
// one.
func (st *stream) callbackLocked(event, errText string) {
	if st.cbURL == "" {
		return
	}
	c := st.call
	s := c.srv
	p := signing.Params{
		{Name: "AccountSid", Value: c.account},
		{Name: "CallSid", Value: c.sid},
		{Name: "StreamSid", Value: st.sid},
		{Name: "StreamName", Value: st.displayName()},
		{Name: "StreamEvent", Value: event},
		{Name: "Timestamp", Value: s.clock.Now().UTC().Format("2006-01-02T15:04:05.000Z")},
	}
	if errText != "" {
		p = append(p, signing.Param{Name: "StreamError", Value: errText})
	}
	s.out.postLocked(s.out.buildLocked(KindStreamCallback, c, st.cbMethod, st.cbURL, p))
}

// stopStreamsLocked stops every stream of the call: it ended.
func (c *Call) stopStreamsLocked(why string) {
	for _, st := range c.streams {
		st.stopLocked(why, true)
	}
}

// streamNamedLocked returns the call's stream whose SID or name is ref,
// nil if none.
func (c *Call) streamNamedLocked(ref string) *stream {
	for i := len(c.streams) - 1; i >= 0; i-- {
		if st := c.streams[i]; st.sid == ref || st.name != "" && st.name == ref {
			return st
		}
	}
	return nil
}

// clip cuts s to at most n bytes.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// abandonLocked drops the stream at a reset: no stop message, no
// callback, no record; its socket is closed on a goroutine of the
// server's.
func (st *stream) abandonLocked() {
	if st.state == streamStopped {
		return
	}
	s := st.call.srv
	st.state = streamStopped
	s.clock.Cancel(st.tick)
	if k := st.sock; k != nil {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			k.close()
		}()
	}
}
