package harness_test

import (
	"testing"
	"time"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestEcho(t *testing.T) {
	echo := map[string]string{"/voice": `<Response><Echo/><Say>never</Say></Response>`}
	runFlows(t, []flow{
		{
			name:         "until the far end hangs up",
			paths:        echo,
			party:        scenario.AnswersAfter(2 * time.Second).HangsUpAfter(20 * time.Second),
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 20 * time.Second,
			check:        wantSaid(),
		},
		{
			name:         "a hang-up step at the Echo",
			paths:        echo,
			party:        scenario.Party{Steps: []scenario.Step{{When: scenario.Trigger{Verb: "Echo"}, Do: scenario.Action{Kind: scenario.HangUp, Delay: 8 * time.Second}}}},
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 8 * time.Second,
			check:        wantSaid(),
		},
	})
}
