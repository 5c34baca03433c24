package harness_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// cliRecordingSID is the form of a Recording SID.
var cliRecordingSID = regexp.MustCompile(`^RE[0-9a-f]{32}$`)

// cliStandardParams returns the parameters of every request about an
// outbound-api call between two North American numbers.
func cliStandardParams(acct, sid, status, to, from string) url.Values {
	v := url.Values{
		"AccountSid": {acct}, "ApiVersion": {"2010-04-01"}, "CallSid": {sid}, "CallStatus": {status},
		"Called": {to}, "Caller": {from}, "Direction": {"outbound-api"}, "From": {from}, "To": {to},
	}
	for _, prefix := range []string{"To", "Called", "From", "Caller"} {
		v.Set(prefix+"City", "")
		v.Set(prefix+"Country", "US")
		v.Set(prefix+"State", "")
		v.Set(prefix+"Zip", "")
	}
	return v
}

// cliProgressParams returns what a status callback carries for an event at t.
func cliProgressParams(acct, sid, status string, seq int, t time.Time) url.Values {
	v := cliStandardParams(acct, sid, status, "+14155550100", "+14155550199")
	v.Set("CallbackSource", "call-progress-events")
	v.Set("SequenceNumber", strconv.Itoa(seq))
	v.Set("Timestamp", cliDate(t))
	return v
}

func TestStatusCallbackParams(t *testing.T) {
	const to = "+14155550100"

	t.Run("every event of an answered call", func(t *testing.T) {
		srv := newServer(t, harness.WithApp(origin, newApp("")), harness.WithParty(to, scenario.AnswersAfter(5*time.Second)))
		tw := restClient(srv)
		acct := srv.AccountSID()
		sid := cliCreate(t, tw, cliTwimlCall(to, `<Response><Pause length="61"/></Response>`).
			SetStatusCallback(origin+"/status").SetStatusCallbackEvent(allEvents))
		srv.Run()

		completed := cliProgressParams(acct, sid, "completed", 3, cliAt(66*time.Second))
		completed.Set("CallDuration", "61")
		completed.Set("Duration", "2")
		want := []url.Values{
			cliProgressParams(acct, sid, "initiated", 0, cliAt(0)),
			cliProgressParams(acct, sid, "ringing", 1, cliAt(0)),
			cliProgressParams(acct, sid, "in-progress", 2, cliAt(5*time.Second)),
			completed,
		}
		var got []url.Values
		for _, r := range cliRequestsOf(srv, sid, harness.KindStatusCallback) {
			got = append(got, r.Form)
			if ts, err := time.Parse(time.RFC1123Z, r.Form.Get("Timestamp")); err != nil || !ts.Equal(r.Time) {
				t.Errorf("%s callback: Timestamp %q (%v), want the request's virtual time %v",
					r.Form.Get("CallStatus"), r.Form.Get("Timestamp"), err, r.Time)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("status callback parameters mismatch (-want +got):\n%s", diff)
		}
	})

	durations := []struct {
		seconds              int
		wantMinutes, wantPrc string
	}{
		{1, "1", "-0.01400"},
		{59, "1", "-0.01400"},
		{60, "1", "-0.01400"},
		{61, "2", "-0.02800"},
		{120, "2", "-0.02800"},
		{121, "3", "-0.04200"},
	}
	for _, tc := range durations {
		t.Run(fmt.Sprintf("Duration of a %d s call", tc.seconds), func(t *testing.T) {
			srv := newServer(t, harness.WithApp(origin, newApp("")))
			tw := restClient(srv)
			doc := fmt.Sprintf(`<Response><Pause length="%d"/></Response>`, tc.seconds)
			sid := cliCreate(t, tw, cliTwimlCall(to, doc).SetStatusCallback(origin+"/status"))
			srv.Run()
			cbs := cliRequestsOf(srv, sid, harness.KindStatusCallback)
			if len(cbs) != 1 {
				t.Fatalf("status callbacks:\n%s\nwant one", cliSummary(cbs))
			}
			got := []string{cbs[0].Form.Get("CallStatus"), cbs[0].Form.Get("CallDuration"), cbs[0].Form.Get("Duration")}
			want := []string{"completed", strconv.Itoa(tc.seconds), tc.wantMinutes}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("CallStatus, CallDuration, Duration mismatch (-want +got):\n%s", diff)
			}
			c, err := tw.FetchCall(sid, nil)
			if err != nil {
				t.Fatalf("FetchCall: %v", err)
			}
			if cliDeref(c.Duration) != strconv.Quote(strconv.Itoa(tc.seconds)) || cliDeref(c.Price) != strconv.Quote(tc.wantPrc) {
				t.Errorf("fetched duration %s price %s, want %q and %q", cliDeref(c.Duration), cliDeref(c.Price), strconv.Itoa(tc.seconds), tc.wantPrc)
			}
		})
	}

	t.Run("busy with the default subscription", func(t *testing.T) {
		srv := newServer(t, harness.WithApp(origin, newApp("")), harness.WithParty(to, scenario.Busy().RingsFor(3*time.Second)))
		tw := restClient(srv)
		acct := srv.AccountSID()
		sid := cliCreate(t, tw, cliTwimlCall(to, cliPauseLong).SetStatusCallback(origin+"/status"))
		srv.Run()
		want := cliProgressParams(acct, sid, "busy", 0, cliAt(3*time.Second))
		want.Set("CallDuration", "0")
		want.Set("Duration", "0")
		var got []url.Values
		for _, r := range srv.Requests() {
			got = append(got, r.Form)
		}
		if diff := cmp.Diff([]url.Values{want}, got); diff != "" {
			t.Errorf("requests of a busy call mismatch (-want +got):\n%s", diff)
		}
	})

	noAnswers := []struct {
		name  string
		party scenario.Party
	}{
		{"nobody answers", scenario.NoAnswer()},
		{"the party would answer after the timeout", scenario.AnswersAfter(20 * time.Second)},
		{"the party would answer at the timeout", scenario.AnswersAfter(15 * time.Second)},
	}
	for _, tc := range noAnswers {
		t.Run("no-answer with Timeout 15: "+tc.name, func(t *testing.T) {
			srv := newServer(t, harness.WithApp(origin, newApp("")), harness.WithParty(to, tc.party))
			tw := restClient(srv)
			acct := srv.AccountSID()
			srv.Advance(42 * time.Second) // the call starts later than the clock
			sid := cliCreate(t, tw, cliTwimlCall(to, cliPauseLong).SetTimeout(15).
				SetStatusCallback(origin+"/status").SetStatusCallbackEvent([]string{"ringing", "completed"}))
			srv.Run()
			ringing := cliProgressParams(acct, sid, "ringing", 0, cliAt(42*time.Second))
			final := cliProgressParams(acct, sid, "no-answer", 1, cliAt(57*time.Second))
			final.Set("CallDuration", "0")
			final.Set("Duration", "0")
			final.Set("SipResponseCode", "487")
			var got []url.Values
			for _, r := range srv.Requests() {
				got = append(got, r.Form)
			}
			if diff := cmp.Diff([]url.Values{ringing, final}, got); diff != "" {
				t.Errorf("requests of a no-answer call mismatch (-want +got):\n%s", diff)
			}
			info := srv.Call(sid).Info()
			if info.Status != harness.StatusNoAnswer || !info.Started.Equal(cliAt(42*time.Second)) ||
				!info.Ended.Equal(cliAt(57*time.Second)) || info.SIPResponseCode != 487 {
				t.Errorf("call %s from %v to %v (SIP %d), want no-answer from +42s to +57s (SIP 487)",
					info.Status, info.Started, info.Ended, info.SIPResponseCode)
			}
			c, err := tw.FetchCall(sid, nil)
			if err != nil {
				t.Fatalf("FetchCall: %v", err)
			}
			if cliDeref(c.Status) != `"no-answer"` || cliDeref(c.StartTime) != strconv.Quote(cliDate(cliAt(42*time.Second))) {
				t.Errorf("fetched status %s start_time %s, want no-answer dialed at %s",
					cliDeref(c.Status), cliDeref(c.StartTime), cliDate(cliAt(42*time.Second)))
			}
		})
	}

	t.Run("Record=true", func(t *testing.T) {
		srv := newServer(t, harness.WithApp(origin, newApp("")), harness.WithParty(to, scenario.AnswersAfter(3*time.Second)))
		tw := restClient(srv)
		acct := srv.AccountSID()
		sid := cliCreate(t, tw, cliTwimlCall(to, `<Response><Pause length="10"/></Response>`).
			SetStatusCallback(origin+"/status").SetRecord(true).SetRecordingStatusCallback(origin+"/recording"))
		srv.Run()

		cbs := cliRequestsOf(srv, sid, harness.KindStatusCallback)
		if len(cbs) != 1 {
			t.Fatalf("status callbacks: got %d, want 1 (completed)", len(cbs))
		}
		got := cbs[0].Form
		recSID := got.Get("RecordingSid")
		if !cliRecordingSID.MatchString(recSID) {
			t.Errorf("RecordingSid %q, want ^RE[0-9a-f]{32}$", recSID)
		}
		recURL := "https://api.twilio.com/2010-04-01/Accounts/" + acct + "/Recordings/" + recSID
		want := cliProgressParams(acct, sid, "completed", 0, cliAt(13*time.Second))
		want.Set("CallDuration", "10")
		want.Set("Duration", "1")
		want.Set("RecordingUrl", recURL)
		want.Set("RecordingSid", recSID)
		want.Set("RecordingDuration", "10")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("completed callback mismatch (-want +got):\n%s", diff)
		}

		recs := cliRequestsOf(srv, sid, harness.KindRecordingStatusCallback)
		if len(recs) != 1 {
			t.Fatalf("recording status callbacks: got %d, want 1 (completed)", len(recs))
		}
		rec := recs[0]
		if rec.Method != http.MethodPost || rec.URL != origin+"/recording" {
			t.Errorf("recording callback %s %s, want POST %s/recording", rec.Method, rec.URL, origin)
		}
		gotRec := url.Values{}
		for k, vs := range rec.Form {
			gotRec[k] = vs
		}
		if ec, ok := gotRec["ErrorCode"]; ok { // observed in Twilio's payloads, not documented
			if len(ec) != 1 || ec[0] != "0" {
				t.Errorf("recording callback ErrorCode %q, want 0", ec)
			}
			delete(gotRec, "ErrorCode")
		}
		wantRec := url.Values{
			"AccountSid": {acct}, "CallSid": {sid}, "RecordingSid": {recSID}, "RecordingUrl": {recURL},
			"RecordingStatus": {"completed"}, "RecordingDuration": {"10"}, "RecordingChannels": {"1"},
			"RecordingStartTime": {cliDate(cliAt(3 * time.Second))}, "RecordingSource": {"OutboundAPI"},
			"RecordingTrack": {"both"},
		}
		if diff := cmp.Diff(wantRec, gotRec); diff != "" {
			t.Errorf("recording status callback mismatch (-want +got):\n%s", diff)
		}
	})
}
