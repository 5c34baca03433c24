package matchers_test

import (
	"testing"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveQueueResult(t *testing.T) {
	srv, taken, gaveUp, agent := queueCalls(t)
	g := gomega.NewWithT(t)
	g.Expect(taken).To(HaveQueueResult(harness.QueueBridged))
	g.Expect(taken).To(HaveQueueResult("bridged"))
	g.Expect(gaveUp).To(HaveQueueResult(harness.QueueHangup))
	g.Expect(gaveUp).To(HaveQueueResult(gomega.Or(gomega.Equal("hangup"), gomega.Equal("leave"))))
	g.Expect(gaveUp).NotTo(HaveQueueResult(harness.QueueBridged))
	g.Expect(agent).NotTo(HaveQueueResult(gomega.Not(gomega.BeEmpty())))
	g.Expect(srv).To(HaveQueueResult(harness.QueueHangup))
	// What the action received, as the event says.
	for _, r := range gaveUp.Requests() {
		if r.Kind == harness.KindAction {
			g.Expect(r.Form.Get("QueueResult")).To(gomega.Equal(harness.QueueHangup))
		}
	}
}

func TestHaveQueueResultFailureMessages(t *testing.T) {
	_, taken, _, agent := queueCalls(t)
	testFailureMessages(t, []failureTest{
		{"HaveQueueResult", func() { gomega.Expect(taken).To(HaveQueueResult(harness.QueueLeave)) },
			[]string{"Expected call " + taken.SID() + ` to have left a queue with QueueResult "leave", but its results are:`,
				`"bridged"`, "Transcript:", `left "support": QueueResult=bridged after 20s`}},
		{"HaveQueueResult of a call in no queue", func() { gomega.Expect(agent).To(HaveQueueResult("bridged")) },
			[]string{"(it left no queue)"}},
		{"not HaveQueueResult", func() { gomega.Expect(taken).NotTo(HaveQueueResult("bridged")) },
			[]string{`not to have left a queue with QueueResult "bridged"`}},
	})
}
