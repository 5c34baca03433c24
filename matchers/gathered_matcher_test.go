package matchers_test

import (
	"testing"

	"github.com/onsi/gomega"

	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveGathered(t *testing.T) {
	_, c := menuCall(t)
	g := gomega.NewWithT(t)
	g.Expect(c).To(HaveGathered("2"))
	g.Expect(c).NotTo(HaveGathered("1"))
}

func TestHaveGatheredFailureMessages(t *testing.T) {
	_, c := menuCall(t)
	testFailureMessages(t, []failureTest{
		{"HaveGathered", func() { gomega.Expect(c).To(HaveGathered("1")) },
			[]string{`to have gathered "1", but its gathers sent:`, `    "2"`}},
	})
}
