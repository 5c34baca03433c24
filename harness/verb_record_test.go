package harness_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// TestEmptyRecording: "If Twilio receives an empty recording, it will not
// make a request to the action URL; the call flow continues with the next
// verb" (Twilio's <Record> page). Fidelity.EmptyRecordingRequestsAction
// keeps the harness's older behaviour.
func TestEmptyRecording(t *testing.T) {
	voice := `<Response><Say>Leave a message</Say><Record action="/recorded" maxLength="30" timeout="3"/><Say>No message</Say></Response>`
	paths := map[string]string{"/voice": voice, "/recorded": `<Response><Say>Thanks</Say></Response>`}
	silent := scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Silent}}}}
	requestsAction := harness.DefaultFidelity()
	requestsAction.EmptyRecordingRequestsAction = true
	tests := []struct {
		name     string
		opts     []harness.Option
		want     []req
		wantSaid []string
	}{
		{"by default: no request, the next verb", nil,
			[]req{voiceReq}, []string{"Leave a message", "No message"}},
		{"EmptyRecordingRequestsAction: the action with RecordingDuration", []harness.Option{harness.WithFidelity(requestsAction)},
			[]req{voiceReq, {harness.KindAction, "POST", "/recorded", values("RecordingDuration", "3")}}, []string{"Leave a message", "Thanks"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := append([]harness.Option{harness.WithApp(origin, &docs{paths: paths}), harness.WithParty(to, silent)}, tt.opts...)
			srv := newServer(t, opts...)
			c := place(t, srv, nil)
			c.Wait()
			if diff := cmp.Diff(tt.want, requests(c, "RecordingDuration")); diff != "" {
				t.Errorf("requests mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff(tt.wantSaid, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
			recs := c.Recordings()
			if len(recs) != 1 || recs[0].Status != "absent" {
				t.Errorf("recordings = %+v, want one absent", recs)
			}
		})
	}
}

func TestRecord(t *testing.T) {
	voice := `<Response><Say>Leave a message</Say><Record action="/recorded" maxLength="30" timeout="3"/><Say>No message</Say></Response>`
	tests := []struct {
		name   string
		step   scenario.Step
		want   map[string]string
		status harness.Status
	}{
		{"talk then a key", scenario.Step{Do: scenario.Action{Kind: scenario.Talk, Duration: 6 * time.Second, Digits: "#"}},
			map[string]string{"Digits": "#", "RecordingDuration": "6", "CallStatus": "in-progress"}, harness.StatusCompleted},
		{"talk then silence", scenario.Step{Do: scenario.Action{Kind: scenario.Talk, Duration: 4 * time.Second}},
			map[string]string{"RecordingDuration": "7", "CallStatus": "in-progress"}, harness.StatusCompleted},
		{"talk then hang up", scenario.Step{Do: scenario.Action{Kind: scenario.Talk, Duration: 5 * time.Second, HangUpAfterTalk: true}},
			map[string]string{"Digits": "hangup", "RecordingDuration": "5", "CallStatus": "completed"}, harness.StatusCompleted},
		{"maxLength", scenario.Step{Do: scenario.Action{Kind: scenario.Talk, Duration: 40 * time.Second}},
			map[string]string{"RecordingDuration": "30", "CallStatus": "in-progress"}, harness.StatusCompleted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := run(t, map[string]string{"/voice": voice, "/recorded": `<Response><Say>Thanks</Say></Response>`},
				scenario.Party{Steps: []scenario.Step{tt.step}})
			reqs := requests(c, "Digits", "RecordingDuration", "CallStatus")
			if len(reqs) != 2 || reqs[1].Kind != harness.KindAction || reqs[1].Path != "/recorded" {
				t.Fatalf("requests = %+v\n%s", reqs, c.Transcript())
			}
			if diff := cmp.Diff(tt.want, reqs[1].Params); diff != "" {
				t.Errorf("action parameters mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			recs := c.Recordings()
			if len(recs) != 1 || recs[0].Source != "RecordVerb" || !strings.HasPrefix(recs[0].SID, "RE") {
				t.Errorf("recordings = %+v", recs)
			}
			if st := c.Status(); st != tt.status {
				t.Errorf("status = %s, want %s", st, tt.status)
			}
		})
	}
}

func TestRecordOptions(t *testing.T) {
	const leave = `<Say>Leave a message</Say>` // 1.2 s
	record := func(attrs string) map[string]string {
		return map[string]string{
			"/voice":    `<Response>` + leave + `<Record action="/recorded" ` + attrs + `/></Response>`,
			"/recorded": `<Response><Say>Thanks</Say></Response>`,
		}
	}
	talk := func(a scenario.Action) scenario.Party {
		a.Kind = scenario.Talk
		return scenario.Party{Steps: []scenario.Step{{Do: a}}}
	}
	names := []string{"Digits", "RecordingDuration", "RecordingStatus", "RecordingSource", "TranscriptionText", "TranscriptionStatus"}
	// recorded checks the recordings' lengths and that every request about
	// the recording names it.
	recorded := func(want time.Duration) func(*testing.T, *harness.Server, *harness.Call) {
		return func(t *testing.T, _ *harness.Server, c *harness.Call) {
			recs := c.Recordings()
			if len(recs) != 1 || recs[0].Duration != want || recs[0].Source != "RecordVerb" {
				t.Fatalf("recordings = %+v, want one of %v", recs, want)
			}
			for _, r := range c.Requests() {
				if r.Kind != harness.KindVoice && r.Kind != harness.KindStatusCallback && r.Form.Get("RecordingSid") != recs[0].SID {
					t.Errorf("%s request names recording %q, want %s", r.Kind, r.Form.Get("RecordingSid"), recs[0].SID)
				}
			}
		}
	}
	runFlows(t, []flow{
		{
			name:   `playBeep="false" records at once`,
			paths:  record(`playBeep="false" timeout="3"`),
			party:  talk(scenario.Action{Duration: 4 * time.Second, Digits: "#"}),
			params: names,
			want: []req{voiceReq,
				{harness.KindAction, "POST", "/recorded", values("Digits", "#", "RecordingDuration", "4")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 1200*time.Millisecond + 4*time.Second + time.Second,
			check: both(recorded(4*time.Second), func(t *testing.T, _ *harness.Server, c *harness.Call) {
				for _, e := range c.Events() {
					if e.Kind == harness.EventRecord && e.Text == "beep" {
						t.Errorf("a beep played with playBeep=false")
					}
				}
			}),
		},
		{
			name:   "trim-silence (the default) keeps the talk only",
			paths:  record(`timeout="3" recordingStatusCallback="/rec"`),
			party:  talk(scenario.Action{Delay: 2 * time.Second, Duration: 4 * time.Second}),
			params: names,
			want: []req{voiceReq,
				{harness.KindAction, "POST", "/recorded", values("RecordingDuration", "9")},
				{harness.KindRecordingStatusCallback, "POST", "/rec", values("RecordingStatus", "completed", "RecordingDuration", "4", "RecordingSource", "RecordVerb")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 1200*time.Millisecond + 500*time.Millisecond + 9*time.Second + time.Second,
			check:        recorded(4 * time.Second),
		},
		{
			name:   `trim="do-not-trim" keeps the silence`,
			paths:  record(`timeout="3" trim="do-not-trim" recordingStatusCallback="/rec"`),
			party:  talk(scenario.Action{Delay: 2 * time.Second, Duration: 4 * time.Second}),
			params: names,
			want: []req{voiceReq,
				{harness.KindAction, "POST", "/recorded", values("RecordingDuration", "9")},
				{harness.KindRecordingStatusCallback, "POST", "/rec", values("RecordingStatus", "completed", "RecordingDuration", "9", "RecordingSource", "RecordVerb")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 1200*time.Millisecond + 500*time.Millisecond + 9*time.Second + time.Second,
			check:        recorded(9 * time.Second),
		},
		{
			name:   "transcribe sends the Talk step's text to transcribeCallback",
			paths:  record(`transcribe="true" transcribeCallback="/transcribed"`),
			party:  talk(scenario.Action{Duration: 5 * time.Second, Digits: "#", Text: "Please call me back at five"}),
			params: names,
			want: []req{voiceReq,
				{harness.KindAction, "POST", "/recorded", values("Digits", "#", "RecordingDuration", "5")},
				{harness.KindTranscription, "POST", "/transcribed", values("TranscriptionText", "Please call me back at five", "TranscriptionStatus", "completed")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 1200*time.Millisecond + 500*time.Millisecond + 5*time.Second + time.Second,
			check:        recorded(5 * time.Second),
		},
		{
			name:   "transcribe limits the recording to 120 s; what was said until then is kept and transcribed",
			paths:  record(`transcribe="true" transcribeCallback="/transcribed" recordingStatusCallback="/rec"`),
			party:  talk(scenario.Action{Duration: 200 * time.Second, Text: "A very long message"}),
			params: names,
			want: []req{voiceReq,
				{harness.KindAction, "POST", "/recorded", values("RecordingDuration", "120")},
				{harness.KindRecordingStatusCallback, "POST", "/rec", values("RecordingStatus", "completed", "RecordingDuration", "120", "RecordingSource", "RecordVerb")},
				{harness.KindTranscription, "POST", "/transcribed", values("TranscriptionText", "A very long message", "TranscriptionStatus", "completed")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 1200*time.Millisecond + 500*time.Millisecond + 120*time.Second + time.Second,
			check:        recorded(120 * time.Second),
		},
		{
			name:   "recordingStatusCallbackEvent in-progress and completed: one callback each",
			paths:  record(`recordingStatusCallback="/rec" recordingStatusCallbackEvent="in-progress completed"`),
			party:  talk(scenario.Action{Duration: 3 * time.Second, Digits: "#"}),
			params: names,
			want: []req{voiceReq,
				{harness.KindRecordingStatusCallback, "POST", "/rec", values("RecordingStatus", "in-progress", "RecordingSource", "RecordVerb")},
				{harness.KindAction, "POST", "/recorded", values("Digits", "#", "RecordingDuration", "3")},
				{harness.KindRecordingStatusCallback, "POST", "/rec", values("RecordingStatus", "completed", "RecordingDuration", "3", "RecordingSource", "RecordVerb")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 1200*time.Millisecond + 500*time.Millisecond + 3*time.Second + time.Second,
			check:        recorded(3 * time.Second),
		},
	})
}

// Fix 1: an empty recording makes no request to <Record>'s action, and a
// caller who hangs up during <Record> without saying anything left an empty
// recording. Twilio's <Record> page (https://www.twilio.com/docs/voice/twiml/record):
// "If Twilio receives an empty recording, it will not make a request to the
// action URL"; a hang-up sends Digits=hangup (reference voice-semantics §1.2
// <Record>, §1.3). The silent timeout case is TestEmptyRecording.
func TestFixRecordHangUpWithNothingSaid(t *testing.T) {
	voice := `<Response><Say>Leave a message</Say><Record action="/recorded" timeout="10"/><Say>never said</Say></Response>`
	paths := map[string]string{"/voice": voice, "/recorded": `<Response><Say>ignored</Say></Response>`}
	hangsUp := scenario.Person().HangsUp().After(2 * time.Second)
	requestsAction := harness.DefaultFidelity()
	requestsAction.EmptyRecordingRequestsAction = true
	tests := []struct {
		name string
		opts []harness.Option
		want []req
	}{
		{
			name: "by default: no request to the action",
			want: []req{voiceInProgress},
		},
		{
			name: "EmptyRecordingRequestsAction: the action with Digits=hangup",
			opts: []harness.Option{harness.WithFidelity(requestsAction)},
			want: []req{voiceInProgress, {harness.KindAction, "POST", "/recorded", values("Digits", "hangup", "CallStatus", "completed")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := run(t, paths, hangsUp, tt.opts...)
			if diff := cmp.Diff(tt.want, requests(c, "Digits", "CallStatus")); diff != "" {
				t.Errorf("requests mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff([]string{"Leave a message"}, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
			if st := c.Status(); st != harness.StatusCompleted {
				t.Errorf("status = %s, want completed", st)
			}
		})
	}
}
