package matchers_test

import (
	"testing"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	. "github.com/twimlharness/twimlharness/matchers"
)

func TestHaveConferenceEvents(t *testing.T) {
	srv, customer, _ := conferenceCalls(t)
	conf := srv.Conference("room")
	g := gomega.NewWithT(t)
	speech := []string{"participant-speech-start", "participant-speech-stop"}
	g.Expect(conf).To(HaveConferenceEvents("participant-join", "participant-join", "conference-start",
		"participant-speech-start", "participant-speech-stop", "participant-speech-start", "participant-speech-stop",
		"participant-leave", "participant-leave", "conference-end"))
	g.Expect(customer).To(HaveConferenceEvents("participant-join", "participant-join", "conference-start",
		gomega.And(gomega.HaveField("Name", "participant-leave"), gomega.HaveField("Label", "customer"),
			gomega.HaveField("Params", gomega.HaveKeyWithValue("ReasonParticipantLeft", "participant_hung_up"))),
		gomega.HaveField("Params", gomega.HaveKeyWithValue("ReasonParticipantLeft", "moderator_ended_conference")),
		gomega.HaveField("Request.Status", 204)).Ignoring(speech...))
	g.Expect(conf).NotTo(HaveConferenceEvents("participant-join", "conference-start", "conference-end").Ignoring(speech...))
	g.Expect(conf).NotTo(HaveConferenceEvents("participant-join", "participant-join").Ignoring(speech...))
	_, menu := menuCall(t)
	g.Expect(menu).NotTo(HaveConferenceEvents())
	_, err := HaveConferenceEvents().Match(srv)
	g.Expect(err).To(gomega.MatchError(gomega.ContainSubstring("HaveConferenceEvents expects a *harness.Conference")))
	_, err = HaveConferenceEvents(gomega.HavePrefix("participant")).Match(conf)
	g.Expect(err).To(gomega.MatchError(gomega.ContainSubstring("HaveConferenceEvents: event 1:")))
	g.Expect(conf.Info().Status).To(gomega.Equal(harness.ConferenceCompleted))
	g.Expect(HaveConferenceEvents().MatchMayChangeInTheFuture(conf)).To(gomega.BeFalse(), "a completed conference does not change")
}

func TestHaveConferenceEventsFailureMessages(t *testing.T) {
	srv, customer, _ := conferenceCalls(t)
	conf := srv.Conference("room")
	_, menu := menuCall(t)
	testFailureMessages(t, []failureTest{
		{"another event", func() {
			gomega.Expect(conf).To(HaveConferenceEvents("participant-join", "conference-start").Ignoring("participant-speech-start", "participant-speech-stop"))
		}, []string{`Expected conference ` + conf.SID() + ` "room" to have the events`,
			"    participant-join → conference-start\n(ignoring participant-speech-start, participant-speech-stop)",
			"but it had\n    participant-join → participant-join → conference-start → participant-leave → participant-leave → conference-end",
			"(event 2: want conference-start, got participant-join)", "Conference transcript:", "conference-end", "ReasonConferenceEnded="}},
		{"fewer events", func() {
			gomega.Expect(customer).To(HaveConferenceEvents("participant-join", "participant-join", "conference-start",
				"participant-speech-start", "participant-speech-stop", "participant-speech-start", "participant-speech-stop",
				"participant-leave", "participant-leave", "conference-end", gomega.HaveField("Name", "announcement-end")))
		}, []string{"(of call " + customer.SID() + ")", "(event 11: want (*matchers.HaveFieldMatcher), but there is none)", "Conference transcript:"}},
		{"more events", func() { gomega.Expect(conf).To(HaveConferenceEvents("participant-join")) },
			[]string{"(event 2: want none, got participant-join)"}},
		{"a matcher", func() {
			gomega.Expect(conf).To(HaveConferenceEvents("participant-join", gomega.HaveField("Label", "customer")))
		}, []string{"    participant-join → (*matchers.HaveFieldMatcher)\nbut it had",
			"(event 2, participant-join: Value for field 'Label' failed to satisfy matcher.", `<string>: agent`}},
		{"no conference", func() { gomega.Expect(menu).To(HaveConferenceEvents("participant-join")) },
			[]string{"to have been in a conference with the events\n    participant-join\nbut it was in none", "Transcript:"}},
		{"negated", func() {
			gomega.Expect(conf).NotTo(HaveConferenceEvents("participant-join", "participant-join", "conference-start").
				Ignoring("participant-leave", "conference-end", "participant-speech-start", "participant-speech-stop"))
		}, []string{"not to have the events\n    participant-join → participant-join → conference-start\n(ignoring participant-leave, ",
			"but it did", "Conference transcript:"}},
	})
}
