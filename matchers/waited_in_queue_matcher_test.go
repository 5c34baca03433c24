package matchers_test

import (
	"testing"
	"time"

	"github.com/onsi/gomega"

	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveWaitedInQueue(t *testing.T) {
	srv, taken, gaveUp, agent := queueCalls(t)
	g := gomega.NewWithT(t)
	g.Expect(taken).To(HaveWaitedInQueue("support"))
	g.Expect(taken).To(HaveWaitedInQueue("support").For(20 * time.Second))
	g.Expect(gaveUp).To(HaveWaitedInQueue("support").For(45 * time.Second))
	g.Expect(gaveUp).To(HaveWaitedInQueue(gomega.HavePrefix("sup")).For(gomega.BeNumerically(">", 40*time.Second)))
	g.Expect(taken).NotTo(HaveWaitedInQueue("support").For(45 * time.Second))
	g.Expect(taken).NotTo(HaveWaitedInQueue("sales"))
	g.Expect(agent).NotTo(HaveWaitedInQueue("support"), "the agent dials the queue, it does not wait in it")
	g.Expect(srv).To(HaveWaitedInQueue("support").For(45 * time.Second))
}

func TestHaveWaitedInQueueFailureMessages(t *testing.T) {
	_, taken, _, agent := queueCalls(t)
	testFailureMessages(t, []failureTest{
		{"HaveWaitedInQueue For", func() { gomega.Expect(taken).To(HaveWaitedInQueue("support").For(time.Minute)) },
			[]string{"Expected call " + taken.SID() + ` to have waited in queue "support" for 1m0s, but it waited:`,
				`"support" for 20s (QueueResult=bridged)`, "Transcript:", `enqueued in "support" at position 1`}},
		{"HaveWaitedInQueue in no queue", func() { gomega.Expect(agent).To(HaveWaitedInQueue("support")) },
			[]string{`to have waited in queue "support", but it waited:`, "(in no queue)"}},
		{"not HaveWaitedInQueue", func() { gomega.Expect(taken).NotTo(HaveWaitedInQueue("support")) },
			[]string{`not to have waited in queue "support", but it waited:`}},
		{"misuse", func() { gomega.Expect(42).To(HaveWaitedInQueue("support")) },
			[]string{"HaveWaitedInQueue expects a *harness.Call or a *harness.Server"}},
	})
}
