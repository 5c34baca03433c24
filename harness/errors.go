package harness

import (
	"errors"
	"fmt"
	"net/http"
)

// ErrClosed is returned, and answered as 503, once the server is closed.
var ErrClosed = errors.New("harness: server closed")

// APIError is a REST error in Twilio's shape: the HTTP status, Twilio's code
// and its message. Every error the REST API returns is one of these; one
// function renders them in every representation (see [Server.serveAPI]).
type APIError struct {
	Status  int
	Code    int
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("harness: %d %d: %s", e.Status, e.Code, e.Message)
}

func badRequest(code int, format string, args ...any) *APIError {
	return &APIError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

func notFound(path string) *APIError {
	return &APIError{Status: http.StatusNotFound, Code: codeNotFound,
		Message: "The requested resource " + path + " was not found"}
}
