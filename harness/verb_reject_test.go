package harness_test

import (
	"testing"
	"time"

	"github.com/twimlharness/twimlharness/harness"
)

func TestRejectOnAnsweredCall(t *testing.T) {
	flow{
		paths:        map[string]string{"/voice": `<Response><Say>Hello</Say><Reject reason="busy"/><Say>never</Say></Response>`},
		want:         []req{voiceReq},
		wantStatus:   harness.StatusCompleted,
		wantDuration: time.Second,
		check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
			n := c.Notifications()
			if len(n) != 1 || n[0].Code != 13810 || n[0].Level != harness.LevelWarning {
				t.Errorf("notifications = %v, want one 13810 warning", notes(c))
			}
			wantSaid("Hello")(t, nil, c)
			if sip := c.Info().SIPResponseCode; sip != 200 {
				t.Errorf("SIP response %d, want 200: the call was answered", sip)
			}
		},
	}.run(t)
}
