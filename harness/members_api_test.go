package harness_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

// memberView is what the tests compare of a member from twilio-go.
type memberView struct {
	CallSID            string
	Position, WaitTime int
	Enqueued           string
}

func viewMember(m *api.ApiV2010Member) memberView {
	return memberView{CallSID: *m.CallSid, Position: m.Position, WaitTime: m.WaitTime, Enqueued: *m.DateEnqueued}
}

// TestMembersPositionsAndWaits: the list (front first, across pages),
// fetch by Call SID and by Front, with positions and waits of the moment
// of the request, as callers join and leave.
func TestMembersPositionsAndWaits(t *testing.T) {
	srv := queueServer(t)
	rest := restClient(srv)
	first := enqueue(t, srv, "/voice")
	srv.Advance(10 * time.Second)
	second := enqueue(t, srv, "/voice")
	srv.Advance(15 * time.Second)
	third := enqueue(t, srv, "/voice")
	srv.Advance(15 * time.Second)
	qsid := srv.Queue("support").SID()

	members, err := rest.ListMember(qsid, (&api.ListMemberParams{}).SetPageSize(2))
	if err != nil {
		t.Fatal(err)
	}
	var got []memberView
	for i := range members {
		got = append(got, viewMember(&members[i]))
	}
	want := []memberView{
		{first.SID(), 1, 40, cliDate(cliAt(0))},
		{second.SID(), 2, 30, cliDate(cliAt(10 * time.Second))},
		{third.SID(), 3, 15, cliDate(cliAt(25 * time.Second))},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("members in pages of 2 (-want +got):\n%s", diff)
	}
	if pages := pagesFetched(srv, "/Members.json"); len(pages) != 2 {
		t.Errorf("the client fetched %d pages, want 2: %v", len(pages), pages)
	}
	m, err := rest.FetchMember(qsid, second.SID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if viewMember(m) != want[1] || *m.QueueSid != qsid || *m.Uri != apiRoot+srv.AccountSID()+"/Queues/"+qsid+"/Members/"+second.SID()+".json" {
		t.Errorf("fetched %+v, queue %s, uri %s", viewMember(m), *m.QueueSid, *m.Uri)
	}
	front, err := rest.FetchMember(qsid, "Front", nil)
	if err != nil {
		t.Fatal(err)
	}
	if viewMember(front) != want[0] {
		t.Errorf("Front = %+v, want the first caller with its real Call SID %+v", viewMember(front), want[0])
	}
	status, _, body := restGet(t, srv, "/Queues/"+qsid+"/Members/"+third.SID()+".json")
	if diff := cmp.Diff(map[string]string{"position": "3", "wait_time": "15"}, numbersOf(t, body, "position", "wait_time")); status != 200 || diff != "" {
		t.Errorf("position and wait_time as JSON numbers (twilio-go's ints) (%d; -want +got):\n%s", status, diff)
	}

	// The first hangs up: the others move up.
	updateLive(t, srv, first.SID(), func(p *api.UpdateCallParams) { p.SetStatus("completed") })
	srv.Advance(5 * time.Second)
	members, err = rest.ListMember(qsid, nil)
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for i := range members {
		got = append(got, viewMember(&members[i]))
	}
	want = []memberView{
		{second.SID(), 1, 35, cliDate(cliAt(10 * time.Second))},
		{third.SID(), 2, 20, cliDate(cliAt(25 * time.Second))},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after the first left (-want +got):\n%s", diff)
	}
	front, err = rest.FetchMember(qsid, "Front", nil)
	if err != nil || *front.CallSid != second.SID() {
		t.Errorf("Front after the first left: %v, %v; want %s", front, err, second.SID())
	}
	_, err = rest.FetchMember(qsid, first.SID(), nil)
	cliRestError(t, err, 20404, http.StatusNotFound)
}

// TestMemberUpdateDequeues: an update dequeues the member (Front, or by
// Call SID): the reply is the member as it was, its Enqueue action is
// requested with QueueResult=redirected (its reply ignored), the call runs
// the TwiML at Url with Method, the next members move up, and a second
// update of the same call is 404.
func TestMemberUpdateDequeues(t *testing.T) {
	srv := queueServer(t)
	rest := restClient(srv)
	first := enqueue(t, srv, "/voice")
	srv.Advance(30 * time.Second)
	second := enqueue(t, srv, "/voice")
	srv.Advance(12 * time.Second)
	qsid := srv.Queue("support").SID()

	m, err := rest.UpdateMember(qsid, "Front", (&api.UpdateMemberParams{}).SetUrl(origin+"/next").SetMethod("GET"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := viewMember(m), (memberView{first.SID(), 1, 42, cliDate(cliAt(0))}); got != want {
		t.Errorf("update replied %+v, want the member as it was %+v", got, want)
	}
	srv.Advance(5 * time.Second)
	wantReqs := []req{
		{harness.KindVoice, "POST", "/voice", map[string]string{}},
		{harness.KindEnqueueWait, "POST", "/wait", values("QueueSid", qsid, "QueueTime", "0")},
		{harness.KindAction, "POST", "/left", values("QueueResult", "redirected", "QueueSid", qsid, "QueueTime", "42")},
		{harness.KindVoice, "GET", "/next", map[string]string{}},
	}
	if diff := cmp.Diff(wantReqs, requests(first, "QueueResult", "QueueSid", "QueueTime")); diff != "" {
		t.Errorf("the dequeued call's requests (-want +got):\n%s\n%s", diff, first.Transcript())
	}
	if diff := cmp.Diff([]string{"Thanks for waiting"}, said(first)); diff != "" || first.Status() != harness.StatusCompleted {
		t.Errorf("the dequeued call is %s; said (-want +got):\n%s\n%s", first.Status(), diff, first.Transcript())
	}
	info := srv.Queue(qsid).Info()
	if info.CurrentSize != 1 || info.Members[0].CallSID != second.SID() || info.Members[0].Position != 1 {
		t.Errorf("after the dequeue the queue is %+v, want the second caller alone at the front", info)
	}
	_, err = rest.UpdateMember(qsid, first.SID(), (&api.UpdateMemberParams{}).SetUrl(origin+"/next"))
	cliRestError(t, err, 20404, http.StatusNotFound)

	// By Call SID, Method defaulting to POST; the queue is then empty.
	m, err = rest.UpdateMember(qsid, second.SID(), (&api.UpdateMemberParams{}).SetUrl(origin+"/next"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := viewMember(m), (memberView{second.SID(), 1, 17, cliDate(cliAt(30 * time.Second))}); got != want {
		t.Errorf("second update replied %+v, want %+v", got, want)
	}
	srv.Advance(time.Second)
	reqs := requests(second)
	if last := reqs[len(reqs)-1]; last.Kind != harness.KindVoice || last.Method != "POST" || last.Path != "/next" {
		t.Errorf("the second call's last request is %+v, want POST /next", last)
	}
	q, err := rest.FetchQueue(qsid, nil)
	if err != nil || q.CurrentSize != 0 || q.AverageWaitTime != 0 {
		t.Errorf("the queue after both dequeues: %+v, %v; want empty", q, err)
	}
	_, err = rest.FetchMember(qsid, "Front", nil)
	cliRestError(t, err, 20404, http.StatusNotFound)
	if err := rest.DeleteQueue(qsid, nil); err != nil {
		t.Errorf("delete the queue once empty: %v", err)
	}
}

// TestMemberErrors: every error of the Members resource, with Twilio's
// shape; none of them dequeues anyone.
func TestMemberErrors(t *testing.T) {
	srv := queueServer(t)
	waiting := enqueue(t, srv, "/voice")
	elsewhere := enqueue(t, srv, "/other")
	qsid := srv.Queue("support").SID()
	empty, err := restClient(srv).CreateQueue((&api.CreateQueueParams{}).SetFriendlyName("empty"))
	if err != nil {
		t.Fatal(err)
	}
	members := "/Queues/" + qsid + "/Members"
	unknownQueue := "/Queues/QU00000000000000000000000000000000/Members"
	tests := []struct {
		name, method, path string
		form               url.Values
		status, code       int
		message            string
	}{
		{"update without Url", "POST", members + "/Front.json", url.Values{"Method": {"GET"}}, 400, 21205, "Url is required"},
		{"update with a relative Url", "POST", members + "/Front.json", url.Values{"Url": {"/next"}}, 400, 21205, "absolute"},
		{"update with Method PUT", "POST", members + "/Front.json", url.Values{"Url": {origin + "/next"}, "Method": {"PUT"}}, 400, 21209, "Method must be GET or POST"},
		{"update a call of another queue", "POST", members + "/" + elsewhere.SID() + ".json", url.Values{"Url": {origin + "/next"}}, 404, 20404, "was not found"},
		{"update in an unknown queue", "POST", unknownQueue + "/Front.json", url.Values{"Url": {origin + "/next"}}, 404, 20404, "was not found"},
		{"update Front of an empty queue", "POST", "/Queues/" + *empty.Sid + "/Members/Front.json", url.Values{"Url": {origin + "/next"}}, 404, 20404, "was not found"},
		{"fetch a call of another queue", "GET", members + "/" + elsewhere.SID() + ".json", nil, 404, 20404, "was not found"},
		{"fetch an unknown call", "GET", members + "/CA00000000000000000000000000000000.json", nil, 404, 20404, "was not found"},
		{"fetch Front of an empty queue", "GET", "/Queues/" + *empty.Sid + "/Members/Front.json", nil, 404, 20404, "was not found"},
		{"list an unknown queue", "GET", unknownQueue + ".json", nil, 404, 20404, "was not found"},
		{"create a member", "POST", members + ".json", url.Values{"CallSid": {waiting.SID()}}, 405, 20004, "Method not allowed"},
		{"delete a member", "DELETE", members + "/Front.json", nil, 405, 20004, "Method not allowed"},
	}
	for _, tc := range tests {
		status, body := restDo(t, srv, tc.method, tc.path, tc.form)
		wantAPIError(t, tc.name, status, body, tc.status, tc.code, tc.message)
	}
	// twilio-go sends an update without Url: the fake answers 400.
	_, err = restClient(srv).UpdateMember(qsid, waiting.SID(), &api.UpdateMemberParams{})
	cliRestError(t, err, 21205, http.StatusBadRequest)
	srv.Advance(time.Second)
	if info := srv.Queue(qsid).Info(); info.CurrentSize != 1 || waiting.Status() != harness.StatusInProgress {
		t.Errorf("after the failed updates the queue has %d callers and the caller is %s, want it still waiting", info.CurrentSize, waiting.Status())
	}
	if reqs := requests(waiting); len(reqs) != 2 {
		t.Errorf("the waiting call made %d requests, want its /voice and /wait alone: %v", len(reqs), reqs)
	}
}

// TestMembersXML: the list's XML form, <QueueMembers> of <QueueMember>.
func TestMembersXML(t *testing.T) {
	srv := queueServer(t)
	c := enqueue(t, srv, "/voice")
	srv.Advance(7 * time.Second)
	qsid := srv.Queue("support").SID()
	status, ctype, body := restGet(t, srv, "/Queues/"+qsid+"/Members.xml")
	var doc struct {
		Members []struct {
			CallSid  string
			Position int
			WaitTime int
			QueueSid string
		} `xml:"QueueMembers>QueueMember"`
	}
	if err := xml.Unmarshal([]byte(body), &doc); status != http.StatusOK || ctype != "application/xml" || err != nil || len(doc.Members) != 1 {
		t.Fatalf("XML: %d %s (%v): %s", status, ctype, err, body)
	}
	if m := doc.Members[0]; m.CallSid != c.SID() || m.Position != 1 || m.WaitTime != 7 || m.QueueSid != qsid {
		t.Errorf("XML member %+v", m)
	}
}
