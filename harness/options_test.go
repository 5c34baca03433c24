package harness_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

func TestSameSeedSameTranscript(t *testing.T) {
	transcript := func(seed uint64) string {
		srv := newServer(t, harness.WithSeed(seed), harness.WithApp(origin, newApp(`<Response><Say>Hi</Say></Response>`)))
		place(t, srv, func(p *api.CreateCallParams) {
			p.SetStatusCallback(origin + "/status").SetStatusCallbackEvent([]string{"initiated", "completed"})
		})
		place(t, srv, nil)
		srv.Run()
		return srv.Transcript()
	}
	a, b := transcript(7), transcript(7)
	if a != b {
		t.Fatalf("two runs with seed 7 differ:\n%s", cmp.Diff(a, b))
	}
	if c := transcript(8); c == a {
		t.Fatal("seeds 7 and 8 made the same SIDs")
	}
}
