package matchers

import (
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
)

// ReportTranscripts makes a Ginkgo spec that fails carry a transcript of r
// as a report entry, shown with the failure: given a *harness.Server, the
// transcript of every call, then of every conference they were in; given a
// *harness.Call, the call's, then that of the last conference it joined.
// Call it in a BeforeEach, or in the spec, once the server exists.
//
//	BeforeEach(func() {
//		srv = harness.NewServer(GinkgoT(), harness.WithApp(origin, app))
//		matchers.ReportTranscripts(srv)
//	})
//
// With [harness.HTMLReportsIn] (or the environment variable
// [harness.ReportDirEnv] set) a failed spec also leaves a self-contained
// HTML report of r ([harness.Server.HTML], [harness.Call.HTML]) in that
// directory, named after the spec, and its path as a report entry.
func ReportTranscripts(r Record, opts ...harness.ReportOption) {
	ginkgo.DeferCleanup(func() {
		spec := ginkgo.CurrentSpecReport()
		if !spec.Failed() {
			return
		}
		ginkgo.AddReportEntry("transcript", reportedTranscript(r), ginkgo.ReportEntryVisibilityFailureOrVerbose)
		page, ok := r.(harness.HTMLReporter)
		if !ok {
			return
		}
		switch path, err := harness.SaveFailureReport(spec.FullText(), page, opts...); {
		case err != nil:
			ginkgo.AddReportEntry("html report", "no HTML report: "+err.Error(), ginkgo.ReportEntryVisibilityFailureOrVerbose)
		case path != "":
			ginkgo.AddReportEntry("html report", path, ginkgo.ReportEntryVisibilityFailureOrVerbose)
		}
	})
}

// reportedTranscript is the transcript ReportTranscripts reports: r's, and
// for a call, that of the last conference it joined after a blank line, as
// a server's transcript shows a conference after its calls. (A server's
// transcript has its conferences already.)
func reportedTranscript(r Record) string {
	t := r.Transcript()
	if cf := lastConference(r); cf != nil {
		t += "\n" + cf.Transcript()
	}
	return t
}

// Strict makes the spec fail at its end if srv logged an error or warning
// (a TwiML problem, a failed request) whose code is not among allowed: a
// contract test of the application's TwiML. Call it in a BeforeEach.
func Strict(srv Record, allowed ...int) {
	ginkgo.DeferCleanup(func() {
		gomega.Expect(srv).To(HaveNoUnexpectedNotifications(allowed...), "strict mode: the spec did not expect these notifications")
	})
}
