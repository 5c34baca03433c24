package harness_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twimlharness/twimlharness/harness"
)

// benchUICalls is how many calls the inspector's list pages through in
// BenchmarkControlCallList: the 10,000.
const benchUICalls = 10000

// BenchmarkControlCallList: the inspector's list of calls (GET
// /_harness/calls) on a server with 10,000 ended calls, its first page and
// its last, through the control handler. It reports the time to the
// reply's first byte (first-byte-ns/op) besides the whole reply's; the
// target is under 100 ms.
func BenchmarkControlCallList(b *testing.B) {
	srv := harness.NewServer(nil, harness.WithControlAPI())
	defer srv.Close()
	for range benchUICalls {
		if _, err := srv.CreateCall(url.Values{"To": {benchTo}, "From": {benchFrom},
			"Twiml": {"<Response><Say>Hi</Say></Response>"}}); err != nil {
			b.Fatal(err)
		}
	}
	srv.Run()
	h := srv.ControlHandler()
	for _, bc := range []struct {
		name, query, want string
	}{
		{"first_page", "limit=50", `"offset":0`},
		{"last_page", "offset=9950&limit=50", `"offset":9950`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, harness.ControlPrefix+"calls?"+bc.query, nil)
			req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
			var first time.Duration
			for b.Loop() {
				w := &firstByteRecorder{ResponseRecorder: httptest.NewRecorder(), start: time.Now()}
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"total":10000`) ||
					!strings.Contains(w.Body.String(), bc.want) {
					b.Fatalf("GET calls?%s: %d %.200s", bc.query, w.Code, w.Body)
				}
				first += w.first
			}
			b.ReportMetric(float64(first.Nanoseconds())/float64(b.N), "first-byte-ns/op")
		})
	}
}

// firstByteRecorder is a ResponseRecorder that notes when the handler
// first wrote, since start.
type firstByteRecorder struct {
	*httptest.ResponseRecorder
	start time.Time
	first time.Duration
}

func (r *firstByteRecorder) mark() {
	if r.first == 0 {
		r.first = time.Since(r.start)
	}
}

func (r *firstByteRecorder) WriteHeader(code int) {
	r.mark()
	r.ResponseRecorder.WriteHeader(code)
}

func (r *firstByteRecorder) Write(p []byte) (int, error) {
	r.mark()
	return r.ResponseRecorder.Write(p)
}
