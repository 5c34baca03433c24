package harness

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Transcript returns the call's history as text, one line per event, with
// virtual times counted from the server's start. The same test gives the
// same transcript on every run.
func (c *Call) Transcript() string {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	var b bytes.Buffer
	c.writeTranscriptLocked(&b)
	return b.String()
}

// Transcript returns the transcripts of every call, in the order the calls
// were created, then those of every conference ([Conference.Transcript]),
// separated by blank lines. It holds them all in memory:
// [Server.WriteTranscript] writes the same as it goes.
func (s *Server) Transcript() string {
	var b strings.Builder
	s.WriteTranscript(&b) // a strings.Builder does not fail
	return b.String()
}

// WriteTranscript writes the transcripts of the calls opts select (every
// call by default), then those of the conferences they were in, as
// [Server.Transcript] returns them, to w as it goes, and returns the first
// error w returned. The calls and conferences are those the server had
// when it began; each transcript is rendered whole when its turn comes,
// under the server's lock for that call or conference alone, so one still
// running may show events that happened since. The REST API and the
// engine wait at most for one transcript, never for w.
func (s *Server) WriteTranscript(w io.Writer, opts ...ViewOption) error {
	vc := viewConfigOf(opts)
	v := s.viewOf(&vc, false)
	out := &chunkWriter{w: w}
	n := 0
	// each writes one transcript, after a blank line unless it is the
	// first, and reports whether there was one to write.
	each := func(writeLocked func() bool) error {
		s.mu.Lock()
		at := out.buf.Len()
		if n > 0 {
			out.buf.WriteByte('\n')
		}
		if writeLocked() {
			n++
		} else {
			out.buf.Truncate(at)
		}
		s.unlockAndYield()
		return out.flushFull()
	}
	for _, c := range v.calls {
		if err := each(func() bool { c.writeTranscriptLocked(&out.buf); return true }); err != nil {
			return fmt.Errorf("harness: writing the transcript: %w", err)
		}
	}
	sids := v.shownSIDs(&vc)
	for _, cf := range v.confs {
		err := each(func() bool {
			if !cf.hadAnyLocked(sids) {
				return false
			}
			cf.writeTranscriptLocked(&out.buf)
			return true
		})
		if err != nil {
			return fmt.Errorf("harness: writing the transcript: %w", err)
		}
	}
	if err := out.flush(); err != nil {
		return fmt.Errorf("harness: writing the transcript: %w", err)
	}
	return nil
}

// writeTranscriptLocked writes the call's header line and its events.
func (c *Call) writeTranscriptLocked(b *bytes.Buffer) {
	fmt.Fprintf(b, "call %s %s from %s to %s", c.sid, c.direction, c.from, c.to)
	if c.parent != "" {
		fmt.Fprintf(b, " (child of %s)", c.parent)
	}
	b.WriteByte('\n')
	for i := range c.history.events {
		e := &c.history.events[i]
		fmt.Fprintf(b, "  %s  %-12s %s\n", clockText(e.at.Sub(c.srv.cfg.start)), e.kind, e.lineLocked())
	}
}

// clockText renders an offset as hh:mm:ss.mmm.
func clockText(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// lineLocked renders the event's details for the transcript.
func (e *callEvent) lineLocked() string {
	switch e.kind {
	case EventStatus:
		return string(e.status)
	case EventAPI:
		return fmt.Sprintf("%s %s -> %d", e.api.method, e.api.path, e.api.status)
	case EventRequest:
		return e.hook.describeLocked()
	case EventSay:
		return fmt.Sprintf("%q (%v)", e.text, e.dur)
	case EventPause:
		return e.dur.String()
	case EventNotification:
		return fmt.Sprintf("%d %s", e.code, e.text)
	}
	return e.detail()
}

// transcriptParams are the parameters a transcript shows for a request.
var transcriptParams = []string{"CallStatus", "SequenceNumber", "ErrorCode", "RecordingStatus", "CallDuration"}

// replyExcerpt is how much of a failed request's reply a transcript shows.
const replyExcerpt = 80

// describeLocked renders a request and its reply on one line: the URL as
// requested (for a GET, with the parameters in its query), the parameters
// worth seeing, and the reply; for a reply that failed, the start of its
// body, and for a 401 or 403, the URL that was signed.
func (w *webhook) describeLocked() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", w.kind, w.method, w.url)
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
		if w.status >= 400 && len(w.reply) > 0 {
			fmt.Fprintf(&b, ": %q", excerpt(w.reply, replyExcerpt))
		}
		if w.status == http.StatusUnauthorized || w.status == http.StatusForbidden {
			fmt.Fprintf(&b, " (X-Twilio-Signature was computed for %s: does the application check the same URL?)", w.url)
		}
	}
	return b.String()
}

// excerpt returns the start of s, at most n bytes on a rune boundary,
// with "…" when it was cut, its white space folded.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// FailureReporter is what [LogTranscriptOnFailure] needs from a test:
// *testing.T satisfies it.
type FailureReporter interface {
	Cleanup(func())
	Failed() bool
	Logf(format string, args ...any)
}

// LogTranscriptOnFailure logs the transcript of every call of srv, then of
// every conference ([Server.Transcript]), at the end of the test, if the
// test failed: the plain go test counterpart of the matchers package's
// ReportTranscripts. With [HTMLReportsIn] (or [ReportDirEnv] set) it also
// saves an HTML report of every call ([Server.HTML]), named after the
// test, and logs its path.
func LogTranscriptOnFailure(t FailureReporter, srv *Server, opts ...ReportOption) {
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		t.Logf("harness: transcript of every call and conference:\n%s", srv.Transcript())
		name := "report"
		if n, ok := t.(interface{ Name() string }); ok {
			name = n.Name()
		}
		switch path, err := SaveFailureReport(name, srv, opts...); {
		case err != nil:
			t.Logf("harness: no HTML report: %v", err)
		case path != "":
			t.Logf("harness: HTML report of every call: %s", path)
		}
	})
}
