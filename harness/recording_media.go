package harness

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/audio"
	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// A recording's media: GET …/Recordings/{Sid} (no extension) or
// {Sid}.wav is a WAV, {Sid}.mp3 an MP3; {Sid}.json and {Sid}.xml are the
// resource. The media is what the recording heard: a tone where the far
// end spoke (660 Hz, the inbound track, the first channel of a dual
// recording) and where the application spoke or played (440 Hz, the
// outbound track, the second channel), silence elsewhere; its length is
// the recording's duration. The MP3's frames are silent (see
// internal/audio). Only completed recordings have media.

// Tones of the two tracks.
const (
	inboundHz  = 660
	outboundHz = 440
)

// mediaRequest is a request for a recording's media, if the path names
// one: the account, the recording's SID and the extension ("", "wav" or
// "mp3").
func mediaRequest(path string) (acct, sid, ext string, ok bool) {
	rest, inAPI := strings.CutPrefix(path, apiPrefix)
	if !inAPI {
		return "", "", "", false
	}
	acct, rest, _ = strings.Cut(rest, "/")
	name, found := strings.CutPrefix(rest, "Recordings/")
	if !found || strings.Contains(name, "/") {
		return "", "", "", false
	}
	sid, ext = twilioapi.SplitExt(name)
	if ext != "" && ext != "wav" && ext != "mp3" {
		return "", "", "", false
	}
	return acct, sid, ext, strings.HasPrefix(sid, "RE")
}

// serveMedia answers a request for a recording's media: 401 without the
// account's credentials, 404 for a recording that is not completed (or
// deleted, or not the account's), 400 for RequestedChannels that do not
// fit it.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request, acctSID, sid, ext string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.refuseMedia(w, r, nil, &APIError{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed,
			Message: "Method not allowed: " + r.Method + " " + r.URL.Path + " (the media of a recording takes GET)"})
		return
	}
	acct, aerr := s.authenticate(r)
	if aerr != nil {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		s.refuseMedia(w, r, nil, aerr)
		return
	}
	s.mu.Lock()
	rec := s.recordingLocked(acct, acctSID, sid)
	if rec == nil || !rec.servableLocked() {
		s.mu.Unlock()
		s.refuseMedia(w, r, acct, notFound(r.URL.Path))
		return
	}
	channels := rec.Channels
	if v := r.URL.Query().Get("RequestedChannels"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 1 || n > 2:
			aerr = badRequest(codeBadRequest, "RequestedChannels must be 1 or 2: %s", v)
		case n > rec.Channels:
			aerr = badRequest(codeBadRequest, "RequestedChannels=2: recording %s has one channel", rec.SID)
		}
		channels = n
	}
	if aerr != nil {
		s.mu.Unlock()
		s.refuseMedia(w, r, acct, aerr)
		return
	}
	d, spans, callSID := rec.Duration, rec.spansLocked(), rec.CallSID
	s.mu.Unlock()

	ctype, size := "audio/x-wav", audio.WAVSize(d, channels)
	if ext == "mp3" {
		ctype, size = "audio/mpeg", audio.MP3Frames(d)*144
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	s.recordAPI(r, acct, callSID, http.StatusOK, ctype, fmt.Sprintf("(%d bytes of audio: %v, %d channels)", size, d, channels), keptForm{values: r.PostForm})
	if r.Method == http.MethodHead {
		return
	}
	out := ctxWriter{r.Context(), w} // a client gone stops the audio
	if ext == "mp3" {
		audio.WriteMP3(out, d, channels)
		return
	}
	audio.WriteWAV(out, d, channels, spans)
}

// ctxWriter writes to w until ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (cw ctxWriter) Write(p []byte) (int, error) {
	if err := cw.ctx.Err(); err != nil {
		return 0, err
	}
	return cw.w.Write(p)
}

// refuseMedia answers a media request with Twilio's error body, in JSON.
func (s *Server) refuseMedia(w http.ResponseWriter, r *http.Request, acct *account, e *APIError) {
	status, ctype, body := render(apiReply{err: e}, twilioapi.JSON)
	s.recordAPI(r, acct, "", status, ctype, string(body), keptForm{values: r.PostForm})
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	w.Write(body)
}

// recordingLocked returns the recording sid of the account, nil if it
// has none.
func (s *Server) recordingLocked(acct *account, acctSID, sid string) *Recording {
	if acct.sid != acctSID {
		return nil
	}
	for _, c := range s.order {
		if c.account != acct.sid {
			continue
		}
		for _, r := range c.history.recordings {
			if r.SID == sid {
				return r
			}
		}
	}
	return nil
}

// piece is a stretch of real (virtual) time the recording heard, from
// from to to, which its media plays from at.
type piece struct {
	from, to time.Time
	at       time.Duration
}

// piecesLocked returns what the recording heard: from its start (after
// any trimmed silence) for its duration, without its pauses; a silent
// pause stays in the media as silence, a skipped one does not.
func (r *Recording) piecesLocked() []piece {
	start := r.Start.Add(r.offset)
	end := start.Add(r.Duration + r.skippedLocked())
	var out []piece
	cur, at := start, time.Duration(0)
	for _, p := range r.pauses {
		until := p.until
		if until.IsZero() || until.After(end) {
			until = end
		}
		if from := minTime(p.from, end); from.After(cur) {
			out = append(out, piece{cur, from, at})
			at += from.Sub(cur)
		}
		if !p.skip {
			at += until.Sub(maxTime(p.from, cur))
		}
		cur = maxTime(cur, until)
	}
	if end.After(cur) {
		out = append(out, piece{cur, end, at})
	}
	return out
}

// spansLocked returns the sounds of the recording's media, from its
// call's events: what the far end said or talked (inbound) and what the
// application said or played (outbound), as its track takes them.
func (r *Recording) spansLocked() []audio.Span {
	pieces := r.piecesLocked()
	var out []audio.Span
	for _, e := range r.call.history.events {
		ch, hz, d := 0, float64(inboundHz), e.dur
		switch {
		case e.kind == EventSay || e.kind == EventPlay:
			ch, hz = 1, outboundHz
		case e.kind == EventInput && e.action == ActionTalked:
		case e.kind == EventInput && e.action == ActionSpoke:
			d = speechDuration(e.text)
		default:
			continue
		}
		if d <= 0 || (r.Track == "inbound" && ch != 0) || (r.Track == "outbound" && ch != 1) {
			continue
		}
		a, b := e.at, e.at.Add(d)
		for _, p := range pieces {
			from, to := maxTime(a, p.from), minTime(b, p.to)
			if from.Before(to) {
				out = append(out, audio.Span{From: p.at + from.Sub(p.from), To: p.at + to.Sub(p.from), Channel: ch, Hz: hz})
			}
		}
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// servableLocked reports whether the recording's audio can be fetched: it
// is completed and not deleted.
func (r *Recording) servableLocked() bool { return !r.deleted && r.Status == "completed" }
