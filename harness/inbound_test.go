package harness_test

import (
	"strconv"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

const ourNumber = "+14155550123"

// inbound makes a server whose number ourNumber runs the app's /voice, and
// places a call to it from caller.
func inbound(t *testing.T, paths map[string]string, caller scenario.Party) (*harness.Server, *harness.Call) {
	t.Helper()
	srv := newServer(t, harness.WithApp(origin, &docs{paths: paths}))
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice", StatusCallback: origin + "/status"}}); err != nil {
		t.Fatal(err)
	}
	c, err := srv.IncomingCall("+14155550999", ourNumber, caller)
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	return srv, c
}

func TestInboundFirstRequest(t *testing.T) {
	caller := scenario.Person().Named("ALICE SMITH").ForwardedBy("+14155550777").CallingFrom("Oakland", "CA", "94612", "US")
	srv, c := inbound(t, map[string]string{"/voice": `<Response><Say>Hello</Say></Response>`}, caller)
	reqs := c.Requests()
	if len(reqs) != 2 {
		t.Fatalf("requests:\n%s", c.Transcript())
	}
	first := reqs[0].Form
	want := map[string]string{
		"CallStatus": "ringing", "Direction": "inbound", "From": "+14155550999", "Caller": "+14155550999",
		"To": ourNumber, "Called": ourNumber, "CallerName": "ALICE SMITH", "ForwardedFrom": "+14155550777",
		"FromCity": "Oakland", "CallerCity": "Oakland", "FromState": "CA", "FromZip": "94612", "CallerZip": "94612",
		"FromCountry": "US", "ToCountry": "US",
	}
	for k, v := range want {
		if first.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, first.Get(k), v)
		}
	}
	if len(first.Get("CallToken")) == 0 {
		t.Error("no CallToken")
	}
	if st := reqs[1].Form.Get("CallStatus"); reqs[1].Kind != harness.KindStatusCallback || st != "completed" {
		t.Errorf("the number's status callback got %s %s, want only the completed event", reqs[1].Kind, st)
	}
	got, err := restClient(srv).Api.FetchCall(c.SID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Direction != "inbound" || got.PhoneNumberSid == nil || *got.CallerName != "ALICE SMITH" || *got.ForwardedFrom != "+14155550777" {
		t.Errorf("resource: direction %s, phone_number_sid %v, caller_name %v, forwarded_from %v",
			*got.Direction, got.PhoneNumberSid, got.CallerName, got.ForwardedFrom)
	}
}

func TestInboundAnswering(t *testing.T) {
	tests := []struct {
		name       string
		voice      string
		want       harness.Status
		answeredAt time.Duration // -1: never
		wantLen    time.Duration
	}{
		{"Say answers at once", `<Response><Say>Hi</Say></Response>`, harness.StatusCompleted, 0, time.Second},
		{"a first Pause delays the answer", `<Response><Pause length="4"/><Say>Hi</Say></Response>`, harness.StatusCompleted, 4 * time.Second, time.Second},
		{"Reject is busy", `<Response><Reject reason="busy"/></Response>`, harness.StatusBusy, -1, 0},
		{"Reject rejected is no-answer", `<Response><Reject/></Response>`, harness.StatusNoAnswer, -1, 0},
		{"Hangup first answers and ends", `<Response><Hangup/></Response>`, harness.StatusCompleted, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := inbound(t, map[string]string{"/voice": tt.voice}, scenario.Person())
			info := c.Info()
			if info.Status != tt.want {
				t.Errorf("status = %s, want %s\n%s", info.Status, tt.want, c.Transcript())
			}
			if tt.answeredAt < 0 && !info.Answered.IsZero() {
				t.Errorf("answered at %v, want never", info.Answered)
			}
			if tt.answeredAt >= 0 && info.Answered.Sub(info.Started) != tt.answeredAt {
				t.Errorf("answered after %v, want %v", info.Answered.Sub(info.Started), tt.answeredAt)
			}
			if info.Duration != tt.wantLen {
				t.Errorf("duration = %v, want %v", info.Duration, tt.wantLen)
			}
		})
	}
}

func TestInboundCallerHangsUpWhileRinging(t *testing.T) {
	_, c := inbound(t, map[string]string{"/voice": `<Response><Pause length="30"/><Say>Too late</Say></Response>`},
		scenario.Person().HangsUpAfter(10*time.Second))
	if st := c.Status(); st != harness.StatusCanceled {
		t.Errorf("status = %s, want canceled: the caller hung up before the call was answered", st)
	}
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

func TestIncomingCallErrors(t *testing.T) {
	srv := newServer(t)
	if _, err := srv.IncomingCall("+14155550999", "+14155550000", scenario.Person()); err == nil {
		t.Error("a call to a number nobody added was placed")
	}
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: "client:bob", VoiceSettings: harness.VoiceSettings{VoiceURL: origin}}); err == nil {
		t.Error("a client address was accepted as a number")
	}
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: "/relative"}}); err == nil {
		t.Error("a relative voice URL was accepted")
	}
}

func TestAMD(t *testing.T) {
	tests := []struct {
		name     string
		mode     string
		party    scenario.Party
		want     string
		wantTook time.Duration
	}{
		{"person, Enable", "Enable", scenario.Person(), "human", 2200 * time.Millisecond},
		{"person, DetectMessageEnd", "DetectMessageEnd", scenario.Person(), "human", 2200 * time.Millisecond},
		{"machine, Enable", "Enable", scenario.AnsweringMachine(7 * time.Second), "machine_start", 2400 * time.Millisecond},
		{"machine with a beep", "DetectMessageEnd", scenario.AnsweringMachine(7 * time.Second).EndingWithBeep(), "machine_end_beep", 7 * time.Second},
		{"machine ending in silence", "DetectMessageEnd", scenario.AnsweringMachine(7 * time.Second).EndingWithSilence(), "machine_end_silence", 8200 * time.Millisecond},
		{"machine ending otherwise", "DetectMessageEnd", scenario.AnsweringMachine(7 * time.Second).EndingWithOther(), "machine_end_other", 8200 * time.Millisecond},
		{"fax, Enable", "Enable", scenario.Fax(), "fax", 3 * time.Second},
		{"fax, DetectMessageEnd", "DetectMessageEnd", scenario.Fax(), "fax", 3 * time.Second},
		{"silence, Enable", "Enable", scenario.Silence(), "unknown", 5 * time.Second},
		{"silence, DetectMessageEnd", "DetectMessageEnd", scenario.Silence(), "unknown", 5 * time.Second},
		{"a greeting longer than the timeout", "DetectMessageEnd", scenario.AnsweringMachine(45 * time.Second), "unknown", 30 * time.Second},
	}
	for _, tt := range tests {
		for _, async := range []bool{false, true} {
			name := tt.name + ", sync"
			if async {
				name = tt.name + ", async"
			}
			t.Run(name, func(t *testing.T) {
				a := newApp(`<Response><Pause length="40"/></Response>`)
				srv := newServer(t, harness.WithApp(origin, a), harness.WithParty(to, tt.party))
				c := place(t, srv, func(p *api.CreateCallParams) {
					p.SetMachineDetection(tt.mode).SetStatusCallback(origin + "/status")
					if async {
						p.SetAsyncAmd("true").SetAsyncAmdStatusCallback(origin + "/amd")
					}
				})
				info := c.Wait()
				if info.AnsweredBy != tt.want {
					t.Errorf("AnsweredBy = %q, want %q", info.AnsweredBy, tt.want)
				}
				var voice, amd *harness.Request
				for _, r := range c.Requests() {
					switch r.Kind {
					case harness.KindVoice:
						voice = &r
					case harness.KindAMDStatus:
						amd = &r
					}
				}
				if voice == nil {
					t.Fatalf("no voice request\n%s", c.Transcript())
				}
				took := fmtMS(tt.wantTook)
				if async {
					if voice.Time != info.Answered || voice.Form.Get("AnsweredBy") != "" {
						t.Errorf("async: the Url was requested at %v with AnsweredBy %q, want at the answer without it", voice.Time.Sub(info.Answered), voice.Form.Get("AnsweredBy"))
					}
					if amd == nil || amd.Form.Get("AnsweredBy") != tt.want || amd.Form.Get("MachineDetectionDuration") != took ||
						amd.Time.Sub(info.Answered) != tt.wantTook || len(amd.Form) != 4 {
						t.Errorf("async callback = %+v, want AnsweredBy %s and MachineDetectionDuration %s after %v", amd, tt.want, took, tt.wantTook)
					}
				} else {
					if voice.Time.Sub(info.Answered) != tt.wantTook || voice.Form.Get("AnsweredBy") != tt.want || voice.Form.Get("MachineDetectionDuration") != took {
						t.Errorf("sync: Url at +%v with AnsweredBy %q, duration %q; want +%v, %s, %s", voice.Time.Sub(info.Answered),
							voice.Form.Get("AnsweredBy"), voice.Form.Get("MachineDetectionDuration"), tt.wantTook, tt.want, took)
					}
					if amd != nil {
						t.Errorf("sync detection sent an AMD callback: %+v", amd)
					}
				}
				got, err := restClient(srv).Api.FetchCall(c.SID(), nil)
				if err != nil {
					t.Fatal(err)
				}
				if got.AnsweredBy == nil || *got.AnsweredBy != tt.want {
					t.Errorf("answered_by = %v, want %s", got.AnsweredBy, tt.want)
				}
			})
		}
	}
}

func fmtMS(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

func TestSendDigitsOverridesAMD(t *testing.T) {
	a := newApp(`<Response><Say>Hi</Say></Response>`)
	srv := newServer(t, harness.WithApp(origin, a), harness.WithParty(to, scenario.AnsweringMachine(5*time.Second)))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetMachineDetection("Enable").SetSendDigits("ww1234#") })
	info := c.Wait()
	if info.AnsweredBy != "" {
		t.Errorf("AnsweredBy = %q with SendDigits, want none", info.AnsweredBy)
	}
	voice := c.Requests()[0]
	if got := voice.Time.Sub(info.Answered); got != 2*time.Second {
		t.Errorf("the Url was requested %v after the answer, want 2s (two w and five tones)", got)
	}
}
