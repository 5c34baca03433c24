package harness_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// Helpers of the tests of the Queues and Members resources
// (conference-queue.md §8–§11): an application whose callers wait in
// queue "support", and raw requests for what twilio-go cannot send.

// queuePaths is the queue tests' application: /voice enqueues the caller
// in "support" with a wait document that pauses for ten minutes; /left is
// the Enqueue's action; /next is what a dequeued member runs; /other
// enqueues in "sales".
var queuePaths = map[string]string{
	"/voice": `<Response><Enqueue action="/left" waitUrl="/wait">support</Enqueue></Response>`,
	"/other": `<Response><Enqueue action="/left" waitUrl="/wait">sales</Enqueue></Response>`,
	"/wait":  `<Response><Pause length="600"/></Response>`,
	"/left":  `<Response><Say>You left the queue</Say></Response>`,
	"/next":  `<Response><Say>Thanks for waiting</Say><Hangup/></Response>`,
}

// queueServer returns a server running queuePaths.
func queueServer(t *testing.T, opts ...harness.Option) *harness.Server {
	t.Helper()
	return newServer(t, append([]harness.Option{harness.WithApp(origin, &docs{paths: queuePaths})}, opts...)...)
}

// enqueue places a call that runs path (a document of queuePaths) and lets
// it join its queue, at the current virtual instant.
func enqueue(t *testing.T, srv *harness.Server, path string) *harness.Call {
	t.Helper()
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(origin + path) })
	srv.Advance(0)
	if c.Status() != harness.StatusInProgress {
		t.Fatalf("call %s is %s, want in-progress waiting in its queue (test setup broken)\n%s", c.SID(), c.Status(), c.Transcript())
	}
	return c
}

// restDo sends a request with a form body to path (under the first
// account's URI) with the account's credentials, and returns the reply's
// status and body.
func restDo(t *testing.T, srv *harness.Server, method, path string, form url.Values) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, "https://api.twilio.com"+apiRoot+srv.AccountSID()+path, strings.NewReader(form.Encode()))
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
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, string(body)
}

// wantAPIError checks a raw reply is Twilio's error with status and code,
// and that its message contains want.
func wantAPIError(t *testing.T, what string, status int, body string, wantStatus, wantCode int, want string) {
	t.Helper()
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Errorf("%s: body %q is not a JSON error: %v", what, body, err)
		return
	}
	if status != wantStatus || e.Code != wantCode || !strings.Contains(e.Message, want) {
		t.Errorf("%s: %d %d %q, want %d %d with %q", what, status, e.Code, e.Message, wantStatus, wantCode, want)
	}
}

// numbersOf decodes a JSON object and returns the raw values of names, to
// check they are JSON numbers, as twilio-go's int fields need.
func numbersOf(t *testing.T, body string, names ...string) map[string]string {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &raw); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", body, err)
	}
	out := map[string]string{}
	for _, n := range names {
		out[n] = string(raw[n])
	}
	return out
}

// queueView is what the tests compare of a queue from twilio-go.
type queueView struct {
	Name                      string
	Current, Max, AverageWait int
}

func viewQueue(q *api.ApiV2010Queue) queueView {
	return queueView{Name: *q.FriendlyName, Current: q.CurrentSize, Max: q.MaxSize, AverageWait: q.AverageWaitTime}
}

// TestQueuesThroughTwilioGo: create, fetch, list (across pages), update and
// delete with the official client, and every field of the resource.
func TestQueuesThroughTwilioGo(t *testing.T) {
	srv := queueServer(t)
	rest := restClient(srv)

	created, err := rest.CreateQueue((&api.CreateQueueParams{}).SetFriendlyName("support"))
	if err != nil {
		t.Fatal(err)
	}
	sid := *created.Sid
	if !strings.HasPrefix(sid, "QU") || len(sid) != 34 {
		t.Errorf("sid = %q, want QU and 32 hex digits", sid)
	}
	start := cliDate(cliAt(0))
	want := queueView{Name: "support", Max: harness.DefaultQueueSize}
	if got := viewQueue(created); got != want || *created.AccountSid != srv.AccountSID() ||
		*created.DateCreated != start || *created.DateUpdated != start ||
		*created.Uri != apiRoot+srv.AccountSID()+"/Queues/"+sid+".json" {
		t.Errorf("created %+v, account %s, dates %s %s, uri %s", got, *created.AccountSid, *created.DateCreated, *created.DateUpdated, *created.Uri)
	}
	status, body := restDo(t, srv, http.MethodPost, "/Queues.json", url.Values{"FriendlyName": {"sales"}, "MaxSize": {"10"}})
	if status != http.StatusCreated {
		t.Fatalf("create sales: %d %s", status, body)
	}

	srv.Advance(time.Minute)
	fetched, err := rest.FetchQueue(sid, nil)
	if err != nil || viewQueue(fetched) != want {
		t.Fatalf("fetch: %+v, %v", fetched, err)
	}
	all, err := rest.ListQueue((&api.ListQueueParams{}).SetPageSize(1))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, q := range all {
		names = append(names, *q.FriendlyName)
	}
	if diff := cmp.Diff([]string{"support", "sales"}, names); diff != "" {
		t.Errorf("list in pages of 1, in creation order (-want +got):\n%s", diff)
	}
	if pages := pagesFetched(srv, "/Queues.json"); len(pages) != 2 {
		t.Errorf("the client fetched %d pages, want 2: %v", len(pages), pages)
	}

	updated, err := rest.UpdateQueue(sid, (&api.UpdateQueueParams{}).SetFriendlyName("help").SetMaxSize(harness.MaxQueueSize))
	if err != nil {
		t.Fatal(err)
	}
	if got := viewQueue(updated); got != (queueView{Name: "help", Max: harness.MaxQueueSize}) ||
		*updated.DateCreated != start || *updated.DateUpdated != cliDate(cliAt(time.Minute)) {
		t.Errorf("updated %+v, dates %s %s", got, *updated.DateCreated, *updated.DateUpdated)
	}
	if name := srv.Queue(sid).Name(); name != "help" {
		t.Errorf("Queue.Name() = %q after the rename, want help", name)
	}
	// <Enqueue> finds the queue by its new name; the old one makes a new queue.
	c := enqueue(t, srv, "/voice")
	if q := srv.Queue(sid).Info(); q.CurrentSize != 0 {
		t.Errorf("the renamed queue has %d callers, want 0: <Enqueue>support</Enqueue> makes a new queue", q.CurrentSize)
	}
	if q := srv.Queue("support"); q == nil || q.SID() == sid || q.Info().Members[0].CallSID != c.SID() {
		t.Errorf("no new queue named support with the caller: %v", srv.Queues())
	}

	if err := rest.DeleteQueue(sid, nil); err != nil {
		t.Fatal(err)
	}
	_, err = rest.FetchQueue(sid, nil)
	cliRestError(t, err, 20404, http.StatusNotFound)
	if srv.Queue(sid) != nil {
		t.Errorf("the deleted queue is still in Server.Queues")
	}
}

// TestQueueErrors: every error of the Queues resource, with Twilio's shape.
func TestQueueErrors(t *testing.T) {
	srv := queueServer(t)
	status, body := restDo(t, srv, http.MethodPost, "/Queues.json", url.Values{"FriendlyName": {"support"}})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	var q struct{ Sid string }
	json.Unmarshal([]byte(body), &q)
	restDo(t, srv, http.MethodPost, "/Queues.json", url.Values{"FriendlyName": {"sales"}})
	otherAcct, otherToken, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := restClientFor(srv, otherAcct, otherToken).CreateQueue((&api.CreateQueueParams{}).SetFriendlyName("support"))
	if err != nil {
		t.Fatalf("another account may have a queue of the same name: %v", err)
	}
	long := strings.Repeat("q", 65)
	tests := []struct {
		name, method, path string
		form               url.Values
		status, code       int
		message            string
	}{
		{"create without FriendlyName", "POST", "/Queues.json", url.Values{"MaxSize": {"5"}}, 400, 20001, "FriendlyName is required"},
		{"create with an empty FriendlyName", "POST", "/Queues.json", url.Values{"FriendlyName": {""}}, 400, 20001, "may not be empty"},
		{"create with a FriendlyName of 65 characters", "POST", "/Queues.json", url.Values{"FriendlyName": {long}}, 400, 20001, "at most 64 characters"},
		{"create with MaxSize 0", "POST", "/Queues.json", url.Values{"FriendlyName": {"a"}, "MaxSize": {"0"}}, 400, 20001, "MaxSize must be an integer from 1 to 5000"},
		{"create with MaxSize 5001", "POST", "/Queues.json", url.Values{"FriendlyName": {"a"}, "MaxSize": {"5001"}}, 400, 20001, "MaxSize"},
		{"create with MaxSize x", "POST", "/Queues.json", url.Values{"FriendlyName": {"a"}, "MaxSize": {"x"}}, 400, 20001, "MaxSize"},
		{"create with a name taken", "POST", "/Queues.json", url.Values{"FriendlyName": {"support"}}, 400, 20001, `A queue named "support" already exists`},
		{"rename to a name taken", "POST", "/Queues/" + q.Sid + ".json", url.Values{"FriendlyName": {"sales"}}, 400, 20001, `A queue named "sales" already exists`},
		{"update with MaxSize 0", "POST", "/Queues/" + q.Sid + ".json", url.Values{"MaxSize": {"0"}}, 400, 20001, "MaxSize"},
		{"update with an empty FriendlyName", "POST", "/Queues/" + q.Sid + ".json", url.Values{"FriendlyName": {""}}, 400, 20001, "may not be empty"},
		{"fetch an unknown queue", "GET", "/Queues/QU00000000000000000000000000000000.json", nil, 404, 20404, "was not found"},
		{"fetch another account's queue", "GET", "/Queues/" + *theirs.Sid + ".json", nil, 404, 20404, "was not found"},
		{"update an unknown queue", "POST", "/Queues/QU00000000000000000000000000000000.json", url.Values{"MaxSize": {"2"}}, 404, 20404, "was not found"},
		{"delete an unknown queue", "DELETE", "/Queues/QU00000000000000000000000000000000.json", nil, 404, 20404, "was not found"},
		{"delete the list", "DELETE", "/Queues.json", nil, 405, 20004, "Method not allowed"},
	}
	for _, tc := range tests {
		status, body := restDo(t, srv, tc.method, tc.path, tc.form)
		wantAPIError(t, tc.name, status, body, tc.status, tc.code, tc.message)
	}
	_, err = restClient(srv).CreateQueue((&api.CreateQueueParams{}).SetFriendlyName("support"))
	cliRestError(t, err, 20001, http.StatusBadRequest)
	if info := srv.Queue(q.Sid).Info(); info.Name != "support" || info.MaxSize != harness.DefaultQueueSize {
		t.Errorf("after the failed updates the queue is %q of %d, want unchanged", info.Name, info.MaxSize)
	}
}

// TestQueueSizeAndWaitAtRequestTime: current_size and average_wait_time
// are those of the moment of the request, as callers join and leave, and
// are JSON numbers.
func TestQueueSizeAndWaitAtRequestTime(t *testing.T) {
	srv := queueServer(t)
	rest := restClient(srv)
	first := enqueue(t, srv, "/voice")
	sid := srv.Queue("support").SID()
	fetch := func(when string, want queueView) {
		t.Helper()
		q, err := rest.FetchQueue(sid, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := viewQueue(q); got != want {
			t.Errorf("%s: %+v, want %+v", when, got, want)
		}
	}
	fetch("at once", queueView{"support", 1, 1000, 0})
	srv.Advance(20 * time.Second)
	second := enqueue(t, srv, "/voice")
	fetch("a second caller joins after 20 s", queueView{"support", 2, 1000, 10})
	srv.Advance(11 * time.Second)
	fetch("11 s later", queueView{"support", 2, 1000, 21}) // (31 + 11) / 2
	third := enqueue(t, srv, "/voice")
	fetch("a third joins", queueView{"support", 3, 1000, 14}) // (31 + 11 + 0) / 3

	status, _, body := restGet(t, srv, "/Queues/"+sid+".json")
	if status != http.StatusOK {
		t.Fatalf("raw fetch: %d %s", status, body)
	}
	if diff := cmp.Diff(map[string]string{"current_size": "3", "average_wait_time": "14", "max_size": "1000"},
		numbersOf(t, body, "current_size", "average_wait_time", "max_size")); diff != "" {
		t.Errorf("sizes as JSON numbers (twilio-go's ints) (-want +got):\n%s", diff)
	}

	updateLive(t, srv, first.SID(), func(p *api.UpdateCallParams) { p.SetStatus("completed") })
	srv.Advance(0)
	fetch("the first hangs up", queueView{"support", 2, 1000, 5}) // (11 + 0) / 2
	updateLive(t, srv, second.SID(), func(p *api.UpdateCallParams) { p.SetStatus("completed") })
	updateLive(t, srv, third.SID(), func(p *api.UpdateCallParams) { p.SetStatus("completed") })
	srv.Advance(0)
	fetch("everyone has left", queueView{"support", 0, 1000, 0})
	status, _, body = restGet(t, srv, "/Queues/"+sid+".json")
	if diff := cmp.Diff(map[string]string{"current_size": "0", "average_wait_time": "0", "max_size": "1000"},
		numbersOf(t, body, "current_size", "average_wait_time", "max_size")); status != http.StatusOK || diff != "" {
		t.Errorf("an empty queue's zeros are numbers too, not left out (%d; -want +got):\n%s", status, diff)
	}
}

// TestQueueDeleteOnlyWhenEmpty: a queue with callers, or with an agent
// waiting on it, cannot be deleted (400, 20009); once empty it can (204),
// and the next <Enqueue> of its name makes a new queue.
func TestQueueDeleteOnlyWhenEmpty(t *testing.T) {
	paths := map[string]string{
		"/agent": `<Response><Dial timeout="60"><Queue>support</Queue></Dial></Response>`,
	}
	for k, v := range queuePaths {
		paths[k] = v
	}
	srv := newServer(t, harness.WithApp(origin, &docs{paths: paths}),
		harness.WithParty(alice, scenario.Person()))
	c := enqueue(t, srv, "/voice")
	sid := srv.Queue("support").SID()
	status, body := restDo(t, srv, http.MethodDelete, "/Queues/"+sid+".json", nil)
	wantAPIError(t, "delete with a caller", status, body, 400, 20009, "1 caller waiting")
	err := restClient(srv).DeleteQueue(sid, nil)
	cliRestError(t, err, 20009, http.StatusBadRequest)

	updateLive(t, srv, c.SID(), func(p *api.UpdateCallParams) { p.SetStatus("completed") })
	srv.Advance(0)
	agent := place(t, srv, func(p *api.CreateCallParams) { p.SetTo(alice).SetUrl(origin + "/agent") })
	srv.Advance(time.Second)
	status, body = restDo(t, srv, http.MethodDelete, "/Queues/"+sid+".json", nil)
	wantAPIError(t, "delete with an agent waiting", status, body, 400, 20009, "1 agent (<Dial><Queue>) waiting")
	srv.Advance(time.Minute) // the agent's Dial times out
	if st := agent.Status(); st != harness.StatusCompleted {
		t.Fatalf("agent is %s after its Dial's timeout, want completed\n%s", st, agent.Transcript())
	}

	status, body = restDo(t, srv, http.MethodDelete, "/Queues/"+sid+".json", nil)
	if status != http.StatusNoContent || body != "" {
		t.Fatalf("delete the empty queue: %d %q, want 204 and no body", status, body)
	}
	again := enqueue(t, srv, "/voice")
	q := srv.Queue("support")
	if q == nil || q.SID() == sid || q.Info().Members[0].CallSID != again.SID() {
		t.Errorf("after the delete <Enqueue> made no new queue: %v", srv.Queues())
	}
}

// TestQueueMaxSizeBelowCurrentSize: a MaxSize below the callers waiting is
// accepted; they stay, and the next caller is refused (queue-full) until
// the queue is below its size.
func TestQueueMaxSizeBelowCurrentSize(t *testing.T) {
	srv := queueServer(t)
	enqueue(t, srv, "/voice")
	second := enqueue(t, srv, "/voice")
	sid := srv.Queue("support").SID()
	q, err := restClient(srv).UpdateQueue(sid, (&api.UpdateQueueParams{}).SetMaxSize(1))
	if err != nil {
		t.Fatal(err)
	}
	if got := viewQueue(q); got != (queueView{"support", 2, 1, 0}) {
		t.Errorf("updated: %+v, want 2 callers in a queue of 1", got)
	}
	third := enqueue(t, srv, "/voice")
	want := []req{{harness.KindVoice, "POST", "/voice", map[string]string{}}, {harness.KindAction, "POST", "/left", values("QueueResult", "queue-full")}}
	if diff := cmp.Diff(want, requests(third, "QueueResult", "QueueSid")); diff != "" {
		t.Errorf("third caller (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{14207}, codes(third)); diff != "" {
		t.Errorf("third caller's notifications (-want +got):\n%s", diff)
	}
	updateLive(t, srv, second.SID(), func(p *api.UpdateCallParams) { p.SetStatus("completed") })
	updateLive(t, srv, third.SID(), func(p *api.UpdateCallParams) { p.SetStatus("completed") })
	srv.Advance(0)
	enqueue(t, srv, "/voice")
	if n := srv.Queue(sid).Info().CurrentSize; n != 1 {
		t.Errorf("a caller can join once the queue is below its size again: %d waiting, want 1", n)
	}
}

// TestQueueRepresentations: the XML and CSV forms of a queue and of the
// list, whose fields are the JSON ones.
func TestQueueRepresentations(t *testing.T) {
	srv := queueServer(t)
	enqueue(t, srv, "/voice")
	sid := srv.Queue("support").SID()
	status, ctype, body := restGet(t, srv, "/Queues/"+sid+".xml")
	var doc struct {
		Queue struct {
			Sid          string
			FriendlyName string
			CurrentSize  int
			MaxSize      int
		}
	}
	if err := xml.Unmarshal([]byte(body), &doc); status != http.StatusOK || ctype != "application/xml" || err != nil ||
		doc.Queue.Sid != sid || doc.Queue.FriendlyName != "support" || doc.Queue.CurrentSize != 1 || doc.Queue.MaxSize != 1000 {
		t.Errorf("XML: %d %s %+v (%v): %s", status, ctype, doc.Queue, err, body)
	}
	status, ctype, body = restGet(t, srv, "/Queues.csv")
	header, rows := csvRows(t, body)
	if status != http.StatusOK || ctype != "text/csv" || len(rows) != 1 || rows[0]["sid"] != sid || rows[0]["current_size"] != "1" ||
		!cmp.Equal(header, []string{"account_sid", "average_wait_time", "current_size", "date_created", "date_updated", "friendly_name", "max_size", "sid", "uri"}) {
		t.Errorf("CSV: %d %s %v %v", status, ctype, header, rows)
	}
}

// TestQueuesPerAccountLimit: past harness.Limits.QueuesPerAccount the
// Queues API refuses to create one (400, 20001) and <Enqueue> of a new
// name does not enqueue the call (CodeLimitReached, QueueResult
// system-error), while existing queues still take callers; deleting one
// makes room.
func TestQueuesPerAccountLimit(t *testing.T) {
	srv := queueServer(t, harness.WithLimits(harness.Limits{QueuesPerAccount: 2}))
	rest := restClient(srv)
	enqueue(t, srv, "/voice") // makes "support"
	extra, err := rest.CreateQueue((&api.CreateQueueParams{}).SetFriendlyName("extra"))
	if err != nil {
		t.Fatal(err)
	}
	status, body := restDo(t, srv, http.MethodPost, "/Queues.json", url.Values{"FriendlyName": {"more"}})
	wantAPIError(t, "create past the limit", status, body, 400, 20001, "harness.Limits.QueuesPerAccount")

	refused := enqueue(t, srv, "/other") // "sales" is new
	got := requests(refused, "QueueResult", "QueueSid")
	want := []req{{harness.KindVoice, "POST", "/other", map[string]string{}}, {harness.KindAction, "POST", "/left", values("QueueResult", "system-error")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the call enqueued in a new queue past the limit (-want +got):\n%s", diff)
	}
	if ns := refused.Notifications(); len(ns) != 1 || ns[0].Code != harness.CodeLimitReached || !strings.Contains(ns[0].Message, "QueuesPerAccount") {
		t.Errorf("notifications %v, want one CodeLimitReached naming QueuesPerAccount", notes(refused))
	}
	if refused.Status() != harness.StatusInProgress || !cmp.Equal(said(refused), []string{"You left the queue"}) {
		t.Errorf("the refused call is %s and said %v: it goes on with its action", refused.Status(), said(refused))
	}
	if srv.Queue("sales") != nil {
		t.Errorf("queue sales was made past the limit")
	}
	enqueue(t, srv, "/voice")
	if n := srv.Queue("support").Info().CurrentSize; n != 2 {
		t.Errorf("an existing queue takes callers at the limit: %d waiting, want 2", n)
	}

	other, token, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := restClientFor(srv, other, token).CreateQueue((&api.CreateQueueParams{}).SetFriendlyName("more")); err != nil {
		t.Errorf("the limit is per account, another account may create: %v", err)
	}
	if err := rest.DeleteQueue(*extra.Sid, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := rest.CreateQueue((&api.CreateQueueParams{}).SetFriendlyName("more")); err != nil {
		t.Errorf("after a delete there is room again: %v", err)
	}
}

// TestQueueRenameWhileViewed: a queue renamed over REST while a test reads
// its Name from another goroutine (run with -race).
func TestQueueRenameWhileViewed(t *testing.T) {
	srv := queueServer(t)
	q, err := restClient(srv).CreateQueue((&api.CreateQueueParams{}).SetFriendlyName("q0"))
	if err != nil {
		t.Fatal(err)
	}
	view := srv.Queue(*q.Sid)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 100 {
			_ = view.Name()
		}
	}()
	for i := range 20 {
		if _, err := restClient(srv).UpdateQueue(*q.Sid, (&api.UpdateQueueParams{}).SetFriendlyName(fmt.Sprintf("q%d", i+1))); err != nil {
			t.Fatal(err)
		}
	}
	<-done
	if name := view.Name(); name != "q20" {
		t.Errorf("Name() = %q, want q20", name)
	}
}
