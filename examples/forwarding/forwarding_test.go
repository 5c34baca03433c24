package forwarding_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/examples/forwarding"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
)

const (
	// origin is where the app lives; the harness calls it in-process.
	origin = "https://forwarding.example.com"

	business = "+14155550100" // the number callers dial
	owner    = "+14155550142" // the owner's mobile, where calls are forwarded
	caller   = "+14155550123"

	// message is what callers say into the voicemail: 20 words, 8 seconds
	// at the harness's 0.4 s a word.
	message = "Hi, this is Sam from the hardware store. Your order has arrived and you can pick it up any day."
)

// TestForwarding places one incoming call to the business per case, with
// the owner's phone and the caller acting as the case says, and checks how
// the forward ended and whether a message was left.
func TestForwarding(t *testing.T) {
	tests := []struct {
		name   string
		owner  scenario.Party // whoever has the owner's mobile
		caller scenario.Party // whoever calls the business

		wantLeg     harness.Status // how the owner's leg ended
		wantWhisper bool           // the owner heard who was calling
		wantKey     string         // the key the owner pressed at the whisper, if any
		// The request to the Dial's action, /after-dial.
		wantCallStatus, wantDialStatus, wantBridged string
		// wantMessage is the transcription of the voicemail, "" for none;
		// wantRecordingDuration the RecordingDuration of its action.
		wantMessage           string
		wantRecordingDuration string
	}{
		{
			name:           "the owner answers and accepts",
			owner:          scenario.AnswersAfterRings(2).Presses("1").HangsUpAfter(time.Minute),
			caller:         scenario.Person(),
			wantLeg:        harness.StatusCompleted,
			wantWhisper:    true,
			wantKey:        "1",
			wantCallStatus: "in-progress", wantDialStatus: "completed", wantBridged: "true",
		},
		{
			name:           "the owner is busy",
			owner:          scenario.Busy(),
			caller:         scenario.Person().LeavesMessage(message),
			wantLeg:        harness.StatusBusy,
			wantCallStatus: "in-progress", wantDialStatus: "busy", wantBridged: "false",
			// The recording ends after five seconds of silence.
			wantMessage: message, wantRecordingDuration: "13",
		},
		{
			name:           "the owner does not answer",
			owner:          scenario.NoAnswer(),
			caller:         scenario.Person().LeavesMessage(message).ThenHangsUp(),
			wantLeg:        harness.StatusNoAnswer,
			wantCallStatus: "in-progress", wantDialStatus: "no-answer", wantBridged: "false",
			wantMessage: message, wantRecordingDuration: "8",
		},
		{
			// Twilio reports a whisper that hung up as a completed Dial
			// that was not bridged.
			name:           "the owner answers but does not press 1",
			owner:          scenario.AnswersAfterRings(1).StaysSilent(),
			caller:         scenario.Person().LeavesMessage(message).ThenHangsUp(),
			wantLeg:        harness.StatusCompleted,
			wantWhisper:    true,
			wantCallStatus: "in-progress", wantDialStatus: "completed", wantBridged: "false",
			wantMessage: message, wantRecordingDuration: "8",
		},
		{
			// Twilio still requests the Dial's action, and ignores the reply.
			name:           "the caller hangs up while the forward rings",
			owner:          scenario.NoAnswer(),
			caller:         scenario.Person().HangsUp().AtNext("Dial").After(5 * time.Second),
			wantLeg:        harness.StatusCanceled,
			wantCallStatus: "completed", wantDialStatus: "canceled", wantBridged: "false",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewWithT(t)
			app := forwarding.New(forwarding.Config{Owner: owner})
			srv := harness.NewServer(t, harness.WithApp(origin, app), harness.WithParty(owner, tt.owner))
			harness.LogTranscriptOnFailure(t, srv)
			_, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: business, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}})
			g.Expect(err).NotTo(HaveOccurred())

			call, err := srv.IncomingCall(caller, business, tt.caller)
			g.Expect(err).NotTo(HaveOccurred())
			srv.Run() // the call, its leg and every callback, on the virtual clock

			g.Expect(call).To(matchers.HaveStatus(harness.StatusCompleted))
			g.Expect(call).To(matchers.HaveChildCalls(1))
			g.Expect(call).To(matchers.HaveDialed(owner).WithStatus(tt.wantLeg))
			g.Expect(call).To(matchers.HaveRequested(harness.KindAction).To("/after-dial").
				WithParam("CallStatus", tt.wantCallStatus).
				WithParam("DialCallStatus", tt.wantDialStatus).
				WithParam("DialBridged", tt.wantBridged))

			leg := call.Children()[0]
			checkWhisper(t, leg, tt.wantWhisper, tt.wantKey)
			if tt.wantMessage == "" {
				checkNoVoicemail(t, app, call)
			} else {
				checkVoicemail(t, app, call, tt.wantMessage, tt.wantRecordingDuration)
			}

			g.Expect(srv).To(matchers.HaveNoUnexpectedNotifications())
		})
	}
}

// checkWhisper checks what the owner heard and pressed on the leg.
func checkWhisper(t *testing.T, leg *harness.Call, heard bool, key string) {
	t.Helper()
	g := NewWithT(t)
	if !heard {
		g.Expect(leg).NotTo(matchers.HaveRequested(harness.KindWhisper))
		return
	}
	g.Expect(leg).To(matchers.HaveRequested(harness.KindWhisper).To("/whisper").WithParam("From", caller))
	g.Expect(leg).To(matchers.HaveSaid("Call from " + caller + ", press 1 to accept."))
	if key == "" {
		// The Gather timed out: no action, and the whisper's <Hangup>.
		g.Expect(leg).NotTo(matchers.HaveRequested(harness.KindAction))
		return
	}
	g.Expect(leg).To(matchers.HaveGathered(key))
	g.Expect(leg).To(matchers.HaveRequested(harness.KindAction).To("/whisper-answer").WithParam("Digits", key))
}

// checkVoicemail checks that the caller heard the prompt and left message,
// which was recorded, transcribed and kept in the app's voicemail box.
func checkVoicemail(t *testing.T, app *forwarding.App, call *harness.Call, message, recordingDuration string) {
	t.Helper()
	g := NewWithT(t)
	g.Expect(call).To(matchers.HaveSaid("leave a message after the tone"))
	g.Expect(call).To(matchers.HaveRecorded().WithSource("RecordVerb").WithDuration(8 * time.Second))
	g.Expect(call).To(matchers.HaveRequested(harness.KindAction).To("/voicemail").
		WithParam("RecordingDuration", recordingDuration).
		WithParam("RecordingUrl", Not(BeEmpty())))
	g.Expect(call).To(matchers.HaveRequested(harness.KindTranscription).To("/transcription").
		WithParam("TranscriptionStatus", "completed").
		WithParam("TranscriptionText", message))
	g.Expect(app.Voicemails()).To(HaveExactElements(And(
		HaveField("CallSID", call.SID()),
		HaveField("From", caller),
		HaveField("RecordingURL", call.Recordings()[0].URL),
		HaveField("Transcript", message),
	)))
}

// checkNoVoicemail checks that the call took no message.
func checkNoVoicemail(t *testing.T, app *forwarding.App, call *harness.Call) {
	t.Helper()
	g := NewWithT(t)
	g.Expect(call).NotTo(matchers.HaveSaid("leave a message"))
	g.Expect(call).NotTo(matchers.HaveRecorded())
	g.Expect(call).NotTo(matchers.HaveRequested(harness.KindAction).To("/voicemail"))
	g.Expect(app.Voicemails()).To(BeEmpty())
}
