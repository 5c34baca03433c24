package harness_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestQueueTime(t *testing.T) {
	srv := newServer(t, harness.WithQueueTime(1500*time.Millisecond))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response/>`) })
	c.Wait()
	got, err := restClient(srv).FetchCall(c.SID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if *got.QueueTime != "1500" {
		t.Errorf("queue_time = %q, want 1500", *got.QueueTime)
	}
}

// Fix 6: duration and end_time of a call that was never answered are
// null. Call resource page (https://www.twilio.com/docs/voice/api/call-resource,
// ../shared/seed/call-resource.txt): duration "is empty for busy, failed,
// unanswered, or ongoing calls"; end_time is "Empty if the call did not
// complete successfully". Fidelity.UnansweredCallTimes keeps "0" and the
// end time.
func TestFixUnansweredCallTimes(t *testing.T) {
	const say = `<Response><Say>Hello</Say></Response>`
	cancelWhileRinging := func(t *testing.T, srv *harness.Server, sid string) {
		t.Helper()
		srv.Advance(5 * time.Second)
		p := &api.UpdateCallParams{}
		if _, err := restClient(srv).UpdateCall(sid, p.SetStatus("canceled")); err != nil {
			t.Fatalf("cancel: %v", err)
		}
	}
	unanswered := harness.DefaultFidelity()
	unanswered.UnansweredCallTimes = true
	tests := []struct {
		name         string
		party        scenario.Party
		timeout      int
		drive        func(t *testing.T, srv *harness.Server, sid string)
		opts         []harness.Option
		wantStatus   string
		wantDuration string // cliDeref of duration
		wantEnd      bool   // end_time is the call's end
	}{
		{name: "busy", party: scenario.Busy(), wantStatus: "busy", wantDuration: "<nil>"},
		{name: "no-answer", party: scenario.NoAnswer(), timeout: 15, wantStatus: "no-answer", wantDuration: "<nil>"},
		{name: "failed", party: scenario.Fails(0), wantStatus: "failed", wantDuration: "<nil>"},
		{name: "canceled while ringing", party: scenario.NoAnswer(), drive: cancelWhileRinging, wantStatus: "canceled", wantDuration: "<nil>"},
		{name: "completed", party: scenario.Person(), wantStatus: "completed", wantDuration: `"1"`, wantEnd: true},
		{name: "UnansweredCallTimes: busy", party: scenario.Busy(), opts: []harness.Option{harness.WithFidelity(unanswered)},
			wantStatus: "busy", wantDuration: `"0"`, wantEnd: true},
		{name: "UnansweredCallTimes: no-answer", party: scenario.NoAnswer(), timeout: 15, opts: []harness.Option{harness.WithFidelity(unanswered)},
			wantStatus: "no-answer", wantDuration: `"0"`, wantEnd: true},
		{name: "UnansweredCallTimes: failed", party: scenario.Fails(0), opts: []harness.Option{harness.WithFidelity(unanswered)},
			wantStatus: "failed", wantDuration: `"0"`, wantEnd: true},
		{name: "UnansweredCallTimes: canceled while ringing", party: scenario.NoAnswer(), drive: cancelWhileRinging,
			opts: []harness.Option{harness.WithFidelity(unanswered)}, wantStatus: "canceled", wantDuration: `"0"`, wantEnd: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, append([]harness.Option{harness.WithParty(to, tt.party)}, tt.opts...)...)
			c := place(t, srv, func(p *api.CreateCallParams) {
				p.SetUrl("").SetTwiml(say)
				if tt.timeout > 0 {
					p.SetTimeout(tt.timeout)
				}
			})
			if tt.drive != nil {
				tt.drive(t, srv, c.SID())
			}
			info := c.Wait()
			got, err := restClient(srv).FetchCall(c.SID(), &api.FetchCallParams{})
			if err != nil {
				t.Fatalf("FetchCall: %v", err)
			}
			wantEnd := "<nil>"
			if tt.wantEnd {
				wantEnd = fmt.Sprintf("%q", cliDate(info.Ended))
			}
			type fields struct{ Status, Duration, EndTime string }
			want := fields{fmt.Sprintf("%q", tt.wantStatus), tt.wantDuration, wantEnd}
			if diff := cmp.Diff(want, fields{cliDeref(got.Status), cliDeref(got.Duration), cliDeref(got.EndTime)}); diff != "" {
				t.Errorf("fetched call mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
		})
	}
}
