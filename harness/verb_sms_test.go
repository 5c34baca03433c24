package harness_test

import (
	"strings"
	"testing"
	"time"

	"github.com/twimlharness/twimlharness/harness"
)

func TestSms(t *testing.T) {
	// sent checks the message and that every request about it carries its
	// SID.
	sent := func(to, from, body string) func(*testing.T, *harness.Server, *harness.Call) {
		return func(t *testing.T, srv *harness.Server, c *harness.Call) {
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("messages = %+v, want one", msgs)
			}
			m := msgs[0]
			if m.To != to || m.From != from || m.Body != body || m.Status != "sent" || m.CallSID != c.SID() || !strings.HasPrefix(m.SID, "SM") {
				t.Errorf("message = %+v, want %s to %s from %s, sent", m, body, to, from)
			}
			for _, r := range c.Requests() {
				if r.Kind == harness.KindAction || r.Kind == harness.KindSmsStatus {
					if got := r.Form.Get("SmsSid"); got != m.SID {
						t.Errorf("%s request has SmsSid %q, want %s", r.Kind, got, m.SID)
					}
				}
			}
		}
	}
	runFlows(t, []flow{
		{
			name: "with action and statusCallback",
			paths: map[string]string{
				"/voice":    `<Response><Sms to="+14155550999" action="/sms-sent" statusCallback="/sms-status">Your code is 1234</Sms><Say>not reached</Say></Response>`,
				"/sms-sent": `<Response><Say>We sent you a text</Say></Response>`,
			},
			params: []string{"SmsStatus", "CallStatus"},
			want: []req{
				voiceInProgress,
				{harness.KindSmsStatus, "POST", "/sms-status", values("SmsStatus", "sent", "CallStatus", "in-progress")},
				{harness.KindAction, "POST", "/sms-sent", values("SmsStatus", "sent", "CallStatus", "in-progress")},
			},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 2 * time.Second,
			check:        both(sent("+14155550999", from, "Your code is 1234"), wantSaid("We sent you a text")),
		},
		{
			name:         "without action goes on to the next verb; defaults to the far end, from the call's number",
			paths:        map[string]string{"/voice": `<Response><Sms>Thanks for calling</Sms><Say>Goodbye</Say></Response>`},
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second,
			check:        both(sent(to, from, "Thanks for calling"), wantSaid("Goodbye")),
		},
	})
}
