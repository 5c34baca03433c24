package harness_test

import (
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// longPause is a call that, once answered, waits ten minutes.
const longPause = `<Response><Say>Please hold.</Say><Pause length="600"/><Say>Still there?</Say></Response>`

// createLive creates a call through the REST API (as a client in any
// language would) and returns its SID.
func createLive(t *testing.T, srv *harness.Server) string {
	t.Helper()
	c, err := restClient(srv).CreateCall((&api.CreateCallParams{}).SetTo(to).SetFrom(from).
		SetUrl(origin + "/voice").SetMethod("POST"))
	if err != nil {
		t.Fatal(err)
	}
	return *c.Sid
}

// status fetches the call's status through the REST API.
func status(t *testing.T, srv *harness.Server, sid string) string {
	t.Helper()
	c, err := restClient(srv).FetchCall(sid, nil)
	if err != nil {
		t.Fatal(err)
	}
	return *c.Status
}

// updateStatus sends a status update through the REST API and returns the status
// the reply shows.
func updateStatus(t *testing.T, srv *harness.Server, sid, to string) string {
	t.Helper()
	c, err := restClient(srv).UpdateCall(sid, (&api.UpdateCallParams{}).SetStatus(to))
	if err != nil {
		t.Fatal(err)
	}
	return *c.Status
}

func TestManualClockHoldsACreatedCall(t *testing.T) {
	srv := newServer(t, harness.WithClock(harness.Clock{Mode: harness.ClockManual}),
		harness.WithApp(origin, newApp(longPause)), harness.WithParty(to, scenario.AnswersAfterRings(3)))
	sid := createLive(t, srv)
	for range 2 { // nothing at all until the clock is driven, not even what is due now
		if got := status(t, srv, sid); got != "queued" {
			t.Fatalf("before the clock moved: %s, want queued", got)
		}
	}
	srv.Advance(0) // what is due now: the call leaves the queue and rings
	if got := status(t, srv, sid); got != "ringing" {
		t.Fatalf("after Advance(0): %s, want ringing", got)
	}
	if got := updateStatus(t, srv, sid, "canceled"); got != "canceled" {
		t.Errorf("a ringing call updated to canceled: %s, want canceled (the Call resource: canceled hangs up queued or ringing calls)", got)
	}
}

// TestCallUpdatesByState checks the Call resource's rules for Status
// updates at each state a REST client can now catch on the manual clock:
// canceled ends a queued or ringing call, and does nothing to one in
// progress; completed ends a call in any state (canceled if it was not
// answered yet).
func TestCallUpdatesByState(t *testing.T) {
	tests := []struct {
		name    string
		advance time.Duration
		before  string
		update  string
		after   string
	}{
		{"queued, canceled", 0, "queued", "canceled", "canceled"},
		{"queued, completed", 0, "queued", "completed", "canceled"},
		{"ringing, canceled", 5 * time.Second, "ringing", "canceled", "canceled"},
		{"ringing, completed", 5 * time.Second, "ringing", "completed", "canceled"},
		{"in progress, canceled", 30 * time.Second, "in-progress", "canceled", "in-progress"},
		{"in progress, completed", 30 * time.Second, "in-progress", "completed", "completed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, harness.WithApp(origin, newApp(longPause)), harness.WithParty(to, scenario.AnswersAfterRings(3)))
			sid := createLive(t, srv)
			if tt.advance > 0 {
				srv.Advance(tt.advance)
			}
			if got := status(t, srv, sid); got != tt.before {
				t.Fatalf("after %v: %s, want %s", tt.advance, got, tt.before)
			}
			if got := updateStatus(t, srv, sid, tt.update); got != tt.after {
				t.Errorf("updated to %s: the reply says %s, want %s", tt.update, got, tt.after)
			}
			srv.Advance(time.Second)
			if got := status(t, srv, sid); got != tt.after {
				t.Errorf("a second later: %s, want %s", got, tt.after)
			}
		})
	}
}

// elapse lets d of a synctest bubble's fake time pass, then waits for the
// bubble's goroutines to settle. No real time passes: the bubble's clock
// jumps ahead when every goroutine in it waits.
func elapse(d time.Duration) {
	harness.Sleep(d) // the system clock's wait, which the bubble fakes
	synctest.Wait()
}

// TestScaledClock runs inside a synctest bubble, whose fake time makes the
// real time the scaled clock follows instantaneous and exact: each sleep
// below is a second of the bubble's clock, not of the machine's.
func TestScaledClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := harness.NewServer(t, harness.WithClock(harness.Clock{Mode: harness.ClockScaled, Rate: 10}),
			harness.WithApp(origin, newApp(longPause)), harness.WithParty(to, scenario.AnswersAfterRings(3)))
		start := srv.Now()
		sid := createLive(t, srv)
		elapse(time.Second)
		synctest.Wait()
		if got := srv.Now().Sub(start); got != 10*time.Second {
			t.Errorf("a real second at 10x: %v of virtual time, want 10s", got)
		}
		if got := status(t, srv, sid); got != "ringing" {
			t.Fatalf("10 virtual seconds in, 18 s of ringing: %s, want ringing", got)
		}
		elapse(2 * time.Second)
		synctest.Wait()
		if got := status(t, srv, sid); got != "in-progress" {
			t.Fatalf("30 virtual seconds in: %s, want in-progress", got)
		}
		if got := updateStatus(t, srv, sid, "canceled"); got != "in-progress" {
			t.Errorf("canceled on a call in progress: %s, want it left in-progress", got)
		}
		if got := srv.Clock(); got != (harness.Clock{Mode: harness.ClockScaled, Rate: 10}) || got.String() != "scaled 10x" {
			t.Errorf("Clock() = %v", got)
		}
		if err := srv.SetClock(harness.Clock{Mode: harness.ClockManual}); err != nil {
			t.Fatal(err)
		}
		paused := srv.Now()
		elapse(time.Hour)
		synctest.Wait()
		if got := srv.Now(); !got.Equal(paused) {
			t.Errorf("an hour on the manual clock moved virtual time from %v to %v", paused, got)
		}
		if err := srv.SetClock(harness.Clock{Mode: harness.ClockScaled, Rate: 60}); err != nil {
			t.Fatal(err)
		}
		elapse(10 * time.Second) // ten virtual minutes: the pause ends, "Still there?" is said, the call ends
		synctest.Wait()
		call := srv.Call(sid)
		if info := call.Info(); info.Status != harness.StatusCompleted || info.Duration != (1+600+1)*time.Second {
			t.Errorf("at 60x for ten real seconds: %s after %v, want completed after 614s (12 s of ringing "+
				"and an hour on the manual clock aside):\n%s", info.Status, info.Duration, call.Transcript())
		}
		srv.Close()
	})
}

// TestScaledClockRedirectsDuringAPause: a client that catches the call in
// its ten-minute pause redirects it, and the call goes on at once.
func TestScaledClockRedirectsDuringAPause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := harness.NewServer(t, harness.WithClock(harness.Clock{Mode: harness.ClockScaled, Rate: 1}),
			harness.WithApp(origin, newApp(longPause)))
		sid := createLive(t, srv)
		elapse(30 * time.Second)
		synctest.Wait()
		_, err := restClient(srv).UpdateCall(sid, (&api.UpdateCallParams{}).
			SetTwiml(`<Response><Say>You were moved.</Say></Response>`))
		if err != nil {
			t.Fatal(err)
		}
		elapse(10 * time.Second)
		synctest.Wait()
		info := srv.Call(sid).Info()
		if info.Status != harness.StatusCompleted || info.Duration != 31200*time.Millisecond {
			t.Errorf("status %s after %v, want completed after 31.2s (30 s, then 1.2 s of Say):\n%s", info.Status, info.Duration, srv.Call(sid).Transcript())
		}
		srv.Close()
	})
}

// TestRunFinishesEveryCallInAnyMode: Run (and the control API's
// clock/run) returns only when nothing is left to happen, whoever else
// moves the clock.
func TestRunFinishesEveryCallInAnyMode(t *testing.T) {
	for _, clk := range []harness.Clock{{Mode: harness.ClockAuto}, {Mode: harness.ClockScaled, Rate: 1}, {Mode: harness.ClockManual}} {
		t.Run(clk.String(), func(t *testing.T) {
			srv := newServer(t, harness.WithClock(clk), harness.WithApp(origin, newApp(longPause)),
				harness.WithParty(to, scenario.AnswersAfterRings(2)))
			for i := range 20 {
				sid := createLive(t, srv)
				srv.Run()
				if got := status(t, srv, sid); got != "completed" {
					t.Fatalf("call %d after Run: %s, want completed", i, got)
				}
			}
		})
	}
}

func TestClockChecks(t *testing.T) {
	for _, tt := range []struct {
		clk  harness.Clock
		want string
	}{
		{harness.Clock{Mode: "fast"}, `clock mode "fast": want manual, auto or scaled`},
		{harness.Clock{Mode: harness.ClockAuto, Rate: 2}, "clock auto takes no rate"},
		{harness.Clock{Mode: harness.ClockScaled}, "scaled clock rate 0"},
		{harness.Clock{Mode: harness.ClockScaled, Rate: 2e6}, "scaled clock rate 2e+06"},
		{harness.Clock{Mode: harness.ClockSystem}, "only when made with WithSystemClock"},
	} {
		srv := newServer(t)
		if err := srv.SetClock(tt.clk); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("SetClock(%v) = %v, want %q", tt.clk, err, tt.want)
		}
		if got := srv.Clock(); got.Mode != harness.ClockManual {
			t.Errorf("after a refused SetClock(%v): %v", tt.clk, got)
		}
	}
	srv := newServer(t, harness.WithSystemClock())
	if err := srv.SetClock(harness.Clock{Mode: harness.ClockAuto}); err == nil || !strings.Contains(err.Error(), "cannot be switched") {
		t.Errorf("switching a system clock: %v", err)
	}
}

// TestAutoClockPlaysACallOut: under the auto clock a call plays to its end
// by itself, and Call.Wait waits for it rather than driving.
func TestAutoClockPlaysACallOut(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(`<Response><Pause length="600"/></Response>`)))
	if err := srv.SetClock(harness.Clock{Mode: harness.ClockAuto}); err != nil {
		t.Fatal(err)
	}
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	if info := c.Wait(); info.Status != harness.StatusCompleted || info.Duration != 600*time.Second {
		t.Errorf("%s after %v, want completed after 10m", info.Status, info.Duration)
	}
}

// TestScaledClockAdvanceAndLongRuns: Advance under the scaled clock adds
// to the scaled time already passed; hours at the fastest rate never wrap
// virtual time around into the past.
func TestScaledClockAdvanceAndLongRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := harness.NewServer(t, harness.WithClock(harness.Clock{Mode: harness.ClockScaled, Rate: 10}))
		start := srv.Now()
		elapse(time.Second)
		srv.Advance(30 * time.Second)
		if got := srv.Now().Sub(start); got != 40*time.Second {
			t.Errorf("10 scaled seconds, then Advance(30s): %v, want 40s", got)
		}
		if err := srv.SetClock(harness.Clock{Mode: harness.ClockScaled, Rate: harness.MaxClockRate}); err != nil {
			t.Fatal(err)
		}
		before := srv.Now()
		elapse(3 * time.Hour) // 3 hours at a million times: past what a time.Duration holds
		if got := srv.Now(); !got.After(before) {
			t.Errorf("after 3 hours at %gx the clock reads %v, before %v", harness.MaxClockRate, got, before)
		}
		srv.Close()
	})
}

// TestResetKeepsGeneratedAccounts: an account generated before a reset is
// generated again, the same, after it.
func TestResetKeepsGeneratedAccounts(t *testing.T) {
	srv := newServer(t)
	sid, token, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatal(err)
	}
	srv.Reset()
	again, token2, err := srv.AddAccount("", "")
	if err != nil || again != sid || token2 != token {
		t.Errorf("after a reset: %s %s %v, want %s %s again", again, token2, err, sid, token)
	}
	if _, _, err := srv.AddAccount(sid, "OtherToken123"); err == nil {
		t.Error("adding a taken SID with another token succeeded")
	}
}
