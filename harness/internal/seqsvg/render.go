package seqsvg

import (
	"fmt"
	"io"
	"math"
	"strconv"
)

// Render writes diagram, a Mermaid sequence diagram in the grammar of the
// package doc, to w as one <svg> element (without an XML prolog, to inline
// in HTML). A line outside the grammar is a [*SyntaxError], and then
// nothing is written. Its time and memory are linear in the diagram's
// size.
func Render(w io.Writer, diagram string) error {
	d, err := parse(diagram)
	if err != nil {
		return err
	}
	out := &svgWriter{w: w, buf: make([]byte, 0, flushAt+4096)}
	out.diagram(newLayout(d))
	if err := out.flush(); err != nil {
		return fmt.Errorf("seqsvg: writing the diagram: %w", err)
	}
	return nil
}

// style is the diagram's stylesheet: Mermaid's default theme.
const style = `.seqsvg{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px}` +
	`.seqsvg .bg{fill:#fff}` +
	`.seqsvg text{fill:#333;white-space:pre}` +
	`.seqsvg .msg text,.seqsvg .time text{paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}` +
	`.seqsvg .lifelines line{stroke:#bbb;stroke-width:1}` +
	`.seqsvg .participant rect{fill:#ececff;stroke:#9370db;stroke-width:1}` +
	`.seqsvg .participant text{fill:#222;font-weight:600}` +
	`.seqsvg .msg .line{fill:none;stroke:#333;stroke-width:1.5}` +
	`.seqsvg .msg .head{fill:#333;stroke:#333;stroke-width:1}` +
	`.seqsvg .msg .cross{fill:none;stroke:#333;stroke-width:2}` +
	`.seqsvg .reply .line,.seqsvg .failed .line{stroke-dasharray:4 3}` +
	`.seqsvg .failed .line,.seqsvg .failed .cross{stroke:#c62828}` +
	`.seqsvg .failed text{fill:#c62828}` +
	`.seqsvg .note rect{fill:#fff5ad;stroke:#aaaa33;stroke-width:1}` +
	`.seqsvg .time line{stroke:#999;stroke-width:1;stroke-dasharray:2 3}` +
	`.seqsvg .time text{fill:#777;font-size:11px}`

// flushAt is how much output is gathered before it is written.
const flushAt = 32 << 10

// svgWriter appends the diagram's SVG to buf and writes it to w whenever
// buf holds flushAt bytes. After w fails it writes nothing more.
type svgWriter struct {
	w   io.Writer
	buf []byte
	err error
}

// diagram writes the whole diagram laid out by l.
func (o *svgWriter) diagram(l *layout) {
	w, h := math.Ceil(l.width), math.Ceil(l.height)
	o.s(`<svg xmlns="http://www.w3.org/2000/svg" class="seqsvg" width="`).n(w).s(`" height="`).n(h)
	o.s(`" viewBox="0 0 `).n(w).s(" ").n(h).s(`" text-anchor="middle" role="img" aria-label="sequence diagram">`)
	o.s("<style>").s(style).s("</style>")
	o.s(`<rect class="bg" width="`).n(w).s(`" height="`).n(h).s(`"/>`)
	o.lifelines(l)
	for i := range l.d.rows {
		o.row(l, &l.d.rows[i], l.rowY[i])
		o.flushFull()
	}
	o.participants(l, margin, "participant")
	if l.repeat {
		o.participants(l, l.end, "participant bottom")
	}
	o.s("</svg>")
}

// lifelines writes the lanes' lifelines, from the boxes at the top to
// the bottom of the last row.
func (o *svgWriter) lifelines(l *layout) {
	o.s(`<g class="lifelines">`)
	for _, x := range l.x {
		o.line(x, margin+l.boxH, x, l.end)
	}
	o.s("</g>")
}

// participants writes the participants' boxes with their top at y.
func (o *svgWriter) participants(l *layout, y float64, class string) {
	for i, ln := range l.d.lanes {
		o.s(`<g class="`).s(class).s(`" data-id="`).s(ln.id).s(`">`)
		o.rect(l.x[i]-l.boxW[i]/2, y, l.boxW[i], l.boxH, 3)
		top := y + (l.boxH-float64(len(ln.label))*lineH)/2
		o.text(l.x[i], top, "", ln.label)
		o.s("</g>")
	}
}

// row writes one message, note or time mark with its top at y.
func (o *svgWriter) row(l *layout, r *row, y float64) {
	o.s(`<g class="`).s(classes[r.kind]).s(`" data-line="`).n(float64(r.line)).s(`">`)
	switch {
	case r.kind == timeMark:
		o.timeMark(l, r, y)
	case r.kind == note:
		o.note(l, r, y)
	case r.from == r.to:
		o.selfMessage(l, r, y)
	default:
		o.message(l, r, y)
	}
	o.s("</g>")
}

// message writes a message between two lanes: its label centred above
// its arrow.
func (o *svgWriter) message(l *layout, r *row, y float64) {
	x1, x2 := l.x[r.from], l.x[r.to]
	o.text((x1+x2)/2, y, "", r.text)
	ay := y + float64(len(r.text))*lineH + labelLift
	dir := 1.0
	if x2 < x1 {
		dir = -1
	}
	o.arrow(r.kind, x1, x2, ay, dir)
}

// arrow writes a line from x1 to x2 at y, ending in the head of k pointing
// in dir (1 right, -1 left).
func (o *svgWriter) arrow(k kind, x1, x2, y, dir float64) {
	const headL, headW, crossR = 9, 4.5, 4
	if k == leave || k == failed {
		cx := x2 - dir*(crossR+1)
		o.line(x1, y, cx, y, "line")
		o.s(`<path class="cross" d="M`).pt(cx-crossR, y-crossR).s("L").pt(cx+crossR, y+crossR)
		o.s("M").pt(cx-crossR, y+crossR).s("L").pt(cx+crossR, y-crossR).s(`"/>`)
		return
	}
	o.line(x1, y, x2-dir*headL, y, "line")
	o.s(`<path class="head" d="M`).pt(x2, y).s("L").pt(x2-dir*headL, y-headW).s("L").pt(x2-dir*headL, y+headW).s(`Z"/>`)
}

// selfMessage writes a message from a lane to itself: a small loop to the
// right, its label above it.
func (o *svgWriter) selfMessage(l *layout, r *row, y float64) {
	x := l.x[r.from]
	o.text(x+selfIndent, y, "start", r.text)
	top := y + float64(len(r.text))*lineH + labelLift
	bottom := top + selfLoopH
	o.s(`<path class="line" d="M`).pt(x, top).s("L").pt(x+selfLoopW, top).s("L").pt(x+selfLoopW, bottom)
	o.s("L").pt(x+selfLoopW/2, bottom).s(`"/>`)
	o.arrow(r.kind, x+selfLoopW/2, x, bottom, -1)
}

// note writes a note's yellow box and its text.
func (o *svgWriter) note(l *layout, r *row, y float64) {
	w := noteW(r)
	var x float64
	switch {
	case r.place == leftOf:
		x = l.x[r.from] - noteSide - w
	case r.place == rightOf:
		x = l.x[r.from] + noteSide
	case r.from == r.to:
		x = l.x[r.from] - w/2
	default:
		left, right := l.x[r.from]-noteOverhang, l.x[r.to]+noteOverhang
		x, w = left, right-left
	}
	o.rect(x, y, w, float64(len(r.text))*lineH+2*notePadY, 0)
	o.text(x+w/2, y+notePadY, "", r.text)
}

// timeMark writes a time mark: a divider across the lanes, the time in
// the gutter left of them.
func (o *svgWriter) timeMark(l *layout, r *row, y float64) {
	mid := y + 4 + lineH/2
	o.line(l.x[0]-gutterPad/2, mid, l.width-margin, mid)
	o.text(l.x[0]-gutterPad, y+4, "end", r.text)
}

// text writes lines of text, the first line's top at y, anchored at x
// (middle unless anchor says start or end).
func (o *svgWriter) text(x, y float64, anchor string, lines []string) {
	o.s("<text")
	if anchor != "" {
		o.s(` text-anchor="`).s(anchor).s(`"`)
	}
	if len(lines) == 1 {
		o.s(` x="`).n(x).s(`" y="`).n(y + lineH - baseline).s(`">`).esc(lines[0]).s("</text>")
		return
	}
	o.s(">")
	for i, s := range lines {
		o.s(`<tspan x="`).n(x).s(`" y="`).n(y + float64(i+1)*lineH - baseline).s(`">`).esc(s).s("</tspan>")
	}
	o.s("</text>")
}

// line writes a line, of class class if one is given.
func (o *svgWriter) line(x1, y1, x2, y2 float64, class ...string) {
	o.s("<line")
	if len(class) > 0 {
		o.s(` class="`).s(class[0]).s(`"`)
	}
	o.s(` x1="`).n(x1).s(`" y1="`).n(y1).s(`" x2="`).n(x2).s(`" y2="`).n(y2).s(`"/>`)
}

// rect writes a rectangle with corners of radius rx.
func (o *svgWriter) rect(x, y, w, h, rx float64) {
	o.s(`<rect x="`).n(x).s(`" y="`).n(y).s(`" width="`).n(w).s(`" height="`).n(h)
	if rx > 0 {
		o.s(`" rx="`).n(rx)
	}
	o.s(`"/>`)
}

// s appends s as it is.
func (o *svgWriter) s(s string) *svgWriter {
	o.buf = append(o.buf, s...)
	return o
}

// n appends v, rounded to a tenth.
func (o *svgWriter) n(v float64) *svgWriter {
	tenths := int64(math.Round(v * 10))
	if tenths < 0 {
		o.buf = append(o.buf, '-')
		tenths = -tenths
	}
	o.buf = strconv.AppendInt(o.buf, tenths/10, 10)
	if d := tenths % 10; d != 0 {
		o.buf = append(o.buf, '.', byte('0'+d))
	}
	return o
}

// pt appends a point of a path: x,y.
func (o *svgWriter) pt(x, y float64) *svgWriter {
	return o.n(x).s(",").n(y)
}

// esc appends s escaped for XML text or an attribute value.
func (o *svgWriter) esc(s string) *svgWriter {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			o.buf = append(o.buf, "&lt;"...)
		case '>':
			o.buf = append(o.buf, "&gt;"...)
		case '&':
			o.buf = append(o.buf, "&amp;"...)
		case '"':
			o.buf = append(o.buf, "&quot;"...)
		default:
			o.buf = append(o.buf, c)
		}
	}
	return o
}

// flushFull writes what was gathered once it is flushAt bytes.
func (o *svgWriter) flushFull() {
	if len(o.buf) >= flushAt {
		o.flush()
	}
}

// flush writes what was gathered, and returns the first error w returned.
func (o *svgWriter) flush() error {
	if o.err == nil && len(o.buf) > 0 {
		_, o.err = o.w.Write(o.buf)
	}
	o.buf = o.buf[:0]
	return o.err
}
