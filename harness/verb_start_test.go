package harness_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
)

func TestStartAndStop(t *testing.T) {
	flow{
		paths: map[string]string{"/voice": `<Response>
			<Start><Stream name="live" url="wss://stream.example.com/audio"/></Start>
			<Start><Recording recordingStatusCallback="/rec" recordingStatusCallbackEvent="in-progress completed"/></Start>
			<Pause length="5"/>
			<Stop><Stream name="live"/></Stop>
			<Pause length="2"/>
		</Response>`},
		params: []string{"RecordingSource", "RecordingStatus", "RecordingDuration"},
		want: []req{
			voiceReq,
			{harness.KindRecordingStatusCallback, "POST", "/rec", values("RecordingSource", "StartCallRecordingTwiML", "RecordingStatus", "in-progress")},
			{harness.KindRecordingStatusCallback, "POST", "/rec", values("RecordingSource", "StartCallRecordingTwiML", "RecordingStatus", "completed", "RecordingDuration", "7")},
		},
		wantStatus:   harness.StatusCompleted,
		wantDuration: 7 * time.Second,
		check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
			recs := c.Recordings()
			if len(recs) != 1 || recs[0].Source != "StartCallRecordingTwiML" || recs[0].Status != "completed" || recs[0].Duration != 7*time.Second {
				t.Errorf("recordings = %+v, want one of 7 s from <Start><Recording>, completed at hang-up", recs)
			}
			var forks []string
			for _, e := range c.Events() {
				if e.Kind == harness.EventFork {
					forks = append(forks, fmt.Sprintf("%v %s", e.Time.Sub(c.Info().Answered), e.Text))
				}
			}
			want := []string{
				`0s started stream "live" to wss://stream.example.com/audio`,
				"0s started recording " + recs[0].SID,
				`5s stopped stream "live"`,
			}
			if diff := cmp.Diff(want, forks); diff != "" {
				t.Errorf("forks mismatch (-want +got):\n%s", diff)
			}
		},
	}.run(t)
}
