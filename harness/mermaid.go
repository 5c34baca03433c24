package harness

import (
	"bytes"
	"cmp"
	"container/heap"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Mermaid returns a Mermaid sequence diagram of the call and the legs it
// dialed: the far end, Twilio, the application and each leg, with what
// passed between them. A conference the call was in is a participant
// of the diagram too: the call joins and leaves it, is held and muted
// there, speaks to it and hears from it; the room starts and ends, and
// its status callbacks are requests like the others. So is the
// application's WebSocket of a media stream: Twilio connects to it and
// starts the stream, echoes the marks played, hears the clears, and the
// far end hears the application's audio; notes say when the stream
// stopped or failed. The WebSocket of a ConversationRelay session is one
// too: Twilio connects to it and sends setup, passes on the caller's
// speech as prompts (keys as dtmf) and its interrupts; the application's
// text, plays and digits reach the caller; the session ends with the
// application's end (and its handoffData), or Twilio closes it.
//
// Whenever virtual time has moved, a note across the diagram says when
// ("⏱ 1:07.5 (+12s)": the time since the diagram's first line, and since
// the line before). A note is over the lanes it is about, a call's over
// Twilio and the call's far end; SIDs are whole, as in the transcript. A
// reply with a status of 400 or more, or none, is a dashed line with a
// cross (--x), and says why. Text from the call is escaped with Mermaid's
// entity codes (#35;), so that nothing said can change the diagram, and
// wrapped at about 60 characters into a few lines (what the call said or
// heard past 160 characters is cut, and says its length; what is said in a
// conference or a ConversationRelay session is cut at 40, as an excerpt). The diagram stops at
// [DefaultDiagramLimit] characters, below Mermaid's own limit, with a
// note saying what it left out: [Server.WriteMermaid] with [OnlyCalls] of
// the call and its legs ([Call.Children]) and [DiagramLimit](0) shows it
// all.
func (c *Call) Mermaid() string {
	s := c.srv
	s.mu.Lock()
	tree, last := c.treeLocked(), s.seq
	s.mu.Unlock()
	var b strings.Builder
	s.writeDiagram(&b, tree, last, diagramScope{limit: DefaultDiagramLimit}) // a strings.Builder does not fail
	return b.String()
}

// Mermaid returns a Mermaid sequence diagram of every call of the server,
// drawn as [Call.Mermaid] draws one, up to [DefaultDiagramLimit]
// characters. It holds the whole diagram in memory: [Server.WriteMermaid]
// writes the same, and takes options.
func (s *Server) Mermaid() string {
	var b strings.Builder
	s.WriteMermaid(&b) // a strings.Builder does not fail
	return b.String()
}

// WriteMermaid writes a Mermaid sequence diagram of the calls opts select
// (every call by default), as [Server.Mermaid] returns it, to w, and
// returns the first error w returned. [RecordOption]s change nothing in
// it. The diagram shows what happened up to the moment it began, to the
// calls the server had then, in the order it happened: each call's events
// are merged with the others' by their number in the record, under the
// server's lock for one call at a time, and its participants are found in
// a first pass over the same events. The REST API and the engine wait at
// most for a few events of one call, never for w; a request still
// awaiting its reply when the diagram began may show the reply.
//
// A diagram holds at most [DiagramLimit] characters, [DefaultDiagramLimit]
// by default, because Mermaid draws nothing but an error past its
// maxTextSize (50,000 characters by default). Past the limit it stops
// after the last event that fits, with a note saying how many events of
// how many calls it left out and how to see them: the next page of calls
// with [SkipCalls] (and [MaxCalls]), one call's [Call.Mermaid], or the
// whole diagram with DiagramLimit(0). Until the limit it holds the
// diagram in memory and writes it at the end; with DiagramLimit(0) it
// writes as it goes, however long.
func (s *Server) WriteMermaid(w io.Writer, opts ...ViewOption) error {
	vc := viewConfigOf(opts)
	v := s.viewOf(&vc, false)
	scope := diagramScope{limit: vc.diagramLimit, server: true, skipped: vc.skip}
	if err := s.writeDiagram(w, v.calls, v.lastSeq, scope); err != nil {
		return fmt.Errorf("harness: writing the diagram: %w", err)
	}
	return nil
}

// DefaultDiagramLimit is how many characters a diagram holds at most
// unless [DiagramLimit] says otherwise: under Mermaid's maxTextSize
// (50,000 by default), with room to spare for a directive or front
// matter of the reader's own. It counts bytes of UTF-8, never fewer than
// the characters Mermaid counts.
const DefaultDiagramLimit = 45_000

// DiagramLimit sets how many characters (bytes of UTF-8) the diagram of
// [Server.WriteMermaid] holds at most: [DefaultDiagramLimit] by default,
// and no limit for 0, the diagram then being written as it goes. The
// other views ignore it. It panics if n is negative.
func DiagramLimit(n int) ViewOption {
	if n < 0 {
		panic(fmt.Sprintf("harness: DiagramLimit(%d): want 0 (no limit) or more", n))
	}
	return viewOption(func(c *viewConfig) { c.diagramLimit = n })
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
// numbered up to last, and of the conferences they were in: the
// participants, then every event in the order of its number, up to the
// scope's limit. It takes the server's lock for one call at a time.
func (s *Server) writeDiagram(w io.Writer, calls []*Call, last uint64, scope diagramScope) error {
	out := &chunkWriter{w: w}
	d := newDiagrammer(s, out, nil, scope)
	d.lane("", "T", "Twilio")
	for _, c := range calls {
		d.party(c)
	}
	uses, confs := s.firstUses(calls, last)
	for _, p := range uses {
		d.lane(p.prefix, p.key, p.label)
	}
	if err := out.flushFull(); err != nil {
		return err
	}
	return s.renderMerge(out, d, s.newEventMerge(calls, confs, last), calls)
}

// Mermaid returns a Mermaid sequence diagram of the conference: each
// participant's far end and the room, with who joined and left, when it
// started and ended, holds and mutes, what each participant said to the
// room, and the status callbacks the room sent to the application, with
// their replies. Times, notes, replies, text and its limit are as in
// [Call.Mermaid].
func (c *Conference) Mermaid() string {
	s := c.srv
	s.mu.Lock()
	calls, last := c.cf.callsLocked(), s.seq
	s.mu.Unlock()
	var b strings.Builder
	out := &chunkWriter{w: &b}
	d := newDiagrammer(s, out, c.cf, diagramScope{limit: DefaultDiagramLimit, conference: true})
	for _, call := range calls {
		d.party(call)
	}
	d.room(c.cf)
	s.mu.Lock()
	for i := range c.cf.history {
		if e := &c.cf.history[i]; e.hook != nil && e.seq <= last {
			host, _ := appHostPath(e.hook.target)
			d.participant("A", host)
		}
	}
	s.mu.Unlock()
	s.renderMerge(out, d, s.newEventMerge(calls, []*conference{c.cf}, last), calls) // a strings.Builder does not fail
	return b.String()
}

// callsLocked returns the calls that were ever in the conference, in the
// order they first joined.
func (cf *conference) callsLocked() []*Call {
	var out []*Call
	for _, p := range cf.everyone {
		if !slices.Contains(out, p.call) {
			out = append(out, p.call)
		}
	}
	return out
}

// renderMerge renders the events of m, taking the server's lock for a few
// events of one call or conference at a time, and hands them to out: as
// it goes with no limit, at the end with one, after the last event that
// fits and a note on what was left out of calls.
func (s *Server) renderMerge(out *chunkWriter, d *diagrammer, m *eventMerge, calls []*Call) error {
	d.beginBody()
	cut := false
	for m.Len() > 0 && !cut {
		s.mu.Lock()
		cut = m.renderLocked(d)
		s.unlockAndYield()
		if err := d.flushFull(); err != nil {
			return err
		}
	}
	d.flushRelays()
	if cut {
		d.cutNote(s.leftOut(m, calls))
	}
	if err := d.finish(cut); err != nil {
		return err
	}
	return out.flush()
}

// firstUse is a participant that events introduce (the REST client, an
// application, a conference), and the number of the first event that
// does.
type firstUse struct {
	prefix, key, label string
	seq                uint64
}

// firstUses returns the participants the events of calls numbered up to
// last introduce, in the order of their first use, as a diagram declares
// them, and the conferences the calls were in. It takes the server's lock
// for one call at a time.
func (s *Server) firstUses(calls []*Call, last uint64) ([]firstUse, []*conference) {
	first := map[string]firstUse{}
	use := func(prefix, key, label string, seq uint64) {
		if f, ok := first[key]; !ok || seq < f.seq {
			first[key] = firstUse{prefix, key, label, seq}
		}
	}
	var confs []*conference
	for _, c := range calls {
		s.mu.Lock()
		for i := range c.history.events {
			e := &c.history.events[i]
			if e.seq > last {
				break
			}
			switch e.kind {
			case EventAPI:
				use("R", "R"+restClient, restClient, e.seq)
			case EventRequest:
				host, _ := appHostPath(e.hook.target)
				use("A", "A"+host, host, e.seq)
			case EventStream, EventRelay:
				if e.action == ActionDialing {
					key, label := socketLane(e.url)
					use("W", key, label, e.seq)
				}
			}
			if cf := s.roomOfEventLocked(e); cf != nil {
				if _, seen := first[roomKey(cf)]; !seen {
					confs = append(confs, cf)
				}
				use("CF", roomKey(cf), roomLabel(cf), e.seq)
			}
		}
		s.unlockAndYield()
	}
	out := slices.Collect(maps.Values(first))
	slices.SortFunc(out, func(a, b firstUse) int { return cmp.Compare(a.seq, b.seq) })
	return out, confs
}

// roomOfEventLocked returns the conference a call's event took place in
// (joined, left, heard, said…), or nil.
func (s *Server) roomOfEventLocked(e *callEvent) *conference {
	if e.more == nil || e.more.sid == "" || e.kind != EventConference && e.kind != EventInput {
		return nil
	}
	return s.confs.bySID[e.more.sid]
}

// roomKey and roomLabel are a conference's participant in a diagram.
func roomKey(cf *conference) string   { return "CF" + cf.sid }
func roomLabel(cf *conference) string { return "Conference " + strconv.Quote(cf.name) }

// eventMerge merges the histories of calls and conferences into one list
// in the order of the events' numbers, up to last: a heap of cursors, one
// a call or conference, ordered by the number of the cursor's next event.
// A history is in the order of its numbers, and only grows.
type eventMerge struct {
	cursors []eventCursor
	last    uint64
}

// eventCursor is the next event of a call's or a conference's history to
// render.
type eventCursor struct {
	c   *Call       // a call's history, or
	cf  *conference // a conference's
	i   int         // index in the history
	seq uint64      // its number
}

// newEventMerge returns the merge of the events of calls and confs
// numbered up to last. It takes the server's lock for one history at a
// time.
func (s *Server) newEventMerge(calls []*Call, confs []*conference, last uint64) *eventMerge {
	m := &eventMerge{cursors: make([]eventCursor, 0, len(calls)+len(confs)), last: last}
	add := func(cur eventCursor) {
		s.mu.Lock()
		if cur.nextLocked(last) {
			m.cursors = append(m.cursors, cur)
		}
		s.unlockAndYield()
	}
	for _, c := range calls {
		add(eventCursor{c: c})
	}
	for _, cf := range confs {
		add(eventCursor{cf: cf})
	}
	heap.Init(m)
	return m
}

// nextLocked reads the number of the cursor's event and reports whether
// it is one to render.
func (cur *eventCursor) nextLocked(last uint64) bool {
	var seq uint64
	switch {
	case cur.cf != nil && cur.i < len(cur.cf.history):
		seq = cur.cf.history[cur.i].seq
	case cur.cf == nil && cur.i < len(cur.c.history.events):
		seq = cur.c.history.events[cur.i].seq
	default:
		return false
	}
	if seq > last {
		return false
	}
	cur.seq = seq
	return true
}

// renderLocked renders the next events: those of the call whose next
// event has the lowest number, up to the next event of another call. It
// reports whether the diagram was cut: an event that did not fit its
// limit was taken back, and stays next.
func (m *eventMerge) renderLocked(d *diagrammer) (cut bool) {
	cur := heap.Pop(m).(eventCursor)
	for {
		mark := d.mark(cur.c)
		if cur.cf != nil {
			d.confEvent(cur.cf, &cur.cf.history[cur.i])
		} else {
			d.event(cur.c, &cur.c.history.events[cur.i])
		}
		if !d.fits() {
			d.rollback(mark)
			heap.Push(m, cur)
			return true
		}
		cur.i++
		if !cur.nextLocked(m.last) {
			return false
		}
		if m.Len() > 0 && m.cursors[0].seq < cur.seq {
			heap.Push(m, cur)
			return false
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

// diagrammer renders a diagram's lines: its participants, each declared
// before its first use, and what passed between them, with notes of the
// time. Its methods that render events run with the server's lock held.
//
// With no limit, the diagram is written as it goes, into its chunkWriter.
// With one, the lines after the header go into a buffer of their own, an
// event at a time, and the header is written at the end: every
// participant declared when the diagram fits, else only those used
// (mermaid_limit.go).
type diagrammer struct {
	srv   *Server
	out   *chunkWriter
	body  *bytes.Buffer // the lines after the header: out's with no limit
	scope diagramScope
	conf  *conference // the conference diagrammed; nil for a diagram of calls
	// lanes are the participants, in the order declared, by key in ids;
	// header of them were declared before the first event.
	lanes    []diagramLane
	ids      map[string]int
	header   int
	numbered int // lanes whose id is numbered
	inBody   bool
	// left and right are the first and the last lane used so far, in
	// the order declared (-1 for none): a note of the time spans them.
	left, right int
	// at is the virtual time of the event rendered; start that of the
	// diagram's first line, last that of the latest.
	at, start, last time.Time
	started         bool
	// headerUsed is how long the header's declarations of lanes used so
	// far are; headerAll how long all of them are; usedOrder the lanes
	// in the order they were first used.
	headerUsed, headerAll int
	usedOrder             []int
	// relayLanes are the ConversationRelay sessions running, by call, at
	// the event rendered (relay_mermaid.go); relayOrder the calls that
	// had one, in the order their first session began.
	relayLanes map[*Call]*relayLane
	relayOrder []*Call
}

// diagramLane is a participant of a diagram.
type diagramLane struct {
	id   string
	decl string // its declaration, a line
	used bool
}

func newDiagrammer(s *Server, out *chunkWriter, conf *conference, scope diagramScope) *diagrammer {
	d := &diagrammer{srv: s, out: out, body: &out.buf, scope: scope, conf: conf, ids: map[string]int{},
		left: -1, right: -1, relayLanes: map[*Call]*relayLane{}}
	if scope.limit > 0 {
		d.body = new(bytes.Buffer)
	} else {
		out.buf.WriteString(diagramHead)
	}
	return d
}

// diagramHead is the first line of every diagram.
const diagramHead = "sequenceDiagram\n"

// add writes one line: a statement, then ": " and its text, escaped by
// the caller, which is wrapped. A note of the time comes first if virtual
// time has moved since the line before.
func (d *diagrammer) add(format string, args ...any) {
	d.tick()
	d.write(wrapLine(fmt.Sprintf(format, args...)))
}

// wrapLine wraps the text of a line, after its first ": ".
func wrapLine(line string) string {
	if head, text, ok := strings.Cut(line, ": "); ok {
		return head + ": " + wrap(text, labelLines)
	}
	return line
}

// write writes a line as it is.
func (d *diagrammer) write(line string) {
	d.body.WriteString("    ")
	d.body.WriteString(line)
	d.body.WriteByte('\n')
}

// tick writes a note of the time, across the lanes used so far, if
// virtual time has moved since the last line: the time since the first
// line, and since the last ("⏱ 1:07.5 (+12s)").
func (d *diagrammer) tick() {
	switch {
	case !d.started:
		d.start, d.last, d.started = d.at, d.at, true
	case d.at.After(d.last):
		d.write(fmt.Sprintf("%s: ⏱ %s (+%v)", d.acrossUsed(), clockTime(d.at.Sub(d.start)), d.at.Sub(d.last)))
		d.last = d.at
	}
}

// acrossUsed is a note's statement over every lane used so far.
func (d *diagrammer) acrossUsed() string {
	left, right := max(d.left, 0), max(d.right, 0)
	if left == right {
		return "Note over " + d.lanes[left].id
	}
	return "Note over " + d.lanes[left].id + "," + d.lanes[right].id
}

// participant returns the id of the participant labelled label, declaring
// it on first use.
func (d *diagrammer) participant(prefix, label string) string {
	return d.lane(prefix, prefix+label, label)
}

// lane returns the id of the participant known by key, declaring it on
// first use with an id that starts with prefix and a number (Twilio's is
// T), labelled label.
func (d *diagrammer) lane(prefix, key, label string) string {
	i, ok := d.ids[key]
	if !ok {
		id := "T"
		if prefix != "" {
			d.numbered++
			id = fmt.Sprintf("%s%d", prefix, d.numbered)
		}
		i = d.declare(key, id, label)
	}
	d.use(i)
	return d.lanes[i].id
}

// declare adds a participant: written at once with no limit or once the
// events began, else kept for the header.
func (d *diagrammer) declare(key, id, label string) int {
	decl := "    participant " + id + " as " + escapeLabel(label) + "\n"
	i := len(d.lanes)
	d.ids[key] = i
	d.lanes = append(d.lanes, diagramLane{id: id, decl: decl})
	if d.inBody || d.scope.limit == 0 {
		d.body.WriteString(decl)
	} else {
		d.headerAll += len(decl)
	}
	return i
}

// use marks a lane used by the line being rendered.
func (d *diagrammer) use(i int) {
	if !d.inBody || d.lanes[i].used {
		return
	}
	d.lanes[i].used = true
	d.usedOrder = append(d.usedOrder, i)
	if i < d.header {
		d.headerUsed += len(d.lanes[i].decl)
	}
	if d.left < 0 || i < d.left {
		d.left = i
	}
	d.right = max(d.right, i)
}

// beginBody ends the header: Twilio's lane, when the diagram has one, is
// used from the start.
func (d *diagrammer) beginBody() {
	d.header, d.inBody = len(d.lanes), true
	if i, ok := d.ids["T"]; ok {
		d.use(i)
	}
}

// room returns the id of a conference.
func (d *diagrammer) room(cf *conference) string {
	return d.lane("CF", roomKey(cf), roomLabel(cf))
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

// event renders one event of c. A diagram of a conference shows only
// what the calls said to it: the rest is in the conference's history.
func (d *diagrammer) event(c *Call, e *callEvent) {
	d.at = e.at
	if d.conf != nil {
		if e.kind == EventInput && d.srv.roomOfEventLocked(e) == d.conf {
			d.speech(d.party(c), d.conf, e)
		}
		return
	}
	p := d.party(c)
	d.flushRelay(c, e)
	if cf := d.srv.roomOfEventLocked(e); cf != nil {
		d.inConference(p, cf, e)
		return
	}
	switch e.kind {
	case EventStatus:
		d.status(c, p, e.status)
	case EventAPI:
		r := d.participant("R", restClient)
		d.add("%s->>T: %s %s", r, e.api.method, escape(shortPath(e.api.path)))
		d.reply("T", r, e.api.status, nil)
	case EventRequest:
		d.requestLocked("T", e.hook)
	case EventSay:
		d.add("T->>%s: says %s", p, quote(e.text))
	case EventPlay:
		d.add("T->>%s: plays %s", p, escape(e.detail()))
	case EventPause:
		d.add("Note over T,%s: pause %v", p, e.dur)
	case EventInput:
		if e.action != ActionPlanned {
			d.add("%s->>T: %s", p, inputWords(e))
			d.relayInputLocked(c, e)
		}
	case EventSms:
		m := e.extra()
		d.add("T->>%s: SMS to %s from %s: %s", p, escape(m.to), escape(m.from), quote(e.text))
	case EventHangup:
		d.add("Note over T,%s: hang-up: %s", p, escape(e.text))
	case EventNotification:
		d.add("Note over T,%s: %d %s", p, e.code, escape(e.text))
	case EventQueue:
		d.add("Note over T,%s: %s", p, escape(e.detail()))
	case EventStream:
		d.streamLocked(c, p, e)
	case EventRelay:
		d.relayEventLocked(c, p, e)
	default:
		d.add("Note over T,%s: %s", p, escape(e.detail()))
	}
}

// inputWords says what the far end did: what it said, quoted as what is
// said is, or the keys it pressed.
func inputWords(e *callEvent) string {
	if e.action != ActionSpoke {
		return escape(e.detail())
	}
	if m := e.extra(); m.noun == relayVerbName { // to a ConversationRelay session: in its language
		return "said " + quote(e.text) + " (" + escape(m.name) + ")"
	}
	return "said " + quote(e.text)
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
		d.add("Note over T,%s: %s %s", p, c.sid, st)
	}
}

// requestLocked renders a request to the application, sent by from, and
// its reply. A conference's status callback names its event.
func (d *diagrammer) requestLocked(from string, w *webhook) {
	host, path := appHostPath(w.target)
	a := d.participant("A", host)
	kind := string(w.kind)
	if w.kind == KindConferenceCallback {
		form, _ := url.ParseQuery(w.body)
		kind += " " + form.Get("StatusCallbackEvent")
	}
	d.add("%s->>%s: %s %s %s", from, a, escape(kind), w.method, escape(path))
	if w.done {
		d.reply(a, from, w.status, w.err)
	}
}

// reply renders the reply to a request: a dashed arrow with its status,
// or for a failed one (a status of 400 or more, or an error instead of a
// reply) a dashed line with a cross, and why.
func (d *diagrammer) reply(from, to string, status int, err error) {
	switch {
	case err != nil:
		d.add("%s--x%s: %s", from, to, escape(err.Error()))
	case status >= 400:
		d.add("%s--x%s: %d %s", from, to, status, escape(http.StatusText(status)))
	default:
		d.add("%s-->>%s: %d", from, to, status)
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

// heardExcerpt is how much of what was said a diagram shows.
const heardExcerpt = 40

// inConference renders an event of a call that took place in a
// conference (p is the call's far end): joins, leaves, flags, speech and
// what it heard. The conference's start and end come from its own
// history (confEvent).
func (d *diagrammer) inConference(p string, cf *conference, e *callEvent) {
	r := d.room(cf)
	m := e.extra()
	switch e.action {
	case ActionJoined:
		d.add("%s->>%s: joins%s", p, r, asLabel(m.name))
	case ActionLeft:
		d.add("%s-x%s: leaves: %s", p, r, escape(e.text))
	case ActionStarted: // the conference's conference-start says it once
	case ActionHeld, ActionUnheld, ActionMuted, ActionUnmuted, ActionModified:
		d.add("Note over %s,%s: %s", p, r, flagWords(string(e.action)))
	case ActionHeard:
		d.add("%s->>%s: %s", r, p, escape(d.heardLocked(e, m)))
	case ActionSpoke, ActionTalked:
		d.speech(p, cf, e)
	}
}

// speech renders what a call said (or how long it talked) to the room.
func (d *diagrammer) speech(p string, cf *conference, e *callEvent) {
	r := d.room(cf)
	if e.action == ActionTalked {
		d.add("%s->>%s: talks for %v", p, r, e.dur)
		return
	}
	if e.action == ActionSpoke {
		d.add("%s->>%s: says %s", p, r, quoteShort(e.text))
	}
}

// heardLocked says briefly what a participant heard, and from whom.
func (d *diagrammer) heardLocked(e *callEvent, m eventMore) string {
	var what string
	switch {
	case m.source == SourceBeep:
		return "beep"
	case e.text == "silence":
		return "silence (" + m.source + ")"
	case e.url != "":
		what = e.url
	case e.text != "":
		what = strconv.Quote(excerpt(e.text, heardExcerpt))
	default:
		what = "talking for " + e.dur.String()
	}
	switch m.source {
	case SourceWaitMusic, SourceHoldMusic, SourceAnnouncement:
		return m.source + ": " + what
	}
	return what + " from " + d.speakerLocked(m.source, m.name)
}

// speakerLocked names the participant whose call SID is sid: its label,
// or the address of its far end.
func (d *diagrammer) speakerLocked(sid, label string) string {
	if label != "" {
		return strconv.Quote(label)
	}
	c := d.srv.calls[sid]
	switch {
	case c == nil:
		return sid
	case c.direction == DirectionInbound:
		return c.from
	}
	return c.to
}

// asLabel is " as \"label\"", or "" for no label.
func asLabel(label string) string {
	if label == "" {
		return ""
	}
	return " as " + escape(strconv.Quote(label))
}

// confEvent renders an event of a conference's history. In a diagram of
// calls it shows only the room's start and end (the calls' own events
// show the rest, and the status callbacks are their requests); in a
// diagram of the conference it shows every event and its callback.
func (d *diagrammer) confEvent(cf *conference, e *confEvent) {
	d.at = e.at
	r := d.room(cf)
	reason := func(name string) string {
		for _, kv := range e.extra {
			if kv.Name == name {
				return ": " + escape(kv.Value)
			}
		}
		return ""
	}
	switch e.name {
	case "conference-start":
		d.add("Note over %s: conference starts", r)
	case "conference-end":
		d.add("Note over %s: conference ends%s", r, reason("ReasonConferenceEnded"))
	}
	if d.conf == nil {
		return
	}
	var p string
	if c := d.srv.calls[e.callSID]; c != nil {
		p = d.party(c)
	}
	switch {
	case e.name == "conference-start" || e.name == "conference-end":
	case e.name == "participant-speech-start" || e.name == "participant-speech-stop": // the call's speech says it
	case p == "":
		d.add("Note over %s: %s", r, escape(e.name))
	case e.name == "participant-join":
		d.add("%s->>%s: joins%s", p, r, asLabel(e.label))
	case e.name == "participant-leave":
		d.add("%s-x%s: leaves%s", p, r, reason("ReasonParticipantLeft"))
	default:
		d.add("Note over %s,%s: %s", p, r, escape(flagWords(e.name)))
	}
	if e.hook != nil {
		d.requestLocked(r, e.hook)
	}
}

// flagWords says how a participant's flags changed, for a conference's
// event (participant-hold) or a call's (held).
func flagWords(name string) string {
	switch strings.TrimPrefix(name, "participant-") {
	case "hold", string(ActionHeld):
		return "on hold"
	case "unhold", string(ActionUnheld):
		return "off hold"
	case "mute", string(ActionMuted):
		return "muted"
	case "unmute", string(ActionUnmuted):
		return "unmuted"
	case "modify", string(ActionModified):
		return "modified"
	}
	return name
}

// socketLane returns the key and label of the participant of a diagram
// that is the application's WebSocket at url: one for each host and path.
func socketLane(url string) (key, label string) {
	host, path := appHostPath(url)
	path, _, _ = strings.Cut(path, "?")
	label = "WebSocket " + host + path
	return "W" + label, label
}

// streamLocked renders an event of a media stream of c (p is the call's
// far end) between Twilio and the application's WebSocket: the connection
// and the start message, the marks played, the clears, the stop or the
// failure; and what the far end heard of the application's audio.
func (d *diagrammer) streamLocked(c *Call, p string, e *callEvent) {
	m := e.extra()
	st := c.streamNamedLocked(m.sid)
	if st == nil { // not in a call's history
		d.add("Note over T,%s: %s", p, escape(e.detail()))
		return
	}
	key, label := socketLane(st.url)
	w := d.lane("W", key, label)
	who := st.sid
	if st.name != "" {
		who = strconv.Quote(st.name)
	}
	switch e.action {
	case ActionDialing:
		d.add("T->>%s: WebSocket connect: %s stream %s", w, escape(st.kindName()), escape(who))
	case ActionStarted:
		d.add("T->>%s: connected, start", w)
	case ActionMark:
		how := "played"
		if m.noun == markCleared {
			how = "cleared"
		}
		d.add("T->>%s: mark %s %s", w, escape(strconv.Quote(e.text)), how)
	case ActionCleared:
		d.add("%s->>T: clear (%v not played)", w, e.dur)
	case ActionPlayed:
		d.add("T->>%s: the application's audio (%v)", p, e.dur)
	case ActionStopped:
		d.add("Note over T,%s: stream %s stopped: %s", w, escape(who), escape(e.text))
	case ActionFailed:
		d.add("Note over T,%s: stream %s failed: %s", w, escape(who), escape(e.text))
	default:
		d.add("Note over T,%s: %s", w, escape(e.detail()))
	}
}
