package harness

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Mermaid returns a Mermaid sequence diagram of the call and the legs it
// dialed: the far end, Twilio, the application and each leg, with what
// passed between them.
func (c *Call) Mermaid() string {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	return diagramLocked(c.treeLocked())
}

// Mermaid returns a Mermaid sequence diagram of every call of the server.
func (s *Server) Mermaid() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return diagramLocked(s.order)
}

// treeLocked returns the call and, recursively, its legs.
func (c *Call) treeLocked() []*Call {
	out := []*Call{c}
	for _, child := range c.dial.children {
		out = append(out, child.treeLocked()...)
	}
	return out
}

// diagramLocked renders calls as one sequence diagram.
func diagramLocked(calls []*Call) string {
	d := &diagrammer{ids: map[string]string{}}
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	d.line("participant T as Twilio")
	type item struct {
		c *Call
		e *callEvent
	}
	var items []item
	for _, c := range calls {
		d.party(c)
		for i := range c.history.events {
			items = append(items, item{c, &c.history.events[i]})
		}
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.e.seq, b.e.seq) })
	for _, it := range items {
		d.event(it.c, it.e)
	}
	b.WriteString(strings.Join(d.head, "\n"))
	if len(d.body) > 0 {
		b.WriteString("\n" + strings.Join(d.body, "\n"))
	}
	b.WriteString("\n")
	return b.String()
}

// diagrammer collects the participants and the lines of a diagram.
type diagrammer struct {
	ids  map[string]string // participant label → id
	head []string
	body []string
}

func (d *diagrammer) line(s string) { d.head = append(d.head, "    "+s) }

func (d *diagrammer) add(format string, args ...any) {
	d.body = append(d.body, "    "+fmt.Sprintf(format, args...))
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
	d.line(fmt.Sprintf("participant %s as %s", id, escape(label)))
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
		r := d.participant("R", "REST client")
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
	host := w.target
	path := w.target
	if u, err := url.Parse(w.target); err == nil {
		host, path = u.Host, u.RequestURI()
	}
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
