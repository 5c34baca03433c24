package harness_test

import (
	"testing"
	"time"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

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
	got, err := restClient(srv).FetchCall(c.SID(), nil)
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

// TestInboundApplicationErrorIsAnswered: when the first request of an
// incoming call fails, Twilio answers the call to play its
// application-error message, so the call has an answer time and a
// duration.
func TestInboundApplicationErrorIsAnswered(t *testing.T) {
	srv := newServer(t, harness.WithLenientScripts())
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}}); err != nil {
		t.Fatal(err)
	}
	if err := srv.InjectFault(origin+"/voice", harness.Fault{Status: 403}); err != nil {
		t.Fatal(err)
	}
	c, err := srv.IncomingCall("+14155550999", ourNumber, scenario.Person())
	if err != nil {
		t.Fatal(err)
	}
	info := c.Wait()
	if info.Status != harness.StatusCompleted || info.Answered.IsZero() || info.Duration < 3*time.Second {
		t.Errorf("%s, answered %v, after %v; want completed, answered, for the message's length:\n%s",
			info.Status, info.Answered, info.Duration, c.Transcript())
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
