package outbound_test

import (
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/examples/outbound"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
)

const (
	// origin is where the dialer lives; the harness calls it in-process.
	origin = "https://alerts.example.com"

	from  = "+15005550006" // the dialer's caller ID
	admin = "+14155550123" // whom the dialer calls
)

var _ = Describe("The dialer", func() {
	var (
		srv    *harness.Server
		dialer *outbound.Dialer
	)

	BeforeEach(func() {
		// The dialer's client reaches the fake once the server exists:
		// twilio-go keeps a pointer to c.
		c := &client.Client{Credentials: client.NewCredentials(harness.DefaultAccountSID, harness.DefaultAuthToken)}
		c.SetAccountSid(harness.DefaultAccountSID)
		dialer = outbound.New(outbound.Config{
			Client:  api.NewApiServiceWithClient(c),
			From:    from,
			BaseURL: origin,
		})
		srv = harness.NewServer(GinkgoT(), harness.WithApp(origin, dialer))
		c.HTTPClient = srv.HTTPClient()
		matchers.Strict(srv)
		matchers.ReportTranscripts(srv)
	})

	// place places a call to admin with the dialer and returns it, queued:
	// nothing happens until the spec runs the engine.
	place := func() *harness.Call {
		GinkgoHelper()
		sid, err := dialer.Call(admin)
		Expect(err).NotTo(HaveOccurred())
		c := srv.Call(sid)
		Expect(c).NotTo(BeNil())
		return c
	}

	// called returns the number each call of the server was placed to, in
	// order. (Gomega would print a []*harness.Call field by field, server
	// included.)
	called := func() []string {
		var out []string
		for _, c := range srv.Calls() {
			out = append(out, c.To())
		}
		return out
	}

	// creates returns the parameters of every call the dialer created
	// through the REST API, in order.
	creates := func() []url.Values {
		var out []url.Values
		for _, r := range srv.APIRequests() {
			if r.Method == "POST" && strings.HasSuffix(r.Path, "/Calls.json") {
				out = append(out, r.Form)
			}
		}
		return out
	}

	// updates returns the parameters of every update of the call sid
	// through the REST API, in order.
	updates := func(sid string) []url.Values {
		var out []url.Values
		for _, r := range srv.APIRequests() {
			if r.Method == "POST" && strings.HasSuffix(r.Path, "/Calls/"+sid+".json") {
				out = append(out, r.Form)
			}
		}
		return out
	}

	Context("when the call is answered", func() {
		It("says the message and reports every event, in order", func() {
			c := place()
			srv.Run()
			Expect(c).To(matchers.HaveStatus(harness.StatusCompleted))
			Expect(c).To(matchers.HaveStatusCallbacks("initiated", "ringing", "in-progress", "completed"))
			Expect(c).To(matchers.HaveSaid("Your backup finished successfully."))
			Expect(c).NotTo(matchers.HaveRequested(harness.KindVoice).To("/urgent"))
			Expect(called()).To(Equal([]string{admin}), "no retry")
			Expect(dialer.Events()).To(Equal([]outbound.Event{
				{CallSID: c.SID(), To: admin, Status: "initiated", Attempt: 1},
				{CallSID: c.SID(), To: admin, Status: "ringing", Attempt: 1},
				{CallSID: c.SID(), To: admin, Status: "in-progress", Attempt: 1},
				{CallSID: c.SID(), To: admin, Status: "completed", Attempt: 1},
			}))
		})
	})

	Context("when the line is busy the first time", func() {
		It("calls once more from the busy callback, and the second call goes through", func() {
			first := place()
			first.SetParty(scenario.Busy()) // this call only: the retry gets the default, who answers
			srv.Run()                       // both calls: the retry is placed from the first call's busy callback
			Expect(first).To(matchers.HaveStatus(harness.StatusBusy))
			Expect(first).To(matchers.HaveStatusCallbacks("initiated", "ringing", "busy"))
			Expect(first).NotTo(matchers.HaveRequested(harness.KindVoice))

			Expect(called()).To(Equal([]string{admin, admin}))
			second := srv.Calls()[1]
			Expect(second).To(matchers.HaveStatus(harness.StatusCompleted))
			Expect(second).To(matchers.HaveStatusCallbacks("initiated", "ringing", "in-progress", "completed"))
			Expect(second).To(matchers.HaveRequested(harness.KindStatusCallback).To("/status?attempt=2"))
			Expect(second).To(matchers.HaveSaid("Your backup finished successfully."))
			Expect(second.Info().Created).To(Equal(first.Info().Ended), "the retry is placed as the busy callback arrives")

			Expect(creates()).To(HaveExactElements(
				HaveKeyWithValue("StatusCallback", ConsistOf(origin+"/status?attempt=1")),
				HaveKeyWithValue("StatusCallback", ConsistOf(origin+"/status?attempt=2"))))
		})
	})

	Context("when nobody answers, twice", func() {
		It("gives up after one retry", func() {
			srv.SetParty(admin, scenario.NoAnswer())
			first := place()
			srv.Run()
			Expect(first).To(matchers.HaveStatus(harness.StatusNoAnswer))
			Expect(called()).To(Equal([]string{admin, admin}), "one retry, no third call")
			calls := srv.Calls()
			Expect(calls[1]).To(matchers.HaveStatus(harness.StatusNoAnswer))
			Expect(calls[1]).To(matchers.HaveStatusCallbacks("initiated", "ringing", "no-answer"))
			Expect(calls[1].Info().Ended.Sub(calls[1].Info().Started)).To(Equal(outbound.RingTimeout), "it rang for the Timeout")
			Expect(dialer.Events()).To(ContainElements(
				outbound.Event{CallSID: first.SID(), To: admin, Status: "no-answer", Attempt: 1},
				outbound.Event{CallSID: calls[1].SID(), To: admin, Status: "no-answer", Attempt: 2}))
		})
	})

	Context("in urgent mode", func() {
		BeforeEach(func() {
			dialer.SetUrgent(true)
		})

		It("redirects the call to the urgent message when it is answered", func() {
			c := place()
			srv.Run()
			Expect(c).To(matchers.HaveStatus(harness.StatusCompleted))
			Expect(c).To(matchers.HaveRequested(harness.KindVoice).To(origin + "/urgent").WithMethod("POST"))
			Expect(c).To(matchers.HaveSaid("urgent message. Your backup failed."))
			// The answered callback comes before the request to the call's
			// Url, so the redirect arrives before /voice is fetched.
			Expect(c).NotTo(matchers.HaveRequested(harness.KindVoice).To(origin + "/voice"))
			Expect(c).NotTo(matchers.HaveSaid("finished successfully"))
			Expect(c).To(matchers.HaveStatusCallbacks("initiated", "ringing", "in-progress", "completed"))
			Expect(updates(c.SID())).To(HaveExactElements(And(
				HaveKeyWithValue("Url", ConsistOf(origin+"/urgent")),
				HaveKeyWithValue("Method", ConsistOf("POST")))))
		})
	})
})
