package harness

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
)

// The WebSocket of a stream: Twilio is the client. The harness dials an
// application served in-process ([WithApp]) over an in-memory pipe, its
// handler getting a real upgrade (a Hijacker) with no port opened, and any
// other ws:// or wss:// URL over the network. A reader goroutine keeps
// what the application sends in an inbox; a turn of the stream writes
// Twilio's messages, then pings the application and waits for its pong, so
// that everything it sent in answer to them is in the inbox when the
// engine applies the turn (see stream.go).

const (
	// streamReadLimit is the largest message the harness reads from an
	// application: 4 MiB (a media message of four minutes of audio).
	streamReadLimit = 4 << 20
	// streamInboxLimit bounds what an application's unapplied messages may
	// hold, so that one flooding the socket cannot exhaust the server;
	// past it, messages are dropped (warning 31931).
	streamInboxLimit = 16 << 20
)

// socket is one stream's WebSocket connection.
type socket struct {
	conn   *websocket.Conn
	done   chan struct{} // the reader ended
	unhook func() bool   // stops closing the connection with the server

	// A turn writes and pings without a deadline of the library's (one
	// costs a timer and a goroutine handoff a message); a watchdog,
	// armed for the turn, closes the connection if the application does
	// not read within the patience, or gives up on the pong.
	dog     *time.Timer
	phase   atomic.Int32 // turnIdle, turnWriting or turnPinging
	due     atomic.Int64 // when the turn's patience runs out, in Unix nanoseconds
	stalled atomic.Bool
	ponged  atomic.Bool // a pong came since the last turn that gave up on one
	late    bool        // the last turn gave up on its pong (the exchange's alone)
	pingCtx context.Context
	giveUp  context.CancelFunc
	open    context.Context // done once the reader has ended: a ping waits no more
	ended   context.CancelFunc

	// arrived is signalled (without blocking) when the reader adds to the
	// inbox or ends; notify, if set before the reader starts, is called
	// then too (a ConversationRelay session's applier).
	arrived chan struct{}
	notify  func()

	mu       sync.Mutex // guards the fields below; never held with Server.mu
	inbox    []appMessage
	inboxLen int
	dropped  int   // messages dropped past streamInboxLimit
	closed   error // why the connection closed, nil while open
	appClose bool  // the application closed it
}

// The phases of a turn, for the watchdog.
const (
	turnIdle int32 = iota
	turnWriting
	turnPinging
)

// streamDialError is a failed dial: Twilio's code, and the notification's
// message.
type streamDialError struct {
	code int
	msg  string
}

func (e *streamDialError) Error() string { return e.msg }

// dialSocketLocked opens the WebSocket of a stream or session of c to target,
// signed, as an exchange in flight; notify is the socket's (nil for none).
// What dials may be dropped meanwhile (a reset, the call's end: gone
// reports it, with srv.mu held): its socket is closed then. Otherwise
// opened runs, with srv.mu held, once the dial is done; its error is a
// *streamDialError.
func (c *Call) dialSocketLocked(target string, notify func(), gone func() bool, opened func(*socket, error)) {
	s := c.srv
	sig := s.accounts[c.account].signer.Sign(target, nil)
	var k *socket
	var err error
	s.out.exchangeLocked(c, func() {
		k, err = s.dialSocket(target, sig, notify)
		if k == nil {
			return
		}
		s.mu.Lock()
		dropped := gone()
		s.mu.Unlock()
		if dropped {
			k.close()
			k = nil
		}
	}, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if gone() { // dropped since the check
			if k != nil {
				s.out.exchangeLocked(c, k.close, func() {})
			}
			return
		}
		opened(k, err)
	})
}

// dialSocket opens the WebSocket to target, signed with sig; notify, if
// not nil, is called each time the application sends something or the
// connection closes.
func (s *Server) dialSocket(target, sig string, notify func()) (*socket, error) {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return nil, &streamDialError{codeStreamMalformedURL, fmt.Sprintf("Stream - WebSocket - Malformed URL: %q", target)}
	}
	httpScheme := map[string]string{"ws": "http", "wss": "https"}[u.Scheme]
	if httpScheme == "" {
		return nil, &streamDialError{codeStreamScheme, fmt.Sprintf("Stream - WebSocket - URL Schema Not Supported: %q (want wss://, or ws:// in the harness)", target)}
	}
	hu := *u
	hu.Scheme = httpScheme
	k := &socket{done: make(chan struct{}), arrived: make(chan struct{}, 1), notify: notify}
	opts := &websocket.DialOptions{
		HTTPHeader:      http.Header{HeaderSignature: {sig}, "User-Agent": {UserAgent}},
		CompressionMode: websocket.CompressionDisabled,
		OnPongReceived:  func(context.Context, []byte) { k.ponged.Store(true) },
	}
	dialURL := target
	if app := s.out.apps[urlOrigin(&hu)]; app != nil {
		opts.HTTPClient = &http.Client{Transport: &upgradePipe{srv: s, h: app}}
	} else if real, proxy, ok := s.out.proxyTarget(&hu); ok {
		ru, _ := url.Parse(real)
		ru.Scheme = map[string]string{"http": "ws", "https": "wss"}[ru.Scheme]
		dialURL, opts.Host = ru.String(), u.Host
		for k, v := range proxy {
			opts.HTTPHeader[k] = v
		}
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.webhookTimeout)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, dialURL, opts)
	if err != nil {
		return nil, &streamDialError{dialErrorCode(err, resp), dialErrorText(err, resp)}
	}
	conn.SetReadLimit(streamReadLimit)
	k.conn = conn
	k.unhook = context.AfterFunc(s.ctx, func() { conn.CloseNow() })
	k.dog = watchdog(k.bark)
	k.open, k.ended = context.WithCancel(context.Background())
	k.pingCtx, k.giveUp = context.WithCancel(k.open)
	s.wg.Add(1)
	go k.read(&s.wg)
	return k, nil
}

// dialErrorCode returns Twilio's code for a failed dial.
func dialErrorCode(err error, resp *http.Response) int {
	var tlsErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	switch {
	case resp != nil:
		return codeStreamHandshake
	case errors.Is(err, context.DeadlineExceeded):
		return codeStreamTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return codeStreamRefused
	case errors.As(err, &tlsErr), errors.As(err, &certErr):
		return codeStreamTLS
	}
	return codeStreamRefused
}

// dialErrorText says what went wrong with a dial.
func dialErrorText(err error, resp *http.Response) string {
	if resp != nil {
		return fmt.Sprintf("Stream - WebSocket - Handshake Error: the application answered the upgrade with HTTP %d, not 101", resp.StatusCode)
	}
	return fmt.Sprintf("Stream - WebSocket - could not connect: %v", err)
}

// read keeps what the application sends until the connection closes.
func (k *socket) read(wg *sync.WaitGroup) {
	defer wg.Done()
	defer k.signal()
	defer k.ended()
	defer close(k.done)
	for {
		typ, data, err := k.conn.Read(context.Background()) // ended by closing the connection
		k.mu.Lock()
		if err != nil {
			k.closed = err
			k.appClose = websocket.CloseStatus(err) != -1 || errors.Is(err, io.EOF)
			k.mu.Unlock()
			return
		}
		if k.inboxLen+len(data) > streamInboxLimit {
			k.dropped++
		} else {
			k.inbox = append(k.inbox, appMessage{data: data, binary: typ == websocket.MessageBinary})
			k.inboxLen += len(data)
		}
		k.mu.Unlock()
		k.signal()
	}
}

// signal tells whoever waits for the application that it sent something,
// or that the connection closed.
func (k *socket) signal() {
	select {
	case k.arrived <- struct{}{}:
	default:
	}
	if k.notify != nil {
		k.notify()
	}
}

// awaitInbox waits, at most d of real time, until a message of the inbox
// satisfies ok or the connection closes, and reports whether one did.
// Call without any lock.
func (k *socket) awaitInbox(ok func(appMessage) bool, d time.Duration) bool {
	deadline := realNanos() + int64(d)
	seen := 0
	for {
		k.mu.Lock()
		for ; seen < len(k.inbox); seen++ {
			if ok(k.inbox[seen]) {
				k.mu.Unlock()
				return true
			}
		}
		closed := k.closed != nil
		k.mu.Unlock()
		left := time.Duration(deadline - realNanos())
		if closed || left <= 0 || !awaitAtMost(k.arrived, left) {
			return false
		}
	}
}

// take returns the messages read so far, how many were dropped, and why
// the connection closed (nil while it is open).
func (k *socket) take() (msgs []appMessage, dropped int, closed error, byApp bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	msgs, dropped = k.inbox, k.dropped
	k.inbox, k.inboxLen, k.dropped = nil, 0, 0
	return msgs, dropped, k.closed, k.appClose
}

// turnResult is what a turn's exchange found.
type turnResult struct {
	err     error // the connection failed while writing
	late    bool  // the application did not answer the ping within the patience
	stalled bool  // the application did not read within the patience
}

// exchange writes msgs, then, unless the connection closes, pings the
// application and waits for the pong, each within patience of real time.
// Call without any lock, one exchange at a time.
func (k *socket) exchange(msgs [][]byte, patience time.Duration, ping bool) turnResult {
	k.due.Store(realNanos() + int64(patience))
	k.phase.Store(turnWriting)
	k.dog.Reset(patience)
	defer func() {
		k.dog.Stop()
		k.phase.Store(turnIdle)
	}()
	for _, m := range msgs {
		if err := k.conn.Write(context.Background(), websocket.MessageText, m); err != nil {
			if k.readerEnded(patience) { // the application closed it: the inbox says so
				return turnResult{stalled: k.stalled.Load()}
			}
			return turnResult{err: err, stalled: k.stalled.Load()}
		}
	}
	if !ping {
		return turnResult{}
	}
	if k.pingCtx.Err() != nil { // the last pong was given up on
		k.pingCtx, k.giveUp = context.WithCancel(k.open)
	}
	k.phase.Store(turnPinging)
	if err := k.conn.Ping(k.pingCtx); err != nil {
		if k.open.Err() == nil && k.pingCtx.Err() != nil {
			// No pong within the patience. Twice in a row with no pong
			// at all in between, the application reads no more: its
			// socket's buffers would take audio for minutes, but nothing
			// it does reaches the call.
			if k.late && !k.ponged.Swap(false) {
				k.stalled.Store(true)
				k.conn.CloseNow()
				return turnResult{stalled: true}
			}
			k.late = true
			k.ponged.Store(false)
			return turnResult{late: true}
		}
		k.readerEnded(patience) // closed: the inbox says how
	}
	k.late = false
	return turnResult{}
}

// readerEnded waits, at most d, for the reader to see the connection
// closed, and reports whether it did.
func (k *socket) readerEnded(d time.Duration) bool { return awaitAtMost(k.done, d) }

// bark is the watchdog: a turn took longer than the patience. An
// application that does not read has its connection closed; one that does
// not answer the ping is no longer waited for.
func (k *socket) bark() {
	if realNanos() < k.due.Load() { // armed for an earlier turn, and late
		return
	}
	switch k.phase.Load() {
	case turnWriting:
		k.stalled.Store(true)
		k.conn.CloseNow()
	case turnPinging:
		k.giveUp()
	}
}

// close ends the connection with a normal closure and waits for the reader.
func (k *socket) close() { k.closeWith(websocket.StatusNormalClosure, "") }

// closeWith ends the connection with code and reason, and waits for the
// reader.
func (k *socket) closeWith(code websocket.StatusCode, reason string) {
	k.conn.Close(code, reason)
	k.conn.CloseNow()
	<-k.done
	k.unhook()
	k.giveUp()
}

// upgradePipe is the http.RoundTripper of an in-process stream: it hands
// the upgrade request to the application's handler, as an http.Server
// would, over an in-memory connection (memPipe).
type upgradePipe struct {
	srv *Server
	h   http.Handler
}

func (p *upgradePipe) RoundTrip(req *http.Request) (*http.Response, error) {
	twilioEnd, appEnd := memPipe()
	u := *req.URL
	r := req.Clone(p.srv.ctx)
	r.RequestURI, r.Host, r.RemoteAddr = u.RequestURI(), req.Host, twilioAddr
	if r.Host == "" {
		r.Host = u.Host
	}
	if u.Scheme == "https" {
		r.TLS = &tls.ConnectionState{HandshakeComplete: true, ServerName: u.Hostname(), Version: tls.VersionTLS13}
	}
	u.Scheme, u.Host = "", ""
	r.URL = &u
	w := &upgradeWriter{responseRecorder: newResponseRecorder(maxRefusal), conn: appEnd, ready: make(chan struct{})}
	p.srv.handlers.Add(1)
	go func() {
		defer p.srv.handlers.Done()
		defer func() {
			if v := recover(); v != nil {
				p.srv.logf("harness: the application's WebSocket handler panicked on %s: %v\n%s", req.URL, v, debug.Stack())
			}
			w.finish()
		}()
		p.h.ServeHTTP(w, r)
	}()
	select {
	case <-w.ready:
	case <-req.Context().Done():
		twilioEnd.Close()
		appEnd.Close()
		return nil, req.Context().Err()
	}
	if !w.hijacked {
		twilioEnd.Close()
		appEnd.Close()
		return w.response(req), nil
	}
	if w.status == http.StatusSwitchingProtocols { // written before the hijack, as net/http would send it
		return &http.Response{Status: "101 Switching Protocols", StatusCode: http.StatusSwitchingProtocols, Proto: "HTTP/1.1",
			ProtoMajor: 1, ProtoMinor: 1, Header: w.Header(), Body: twilioEnd, Request: req}, nil
	}
	// The handler wrote its own response on the connection (gorilla/websocket does).
	br := bufio.NewReader(twilioEnd)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		twilioEnd.Close()
		return nil, err
	}
	resp.Body = bufferedConn{Reader: br, Writer: twilioEnd, Closer: twilioEnd}
	return resp, nil
}

// bufferedConn is a connection whose reads go through a buffer that may
// already hold some of them.
type bufferedConn struct {
	io.Reader
	io.Writer
	io.Closer
}

// maxRefusal is how much of the body of a handler that refuses an upgrade
// the harness keeps.
const maxRefusal = 4096

// upgradeWriter is the http.ResponseWriter of an in-process upgrade: an
// http.Hijacker whose connection is one end of a memPipe. A handler that
// does not upgrade answers into its recorder.
type upgradeWriter struct {
	*responseRecorder
	conn     net.Conn
	hijacked bool
	ready    chan struct{}
	once     sync.Once
}

// Write writes the reply of a handler that did not upgrade.
func (w *upgradeWriter) Write(b []byte) (int, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	return w.responseRecorder.Write(b)
}

// WriteString is Write for a string (the recorder's own would pass over
// the check of a hijacked connection).
func (w *upgradeWriter) WriteString(s string) (int, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	return w.responseRecorder.WriteString(s)
}

// Hijack hands the handler its end of the pipe.
func (w *upgradeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.hijacked {
		return nil, nil, http.ErrHijacked
	}
	w.hijacked = true
	rw := bufio.NewReadWriter(bufio.NewReader(w.conn), bufio.NewWriter(w.conn))
	w.once.Do(func() { close(w.ready) })
	return w.conn, rw, nil
}

// finish ends a handler that returned without hijacking.
func (w *upgradeWriter) finish() { w.once.Do(func() { close(w.ready) }) }

// response is the reply of a handler that did not upgrade.
func (w *upgradeWriter) response(req *http.Request) *http.Response {
	code := w.code()
	return &http.Response{Status: fmt.Sprint(code, " ", http.StatusText(code)), StatusCode: code, Proto: "HTTP/1.1",
		ProtoMajor: 1, ProtoMinor: 1, Header: w.Header(), Body: io.NopCloser(bytes.NewReader(w.body.Bytes())), Request: req}
}
