package harness_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestDial(t *testing.T) {
	const alice, bob = "+14155550201", "+14155550202"
	tests := []struct {
		name       string
		dial       string
		parties    map[string]scenario.Party
		caller     scenario.Party
		want       map[string]string
		wantLegs   []harness.Status
		wantParent time.Duration
	}{
		{
			name:       "answered and hung up by the callee",
			dial:       `<Dial action="/after">` + alice + `</Dial>`,
			parties:    map[string]scenario.Party{alice: scenario.AnswersAfter(4 * time.Second).HangsUpAfter(10 * time.Second)},
			want:       map[string]string{"DialCallStatus": "completed", "DialCallDuration": "10", "DialBridged": "true"},
			wantLegs:   []harness.Status{harness.StatusCompleted},
			wantParent: 14 * time.Second,
		},
		{
			name:       "busy",
			dial:       `<Dial action="/after"><Number>` + alice + `</Number></Dial>`,
			parties:    map[string]scenario.Party{alice: scenario.Busy().RingsFor(2 * time.Second)},
			want:       map[string]string{"DialCallStatus": "busy", "DialBridged": "false"},
			wantLegs:   []harness.Status{harness.StatusBusy},
			wantParent: 2 * time.Second,
		},
		{
			name:       "no answer within the Dial timeout",
			dial:       `<Dial action="/after" timeout="12"><Number>` + alice + `</Number></Dial>`,
			parties:    map[string]scenario.Party{alice: scenario.NoAnswer()},
			want:       map[string]string{"DialCallStatus": "no-answer", "DialBridged": "false"},
			wantLegs:   []harness.Status{harness.StatusNoAnswer},
			wantParent: 12 * time.Second,
		},
		{
			name: "parallel: the first to answer wins",
			dial: `<Dial action="/after"><Number>` + alice + `</Number><Number>` + bob + `</Number></Dial>`,
			parties: map[string]scenario.Party{alice: scenario.AnswersAfter(9 * time.Second),
				bob: scenario.AnswersAfter(3 * time.Second).HangsUpAfter(5 * time.Second)},
			want:       map[string]string{"DialCallStatus": "completed", "DialCallDuration": "5", "DialBridged": "true"},
			wantLegs:   []harness.Status{harness.StatusCanceled, harness.StatusCompleted},
			wantParent: 8 * time.Second,
		},
		{
			name: "sequential: busy, then answered",
			dial: `<Dial action="/after" sequential="true"><Number>` + alice + `</Number><Number>` + bob + `</Number></Dial>`,
			parties: map[string]scenario.Party{alice: scenario.Busy().RingsFor(2 * time.Second),
				bob: scenario.AnswersAfter(3 * time.Second).HangsUpAfter(5 * time.Second)},
			want:       map[string]string{"DialCallStatus": "completed", "DialCallDuration": "5", "DialBridged": "true"},
			wantLegs:   []harness.Status{harness.StatusBusy, harness.StatusCompleted},
			wantParent: 10 * time.Second,
		},
		{
			name:       "hangupOnStar",
			dial:       `<Dial action="/after" hangupOnStar="true">` + alice + `</Dial>`,
			parties:    map[string]scenario.Party{alice: scenario.AnswersAfter(time.Second)},
			caller:     scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Press, Digits: "*", Delay: 20 * time.Second}}}},
			want:       map[string]string{"DialCallStatus": "completed", "DialCallDuration": "19", "DialBridged": "true"},
			wantLegs:   []harness.Status{harness.StatusCompleted},
			wantParent: 20 * time.Second,
		},
		{
			name:       "timeLimit",
			dial:       `<Dial action="/after" timeLimit="30">` + alice + `</Dial>`,
			parties:    map[string]scenario.Party{alice: scenario.AnswersAfter(2 * time.Second)},
			want:       map[string]string{"DialCallStatus": "completed", "DialCallDuration": "30", "DialBridged": "true"},
			wantLegs:   []harness.Status{harness.StatusCompleted},
			wantParent: 32 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []harness.Option{}
			for addr, p := range tt.parties {
				opts = append(opts, harness.WithParty(addr, p))
			}
			_, c := run(t, map[string]string{"/voice": `<Response>` + tt.dial + `<Say>not reached</Say></Response>`,
				"/after": `<Response><Hangup/></Response>`}, tt.caller, opts...)
			reqs := requests(c, "DialCallStatus", "DialCallDuration", "DialBridged")
			if len(reqs) != 2 || reqs[1].Kind != harness.KindAction {
				t.Fatalf("requests = %+v\n%s", reqs, c.Transcript())
			}
			if diff := cmp.Diff(tt.want, reqs[1].Params); diff != "" {
				t.Errorf("action parameters mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			var legs []harness.Status
			for _, child := range c.Children() {
				legs = append(legs, child.Status())
				if child.Direction() != harness.DirectionOutboundDial || child.ParentSID() != c.SID() {
					t.Errorf("leg %s: direction %s, parent %s", child.SID(), child.Direction(), child.ParentSID())
				}
			}
			if diff := cmp.Diff(tt.wantLegs, legs); diff != "" {
				t.Errorf("legs mismatch (-want +got):\n%s", diff)
			}
			if got := c.Info().Duration; got != tt.wantParent {
				t.Errorf("parent lasted %v, want %v\n%s", got, tt.wantParent, c.Transcript())
			}
		})
	}
}

func TestDialWithoutActionContinues(t *testing.T) {
	_, c := run(t, map[string]string{"/voice": `<Response><Dial>+14155550201</Dial><Say>After the dial</Say></Response>`},
		scenario.Party{}, harness.WithParty("+14155550201", scenario.Busy()))
	if diff := cmp.Diff([]string{"After the dial"}, said(c)); diff != "" {
		t.Errorf("said mismatch (-want +got):\n%s", diff)
	}
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

func TestDialApplicationIsNotSimulated(t *testing.T) {
	flow{
		paths:        map[string]string{"/voice": `<Response><Dial><Application><ApplicationSid>AP0123456789abcdef0123456789abcdef</ApplicationSid></Application></Dial><Say>never</Say></Response>`},
		want:         []req{voiceReq},
		wantStatus:   harness.StatusCompleted,
		wantDuration: 0,
		check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
			if diff := cmp.Diff([]int{harness.CodeNotSimulated}, codes(c)); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s", diff)
			}
			if n := c.Notifications(); len(n) == 1 && !strings.Contains(n[0].Message, "<Dial><Application>") {
				t.Errorf("message %q does not name <Dial><Application>", n[0].Message)
			}
			wantSaid()(t, nil, c)
			if len(c.Children()) != 0 {
				t.Errorf("the call dialed %d legs, want none", len(c.Children()))
			}
		},
	}.run(t)
}

func TestAnswerOnBridge(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{
		"/voice": `<Response><Dial answerOnBridge="true">+14155550201</Dial></Response>`}}),
		harness.WithParty("+14155550201", scenario.AnswersAfter(8*time.Second).HangsUpAfter(5*time.Second)))
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}}); err != nil {
		t.Fatal(err)
	}
	c, err := srv.IncomingCall("+14155550999", ourNumber, scenario.Person())
	if err != nil {
		t.Fatal(err)
	}
	info := c.Wait()
	if got := info.Answered.Sub(info.Started); got != 8*time.Second {
		t.Errorf("the caller was answered after %v, want 8s (when the forward answered)\n%s", got, srv.Transcript())
	}
}

// Fix 2: a <Dial> target that is not a valid number makes its leg fail
// after warning 13223 ("Dial: Invalid phone number format", Twilio's error
// catalog https://www.twilio.com/docs/api/errors/13223); the <Dial> page
// (https://www.twilio.com/docs/voice/twiml/dial) gives DialCallStatus
// "failed" for an invalid number, with the leg's DialCallSid. A <Dial> leg
// goes initiated → ringing → … (reference voice-semantics §6.2): one that
// cannot be placed never rings.
func TestFixDialInvalidNumber(t *testing.T) {
	const after = `<Response><Say>after</Say></Response>`
	allEvents := `statusCallback="/leg" statusCallbackEvent="initiated ringing answered completed"`
	tests := []struct {
		name      string
		voice     string
		wantLegs  []string
		wantParam map[string]string // the action's, besides DialCallSid
		wantSID   int               // the leg whose SID is DialCallSid
		// wantLegCallbacks are the status callbacks of the first leg.
		wantLegCallbacks []string
		// wantCode is the parent's warning: 13223 from the parser for what
		// is not written as a number, 13224 for a number Twilio cannot call.
		wantCode int
	}{
		{
			name:             "a <Number> that is not a number",
			voice:            `<Response><Dial action="/after"><Number ` + allEvents + `>not-a-number</Number></Dial></Response>`,
			wantLegs:         []string{"not-a-number failed 0s"},
			wantParam:        values("DialCallStatus", "failed", "DialBridged", "false"),
			wantLegCallbacks: []string{"POST /leg initiated", "POST /leg failed"},
			wantCode:         13223,
		},
		{
			name:      "two digits as the <Dial>'s text",
			voice:     `<Response><Dial action="/after">12</Dial></Response>`,
			wantLegs:  []string{"12 failed 0s"},
			wantParam: values("DialCallStatus", "failed", "DialBridged", "false"),
			wantCode:  13223,
		},
		{
			name:      "a number written right that Twilio cannot call",
			voice:     `<Response><Dial action="/after">12345</Dial></Response>`,
			wantLegs:  []string{"12345 failed 0s"},
			wantParam: values("DialCallStatus", "failed", "DialBridged", "false"),
			wantCode:  13224,
		},
		{
			name:      "one invalid and one valid number at once: the valid one answers and is bridged",
			voice:     `<Response><Dial action="/after"><Number>not-a-number</Number><Number>` + alice + `</Number></Dial></Response>`,
			wantLegs:  []string{"not-a-number failed 0s", alice + " completed 5s"},
			wantParam: values("DialCallStatus", "completed", "DialBridged", "true", "DialCallDuration", "5"),
			wantSID:   1,
			wantCode:  13223,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := run(t, map[string]string{"/voice": tt.voice, "/after": after}, scenario.Person(),
				harness.WithParty(alice, scenario.Person().HangsUpAfter(5*time.Second)))
			srv.Run()
			if diff := cmp.Diff(tt.wantLegs, legs(c)); diff != "" {
				t.Fatalf("legs mismatch (-want +got):\n%s\n%s", diff, srv.Transcript())
			}
			if diff := cmp.Diff([]int{tt.wantCode}, codes(c)); diff != "" {
				t.Errorf("notifications of the parent mismatch (-want +got): once, not twice\n%s", diff)
			}
			for _, n := range c.Notifications() {
				if n.Level != harness.LevelWarning {
					t.Errorf("%d logged as %s, want a warning", n.Code, n.Level)
				}
			}
			children := c.Children()
			want := withValues(tt.wantParam, "DialCallSid", children[tt.wantSID].SID())
			wantReqs := []req{voiceReq, {harness.KindAction, "POST", "/after", want}}
			if diff := cmp.Diff(wantReqs, requests(c, "DialCallStatus", "DialCallSid", "DialBridged", "DialCallDuration")); diff != "" {
				t.Errorf("requests mismatch (-want +got):\n%s\n%s", diff, srv.Transcript())
			}
			bad := children[0]
			if diff := cmp.Diff([]harness.Status{"initiated", "failed"}, statuses(bad)); diff != "" {
				t.Errorf("status path of the invalid leg mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLegCallbacks, statusCallbacks(bad)); diff != "" {
				t.Errorf("status callbacks of the invalid leg mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"after"}, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// withValues returns a copy of m with the extra name, value pairs.
func withValues(m map[string]string, kv ...string) map[string]string {
	out := values(kv...)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Fix 12: DialCallDuration is sent only for a leg that was bridged. The
// <Dial> page (https://www.twilio.com/docs/voice/twiml/dial#attributes-action)
// lists DialCallDuration as "the duration in seconds of the dialed call"
// and DialBridged as whether the caller was connected to the dialed party: a
// leg whose whisper (<Number url>) hangs up was never connected.
func TestFixDialCallDurationOnlyWhenBridged(t *testing.T) {
	const after = `<Response><Say>after</Say></Response>`
	tests := []struct {
		name  string
		paths map[string]string
		want  map[string]string
	}{
		{
			name: "the whisper hangs up: no DialCallDuration",
			paths: map[string]string{
				"/voice":   `<Response><Dial action="/after"><Number url="/whisper">` + alice + `</Number></Dial></Response>`,
				"/whisper": `<Response><Hangup/></Response>`,
				"/after":   after,
			},
			want: values("DialCallStatus", "completed", "DialBridged", "false"),
		},
		{
			name: "bridged: DialCallDuration",
			paths: map[string]string{
				"/voice": `<Response><Dial action="/after">` + alice + `</Dial></Response>`,
				"/after": after,
			},
			want: values("DialCallStatus", "completed", "DialBridged", "true", "DialCallDuration", "5"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := run(t, tt.paths, scenario.Person(), harness.WithParty(alice, scenario.Person().HangsUpAfter(5*time.Second)))
			srv.Run()
			var got map[string]string
			for _, r := range requests(c, "DialCallStatus", "DialBridged", "DialCallDuration") {
				if r.Kind == harness.KindAction {
					got = r.Params
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Dial action parameters mismatch (-want +got):\n%s\n%s", diff, srv.Transcript())
			}
		})
	}
}
