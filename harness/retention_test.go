package harness_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// shortCalls makes n calls that say a word and end, and runs them.
func shortCalls(t *testing.T, srv *harness.Server, n int) []*harness.Call {
	t.Helper()
	calls := make([]*harness.Call, n)
	for i := range n {
		c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"},
			"StatusCallback": {origin + "/status"}})
		if err != nil {
			t.Fatal(err)
		}
		calls[i] = c
		srv.Run()
	}
	return calls
}

var hello = &docs{paths: map[string]string{"/voice": `<Response><Say>Hello</Say></Response>`}}

// TestRetentionForgetsOldestEndedCalls: past EndedCalls the server forgets
// the calls that ended first, from everything it serves; a test that holds
// one can still read it.
func TestRetentionForgetsOldestEndedCalls(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, hello), harness.WithRetention(harness.Retention{EndedCalls: 16}))
	calls := shortCalls(t, srv, 50)
	kept := srv.Calls()
	if len(kept) < 16 || len(kept) > 16+2 {
		t.Fatalf("the server keeps %d calls, want 16 and at most a batch of 2 more", len(kept))
	}
	if kept[len(kept)-1] != calls[49] || kept[0] != calls[50-len(kept)] {
		t.Errorf("the server keeps calls other than the last ones")
	}
	first := calls[0]
	if srv.Call(first.SID()) != nil {
		t.Errorf("Server.Call still finds the first call")
	}
	if info := first.Info(); info.Status != harness.StatusCompleted || len(first.Requests()) != 2 || !strings.Contains(first.Transcript(), `say          "Hello"`) {
		t.Errorf("a forgotten call a test holds is no longer readable: %s\n%s", info.Status, first.Transcript())
	}
	for _, r := range srv.Requests() {
		if r.CallSID == first.SID() {
			t.Fatalf("the server's requests still have the forgotten call's")
		}
	}
	if got := len(srv.Requests()); got != 2*len(kept) {
		t.Errorf("the server keeps %d requests, want the 2 of each kept call", got)
	}
	_, err := restClient(srv).FetchCall(first.SID(), nil)
	var te *client.TwilioRestError
	if !errors.As(err, &te) || te.Code != 20404 {
		t.Errorf("fetching a forgotten call: %v, want 20404", err)
	}
	listed, err := restClient(srv).ListCall(new(api.ListCallParams).SetPageSize(1000))
	if err != nil || len(listed) != len(kept) {
		t.Errorf("the list has %d calls (%v), want the %d kept", len(listed), err, len(kept))
	}
	if strings.Contains(srv.Transcript(), first.SID()) {
		t.Errorf("the server's transcript still shows the forgotten call")
	}
}

// TestRetentionWindow: calls that ended longer ago than the window, in
// virtual time, are forgotten.
func TestRetentionWindow(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, hello), harness.WithRetention(harness.Retention{Window: time.Hour}))
	old := shortCalls(t, srv, 10)
	srv.Advance(2 * time.Hour)
	recent := shortCalls(t, srv, 10)
	for _, c := range old {
		if srv.Call(c.SID()) != nil {
			t.Fatalf("a call that ended two hours ago is still kept")
		}
	}
	for _, c := range recent {
		if srv.Call(c.SID()) == nil {
			t.Fatalf("a call that just ended was forgotten")
		}
	}
}

// TestRetentionBodies: the record keeps at most BodyBytes of each body,
// and at most CallBodyBytes of one call's; the call still ran the whole
// document.
func TestRetentionBodies(t *testing.T) {
	long := `<Response><Say>` + strings.Repeat("word ", 400) + `</Say></Response>`
	srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{"/voice": long}}),
		harness.WithRetention(harness.Retention{BodyBytes: 100, CallBodyBytes: 1000}))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	info := c.Wait()
	if info.Duration != 160*time.Second {
		t.Errorf("the call lasted %v, want the whole 400-word <Say> (160 s)", info.Duration)
	}
	reply := c.Requests()[0].ReplyBody
	if !strings.HasPrefix(reply, long[:100]+"… (") || !strings.Contains(reply, "more bytes not kept: harness.Retention.BodyBytes") {
		t.Errorf("the reply kept in the record is %q, want its first 100 bytes and a note", reply)
	}
	for range 20 {
		if _, err := restClient(srv).FetchCall(c.SID(), nil); err != nil {
			t.Fatal(err)
		}
	}
	var tail string
	for _, e := range c.Events() {
		if e.APIRequest != nil {
			tail = e.APIRequest.Body
		}
	}
	if !strings.Contains(tail, "bytes not kept: harness.Retention.CallBodyBytes") {
		t.Errorf("the 20th fetch's body in the record is %q, want it not kept past CallBodyBytes", tail)
	}
}

// TestRetentionEventsPerCall: a call polled many times keeps at most
// EventsPerCall events, and says where its history stops.
func TestRetentionEventsPerCall(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, hello), harness.WithRetention(harness.Retention{EventsPerCall: 30}))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Twiml": {`<Response><Pause length="600"/></Response>`}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Second)
	for range 100 {
		if _, err := restClient(srv).FetchCall(c.SID(), nil); err != nil {
			t.Fatal(err)
		}
	}
	events := c.Events()
	if len(events) != 31 || !strings.Contains(events[30].Text, "keeps no more of this call's events") {
		t.Fatalf("the call keeps %d events, the last %q; want 30 and a note", len(events), events[len(events)-1].Text)
	}
}

// TestRetentionAPIRequests: REST requests that concern no call are kept up
// to APIRequests, the oldest forgotten first.
func TestRetentionAPIRequests(t *testing.T) {
	srv := newServer(t, harness.WithRetention(harness.Retention{APIRequests: 40}))
	req, _ := http.NewRequest("GET", "https://api.twilio.com/2010-04-01/Accounts/"+srv.AccountSID()+"/Calls.json?PageSize=1", nil)
	req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
	for range 200 {
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	got := srv.APIRequests()
	if len(got) < 40 || len(got) > 45 {
		t.Fatalf("the server keeps %d REST requests, want 40 and at most a batch of 5 more", len(got))
	}
	if got[len(got)-1].Seq <= got[0].Seq {
		t.Errorf("the kept requests are not the last ones in order")
	}
}

// TestRetentionForgetDeleted: with ForgetDeleted, a call deleted with the
// REST API is gone from the server at once.
func TestRetentionForgetDeleted(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, hello), harness.WithRetention(harness.Retention{ForgetDeleted: true}))
	c := shortCalls(t, srv, 1)[0]
	if err := restClient(srv).DeleteCall(c.SID(), nil); err != nil {
		t.Fatal(err)
	}
	if srv.Call(c.SID()) != nil || len(srv.Calls()) != 0 || len(srv.Requests()) != 0 {
		t.Errorf("the deleted call is still kept: %d calls, %d requests", len(srv.Calls()), len(srv.Requests()))
	}
}

// TestRetentionForgetsEndedConferences: past EndedConferences the oldest
// completed conferences are forgotten by the server, while a
// *Conference a test holds stays readable.
func TestRetentionForgetsEndedConferences(t *testing.T) {
	paths := map[string]string{"/voice": `<Response><Dial><Conference>room</Conference></Dial></Response>`}
	srv := newServer(t, harness.WithApp(origin, &docs{paths: paths}),
		harness.WithParty(to, scenario.Person().HangsUp().InConference().After(time.Second)),
		harness.WithRetention(harness.Retention{EndedConferences: 2}))
	var first *harness.Conference
	var sids []string
	for i := range 5 {
		c := place(t, srv, nil)
		c.Wait()
		cf := c.Conference()
		if cf == nil {
			t.Fatalf("call %d joined no conference:\n%s", i, c.Transcript())
		}
		if i == 0 {
			first = cf
		}
		sids = append(sids, cf.SID())
	}
	var kept []string
	for _, cf := range srv.Conferences() {
		kept = append(kept, cf.SID())
	}
	if diff := cmp.Diff(sids[3:], kept); diff != "" {
		t.Errorf("conferences kept (-want +got):\n%s", diff)
	}
	if srv.Conference(sids[0]) != nil {
		t.Errorf("the first conference %s is still found by SID", sids[0])
	}
	if info := first.Info(); info.Status != harness.ConferenceCompleted || info.ReasonEnded != harness.EndedLastLeft {
		t.Errorf("the forgotten conference reads %s/%s, want completed/last-participant-left", info.Status, info.ReasonEnded)
	}
}
