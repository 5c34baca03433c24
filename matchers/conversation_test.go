package matchers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	. "github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
)

// bookingAgent is the ConversationRelay application of these tests, at
// /relay: it answers each of Twilio's messages in the exchange that
// carries it, so that a run is the same every time. Asked to book, it
// asks which day; to a key it plays a beep and sends digits 12; told a
// day, it offers ten o'clock; asked for a human, it ends the session,
// handing off {"reason":"human","day":"Tuesday"}. On a setup with the
// parameter mode=close it closes the socket without end.
type bookingAgent struct{}

func (bookingAgent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // the session fails: the tests say so
	}
	defer c.CloseNow()
	ctx := context.Background()
	send := func(msgs ...string) {
		for _, m := range msgs {
			c.Write(ctx, websocket.MessageText, []byte(m))
		}
	}
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		var m struct {
			Type             string            `json:"type"`
			VoicePrompt      string            `json:"voicePrompt"`
			Last             bool              `json:"last"`
			CustomParameters map[string]string `json:"customParameters"`
		}
		json.Unmarshal(data, &m)
		p := m.VoicePrompt
		switch {
		case m.Type == "setup" && m.CustomParameters["mode"] == "close":
			c.Close(websocket.StatusNormalClosure, "")
			return
		case m.Type == "dtmf":
			send(`{"type":"play","source":"https://cdn.example.com/beep.mp3"}`, `{"type":"sendDigits","digits":"12"}`)
		case m.Type != "prompt" || !m.Last:
		case strings.Contains(p, "book"):
			send(`{"type":"text","token":"Which day","last":false}`, `{"type":"text","token":" would you like?","last":true}`)
		case strings.Contains(p, "Tuesday"):
			send(`{"type":"text","token":"Tuesday at ten is free, shall I book it for you now?","last":true}`)
		case strings.Contains(p, "human"):
			send(`{"type":"end","handoffData":"{\"reason\":\"human\",\"day\":\"Tuesday\"}"}`)
		}
	}
}

// relayDoc is a voice document that connects the call to the agent, with
// a greeting, key detection and an action.
const relayDoc = `<Response><Connect action="/handoff"><ConversationRelay url="wss://app.example.com/relay" ` +
	`welcomeGreeting="Hello, how can I help?" dtmfDetection="true">%s</ConversationRelay></Connect></Response>`

// conversationOptions are the options of a server whose application is
// the agent: /voice connects to it, /broken too with mode=close, and the
// action says "Connecting you"; the far end at to asks to book, presses
// 1, says Tuesday, then barges into the agent's offer a second in to ask
// for a human; the far end at +14155550301 hangs up half a second into
// the greeting.
func conversationOptions() []harness.Option {
	mux := http.NewServeMux()
	mux.Handle("/", app{
		"/voice":   strings.Replace(relayDoc, "%s", "", 1),
		"/broken":  strings.Replace(relayDoc, "%s", `<Parameter name="mode" value="close"/>`, 1),
		"/handoff": `<Response><Say>Connecting you</Say></Response>`,
	})
	mux.Handle("/relay", bookingAgent{})
	return []harness.Option{harness.WithApp(origin, mux),
		harness.WithParty(to, scenario.Person().Says("I want to book").InConversation().
			Presses("1").InConversation().
			Says("Tuesday").InConversation().
			Says("a human please").InConversation().Interrupting().After(time.Second)),
		harness.WithParty("+14155550301", scenario.Person().HangsUp().InConversation().Interrupting().After(500*time.Millisecond))}
}

// conversationCalls runs three calls to the agent: booked, in which the
// caller asks to book, presses 1, says Tuesday, then barges into the
// agent's offer a second in to ask for a human (the agent hands off);
// hungUp, in which the caller hangs up during the greeting; and broken,
// whose session the agent breaks (64105).
func conversationCalls(t testing.TB) (srv *harness.Server, booked, hungUp, broken *harness.Call) {
	t.Helper()
	srv = harness.NewServer(t, conversationOptions()...)
	call := func(path, to string) *harness.Call {
		c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + path}})
		if err != nil {
			t.Fatal(err)
		}
		c.Wait()
		return c
	}
	return srv, call("/voice", to), call("/voice", "+14155550301"), call("/broken", "+14155550302")
}

func TestTurnMatchers(t *testing.T) {
	agent, caller := harness.SpeakerAgent, harness.SpeakerCaller
	greeting := harness.ConversationTurn{Speaker: agent, Kind: harness.TurnGreeting, Text: "Hello, how can I help?", Lang: "en-US"}
	text := harness.ConversationTurn{Speaker: agent, Kind: harness.TurnText, Text: "Tuesday at ten is free", Lang: "en-US",
		Interrupted: true, By: "speech", Heard: "Tuesday at"}
	speech := harness.ConversationTurn{Speaker: caller, Kind: harness.TurnSpeech, Text: "martes", Lang: "es-ES"}
	keys := harness.ConversationTurn{Speaker: caller, Kind: harness.TurnKeys, Text: "12#"}
	play := harness.ConversationTurn{Speaker: agent, Kind: harness.TurnPlay, Text: "https://cdn.example.com/beep.mp3"}
	digits := harness.ConversationTurn{Speaker: agent, Kind: harness.TurnDigits, Text: "1w2"}
	tests := []struct {
		name string
		m    *TurnMatcher
		yes  []harness.ConversationTurn
		no   []harness.ConversationTurn
	}{
		{"AgentSaid, a substring", AgentSaid("help"), []harness.ConversationTurn{greeting}, []harness.ConversationTurn{text, speech}},
		{"AgentSaid, a greeting or a text", AgentSaid(regexp.MustCompile(`^(Hello|Tuesday)`)), []harness.ConversationTurn{greeting, text}, nil},
		{"AgentSaid, a matcher", AgentSaid(gomega.HavePrefix("Tuesday")), []harness.ConversationTurn{text}, []harness.ConversationTurn{greeting}},
		{"AgentSaid, interrupted", AgentSaid("").Interrupted(), []harness.ConversationTurn{text}, []harness.ConversationTurn{greeting}},
		{"AgentSaid, in a language", AgentSaid("").InLanguage("en-US"), []harness.ConversationTurn{greeting, text},
			[]harness.ConversationTurn{{Speaker: agent, Kind: harness.TurnText, Text: "hola", Lang: "es-ES"}}},
		{"CallerSaid", CallerSaid("mart").InLanguage("es-ES"), []harness.ConversationTurn{speech},
			[]harness.ConversationTurn{{Speaker: agent, Kind: harness.TurnText, Text: "martes"}, {Speaker: caller, Kind: harness.TurnSpeech, Text: "martes", Lang: "en-US"}}},
		{"CallerPressed, all the keys", CallerPressed("12#"), []harness.ConversationTurn{keys},
			[]harness.ConversationTurn{{Speaker: caller, Kind: harness.TurnKeys, Text: "12"}, {Speaker: agent, Kind: harness.TurnDigits, Text: "12#"}}},
		{"CallerPressed, a matcher", CallerPressed(gomega.HaveSuffix("#")), []harness.ConversationTurn{keys}, nil},
		{"AgentPlayed, a substring of the URL", AgentPlayed("beep.mp3"), []harness.ConversationTurn{play}, []harness.ConversationTurn{greeting}},
		{"AgentSentDigits, all of them", AgentSentDigits("1w2"), []harness.ConversationTurn{digits},
			[]harness.ConversationTurn{{Speaker: agent, Kind: harness.TurnDigits, Text: "1w23"}, {Speaker: caller, Kind: harness.TurnKeys, Text: "1w2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := gomega.NewWithT(t)
			for _, turn := range tt.yes {
				g.Expect(turn).To(tt.m, "%s", turn)
				g.Expect(&turn).To(tt.m, "a pointer to %s", turn)
			}
			for _, turn := range tt.no {
				g.Expect(turn).NotTo(tt.m, "%s", turn)
			}
		})
	}
	g := gomega.NewWithT(t)
	_, err := AgentSaid("x").Match("x")
	g.Expect(err).To(gomega.MatchError(gomega.HavePrefix(`a turn matcher (the agent said "x") expects a harness.ConversationTurn, got:`)))
	_, err = AgentSaid(gomega.BeNumerically(">", 1)).Match(greeting)
	g.Expect(err).To(gomega.MatchError(gomega.HavePrefix("the agent said a value that satisfies: to be > <int>: 1: ")))
	g.Expect(AgentSaid("day").InLanguage("fr-FR").Interrupted().String()).To(gomega.Equal(`the agent said "day" in fr-FR, interrupted`))
	g.Expect(CallerPressed("1").FailureMessage(greeting)).To(gomega.Equal(
		"Expected the turn\n    agent greets \"Hello, how can I help?\" (en-US)\nto be one where the caller pressed \"1\""))
	g.Expect(CallerPressed("1").NegatedFailureMessage(keys)).To(gomega.Equal(
		"Expected the turn\n    caller presses 12#\nnot to be one where the caller pressed \"1\""))
}

func TestHaveConversed(t *testing.T) {
	_, booked, hungUp, broken := conversationCalls(t)
	_, plain := menuCall(t)
	g := gomega.NewWithT(t)
	g.Expect(booked).To(HaveConversed(CallerSaid("book"), AgentSaid("Which day"), CallerPressed("1"), AgentPlayed("beep.mp3"),
		AgentSentDigits("12"), CallerSaid("Tuesday"), AgentSaid("ten").Interrupted(), CallerSaid("human")))
	g.Expect(booked).To(HaveConversed("book", regexp.MustCompile(`^Which day`), gomega.HaveField("Kind", harness.TurnPlay)), "strings, patterns, any matcher")
	g.Expect(booked).To(HaveConversed(), "no turn")
	g.Expect(booked).To(HaveConversed(AgentSaid("Hello"), CallerSaid("book"), AgentSaid("Which day"), CallerPressed("1"),
		AgentPlayed("beep"), AgentSentDigits("12"), CallerSaid("Tuesday"), AgentSaid("Tuesday at ten"), CallerSaid("a human")).Exactly())
	g.Expect(booked).NotTo(HaveConversed(AgentSaid("Which day"), CallerSaid("book")), "out of order")
	g.Expect(booked).NotTo(HaveConversed(AgentSaid("Which day"), AgentSaid("Which day")), "one turn twice")
	g.Expect(booked).NotTo(HaveConversed(CallerSaid("book"), AgentSaid("Which day")).Exactly(), "the greeting first")
	g.Expect(booked).NotTo(HaveConversed(AgentSaid("Hello"), CallerSaid("book")).Exactly(), "more turns")
	g.Expect(booked).NotTo(HaveConversed(CallerSaid("Which day")), "the agent said it")

	cvs := booked.Conversations()
	g.Expect(cvs[0]).To(HaveConversed(AgentSaid("Hello"), CallerSaid("book")), "a Conversation")
	g.Expect(&cvs[0]).To(HaveConversed(AgentSaid("Hello")), "a pointer to one")
	g.Expect(hungUp).To(HaveConversed(AgentSaid("Hello")).Exactly())
	g.Expect(broken).To(HaveConversed().Exactly(), "a session without turns")
	g.Expect(plain).NotTo(HaveConversed(), "a call without a session")

	_, err := HaveConversed(AgentSaid("x"), 7).Match(booked)
	g.Expect(err).To(gomega.MatchError(gomega.HavePrefix("HaveConversed: turn 2 is a int: give a turn matcher (AgentSaid, CallerSaid")))
	_, err = HaveConversed("x").Match("call")
	g.Expect(err).To(gomega.MatchError(gomega.HavePrefix("HaveConversed expects a *harness.Call or a harness.Conversation")))
	_, err = HaveConversed("x").Match((*harness.Conversation)(nil))
	g.Expect(err).To(gomega.MatchError("HaveConversed was given a nil *harness.Conversation"))
	_, err = HaveConversed(gomega.BeNumerically(">", 1)).Match(booked)
	g.Expect(err).To(gomega.MatchError(gomega.HavePrefix("HaveConversed: turn 1: ")))
}

func TestHaveBeenInterrupted(t *testing.T) {
	_, booked, hungUp, _ := conversationCalls(t)
	g := gomega.NewWithT(t)
	g.Expect(booked).To(HaveBeenInterrupted())
	g.Expect(booked).To(HaveBeenInterrupted().By("speech").Hearing("Tuesday at").WhileSaying("shall I book"))
	g.Expect(booked).To(HaveBeenInterrupted().Hearing(gomega.Equal("Tuesday at")).WhileSaying(regexp.MustCompile(`for you now\?$`)))
	g.Expect(booked.Conversations()[0]).To(HaveBeenInterrupted().By("speech"))
	g.Expect(booked).NotTo(HaveBeenInterrupted().By("dtmf"))
	g.Expect(booked).NotTo(HaveBeenInterrupted().Hearing("Tuesday at ten"))
	g.Expect(booked).NotTo(HaveBeenInterrupted().WhileSaying("Which day"), "a turn that played to its end")
	g.Expect(hungUp).NotTo(HaveBeenInterrupted(), "a hang-up interrupts nothing")
	_, plain := menuCall(t)
	g.Expect(plain).NotTo(HaveBeenInterrupted())
	keys := harness.Conversation{SessionID: "VX1", Status: harness.SessionEnded, Turns: []harness.ConversationTurn{
		{Speaker: harness.SpeakerAgent, Kind: harness.TurnGreeting, Text: "Welcome", Interrupted: true, By: "dtmf"}}}
	g.Expect(keys).To(HaveBeenInterrupted().By("dtmf").Hearing(gomega.BeEmpty()))

	_, err := HaveBeenInterrupted().By("keys").Match(booked)
	g.Expect(err).To(gomega.MatchError(`HaveBeenInterrupted: By takes "speech" or "dtmf", got "keys"`))
	_, err = HaveBeenInterrupted().Hearing(gomega.BeNumerically(">", 1)).Match(booked)
	g.Expect(err).To(gomega.MatchError(gomega.HavePrefix("HaveBeenInterrupted: Hearing: ")))
	_, err = HaveBeenInterrupted().Match(42)
	g.Expect(err).To(gomega.MatchError(gomega.HavePrefix("HaveBeenInterrupted expects a *harness.Call or a harness.Conversation")))
}

func TestHaveHandedOff(t *testing.T) {
	_, booked, hungUp, broken := conversationCalls(t)
	g := gomega.NewWithT(t)
	g.Expect(booked).To(HaveHandedOff())
	g.Expect(booked).To(HaveHandedOff().WithData(`{"reason":"human","day":"Tuesday"}`), "verbatim")
	g.Expect(booked).To(HaveHandedOff().WithData(`{ "day": "Tuesday", "reason": "human" }`), "the same JSON")
	g.Expect(booked).To(HaveHandedOff().WithData(map[string]string{"day": "Tuesday", "reason": "human"}), "a map, as JSON")
	g.Expect(booked).To(HaveHandedOff().WithData(struct {
		Reason string `json:"reason"`
		Day    string `json:"day"`
	}{"human", "Tuesday"}), "a struct, as JSON")
	g.Expect(booked).To(HaveHandedOff().WithData(gomega.ContainSubstring(`"human"`)), "a matcher")
	g.Expect(booked.Conversations()[0]).To(HaveHandedOff().WithData(gomega.MatchJSON(`{"day":"Tuesday","reason":"human"}`)))
	g.Expect(booked).NotTo(HaveHandedOff().WithData(`{"reason":"human"}`), "not all of it")
	g.Expect(booked).NotTo(HaveHandedOff().WithData(map[string]any{"reason": "human"}))
	g.Expect(booked).NotTo(HaveHandedOff().WithData("human"))
	g.Expect(hungUp).NotTo(HaveHandedOff(), "the caller ended it")
	g.Expect(broken).NotTo(HaveHandedOff(), "it failed")

	plainEnd := harness.Conversation{SessionID: "VX1", Status: harness.SessionEnded}
	g.Expect(plainEnd).To(HaveHandedOff(), "an end without handoffData")
	g.Expect(plainEnd).NotTo(HaveHandedOff().WithData(gomega.BeEmpty()), "no handoffData matches no WithData")
	text := "transfer"
	g.Expect(harness.Conversation{Status: harness.SessionEnded, HandoffData: &text}).To(HaveHandedOff().WithData("transfer"), "not JSON")

	_, err := HaveHandedOff().WithData(func() {}).Match(booked)
	g.Expect(err).To(gomega.MatchError(gomega.HavePrefix("HaveHandedOff: WithData: func() does not marshal to JSON: ")))
	_, err = HaveHandedOff().WithData(gomega.BeNumerically(">", 1)).Match(booked)
	g.Expect(err).To(gomega.MatchError(gomega.HavePrefix("HaveHandedOff: WithData: ")))
}

func TestHaveSessionStatus(t *testing.T) {
	_, booked, hungUp, broken := conversationCalls(t)
	g := gomega.NewWithT(t)
	g.Expect(booked).To(HaveSessionStatus(harness.SessionEnded))
	g.Expect(hungUp).To(HaveSessionStatus(harness.SessionCompleted))
	g.Expect(broken).To(HaveSessionStatus(harness.SessionFailed))
	g.Expect(broken).To(HaveSessionStatus(gomega.BeElementOf(harness.SessionFailed, harness.SessionCompleted)))
	g.Expect(booked).NotTo(HaveSessionStatus(harness.SessionCompleted))
	g.Expect(harness.Conversation{}).NotTo(HaveSessionStatus(gomega.BeEmpty()), "a session that runs has no status yet")
	_, plain := menuCall(t)
	g.Expect(plain).NotTo(HaveSessionStatus(harness.SessionEnded))
	_, err := HaveSessionStatus(gomega.BeNumerically(">", 1)).Match(booked)
	g.Expect(err).To(gomega.MatchError(gomega.HavePrefix("HaveSessionStatus: ")))
}

func TestConversationMatchersFailureMessages(t *testing.T) {
	_, booked, hungUp, broken := conversationCalls(t)
	_, plain := menuCall(t)
	cv, _ := booked.Conversation()
	vx := cv.SessionID
	transcripts := []string{"\n\nTranscript:\n    call " + booked.SID(), "\n\nConversation transcript:\n    conversation " + vx + " to wss://app.example.com/relay",
		`agent   says "Tuesday at ten is free, shall I book it for you now?" (en-US) — interrupted by the caller's speech after 1s, heard up to "Tuesday at"`}
	testFailureMessages(t, []failureTest{
		{"conversed", func() { gomega.Expect(booked).To(HaveConversed(AgentSaid("Which day"), CallerSaid("Monday"), "bye")) },
			append([]string{"Expected call " + booked.SID() + " to have conversed with these turns, in this order (others may come between them):\n" +
				"    1. the agent said \"Which day\"\n    2. the caller said \"Monday\"\n    3. a turn whose text matches \"bye\"\n" +
				"but no turn after its turn 3 is turn 2 (the caller said \"Monday\"). Its turns (= the expected turn each matched):\n" +
				"      1      agent greets \"Hello, how can I help?\" (en-US, 2s)\n" +
				"      2      caller says \"I want to book\" (en-US, 1.6s)\n" +
				"      3 = 1  agent says \"Which day would you like?\" (en-US, 2s)\n" +
				"      4      caller presses 1\n"}, transcripts...)},
		{"conversed, the first turn missing", func() { gomega.Expect(cv).To(HaveConversed(CallerSaid("Monday"))) },
			[]string{"Expected conversation " + vx + " to have conversed", "but no turn in the conversation is turn 1 (the caller said \"Monday\")",
				"\n\nConversation transcript:\n"}},
		{"conversed exactly", func() { gomega.Expect(booked).To(HaveConversed(AgentSaid("Hello"), AgentSaid("Which day")).Exactly()) },
			[]string{"to have conversed with exactly these turns:\n    1. the agent said \"Hello\"\n    2. the agent said \"Which day\"\n" +
				"but its turn 2, caller says \"I want to book\" (en-US, 1.6s), is not turn 2 (the agent said \"Which day\"). Its turns",
				"      1 = 1  agent greets"}},
		{"conversed exactly, too many", func() { gomega.Expect(hungUp).To(HaveConversed().Exactly()) },
			[]string{"to have conversed with exactly these turns:\n    (no turn)\nbut it has 1 turns, 1 more than expected, from turn 1: agent greets \"Hello, how can I help?\" (en-US, 500ms)"}},
		{"conversed exactly, too few", func() { gomega.Expect(hungUp).To(HaveConversed(AgentSaid("Hello"), CallerSaid("hi")).Exactly()) },
			[]string{"but it has 1 turns, and no turn 2 (the caller said \"hi\")"}},
		{"conversed, no session", func() { gomega.Expect(plain).To(HaveConversed(AgentSaid("Hello"))) },
			[]string{"Expected call " + plain.SID() + " to have conversed with these turns", "but it had no ConversationRelay session\n\nTranscript:\n"}},
		{"not conversed", func() { gomega.Expect(booked).NotTo(HaveConversed(AgentSaid("Which day"))) },
			[]string{"Expected call " + booked.SID() + " not to have conversed with these turns, in this order (others may come between them):\n" +
				"    1. the agent said \"Which day\"\nbut it did. Its turns", "      3 = 1  agent says \"Which day"}},
		{"interrupted", func() { gomega.Expect(booked).To(HaveBeenInterrupted().By("dtmf").Hearing("ten")) },
			append([]string{"Expected the agent of call " + booked.SID() + " to have been interrupted by dtmf, the caller having heard \"ten\", " +
				"and the turns the caller interrupted were:\n    agent says \"Tuesday at ten is free, shall I book it for you now?\" (en-US) — interrupted"}, transcripts...)},
		{"interrupted, none", func() { gomega.Expect(hungUp).To(HaveBeenInterrupted().WhileSaying("Hello")) },
			[]string{"to have been interrupted, while the agent said \"Hello\", but the caller interrupted none of its turns",
				"— cut off by the session's end after 500ms"}},
		{"not interrupted", func() { gomega.Expect(booked).NotTo(HaveBeenInterrupted()) },
			[]string{"Expected the agent of call " + booked.SID() + " not to have been interrupted, and the turns the caller interrupted were:"}},
		{"interrupted, no session", func() { gomega.Expect(plain).To(HaveBeenInterrupted()) }, []string{"but it had no ConversationRelay session"}},
		{"handed off, other data", func() { gomega.Expect(booked).To(HaveHandedOff().WithData(map[string]string{"reason": "bot"})) },
			append([]string{"Expected call " + booked.SID() + ` to have handed off with handoffData {"reason":"bot"} (as JSON), but its session ` + vx +
				` was ended by the application with handoffData "{\"reason\":\"human\",\"day\":\"Tuesday\"}"`}, transcripts...)},
		{"handed off, a string", func() { gomega.Expect(hungUp).To(HaveHandedOff().WithData("x")) },
			[]string{`to have handed off with handoffData "x", but its session VX`, " ended with the call (completed)\n"}},
		{"handed off, a matcher", func() { gomega.Expect(broken).To(HaveHandedOff().WithData(gomega.ContainSubstring("x"))) },
			[]string{`to have handed off with handoffData a value that satisfies: to contain substring <string>: x, but its session VX`,
				" failed (64105: Websocket ended: the application closed the WebSocket without sending end)"}},
		{"handed off", func() { gomega.Expect(hungUp).To(HaveHandedOff()) },
			[]string{"to have handed off (the application's end), but its session"}},
		{"not handed off", func() { gomega.Expect(booked).NotTo(HaveHandedOff()) },
			[]string{"Expected call " + booked.SID() + " not to have handed off (the application's end), but its session " + vx + " was ended by the application with handoffData"}},
		{"handed off without data", func() {
			gomega.Expect(harness.Conversation{SessionID: "VX1", Status: "ended"}).To(HaveHandedOff().WithData("x"))
		},
			[]string{`Expected conversation VX1 to have handed off with handoffData "x", but its session VX1 was ended by the application without handoffData`}},
		{"handed off, running", func() { gomega.Expect(harness.Conversation{SessionID: "VX1"}).To(HaveHandedOff()) },
			[]string{"but its session VX1 has not ended"}},
		{"session status", func() { gomega.Expect(broken).To(HaveSessionStatus(harness.SessionEnded)) },
			[]string{"Expected call " + broken.SID() + ` to have ended with SessionStatus "ended", but its session VX`,
				` is "failed" (64105: Websocket ended: the application closed the WebSocket without sending end)`, "\n\nConversation transcript:\n"}},
		{"session status, a matcher", func() { gomega.Expect(hungUp).To(HaveSessionStatus(gomega.Equal("ended"))) },
			[]string{`to have ended with SessionStatus a value that satisfies: to equal`, `is "completed"`}},
		{"not session status", func() { gomega.Expect(booked).NotTo(HaveSessionStatus(harness.SessionEnded)) },
			[]string{`not to have ended with SessionStatus "ended", but its session ` + vx + ` is "ended"`}},
		{"session status, no session", func() { gomega.Expect(plain).To(HaveSessionStatus(harness.SessionEnded)) },
			[]string{"but it had no ConversationRelay session"}},
	})
}

// TestConversationMatchersWithEventually: a call that ended, or a
// conversation taken once its session ended, will not change; Eventually
// stops at once. A conversation taken while its session ran may.
func TestConversationMatchersWithEventually(t *testing.T) {
	_, booked, _, _ := conversationCalls(t)
	cv, _ := booked.Conversation()
	for _, m := range []gomega.OmegaMatcher{HaveConversed(), HaveBeenInterrupted(), HaveHandedOff(), HaveSessionStatus("ended")} {
		mc, ok := m.(interface{ MatchMayChangeInTheFuture(any) bool })
		if !ok {
			t.Fatalf("%T cannot tell Eventually to stop", m)
		}
		if mc.MatchMayChangeInTheFuture(booked) || mc.MatchMayChangeInTheFuture(cv) || mc.MatchMayChangeInTheFuture(&cv) {
			t.Errorf("%T: an ended call or session may still change", m)
		}
		if !mc.MatchMayChangeInTheFuture(harness.Conversation{SessionID: "VX1"}) {
			t.Errorf("%T: a session that runs will not change", m)
		}
	}
}
