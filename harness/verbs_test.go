package harness_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// docs is a voice app that answers each path with its document, and
// answers 204 to paths it does not know (callbacks).
type docs struct {
	mu    sync.Mutex
	paths map[string]string
}

func (d *docs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	doc, ok := d.paths[r.URL.Path]
	d.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, doc)
}

// run places one call from a server whose app serves paths, with the far
// end party, and runs it to the end.
func run(t *testing.T, paths map[string]string, party scenario.Party, opts ...harness.Option) (*harness.Server, *harness.Call) {
	t.Helper()
	opts = append([]harness.Option{harness.WithApp(origin, &docs{paths: paths}), harness.WithParty(to, party)}, opts...)
	srv := newServer(t, opts...)
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetStatusCallback(origin + "/status")
	})
	c.Wait()
	return srv, c
}

// req is a request in a form easy to compare: kind, method, path and the
// parameters that matter to a test.
type req struct {
	Kind   harness.RequestKind
	Method string
	Path   string
	Params map[string]string
}

// requests returns the call's requests other than status callbacks, with
// the named parameters.
func requests(c *harness.Call, names ...string) []req {
	var out []req
	for _, r := range c.Requests() {
		if r.Kind == harness.KindStatusCallback {
			continue
		}
		u, _ := url.Parse(r.URL)
		got := req{Kind: r.Kind, Method: r.Method, Path: u.Path, Params: map[string]string{}}
		for _, n := range names {
			if vs, ok := r.Form[n]; ok {
				got.Params[n] = vs[0]
			}
		}
		out = append(out, got)
	}
	return out
}

// said returns what the call said and played.
func said(c *harness.Call) []string {
	var out []string
	for _, e := range c.Events() {
		switch e.Kind {
		case harness.EventSay:
			out = append(out, e.Text)
		case harness.EventPlay:
			out = append(out, "play "+e.Text)
		}
	}
	return out
}

func press(digits string) scenario.Step {
	return scenario.Step{Do: scenario.Action{Kind: scenario.Press, Digits: digits}}
}

func TestGather(t *testing.T) {
	menu := `<Response><Gather numDigits="1" action="/menu"><Say>Press 1 for sales</Say></Gather><Say>Goodbye</Say></Response>`
	tests := []struct {
		name     string
		voice    string
		steps    []scenario.Step
		want     []req
		wantSaid []string
		wantLen  time.Duration
	}{
		{
			name:  "numDigits reached",
			voice: menu,
			steps: []scenario.Step{press("1")},
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "POST", "/menu", map[string]string{"Digits": "1", "FinishedOnKey": "", "CallStatus": "in-progress"}},
			},
			wantSaid: []string{"Press 1 for sales", "Sales. Bye."},
			wantLen:  2600 * time.Millisecond, // 1.6 s prompt, key at once, 1 s "Sales. Bye."
		},
		{
			name:     "timeout falls through to the next verb",
			voice:    menu,
			want:     []req{{harness.KindVoice, "POST", "/voice", map[string]string{}}},
			wantSaid: []string{"Press 1 for sales", "Goodbye"},
			wantLen:  7600 * time.Millisecond, // 1.6 s prompt + 5 s timeout + 1 s goodbye
		},
		{
			name:  "finishOnKey ends and is not in Digits",
			voice: `<Response><Gather action="/menu" timeout="3"><Say>Enter your PIN</Say></Gather></Response>`,
			steps: []scenario.Step{press("12#")},
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "POST", "/menu", map[string]string{"Digits": "12", "FinishedOnKey": "#", "CallStatus": "in-progress"}},
			},
			wantSaid: []string{"Enter your PIN", "Sales. Bye."},
		},
		{
			name:     "finishOnKey first is no input",
			voice:    `<Response><Gather action="/menu"><Say>Enter your PIN</Say></Gather><Say>Nothing entered</Say></Response>`,
			steps:    []scenario.Step{press("#")},
			want:     []req{{harness.KindVoice, "POST", "/voice", map[string]string{}}},
			wantSaid: []string{"Enter your PIN", "Nothing entered"},
		},
		{
			name:  "digits then silence send what was typed",
			voice: `<Response><Gather action="/menu" timeout="2"><Say>Enter your PIN</Say></Gather></Response>`,
			steps: []scenario.Step{press("42")},
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "POST", "/menu", map[string]string{"Digits": "42", "FinishedOnKey": "", "CallStatus": "in-progress"}},
			},
			wantSaid: []string{"Enter your PIN", "Sales. Bye."},
		},
		{
			name:  "empty finishOnKey collects #",
			voice: `<Response><Gather action="/menu" finishOnKey="" numDigits="3"><Say>Go</Say></Gather></Response>`,
			steps: []scenario.Step{press("1#2")},
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "POST", "/menu", map[string]string{"Digits": "1#2", "FinishedOnKey": "", "CallStatus": "in-progress"}},
			},
			wantSaid: []string{"Go", "Sales. Bye."},
		},
		{
			name:  "actionOnEmptyResult requests the action with no Digits",
			voice: `<Response><Gather action="/menu" actionOnEmptyResult="true"><Say>Go</Say></Gather></Response>`,
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "POST", "/menu", map[string]string{"FinishedOnKey": "", "CallStatus": "in-progress"}},
			},
			wantSaid: []string{"Go", "Sales. Bye."},
		},
		{
			name:  "default action is the document's URL, GET method",
			voice: `<Response><Gather numDigits="1" method="GET"><Say>Go</Say></Gather></Response>`,
			steps: []scenario.Step{press("5"), {Do: scenario.Action{Kind: scenario.HangUp}}},
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "GET", "/voice", map[string]string{"Digits": "5", "FinishedOnKey": ""}},
			},
			wantSaid: []string{"Go", "Go"},
		},
		{
			name:  "speech",
			voice: `<Response><Gather input="speech" action="/menu" speechTimeout="auto"><Say>What do you need?</Say></Gather></Response>`,
			steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Speak, Text: "billing please", Confidence: 0.87}}},
			want: []req{
				{harness.KindVoice, "POST", "/voice", map[string]string{}},
				{harness.KindAction, "POST", "/menu", map[string]string{"SpeechResult": "billing please", "Confidence": "0.87"}},
			},
			wantSaid: []string{"What do you need?", "Sales. Bye."},
			wantLen:  1600*time.Millisecond + time.Second + time.Second + time.Second, // prompt, speech, auto, reply
		},
		{
			name:     "speech at a dtmf gather is not heard",
			voice:    `<Response><Gather action="/menu"><Say>Press a key</Say></Gather><Say>Nothing</Say></Response>`,
			steps:    []scenario.Step{{Do: scenario.Action{Kind: scenario.Speak, Text: "hello"}}},
			want:     []req{{harness.KindVoice, "POST", "/voice", map[string]string{}}},
			wantSaid: []string{"Press a key", "Nothing"},
		},
		{
			name:     "hang up during the gather makes no request",
			voice:    menu,
			steps:    []scenario.Step{{Do: scenario.Action{Kind: scenario.HangUp, Delay: time.Second}}},
			want:     []req{{harness.KindVoice, "POST", "/voice", map[string]string{}}},
			wantSaid: []string{"Press 1 for sales"},
			wantLen:  2600 * time.Millisecond,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := run(t, map[string]string{"/voice": tt.voice, "/menu": `<Response><Say>Sales. Bye.</Say></Response>`},
				scenario.Party{Steps: tt.steps})
			got := requests(c, "Digits", "FinishedOnKey", "CallStatus", "SpeechResult", "Confidence")
			for i := range got {
				if tt.want != nil && i < len(tt.want) && tt.want[i].Params["CallStatus"] == "" {
					delete(got[i].Params, "CallStatus")
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("requests mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff(tt.wantSaid, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
			if info := c.Info(); tt.wantLen != 0 && info.Duration != tt.wantLen {
				t.Errorf("call lasted %v, want %v\n%s", info.Duration, tt.wantLen, c.Transcript())
			}
		})
	}
}

func TestGatherBargeIn(t *testing.T) {
	voice := `<Response><Gather numDigits="1" action="/menu"><Say>This is a very long menu prompt that goes on and on</Say><Say>Second prompt</Say></Gather></Response>`
	_, c := run(t, map[string]string{"/voice": voice, "/menu": `<Response/>`},
		scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Press, Digits: "2", BargeIn: true, Delay: time.Second}}}})
	if diff := cmp.Diff([]string{"This is a very long menu prompt that goes on and on"}, said(c)); diff != "" {
		t.Errorf("the second prompt played after the key (-want +got):\n%s", diff)
	}
	if got := c.Info().Duration; got != time.Second {
		t.Errorf("call lasted %v, want 1s: the key at 1 s ends the gather", got)
	}
}

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

func TestRedirectAndHangupAndSms(t *testing.T) {
	srv, c := run(t, map[string]string{
		"/voice":  `<Response><Sms to="+14155550999">Your code is 1234</Sms><Redirect method="GET">next</Redirect><Say>never</Say></Response>`,
		"/next":   `<Response><Say>Next page</Say><Hangup/><Say>never</Say></Response>`,
		"/status": ``,
	}, scenario.Party{})
	want := []req{
		{harness.KindVoice, "POST", "/voice", map[string]string{}},
		{harness.KindRedirect, "GET", "/next", map[string]string{}},
	}
	if diff := cmp.Diff(want, requests(c)); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Next page"}, said(c)); diff != "" {
		t.Errorf("said mismatch (-want +got):\n%s", diff)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].To != "+14155550999" || msgs[0].From != from || msgs[0].Body != "Your code is 1234" {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestRelativeActionInInlineTwiml(t *testing.T) {
	srv := newServer(t, harness.WithParty(to, scenario.Party{Steps: []scenario.Step{press("1")}}))
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetTwiml(`<Response><Gather numDigits="1" action="/relative"><Say>Go</Say></Gather></Response>`)
	})
	c.Wait()
	notes := c.Notifications()
	if len(notes) != 1 || notes[0].Code != 11100 {
		t.Fatalf("notifications = %+v, want 11100 for a relative action in inline Twiml", notes)
	}
}

func TestUnusedStepIsReported(t *testing.T) {
	_, c := run(t, map[string]string{"/voice": `<Response><Say>No menu here</Say></Response>`},
		scenario.Party{Steps: []scenario.Step{press("1")}}, harness.WithLenientScripts())
	notes := c.Notifications()
	if len(notes) != 1 || notes[0].Code != harness.CodeUnusedStep || !strings.Contains(notes[0].Message, `press "1"`) {
		t.Fatalf("notifications = %+v", notes)
	}
}

// recordingT is a harness.TB that keeps what would fail a test.
type recordingT struct {
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (r *recordingT) Helper()                      {}
func (r *recordingT) Cleanup(f func())             { r.cleanups = append(r.cleanups, f) }
func (r *recordingT) Logf(format string, a ...any) {}
func (r *recordingT) Errorf(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recordingT) Fatalf(format string, a ...any) { r.Errorf(format, a...) }

func TestMisusedScriptFailsTheTest(t *testing.T) {
	rt := &recordingT{}
	srv := harness.NewServer(rt, harness.WithApp(origin, &docs{paths: map[string]string{
		"/voice": `<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather><Say>Bye</Say></Response>`}}),
		harness.WithParty(to, scenario.Person().Presses("1").At("Gather", 2)))
	defer func() {
		for _, f := range rt.cleanups {
			f()
		}
	}()
	c := place(t, srv, nil)
	c.Wait()
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if len(rt.errors) != 1 {
		t.Fatalf("the test got %d errors, want 1: %q", len(rt.errors), rt.errors)
	}
	for _, want := range []string{`press "1" at <Gather> #2`, "was never used", "the call ran <Gather> #1, <Say> #1"} {
		if !strings.Contains(rt.errors[0], want) {
			t.Errorf("the failure says %q; want it to contain %q", rt.errors[0], want)
		}
	}
}

func TestInjectedTimeoutTakesFifteenVirtualSeconds(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{"/fallback": `<Response><Say>Fallback</Say></Response>`}}))
	if err := srv.InjectFault(origin+"/voice", harness.Fault{Timeout: true}); err != nil {
		t.Fatal(err)
	}
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetFallbackUrl(origin + "/fallback") })
	info := c.Wait()
	reqs := c.Requests()
	if len(reqs) != 2 || reqs[1].Kind != harness.KindFallback || reqs[1].Time.Sub(reqs[0].Time) != 15*time.Second {
		t.Fatalf("requests = %v\n%s", reqs, c.Transcript())
	}
	if reqs[1].Form.Get("ErrorCode") != "11205" || info.Duration != 16*time.Second {
		t.Errorf("fallback ErrorCode %s, duration %v; want 11205 and 16s", reqs[1].Form.Get("ErrorCode"), info.Duration)
	}
}

func TestInProcessRedirectsAreFollowed(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/moved", http.StatusFound) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, "<Response><Say>moved %s</Say></Response>", r.Method)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusTemporaryRedirect)
	})
	srv := newServer(t, harness.WithApp(origin, mux))
	c := place(t, srv, nil)
	loop := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(origin + "/loop") })
	srv.Run()
	if diff := cmp.Diff([]string{"moved GET"}, said(c)); diff != "" {
		t.Errorf("said mismatch (-want +got):\n%s", diff)
	}
	if n := loop.Notifications(); len(n) != 1 || n[0].Code != 11215 {
		t.Errorf("notifications = %+v, want 11215", n)
	}
}
