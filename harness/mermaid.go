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
	"strconv"
	"strings"
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
// numbered up to last, and of the conferences they were in: the
// participants, then every event in the order of its number. It takes the
// server's lock for one call at a time.
func (s *Server) writeDiagram(w io.Writer, calls []*Call, last uint64) error {
	out := &chunkWriter{w: w}
	d := newDiagrammer(s, &out.buf, nil)
	out.buf.WriteString("sequenceDiagram\n")
	d.add("participant T as Twilio")
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
	return s.renderMerge(out, d, s.newEventMerge(calls, confs, last))
}

// Mermaid returns a Mermaid sequence diagram of the conference: each
// participant's far end and the room, with who joined and left, when it
// started and ended, holds and mutes, what each participant said to the
// room, and the status callbacks the room sent to the application, with
// their replies.
func (c *Conference) Mermaid() string {
	s := c.srv
	s.mu.Lock()
	calls, last := c.cf.callsLocked(), s.seq
	s.mu.Unlock()
	var b strings.Builder
	out := &chunkWriter{w: &b}
	d := newDiagrammer(s, &out.buf, c.cf)
	out.buf.WriteString("sequenceDiagram\n")
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
	s.renderMerge(out, d, s.newEventMerge(calls, []*conference{c.cf}, last)) // a strings.Builder does not fail
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
// events of one call or conference at a time, and hands them to out.
func (s *Server) renderMerge(out *chunkWriter, d *diagrammer, m *eventMerge) error {
	for m.Len() > 0 {
		s.mu.Lock()
		m.renderLocked(d)
		s.unlockAndYield()
		if err := out.flushFull(); err != nil {
			return err
		}
	}
	d.flushRelays()
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
// event has the lowest number, up to the next event of another call.
func (m *eventMerge) renderLocked(d *diagrammer) {
	cur := heap.Pop(m).(eventCursor)
	for {
		if cur.cf != nil {
			d.confEvent(cur.cf, &cur.cf.history[cur.i])
		} else {
			d.event(cur.c, &cur.c.history.events[cur.i])
		}
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
// declared on first use, and what passed between them. Its methods that
// render events run with the server's lock held.
type diagrammer struct {
	srv  *Server
	ids  map[string]string // participant key → id
	out  *bytes.Buffer
	conf *conference // the conference diagrammed; nil for a diagram of calls
	// relayLanes are the ConversationRelay sessions running, by call, at
	// the event rendered (relay_mermaid.go); relayOrder the calls that
	// had one, in the order their first session began.
	relayLanes map[*Call]*relayLane
	relayOrder []*Call
}

func newDiagrammer(s *Server, out *bytes.Buffer, conf *conference) *diagrammer {
	return &diagrammer{srv: s, ids: map[string]string{}, out: out, conf: conf, relayLanes: map[*Call]*relayLane{}}
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
	return d.lane(prefix, prefix+label, label)
}

// lane returns the id of the participant known by key, declaring it on
// first use with an id that starts with prefix, labelled label.
func (d *diagrammer) lane(prefix, key, label string) string {
	if id, ok := d.ids[key]; ok {
		return id
	}
	id := fmt.Sprintf("%s%d", prefix, len(d.ids)+1)
	d.ids[key] = id
	d.add("participant %s as %s", id, escape(label))
	return id
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
		d.add("T-->>%s: %d", r, e.api.status)
	case EventRequest:
		d.requestLocked("T", e.hook)
	case EventSay:
		d.add("T->>%s: says %s", p, escape(fmt.Sprintf("%q", e.text)))
	case EventPlay:
		d.add("T->>%s: plays %s", p, escape(e.detail()))
	case EventPause:
		d.add("Note over T,%s: pause %v", p, e.dur)
	case EventInput:
		if e.action != ActionPlanned {
			d.add("%s->>T: %s", p, escape(e.detail()))
			d.relayInputLocked(c, e)
		}
	case EventSms:
		d.add("T->>%s: SMS %s", p, escape(e.detail()))
	case EventHangup:
		d.add("Note over T,%s: hang-up: %s", p, escape(e.text))
	case EventNotification:
		d.add("Note over T: %d %s", e.code, escape(e.text))
	case EventQueue:
		d.add("Note over T,%s: %s", p, escape(e.detail()))
	case EventStream:
		d.streamLocked(c, p, e)
	case EventRelay:
		d.relayEventLocked(c, p, e)
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
	switch {
	case !w.done:
	case w.err != nil:
		d.add("%s--x%s: %s", a, from, escape(w.err.Error()))
	default:
		d.add("%s-->>%s: %d", a, from, w.status)
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
		d.add("%s->>%s: says %s", p, r, escape(strconv.Quote(excerpt(e.text, heardExcerpt))))
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
		d.add("Note over T: %s", escape(e.detail()))
		return
	}
	key, label := socketLane(st.url)
	w := d.lane("W", key, label)
	who := st.sid[:8] + "…"
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
