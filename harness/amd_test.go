package harness_test

import (
	"strconv"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

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
				got, err := restClient(srv).FetchCall(c.SID(), nil)
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
