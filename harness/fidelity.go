package harness

import "time"

// Fidelity holds the harness's choices where Twilio's behaviour is not
// documented, or where a test may want the harness's older behaviour, so
// that a test can pick the other one. The zero value of each switch is
// Twilio's documented behaviour; [DefaultFidelity] returns the defaults of
// the durations and limits too, and [WithFidelity] sets them for a server.
type Fidelity struct {
	// NoFallbackForActions makes a failed action, <Redirect> or later
	// document request end the call with Twilio's application error, as
	// the harness did before. By default such a failure goes to the
	// call's FallbackUrl, with ErrorCode and ErrorUrl, as Twilio's
	// "Availability and Reliability" page says of "a fatal error while
	// executing your call".
	NoFallbackForActions bool
	// EmptyRecordingRequestsAction makes a <Record> that recorded nothing
	// request its action with RecordingDuration 0, as the harness did
	// before. By default the call goes on with the next verb and no request
	// is made, as Twilio's <Record> page says of an empty recording.
	EmptyRecordingRequestsAction bool
	// UnansweredCallTimes makes the Call resource of a call that ended
	// without being answered (busy, failed, no-answer, canceled) show
	// duration "0" and its end_time, as the harness did before. By default
	// both are null, as the Call resource page says ("empty for busy,
	// failed, unanswered"; end_time "empty if the call did not complete
	// successfully").
	UnansweredCallTimes bool
	// NoDialActionAfterHangup stops the request to a <Dial>'s action when
	// the caller hangs up during the Dial. By default it is requested with
	// CallStatus=completed and its reply ignored, as for <Record>.
	NoDialActionAfterHangup bool
	// AnyFrom lets every account call from any valid From, as the harness
	// did before it knew numbers and caller IDs. By default an account
	// that owns an incoming number or has a verified caller ID may call
	// only from those (and Twilio's test number +15005550006): any other
	// phone number as From is refused with 21210, as Twilio refuses it. An
	// account that has declared neither accepts any From either way, so
	// that a test that never sets numbers up needs none.
	AnyFrom bool
	// ConferenceSequenceFromZero numbers a conference's status callbacks
	// from 0, as call progress callbacks are numbered. By default the
	// first is 1, as in Twilio's example of a conference callback.
	ConferenceSequenceFromZero bool
	// NoDefaultConferenceEvents sends a <Conference statusCallback> given
	// without statusCallbackEvent no events. By default it gets start and
	// end, the Participants API's documented default.
	NoDefaultConferenceEvents bool
	// LosingLegStatus is the final status of the legs of a parallel <Dial>
	// that lose to the first to answer. Default: canceled.
	LosingLegStatus Status
	// SpeechEndTimeout is how long speechTimeout="auto" waits after the
	// caller stops speaking. Default: 1 second.
	SpeechEndTimeout time.Duration
	// BeepLength is how long <Record>'s beep lasts. Default: 500 ms.
	BeepLength time.Duration
	// MaxDocumentsAtOnce is how many documents a call may load at one
	// virtual instant before the harness ends it as a <Redirect> loop
	// (Twilio would loop forever; a test should not). Default: 100.
	MaxDocumentsAtOnce int
	// MaxTimeLimit is the longest TimeLimit the REST API accepts: Twilio's
	// 4 hours unless the account has asked for longer calls (at most 24
	// hours). Zero means the default.
	MaxTimeLimit time.Duration
	// RelayEndAfterSpeech makes a ConversationRelay application's end
	// wait until the agent's speech already queued has played (the caller
	// may still interrupt it). By default end takes effect at once and
	// what was queued is dropped: Twilio closes the socket within about
	// 90 ms of end, and whether it speaks the rest first is not documented.
	RelayEndAfterSpeech bool
	// RelayFailureGoesOn makes a ConversationRelay session that failed
	// (its socket could not be opened, or dropped) in a <Connect> without
	// an action go on with the next verb. By default the call ends, as
	// Twilio's older documentation says ("disconnects the call").
	RelayFailureGoesOn bool
}

// DefaultFidelity returns the harness's default choices.
func DefaultFidelity() Fidelity {
	return Fidelity{
		LosingLegStatus:    StatusCanceled,
		SpeechEndTimeout:   time.Second,
		BeepLength:         500 * time.Millisecond,
		MaxDocumentsAtOnce: 100,
		MaxTimeLimit:       defaultTimeLimit,
	}
}

// maxTimeLimit returns MaxTimeLimit, or Twilio's default for zero.
func (f Fidelity) maxTimeLimit() time.Duration {
	if f.MaxTimeLimit <= 0 {
		return defaultTimeLimit
	}
	return f.MaxTimeLimit
}
