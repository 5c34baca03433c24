package matchers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	. "github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
)

// voiceBot is the media stream application of these tests, at /media: at
// the start it sends 1 s of audio, mark "greeting", 2 s of audio and mark
// "question"; when the far end presses a key it clears its audio, sends
// half a second more and mark "bye". It writes only in answer to what it
// reads, so a run is the same every time, and never closes the socket
// itself. On a fork it sends nothing.
type voiceBot struct{ t testing.TB }

func (v voiceBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		v.t.Errorf("the bot's upgrade: %v", err)
		return
	}
	defer c.CloseNow()
	ctx := context.Background()
	var sid string
	send := func(msg string) { c.Write(ctx, websocket.MessageText, []byte(msg)) }
	play := func(d time.Duration) {
		payload := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x10}, int(d/time.Millisecond)*8))
		send(`{"event":"media","streamSid":"` + sid + `","media":{"payload":"` + payload + `"}}`)
	}
	mark := func(name string) { send(`{"event":"mark","streamSid":"` + sid + `","mark":{"name":"` + name + `"}}`) }
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		var m struct {
			Event     string `json:"event"`
			StreamSid string `json:"streamSid"`
			Start     struct{ Tracks []string }
		}
		json.Unmarshal(data, &m)
		switch m.Event {
		case "start":
			sid = m.StreamSid
			if len(m.Start.Tracks) == 2 { // a fork of both tracks
				continue
			}
			play(time.Second)
			mark("greeting")
			play(2 * time.Second)
			mark("question")
		case "dtmf":
			send(`{"event":"clear","streamSid":"` + sid + `"}`)
			play(500 * time.Millisecond)
			mark("bye")
		case "stop":
			return
		}
	}
}

// streamCalls runs three calls on one server: bot, connected to the
// voiceBot as stream "bot" with parameters lang=en and who=caller (the far
// end presses 1 half a second after the greeting played, and hangs up a
// second after the goodbye played: the far end hears 1.5 s, then 500 ms);
// fork, which forks both tracks to the bot while it says hello; and
// refused, whose stream the application refuses.
func streamCalls(t testing.TB) (srv *harness.Server, bot, fork, refused *harness.Call) {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/", app{
		"/bot": `<Response><Connect><Stream name="bot" url="wss://app.example.com/media">` +
			`<Parameter name="lang" value="en"/><Parameter name="who" value="caller"/></Stream></Connect></Response>`,
		"/fork":    `<Response><Start><Stream url="wss://app.example.com/media" track="both_tracks"/></Start><Say>hello</Say></Response>`,
		"/refused": `<Response><Connect><Stream url="wss://app.example.com/closed"/></Connect></Response>`,
	})
	mux.Handle("/media", voiceBot{t})
	srv = harness.NewServer(t, harness.WithApp(origin, mux),
		harness.WithParty(to, scenario.Person().Presses("1").InStream().AfterMark("greeting").After(500*time.Millisecond).
			HangsUp().InStream().AfterMark("bye").After(time.Second)))
	call := func(path, to string) *harness.Call {
		c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + path}})
		if err != nil {
			t.Fatal(err)
		}
		c.Wait()
		return c
	}
	return srv, call("/bot", to), call("/fork", "+14155550301"), call("/refused", "+14155550302")
}

func TestHaveStreamed(t *testing.T) {
	srv, bot, fork, refused := streamCalls(t)
	g := gomega.NewWithT(t)
	media := "wss://app.example.com/media"
	g.Expect(bot).To(HaveStreamed(media))
	g.Expect(bot).To(HaveStreamed(regexp.MustCompile(`/media$`)).Named("bot").Bidirectional())
	g.Expect(bot).To(HaveStreamed(gomega.HaveSuffix("/media")).WithParameters(map[string]string{"lang": "en"}))
	g.Expect(bot).To(HaveStreamed(media).WithParameters(map[string]string{"lang": "en", "who": "caller"}).Named(gomega.HavePrefix("b")))
	g.Expect(bot.Stream("bot")).To(HaveStreamed(media).Bidirectional(), "a stream given")
	g.Expect(bot).NotTo(HaveStreamed("wss://app.example.com/media/"), "another URL")
	g.Expect(bot).NotTo(HaveStreamed(media).WithParameters(map[string]string{"lang": "fr"}), "another value")
	g.Expect(bot).NotTo(HaveStreamed(media).WithParameters(map[string]string{"voice": "en"}), "a parameter it has not")
	g.Expect(bot).NotTo(HaveStreamed(media).Named("robot"), "another name")
	g.Expect(fork).To(HaveStreamed(media))
	g.Expect(fork).NotTo(HaveStreamed(media).Bidirectional(), "a fork")
	g.Expect(fork).NotTo(HaveStreamed(media).Named("bot"), "a stream without a name")
	g.Expect(refused).NotTo(HaveStreamed("wss://app.example.com/closed"), "a stream that never connected")
	g.Expect(refused.Streams()).To(gomega.HaveLen(1))

	_, err := HaveStreamed(media).Match(srv)
	g.Expect(err).To(gomega.MatchError(gomega.ContainSubstring("HaveStreamed expects a *harness.Call or a *harness.Stream")))
	_, err = HaveStreamed(media).Match(bot.Stream("nobody"))
	g.Expect(err).To(gomega.MatchError(gomega.ContainSubstring("HaveStreamed was given a nil *harness.Stream: Call.Stream returns nil")))
	_, err = HaveStreamed(media).Named(gomega.BeNumerically(">", 1)).Match(bot)
	g.Expect(err).To(gomega.MatchError(gomega.ContainSubstring("HaveStreamed: ")))
}

func TestHaveSentAudio(t *testing.T) {
	_, bot, fork, refused := streamCalls(t)
	g := gomega.NewWithT(t)
	g.Expect(bot).To(HaveSentAudio())
	g.Expect(bot).To(HaveSentAudio().Lasting(2 * time.Second))
	g.Expect(bot.Stream("bot")).To(HaveSentAudio().Lasting(gomega.BeNumerically("~", 2*time.Second, time.Millisecond)))
	g.Expect(bot).NotTo(HaveSentAudio().Lasting(2*time.Second+time.Millisecond), "the far end heard 2 s, not the 3.5 s sent")
	g.Expect(bot).NotTo(HaveSentAudio().Lasting(gomega.BeNumerically("<", 2*time.Second)))
	g.Expect(fork).NotTo(HaveSentAudio(), "a fork")
	g.Expect(refused).NotTo(HaveSentAudio(), "a stream that never connected")
	_, err := HaveSentAudio().Lasting("2s").Match(bot)
	g.Expect(err).To(gomega.MatchError("HaveSentAudio: Lasting expects a time.Duration or a matcher, got string"))
}

func TestHaveMarks(t *testing.T) {
	_, bot, fork, _ := streamCalls(t)
	g := gomega.NewWithT(t)
	g.Expect(bot).To(HaveMarks("greeting", "question", "bye"), "question echoed by the clear")
	g.Expect(bot.Stream("bot")).To(HaveMarks("greeting", "question", "bye"))
	g.Expect(bot).NotTo(HaveMarks("greeting", "bye"), "not all of them")
	g.Expect(bot).NotTo(HaveMarks("question", "greeting", "bye"), "out of order")
	g.Expect(bot).NotTo(HaveMarks())
	g.Expect(fork).To(HaveMarks(), "no mark")
	_, err := HaveMarks("x").Match("bot")
	g.Expect(err).To(gomega.MatchError(gomega.ContainSubstring("HaveMarks expects a *harness.Call or a *harness.Stream")))
}

func TestHaveCleared(t *testing.T) {
	_, bot, fork, _ := streamCalls(t)
	g := gomega.NewWithT(t)
	g.Expect(bot).To(HaveCleared())
	g.Expect(bot.Stream("bot")).To(HaveCleared())
	g.Expect(fork).NotTo(HaveCleared())
	g.Expect(fork.Streams()[0]).NotTo(HaveCleared())
}

func TestStreamMatchersFailureMessages(t *testing.T) {
	_, bot, fork, refused := streamCalls(t)
	s := bot.Stream("bot")
	botLine := s.SID() + ` "bot" to wss://app.example.com/media (bidirectional, stopped) lang="en" who="caller"`
	testFailureMessages(t, []failureTest{
		{"streamed", func() {
			gomega.Expect(bot).To(HaveStreamed("wss://app.example.com/other").Named("bot").WithParameters(map[string]string{"who": "agent", "lang": "en"}))
		}, []string{"Expected call " + bot.SID() + ` to have streamed to "wss://app.example.com/other" named "bot" with parameters lang="en" who="agent", but its streams were:`,
			"\n    " + botLine + "\n", "Transcript:\n    call " + bot.SID(), "Stream transcript:\n    stream " + s.SID() + ` "bot" to wss://app.example.com/media`,
			`from app  mark "greeting"`}},
		{"streamed, a refused stream", func() { gomega.Expect(refused).To(HaveStreamed("wss://app.example.com/closed")) },
			[]string{"(bidirectional, failed, never connected)"}},
		{"streamed, a call without streams", func() { gomega.Expect(exampleCallOf(t)).To(HaveStreamed("wss://x")) },
			[]string{"but its streams were:\n    (no stream)\n\nTranscript:"}},
		{"not streamed", func() { gomega.Expect(s).NotTo(HaveStreamed(gomega.HaveSuffix("/media")).Bidirectional()) },
			[]string{"Expected stream " + s.SID() + " not to have streamed bidirectionally to a value that satisfies: to have suffix", botLine, "Stream transcript:"}},
		{"sent audio", func() { gomega.Expect(bot).To(HaveSentAudio().Lasting(3 * time.Second)) },
			[]string{"Expected the application to have sent audio of which the far end heard at least 3s on call " + bot.SID() + ", but on its streams it sent:\n    " +
				s.SID() + ": sent 3.5s, the far end heard 2s\n", "Stream transcript:"}},
		{"sent audio, a matcher", func() { gomega.Expect(fork).To(HaveSentAudio().Lasting(gomega.BeNumerically(">", 0))) },
			[]string{"sent audio of which the far end heard a value that satisfies: to be >", ": sent 0s, the far end heard 0s"}},
		{"not sent audio", func() { gomega.Expect(s).NotTo(HaveSentAudio()) },
			[]string{"Expected the application not to have sent audio on stream " + s.SID()}},
		{"marks", func() { gomega.Expect(bot).To(HaveMarks("greeting", "bye")) },
			[]string{"to have played exactly the marks\n    \"greeting\" → \"bye\"\nbut it played\n    \"greeting\" → \"question\" → \"bye\"",
				`to app    mark "question" (seq 80)`}},
		{"marks, none", func() { gomega.Expect(fork).To(HaveMarks("greeting")) },
			[]string{"but it played\n    (none)"}},
		{"not marks", func() { gomega.Expect(fork).NotTo(HaveMarks()) },
			[]string{"not to have played exactly the marks\n    (none)"}},
		{"cleared", func() { gomega.Expect(fork).To(HaveCleared()) },
			[]string{"Expected the application to have cleared its audio on call " + fork.SID() + ", but the clears on its streams were:\n    " +
				fork.Streams()[0].SID() + ": 0", "Stream transcript:"}},
		{"not cleared", func() { gomega.Expect(bot).NotTo(HaveCleared()) },
			[]string{s.SID() + ": 1", "from app  clear"}},
	})
}

// exampleCallOf runs a call without streams.
func exampleCallOf(t *testing.T) *harness.Call {
	_, c := menuCall(t)
	return c
}

// TestStreamMatchersWithEventually: a call that ended, or a stream that
// stopped, will not change; Eventually stops at once.
func TestStreamMatchersWithEventually(t *testing.T) {
	_, bot, _, _ := streamCalls(t)
	for _, m := range []gomega.OmegaMatcher{HaveStreamed("x"), HaveSentAudio(), HaveMarks(), HaveCleared()} {
		mc, ok := m.(interface{ MatchMayChangeInTheFuture(any) bool })
		if !ok {
			t.Fatalf("%T cannot tell Eventually to stop", m)
		}
		if mc.MatchMayChangeInTheFuture(bot) || mc.MatchMayChangeInTheFuture(bot.Stream("bot")) {
			t.Errorf("%T: an ended call or a stopped stream may still change", m)
		}
	}
}
