package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// HTML returns a report of the call and the legs it dialed as one
// self-contained HTML page: the inspector's views of them (the list, each
// call's timeline, sequence diagram, webhooks with their parameters,
// signatures and replies, notifications, recordings, streams and
// conversations, transcript), and of the conferences they were in, with
// their data inlined. It needs no server and no network: open it in a
// browser, attach it to a CI run. [LogTranscriptOnFailure] with
// [HTMLReportsIn] (or [ReportDirEnv] set) saves one of the whole server
// for each failed test.
func (c *Call) HTML() []byte {
	s := c.srv
	s.mu.Lock()
	calls := c.treeLocked()
	now := s.clock.Now()
	s.mu.Unlock()
	var b bytes.Buffer
	s.writeReport(&b, "call "+c.sid, now, calls) // a bytes.Buffer does not fail
	return b.Bytes()
}

// HTML returns a report of every call of the server as one
// self-contained HTML page, as [Call.HTML] does for one call. It holds the
// whole page in memory: [Server.WriteHTML] writes the same as it goes, of
// the calls it is told.
func (s *Server) HTML() []byte {
	var b bytes.Buffer
	s.WriteHTML(&b) // a bytes.Buffer does not fail
	return b.Bytes()
}

// WriteHTML writes a report of the calls opts select (every call by
// default) as one self-contained HTML page to w, as it goes, and returns
// the first error w returned. Each call costs its record, transcript and
// diagram in the page (a few tens of kilobytes for a call of a few
// minutes): select calls with [OnlyCalls], [CreatedSince] or [MaxCalls]
// for a server with thousands.
func (s *Server) WriteHTML(w io.Writer, opts ...ViewOption) error {
	vc := viewConfigOf(opts)
	v := s.viewOf(&vc, false)
	if err := s.writeReport(w, "every call", v.now, v.calls); err != nil {
		return fmt.Errorf("harness: writing the HTML report: %w", err)
	}
	return nil
}

// The inspector page's links to its style sheet and script, which a
// report replaces with them, inlined, and its data.
const (
	reportStyleLink = `<link rel="stylesheet" href="/_harness/ui/style.css">`
	reportScript    = `<script src="/_harness/ui/app.js"></script>`
)

// writeReport writes the inspector's page with the views of calls, and of
// the conferences they were in, inlined as the data the page reads
// instead of the control API's. It takes the server's lock for one call
// or conference at a time.
func (s *Server) writeReport(w io.Writer, title string, now time.Time, calls []*Call) error {
	page, _ := uiFiles.ReadFile("ui/index.html")
	style, _ := uiFiles.ReadFile("ui/style.css")
	script, _ := uiFiles.ReadFile("ui/app.js")
	head, tail, _ := strings.Cut(string(page), reportScript)
	head = strings.Replace(head, reportStyleLink, "<style>\n"+string(style)+"</style>", 1)
	head = strings.Replace(head, "<title>twimlharness inspector</title>", "<title>twimlharness report: "+htmlEscape(title)+"</title>", 1)
	out := &chunkWriter{w: w}
	out.buf.WriteString(head)
	out.buf.WriteString(`<script id="twimlharness-report" type="application/json">`)
	d := reportData{out: out}
	d.field("title", title)
	d.field("now", now)
	d.list("calls", len(calls), func(i int) any {
		s.mu.Lock()
		defer s.mu.Unlock()
		return calls[i].summaryLocked()
	})
	d.object("records", calls, func(c *Call) any { return json.RawMessage(c.JSON()) })
	d.object("transcripts", calls, func(c *Call) any { return c.Transcript() })
	d.object("diagrams", calls, func(c *Call) any { return drawn(c.Mermaid()) })
	confs := s.conferencesOf(calls)
	d.list("conferences", len(confs), func(i int) any { return json.RawMessage(confs[i].JSON()) })
	entries(&d, "conference_diagrams", confs, func(cf *Conference) (string, any) { return cf.cf.sid, drawn(cf.Mermaid()) })
	out.buf.WriteString("}</script>\n<script>\n")
	out.buf.Write(script)
	out.buf.WriteString("</script>")
	out.buf.WriteString(tail)
	if d.err != nil {
		return d.err
	}
	return out.flush()
}

// drawn is a diagram in a report: its Mermaid text and its picture.
func drawn(mermaid string) any {
	return struct {
		Mermaid string `json:"mermaid"`
		SVG     string `json:"svg"`
	}{mermaid, diagramSVG(mermaid)}
}

// conferencesOf returns the conferences any of calls was in, in the order
// they were created.
func (s *Server) conferencesOf(calls []*Call) []*Conference {
	sids := make(map[string]bool, len(calls))
	for _, c := range calls {
		sids[c.sid] = true
	}
	var out []*Conference
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cf := range s.confs.order {
		if cf.hadAnyLocked(sids) {
			out = append(out, &Conference{srv: s, cf: cf})
		}
	}
	return out
}

// reportData writes the JSON object a report's page reads, a field at a
// time, flushing as it goes; it keeps the first error.
type reportData struct {
	out    *chunkWriter
	fields int
	err    error
}

// key starts a field.
func (d *reportData) key(name string) {
	if d.fields > 0 {
		d.out.buf.WriteString(",\n")
	} else {
		d.out.buf.WriteByte('{')
	}
	d.fields++
	d.out.buf.Write(jsonString(name))
	d.out.buf.WriteByte(':')
}

// value writes v as JSON (which escapes <, > and &: nothing in it can end
// the script element), and flushes a full chunk.
func (d *reportData) value(v any) {
	b, err := json.Marshal(v)
	if err != nil && d.err == nil {
		d.err = err
	}
	d.out.buf.Write(b)
	if err := d.out.flushFull(); err != nil && d.err == nil {
		d.err = err
	}
}

func (d *reportData) field(name string, v any) {
	d.key(name)
	d.value(v)
}

// list writes a field that is a list of n items.
func (d *reportData) list(name string, n int, item func(int) any) {
	d.key(name)
	d.out.buf.WriteByte('[')
	for i := range n {
		if i > 0 {
			d.out.buf.WriteByte(',')
		}
		d.value(item(i))
	}
	d.out.buf.WriteByte(']')
}

// object writes a field that is an object of each call's value, by SID.
func (d *reportData) object(name string, calls []*Call, value func(*Call) any) {
	entries(d, name, calls, func(c *Call) (string, any) { return c.sid, value(c) })
}

// entries writes a field that is an object of one entry per item.
func entries[T any](d *reportData, name string, items []T, entry func(T) (string, any)) {
	d.key(name)
	d.out.buf.WriteByte('{')
	for i, it := range items {
		if i > 0 {
			d.out.buf.WriteByte(',')
		}
		k, v := entry(it)
		d.out.buf.Write(jsonString(k))
		d.out.buf.WriteByte(':')
		d.value(v)
	}
	d.out.buf.WriteByte('}')
}

// jsonString is s as a JSON string.
func jsonString(s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// htmlEscape makes s safe as the text of an HTML element.
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
