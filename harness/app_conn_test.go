package harness_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/coder/websocket"
)

// appConn is one WebSocket connection of a spec's application, as the
// application saw it: the upgrade, Twilio's messages as M (decoded by the
// spec's rig), its own failures to write, and how it ended. The media
// stream and ConversationRelay rigs build their sessions on it.
type appConn[M any] struct {
	URL    string      // as the application was reached: scheme, host, path and query
	Path   string      // the path alone
	Header http.Header // the upgrade request's headers

	conn   *websocket.Conn
	done   chan struct{}
	mu     sync.Mutex
	got    []M
	errs   []string // the application's failures to write
	how    string   // how the session ended
	closed bool     // the application closed it
}

// newAppConn records the upgrade request r.
func newAppConn[M any](r *http.Request) appConn[M] {
	scheme := "ws"
	if r.TLS != nil {
		scheme = "wss"
	}
	return appConn[M]{URL: scheme + "://" + r.Host + r.URL.RequestURI(), Path: r.URL.Path, Header: r.Header.Clone(),
		done: make(chan struct{})}
}

func (s *appConn[M]) end(how string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.how == "" {
		s.how = how
	}
}

func (s *appConn[M]) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// ended says how the session ended: "closed by Twilio: 1000", "closed by
// the application", "refused"…
func (s *appConn[M]) ended() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.how
}

// keep adds a message Twilio sent.
func (s *appConn[M]) keep(m M) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, m)
}

// received returns the messages received, in order.
func (s *appConn[M]) received() []M {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]M(nil), s.got...)
}

// sendBinary writes one binary message.
func (s *appConn[M]) sendBinary(b []byte) {
	s.write(websocket.MessageBinary, b, fmt.Sprintf("binary %x", b))
}

// write writes one message. It runs on the handler's goroutine: a failure
// is kept for the rig to report.
func (s *appConn[M]) write(typ websocket.MessageType, b []byte, what string) {
	err := s.conn.Write(context.Background(), typ, b)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errs = append(s.errs, fmt.Sprintf("writing %s: %v", clipText(what), err))
	}
}

// close ends the session from the application's side.
func (s *appConn[M]) close() {
	s.mu.Lock()
	s.closed, s.how = true, "closed by the application"
	s.mu.Unlock()
	s.conn.Close(websocket.StatusNormalClosure, "")
}
