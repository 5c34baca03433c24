package matchers_test

import (
	"regexp"
	"testing"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveHeard(t *testing.T) {
	srv, customer, agent := conferenceCalls(t)
	g := gomega.NewWithT(t)
	g.Expect(customer).To(HaveHeard("Please wait", harness.SourceBeep, "how can I help"))
	g.Expect(customer).To(HaveHeard(regexp.MustCompile(`^how can`)))
	g.Expect(customer).To(HaveHeard(harness.SourceBeep, agent.SID()))
	g.Expect(customer).To(HaveHeard(gomega.And(gomega.HaveField("Label", "agent"), gomega.HaveField("Conference", "room"))))
	g.Expect(customer).To(HaveHeard(harness.SourceWaitMusic))
	g.Expect(customer).NotTo(HaveHeard("how can I help", "Please wait"), "out of order")
	g.Expect(customer).NotTo(HaveHeard("hello there"), "its own words")
	g.Expect(agent).To(HaveHeard("hello there"))
	_, err := HaveHeard(42).Match(customer)
	g.Expect(err).To(gomega.MatchError(gomega.ContainSubstring("HaveHeard: expects strings, *regexp.Regexp or matchers, got int")))
	_, err = HaveHeard("x").Match(srv)
	g.Expect(err).To(gomega.MatchError(gomega.ContainSubstring("HaveHeard expects a *harness.Call")))
}

func TestHaveHeardFailureMessages(t *testing.T) {
	_, customer, agent := conferenceCalls(t)
	_, menu := menuCall(t)
	testFailureMessages(t, []failureTest{
		{"out of order", func() { gomega.Expect(customer).To(HaveHeard("how can I help", "Please wait")) },
			[]string{"to have heard, in order,\n    \"how can I help\" → \"Please wait\"\nbut it heard:",
				`    "Please wait" (wait-music)`, "    the beep", `    "how can I help" from "agent" (` + agent.SID() + ")",
				`(not heard in order: "Please wait")`, "Transcript:", "Conference transcript:"}},
		{"nothing", func() { gomega.Expect(menu).To(HaveHeard("hello")) },
			[]string{"but it heard:\n    (nothing)"}},
		{"negated", func() { gomega.Expect(agent).NotTo(HaveHeard("hello")) },
			[]string{"not to have heard, in order,", `"hello there" from "customer"`, "Conference transcript:"}},
	})
}
