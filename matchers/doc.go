// Package matchers holds Gomega matchers over what the harness recorded: a
// call's status, what it said and played, what was gathered, dialed and
// recorded, the requests it made, its status callbacks and notifications,
// the conferences it was in (HaveJoinedConference, HaveHeard,
// HaveBeenOnHold, and HaveConferenceEvents, which also takes a
// [*harness.Conference]), its media streams (HaveStreamed,
// HaveSentAudio, HaveMarks, HaveCleared, which also take a
// [*harness.Stream]), and its ConversationRelay sessions (HaveConversed,
// with the turn matchers AgentSaid, CallerSaid, CallerPressed,
// AgentPlayed and AgentSentDigits; HaveBeenInterrupted, HaveHandedOff,
// HaveSessionStatus; each also takes a [harness.Conversation]).
//
//	Expect(call).To(matchers.HaveStatus(harness.StatusCompleted))
//	Expect(call).To(matchers.HaveSaid("press 1"))
//	Expect(call).To(matchers.HaveRequested(harness.KindAction).To("/menu").WithParam("Digits", "1"))
//	Expect(srv).To(matchers.HaveNoUnexpectedNotifications())
//	Expect(call).To(matchers.HaveConversed(matchers.CallerSaid("book"), matchers.AgentSaid("Which day")))
//
// Each matcher works on a [*harness.Call]; those about requests, speech and
// notifications also work on a [*harness.Server] (every call). They accept
// small interfaces ([Record], [CallRecord]), so a test may hand them
// anything that has the methods.
//
// A failure message shows what differed and the transcript of the call
// (and of its conference, for the conference matchers; of its streams,
// for the stream matchers; of its conversation, for the conversation
// matchers), so that a
// failing spec says what the call did. With Eventually, a matcher
// stops waiting once the call has ended: a finished call never changes.
//
// [ReportTranscripts] attaches the transcripts of every call and
// conference to a failed Ginkgo spec; the harness's LogTranscriptOnFailure
// does the same for plain go test.
package matchers
