package seqsvg

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// node is an element of a rendered diagram, parsed back.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

// attr returns the value of the attribute name, or "".
func (n *node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// num returns the attribute name as a number.
func (n *node) num(t *testing.T, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.XMLName.Local, name, n.attr(name), err)
	}
	return v
}

// walk calls f for n and every element under it, with the text-anchor in
// force.
func (n *node) walk(anchor string, f func(n *node, anchor string)) {
	if a := n.attr("text-anchor"); a != "" {
		anchor = a
	}
	f(n, anchor)
	for i := range n.Nodes {
		n.Nodes[i].walk(anchor, f)
	}
}

// render renders diagram and parses the SVG back.
func render(t *testing.T, diagram string) (string, *node) {
	t.Helper()
	var b strings.Builder
	if err := Render(&b, diagram); err != nil {
		t.Fatal(err)
	}
	root, err := parseSVG(b.String())
	if err != nil {
		t.Fatalf("the SVG does not parse: %v\n%s", err, b.String())
	}
	return b.String(), root
}

func parseSVG(s string) (*node, error) {
	var root node
	if err := xml.Unmarshal([]byte(s), &root); err != nil {
		return nil, err
	}
	if root.XMLName.Local != "svg" || root.attr("class") != "seqsvg" {
		return nil, fmt.Errorf("the root is <%s class=%q>, want <svg class=\"seqsvg\">", root.XMLName.Local, root.attr("class"))
	}
	return &root, nil
}

// groups counts the g elements of root by class.
func groups(root *node) map[string]int {
	out := map[string]int{}
	root.walk("", func(n *node, _ string) {
		if n.XMLName.Local == "g" && n.attr("class") != "lifelines" {
			out[n.attr("class")]++
		}
	})
	return out
}

// box is a rectangle of the picture.
type box struct{ x0, y0, x1, y1 float64 }

// extent returns the rectangle n covers, text measured as the layout
// measures it, and whether n draws anything.
func extent(t *testing.T, n *node, anchor string) (box, bool) {
	t.Helper()
	switch n.XMLName.Local {
	case "rect":
		var x, y float64
		if n.attr("x") != "" {
			x, y = n.num(t, "x"), n.num(t, "y")
		}
		return box{x, y, x + n.num(t, "width"), y + n.num(t, "height")}, true
	case "line":
		x1, y1, x2, y2 := n.num(t, "x1"), n.num(t, "y1"), n.num(t, "x2"), n.num(t, "y2")
		return box{min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)}, true
	case "path":
		return pathExtent(t, n.attr("d")), true
	case "text", "tspan":
		if n.attr("x") == "" {
			return box{}, false
		}
		x, y, w := n.num(t, "x"), n.num(t, "y"), float64(width(n.Text))*charW
		switch anchor {
		case "start":
			return box{x, y - 12, x + w, y + baseline}, true
		case "end":
			return box{x - w, y - 12, x, y + baseline}, true
		}
		return box{x - w/2, y - 12, x + w/2, y + baseline}, true
	}
	return box{}, false
}

// pathExtent returns the rectangle of a path of absolute M and L commands.
func pathExtent(t *testing.T, d string) box {
	t.Helper()
	b := box{1e9, 1e9, -1e9, -1e9}
	fields := strings.FieldsFunc(d, func(r rune) bool { return strings.ContainsRune("MLZ", r) })
	for _, f := range fields {
		xs, ys, ok := strings.Cut(f, ",")
		x, err1 := strconv.ParseFloat(xs, 64)
		y, err2 := strconv.ParseFloat(ys, 64)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("path %q: point %q", d, f)
		}
		b = box{min(b.x0, x), min(b.y0, y), max(b.x1, x), max(b.y1, y)}
	}
	return b
}
