package ivr_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/examples/ivr"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
)

// This is the spec the README shows, kept here so that it cannot rot.
var _ = Describe("the clinic's menu", func() {
	It("books an appointment when the caller presses 1 and names a day", func() {
		srv := harness.NewServer(GinkgoT(),
			harness.WithApp("https://clinic.example.com", ivr.New(ivr.Config{AuthToken: harness.DefaultAuthToken})))
		matchers.Strict(srv)            // any TwiML warning or app error the spec did not expect fails it
		matchers.ReportTranscripts(srv) // a failed spec shows what every call did
		srv.AddNumber(harness.IncomingNumber{PhoneNumber: "+14155550100",
			VoiceSettings: harness.VoiceSettings{VoiceURL: "https://clinic.example.com/voice"}})

		caller := scenario.Person().Presses("1").Says("next Tuesday at ten").AtNext("Gather")
		call, err := srv.IncomingCall("+14155550199", "+14155550100", caller)
		Expect(err).NotTo(HaveOccurred())
		call.Wait() // the whole call, on the virtual clock, in microseconds

		Expect(call).To(matchers.HaveStatus(harness.StatusCompleted))
		Expect(call).To(matchers.HaveGathered("1"))
		Expect(call).To(matchers.HaveRequested(harness.KindAction).To("/appointment").
			WithParam("SpeechResult", "next Tuesday at ten"))
		Expect(call).To(matchers.HaveSaid(ContainSubstring("Tuesday")))
	})
})
