package harness_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
)

// The application of the Media Streams specs (stream_test.go): TwiML
// documents by path, and WebSocket endpoints that record everything they
// receive, exactly as received, and follow the spec's script. Each spec
// asserts on what the application saw.

// recApp is a stream spec's application: it answers each path of docs with
// its TwiML, each path of ws with a WebSocket session following the
// script, and every other path (callbacks) with 204.
type recApp struct {
	mu       sync.Mutex
	base     string // the origin streams reach the application at: wss://… or ws://127.0.0.1:port
	docs     map[string]string
	ws       map[string]appScript
	sessions []*appSession
	release  chan struct{} // closed when the spec ends: deaf sessions return
}

// appScript is what a WebSocket endpoint does.
type appScript struct {
	// refuse, when not 0, answers the upgrade with this HTTP status.
	refuse int
	// on reacts to a message, by its event, after recording it.
	on map[string]func(*appSession, twMsg)
	// deafAfter, when set, stops reading after a message of that event
	// (the session then never reads again, nor answers pings).
	deafAfter string
}

// wsBase is where a document's "{ws}" points: the stream endpoint's
// origin.
const wsBase = "{ws}"

func (a *recApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	doc, isDoc := a.docs[r.URL.Path]
	script, isWS := a.ws[r.URL.Path]
	base := a.base
	a.mu.Unlock()
	switch {
	case isWS:
		a.serveWS(w, r, script)
	case isDoc:
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, strings.ReplaceAll(doc, wsBase, base))
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// serveWS is one WebSocket session: it records the upgrade request, then
// every message, and reacts as the script says until the connection ends.
func (a *recApp) serveWS(w http.ResponseWriter, r *http.Request, script appScript) {
	s := &appSession{appConn: newAppConn[twMsg](r)}
	a.mu.Lock()
	a.sessions = append(a.sessions, s)
	a.mu.Unlock()
	defer close(s.done)
	if script.refuse != 0 {
		http.Error(w, "not here", script.refuse)
		s.end("refused")
		return
	}
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		s.end("accept failed: " + err.Error())
		return
	}
	defer conn.CloseNow()
	s.conn = conn
	ctx := context.Background()
	for {
		typ, data, err := conn.Read(ctx)
		if err != nil {
			s.end(fmt.Sprintf("closed by Twilio: %v", websocket.CloseStatus(err)))
			return
		}
		m := decodeTwMsg(data, typ == websocket.MessageBinary)
		s.mu.Lock()
		s.got = append(s.got, m)
		if m.Event == "media" {
			s.frames++
		}
		s.mu.Unlock()
		if f := script.on[m.Event]; f != nil {
			f(s, m)
		}
		if s.isClosed() {
			return
		}
		if script.deafAfter != "" && m.Event == script.deafAfter {
			s.end("deaf")
			<-a.release
			return
		}
	}
}

// sessionsAt returns the sessions of path, in the order they began, each
// once it has ended; deaf ones at once.
func (a *recApp) sessionsAt(path string) []*appSession {
	a.mu.Lock()
	all := append([]*appSession(nil), a.sessions...)
	a.mu.Unlock()
	var out []*appSession
	for _, s := range all {
		if s.Path != path {
			continue
		}
		if !s.isDeaf() {
			<-s.done
		}
		out = append(out, s)
	}
	return out
}

// appSession is one WebSocket connection, as the application saw it.
type appSession struct {
	appConn[twMsg]
	frames int // media messages received
}

func (s *appSession) isDeaf() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.how == "deaf"
}

// mediaCount is how many media messages it received so far.
func (s *appSession) mediaCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frames
}

// streamSid is the SID the start message gave, "" before it.
func (s *appSession) streamSid() string {
	for _, m := range s.received() {
		if m.Start != nil {
			return m.Start.StreamSid
		}
	}
	return ""
}

// send writes one text message. It runs on the handler's goroutine: a
// failure is kept for the rig to report.
func (s *appSession) send(text string) {
	s.write(websocket.MessageText, []byte(text), text)
}

// sendJSON writes v as JSON.
func (s *appSession) sendJSON(v any) {
	b, _ := json.Marshal(v) // maps of strings always marshal
	s.send(string(b))
}

// clipText cuts a message for a failure's description.
func clipText(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// sendAudio sends d of μ-law audio, every byte b, in one media message.
func (s *appSession) sendAudio(d time.Duration, b byte) {
	s.sendBytes(bytes.Repeat([]byte{b}, int(d/time.Millisecond)*8))
}

// sendBytes sends μ-law audio in one media message.
func (s *appSession) sendBytes(ulaw []byte) {
	s.sendJSON(map[string]any{"event": "media", "streamSid": s.streamSid(),
		"media": map[string]string{"payload": base64.StdEncoding.EncodeToString(ulaw)}})
}

// sendMark sends a mark.
func (s *appSession) sendMark(name string) {
	s.sendJSON(map[string]any{"event": "mark", "streamSid": s.streamSid(), "mark": map[string]string{"name": name}})
}

// sendClear sends a clear.
func (s *appSession) sendClear() {
	s.sendJSON(map[string]string{"event": "clear", "streamSid": s.streamSid()})
}

// twMsg is a message Twilio sent, as received: its text, and its fields
// decoded strictly (a field Twilio does not document, or a counter that is
// not a JSON string, is an error in Err).
type twMsg struct {
	Raw    string `json:"-"`
	Binary bool   `json:"-"`
	Err    error  `json:"-"`

	Event          string   `json:"event"`
	SequenceNumber string   `json:"sequenceNumber"`
	StreamSid      string   `json:"streamSid"`
	Protocol       string   `json:"protocol"`
	Version        string   `json:"version"`
	Start          *twStart `json:"start"`
	Media          *twMedia `json:"media"`
	Dtmf           *twDtmf  `json:"dtmf"`
	Mark           *twMark  `json:"mark"`
	Stop           *twStop  `json:"stop"`
}

type twStart struct {
	AccountSid       string            `json:"accountSid"`
	StreamSid        string            `json:"streamSid"`
	CallSid          string            `json:"callSid"`
	Tracks           []string          `json:"tracks"`
	CustomParameters map[string]string `json:"customParameters"`
	MediaFormat      struct {
		Encoding   string `json:"encoding"`
		SampleRate int    `json:"sampleRate"`
		Channels   int    `json:"channels"`
	} `json:"mediaFormat"`
}

type twMedia struct {
	Track     string `json:"track"`
	Chunk     string `json:"chunk"`
	Timestamp string `json:"timestamp"`
	Payload   string `json:"payload"`
}

// audio is the frame's μ-law bytes; nil if the payload is not base64.
func (m *twMedia) audio() []byte {
	b, err := base64.StdEncoding.DecodeString(m.Payload)
	if err != nil {
		return nil
	}
	return b
}

type twDtmf struct {
	Track string `json:"track"`
	Digit string `json:"digit"`
}

type twMark struct {
	Name string `json:"name"`
}

type twStop struct {
	AccountSid string `json:"accountSid"`
	CallSid    string `json:"callSid"`
}

func decodeTwMsg(data []byte, binary bool) twMsg {
	var m twMsg
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	err := d.Decode(&m)
	m.Raw, m.Binary, m.Err = string(data), binary, err
	if binary && err == nil {
		m.Err = fmt.Errorf("a binary frame")
	}
	return m
}

// String is a line of a session's log: the message in a few words, for specs
// that check an order ("start 1", "media inbound 1 0", "mark m1 52",
// "dtmf 5 7", "stop 60").
func (m twMsg) String() string {
	switch m.Event {
	case "connected":
		return "connected"
	case "start":
		return "start " + m.SequenceNumber
	case "media":
		return "media " + m.Media.Track + " " + m.Media.Chunk + " " + m.Media.Timestamp
	case "dtmf":
		return "dtmf " + m.Dtmf.Digit + " " + m.SequenceNumber
	case "mark":
		return "mark " + m.Mark.Name + " " + m.SequenceNumber
	case "stop":
		return "stop " + m.SequenceNumber
	}
	return "? " + m.Raw
}

// streamRig is one fake Twilio for one stream spec: the server, the
// application (in-process at srOrigin, or also served on a loopback port),
// and the notifications the spec expects.
type streamRig struct {
	srv      *harness.Server
	app      *recApp
	loopback bool
	codes    []int
}

// The addresses of the stream specs.
const (
	srOrigin = "https://app.example.com"
	srCaller = "+14155550901"
	srFrom   = "+15005550006"
)

// newStreamRig starts a server owned by the running spec with the
// application's documents docs and WebSocket endpoints ws. In-process, the
// endpoints are at wss://app.example.com; over loopback, at
// ws://127.0.0.1:port of a real server with the same handler. When the
// spec ends the server must have logged exactly the notifications the spec
// expects (expectCodes), and every message Twilio sent must have decoded
// strictly.
func newStreamRig(loopback bool, docs map[string]string, ws map[string]appScript, opts ...harness.Option) *streamRig {
	GinkgoHelper()
	app := &recApp{base: "wss://app.example.com", docs: docs, ws: ws, release: make(chan struct{})}
	r := &streamRig{app: app, loopback: loopback}
	if loopback {
		ts := httptest.NewServer(app)
		DeferCleanup(ts.Close)
		app.base = "ws" + strings.TrimPrefix(ts.URL, "http")
	}
	opts = append([]harness.Option{harness.WithApp(srOrigin, app)}, opts...)
	r.srv = harness.NewServer(GinkgoT(), opts...)
	DeferCleanup(func() {
		close(app.release)
		var got []int
		for _, n := range r.srv.Notifications() {
			got = append(got, n.Code)
		}
		Expect(got).To(Equal(r.codes), r.srv.Transcript)
		app.mu.Lock()
		sessions := append([]*appSession(nil), app.sessions...)
		app.mu.Unlock()
		for _, s := range sessions {
			s.mu.Lock()
			errs := s.errs
			s.mu.Unlock()
			Expect(errs).To(BeEmpty(), "the application at %s", s.Path)
			for _, m := range s.received() {
				Expect(m.Err).NotTo(HaveOccurred(), "a message Twilio sent: %s", m.Raw)
			}
		}
	})
	return r
}

// expectCodes says which notifications the spec's server must have logged
// by its end, in order.
func (r *streamRig) expectCodes(codes ...int) { r.codes = codes }

// wsURL is the URL of the application's WebSocket endpoint path.
func (r *streamRig) wsURL(path string) string { return r.app.base + path }

// call places a call to srCaller whose Url is the document at path. The
// call is not run.
func (r *streamRig) call(path string) *harness.Call {
	GinkgoHelper()
	c, err := r.srv.CreateCall(url.Values{"To": {srCaller}, "From": {srFrom}, "Url": {srOrigin + path}})
	Expect(err).NotTo(HaveOccurred())
	return c
}

// run places the call of path and waits for its end.
func (r *streamRig) run(path string) *harness.Call {
	GinkgoHelper()
	c := r.call(path)
	r.srv.Run()
	Expect(c.Ended()).To(BeTrue(), r.srv.Transcript)
	return c
}

// session returns the only session of path, once it has ended.
func (r *streamRig) session(path string) *appSession {
	GinkgoHelper()
	ss := r.app.sessionsAt(path)
	Expect(ss).To(HaveLen(1), "sessions at %s\n%s", path, r.srv.Transcript())
	return ss[0]
}

// requestsOf returns the requests of kind the server made, in order.
func (r *streamRig) requestsOf(kind harness.RequestKind) []harness.Request {
	var out []harness.Request
	for _, req := range r.srv.Requests() {
		if req.Kind == kind {
			out = append(out, req)
		}
	}
	return out
}

// ways runs body as two specs: in-process and over loopback.
func ways(text string, body func(loopback bool)) {
	It(text+" (in-process)", func() { body(false) })
	It(text+" (over loopback ws://)", func() { body(true) })
}
