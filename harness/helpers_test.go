package harness_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	"github.com/twimlharness/twimlharness/harness"
)

// newServer returns a server for one test. At the end of the test every REST
// response the server gave is checked against Twilio's OpenAPI description
// (see contract_test.go), so every test of the package is a contract test.
func newServer(t testing.TB, opts ...harness.Option) *harness.Server {
	t.Helper()
	srv := harness.NewServer(t, opts...)
	t.Cleanup(func() { checkContract(t, srv) })
	return srv
}

// restClient returns the official client aimed at srv's first account,
// through the in-process transport.
func restClient(srv *harness.Server) *twilio.RestClient {
	return restClientFor(srv, srv.AccountSID(), srv.AuthToken())
}

// restClientFor returns the official client with the given credentials.
func restClientFor(srv *harness.Server, sid, token string) *twilio.RestClient {
	c := &client.Client{Credentials: client.NewCredentials(sid, token), HTTPClient: srv.HTTPClient()}
	c.SetAccountSid(sid)
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
}

// app is a small voice application for tests: it answers /voice with its
// TwiML and records every request it gets.
type app struct {
	mu       sync.Mutex
	twiml    string
	requests []*http.Request
	forms    []url.Values
}

func newApp(twiml string) *app { return &app{twiml: twiml} }

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	a.mu.Lock()
	a.requests = append(a.requests, r)
	a.forms = append(a.forms, r.Form)
	doc := a.twiml
	a.mu.Unlock()
	switch r.URL.Path {
	case "/voice":
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, doc)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}
