package twiml

import (
	"errors"
	"fmt"
)

// ErrEmpty is returned by [Parse], wrapped in a [*ParseError], for a
// document with no content.
var ErrEmpty = errors.New("twiml: empty document")

// ErrBadURL is wrapped by the errors of [Resolve] for a URL that Twilio
// cannot request: Twilio's 11100 ([CodeInvalidURL]), "Invalid URL format".
var ErrBadURL = errors.New("twiml: invalid URL format")

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
