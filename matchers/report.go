package matchers

import (
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
)

// ReportTranscripts makes a Ginkgo spec that fails carry the transcript of
// every call of srv as a report entry, shown with the failure. Call it in a
// BeforeEach, or in the spec, once the server exists.
//
//	BeforeEach(func() {
//		srv = harness.NewServer(GinkgoT(), harness.WithApp(origin, app))
//		matchers.ReportTranscripts(srv)
//	})
func ReportTranscripts(srv Record) {
	ginkgo.DeferCleanup(func() {
		if ginkgo.CurrentSpecReport().Failed() {
			ginkgo.AddReportEntry("transcript", srv.Transcript(), ginkgo.ReportEntryVisibilityFailureOrVerbose)
		}
	})
}

// Strict makes the spec fail at its end if srv logged an error or warning
// (a TwiML problem, a failed request) whose code is not among allowed: a
// contract test of the application's TwiML. Call it in a BeforeEach.
func Strict(srv Record, allowed ...int) {
	ginkgo.DeferCleanup(func() {
		gomega.Expect(srv).To(HaveNoUnexpectedNotifications(allowed...), "strict mode: the spec did not expect these notifications")
	})
}
