package harness_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-audio/wav"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// voicemailTwice records two messages, one after the other.
func voicemailTwice() *docs {
	return &docs{paths: map[string]string{
		"/voice":  `<Response><Record maxLength="20" finishOnKey="#" action="/second"/></Response>`,
		"/second": `<Response><Record maxLength="20" finishOnKey="#" action="/bye"/></Response>`,
		"/bye":    `<Response><Hangup/></Response>`,
	}}
}

// recordedCall places a Record=true call whose far end leaves two messages
// (3 s, then 4 s) and waits for it.
func recordedCall(t *testing.T, srv *harness.Server) *harness.Call {
	t.Helper()
	srv.SetParty(to, scenario.Person().Talks(3*time.Second).ThenPresses("#").Talks(4*time.Second).ThenPresses("#"))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetRecord(true) })
	c.Wait()
	return c
}

func TestRecordingsThroughTwilioGo(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, voicemailTwice()))
	c := recordedCall(t, srv)
	other := recordedCall(t, srv)
	rest := restClient(srv)

	// Three recordings a call, listed across three pages of one.
	perCall, err := rest.ListCallRecording(c.SID(), (&api.ListCallRecordingParams{}).SetPageSize(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(perCall) != 3 {
		t.Fatalf("%d recordings of the call across pages of 1, want 3", len(perCall))
	}
	byAccount, err := rest.ListRecording((&api.ListRecordingParams{}).SetCallSid(other.SID()).SetPageSize(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(byAccount) != 3 || *byAccount[0].CallSid != other.SID() {
		t.Fatalf("CallSid filter across pages of 1: %d", len(byAccount))
	}
	all, err := rest.ListRecording(nil)
	if err != nil || len(all) != 6 {
		t.Fatalf("every recording: %d, %v", len(all), err)
	}
	sources := map[string]string{}
	for _, r := range perCall {
		sources[*r.Source] = *r.Duration
		if *r.Status != "completed" || *r.PriceUnit != "USD" || r.Price == nil || *r.Track == "" || r.Channels != 1 {
			t.Errorf("recording %s: status %s, price %v %s, track %s", *r.Sid, *r.Status, r.Price, *r.PriceUnit, *r.Track)
		}
	}
	if sources["RecordVerb"] == "" || sources["OutboundAPI"] == "" {
		t.Errorf("sources and durations: %v, want RecordVerb and OutboundAPI", sources)
	}

	// Fetch under the account: the media URL and a price as a string.
	rec, err := rest.FetchRecording(*perCall[0].Sid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if *rec.MediaUrl != "https://api.twilio.com/2010-04-01/Accounts/"+srv.AccountSID()+"/Recordings/"+*rec.Sid || *rec.Price != "-0.00250" {
		t.Errorf("media_url %s, price %s", *rec.MediaUrl, *rec.Price)
	}

	// Delete: gone, but listed with IncludeSoftDeleted, as deleted.
	if err := rest.DeleteCallRecording(c.SID(), *rec.Sid, nil); err != nil {
		t.Fatal(err)
	}
	_, err = rest.FetchRecording(*rec.Sid, nil)
	var rerr *client.TwilioRestError
	if !errors.As(err, &rerr) || rerr.Code != 20404 {
		t.Errorf("fetching a deleted recording: %v, want 20404", err)
	}
	soft, err := rest.FetchRecording(*rec.Sid, (&api.FetchRecordingParams{}).SetIncludeSoftDeleted(true))
	if err != nil || *soft.Status != "deleted" {
		t.Errorf("with IncludeSoftDeleted: %v, %v", err, soft)
	}
	if left, _ := rest.ListRecording(nil); len(left) != 5 {
		t.Errorf("after a delete %d recordings are listed, want 5", len(left))
	}
	if withDeleted, _ := rest.ListRecording((&api.ListRecordingParams{}).SetIncludeSoftDeleted(true)); len(withDeleted) != 6 {
		t.Errorf("with IncludeSoftDeleted %d are listed, want 6", len(withDeleted))
	}
	if status, _, _ := get(t, srv, "/2010-04-01/Accounts/"+srv.AccountSID()+"/Recordings/"+*rec.Sid+".wav"); status != 404 {
		t.Errorf("the media of a deleted recording: %d, want 404", status)
	}
}

// liveCall places a call that holds for ten minutes and brings it into
// progress on the manual clock.
func liveCall(t *testing.T, srv *harness.Server) string {
	t.Helper()
	sid := createLive(t, srv)
	srv.Advance(2 * time.Second)
	if got := status(t, srv, sid); got != "in-progress" {
		t.Fatalf("the call is %s, want in-progress", got)
	}
	return sid
}

// liveRecording brings a call into progress and starts a recording of it
// with the REST API's defaults; it returns the call's SID and the
// recording.
func liveRecording(t *testing.T, srv *harness.Server) (string, *api.ApiV2010CallRecording) {
	t.Helper()
	sid := liveCall(t, srv)
	rec, err := restClient(srv).CreateCallRecording(sid, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sid, rec
}

func TestRecordingStartedPausedStopped(t *testing.T) {
	hook := &docs{paths: map[string]string{}}
	srv := newServer(t, harness.WithApp(origin, newApp(longPause)), harness.WithApp("https://hooks.example.com", hook))
	sid := liveCall(t, srv)
	rest := restClient(srv)

	rec, err := rest.CreateCallRecording(sid, (&api.CreateCallRecordingParams{}).SetRecordingChannels("dual").
		SetRecordingStatusCallback("https://hooks.example.com/rec").SetRecordingStatusCallbackEvent([]string{"in-progress", "completed"}))
	if err != nil {
		t.Fatal(err)
	}
	if *rec.Status != "in-progress" || *rec.Source != "StartCallRecordingAPI" || rec.Channels != 2 || rec.Duration != nil || *rec.Track != "both" {
		t.Errorf("created: status %s, source %s, channels %d, duration %v, track %s", *rec.Status, *rec.Source, rec.Channels, rec.Duration, *rec.Track)
	}
	srv.Advance(10 * time.Second)
	if live, _ := rest.FetchCallRecording(sid, *rec.Sid, nil); *live.Status != "processing" {
		t.Errorf("a live recording fetched: %s, want processing", *live.Status)
	}
	paused, err := rest.UpdateCallRecording(sid, "Twilio.CURRENT", (&api.UpdateCallRecordingParams{}).SetStatus("paused").SetPauseBehavior("skip"))
	if err != nil || *paused.Status != "paused" || *paused.Sid != *rec.Sid {
		t.Fatalf("paused: %v %+v", err, paused)
	}
	srv.Advance(5 * time.Second)
	if r, err := rest.UpdateCallRecording(sid, *rec.Sid, (&api.UpdateCallRecordingParams{}).SetStatus("in-progress")); err != nil || *r.Status != "in-progress" {
		t.Fatalf("resumed: %v", err)
	}
	srv.Advance(3 * time.Second)
	stopped, err := rest.UpdateCallRecording(sid, *rec.Sid, (&api.UpdateCallRecordingParams{}).SetStatus("stopped"))
	if err != nil || *stopped.Status != "stopped" {
		t.Fatalf("stopped: %v", err)
	}
	done, err := rest.FetchCallRecording(sid, *rec.Sid, nil)
	if err != nil || *done.Status != "completed" || *done.Duration != "13" {
		t.Errorf("after 10 s, a skipped pause of 5 and 3 more: %v, status %s, duration %v; want completed, 13", err, *done.Status, done.Duration)
	}
	_, err = rest.UpdateCallRecording(sid, *rec.Sid, (&api.UpdateCallRecordingParams{}).SetStatus("paused"))
	var rerr *client.TwilioRestError
	if !errors.As(err, &rerr) || rerr.Code != 21220 {
		t.Errorf("pausing a stopped recording: %v, want 21220", err)
	}
	srv.Run()
	var events []string
	for _, r := range srv.Call(sid).Requests() {
		if r.Kind == harness.KindRecordingStatusCallback {
			events = append(events, r.Form.Get("RecordingStatus")+" "+r.Form.Get("RecordingDuration"))
		}
	}
	if strings.Join(events, ", ") != "in-progress , completed 13" {
		t.Errorf("recording callbacks: %q", events)
	}

	queued := createLive(t, srv)
	_, err = rest.CreateCallRecording(queued, nil)
	if !errors.As(err, &rerr) || rerr.Code != 21220 || rerr.Status != 400 {
		t.Errorf("recording a queued call: %v, want 21220", err)
	}
}

func TestRecordingDeleteOnlyCompleted(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(longPause)))
	_, rec := liveRecording(t, srv)
	rest := restClient(srv)
	err := rest.DeleteRecording(*rec.Sid, nil)
	var rerr *client.TwilioRestError
	if !errors.As(err, &rerr) || rerr.Code != 20009 {
		t.Errorf("deleting a recording in progress: %v, want 20009", err)
	}
}

// media downloads a recording's media with the account's credentials.
func media(t *testing.T, srv *harness.Server, sid, ext string, auth bool) *http.Response {
	t.Helper()
	return serveGET(srv, "/2010-04-01/Accounts/"+srv.AccountSID()+"/Recordings/"+sid+ext, auth)
}

// TestRecordingMediaOfASilentRecord: <Record maxLength="5"> with a silent
// far end downloads as a WAV whose header says 5 seconds, one channel,
// 8 kHz; trimmed (the default), the same recording is absent.
func TestRecordingMediaOfASilentRecord(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(`<Response><Record maxLength="5" trim="do-not-trim" timeout="0"/></Response>`)),
		harness.WithParty(to, scenario.Silence()))
	c := place(t, srv, nil)
	c.Wait()
	recs := c.Recordings()
	if len(recs) != 1 || recs[0].Status != "completed" || recs[0].Duration != 5*time.Second {
		t.Fatalf("recordings %+v", recs)
	}
	resp := media(t, srv, recs[0].SID, "", true)
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "audio/x-wav" {
		t.Fatalf("GET media: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), data)
	}
	dec := wav.NewDecoder(bytes.NewReader(data))
	if err := dec.FwdToPCM(); err != nil {
		t.Fatal(err)
	}
	seconds := float64(dec.PCMLen()) / float64(int(dec.SampleRate)*int(dec.NumChans)*2)
	if seconds != 5 || dec.NumChans != 1 || dec.SampleRate != 8000 {
		t.Errorf("WAV header: %gs, %d channels, %d Hz; want 5s, 1, 8000", seconds, dec.NumChans, dec.SampleRate)
	}
	pcm, err := wav.NewDecoder(bytes.NewReader(data)).FullPCMBuffer()
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range pcm.Data {
		if v != 0 {
			t.Fatalf("sample %d of a silent far end's recording is %d", i, v)
		}
	}
	if resp := media(t, srv, recs[0].SID, ".mp3", true); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "audio/mpeg" {
		t.Errorf("GET .mp3: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp := media(t, srv, recs[0].SID, ".wav", false); resp.StatusCode != 401 {
		t.Errorf("GET media without credentials: %d, want 401", resp.StatusCode)
	}
	if resp := media(t, srv, recs[0].SID, ".wav?RequestedChannels=2", true); resp.StatusCode != 400 {
		t.Errorf("two channels of a mono recording: %d, want 400", resp.StatusCode)
	}
	if resp := media(t, srv, recs[0].SID, ".json", true); resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("GET .json: %d %s, want the resource", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	trimmed := newServer(t, harness.WithApp(origin, newApp(`<Response><Record maxLength="5" timeout="0"/></Response>`)),
		harness.WithParty(to, scenario.Silence()))
	tc := place(t, trimmed, nil)
	tc.Wait()
	r, err := restClient(trimmed).FetchRecording(tc.Recordings()[0].SID, nil)
	if err != nil || *r.Status != "absent" || r.ErrorCode == nil || *r.ErrorCode != 16101 || *r.Duration != "0" {
		t.Errorf("a trimmed silent recording: %v %+v, want absent with 16101", err, r)
	}
	if resp := media(t, trimmed, *r.Sid, "", true); resp.StatusCode != 404 {
		t.Errorf("the media of an absent recording: %d, want 404", resp.StatusCode)
	}
}

// TestRecordingMediaSounds: the far end's message sounds on the first
// channel of a dual call recording, the application's prompt on the
// second, each where it happened.
func TestRecordingMediaSounds(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{
		"/voice": `<Response><Say>Leave a message</Say><Record maxLength="20" finishOnKey="#" action="/bye"/></Response>`,
		"/bye":   `<Response><Hangup/></Response>`,
	}}),
		harness.WithParty(to, scenario.Person().Talks(3*time.Second).ThenPresses("#")))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetRecord(true).SetRecordingChannels("dual") })
	c.Wait()
	var call *harness.Recording
	for _, r := range c.Recordings() {
		if r.Source == "OutboundAPI" {
			call = &r
		}
	}
	resp := media(t, srv, call.SID, ".wav", true)
	data, _ := io.ReadAll(resp.Body)
	pcm, err := wav.NewDecoder(bytes.NewReader(data)).FullPCMBuffer()
	if err != nil {
		t.Fatal(err)
	}
	loud := func(ch int, from, to time.Duration) bool {
		for i := int(from / time.Millisecond * 8); i < int(to/time.Millisecond*8); i++ {
			if v := pcm.Data[i*2+ch]; v > 1000 || v < -1000 {
				return true
			}
		}
		return false
	}
	// "Leave a message" plays for 1.2 s from the answer; after the beep
	// the far end talks for 3 s, until the call hangs up.
	if !loud(1, 0, 1200*time.Millisecond) || loud(0, 0, 1200*time.Millisecond) {
		t.Errorf("the prompt is not on the second channel alone")
	}
	if call.Duration != 4*time.Second || !loud(0, 2*time.Second, 4*time.Second) || loud(1, 2*time.Second, 4*time.Second) {
		t.Errorf("the message is not on the first channel alone, after the beep (recording of %v)", call.Duration)
	}
}

func TestRecordingsRepresentations(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, voicemailTwice()))
	c := recordedCall(t, srv)
	sid := c.Recordings()[0].SID
	base := "/2010-04-01/Accounts/" + srv.AccountSID()
	for _, tt := range []struct{ path, ctype, want string }{
		{base + "/Recordings.xml", "application/xml", "<Recordings page=\"0\""},
		{base + "/Recordings/" + sid + ".xml", "application/xml", "<Recording><AccountSid>"},
		{base + "/Recordings.csv", "text/csv", "account_sid,api_version,call_sid,conference_sid"},
		{base + "/Calls/" + c.SID() + "/Recordings.csv", "text/csv", ",track"},
		{base + "/Calls/" + c.SID() + "/Recordings/" + sid + ".json", "application/json", `"track":"both"`},
	} {
		status, ctype, body := get(t, srv, tt.path)
		if status != 200 || !strings.HasPrefix(ctype, tt.ctype) || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s: %d %s\n%.400s\nwant %q", tt.path, status, ctype, body, tt.want)
		}
	}
}

// TestRecordingOfStartRecording: a recording started with
// <Start><Recording> is listed with the source Twilio gives it,
// StartCallRecordingTwiML, which Twilio's OpenAPI description does not
// list (the contract check knows this one divergence).
func TestRecordingOfStartRecording(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(`<Response><Start><Recording channels="dual"/></Start><Say>Hello there</Say></Response>`)))
	c := place(t, srv, nil)
	c.Wait()
	recs, err := restClient(srv).ListCallRecording(c.SID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || *recs[0].Source != "StartCallRecordingTwiML" || recs[0].Channels != 2 || *recs[0].Status != "completed" {
		t.Errorf("recordings: %+v", recs)
	}
}

// TestRecordingPauseLimit: a recording may be paused MaxRecordingPauses
// times; one more is refused, and the recording goes on.
func TestRecordingPauseLimit(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(longPause)))
	sid, rec := liveRecording(t, srv)
	rest := restClient(srv)
	pause := (&api.UpdateCallRecordingParams{}).SetStatus("paused")
	resume := (&api.UpdateCallRecordingParams{}).SetStatus("in-progress")
	for i := range harness.MaxRecordingPauses {
		if _, err := rest.UpdateCallRecording(sid, *rec.Sid, pause); err != nil {
			t.Fatalf("pause %d: %v", i+1, err)
		}
		if _, err := rest.UpdateCallRecording(sid, *rec.Sid, resume); err != nil {
			t.Fatalf("resume %d: %v", i+1, err)
		}
	}
	_, err := rest.UpdateCallRecording(sid, *rec.Sid, pause)
	var rerr *client.TwilioRestError
	if !errors.As(err, &rerr) || rerr.Code != 20001 || !strings.Contains(rerr.Message, "MaxRecordingPauses") {
		t.Errorf("one pause too many: %v, want 20001 naming the limit", err)
	}
	if r, _ := rest.UpdateCallRecording(sid, *rec.Sid, (&api.UpdateCallRecordingParams{}).SetStatus("stopped")); r == nil || *r.Status != "stopped" {
		t.Errorf("the recording cannot be stopped after the limit: %+v", r)
	}
}

// TestRecordingVerbNotUpdatable: a <Record> verb's recording ends with
// its verb; the REST API may not pause or stop it, and Twilio.CURRENT does
// not name it.
func TestRecordingVerbNotUpdatable(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(`<Response><Record maxLength="60"/></Response>`)),
		harness.WithParty(to, scenario.Person().Talks(30*time.Second)))
	sid := liveCall(t, srv)
	srv.Advance(5 * time.Second)
	recs := srv.Call(sid).Recordings()
	if len(recs) != 1 || recs[0].Status != "in-progress" {
		t.Fatalf("recordings %+v", recs)
	}
	rest := restClient(srv)
	_, err := rest.UpdateCallRecording(sid, recs[0].SID, (&api.UpdateCallRecordingParams{}).SetStatus("stopped"))
	var rerr *client.TwilioRestError
	if !errors.As(err, &rerr) || rerr.Code != 21220 || !strings.Contains(rerr.Message, "<Record> verb") {
		t.Errorf("stopping a <Record>'s recording: %v, want 21220", err)
	}
	_, err = rest.UpdateCallRecording(sid, "Twilio.CURRENT", (&api.UpdateCallRecordingParams{}).SetStatus("paused"))
	if !errors.As(err, &rerr) || rerr.Code != 20404 {
		t.Errorf("Twilio.CURRENT with only a <Record> running: %v, want 20404", err)
	}
}

// TestAbsentRecordingCallback: the callback of an absent recording carries
// its error code, and says track both for a <Record>.
func TestAbsentRecordingCallback(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(`<Response><Record maxLength="5" timeout="0" recordingStatusCallback="/rec" recordingStatusCallbackEvent="completed absent"/></Response>`)),
		harness.WithParty(to, scenario.Silence()))
	c := place(t, srv, nil)
	c.Wait()
	var got []string
	for _, r := range c.Requests() {
		if r.Kind == harness.KindRecordingStatusCallback {
			got = append(got, r.Form.Get("RecordingStatus")+" "+r.Form.Get("ErrorCode")+" "+r.Form.Get("RecordingTrack"))
		}
	}
	if strings.Join(got, ", ") != "absent 16101 both" {
		t.Errorf("recording callbacks: %q, want one: absent 16101 both", got)
	}
}
