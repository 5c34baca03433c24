package matchers_test

import (
	"testing"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveStatus(t *testing.T) {
	_, c := menuCall(t)
	g := gomega.NewWithT(t)
	g.Expect(c).To(HaveStatus(harness.StatusCompleted))
	g.Expect(c).To(HaveStatus("completed"))
	g.Expect(c).NotTo(HaveStatus(harness.StatusBusy))
}

func TestHaveStatusFailureMessages(t *testing.T) {
	_, c := menuCall(t)
	testFailureMessages(t, []failureTest{
		{"HaveStatus", func() { gomega.Expect(c).To(HaveStatus(harness.StatusBusy)) },
			[]string{"Expected call " + c.SID() + ` to have status "busy", but its status is "completed"`, "Transcript:", "say          \"Press 2 for billing\""}},
		{"not HaveStatus", func() { gomega.Expect(c).NotTo(HaveStatus("completed")) },
			[]string{`not to have status "completed", but it has`}},
		{"misuse", func() { gomega.Expect("a string").To(HaveStatus("completed")) },
			[]string{"HaveStatus expects a *harness.Call (a matchers.CallRecord), got:"}},
	})
}
