package harness

import (
	"fmt"
	"time"
)

// Limits bound what one call can cost, so that no call, and no document an
// application returns, can exhaust a server that runs for hours. A call
// that reaches one ends with notification [CodeLimitReached], which names
// the limit and the option to raise it (QueuesPerAccount, a bound of the
// account rather than of a call, says what happens instead). A zero field means its default;
// set [WithLimits] to change them. (One <Dial> rings at most 10 parties,
// as on Twilio: the twiml parser drops the others with a warning.)
type Limits struct {
	// DocumentsPerCall is how many TwiML documents one call may load over
	// its life (a <Redirect> or Gather loop that never ends). Default 1,000.
	DocumentsPerCall int
	// LegsPerCall is how many legs one call may dial over its life (a
	// <Dial> whose action dials again). Default 100.
	LegsPerCall int
	// NotificationsPerDocument is how many of one document's problems are
	// logged; the rest are counted in one more notification. Default 100.
	NotificationsPerDocument int
	// NotificationsPerCall is how many notifications one call may log.
	// Default 1,000.
	NotificationsPerCall int
	// QueuesPerAccount is how many call queues one account may have: queues
	// persist until deleted (on Twilio as here), so a server that runs for
	// hours while an application enqueues calls in queues of new names would
	// otherwise keep them all. Past it, the Queues API's create answers 400
	// (20001) and an <Enqueue> naming a new queue does not enqueue the call:
	// it logs [CodeLimitReached] and ends with QueueResult=system-error (the
	// call goes on, with the Enqueue's action or its next verb). Twilio
	// documents no such limit. Default 10,000.
	QueuesPerAccount int
	// StreamMessages is how many entries the record keeps of one media
	// stream's messages (a run of media messages of one track is one
	// entry). Default 10,000.
	StreamMessages int
	// StreamAudio is how much of each track's audio the record keeps of
	// one media stream (for [Stream.WAV]); the stream itself goes on.
	// Default 10 minutes.
	StreamAudio time.Duration
}

// DefaultLimits returns the default [Limits].
func DefaultLimits() Limits {
	return Limits{DocumentsPerCall: 1000, LegsPerCall: 100, NotificationsPerDocument: 100, NotificationsPerCall: 1000,
		QueuesPerAccount: 10000, StreamMessages: 10000, StreamAudio: 10 * time.Minute}
}

// WithLimits sets the limits of what one call may cost, and of how many
// queues one account may keep (default [DefaultLimits]; a zero field keeps
// its default).
func WithLimits(l Limits) Option {
	return option(func(c *config) {
		d := DefaultLimits()
		for _, f := range []struct{ dst, src *int }{
			{&d.DocumentsPerCall, &l.DocumentsPerCall}, {&d.LegsPerCall, &l.LegsPerCall}, {&d.NotificationsPerDocument, &l.NotificationsPerDocument},
			{&d.NotificationsPerCall, &l.NotificationsPerCall}, {&d.QueuesPerAccount, &l.QueuesPerAccount},
			{&d.StreamMessages, &l.StreamMessages},
		} {
			if *f.src > 0 {
				*f.dst = *f.src
			}
		}
		if l.StreamAudio > 0 {
			d.StreamAudio = l.StreamAudio
		}
		c.callLimits = d
	})
}

// DefaultReplyPatience is how long, in real time, the engine running by
// itself waits for the replies of one virtual instant before virtual time
// follows real time (see [WithReplyPatience]).
const DefaultReplyPatience = 200 * time.Millisecond

// WithReplyPatience sets how long, in real time, the engine running by
// itself ([WithAutoRun], serve) waits for the replies of one virtual
// instant before it lets virtual time follow real time, so that the other
// calls go on (default [DefaultReplyPatience]). Replies that come within it
// are applied in the order their requests were sent, which keeps a run
// with fast applications the same every time; a slow application costs the
// other calls no more than this.
func WithReplyPatience(d time.Duration) Option {
	return option(func(c *config) { c.replyPatience = d })
}

// limitReachedLocked ends the call because it reached a limit: what names
// it, n its value, option the field to raise it.
func (c *Call) limitReachedLocked(what string, n int, field string) {
	c.notifyLocked(CodeLimitReached, LevelError,
		fmt.Sprintf("the call reached the harness's limit of %d %s; it ends here (raise harness.Limits.%s with WithLimits)", n, what, field),
		c.program.docURL, "")
	c.hangUpLocked(StatusCompleted, "limit reached: "+what)
}
