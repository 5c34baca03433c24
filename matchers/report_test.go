package matchers_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	. "github.com/twimlharness/twimlharness/matchers"
)

// TestReportedTranscript: what ReportTranscripts attaches to a failed spec.
// A server's transcript has the conferences' after the calls'; a call's is
// followed by its conference's, as the server's shows it, and a call that
// was in none reports its own alone.
func TestReportedTranscript(t *testing.T) {
	srv, customer, agent := conferenceCalls(t)
	conf := srv.Conference("room")
	_, menu := menuCall(t)
	tests := []struct {
		name string
		r    Record
		want string
	}{
		{"the server", srv, customer.Transcript() + "\n" + agent.Transcript() + "\n" + conf.Transcript()},
		{"a participant", customer, customer.Transcript() + "\n" + conf.Transcript()},
		{"another participant", agent, agent.Transcript() + "\n" + conf.Transcript()},
		{"a call in no conference", menu, menu.Transcript()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ReportedTranscript(tt.r)); diff != "" {
				t.Errorf("reported transcript mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
