package harness_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

// Tests of the Streams resource (media-streams.md §5–§8), through the
// official client, with an in-process WebSocket application.

// mediaURL is where the tests' application accepts streams.
const mediaURL = "wss://app.example.com/media"

// wsMessage is a message Twilio sent on a stream, decoded.
type wsMessage struct {
	Event          string `json:"event"`
	SequenceNumber string `json:"sequenceNumber"`
	StreamSid      string `json:"streamSid"`
	Start          *struct {
		AccountSid       string            `json:"accountSid"`
		StreamSid        string            `json:"streamSid"`
		CallSid          string            `json:"callSid"`
		Tracks           []string          `json:"tracks"`
		CustomParameters map[string]string `json:"customParameters"`
	} `json:"start"`
	Media *struct {
		Track string `json:"track"`
	} `json:"media"`
	Stop *struct {
		AccountSid string `json:"accountSid"`
		CallSid    string `json:"callSid"`
	} `json:"stop"`
}

// wsSession is one WebSocket the application accepted, once it closed:
// the upgrade request's URL and signature, every message in order, and
// the error its last read returned.
type wsSession struct {
	url       string
	signature string
	messages  []wsMessage
	end       error
}

// streamID returns the streamSid of the session's start message, "" if
// none came.
func (s *wsSession) streamID() string {
	for _, m := range s.messages {
		if m.Start != nil {
			return m.Start.StreamSid
		}
	}
	return ""
}

// events returns the events of the session's messages, consecutive media
// messages as one "media".
func (s *wsSession) events() []string {
	var out []string
	for _, m := range s.messages {
		if m.Event == "media" && len(out) > 0 && out[len(out)-1] == "media" {
			continue
		}
		out = append(out, m.Event)
	}
	return out
}

// wsApp is the application's WebSocket server: it accepts every upgrade,
// reads until the socket closes, and then hands the session over on
// sessions (buffered: a test that does not wait for one does not block
// the application).
type wsApp struct {
	sessions chan *wsSession
}

func newWSApp() *wsApp { return &wsApp{sessions: make(chan *wsSession, 64)} }

func (a *wsApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := &wsSession{url: "wss://" + r.Host + r.URL.RequestURI(), signature: r.Header.Get(harness.HeaderSignature)}
	defer func() { a.sessions <- s }()
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		s.end = err
		return
	}
	defer conn.CloseNow()
	for {
		_, data, err := conn.Read(context.Background())
		if err != nil {
			s.end = err
			return
		}
		var m wsMessage
		if err := json.Unmarshal(data, &m); err != nil {
			m.Event = "not JSON: " + string(data)
		}
		s.messages = append(s.messages, m)
	}
}

// streamServer returns a server whose application answers /voice with
// voice, serves its WebSocket at /media, and answers 204 elsewhere
// (the stream callbacks).
func streamServer(t *testing.T, voice string) (*harness.Server, *wsApp) {
	t.Helper()
	ws := newWSApp()
	mux := http.NewServeMux()
	mux.Handle("/", &docs{paths: map[string]string{"/voice": voice, "/after": `<Response><Say>After the stream</Say><Pause length="600"/></Response>`}})
	mux.Handle("/media", ws)
	return newServer(t, harness.WithApp(origin, mux)), ws
}

// answeredCall places a call to voice's application and lets it answer.
func answeredCall(t *testing.T, srv *harness.Server) *harness.Call {
	t.Helper()
	c := place(t, srv, nil)
	srv.Advance(time.Second)
	if c.Status() != harness.StatusInProgress {
		t.Fatalf("call %s is %s, want in-progress (test setup broken)\n%s", c.SID(), c.Status(), c.Transcript())
	}
	return c
}

// waitSession waits for the application's next WebSocket to close.
func waitSession(t *testing.T, srv *harness.Server, ws *wsApp) *wsSession {
	t.Helper()
	srv.Advance(0) // deliver what was sent at this instant
	return <-ws.sessions
}

// mzPattern is a Stream SID.
var mzPattern = regexp.MustCompile(`^MZ[0-9a-f]{32}$`)

// streamCallbacks returns the stream status callbacks of call sid.
func streamCallbacks(srv *harness.Server, sid string) []harness.Request {
	return cliRequestsOf(srv, sid, harness.KindStreamCallback)
}

// checkStreamCallback checks a stream status callback: its method, every
// parameter (and no other) and its signature.
func checkStreamCallback(t *testing.T, srv *harness.Server, r harness.Request, method string, want map[string]string) {
	t.Helper()
	if r.Method != method || r.Target != origin+"/stream-status" {
		t.Errorf("%s callback: %s %s, want %s %s/stream-status", want["StreamEvent"], r.Method, r.Target, method, origin)
	}
	if diff := cmp.Diff(want, cliFirstValues(r.Form)); diff != "" {
		t.Errorf("%s callback parameters mismatch (-want +got):\n%s", want["StreamEvent"], diff)
	}
	params := cliFirstValues(r.Form)
	if method == http.MethodGet {
		params = map[string]string{} // in the URL
	}
	validator := client.NewRequestValidator(srv.AuthToken())
	if !validator.Validate(r.URL, params, r.Header.Get(harness.HeaderSignature)) {
		t.Errorf("%s callback: twilio-go rejects its X-Twilio-Signature %q", want["StreamEvent"], r.Header.Get(harness.HeaderSignature))
	}
}

// iso is a stream callback's Timestamp for the virtual instant at.
func iso(at time.Time) string { return at.UTC().Format("2006-01-02T15:04:05.000Z") }

func TestStreamsThroughTwilioGo(t *testing.T) {
	srv, ws := streamServer(t, `<Response><Pause length="600"/></Response>`)
	tw := restClient(srv)
	c := answeredCall(t, srv)
	acct := srv.AccountSID()
	base := apiRoot + acct + "/Calls/" + c.SID()

	// The Call resource links its streams.
	fetched, err := tw.FetchCall(c.SID(), nil)
	if err != nil {
		t.Fatalf("fetch call: %v", err)
	}
	if got := (*fetched.SubresourceUris)["streams"]; got != base+"/Streams.json" {
		t.Errorf("subresource_uris.streams = %v, want %s", got, base+"/Streams.json")
	}

	// Created with a name, both tracks, a status callback and custom
	// parameters (Parameter3 a name without a value).
	created := srv.Now()
	st, err := tw.CreateStream(c.SID(), new(api.CreateStreamParams).SetUrl(mediaURL).SetName("transcriber").
		SetTrack("both_tracks").SetStatusCallback(origin+"/stream-status").
		SetParameter1Name("customer").SetParameter1Value("42").
		SetParameter2Name("lang").SetParameter2Value("en-US").
		SetParameter3Name("flag"))
	if err != nil {
		t.Fatalf("create stream: %v", err)
	}
	sid := *st.Sid
	wantRes := api.ApiV2010Stream{Sid: &sid, AccountSid: &acct, CallSid: cliRef(c.SID()), Name: cliRef("transcriber"),
		Status: cliRef("in-progress"), DateUpdated: cliRef(cliDate(created)), Uri: cliRef(base + "/Streams/" + sid + ".json")}
	if !mzPattern.MatchString(sid) {
		t.Errorf("sid %q, want MZ and 32 hex digits", sid)
	}
	if diff := cmp.Diff(wantRes, *st); diff != "" {
		t.Errorf("created stream mismatch (-want +got):\n%s", diff)
	}

	// It runs for a second, then is stopped by its name.
	srv.Advance(time.Second)
	stoppedAt := srv.Now()
	st, err = tw.UpdateStream(c.SID(), "transcriber", new(api.UpdateStreamParams).SetStatus("stopped"))
	if err != nil {
		t.Fatalf("stop by name: %v", err)
	}
	wantRes.Status, wantRes.DateUpdated = cliRef("stopped"), cliRef(cliDate(stoppedAt))
	if diff := cmp.Diff(wantRes, *st); diff != "" {
		t.Errorf("stopped stream mismatch (-want +got):\n%s", diff)
	}

	// The application got connected, start with the parameters, a
	// second of media on both tracks, stop, and then the close.
	sess := waitSession(t, srv, ws)
	if got, want := sess.events(), []string{"connected", "start", "media", "stop"}; !slices.Equal(got, want) {
		t.Fatalf("the application got %v, want %v", got, want)
	}
	start := sess.messages[1].Start
	if start.StreamSid != sid || start.CallSid != c.SID() || start.AccountSid != acct || !slices.Equal(start.Tracks, []string{"inbound", "outbound"}) {
		t.Errorf("start: stream %s call %s account %s tracks %v", start.StreamSid, start.CallSid, start.AccountSid, start.Tracks)
	}
	if diff := cmp.Diff(map[string]string{"customer": "42", "lang": "en-US", "flag": ""}, start.CustomParameters); diff != "" {
		t.Errorf("start.customParameters mismatch (-want +got):\n%s", diff)
	}
	media := map[string]int{}
	for _, m := range sess.messages {
		if m.Media != nil {
			media[m.Media.Track]++
		}
	}
	if media["inbound"] != 51 || media["outbound"] != 51 {
		t.Errorf("media frames by track %v, want 51 on each: one a turn of 20 ms from 0 to 1000 ms", media)
	}
	stop := sess.messages[len(sess.messages)-1]
	if stop.StreamSid != sid || stop.Stop == nil || stop.Stop.CallSid != c.SID() || stop.Stop.AccountSid != acct {
		t.Errorf("stop message: %+v", stop)
	}
	if websocket.CloseStatus(sess.end) != websocket.StatusNormalClosure {
		t.Errorf("after stop the application read %v, want the normal closure of the WebSocket", sess.end)
	}
	validator := client.NewRequestValidator(srv.AuthToken())
	if sess.url != mediaURL || !validator.Validate(mediaURL, map[string]string{}, sess.signature) {
		t.Errorf("upgrade of %s signed %q: twilio-go rejects it for %s", sess.url, sess.signature, mediaURL)
	}

	// Its status callbacks: started when created (the socket opens at
	// once), stopped when stopped, signed.
	cbs := streamCallbacks(srv, c.SID())
	if len(cbs) != 2 {
		t.Fatalf("%d stream callbacks, want stream-started and stream-stopped:\n%s", len(cbs), cliSummary(cbs))
	}
	common := func(event string, at time.Time) map[string]string {
		return map[string]string{"AccountSid": acct, "CallSid": c.SID(), "StreamSid": sid, "StreamName": "transcriber",
			"StreamEvent": event, "Timestamp": iso(at)}
	}
	checkStreamCallback(t, srv, cbs[0], http.MethodPost, common("stream-started", created))
	checkStreamCallback(t, srv, cbs[1], http.MethodPost, common("stream-stopped", stoppedAt))

	// A stream without a name, stopped by its SID; its callbacks by GET
	// name it by its SID.
	st, err = tw.CreateStream(c.SID(), new(api.CreateStreamParams).SetUrl(mediaURL).
		SetStatusCallback(origin+"/stream-status").SetStatusCallbackMethod("GET"))
	if err != nil {
		t.Fatalf("create an unnamed stream: %v", err)
	}
	if st.Name != nil || *st.Status != "in-progress" {
		t.Errorf("unnamed stream: name %s status %s, want null and in-progress", cliDeref(st.Name), *st.Status)
	}
	second := *st.Sid
	srv.Advance(100 * time.Millisecond)
	if st, err = tw.UpdateStream(c.SID(), second, new(api.UpdateStreamParams).SetStatus("stopped")); err != nil || *st.Status != "stopped" {
		t.Fatalf("stop by SID: %v", err)
	}
	sess = waitSession(t, srv, ws)
	if sess.streamID() != second || sess.messages[len(sess.messages)-1].Event != "stop" {
		t.Errorf("second stream: the application got %v for %s", sess.events(), sess.streamID())
	}
	if start := sess.messages[1].Start; !slices.Equal(start.Tracks, []string{"inbound"}) || len(start.CustomParameters) != 0 {
		t.Errorf("second stream: tracks %v parameters %v, want the inbound track alone and none", start.Tracks, start.CustomParameters)
	}
	cbs = streamCallbacks(srv, c.SID())
	if len(cbs) != 4 {
		t.Fatalf("%d stream callbacks, want two of each stream:\n%s", len(cbs), cliSummary(cbs))
	}
	cbs = cbs[2:]
	for i, event := range []string{"stream-started", "stream-stopped"} {
		checkStreamCallback(t, srv, cbs[i], http.MethodGet, map[string]string{"AccountSid": acct, "CallSid": c.SID(),
			"StreamSid": second, "StreamName": second, "StreamEvent": event, "Timestamp": iso(cbs[i].Time)})
	}

	// Stopping it again is answered with the stream as it is: stopped
	// when it was, and nothing more is sent.
	srv.Advance(time.Second)
	again, err := tw.UpdateStream(c.SID(), second, new(api.UpdateStreamParams).SetStatus("stopped"))
	if err != nil || *again.Status != "stopped" || *again.DateUpdated != *st.DateUpdated {
		t.Errorf("stopped twice: %v, %+v; want 200 with the first stop's date_updated %s", err, again, *st.DateUpdated)
	}
	srv.Advance(time.Second)
	if n := len(streamCallbacks(srv, c.SID())); n != 4 {
		t.Errorf("%d stream callbacks after stopping a stopped stream, want the 4 before", n)
	}
	if len(ws.sessions) != 0 {
		t.Errorf("another WebSocket was opened")
	}
}

// streamCount returns how many streams call c dialed.
func streamCount(c *harness.Call) int {
	n := 0
	for _, e := range c.Events() {
		if e.Kind == harness.EventStream && e.Action == harness.ActionDialing {
			n++
		}
	}
	return n
}

func TestStreamsErrors(t *testing.T) {
	srv, ws := streamServer(t, `<Response><Pause length="600"/></Response>`)
	tw := restClient(srv)
	c := answeredCall(t, srv)
	createOn := func(call string, p *api.CreateStreamParams) error {
		_, err := tw.CreateStream(call, p)
		return err
	}
	create := func(p *api.CreateStreamParams) error { return createOn(c.SID(), p.SetUrl(mediaURL)) }
	stop := func(ref string, p *api.UpdateStreamParams) error {
		_, err := tw.UpdateStream(c.SID(), ref, p)
		return err
	}
	stopped := new(api.UpdateStreamParams).SetStatus("stopped")
	const noCall = "CA00000000000000000000000000000000"
	long := strings.Repeat("x", 490)

	// Two streams of both tracks: the four tracks a call may stream.
	for _, name := range []string{"first", "second"} {
		if err := create(new(api.CreateStreamParams).SetName(name).SetTrack("both_tracks")); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	srv.Advance(100 * time.Millisecond)
	queued := place(t, srv, nil) // not yet dialed

	for _, tc := range []struct {
		name        string
		do          func() error
		code        int
		status      int
		wantMessage string
	}{
		{"unknown call", func() error { return createOn(noCall, new(api.CreateStreamParams).SetUrl(mediaURL)) },
			20404, 404, "was not found"},
		{"call not in progress", func() error { return createOn(queued.SID(), new(api.CreateStreamParams).SetUrl(mediaURL)) },
			21220, 400, "Call is not in-progress. Cannot start a stream: call " + queued.SID() + " is queued"},
		{"no Url", func() error { return createOn(c.SID(), new(api.CreateStreamParams).SetName("nourl")) },
			21205, 400, "Url is required"},
		{"https Url", func() error { return createOn(c.SID(), new(api.CreateStreamParams).SetUrl(origin+"/media")) },
			21205, 400, "Url must be an absolute ws:// or wss:// URL (Twilio opens a WebSocket to it): https://app.example.com/media"},
		{"relative Url", func() error { return createOn(c.SID(), new(api.CreateStreamParams).SetUrl("/media")) },
			21205, 400, "Url must be an absolute ws:// or wss:// URL"},
		{"unknown Track", func() error { return create(new(api.CreateStreamParams).SetTrack("sideways")) },
			20001, 400, "Track must be inbound_track, outbound_track or both_tracks: sideways"},
		{"relative StatusCallback", func() error { return create(new(api.CreateStreamParams).SetStatusCallback("/stream-status")) },
			21205, 400, "StatusCallback is not a valid URL: /stream-status"},
		{"StatusCallbackMethod PUT", func() error { return create(new(api.CreateStreamParams).SetStatusCallbackMethod("PUT")) },
			21209, 400, "StatusCallbackMethod must be GET or POST: PUT"},
		{"a value without its name", func() error { return create(new(api.CreateStreamParams).SetParameter4Value("v")) },
			20001, 400, "Parameter4.Value is given without Parameter4.Name"},
		{"a pair of 500 characters", func() error {
			return create(new(api.CreateStreamParams).SetParameter2Name("0123456789").SetParameter2Value(long))
		}, 20001, 400, "Parameter2: name and value together must be under 500 characters (they have 500)"},
		{"a fifth track", func() error { return create(new(api.CreateStreamParams).SetName("third")) },
			20001, 400, "Cannot start the stream: the call already streams 4 tracks; Twilio streams at most 4 at once"},
		{"a name in use", func() error { return create(new(api.CreateStreamParams).SetName("first").SetTrack("inbound_track")) },
			20001, 400, `Cannot start the stream: a stream named "first" is already running on this call: names must be unique per call`},
		{"unknown stream SID", func() error { return stop("MZ00000000000000000000000000000000", stopped) }, 20404, 404, "was not found"},
		{"unknown stream name", func() error { return stop("nobody", stopped) }, 20404, 404, "was not found"},
		{"a stream of an unknown call", func() error {
			_, err := tw.UpdateStream(noCall, "first", stopped)
			return err
		}, 20404, 404, "was not found"},
		{"Status in-progress", func() error { return stop("first", new(api.UpdateStreamParams).SetStatus("in-progress")) },
			20001, 400, "Status must be stopped, the only change the Streams API makes to a stream: in-progress"},
		{"no Status", func() error { return stop("first", nil) }, 20001, 400, "Status is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rerr := cliRestError(t, tc.do(), tc.code, tc.status)
			if !strings.Contains(rerr.Message, tc.wantMessage) {
				t.Errorf("message %q, want it to contain %q", rerr.Message, tc.wantMessage)
			}
		})
	}
	// Twilio documents no list, fetch or delete of streams.
	for _, r := range [][2]string{{"GET", "/Streams.json"}, {"GET", "/Streams/first.json"}, {"DELETE", "/Streams/first.json"}} {
		if status, body := rawAPI(t, srv, r[0], "/Calls/"+c.SID()+r[1], nil); status != 405 || !strings.Contains(body, `"code":20004`) {
			t.Errorf("%s %s: %d %s, want 405 with 20004", r[0], r[1], status, body)
		}
	}
	if n := streamCount(c); n != 2 {
		t.Errorf("%d streams dialed, want the first two alone: a refused request starts none", n)
	}
	if n := streamCount(queued); n != 0 {
		t.Errorf("the queued call dialed %d streams", n)
	}

	// Once the call has ended, its streams are stopped: stopping one
	// again says so, and no new one starts.
	if _, err := tw.UpdateCall(c.SID(), new(api.UpdateCallParams).SetStatus("completed")); err != nil {
		t.Fatalf("hang up: %v", err)
	}
	for range 2 {
		if sess := waitSession(t, srv, ws); sess.events()[len(sess.events())-1] != "stop" {
			t.Errorf("a stream ended by the hang-up: the application got %v", sess.events())
		}
	}
	if st, err := tw.UpdateStream(c.SID(), "second", stopped); err != nil || *st.Status != "stopped" {
		t.Errorf("stopping a stream of an ended call: %v; want 200, stopped", err)
	}
	rerr := cliRestError(t, create(new(api.CreateStreamParams)), 21220, 400)
	if want := "Call is not in-progress. Cannot start a stream: call " + c.SID() + " is completed"; !strings.HasPrefix(rerr.Message, want) {
		t.Errorf("create on an ended call: %q, want %q…", rerr.Message, want)
	}
}

// TestStreamsStopTwiMLStreams stops, through the API, a stream <Start>
// started and the <Connect><Stream> holding the call, which then goes on
// with the Connect's action.
func TestStreamsStopTwiMLStreams(t *testing.T) {
	srv, ws := streamServer(t, `<Response>
		<Start><Stream name="fork" url="`+mediaURL+`" track="outbound_track"/></Start>
		<Connect action="/after"><Stream name="bot" url="`+mediaURL+`"><Parameter name="from" value="twiml"/></Stream></Connect>
	</Response>`)
	tw := restClient(srv)
	c := answeredCall(t, srv)
	stopped := new(api.UpdateStreamParams).SetStatus("stopped")

	// The names are the call's: the API cannot take one of them.
	_, err := tw.CreateStream(c.SID(), new(api.CreateStreamParams).SetUrl(mediaURL).SetName("bot"))
	if rerr := cliRestError(t, err, 20001, 400); !strings.Contains(rerr.Message, `a stream named "bot" is already running`) {
		t.Errorf("a REST stream named like the <Connect><Stream>: %q", rerr.Message)
	}

	fork, err := tw.UpdateStream(c.SID(), "fork", stopped)
	if err != nil || *fork.Status != "stopped" || *fork.Name != "fork" {
		t.Fatalf("stop the <Start><Stream>: %v", err)
	}
	sess := waitSession(t, srv, ws)
	if got := sess.events(); sess.streamID() != *fork.Sid || got[len(got)-1] != "stop" || !slices.Equal(sess.messages[1].Start.Tracks, []string{"outbound"}) {
		t.Errorf("the <Start><Stream> %s: the application got %v on %s", *fork.Sid, got, sess.streamID())
	}
	if len(cliRequestsOf(srv, c.SID(), harness.KindAction)) != 0 {
		t.Fatalf("the Connect's action was requested when the fork stopped")
	}

	bot, err := tw.UpdateStream(c.SID(), "bot", stopped)
	if err != nil || *bot.Status != "stopped" {
		t.Fatalf("stop the <Connect><Stream>: %v", err)
	}
	sess = waitSession(t, srv, ws)
	if got := sess.events(); sess.streamID() != *bot.Sid || got[len(got)-1] != "stop" || sess.messages[1].Start.CustomParameters["from"] != "twiml" {
		t.Errorf("the <Connect><Stream> %s: the application got %v on %s", *bot.Sid, got, sess.streamID())
	}
	srv.Advance(time.Second)
	if actions := cliRequestsOf(srv, c.SID(), harness.KindAction); len(actions) != 1 || actions[0].Target != origin+"/after" {
		t.Fatalf("after the API stopped the <Connect><Stream>: actions\n%s, want /after", cliSummary(actions))
	}
	if got := said(c); !slices.Contains(got, "After the stream") {
		t.Errorf("the call said %v, want the action's document", got)
	}
}

// TestStreamsErrorCallback: a stream whose WebSocket cannot be opened
// is created (the dial comes after the reply), then ends with the
// dial's error logged and a stream-error callback, and no other.
func TestStreamsErrorCallback(t *testing.T) {
	srv, _ := streamServer(t, `<Response><Pause length="600"/></Response>`)
	tw := restClient(srv)
	c := answeredCall(t, srv)
	const unreachable = "ws://127.0.0.1:1/x"
	created := srv.Now()
	st, err := tw.CreateStream(c.SID(), new(api.CreateStreamParams).SetUrl(unreachable).SetName("lost").
		SetStatusCallback(origin+"/stream-status"))
	if err != nil || *st.Status != "in-progress" {
		t.Fatalf("create: %v", err)
	}
	srv.Advance(time.Second)

	var refused []harness.Notification
	for _, n := range c.Notifications() {
		if n.Code == 31902 {
			refused = append(refused, n)
		}
	}
	if len(refused) != 1 || refused[0].URL != unreachable {
		t.Fatalf("notifications %+v, want one 31902 about %s", c.Notifications(), unreachable)
	}
	cbs := streamCallbacks(srv, c.SID())
	if len(cbs) != 1 {
		t.Fatalf("%d stream callbacks, want stream-error alone:\n%s", len(cbs), cliSummary(cbs))
	}
	checkStreamCallback(t, srv, cbs[0], http.MethodPost, map[string]string{"AccountSid": srv.AccountSID(), "CallSid": c.SID(),
		"StreamSid": *st.Sid, "StreamName": "lost", "StreamEvent": "stream-error", "StreamError": refused[0].Message, "Timestamp": iso(created)})
	if !strings.HasPrefix(refused[0].Message, "Stream - WebSocket - ") {
		t.Errorf("StreamError %q, want the 319xx error's message", refused[0].Message)
	}

	// The failed stream is stopped; stopping it is answered as such.
	after, err := tw.UpdateStream(c.SID(), *st.Sid, new(api.UpdateStreamParams).SetStatus("stopped"))
	if err != nil || *after.Status != "stopped" || *after.DateUpdated != cliDate(created) {
		t.Errorf("stop the failed stream: %v; want 200, stopped when it failed (%s)", err, cliDate(created))
	}
	if n := len(streamCallbacks(srv, c.SID())); n != 1 {
		t.Errorf("%d stream callbacks after stopping the failed stream, want the stream-error alone", n)
	}
}

// TestStreamsParameterKeys: custom parameters numbered outside 1–99 are
// not sent, and the call's record says so; the XML representation has
// the resource's fields.
func TestStreamsParameterKeys(t *testing.T) {
	srv, ws := streamServer(t, `<Response><Pause length="600"/></Response>`)
	c := answeredCall(t, srv)
	form := url.Values{"Url": {mediaURL}, "Parameter1.Name": {"a"}, "Parameter1.Value": {"b"},
		"Parameter99.Name": {"last"}, "Parameter100.Name": {"x"}, "Parameter0.Value": {"y"}, "Parameter07.Name": {"z"}}
	status, body := rawAPI(t, srv, "POST", "/Calls/"+c.SID()+"/Streams.xml", form)
	if status != 200 || !strings.HasPrefix(body, "<?xml") || !strings.Contains(body, "<Stream><AccountSid>"+srv.AccountSID()+"</AccountSid>") ||
		!strings.Contains(body, "<Status>in-progress</Status>") {
		t.Fatalf("create in XML: %d %s", status, body)
	}
	var note string
	for _, e := range c.Events() {
		if e.Kind == harness.EventNote && strings.Contains(e.Text, "ignored") {
			note = e.Text
		}
	}
	if !strings.Contains(note, "Parameter0.Value, Parameter07.Name, Parameter100.Name ignored: the Streams API takes custom parameters Parameter1 to Parameter99") {
		t.Errorf("the call's note: %q", note)
	}
	srv.Advance(100 * time.Millisecond)
	if _, err := restClient(srv).UpdateCall(c.SID(), new(api.UpdateCallParams).SetStatus("completed")); err != nil {
		t.Fatal(err)
	}
	sess := waitSession(t, srv, ws)
	if diff := cmp.Diff(map[string]string{"a": "b", "last": ""}, sess.messages[1].Start.CustomParameters); diff != "" {
		t.Errorf("customParameters mismatch (-want +got):\n%s", diff)
	}
}
