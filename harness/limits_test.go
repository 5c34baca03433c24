package harness_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// TestLimitsEndAmplification: documents an application could return that
// would make one call cost without bound end with CodeLimitReached,
// quickly and with a bounded record.
func TestLimitsEndAmplification(t *testing.T) {
	var attrs strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&attrs, ` a%d="x"`, i)
	}
	numbers := ""
	for i := range 10 {
		numbers += fmt.Sprintf("<Number>+1415555%04d</Number>", 2000+i)
	}
	tests := []struct {
		name      string
		doc       string
		opts      []harness.Option
		wantLimit string // in the CodeLimitReached message
		check     func(t *testing.T, c *harness.Call)
	}{
		{
			name:      "a document with 5,000 unknown attributes that redirects to itself",
			doc:       `<Response><Say` + attrs.String() + `>hi</Say><Redirect/></Response>`,
			wantLimit: "limit of 1000 notifications",
			check: func(t *testing.T, c *harness.Call) {
				if n := len(c.Notifications()); n > 1001 {
					t.Errorf("the call logged %d notifications, want at most the limit and one", n)
				}
			},
		},
		{
			name:      "a Dial of ten numbers whose action dials again",
			doc:       `<Response><Dial timeLimit="1" action="/voice">` + numbers + `</Dial></Response>`,
			wantLimit: "limit of 100 legs dialed",
			check: func(t *testing.T, c *harness.Call) {
				if n := len(c.Children()); n != 100 {
					t.Errorf("the call dialed %d legs, want the 100 of the limit", n)
				}
			},
		},
		{
			name:      "a Pause and a Redirect to itself, for hours",
			doc:       `<Response><Pause length="1"/><Redirect>/voice</Redirect></Response>`,
			wantLimit: "limit of 1000 documents loaded",
			check: func(t *testing.T, c *harness.Call) {
				if d := c.Info().Duration; d != 1000*time.Second {
					t.Errorf("the call lasted %v, want the 1,000 s of its 1,000 documents", d)
				}
			},
		},
		{
			name:      "a Dial past a lower LegsPerCall",
			doc:       `<Response><Dial>` + numbers + `</Dial></Response>`,
			opts:      []harness.Option{harness.WithLimits(harness.Limits{LegsPerCall: 9})},
			wantLimit: "limit of 9 legs dialed",
			check: func(t *testing.T, c *harness.Call) {
				if n := len(c.Children()); n != 0 {
					t.Errorf("the call dialed %d legs, want none: the whole Dial is over the limit", n)
				}
			},
		},
		{
			name:      "a lower limit set with WithLimits",
			doc:       `<Response><Pause length="1"/><Redirect>/voice</Redirect></Response>`,
			opts:      []harness.Option{harness.WithLimits(harness.Limits{DocumentsPerCall: 5})},
			wantLimit: "limit of 5 documents loaded",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := append([]harness.Option{harness.WithApp(origin, &docs{paths: map[string]string{"/voice": tt.doc}}),
				harness.WithParty(to, scenario.Person()), harness.WithLenientScripts()}, tt.opts...)
			for i := range 11 {
				opts = append(opts, harness.WithParty(fmt.Sprintf("+1415555%04d", 2000+i), scenario.Person()))
			}
			srv := newServer(t, opts...)
			c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			info := c.Wait()
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("the call took %v of real time", took)
			}
			var limit *harness.Notification
			for _, n := range c.Notifications() {
				if n.Code == harness.CodeLimitReached && n.Level == harness.LevelError {
					limit = &n
				}
			}
			if info.Status != harness.StatusCompleted || limit == nil || !strings.Contains(limit.Message, tt.wantLimit) {
				t.Fatalf("the call ended %s with %v, want completed after CodeLimitReached about %q", info.Status, limit, tt.wantLimit)
			}
			if !strings.Contains(limit.Message, "WithLimits") {
				t.Errorf("the message does not say how to raise the limit: %q", limit.Message)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

// TestNotificationsPerDocument: a document's problems past the limit are
// counted in one notification, and the document still runs.
func TestNotificationsPerDocument(t *testing.T) {
	var attrs strings.Builder
	for i := range 250 {
		fmt.Fprintf(&attrs, ` a%d="x"`, i)
	}
	srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{"/voice": `<Response><Say` + attrs.String() + `>hi</Say></Response>`}}))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	info := c.Wait()
	notes := c.Notifications()
	if len(notes) != 101 {
		t.Fatalf("%d notifications, want the first 100 problems and one for the rest", len(notes))
	}
	if last := notes[100]; last.Code != harness.CodeLimitReached || last.Level != harness.LevelWarning || !strings.Contains(last.Message, "150 more problems") {
		t.Errorf("the last notification is %+v, want a warning counting the 150 problems not logged", last)
	}
	if info.Status != harness.StatusCompleted || info.Duration != time.Second {
		t.Errorf("the call ended %s after %v, want the <Say> played", info.Status, info.Duration)
	}
}
