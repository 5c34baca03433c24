package matchers_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	. "github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
)

// TestMisuse: a matcher of a Record given something else fails with an
// error that names the types it accepts.
func TestMisuse(t *testing.T) {
	testFailureMessages(t, []failureTest{
		{"misuse of a record matcher", func() { gomega.Expect(42).To(HaveSaid("x")) },
			[]string{"HaveSaid expects a *harness.Call or a *harness.Server"}},
	})
}

func TestEventuallyStopsOnceTheCallEnded(t *testing.T) {
	srv := harness.NewServer(t, harness.WithAutoRun(), harness.WithParty(to, scenario.Busy()))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Twiml": {"<Response/>"}})
	if err != nil {
		t.Fatal(err)
	}
	<-c.Done()
	m := HaveStatus(harness.StatusCompleted)
	if ok, _ := m.Match(c); ok {
		t.Fatal("a busy call matched completed")
	}
	if m.(interface{ MatchMayChangeInTheFuture(any) bool }).MatchMayChangeInTheFuture(c) {
		t.Error("an ended call may still change, says the matcher: Eventually would wait for nothing")
	}
	gomega.RegisterTestingT(t)
	start := time.Now()
	fails := gomega.InterceptGomegaFailures(func() {
		gomega.Eventually(c).WithTimeout(time.Minute).Should(HaveStatus(harness.StatusCompleted))
	})
	if len(fails) != 1 || time.Since(start) > 10*time.Second {
		t.Errorf("Eventually on an ended call: %d failures after %v; want it to give up at once", len(fails), time.Since(start))
	}
}
