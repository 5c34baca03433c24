package harness

// Status is a call's state in Twilio's state machine:
//
//	queued → initiated → ringing → in-progress → completed
//	                          ↘ busy | no-answer | failed | canceled
//
// "initiated" appears only in webhooks; the Call resource shows "queued"
// until the call rings.
type Status string

// Call statuses.
const (
	StatusQueued     Status = "queued"
	StatusInitiated  Status = "initiated"
	StatusRinging    Status = "ringing"
	StatusInProgress Status = "in-progress"
	StatusCompleted  Status = "completed"
	StatusBusy       Status = "busy"
	StatusNoAnswer   Status = "no-answer"
	StatusFailed     Status = "failed"
	StatusCanceled   Status = "canceled"
)

// Ended reports whether s is a terminal status.
func (s Status) Ended() bool {
	switch s {
	case StatusCompleted, StatusBusy, StatusNoAnswer, StatusFailed, StatusCanceled:
		return true
	}
	return false
}

// resource returns the status as the Call resource shows it.
func (s Status) resource() Status {
	if s == StatusInitiated {
		return StatusQueued
	}
	return s
}

// Direction is where a call came from.
type Direction string

// Call directions.
const (
	DirectionInbound      Direction = "inbound"
	DirectionOutboundAPI  Direction = "outbound-api"
	DirectionOutboundDial Direction = "outbound-dial"
)
