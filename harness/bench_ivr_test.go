package harness_test

// Benchmarks of whole IVR calls and of many calls live at once.
//
//	go test ./harness -run '^$' -bench 'IVR|Concurrent' -benchmem
//
// Like the benchmarks of bench_test.go, these run in a fraction of a second
// with -benchtime=1x and assert nothing about timing: the targets are in the
// comments, the derived metrics are for a human or benchstat to judge.

import (
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

const (
	// benchIVRAgent is the number the IVR dials: it answers after 5 s and
	// hangs up after 30 s.
	benchIVRAgent = "+14155550300"
	// benchRotateIVR is how many IVR calls a server takes before it is
	// replaced (with the timer stopped), to bound memory.
	benchRotateIVR = 1000
	// benchConcurrentPause is how long (virtual seconds) each call of
	// BenchmarkConcurrentCalls pauses, so that all of them are live at once.
	benchConcurrentPause = 600
)

// The documents of the IVR app, by path.
var benchIVRDocs = map[string]string{
	"/voice":      `<Response><Gather numDigits="1" action="/menu"><Say>Welcome to Example. For sales, press 1.</Say></Gather><Say>We did not get your choice. Goodbye.</Say></Response>`,
	"/menu":       `<Response><Gather numDigits="1" action="/choice"><Say>To talk to an agent, press 2.</Say></Gather><Say>Goodbye.</Say></Response>`,
	"/choice":     `<Response><Dial action="/after-dial" timeout="20">` + benchIVRAgent + `</Dial></Response>`,
	"/after-dial": `<Response><Say>Thank you for calling. Goodbye.</Say><Hangup/></Response>`,
}

// benchIVRMux is the IVR app: a ServeMux answering each document's path
// with the document and /status with 204.
func benchIVRMux() *http.ServeMux {
	mux := http.NewServeMux()
	for path, doc := range benchIVRDocs {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/xml")
			io.WriteString(w, doc)
		})
	}
	mux.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// benchIVRCaller is the far end of the IVR call: it presses 1 at the first
// menu and 2 at the second.
var benchIVRCaller = scenario.Party{Steps: []scenario.Step{
	{Do: scenario.Action{Kind: scenario.Press, Digits: "1"}},
	{Do: scenario.Action{Kind: scenario.Press, Digits: "2"}},
}}

// benchIVR is a server running the IVR app, replaced every benchRotateIVR
// calls.
type benchIVR struct {
	app   http.Handler
	srv   *harness.Server
	rc    *api.ApiService
	calls int
}

func (v *benchIVR) renew() {
	v.close()
	v.srv = harness.NewServer(nil,
		harness.WithApp(benchOrigin, v.app),
		harness.WithParty(benchTo, benchIVRCaller),
		harness.WithParty(benchIVRAgent, scenario.AnswersAfter(5*time.Second).HangsUpAfter(30*time.Second)))
	v.rc = benchTwilio(v.srv.HTTPClient())
	v.calls = 0
}

func (v *benchIVR) close() {
	if v.srv != nil {
		v.srv.Close()
		v.srv = nil
	}
}

// call creates one IVR call with p through twilio-go and runs it to its end.
func (v *benchIVR) call(b *testing.B, p *api.CreateCallParams) *harness.Call {
	created, err := v.rc.CreateCall(p)
	if err != nil {
		b.Fatalf("create call: %v", err)
	}
	c := v.srv.Call(*created.Sid)
	if c == nil {
		b.Fatalf("the server has no call %s", *created.Sid)
	}
	if info := c.Wait(); info.Status != harness.StatusCompleted {
		b.Fatalf("call %s ended %s, want completed\n%s", info.SID, info.Status, c.Transcript())
	}
	v.calls++
	return c
}

// benchCheckIVR fails b unless c went through the whole IVR: both menus with
// the caller's keys, the agent's leg bridged for 30 s, the after-dial
// document, four status callbacks and no notifications.
func benchCheckIVR(b *testing.B, c *harness.Call) {
	b.Helper()
	type hop struct{ path, param, value string }
	want := []hop{
		{"/voice", "", ""},
		{"/menu", "Digits", "1"},
		{"/choice", "Digits", "2"},
		{"/after-dial", "DialCallStatus", "completed"},
	}
	var got []hop
	statuses := 0
	for _, r := range c.Requests() {
		if r.Kind == harness.KindStatusCallback {
			statuses++
			continue
		}
		u, err := url.Parse(r.URL)
		if err != nil {
			b.Fatalf("request URL %q: %v", r.URL, err)
		}
		h := hop{path: u.Path}
		if i := len(got); i < len(want) && want[i].param != "" {
			h.param, h.value = want[i].param, r.Form.Get(want[i].param)
		}
		got = append(got, h)
	}
	if len(got) != len(want) {
		b.Fatalf("the IVR call made requests %v, want %v\n%s", got, want, c.Transcript())
	}
	for i := range want {
		if got[i] != want[i] {
			b.Fatalf("request %d of the IVR call is %v, want %v\n%s", i, got[i], want[i], c.Transcript())
		}
	}
	if statuses != 4 {
		b.Fatalf("the IVR call sent %d status callbacks, want 4\n%s", statuses, c.Transcript())
	}
	legs := c.Children()
	if len(legs) != 1 || legs[0].Status() != harness.StatusCompleted || legs[0].Info().Duration != 30*time.Second {
		b.Fatalf("the IVR call's legs are wrong\n%s", c.Transcript())
	}
	if n := c.Notifications(); len(n) != 0 {
		b.Fatalf("the IVR call logged notifications %+v\n%s", n, c.Transcript())
	}
}

// BenchmarkIVRCall: one five-verb IVR call end to end per iteration, in
// process: created through twilio-go with status callbacks for all four
// events; the app answers /voice with a Gather (the caller presses 1), /menu
// with a second Gather (the caller presses 2), /choice with a Dial to an
// agent who answers after 5 s and hangs up after 30 s, and /after-dial with
// Say and Hangup. Driven with Wait. Target: >= 5,000 calls/s on one core,
// that is cpu-ns/op <= 200,000 (cpu-calls/s >= 5,000: calls per second of
// the process's CPU time, GC included).
func BenchmarkIVRCall(b *testing.B) {
	b.ReportAllocs()
	v := &benchIVR{app: benchIVRMux()}
	v.renew()
	defer v.close()
	p := benchLifecycleParams()
	// The first call is checked, untimed, so that the benchmark cannot
	// silently measure a call that went wrong.
	benchCheckIVR(b, v.call(b, p))
	m := newBenchMeter(b)
	for i := 0; i < b.N; i++ {
		if v.calls >= benchRotateIVR {
			m.untimed(v.renew)
		}
		v.call(b, p)
	}
	cpu := benchCPU() - m.cpu0 - m.excl
	m.done("calls/s")
	if cpu > 0 && b.N > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "cpu-calls/s")
	}
}

// benchConcurrentDoc is the document of BenchmarkConcurrentCalls: a long
// Pause, so that every call is live at once, then a goodbye.
var benchConcurrentDoc = `<Response><Pause length="` + strconv.Itoa(benchConcurrentPause) + `"/><Say>Goodbye</Say></Response>`

// benchConcurrentApp answers /voice with benchConcurrentDoc and everything
// else (status callbacks) with 204.
var benchConcurrentApp = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/voice" {
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, benchConcurrentDoc)
		return
	}
	w.WriteHeader(http.StatusNoContent)
})

// BenchmarkConcurrentCalls/N: each iteration creates N calls through
// twilio-go in one fresh server (status callbacks for all four events), runs
// the engine one virtual minute so that all N are in their ten-minute Pause
// at once, then runs them all to their end with Server.Run. The fresh server
// and the heap measurements are untimed.
//
// Metrics, for comparing N=100 with N=1000 (linear growth means equal
// per-call figures):
//   - ns/call: wall time per call (ns/op ÷ N); cpu-ns/call the same in CPU
//     time.
//   - B/call: the live heap per call with all N calls live (HeapAlloc after
//     a GC minus HeapAlloc after a GC before the first create, ÷ N).
//   - alloc-B/call and allocs/call: B/op and allocs/op ÷ N.
func BenchmarkConcurrentCalls(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) { benchConcurrent(b, n) })
	}
}

func benchConcurrent(b *testing.B, n int) {
	b.ReportAllocs()
	p := benchLifecycleParams()
	var live float64
	var cpu time.Duration
	var allocBytes, allocs uint64
	var ms runtime.MemStats
	// timed runs f with the timer running, adding its CPU time and what it
	// allocated to the totals.
	timed := func(f func()) {
		runtime.ReadMemStats(&ms)
		a0, m0 := ms.TotalAlloc, ms.Mallocs
		b.StartTimer()
		c0 := benchCPU()
		f()
		cpu += benchCPU() - c0
		b.StopTimer()
		runtime.ReadMemStats(&ms)
		allocBytes += ms.TotalAlloc - a0
		allocs += ms.Mallocs - m0
	}
	b.ResetTimer()
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		srv := harness.NewServer(nil, harness.WithApp(benchOrigin, benchConcurrentApp))
		rc := benchTwilio(srv.HTTPClient())
		before := benchHeapAlloc()

		timed(func() {
			for range n {
				if _, err := rc.CreateCall(p); err != nil {
					b.Fatalf("create call: %v", err)
				}
			}
			srv.Advance(time.Minute)
		})

		during := benchHeapAlloc()
		live += float64(during) - float64(before)
		calls := srv.Calls()
		if len(calls) != n {
			b.Fatalf("the server has %d calls, want %d", len(calls), n)
		}
		for _, c := range calls {
			if st := c.Status(); st != harness.StatusInProgress {
				b.Fatalf("call %s is %s a minute in, want in-progress\n%s", c.SID(), st, c.Transcript())
			}
		}

		timed(srv.Run)

		for _, c := range calls {
			if st := c.Status(); st != harness.StatusCompleted {
				b.Fatalf("call %s ended %s, want completed\n%s", c.SID(), st, c.Transcript())
			}
		}
		runtime.KeepAlive(rc)
		srv.Close()
	}
	calls := float64(b.N) * float64(n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/calls, "ns/call")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/calls, "cpu-ns/call")
	}
	b.ReportMetric(live/calls, "B/call")
	b.ReportMetric(float64(allocBytes)/calls, "alloc-B/call")
	b.ReportMetric(float64(allocs)/calls, "allocs/call")
}
