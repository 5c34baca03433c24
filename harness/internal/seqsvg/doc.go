// Package seqsvg draws a Mermaid sequence diagram, in the subset
// twimlharness writes, as SVG. It is internal to the harness: the browser
// inspector and the HTML reports inline its pictures, and the Mermaid text
// stays the one source of a diagram.
//
// [Render] accepts this grammar, one statement a line, indented with any
// number of spaces; blank lines and lines that start with %% are ignored:
//
//	sequenceDiagram
//	participant ID as Label
//	participant ID
//	ID->>ID: text     a request or an action: a solid line, an arrowhead
//	ID-->>ID: text    a reply: a dashed line, an arrowhead
//	ID-xID: text      leaves or hangs up: a solid line ending in a cross
//	ID--xID: text     a failed reply: a dashed red line ending in a cross
//	Note over ID: text
//	Note over ID1,ID2: text
//	Note left of ID: text
//	Note right of ID: text
//
// IDs are letters, digits and underscores. A participant used before (or
// without) its participant line takes its place at first use, labelled
// with its ID; a later participant line changes its label only. In text,
// <br/> (or <br>, <br />) breaks the line, and #NNN; (a decimal code
// point) and #name; (quot, lt, gt, amp, apos, nbsp) are the characters
// they name; everything else is shown as written. A note whose text starts
// with "⏱ " is a time mark: a thin divider across the diagram with the
// time in a gutter on the left.
//
// The SVG is one <svg class="seqsvg"> element, without an XML prolog, to
// inline in HTML. It is self-contained: an inline <style> scoped under
// .seqsvg, system monospace fonts, no ids (so several can share a page),
// no scripts. Its groups have classes for CSS and tests: g.participant
// (g.participant.bottom for the copies under a tall diagram), g.msg with
// one of request, reply, leave and failed, g.note and g.time; each
// message, note and time mark has data-line, its line in the diagram.
//
// # Fidelity
//
// Where the picture differs from Mermaid's:
//
//   - Text is measured, not rendered: 7.2 px a character (12 px monospace),
//     twice that for wide characters (CJK, emoji), nothing for combining
//     marks. A font much wider than that may overflow a box.
//   - Long lines of text wrap at word boundaries at 60 characters; Mermaid
//     wraps only where told.
//   - Time marks and red failed replies are the harness's conventions;
//     Mermaid draws them as yellow notes and black crosses.
//   - Participant boxes are repeated at the bottom only when there are
//     more than 30 rows (Mermaid always repeats them).
//   - Nothing outside the grammar is drawn: autonumber, activations,
//     loops, alt, rect, actors, titles are errors ([*SyntaxError]), and
//     the caller shows the text instead.
package seqsvg
