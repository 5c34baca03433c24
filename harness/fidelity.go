package harness

import "time"

// Fidelity holds the harness's choices where Twilio's behaviour is not
// documented, so that a test can pick the other one. [DefaultFidelity]
// returns the harness's defaults; [WithFidelity] sets them for a server.
type Fidelity struct {
	// FallbackForActions makes a failed action or <Redirect> request go to
	// the call's FallbackUrl, as a failed Url request does. By default the
	// call ends with Twilio's application error: Twilio documents the
	// fallback for the call's Url only.
	FallbackForActions bool
	// EmptyRecordingSkipsAction makes a <Record> that recorded nothing go on
	// with the next verb without requesting its action, as Twilio's older
	// documentation said. By default the action is requested with
	// RecordingDuration 0, as the current documentation implies (silent
	// recordings are kept).
	EmptyRecordingSkipsAction bool
	// NoDialActionAfterHangup stops the request to a <Dial>'s action when
	// the caller hangs up during the Dial. By default it is requested with
	// CallStatus=completed and its reply ignored, as for <Record>.
	NoDialActionAfterHangup bool
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
}

// DefaultFidelity returns the harness's default choices.
func DefaultFidelity() Fidelity {
	return Fidelity{
		LosingLegStatus:    StatusCanceled,
		SpeechEndTimeout:   time.Second,
		BeepLength:         500 * time.Millisecond,
		MaxDocumentsAtOnce: 100,
	}
}
