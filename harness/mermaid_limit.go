package harness

import (
	"fmt"
	"slices"
	"time"
)

// The limit of a diagram. Mermaid draws nothing but an error box for a
// diagram longer than its maxTextSize (50,000 characters by default), so
// a diagram stops before its limit, after the last event that fits: each
// event is rendered, then taken back if the diagram no longer fits with
// room for the note that ends it, which says what was left out and how to
// see it. A header lists every participant when the whole diagram fits,
// else only those the events shown use; a diagram that fits is the one
// drawn with no limit.

// diagramScope is what a diagram shows and how far it goes.
type diagramScope struct {
	limit      int  // bytes at most; 0 for no limit
	server     bool // a view of the server's calls, which pages with SkipCalls
	skipped    int  // calls the view skipped before its first (SkipCalls)
	conference bool // a conference's diagram, whose transcript has it all
}

// cutNoteRoom is room enough for the note that ends a diagram cut short.
const cutNoteRoom = 800

// diagramMark is what rendering an event may change, to take it back.
type diagramMark struct {
	body, headerUsed, used int
	left, right            int
	last, start            time.Time
	started                bool
	call                   *Call
	relay                  *relayLane // the call's session, and the lines it had waiting
	pending                []string
}

// mark returns what rendering an event of c (nil for a conference's) may
// change; nothing with no limit, where nothing is taken back.
func (d *diagrammer) mark(c *Call) diagramMark {
	if d.scope.limit == 0 {
		return diagramMark{}
	}
	m := diagramMark{body: d.body.Len(), headerUsed: d.headerUsed, used: len(d.usedOrder), left: d.left, right: d.right,
		last: d.last, start: d.start, started: d.started, call: c}
	if c != nil {
		if m.relay = d.relayLanes[c]; m.relay != nil {
			m.pending = slices.Clone(m.relay.pending)
		}
	}
	return m
}

// rollback takes back the event rendered since m. It restores what the
// cut note and the participants' declarations read, not the order of the
// relay lanes (relayOrder): the diagram ends after a rollback, so nothing
// reads that again.
func (d *diagrammer) rollback(m diagramMark) {
	d.body.Truncate(m.body)
	for _, i := range d.usedOrder[m.used:] {
		d.lanes[i].used = false
	}
	d.usedOrder = d.usedOrder[:m.used]
	d.headerUsed, d.left, d.right = m.headerUsed, m.left, m.right
	d.last, d.start, d.started = m.last, m.start, m.started
	if m.call == nil {
		return
	}
	if m.relay == nil {
		delete(d.relayLanes, m.call)
		return
	}
	m.relay.pending = m.pending
	d.relayLanes[m.call] = m.relay
}

// fits reports whether the diagram so far, with the lines of sessions
// still to be written and the note that would end it, is within its
// limit.
func (d *diagrammer) fits() bool {
	if d.scope.limit == 0 {
		return true
	}
	n := len(diagramHead) + d.headerUsed + d.body.Len() + cutNoteRoom
	for _, l := range d.relayLanes {
		for _, line := range l.pending {
			n += len("    \n") + len(line)
		}
	}
	return n <= d.scope.limit
}

// flushFull hands a full chunk of the diagram to its writer, as it goes
// with no limit.
func (d *diagrammer) flushFull() error {
	if d.scope.limit > 0 {
		return nil
	}
	return d.out.flushFull()
}

// finish writes a diagram with a limit: the head, the participants, and
// the lines after them, handed to the writer in chunks as a view's are.
// A diagram cut short declares only the participants it shows.
func (d *diagrammer) finish(cut bool) error {
	if d.scope.limit == 0 {
		return nil
	}
	out := &d.out.buf
	out.WriteString(diagramHead)
	all := !cut && len(diagramHead)+d.headerAll+d.body.Len() <= d.scope.limit
	for _, l := range d.lanes[:d.header] {
		if all || l.used {
			out.WriteString(l.decl)
		}
	}
	for body := d.body.Bytes(); len(body) > 0; {
		n := min(len(body), viewChunk)
		out.Write(body[:n])
		body = body[n:]
		if err := d.out.flushFull(); err != nil {
			return err
		}
	}
	return nil
}

// leftOut counts the events the merge did not render, of calls and
// conferences, and the calls they are of, some not shown at all, and
// finds the first call, in the view's order, with any left. It takes the
// server's lock for one history at a time.
func (s *Server) leftOut(m *eventMerge, calls []*Call) (left cutCount) {
	rest := map[*Call]bool{}
	for _, cur := range m.cursors { // copies: the merge is done
		unseen := cur.i == 0
		s.mu.Lock()
		for cur.nextLocked(m.last) {
			left.events++
			cur.i++
		}
		s.unlockAndYield()
		if cur.c == nil {
			continue
		}
		rest[cur.c] = true
		left.calls++
		if unseen {
			left.unseen++
		}
	}
	left.firstCall = slices.IndexFunc(calls, func(c *Call) bool { return rest[c] })
	return left
}

// cutCount is what a diagram cut short left out.
type cutCount struct {
	events, calls, unseen int
	firstCall             int // the index of the first call with events left out, or -1
}

// cutNote ends a diagram cut short with a note across it: what was left
// out, and how to see it.
func (d *diagrammer) cutNote(left cutCount) {
	if d.left < 0 { // nothing shown: the note is over the first participant
		d.use(0)
	}
	text := fmt.Sprintf("cut at the diagram's limit of %d characters: %d more events", d.scope.limit, left.events)
	switch {
	case d.scope.server && left.calls > 0:
		text += fmt.Sprintf(" of %d calls are left out, %d of those calls entirely. See them with WriteMermaid and SkipCalls(%d), one call with Call.Mermaid, or all with DiagramLimit(0)",
			left.calls, left.unseen, d.scope.skipped+max(left.firstCall, 0))
	case d.scope.conference:
		text += " are left out. See them all in the conference's Transcript"
	default:
		text += " are left out. See them all with WriteMermaid, OnlyCalls of the call and its legs, and DiagramLimit(0)"
	}
	d.write(d.acrossUsed() + ": " + wrap(text, 2*labelLines))
}
