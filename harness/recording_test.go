package harness_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

func TestRecordingCallbacks(t *testing.T) {
	a := newApp(`<Response/>`)
	srv := newServer(t, harness.WithApp(origin, a))
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetTwiml(`<Response><Pause length="8"/></Response>`).SetRecord(true).
			SetRecordingChannels("dual").SetRecordingStatusCallback(origin + "/rec").
			SetRecordingStatusCallbackEvent([]string{"in-progress completed"}).SetStatusCallback(origin + "/status")
	})
	c.Wait()
	recs := c.Recordings()
	if len(recs) != 1 || recs[0].Duration != 8*time.Second || recs[0].Channels != 2 || recs[0].Status != "completed" {
		t.Fatalf("recordings = %+v, want one of 8 s, dual, completed", recs)
	}
	var got []string
	for _, r := range c.Requests() {
		got = append(got, fmt.Sprintf("%s %s %s %s", r.Kind, r.Form.Get("RecordingStatus"), r.Form.Get("RecordingChannels"), r.Form.Get("RecordingDuration")))
	}
	want := []string{
		"recording-status-callback in-progress 2 ",
		"status-callback   8",
		"recording-status-callback completed 2 8",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
	done := c.Requests()[1]
	if done.Form.Get("RecordingSid") != recs[0].SID || done.Form.Get("RecordingUrl") != recs[0].URL {
		t.Errorf("completed callback carries recording %s %s, want %s %s", done.Form.Get("RecordingSid"),
			done.Form.Get("RecordingUrl"), recs[0].SID, recs[0].URL)
	}
}
