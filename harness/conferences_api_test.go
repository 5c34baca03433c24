package harness_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// rooms is an app whose documents put a call in a conference: /voice in
// "room" (which reports every event to /conf), /alpha and /beta in rooms of
// those names; /announce is an announcement.
func rooms() *docs {
	return &docs{paths: map[string]string{
		"/voice": `<Response><Dial><Conference waitUrl="" statusCallback="/conf" ` +
			`statusCallbackEvent="start end join leave mute hold modify announcement">room</Conference></Dial></Response>`,
		"/alpha":    `<Response><Dial><Conference waitUrl="">alpha</Conference></Dial></Response>`,
		"/beta":     `<Response><Dial><Conference waitUrl="">beta</Conference></Dial></Response>`,
		"/recorded": `<Response><Dial><Conference waitUrl="" record="record-from-start">taped</Conference></Dial></Response>`,
		"/announce": `<Response><Say>The room closes soon</Say></Response>`,
		"/hold":     `<Response><Play>https://cdn.example.com/hold.mp3</Play></Response>`,
		"/wait":     `<Response><Say>Please wait</Say></Response>`,
	}}
}

// dialIn places a call whose document at path puts it in a conference.
func dialIn(t *testing.T, srv *harness.Server, path string) *harness.Call {
	t.Helper()
	return place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(origin + path) })
}

// restErr returns err as Twilio's REST error, failing the test when it is
// not one with the status and code.
func restErr(t *testing.T, what string, err error, status, code int) {
	t.Helper()
	var te *client.TwilioRestError
	if !errors.As(err, &te) || te.Status != status || te.Code != code {
		t.Errorf("%s: got %v, want HTTP %d with code %d", what, err, status, code)
	}
}

// eventNames returns the names of a conference's events, with the call
// SID of participant events as "name CA…".
func eventNames(cf *harness.Conference) []string {
	var out []string
	for _, e := range cf.Events() {
		out = append(out, e.Name)
	}
	return out
}

// rawAPI sends a request to the REST API with the account's credentials
// and returns the status and body.
func rawAPI(t *testing.T, srv *harness.Server, method, path string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, "https://api.twilio.com/2010-04-01/Accounts/"+srv.AccountSID()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestConferencesThroughTwilioGo(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, rooms()))
	tw := restClient(srv)
	a, b := dialIn(t, srv, "/voice"), dialIn(t, srv, "/voice")
	srv.Advance(time.Minute)

	confs, err := tw.ListConference(nil)
	if err != nil || len(confs) != 1 {
		t.Fatalf("list: %d conferences, %v; want 1", len(confs), err)
	}
	cf := confs[0]
	switch {
	case *cf.FriendlyName != "room" || *cf.Status != "in-progress" || *cf.Region != "us1" || *cf.ApiVersion != "2010-04-01":
		t.Errorf("conference %s %q status %s region %s", *cf.Sid, *cf.FriendlyName, *cf.Status, *cf.Region)
	case cf.ReasonConferenceEnded != nil || cf.CallSidEndingConference != nil:
		t.Errorf("a conference in progress shows reason %v, call %v; want both null", cf.ReasonConferenceEnded, cf.CallSidEndingConference)
	case *cf.Uri != "/2010-04-01/Accounts/"+srv.AccountSID()+"/Conferences/"+*cf.Sid+".json":
		t.Errorf("uri %s", *cf.Uri)
	}
	subs := *cf.SubresourceUris
	if subs["participants"] != strings.TrimSuffix(*cf.Uri, ".json")+"/Participants.json" || subs["recordings"] != strings.TrimSuffix(*cf.Uri, ".json")+"/Recordings.json" {
		t.Errorf("subresource_uris %v", subs)
	}
	sid := *cf.Sid
	fetched, err := tw.FetchConference(sid, nil)
	if err != nil || *fetched.Sid != sid {
		t.Fatalf("fetch: %v", err)
	}
	parts, err := tw.ListParticipant(sid, nil)
	if err != nil || len(parts) != 2 || *parts[0].CallSid != a.SID() || *parts[1].CallSid != b.SID() {
		t.Fatalf("participants: %d, %v; want the two calls in the order they joined", len(parts), err)
	}

	// An announcement to the room: everyone hears it, then announcement-end.
	if _, err := tw.UpdateConference(sid, new(api.UpdateConferenceParams).SetAnnounceUrl(origin+"/announce").SetAnnounceMethod("GET")); err != nil {
		t.Fatalf("announce: %v", err)
	}
	srv.Advance(time.Minute)
	room := srv.Conference(sid)
	if !slices.Contains(eventNames(room), "announcement-end") {
		t.Errorf("no announcement-end after the announcement: %v", eventNames(room))
	}
	if !strings.Contains(a.Transcript(), "The room closes soon") || !strings.Contains(b.Transcript(), "The room closes soon") {
		t.Errorf("the announcement was not heard by both:\n%s\n%s", a.Transcript(), b.Transcript())
	}

	_, err = tw.UpdateConference(sid, new(api.UpdateConferenceParams).SetStatus("in-progress"))
	restErr(t, "Status=in-progress", err, 400, 20001)
	_, err = tw.UpdateConference(sid, new(api.UpdateConferenceParams).SetAnnounceUrl("/relative"))
	restErr(t, "a relative AnnounceUrl", err, 400, 21205)
	_, err = tw.UpdateConference(sid, new(api.UpdateConferenceParams).SetAnnounceUrl(origin+"/announce").SetAnnounceMethod("PUT"))
	restErr(t, "AnnounceMethod=PUT", err, 400, 21209)

	// The end: each participant leaves (conference_ended_via_api), then
	// conference-end says why; no call ended it.
	ended, err := tw.UpdateConference(sid, new(api.UpdateConferenceParams).SetStatus("completed"))
	if err != nil {
		t.Fatalf("end: %v", err)
	}
	if *ended.Status != "completed" || ended.ReasonConferenceEnded == nil || *ended.ReasonConferenceEnded != "conference-ended-via-api" || ended.CallSidEndingConference != nil {
		t.Errorf("ended: status %s reason %v call %v", *ended.Status, ended.ReasonConferenceEnded, ended.CallSidEndingConference)
	}
	evs := room.Events()
	last := evs[len(evs)-3:]
	for i, want := range []string{"participant-leave", "participant-leave", "conference-end"} {
		if last[i].Name != want {
			t.Fatalf("the last events are %v, want two participant-leave then conference-end", eventNames(room))
		}
	}
	if last[0].Params["ReasonParticipantLeft"] != "conference_ended_via_api" || last[1].Params["ReasonParticipantLeft"] != "conference_ended_via_api" {
		t.Errorf("leave reasons %v, %v", last[0].Params, last[1].Params)
	}
	if last[2].Params["ReasonConferenceEnded"] != "conference-ended-via-api" || last[2].Request == nil {
		t.Errorf("conference-end: %v (sent: %v)", last[2].Params, last[2].Request != nil)
	}
	// Fetching an ended conference works; its participants are gone.
	again, err := tw.FetchConference(sid, nil)
	if err != nil || *again.Status != "completed" {
		t.Fatalf("fetch after the end: %v", err)
	}
	if parts, err := tw.ListParticipant(sid, nil); err != nil || len(parts) != 0 {
		t.Errorf("participants of an ended conference: %d, %v; want none", len(parts), err)
	}
	// Ending it again changes nothing; announcing to it is 16001.
	if again, err := tw.UpdateConference(sid, new(api.UpdateConferenceParams).SetStatus("completed")); err != nil || *again.ReasonConferenceEnded != "conference-ended-via-api" {
		t.Errorf("ending an ended conference: %v", err)
	}
	_, err = tw.UpdateConference(sid, new(api.UpdateConferenceParams).SetAnnounceUrl(origin+"/announce"))
	restErr(t, "announce to an ended conference", err, 400, 16001)
	_, err = tw.FetchConference("CF00000000000000000000000000000000", nil)
	restErr(t, "fetch an unknown conference", err, 404, 20404)
	_, err = tw.UpdateConference("CF00000000000000000000000000000000", new(api.UpdateConferenceParams).SetStatus("completed"))
	restErr(t, "end an unknown conference", err, 404, 20404)
	srv.Run()
	if a.Status() != harness.StatusCompleted || b.Status() != harness.StatusCompleted {
		t.Errorf("calls after the end: %s, %s; want completed (no verb after the Dial)", a.Status(), b.Status())
	}

	// The CSV and XML forms.
	for _, path := range []string{"/Conferences/" + sid + ".csv", "/Conferences.csv", "/Conferences/" + sid + ".xml", "/Conferences.xml"} {
		if status, body := rawAPI(t, srv, "GET", path, nil); status != 200 || !strings.Contains(body, sid) {
			t.Errorf("GET %s: %d %.200s", path, status, body)
		}
	}
	if status, body := rawAPI(t, srv, "DELETE", "/Conferences/"+sid+".json", nil); status != 405 {
		t.Errorf("DELETE a conference: %d %s, want 405 (Twilio has no delete)", status, body)
	}
}

func TestConferencesAnnounceToAnEmptyRoom(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, rooms()), harness.WithParty(alice, scenario.AnswersAfter(20*time.Second)))
	tw := restClient(srv)
	// A conference whose only participant is still being dialed: init,
	// nobody to hear an announcement.
	p, err := tw.CreateParticipant("lobby", new(api.CreateParticipantParams).SetFrom(from).SetTo(alice))
	if err != nil {
		t.Fatal(err)
	}
	cf, err := tw.FetchConference(*p.ConferenceSid, nil)
	if err != nil || *cf.Status != "init" || *cf.FriendlyName != "lobby" {
		t.Fatalf("a conference made by adding a participant: %v", err)
	}
	_, err = tw.UpdateConference(*p.ConferenceSid, new(api.UpdateConferenceParams).SetAnnounceUrl(origin+"/announce"))
	restErr(t, "announce with nobody in the room", err, 400, 16001)
	if list, err := tw.ListConference(new(api.ListConferenceParams).SetStatus("init")); err != nil || len(list) != 1 {
		t.Errorf("Status=init: %d, %v", len(list), err)
	}
	srv.Run()
}

func TestConferencesListFilters(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, rooms()))
	tw := restClient(srv)
	day := func(n int) string { return harness.DefaultStartTime().AddDate(0, 0, n).Format("2006-01-02") }

	// alpha on day 0, ended the same day; beta on day 2, in progress.
	dialIn(t, srv, "/alpha")
	dialIn(t, srv, "/alpha")
	srv.Advance(time.Minute)
	alpha := srv.Conference("alpha")
	if _, err := tw.UpdateConference(alpha.SID(), new(api.UpdateConferenceParams).SetStatus("completed")); err != nil {
		t.Fatal(err)
	}
	srv.Run()
	srv.Advance(49 * time.Hour)
	dialIn(t, srv, "/beta")
	dialIn(t, srv, "/beta")
	srv.Advance(time.Minute)
	beta := srv.Conference("beta")

	for _, tc := range []struct {
		name string
		p    *api.ListConferenceParams
		want []string
	}{
		{"all, newest first", new(api.ListConferenceParams), []string{"beta", "alpha"}},
		{"all by pages of one", new(api.ListConferenceParams).SetPageSize(1), []string{"beta", "alpha"}},
		{"FriendlyName", new(api.ListConferenceParams).SetFriendlyName("alpha"), []string{"alpha"}},
		{"FriendlyName unknown", new(api.ListConferenceParams).SetFriendlyName("gamma"), nil},
		{"Status completed", new(api.ListConferenceParams).SetStatus("completed"), []string{"alpha"}},
		{"Status in-progress", new(api.ListConferenceParams).SetStatus("in-progress"), []string{"beta"}},
		{"Status init", new(api.ListConferenceParams).SetStatus("init"), nil},
		{"DateCreated", new(api.ListConferenceParams).SetDateCreated(day(0)), []string{"alpha"}},
		{"DateCreated<", new(api.ListConferenceParams).SetDateCreatedBefore(day(1)), []string{"alpha"}},
		{"DateCreated>", new(api.ListConferenceParams).SetDateCreatedAfter(day(1)), []string{"beta"}},
		{"DateUpdated", new(api.ListConferenceParams).SetDateUpdated(day(2)), []string{"beta"}},
		{"DateUpdated<", new(api.ListConferenceParams).SetDateUpdatedBefore(day(1)), []string{"alpha"}},
		{"DateUpdated>", new(api.ListConferenceParams).SetDateUpdatedAfter(day(2)), []string{"beta"}},
		{"two filters", new(api.ListConferenceParams).SetStatus("completed").SetDateCreatedAfter(day(1)), nil},
	} {
		got, err := tw.ListConference(tc.p)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var names []string
		for _, c := range got {
			names = append(names, *c.FriendlyName)
		}
		if !slices.Equal(names, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, names, tc.want)
		}
	}
	_, err := tw.ListConference(new(api.ListConferenceParams).SetStatus("ended"))
	restErr(t, "Status=ended", err, 400, 20001)
	_, err = tw.ListConference(new(api.ListConferenceParams).SetDateCreated("yesterday"))
	restErr(t, "DateCreated=yesterday", err, 400, 20001)

	// Paging by hand: the next page's URI carries the filter and a token.
	page, err := tw.PageConference(new(api.ListConferenceParams).SetPageSize(1), "", "")
	if err != nil || len(page.Conferences) != 1 || page.NextPageUri == nil {
		t.Fatalf("first page: %v", err)
	}
	if status, body := rawAPI(t, srv, "GET", strings.TrimPrefix(*page.NextPageUri, "/2010-04-01/Accounts/"+srv.AccountSID()), nil); status != 200 || !strings.Contains(body, alpha.SID()) {
		t.Errorf("next page: %d %.300s", status, body)
	}
	if _, err := tw.UpdateConference(beta.SID(), new(api.UpdateConferenceParams).SetStatus("completed")); err != nil {
		t.Fatal(err)
	}
	srv.Run()
}

// A conference's recording is the account's, listed with its conference
// SID, and under the conference's Recordings.
func TestConferenceRecordings(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, rooms()))
	tw := restClient(srv)
	dialIn(t, srv, "/recorded")
	dialIn(t, srv, "/recorded")
	srv.Advance(time.Minute)
	taped := srv.Conference("taped")
	if _, err := tw.UpdateConference(taped.SID(), new(api.UpdateConferenceParams).SetStatus("completed")); err != nil {
		t.Fatal(err)
	}
	srv.Run()
	recs, err := tw.ListRecording(new(api.ListRecordingParams).SetConferenceSid(taped.SID()))
	if err != nil || len(recs) != 1 {
		t.Fatalf("recordings of the conference in the account's list: %d, %v; want 1", len(recs), err)
	}
	r := recs[0]
	if r.ConferenceSid == nil || *r.ConferenceSid != taped.SID() || *r.Source != "Conference" || *r.Status != "completed" {
		t.Errorf("recording: conference %v source %s status %s", r.ConferenceSid, *r.Source, *r.Status)
	}
	got, err := tw.FetchRecording(*r.Sid, nil)
	if err != nil || got.ConferenceSid == nil || *got.ConferenceSid != taped.SID() {
		t.Errorf("fetch: %v", err)
	}
	under, err := tw.ListConferenceRecording(taped.SID(), nil)
	if err != nil || len(under) != 1 || *under[0].Sid != *r.Sid {
		t.Fatalf("the conference's Recordings: %d, %v", len(under), err)
	}
	one, err := tw.FetchConferenceRecording(taped.SID(), *r.Sid, nil)
	if err != nil || *one.ConferenceSid != taped.SID() || !strings.Contains(*one.Uri, "/Conferences/"+taped.SID()+"/Recordings/") {
		t.Errorf("fetch under the conference: %v", err)
	}
	_, err = tw.FetchConferenceRecording(taped.SID(), "RE00000000000000000000000000000000", nil)
	restErr(t, "an unknown recording of the conference", err, 404, 20404)
	if others, err := tw.ListRecording(new(api.ListRecordingParams).SetConferenceSid("CF00000000000000000000000000000000")); err != nil || len(others) != 0 {
		t.Errorf("another conference's recordings: %d, %v", len(others), err)
	}
}
