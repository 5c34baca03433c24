package harness

import (
	"fmt"
	"mime"
	"net/url"
	"strings"
	"time"
)

// Transcript returns the call's history as text, one line per event, with
// virtual times counted from the server's start. The same test gives the
// same transcript on every run.
func (c *Call) Transcript() string {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	var b strings.Builder
	c.writeTranscript(&b)
	return b.String()
}

// Transcript returns the transcripts of every call, in the order the calls
// were created.
func (s *Server) Transcript() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for i, c := range s.order {
		if i > 0 {
			b.WriteByte('\n')
		}
		c.writeTranscript(&b)
	}
	return b.String()
}

// writeTranscript writes the call's header line and its events. Call with
// srv.mu held.
func (c *Call) writeTranscript(b *strings.Builder) {
	fmt.Fprintf(b, "call %s %s from %s to %s", c.sid, c.direction, c.from, c.to)
	if c.parent != "" {
		fmt.Fprintf(b, " (child of %s)", c.parent)
	}
	b.WriteByte('\n')
	for _, e := range c.events {
		fmt.Fprintf(b, "  %s  %-12s %s\n", clockText(e.at.Sub(c.srv.cfg.start)), e.kind, e.describe())
	}
}

// clockText renders an offset as hh:mm:ss.mmm.
func clockText(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// describe renders the event's details for the transcript.
func (e callEvent) describe() string {
	switch e.kind {
	case EventStatus:
		return string(e.status)
	case EventAPI:
		return fmt.Sprintf("%s %s -> %d", e.api.method, e.api.path, e.api.status)
	case EventRequest:
		return e.hook.describe()
	case EventSay:
		return fmt.Sprintf("%q (%v)", e.text, e.dur)
	case EventPause:
		return e.dur.String()
	case EventNotification:
		return fmt.Sprintf("%d %s", e.code, e.text)
	}
	return e.text
}

// transcriptParams are the parameters a transcript shows for a request.
var transcriptParams = []string{"CallStatus", "SequenceNumber", "ErrorCode", "RecordingStatus", "CallDuration"}

// describe renders a request and its reply on one line. Call with srv.mu
// held.
func (w *webhook) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", w.kind, w.method, w.target)
	form, _ := url.ParseQuery(w.body)
	var shown []string
	for _, k := range transcriptParams {
		if v := form.Get(k); v != "" {
			shown = append(shown, k+"="+v)
		}
	}
	if len(shown) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(shown, " "))
	}
	switch {
	case !w.done:
		b.WriteString(" -> (no reply yet)")
	case w.err != nil:
		fmt.Fprintf(&b, " -> error: %v", w.err)
	default:
		fmt.Fprintf(&b, " -> %d", w.status)
		if ct := w.replyHeader.Get("Content-Type"); ct != "" {
			mt, _, _ := mime.ParseMediaType(ct)
			fmt.Fprintf(&b, " %s", mt)
		}
		if len(w.reply) > 0 {
			fmt.Fprintf(&b, " (%d bytes)", len(w.reply))
		}
	}
	return b.String()
}

// FailureReporter is what [LogTranscriptOnFailure] needs from a test:
// *testing.T satisfies it.
type FailureReporter interface {
	Cleanup(func())
	Failed() bool
	Logf(format string, args ...any)
}

// LogTranscriptOnFailure logs the transcript of every call of srv at the
// end of the test, if the test failed: the plain go test counterpart of the
// matchers package's ReportTranscripts.
func LogTranscriptOnFailure(t FailureReporter, srv *Server) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("harness: transcript of every call:\n%s", srv.Transcript())
		}
	})
}
