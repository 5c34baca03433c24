package matchers_test

import (
	"testing"

	"github.com/onsi/gomega"

	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveBeenOnHold(t *testing.T) {
	_, customer, agent := conferenceCalls(t)
	g := gomega.NewWithT(t)
	g.Expect(heldCall{agent}).To(HaveBeenOnHold())
	g.Expect(agent).NotTo(HaveBeenOnHold())
	g.Expect(customer).NotTo(HaveBeenOnHold())
}

func TestHaveBeenOnHoldFailureMessages(t *testing.T) {
	_, _, agent := conferenceCalls(t)
	testFailureMessages(t, []failureTest{
		{"never", func() { gomega.Expect(agent).To(HaveBeenOnHold()) },
			[]string{"to have been on hold in a conference, but it never was", "Transcript:", "Conference transcript:", `"room"`}},
		{"negated", func() { gomega.Expect(heldCall{agent}).NotTo(HaveBeenOnHold()) },
			[]string{"never to have been on hold in a conference, but it was:", `in "room", hearing https://cdn.example.com/hold.mp3`,
				"Conference transcript:"}},
	})
}
