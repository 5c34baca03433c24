package matchers_test

import (
	"testing"

	"github.com/onsi/gomega"

	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveJoinedConference(t *testing.T) {
	srv, customer, agent := conferenceCalls(t)
	g := gomega.NewWithT(t)
	g.Expect(customer).To(HaveJoinedConference("room"))
	g.Expect(agent).To(HaveJoinedConference("room").As("agent"))
	g.Expect(agent).To(HaveJoinedConference("room").As(gomega.HavePrefix("ag")))
	g.Expect(agent).NotTo(HaveJoinedConference("room").As("customer"))
	g.Expect(agent).NotTo(HaveJoinedConference("other"))
	_, menu := menuCall(t)
	g.Expect(menu).NotTo(HaveJoinedConference("room"))
	_, err := HaveJoinedConference("room").Match(srv)
	g.Expect(err).To(gomega.MatchError(gomega.ContainSubstring("HaveJoinedConference expects a *harness.Call")))
}

func TestHaveJoinedConferenceFailureMessages(t *testing.T) {
	_, customer, _ := conferenceCalls(t)
	_, menu := menuCall(t)
	testFailureMessages(t, []failureTest{
		{"another label", func() { gomega.Expect(customer).To(HaveJoinedConference("room").As("agent")) },
			[]string{`to have joined conference "room" as "agent", but it joined:`, `    "room" as "customer"`,
				"Transcript:", `joined conference "room" as "customer"`,
				"Conference transcript:", `conference CF`, "participant-join", "conference-end"}},
		{"no conference", func() { gomega.Expect(menu).To(HaveJoinedConference("room")) },
			[]string{`to have joined conference "room", but it joined:`, "(no conference)", "Transcript:"}},
		{"negated", func() { gomega.Expect(customer).NotTo(HaveJoinedConference("room")) },
			[]string{`not to have joined conference "room", but it joined:`, "Conference transcript:"}},
	})
}
