package harness_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twilio/twilio-go/twiml"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// mapOrderApp answers with twilio-go's twiml package, which writes
// attributes in map order: the same document differs from run to run.
type mapOrderApp struct{}

func (mapOrderApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	doc, err := twiml.Voice([]twiml.Element{&twiml.VoiceGather{Action: "/done", Method: "POST", NumDigits: "1",
		Timeout: "3", FinishOnKey: "#", Input: "dtmf", InnerElements: []twiml.Element{&twiml.VoiceSay{Message: "Press 1",
			Voice: "alice", Language: "en-GB", Loop: "1"}}}})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, doc)
}

// recordOfOneRun runs the same call on a new server and returns its record.
func recordOfOneRun(t *testing.T, opts ...harness.RecordOption) []byte {
	t.Helper()
	srv := newServer(t, harness.WithApp(origin, mapOrderApp{}), harness.WithParty(to, scenario.Person().Presses("1")))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	return srv.RecordJSON(opts...)
}

// TestRecordWithoutReplyBodies: the records of identical runs compare
// equal without the application's reply bodies, whatever order the
// application writes its attributes in.
func TestRecordWithoutReplyBodies(t *testing.T) {
	first := recordOfOneRun(t, harness.WithoutReplyBodies())
	for range 5 {
		if again := recordOfOneRun(t, harness.WithoutReplyBodies()); !bytes.Equal(first, again) {
			t.Fatalf("two identical runs gave different records without reply bodies:\n%s\n---\n%s", first, again)
		}
	}
	var raw struct {
		Calls []struct {
			Events []struct {
				Request map[string]any `json:"request"`
			} `json:"events"`
		} `json:"calls"`
	}
	if err := json.Unmarshal(first, &raw); err != nil {
		t.Fatal(err)
	}
	requests := 0
	for _, e := range raw.Calls[0].Events {
		if e.Request == nil {
			continue
		}
		requests++
		if _, ok := e.Request["reply_body"]; ok {
			t.Errorf("a request keeps its reply body: %v", e.Request)
		}
		if e.Request["reply_status"] != 200.0 || e.Request["url"] == "" {
			t.Errorf("a request lost more than its body: %v", e.Request)
		}
	}
	if requests != 2 {
		t.Errorf("the record has %d requests, want the voice and the action request", requests)
	}
	withBodies := recordOfOneRun(t)
	if !bytes.Contains(withBodies, []byte(`"reply_body": "\u003c?xml`)) {
		t.Errorf("by default the record keeps the reply bodies:\n%s", withBodies)
	}
}

// viewFixture is a server with a few calls for the tests of the views,
// overlapping in time so that their events interleave: "menu" created at
// the first instant, "leg" (which menu dials) and "two" a second later,
// then "three" and "four" a second apart.
type viewFixture struct {
	srv   *harness.Server
	calls map[string]*harness.Call // "menu" (with its leg, "leg"), "two", "three", "four"
	start time.Time                // when "menu" was created
}

// newViewFixture places the calls and runs them to the end: "menu" asks
// for a key and dials alice, who answers; the others say two things with a
// pause between and send a message; a REST request lists the calls.
func newViewFixture(t *testing.T) *viewFixture {
	t.Helper()
	srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{
		"/voice": `<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather></Response>`,
		"/menu":  `<Response><Dial>` + alice + `</Dial></Response>`,
	}}), harness.WithParty(to, scenario.Person().Presses("1")),
		harness.WithParty(alice, scenario.AnswersAfter(2*time.Second).HangsUpAfter(3*time.Second)))
	f := &viewFixture{srv: srv, calls: map[string]*harness.Call{}, start: srv.Now()}
	f.calls["menu"] = place(t, srv, func(p *api.CreateCallParams) { p.SetStatusCallback(origin + "/status") })
	for _, name := range []string{"two", "three", "four"} {
		srv.Advance(time.Second)
		f.calls[name] = place(t, srv, func(p *api.CreateCallParams) {
			p.SetTo("+1415555070" + strconv.Itoa(len(f.calls))).SetUrl("").SetStatusCallback(origin + "/status").
				SetTwiml(`<Response><Say>` + name + ` begins</Say><Pause length="2"/><Say>` + name + ` ends</Say>` +
					`<Sms>from ` + name + `</Sms></Response>`)
		})
	}
	if _, err := restClient(srv).ListCall(&api.ListCallParams{}); err != nil {
		t.Fatal(err)
	}
	srv.Run()
	legs := f.calls["menu"].Children()
	if len(legs) != 1 {
		t.Fatalf("the menu call dialed %d legs, want 1:\n%s", len(legs), srv.Transcript())
	}
	f.calls["leg"] = legs[0]
	return f
}

// sids returns the SIDs of the named calls.
func (f *viewFixture) sids(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = f.calls[n].SID()
	}
	return out
}

// names returns the names of the calls with these SIDs.
func (f *viewFixture) names(sids []string) []string {
	out := make([]string, len(sids))
	for i, sid := range sids {
		out[i] = sid
		for n, c := range f.calls {
			if c.SID() == sid {
				out[i] = n
			}
		}
	}
	return out
}

// formerRecordJSON returns the record of srv as Server.RecordJSON wrote it
// before it streamed, json.MarshalIndent of the whole record, built from
// each call's and each conference's JSON and the server's lists.
func formerRecordJSON(t *testing.T, srv *harness.Server, opts ...harness.RecordOption) []byte {
	t.Helper()
	rec := struct {
		Now         time.Time            `json:"now"`
		Calls       []json.RawMessage    `json:"calls"`
		Conferences []json.RawMessage    `json:"conferences"`
		APIRequests []harness.APIRequest `json:"api_requests"`
		Messages    []harness.Message    `json:"messages"`
	}{Now: srv.Now(), Calls: []json.RawMessage{}, Conferences: []json.RawMessage{}, APIRequests: srv.APIRequests(), Messages: srv.Messages()}
	for _, c := range srv.Calls() {
		rec.Calls = append(rec.Calls, c.JSON(opts...))
	}
	for _, cf := range srv.Conferences() {
		rec.Conferences = append(rec.Conferences, cf.JSON(opts...))
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestWriteRecordJSON: the streamed record is byte for byte the record in
// memory, and the record as it was before it streamed.
func TestWriteRecordJSON(t *testing.T) {
	f := newViewFixture(t)
	for _, tt := range []struct {
		name string
		opts []harness.RecordOption
	}{
		{name: "whole"},
		{name: "without reply bodies", opts: []harness.RecordOption{harness.WithoutReplyBodies()}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := formerRecordJSON(t, f.srv, tt.opts...)
			if got := f.srv.RecordJSON(tt.opts...); !bytes.Equal(got, want) {
				t.Errorf("RecordJSON mismatch (-want +got):\n%s", cmp.Diff(string(want), string(got)))
			}
			var b bytes.Buffer
			vopts := []harness.ViewOption{}
			for _, o := range tt.opts {
				vopts = append(vopts, o)
			}
			if err := f.srv.WriteRecordJSON(&b, vopts...); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("WriteRecordJSON mismatch (-want +got):\n%s", cmp.Diff(string(want), b.String()))
			}
		})
	}
	var rec harness.ServerRecordJSON
	if err := json.Unmarshal(f.srv.RecordJSON(), &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Calls) != 5 || len(rec.Messages) != 3 || len(rec.APIRequests) != 5 {
		t.Errorf("the fixture's record has %d calls, %d messages and %d REST requests; want 5, 3 and 5 (4 creates and a list)",
			len(rec.Calls), len(rec.Messages), len(rec.APIRequests))
	}
}

// TestWriteRecordJSONOfNoCall: an empty server's record, streamed, is the
// record as it was.
func TestWriteRecordJSONOfNoCall(t *testing.T) {
	srv := newServer(t)
	var b bytes.Buffer
	if err := srv.WriteRecordJSON(&b); err != nil {
		t.Fatal(err)
	}
	if want := formerRecordJSON(t, srv); !bytes.Equal(b.Bytes(), want) {
		t.Errorf("mismatch (-want +got):\n%s", cmp.Diff(string(want), b.String()))
	}
}

// recordSummary is what a filtered record shows: its calls, by name, and
// the calls its REST requests and messages concern.
type recordSummary struct {
	Calls, APICalls, MessageCalls []string
}

// summarize reads a record.
func (f *viewFixture) summarize(t *testing.T, data []byte) recordSummary {
	t.Helper()
	var rec struct {
		Calls       []struct{ SID string }
		APIRequests []struct {
			CallSID string `json:"call_sid"`
		} `json:"api_requests"`
		Messages []struct {
			CallSID string `json:"call_sid"`
		}
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatalf("the record is not JSON: %v\n%s", err, data)
	}
	var s recordSummary
	for _, c := range rec.Calls {
		s.Calls = append(s.Calls, c.SID)
	}
	for _, r := range rec.APIRequests {
		s.APICalls = append(s.APICalls, r.CallSID)
	}
	for _, m := range rec.Messages {
		s.MessageCalls = append(s.MessageCalls, m.CallSID)
	}
	s.Calls, s.APICalls, s.MessageCalls = f.names(s.Calls), f.names(s.APICalls), f.names(s.MessageCalls)
	return s
}

// conferenceFixture is a server with one conference, "room": the customer
// (to) waits for the agent (alice), who answers 20 seconds later; the
// customer says "hello there" 30 seconds in, the agent "how can I help"
// 5 seconds after joining; at 40 seconds the agent is put on hold, at 50
// taken off and muted; at 60 seconds the customer hangs up, which ends the
// conference (endConferenceOnExit).
type conferenceFixture struct {
	srv             *harness.Server
	customer, agent *harness.Call
	conf            *harness.Conference
}

// conferenceDocs are the documents of the conference fixture's app.
var conferenceDocs = map[string]string{
	"/voice": `<Response><Dial action="/after"><Conference participantLabel="customer" endConferenceOnExit="true" ` +
		`statusCallback="/conf" statusCallbackEvent="start end join leave mute hold" waitUrl="/wait">room</Conference></Dial></Response>`,
	"/agent": `<Response><Dial><Conference participantLabel="agent" beep="false">room</Conference></Dial></Response>`,
	"/wait":  `<Response><Say>Please wait</Say></Response>`,
	"/after": `<Response><Say>Bye</Say></Response>`,
}

func newConferenceFixture(t *testing.T) *conferenceFixture {
	t.Helper()
	srv := newServer(t, harness.WithApp(origin, &docs{paths: conferenceDocs}),
		harness.WithParty(to, scenario.Person().Says("hello there").InConference().After(30*time.Second).
			HangsUp().InConference().After(60*time.Second)),
		harness.WithParty(alice, scenario.Person().AnswersAfter(20*time.Second).Says("how can I help").InConference().After(5*time.Second)))
	f := &conferenceFixture{srv: srv}
	f.customer = place(t, srv, nil)
	f.agent = place(t, srv, func(p *api.CreateCallParams) { p.SetTo(alice).SetUrl(origin + "/agent") })
	srv.Advance(40 * time.Second)
	harness.SetConferenceFlags(f.agent, true, false)
	srv.Advance(10 * time.Second)
	harness.SetConferenceFlags(f.agent, false, true)
	srv.Run()
	if f.conf = srv.Conference("room"); f.conf == nil {
		t.Fatalf("no conference \"room\":\n%s", srv.Transcript())
	}
	return f
}

// TestConferenceJSON: a conference's record has its participants and its
// events with their callbacks; a call's record has its conference events
// with the room, the label and what was heard from whom.
func TestConferenceJSON(t *testing.T) {
	f := newConferenceFixture(t)
	var rec harness.ConferenceRecordJSON
	if err := json.Unmarshal(f.conf.JSON(), &rec); err != nil {
		t.Fatal(err)
	}
	var events []string
	for _, e := range rec.Events {
		events = append(events, e.Name)
	}
	var wire struct { // a request's JSON is not a harness.Request's fields
		Events []struct {
			Name    string
			Request *struct {
				Kind   harness.RequestKind
				Params map[string][]string
				Status int `json:"reply_status"`
			}
		}
	}
	if err := json.Unmarshal(f.conf.JSON(), &wire); err != nil {
		t.Fatal(err)
	}
	callbacks := 0
	for _, e := range wire.Events {
		if r := e.Request; r != nil && r.Kind == harness.KindConferenceCallback && r.Status == 204 &&
			cmp.Equal(r.Params["StatusCallbackEvent"], []string{e.Name}) {
			callbacks++
		}
	}
	wantEvents := []string{"participant-join", "participant-join", "conference-start", "participant-speech-start", "participant-speech-stop",
		"participant-speech-start", "participant-speech-stop", "participant-hold", "participant-unhold", "participant-mute",
		"participant-leave", "participant-leave", "conference-end"}
	if diff := cmp.Diff(wantEvents, events); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
	if callbacks != 9 { // every event but speech
		t.Errorf("%d events carry their status callback, want 9:\n%s", callbacks, f.conf.JSON())
	}
	type part struct{ CallSID, Label, Status string }
	var parts []part
	for _, p := range rec.Participants {
		parts = append(parts, part{p.CallSID, p.Label, p.Status})
		if p.Left == nil {
			t.Errorf("participant %s has no time it left", p.CallSID)
		}
	}
	wantParts := []part{{f.customer.SID(), "customer", "complete"}, {f.agent.SID(), "agent", "complete"}}
	if diff := cmp.Diff(wantParts, parts); diff != "" {
		t.Errorf("participants mismatch (-want +got):\n%s", diff)
	}
	if rec.SID != f.conf.SID() || rec.Name != "room" || rec.Status != harness.ConferenceCompleted || rec.Started == nil ||
		rec.Ended == nil || rec.ReasonEnded != harness.EndedModeratorLeft || rec.CallSIDEndingConference != f.customer.SID() {
		t.Errorf("conference record: %+v", rec)
	}
	if bytes.Contains(f.conf.JSON(harness.WithoutReplyBodies()), []byte(`"reply_body"`)) {
		t.Errorf("WithoutReplyBodies leaves the callbacks' reply bodies in:\n%s", f.conf.JSON(harness.WithoutReplyBodies()))
	}
	for _, tt := range []struct {
		name string
		opts []harness.ViewOption
		want int
	}{
		{"every call", nil, 1},
		{"a participant", []harness.ViewOption{harness.OnlyCalls(f.agent.SID())}, 1},
		{"no participant", []harness.ViewOption{harness.OnlyCalls("CA00000000000000000000000000000000")}, 0},
	} {
		var b bytes.Buffer
		if err := f.srv.WriteRecordJSON(&b, tt.opts...); err != nil {
			t.Fatal(err)
		}
		var all harness.ServerRecordJSON
		if err := json.Unmarshal(b.Bytes(), &all); err != nil {
			t.Fatal(err)
		}
		if len(all.Conferences) != tt.want || tt.want == 1 && all.Conferences[0].SID != f.conf.SID() {
			t.Errorf("%s: the server's record has %d conferences, want %d", tt.name, len(all.Conferences), tt.want)
		}
	}

	var call harness.CallRecordJSON
	if err := json.Unmarshal(f.agent.JSON(), &call); err != nil {
		t.Fatal(err)
	}
	var heard []string
	for _, e := range call.Events {
		if e.Kind == harness.EventConference && e.Action == harness.ActionHeard {
			heard = append(heard, e.Conference+"|"+e.Words+"|"+e.URL+"|"+e.Source+"|"+e.Label)
		}
		if e.Kind == harness.EventConference && e.Action == harness.ActionJoined && (e.Conference != "room" || e.Label != "agent" || e.SID != f.conf.SID()) {
			t.Errorf("the join: conference %q label %q sid %q, want room, agent, %s", e.Conference, e.Label, e.SID, f.conf.SID())
		}
	}
	wantHeard := []string{"room|hello there||" + f.customer.SID() + "|customer",
		"room||http://twimlets.com/holdmusic?Bucket=com.twilio.music.classical|hold-music|"}
	if diff := cmp.Diff(wantHeard, heard); diff != "" {
		t.Errorf("what the agent heard, in its JSON (-want +got):\n%s", diff)
	}
}

// TestStreamJSON: a call's record holds its streams, each with its info,
// marks, clears, audio and messages (media runs with their duration in
// milliseconds); a call without streams has no "streams".
func TestStreamJSON(t *testing.T) {
	srv, c := botCall(t)
	c.Wait()
	s := c.Stream("bot")
	var rec struct {
		Streams []map[string]json.RawMessage
	}
	if err := json.Unmarshal(c.JSON(), &rec); err != nil || len(rec.Streams) != 1 {
		t.Fatalf("the record has %d streams (%v), want 1", len(rec.Streams), err)
	}
	got := map[string]string{}
	for k, v := range rec.Streams[0] {
		if k != "messages" {
			got[k] = string(v)
		}
	}
	want := map[string]string{"sid": `"` + s.SID() + `"`, "name": `"bot"`, "call_sid": `"` + c.SID() + `"`,
		"url": `"wss://app.example.com/media"`, "bidirectional": "true", "tracks": `["inbound"]`,
		"parameters": `[{"name":"lang","value":"en"},{"name":"who","value":"caller #1"}]`, "status": `"stopped"`,
		"why": `"the far end hung up"`, "via_api": "false", "created": `"2025-01-06T09:00:00Z"`,
		"started": `"2025-01-06T09:00:00Z"`, "stopped": `"2025-01-06T09:00:03Z"`, "marks": `["greeting","question","bye"]`,
		"cleared": "1", "audio_sent_ms": "3500", "audio_played_ms": "2000"}
	compact := func(m map[string]string) map[string]string {
		for k, v := range m {
			var b bytes.Buffer
			json.Compact(&b, []byte(v))
			m[k] = b.String()
		}
		return m
	}
	if diff := cmp.Diff(want, compact(got)); diff != "" {
		t.Errorf("the stream's record mismatch (-want +got):\n%s", diff)
	}
	var msgs []map[string]any
	if err := json.Unmarshal(rec.Streams[0]["messages"], &msgs); err != nil || len(msgs) != len(s.Messages()) {
		t.Fatalf("%d messages (%v), want %d", len(msgs), err, len(s.Messages()))
	}
	if m := msgs[8]; m["event"] != "media" || m["track"] != "inbound" || m["chunks"] != 49.0 || m["duration_ms"] != 980.0 ||
		m["first_seq"] != 3.0 || m["last_seq"] != 51.0 || m["from_app"] != false {
		t.Errorf("the run of 49 media messages: %v", m)
	}
	if m := msgs[4]; m["event"] != "mark" || m["name"] != "greeting" || m["from_app"] != true || m["text"] == "" {
		t.Errorf("the application's mark: %v", m)
	}

	other, err := srv.CreateCall(url.Values{"To": {"+14155550199"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/other"}})
	if err != nil {
		t.Fatal(err)
	}
	other.Wait()
	if bytes.Contains(other.JSON(), []byte(`"streams"`)) {
		t.Errorf("a call without streams has streams in its record:\n%s", other.JSON())
	}
}
