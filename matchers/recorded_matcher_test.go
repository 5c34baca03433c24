package matchers_test

import (
	"testing"
	"time"

	"github.com/onsi/gomega"

	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveRecorded(t *testing.T) {
	_, c := menuCall(t)
	gomega.NewWithT(t).Expect(c).To(HaveRecorded().WithDuration(4 * time.Second).WithSource("RecordVerb"))
}

func TestHaveRecordedFailureMessages(t *testing.T) {
	_, c := menuCall(t)
	testFailureMessages(t, []failureTest{
		{"HaveRecorded", func() { gomega.Expect(c).To(HaveRecorded().WithDuration(10 * time.Second)) },
			[]string{"to have made a recording lasting 10s, but its recordings are:", "from RecordVerb, 4s, completed"}},
	})
}
