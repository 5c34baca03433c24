package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/twimlharness/twimlharness/harness"
)

// The HTML report of a call, as a failed spec writes it, opens from a file
// with the network cut off and makes no request but for the file itself:
// its list shows the call and its leg, and the call's page its diagram,
// webhooks and transcript.
func TestReportOpensOffline(t *testing.T) {
	t.Parallel()
	// No name resolves and every connection goes to a proxy that is not
	// there; the tab is offline besides.
	b := newBrowser(t, chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
		chromedp.ProxyServer("http://127.0.0.1:9"), chromedp.Flag("proxy-bypass-list", "<-loopback>"))

	// A spec's failure, simulated: the call the spec made, and the report
	// its cleanup writes for it when it has failed.
	srv := newInspectorServer(t)
	c, err := srv.CreateCall(url.Values{"To": {customer}, "From": {ourNumber}, "Url": {appVoice}})
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	dir := t.TempDir()
	spec := &failedSpec{}
	harness.LogTranscriptOnFailure(spec, srv, harness.HTMLReportsIn(dir))
	spec.end()
	path := filepath.Join(dir, "report.html")
	if !slices.ContainsFunc(spec.logged, func(l string) bool { return strings.HasSuffix(l, path) }) {
		t.Fatalf("the failed spec did not log its report %s:\n%s", path, strings.Join(spec.logged, "\n"))
	}
	t.Logf("report: %s", path)
	report := (&url.URL{Scheme: "file", Path: path}).String()

	b.do("cut the tab off the network", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}})
		return err
	}))
	b.do("open the report",
		chromedp.Navigate(report),
		chromedp.WaitVisible(chromedp.CSS(rowOf(c.SID()))))
	if got := run(b, "read the connection", chromedp.Text(chromedp.ID("conn"))); got != "report" {
		t.Errorf("the header says %q, want %q", got, "report")
	}
	if got, want := run(b, "read the count", chromedp.Text(chromedp.ID("count"))), "1–2 of 2 calls"; got != want {
		t.Errorf("the report's list says %q, want %q (the call and its leg)", got, want)
	}
	if run(b, "look for the control panel's link", chromedp.Evaluate[bool](
		`getComputedStyle(document.querySelector('[data-nav="control"]')).display !== 'none'`)) {
		t.Error("the report shows a link to the control panel, which it cannot use")
	}

	openCallPage(t, b, c.SID())
	if n := run(b, "count the webhooks", chromedp.Evaluate[int](`document.querySelectorAll('details.webhook').length`)); n != 3 {
		t.Errorf("the report shows %d webhooks, want 3", n)
	}
	transcript := run(b, "read the transcript", chromedp.Text(chromedp.CSS("pre.transcript")))
	if want := c.Transcript(); strings.TrimSpace(transcript) != strings.TrimSpace(want) {
		t.Errorf("the report's transcript is\n%s\nwant the call's:\n%s", transcript, want)
	}
	b.screenshot("report.png")

	requests := b.requests()
	if !slices.Contains(requests, report) {
		t.Errorf("the tab's requests are %q: the report's own is not among them, so the test saw none", requests)
	}
	for _, u := range requests {
		if u != report {
			t.Errorf("the report made a request to %s: it must need nothing but its own file", u)
		}
	}
}

// failedSpec is a test that failed, as LogTranscriptOnFailure sees it: it
// runs its cleanups when told, and keeps what was logged.
type failedSpec struct {
	cleanups []func()
	logged   []string
}

func (f *failedSpec) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *failedSpec) Failed() bool      { return true }
func (f *failedSpec) Logf(format string, args ...any) {
	f.logged = append(f.logged, fmt.Sprintf(format, args...))
}

// end runs the cleanups, last first, as the testing package does.
func (f *failedSpec) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}
