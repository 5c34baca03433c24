package harness

import (
	"io"
	"net/http"
	"strconv"
)

// inProcess is the RoundTripper of [Server.HTTPClient]: it serves every
// request with the REST handler, whatever its host, without a socket.
type inProcess struct{ h http.Handler }

// restExchange is what one request through [inProcess] allocates: the
// handler's copy of the request, the recorder of the reply, and the
// response with its body.
type restExchange struct {
	req  http.Request
	rec  responseRecorder
	resp http.Response
	body stringBody
}

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	// A shallow copy: the handler sets the copy's fields (its Body, its
	// parsed form) and leaves the caller's request, its header and its URL,
	// as they were, as a RoundTripper must.
	ex := &restExchange{req: *req}
	r := &ex.req
	r.RequestURI = req.URL.RequestURI()
	r.RemoteAddr = "127.0.0.1:1"
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := &ex.rec // no limit
	t.h.ServeHTTP(rec, r)
	if req.Body != nil {
		req.Body.Close()
	}
	status := rec.code()
	ex.resp = http.Response{
		Status:        statusLine(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.Header(),
		ContentLength: int64(rec.bodyLen()),
		Request:       req,
	}
	if rec.text != "" {
		ex.body.Reset(rec.text)
		ex.resp.Body = &ex.body
	} else {
		ex.resp.Body = io.NopCloser(&rec.body)
	}
	return &ex.resp, nil
}

// statusLine returns a response's Status for code: "201 Created".
func statusLine(code int) string {
	switch code {
	case http.StatusOK:
		return "200 OK"
	case http.StatusCreated:
		return "201 Created"
	case http.StatusNoContent:
		return "204 No Content"
	}
	return strconv.Itoa(code) + " " + http.StatusText(code)
}
