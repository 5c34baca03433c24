package harness

import (
	"embed"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/twimlharness/twimlharness/harness/internal/audio"
	"github.com/twimlharness/twimlharness/harness/internal/seqsvg"
)

// uiFiles are the inspector's page, script and style sheet: embedded, so
// that the inspector works offline and a report can inline them.
//
//go:embed ui
var uiFiles embed.FS

// The content types of what the inspector serves.
const (
	svgType  = "image/svg+xml"
	htmlType = "text/html; charset=utf-8"
)

// uiAsset answers GET ui/… (the control API's path p): the inspector's
// page for ui and ui/, its script and style sheet by name.
func (s *Server) uiAsset(p string) (any, error) {
	name := strings.TrimPrefix(strings.TrimPrefix(p, "ui"), "/")
	if name == "" {
		name = "index.html"
	}
	data, err := uiFiles.ReadFile(path.Join("ui", name))
	if err != nil || strings.Contains(name, "/") {
		return nil, &controlError{http.StatusNotFound, "the inspector has no file " + name + ": open " + ControlPrefix + "ui/"}
	}
	ct := htmlType
	switch path.Ext(name) {
	case ".js":
		ct = "text/javascript; charset=utf-8"
	case ".css":
		ct = "text/css; charset=utf-8"
	}
	return fileReply{ct, data}, nil
}

// diagramSVG draws a Mermaid diagram of the harness as SVG, or returns ""
// when it cannot (the inspector then shows the diagram's text).
func diagramSVG(mermaid string) string {
	var b strings.Builder
	if seqsvg.Render(&b, mermaid) != nil {
		return ""
	}
	return b.String()
}

// controlRecordingWAV answers GET calls/{sid}/recordings/{RE…}.wav: the
// recording's audio as the REST API serves it, for the inspector to
// play. Unlike a REST request it leaves no trace in the record, and needs
// no other credentials than the control API's.
func (s *Server) controlRecordingWAV(callSID, name string) (any, error) {
	c, err := s.controlCall(callSID)
	if err != nil {
		return nil, err
	}
	sid, ok := strings.CutSuffix(name, ".wav")
	s.mu.Lock()
	defer s.mu.Unlock()
	var rec *Recording
	for _, r := range c.history.recordings {
		if ok && r.SID == sid && r.servableLocked() {
			rec = r
			break
		}
	}
	if rec == nil {
		return nil, &controlError{http.StatusNotFound, fmt.Sprintf("call %s has no completed recording %s: "+
			"GET %scalls/%s/record lists its recordings (RE…), whose audio is RE….wav", callSID, name, ControlPrefix, callSID)}
	}
	d, channels, spans := rec.Duration, rec.Channels, rec.spansLocked()
	return streamedView{"audio/x-wav", func(w io.Writer) error { return audio.WriteWAV(w, d, channels, spans) }}, nil
}
