package harness

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Headers and limits of the webhooks the fake sends.
const (
	// UserAgent is the User-Agent of every webhook, as Twilio's proxy sends it.
	UserAgent = "TwilioProxy/1.1"
	// HeaderSignature carries the request's signature.
	HeaderSignature = "X-Twilio-Signature"
	// HeaderIdempotencyToken carries a token unique to each request.
	HeaderIdempotencyToken = "I-Twilio-Idempotency-Token"
	// maxReply is the largest TwiML reply Twilio accepts (64 kB); larger is
	// error 11750.
	maxReply   = 64 * 1024
	formType   = "application/x-www-form-urlencoded"
	homeRegion = "us1"
	maxHops    = 10 // redirects Twilio follows before 11215
)

// param is one webhook parameter.
type param struct{ name, value string }

// params is a webhook's parameter list, sorted by name (in byte order, as
// signatures need them). Names are unique.
type params []param

// add inserts a parameter at its place in the order.
func (p *params) add(name, value string) {
	i, _ := slices.BinarySearchFunc(*p, name, func(kv param, name string) int { return strings.Compare(kv.name, name) })
	*p = slices.Insert(*p, i, param{name, value})
}

// set replaces the value of a parameter, or adds it.
func (p *params) set(name, value string) {
	i, found := slices.BinarySearchFunc(*p, name, func(kv param, name string) int { return strings.Compare(kv.name, name) })
	if found {
		(*p)[i].value = value
		return
	}
	*p = slices.Insert(*p, i, param{name, value})
}

func byName(a, b param) int { return strings.Compare(a.name, b.name) }

// webhook is one request the fake makes, kept compactly in the record: the
// parameters are kept encoded, the headers as the values the fake chose.
// The reply fields are written under Server.mu once the reply is in.
type webhook struct {
	seq     uint64
	kind    RequestKind
	callSID string
	method  string
	url     string    // as requested; for GET with the parameters in the query
	target  string    // as configured, without the parameters
	replyAt time.Time // when an injected fault's reply arrives, if later
	body    string    // the encoded parameters, sorted by name
	sig     string
	token   string
	at      time.Time

	status      int
	replyHeader http.Header
	reply       string
	err         error
	done        bool
}

// newWebhook builds a signed request for target (the URL as configured; a
// fragment is dropped) with the parameters p. It enters the record when it
// is sent (see [Server.logWebhook]), so that the record's order is the
// order requests were made. Call with s.mu held.
func (s *Server) newWebhook(kind RequestKind, c *Call, method, target string, p params) *webhook {
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target = target[:i]
	}
	if !slices.IsSortedFunc(p, byName) {
		slices.SortFunc(p, byName)
	}
	body := encodeParams(p)
	w := &webhook{kind: kind, callSID: c.sid, method: method, url: target, target: target, body: body}
	sg := s.accounts[c.account].signer
	if method == http.MethodGet {
		if body != "" {
			if strings.Contains(target, "?") {
				w.url = target + "&" + body
			} else {
				w.url = target + "?" + body
			}
		}
		w.sig = sg.sign(w.url, nil)
	} else {
		w.sig = sg.sign(target, p)
	}
	return w
}

// logWebhook enters w in the record as it is sent: its number, time and
// idempotency token. Call with s.mu held.
func (s *Server) logWebhook(w *webhook) {
	w.seq = s.nextSeq()
	w.at = s.clock.now
	w.token = s.ids.token()
	s.hooksLog = append(s.hooksLog, w)
	if c := s.calls[w.callSID]; c != nil {
		c.hooks = append(c.hooks, w)
		c.events = append(c.events, callEvent{seq: w.seq, at: w.at, kind: EventRequest, hook: w})
	}
}

// encodeParams form-encodes p in its order.
func encodeParams(p params) string {
	n := 0
	for _, kv := range p {
		n += len(kv.name) + len(kv.value) + 2
	}
	var b strings.Builder
	b.Grow(n + n/4)
	var scratch [256]byte
	for i, kv := range p {
		if i > 0 {
			b.WriteByte('&')
		}
		b.Write(appendEscaped(scratch[:0], kv.name))
		b.WriteByte('=')
		b.Write(appendEscaped(scratch[:0], kv.value))
	}
	return b.String()
}

// appendEscaped appends s escaped as url.QueryEscape does.
func appendEscaped(b []byte, s string) []byte {
	const hexDigits = "0123456789ABCDEF"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			continue
		}
		b = append(b, s[start:i]...)
		if c == ' ' {
			b = append(b, '+')
		} else {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		}
		start = i + 1
	}
	return append(b, s[start:]...)
}

// Signature computes X-Twilio-Signature for a request to fullURL with the
// POST parameters form, keyed with authToken: the base64 of HMAC-SHA1 over
// the URL followed by each parameter's name and value, names sorted. For a GET
// request pass a nil form: the URL with its query is signed alone.
func Signature(authToken, fullURL string, form url.Values) string {
	p := make(params, 0, len(form))
	for k, vs := range form {
		if len(vs) > 0 {
			p = append(p, param{k, vs[0]})
		}
	}
	slices.SortFunc(p, byName)
	return newSigner(authToken).sign(fullURL, p)
}

// signer signs requests with one account's auth token. It is not safe for
// concurrent use: the server's signers are guarded by Server.mu.
type signer struct {
	mac hash.Hash
	buf []byte
	sum []byte
}

func newSigner(authToken string) *signer {
	return &signer{mac: hmac.New(sha1.New, []byte(authToken))}
}

// sign returns the signature of fullURL followed by the sorted parameters p.
func (g *signer) sign(fullURL string, p params) string {
	g.buf = append(g.buf[:0], fullURL...)
	for _, kv := range p {
		g.buf = append(g.buf, kv.name...)
		g.buf = append(g.buf, kv.value...)
	}
	g.mac.Reset()
	g.mac.Write(g.buf)
	g.sum = g.mac.Sum(g.sum[:0])
	return base64.StdEncoding.EncodeToString(g.sum)
}

// header returns the request headers of w.
func (w *webhook) header() http.Header {
	h := http.Header{
		"User-Agent":           {UserAgent},
		HeaderSignature:        {w.sig},
		HeaderIdempotencyToken: {w.token},
		"X-Home-Region":        {homeRegion},
		"Accept":               {"*/*"},
	}
	if w.method != http.MethodGet {
		h["Content-Type"] = []string{formType}
	}
	return h
}

func (w *webhook) export() Request {
	form, _ := url.ParseQuery(w.body)
	return Request{Seq: w.seq, Kind: w.kind, CallSID: w.callSID, Method: w.method, URL: w.url, Form: form,
		Header: w.header(), Time: w.at, Status: w.status, ReplyHeader: w.replyHeader.Clone(),
		ReplyBody: w.reply, Err: w.err}
}

// failed reports whether w got no reply or an HTTP error status.
func (w *webhook) failed() bool { return w.err != nil || w.status >= 400 }

// send makes the request w, in-process when a [WithApp] handler serves its
// origin and over real HTTP otherwise, and records the reply. Call without
// s.mu: the application's handler runs here.
func (s *Server) send(w *webhook) {
	method, target, body := w.method, w.url, ""
	if method != http.MethodGet {
		body = w.body
	}
	var status int
	var hdr http.Header
	var reply string
	var err error
	for hops := 0; ; hops++ {
		status, hdr, reply, err = s.sendOnce(w, method, target, body)
		loc := ""
		if hdr != nil {
			loc = hdr.Get("Location")
		}
		if err != nil || status < 300 || status >= 400 || loc == "" {
			break
		}
		if hops == maxHops {
			err = errTooManyRedirect
			break
		}
		// Follow the redirect, as Twilio does: 307 and 308 repeat the
		// request, the others become a GET without the parameters.
		next, perr := url.Parse(target)
		if perr == nil {
			next, perr = next.Parse(loc)
		}
		if perr != nil {
			err = fmt.Errorf("harness: bad redirect Location %q: %w", loc, perr)
			break
		}
		target = next.String()
		if status != http.StatusTemporaryRedirect && status != http.StatusPermanentRedirect {
			method, body = http.MethodGet, ""
		}
	}
	s.mu.Lock()
	w.status, w.replyHeader, w.reply, w.err, w.done = status, hdr, reply, err, true
	s.mu.Unlock()
}

// sendOnce makes one HTTP request of w's, in-process when a [WithApp]
// handler serves the target's origin, over real HTTP otherwise.
func (s *Server) sendOnce(w *webhook, method, target, body string) (int, http.Header, string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return 0, nil, "", fmt.Errorf("harness: bad webhook URL %q: %w", target, err)
	}
	if app := s.cfg.apps[urlOrigin(u)]; app != nil {
		return s.sendInProcess(app, w, method, u, body)
	}
	return s.sendHTTP(w, method, target, body)
}

// sendInProcess calls h as a server would, with the request Twilio would send.
// A panic in h is reported as a failed connection, as a crashing server looks
// to Twilio, and logged with its stack.
func (s *Server) sendInProcess(h http.Handler, w *webhook, method string, u *url.URL, body string) (status int, hdr http.Header, reply string, err error) {
	var rd io.Reader = http.NoBody
	length := int64(0)
	header := w.header()
	if method == http.MethodGet {
		delete(header, "Content-Type")
	} else {
		rd, length = strings.NewReader(body), int64(len(body))
	}
	req := &http.Request{
		Method: method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: header, Body: io.NopCloser(rd), ContentLength: length, Host: u.Host,
		RemoteAddr: "54.172.60.0:443", RequestURI: u.RequestURI(),
	}
	if u.Scheme == "https" {
		req.TLS = &tls.ConnectionState{HandshakeComplete: true, ServerName: u.Hostname()}
	}
	req = req.WithContext(s.ctx)
	rec := &recorder{header: http.Header{}}
	defer func() {
		if p := recover(); p != nil {
			s.logf("harness: the application's handler panicked on %s %s: %v\n%s", method, u, p, debug.Stack())
			status, hdr, reply, err = 0, nil, "", fmt.Errorf("%w: %v", errHandlerPanic, p)
		}
	}()
	h.ServeHTTP(rec, req)
	return rec.result()
}

// sendHTTP makes one request of w's over real HTTP with the webhook client.
func (s *Server) sendHTTP(w *webhook, method, target, body string) (int, http.Header, string, error) {
	var rd io.Reader
	if method != http.MethodGet {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(s.ctx, method, target, rd)
	if err != nil {
		return 0, nil, "", err
	}
	req.Header = w.header()
	if method == http.MethodGet {
		req.Header.Del("Content-Type")
	}
	resp, err := s.hooks.Do(req)
	if err != nil {
		if errors.Is(err, errTooManyRedirect) {
			err = errTooManyRedirect
		}
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxReply+1))
	return resp.StatusCode, resp.Header, string(data), err
}

var (
	errHandlerPanic    = errors.New("harness: the application's handler panicked")
	errTooManyRedirect = errors.New("harness: more than 10 redirects")
)

// newWebhookClient returns the client for webhooks over real HTTP: Twilio's
// total timeout and at most 10 redirects.
func newWebhookClient(timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(_ *http.Request, via []*http.Request) error {
			if len(via) > maxHops {
				return errTooManyRedirect
			}
			return nil
		},
	}
}

// recorder is the http.ResponseWriter an in-process application writes to.
// It keeps at most maxReply+1 bytes of the body.
type recorder struct {
	header http.Header
	status int
	body   strings.Builder
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	if room := maxReply + 1 - r.body.Len(); room > 0 {
		if len(b) > room {
			r.body.Write(b[:room])
		} else {
			r.body.Write(b)
		}
	}
	return len(b), nil
}

// Flush lets handlers that flush work in-process.
func (r *recorder) Flush() { r.WriteHeader(http.StatusOK) }

func (r *recorder) result() (int, http.Header, string, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.header.Get("Content-Type") == "" && r.body.Len() > 0 {
		r.header.Set("Content-Type", http.DetectContentType([]byte(r.body.String())))
	}
	return r.status, r.header, r.body.String(), nil
}

// inProcess is the RoundTripper of [Server.HTTPClient]: it serves every
// request with the REST handler, whatever its host.
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
