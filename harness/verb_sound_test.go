package harness_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
)

// beepTone is a beep, a second long as TestMediaVerbs sets it.
const beepTone = "https://cdn.example.com/beep.wav"

func TestSayPauseHangup(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(`<?xml version="1.0"?>
<Response>
  <Say voice="woman" loop="2">Your code is one two three</Say>
  <Pause length="7"/>
  <Hangup/>
  <Say>never said</Say>
</Response>`)))
	c := place(t, srv, nil)
	info := c.Wait()
	var got []string
	for _, e := range c.Events() {
		switch e.Kind {
		case harness.EventSay, harness.EventPause, harness.EventHangup:
			got = append(got, fmt.Sprintf("%v %s %q %v", e.Time.Sub(info.Answered), e.Kind, e.Text, e.Duration))
		}
	}
	want := []string{
		`0s say "Your code is one two three" 4.8s`, // 6 words × 0.4 s × 2 loops
		`4.8s pause "" 7s`,
		`11.8s hangup "<Hangup>" 0s`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verbs mismatch (-want +got):\n%s", diff)
	}
	if info.Status != harness.StatusCompleted || info.Duration != 11800*time.Millisecond {
		t.Errorf("call ended %s after %v, want completed after 11.8s", info.Status, info.Duration)
	}
}

// timeline returns what the call played, said and paused, with offsets
// from the answer and lengths.
func timeline(c *harness.Call) []string {
	answered := c.Info().Answered
	var out []string
	for _, e := range c.Events() {
		switch e.Kind {
		case harness.EventSay, harness.EventPlay, harness.EventPause:
			out = append(out, fmt.Sprintf("%v %s %s %v", e.Time.Sub(answered), e.Kind, e.Text, e.Duration))
		}
	}
	return out
}

// wantTimeline returns a check that the call's timeline is want.
func wantTimeline(want ...string) func(*testing.T, *harness.Server, *harness.Call) {
	return func(t *testing.T, _ *harness.Server, c *harness.Call) {
		t.Helper()
		if diff := cmp.Diff(want, timeline(c)); diff != "" {
			t.Errorf("timeline mismatch (-want +got):\n%s", diff)
		}
	}
}

func TestMediaVerbs(t *testing.T) {
	media := []harness.Option{harness.WithMediaDuration(holdTune, 4*time.Second), harness.WithMediaDuration(beepTone, time.Second)}
	runFlows(t, []flow{
		{
			name:         "Play loop repeats the media",
			paths:        map[string]string{"/voice": `<Response><Play loop="3">` + holdTune + `</Play></Response>`},
			opts:         media,
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 12 * time.Second,
			check:        wantTimeline("0s play " + holdTune + " 12s"),
		},
		{
			name:         "Play without WithMediaDuration lasts 10 s, its URL resolved against the document",
			paths:        map[string]string{"/voice": `<Response><Play>/audio/welcome.mp3</Play></Response>`},
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: harness.DefaultMediaDuration,
			check:        wantTimeline("0s play " + origin + "/audio/welcome.mp3 10s"),
		},
		{
			name:         "Play digits: 0.2 s a tone, w half a second, W a second",
			paths:        map[string]string{"/voice": `<Response><Play digits="12w3W#"/><Say>Done</Say></Response>`},
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 2300*time.Millisecond + time.Second,
			check:        wantTimeline("0s play digits 12w3W# 2.3s", "2.3s say Done 1s"),
		},
		{
			name:         `Play loop="0" stops after 1,000 loops`,
			paths:        map[string]string{"/voice": `<Response><Play loop="0">` + beepTone + `</Play><Say>Still there?</Say></Response>`},
			opts:         media,
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 1000*time.Second + time.Second,
			check:        wantTimeline("0s play "+beepTone+" 16m40s", "16m40s say Still there? 1s"),
		},
		{
			name:         `Say loop="3" says it three times`,
			paths:        map[string]string{"/voice": `<Response><Say loop="3">Please hold the line</Say></Response>`},
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 4800 * time.Millisecond,
			check:        wantTimeline("0s say Please hold the line 4.8s"),
		},
		{
			name:         "Pause lasts one second by default",
			paths:        map[string]string{"/voice": `<Response><Pause/><Say>Hello</Say></Response>`},
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 2 * time.Second,
			check:        wantTimeline("0s pause  1s", "1s say Hello 1s"),
		},
	})
}
