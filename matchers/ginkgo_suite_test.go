package matchers_test

import (
	"net/url"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestGinkgo(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "matchers under Ginkgo")
}

var _ = Describe("a menu call", func() {
	var srv *harness.Server

	BeforeEach(func() {
		srv = harness.NewServer(GinkgoT(), harness.WithApp(origin, app{
			"/voice": `<Response><Gather numDigits="1" action="/menu"><Say>Press 2 for billing</Say></Gather></Response>`,
			"/menu":  `<Response><Say>Billing</Say></Response>`,
		}), harness.WithParty(to, scenario.Person().Presses("2")))
		matchers.ReportTranscripts(srv)
		matchers.Strict(srv)
	})

	It("goes to billing", func() {
		call, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() *harness.Call { srv.Advance(time.Second); return call }).Should(matchers.HaveSaid("Billing"))
		call.Wait()
		Expect(call).To(matchers.HaveStatus(harness.StatusCompleted))
		Expect(call).To(matchers.HaveGathered("2"))
	})
})
