package harness_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// hasPlayOf reports whether the call played the audio at u.
func hasPlayOf(c *harness.Call, u string) bool {
	for _, e := range c.Events() {
		if e.Kind == harness.EventPlay && e.URL == u {
			return true
		}
	}
	return false
}

// Fix 5: a <Play> with no URL is a TwiML error with Twilio's code 11100
// ("Invalid URL format", the catalog's "Bad URL in Play or Redirect Verb
// Body", https://www.twilio.com/docs/api/errors/11100). The <Play> page
// (https://www.twilio.com/docs/voice/twiml/play) says its body is the URL
// of the audio: unlike an action, an empty one does not default to the
// document's own URL, so the document is neither requested again nor
// "played".
func TestFixPlayWithoutURL(t *testing.T) {
	tests := []struct {
		name  string
		voice string
	}{
		{"self-closing", `<Response><Play/></Response>`},
		{"empty element", `<Response><Play></Play></Response>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := run(t, map[string]string{"/voice": tt.voice}, scenario.Person())
			if !slices.Contains(codes(c), 11100) {
				t.Errorf("notifications = %v, want 11100", notes(c))
			}
			if diff := cmp.Diff([]req{voiceReq}, requests(c)); diff != "" {
				t.Errorf("requests mismatch (-want +got):\n%s", diff)
			}
			if hasPlayOf(c, origin+"/voice") {
				t.Errorf("the call played the document's own URL %s/voice, want no play:\n%s", origin, c.Transcript())
			}
		})
	}
}
