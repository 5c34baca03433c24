package harness_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestCloseIsIdempotentAndStopsTheAPI(t *testing.T) {
	srv := harness.NewServer(nil, harness.WithAutoRun())
	base := srv.URL()
	srv.Close()
	srv.Close()
	if _, err := http.Get(base + "/2010-04-01/Accounts/x/Calls.json"); err == nil {
		t.Error("the listener still answers after Close")
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/2010-04-01/Accounts/x/Calls.json", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("after Close the handler answers %d, want 503", rec.Code)
	}
	if _, err := srv.Listen(); !errors.Is(err, harness.ErrClosed) {
		t.Errorf("Listen after Close: %v, want ErrClosed", err)
	}
}

func TestAccounts(t *testing.T) {
	srv := newServer(t)
	sid, token, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := harness.CheckAccount(sid, token); err != nil {
		t.Errorf("generated account: %v", err)
	}
	if _, _, err := srv.AddAccount(sid, "other"); err == nil {
		t.Error("adding an account twice succeeded")
	}
	if _, _, err := srv.AddAccount("AC123", "tok"); err == nil {
		t.Error("a malformed account SID was accepted")
	}
	if _, _, err := srv.AddAccount("ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "not-alphanumeric"); err == nil {
		t.Error("a token with a dash was accepted")
	}
}

func TestCloseStopsEveryGoroutine(t *testing.T) {
	srv := harness.NewServer(nil, harness.WithAutoRun())
	base := srv.URL()
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	for i := 0; i < 3; i++ {
		resp, err := (&http.Client{Transport: tr}).Get(base + "/2010-04-01/Accounts/x/Calls.json")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	srv.Close()
	noGoroutinesIn(t, "harness.(*Server).runClock", "harness.(*Server).autoRun", "harness.(*limitListener).turnAway", "net/http.(*conn).serve", "net/http.(*Server).Serve")
}

func TestClearParty(t *testing.T) {
	const other = "+14155550177"
	srv := newServer(t, harness.WithParty(to, scenario.Busy()))
	srv.SetParty(to, scenario.NoAnswer())
	srv.SetParty(other, scenario.Busy())
	srv.ClearParty(to)    // back to WithParty's busy
	srv.ClearParty(other) // back to the default: answers
	a := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response/>`) })
	b := place(t, srv, func(p *api.CreateCallParams) { p.SetTo(other).SetUrl("").SetTwiml(`<Response/>`) })
	srv.Run()
	if a.Status() != harness.StatusBusy || b.Status() != harness.StatusCompleted {
		t.Errorf("after ClearParty: %s is %s (want busy, from WithParty), %s is %s (want completed, the default)",
			to, a.Status(), other, b.Status())
	}
}
