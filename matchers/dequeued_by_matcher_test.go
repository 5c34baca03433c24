package matchers_test

import (
	"testing"

	"github.com/onsi/gomega"

	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveBeenDequeuedBy(t *testing.T) {
	srv, taken, gaveUp, agent := queueCalls(t)
	g := gomega.NewWithT(t)
	g.Expect(taken).To(HaveBeenDequeuedBy(agent))
	g.Expect(taken).To(HaveBeenDequeuedBy(agent.SID()))
	g.Expect(taken).To(HaveBeenDequeuedBy(gomega.HavePrefix("CA")))
	g.Expect(gaveUp).NotTo(HaveBeenDequeuedBy(agent))
	g.Expect(agent).NotTo(HaveBeenDequeuedBy(taken), "the agent's own dequeued event names the caller: it was not dequeued")
	g.Expect(srv).To(HaveBeenDequeuedBy(agent))
	g.Expect(srv).NotTo(HaveBeenDequeuedBy(taken))
}

func TestHaveBeenDequeuedByFailureMessages(t *testing.T) {
	_, taken, gaveUp, agent := queueCalls(t)
	testFailureMessages(t, []failureTest{
		{"HaveBeenDequeuedBy", func() { gomega.Expect(gaveUp).To(HaveBeenDequeuedBy(agent)) },
			[]string{"Expected call " + gaveUp.SID() + " to have been dequeued by \"" + agent.SID() + "\", but it was dequeued by:",
				"(nobody: no agent took it)", "Transcript:", `left "support": QueueResult=hangup after 45s`}},
		{"not HaveBeenDequeuedBy", func() { gomega.Expect(taken).NotTo(HaveBeenDequeuedBy(agent)) },
			[]string{"not to have been dequeued by", `"` + agent.SID() + `"`}},
	})
}
