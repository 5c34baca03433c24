package seqsvg

import (
	"errors"
	"fmt"
)

// ErrSyntax is what every [*SyntaxError] unwraps to: the diagram has a
// line outside the grammar [Render] accepts.
var ErrSyntax = errors.New("seqsvg: not in the grammar")

// SyntaxError is a line of a diagram outside the grammar.
type SyntaxError struct {
	Line   int    // the line's number in the diagram, from 1
	Text   string // the line, without its indentation
	Reason string // what is wrong with it
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("seqsvg: line %d: %s: %q", e.Line, e.Reason, e.Text)
}

// Unwrap returns [ErrSyntax].
func (e *SyntaxError) Unwrap() error { return ErrSyntax }
