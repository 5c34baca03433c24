package harness_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// transcriptLine returns the first line of the call's transcript that contains
// substr, or "" if none does.
func transcriptLine(c *harness.Call, substr string) string {
	for _, line := range strings.Split(c.Transcript(), "\n") {
		if strings.Contains(line, substr) {
			return line
		}
	}
	return ""
}

// Fix 8: a GET request sends its parameters in the query (TwiML for
// Programmable Voice, https://www.twilio.com/docs/voice/twiml, and the
// <Gather> page's method attribute; reference voice-semantics §0.8, §2.3),
// and its transcript line shows the URL as requested, query and all.
func TestFixGETTranscriptShowsQuery(t *testing.T) {
	paths := map[string]string{
		"/voice": `<Response><Gather numDigits="1" action="/menu" method="GET"><Say>Press 1</Say></Gather></Response>`,
		"/menu":  `<Response><Say>Thanks</Say></Response>`,
	}
	_, c := run(t, paths, scenario.Party{Steps: []scenario.Step{press("1")}})
	var action *harness.Request
	for _, r := range c.Requests() {
		if r.Kind == harness.KindAction {
			action = &r
		}
	}
	if action == nil || action.Method != "GET" {
		t.Fatalf("no GET action request:\n%s", c.Transcript())
	}
	line := transcriptLine(c, "action GET ")
	pattern := regexp.MustCompile(`action GET https://app\.example\.com/menu\?AccountSid=AC[0-9a-f]{32}&\S*\bDigits=1(&|\s)`)
	if !pattern.MatchString(line) {
		t.Errorf("transcript line %q does not show the query sent, want it to match %s", line, pattern)
	}
	if !strings.Contains(line, "action GET "+action.URL+" ") {
		t.Errorf("transcript line %q does not show the URL requested, %s", line, action.URL)
	}
}

// Fix 13: a failed webhook's transcript line shows the start of the
// reply's body, and for 401 or 403 the URL that was signed. A 4xx or 5xx
// reply is error 11200, "HTTP retrieval failure"
// (https://www.twilio.com/docs/api/errors/11200), whose cause is in the
// reply; the signature covers the full URL (https://www.twilio.com/docs/usage/security),
// and a URL rebuilt differently is the usual cause of a 401 or 403 from an
// application that validates it.
func TestFixFailedWebhookLineShowsReply(t *testing.T) {
	long := strings.Repeat("0123456789", 20)
	const hint = "(X-Twilio-Signature was computed for {url}: does the application check the same URL?)"
	tests := []struct {
		name     string
		method   string // of the call's Url
		status   int
		body     string
		want     []string // in the line; {url} is the URL requested
		wantNone []string
	}{
		{name: "500 shows its body", status: 500, body: "database is down",
			want: []string{"-> 500", `: "database is down"`}, wantNone: []string{"X-Twilio-Signature"}},
		{name: "a long body is cut", status: 500, body: long,
			want: []string{`: "` + long[:80] + `…"`}, wantNone: []string{long[:81]}},
		{name: "401 names the signed URL", status: 401, body: "invalid signature",
			want: []string{"-> 401", `: "invalid signature"`, hint}},
		{name: "403 names the signed URL", status: 403, body: "forbidden",
			want: []string{"-> 403", `: "forbidden"`, hint}},
		{name: "403 to a GET names the URL with its query", method: "GET", status: 403, body: "forbidden",
			want: []string{"-> 403", hint}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/voice" {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			srv := newServer(t, harness.WithApp(origin, h))
			c := place(t, srv, func(p *api.CreateCallParams) {
				if tt.method != "" {
					p.SetMethod(tt.method)
				}
			})
			c.Wait()
			voice := c.Requests()[0]
			if tt.method == "GET" && !strings.Contains(voice.URL, "?AccountSid=") {
				t.Fatalf("GET voice request URL %s carries no parameters", voice.URL)
			}
			line := transcriptLine(c, "voice ")
			for _, w := range tt.want {
				w = strings.ReplaceAll(w, "{url}", voice.URL)
				if !strings.Contains(line, w) {
					t.Errorf("transcript line %q\ndoes not contain %q", line, w)
				}
			}
			for _, w := range tt.wantNone {
				if strings.Contains(line, w) {
					t.Errorf("transcript line %q\ncontains %q", line, w)
				}
			}
		})
	}
}
