package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/clock"
	"github.com/twimlharness/twimlharness/harness/internal/sid"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twiml"
)

// TB is what a [Server] needs from the test that owns it. Both *testing.T
// and Ginkgo's GinkgoT() satisfy it.
type TB interface {
	Helper()
	Cleanup(func())
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Server is one fake Twilio: accounts, the Calls REST API, the call engine on
// a virtual clock, the webhook client and the record of everything that
// happened. Make one per test with [NewServer].
//
// All methods are safe for concurrent use. The engine runs on whichever
// goroutine drives it ([Server.Run], [Server.Advance], [Call.Wait], or the
// server's own goroutine with [WithAutoRun]); webhook handlers run on
// goroutines of their own, several at once, and may call the REST API, but
// must not drive the engine themselves.
type Server struct {
	cfg      config
	api      http.Handler
	routes   *router
	verbs    map[string]verbSpec // the verb table; read only
	client   *http.Client
	out      *outbox
	ctx      context.Context
	cancel   context.CancelFunc
	t        TB
	wg       sync.WaitGroup
	conns    sync.WaitGroup // connections of the listener of URL
	handlers sync.WaitGroup // in-process WebSocket handlers of the applications
	drive    sync.Mutex     // held by whoever runs the engine's next event
	closing  sync.Once

	mu sync.Mutex
	// guards the fields below, every Call's mutable parts, and the outbox's
	// faults; methods that need it held end in Locked
	clock    *clock.Queue
	ids      *sid.Generator
	noteIDs  *sid.Generator // the SIDs of notifications, apart so that logging one moves no other SID
	accounts map[string]*account
	calls    map[string]*Call
	order    []*Call // every call ever created, in creation order
	dir      directory
	parties  map[string]scenario.Party
	parsed   map[string]*twiml.Document // cache of parsed TwiML, by text
	media    map[string]time.Duration   // length of audio, by URL
	messages []*Message
	hooksLog []*webhook
	apiLog   []*apiRecord
	notes    []*Notification
	confs    conferences
	queues   queues
	seq      uint64    // orders everything recorded
	watch    watchers  // the control API's event streams open (ui_watch.go)
	kept     retention // what the retention forgets
	closed   bool
	wake     *sync.Cond    // signalled when an event is scheduled, the clock's mode changes or the server closes
	wakeCh   chan struct{} // the same, for a runner that waits in real time
	clk      Clock         // the clock's mode (clock_mode.go)
	anchor   realTime      // where scaled time is tied to real time
	epoch    uint64        // changes with the mode and at a reset: a runner of an older epoch starts again
	runner   bool          // the goroutine that moves time in the automatic modes is running
	date     dateText      // the last date formatted for the API
	listener *limitListener
	httpSrv  *http.Server
}

// dateText is a date as the REST API and the status callbacks write it,
// kept for the second it names: a call's resource and callbacks write the
// same few instants over and over.
type dateText struct {
	unix int64
	text string
}

// dateLocked returns t as the API writes dates (see [twilioapi.Date]).
func (s *Server) dateLocked(t time.Time) string {
	if d := &s.date; d.text != "" && d.unix == t.Unix() {
		return d.text
	}
	s.date = dateText{unix: t.Unix(), text: twilioapi.Date(t)}
	return s.date.text
}

type account struct {
	sid    string
	token  string
	signer *signing.Signer
	calls  []*Call // the account's calls that the API still shows, oldest first
}

// NewServer returns a started server configured by opts. When t is not nil
// the server closes itself in t.Cleanup; with a nil t the caller must call
// [Server.Close].
func NewServer(t TB, opts ...Option) *Server {
	if t != nil {
		t.Helper()
	}
	cfg := defaultConfig()
	for _, o := range opts {
		o.apply(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:      cfg,
		ctx:      ctx,
		cancel:   cancel,
		t:        t,
		ids:      sid.New(cfg.seed),
		noteIDs:  sid.New(noteSeed(cfg.seed)),
		accounts: map[string]*account{},
		calls:    map[string]*Call{},
		dir:      newDirectory(),
		parties:  map[string]scenario.Party{},
		confs:    newConferences(),
		queues:   newQueues(),
		parsed:   map[string]*twiml.Document{},
		media:    map[string]time.Duration{},
	}
	for u, d := range cfg.media {
		s.media[u] = d
	}
	start := cfg.start
	if cfg.systemClock {
		start = systemNow()
	}
	s.clock = clock.New(start)
	s.wake = sync.NewCond(&s.mu)
	s.wakeCh = make(chan struct{}, 1)
	for addr, p := range cfg.parties {
		s.parties[addr] = p
	}
	s.accounts[cfg.accountSID] = &account{sid: cfg.accountSID, token: cfg.authToken, signer: signing.NewSigner(cfg.authToken)}
	s.routes = newRouter(restResources())
	s.verbs = verbTable()
	s.api = http.HandlerFunc(s.serveAPI)
	s.client = &http.Client{
		Transport: inProcess{s.api},
		Timeout:   10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	s.out = newOutbox(s)
	s.clk = cfg.clock
	s.anchorLocked()
	if s.clk.Mode != ClockManual {
		s.startRunnerLocked()
	}
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// Close stops the server: the engine stops taking events, the listener of
// [Server.URL] closes, webhooks in flight over real HTTP are canceled, and
// Close waits for every goroutine the server started. Calls still live stay
// as they are. It is safe to call Close more than once.
func (s *Server) Close() {
	s.closing.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.wake.Broadcast()
		hs, ln := s.httpSrv, s.listener
		s.mu.Unlock()
		s.cancel()
		if hs != nil {
			hs.Close()
		}
		s.wg.Wait()
		waitAtMost(&s.handlers, handlerGrace)
		s.conns.Wait()
		if ln != nil {
			ln.wait()
		}
		s.out.client.CloseIdleConnections()
	})
}

// Handler returns the REST API as an http.Handler, for mounting in a server
// of the test's own.
func (s *Server) Handler() http.Handler { return s.api }

// HTTPClient returns an HTTP client whose transport serves every request
// in-process with [Server.Handler], whatever the host: a client aimed at
// https://api.twilio.com reaches the fake without a socket. Like twilio-go's
// own client it has a 10-second timeout and does not follow redirects. A
// reply is built whole before the client reads it, a recording's media
// too: to stream long media, use the listener of [Server.URL].
func (s *Server) HTTPClient() *http.Client { return s.client }

// URL returns the base URL of a real loopback listener serving the REST API
// ("http://127.0.0.1:40123"), starting it on first use. It panics if the
// address cannot be listened on; see [Server.Listen] for the error instead.
func (s *Server) URL() string {
	u, err := s.Listen()
	if err != nil {
		panic(err)
	}
	return u
}

// Listen starts the listener of [Server.URL] on the address of
// [WithListenAddr] if it is not running yet, and returns its base URL. The
// listener has the timeouts and the cap on connections of
// [WithListenerLimits]; with [WithControlAPI] it serves the control API
// too, refusing requests whose Host header does not name it (see
// [Server.ControlHandler]).
func (s *Server) Listen() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", ErrClosed
	}
	if s.listener == nil {
		ln, err := net.Listen("tcp", s.cfg.listenAddr)
		if err != nil {
			return "", fmt.Errorf("harness: listen on %s: %w", s.cfg.listenAddr, err)
		}
		limits := s.cfg.limits.withDefaults()
		s.listener = newLimitListener(ln, limits.MaxConns)
		var h http.Handler = s.api
		if s.cfg.control {
			mux := http.NewServeMux()
			mux.Handle(ControlPrefix, s.controlHandler(listenerHosts(ln.Addr(), s.cfg.controlHosts)))
			mux.Handle("/", s.api)
			h = mux
		}
		hs, lln := limits.httpServer(h, s.trackConn), s.listener
		s.httpSrv = hs
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			hs.Serve(lln)
		}()
	}
	return "http://" + s.listener.Addr().String(), nil
}

// trackConn counts the listener's connections, so that Close can wait for
// the goroutines that serve them. New connections are counted by the serving
// goroutine, before Close waits for it.
func (s *Server) trackConn(_ net.Conn, st http.ConnState) {
	switch st {
	case http.StateNew:
		s.conns.Add(1)
	case http.StateClosed, http.StateHijacked:
		s.conns.Done()
	}
}

// GomegaString describes the server in one line in Gomega's failure
// messages.
func (s *Server) GomegaString() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("harness server (account %s, %d calls, virtual time %s)", s.cfg.accountSID, len(s.order), s.clock.Now().Format(time.RFC3339))
}

// AccountSID returns the SID of the server's first account.
func (s *Server) AccountSID() string { return s.cfg.accountSID }

// AuthToken returns the auth token of the server's first account.
func (s *Server) AuthToken() string { return s.cfg.authToken }

var (
	accountSIDPattern    = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	callSIDPattern       = regexp.MustCompile(`^CA[0-9a-fA-F]{32}$`)
	conferenceSIDPattern = regexp.MustCompile(`^CF[0-9a-fA-F]{32}$`)
	alphanumeric         = regexp.MustCompile(`^[a-zA-Z0-9]+$`)
	errBadOrigin         = errors.New("harness: not an origin")
)

// CheckAccount returns an error unless sid is "AC" followed by 32 hex
// digits and authToken is alphanumeric, as the official clients require.
func CheckAccount(sid, authToken string) error {
	if !accountSIDPattern.MatchString(sid) {
		return fmt.Errorf("harness: account SID %q: want AC followed by 32 hex digits", sid)
	}
	if !alphanumeric.MatchString(authToken) {
		return fmt.Errorf("harness: auth token %q: want letters and digits only", authToken)
	}
	return nil
}

func mustAccount(sid, token string) {
	if err := CheckAccount(sid, token); err != nil {
		panic(err.Error())
	}
}

// AddAccount adds an account with its own calls, invisible to every other
// account, and returns its SID and auth token. Empty arguments are generated
// from the server's seed; after a [Server.Reset], which keeps accounts,
// generating the same pair again returns the account already there, so that
// a setup run twice gives the same accounts. It returns an error if the SID
// is taken or either value is malformed.
func (s *Server) AddAccount(accountSID, authToken string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	generated := accountSID == "" && authToken == ""
	if accountSID == "" {
		accountSID = s.ids.SID("AC")
	}
	if authToken == "" {
		authToken = s.ids.SID("")
	}
	if err := CheckAccount(accountSID, authToken); err != nil {
		return "", "", err
	}
	if a, ok := s.accounts[accountSID]; ok {
		if generated && a.token == authToken {
			return accountSID, authToken, nil
		}
		return "", "", fmt.Errorf("harness: add account %s: the server already has it", accountSID)
	}
	s.accounts[accountSID] = &account{sid: accountSID, token: authToken, signer: signing.NewSigner(authToken)}
	return accountSID, authToken, nil
}

// AuthTokenOf returns the auth token of the account accountSID, and
// whether the server has that account.
func (s *Server) AuthTokenOf(accountSID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[accountSID]
	if !ok {
		return "", false
	}
	return a.token, true
}

// SetParty sets the behaviour of whoever is at address for calls that start
// ringing from now on. See [WithParty].
func (s *Server) SetParty(address string, p scenario.Party) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.parties[address] = p
}

// ClearParty puts address back to the default party (answers at once and
// stays on the line), or to the one [WithParty] gave it.
func (s *Server) ClearParty(address string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.cfg.parties[address]; ok {
		s.parties[address] = p
		return
	}
	delete(s.parties, address)
}

// Now returns the current instant of the virtual clock (under
// [ClockScaled], the scaled time now).
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
	return s.clock.Now()
}

// logf logs through the owning test, if any.
func (s *Server) logf(format string, args ...any) {
	if s.t != nil {
		s.t.Logf(format, args...)
	}
}
