package harness_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
)

// streamSink is a Media Streams application that reads what it is sent
// until Twilio closes the socket.
var streamSink = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	for {
		if _, _, err := c.Read(context.Background()); err != nil {
			return
		}
	}
})

func TestStartAndStop(t *testing.T) {
	flow{
		paths: map[string]string{"/voice": `<Response>
			<Start><Stream name="live" url="wss://stream.example.com/audio"/></Start>
			<Start><Recording recordingStatusCallback="/rec" recordingStatusCallbackEvent="in-progress completed"/></Start>
			<Pause length="5"/>
			<Stop><Stream name="live"/></Stop>
			<Pause length="2"/>
		</Response>`},
		opts:   []harness.Option{harness.WithApp("https://stream.example.com", streamSink)},
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
			// A stream's life is its own events (EventStream); the
			// recording's is EventFork.
			var forks []string
			sid := ""
			for _, e := range c.Events() {
				if e.Kind == harness.EventStream && e.Action == harness.ActionStarted {
					sid = e.SID
				}
				if e.Kind == harness.EventFork || e.Kind == harness.EventStream && e.Action != harness.ActionDialing {
					forks = append(forks, fmt.Sprintf("%v %s", e.Time.Sub(c.Info().Answered), e.Text))
				}
			}
			want := []string{
				"0s started recording " + recs[0].SID, // the stream opens once its dial is answered
				`0s unidirectional inbound stream "live" (` + sid + `) started`,
				`5s stream "live" (` + sid + `) stopped: <Stop><Stream>`,
			}
			if diff := cmp.Diff(want, forks); diff != "" {
				t.Errorf("forks mismatch (-want +got):\n%s", diff)
			}
		},
	}.run(t)
}
