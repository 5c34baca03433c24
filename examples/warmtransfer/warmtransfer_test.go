package warmtransfer_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/twimlharness/twimlharness/examples/warmtransfer"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twilioclient/voice"
)

const (
	// origin is where the app lives; the harness calls it in-process.
	origin = "https://support.example.com"
	// accountSID and authToken are Acme's Twilio account.
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "acmesupport0123456789abcdef01234"

	support  = "+14155550100" // the support number customers call
	customer = "+14155550123"
	alex     = "+14155550142" // agent A, who takes new calls
	bea      = "+14155550143" // agent B, in billing

	// holdMusic is the audio the wait and hold documents play.
	holdMusic = "https://cdn.example.com/acme-hold.mp3"
)

// What the people on the phone say.
const (
	alexGreets    = "Acme support, this is Alex. How can I help?"
	customerAsks  = "Hi, I was charged twice this month."
	beaToAlex     = "Hi Alex, Bea from billing here."
	beaToCustomer = "Hello, this is Bea from billing. I can see the double charge."
	customerToBea = "Great, can you refund one of them?"
	alexComesBack = "Sorry, billing is not answering. Let me look at it myself."
)

// The ring timeout the app uses for agents, and when in the call Alex asks
// for the transfer (the customer called at 0).
const (
	ringTimeout = 20 * time.Second
	transferAt  = 30 * time.Second
)

var _ = Describe("The support line's warm transfer", func() {
	var (
		srv *harness.Server
		app *warmtransfer.App
	)

	BeforeEach(func() {
		// The app needs the server's REST client and the server needs the
		// app's handler: the handler is late-bound.
		late := &lateHandler{}
		srv = harness.NewServer(GinkgoT(),
			harness.WithAccount(accountSID, authToken),
			harness.WithApp(origin, late),
			harness.WithMediaDuration(holdMusic, 30*time.Second))
		app = warmtransfer.New(warmtransfer.Config{
			AuthToken: authToken, BaseURL: origin, SupportNumber: support, FirstAgent: alex,
			HoldMusic: holdMusic, RingTimeout: ringTimeout,
		}, voice.API(srv))
		late.app = app
		_, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: support,
			VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}})
		Expect(err).NotTo(HaveOccurred())
		matchers.Strict(srv) // any error or warning the harness logs fails the spec
		matchers.ReportTranscripts(srv)
	})

	AfterEach(func() {
		By("checking that the app accepted every signature and met no Twilio error")
		Expect(forbidden(srv.Requests())).To(BeEmpty(), srv.Transcript)
		for _, c := range app.Calls() {
			Expect(c.Errors).To(BeEmpty(), c.Room)
		}
	})

	// call makes the customer call the support line, acting as the script
	// says; nothing happens until the spec moves the clock.
	call := func(who scenario.Party) (*harness.Call, string) {
		GinkgoHelper()
		c, err := srv.IncomingCall(customer, support, who)
		Expect(err).NotTo(HaveOccurred())
		return c, "support-" + c.SID()
	}

	// desk sends a request to the agents' desk, as the desk software does,
	// and returns the status and the transfer it answered with.
	desk := func(path, room string, query ...string) (int, warmtransfer.Transfer) {
		GinkgoHelper()
		q := url.Values{"conference": {room}}
		for i := 0; i+1 < len(query); i += 2 {
			q.Set(query[i], query[i+1])
		}
		r := httptest.NewRequest(http.MethodPost, path+"?"+q.Encode(), nil)
		w := httptest.NewRecorder()
		app.Desk().ServeHTTP(w, r)
		var t warmtransfer.Transfer
		if w.Code < 300 {
			Expect(json.Unmarshal(w.Body.Bytes(), &t)).To(Succeed())
		}
		return w.Code, t
	}

	// until moves the virtual clock a second at a time until cond holds,
	// for at most ten minutes.
	until := func(what string, cond func() bool) {
		GinkgoHelper()
		for range 600 {
			if cond() {
				return
			}
			srv.Advance(time.Second)
		}
		Fail("ten minutes of virtual time passed and still not " + what + "\n" + srv.Transcript())
	}

	// transferState returns the state of the call's last transfer.
	transferState := func(room string) warmtransfer.State {
		c, _ := app.Call(room)
		if len(c.Transfers) == 0 {
			return ""
		}
		return c.Transfers[len(c.Transfers)-1].State
	}

	// transferToBea has Alex ask the desk, at transferAt, to transfer the
	// call to Bea.
	transferToBea := func(room string) warmtransfer.Transfer {
		GinkgoHelper()
		srv.Advance(transferAt - srv.Now().Sub(harness.DefaultStartTime()))
		code, t := desk("/transfer", room, "to", bea)
		Expect(code).To(Equal(http.StatusAccepted), srv.Transcript)
		Expect(t).To(And(HaveField("State", warmtransfer.Ringing), HaveField("From", "agent-a"),
			HaveField("To", "agent-b"), HaveField("Number", bea)))
		return t
	}

	// alexTakesTheCall is Alex: answers after a ring and greets the customer.
	alexTakesTheCall := scenario.Person().AnswersAfterRings(1).Says(alexGreets).InConference().After(time.Second)

	Context("when Alex transfers the customer to Bea, who answers, and completes the transfer from the desk", func() {
		var (
			c    *harness.Call
			room string
		)

		BeforeEach(func() {
			srv.SetParty(alex, alexTakesTheCall)
			srv.SetParty(bea, scenario.Person().AnswersAfterRings(2).
				Says(beaToAlex).InConference().After(time.Second).
				Says(beaToCustomer).AfterLeaves("agent-a").After(time.Second))
			c, room = call(scenario.Person().
				Says(customerAsks).InConference().After(10 * time.Second).
				Says(customerToBea).AfterLeaves("agent-a").After(8 * time.Second).
				HangsUp().AfterLeaves("agent-a").After(20 * time.Second))

			transferToBea(room)
			until("Bea has joined", func() bool { return transferState(room) == warmtransfer.Consulting })
			srv.Advance(10 * time.Second) // Alex briefs Bea
			code, t := desk("/transfer/complete", room)
			Expect(code).To(Equal(http.StatusOK), srv.Transcript)
			Expect(t.State).To(Equal(warmtransfer.Completed))
			c.Wait()
			srv.Run()
		})

		It("keeps the transfer as completed, with Bea now with the customer", func() {
			got, ok := app.Call(room)
			Expect(ok).To(BeTrue())
			Expect(got.Transfers).To(HaveExactElements(And(
				HaveField("From", "agent-a"), HaveField("To", "agent-b"),
				HaveField("State", warmtransfer.Completed), HaveField("Unattended", false))))
			Expect(got.With).To(Equal("agent-b"))
			Expect(got.Ended).To(BeTrue())
			Expect(got.Agents).To(HaveExactElements(
				And(HaveField("Label", "agent-a"), HaveField("Number", alex), HaveField("Joined", true), HaveField("Left", true)),
				And(HaveField("Label", "agent-b"), HaveField("Number", bea), HaveField("Joined", true), HaveField("Left", true))))
		})

		It("puts the customer on hold with the app's hold document while Bea is called and briefed", func() {
			Expect(c).To(matchers.HaveHeard(
				music(harness.SourceHoldMusic, "Words", warmtransfer.HoldText),
				music(harness.SourceHoldMusic, "URL", holdMusic)))
			Expect(c).To(matchers.HaveRequested(harness.KindConferenceHold).To(origin + "/hold"))
			Expect(conferenceActions(c)).To(HaveExactElements(
				harness.ActionJoined, harness.ActionStarted, harness.ActionHeld, harness.ActionUnheld, harness.ActionLeft), c.Transcript)
			By("hearing nothing of the briefing")
			Expect(c).NotTo(matchers.HaveHeard(beaToAlex))
		})

		It("has the customer wait with the wait document until Alex joins", func() {
			Expect(c).To(matchers.HaveHeard(music(harness.SourceWaitMusic, "Words", warmtransfer.WaitText)))
			Expect(c).To(matchers.HaveRequested(harness.KindConferenceWait).To(origin + "/wait"))
		})

		It("brings Bea in, and takes Alex out once the transfer is complete", func() {
			cf := srv.Conference(room)
			Expect(cf).NotTo(BeNil())
			Expect(cf).To(matchers.HaveConferenceEvents(
				joined("customer"),
				joined("agent-a"),
				"conference-start",
				held("customer"),
				joined("agent-b"),
				unheld("customer"),
				left("agent-a", "participant_updated_via_api"),
				left("customer", "participant_hung_up"),
				left("agent-b", "moderator_ended_conference"),
				"conference-end",
			).Ignoring(speech...))
			info := cf.Info()
			Expect(info.Status).To(Equal(harness.ConferenceCompleted))
			Expect(info.ReasonEnded).To(Equal(harness.EndedModeratorLeft))
			Expect(info.CallSIDEndingConference).To(Equal(c.SID()))
			Expect(cf.Everyone()).To(HaveExactElements(
				And(HaveField("Label", "customer"), HaveField("CallSID", c.SID()), HaveField("EndConferenceOnExit", true)),
				And(HaveField("Label", "agent-a"), HaveField("EndConferenceOnExit", false)),
				And(HaveField("Label", "agent-b"), HaveField("EndConferenceOnExit", false))))
		})

		It("sends the status callbacks of the events the app subscribed to, and only those", func() {
			var sent []string
			for _, r := range srv.Conference(room).Requests() {
				Expect(r.URL).To(Equal(origin + "/conference-events"))
				sent = append(sent, r.Form.Get("StatusCallbackEvent"))
			}
			Expect(sent).To(HaveExactElements("participant-join", "participant-join", "participant-join",
				"participant-leave", "participant-leave", "participant-leave", "conference-end"))
		})

		It("lets the customer and Bea hear each other, and Alex hear Bea's greeting", func() {
			alexCall, beaCall := agentCall(srv, room, "agent-a"), agentCall(srv, room, "agent-b")
			Expect(c).To(matchers.HaveHeard(saidBy(alexCall.SID(), alexGreets), saidBy(beaCall.SID(), beaToCustomer)))
			Expect(beaCall).To(matchers.HaveHeard(saidBy(c.SID(), customerToBea)))
			Expect(alexCall).To(matchers.HaveHeard(saidBy(c.SID(), customerAsks), saidBy(beaCall.SID(), beaToAlex)))
			Expect(alexCall).NotTo(matchers.HaveHeard(customerToBea), "Alex left before that")
		})

		It("ends every call", func() {
			Expect(c).To(matchers.HaveStatus(harness.StatusCompleted))
			for _, leg := range srv.Conference(room).Calls() {
				Expect(leg).To(matchers.HaveStatus(harness.StatusCompleted))
			}
		})
	})

	Context("when Alex hangs up once Bea has joined", func() {
		It("completes the transfer: the customer is taken off hold and talks to Bea", func() {
			srv.SetParty(alex, alexTakesTheCall.HangsUp().InConference().After(45*time.Second))
			srv.SetParty(bea, scenario.Person().Says(beaToCustomer).AfterLeaves("agent-a").After(time.Second))
			c, room := call(scenario.Person().HangsUp().AfterLeaves("agent-a").After(30 * time.Second))
			transferToBea(room)
			c.Wait()
			srv.Run()

			got, _ := app.Call(room)
			Expect(got.Transfers).To(HaveExactElements(HaveField("State", warmtransfer.Completed)))
			Expect(got.With).To(Equal("agent-b"))
			Expect(happenings(srv.Conference(room))).To(ContainElements(
				"participant-join agent-b", "participant-leave agent-a participant_hung_up", "participant-unhold customer"))
			Expect(c).To(matchers.HaveHeard(said(beaToCustomer)))
		})
	})

	Context("when Alex hangs up while Bea's phone still rings", func() {
		It("completes the transfer as soon as Bea joins (unattended)", func() {
			srv.SetParty(alex, alexTakesTheCall.HangsUp().InConference().After(transferAt))
			srv.SetParty(bea, scenario.Person().AnswersAfterRings(2).Says(beaToCustomer).InConference().After(time.Second))
			c, room := call(scenario.Person().HangsUp().AfterLeaves("").After(time.Minute))
			transferToBea(room)
			c.Wait()
			srv.Run()

			got, _ := app.Call(room)
			Expect(got.Transfers).To(HaveExactElements(And(
				HaveField("State", warmtransfer.Completed), HaveField("Unattended", true))))
			Expect(happenings(srv.Conference(room))).To(ContainElements(
				"participant-leave agent-a participant_hung_up", "participant-join agent-b", "participant-unhold customer"))
			Expect(c).To(matchers.HaveHeard(saidBy(got.Transfers[0].CallSID, beaToCustomer)))
		})
	})

	Context("when Bea does not take the call", func() {
		DescribeTable("the customer is taken off hold, back with Alex",
			func(bearer scenario.Party, status string) {
				srv.SetParty(alex, alexTakesTheCall.
					Says(alexComesBack).InConference().After(70*time.Second).
					HangsUp().InConference().After(90*time.Second))
				srv.SetParty(bea, bearer)
				c, room := call(scenario.Person())
				t := transferToBea(room)
				c.Wait()
				srv.Run()

				got, _ := app.Call(room)
				Expect(got.Transfers).To(HaveExactElements(And(
					HaveField("State", warmtransfer.Failed), HaveField("Reason", status))))
				Expect(got.With).To(Equal("agent-a"))
				Expect(srv.Call(t.CallSID)).To(matchers.HaveStatus(harness.Status(status)))

				cf := srv.Conference(room)
				Expect(leaveOf(cf, "agent-b")).To(And(
					HaveKeyWithValue("ReasonParticipantLeft", "participant_add_failed"),
					HaveKeyWithValue("ParticipantCallStatus", status)), cf.Transcript)
				Expect(happenings(cf)).To(ContainElements(
					"participant-hold customer", "participant-leave agent-b participant_add_failed", "participant-unhold customer"))
				Expect(c).To(matchers.HaveHeard(said(alexComesBack)))

				By("saying goodbye when Alex hangs up afterwards")
				Expect(c).To(matchers.HaveSaid(warmtransfer.GoodbyeText))
				Expect(c).To(matchers.HaveRequested(harness.KindVoice).To(origin + "/goodbye"))
			},
			Entry("no answer", scenario.NoAnswer(), "no-answer"),
			Entry("busy", scenario.Busy(), "busy"),
			Entry("the call fails", scenario.Fails(404), "failed"),
		)
	})

	Context("when Bea hangs up during the briefing", func() {
		It("fails the transfer and takes the customer off hold, back with Alex", func() {
			srv.SetParty(alex, alexTakesTheCall.Says(alexComesBack).InConference().After(60*time.Second))
			srv.SetParty(bea, scenario.Person().HangsUp().InConference().After(5*time.Second))
			c, room := call(scenario.Person().HangsUp().InConference().After(80 * time.Second))
			transferToBea(room)
			c.Wait()
			srv.Run()

			got, _ := app.Call(room)
			Expect(got.Transfers).To(HaveExactElements(And(
				HaveField("State", warmtransfer.Failed), HaveField("Reason", "the colleague left during the briefing"))))
			Expect(happenings(srv.Conference(room))).To(ContainElements(
				"participant-join agent-b", "participant-leave agent-b participant_hung_up", "participant-unhold customer"))
			Expect(c).To(matchers.HaveHeard(said(alexComesBack)))
		})
	})

	Context("when the customer hangs up while on hold", func() {
		It("ends the conference, and Bea's call, which still rang", func() {
			srv.SetParty(alex, alexTakesTheCall)
			srv.SetParty(bea, scenario.Person().AnswersAfterRings(3))
			c, room := call(scenario.Person().HangsUp().InConference().After(transferAt + 5*time.Second))
			t := transferToBea(room)
			c.Wait()
			srv.Run()

			got, _ := app.Call(room)
			Expect(got.Ended).To(BeTrue())
			Expect(got.Transfers).To(HaveExactElements(And(
				HaveField("State", warmtransfer.Abandoned), HaveField("Reason", "the customer hung up"))))
			Expect(srv.Call(t.CallSID)).To(matchers.HaveStatus(harness.StatusCanceled))
			cf := srv.Conference(room)
			Expect(cf.Info().ReasonEnded).To(Equal(harness.EndedModeratorLeft))
			Expect(cf).To(matchers.HaveConferenceEvents(
				joined("customer"), joined("agent-a"), "conference-start",
				held("customer"),
				left("customer", "participant_hung_up"),
				left("agent-a", "moderator_ended_conference"),
				left("agent-b", "moderator_ended_conference"),
				"conference-end").Ignoring(speech...))
			Expect(c).To(matchers.HaveHeard(HaveField("Source", harness.SourceHoldMusic)))
			Expect(got.Agents).To(ContainElement(And(HaveField("Label", "agent-b"), HaveField("Joined", false), HaveField("Left", true))))
		})

		It("ends the conference, with Bea in it, when Bea has joined", func() {
			srv.SetParty(alex, alexTakesTheCall)
			srv.SetParty(bea, scenario.Person())
			c, room := call(scenario.Person().HangsUp().InConference().After(transferAt + 15*time.Second))
			transferToBea(room)
			c.Wait()
			srv.Run()

			got, _ := app.Call(room)
			Expect(got.Transfers).To(HaveExactElements(HaveField("State", warmtransfer.Abandoned)))
			Expect(happenings(srv.Conference(room))).To(ContainElements(
				"participant-join agent-b",
				"participant-leave customer participant_hung_up",
				"participant-leave agent-a moderator_ended_conference",
				"participant-leave agent-b moderator_ended_conference",
				"conference-end"))
			for _, leg := range srv.Conference(room).Calls() {
				Expect(leg).To(matchers.HaveStatus(harness.StatusCompleted))
			}
		})
	})

	Context("when Alex calls the transfer off from the desk while Bea's phone rings", func() {
		It("cancels Bea's call and takes the customer off hold", func() {
			srv.SetParty(alex, alexTakesTheCall.Says(alexComesBack).InConference().After(50*time.Second))
			srv.SetParty(bea, scenario.Person().AnswersAfterRings(4))
			c, room := call(scenario.Person().HangsUp().InConference().After(70 * time.Second))
			t := transferToBea(room)
			srv.Advance(5 * time.Second)
			code, canceled := desk("/transfer/cancel", room)
			Expect(code).To(Equal(http.StatusOK))
			Expect(canceled.State).To(Equal(warmtransfer.Canceled))
			c.Wait()
			srv.Run()

			Expect(srv.Call(t.CallSID)).To(matchers.HaveStatus(harness.StatusCanceled))
			Expect(transferState(room)).To(Equal(warmtransfer.Canceled))
			Expect(c).To(matchers.HaveHeard(said(alexComesBack)))
		})
	})

	Context("when no agent answers", func() {
		It("apologises to the customer and ends the call", func() {
			srv.SetParty(alex, scenario.NoAnswer())
			c, room := call(scenario.Person())
			c.Wait()
			srv.Run()

			Expect(c).To(matchers.HaveSaid(warmtransfer.NoAgentText))
			Expect(c).To(matchers.HaveStatus(harness.StatusCompleted))
			got, _ := app.Call(room)
			Expect(got.Agents).To(HaveExactElements(And(HaveField("Label", "agent-a"),
				HaveField("Joined", false), HaveField("Status", "no-answer"))))
			Expect(got.With).To(BeEmpty())
			Expect(srv.Conference(room).Info().ReasonEnded).To(Equal(harness.EndedModeratorLeft))
		})
	})

	Context("the desk", func() {
		It("refuses what the call is not ready for", func() {
			srv.SetParty(alex, alexTakesTheCall)
			c, room := call(scenario.Person().HangsUp().InConference().After(2 * time.Minute))

			code, _ := desk("/transfer", "support-CAnothere", "to", bea)
			Expect(code).To(Equal(http.StatusNotFound))
			code, _ = desk("/transfer", room, "to", "bea")
			Expect(code).To(Equal(http.StatusBadRequest))

			srv.Advance(time.Second) // the customer has joined; Alex's phone rings
			code, _ = desk("/transfer", room, "to", bea)
			Expect(code).To(Equal(http.StatusConflict), "no agent is with the customer yet")

			srv.SetParty(bea, scenario.Person().AnswersAfterRings(3))
			transferToBea(room)
			code, _ = desk("/transfer/complete", room)
			Expect(code).To(Equal(http.StatusConflict), "Bea has not joined yet")
			code, _ = desk("/transfer", room, "to", bea)
			Expect(code).To(Equal(http.StatusConflict), "a transfer is under way")

			c.Wait()
			srv.Run()
			code, _ = desk("/transfer", room, "to", bea)
			Expect(code).To(Equal(http.StatusConflict), "the customer has hung up")
		})
	})

	Context("signatures", func() {
		It("rejects a request signed with another token", func() {
			form := url.Values{"CallSid": {"CA0123"}, "From": {customer}}
			send := func(token string) int {
				r := httptest.NewRequest(http.MethodPost, origin+"/voice", strings.NewReader(form.Encode()))
				r.RequestURI = "/voice" // as a server receives it; httptest leaves the absolute URL
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				r.Header.Set("X-Twilio-Signature", harness.Signature(token, origin+"/voice", form))
				w := httptest.NewRecorder()
				app.ServeHTTP(w, r)
				return w.Code
			}
			Expect(send(authToken)).To(Equal(http.StatusOK))
			Expect(send("someoneelse0123456789abcdef01234")).To(Equal(http.StatusForbidden))
		})
	})
})

// lateHandler passes requests on to the app, which can only be made once
// the server exists.
type lateHandler struct{ app *warmtransfer.App }

func (h *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.app.ServeHTTP(w, r) }

// happenings returns the conference's history without speech: each event
// as its name, the participant's label and why it left.
func happenings(cf *harness.Conference) []string {
	var out []string
	for _, e := range cf.Events() {
		if strings.HasPrefix(e.Name, "participant-speech-") {
			continue
		}
		s := e.Name
		if strings.HasPrefix(e.Name, "participant-") && e.Label != "" {
			s += " " + e.Label
		}
		if why := e.Params["ReasonParticipantLeft"]; why != "" {
			s += " " + why
		}
		out = append(out, s)
	}
	return out
}

// leaveOf returns the parameters of the participant-leave of label.
func leaveOf(cf *harness.Conference, label string) map[string]string {
	for _, e := range cf.Events() {
		if e.Name == "participant-leave" && e.Label == label {
			return e.Params
		}
	}
	return nil
}

// agentCall returns the call of the participant labelled label.
func agentCall(srv *harness.Server, room, label string) *harness.Call {
	GinkgoHelper()
	for _, p := range srv.Conference(room).Everyone() {
		if p.Label == label {
			return srv.Call(p.CallSID)
		}
	}
	Fail("no participant " + label + " in " + room)
	return nil
}

// conferenceActions returns what happened to the call in its conference:
// joins, starts, holds, leaves (not what it heard).
func conferenceActions(c *harness.Call) []harness.EventAction {
	var out []harness.EventAction
	for _, e := range c.Events() {
		if e.Kind == harness.EventConference && e.Action != harness.ActionHeard {
			out = append(out, e.Action)
		}
	}
	return out
}

// speech are the conference events of participants speaking, which the
// specs of a conference's history leave out.
var speech = []string{"participant-speech-start", "participant-speech-stop"}

// participantEvent matches a conference event named name about the
// participant labelled label.
func participantEvent(name, label string) types.GomegaMatcher {
	return And(HaveField("Name", name), HaveField("Label", label))
}

// joined, held and unheld match the participant labelled label joining,
// being put on hold and being taken off hold.
func joined(label string) types.GomegaMatcher { return participantEvent("participant-join", label) }
func held(label string) types.GomegaMatcher   { return participantEvent("participant-hold", label) }
func unheld(label string) types.GomegaMatcher { return participantEvent("participant-unhold", label) }

// left matches the participant labelled label leaving, for the reason
// given (ReasonParticipantLeft).
func left(label, reason string) types.GomegaMatcher {
	return And(participantEvent("participant-leave", label),
		HaveField("Params", HaveKeyWithValue("ReasonParticipantLeft", reason)))
}

// music matches what a call heard of its wait or hold music (source, one
// of the harness's Source constants): its field (Words, URL) is value.
func music(source, field string, value any) types.GomegaMatcher {
	return And(HaveField("Source", source), HaveField(field, value))
}

// said matches words a call heard another participant say.
func said(words string) types.GomegaMatcher {
	return And(HaveField("Source", HavePrefix("CA")), HaveField("Words", words))
}

// saidBy matches words a call heard the participant whose call SID is sid
// say.
func saidBy(sid, words string) types.GomegaMatcher {
	return And(HaveField("Source", sid), HaveField("Words", words))
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
