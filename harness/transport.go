package harness

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
)

// inProcess is the RoundTripper of [Server.HTTPClient]: it serves every
// request with the REST handler, whatever its host, without a socket.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.RequestURI = req.URL.RequestURI()
	r.RemoteAddr = "127.0.0.1:1"
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := &restRecorder{header: http.Header{}}
	t.h.ServeHTTP(rec, r)
	if req.Body != nil {
		req.Body.Close()
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return &http.Response{
		Status:        strconv.Itoa(rec.status) + " " + http.StatusText(rec.status),
		StatusCode:    rec.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rec.header,
		Body:          io.NopCloser(bytes.NewReader(rec.body)),
		ContentLength: int64(len(rec.body)),
		Request:       req,
	}, nil
}

// restRecorder collects a REST reply for [inProcess].
type restRecorder struct {
	header http.Header
	status int
	body   []byte
}

func (r *restRecorder) Header() http.Header { return r.header }

func (r *restRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *restRecorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	r.body = append(r.body, b...)
	return len(b), nil
}
