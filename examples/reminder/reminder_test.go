package reminder_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/examples/reminder"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twilioclient/voice"
)

const (
	// origin is where the app lives; the harness calls it in-process.
	origin = "https://reminders.example.com"
	// accountSID and authToken are the clinic's Twilio account.
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "riversideclinic0123456789abcdef0"

	clinic  = "+15005550006" // the clinic's number, which places the calls
	patient = "+14155550123" // the patient being reminded
)

// appointment is the patient's appointment, which the reminder says as
// "Tuesday, January 7 at 3:30 PM".
var appointment = time.Date(2025, time.January, 7, 15, 30, 0, 0, time.UTC)

// What the patient hears.
const (
	reminderText  = "Hi, this is a reminder of your appointment on Tuesday, January 7 at 3:30 PM. Press 1 to confirm, 2 to cancel."
	voicemailText = "Hi, this is Riverside Clinic with a reminder of your appointment on Tuesday, January 7 at 3:30 PM. If you cannot make it, please call us. Goodbye."
	confirmedText = "Thank you. Your appointment is confirmed. Goodbye."
	canceledText  = "Your appointment has been canceled. Please call us to book a new one. Goodbye."
)

var _ = Describe("The appointment reminder", func() {
	var (
		srv *harness.Server
		tw  *api.ApiService
		app *reminder.App

		mu      sync.Mutex
		replies []reminder.Reply
	)

	BeforeEach(func() {
		mu.Lock()
		replies = nil
		mu.Unlock()
		app = reminder.New(reminder.Config{AuthToken: authToken, BaseURL: origin, From: clinic,
			OnReply: func(r reminder.Reply) {
				mu.Lock()
				defer mu.Unlock()
				replies = append(replies, r)
			}})
		srv = harness.NewServer(GinkgoT(),
			harness.WithAccount(accountSID, authToken),
			harness.WithApp(origin, app))
		tw = voice.API(srv)
	})

	AfterEach(func() {
		By("checking that the app accepted every signature and the harness logged no problem")
		Expect(forbidden(srv.Requests())).To(BeEmpty(), srv.Transcript)
		Expect(srv.Notifications()).To(BeEmpty(), srv.Transcript)
	})

	// remind reminds the patient, who is whoever the script describes, of
	// the appointment, and runs the call to its end on the virtual clock.
	remind := func(who scenario.Party) *harness.Call {
		GinkgoHelper()
		srv.SetParty(patient, who)
		sid, err := app.Remind(tw, patient, appointment)
		Expect(err).NotTo(HaveOccurred())
		c := srv.Call(sid)
		Expect(c).NotTo(BeNil())
		c.Wait()
		return c
	}

	It("places the call with answering machine detection that waits for the end of the greeting", func() {
		c := remind(scenario.Person())
		Expect(c.Params()).To(And(
			HaveKeyWithValue("MachineDetection", []string{"DetectMessageEnd"}),
			HaveKeyWithValue("AsyncAmd", []string{"false"}),
			HaveKeyWithValue("StatusCallback", []string{origin + "/status"}),
			HaveKeyWithValue("From", []string{clinic})))
		Expect(requestsTo(c, "/answer")).To(HaveLen(1), c.Transcript)
		Expect(requestsTo(c, "/answer")[0].URL).To(HaveSuffix("/answer?when=Tuesday%2C+January+7+at+3%3A30+PM"))
	})

	Context("when an answering machine picks up", func() {
		It("leaves the voicemail after the beep, and asks for no key", func() {
			c := remind(scenario.AnsweringMachine(7 * time.Second).EndingWithBeep())
			info := c.Info()

			answer := requestsTo(c, "/answer")
			Expect(answer).To(HaveLen(1), c.Transcript)
			Expect(answer[0].Form.Get("AnsweredBy")).To(Equal("machine_end_beep"), c.Transcript)
			Expect(answer[0].Time.Sub(info.Answered)).To(Equal(7*time.Second), "Twilio waits for the beep")

			Expect(said(c)).To(HaveExactElements(voicemailText), c.Transcript)
			Expect(saidAt(c)[0].Sub(info.Answered)).To(Equal(7*time.Second), "the message starts at the beep")
			Expect(gathers(c)).To(BeZero(), "no Gather runs for a machine")
			Expect(requestsTo(c, "/confirm")).To(BeEmpty())
			Expect(c.Status()).To(Equal(harness.StatusCompleted))
		})

		It("leaves the voicemail too when the greeting ends in silence", func() {
			c := remind(scenario.AnsweringMachine(7 * time.Second).EndingWithSilence())
			answer := requestsTo(c, "/answer")
			Expect(answer).To(HaveLen(1), c.Transcript)
			Expect(answer[0].Form.Get("AnsweredBy")).To(Equal("machine_end_silence"), c.Transcript)
			Expect(said(c)).To(HaveExactElements(voicemailText), c.Transcript)
		})
	})

	Context("when the patient answers after two rings and presses 1", func() {
		It("reminds the patient and confirms the appointment", func() {
			c := remind(scenario.Person().AnswersAfterRings(2).Presses("1"))
			info := c.Info()
			Expect(info.Answered.Sub(info.Started)).To(Equal(2*scenario.RingCycle), "the phone rang twice")

			Expect(visited(c)).To(HaveExactElements("/answer", "/confirm"), c.Transcript)
			Expect(requestsTo(c, "/answer")[0].Form.Get("AnsweredBy")).To(Equal("human"))
			Expect(requestsTo(c, "/confirm")[0].Form.Get("Digits")).To(Equal("1"), c.Transcript)
			Expect(said(c)).To(HaveExactElements(reminderText, confirmedText), c.Transcript)

			mu.Lock()
			defer mu.Unlock()
			Expect(replies).To(HaveExactElements(reminder.Reply{CallSID: c.SID(), To: patient, Confirmed: true}))
		})
	})

	Context("when the patient presses 2", func() {
		It("cancels the appointment", func() {
			c := remind(scenario.Person().Presses("2"))
			Expect(requestsTo(c, "/confirm")[0].Form.Get("Digits")).To(Equal("2"), c.Transcript)
			Expect(said(c)).To(HaveExactElements(reminderText, canceledText), c.Transcript)

			mu.Lock()
			defer mu.Unlock()
			Expect(replies).To(HaveExactElements(reminder.Reply{CallSID: c.SID(), To: patient, Confirmed: false}))
		})
	})

	Context("when a fax machine answers", func() {
		It("hangs up without a message", func() {
			c := remind(scenario.Fax())
			answer := requestsTo(c, "/answer")
			Expect(answer).To(HaveLen(1), c.Transcript)
			Expect(answer[0].Form.Get("AnsweredBy")).To(Equal("fax"))
			Expect(said(c)).To(BeEmpty(), c.Transcript)
			Expect(c.Events()).To(ContainElement(And(
				HaveField("Kind", harness.EventHangup), HaveField("Text", "<Hangup>"))), c.Transcript)
			Expect(c.Status()).To(Equal(harness.StatusCompleted))
		})
	})

	Context("when nobody says anything", func() {
		It("hangs up once detection gives up, without a message", func() {
			c := remind(scenario.Silence())
			answer := requestsTo(c, "/answer")
			Expect(answer).To(HaveLen(1), c.Transcript)
			Expect(answer[0].Form.Get("AnsweredBy")).To(Equal("unknown"))
			Expect(said(c)).To(BeEmpty(), c.Transcript)
			Expect(gathers(c)).To(BeZero())
		})
	})

	Context("when the line is busy", func() {
		It("never asks the app what to say, and the status callback says busy", func() {
			c := remind(scenario.Busy())
			Expect(requestsTo(c, "/answer")).To(BeEmpty(), c.Transcript)
			status := requestsTo(c, "/status")
			Expect(status).To(HaveLen(1), c.Transcript)
			Expect(status[0].Form.Get("CallStatus")).To(Equal("busy"))
			Expect(c.Status()).To(Equal(harness.StatusBusy))

			mu.Lock()
			defer mu.Unlock()
			Expect(replies).To(BeEmpty())
		})
	})

	Context("signatures", func() {
		It("rejects a request signed with another token", func() {
			form := url.Values{"CallSid": {"CA0123"}, "AnsweredBy": {"human"}}
			send := func(token string) int {
				r := httptest.NewRequest(http.MethodPost, origin+"/answer?when=today", strings.NewReader(form.Encode()))
				r.RequestURI = "/answer?when=today" // as a server receives it; httptest leaves the absolute URL
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r.Header.Set("X-Twilio-Signature", harness.Signature(token, origin+"/answer?when=today", form))
				w := httptest.NewRecorder()
				app.ServeHTTP(w, r)
				return w.Code
			}
			Expect(send(authToken)).To(Equal(http.StatusOK))
			Expect(send("someoneelse0123456789abcdef01234")).To(Equal(http.StatusForbidden))
		})
	})
})

// requestsTo returns the requests made for c to path, in order.
func requestsTo(c *harness.Call, path string) []harness.Request {
	var out []harness.Request
	for _, r := range c.Requests() {
		if u, err := url.Parse(r.URL); err == nil && u.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// visited returns the path of every request made for c other than status
// callbacks: the route the call took through the app.
func visited(c *harness.Call) []string {
	var out []string
	for _, r := range c.Requests() {
		if r.Kind == harness.KindStatusCallback {
			continue
		}
		if u, err := url.Parse(r.URL); err == nil {
			out = append(out, u.Path)
		}
	}
	return out
}

// said returns what the call said to the patient, in order.
func said(c *harness.Call) []string {
	var out []string
	for _, e := range c.Events() {
		if e.Kind == harness.EventSay {
			out = append(out, e.Text)
		}
	}
	return out
}

// saidAt returns when the call started saying each thing, in order.
func saidAt(c *harness.Call) []time.Time {
	var out []time.Time
	for _, e := range c.Events() {
		if e.Kind == harness.EventSay {
			out = append(out, e.Time)
		}
	}
	return out
}

// gathers counts the <Gather>s that ended on c, with input or without.
func gathers(c *harness.Call) int {
	n := 0
	for _, e := range c.Events() {
		if e.Kind == harness.EventGather {
			n++
		}
	}
	return n
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
