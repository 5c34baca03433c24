package harness

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// ErrClosed is returned, and answered as 503, once the server is closed.
var ErrClosed = errors.New("harness: server closed")

// Twilio error codes the REST API answers with.
const (
	codeBadRequest          = 20001 // invalid or malformed parameter (Twilio: "Invalid parameter")
	codeAuthenticate        = 20003
	codeMethodNotAllowed    = 20004
	codeDeleteLiveCall      = 20009
	codeNotFound            = 20404
	codeServiceUnavailable  = 20503
	codeNoTo                = 21201
	codeNoURL               = 21205 // also a malformed or relative URL
	codeInvalidSendDigits   = 21206
	codeInvalidTimeout      = 21208
	codeInvalidMethod       = 21209
	codeInvalidTo           = 21211
	codeInvalidFrom         = 21212
	codeNoFrom              = 21213
	codeToUnreachable       = 21214
	codeGeoPermission       = 21215
	codeBlocked             = 21216
	codeToNotValid          = 21217
	codeInvalidApplication  = 21218
	codeInvalidCallState    = 21220
	codeMachineDetection    = 21234
	codeInvalidCallbackEvnt = 21626
	codeTwimlTooLong        = 32018
)

// APIError is a REST error in Twilio's shape: the HTTP status, Twilio's code
// and its message. Every error the REST API returns is one of these; one
// function renders them (see [writeAPIError]).
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

// moreInfo is Twilio's documentation link for an error code.
func moreInfo(code int) string {
	return "https://www.twilio.com/docs/errors/" + strconv.Itoa(code)
}

var (
	errBadMethod = errors.New("harness: method must be GET or POST")
	errBadURL    = errors.New("harness: not an absolute http or https URL with a valid host")
)
