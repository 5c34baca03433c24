package harness

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// maxWatchers is how many event streams of the control API may be open
// at once: each is an inspector's page (or a test) following the calls.
const maxWatchers = 32

// watchers are the control API's event streams that are open. The
// server's lock guards them. Recording an event costs nothing more than a
// length check while none is open.
type watchers struct {
	subs map[*watcher]struct{}
}

// watcher is one event stream: the calls that changed since it last
// looked, in the order they first did, and whether the server was reset.
type watcher struct {
	touched map[*Call]struct{}
	order   []*Call
	reset   bool
	wake    chan struct{} // holds one token while there is news
}

// touchLocked tells every watcher that c changed.
func (ws *watchers) touchLocked(c *Call) {
	for w := range ws.subs {
		if _, ok := w.touched[c]; !ok {
			w.touched[c] = struct{}{}
			w.order = append(w.order, c)
		}
		w.signal()
	}
}

// resetLocked tells every watcher that the server was reset: what it
// showed is gone.
func (ws *watchers) resetLocked() {
	for w := range ws.subs {
		clear(w.touched)
		w.order, w.reset = nil, true
		w.signal()
	}
}

func (w *watcher) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// watchLocked opens a watcher, or returns nil when maxWatchers are open.
func (ws *watchers) watchLocked() *watcher {
	if len(ws.subs) >= maxWatchers {
		return nil
	}
	if ws.subs == nil {
		ws.subs = map[*watcher]struct{}{}
	}
	w := &watcher{touched: map[*Call]struct{}{}, wake: make(chan struct{}, 1)}
	ws.subs[w] = struct{}{}
	return w
}

// news is what a watcher takes when it wakes: the lines of the calls that
// changed, and whether the server was reset first.
type news struct {
	reset bool
	calls []CallSummary
}

// takeLocked empties the watcher.
func (w *watcher) takeLocked() news {
	n := news{reset: w.reset, calls: make([]CallSummary, 0, len(w.order))}
	for _, c := range w.order {
		n.calls = append(n.calls, c.summaryLocked())
	}
	clear(w.touched)
	w.order, w.reset = w.order[:0], false
	return n
}

// liveEvents is the reply of GET events: a stream of Server-Sent Events.
type liveEvents struct{}

// serveEvents answers GET events with a stream of Server-Sent Events
// (text/event-stream) until the client goes or the server closes: first
// "hello" with the virtual time and the number of calls, then "call"
// with a call's [CallSummary] each time it changes (calls that changed
// together go together, in the order they first changed; a call's
// summary is its latest, so a fast run may skip a status), and "reset"
// when the server is reset. Past maxWatchers streams open at once it
// answers 503.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeControlError(w, &controlError{http.StatusInternalServerError, "this connection cannot stream events"})
		return
	}
	s.mu.Lock()
	wt := s.watch.watchLocked()
	hello := struct {
		Now   time.Time `json:"now"`
		Calls int       `json:"calls"`
	}{s.clock.Now(), len(s.order)}
	s.mu.Unlock()
	if wt == nil {
		writeControlError(w, &controlError{http.StatusServiceUnavailable, fmt.Sprintf(
			"%d event streams are open, the most the server allows: close an inspector's page, or read GET %scalls instead",
			maxWatchers, ControlPrefix)})
		return
	}
	defer func() {
		s.mu.Lock()
		delete(s.watch.subs, wt)
		s.mu.Unlock()
	}()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if writeEvent(w, "hello", hello) != nil {
		return
	}
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.ctx.Done():
			return
		case <-wt.wake:
		}
		s.mu.Lock()
		n := wt.takeLocked()
		s.mu.Unlock()
		if n.reset && writeEvent(w, "reset", struct{}{}) != nil {
			return
		}
		for _, c := range n.calls {
			if writeEvent(w, "call", c) != nil {
				return
			}
		}
		fl.Flush()
	}
}

// writeEvent writes one Server-Sent Event: its name and its data as JSON
// on one line.
func writeEvent(w http.ResponseWriter, name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, data)
	return err
}
