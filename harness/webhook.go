package harness

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/signing"
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
	// twilioAddr is the RemoteAddr an in-process application sees: an
	// address of Twilio's webhook proxies.
	twilioAddr = "54.172.60.0:443"
)

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
	replyHeader headerList // nil without a reply
	reply       string
	err         error
	done        bool
}

// headerValues holds the values of a webhook's header.
type headerValues [6]string

// header returns the request headers of w sent with method (a redirect may
// turn a POST into a GET, which has no Content-Type), their values in v.
// The values share v's array, each slice capped so that adding to one
// leaves the others be: a header a webhook sends five times a call costs
// its map and, unless v lives in something allocated anyway, v.
func (w *webhook) header(method string, v *headerValues) http.Header {
	*v = headerValues{UserAgent, w.sig, w.token, homeRegion, "*/*", formType}
	vals := v[:]
	n := len(v)
	if method == http.MethodGet {
		n--
	}
	h := make(http.Header, n)
	h["User-Agent"] = vals[0:1:1]
	h[HeaderSignature] = vals[1:2:2]
	h[HeaderIdempotencyToken] = vals[2:3:3]
	h["X-Home-Region"] = vals[3:4:4]
	h["Accept"] = vals[4:5:5]
	if method != http.MethodGet {
		h["Content-Type"] = vals[5:6:6]
	}
	return h
}

func (w *webhook) exportLocked() Request {
	form, _ := url.ParseQuery(w.body)
	return Request{Seq: w.seq, Kind: w.kind, CallSID: w.callSID, Method: w.method, URL: w.url, Target: w.target,
		Form: form, Header: w.header(w.method, new(headerValues)), Time: w.at, Status: w.status, ReplyHeader: w.replyHeader.header(),
		ReplyBody: w.reply, Err: w.err}
}

// headerList is a reply's header as the record keeps it: its fields in a
// slice, a fraction of the size of the map an http.Header is. nil for no
// reply.
type headerList []headerField

// headerField is one name of a header, as the map had it, and its values.
type headerField struct {
	name   string
	values []string
}

// compactHeader returns h as a headerList; nil for a nil h. The values are
// the handler's own, as the record kept them when it kept the map.
func compactHeader(h http.Header) headerList {
	if h == nil {
		return nil
	}
	l := make(headerList, 0, len(h))
	for k, vs := range h {
		l = append(l, headerField{k, vs})
	}
	return l
}

// Get returns the first value of the header name, as http.Header.Get does.
func (l headerList) Get(name string) string {
	key := textproto.CanonicalMIMEHeaderKey(name)
	for _, f := range l {
		if f.name == key && len(f.values) > 0 {
			return f.values[0]
		}
	}
	return ""
}

// header returns the header as an http.Header of the caller's own; nil for
// no reply.
func (l headerList) header() http.Header {
	if l == nil {
		return nil
	}
	h := make(http.Header, len(l))
	for _, f := range l {
		h[f.name] = append(make([]string, 0, len(f.values)), f.values...)
	}
	return h
}

// failed reports whether w got no reply or an HTTP error status.
func (w *webhook) failed() bool { return w.err != nil || w.status >= 400 }

// Signature computes X-Twilio-Signature for a request to fullURL with the
// POST parameters form, keyed with authToken: the base64 of HMAC-SHA1 over
// the URL followed by each parameter's name and value, names sorted. For a GET
// request pass a nil form: the URL with its query is signed alone.
func Signature(authToken, fullURL string, form url.Values) string {
	return signing.Signature(authToken, fullURL, form)
}

// outbox makes every request the fake sends to applications: it builds and
// signs the request, enters it in the record as it goes out, applies an
// injected fault, sends it in-process or over real HTTP (following
// redirects as Twilio does), and hands the reply back to the engine.
type outbox struct {
	srv    *Server
	apps   map[string]http.Handler         // by origin; read-only
	tls    map[string]*tls.ConnectionState // the TLS state an https app's requests show, by host name; read-only
	client *http.Client                    // for every other origin

	// guarded by srv.mu
	faults  map[string]*injected // by URL without query
	flights []*flight            // requests sent and not yet applied, in the order they were sent
	arrived chan struct{}        // a reply came in, for a goroutine that also waits on real time

	hold bool      // requests wait for the engine's driver, in held
	held []*flight // requests sent and not yet handed to anyone

	couriers chan *flight // to a courier that waits for a request to deliver
	idle     atomic.Int32 // couriers waiting, or about to

	public atomic.Pointer[publicMap] // public URL mappings (public_url.go); replaced whole, under srv.mu

	reqBase *http.Request // an empty request with the server's context, copied for each in-process webhook

	// guarded by srv.mu: the buffer of parameters lent to the request
	// being built, and whether it is out.
	params signing.Params
	lent   bool
}

// loanParamsLocked returns an empty buffer of parameters with room for n,
// for a request being built: buildLocked takes it back once it has encoded
// and signed them, so that a call's requests share one buffer instead of
// each making a copy of the standard parameters it throws away. While
// the buffer is out a new one is made: a request built while another is,
// or parameters a caller keeps (and never builds), are safe.
func (o *outbox) loanParamsLocked(n int) signing.Params {
	if o.lent {
		return make(signing.Params, 0, n)
	}
	if cap(o.params) < n {
		o.params = make(signing.Params, 0, n)
	}
	o.lent = true
	return o.params[:0]
}

// returnParamsLocked takes back the buffer of p if it is the one lent.
func (o *outbox) returnParamsLocked(p signing.Params) {
	if o.lent && cap(p) > 0 && cap(o.params) > 0 && &p[:1][0] == &o.params[:1][0] { // the same array
		clear(p[:cap(p)]) // keep no strings of the call alive
		o.params = p[:0]
		o.lent = false
	}
}

// flight is a request on its way: sent, its reply not yet applied to the
// call. Replies are applied by the goroutine that drives the engine, never
// by the one that received them.
type flight struct {
	w     *webhook
	do    func() // instead of w: the I/O to do (outbox.exchangeLocked)
	call  *Call  // the call it is about, which waits for it
	then  func() // what the engine does with the reply
	ready bool   // the reply is in (guarded by srv.mu)
}

func newOutbox(s *Server) *outbox {
	o := &outbox{srv: s, apps: s.cfg.apps, client: s.cfg.webhookClient, faults: map[string]*injected{},
		arrived: make(chan struct{}, 1), couriers: make(chan *flight),
		reqBase: (&http.Request{}).WithContext(s.ctx)}
	if o.client == nil {
		o.client = newWebhookClient(s.cfg.webhookTimeout)
	}
	o.setPublicURLs(s.cfg.publicURLs)
	o.tls = map[string]*tls.ConnectionState{}
	for origin := range o.apps {
		if u, err := url.Parse(origin); err == nil && u.Scheme == "https" {
			o.tls[u.Hostname()] = newTLSState(u.Hostname())
		}
	}
	return o
}

// buildLocked returns a signed request for target (the URL as configured;
// a fragment is dropped) with the parameters p. It enters the record when
// it is sent, so that the record's order is the order requests were made.
func (o *outbox) buildLocked(kind RequestKind, c *Call, method, target string, p signing.Params) *webhook {
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target = target[:i]
	}
	if !p.Sorted() {
		p.Sort()
	}
	body := p.Encode()
	w := &webhook{kind: kind, callSID: c.sid, method: method, url: target, target: target, body: body}
	sg := o.srv.accounts[c.account].signer
	if method == http.MethodGet {
		if body != "" {
			if strings.Contains(target, "?") {
				w.url = target + "&" + body
			} else {
				w.url = target + "?" + body
			}
		}
		w.sig = sg.Sign(w.url, nil)
	} else {
		w.sig = sg.Sign(target, p)
	}
	o.returnParamsLocked(p)
	return w
}

// postLocked sends w now, as an event of the clock, for requests whose
// reply matters only when it fails (callbacks). nil is ignored.
func (o *outbox) postLocked(w *webhook) {
	if w == nil {
		return
	}
	o.srv.calls[w.callSID].afterLocked(0, func() { o.send(w, nil) })
}

// sendChain sends the requests that are not nil one after the other, each
// once the previous reply is in, then calls done. Call without srv.mu.
func (o *outbox) sendChain(hooks []*webhook, done func()) {
	for len(hooks) > 0 && hooks[0] == nil {
		hooks = hooks[1:]
	}
	if len(hooks) == 0 {
		done()
		return
	}
	w := hooks[0]
	o.send(w, func() {
		o.reportFailure(w)
		o.sendChain(hooks[1:], done)
	})
}

// send enters w in the record and makes it; the engine calls then once the
// reply is in, or, when then is nil, reports the reply if it failed. An
// injected fault answers after its delay of virtual time; any other
// request goes out at once on a goroutine of its own (a courier: one that
// waits idle, or a new one), so that the requests of one instant are in
// flight together, and its reply waits
// in the flights until the engine applies it (see [Server.step]). Call
// without srv.mu.
func (o *outbox) send(w *webhook, then func()) {
	s := o.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	o.logLocked(w)
	c := s.calls[w.callSID]
	f := o.faultForLocked(w)
	cut := s.cfg.retention.BodyBytes > 0 || s.cfg.retention.CallBodyBytes > 0
	if then == nil && (cut || f != nil) {
		then = func() { o.reportFailure(w) } // wrapped below, or run by the clock
	}
	if cut {
		apply := then
		then = func() { // then keep what the retention keeps of the reply
			apply()
			s.mu.Lock()
			w.reply = s.keptBodyLocked(c, w.reply)
			s.mu.Unlock()
		}
	}
	if f != nil {
		delay := w.applyFaultLocked(f)
		w.replyAt = s.clock.Now().Add(delay)
		c.afterLocked(delay, then)
		return
	}
	o.flyLocked(&flight{w: w, call: c, then: then})
}

// exchangeLocked runs do, I/O of the call c's that is not a webhook (a
// turn of a media stream), as a request in flight: on a courier, or on the
// engine's driver; the engine applies then once do has returned, in the
// order of every request sent, and holds c's events back meanwhile.
func (o *outbox) exchangeLocked(c *Call, do, then func()) {
	o.flyLocked(&flight{call: c, do: do, then: then})
}

// flyLocked puts fl in flight.
func (o *outbox) flyLocked(fl *flight) {
	o.flights = append(o.flights, fl)
	fl.call.pending.requests++
	if o.hold {
		o.held = append(o.held, fl)
		o.srv.wake.Broadcast()
		return
	}
	o.dispatchLocked(fl)
}

// dispatchLocked hands fl to a courier: one that waits idle, or a new one.
// Once the server is closed nothing goes out.
func (o *outbox) dispatchLocked(fl *flight) {
	if o.srv.closed {
		return
	}
	select {
	case o.couriers <- fl:
	default:
		o.srv.wg.Add(1)
		go o.courier(fl)
	}
}

// holdLocked makes the requests sent from now on wait for the goroutine
// that steps the engine (Run, Advance, Wait), which delivers them itself
// when it would otherwise wait for their replies: a call that makes one
// request at a time then costs no goroutine handoff a request. Releasing
// the hold hands the requests still held to couriers.
func (o *outbox) holdLocked(hold bool) {
	o.hold = hold
	if !hold {
		for _, fl := range o.held {
			o.dispatchLocked(fl)
		}
		o.held = o.held[:0]
	}
}

// deliverHeldLocked delivers the requests held for the engine's driver:
// all but the first go to couriers, and the first is delivered on the
// driver's own goroutine, without srv.mu, so that they are in flight
// together. It reports whether there were any. Call as the driver, with
// nothing else to do until a reply is in.
func (o *outbox) deliverHeldLocked() bool {
	if len(o.held) == 0 {
		return false
	}
	first := o.held[0]
	for _, fl := range o.held[1:] {
		o.dispatchLocked(fl)
	}
	clear(o.held)
	o.held = o.held[:0]
	o.srv.mu.Unlock()
	o.carry(first)
	o.srv.mu.Lock()
	return true
}

// carry delivers fl and enters its reply as in, for the engine to apply.
func (o *outbox) carry(fl *flight) {
	s := o.srv
	if fl.do != nil {
		fl.do()
	} else {
		o.deliver(fl.w)
	}
	s.mu.Lock()
	fl.ready = true
	s.wake.Broadcast()
	select {
	case o.arrived <- struct{}{}:
	default:
	}
	s.mu.Unlock()
}

// maxIdleCouriers is how many couriers wait for the next request once
// theirs is delivered; the others end. A courier that delivered a request
// has the stack an application's handler needs, so reusing it spares
// the next request a new goroutine and the growing of its stack.
const maxIdleCouriers = 64

// courier delivers fl, then each request handed to it while it waits,
// until more than maxIdleCouriers wait or the server closes.
func (o *outbox) courier(fl *flight) {
	s := o.srv
	defer s.wg.Done()
	for {
		o.carry(fl)
		if o.idle.Add(1) > maxIdleCouriers {
			o.idle.Add(-1)
			return
		}
		select {
		case fl = <-o.couriers:
			o.idle.Add(-1)
		case <-s.ctx.Done():
			return
		}
	}
}

// nextReplyLocked removes and returns the next reply to apply: the oldest
// request's, once it is in. inOrder false takes any reply that is in, the
// oldest first: for the engine that follows real time past a slow reply.
// It returns nil when no reply is ready to apply.
func (o *outbox) nextReplyLocked(inOrder bool) *flight {
	for i, fl := range o.flights {
		if fl.ready {
			if i == 0 { // the usual case: the reply of the oldest request
				o.flights[0] = nil
				o.flights = o.flights[1:]
			} else {
				o.flights = slices.Delete(o.flights, i, i+1)
			}
			return fl
		}
		if inOrder {
			return nil
		}
	}
	return nil
}

// forgetFlightsLocked drops the requests of forgotten calls (a reset):
// their replies, when they come, are applied to nothing.
func (o *outbox) forgetFlightsLocked() {
	clear(o.flights)
	o.flights = o.flights[:0]
	clear(o.held)
	o.held = o.held[:0]
}

// inFlightLocked reports whether a request is out or a reply not applied.
func (o *outbox) inFlightLocked() bool { return len(o.flights) > 0 }

// apply applies a reply to its call, then runs the call's events that
// waited for it. Call without srv.mu, as the engine's driver.
func (fl *flight) apply() {
	if fl.then != nil {
		fl.then()
	} else {
		fl.call.srv.out.reportFailure(fl.w)
	}
	s := fl.call.srv
	s.mu.Lock()
	fl.call.pending.requests--
	s.mu.Unlock()
	fl.call.runParked()
}

// logLocked enters w in the record as it is sent: its number, time and
// idempotency token.
func (o *outbox) logLocked(w *webhook) {
	s := o.srv
	w.seq = s.nextSeqLocked()
	w.at = s.clock.Now()
	w.token = s.ids.Token()
	s.hooksLog = append(s.hooksLog, w)
	if c := s.calls[w.callSID]; c != nil {
		if c.history.hooks == nil {
			c.history.hooks = make([]*webhook, 0, 8) // room for a call's callbacks and webhooks at once
		}
		c.history.hooks = append(c.history.hooks, w)
		c.appendEventLocked(callEvent{seq: w.seq, at: w.at, kind: EventRequest, hook: w})
	}
}

// reportFailure logs a notification when a request whose reply is not
// TwiML got no reply or an HTTP error: 15003 for a status callback, 11200
// for others, 11205 for a failed connection. Call without srv.mu.
func (o *outbox) reportFailure(w *webhook) {
	if !w.failed() {
		return
	}
	s := o.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls[w.callSID]
	if c == nil {
		return
	}
	switch {
	case w.err != nil:
		c.notifyLocked(codeHTTPConnection, LevelWarning, "HTTP connection failure: "+w.err.Error(), w.url, w.method)
	case w.kind == KindStatusCallback:
		c.notifyLocked(codeCallbackHTTPError, LevelWarning, "Call Progress: Warning Response to Callback URL (HTTP "+strconv.Itoa(w.status)+")", w.url, w.method)
	default:
		c.notifyLocked(codeHTTPRetrieval, LevelWarning, fmt.Sprintf("HTTP retrieval failure: %s answered %d", w.kind, w.status), w.url, w.method)
	}
}

// deliver makes the request w, in-process when a [WithApp] handler serves
// its origin and over real HTTP otherwise, follows redirects as Twilio
// does (301, 302 and 303 become a GET without the parameters, 307 repeats
// the request; any other 3xx is error 11216), and records the reply.
func (o *outbox) deliver(w *webhook) {
	method, target, body := w.method, w.url, ""
	if method != http.MethodGet {
		body = w.body
	}
	var status int
	var hdr http.Header
	var reply string
	var err error
	for hops := 0; ; hops++ {
		status, hdr, reply, err = o.deliverOnce(w, method, target, body)
		if err != nil || status < 300 || status >= 400 {
			break
		}
		loc := hdr.Get("Location")
		if !followed(status) || loc == "" {
			err = fmt.Errorf("%w: the application answered %d with Location %q; Twilio follows only 301, 302, 303 and 307 with a Location", errBadRedirect, status, loc)
			break
		}
		if hops == maxHops {
			err = errTooManyRedirects
			break
		}
		next, perr := url.Parse(target)
		if perr == nil {
			next, perr = next.Parse(loc)
		}
		if perr != nil {
			err = fmt.Errorf("%w: bad Location %q: %v", errBadRedirect, loc, perr)
			break
		}
		target = next.String()
		if status != http.StatusTemporaryRedirect {
			method, body = http.MethodGet, ""
		}
	}
	o.srv.mu.Lock()
	rh := compactHeader(hdr)
	if err == nil && rh == nil { // a reply with no header
		rh = headerList{}
	}
	w.status, w.replyHeader, w.reply, w.err, w.done = status, rh, reply, err, true
	o.srv.mu.Unlock()
}

// followed reports whether Twilio follows a redirect with status code.
func followed(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect:
		return true
	}
	return false
}

// deliverOnce makes one HTTP request of w's.
func (o *outbox) deliverOnce(w *webhook, method, target, body string) (int, http.Header, string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return 0, nil, "", fmt.Errorf("harness: bad webhook URL %q: %w", target, err)
	}
	var key [64]byte
	if app := o.apps[string(appendOrigin(key[:0], u))]; app != nil {
		return o.serveInProcess(app, w, method, u, body)
	}
	if real, proxy, ok := o.proxyTarget(u); ok {
		return o.sendHTTP(w, method, real, body, u.Host, proxy)
	}
	return o.sendHTTP(w, method, target, body, "", nil)
}

// serveInProcess calls h as an http.Server would, with the request Twilio
// would send: URL holds the path and query only (RequestURI set), Host the
// origin's host, TLS is set for https, and RemoteAddr is one of Twilio's
// addresses. A panic in h is reported as a failed connection, as a crashing
// server looks to Twilio, and logged with its stack.
func (o *outbox) serveInProcess(h http.Handler, w *webhook, method string, u *url.URL, body string) (status int, hdr http.Header, reply string, err error) {
	// The request, its body and the recorder of the reply are one
	// allocation: a webhook's exchange with an in-process application
	// costs no copy of the request.
	ex := &exchange{req: *o.reqBase}
	ex.rec.limit = maxReply + 1
	req := &ex.req
	req.Method, req.Proto, req.ProtoMajor, req.ProtoMinor = method, "HTTP/1.1", 1, 1
	req.Header = w.header(method, &ex.hv)
	req.Body = http.NoBody
	if method != http.MethodGet {
		ex.body.Reset(body)
		req.Body, req.ContentLength = &ex.body, int64(len(body))
	}
	scheme, host, uri := u.Scheme, u.Host, u.RequestURI()
	req.Host, req.RemoteAddr, req.RequestURI = host, twilioAddr, uri
	if scheme == "https" {
		// One state an app's host, shared by its requests; handlers read it.
		if req.TLS = o.tls[u.Hostname()]; req.TLS == nil {
			req.TLS = newTLSState(u.Hostname())
		}
	}
	// u was parsed for this request alone: it becomes the request's URL,
	// with only the path and query, as an http.Server hands it over.
	u.Scheme, u.Host, u.User = "", "", nil
	req.URL = u
	defer func() {
		if p := recover(); p != nil {
			o.srv.logf("harness: the application's handler panicked on %s %s://%s%s: %v\n%s", method, scheme, host, uri, p, debug.Stack())
			status, hdr, reply, err = 0, nil, "", fmt.Errorf("%w: %v", errHandlerPanic, p)
		}
	}()
	h.ServeHTTP(&ex.rec, req)
	return ex.rec.reply()
}

// exchange is what an in-process webhook allocates: the request, its
// body and the recorder of the reply.
type exchange struct {
	req  http.Request
	hv   headerValues
	body stringBody
	rec  responseRecorder
}

// newTLSState returns the TLS state of a request to host over https.
func newTLSState(host string) *tls.ConnectionState {
	return &tls.ConnectionState{HandshakeComplete: true, ServerName: host, Version: tls.VersionTLS13}
}

// stringBody is a request body read from a string.
type stringBody struct{ strings.Reader }

func (*stringBody) Close() error { return nil }

// sendHTTP makes one request of w's over real HTTP with the webhook client:
// to target, with host as its Host header if not empty, and the headers of
// proxy added.
func (o *outbox) sendHTTP(w *webhook, method, target, body, host string, proxy http.Header) (int, http.Header, string, error) {
	var rd io.Reader
	if method != http.MethodGet {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(o.srv.ctx, method, target, rd)
	if err != nil {
		return 0, nil, "", err
	}
	req.Header = w.header(method, new(headerValues))
	if host != "" {
		req.Host = host
	}
	for k, v := range proxy {
		req.Header[k] = v
	}
	resp, err := o.client.Do(req)
	if err != nil {
		if errors.Is(err, errTooManyRedirects) {
			err = errTooManyRedirects
		}
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxReply+1))
	return resp.StatusCode, resp.Header, string(data), err
}

var (
	errHandlerPanic     = errors.New("harness: the application's handler panicked")
	errTooManyRedirects = errors.New("harness: more than 10 redirects")
	errBadRedirect      = errors.New("harness: invalid redirect")
)

// newWebhookClient returns the client for webhooks over real HTTP: Twilio's
// total timeout, at most 10 redirects, and only the redirects Twilio
// follows (a 308 is handed back, to become error 11216).
func newWebhookClient(timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.Response != nil && !followed(req.Response.StatusCode) {
				return http.ErrUseLastResponse
			}
			if len(via) > maxHops {
				return errTooManyRedirects
			}
			return nil
		},
	}
}

// responseRecorder is the http.ResponseWriter of a handler called in-process: an
// application's (webhooks) or the REST API's (HTTPClient). With a limit it
// keeps at most limit bytes of the body, as Twilio reads at most 64 kB and
// one more byte tells that the reply was too large.
type responseRecorder struct {
	header http.Header
	status int
	text   string // the body when it came whole in one WriteString, without a limit
	body   bytes.Buffer
	limit  int // 0: no limit
}

func newResponseRecorder(limit int) *responseRecorder { return &responseRecorder{limit: limit} }

// Header returns the reply's header, made on first use: a status callback's
// handler that only writes 204 costs no header.
func (r *responseRecorder) Header() http.Header {
	if r.header == nil {
		r.header = http.Header{}
	}
	return r.header
}

func (r *responseRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *responseRecorder) Write(b []byte) (int, error) {
	r.body.Write(b[:r.room(len(b))])
	return len(b), nil
}

// WriteString keeps a body written whole in one call without copying it:
// the REST API's replies, rendered once for the record and the client.
func (r *responseRecorder) WriteString(s string) (int, error) {
	if r.limit == 0 && r.text == "" && r.body.Len() == 0 {
		r.WriteHeader(http.StatusOK)
		r.text = s
		return len(s), nil
	}
	r.body.WriteString(s[:r.room(len(s))])
	return len(s), nil
}

// room readies r for n more bytes of the body, and returns how many of
// them it keeps: all without a limit, what fits within it otherwise.
func (r *responseRecorder) room(n int) int {
	r.WriteHeader(http.StatusOK)
	r.spill()
	if r.limit == 0 {
		return n
	}
	return max(0, min(n, r.limit-r.body.Len()))
}

// spill moves a body kept as text into the buffer, before more is written.
func (r *responseRecorder) spill() {
	if r.text != "" {
		r.body.WriteString(r.text)
		r.text = ""
	}
}

// Flush lets handlers that flush work in-process.
func (r *responseRecorder) Flush() { r.WriteHeader(http.StatusOK) }

// code returns the status written, 200 if none was.
func (r *responseRecorder) code() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// bodyLen returns the length of the body written.
func (r *responseRecorder) bodyLen() int { return len(r.text) + r.body.Len() }

// bodyString returns the body written.
func (r *responseRecorder) bodyString() string {
	if r.text != "" {
		return r.text
	}
	return r.body.String()
}

// reply returns an application's reply as the webhook client sees it: a
// body without a Content-Type gets the one net/http would sniff.
func (r *responseRecorder) reply() (int, http.Header, string, error) {
	body := r.bodyString()
	if r.header.Get("Content-Type") == "" && body != "" {
		r.Header().Set("Content-Type", http.DetectContentType([]byte(body)))
	}
	return r.code(), r.header, body, nil // nil when the handler set none
}
