// Package synctest_test shows the harness on the system clock inside a
// testing/synctest bubble: the application under test waits with real
// timers of its own (time.After), which the harness's virtual clock would
// not move, and synctest's fake clock makes the whole run instantaneous
// and deterministic.
package synctest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"testing/synctest"
	"time"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// reminderApp answers the call with a reminder, and after the call ends
// waits 30 seconds (its own timer) before recording that it is done.
type reminderApp struct {
	done chan string
}

func (a *reminderApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	switch r.URL.Path {
	case "/voice":
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>Your table is ready.</Say><Pause length="20"/></Response>`)
	case "/status":
		if r.Form.Get("CallStatus") == "completed" {
			sid := r.Form.Get("CallSid")
			go func() {
				<-time.After(30 * time.Second) // the app's own timer: a cool-down before the next reminder
				a.done <- sid
			}()
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func TestReminderUnderSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		app := &reminderApp{done: make(chan string, 1)}
		srv := harness.NewServer(t, harness.WithSystemClock(),
			harness.WithApp("https://tables.example.com", app),
			harness.WithParty("+14155550100", scenario.AnswersAfterRings(3)))
		start := time.Now()
		call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"},
			"Url": {"https://tables.example.com/voice"}, "StatusCallback": {"https://tables.example.com/status"}})
		if err != nil {
			t.Fatal(err)
		}
		info := call.Wait()
		if info.Status != harness.StatusCompleted {
			t.Fatalf("status %s\n%s", info.Status, call.Transcript())
		}
		if got := info.Answered.Sub(info.Started); got != 18*time.Second {
			t.Errorf("answered after %v, want 18s (three rings)", got)
		}
		if got := info.Duration; got != 21600*time.Millisecond {
			t.Errorf("call lasted %v, want 21.6s (1.6 s of speech and a 20 s pause)", got)
		}
		if sid := <-app.done; sid != call.SID() {
			t.Errorf("the app finished with %s, want %s", sid, call.SID())
		}
		if got := time.Since(start); got != 18*time.Second+21600*time.Millisecond+30*time.Second {
			t.Errorf("the bubble's clock moved %v, want 69.6s: the call and the app's own 30 s", got)
		}
	})
}
