package twiml

import (
	"errors"
	"fmt"
)

// Twilio's error codes for documents that cannot be executed.
const (
	// CodeParseFailure is Twilio's 12100, "Document parse failure".
	CodeParseFailure = 12100
	// CodeBadRoot is Twilio's 12102, "The root element must be Response".
	CodeBadRoot = 12102
)

// ErrEmpty is returned by [Parse] for a document with no content.
var ErrEmpty = errors.New("twiml: empty document")

// ParseError describes a document that cannot be executed. Code is Twilio's
// error code for it; Line is the 1-based line of the problem when known.
type ParseError struct {
	Code int
	Line int
	Err  error
}

// Error returns "twiml: <code>: line <n>: <detail>".
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("twiml: %d: line %d: %v", e.Code, e.Line, e.Err)
	}
	return fmt.Sprintf("twiml: %d: %v", e.Code, e.Err)
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }
