package harness

import (
	"embed"
	"net/http"
	"path"
	"strings"

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
