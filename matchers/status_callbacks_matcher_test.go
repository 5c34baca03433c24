package matchers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"

	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveStatusCallbacks(t *testing.T) {
	_, c := menuCall(t)
	gomega.NewWithT(t).Expect(c).To(HaveStatusCallbacks("initiated", "ringing", "in-progress", "completed"))
}

func TestHaveStatusCallbacksFailureMessages(t *testing.T) {
	_, c := menuCall(t)
	testFailureMessages(t, []failureTest{
		{"HaveStatusCallbacks", func() { gomega.Expect(c).To(HaveStatusCallbacks("initiated", "completed")) },
			[]string{"to have sent the status callbacks\n    initiated → completed\nbut it sent\n    initiated → ringing → in-progress → completed"}},
	})
}

// TestStatusCallbackDetails: SequenceNumber counts the callbacks sent to
// the URL from 0, and the final one carries CallDuration.
func TestStatusCallbackDetails(t *testing.T) {
	_, c := menuCall(t)
	g := gomega.NewWithT(t)
	all := []string{"initiated", "ringing", "in-progress", "completed"}
	duration := c.Info().Duration / time.Second
	g.Expect(c).To(HaveStatusCallbacks(all...).WithSequenceNumbers(0, 1, 2, 3).WithCallDuration(int(duration)))
	g.Expect(c).To(HaveStatusCallbacks(all...).WithCallDuration(gomega.BeNumerically(">", 5)))
	g.Expect(c).NotTo(HaveStatusCallbacks(all...).WithSequenceNumbers(1, 2, 3, 4))
	g.Expect(c).NotTo(HaveStatusCallbacks(all...).WithCallDuration(int(duration) + 1))
	msg := failure(t, func() { gomega.Expect(c).To(HaveStatusCallbacks(all...).WithSequenceNumbers(0, 0, 0, 0)) })
	want := "with SequenceNumber 0 → 0 → 0 → 0\nbut it sent\n    initiated → ringing → in-progress → completed with SequenceNumber 0 → 1 → 2 → 3"
	if !strings.Contains(msg, want) {
		t.Errorf("the failure message lacks %q:\n%s", want, msg)
	}
	msg = failure(t, func() { gomega.Expect(c).To(HaveStatusCallbacks(all...).WithCallDuration(999)) })
	if want := fmt.Sprintf("and a final CallDuration of 999\nbut it sent\n    initiated → ringing → in-progress → completed and a final CallDuration of %d", duration); !strings.Contains(msg, want) {
		t.Errorf("the failure message lacks %q:\n%s", want, msg)
	}
}
