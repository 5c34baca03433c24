package harness

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"slices"
	"time"
)

// ViewOption selects what a view of the whole server shows:
// [Server.WriteTranscript], [Server.WriteRecordJSON] and
// [Server.WriteMermaid] (and the control API's views, whose query
// parameters they are). By default a view shows every call the server
// keeps, in the order they were created. [OnlyCalls], [CreatedSince] and
// [CreatedBefore] select calls; [SkipCalls] and [MaxCalls] then page
// through those selected, whatever the order the options are given in.
// [DiagramLimit] bounds the diagram. Every [RecordOption] is a ViewOption
// too.
type ViewOption interface {
	applyView(*viewConfig)
}

// viewConfig is what a view of the whole server shows.
type viewConfig struct {
	record recordConfig
	sids   map[string]bool // the calls shown; nil for every call
	since  time.Time       // calls created at or after; zero for no bound
	before time.Time       // calls created before; zero for no bound
	skip   int             // calls selected but not shown, first
	max    int             // calls shown at most; 0 for no limit
	// diagramLimit is the most bytes a diagram holds; 0 for no limit.
	diagramLimit int
}

type viewOption func(*viewConfig)

func (o viewOption) applyView(c *viewConfig) { o(c) }

// OnlyCalls shows only the calls with these SIDs, in the order they were
// created whatever the order given; given more than once, the SIDs add up.
// A SID the server does not have (or no longer keeps: see [Retention])
// shows nothing.
func OnlyCalls(sids ...string) ViewOption {
	return viewOption(func(c *viewConfig) {
		if c.sids == nil {
			c.sids = map[string]bool{}
		}
		for _, sid := range sids {
			c.sids[sid] = true
		}
	})
}

// CreatedSince shows only the calls created at or after t, in virtual time.
func CreatedSince(t time.Time) ViewOption {
	return viewOption(func(c *viewConfig) { c.since = t })
}

// CreatedBefore shows only the calls created before t, in virtual time:
// with [CreatedSince], the calls created in [since, t), so that windows
// that meet show each call once.
func CreatedBefore(t time.Time) ViewOption {
	return viewOption(func(c *viewConfig) { c.before = t })
}

// SkipCalls leaves out the first n of the calls the other options select:
// with [MaxCalls], page k of size m is SkipCalls(k*m), MaxCalls(m). It
// panics if n is negative.
func SkipCalls(n int) ViewOption {
	if n < 0 {
		panic(fmt.Sprintf("harness: SkipCalls(%d): want 0 or more", n))
	}
	return viewOption(func(c *viewConfig) { c.skip = n })
}

// MaxCalls shows at most n of the calls the other options select. It
// panics if n is less than 1.
func MaxCalls(n int) ViewOption {
	if n < 1 {
		panic(fmt.Sprintf("harness: MaxCalls(%d): want 1 or more", n))
	}
	return viewOption(func(c *viewConfig) { c.max = n })
}

func viewConfigOf(opts []ViewOption) viewConfig {
	vc := viewConfig{diagramLimit: DefaultDiagramLimit}
	for _, o := range opts {
		o.applyView(&vc)
	}
	return vc
}

// filtered reports whether the view shows fewer than every call.
func (vc *viewConfig) filtered() bool {
	return vc.sids != nil || !vc.since.IsZero() || !vc.before.IsZero() || vc.skip > 0 || vc.max > 0
}

// selects reports whether the view shows c, before paging. It reads only
// what never changes in a call, without a lock.
func (vc *viewConfig) selects(c *Call) bool {
	return (vc.sids == nil || vc.sids[c.sid]) &&
		(vc.since.IsZero() || !c.created.Before(vc.since)) &&
		(vc.before.IsZero() || c.created.Before(vc.before))
}

// pick returns the calls of all that the view shows, in place: all must
// be the view's own copy.
func (vc *viewConfig) pick(all []*Call) []*Call {
	out, skipped := all[:0], 0
	for _, c := range all {
		switch {
		case !vc.selects(c):
		case skipped < vc.skip:
			skipped++
		default:
			out = append(out, c)
			if vc.max > 0 && len(out) == vc.max {
				return out
			}
		}
	}
	return out
}

// view is a view of the whole server as it began: which calls it shows,
// the conferences, and the server's logs. It is taken at once under the lock, by copying
// lists of pointers, and read afterwards with the lock taken for one call
// at a time: calls only ever add to their history, so a view never misses
// what a call had when the view began.
type view struct {
	now      time.Time
	lastSeq  uint64 // the number of the last thing recorded when the view began
	calls    []*Call
	confs    []*conference // every conference; a view shows those a call it shows was in
	apiLog   []*apiRecord  // with logs only
	messages []*Message    // with logs only
}

// viewOf takes a view of the calls vc selects; with logs, of the REST
// requests and messages too.
func (s *Server) viewOf(vc *viewConfig, logs bool) view {
	s.mu.Lock()
	v := view{now: s.clock.Now(), lastSeq: s.seq, calls: slices.Clone(s.order), confs: slices.Clone(s.confs.order)}
	if logs {
		v.apiLog, v.messages = slices.Clone(s.apiLog), slices.Clone(s.messages)
	}
	s.mu.Unlock()
	v.calls = vc.pick(v.calls)
	return v
}

// shownSIDs returns the SIDs of the calls a filtered view shows, or nil
// for a view of every call: the record of a filtered view lists only the
// REST requests and messages of the calls it shows.
func (v *view) shownSIDs(vc *viewConfig) map[string]bool {
	if !vc.filtered() {
		return nil
	}
	sids := make(map[string]bool, len(v.calls))
	for _, c := range v.calls {
		sids[c.sid] = true
	}
	return sids
}

// hadAnyLocked reports whether a call of sids was ever a participant of
// the conference; every conference has, for nil sids (a view of every
// call).
func (cf *conference) hadAnyLocked(sids map[string]bool) bool {
	if sids == nil {
		return true
	}
	for _, p := range cf.everyone {
		if sids[p.call.sid] {
			return true
		}
	}
	return false
}

// unlockAndYield releases the lock a view took for one call (or one
// entry of a log), and lets a goroutine that waits for it run first. A
// sync.Mutex lets the goroutine that unlocks it take it again before a
// waiter woken meanwhile runs, and a view that went straight on to the
// next call would keep a REST request that was woken for the lock waiting
// up to a millisecond (the mutex's starvation mode) each time it takes it.
// Measured on 20,000 calls, with a create through the REST API each time
// a chunk of the transcript was written: about 1 ms at the median and up
// to 24 ms without the yield; about 60 µs, and a few ms at worst, with it.
func (s *Server) unlockAndYield() {
	s.mu.Unlock()
	runtime.Gosched()
}

// viewChunk is about how much of a view is handed to its writer at once.
const viewChunk = 32 << 10

// chunkWriter collects a view's text and hands it to w in chunks of about
// viewChunk bytes. Views render into buf with the server's lock held, one
// call at a time, and flush without it: a slow writer never holds up the
// server.
type chunkWriter struct {
	w   io.Writer
	buf bytes.Buffer
	err error
}

// flushFull hands the chunk to w once it is full.
func (cw *chunkWriter) flushFull() error {
	if cw.buf.Len() < viewChunk {
		return cw.err
	}
	return cw.flush()
}

// flush hands what is left to w and returns the first error w returned.
func (cw *chunkWriter) flush() error {
	if cw.err == nil && cw.buf.Len() > 0 {
		_, cw.err = cw.w.Write(cw.buf.Bytes())
		cw.buf.Reset()
	}
	return cw.err
}
