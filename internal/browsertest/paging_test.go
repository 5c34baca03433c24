package browsertest

import (
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/twimlharness/twimlharness/harness"
)

// manyCalls is how many calls TestInspectorPagesTenThousandCalls pages
// through.
const manyCalls = 10000

// The inspector of a server with 10,000 calls shows them 50 a page, and its
// pager goes to the next page and to the last. The test logs how long the
// browser waited for the first byte of each page of the list (Resource
// Timing: responseStart − requestStart); it asserts no time, which would
// depend on the machine.
func TestInspectorPagesTenThousandCalls(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	srv := harness.NewServer(t, harness.WithControlAPI())
	sids := make([]string, manyCalls)
	for i := range sids {
		c, err := srv.CreateCall(url.Values{"To": {customer}, "From": {ourNumber},
			"Twiml": {"<Response><Say>Hi</Say></Response>"}})
		if err != nil {
			t.Fatal(err)
		}
		sids[i] = c.SID()
	}
	srv.Run()

	openInspector(b, srv, "#/")
	page := func(what, count, newest, oldest string) {
		t.Helper()
		b.do(what, chromedp.Poll[chromedp.Void](`document.getElementById('count').textContent === `+js(count)))
		rows := run(b, "read the rows of "+what, chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll('#calls tr'), (r) => r.dataset.sid)`))
		if len(rows) != 50 || rows[0] != newest || rows[49] != oldest {
			t.Errorf("%s: the page shows %d rows, from %.12s to %.12s; want 50, from %.12s to %.12s",
				what, len(rows), first(rows), last(rows), newest, oldest)
		}
	}
	page("the first page", "1–50 of 10000 calls", sids[manyCalls-1], sids[manyCalls-50])
	b.do("go to the next page", chromedp.Click(chromedp.ID("older")))
	page("the second page", "51–100 of 10000 calls", sids[manyCalls-51], sids[manyCalls-100])
	b.do("go to the last page", chromedp.Click(chromedp.ID("oldest")))
	page("the last page", "9951–10000 of 10000 calls", sids[49], sids[0])
	b.screenshot("inspector-paging.png")

	timings := run(b, "read the Resource Timing of the list", chromedp.Evaluate[[]struct {
		URL       string  `json:"url"`
		FirstByte float64 `json:"first_byte"`
		Total     float64 `json:"total"`
	}](`performance.getEntriesByType('resource').filter((e) => e.name.includes('/_harness/calls?')).map((e) =>
		({url: e.name, first_byte: e.responseStart - e.requestStart, total: e.responseEnd - e.startTime}))`))
	if len(timings) != 3 {
		t.Errorf("the browser timed %d requests for the list, want 3 (three pages)", len(timings))
	}
	for _, tm := range timings {
		u, _ := url.Parse(tm.URL)
		t.Logf("GET %s with %d calls: first byte after %.1f ms, whole reply after %.1f ms", u.RequestURI(), manyCalls, tm.FirstByte, tm.Total)
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}
