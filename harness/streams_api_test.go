package harness_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/twilioclient"
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
	tw := twilioclient.New(srv).Api
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
	cbs = streamCallbacks(srv, c.SID())[2:]
	if len(cbs) != 2 {
		t.Fatalf("%d callbacks of the second stream, want 2:\n%s", len(cbs), cliSummary(cbs))
	}
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
