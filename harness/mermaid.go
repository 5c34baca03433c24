package harness

import (
	"bytes"
	"cmp"
	"container/heap"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// Mermaid returns a Mermaid sequence diagram of the call and the legs it
// dialed: the far end, Twilio, the application and each leg, with what
// passed between them.
func (c *Call) Mermaid() string {
	s := c.srv
	s.mu.Lock()
	tree, last := c.treeLocked(), s.seq
	s.mu.Unlock()
	var b strings.Builder
	s.writeDiagram(&b, tree, last) // a strings.Builder does not fail
	return b.String()
}

// Mermaid returns a Mermaid sequence diagram of every call of the server.
// It holds the whole diagram in memory: [Server.WriteMermaid] writes the
// same as it goes.
func (s *Server) Mermaid() string {
	var b strings.Builder
	s.WriteMermaid(&b) // a strings.Builder does not fail
	return b.String()
}

// WriteMermaid writes a Mermaid sequence diagram of the calls opts select
// (every call by default), as [Server.Mermaid] returns it, to w as it
// goes, and returns the first error w returned. [RecordOption]s change
// nothing in it. The diagram shows what happened up to the moment it
// began, to the calls the server had then, in the order it happened:
// each call's events are merged with the others' by their number in the
// record, under the server's lock for one call at a time, and its
// participants are found in a first pass over the same events. The REST
// API and the engine wait at most for a few events of one call, never for
// w; a request still awaiting its reply when the diagram began may show
// the reply.
func (s *Server) WriteMermaid(w io.Writer, opts ...ViewOption) error {
	vc := viewConfigOf(opts)
	v := s.viewOf(&vc, false)
	if err := s.writeDiagram(w, v.calls, v.lastSeq); err != nil {
		return fmt.Errorf("harness: writing the diagram: %w", err)
	}
	return nil
}

// treeLocked returns the call and, recursively, its legs.
func (c *Call) treeLocked() []*Call {
	out := []*Call{c}
	for _, child := range c.dial.children {
		out = append(out, child.treeLocked()...)
	}
	return out
}

// writeDiagram writes calls as one sequence diagram of their events
// numbered up to last: the participants, then every event in the order
// of its number. It takes the server's lock for one call at a time.
func (s *Server) writeDiagram(w io.Writer, calls []*Call, last uint64) error {
	out := &chunkWriter{w: w}
	d := &diagrammer{ids: map[string]string{}, out: &out.buf}
	out.buf.WriteString("sequenceDiagram\n")
	d.add("participant T as Twilio")
	for _, c := range calls {
		d.party(c)
	}
	for _, p := range s.firstUses(calls, last) {
		d.participant(p.prefix, p.label)
	}
	if err := out.flushFull(); err != nil {
		return err
	}
	m := s.newEventMerge(calls, last)
	for m.Len() > 0 {
		s.mu.Lock()
		m.renderLocked(d)
		s.unlockAndYield()
		if err := out.flushFull(); err != nil {
			return err
		}
	}
	return out.flush()
}

// firstUse is a participant that events introduce (the REST client, an
// application), and the number of the first event that does.
type firstUse struct {
	prefix, label string
	seq           uint64
}

// firstUses returns the participants the events of calls numbered up to
// last introduce, in the order of their first use, as a diagram declares
// them. It takes the server's lock for one call at a time.
func (s *Server) firstUses(calls []*Call, last uint64) []firstUse {
	first := map[string]firstUse{}
	use := func(prefix, label string, seq uint64) {
		if f, ok := first[prefix+label]; !ok || seq < f.seq {
			first[prefix+label] = firstUse{prefix, label, seq}
		}
	}
	for _, c := range calls {
		s.mu.Lock()
		for i := range c.history.events {
			e := &c.history.events[i]
			if e.seq > last {
				break
			}
			switch e.kind {
			case EventAPI:
				use("R", restClient, e.seq)
			case EventRequest:
				host, _ := appHostPath(e.hook.target)
				use("A", host, e.seq)
			}
		}
		s.unlockAndYield()
	}
	out := slices.Collect(maps.Values(first))
	slices.SortFunc(out, func(a, b firstUse) int { return cmp.Compare(a.seq, b.seq) })
	return out
}

// eventMerge merges the histories of calls into one list in the order of
// the events' numbers, up to last: a heap of cursors, one a call, ordered
// by the number of the cursor's next event. A call's history is in the
// order of its numbers, and only grows.
type eventMerge struct {
	cursors []eventCursor
	last    uint64
}

// eventCursor is the next event of a call's history to render.
type eventCursor struct {
	c   *Call
	i   int    // index in c.history.events
	seq uint64 // its number
}

// newEventMerge returns the merge of the events of calls numbered up to
// last. It takes the server's lock for one call at a time.
func (s *Server) newEventMerge(calls []*Call, last uint64) *eventMerge {
	m := &eventMerge{cursors: make([]eventCursor, 0, len(calls)), last: last}
	for _, c := range calls {
		s.mu.Lock()
		if cur := (eventCursor{c: c}); cur.nextLocked(last) {
			m.cursors = append(m.cursors, cur)
		}
		s.unlockAndYield()
	}
	heap.Init(m)
	return m
}

// nextLocked reads the number of the cursor's event and reports whether
// it is one to render.
func (cur *eventCursor) nextLocked(last uint64) bool {
	events := cur.c.history.events
	if cur.i >= len(events) || events[cur.i].seq > last {
		return false
	}
	cur.seq = events[cur.i].seq
	return true
}

// renderLocked renders the next events: those of the call whose next
// event has the lowest number, up to the next event of another call.
func (m *eventMerge) renderLocked(d *diagrammer) {
	cur := heap.Pop(m).(eventCursor)
	for {
		d.event(cur.c, &cur.c.history.events[cur.i])
		cur.i++
		if !cur.nextLocked(m.last) {
			return
		}
		if m.Len() > 0 && m.cursors[0].seq < cur.seq {
			heap.Push(m, cur)
			return
		}
	}
}

// Len, Less, Swap, Push and Pop make an eventMerge a container/heap.
func (m *eventMerge) Len() int           { return len(m.cursors) }
func (m *eventMerge) Less(i, j int) bool { return m.cursors[i].seq < m.cursors[j].seq }
func (m *eventMerge) Swap(i, j int)      { m.cursors[i], m.cursors[j] = m.cursors[j], m.cursors[i] }
func (m *eventMerge) Push(x any)         { m.cursors = append(m.cursors, x.(eventCursor)) }
func (m *eventMerge) Pop() any {
	n := len(m.cursors) - 1
	cur := m.cursors[n]
	m.cursors = m.cursors[:n]
	return cur
}

// restClient labels the participant that makes REST requests.
const restClient = "REST client"

// diagrammer renders a diagram's lines into out: its participants, each
// declared on first use, and what passed between them.
type diagrammer struct {
	ids map[string]string // participant prefix and label → id
	out *bytes.Buffer
}

// add writes one line.
func (d *diagrammer) add(format string, args ...any) {
	d.out.WriteString("    ")
	fmt.Fprintf(d.out, format, args...)
	d.out.WriteByte('\n')
}

// participant returns the id of the participant labelled label, declaring
// it on first use.
func (d *diagrammer) participant(prefix, label string) string {
	key := prefix + label
	if id, ok := d.ids[key]; ok {
		return id
	}
	id := fmt.Sprintf("%s%d", prefix, len(d.ids)+1)
	d.ids[key] = id
	d.add("participant %s as %s", id, escape(label))
	return id
}

// party returns the id of the far end of c: the callee of an outbound
// call or a leg, the caller of an inbound one.
func (d *diagrammer) party(c *Call) string {
	if c.direction == DirectionInbound {
		return d.participant("P", c.from+" (caller)")
	}
	if c.direction == DirectionOutboundDial {
		return d.participant("L", c.to+" (leg)")
	}
	return d.participant("P", c.to)
}

// event renders one event of c.
func (d *diagrammer) event(c *Call, e *callEvent) {
	p := d.party(c)
	switch e.kind {
	case EventStatus:
		d.status(c, p, e.status)
	case EventAPI:
		r := d.participant("R", restClient)
		d.add("%s->>T: %s %s", r, e.api.method, escape(shortPath(e.api.path)))
		d.add("T-->>%s: %d", r, e.api.status)
	case EventRequest:
		d.requestLocked(e.hook)
	case EventSay:
		d.add("T->>%s: says %s", p, escape(fmt.Sprintf("%q", e.text)))
	case EventPlay:
		d.add("T->>%s: plays %s", p, escape(e.detail()))
	case EventPause:
		d.add("Note over T,%s: pause %v", p, e.dur)
	case EventInput:
		if e.action != ActionPlanned {
			d.add("%s->>T: %s", p, escape(e.detail()))
		}
	case EventSms:
		d.add("T->>%s: SMS %s", p, escape(e.detail()))
	case EventHangup:
		d.add("Note over T,%s: hang-up: %s", p, escape(e.text))
	case EventNotification:
		d.add("Note over T: %d %s", e.code, escape(e.text))
	default:
		d.add("Note over T: %s", escape(e.detail()))
	}
}

// status renders a status change.
func (d *diagrammer) status(c *Call, p string, st Status) {
	switch st {
	case StatusQueued, StatusInitiated:
	case StatusRinging:
		if c.direction == DirectionInbound {
			d.add("%s->>T: calls %s", p, escape(c.to))
		} else {
			d.add("T->>%s: rings", p)
		}
	case StatusInProgress:
		if c.direction == DirectionInbound {
			d.add("T->>%s: answers", p)
		} else {
			d.add("%s-->>T: answers", p)
		}
	default:
		d.add("Note over T,%s: %s %s", p, c.sid[:8]+"…", st)
	}
}

// requestLocked renders a request to the application and its reply.
func (d *diagrammer) requestLocked(w *webhook) {
	host, path := appHostPath(w.target)
	a := d.participant("A", host)
	d.add("T->>%s: %s %s %s", a, w.kind, w.method, escape(path))
	switch {
	case !w.done:
	case w.err != nil:
		d.add("%s--xT: %s", a, escape(w.err.Error()))
	default:
		d.add("%s-->>T: %d", a, w.status)
	}
}

// appHostPath returns the host of a request's target, which names the
// application in a diagram, and its path and query; the whole target for
// both if it does not parse.
func appHostPath(target string) (host, path string) {
	u, err := url.Parse(target)
	if err != nil {
		return target, target
	}
	return u.Host, u.RequestURI()
}

// shortPath drops the account from a REST path.
func shortPath(p string) string {
	if i := strings.Index(p, "/Calls"); i >= 0 {
		return "…" + p[i:]
	}
	return p
}

// escape makes text safe in a Mermaid message.
func escape(s string) string {
	return strings.NewReplacer("#", "#35;", ";", "#59;", "\n", " ", "\r", " ").Replace(s)
}
