package harness_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// Addresses and media of the tests in this file.
const (
	alice    = "+14155550201"
	holdTune = "https://cdn.example.com/hold.mp3"
	beepTone = "https://cdn.example.com/beep.wav"
)

// flow is one call placed to `to` and run to its end: the application's
// documents by path, the far ends, and what the test expects of it.
type flow struct {
	name  string
	paths map[string]string
	// party is the far end of the call (at `to`).
	party scenario.Party
	opts  []harness.Option
	// setup runs once the server exists, before the call is placed.
	setup func(t *testing.T, srv *harness.Server)
	// drive runs part of the call (with Advance) before it is run to its
	// end, to act on it half-way.
	drive func(t *testing.T, srv *harness.Server, c *harness.Call)
	// params are the parameters of the requests the test compares.
	params       []string
	want         []req
	wantStatus   harness.Status
	wantDuration time.Duration
	// check looks at anything else once the call has ended.
	check func(t *testing.T, srv *harness.Server, c *harness.Call)
}

// run places the flow's call, runs it to its end and checks it.
func (f flow) run(t *testing.T) {
	t.Helper()
	opts := append([]harness.Option{harness.WithApp(origin, &docs{paths: f.paths}), harness.WithParty(to, f.party)}, f.opts...)
	srv := newServer(t, opts...)
	if f.setup != nil {
		f.setup(t, srv)
	}
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetStatusCallback(origin + "/status") })
	if f.drive != nil {
		f.drive(t, srv, c)
	}
	info := c.Wait()
	srv.Run() // legs detached from the call may outlive it
	if diff := cmp.Diff(f.want, requests(c, f.params...)); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s\n%s", diff, srv.Transcript())
	}
	if f.wantStatus != "" && info.Status != f.wantStatus {
		t.Errorf("status = %s, want %s\n%s", info.Status, f.wantStatus, c.Transcript())
	}
	if info.Duration != f.wantDuration {
		t.Errorf("duration = %v, want %v\n%s", info.Duration, f.wantDuration, c.Transcript())
	}
	if f.check != nil {
		f.check(t, srv, c)
	}
}

func runFlows(t *testing.T, flows []flow) {
	t.Helper()
	for _, f := range flows {
		t.Run(f.name, f.run)
	}
}

// values returns the parameters name, value, name, value… as a map.
func values(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// voiceReq is the request for the call's Url; voiceInProgress the same
// with its CallStatus.
var (
	voiceReq        = req{harness.KindVoice, "POST", "/voice", map[string]string{}}
	voiceInProgress = req{harness.KindVoice, "POST", "/voice", map[string]string{"CallStatus": "in-progress"}}
)

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

// notes returns the code, level and message of the call's notifications.
func notes(c *harness.Call) []string {
	var out []string
	for _, n := range c.Notifications() {
		out = append(out, fmt.Sprintf("%d %s %s", n.Code, n.Level, n.Message))
	}
	return out
}

// codes returns the codes of the call's notifications.
func codes(c *harness.Call) []int {
	var out []int
	for _, n := range c.Notifications() {
		out = append(out, n.Code)
	}
	return out
}

// legs returns the final status and duration of each leg the call dialed.
func legs(c *harness.Call) []string {
	var out []string
	for _, l := range c.Children() {
		info := l.Info()
		out = append(out, fmt.Sprintf("%s %s %v", info.To, info.Status, info.Duration))
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

// wantSaid returns a check that the call said and played want.
func wantSaid(want ...string) func(*testing.T, *harness.Server, *harness.Call) {
	return func(t *testing.T, _ *harness.Server, c *harness.Call) {
		t.Helper()
		if diff := cmp.Diff(want, said(c)); diff != "" {
			t.Errorf("said mismatch (-want +got):\n%s", diff)
		}
	}
}

// wantLegs returns a check of the legs the call dialed.
func wantLegs(want ...string) func(*testing.T, *harness.Server, *harness.Call) {
	return func(t *testing.T, srv *harness.Server, c *harness.Call) {
		t.Helper()
		if diff := cmp.Diff(want, legs(c)); diff != "" {
			t.Errorf("legs mismatch (-want +got):\n%s\n%s", diff, srv.Transcript())
		}
	}
}

// both runs several checks.
func both(checks ...func(*testing.T, *harness.Server, *harness.Call)) func(*testing.T, *harness.Server, *harness.Call) {
	return func(t *testing.T, srv *harness.Server, c *harness.Call) {
		t.Helper()
		for _, check := range checks {
			check(t, srv, c)
		}
	}
}

// updateLive updates a live call through the official client.
func updateLive(t *testing.T, srv *harness.Server, sid string, set func(*api.UpdateCallParams)) {
	t.Helper()
	p := &api.UpdateCallParams{}
	set(p)
	if _, err := restClient(srv).Api.UpdateCall(sid, p); err != nil {
		t.Fatalf("update %s: %v", sid, err)
	}
}

// redirectAfter runs the call for d, then points it at path with the REST
// API.
func redirectAfter(d time.Duration, path string) func(*testing.T, *harness.Server, *harness.Call) {
	return func(t *testing.T, srv *harness.Server, c *harness.Call) {
		srv.Advance(d)
		updateLive(t, srv, c.SID(), func(p *api.UpdateCallParams) { p.SetUrl(origin + path) })
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

func TestRedirectLoopEndsTheCall(t *testing.T) {
	var want []req
	want = append(want, voiceReq)
	for range harness.DefaultFidelity().MaxDocumentsAtOnce {
		want = append(want, req{harness.KindRedirect, "POST", "/voice", map[string]string{}})
	}
	flow{
		paths:        map[string]string{"/voice": `<Response><Redirect>/voice</Redirect></Response>`},
		want:         want,
		wantStatus:   harness.StatusCompleted,
		wantDuration: 0,
		check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
			got := codes(c)
			if diff := cmp.Diff([]int{harness.CodeRedirectLoop}, got); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s", diff)
			}
		},
	}.run(t)
}

func TestRejectOnAnsweredCall(t *testing.T) {
	flow{
		paths:        map[string]string{"/voice": `<Response><Say>Hello</Say><Reject reason="busy"/><Say>never</Say></Response>`},
		want:         []req{voiceReq},
		wantStatus:   harness.StatusCompleted,
		wantDuration: time.Second,
		check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
			n := c.Notifications()
			if len(n) != 1 || n[0].Code != 13810 || n[0].Level != harness.LevelWarning {
				t.Errorf("notifications = %v, want one 13810 warning", notes(c))
			}
			wantSaid("Hello")(t, nil, c)
			if sip := c.Info().SIPResponseCode; sip != 200 {
				t.Errorf("SIP response %d, want 200: the call was answered", sip)
			}
		},
	}.run(t)
}

func TestSms(t *testing.T) {
	// sent checks the message and that every request about it carries its
	// SID.
	sent := func(to, from, body string) func(*testing.T, *harness.Server, *harness.Call) {
		return func(t *testing.T, srv *harness.Server, c *harness.Call) {
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("messages = %+v, want one", msgs)
			}
			m := msgs[0]
			if m.To != to || m.From != from || m.Body != body || m.Status != "sent" || m.CallSID != c.SID() || !strings.HasPrefix(m.SID, "SM") {
				t.Errorf("message = %+v, want %s to %s from %s, sent", m, body, to, from)
			}
			for _, r := range c.Requests() {
				if r.Kind == harness.KindAction || r.Kind == harness.KindSmsStatus {
					if got := r.Form.Get("SmsSid"); got != m.SID {
						t.Errorf("%s request has SmsSid %q, want %s", r.Kind, got, m.SID)
					}
				}
			}
		}
	}
	runFlows(t, []flow{
		{
			name: "with action and statusCallback",
			paths: map[string]string{
				"/voice":    `<Response><Sms to="+14155550999" action="/sms-sent" statusCallback="/sms-status">Your code is 1234</Sms><Say>not reached</Say></Response>`,
				"/sms-sent": `<Response><Say>We sent you a text</Say></Response>`,
			},
			params: []string{"SmsStatus", "CallStatus"},
			want: []req{
				voiceInProgress,
				{harness.KindSmsStatus, "POST", "/sms-status", values("SmsStatus", "sent", "CallStatus", "in-progress")},
				{harness.KindAction, "POST", "/sms-sent", values("SmsStatus", "sent", "CallStatus", "in-progress")},
			},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 2 * time.Second,
			check:        both(sent("+14155550999", from, "Your code is 1234"), wantSaid("We sent you a text")),
		},
		{
			name:         "without action goes on to the next verb; defaults to the far end, from the call's number",
			paths:        map[string]string{"/voice": `<Response><Sms>Thanks for calling</Sms><Say>Goodbye</Say></Response>`},
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second,
			check:        both(sent(to, from, "Thanks for calling"), wantSaid("Goodbye")),
		},
	})
}

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

func TestEcho(t *testing.T) {
	echo := map[string]string{"/voice": `<Response><Echo/><Say>never</Say></Response>`}
	runFlows(t, []flow{
		{
			name:         "until the far end hangs up",
			paths:        echo,
			party:        scenario.AnswersAfter(2 * time.Second).HangsUpAfter(20 * time.Second),
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 20 * time.Second,
			check:        wantSaid(),
		},
		{
			name:         "a hang-up step at the Echo",
			paths:        echo,
			party:        scenario.Party{Steps: []scenario.Step{{When: scenario.Trigger{Verb: "Echo"}, Do: scenario.Action{Kind: scenario.HangUp, Delay: 8 * time.Second}}}},
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 8 * time.Second,
			check:        wantSaid(),
		},
	})
}

func TestGatherInput(t *testing.T) {
	const prompt = `<Say>Enter your account number</Say>` // 1.6 s
	gather := func(attrs string) map[string]string {
		return map[string]string{
			"/voice": `<Response><Gather action="/done" ` + attrs + `>` + prompt + `</Gather><Say>No input</Say></Response>`,
			"/done":  `<Response><Say>Thanks</Say></Response>`,
		}
	}
	keys := func(digits string, gap time.Duration) scenario.Party {
		return scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Press, Digits: digits, KeyGap: gap}}}}
	}
	names := []string{"Digits", "FinishedOnKey", "SpeechResult", "Confidence"}
	done := func(kv ...string) []req {
		return []req{voiceReq, {harness.KindAction, "POST", "/done", values(kv...)}}
	}
	const long = `<Say>Please listen carefully as our menu options have changed</Say><Say>Press 1 for sales</Say>` // 3.6 s + 1.6 s
	bargeIn := scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Press, Digits: "1", BargeIn: true, Delay: time.Second}}}}
	runFlows(t, []flow{
		{
			name:         "finishOnKey before numDigits",
			paths:        gather(`numDigits="4" finishOnKey="#"`),
			party:        keys("12#", 0),
			params:       names,
			want:         done("Digits", "12", "FinishedOnKey", "#"),
			wantDuration: 1600*time.Millisecond + 400*time.Millisecond + time.Second,
		},
		{
			name:         "numDigits before finishOnKey: later keys are not heard",
			paths:        gather(`numDigits="2" finishOnKey="#"`),
			party:        keys("123#", 0),
			params:       names,
			want:         done("Digits", "12", "FinishedOnKey", ""),
			wantDuration: 1600*time.Millisecond + 200*time.Millisecond + time.Second,
			check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
				for _, e := range c.Events() {
					if e.Kind == harness.EventInput && strings.Contains(e.Text, "'3'") {
						t.Errorf("the gather heard %s after numDigits was reached", e.Text)
					}
				}
			},
		},
		{
			name:         "# is a digit when finishOnKey is *",
			paths:        gather(`finishOnKey="*"`),
			party:        keys("#1*", 0),
			params:       names,
			want:         done("Digits", "#1", "FinishedOnKey", "*"),
			wantDuration: 1600*time.Millisecond + 400*time.Millisecond + time.Second,
		},
		{
			name:         "the timeout restarts after each key: keys 3 s apart with timeout 2 collect only the first",
			paths:        gather(`timeout="2"`),
			party:        keys("12", 3*time.Second),
			params:       names,
			want:         done("Digits", "1", "FinishedOnKey", ""),
			wantDuration: 1600*time.Millisecond + 2*time.Second + time.Second,
		},
		{
			name:         "keys 1.5 s apart with timeout 2 are all collected",
			paths:        gather(`timeout="2"`),
			party:        keys("12", 1500*time.Millisecond),
			params:       names,
			want:         done("Digits", "12", "FinishedOnKey", ""),
			wantDuration: 1600*time.Millisecond + 1500*time.Millisecond + 2*time.Second + time.Second,
		},
		{
			name: "a key during the prompt stops it (bargeIn defaults to true)",
			paths: map[string]string{
				"/voice": `<Response><Gather action="/done" timeout="2">` + long + `</Gather></Response>`,
				"/done":  `<Response><Say>Thanks</Say></Response>`,
			},
			party:        bargeIn,
			params:       names,
			want:         done("Digits", "1", "FinishedOnKey", ""),
			wantDuration: time.Second + 2*time.Second + time.Second,
			check:        wantSaid("Please listen carefully as our menu options have changed", "Thanks"),
		},
		{
			name: `bargeIn="false" keeps the prompt playing; the timeout counts from its end`,
			paths: map[string]string{
				"/voice": `<Response><Gather action="/done" timeout="2" bargeIn="false">` + long + `</Gather></Response>`,
				"/done":  `<Response><Say>Thanks</Say></Response>`,
			},
			party:        bargeIn,
			params:       names,
			want:         done("Digits", "1", "FinishedOnKey", ""),
			wantDuration: 3600*time.Millisecond + 1600*time.Millisecond + 2*time.Second + time.Second,
			check:        wantSaid("Please listen carefully as our menu options have changed", "Press 1 for sales", "Thanks"),
		},
		{
			name:  `input="dtmf speech" hears speech`,
			paths: gather(`input="dtmf speech" speechTimeout="auto"`),
			party: scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Speak, Text: "sales"}}}},
			// 1.6 s prompt, 1 s of speech, 1 s of auto speech timeout, 1 s of thanks.
			params:       names,
			want:         done("SpeechResult", "sales", "Confidence", "0.9"),
			wantDuration: 1600*time.Millisecond + 3*time.Second,
		},
		{
			name:         `input="dtmf speech" hears keys`,
			paths:        gather(`input="dtmf speech" numDigits="1"`),
			party:        keys("4", 0),
			params:       names,
			want:         done("Digits", "4", "FinishedOnKey", ""),
			wantDuration: 1600*time.Millisecond + time.Second,
		},
	})
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

func TestDialRecordingCallbackIsSentOnce(t *testing.T) {
	flow{
		paths: map[string]string{
			"/voice": `<Response><Dial action="/after" record="record-from-answer" recordingStatusCallback="/rec">` + alice + `</Dial></Response>`,
			"/after": `<Response><Say>Goodbye</Say></Response>`,
		},
		opts:   []harness.Option{harness.WithParty(alice, scenario.AnswersAfter(2*time.Second).HangsUpAfter(10*time.Second))},
		params: []string{"RecordingStatus", "RecordingSource", "RecordingDuration", "DialCallStatus"},
		want: []req{voiceReq,
			{harness.KindRecordingStatusCallback, "POST", "/rec", values("RecordingStatus", "completed", "RecordingSource", "DialVerb", "RecordingDuration", "10")},
			{harness.KindAction, "POST", "/after", values("DialCallStatus", "completed", "RecordingDuration", "10")}},
		wantStatus:   harness.StatusCompleted,
		wantDuration: 13 * time.Second,
	}.run(t)
}

func TestRESTUpdateDuringVerbs(t *testing.T) {
	second := `<Response><Say>Second document</Say></Response>` // 1 s
	dial := func(attrs string) map[string]string {
		return map[string]string{
			"/voice":  `<Response><Dial action="/after" ` + attrs + `>` + alice + `</Dial><Say>not reached</Say></Response>`,
			"/after":  `<Response><Say>After the dial</Say></Response>`,
			"/second": second,
		}
	}
	dialNames := []string{"CallStatus", "DialCallStatus", "DialCallDuration", "DialBridged"}
	hangUpAfter := func(d time.Duration) func(*testing.T, *harness.Server, *harness.Call) {
		return func(t *testing.T, srv *harness.Server, c *harness.Call) {
			srv.Advance(d)
			updateLive(t, srv, c.SID(), func(p *api.UpdateCallParams) { p.SetStatus("completed") })
		}
	}
	runFlows(t, []flow{
		{
			name: "a redirect interrupts a Gather: no action, the new document runs",
			paths: map[string]string{
				"/voice":  `<Response><Gather action="/menu" timeout="10"><Say>Press a key</Say></Gather><Say>not reached</Say></Response>`,
				"/second": second,
			},
			drive:        redirectAfter(3*time.Second, "/second"),
			params:       []string{"CallStatus"},
			want:         []req{{harness.KindVoice, "POST", "/voice", values("CallStatus", "in-progress")}, {harness.KindVoice, "POST", "/second", values("CallStatus", "in-progress")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 4 * time.Second,
			check:        wantSaid("Press a key", "Second document"),
		},
		{
			name:         "a redirect interrupts a ringing Dial: the leg is canceled, no action",
			paths:        dial(`timeout="30"`),
			opts:         []harness.Option{harness.WithParty(alice, scenario.NoAnswer())},
			drive:        redirectAfter(5*time.Second, "/second"),
			params:       dialNames,
			want:         []req{voiceInProgress, {harness.KindVoice, "POST", "/second", values("CallStatus", "in-progress")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 6 * time.Second,
			check:        both(wantLegs(alice+" canceled 0s"), wantSaid("Second document")),
		},
		{
			name:         "a redirect interrupts a bridged Dial: the leg hangs up completed, no action",
			paths:        dial(""),
			opts:         []harness.Option{harness.WithParty(alice, scenario.AnswersAfter(2*time.Second))},
			drive:        redirectAfter(10*time.Second, "/second"),
			params:       dialNames,
			want:         []req{voiceInProgress, {harness.KindVoice, "POST", "/second", values("CallStatus", "in-progress")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 11 * time.Second,
			check:        both(wantLegs(alice+" completed 8s"), wantSaid("Second document")),
		},
		{
			name:         "Status=completed during a bridged Dial ends both legs",
			paths:        dial(""),
			opts:         []harness.Option{harness.WithParty(alice, scenario.AnswersAfter(2*time.Second))},
			drive:        hangUpAfter(10 * time.Second),
			params:       dialNames,
			want:         []req{voiceInProgress},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 10 * time.Second,
			check:        both(wantLegs(alice+" completed 8s"), wantSaid()),
		},
		{
			name:  "the caller hangs up during a bridged Dial: the action is requested with CallStatus=completed",
			paths: dial(""),
			party: scenario.Party{Steps: []scenario.Step{{When: scenario.Trigger{Verb: "Dial"},
				Do: scenario.Action{Kind: scenario.HangUp, Delay: 20 * time.Second}}}},
			opts:   []harness.Option{harness.WithParty(alice, scenario.AnswersAfter(5*time.Second))},
			params: dialNames,
			want: []req{voiceInProgress, {harness.KindAction, "POST", "/after", values("CallStatus", "completed",
				"DialCallStatus", "completed", "DialCallDuration", "15", "DialBridged", "true")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 20 * time.Second,
			check:        both(wantLegs(alice+" completed 15s"), wantSaid()),
		},
		{
			name:  "the caller hangs up during a bridged Dial: no action with NoDialActionAfterHangup",
			paths: dial(""),
			party: scenario.Party{Steps: []scenario.Step{{When: scenario.Trigger{Verb: "Dial"},
				Do: scenario.Action{Kind: scenario.HangUp, Delay: 20 * time.Second}}}},
			opts: []harness.Option{harness.WithParty(alice, scenario.AnswersAfter(5*time.Second)),
				harness.WithFidelity(func() harness.Fidelity {
					f := harness.DefaultFidelity()
					f.NoDialActionAfterHangup = true
					return f
				}())},
			params:       dialNames,
			want:         []req{voiceInProgress},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 20 * time.Second,
			check:        wantLegs(alice + " completed 15s"),
		},
		{
			name: "redirecting the bridged leg detaches it: DialCallStatus=completed without DialCallDuration",
			paths: map[string]string{
				"/voice":        `<Response><Dial action="/after">` + alice + `</Dial></Response>`,
				"/after":        `<Response><Say>After the dial</Say></Response>`,
				"/agent-wrapup": `<Response><Say>Please rate the call</Say><Pause length="5"/></Response>`,
			},
			opts: []harness.Option{harness.WithParty(alice, scenario.AnswersAfter(2*time.Second))},
			drive: func(t *testing.T, srv *harness.Server, c *harness.Call) {
				srv.Advance(10 * time.Second)
				kids := c.Children()
				if len(kids) != 1 {
					t.Fatalf("after 10 s the call has %d legs, want 1", len(kids))
				}
				updateLive(t, srv, kids[0].SID(), func(p *api.UpdateCallParams) { p.SetUrl(origin + "/agent-wrapup") })
			},
			params: dialNames,
			want: []req{voiceInProgress, {harness.KindAction, "POST", "/after", values("CallStatus", "in-progress",
				"DialCallStatus", "completed", "DialBridged", "true")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 11200 * time.Millisecond, // "After the dial" lasts 1.2 s
			check: both(wantSaid("After the dial"), wantLegs(alice+" completed 14.6s"),
				func(t *testing.T, srv *harness.Server, c *harness.Call) {
					leg := c.Children()[0]
					want := []req{{harness.KindVoice, "POST", "/agent-wrapup", values("CallStatus", "in-progress")}}
					if diff := cmp.Diff(want, requests(leg, "CallStatus")); diff != "" {
						t.Errorf("leg requests mismatch (-want +got):\n%s", diff)
					}
					if got := c.Requests()[1].Form.Get("DialCallSid"); got != leg.SID() {
						t.Errorf("DialCallSid = %q, want the leg %s", got, leg.SID())
					}
				}),
		},
	})
}

func TestActionFailure(t *testing.T) {
	paths := map[string]string{
		"/voice":    `<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather></Response>`,
		"/fallback": `<Response><Say>Fallback menu</Say></Response>`,
	}
	failMenu := func(t *testing.T, srv *harness.Server) {
		if err := srv.InjectFault(origin+"/menu", harness.Fault{Status: http.StatusInternalServerError}); err != nil {
			t.Fatal(err)
		}
	}
	fallback := func(p *api.CreateCallParams) { p.SetFallbackUrl(origin + "/fallback") }
	noFallbackForActions := harness.DefaultFidelity()
	noFallbackForActions.NoFallbackForActions = true
	// Twilio's "Availability and Reliability" page: the fallback serves "a
	// fatal error while executing your call", an action's document among
	// them; NoFallbackForActions keeps the harness's older behaviour.
	tests := []struct {
		name     string
		opts     []harness.Option
		want     []req
		wantSaid []string
		wantLen  time.Duration
	}{
		{
			name: "by default: the FallbackUrl gets ErrorCode and ErrorUrl",
			want: []req{voiceReq, {harness.KindAction, "POST", "/menu", values("Digits", "1")},
				{harness.KindFallback, "POST", "/fallback", values("ErrorCode", "11200", "ErrorUrl", origin+"/menu")}},
			wantSaid: []string{"Press 1", "Fallback menu"},
			wantLen:  2 * time.Second,
		},
		{
			name:     "NoFallbackForActions: 11200 and the application error message, although the call has a FallbackUrl",
			opts:     []harness.Option{harness.WithFidelity(noFallbackForActions)},
			want:     []req{voiceReq, {harness.KindAction, "POST", "/menu", values("Digits", "1")}},
			wantSaid: []string{"Press 1", "We are sorry, an application error has occurred. Goodbye."},
			wantLen:  time.Second + 3600*time.Millisecond, // 9 words
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := append([]harness.Option{harness.WithApp(origin, &docs{paths: paths}),
				harness.WithParty(to, scenario.Party{Steps: []scenario.Step{press("1")}})}, tt.opts...)
			srv := newServer(t, opts...)
			failMenu(t, srv)
			c := place(t, srv, fallback)
			info := c.Wait()
			if diff := cmp.Diff(tt.want, requests(c, "Digits", "ErrorCode", "ErrorUrl")); diff != "" {
				t.Errorf("requests mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff([]int{11200}, codes(c)); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSaid, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
			if info.Status != harness.StatusCompleted || info.Duration != tt.wantLen {
				t.Errorf("call ended %s after %v, want completed after %v", info.Status, info.Duration, tt.wantLen)
			}
		})
	}
}

func TestInjectedFaults(t *testing.T) {
	const doc = `<Response><Say>Hello from the app</Say></Response>` // 4 words: 1.6 s
	const appError = "We are sorry, an application error has occurred. Goodbye."
	tests := []struct {
		name      string
		fault     harness.Fault
		wantCodes []int
		wantSaid  []string
		wantLen   time.Duration
		// wantReply is the status of the voice request's reply and its
		// error, as the record shows them.
		wantReply string
	}{
		{"HTTP 503", harness.Fault{Status: 503}, []int{11200}, []string{appError}, 3600 * time.Millisecond, "503 <nil>"},
		{"refused connection", harness.Fault{Refused: true}, []int{11205}, []string{appError}, 3600 * time.Millisecond,
			"0 " + harness.ErrInjectedRefused.Error()},
		{"a delayed reply runs late", harness.Fault{Delay: 3 * time.Second, Body: doc, ContentType: "text/xml"}, nil,
			[]string{"Hello from the app"}, 3*time.Second + 1600*time.Millisecond, "200 <nil>"},
		{"a body with a bad Content-Type", harness.Fault{Body: `{"say":"hello"}`, ContentType: "application/json"}, []int{12300},
			[]string{appError}, 3600 * time.Millisecond, "200 <nil>"},
		{"a delayed refusal", harness.Fault{Refused: true, Delay: 2 * time.Second}, []int{11205}, []string{appError},
			2*time.Second + 3600*time.Millisecond, "0 " + harness.ErrInjectedRefused.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{"/voice": doc}}))
			if err := srv.InjectFault(origin+"/voice", tt.fault); err != nil {
				t.Fatal(err)
			}
			c := place(t, srv, nil)
			info := c.Wait()
			if diff := cmp.Diff(tt.wantCodes, codes(c)); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff(tt.wantSaid, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
			if info.Status != harness.StatusCompleted || info.Duration != tt.wantLen {
				t.Errorf("call ended %s after %v, want completed after %v\n%s", info.Status, info.Duration, tt.wantLen, c.Transcript())
			}
			r := c.Requests()[0]
			if got := fmt.Sprintf("%d %v", r.Status, r.Err); got != tt.wantReply {
				t.Errorf("voice request recorded %q, want %q", got, tt.wantReply)
			}
		})
	}
	t.Run("Times=1 fails the first request only", func(t *testing.T) {
		srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{"/voice": doc}}))
		if err := srv.InjectFault(origin+"/voice", harness.Fault{Status: 503, Times: 1}); err != nil {
			t.Fatal(err)
		}
		first, second := place(t, srv, nil), place(t, srv, nil)
		srv.Run()
		if diff := cmp.Diff([]int{11200}, codes(first)); diff != "" {
			t.Errorf("first call's notifications mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{appError}, said(first)); diff != "" {
			t.Errorf("first call said (-want +got):\n%s", diff)
		}
		if n := codes(second); len(n) != 0 {
			t.Errorf("second call's notifications = %v, want none", n)
		}
		if diff := cmp.Diff([]string{"Hello from the app"}, said(second)); diff != "" {
			t.Errorf("second call said (-want +got):\n%s", diff)
		}
	})
}

func TestWhisperWithDial(t *testing.T) {
	flow{
		paths: map[string]string{
			"/voice":   `<Response><Dial action="/after"><Number url="/whisper">` + alice + `</Number></Dial></Response>`,
			"/whisper": `<Response><Say>Transferring</Say><Dial>+14155550999</Dial></Response>`,
			"/after":   `<Response><Say>Nobody took the call</Say></Response>`,
		},
		opts:   []harness.Option{harness.WithParty(alice, scenario.AnswersAfter(3*time.Second))},
		params: []string{"DialCallStatus", "DialBridged"},
		want: []req{voiceReq, {harness.KindAction, "POST", "/after",
			values("DialCallStatus", "completed", "DialBridged", "false")}},
		wantStatus:   harness.StatusCompleted,
		wantDuration: 4*time.Second + 1600*time.Millisecond,
		check: func(t *testing.T, srv *harness.Server, c *harness.Call) {
			wantLegs(alice+" completed 1s")(t, srv, c)
			leg := c.Children()[0]
			if diff := cmp.Diff([]int{13201}, codes(leg)); diff != "" {
				t.Errorf("leg notifications mismatch (-want +got):\n%s", diff)
			}
			if n := codes(c); len(n) != 0 {
				t.Errorf("parent notifications = %v, want none", n)
			}
			if len(leg.Children()) != 0 {
				t.Errorf("the whisper dialed %d legs, want none", len(leg.Children()))
			}
		},
	}.run(t)
}

func TestDialConferenceIsNotSimulated(t *testing.T) {
	flow{
		paths:        map[string]string{"/voice": `<Response><Dial><Conference>standup</Conference></Dial><Say>never</Say></Response>`},
		want:         []req{voiceReq},
		wantStatus:   harness.StatusCompleted,
		wantDuration: 0,
		check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
			if diff := cmp.Diff([]int{harness.CodeNotSimulated}, codes(c)); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s", diff)
			}
			if n := c.Notifications(); len(n) == 1 && !strings.Contains(n[0].Message, "<Dial><Conference>") {
				t.Errorf("message %q does not name <Dial><Conference>", n[0].Message)
			}
			wantSaid()(t, nil, c)
			if len(c.Children()) != 0 {
				t.Errorf("the call dialed %d legs, want none", len(c.Children()))
			}
		},
	}.run(t)
}

func TestFarEndSteps(t *testing.T) {
	hangUpAt := func(verb string, d time.Duration) scenario.Step {
		return scenario.Step{When: scenario.Trigger{Verb: verb}, Do: scenario.Action{Kind: scenario.HangUp, Delay: d}}
	}
	pressAt := func(digits string, when scenario.Trigger) scenario.Step {
		return scenario.Step{When: when, Do: scenario.Action{Kind: scenario.Press, Digits: digits}}
	}
	twoGathers := map[string]string{
		"/voice": `<Response>
			<Gather numDigits="1" action="/menu" timeout="2"><Say>Press 1</Say></Gather>
			<Gather numDigits="1" action="/menu" timeout="2"><Say>Last chance, press 1</Say></Gather>
			<Say>Goodbye</Say></Response>`,
		"/menu": `<Response><Say>Thanks</Say></Response>`,
	}
	runFlows(t, []flow{
		{
			name: "hangs up during the hold music",
			paths: map[string]string{
				"/voice": `<Response><Say>Please hold</Say><Play loop="0">` + holdTune + `</Play><Say>never</Say></Response>`},
			party:        scenario.Party{Steps: []scenario.Step{hangUpAt("Play", 30*time.Second)}},
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second + 30*time.Second,
			check: both(wantSaid("Please hold", "play "+holdTune), func(t *testing.T, _ *harness.Server, c *harness.Call) {
				if n := notes(c); len(n) != 0 {
					t.Errorf("notifications = %v, want none", n)
				}
			}),
		},
		{
			name:         "at the second Gather",
			paths:        twoGathers,
			party:        scenario.Party{Steps: []scenario.Step{pressAt("1", scenario.Trigger{Verb: "Gather", Nth: 2})}},
			params:       []string{"Digits"},
			want:         []req{voiceReq, {harness.KindAction, "POST", "/menu", values("Digits", "1")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second + 2*time.Second + 1600*time.Millisecond + time.Second, // first gather times out
			check:        wantSaid("Press 1", "Last chance, press 1", "Thanks"),
		},
		{
			name:         "at the second verb waiting for input",
			paths:        twoGathers,
			party:        scenario.Party{Steps: []scenario.Step{pressAt("1", scenario.Trigger{Nth: 2})}},
			params:       []string{"Digits"},
			want:         []req{voiceReq, {harness.KindAction, "POST", "/menu", values("Digits", "1")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second + 2*time.Second + 1600*time.Millisecond + time.Second,
			check:        wantSaid("Press 1", "Last chance, press 1", "Thanks"),
		},
		{
			name: "by what the prompt says, whatever the order of the steps",
			paths: map[string]string{
				"/voice":   `<Response><Gather numDigits="1" action="/billing"><Say>For billing press 2</Say></Gather></Response>`,
				"/billing": `<Response><Gather numDigits="1" action="/sales"><Say>For sales press 1</Say></Gather></Response>`,
				"/sales":   `<Response><Say>Sales</Say></Response>`,
			},
			party: scenario.Party{Steps: []scenario.Step{
				pressAt("1", scenario.Trigger{PromptContains: "SALES"}),
				pressAt("2", scenario.Trigger{PromptContains: "billing"}),
			}},
			params: []string{"Digits"},
			want: []req{voiceReq,
				{harness.KindAction, "POST", "/billing", values("Digits", "2")},
				{harness.KindAction, "POST", "/sales", values("Digits", "1")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 1600*time.Millisecond + 1600*time.Millisecond + time.Second,
			check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
				if n := notes(c); len(n) != 0 {
					t.Errorf("notifications = %v, want none: both steps were used", n)
				}
			},
		},
		{
			name: "a Repeat step applies at every Gather and is never reported unused",
			paths: map[string]string{
				"/voice": `<Response><Gather numDigits="1" action="/again"><Say>Press 9</Say></Gather></Response>`,
				"/again": `<Response><Gather numDigits="1" action="/done"><Say>Press 9 again</Say></Gather></Response>`,
				"/done":  `<Response><Say>Done</Say></Response>`,
			},
			party:  scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Press, Digits: "9"}, Repeat: true}}},
			params: []string{"Digits"},
			want: []req{voiceReq,
				{harness.KindAction, "POST", "/again", values("Digits", "9")},
				{harness.KindAction, "POST", "/done", values("Digits", "9")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second + 1200*time.Millisecond + time.Second,
			check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
				if n := notes(c); len(n) != 0 {
					t.Errorf("notifications = %v, want none", n)
				}
			},
		},
		{
			name: "an unused step is reported with the verbs the call ran",
			paths: map[string]string{
				"/voice": `<Response><Say>Welcome</Say><Gather numDigits="1" action="/menu" timeout="1"><Say>Press 1</Say></Gather><Say>Goodbye</Say></Response>`,
			},
			party:        scenario.Party{Steps: []scenario.Step{pressAt("1", scenario.Trigger{Verb: "Gather", Nth: 2})}},
			opts:         []harness.Option{harness.WithLenientScripts()}, // log the unused step, do not fail the test
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second + time.Second + time.Second + time.Second,
			check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
				want := []string{fmt.Sprintf(`%d error the far end's step 1 (press "1" at <Gather> #2) was never used; the call ran <Say> #1, <Gather> #1, <Say> #2`, harness.CodeUnusedStep)}
				if diff := cmp.Diff(want, notes(c)); diff != "" {
					t.Errorf("notifications mismatch (-want +got):\n%s", diff)
				}
			},
		},
	})
}
