package harness_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestRedirectAndHangupAndSms(t *testing.T) {
	srv, c := run(t, map[string]string{
		"/voice":  `<Response><Sms to="+14155550999">Your code is 1234</Sms><Redirect method="GET">next</Redirect><Say>never</Say></Response>`,
		"/next":   `<Response><Say>Next page</Say><Hangup/><Say>never</Say></Response>`,
		"/status": ``,
	}, scenario.Party{})
	want := []req{
		{harness.KindVoice, "POST", "/voice", map[string]string{}},
		{harness.KindRedirect, "GET", "/next", map[string]string{}},
	}
	if diff := cmp.Diff(want, requests(c)); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Next page"}, said(c)); diff != "" {
		t.Errorf("said mismatch (-want +got):\n%s", diff)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].To != "+14155550999" || msgs[0].From != from || msgs[0].Body != "Your code is 1234" {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestRedirectVerb(t *testing.T) {
	other := &docs{paths: map[string]string{"/flows/next": `<Response><Say>Other host</Say></Response>`}}
	runFlows(t, []flow{
		{
			name: "relative URLs resolve against the current document",
			paths: map[string]string{
				"/voice":    `<Response><Redirect>ivr/menu</Redirect><Say>not reached</Say></Response>`,
				"/ivr/menu": `<Response><Redirect>main</Redirect></Response>`,
				"/ivr/main": `<Response><Redirect>../end</Redirect></Response>`,
				"/end":      `<Response><Say>The end</Say></Response>`,
			},
			params: []string{"CallStatus"},
			want: []req{
				{harness.KindVoice, "POST", "/voice", values("CallStatus", "in-progress")},
				{harness.KindRedirect, "POST", "/ivr/menu", values("CallStatus", "in-progress")},
				{harness.KindRedirect, "POST", "/ivr/main", values("CallStatus", "in-progress")},
				{harness.KindRedirect, "POST", "/end", values("CallStatus", "in-progress")},
			},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second,
			check:        wantSaid("The end"),
		},
		{
			name:         "absolute URL on another host",
			paths:        map[string]string{"/voice": `<Response><Redirect>https://flows.example.com/flows/next</Redirect></Response>`},
			opts:         []harness.Option{harness.WithApp("https://flows.example.com", other)},
			want:         []req{voiceReq, {harness.KindRedirect, "POST", "/flows/next", map[string]string{}}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second,
			check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
				if u := c.Requests()[1].URL; u != "https://flows.example.com/flows/next" {
					t.Errorf("redirect URL = %s, want the absolute URL as written", u)
				}
				wantSaid("Other host")(t, nil, c)
			},
		},
		{
			name: "GET carries the parameters in the query, after the URL's own",
			paths: map[string]string{
				"/voice": `<Response><Redirect method="GET">/next?lang=en</Redirect></Response>`,
				"/next":  `<Response><Say>Next</Say></Response>`,
			},
			params:       []string{"CallStatus"},
			want:         []req{voiceInProgress, {harness.KindRedirect, "GET", "/next", values("CallStatus", "in-progress")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second,
			check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
				r := c.Requests()[1]
				if !strings.HasPrefix(r.URL, origin+"/next?lang=en&") || r.Header.Get("Content-Type") != "" {
					t.Errorf("GET redirect to %s with Content-Type %q; want the query kept first and no body", r.URL, r.Header.Get("Content-Type"))
				}
			},
		},
	})
}
