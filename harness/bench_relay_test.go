package harness_test

// Benchmarks of ConversationRelay sessions: a whole scripted conversation
// with an agent, and many sessions at once.
//
//	go test ./harness -run '^$' -bench 'Relay' -benchmem
//
// Like the other benchmarks, these run in a fraction of a second with
// -benchtime=1x and assert nothing about timing: the targets are in the
// comments, the metrics are for a human or benchstat to judge.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// benchRelayGreeting is the agent's welcome greeting.
const benchRelayGreeting = "Hello, this is Example Dental. How can I help you today?"

// benchRelayApp is an AI agent on ConversationRelay, as a real one is
// written, with an instant "model": it decodes every message Twilio sends,
// answers each final prompt at once with two streamed text tokens (the
// second with last set), and answers the turns-th with end. wsURL is where
// its voice webhook points the session. The time its handler spends on
// each message, from the read's return to its next read (decoding, writing
// the answer), is added to work: the application's own work, which the
// harness waits for.
func benchRelayApp(turns int, wsURL func(r *http.Request) string, work *atomic.Int64) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<Response><Connect><ConversationRelay url="%s" welcomeGreeting="%s"/></Connect></Response>`, wsURL(r), benchRelayGreeting)
	})
	tokens := [][]byte{
		[]byte(`{"type":"text","token":"Sure, I can help ","last":false}`),
		[]byte(`{"type":"text","token":"with that.","last":true}`),
	}
	end := []byte(`{"type":"end","handoffData":"{\"reason\":\"booked\"}"}`)
	mux.HandleFunc("/relay", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := context.Background()
		prompts := 0
		for {
			_, data, err := c.Read(ctx)
			if err != nil {
				return
			}
			t0 := time.Now()
			var m struct {
				Type        string `json:"type"`
				VoicePrompt string `json:"voicePrompt"`
				Last        bool   `json:"last"`
			}
			if json.Unmarshal(data, &m) != nil {
				return
			}
			if m.Type == "prompt" && m.Last {
				prompts++
				answer := tokens
				if prompts == turns {
					answer = [][]byte{end}
				}
				for _, msg := range answer {
					if c.Write(ctx, websocket.MessageText, msg) != nil {
						return
					}
				}
			}
			work.Add(int64(time.Since(t0)))
		}
	})
	return mux
}

// benchRelayCaller is the far end: it says turns things, one a turn of
// the conversation, each after the agent has spoken.
func benchRelayCaller(turns int) scenario.Party {
	p := scenario.Person()
	for i := range turns {
		p = p.Says(fmt.Sprintf("I would like to book a cleaning, question %d", i+1)).InConversation()
	}
	return p
}

// benchRelayServer is a server whose caller at benchTo holds a
// conversation of turns turns with the application, in-process or over a
// loopback WebSocket (closed by the returned function).
func benchRelayServer(b *testing.B, turns int, loopback bool, work *atomic.Int64) (*harness.Server, func()) {
	caller := harness.WithParty(benchTo, benchRelayCaller(turns))
	if !loopback {
		app := benchRelayApp(turns, func(*http.Request) string { return "wss://app.example.com/relay" }, work)
		srv := harness.NewServer(nil, harness.WithApp(benchOrigin, app), caller)
		return srv, srv.Close
	}
	var ws string
	ts := httptest.NewServer(benchRelayApp(turns, func(*http.Request) string { return ws }, work))
	ws = "ws" + strings.TrimPrefix(ts.URL, "http") + "/relay"
	srv := harness.NewServer(nil, harness.WithApp(benchOrigin, ts.Config.Handler), caller)
	return srv, func() { srv.Close(); ts.Close() }
}

// benchRelayCall places a call to the caller, whose application connects
// it to the agent.
func benchRelayCall(b *testing.B, srv *harness.Server) *harness.Call {
	call, err := srv.CreateCall(url.Values{"To": {benchTo}, "From": {benchFrom}, "Url": {benchOrigin + "/voice"}})
	if err != nil {
		b.Fatal(err)
	}
	return call
}

// benchRelayCheck fails the benchmark unless the call held the whole
// conversation: the greeting, turns prompts of the caller's, an answer to
// each but the last, and the session ended by the application's end, with
// no notification (an answer that came too late would log one). A
// benchmark of a conversation that did not happen measures nothing.
func benchRelayCheck(b *testing.B, call *harness.Call, turns int) {
	cv, ok := call.Conversation()
	if !ok {
		b.Fatalf("the call held no conversation\n%s", call.Transcript())
	}
	var greetings, said, answers int
	for _, t := range cv.Turns {
		switch {
		case t.Speaker == harness.SpeakerAgent && t.Kind == harness.TurnGreeting:
			greetings++
		case t.Speaker == harness.SpeakerCaller && t.Kind == harness.TurnSpeech && !t.Unreported:
			said++
		case t.Speaker == harness.SpeakerAgent && t.Kind == harness.TurnText && strings.Join(strings.Fields(t.Text), " ") == "Sure, I can help with that.":
			answers++
		}
	}
	prompts := 0
	for _, m := range cv.Messages {
		if !m.FromApp && m.Type == "prompt" {
			prompts++
		}
	}
	if cv.Status != harness.SessionEnded || cv.HandoffData == nil || greetings != 1 || said != turns || prompts != turns || answers != turns-1 || len(call.Notifications()) != 0 {
		b.Fatalf("the conversation did not run: status %q, handoff %v, %d greeting, %d caller turns, %d prompts, %d answers (want ended, 1, %d, %d, %d), %d notifications\n%s",
			cv.Status, cv.HandoffData != nil, greetings, said, prompts, answers, turns, turns, turns-1, len(call.Notifications()), call.Transcript())
	}
}

// benchReportWork reports the application's own work (app-ns/op, from its
// handler's clock) and the wall time beyond it (harness-ns/op): what the
// harness adds to a test of the application.
func benchReportWork(b *testing.B, work time.Duration) {
	if b.N == 0 {
		return
	}
	b.ReportMetric(float64(work.Nanoseconds())/float64(b.N), "app-ns/op")
	b.ReportMetric(float64((b.Elapsed()-work).Nanoseconds())/float64(b.N), "harness-ns/op")
}

// BenchmarkRelayConversation20: one call per iteration holding a whole
// 20-turn conversation with an agent (greeting, 20 prompts, 19 streamed
// answers of two tokens, end), in-process and over a loopback WebSocket.
// ns/op is the whole conversation; app-ns/op the application's handler's
// own work; harness-ns/op the rest. Target: harness-ns/op < 20 ms.
func BenchmarkRelayConversation20(b *testing.B) {
	const turns = 20
	for _, mode := range []string{"in-process", "loopback"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			var work atomic.Int64
			srv, closeAll := benchRelayServer(b, turns, mode == "loopback", &work)
			defer closeAll()
			// The first call is checked, untimed, so that the benchmark
			// cannot silently measure a conversation that went wrong.
			call := benchRelayCall(b, srv)
			call.Wait()
			benchRelayCheck(b, call, turns)
			work.Store(0)
			m := newBenchMeter(b)
			for i := 0; i < b.N; i++ {
				benchRelayCall(b, srv).Wait()
			}
			m.done("conversations/s")
			benchReportWork(b, time.Duration(work.Load()))
		})
	}
}

// BenchmarkRelaySessionsConcurrent: n calls hold a conversation at once,
// 4 turns each, in-process. ns/op, allocs/op and cpu-ns/op are per
// session, and should not grow with n (target: flat from 10 to 100);
// app-ns/op is the applications' own work per session, summed over
// goroutines running side by side.
func BenchmarkRelaySessionsConcurrent(b *testing.B) {
	const turns = 4
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			var work atomic.Int64
			srv, closeAll := benchRelayServer(b, turns, false, &work)
			defer closeAll()
			m := newBenchMeter(b)
			for done := 0; done < b.N; {
				batch := min(n, b.N-done)
				calls := make([]*harness.Call, batch)
				for i := range calls {
					calls[i] = benchRelayCall(b, srv)
				}
				srv.Run()
				if done == 0 {
					m.untimed(func() {
						var wg sync.WaitGroup
						for _, c := range calls {
							wg.Add(1)
							go func() { defer wg.Done(); benchRelayCheck(b, c, turns) }()
						}
						wg.Wait()
					})
				}
				done += batch
			}
			m.done("sessions/s")
			if b.N > 0 {
				b.ReportMetric(float64(work.Load())/float64(b.N), "app-ns/op")
			}
		})
	}
}
