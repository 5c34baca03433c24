package harness_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// Numbers the Participants API dials.
const (
	bob      = "+14155550202"
	busyLine = "+14155550203"
	nobody   = "+14155550204"
)

// newParticipant returns create parameters from From to To.
func newParticipant(to string) *api.CreateParticipantParams {
	return new(api.CreateParticipantParams).SetFrom(from).SetTo(to)
}

// lastEvent returns the conference's last event named name, failing the
// test when there is none.
func lastEvent(t *testing.T, cf *harness.Conference, name string) harness.ConferenceEvent {
	t.Helper()
	evs := cf.Events()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Name == name {
			return evs[i]
		}
	}
	t.Fatalf("no %s among %v", name, eventNames(cf))
	return harness.ConferenceEvent{}
}

// count returns how many of the conference's events are named name.
func count(cf *harness.Conference, name string) int {
	n := 0
	for _, e := range cf.Events() {
		if e.Name == name {
			n++
		}
	}
	return n
}

// callbackStatuses returns the CallStatus of each status callback of c.
func callbackStatuses(c *harness.Call) []string {
	var out []string
	for _, r := range c.Requests() {
		if r.Kind == harness.KindStatusCallback {
			out = append(out, r.Form.Get("CallStatus"))
		}
	}
	return out
}

func TestParticipantsThroughTwilioGo(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, rooms()), harness.WithParty(alice, scenario.AnswersAfter(5*time.Second)))
	tw := restClient(srv)
	agent := dialIn(t, srv, "/voice")
	srv.Advance(10 * time.Second)
	room := srv.Conference("room")
	sid := room.SID()

	// Added by the room's name: queued, with its queue time, then ringing
	// and in the list while it rings.
	created, err := tw.CreateParticipant("room", newParticipant(alice).SetLabel("customer").
		SetStatusCallback(origin+"/call-status").SetStatusCallbackEvent(allEvents))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	switch {
	case *created.Status != "queued" || created.QueueTime == nil || *created.ConferenceSid != sid || *created.Label != "customer":
		t.Errorf("created: status %s queue_time %v conference %s label %v", *created.Status, created.QueueTime, *created.ConferenceSid, created.Label)
	case *created.Muted || *created.Hold || *created.Coaching || !*created.StartConferenceOnEnter || *created.EndConferenceOnExit || created.CallSidToCoach != nil:
		t.Errorf("created with flags muted %v hold %v coaching %v start %v end %v coach %v", *created.Muted, *created.Hold,
			*created.Coaching, *created.StartConferenceOnEnter, *created.EndConferenceOnExit, created.CallSidToCoach)
	case *created.Uri != "/2010-04-01/Accounts/"+srv.AccountSID()+"/Conferences/"+sid+"/Participants/"+*created.CallSid+".json":
		t.Errorf("uri %s", *created.Uri)
	}
	customer := srv.Call(*created.CallSid)
	if customer == nil || customer.Direction() != harness.DirectionOutboundAPI || customer.To() != alice {
		t.Fatalf("the participant's call: %v", customer)
	}
	srv.Advance(2 * time.Second)
	ringing, err := tw.FetchParticipant(sid, "customer", nil)
	if err != nil || *ringing.Status != "ringing" || ringing.QueueTime != nil {
		t.Fatalf("while it rings: %v", err)
	}
	if list, err := tw.ListParticipant(sid, nil); err != nil || len(list) != 2 {
		t.Errorf("the list while it rings: %d, %v; want the agent and the customer being added", len(list), err)
	}

	// Answered: it joins, and the conference starts.
	srv.Advance(time.Minute)
	p, err := tw.FetchParticipant(sid, *created.CallSid, nil)
	if err != nil || *p.Status != "connected" {
		t.Fatalf("after the answer: %v", err)
	}
	if info := room.Info(); info.Status != harness.ConferenceInProgress || len(info.Participants) != 2 {
		t.Errorf("conference after the answer: %s with %d", info.Status, len(info.Participants))
	}
	if got := callbackStatuses(customer); !slices.Equal(got, []string{"initiated", "ringing", "in-progress"}) {
		t.Errorf("the call's progress callbacks: %v", got)
	}
	if e := lastEvent(t, room, "participant-join"); e.CallSID != customer.SID() || e.Label != "customer" {
		t.Errorf("participant-join of %s %q", e.CallSID, e.Label)
	}

	// Mute: the resource shows it, participant-mute is sent, the filters
	// see it.
	if p, err = tw.UpdateParticipant(sid, "customer", new(api.UpdateParticipantParams).SetMuted(true)); err != nil || !*p.Muted {
		t.Fatalf("mute: %v", err)
	}
	if e := lastEvent(t, room, "participant-mute"); e.CallSID != customer.SID() || e.Request == nil || !e.Muted {
		t.Errorf("participant-mute: %+v", e)
	}
	filtered := func(what string, lp *api.ListParticipantParams, want ...string) {
		t.Helper()
		got, err := tw.ListParticipant(sid, lp)
		if err != nil {
			t.Errorf("%s: %v", what, err)
			return
		}
		var sids []string
		for _, p := range got {
			sids = append(sids, *p.CallSid)
		}
		if !slices.Equal(sids, want) {
			t.Errorf("%s: %v, want %v", what, sids, want)
		}
	}
	filtered("Muted=true", new(api.ListParticipantParams).SetMuted(true), customer.SID())
	filtered("Muted=false", new(api.ListParticipantParams).SetMuted(false), agent.SID())
	filtered("paged by one", new(api.ListParticipantParams).SetPageSize(1), agent.SID(), customer.SID())

	// "Muted=maybe" is false, as Twilio's description says.
	if status, body := rawAPI(t, srv, "POST", "/Conferences/"+sid+"/Participants/customer.json", url.Values{"Muted": {"maybe"}}); status != 200 || !strings.Contains(body, `"muted":false`) {
		t.Errorf("Muted=maybe: %d %s", status, body)
	}
	lastEvent(t, room, "participant-unmute")

	// Hold with a hold document, fetched with GET by default.
	if p, err = tw.UpdateParticipant(sid, customer.SID(), new(api.UpdateParticipantParams).SetHold(true).SetHoldUrl(origin+"/hold")); err != nil || !*p.Hold {
		t.Fatalf("hold: %v", err)
	}
	lastEvent(t, room, "participant-hold")
	srv.Advance(time.Second)
	var hold []harness.Request
	for _, r := range customer.Requests() {
		if r.Kind == harness.KindConferenceHold {
			hold = append(hold, r)
		}
	}
	if len(hold) != 1 || hold[0].Method != "GET" || hold[0].Target != origin+"/hold" {
		t.Errorf("hold requests: %+v", hold)
	}
	filtered("Hold=true", new(api.ListParticipantParams).SetHold(true), customer.SID())
	if _, err = tw.UpdateParticipant(sid, "customer", new(api.UpdateParticipantParams).SetHold(false)); err != nil {
		t.Fatal(err)
	}
	lastEvent(t, room, "participant-unhold")
	if status, body := rawAPI(t, srv, "POST", "/Conferences/"+sid+"/Participants/customer.json", url.Values{"Hold": {"maybe"}}); status != 400 || !strings.Contains(body, "20001") {
		t.Errorf("Hold=maybe: %d %s", status, body)
	}

	// BeepOnExit and EndConferenceOnExit: one participant-modify; the same
	// values again change nothing.
	if p, err = tw.UpdateParticipant(sid, "customer", new(api.UpdateParticipantParams).SetBeepOnExit(false).SetEndConferenceOnExit(true)); err != nil || !*p.EndConferenceOnExit {
		t.Fatalf("modify: %v", err)
	}
	if n := count(room, "participant-modify"); n != 1 {
		t.Errorf("%d participant-modify, want 1", n)
	}
	if _, err = tw.UpdateParticipant(sid, "customer", new(api.UpdateParticipantParams).SetBeepOnExit(false).SetEndConferenceOnExit(true)); err != nil {
		t.Fatal(err)
	}
	if n := count(room, "participant-modify"); n != 1 {
		t.Errorf("%d participant-modify after an update that changes nothing, want 1", n)
	}
	if _, err = tw.UpdateParticipant(sid, "customer", new(api.UpdateParticipantParams).SetWaitUrl(origin+"/wait").SetWaitMethod("GET")); err != nil {
		t.Fatal(err)
	}
	if n := count(room, "participant-modify"); n != 2 {
		t.Errorf("%d participant-modify after a new WaitUrl, want 2", n)
	}

	// An announcement to the participant alone.
	if _, err = tw.UpdateParticipant(sid, "customer", new(api.UpdateParticipantParams).SetAnnounceUrl(origin+"/announce")); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Minute)
	if e := lastEvent(t, room, "announcement-end"); e.CallSID != customer.SID() {
		t.Errorf("announcement-end about %s", e.CallSID)
	}
	if !strings.Contains(customer.Transcript(), "The room closes soon") || strings.Contains(agent.Transcript(), "The room closes soon") {
		t.Errorf("the announcement to the customer alone:\n%s\n%s", customer.Transcript(), agent.Transcript())
	}

	// Coaching: CallSidToCoach is required, and must be in the room.
	_, err = tw.UpdateParticipant(sid, "customer", new(api.UpdateParticipantParams).SetCoaching(true))
	restErr(t, "Coaching without CallSidToCoach", err, 400, 20001)
	_, err = tw.UpdateParticipant(sid, "customer", new(api.UpdateParticipantParams).SetCoaching(true).SetCallSidToCoach("CA00000000000000000000000000000000"))
	restErr(t, "coaching a call not in the room", err, 400, 16028)
	if p, err = tw.UpdateParticipant(sid, "customer", new(api.UpdateParticipantParams).SetCoaching(true).SetCallSidToCoach(agent.SID())); err != nil || !*p.Coaching || *p.CallSidToCoach != agent.SID() {
		t.Fatalf("coach: %v", err)
	}
	filtered("Coaching=true", new(api.ListParticipantParams).SetCoaching(true), customer.SID())
	if p, err = tw.UpdateParticipant(sid, "customer", new(api.UpdateParticipantParams).SetCoaching(false)); err != nil || *p.Coaching || p.CallSidToCoach != nil {
		t.Fatalf("stop coaching: %v", err)
	}
	if _, err := tw.ListParticipant(sid, new(api.ListParticipantParams).SetPageSize(1)); err != nil {
		t.Fatal(err)
	}
	if status, _ := rawAPI(t, srv, "GET", "/Conferences/"+sid+"/Participants.json?Muted=maybe", nil); status != 400 {
		t.Errorf("list with Muted=maybe: %d, want 400", status)
	}

	// Unknown participants and conferences.
	const ghost = "CA00000000000000000000000000000000"
	_, err = tw.FetchParticipant(sid, ghost, nil)
	restErr(t, "fetch an unknown participant", err, 404, 20404)
	_, err = tw.UpdateParticipant(sid, "nobody", new(api.UpdateParticipantParams).SetMuted(true))
	restErr(t, "update an unknown label", err, 404, 20404)
	restErr(t, "delete an unknown participant", tw.DeleteParticipant(sid, ghost, nil), 404, 20404)
	_, err = tw.ListParticipant("CF00000000000000000000000000000000", nil)
	restErr(t, "participants of an unknown conference", err, 404, 20404)

	// Delete: the customer, who now ends the conference on exit, is
	// kicked; its call hangs up; the conference ends because of it.
	if err := tw.DeleteParticipant(sid, "customer", nil); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if e := lastEvent(t, room, "participant-leave"); e.CallSID != agent.SID() || e.Params["ReasonParticipantLeft"] != "moderator_ended_conference" {
		t.Errorf("the agent's leave: %+v", e)
	}
	leaves := 0
	for _, e := range room.Events() {
		if e.Name == "participant-leave" && e.CallSID == customer.SID() {
			leaves++
			if e.Params["ReasonParticipantLeft"] != "participant_updated_via_api" {
				t.Errorf("the customer's leave: %v", e.Params)
			}
		}
	}
	if leaves != 1 {
		t.Errorf("%d leaves of the customer", leaves)
	}
	ended, err := tw.FetchConference(sid, nil)
	if err != nil || *ended.ReasonConferenceEnded != "participant-with-end-conference-on-exit-kicked" || *ended.CallSidEndingConference != customer.SID() {
		t.Errorf("ended: %v", err)
	}
	_, err = tw.FetchParticipant(sid, customer.SID(), nil)
	restErr(t, "fetch a kicked participant", err, 404, 20404)
	srv.Run()
	if customer.Status() != harness.StatusCompleted || !slices.Contains(callbackStatuses(customer), "completed") {
		t.Errorf("the kicked call: %s", customer.Status())
	}

	// A completed conference's SID, or an unknown SID, takes no one.
	_, err = tw.CreateParticipant(sid, newParticipant(alice))
	restErr(t, "add to an ended conference", err, 400, 16022)
	_, err = tw.CreateParticipant("CF00000000000000000000000000000000", newParticipant(alice))
	restErr(t, "add to an unknown conference SID", err, 400, 16022)
	// Its name makes a new one.
	again, err := tw.CreateParticipant("room", newParticipant(alice))
	if err != nil || *again.ConferenceSid == sid {
		t.Fatalf("add by the name of an ended conference: %v; want a new conference", err)
	}
	srv.Advance(time.Minute)
	if err := tw.DeleteParticipant(*again.ConferenceSid, *again.CallSid, nil); err != nil {
		t.Fatal(err)
	}
	srv.Run()
}

// Calls of the Participants API that are never answered leave with
// participant_add_failed, and the conference they made ends.
func TestParticipantsAddFailed(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, rooms()),
		harness.WithParty(busyLine, scenario.Busy()), harness.WithParty(nobody, scenario.NoAnswer()))
	tw := restClient(srv)
	for _, tc := range []struct {
		to, status string
	}{{busyLine, "busy"}, {nobody, "no-answer"}} {
		p, err := tw.CreateParticipant("fresh", newParticipant(tc.to).SetTimeout(5).
			SetConferenceStatusCallback(origin+"/conf").SetConferenceStatusCallbackEvent([]string{"leave", "end"}))
		if err != nil {
			t.Fatal(err)
		}
		srv.Run()
		cf := srv.Conference(*p.ConferenceSid)
		if got := eventNames(cf); !slices.Equal(got, []string{"participant-leave", "conference-end"}) {
			t.Fatalf("%s: events %v", tc.to, got)
		}
		evs := cf.Events()
		if evs[0].Params["ParticipantCallStatus"] != tc.status || evs[0].Params["ReasonParticipantLeft"] != "participant_add_failed" || evs[0].Request == nil {
			t.Errorf("%s: leave %v", tc.to, evs[0].Params)
		}
		if evs[1].Params["ReasonConferenceEnded"] != "last-participant-left" || evs[1].Request == nil {
			t.Errorf("%s: end %v", tc.to, evs[1].Params)
		}
		if srv.Call(*p.CallSid).Status() != harness.Status(tc.status) {
			t.Errorf("%s: call %s", tc.to, srv.Call(*p.CallSid).Status())
		}
	}
	// Two conferences named fresh, both completed.
	list, err := tw.ListConference(new(api.ListConferenceParams).SetFriendlyName("fresh").SetStatus("completed"))
	if err != nil || len(list) != 2 || *list[0].Sid == *list[1].Sid {
		t.Errorf("conferences named fresh: %d, %v", len(list), err)
	}
}

// A conference made and filled over REST: the first participant's
// conference settings, the default status callback events (start end), an
// empty WaitUrl (silence), the size limit, the recording.
func TestParticipantsSetTheConference(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, rooms()))
	tw := restClient(srv)
	first, err := tw.CreateParticipant("duo", newParticipant(alice).SetWaitUrl("").SetMaxParticipants(2).SetRegion("ie1").
		SetBeep("onEnter").SetConferenceStatusCallback(origin+"/conf").SetConferenceRecord("record-from-start").
		SetConferenceTrim("do-not-trim").SetConferenceRecordingStatusCallback(origin+"/conf-rec").
		SetConferenceRecordingStatusCallbackEvent([]string{"in-progress", "completed"}).SetJitterBufferSize("small").SetEarlyMedia(false))
	if err != nil {
		t.Fatal(err)
	}
	sid := *first.ConferenceSid
	srv.Advance(time.Minute)
	// By its SID this time; later values of the conference's settings
	// are ignored.
	second, err := tw.CreateParticipant(sid, newParticipant(bob).SetRegion("jp1").SetStartConferenceOnEnter(false))
	if err != nil || *second.StartConferenceOnEnter {
		t.Fatalf("second: %v", err)
	}
	_, err = tw.CreateParticipant(sid, newParticipant(to))
	restErr(t, "a third in a room of two", err, 400, harness.CodeConferenceFull)
	srv.Advance(time.Minute)
	cf, err := tw.FetchConference(sid, nil)
	if err != nil || *cf.Status != "in-progress" || *cf.Region != "ie1" {
		t.Fatalf("conference: %v", err)
	}
	room := srv.Conference(sid)
	for _, c := range room.Calls() {
		for _, r := range c.Requests() {
			if r.Kind == harness.KindConferenceWait {
				t.Errorf("wait music requested with WaitUrl= (silence): %s", r.URL)
			}
		}
	}
	if _, err := tw.UpdateConference(sid, new(api.UpdateConferenceParams).SetStatus("completed")); err != nil {
		t.Fatal(err)
	}
	srv.Run()
	var sent []string
	for _, r := range room.Requests() {
		sent = append(sent, r.Form.Get("StatusCallbackEvent"))
	}
	if !slices.Equal(sent, []string{"conference-start", "conference-end"}) {
		t.Errorf("callbacks sent by default: %v, want conference-start and conference-end", sent)
	}
	recs, err := tw.ListConferenceRecording(sid, nil)
	if err != nil || len(recs) != 1 {
		t.Fatalf("the conference's recording: %d, %v", len(recs), err)
	}
	var recCallbacks []string
	for _, c := range room.Calls() {
		for _, r := range c.Requests() {
			if r.Kind == harness.KindConferenceRecordingCallback {
				recCallbacks = append(recCallbacks, r.Form.Get("RecordingStatus"))
			}
		}
	}
	if !slices.Equal(recCallbacks, []string{"in-progress", "completed"}) {
		t.Errorf("recording callbacks: %v", recCallbacks)
	}
}

// The call leg takes the Calls API's parameters: AMD, Record, TimeLimit,
// CallerId; the AsyncAmd ones are ignored with a warning.
func TestParticipantsCallParameters(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, rooms()), harness.WithParty(bob, scenario.AnsweringMachine(5*time.Second)))
	tw := restClient(srv)
	agent := dialIn(t, srv, "/voice")
	srv.Advance(time.Second)
	p, err := tw.CreateParticipant("room", newParticipant(alice).SetRecord(true).SetTimeLimit(30).SetCallerId(ourNumber).
		SetMachineDetection("Enable").SetAmdStatusCallback(origin+"/amd").SetAmdStatusCallbackMethod("GET"))
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Call(*p.CallSid)
	if c.From() != ourNumber {
		t.Errorf("the call shows %s, want the CallerId %s", c.From(), ourNumber)
	}
	srv.Advance(20 * time.Second)
	var amd []harness.Request
	for _, r := range c.Requests() {
		if r.Kind == harness.KindAMDStatus {
			amd = append(amd, r)
		}
	}
	if len(amd) != 1 || amd[0].Method != "GET" || amd[0].Form.Get("AnsweredBy") != "human" {
		t.Fatalf("AMD callbacks: %+v", amd)
	}
	room := srv.Conference("room")
	if e := lastEvent(t, room, "participant-join"); e.CallSID != c.SID() {
		t.Errorf("joined after detection: %s", e.CallSID)
	}
	if recs := c.Recordings(); len(recs) != 1 || recs[0].Source != "OutboundAPI" {
		t.Errorf("Record=true: %+v", recs)
	}
	srv.Advance(time.Minute)
	if !c.Ended() {
		t.Errorf("TimeLimit=30: the call is %s after a minute", c.Status())
	}
	for _, e := range room.Events() {
		if e.Name == "participant-leave" && e.CallSID == c.SID() && e.Params["ReasonParticipantLeft"] != "participant_hung_up" {
			t.Errorf("leave at the time limit: %v", e.Params)
		}
	}

	// AsyncAmd is not the Participants API's: a warning, and ignored.
	async, err := tw.CreateParticipant("room", newParticipant(bob).SetMachineDetection("DetectMessageEnd"))
	if err != nil {
		t.Fatal(err)
	}
	if status, body := rawAPI(t, srv, "POST", "/Conferences/room/Participants.json", url.Values{
		"From": {from}, "To": {bob}, "AsyncAmd": {"true"}, "AsyncAmdStatusCallback": {"/relative"},
	}); status != 201 {
		t.Fatalf("create with AsyncAmd: %d %s", status, body)
	} else {
		warned := false
		for _, n := range srv.Notifications() {
			warned = warned || n.Code == 21263
		}
		if !warned {
			t.Errorf("no 21263 for AsyncAmd given to the Participants API")
		}
	}
	srv.Advance(time.Minute)
	if st := srv.Call(*async.CallSid).Info(); st.AnsweredBy == "" {
		t.Errorf("DetectMessageEnd: no answered_by on %s", *async.CallSid)
	}
	if _, err := tw.UpdateConference(room.SID(), new(api.UpdateConferenceParams).SetStatus("completed")); err != nil {
		t.Fatal(err)
	}
	srv.Run()
	_ = agent
}

// Every validation of create, and labels the client cannot put in a path.
func TestParticipantsCreateErrors(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, rooms()))
	tw := restClient(srv)
	agent := dialIn(t, srv, "/voice")
	srv.Advance(time.Second)
	if _, err := tw.CreateParticipant("room", newParticipant(alice).SetLabel("customer")); err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Minute)
	for _, tc := range []struct {
		name   string
		p      *api.CreateParticipantParams
		status int
		code   int
	}{
		{"no To", new(api.CreateParticipantParams).SetFrom(from), 400, 21201},
		{"no From", new(api.CreateParticipantParams).SetTo(alice), 400, 21213},
		{"bad To", newParticipant("not a number"), 400, 21211},
		{"Timeout=3", newParticipant(alice).SetTimeout(3), 400, 21208},
		{"TimeLimit=0", newParticipant(alice).SetTimeLimit(0), 400, 20001},
		{"bad StatusCallback", newParticipant(alice).SetStatusCallback("/relative"), 400, 21205},
		{"bad StatusCallbackEvent", newParticipant(alice).SetStatusCallbackEvent([]string{"bridged"}), 400, 21626},
		{"bad MachineDetection", newParticipant(alice).SetMachineDetection("Maybe"), 400, 21234},
		{"bad AmdStatusCallback", newParticipant(alice).SetMachineDetection("Enable").SetAmdStatusCallback("/amd"), 400, 21205},
		{"bad RecordingChannels", newParticipant(alice).SetRecordingChannels("stereo"), 400, 20001},
		{"Label with /", newParticipant(alice).SetLabel("a/b"), 400, 16023},
		{"Label like a call SID", newParticipant(alice).SetLabel(agent.SID()), 400, 16023},
		{"Label of 129", newParticipant(alice).SetLabel(strings.Repeat("x", 129)), 400, 16023},
		{"Label taken", newParticipant(alice).SetLabel("customer"), 400, 16026},
		{"Beep=loud", newParticipant(alice).SetBeep("loud"), 400, 20001},
		{"bad WaitUrl", newParticipant(alice).SetWaitUrl("/wait"), 400, 21205},
		{"WaitMethod=PUT", newParticipant(alice).SetWaitMethod("PUT"), 400, 21209},
		{"JitterBufferSize=huge", newParticipant(alice).SetJitterBufferSize("huge"), 400, 20001},
		{"Coaching without CallSidToCoach", newParticipant(alice).SetCoaching(true), 400, 20001},
		{"coaching a call not there", newParticipant(alice).SetCallSidToCoach("CA00000000000000000000000000000000"), 400, 16028},
		{"MaxParticipants=1", newParticipant(alice).SetMaxParticipants(1), 400, 20001},
		{"MaxParticipants=251", newParticipant(alice).SetMaxParticipants(251), 400, 20001},
		{"ConferenceRecord=always", newParticipant(alice).SetConferenceRecord("always"), 400, 20001},
		{"ConferenceTrim=some", newParticipant(alice).SetConferenceTrim("some"), 400, 20001},
		{"bad ConferenceStatusCallback", newParticipant(alice).SetConferenceStatusCallback("ftp://x"), 400, 21205},
		{"ConferenceStatusCallbackEvent=talk", newParticipant(alice).SetConferenceStatusCallbackEvent([]string{"talk"}), 400, 20001},
		{"ConferenceRecordingStatusCallbackEvent=paused", newParticipant(alice).SetConferenceRecordingStatusCallbackEvent([]string{"paused"}), 400, 20001},
		{"Region=mars", newParticipant(alice).SetRegion("mars"), 400, 20001},
		{"bad ClientNotificationUrl", newParticipant(alice).SetClientNotificationUrl("nope"), 400, 21205},
		{"CallerId not a number", newParticipant(alice).SetCallerId("client:bob"), 400, 21212},
	} {
		_, err := tw.CreateParticipant("room", tc.p)
		restErr(t, tc.name, err, tc.status, tc.code)
	}
	if status, body := rawAPI(t, srv, "POST", "/Conferences/room/Participants.json", url.Values{"From": {from}, "To": {alice}, "Muted": {"maybe"}}); status != 400 || !strings.Contains(body, "20001") {
		t.Errorf("Muted=maybe on create: %d %s", status, body)
	}
	if n := len(srv.Conferences()); n != 1 {
		t.Errorf("%d conferences after refused creates, want 1", n)
	}
	if n := len(srv.Conference("room").Info().Participants); n != 2 {
		t.Errorf("%d participants after refused creates, want 2", n)
	}
	// A refused create by a new name makes no conference.
	_, err := tw.CreateParticipant("empty", newParticipant(alice).SetCallSidToCoach(agent.SID()))
	restErr(t, "coach in a new conference", err, 400, 16028)
	if srv.Conference("empty") != nil {
		t.Errorf("a refused create made conference empty")
	}

	// A label with a space, and a coach named by label: the path is
	// escaped by the caller (twilio-go does not escape it).
	sid := srv.Conference("room").SID()
	status, body := rawAPI(t, srv, "POST", "/Conferences/"+sid+"/Participants.json", url.Values{
		"From": {from}, "To": {bob}, "Label": {"front desk"}, "Muted": {"true"}, "CallSidToCoach": {"customer"},
		"StatusCallbackEvent": {"initiated", "answered"}, "ConferenceStatusCallbackEvent": {"join leave"}, "WaitUrl": {""},
		"Byoc": {"BY00000000000000000000000000000000"}, "CallReason": {"support"}, "CallerDisplayName": {"Desk"},
	})
	if status != 201 || !strings.Contains(body, `"label":"front desk"`) || !strings.Contains(body, `"coaching":true`) {
		t.Fatalf("create with a label with a space: %d %s", status, body)
	}
	srv.Advance(time.Minute)
	status, body = rawAPI(t, srv, "GET", "/Conferences/"+sid+"/Participants/front%20desk.json", nil)
	if status != 200 || !strings.Contains(body, `"muted":true`) || !strings.Contains(body, `"status":"connected"`) {
		t.Errorf("fetch by a label with a space: %d %s", status, body)
	}
	for _, path := range []string{"/Conferences/" + sid + "/Participants/front%20desk.xml", "/Conferences/" + sid + "/Participants.csv", "/Conferences/" + sid + "/Participants.xml"} {
		if status, body := rawAPI(t, srv, "GET", path, nil); status != 200 {
			t.Errorf("GET %s: %d %s", path, status, body)
		}
	}
	if status, body := rawAPI(t, srv, "DELETE", "/Conferences/"+sid+"/Participants/front%20desk.json", nil); status != 204 || body != "" {
		t.Errorf("delete by a label with a space: %d %q", status, body)
	}
	if _, err := tw.UpdateConference(sid, new(api.UpdateConferenceParams).SetStatus("completed")); err != nil {
		t.Fatal(err)
	}
	srv.Run()
}

// A participant still being dialed can be updated quietly and deleted:
// its call is canceled.
func TestParticipantsBeforeTheyAnswer(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, rooms()), harness.WithParty(alice, scenario.AnswersAfter(30*time.Second)))
	tw := restClient(srv)
	agent := dialIn(t, srv, "/voice")
	srv.Advance(time.Second)
	room := srv.Conference("room")
	p, err := tw.CreateParticipant("room", newParticipant(alice))
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(5 * time.Second)
	up, err := tw.UpdateParticipant(room.SID(), *p.CallSid, new(api.UpdateParticipantParams).SetMuted(true))
	if err != nil || !*up.Muted || *up.Status != "ringing" {
		t.Fatalf("mute while ringing: %v", err)
	}
	if n := count(room, "participant-mute"); n != 0 {
		t.Errorf("participant-mute sent for a participant not in the room")
	}
	_, err = tw.UpdateParticipant(room.SID(), *p.CallSid, new(api.UpdateParticipantParams).SetAnnounceUrl(origin+"/announce"))
	restErr(t, "announce to a participant not in the room", err, 400, 16001)
	if err := tw.DeleteParticipant(room.SID(), *p.CallSid, nil); err != nil {
		t.Fatal(err)
	}
	e := lastEvent(t, room, "participant-leave")
	if e.CallSID != *p.CallSid || e.Params["ReasonParticipantLeft"] != "participant_add_failed" || e.Params["ParticipantCallStatus"] != "canceled" {
		t.Errorf("leave of a canceled participant: %+v", e)
	}
	if c := srv.Call(*p.CallSid); c.Status() != harness.StatusCanceled {
		t.Errorf("the call: %s", c.Status())
	}
	if room.Info().Status == harness.ConferenceCompleted {
		t.Errorf("the conference ended with the agent still in it")
	}
	if _, err := tw.UpdateConference(room.SID(), new(api.UpdateConferenceParams).SetStatus("completed")); err != nil {
		t.Fatal(err)
	}
	srv.Run()
	_ = agent
}
