package harness_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/twimlharness/twimlharness/harness"
)

// TestSlowWebhookCostsOnlyItsOwnCall: with the engine running by itself, a
// webhook that never answers holds up its own call only. The others are
// done in well under a second of real time; the slow call ends with 11205
// at the webhook timeout, virtual time having followed real time while it
// waited.
func TestSlowWebhookCostsOnlyItsOwnCall(t *testing.T) {
	release := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hanging.Close()
	defer close(release)
	const timeout = 700 * time.Millisecond
	srv := newServer(t, harness.WithAutoRun(), harness.WithWebhookTimeout(timeout),
		harness.WithApp(origin, &docs{paths: map[string]string{"/voice": `<Response><Hangup/></Response>`}}))
	slow, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {hanging.URL + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var others []*harness.Call
	for range 100 {
		c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"},
			"StatusCallback": {origin + "/status"}})
		if err != nil {
			t.Fatal(err)
		}
		others = append(others, c)
	}
	for _, c := range others {
		c.Wait()
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("100 calls took %v of real time beside a webhook that hangs, want under 1 s", took)
	}
	for _, c := range others {
		info := c.Info()
		done := false
		for _, r := range c.Requests() {
			done = done || r.Kind == harness.KindStatusCallback && r.Form.Get("CallStatus") == "completed"
		}
		if info.Status != harness.StatusCompleted || !done {
			t.Fatalf("call %s: %s, completed callback sent: %v\n%s", c.SID(), info.Status, done, c.Transcript())
		}
	}
	info := slow.Wait()
	if info.Status != harness.StatusCompleted || !hasCode(slow, 11205) {
		t.Fatalf("the slow call: %s with %v, want completed after notification 11205\n%s", info.Status, slow.Notifications(), slow.Transcript())
	}
	if got := slow.Requests()[0].Time; !got.Equal(info.Answered) {
		t.Errorf("the slow call's voice request went out at %v, want at its answer %v", got, info.Answered)
	}
	if waited := info.Duration; waited < timeout-100*time.Millisecond {
		t.Errorf("the slow call lasted %v of virtual time, want at least the %v it waited in real time", waited, timeout)
	}
}

func hasCode(c *harness.Call, code int) bool {
	for _, n := range c.Notifications() {
		if n.Code == code {
			return true
		}
	}
	return false
}

// TestWebhookToTheServerItself: a call whose Url is the server's own
// control API (which would drive the engine from inside a webhook) fails
// at once and cleanly: the control API wants credentials a webhook does
// not carry.
func TestWebhookToTheServerItself(t *testing.T) {
	srv := newServer(t, harness.WithAutoRun(), harness.WithControlAPI())
	base := srv.URL()
	start := time.Now()
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {base + "/_harness/clock/run"}})
	if err != nil {
		t.Fatal(err)
	}
	info := c.Wait()
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the call took %v of real time, want it to fail at once", took)
	}
	if info.Status != harness.StatusCompleted || !hasCode(c, 11200) || c.Requests()[0].Status != http.StatusUnauthorized {
		t.Errorf("the call: %s, notifications %v, want 11200 after a 401\n%s", info.Status, c.Notifications(), c.Transcript())
	}
}
