package matchers_test

import (
	"testing"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveDialed(t *testing.T) {
	_, c := menuCall(t)
	gomega.NewWithT(t).Expect(c).To(HaveDialed("+14155550200").WithStatus(harness.StatusBusy))
}

func TestHaveChildCalls(t *testing.T) {
	_, c := menuCall(t)
	g := gomega.NewWithT(t)
	g.Expect(c).To(HaveChildCalls(1))
	g.Expect(c).To(HaveChildCalls(HaveStatus(harness.StatusBusy)))
}

func TestHaveDialedFailureMessages(t *testing.T) {
	_, c := menuCall(t)
	testFailureMessages(t, []failureTest{
		{"HaveDialed", func() { gomega.Expect(c).To(HaveDialed("+14155550200").WithStatus("completed")) },
			[]string{`to have dialed "+14155550200" ending "completed", but it dialed:`, "+14155550200 (busy)"}},
		{"HaveChildCalls", func() { gomega.Expect(c).To(HaveChildCalls(2)) },
			[]string{"to have dialed 2 legs matching, but its legs are:", "to +14155550200 (busy)"}},
	})
}
