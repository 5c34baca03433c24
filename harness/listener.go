package harness

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// ListenerLimits bounds the listener of [Server.URL] (and so of the
// standalone server): how long a client may take to send a request, how
// long a response may take to write, how long an idle keep-alive connection
// stays open, and how many connections may be open at once. Durations are
// real time, on the system clock, whatever clock the server runs on. A zero
// field means its default (see [DefaultListenerLimits]); a negative one
// means no limit. Set them with [WithListenerLimits].
type ListenerLimits struct {
	// ReadHeaderTimeout is how long a client may take to send a request's
	// line and headers (default 10 seconds).
	ReadHeaderTimeout time.Duration
	// ReadTimeout is how long a client may take to send a whole request,
	// body included, from the moment the connection is accepted or its
	// previous request ended (default 1 minute). A request whose body
	// never arrives is cut off after it.
	ReadTimeout time.Duration
	// WriteTimeout is how long the server may take to answer a request,
	// from the end of its headers to the last byte of the reply (default 5
	// minutes). It applies to the control API too: a POST clock/run that
	// runs longer, or a whole-server transcript or record that the client
	// reads more slowly, is cut off; raise it for those.
	WriteTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its
	// next request (default 2 minutes, longer than the 90 seconds Go's
	// HTTP clients keep an idle connection, so that the client closes it
	// first).
	IdleTimeout time.Duration
	// MaxConns is how many connections may be open at once, idle ones
	// included (default 1024). Past it, a new connection is answered at
	// once with 503 Service Unavailable and Twilio's error 20503, and
	// closed.
	MaxConns int
}

// DefaultListenerLimits returns the limits of a listener that
// [WithListenerLimits] does not change: 10 s to send the headers, 1 minute
// to send the whole request, 5 minutes to answer, 2 minutes idle, 1024
// connections.
func DefaultListenerLimits() ListenerLimits {
	return ListenerLimits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxConns:          1024,
	}
}

// withDefaults returns l with every zero field set to its default.
func (l ListenerLimits) withDefaults() ListenerLimits {
	def := DefaultListenerLimits()
	for _, f := range []struct{ v, def *time.Duration }{
		{&l.ReadHeaderTimeout, &def.ReadHeaderTimeout},
		{&l.ReadTimeout, &def.ReadTimeout},
		{&l.WriteTimeout, &def.WriteTimeout},
		{&l.IdleTimeout, &def.IdleTimeout},
	} {
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
	if l.MaxConns == 0 {
		l.MaxConns = def.MaxConns
	}
	return l
}

// httpServer returns the http.Server of a listener with these limits
// (filled in by withDefaults). net/http reads a negative timeout as none.
func (l ListenerLimits) httpServer(h http.Handler, connState func(net.Conn, http.ConnState)) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		ConnState:         connState,
	}
}

const (
	// turnAwayTimeout is how long a connection past the cap has to send
	// its request's headers, and to read the 503, before it is closed.
	turnAwayTimeout = time.Second
	// maxTurningAway is how many connections past the cap may be in the
	// middle of being answered; more are closed without an answer.
	maxTurningAway = 64
)

// limitListener is a net.Listener that keeps at most max connections open
// at once. A connection past the cap is answered with 503 and closed by a
// goroutine of the listener's own; a connection it returns frees its place
// when it is closed.
type limitListener struct {
	net.Listener
	max   int    // negative: no cap
	reply []byte // the whole HTTP response to a connection past the cap

	wg sync.WaitGroup // the goroutines that turn connections away

	mu sync.Mutex
	// guards the fields below
	open       int                   // connections returned by Accept and not yet closed
	turnedAway map[net.Conn]struct{} // connections being answered with 503
	closed     bool
}

func newLimitListener(ln net.Listener, max int) *limitListener {
	return &limitListener{Listener: ln, max: max, reply: turnAwayReply(max), turnedAway: map[net.Conn]struct{}{}}
}

// turnAwayReply is the answer to a connection past a cap of max: Twilio's
// error 20503, saying what the limit is and how to raise it.
func turnAwayReply(max int) []byte {
	msg := fmt.Sprintf("Service unavailable: the harness has too many connections open (its limit is %d): "+
		"close idle connections, or raise the limit (harness.ListenerLimits.MaxConns; twimlharness serve -max-conns)", max)
	ctype, body := twilioapi.NewErrorBody(http.StatusServiceUnavailable, codeServiceUnavailable, msg).Render(twilioapi.JSON)
	return fmt.Appendf(nil, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: %s\r\nContent-Length: %d\r\nRetry-After: 1\r\nConnection: close\r\n\r\n%s",
		ctype, len(body), body)
}

// Accept returns the next connection under the cap; connections past it
// are answered and closed on the way.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if lc := l.admit(c); lc != nil {
			return lc, nil
		}
	}
}

// admit returns c, counted, if the cap allows it; otherwise it starts
// turning c away and returns nil.
func (l *limitListener) admit(c net.Conn) net.Conn {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.closed:
		c.Close()
		return nil
	case l.max < 0 || l.open < l.max:
		l.open++
		return &limitedConn{Conn: c, l: l}
	case len(l.turnedAway) >= maxTurningAway:
		c.Close()
		return nil
	}
	l.turnedAway[c] = struct{}{}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done() // once turnAway has returned
		l.turnAway(c)
	}()
	return nil
}

// turnAway answers c with the 503 and closes it. It reads the request's
// headers first, so that the answer is not unsolicited (an HTTP client
// that has not sent its request yet would drop it), and drains what the
// client sends after the answer, so that closing does not reset the
// connection before the client has read it.
func (l *limitListener) turnAway(c net.Conn) {
	defer func() {
		l.mu.Lock()
		delete(l.turnedAway, c)
		l.mu.Unlock()
		c.Close()
	}()
	c.SetDeadline(time.Now().Add(turnAwayTimeout))
	br := bufio.NewReader(io.LimitReader(c, 64<<10))
	for {
		line, err := br.ReadSlice('\n')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
		if len(line) <= 2 && (string(line) == "\r\n" || string(line) == "\n") {
			break
		}
	}
	if _, err := c.Write(l.reply); err != nil {
		return
	}
	if cw, ok := c.(closeWriter); ok {
		cw.CloseWrite()
	}
	io.Copy(io.Discard, io.LimitReader(c, 1<<20))
}

// release frees the place of a closed connection.
func (l *limitListener) release() {
	l.mu.Lock()
	l.open--
	l.mu.Unlock()
}

// Close stops accepting and closes the connections being turned away.
// Connections already accepted are their server's to close.
func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.mu.Lock()
	l.closed = true
	for c := range l.turnedAway {
		c.Close()
	}
	l.mu.Unlock()
	return err
}

// wait waits, after Close, for the goroutines that turn connections away.
func (l *limitListener) wait() { l.wg.Wait() }

type closeWriter interface{ CloseWrite() error }

// limitedConn is a connection under the cap of its listener.
type limitedConn struct {
	net.Conn
	l        *limitListener
	releases sync.Once
}

// Close frees the connection's place before closing it, so that a client
// that sees the connection end may open another at once.
func (c *limitedConn) Close() error {
	c.releases.Do(c.l.release)
	return c.Conn.Close()
}

// CloseWrite shuts down the writing side of the connection, as net/http
// does before closing a connection whose request it did not read whole.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(closeWriter); ok {
		return cw.CloseWrite()
	}
	return errors.New("harness: the connection cannot close its writing side alone")
}
