package streambot_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/examples/streambot"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twilioclient/voice"
)

const (
	// origin is where the bot lives; the harness calls it, and opens its
	// WebSocket, in-process.
	origin = "https://bot.example.com"
	// accountSID and authToken are Acme's Twilio account.
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "acmebot0123456789abcdef012345678"

	botNumber = "+14155550100" // the number that reaches the bot
	caller    = "+14155550123"

	// codeHandshake is Twilio's 31920: the application answered the
	// WebSocket upgrade with another status than 101.
	codeHandshake = 31920
)

// What callers say.
const (
	asksHours   = "What are your opening hours?"
	wantsPerson = "I need to talk to someone please"
)

var _ = Describe("The answering bot on Media Streams", func() {
	var (
		srv     *harness.Server
		app     *streambot.App
		front   *frontDoor
		allowed []int // the notifications a spec expects
	)

	BeforeEach(func() {
		// The bot needs the server's REST client and the server needs the
		// bot's handler: the handler is late-bound.
		front = &frontDoor{}
		allowed = nil
		srv = harness.NewServer(GinkgoT(), harness.WithAccount(accountSID, authToken), harness.WithApp(origin, front))
		app = streambot.New(streambot.Config{AuthToken: authToken, BaseURL: origin}, voice.API(srv))
		front.app = app
		_, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: botNumber,
			VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}})
		Expect(err).NotTo(HaveOccurred())
		matchers.ReportTranscripts(srv)
	})

	AfterEach(func() {
		By("checking that the harness logged no error or warning the spec did not expect")
		Expect(srv).To(matchers.HaveNoUnexpectedNotifications(allowed...))
	})

	// call makes the caller call the bot, acting as the script says, and
	// plays the call out.
	call := func(who scenario.Party) *harness.Call {
		GinkgoHelper()
		c, err := srv.IncomingCall(caller, botNumber, who)
		Expect(err).NotTo(HaveOccurred())
		c.Wait()
		srv.Run()
		return c
	}

	// conversation is what the bot kept of the call.
	conversation := func(c *harness.Call) streambot.Conversation {
		GinkgoHelper()
		conv, ok := app.Conversation(c.SID())
		Expect(ok).To(BeTrue(), "the bot has no conversation for the call")
		return conv
	}

	Context("when the caller asks something after the greeting", func() {
		var c *harness.Call

		BeforeEach(func() {
			c = call(scenario.Person().Says(asksHours).InStream().AfterMark(streambot.MarkGreeting))
		})

		It("greets, hears the caller out, answers, and hangs up through the REST API once the answer has played", func() {
			Expect(story(c)).To(Equal([]string{
				"stream dialing", "stream started",
				"mark greeting",
				"caller says " + strconv.Quote(asksHours),
				"mark answer",
				"hangup", "stream stopped",
			}), c.Transcript)
			Expect(played(c)).To(Equal([]time.Duration{streambot.Greeting.Length, streambot.HeardYou.Length}), "the caller heard both prompts in full")
			Expect(stopReason(c)).To(Equal("the call ended"))
			Expect(c).To(matchers.HaveStatus(harness.StatusCompleted))
			Expect(completedByAPI(c)).To(BeTrue(), "the bot completed the call with the Calls API")
		})

		It("keeps the conversation: the caller's number from the custom parameter, the speech, both prompts", func() {
			Expect(conversation(c)).To(And(
				HaveField("StreamSID", HavePrefix("MZ")),
				HaveField("Caller", caller),
				HaveField("Prompts", Equal([]string{streambot.Greeting.Name, streambot.HeardYou.Name})),
				HaveField("Heard", "speech"),
				HaveField("BargeIns", 0),
				HaveField("Outcome", streambot.Answered),
				HaveField("Errors", BeEmpty())))
		})

		It("answers once the caller has finished, not while the caller speaks", func() {
			said := eventTime(c, isInput(harness.ActionSpoke))
			answer := eventTime(c, isMark(streambot.MarkAnswer))
			// The answer's mark comes back once its second of audio has
			// played; it started after the caller's words (0.4 s a word in
			// the harness) and the bot's 300 ms of hangover.
			spoken := time.Duration(len(strings.Fields(asksHours))) * 400 * time.Millisecond
			Expect(answer.Sub(said)).To(BeNumerically(">=", spoken+streambot.HeardYou.Length))
		})

		It("does not request the Connect's action: the call ended with the REST API", func() {
			Expect(c).NotTo(matchers.HaveRequested(harness.KindAction))
		})
	})

	Context("when the caller presses 1 after the greeting", func() {
		It("answers with the opening hours, a different prompt, then hangs up", func() {
			c := call(scenario.Person().Presses("1").InStream().AfterMark(streambot.MarkGreeting))
			Expect(story(c)).To(Equal([]string{
				"stream dialing", "stream started",
				"mark greeting",
				"caller presses 1",
				"mark answer",
				"hangup", "stream stopped",
			}), c.Transcript)
			// The key reaches the bot with the greeting's mark, at the turn the
			// greeting ends, and its answer arrives in that turn: the caller
			// hears one run of audio, the greeting then the hours.
			Expect(played(c)).To(Equal([]time.Duration{streambot.Greeting.Length + streambot.Hours.Length}))
			Expect(conversation(c)).To(And(
				HaveField("Prompts", Equal([]string{streambot.Greeting.Name, streambot.Hours.Name})),
				HaveField("Heard", "key 1"),
				HaveField("Outcome", streambot.Answered)))
		})
	})

	Context("when the caller speaks over the greeting", func() {
		var c *harness.Call

		BeforeEach(func() {
			c = call(scenario.Person().Says(wantsPerson).InStream().WhenAppSpeaks().After(500 * time.Millisecond))
		})

		It("clears its audio (barge-in), and Twilio sends the greeting's mark back at once", func() {
			Expect(story(c)).To(Equal([]string{
				"stream dialing", "stream started",
				"caller says " + strconv.Quote(wantsPerson),
				"cleared", "mark greeting",
				"mark answer",
				"hangup", "stream stopped",
			}), c.Transcript)
			cleared := event(c, isStream(harness.ActionCleared))
			Expect(cleared.Duration).To(And(BeNumerically(">", 0), BeNumerically("<", streambot.Greeting.Length-500*time.Millisecond)),
				"the greeting was cut soon after the caller started speaking")
			heard := played(c)
			Expect(heard).To(HaveLen(2), c.Transcript)
			Expect(heard[0]+cleared.Duration).To(Equal(streambot.Greeting.Length), "what played of the greeting and what was cleared make it whole")
			Expect(heard[1]).To(Equal(streambot.HeardYou.Length))
			Expect(eventTime(c, isMark(streambot.MarkGreeting))).To(Equal(cleared.Time))
		})

		It("still answers what the caller said, in full", func() {
			Expect(conversation(c)).To(And(
				HaveField("BargeIns", 1),
				HaveField("Heard", "speech"),
				HaveField("Prompts", Equal([]string{streambot.Greeting.Name, streambot.HeardYou.Name})),
				HaveField("Outcome", streambot.Answered)))
		})
	})

	Context("when the caller says nothing", func() {
		var c *harness.Call

		BeforeEach(func() {
			c = call(scenario.Person())
		})

		It("gives up after its patience, counted from the greeting's mark, by closing the WebSocket", func() {
			Expect(story(c)).To(Equal([]string{
				"stream dialing", "stream started",
				"mark greeting",
				"stream stopped",
				"hangup",
			}), c.Transcript)
			Expect(played(c)).To(Equal([]time.Duration{streambot.Greeting.Length}))
			Expect(stopReason(c)).To(Equal("the application closed the WebSocket"))
			greeted := eventTime(c, isMark(streambot.MarkGreeting))
			stopped := eventTime(c, isStream(harness.ActionStopped))
			// The bot counts the caller's silence in 20 ms frames; the
			// frame that completes it is the one the patience ends in.
			Expect(stopped).To(BeTemporally("~", greeted.Add(streambot.DefaultPatience), 20*time.Millisecond))
			Expect(conversation(c)).To(And(HaveField("Outcome", streambot.TimedOut), HaveField("Heard", "")))
		})

		It("lets Twilio run the Connect's action, which says goodbye and hangs up", func() {
			Expect(c).To(matchers.HaveRequested(harness.KindAction).To(origin+"/goodbye").WithParam("CallStatus", "in-progress"))
			Expect(c).To(matchers.HaveSaid(streambot.GoodbyeText))
			Expect(c).To(matchers.HaveStatus(harness.StatusCompleted))
			Expect(completedByAPI(c)).To(BeFalse())
		})
	})

	Context("when the caller hangs up during the greeting", func() {
		It("notes the hang-up when the stream stops; Twilio requests the Connect's action with CallStatus=completed", func() {
			c := call(scenario.Person().HangsUp().InStream().After(time.Second))
			Expect(stopReason(c)).To(Equal("the far end hung up"))
			Expect(played(c)).To(Equal([]time.Duration{time.Second}), "the caller heard a second of the greeting")
			Expect(c).To(matchers.HaveRequested(harness.KindAction).WithParam("CallStatus", "completed"))
			Expect(c).NotTo(matchers.HaveSaid(streambot.GoodbyeText))
			Expect(conversation(c)).To(And(HaveField("Outcome", streambot.HungUp), HaveField("Errors", BeEmpty())))
		})
	})

	Context("when the WebSocket upgrade's signature is forged", func() {
		BeforeEach(func() {
			front.forgeUpgrade = true
			allowed = []int{codeHandshake}
		})

		It("refuses the upgrade with 403; Twilio logs 31920 and goes on with the Connect's action", func() {
			c := call(scenario.Person())
			Expect(c).To(matchers.HaveNotification(codeHandshake))
			Expect(c.Notifications()).To(ConsistOf(HaveField("Message", ContainSubstring("HTTP 403"))))
			Expect(story(c)).To(Equal([]string{"stream dialing", "stream failed", "hangup"}), c.Transcript)
			Expect(c).To(matchers.HaveRequested(harness.KindAction).To(origin+"/goodbye").WithParam("CallStatus", "in-progress"))
			Expect(c).To(matchers.HaveSaid(streambot.GoodbyeText))
			_, ok := app.Conversation(c.SID())
			Expect(ok).To(BeFalse(), "the bot never talked to the caller")
		})
	})

	DescribeTable("refuses a request whose X-Twilio-Signature does not check out, with 403",
		func(r *http.Request) {
			w := httptest.NewRecorder()
			app.ServeHTTP(w, r)
			Expect(w.Code).To(Equal(http.StatusForbidden), w.Body.String())
		},
		Entry("the voice webhook", signed(http.MethodPost, origin+"/voice", "forged")),
		Entry("the Connect's action", signed(http.MethodPost, origin+"/goodbye", "forged")),
		Entry("the WebSocket upgrade", upgrade("forged")),
		Entry("the WebSocket upgrade signed with the webhook's recipe for its https URL",
			upgrade(signature(origin+"/media", nil))),
		Entry("the WebSocket upgrade signed for a query string Twilio does not send",
			upgrade(signature("wss://bot.example.com/media?caller=1", nil))),
	)
})

// frontDoor passes requests on to the bot, which can only be made once
// the server exists. With forgeUpgrade it stands for a man in the middle:
// the WebSocket upgrade reaches the bot with a forged signature.
type frontDoor struct {
	app          http.Handler
	forgeUpgrade bool
}

func (f *frontDoor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.forgeUpgrade && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		r.Header.Set("X-Twilio-Signature", "bm90IFR3aWxpbydzIHNpZ25hdHVyZQ==")
	}
	f.app.ServeHTTP(w, r)
}

// story is what happened on the call's stream and at the far end, in
// order: each stream event's action (a mark's name), what the caller said
// or pressed, the hang-up. What the caller heard of the bot's audio is
// left to played: the harness notes it when a run of audio is over, which
// may come a frame after the mark that ends it.
func story(c *harness.Call) []string {
	var out []string
	for _, e := range c.Events() {
		switch {
		case e.Kind == harness.EventStream && e.Action == harness.ActionMark:
			out = append(out, "mark "+e.Name)
		case e.Kind == harness.EventStream && e.Action == harness.ActionPlayed:
		case e.Kind == harness.EventStream && e.Action == harness.ActionCleared:
			out = append(out, "cleared")
		case e.Kind == harness.EventStream:
			out = append(out, "stream "+string(e.Action))
		case e.Kind == harness.EventInput && e.Action == harness.ActionSpoke:
			out = append(out, "caller says "+strconv.Quote(e.Words))
		case e.Kind == harness.EventInput && e.Action == harness.ActionPressed:
			out = append(out, "caller presses "+e.Digits)
		case e.Kind == harness.EventHangup:
			out = append(out, "hangup")
		}
	}
	return out
}

// played is how much of the bot's audio the caller heard, run by run.
func played(c *harness.Call) []time.Duration {
	var out []time.Duration
	for _, e := range c.Events() {
		if e.Kind == harness.EventStream && e.Action == harness.ActionPlayed {
			out = append(out, e.Duration)
		}
	}
	return out
}

// stopReason is why the call's stream stopped, as its event says.
func stopReason(c *harness.Call) string {
	GinkgoHelper()
	e := event(c, isStream(harness.ActionStopped))
	_, why, ok := strings.Cut(e.Text, " stopped: ")
	Expect(ok).To(BeTrue(), e.Text)
	return why
}

// completedByAPI reports whether a Calls API request ended the call.
func completedByAPI(c *harness.Call) bool {
	for _, e := range c.Events() {
		if e.Kind == harness.EventHangup && strings.Contains(e.Text, "REST API") {
			return true
		}
	}
	return false
}

// isStream, isMark and isInput choose events.
func isStream(a harness.EventAction) func(harness.Event) bool {
	return func(e harness.Event) bool { return e.Kind == harness.EventStream && e.Action == a }
}

func isMark(name string) func(harness.Event) bool {
	return func(e harness.Event) bool {
		return e.Kind == harness.EventStream && e.Action == harness.ActionMark && e.Name == name
	}
}

func isInput(a harness.EventAction) func(harness.Event) bool {
	return func(e harness.Event) bool { return e.Kind == harness.EventInput && e.Action == a }
}

// event returns the call's first event that match chooses.
func event(c *harness.Call, match func(harness.Event) bool) harness.Event {
	GinkgoHelper()
	for _, e := range c.Events() {
		if match(e) {
			return e
		}
	}
	Fail("no such event\n" + c.Transcript())
	return harness.Event{}
}

// eventTime is when the call's first event that match chooses happened.
func eventTime(c *harness.Call, match func(harness.Event) bool) time.Time {
	GinkgoHelper()
	return event(c, match).Time
}

// signed is a webhook request to rawURL with signature sig.
func signed(method, rawURL, sig string) *http.Request {
	r := httptest.NewRequest(method, rawURL, strings.NewReader(url.Values{"CallSid": {"CA0123456789abcdef0123456789abcdef"}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Twilio-Signature", sig)
	return r
}

// upgrade is Twilio's WebSocket upgrade request for the bot's stream,
// with signature sig.
func upgrade(sig string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, origin+"/media", nil)
	r.Header.Set("Connection", "Upgrade")
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Sec-WebSocket-Version", "13")
	r.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	r.Header.Set("X-Twilio-Signature", sig)
	return r
}

// signature is Twilio's X-Twilio-Signature for rawURL and params, with
// Acme's auth token.
func signature(rawURL string, params url.Values) string {
	return harness.Signature(authToken, rawURL, params)
}
