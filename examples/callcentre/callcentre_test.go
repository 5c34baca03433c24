package callcentre_test

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/examples/callcentre"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twilioclient/voice"
)

const (
	// origin is where the app lives; the harness calls it in-process.
	origin = "https://calls.northwind.example"
	// accountSID and authToken are the shop's Twilio account.
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "northwindbikes0123456789abcdef01"

	centre = "+14155550100" // the number callers dial, which also rings the agents

	alice = "+14155550111" // callers
	bob   = "+14155550112"
	carol = "+14155550113"
	dave  = "+14155550114"

	agentAnna = "+14155550901" // the agents' phones
	agentBen  = "+14155550902"

	// message is what callers say into the voicemail: 15 words, 6 seconds
	// at the harness's 0.4 s a word.
	message = "Hi, my bike's rear brake squeaks since the last service. Please call me back today."
)

// What callers and agents hear.
const (
	whisperText = "Connecting you to an agent."
	goodbyeText = "Thank you for calling Northwind Bikes. Goodbye."
	thanksText  = "Thank you. Your message has been recorded. Goodbye."
	nobodyText  = "Nobody is waiting in the queue. Goodbye."
)

// The callers' parts: a key at the menu, then whatever they do while they
// wait.
var (
	wantsSales   = scenario.Person().Presses("1")
	wantsSupport = scenario.Person().Presses("2")
)

// positionText is what a caller at position n hears at each turn of the
// hold loop.
func positionText(n int) string {
	return "You are caller number " + strconv.Itoa(n) + ". Please hold."
}

var _ = Describe("The call centre", func() {
	var (
		srv  *harness.Server
		tw   *api.ApiService
		app  *callcentre.App
		logs *gbytes.Buffer
	)

	BeforeEach(func() {
		logs = gbytes.NewBuffer()
		app = callcentre.New(callcentre.Config{AuthToken: authToken, BaseURL: origin, From: centre,
			Log: log.New(io.MultiWriter(logs, GinkgoWriter), "", 0)})
		srv = harness.NewServer(GinkgoT(),
			harness.WithAccount(accountSID, authToken),
			harness.WithApp(origin, app))
		matchers.Strict(srv) // any error or warning the harness logs fails the spec
		matchers.ReportTranscripts(srv)
		_, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: centre,
			VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice", StatusCallback: origin + "/status"}})
		Expect(err).NotTo(HaveOccurred())
		tw = voice.API(srv)
	})

	AfterEach(func() {
		By("running every call to its end, and checking that the app accepted every signature")
		srv.Run() // callers still waiting leave for voicemail after five minutes
		Expect(forbidden(srv.Requests())).To(BeEmpty(), srv.Transcript)
	})

	// dial starts a call from a caller to the centre; the caller acts as
	// who says. It runs nothing: the spec moves the clock.
	dial := func(from string, who scenario.Party) *harness.Call {
		GinkgoHelper()
		c, err := srv.IncomingCall(from, centre, who)
		Expect(err).NotTo(HaveOccurred())
		return c
	}

	// connect rings an agent, whose phone acts as who says, to take the
	// next caller of queue.
	connect := func(agent string, who scenario.Party, queue string) *harness.Call {
		GinkgoHelper()
		srv.SetParty(agent, who)
		sid, err := app.ConnectAgent(tw, agent, queue)
		Expect(err).NotTo(HaveOccurred())
		c := srv.Call(sid)
		Expect(c).NotTo(BeNil())
		return c
	}

	Context("as callers join a queue", func() {
		It("tells each caller their place in line: the third hears that they are caller number 3", func() {
			first := dial(alice, wantsSupport)
			srv.Advance(10 * time.Second)
			second := dial(bob, wantsSupport)
			srv.Advance(10 * time.Second)
			third := dial(carol, wantsSupport)
			other := dial(dave, wantsSales) // another queue, another line
			srv.Advance(30 * time.Second)

			Expect(enqueued(first)).To(And(HaveField("Queue", callcentre.Support), HaveField("Position", 1)), first.Transcript)
			Expect(enqueued(second)).To(And(HaveField("Queue", callcentre.Support), HaveField("Position", 2)), second.Transcript)
			Expect(enqueued(third)).To(And(HaveField("Queue", callcentre.Support), HaveField("Position", 3)), third.Transcript)
			Expect(enqueued(other)).To(And(HaveField("Queue", callcentre.Sales), HaveField("Position", 1)), other.Transcript)

			Expect(third).To(matchers.HaveSaid(positionText(3)))
			Expect(third).NotTo(matchers.HaveSaid(positionText(2)))
			Expect(third).To(matchers.HaveRequested(harness.KindEnqueueWait).To("/hold?queue=support").
				WithParam("QueuePosition", "3").
				WithParam("CurrentQueueSize", "3").
				WithParam("QueueSid", srv.Queue(callcentre.Support).SID()))
			Expect(first).To(matchers.HaveSaid(positionText(1)))
			Expect(second).To(matchers.HaveSaid(positionText(2)))
			Expect(other).To(matchers.HaveSaid(positionText(1)))
			Expect(third).To(matchers.HavePlayed(callcentre.HoldMusic))

			Expect(srv.Queue(callcentre.Support).Info().Members).To(HaveExactElements(
				HaveField("CallSID", first.SID()), HaveField("CallSID", second.SID()), HaveField("CallSID", third.SID())))
		})
	})

	Context("when agents connect", func() {
		It("serves the callers first come, first served, and says goodbye after the conversation", func() {
			first := dial(alice, wantsSupport)
			srv.Advance(5 * time.Second)
			second := dial(bob, wantsSupport)
			srv.Advance(5 * time.Second)
			third := dial(carol, wantsSupport)
			srv.Advance(time.Minute)

			anna := connect(agentAnna, scenario.AnswersAfterRings(1).HangsUpAfter(2*time.Minute), callcentre.Support)
			srv.Advance(30 * time.Second)
			ben := connect(agentBen, scenario.AnswersAfterRings(1).HangsUpAfter(3*time.Minute), callcentre.Support)
			srv.Advance(30 * time.Second)

			By("taking the caller at the front for each agent")
			Expect(first).To(matchers.HaveBeenDequeuedBy(anna))
			Expect(second).To(matchers.HaveBeenDequeuedBy(ben))
			Expect(third).NotTo(matchers.HaveRequested(harness.KindDequeue))
			Expect(srv.Queue(callcentre.Support).Info().Members).To(HaveExactElements(
				And(HaveField("CallSID", third.SID()), HaveField("Position", 1))))
			Expect(holdPositions(third)).To(HaveExactElements(3, 2, 1), "the third caller moves up as the others are taken")

			By("whispering to the caller before the agent speaks")
			Expect(first).To(matchers.HaveRequested(harness.KindDequeue).To("/whisper").
				WithParam("DequeingCallSid", anna.SID()).
				WithParam("QueueSid", srv.Queue(callcentre.Support).SID()))
			Expect(first.Events()).To(ContainElement(And(
				HaveField("Kind", harness.EventQueue), HaveField("Action", harness.ActionHeard),
				HaveField("Source", harness.SourceDequeueURL), HaveField("Words", whisperText))), first.Transcript)

			By("saying goodbye once the agent hangs up")
			first.Wait()
			second.Wait()
			Expect(first).To(matchers.HaveQueueResult(harness.QueueBridged))
			Expect(first).To(matchers.HaveRequested(harness.KindAction).To("/queue-result?queue=support").
				WithParam("QueueResult", "bridged"))
			Expect(first).To(matchers.HaveSaid(goodbyeText))
			Expect(first).To(matchers.HaveStatus(harness.StatusCompleted))
			Expect(outcome(app, first)).To(And(HaveField("Result", "bridged"), HaveField("Queue", callcentre.Support)))
			Expect(outcome(app, second)).To(HaveField("Result", "bridged"))

			By("noting which caller each agent talked to, and for how long")
			anna.Wait()
			ben.Wait()
			Expect(anna).To(matchers.HaveRequested(harness.KindAction).To("/agent-done?queue=support").
				WithParam("DialCallStatus", "completed").
				WithParam("DequeuedCallSid", first.SID()))
			waited := dequeued(first).Time.Sub(enqueued(first).Time).Truncate(time.Second)
			Expect(app.AgentCalls()).To(HaveExactElements(
				And(HaveField("CallSID", anna.SID()), HaveField("Caller", first.SID()), HaveField("Status", "completed"),
					HaveField("CallerWaited", waited)),
				And(HaveField("CallSID", ben.SID()), HaveField("Caller", second.SID()), HaveField("Status", "completed"),
					HaveField("Talked", BeNumerically(">", 2*time.Minute)))))
			Expect(logs).To(gbytes.Say("agent call " + anna.SID() + " on queue support: completed"))
		})
	})

	Context("when an agent dials an empty queue", func() {
		var gaveUp *harness.Call

		BeforeEach(func() {
			// A caller who gives up at once leaves the queue empty.
			gaveUp = dial(alice, wantsSupport.HangsUp().InQueue().After(10*time.Second))
			gaveUp.Wait()
			Expect(srv.Queue(callcentre.Support).Info().CurrentSize).To(BeZero())
		})

		It("waits 20 seconds for a caller, then tells the agent nobody is waiting", func() {
			anna := connect(agentAnna, scenario.AnswersAfterRings(1), callcentre.Support)
			anna.Wait()
			Expect(anna).To(matchers.HaveRequested(harness.KindAction).To("/agent-done?queue=support").
				WithParam("DialCallStatus", "no-answer"))
			Expect(anna).To(matchers.HaveSaid(nobodyText))
			info := anna.Info()
			Expect(info.Ended.Sub(info.Answered)).To(BeNumerically("~", 20*time.Second, 3*time.Second), anna.Transcript)
			Expect(app.AgentCalls()).To(HaveExactElements(And(HaveField("Status", "no-answer"), HaveField("Caller", ""))))
		})

		It("gives the waiting agent the next caller who joins", func() {
			anna := connect(agentAnna, scenario.AnswersAfterRings(1).HangsUpAfter(time.Minute), callcentre.Support)
			srv.Advance(10 * time.Second)
			caller := dial(bob, wantsSupport)
			caller.Wait()

			Expect(enqueued(caller)).To(HaveField("Position", 1))
			Expect(caller).To(matchers.HaveBeenDequeuedBy(anna))
			Expect(caller).NotTo(matchers.HaveRequested(harness.KindEnqueueWait), "taken as it joined, it never waited")
			Expect(caller).To(matchers.HaveSaid(goodbyeText))
			Expect(outcome(app, caller)).To(And(HaveField("Result", "bridged"), HaveField("Waited", BeZero())))
		})

		It("on a queue nobody ever joined, fails at once", func() {
			anna := connect(agentAnna, scenario.AnswersAfterRings(1), callcentre.Sales)
			anna.Wait()
			Expect(anna).To(matchers.HaveRequested(harness.KindAction).To("/agent-done?queue=sales").
				WithParam("DialCallStatus", "failed"))
			Expect(anna).To(matchers.HaveSaid(nobodyText))
		})
	})

	Context("when a caller waits five minutes", func() {
		It("takes the caller out of the queue to leave a voicemail", func() {
			start := time.Now()
			caller := dial(alice, wantsSales.LeavesMessage(message).ThenPresses("#"))
			caller.Wait()
			AddReportEntry("real time for five minutes in the queue", time.Since(start).String())

			waits := holdRequests(caller)
			Expect(len(waits)).To(BeNumerically(">", 10), caller.Transcript)
			for _, r := range waits[:len(waits)-1] {
				Expect(strconv.Atoi(r.Form.Get("QueueTime"))).To(BeNumerically("<", 300))
			}
			Expect(strconv.Atoi(waits[len(waits)-1].Form.Get("QueueTime"))).To(BeNumerically(">=", 300))

			Expect(caller).To(matchers.HaveWaitedInQueue(callcentre.Sales).For(BeNumerically(">=", callcentre.MaxWait)))
			Expect(caller).To(matchers.HaveQueueResult(harness.QueueLeave))
			Expect(caller).To(matchers.HaveRequested(harness.KindAction).To("/queue-result?queue=sales").
				WithParam("QueueResult", "leave").
				WithParam("QueueTime", WithTransform(atoi, BeNumerically(">=", 300))))
			Expect(caller).To(matchers.HaveRecorded().WithSource("RecordVerb").WithDuration(6 * time.Second))
			Expect(caller).To(matchers.HaveSaid(thanksText))
			Expect(caller).To(matchers.HaveStatus(harness.StatusCompleted))

			Expect(outcome(app, caller)).To(And(HaveField("Result", "leave"), HaveField("Reason", callcentre.ReasonWaitedTooLong),
				HaveField("Waited", BeNumerically("~", 5*time.Minute, 20*time.Second))))
			Expect(app.Messages()).To(HaveExactElements(And(
				HaveField("CallSID", caller.SID()), HaveField("From", alice), HaveField("Queue", callcentre.Sales),
				HaveField("Reason", callcentre.ReasonWaitedTooLong), HaveField("Duration", 6*time.Second),
				HaveField("RecordingURL", HavePrefix("https://")))))
		})
	})

	Context("when a caller presses a key during the hold music", func() {
		It("takes the caller out of the queue at once to leave a voicemail", func() {
			caller := dial(bob, wantsSupport.Presses("0").Interrupting().After(8*time.Second).LeavesMessage(message).ThenPresses("#"))
			caller.Wait()

			Expect(caller).To(matchers.HaveRequested(harness.KindAction).To("/hold-key?queue=support").WithParam("Digits", "0"))
			Expect(holdRequests(caller)).To(HaveLen(1), "the key was pressed in the first turn of the hold loop")
			Expect(caller).To(matchers.HaveWaitedInQueue(callcentre.Support).For(BeNumerically("<", 15*time.Second)))
			Expect(caller).To(matchers.HaveQueueResult(harness.QueueLeave))
			Expect(outcome(app, caller)).To(And(HaveField("Result", "leave"), HaveField("Reason", callcentre.ReasonPressedKey)))
			Expect(app.Messages()).To(HaveExactElements(And(
				HaveField("CallSID", caller.SID()), HaveField("Reason", callcentre.ReasonPressedKey), HaveField("Queue", callcentre.Support))))
			Expect(caller).To(matchers.HaveSaid(thanksText))
		})
	})

	Context("when a caller gives up", func() {
		It("logs the hang-up and moves the caller behind up", func() {
			first := dial(alice, wantsSupport.HangsUp().InQueue().After(2*time.Minute))
			srv.Advance(10 * time.Second)
			second := dial(bob, wantsSupport)
			first.Wait()
			srv.Advance(time.Minute)

			Expect(first).To(matchers.HaveStatus(harness.StatusCompleted))
			Expect(first).To(matchers.HaveWaitedInQueue(callcentre.Support).For(2 * time.Minute))
			Expect(first).To(matchers.HaveQueueResult(harness.QueueHangup))
			Expect(first).To(matchers.HaveRequested(harness.KindAction).To("/queue-result?queue=support").
				WithParam("QueueResult", "hangup").
				WithParam("QueueTime", "120").
				WithParam("CallStatus", "completed"))
			Expect(outcome(app, first)).To(And(HaveField("Result", "hangup"), HaveField("Waited", 2*time.Minute)))
			Expect(logs).To(gbytes.Say("call " + first.SID() + " left queue support after 2m0s: hangup"))

			Expect(holdPositions(second)).To(HaveExactElements(2, 1))
			Expect(srv.Queue(callcentre.Support).Info().Members).To(HaveExactElements(
				And(HaveField("CallSID", second.SID()), HaveField("Position", 1))))
		})
	})

	Context("signatures", func() {
		It("rejects a request signed with another token", func() {
			form := url.Values{"CallSid": {"CA0123"}, "Digits": {"2"}}
			send := func(token string) int {
				r := httptest.NewRequest(http.MethodPost, origin+"/choose", strings.NewReader(form.Encode()))
				r.RequestURI = "/choose" // as a server receives it; httptest leaves the absolute URL
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r.Header.Set("X-Twilio-Signature", harness.Signature(token, origin+"/choose", form))
				w := httptest.NewRecorder()
				app.ServeHTTP(w, r)
				return w.Code
			}
			Expect(send(authToken)).To(Equal(http.StatusOK))
			Expect(send("someoneelse0123456789abcdef01234")).To(Equal(http.StatusForbidden))
		})
	})
})

// queueEvent returns c's first EventQueue with action, failing the spec
// when there is none.
func queueEvent(c *harness.Call, action harness.EventAction) harness.Event {
	GinkgoHelper()
	for _, e := range c.Events() {
		if e.Kind == harness.EventQueue && e.Action == action {
			return e
		}
	}
	Fail("call " + c.SID() + " has no queue event " + string(action) + ":\n" + c.Transcript())
	return harness.Event{}
}

// enqueued is the call joining its queue (Queue, Position).
func enqueued(c *harness.Call) harness.Event {
	GinkgoHelper()
	return queueEvent(c, harness.ActionEnqueued)
}

// dequeued is an agent taking the call (Source: the agent's call).
func dequeued(c *harness.Call) harness.Event {
	GinkgoHelper()
	return queueEvent(c, harness.ActionDequeued)
}

// holdRequests returns the requests for c's wait document, in order.
func holdRequests(c *harness.Call) []harness.Request {
	var out []harness.Request
	for _, r := range c.Requests() {
		if r.Kind == harness.KindEnqueueWait {
			out = append(out, r)
		}
	}
	return out
}

// holdPositions returns the QueuePosition of each request for c's wait
// document, leaving out repeats: the places in line the caller heard.
func holdPositions(c *harness.Call) []int {
	var out []int
	for _, r := range holdRequests(c) {
		n, _ := strconv.Atoi(r.Form.Get("QueuePosition"))
		if len(out) == 0 || out[len(out)-1] != n {
			out = append(out, n)
		}
	}
	return out
}

// outcome is how the app saw c's time in its queue end.
func outcome(app *callcentre.App, c *harness.Call) callcentre.Outcome {
	GinkgoHelper()
	o, ok := app.Outcome(c.SID())
	Expect(ok).To(BeTrue(), "the app has no outcome for call %s", c.SID())
	return o
}

// atoi is strconv.Atoi for WithTransform.
func atoi(s string) (int, error) { return strconv.Atoi(s) }

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
