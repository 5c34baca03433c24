package harness_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

func TestVerbsNotSimulatedAreReported(t *testing.T) {
	srv := newServer(t)
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetTwiml(`<Response><say>lower case</say><Say>first</Say><Pay/><Say>never</Say></Response>`)
	})
	info := c.Wait()
	var got []string
	for _, n := range c.Notifications() {
		got = append(got, fmt.Sprintf("%d %s", n.Code, n.Level))
	}
	want := []string{"12200 warning", fmt.Sprintf("%d error", harness.CodeNotSimulated)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notifications mismatch (-want +got):\n%s", diff)
	}
	if info.Status != harness.StatusCompleted || info.Duration != time.Second {
		t.Errorf("got %s after %v; want completed after the one Say", info.Status, info.Duration)
	}
}
