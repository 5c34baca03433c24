package seqsvg

import (
	"cmp"
	"maps"
	"slices"
)

// Sizes, in pixels.
const (
	charW         = 7.2 // the advance of a narrow character in 12 px monospace
	lineH         = 16  // a line of text
	baseline      = 4   // from a line's baseline down to its bottom
	margin        = 10  // around the diagram
	boxPadX       = 12  // between a participant's label and its box
	boxPadY       = 8
	boxMinW       = 110
	boxGap        = 40 // between two participants' boxes
	labelPad      = 16 // between a message's label and the lifelines it spans
	labelLift     = 4  // between a message's label and its arrow
	rowGap        = 14 // below a row
	selfLoopW     = 32 // how far a message to itself reaches right
	selfLoopH     = 18 // and down
	selfIndent    = 8  // from the lifeline to the label of a message to itself
	notePadX      = 10
	notePadY      = 5
	noteOverhang  = 20 // how far a note over several lanes reaches past them
	noteSide      = 8  // between a note left or right of a lane and its lifeline
	lifelineClear = 12 // between anything and a lifeline it does not touch
	gutterPad     = 8  // either side of a time in the gutter
	repeatAfter   = 30 // rows after which the boxes are repeated at the bottom
)

// layout is where everything of a diagram goes.
type layout struct {
	d      *diagram
	x      []float64 // the lanes' centres
	boxW   []float64 // the participants' boxes' widths
	boxH   float64   // their height
	gutter float64   // the width of the time marks' gutter, left of the first lane; 0 without time marks
	rowY   []float64 // the top of each row
	end    float64   // the bottom of the last row
	repeat bool      // whether the boxes are repeated at the bottom
	width  float64
	height float64
}

// newLayout lays d out.
func newLayout(d *diagram) *layout {
	l := &layout{d: d}
	l.horizontal()
	l.vertical()
	return l
}

// textW returns the width of the widest of lines.
func textW(lines []string) float64 {
	n := 0
	for _, s := range lines {
		n = max(n, width(s))
	}
	return float64(n) * charW
}

// noteW returns the width of a note's box.
func noteW(r *row) float64 { return textW(r.text) + 2*notePadX }

// span is a pair of lanes, a < b.
type span struct{ a, b int }

// constraints are how far apart the lanes must be, and how much room the
// diagram needs beyond its first and last lane.
type constraints struct {
	n           int
	left, right float64
	apart       map[span]float64
}

// need asks for lanes a and b to be at least dist apart.
func (c *constraints) need(a, b int, dist float64) {
	if a > b {
		a, b = b, a
	}
	if a != b && dist > c.apart[span{a, b}] {
		c.apart[span{a, b}] = dist
	}
}

// reachLeft asks for room for something e wide left of lane i, clear of
// the lifeline left of it.
func (c *constraints) reachLeft(i int, e float64) {
	if i == 0 {
		c.left = max(c.left, e)
		return
	}
	c.need(i-1, i, e+lifelineClear)
}

// reachRight asks for room for something e wide right of lane i.
func (c *constraints) reachRight(i int, e float64) {
	if i == c.n-1 {
		c.right = max(c.right, e)
		return
	}
	c.need(i, i+1, e+lifelineClear)
}

// horizontal places the lanes: each pair of lanes as far apart as the
// widest thing between them needs, a wide thing between distant lanes
// spreading over the gaps it spans.
func (l *layout) horizontal() {
	d := l.d
	c := &constraints{n: len(d.lanes), apart: map[span]float64{}}
	l.boxW = make([]float64, len(d.lanes))
	for i, ln := range d.lanes {
		l.boxW[i] = max(boxMinW, textW(ln.label)+2*boxPadX)
		l.boxH = max(l.boxH, float64(len(ln.label))*lineH+2*boxPadY)
		if i > 0 {
			c.need(i-1, i, l.boxW[i-1]/2+l.boxW[i]/2+boxGap)
		}
	}
	if n := len(d.lanes); n > 0 {
		c.reachLeft(0, l.boxW[0]/2)
		c.reachRight(n-1, l.boxW[n-1]/2)
	}
	for i := range d.rows {
		l.room(c, &d.rows[i])
	}
	l.x = make([]float64, len(d.lanes))
	gaps := spread(c)
	for i := range l.x {
		if i == 0 {
			l.x[0] = margin + max(c.left, l.gutter)
		} else {
			l.x[i] = l.x[i-1] + gaps[i-1]
		}
	}
	l.width = 2 * margin
	if n := len(l.x); n > 0 {
		l.width = l.x[n-1] + c.right + margin
	}
}

// room asks c for the room row r needs.
func (l *layout) room(c *constraints, r *row) {
	w := textW(r.text)
	switch {
	case r.kind == timeMark:
		l.gutter = max(l.gutter, w+2*gutterPad)
	case r.kind != note && r.from == r.to:
		c.reachRight(r.from, max(selfLoopW, selfIndent+w))
	case r.kind != note:
		c.need(r.from, r.to, w+2*labelPad)
	case r.place == leftOf:
		c.reachLeft(r.from, noteSide+noteW(r))
	case r.place == rightOf:
		c.reachRight(r.from, noteSide+noteW(r))
	case r.from == r.to:
		c.reachLeft(r.from, noteW(r)/2)
		c.reachRight(r.from, noteW(r)/2)
	default:
		c.need(r.from, r.to, noteW(r)-2*noteOverhang)
		c.reachLeft(r.from, noteOverhang)
		c.reachRight(r.to, noteOverhang)
	}
}

// spread returns the gaps between adjacent lanes that meet c: the pairs
// nearest each other first, a shortfall between distant lanes spread
// evenly over the gaps between them.
func spread(c *constraints) []float64 {
	gaps := make([]float64, max(c.n-1, 0))
	spans := slices.SortedFunc(maps.Keys(c.apart), func(p, q span) int {
		return cmp.Or(cmp.Compare(p.b-p.a, q.b-q.a), cmp.Compare(p.a, q.a))
	})
	for _, s := range spans {
		have := 0.0
		for _, g := range gaps[s.a:s.b] {
			have += g
		}
		if short := c.apart[s] - have; short > 0 {
			each := short / float64(s.b-s.a)
			for i := s.a; i < s.b; i++ {
				gaps[i] += each
			}
		}
	}
	return gaps
}

// vertical places the rows, one under the other.
func (l *layout) vertical() {
	rows := l.d.rows
	l.rowY = make([]float64, len(rows))
	y := margin + l.boxH + rowGap
	for i := range rows {
		l.rowY[i] = y
		y += rowHeight(&rows[i])
	}
	l.end = y
	l.repeat = len(rows) > repeatAfter
	l.height = l.end + margin
	if l.repeat {
		l.height += l.boxH
	}
}

// rowHeight returns the height of r, with the gap below it.
func rowHeight(r *row) float64 {
	text := float64(len(r.text)) * lineH
	switch {
	case r.kind == timeMark:
		return text + 10
	case r.kind == note:
		return text + 2*notePadY + rowGap
	case r.from == r.to:
		return text + labelLift + selfLoopH + rowGap
	}
	return text + labelLift + rowGap
}
