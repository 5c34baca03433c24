package bookingagent_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/coder/websocket"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/examples/bookingagent"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
)

const (
	// origin is where the agent lives; the harness calls it, and opens
	// its WebSocket, in-process.
	origin = "https://agent.example.com"
	// accountSID and authToken are Acme Clinic's Twilio account.
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "acmeclinic0123456789abcdef012345"

	clinicNumber = "+14155550100" // the number that reaches the agent
	frontDesk    = "+14155550190" // where a person answers
	caller       = "+14155550123"

	// codeConnect is Twilio's 64102: the relay's WebSocket could not be
	// opened.
	codeConnect = 64102
)

// The agent's words the specs look for.
const (
	keypadMenu = "Sorry, I didn't catch that. You can also use your keypad: press 1 for Monday, 2 for Tuesday, " +
		"3 for Wednesday, 4 for Thursday, 5 for Friday, or 0 to speak to someone."
	tuesdayProposed  = "Tuesday at 10 AM works. Shall I book it for you?"
	thursdayProposed = "Thursday at 10 AM works. Shall I book it for you?"
	tuesdayBooked    = "You're booked for Tuesday at 10 AM. See you then, goodbye!"
	thursdayBooked   = "You're booked for Thursday at 10 AM. See you then, goodbye!"
	toFrontDesk      = "Of course. I'll put you through to our front desk now."
	juevesProposed   = "El jueves a las 10 de la mañana está libre. ¿Se lo reservo?"
	juevesBooked     = "Listo: su cita es el jueves a las 10 de la mañana. ¡Hasta pronto!"
)

var _ = Describe("The booking agent on ConversationRelay", func() {
	var (
		srv     *harness.Server
		app     *bookingagent.App
		front   *frontDoor
		allowed []int // the notifications a spec expects
	)

	BeforeEach(func() {
		app = bookingagent.New(bookingagent.Config{AuthToken: authToken, BaseURL: origin, FrontDesk: frontDesk})
		front = &frontDoor{app: app}
		allowed = nil
		srv = harness.NewServer(GinkgoT(), harness.WithAccount(accountSID, authToken), harness.WithApp(origin, front),
			harness.WithParty(frontDesk, scenario.AnswersAfterRings(1).HangsUpAfter(time.Minute)))
		_, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: clinicNumber,
			VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}})
		Expect(err).NotTo(HaveOccurred())
		matchers.ReportTranscripts(srv)
	})

	AfterEach(func() {
		By("checking that the harness logged no error or warning the spec did not expect")
		Expect(srv).To(matchers.HaveNoUnexpectedNotifications(allowed...))
	})

	// call makes the caller call the clinic, acting as the script says,
	// and plays the call out.
	call := func(who scenario.Party) *harness.Call {
		GinkgoHelper()
		c, err := srv.IncomingCall(caller, clinicNumber, who)
		Expect(err).NotTo(HaveOccurred())
		c.Wait()
		srv.Run()
		return c
	}

	// agent is what the agent kept of the call.
	agent := func(c *harness.Call) bookingagent.Conversation {
		GinkgoHelper()
		conv, ok := app.Conversation(c.SID())
		Expect(ok).To(BeTrue(), "the agent has no conversation for the call")
		return conv
	}

	Context("when the caller asks for a day and confirms it", func() {
		var c *harness.Call

		BeforeEach(func() {
			c = call(scenario.Person().Says("Tuesday please").Says("Yes"))
		})

		It("greets, proposes the day, and ends the session with the booking once the caller says yes", func() {
			Expect(turns(c)).To(Equal([]string{
				"agent greeting: " + bookingagent.Greeting,
				"caller speech: Tuesday please",
				"agent text: " + tuesdayProposed,
				"caller speech: Yes",
			}), c.Transcript)
			cv := session(c)
			Expect(cv.Status).To(Equal(harness.SessionEnded))
			Expect(handoffOf(cv)).To(Equal(bookingagent.Handoff{Reason: bookingagent.ReasonBooked, Day: "Tuesday", Lang: "en-US", Say: tuesdayBooked}))
		})

		It("streams each answer as tokens, a word each, the last one only with last set", func() {
			texts := sent(session(c), "text")
			Expect(texts).To(HaveLen(len(strings.Fields(tuesdayProposed))))
			var said strings.Builder
			for i, m := range texts {
				said.WriteString(m["token"].(string))
				Expect(m["last"]).To(Equal(i == len(texts)-1), "token %d", i)
			}
			Expect(said.String()).To(Equal(tuesdayProposed))
			Expect(sent(session(c), "end")).To(HaveLen(1))
		})

		It("answers each prompt within the turn: Twilio's prompts carry the caller's words in en-US, with last set", func() {
			prompts := received(session(c), "prompt")
			Expect(prompts).To(Equal([]map[string]any{
				{"type": "prompt", "voicePrompt": "Tuesday please", "lang": "en-US", "last": true},
				{"type": "prompt", "voicePrompt": "Yes", "lang": "en-US", "last": true},
			}))
			Expect(c.Notifications()).To(BeEmpty(), "no prompt went unanswered (99009)")
		})

		It("says the booking in the Connect's action, from HandoffData, and hangs up", func() {
			Expect(c).To(matchers.HaveRequested(harness.KindAction).To(origin+"/handoff").
				WithParam("SessionStatus", "ended").WithParam("CallStatus", "in-progress").
				WithParam("SessionId", session(c).SessionID))
			Expect(c).To(matchers.HaveSaid(tuesdayBooked))
			Expect(c).To(matchers.HaveStatus(harness.StatusCompleted))
			Expect(c.Children()).To(BeEmpty(), "nobody was dialed")
			Expect(agent(c).Outcome).To(Equal(bookingagent.Booked))
		})

		It("keeps the caller's number from setup's custom parameter, and the whole history", func() {
			a := agent(c)
			Expect(a.SessionID).To(Equal(session(c).SessionID))
			Expect(a.Caller).To(Equal(caller))
			Expect(a.History).To(Equal([]bookingagent.Line{
				{Role: bookingagent.RoleAgent, Text: bookingagent.Greeting, Lang: "en-US"},
				{Role: bookingagent.RoleCaller, Text: "Tuesday please", Lang: "en-US"},
				{Role: bookingagent.RoleAgent, Text: tuesdayProposed, Lang: "en-US"},
				{Role: bookingagent.RoleCaller, Text: "Yes", Lang: "en-US"},
			}))
			Expect(a.Errors).To(BeEmpty())
			Expect(session(c).Parameters).To(ConsistOf(HaveField("Name", "caller")))
		})

		It("asks Twilio for a relay with keys on, English and Spanish voices, and the greeting", func() {
			attrs := map[string]string{}
			for _, a := range session(c).Attributes {
				attrs[a.Name] = a.Value
			}
			Expect(session(c).URL).To(Equal(app.RelayURL()))
			Expect(attrs).To(Equal(map[string]string{
				"welcomeGreeting": bookingagent.Greeting, "language": "en-US",
				"interruptible": "any", "dtmfDetection": "true",
				"hints": "Monday, Tuesday, Wednesday, Thursday, Friday, español",
			}))
			voice := c.Requests()[0]
			Expect(voice.Kind).To(Equal(harness.KindVoice))
			var doc struct {
				Connect struct {
					Action string `xml:"action,attr"`
					Relay  struct {
						Languages []struct {
							Code string `xml:"code,attr"`
							TTS  string `xml:"ttsProvider,attr"`
							STT  string `xml:"transcriptionProvider,attr"`
						} `xml:"Language"`
					} `xml:"ConversationRelay"`
				}
			}
			Expect(xml.Unmarshal([]byte(voice.ReplyBody), &doc)).To(Succeed())
			Expect(doc.Connect.Action).To(Equal(origin + "/handoff"))
			Expect(doc.Connect.Relay.Languages).To(ConsistOf(
				And(HaveField("Code", "en-US"), HaveField("TTS", "ElevenLabs"), HaveField("STT", "Deepgram")),
				And(HaveField("Code", "es-ES"), HaveField("TTS", "Google"), HaveField("STT", "Google"))))
		})
	})

	Context("when the caller interrupts the agent's long sentence", func() {
		var c *harness.Call

		BeforeEach(func() {
			// The agent does not understand the first answer and starts
			// its keypad menu (13 s); two seconds in, the caller names a day.
			c = call(scenario.Person().
				Says("um, well").
				Says("Thursday").Interrupting().After(2 * time.Second).
				Says("yes"))
		})

		It("is cut short: Twilio sends interrupt with what the caller heard and for how long", func() {
			Expect(received(session(c), "interrupt")).To(Equal([]map[string]any{{
				"type":                     "interrupt",
				"utteranceUntilInterrupt":  "Sorry, I didn't catch that.",
				"durationUntilInterruptMs": float64(2000),
			}}))
			cut := session(c).Interrupted()
			Expect(cut).To(HaveLen(1))
			Expect(cut[0]).To(And(HaveField("Text", keypadMenu), HaveField("Heard", "Sorry, I didn't catch that."),
				HaveField("By", "speech"), HaveField("Duration", 2*time.Second)))
		})

		It("cuts its history to what the caller heard, so that the model never believes the rest was said", func() {
			a := agent(c)
			Expect(a.Interruptions).To(Equal(1))
			Expect(a.History[2]).To(Equal(bookingagent.Line{Role: bookingagent.RoleAgent, Text: "Sorry, I didn't catch that.",
				Lang: "en-US", Interrupted: true, Said: keypadMenu}))
			Expect(a.History[3]).To(Equal(bookingagent.Line{Role: bookingagent.RoleCaller, Text: "Thursday", Lang: "en-US"}))
		})

		It("answers what the caller said over it, and books that day", func() {
			Expect(turns(c)).To(Equal([]string{
				"agent greeting: " + bookingagent.Greeting,
				"caller speech: um, well",
				`agent text: ` + keypadMenu + ` (interrupted by speech, heard "Sorry, I didn't catch that.")`,
				"caller speech: Thursday",
				"agent text: " + thursdayProposed,
				"caller speech: yes",
			}), c.Transcript)
			Expect(c).To(matchers.HaveSaid(thursdayBooked))
			Expect(agent(c).Outcome).To(Equal(bookingagent.Booked))
		})
	})

	Context("when speech fails and the caller uses the keypad", func() {
		It("offers the menu, takes a key for the day and another to confirm, each after the agent has spoken", func() {
			c := call(scenario.Person().Says("hmm").Presses("2").Presses("1"))
			Expect(turns(c)).To(Equal([]string{
				"agent greeting: " + bookingagent.Greeting,
				"caller speech: hmm",
				"agent text: " + keypadMenu,
				"caller keys: 2",
				"agent text: " + tuesdayProposed,
				"caller keys: 1",
			}), c.Transcript)
			Expect(received(session(c), "dtmf")).To(Equal([]map[string]any{
				{"type": "dtmf", "digit": "2"}, {"type": "dtmf", "digit": "1"},
			}))
			Expect(session(c).Interrupted()).To(BeEmpty(), "the caller heard each answer out before pressing")
			Expect(handoffOf(session(c))).To(HaveField("Day", "Tuesday"))
			Expect(c).To(matchers.HaveSaid(tuesdayBooked))
			Expect(agent(c)).To(And(HaveField("KeypadOffered", true), HaveField("Outcome", bookingagent.Booked)))
		})

		It("hands off to the front desk on 0", func() {
			c := call(scenario.Person().Says("hmm").Presses("0"))
			Expect(handoffOf(session(c))).To(Equal(bookingagent.Handoff{Reason: bookingagent.ReasonPerson,
				Why: "the caller pressed 0", Lang: "en-US", Say: toFrontDesk}))
			Expect(c).To(matchers.HaveDialed(frontDesk))
		})

		It("interrupts the menu with a key, as interruptible=any allows", func() {
			c := call(scenario.Person().Says("hmm").Presses("4").Interrupting().After(3 * time.Second).Says("yes"))
			cut := session(c).Interrupted()
			Expect(cut).To(ConsistOf(And(HaveField("By", "dtmf"), HaveField("Heard", "Sorry, I didn't catch that. You can"))))
			Expect(agent(c).History[2].Text).To(Equal("Sorry, I didn't catch that. You can"))
			Expect(c).To(matchers.HaveSaid(thursdayBooked))
		})

		It("hands off when it still does not understand after offering the menu", func() {
			c := call(scenario.Person().Says("hmm").Says("errr"))
			Expect(handoffOf(session(c))).To(HaveField("Why", "the agent did not understand the caller twice"))
			Expect(agent(c).Outcome).To(Equal(bookingagent.HandedOff))
		})
	})

	Context("when the caller speaks Spanish", func() {
		var c *harness.Call

		BeforeEach(func() {
			c = call(scenario.Person().
				Says("Quisiera una cita el jueves").InLanguage("es-ES").
				Says("Sí"))
		})

		It("switches speech and recognition to Spanish before it answers, in Spanish", func() {
			cv := session(c)
			Expect(sent(cv, "language")).To(Equal([]map[string]any{
				{"type": "language", "ttsLanguage": "es-ES", "transcriptionLanguage": "es-ES"},
			}))
			Expect(cv.Turns[2]).To(And(HaveField("Speaker", harness.SpeakerAgent), HaveField("Text", juevesProposed), HaveField("Lang", "es-ES")))
			Expect(cv.TTSLanguage).To(Equal("es-ES"))
			Expect(cv.TranscriptionLanguage).To(Equal("es-ES"))
			Expect(eventsOf(c, harness.ActionLanguage)).To(ConsistOf(HaveField("Text", ContainSubstring("speech es-ES, recognition es-ES"))))
		})

		It("hears the caller in Spanish from then on, and books in Spanish", func() {
			Expect(received(session(c), "prompt")).To(Equal([]map[string]any{
				{"type": "prompt", "voicePrompt": "Quisiera una cita el jueves", "lang": "es-ES", "last": true},
				{"type": "prompt", "voicePrompt": "Sí", "lang": "es-ES", "last": true},
			}))
			Expect(handoffOf(session(c))).To(Equal(bookingagent.Handoff{Reason: bookingagent.ReasonBooked, Day: "Thursday", Lang: "es-ES", Say: juevesBooked}))
			Expect(c).To(matchers.HaveSaid(juevesBooked))
			Expect(agent(c).Lang).To(Equal("es-ES"))
		})
	})

	Context("when the caller asks for Spanish in English", func() {
		It("switches, asks again in Spanish, and understands a Spanish day", func() {
			c := call(scenario.Person().Says("Español, por favor").Says("El martes").Says("Vale"))
			Expect(turns(c)[2:]).To(Equal([]string{
				"agent text: ¡Claro! Hablemos en español. ¿Qué día le gustaría venir?",
				"caller speech: El martes",
				"agent text: El martes a las 10 de la mañana está libre. ¿Se lo reservo?",
				"caller speech: Vale",
			}), c.Transcript)
			Expect(received(session(c), "prompt")[1]).To(HaveKeyWithValue("lang", "es-ES"))
			Expect(c).To(matchers.HaveSaid("Listo: su cita es el martes a las 10 de la mañana. ¡Hasta pronto!"))
		})
	})

	Context("when the caller asks for a person", func() {
		var c *harness.Call

		BeforeEach(func() {
			c = call(scenario.Person().Says("Can I talk to a person?"))
		})

		It("ends the session with handoff data, and the Connect's action dials the front desk, who answers", func() {
			cv := session(c)
			Expect(cv.Status).To(Equal(harness.SessionEnded))
			Expect(cv.HandoffData).NotTo(BeNil())
			Expect(c).To(matchers.HaveRequested(harness.KindAction).WithParam("SessionStatus", "ended").
				WithParam("HandoffData", *cv.HandoffData))
			Expect(handoffOf(cv)).To(Equal(bookingagent.Handoff{Reason: bookingagent.ReasonPerson,
				Why: "the caller asked for a person", Lang: "en-US", Say: toFrontDesk}))
			Expect(c).To(matchers.HaveSaid(toFrontDesk))
			Expect(c).To(matchers.HaveDialed(frontDesk).WithStatus("completed"))
			legs := c.Children()
			Expect(legs).To(HaveLen(1))
			Expect(legs[0].To()).To(Equal(frontDesk))
			Expect(statuses(legs[0])).To(ContainElement(harness.StatusInProgress), "the front desk answered")
			Expect(agent(c).Outcome).To(Equal(bookingagent.HandedOff))
		})

		It("says nothing of its own before ending: the action speaks (Twilio drops speech queued at end)", func() {
			Expect(sent(session(c), "text")).To(BeEmpty())
			Expect(turns(c)).To(HaveLen(2))
		})
	})

	Context("when the caller hangs up in the middle of the agent's answer", func() {
		It("has Twilio close the session, and the action's TwiML is not run", func() {
			c := call(scenario.Person().Says("Tuesday").HangsUp().Interrupting().After(time.Second))
			cv := session(c)
			Expect(cv.Status).To(Equal(harness.SessionCompleted))
			Expect(cv.HandoffData).To(BeNil())
			Expect(c).To(matchers.HaveRequested(harness.KindAction).WithParam("SessionStatus", "completed").
				WithParam("CallStatus", "completed"))
			Expect(action(c).Form).NotTo(HaveKey("HandoffData"))
			Expect(c.Children()).To(BeEmpty())
			Expect(eventsOf(c, harness.ActionEnded)).To(ConsistOf(HaveField("Text", ContainSubstring("the call ended"))))
			Expect(agent(c)).To(And(HaveField("Outcome", bookingagent.HungUp), HaveField("Day", "Tuesday"), HaveField("Errors", BeEmpty())))
		})
	})

	Context("when the model fails", func() {
		It("hands the caller to a person rather than leave them in silence", func() {
			front.app = bookingagent.New(bookingagent.Config{AuthToken: authToken, BaseURL: origin, FrontDesk: frontDesk,
				Model: brokenModel{}})
			c := call(scenario.Person().Says("Tuesday please"))
			Expect(handoffOf(session(c))).To(HaveField("Why", "the model failed: the language model is down"))
			Expect(c).To(matchers.HaveDialed(frontDesk))
		})
	})

	Context("when the agent cannot be reached", func() {
		BeforeEach(func() {
			front.refuseRelay = true
			allowed = []int{codeConnect}
		})

		It("gets the failed session in its action, and puts the caller through to the front desk", func() {
			c := call(scenario.Person())
			Expect(c).To(matchers.HaveNotification(codeConnect))
			Expect(c).To(matchers.HaveRequested(harness.KindAction).WithParam("SessionStatus", "failed").
				WithParam("ErrorCode", fmt.Sprint(codeConnect)))
			Expect(c).To(matchers.HaveSaid(bookingagent.UnavailableText))
			Expect(c).To(matchers.HaveDialed(frontDesk))
			Expect(agent(c)).To(And(HaveField("Outcome", bookingagent.Failed), HaveField("History", BeEmpty())))
		})
	})

	Context("when the WebSocket upgrade's signature is forged", func() {
		BeforeEach(func() {
			front.forgeUpgrade = true
			allowed = []int{codeConnect}
		})

		It("refuses the upgrade with 403; the session fails and the caller goes to the front desk", func() {
			c := call(scenario.Person())
			Expect(c.Notifications()).To(ConsistOf(And(HaveField("Code", codeConnect), HaveField("Message", ContainSubstring("403")))))
			Expect(session(c).Status).To(Equal(harness.SessionFailed))
			Expect(c).To(matchers.HaveDialed(frontDesk))
		})
	})

	DescribeTable("refuses a request whose X-Twilio-Signature does not check out, with 403",
		func(r *http.Request) {
			w := httptest.NewRecorder()
			app.ServeHTTP(w, r)
			Expect(w.Code).To(Equal(http.StatusForbidden), w.Body.String())
		},
		Entry("the voice webhook", signed(http.MethodPost, origin+"/voice", "forged")),
		Entry("the Connect's action", signed(http.MethodPost, origin+"/handoff", "forged")),
		Entry("the WebSocket upgrade", upgrade("forged")),
		Entry("the WebSocket upgrade signed with no signature", upgrade("")),
		Entry("the WebSocket upgrade signed with the webhook's recipe for its https URL",
			upgrade(harness.Signature(authToken, origin+"/relay", nil))),
		Entry("the WebSocket upgrade signed with another account's token",
			upgrade(harness.Signature("another0123456789abcdef012345678", "wss://agent.example.com/relay", nil))),
	)

	It("accepts the upgrade Twilio signs: the relay's wss:// URL as written, with no parameters", func() {
		ts := httptest.NewServer(app)
		defer ts.Close()
		sig := harness.Signature(authToken, "wss://agent.example.com/relay", nil)
		conn, resp, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(ts.URL, "http")+"/relay",
			&websocket.DialOptions{HTTPHeader: http.Header{"X-Twilio-Signature": {sig}}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(http.StatusSwitchingProtocols))
		Expect(conn.Close(websocket.StatusNormalClosure, "")).To(Succeed())
	})
})

// frontDoor passes requests on to the agent. With forgeUpgrade it stands
// for a man in the middle: the WebSocket upgrade reaches the agent with a
// forged signature; with refuseRelay the agent's WebSocket is down.
type frontDoor struct {
	app          http.Handler
	forgeUpgrade bool
	refuseRelay  bool
}

func (f *frontDoor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	upgrade := strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
	switch {
	case upgrade && f.refuseRelay:
		http.Error(w, "the agent is down", http.StatusServiceUnavailable)
		return
	case upgrade && f.forgeUpgrade:
		r.Header.Set("X-Twilio-Signature", "bm90IFR3aWxpbydzIHNpZ25hdHVyZQ==")
	}
	f.app.ServeHTTP(w, r)
}

// brokenModel is a model whose service is down.
type brokenModel struct{}

func (brokenModel) Reply(context.Context, bookingagent.Conversation, bookingagent.Input) (bookingagent.Reply, error) {
	return bookingagent.Reply{}, errors.New("the language model is down")
}

// session is the harness's view of the call's ConversationRelay session.
func session(c *harness.Call) harness.Conversation {
	GinkgoHelper()
	cv, ok := c.Conversation()
	Expect(ok).To(BeTrue(), "the call had no ConversationRelay session")
	return cv
}

// turns is the conversation, a line a turn: who, what kind, what was said
// and, for a turn cut short, by what and what was heard of it.
func turns(c *harness.Call) []string {
	GinkgoHelper()
	var out []string
	for _, t := range session(c).Turns {
		line := t.Speaker + " " + t.Kind
		if t.Text != "" {
			line += ": " + t.Text
		}
		if t.Interrupted {
			line += fmt.Sprintf(" (interrupted by %s, heard %q)", t.By, t.Heard)
		}
		out = append(out, line)
	}
	return out
}

// messages returns the session's messages of type typ, decoded: those the
// application sent (fromApp), or Twilio's.
func messages(cv harness.Conversation, fromApp bool, typ string) []map[string]any {
	GinkgoHelper()
	var out []map[string]any
	for _, m := range cv.Messages {
		if m.FromApp != fromApp || m.Type != typ {
			continue
		}
		Expect(m.Problem).To(BeEmpty(), "Twilio dropped %s", m.Text)
		var v map[string]any
		Expect(json.Unmarshal([]byte(m.Text), &v)).To(Succeed())
		out = append(out, v)
	}
	return out
}

// sent returns the messages of type typ the agent sent.
func sent(cv harness.Conversation, typ string) []map[string]any {
	GinkgoHelper()
	return messages(cv, true, typ)
}

// received returns the messages of type typ Twilio sent the agent.
func received(cv harness.Conversation, typ string) []map[string]any {
	GinkgoHelper()
	return messages(cv, false, typ)
}

// handoffOf decodes the session's handoff data.
func handoffOf(cv harness.Conversation) bookingagent.Handoff {
	GinkgoHelper()
	Expect(cv.HandoffData).NotTo(BeNil(), "the agent sent no handoffData")
	var h bookingagent.Handoff
	Expect(json.Unmarshal([]byte(*cv.HandoffData), &h)).To(Succeed())
	return h
}

// action is the call's one Connect action request.
func action(c *harness.Call) harness.Request {
	GinkgoHelper()
	var out []harness.Request
	for _, r := range c.Requests() {
		if r.Kind == harness.KindAction {
			out = append(out, r)
		}
	}
	Expect(out).To(HaveLen(1))
	return out[0]
}

// eventsOf returns the call's relay events of action a.
func eventsOf(c *harness.Call, a harness.EventAction) []harness.Event {
	var out []harness.Event
	for _, e := range c.Events() {
		if e.Kind == harness.EventRelay && e.Action == a {
			out = append(out, e)
		}
	}
	return out
}

// statuses are the statuses a call went through.
func statuses(c *harness.Call) []harness.Status {
	var out []harness.Status
	for _, e := range c.Events() {
		if e.Kind == harness.EventStatus {
			out = append(out, e.Status)
		}
	}
	return out
}

// signed is a webhook request to rawURL with signature sig.
func signed(method, rawURL, sig string) *http.Request {
	r := httptest.NewRequest(method, rawURL, strings.NewReader(url.Values{"CallSid": {"CA0123456789abcdef0123456789abcdef"}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Twilio-Signature", sig)
	return r
}

// upgrade is Twilio's WebSocket upgrade request for the agent's relay,
// with signature sig.
func upgrade(sig string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, origin+"/relay", nil)
	r.Header.Set("Connection", "Upgrade")
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Sec-WebSocket-Version", "13")
	r.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	if sig != "" {
		r.Header.Set("X-Twilio-Signature", sig)
	}
	return r
}
