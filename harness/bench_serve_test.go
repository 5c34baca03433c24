package harness_test

import (
	"flag"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

// serveOptions configures a server as twimlharness serve does.
func serveOptions() []harness.Option {
	return []harness.Option{harness.WithAutoRun(), harness.WithControlAPI(), harness.WithRetention(harness.ServeRetention())}
}

// BenchmarkServeRunningRatio: a server configured as serve, on a loopback
// listener, and four clients doing create+fetch through twilio-go where
// every call created really runs (inline <Pause length="600"/>, the engine
// running by itself), against an httptest server returning a constant call
// in the same run. ratio = harness pairs/s ÷ constant pairs/s; target >= 0.70.
func BenchmarkServeRunningRatio(b *testing.B) {
	b.ReportAllocs()
	p := &api.CreateCallParams{}
	p.SetTo(benchTo).SetFrom(benchFrom).SetTwiml(`<Response><Pause length="600"/></Response>`)
	var srv *harness.Server
	var h *benchRewrite
	renew := func() {
		if srv != nil {
			h.tr.CloseIdleConnections()
			srv.Close()
		}
		srv = harness.NewServer(nil, serveOptions()...)
		h = newBenchRewrite(srv.URL())
	}
	defer func() {
		h.tr.CloseIdleConnections()
		srv.Close()
	}()
	c := newBenchLoopbackConstant()
	defer c.close()
	var sh, sc benchSpan
	b.ResetTimer()
	benchChunks(b.N, func(k int) {
		b.StopTimer()
		renew()
		rc := benchTwilio(benchHTTPClient(h))
		b.StartTimer()
		sh.add(benchMeasure(func() { benchLoopbackRunWith(b, rc, k, p) }))
		sc.add(benchMeasure(func() { benchLoopbackRunWith(b, c.rc, k, p) }))
	})
	b.StopTimer()
	benchReportRatio(b, "harness", sh, "constant", sc)
}

// soakHeapCeiling is the live heap BenchmarkSoak allows after its calls:
// serve's retention keeps 10,000 ended calls, measured at about 100 MiB
// of live heap with everything else the test binary holds.
const soakHeapCeiling = 150 << 20

var soakCalls = flag.Int("soak-calls", 200000, "calls BenchmarkSoak makes through a server configured as serve")

// BenchmarkSoak: -soak-calls short calls (created through the REST API,
// each saying a word and sending its status callbacks) through a server
// configured as serve, with its default retention. It reports the live heap
// and the process's resident memory after them; the live heap must stay
// under soakHeapCeiling, whatever the number of calls, or the benchmark
// fails. For comparison it reports the memory one call keeps with the
// retention off (off-bytes/call).
func BenchmarkSoak(b *testing.B) {
	for range b.N {
		srv := harness.NewServer(nil, append(serveOptions(), harness.WithApp(benchOrigin, benchApp))...)
		runSoak(b, srv, *soakCalls)
		heap, rss := benchLiveHeap(), benchRSS()
		kept := len(srv.Calls())
		srv.Close()
		b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
		b.ReportMetric(float64(rss)/(1<<20), "rss-MB")
		b.ReportMetric(float64(kept), "calls-kept")
		if heap > soakHeapCeiling {
			b.Fatalf("after %d calls with serve's retention the live heap is %d MiB, over the ceiling of %d MiB: "+
				"does the retention forget what it should?", *soakCalls, heap>>20, soakHeapCeiling>>20)
		}
		const offCalls = 20000
		before := benchLiveHeap()
		off := harness.NewServer(nil, harness.WithAutoRun(), harness.WithApp(benchOrigin, benchApp))
		runSoak(b, off, offCalls)
		after := benchLiveHeap()
		runtime.KeepAlive(off)
		off.Close()
		b.ReportMetric(float64(after-before)/offCalls, "off-bytes/call")
	}
}

// runSoak makes n calls through srv's REST API, in-process, and waits for
// each to end.
func runSoak(b *testing.B, srv *harness.Server, n int) {
	rc := benchTwilio(srv.HTTPClient())
	p := &api.CreateCallParams{}
	p.SetTo(benchTo).SetFrom(benchFrom).SetUrl(benchOrigin + "/voice").SetStatusCallback(benchOrigin + "/status")
	start := time.Now()
	for i := range n {
		created, err := rc.CreateCall(p)
		if err != nil {
			b.Fatalf("call %d: %v", i, err)
		}
		if c := srv.Call(*created.Sid); c != nil {
			<-c.Done()
		}
	}
	b.Logf("%d calls in %v", n, time.Since(start).Round(time.Millisecond))
}

// benchLiveHeap returns the bytes of live heap after a collection.
func benchLiveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// benchRSS returns the process's resident memory, or 0 where /proc does
// not tell it.
func benchRSS() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
