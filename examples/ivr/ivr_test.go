package ivr_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/examples/ivr"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twilioclient/voice"
)

const (
	// origin is where the app lives; the harness calls it in-process.
	origin = "https://clinic.example.com"
	// accountSID and authToken are the account the app trusts.
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "riversideclinic0123456789abcdef0"

	clinic   = "+15005550006" // the clinic's own number, which places the calls
	patient  = "+14155550123" // the patient, who plays the caller's part
	billing  = "+14155550142"
	operator = "+14155550199"
)

// Where in the call the patient acts.
var (
	// atMenu is the menu's <Gather>, whose prompt lists the options.
	atMenu = scenario.Trigger{Verb: "Gather", PromptContains: "press 1"}
	// atDate is the <Gather> that asks for the appointment's date.
	atDate = scenario.Trigger{Verb: "Gather", PromptContains: "date"}
	// atVoicemail is the <Record> of a voicemail.
	atVoicemail = scenario.Trigger{Verb: "Record"}
)

var _ = Describe("The clinic's phone menu", func() {
	var (
		srv *harness.Server
		tw  *api.ApiService
	)

	BeforeEach(func() {
		app := ivr.New(ivr.Config{AuthToken: authToken, Billing: billing, Operator: operator})
		srv = harness.NewServer(GinkgoT(),
			harness.WithAccount(accountSID, authToken),
			harness.WithApp(origin, app))
		tw = voice.API(srv)
		matchers.Strict(srv) // any error or warning the harness logs fails the spec
		matchers.ReportTranscripts(srv)
	})

	AfterEach(func() {
		By("checking that the app accepted every signature")
		Expect(forbidden(srv.Requests())).To(BeEmpty(), srv.Transcript)
	})

	// call places a call from the clinic to the patient, who acts as steps
	// say, through the official client, and runs it to its end on the
	// virtual clock.
	call := func(steps ...scenario.Step) *harness.Call {
		GinkgoHelper()
		srv.SetParty(patient, scenario.Party{Steps: steps})
		params := &api.CreateCallParams{}
		params.SetTo(patient).SetFrom(clinic).SetUrl(origin + "/voice").
			SetStatusCallback(origin + "/status").
			SetStatusCallbackEvent([]string{"initiated", "ringing", "answered", "completed"})
		created, err := tw.CreateCall(params)
		Expect(err).NotTo(HaveOccurred())
		c := srv.Call(*created.Sid)
		Expect(c).NotTo(BeNil())
		c.Wait()
		return c
	}

	Context("when the caller presses 1 and says a date", func() {
		It("books the appointment for the date speech recognition heard", func() {
			c := call(
				scenario.Step{When: atMenu, Do: scenario.Action{Kind: scenario.Press, Digits: "1"}},
				scenario.Step{When: atDate, Do: scenario.Action{Kind: scenario.Speak, Text: "next Tuesday at ten", Confidence: 0.93}},
			)
			Expect(visited(c)).To(Equal([]string{"/voice", "/menu", "/appointment"}), c.Transcript)
			Expect(c).To(matchers.HaveGathered("1"))
			Expect(c).To(matchers.HaveRequested(harness.KindAction).To("/menu").WithParam("Digits", "1"))
			Expect(c).To(matchers.HaveGathered("next Tuesday at ten"))
			Expect(c).To(matchers.HaveRequested(harness.KindAction).To("/appointment").
				WithParam("SpeechResult", "next Tuesday at ten").
				WithParam("Confidence", "0.93"))
			Expect(said(c)).To(HaveExactElements(
				ContainSubstring("Riverside"), ContainSubstring("press 1"),
				"Please say the date you would like to come in.",
				HavePrefix("Your appointment request for next Tuesday at ten is booked.")), c.Transcript)
			Expect(c).To(matchers.HaveStatus(harness.StatusCompleted))
		})
	})

	Context("when the caller presses 2", func() {
		pressTwo := scenario.Step{When: atMenu, Do: scenario.Action{Kind: scenario.Press, Digits: "2"}}

		Context("and the billing line is busy", func() {
			BeforeEach(func() {
				srv.SetParty(billing, scenario.Busy().RingsFor(3*time.Second))
			})

			It("takes a voicemail that the caller ends with the pound key", func() {
				c := call(pressTwo,
					scenario.Step{When: atVoicemail, Do: scenario.Action{Kind: scenario.Talk, Duration: 10 * time.Second, Digits: "#"}})
				Expect(visited(c)).To(Equal([]string{"/voice", "/menu", "/dial-status", "/voicemail"}), c.Transcript)
				Expect(c).To(matchers.HaveRequested(harness.KindAction).To("/dial-status").WithParam("DialCallStatus", "busy"))
				Expect(c).To(matchers.HaveRequested(harness.KindAction).To("/voicemail").
					WithParam("RecordingDuration", "10").
					WithParam("Digits", "#").
					WithParam("RecordingUrl", Not(BeEmpty())))
				Expect(said(c)).To(HaveExactElements(
					ContainSubstring("Riverside"), ContainSubstring("press 1"),
					"Connecting you to billing.",
					HavePrefix("Sorry, nobody is available"),
					"Thank you. Your message has been recorded. Goodbye."), c.Transcript)
				Expect(c.Recordings()).To(HaveLen(1), c.Transcript)
				Expect(c).To(matchers.HaveRecorded().WithSource("RecordVerb").WithDuration(10 * time.Second))
				Expect(c).To(matchers.HaveChildCalls(matchers.HaveStatus(harness.StatusBusy)))
				Expect(c).To(matchers.HaveDialed(billing).WithStatus(harness.StatusBusy))
			})
		})

		Context("and billing answers after two rings", func() {
			BeforeEach(func() {
				srv.SetParty(billing, scenario.AnswersAfterRings(2).HangsUpAfter(45*time.Second))
			})

			It("bridges the caller to billing and ends the call when billing hangs up", func() {
				c := call(pressTwo)
				Expect(visited(c)).To(Equal([]string{"/voice", "/menu", "/dial-status"}), c.Transcript)
				Expect(c).To(matchers.HaveChildCalls(matchers.HaveStatus(harness.StatusCompleted)))
				Expect(c).To(matchers.HaveDialed(billing).WithStatus(harness.StatusCompleted))
				leg := c.Children()[0].Info()
				Expect(c).To(matchers.HaveRequested(harness.KindAction).To("/dial-status").
					WithParam("DialCallStatus", "completed").
					WithParam("DialCallDuration", "45").
					WithParam("DialCallSid", leg.SID))

				Expect(leg.Answered.Sub(leg.Started)).To(Equal(2*scenario.RingCycle), "billing rang twice")
				Expect(c.Info().Ended).To(Equal(leg.Ended), "the caller's call ends as billing hangs up")
				Expect(c).NotTo(matchers.HaveSaid("Sorry, nobody"))
				Expect(c).NotTo(matchers.HaveRecorded())
				Expect(c).To(matchers.HaveStatus(harness.StatusCompleted))
			})
		})
	})

	Context("when the caller presses a key that is not on the menu", func() {
		It("says so and offers the menu again", func() {
			c := call(
				scenario.Step{When: scenario.Trigger{Verb: "Gather", Nth: 1}, Do: scenario.Action{Kind: scenario.Press, Digits: "9"}},
				scenario.Step{When: scenario.Trigger{Verb: "Gather", Nth: 2}, Do: scenario.Action{Kind: scenario.HangUp}},
			)
			Expect(visited(c)).To(Equal([]string{"/voice", "/menu", "/voice"}), c.Transcript)
			Expect(c).To(matchers.HaveRequested(harness.KindAction).To("/menu").WithParam("Digits", "9"))
			Expect(c).To(matchers.HaveRedirectedTo(Equal(origin + "/voice")))
			Expect(said(c)).To(HaveExactElements(
				ContainSubstring("Riverside"), ContainSubstring("press 1"),
				"Sorry, that is not a valid option.",
				ContainSubstring("Riverside"), ContainSubstring("press 1")), c.Transcript)
		})
	})

	Context("when the caller stays silent", func() {
		It("offers the menu twice, then says goodbye and hangs up", func() {
			c := call(scenario.Step{Do: scenario.Action{Kind: scenario.Silent}, Repeat: true})
			Expect(visited(c)).To(Equal([]string{"/voice", "/voice?retry=1"}), c.Transcript)
			Expect(c).To(matchers.HaveRedirectedTo(Equal(origin + "/voice?retry=1")))
			Expect(c).NotTo(matchers.HaveRequested(harness.KindAction))
			Expect(said(c)).To(HaveExactElements(
				ContainSubstring("Riverside"), ContainSubstring("press 1"),
				ContainSubstring("press 1"),
				"We did not receive a choice. Goodbye."), c.Transcript)
			Expect(c.Events()).To(ContainElement(And(
				HaveField("Kind", harness.EventHangup), HaveField("Text", "<Hangup>"))), c.Transcript)
			Expect(c).To(matchers.HaveStatus(harness.StatusCompleted))
		})
	})

	Context("when the caller hangs up during the menu", func() {
		It("makes no request to /menu", func() {
			c := call(scenario.Step{When: atMenu, Do: scenario.Action{Kind: scenario.HangUp, Delay: 2 * time.Second, BargeIn: true}})
			Expect(c).NotTo(matchers.HaveRequested("").To("/menu"))
			Expect(visited(c)).To(Equal([]string{"/voice"}), c.Transcript)
			Expect(c).To(matchers.HaveStatus(harness.StatusCompleted))
			Expect(c).To(matchers.HaveStatusCallbacks("initiated", "ringing", "in-progress", "completed"))
		})
	})

	Context("status callbacks", func() {
		It("arrive at /status in order: initiated, ringing, in-progress, completed", func() {
			c := call(scenario.Step{When: atMenu, Do: scenario.Action{Kind: scenario.Press, Digits: "1"}},
				scenario.Step{When: atDate, Do: scenario.Action{Kind: scenario.Speak, Text: "Friday"}})
			statuses := []string{"initiated", "ringing", "in-progress", "completed"}
			Expect(c).To(matchers.HaveStatusCallbacks(statuses...))
			for i, st := range statuses {
				Expect(c).To(matchers.HaveRequested(harness.KindStatusCallback).To(origin+"/status").
					WithParam("CallStatus", st).
					WithParam("SequenceNumber", strconv.Itoa(i)))
			}
		})
	})

	Context("signatures", func() {
		It("accepts every request the harness signed", func() {
			srv.SetParty(billing, scenario.Busy())
			c := call(scenario.Step{When: atMenu, Do: scenario.Action{Kind: scenario.Press, Digits: "2"}},
				scenario.Step{When: atVoicemail, Do: scenario.Action{Kind: scenario.Talk, Duration: 5 * time.Second, Digits: "#"}})
			reqs := c.Requests()
			Expect(reqs).To(HaveLen(8), c.Transcript) // four status callbacks and four webhooks
			for _, r := range reqs {
				Expect(r.Header.Get("X-Twilio-Signature")).NotTo(BeEmpty(), r.URL)
				Expect(r.Status).To(BeElementOf(http.StatusOK, http.StatusNoContent), r.URL)
			}
		})

		It("rejects a request signed with another token", func() {
			app := ivr.New(ivr.Config{AuthToken: authToken, Billing: billing, Operator: operator})
			form := url.Values{"CallSid": {"CA0123"}, "Digits": {"1"}}
			send := func(token string) int {
				r := httptest.NewRequest(http.MethodPost, origin+"/menu", strings.NewReader(form.Encode()))
				r.RequestURI = "/menu" // as a server receives it; httptest leaves the absolute URL
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r.Header.Set("X-Twilio-Signature", harness.Signature(token, origin+"/menu", form))
				w := httptest.NewRecorder()
				app.ServeHTTP(w, r)
				return w.Code
			}
			Expect(send(authToken)).To(Equal(http.StatusOK))
			Expect(send("someoneelse0123456789abcdef01234")).To(Equal(http.StatusForbidden))
		})
	})
})

// visited returns the path and query of every request made for c other
// than status callbacks: the route the call took through the app.
func visited(c *harness.Call) []string {
	var out []string
	for _, r := range c.Requests() {
		if r.Kind == harness.KindStatusCallback {
			continue
		}
		if u, err := url.Parse(r.URL); err == nil {
			out = append(out, u.RequestURI())
		}
	}
	return out
}

// said returns what the call said to the caller, in order.
func said(c *harness.Call) []string {
	var out []string
	for _, e := range c.Events() {
		if e.Kind == harness.EventSay {
			out = append(out, e.Text)
		}
	}
	return out
}

// forbidden returns the requests that the app answered 403.
func forbidden(reqs []harness.Request) []harness.Request {
	var out []harness.Request
	for _, r := range reqs {
		if r.Status == http.StatusForbidden {
			out = append(out, r)
		}
	}
	return out
}
