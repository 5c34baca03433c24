package harness_test

// Benchmarks of the harness against a constant-reply baseline.
//
//	go test ./harness -run '^$' -bench . -benchmem
//
// Every benchmark also runs in a fraction of a second with -benchtime=1x, as
// CI's smoke test does. None of them asserts on timing: the targets are in the
// comments and the derived metrics (pairs/s, calls/s, ratio, bytes/call) are
// for a human or benchstat to judge.
//
// Servers are made with harness.NewServer(nil, ...) and closed by the
// benchmark: a server registered with b.Cleanup would stay reachable, with
// every call it ever made, until the benchmark function returns, which defeats
// recreating it to bound memory. newServer is not used either, so the
// contract check does not run over hundreds of thousands of records.

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

const (
	benchOrigin = "https://app.example.com"
	benchFrom   = "+15005550006"
	benchTo     = "+14155550100"
	benchSay    = `<Response><Say>Hello from the benchmark</Say></Response>`

	// benchRotate is how many calls a server takes in the REST benchmarks
	// before it is replaced (with the timer stopped), to bound memory.
	benchRotate = 5000
	// benchRotateLifecycle is the same for the full-lifecycle benchmarks.
	benchRotateLifecycle = 1000
	// benchRetainedCalls is how many ended calls BenchmarkRetainedPerEndedCall
	// measures per iteration.
	benchRetainedCalls = 2000
	// benchLoopbackWorkers is how many goroutines make requests at once in
	// the loopback benchmarks (on a 2-core machine: 2 per core).
	benchLoopbackWorkers = 4
	// benchLoopbackChunk is how many pairs the loopback benchmarks make
	// between two rotations of the harness server.
	benchLoopbackChunk = 2000
)

// benchTwilio returns the official client for the default account over hc.
func benchTwilio(hc *http.Client) *api.ApiService {
	c := &client.Client{
		Credentials: client.NewCredentials(harness.DefaultAccountSID, harness.DefaultAuthToken),
		HTTPClient:  hc,
	}
	c.SetAccountSid(harness.DefaultAccountSID)
	return api.NewApiServiceWithClient(c)
}

// benchHTTPClient is an http.Client configured as the harness's own
// HTTPClient is (10-second timeout, no redirects), over rt.
func benchHTTPClient(rt http.RoundTripper) *http.Client {
	return &http.Client{
		Transport: rt,
		Timeout:   10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// benchInProcess is the baseline's in-process RoundTripper: it does what the
// harness's own in-process transport does (clone the request, serve it with
// the handler into a recorder, hand back the response) around any handler.
type benchInProcess struct{ h http.Handler }

func (t benchInProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.RequestURI = req.URL.RequestURI()
	r.RemoteAddr = "127.0.0.1:1"
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	if req.Body != nil {
		req.Body.Close()
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// benchRewrite sends requests for https://api.twilio.com to a loopback
// listener instead, over a real *http.Transport.
type benchRewrite struct {
	base *url.URL
	tr   *http.Transport
}

func newBenchRewrite(baseURL string) *benchRewrite {
	u, err := url.Parse(baseURL)
	if err != nil {
		panic(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 64
	tr.MaxIdleConnsPerHost = 16
	return &benchRewrite{base: u, tr: tr}
}

func (t *benchRewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != "api.twilio.com" {
		return t.tr.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.URL.Scheme = t.base.Scheme
	r.URL.Host = t.base.Host
	r.Host = t.base.Host
	return t.tr.RoundTrip(r)
}

// benchBodies are the replies of the constant baseline: one real create
// reply and one real fetch reply of the harness, captured once.
var benchBodies = sync.OnceValues(func() ([]byte, []byte) {
	srv := harness.NewServer(nil)
	defer srv.Close()
	do := func(method, path string, body io.Reader) []byte {
		req := httptest.NewRequest(method, "https://api.twilio.com"+path, body)
		req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code >= 300 {
			panic("capturing the baseline body: " + method + " " + path + ": " + rec.Body.String())
		}
		return rec.Body.Bytes()
	}
	form := url.Values{"To": {benchTo}, "From": {benchFrom}, "Url": {benchOrigin + "/voice"}}
	created := do(http.MethodPost, "/2010-04-01/Accounts/"+srv.AccountSID()+"/Calls.json", strings.NewReader(form.Encode()))
	sid := srv.Calls()[0].SID()
	fetched := do(http.MethodGet, "/2010-04-01/Accounts/"+srv.AccountSID()+"/Calls/"+sid+".json", nil)
	return created, fetched
})

// benchConstant is a bare handler answering every POST with the captured
// create reply (201) and everything else with the captured fetch reply (200).
func benchConstant() http.Handler {
	created, fetched := benchBodies()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			w.Write(created)
			return
		}
		w.WriteHeader(http.StatusOK)
		w.Write(fetched)
	})
}

// benchApp is the application of the lifecycle benchmarks: Say on /voice,
// 204 to every status callback.
var benchApp = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/voice" {
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, benchSay)
		return
	}
	w.WriteHeader(http.StatusNoContent)
})

// benchCreateFetch creates a call (To, From, Url) and fetches it.
func benchCreateFetch(b *testing.B, rc *api.ApiService) {
	p := &api.CreateCallParams{}
	p.SetTo(benchTo).SetFrom(benchFrom).SetUrl(benchOrigin + "/voice")
	created, err := rc.CreateCall(p)
	if err != nil {
		b.Fatalf("create call: %v", err)
	}
	if _, err := rc.FetchCall(*created.Sid, nil); err != nil {
		b.Fatalf("fetch call: %v", err)
	}
}

// benchHarnessTarget is a harness server with the official client on its
// in-process transport, replaced every benchRotate calls.
type benchHarnessTarget struct {
	srv   *harness.Server
	rc    *api.ApiService
	calls int
}

func (h *benchHarnessTarget) renew() {
	if h.srv != nil {
		h.srv.Close()
	}
	h.srv = harness.NewServer(nil)
	h.rc = benchTwilio(h.srv.HTTPClient())
	h.calls = 0
}

// due reports whether the server has taken its share of calls.
func (h *benchHarnessTarget) due() bool { return h.calls >= benchRotate }

func (h *benchHarnessTarget) close() {
	if h.srv != nil {
		h.srv.Close()
	}
}

func benchReportRate(b *testing.B, n int, d time.Duration, unit string) {
	if d > 0 {
		b.ReportMetric(float64(n)/d.Seconds(), unit)
	}
}

// benchMeter resets the benchmark's timer and tracks, besides the wall time
// the testing package measures, the CPU time the process spends in the timed
// sections: on a shared machine wall time includes waiting for a core, CPU
// time does not.
type benchMeter struct {
	b          *testing.B
	cpu0, excl time.Duration
}

func newBenchMeter(b *testing.B) *benchMeter {
	b.ResetTimer()
	return &benchMeter{b: b, cpu0: benchCPU()}
}

// untimed runs f with the timer stopped, its CPU time excluded too.
func (m *benchMeter) untimed(f func()) {
	m.b.StopTimer()
	c := benchCPU()
	f()
	m.excl += benchCPU() - c
	m.b.StartTimer()
}

// done stops the timer and reports rateUnit (ops per wall second) and
// cpu-ns/op.
func (m *benchMeter) done(rateUnit string) {
	cpu := benchCPU() - m.cpu0 - m.excl
	m.b.StopTimer()
	benchReportRate(m.b, m.b.N, m.b.Elapsed(), rateUnit)
	if cpu > 0 && m.b.N > 0 {
		m.b.ReportMetric(float64(cpu.Nanoseconds())/float64(m.b.N), "cpu-ns/op")
	}
}

// benchSpan is the wall and CPU time of some work.
type benchSpan struct{ wall, cpu time.Duration }

func (s *benchSpan) add(o benchSpan) { s.wall += o.wall; s.cpu += o.cpu }

// benchMeasure runs f and returns how long it took.
func benchMeasure(f func()) benchSpan {
	w, c := time.Now(), benchCPU()
	f()
	return benchSpan{wall: time.Since(w), cpu: benchCPU() - c}
}

// benchReportRatio reports the rates of the two halves of a ratio
// benchmark and ratio = a's rate ÷ b's rate, in wall time and in CPU time.
func benchReportRatio(b *testing.B, aName string, sa benchSpan, bName string, sb benchSpan) {
	benchReportRate(b, b.N, sa.wall, aName+"-pairs/s")
	benchReportRate(b, b.N, sb.wall, bName+"-pairs/s")
	if sa.wall > 0 {
		b.ReportMetric(float64(sb.wall)/float64(sa.wall), "ratio")
	}
	if sa.cpu > 0 && sb.cpu > 0 {
		b.ReportMetric(float64(sb.cpu)/float64(sa.cpu), "cpu-ratio")
	}
}

// BenchmarkCreateFetchInProcess: one CreateCall and one FetchCall through
// twilio-go per iteration, over an in-process transport, against the harness
// and against a handler returning a constant body. Target: harness pairs/s
// at least 70% of constant's (see BenchmarkCreateFetchRatio).
func BenchmarkCreateFetchInProcess(b *testing.B) {
	b.Run("harness", func(b *testing.B) {
		b.ReportAllocs()
		h := &benchHarnessTarget{}
		h.renew()
		defer h.close()
		m := newBenchMeter(b)
		for i := 0; i < b.N; i++ {
			if h.due() {
				m.untimed(h.renew)
			}
			benchCreateFetch(b, h.rc)
			h.calls++
		}
		m.done("pairs/s")
	})
	b.Run("constant", func(b *testing.B) {
		b.ReportAllocs()
		rc := benchTwilio(benchHTTPClient(benchInProcess{benchConstant()}))
		m := newBenchMeter(b)
		for i := 0; i < b.N; i++ {
			benchCreateFetch(b, rc)
		}
		m.done("pairs/s")
	})
}

// BenchmarkCreateFetchRatio runs a harness pair and a constant pair in every
// iteration, timing each half, and reports ratio = harness pairs/s ÷
// constant pairs/s from the one run (cpu-ratio: the same in CPU time).
// Target: ratio >= 0.70.
func BenchmarkCreateFetchRatio(b *testing.B) {
	b.ReportAllocs()
	h := &benchHarnessTarget{}
	h.renew()
	defer h.close()
	rc := benchTwilio(benchHTTPClient(benchInProcess{benchConstant()}))
	var sh, sc benchSpan
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if h.due() {
			b.StopTimer()
			h.renew()
			b.StartTimer()
		}
		sh.add(benchMeasure(func() { benchCreateFetch(b, h.rc) }))
		sc.add(benchMeasure(func() { benchCreateFetch(b, rc) }))
		h.calls++
	}
	b.StopTimer()
	benchReportRatio(b, "harness", sh, "constant", sc)
}

// benchLifecycle is a server whose calls reach an in-process app, replaced
// every benchRotateLifecycle calls.
type benchLifecycle struct {
	opts  []harness.Option
	srv   *harness.Server
	rc    *api.ApiService
	calls int
}

func (l *benchLifecycle) renew() {
	if l.srv != nil {
		l.srv.Close()
	}
	opts := append([]harness.Option{harness.WithApp(benchOrigin, benchApp)}, l.opts...)
	l.srv = harness.NewServer(nil, opts...)
	l.rc = benchTwilio(l.srv.HTTPClient())
	l.calls = 0
}

func (l *benchLifecycle) close() {
	if l.srv != nil {
		l.srv.Close()
	}
}

// call creates one call with p through twilio-go and runs it to its end.
func (l *benchLifecycle) call(b *testing.B, p *api.CreateCallParams, want harness.Status) {
	created, err := l.rc.CreateCall(p)
	if err != nil {
		b.Fatalf("create call: %v", err)
	}
	c := l.srv.Call(*created.Sid)
	if c == nil {
		b.Fatalf("the server has no call %s", *created.Sid)
	}
	if info := c.Wait(); info.Status != want {
		b.Fatalf("call %s ended %s, want %s", info.SID, info.Status, want)
	}
	l.calls++
}

// benchLifecycleParams are the parameters of a full outbound call: Url to the
// app, status callbacks for every event.
func benchLifecycleParams() *api.CreateCallParams {
	p := &api.CreateCallParams{}
	p.SetTo(benchTo).SetFrom(benchFrom).SetUrl(benchOrigin + "/voice").
		SetStatusCallback(benchOrigin + "/status").
		SetStatusCallbackEvent([]string{"initiated", "ringing", "answered", "completed"})
	return p
}

// BenchmarkLifecycle: one full outbound call per iteration (create, four
// status callbacks, the voice webhook, Say, hang-up), driven with Wait.
// Target: >= 10,000 calls/s.
func BenchmarkLifecycle(b *testing.B) {
	b.ReportAllocs()
	l := &benchLifecycle{}
	l.renew()
	defer l.close()
	p := benchLifecycleParams()
	m := newBenchMeter(b)
	for i := 0; i < b.N; i++ {
		if l.calls >= benchRotateLifecycle {
			m.untimed(l.renew)
		}
		l.call(b, p, harness.StatusCompleted)
	}
	m.done("calls/s")
}

// BenchmarkNoAnswerTimeout600: a call that rings for ten virtual minutes
// and is not answered. Target: under 100 µs of wall time per call.
func BenchmarkNoAnswerTimeout600(b *testing.B) {
	b.ReportAllocs()
	l := &benchLifecycle{opts: []harness.Option{harness.WithParty(benchTo, scenario.NoAnswer())}}
	l.renew()
	defer l.close()
	p := &api.CreateCallParams{}
	p.SetTo(benchTo).SetFrom(benchFrom).SetUrl(benchOrigin + "/voice").SetTimeout(600)
	m := newBenchMeter(b)
	for i := 0; i < b.N; i++ {
		if l.calls >= benchRotateLifecycle {
			m.untimed(l.renew)
		}
		l.call(b, p, harness.StatusNoAnswer)
	}
	m.done("calls/s")
	if b.N > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e3/float64(b.N), "µs/call")
	}
}

// benchCanned is a RoundTripper answering every request with the
// harness's create reply, doing nothing else: twilio-go's own work alone.
type benchCanned struct{ body []byte }

func (t benchCanned) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusCreated, Status: "201 Created", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(t.body)),
		ContentLength: int64(len(t.body)), Request: req}, nil
}

// BenchmarkClientFloor: what twilio-go's CreateCall costs by itself, with
// the parameters of BenchmarkLifecycle, through an http.Client set up as
// Server.HTTPClient is (10-second timeout, no redirects) over a transport
// that hands back the harness's create reply and does nothing else:
// building and sending the request, and decoding the reply into an
// ApiV2010Call. Every benchmark that creates its calls through twilio-go
// pays it once a call; what Lifecycle, IVRCall and NoAnswerTimeout600 cost
// above it is the harness's own work.
func BenchmarkClientFloor(b *testing.B) {
	b.ReportAllocs()
	created, _ := benchBodies()
	rc := benchTwilio(benchHTTPClient(benchCanned{created}))
	p := benchLifecycleParams()
	m := newBenchMeter(b)
	for i := 0; i < b.N; i++ {
		if _, err := rc.CreateCall(p); err != nil {
			b.Fatalf("create call: %v", err)
		}
	}
	m.done("calls/s")
}

// benchHeapAlloc returns the live heap after a full collection.
func benchHeapAlloc() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkRetainedPerEndedCall: the heap a server keeps per ended call
// (its record: resource, history, webhooks, REST log). Each iteration runs
// benchRetainedCalls full lifecycles on a fresh server; ns/op is the time of
// that batch, GCs included. Target: <= 12.5 KiB per call.
func BenchmarkRetainedPerEndedCall(b *testing.B) {
	b.ReportAllocs()
	p := benchLifecycleParams()
	var retained float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		l := &benchLifecycle{}
		l.renew()
		l.call(b, p, harness.StatusCompleted) // warm up what a server makes once
		before := benchHeapAlloc()
		b.StartTimer()
		for j := 0; j < benchRetainedCalls; j++ {
			l.call(b, p, harness.StatusCompleted)
		}
		b.StopTimer()
		after := benchHeapAlloc()
		runtime.KeepAlive(l.srv)
		runtime.KeepAlive(l.rc)
		retained += (float64(after) - float64(before)) / benchRetainedCalls
		l.close()
	}
	b.ReportMetric(retained/float64(b.N), "bytes/call")
}

// benchLoopbackRun makes n create+fetch pairs of calls to benchApp with
// benchLoopbackWorkers goroutines sharing rc.
func benchLoopbackRun(b *testing.B, rc *api.ApiService, n int) {
	p := &api.CreateCallParams{}
	p.SetTo(benchTo).SetFrom(benchFrom).SetUrl(benchOrigin + "/voice")
	benchLoopbackRunWith(b, rc, n, p)
}

// benchLoopbackRunWith makes n create+fetch pairs of calls created with p,
// with benchLoopbackWorkers goroutines sharing rc.
func benchLoopbackRunWith(b *testing.B, rc *api.ApiService, n int, p *api.CreateCallParams) {
	var wg sync.WaitGroup
	var fail sync.Once
	var failure error
	for w := 0; w < benchLoopbackWorkers; w++ {
		share := n / benchLoopbackWorkers
		if w < n%benchLoopbackWorkers {
			share++
		}
		wg.Go(func() {
			for range share {
				created, err := rc.CreateCall(p)
				if err == nil {
					_, err = rc.FetchCall(*created.Sid, nil)
				}
				if err != nil {
					fail.Do(func() { failure = err })
					return
				}
			}
		})
	}
	wg.Wait()
	if failure != nil {
		b.Fatalf("create+fetch over loopback: %v", failure)
	}
}

// benchLoopbackHarness is a harness server with WithAutoRun on a real
// loopback listener. Its calls run to their end on the server's goroutine
// (the app is in-process); drain waits for them, so the engine's work is
// part of the time measured.
type benchLoopbackHarness struct {
	srv *harness.Server
	tr  *benchRewrite
	rc  *api.ApiService
}

func (h *benchLoopbackHarness) renew() {
	h.close()
	h.srv = harness.NewServer(nil, harness.WithAutoRun(), harness.WithApp(benchOrigin, benchApp))
	h.tr = newBenchRewrite(h.srv.URL())
	h.rc = benchTwilio(benchHTTPClient(h.tr))
}

func (h *benchLoopbackHarness) drain() {
	for _, c := range h.srv.Calls() {
		<-c.Done()
	}
}

func (h *benchLoopbackHarness) close() {
	if h.srv != nil {
		h.tr.tr.CloseIdleConnections()
		h.srv.Close()
	}
}

// benchLoopbackConstant is an httptest server answering with the constant
// bodies.
type benchLoopbackConstant struct {
	ts *httptest.Server
	tr *benchRewrite
	rc *api.ApiService
}

func newBenchLoopbackConstant() *benchLoopbackConstant {
	ts := httptest.NewServer(benchConstant())
	tr := newBenchRewrite(ts.URL)
	return &benchLoopbackConstant{ts: ts, tr: tr, rc: benchTwilio(benchHTTPClient(tr))}
}

func (c *benchLoopbackConstant) close() {
	c.tr.tr.CloseIdleConnections()
	c.ts.Close()
}

// benchChunks calls f with the sizes of successive chunks of n pairs.
func benchChunks(n int, f func(k int)) {
	for n > 0 {
		k := min(n, benchLoopbackChunk)
		f(k)
		n -= k
	}
}

// BenchmarkLoopbackCreateFetch: create+fetch pairs through twilio-go over
// real loopback HTTP, four goroutines at once. harness: the server with
// WithAutoRun on its own listener (the calls run to their end, and the time
// includes waiting for them); nethttp: an httptest server returning constant
// bodies. cpu-ns/op is the CPU time of the whole process (client and server)
// per pair. Target: harness >= 70% of nethttp (see BenchmarkLoopbackRatio).
func BenchmarkLoopbackCreateFetch(b *testing.B) {
	b.Run("harness", func(b *testing.B) {
		b.ReportAllocs()
		h := &benchLoopbackHarness{}
		defer h.close()
		m := newBenchMeter(b)
		benchChunks(b.N, func(k int) {
			m.untimed(h.renew)
			benchLoopbackRun(b, h.rc, k)
			h.drain()
		})
		m.done("pairs/s")
	})
	b.Run("nethttp", func(b *testing.B) {
		b.ReportAllocs()
		c := newBenchLoopbackConstant()
		defer c.close()
		m := newBenchMeter(b)
		benchChunks(b.N, func(k int) {
			benchLoopbackRun(b, c.rc, k)
		})
		m.done("pairs/s")
	})
}

// BenchmarkLoopbackRatio alternates chunks against the harness and against
// the constant httptest server in one b.N loop (each iteration is one pair
// on each) and reports ratio = harness pairs/s ÷ nethttp pairs/s (and
// cpu-ratio, the same in CPU time). Target: ratio >= 0.70.
func BenchmarkLoopbackRatio(b *testing.B) {
	b.ReportAllocs()
	h := &benchLoopbackHarness{}
	defer h.close()
	c := newBenchLoopbackConstant()
	defer c.close()
	var sh, sc benchSpan
	b.ResetTimer()
	benchChunks(b.N, func(k int) {
		b.StopTimer()
		h.renew()
		b.StartTimer()
		sh.add(benchMeasure(func() {
			benchLoopbackRun(b, h.rc, k)
			h.drain()
		}))
		sc.add(benchMeasure(func() { benchLoopbackRun(b, c.rc, k) }))
	})
	b.StopTimer()
	benchReportRatio(b, "harness", sh, "nethttp", sc)
}
