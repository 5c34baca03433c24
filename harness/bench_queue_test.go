package harness_test

// Benchmarks of a call queue under load: callers queued, served by agents.
//
//	go test ./harness -run '^$' -bench Queue -benchmem -count 6
//
// Like the other benchmarks these run with -benchtime=1x in a fraction of a
// second and assert nothing about timing. The metric to watch is ns/caller
// of the sub-benchmarks: queued=100 and queued=1000 should cost about the
// same per caller if the queue's work per caller does not grow with its
// length.

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

const (
	// benchQueueAgents is how many agents serve the queue.
	benchQueueAgents = 10
	// benchQueueTalk is how long (virtual seconds) an agent talks to a
	// caller: its Dial's timeLimit.
	benchQueueTalk = 10
)

// benchQueueApp is the queue's application. A caller waits in "support"
// (its wait document is requested once, with its position, then holds for
// an hour) and hangs up once served. An agent loops: each Dial of the
// queue that bridged a caller leads to the next; one that found the queue
// empty for 5 seconds (no-answer) ends the agent's shift.
func benchQueueApp() http.Handler {
	mux := http.NewServeMux()
	twiml := func(doc string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/xml")
			io.WriteString(w, doc)
		}
	}
	next := `<Response><Dial action="/agent" timeout="5" timeLimit="` + strconv.Itoa(benchQueueTalk) + `"><Queue>support</Queue></Dial></Response>`
	mux.HandleFunc("/caller", twiml(`<Response><Enqueue waitUrl="/wait">support</Enqueue><Hangup/></Response>`))
	mux.HandleFunc("/wait", twiml(`<Response><Pause length="3600"/></Response>`))
	mux.HandleFunc("/agent", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		if r.PostFormValue("DialCallStatus") == "no-answer" {
			io.WriteString(w, `<Response><Hangup/></Response>`)
			return
		}
		io.WriteString(w, next)
	})
	return mux
}

// benchQueueNumber is the address of caller or agent i.
func benchQueueNumber(prefix, i int) string { return fmt.Sprintf("+1415%03d%04d", prefix, i) }

// benchQueueRun queues n callers, then lets the agents serve them all, on
// a new server, and returns the callers. The server is closed by the
// caller of benchQueueRun.
func benchQueueRun(b *testing.B, n int, app http.Handler) (*harness.Server, []*harness.Call) {
	srv := harness.NewServer(nil, harness.WithApp(benchOrigin, app))
	create := func(to, path string) *harness.Call {
		c, err := srv.CreateCall(url.Values{"To": {to}, "From": {benchFrom}, "Url": {benchOrigin + path}})
		if err != nil {
			b.Fatalf("create call: %v", err)
		}
		return c
	}
	callers := make([]*harness.Call, n)
	for i := range callers {
		srv.SetParty(benchQueueNumber(555, i), scenario.Person())
		callers[i] = create(benchQueueNumber(555, i), "/caller")
		srv.Advance(0)
	}
	srv.Advance(time.Second)
	for i := range benchQueueAgents {
		srv.SetParty(benchQueueNumber(666, i), scenario.Person())
		create(benchQueueNumber(666, i), "/agent")
	}
	srv.Run()
	return srv, callers
}

// benchCheckQueue fails b unless every caller was served: dequeued by an
// agent, bridged for the agent's timeLimit, completed, and the queue is
// empty.
func benchCheckQueue(b *testing.B, srv *harness.Server, callers []*harness.Call) {
	b.Helper()
	for _, c := range callers {
		info := c.Info()
		if info.Status != harness.StatusCompleted {
			b.Fatalf("caller %s is %s, want completed\n%s", info.SID, info.Status, c.Transcript())
		}
		dequeued := false
		for _, e := range c.Events() {
			dequeued = dequeued || e.Kind == harness.EventQueue && e.Action == harness.ActionDequeued
		}
		if !dequeued {
			b.Fatalf("caller %s was never dequeued\n%s", info.SID, c.Transcript())
		}
	}
	if q := srv.Queue("support"); q == nil || q.Info().CurrentSize != 0 {
		b.Fatalf("the queue still holds callers: %v", q)
	}
	if n := len(srv.Notifications()); n != 0 {
		b.Fatalf("%d notifications, want none; the first: %+v", n, srv.Notifications()[0])
	}
}

// BenchmarkQueue serves 100 and 1,000 queued callers with 10 agents. Each
// op is one whole run: n callers enqueued (each requesting its wait
// document once), 10 agents dialing the queue until it is empty. It
// reports calls/s (callers and agents) and ns/caller, which should stay
// about flat from 100 to 1,000.
func BenchmarkQueue(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run("queued="+strconv.Itoa(n), func(b *testing.B) {
			app := benchQueueApp()
			m := newBenchMeter(b)
			for range b.N {
				srv, callers := benchQueueRun(b, n, app)
				m.untimed(func() {
					benchCheckQueue(b, srv, callers)
					srv.Close()
				})
			}
			cpu := benchCPU() - m.cpu0 - m.excl
			m.done("runs/s")
			if elapsed := b.Elapsed(); elapsed > 0 {
				b.ReportMetric(float64((n+benchQueueAgents)*b.N)/elapsed.Seconds(), "calls/s")
				b.ReportMetric(float64(elapsed.Nanoseconds())/float64(n*b.N), "ns/caller")
			}
			if cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(n*b.N), "cpu-ns/caller")
			}
		})
	}
}
