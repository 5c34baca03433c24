package harness_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

// benchRecordings is how many recordings BenchmarkListRecordingsRatio
// lists, in pages of benchRecordingsPage.
const (
	benchRecordings     = 1000
	benchRecordingsPage = 50
)

// benchRecordingServer returns a server with benchRecordings completed
// recordings: one Record=true call each.
func benchRecordingServer(b *testing.B) *harness.Server {
	srv := harness.NewServer(nil)
	for range benchRecordings {
		if _, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Record": {"true"},
			"Twiml": {`<Response><Pause length="2"/></Response>`}}); err != nil {
			b.Fatal(err)
		}
	}
	srv.Run()
	return srv
}

// benchPages returns a handler that answers each page of the recordings'
// list with the body the harness gave for it, rendered once: the cost of
// answering a page, with the harness's work taken out.
func benchPages(b *testing.B, srv *harness.Server) http.Handler {
	pages := map[string][]byte{}
	path := "/2010-04-01/Accounts/" + srv.AccountSID() + "/Recordings.json"
	next := path + fmt.Sprintf("?PageSize=%d", benchRecordingsPage)
	for next != "" {
		req := httptest.NewRequest(http.MethodGet, next, nil)
		req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		u, _ := url.Parse(next)
		pages[u.Query().Get("Page")] = body
		var env struct {
			NextPageURI *string `json:"next_page_uri"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			b.Fatal(err)
		}
		next = ""
		if env.NextPageURI != nil {
			next = *env.NextPageURI
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(pages[r.URL.Query().Get("Page")])
	})
}

// benchListRecordings lists every recording through twilio-go.
func benchListRecordings(b *testing.B, rest interface {
	ListRecording(*api.ListRecordingParams) ([]api.ApiV2010Recording, error)
}) {
	recs, err := rest.ListRecording((&api.ListRecordingParams{}).SetPageSize(benchRecordingsPage))
	if err != nil {
		b.Fatal(err)
	}
	if len(recs) != benchRecordings {
		b.Fatalf("listed %d recordings, want %d", len(recs), benchRecordings)
	}
}

// BenchmarkListRecordingsRatio lists 1,000 recordings in pages of 50
// through twilio-go, against the harness and against a handler that
// answers each page with a body rendered once, timing each half of every
// iteration, and reports ratio = harness lists/s ÷ constant lists/s from
// the one run (cpu-ratio: the same in CPU time). Target: ratio >= 0.70.
func BenchmarkListRecordingsRatio(b *testing.B) {
	b.ReportAllocs()
	srv := benchRecordingServer(b)
	defer srv.Close()
	hrc := benchTwilio(srv.HTTPClient())
	crc := benchTwilio(benchHTTPClient(benchInProcess{benchPages(b, srv)}))
	var sh, sc benchSpan
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sh.add(benchMeasure(func() { benchListRecordings(b, hrc) }))
		sc.add(benchMeasure(func() { benchListRecordings(b, crc) }))
	}
	b.StopTimer()
	benchReportRatio(b, "harness", sh, "constant", sc)
}
