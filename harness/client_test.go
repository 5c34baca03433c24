package harness_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// These tests drive the unmodified twilio-go client (v1.31.0) against the
// fake through srv.HTTPClient(), and check what it gets back, and the
// webhooks the fake sends, against ../shared/reference. Package-level names
// of this file start with "cli" so as not to collide with other test files.

const (
	cliOrigin     = "https://app.example.com"
	cliPauseLong  = `<Response><Pause length="600"/></Response>`
	cliHangUp     = `<Response><Hangup/></Response>`
	cliFormType   = "application/x-www-form-urlencoded"
	cliCallPrefix = "/2010-04-01/Accounts/"
)

var (
	cliCallSID      = regexp.MustCompile(`^CA[0-9a-f]{32}$`)
	cliRecordingSID = regexp.MustCompile(`^RE[0-9a-f]{32}$`)
	cliAllEvents    = []string{"initiated", "ringing", "answered", "completed"}
)

// cliRef returns a pointer to a copy of v.
func cliRef[T any](v T) *T { return &v }

// cliDate formats t as Twilio's REST dates and Timestamp parameters do
// (RFC 2822, UTC).
func cliDate(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// cliAt returns the instant d after the server's virtual start.
func cliAt(d time.Duration) time.Time { return harness.DefaultStartTime().Add(d) }

// cliCreate creates a call with the official client and returns its SID.
func cliCreate(t *testing.T, tw *twilio.RestClient, p *api.CreateCallParams) string {
	t.Helper()
	c, err := tw.Api.CreateCall(p)
	if err != nil {
		t.Fatalf("CreateCall: %v", err)
	}
	if c.Sid == nil || !cliCallSID.MatchString(*c.Sid) {
		t.Fatalf("CreateCall: sid = %v, want CA and 32 lowercase hex digits", cliDeref(c.Sid))
	}
	return *c.Sid
}

// cliTwimlCall returns create parameters for a call from +14155550199 to to
// that runs doc inline.
func cliTwimlCall(to, doc string) *api.CreateCallParams {
	p := &api.CreateCallParams{}
	return p.SetTo(to).SetFrom("+14155550199").SetTwiml(doc)
}

// cliDeref renders a nullable string field for messages and comparisons:
// quoted, or <nil>.
func cliDeref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return strconv.Quote(*p)
}

// cliRestError asserts that err is a *client.TwilioRestError with the given
// code and HTTP status and Twilio's more_info link, and returns it.
func cliRestError(t *testing.T, err error, code, status int) *client.TwilioRestError {
	t.Helper()
	var rerr *client.TwilioRestError
	if !errors.As(err, &rerr) {
		t.Fatalf("error = %v (%T), want a *client.TwilioRestError with code %d", err, err, code)
	}
	if rerr.Code != code || rerr.Status != status {
		t.Errorf("error code %d status %d (%q), want code %d status %d", rerr.Code, rerr.Status, rerr.Message, code, status)
	}
	if want := "https://www.twilio.com/docs/errors/" + strconv.Itoa(code); rerr.MoreInfo != want {
		t.Errorf("error more_info = %q, want %q", rerr.MoreInfo, want)
	}
	return rerr
}

// cliSIDs returns the SIDs of calls, in order.
func cliSIDs(calls []api.ApiV2010Call) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = "<nil>"
		if c.Sid != nil {
			out[i] = *c.Sid
		}
	}
	return out
}

// cliSubresources returns the subresource_uris Twilio shows for a call.
func cliSubresources(acct, sid string) *map[string]interface{} {
	base := cliCallPrefix + acct + "/Calls/" + sid
	m := map[string]interface{}{}
	for key, name := range map[string]string{
		"notifications": "Notifications", "recordings": "Recordings", "payments": "Payments",
		"events": "Events", "siprec": "Siprec", "streams": "Streams", "transcriptions": "Transcriptions",
		"user_defined_message_subscriptions": "UserDefinedMessageSubscriptions",
		"user_defined_messages":              "UserDefinedMessages",
	} {
		m[key] = base + "/" + name + ".json"
	}
	return &m
}

// cliFirstValues flattens a form as twilio-go's validator reads it.
func cliFirstValues(form url.Values) map[string]string {
	out := make(map[string]string, len(form))
	for k, vs := range form {
		if len(vs) > 0 {
			out[k] = vs[0]
		}
	}
	return out
}

// cliSummary renders requests one a line, for failure messages.
func cliSummary(reqs []harness.Request) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "  +%v %s %s %s CallStatus=%q\n", r.Time.Sub(harness.DefaultStartTime()), r.Kind, r.Method,
			strings.SplitN(r.URL, "?", 2)[0], r.Form.Get("CallStatus"))
	}
	if len(reqs) == 0 {
		b.WriteString("  (none)\n")
	}
	return b.String()
}

// cliRequestsOf returns the requests of one kind made for a call.
func cliRequestsOf(srv *harness.Server, sid string, kind harness.RequestKind) []harness.Request {
	var out []harness.Request
	for _, r := range srv.Call(sid).Requests() {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

func TestClientCreateFetch(t *testing.T) {
	a := newApp(`<Response><Pause length="30"/></Response>`)
	srv := newServer(t, harness.WithApp(cliOrigin, a),
		harness.WithParty("+14155550100", scenario.AnswersAfter(5*time.Second)))
	tw := restClient(srv)
	acct := srv.AccountSID()

	p := &api.CreateCallParams{}
	p.SetTo("415-555-0100").
		SetFrom("+1 (415) 555-0199").
		SetUrl(cliOrigin + "/voice").
		SetMethod("GET").
		SetFallbackUrl(cliOrigin + "/fallback").
		SetFallbackMethod("POST").
		SetStatusCallback(cliOrigin + "/status").
		SetStatusCallbackEvent(cliAllEvents).
		SetStatusCallbackMethod("POST").
		SetTimeout(30).
		SetRecord(true).
		SetRecordingChannels("mono").
		SetRecordingTrack("both").
		SetTrim("do-not-trim").
		SetRecordingStatusCallback(cliOrigin + "/recording").
		SetRecordingStatusCallbackMethod("POST").
		SetRecordingStatusCallbackEvent([]string{"in-progress", "completed"}).
		SetMachineDetection("Enable"). // ignored by Twilio: SendDigits is set
		SetMachineDetectionTimeout(30).
		SetSendDigits("1234#").
		SetTimeLimit(600).
		SetCallerId("+14155550199")
	created, err := tw.Api.CreateCall(p)
	if err != nil {
		t.Fatalf("CreateCall: %v", err)
	}
	if created.Sid == nil || !cliCallSID.MatchString(*created.Sid) {
		t.Fatalf("created sid = %s, want ^CA[0-9a-f]{32}$", cliDeref(created.Sid))
	}
	sid := *created.Sid
	uri := cliCallPrefix + acct + "/Calls/" + sid + ".json"

	wantCreated := api.ApiV2010Call{
		Sid:             cliRef(sid),
		DateCreated:     cliRef(cliDate(harness.DefaultStartTime())),
		DateUpdated:     cliRef(cliDate(harness.DefaultStartTime())),
		AccountSid:      cliRef(acct),
		To:              cliRef("+14155550100"),
		ToFormatted:     cliRef("(415) 555-0100"),
		From:            cliRef("+14155550199"),
		FromFormatted:   cliRef("(415) 555-0199"),
		Status:          cliRef("queued"),
		PriceUnit:       cliRef("USD"),
		Direction:       cliRef("outbound-api"),
		ApiVersion:      cliRef("2010-04-01"),
		QueueTime:       cliRef("0"),
		Uri:             cliRef(uri),
		SubresourceUris: cliSubresources(acct, sid),
		// ParentCallSid, PhoneNumberSid, StartTime, EndTime, Duration, Price,
		// AnsweredBy, ForwardedFrom, GroupSid, CallerName, TrunkSid: null.
	}
	if diff := cmp.Diff(wantCreated, *created); diff != "" {
		t.Errorf("CreateCall result mismatch (-want +got):\n%s", diff)
	}
	if created.DateCreated != nil {
		dc, err := time.Parse(time.RFC1123Z, *created.DateCreated)
		if err != nil {
			t.Errorf("date_created %q is not RFC 2822: %v", *created.DateCreated, err)
		} else if !dc.Equal(harness.DefaultStartTime()) || !dc.Equal(srv.Now()) {
			t.Errorf("date_created = %v, want the virtual start %v (now %v)", dc, harness.DefaultStartTime(), srv.Now())
		}
	}
	if created.Duration != nil && *created.Duration != "" {
		t.Errorf("created duration = %q, want null or empty", *created.Duration)
	}
	if created.Price != nil || created.StartTime != nil {
		t.Errorf("created price = %s, start_time = %s, want both null", cliDeref(created.Price), cliDeref(created.StartTime))
	}

	// The client sent every parameter; the list-valued ones as repeated keys.
	sent := srv.Call(sid).Params()
	if diff := cmp.Diff(cliAllEvents, sent["StatusCallbackEvent"]); diff != "" {
		t.Errorf("StatusCallbackEvent as received mismatch (-want +got):\n%s", diff)
	}
	for key, want := range map[string]string{"Timeout": "30", "Record": "true", "TimeLimit": "600",
		"SendDigits": "1234#", "MachineDetection": "Enable", "Method": "GET"} {
		if got := sent.Get(key); got != want {
			t.Errorf("%s as received = %q, want %q", key, got, want)
		}
	}

	// Rings 5 s, answers, sends the digits (1 s: five tones), runs a 30 s
	// pause, hangs up at the end of the document.
	info := srv.Call(sid).Wait()
	if info.Status != harness.StatusCompleted || !info.Started.Equal(cliAt(0)) ||
		!info.Answered.Equal(cliAt(5*time.Second)) || !info.Ended.Equal(cliAt(36*time.Second)) {
		t.Errorf("call info: status %s started %v answered %v ended %v, want completed, +0s, +5s, +36s",
			info.Status, info.Started, info.Answered, info.Ended)
	}

	fetched, err := tw.Api.FetchCall(sid, nil)
	if err != nil {
		t.Fatalf("FetchCall: %v", err)
	}
	wantFetched := wantCreated
	wantFetched.Status = cliRef("completed")
	wantFetched.DateUpdated = cliRef(cliDate(cliAt(36 * time.Second)))
	wantFetched.StartTime = cliRef(cliDate(cliAt(0)))
	wantFetched.EndTime = cliRef(cliDate(cliAt(36 * time.Second)))
	wantFetched.Duration = cliRef("31")
	wantFetched.Price = cliRef("-0.01400")
	if diff := cmp.Diff(wantFetched, *fetched); diff != "" {
		t.Errorf("FetchCall result mismatch (-want +got):\n%s", diff)
	}
	for name, v := range map[string]*string{"start_time": fetched.StartTime, "end_time": fetched.EndTime} {
		if v == nil {
			continue
		}
		if _, err := time.Parse(time.RFC1123Z, *v); err != nil {
			t.Errorf("%s %q is not RFC 2822: %v", name, *v, err)
		}
	}

	// The Url was requested with GET once the digits were sent, without
	// AnsweredBy: MachineDetection is ignored when SendDigits is given.
	voice := cliRequestsOf(srv, sid, harness.KindVoice)
	if len(voice) != 1 {
		t.Fatalf("voice requests: got %d, want 1\n%s", len(voice), srv.Call(sid).Transcript())
	}
	v := voice[0]
	if v.Method != http.MethodGet || !strings.HasPrefix(v.URL, cliOrigin+"/voice?") || !v.Time.Equal(cliAt(6*time.Second)) {
		t.Errorf("voice request %s %s at %v, want GET %s/voice?… at +6s", v.Method, v.URL, v.Time, cliOrigin)
	}
	if got := v.Form.Get("CallStatus"); got != "in-progress" {
		t.Errorf("voice request CallStatus = %q, want in-progress", got)
	}
	if _, ok := v.Form["AnsweredBy"]; ok {
		t.Errorf("voice request carries AnsweredBy=%q; MachineDetection is ignored when SendDigits is set", v.Form.Get("AnsweredBy"))
	}

	addresses := []struct {
		to, from                    string
		wantTo, wantToFormatted     string
		wantFrom, wantFromFormatted string
	}{
		{"(415) 555-0100", "1-415-555-0199", "+14155550100", "(415) 555-0100", "+14155550199", "(415) 555-0199"},
		{"+1 415.555.0100", "+14155550199", "+14155550100", "(415) 555-0100", "+14155550199", "(415) 555-0199"},
		{"+442071838750", "+14155550199", "+442071838750", "+442071838750", "+14155550199", "(415) 555-0199"},
	}
	for _, tc := range addresses {
		t.Run("addresses "+tc.to, func(t *testing.T) {
			p := &api.CreateCallParams{}
			c, err := tw.Api.CreateCall(p.SetTo(tc.to).SetFrom(tc.from).SetTwiml(cliHangUp))
			if err != nil {
				t.Fatalf("CreateCall: %v", err)
			}
			got := []string{cliDeref(c.To), cliDeref(c.ToFormatted), cliDeref(c.From), cliDeref(c.FromFormatted)}
			want := []string{strconv.Quote(tc.wantTo), strconv.Quote(tc.wantToFormatted), strconv.Quote(tc.wantFrom),
				strconv.Quote(tc.wantFromFormatted)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("to, to_formatted, from, from_formatted mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClientListPaging(t *testing.T) {
	const toA, toB = "+14155550101", "+14155550102"
	srv := newServer(t)
	tw := restClient(srv)
	acct := srv.AccountSID()

	// One call a minute; each is over well within its minute.
	steps := []struct {
		to     string
		party  scenario.Party
		status harness.Status
	}{
		{toA, scenario.AnswersAfter(5 * time.Second), harness.StatusCompleted},  // 0, starts +0m
		{toA, scenario.Busy(), harness.StatusBusy},                              // 1, +1m
		{toB, scenario.NoAnswer(), harness.StatusNoAnswer},                      // 2, +2m
		{toA, scenario.NoAnswer(), harness.StatusNoAnswer},                      // 3, +3m
		{toB, scenario.AnswersAfter(2 * time.Second), harness.StatusCompleted},  // 4, +4m
		{toA, scenario.Busy(), harness.StatusBusy},                              // 5, +5m
		{toA, scenario.AnswersAfter(0), harness.StatusCompleted},                // 6, +6m
		{toA, scenario.AnswersAfter(10 * time.Second), harness.StatusCompleted}, // 7, +7m
		{toA, scenario.Busy(), harness.StatusBusy},                              // 8, +8m
	}
	sids := make([]string, len(steps))
	for i, s := range steps {
		srv.SetParty(s.to, s.party)
		sids[i] = cliCreate(t, tw, cliTwimlCall(s.to, `<Response><Pause length="10"/></Response>`).SetTimeout(20))
		srv.Advance(time.Minute)
	}
	srv.Run()
	for i, s := range steps {
		info := srv.Call(sids[i]).Info()
		if info.Status != s.status || !info.Started.Equal(cliAt(time.Duration(i)*time.Minute)) {
			t.Fatalf("call %d: status %s started %v, want %s at +%dm (test setup broken)", i, info.Status, info.Started, s.status, i)
		}
	}
	pick := func(idx ...int) []string {
		out := []string{}
		for _, i := range idx {
			out = append(out, sids[i])
		}
		return out
	}
	listPath := cliCallPrefix + acct + "/Calls.json"
	// pageRequests returns the list requests served since the record had n
	// REST requests.
	pageRequests := func(n int) []harness.APIRequest {
		var out []harness.APIRequest
		for _, r := range srv.APIRequests()[n:] {
			if r.Method == http.MethodGet && strings.HasPrefix(r.Path, listPath) {
				out = append(out, r)
			}
		}
		return out
	}

	t.Run("ListCall follows next_page_uri", func(t *testing.T) {
		before := len(srv.APIRequests())
		calls, err := tw.Api.ListCall(&api.ListCallParams{To: cliRef(toA), PageSize: cliRef(2)})
		if err != nil {
			t.Fatalf("ListCall: %v", err)
		}
		if diff := cmp.Diff(pick(8, 7, 6, 5, 3, 1, 0), cliSIDs(calls)); diff != "" {
			t.Errorf("ListCall To=%s PageSize=2 SIDs mismatch (-want +got):\n%s", toA, diff)
		}
		reqs := pageRequests(before)
		if len(reqs) != 4 {
			t.Fatalf("list requests: got %d, want 4 pages of 2, 2, 2, 1", len(reqs))
		}
		for i, r := range reqs {
			u, err := url.Parse(r.Path)
			if err != nil {
				t.Fatalf("page %d: bad path %q: %v", i, r.Path, err)
			}
			q := u.Query()
			if r.Status != http.StatusOK || q.Get("To") != toA || q.Get("PageSize") != "2" {
				t.Errorf("page %d: %s -> %d, want 200 with To=%s and PageSize=2", i, r.Path, r.Status, toA)
			}
			if hasToken := q.Get("PageToken") != ""; hasToken != (i > 0) || (i > 0 && q.Get("Page") != strconv.Itoa(i)) {
				t.Errorf("page %d: %s: want Page=%d and a PageToken on every page after the first", i, r.Path, i)
			}
		}
	})

	t.Run("PageCall", func(t *testing.T) {
		params := &api.ListCallParams{To: cliRef(toA), PageSize: cliRef(2)}
		page, err := tw.Api.PageCall(params, "", "")
		if err != nil {
			t.Fatalf("PageCall: %v", err)
		}
		first := listPath + "?To=%2B14155550101&PageSize=2&Page=0"
		want := api.ListCallResponse{Page: 0, PageSize: 2, Start: 0, End: 1, FirstPageUri: first, Uri: first}
		got := *page
		got.Calls, got.NextPageUri = nil, nil
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("first page envelope mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(pick(8, 7), cliSIDs(page.Calls)); diff != "" {
			t.Errorf("first page SIDs mismatch (-want +got):\n%s", diff)
		}

		// Walk the pages by hand, as the client would, from next_page_uri.
		var walked [][]string
		walked = append(walked, cliSIDs(page.Calls))
		for n := 1; page.NextPageUri != nil && *page.NextPageUri != ""; n++ {
			next := *page.NextPageUri
			if !strings.HasPrefix(next, "/2010-04-01/") {
				t.Fatalf("next_page_uri %q is not relative to https://api.twilio.com", next)
			}
			u, err := url.Parse(next)
			if err != nil || u.Scheme != "" || u.Host != "" || u.Path != listPath {
				t.Fatalf("next_page_uri %q: want the path %s and a query, no scheme or host (%v)", next, listPath, err)
			}
			q := u.Query()
			token := q.Get("PageToken")
			wantQuery := url.Values{"To": {toA}, "PageSize": {"2"}, "Page": {strconv.Itoa(n)}, "PageToken": {token}}
			if diff := cmp.Diff(wantQuery, q); diff != "" || token == "" {
				t.Errorf("next_page_uri %q query mismatch (-want +got), PageToken %q:\n%s", next, token, diff)
			}
			if n > 4 {
				t.Fatalf("more than 4 pages")
			}
			if page, err = tw.Api.PageCall(params, token, q.Get("Page")); err != nil {
				t.Fatalf("PageCall page %d: %v", n, err)
			}
			if page.Uri != next || page.FirstPageUri != first {
				t.Errorf("page %d: uri %q first_page_uri %q, want %q (the next_page_uri followed) and %q",
					n, page.Uri, page.FirstPageUri, next, first)
			}
			if page.Page != n || page.Start != 2*n || page.End != 2*n+len(page.Calls)-1 ||
				page.PreviousPageUri == nil || *page.PreviousPageUri == "" {
				t.Errorf("page %d: page %d start %d end %d previous_page_uri %s, want page %d start %d end %d and a previous page",
					n, page.Page, page.Start, page.End, cliDeref(page.PreviousPageUri), n, 2*n, 2*n+len(page.Calls)-1)
			}
			walked = append(walked, cliSIDs(page.Calls))
		}
		if diff := cmp.Diff([][]string{pick(8, 7), pick(6, 5), pick(3, 1), pick(0)}, walked); diff != "" {
			t.Errorf("pages walked by next_page_uri mismatch (-want +got):\n%s", diff)
		}
	})

	filters := []struct {
		name   string
		params api.ListCallParams
		want   []string
	}{
		{"no filter", api.ListCallParams{PageSize: cliRef(4)}, pick(8, 7, 6, 5, 4, 3, 2, 1, 0)},
		{"To B", api.ListCallParams{To: cliRef(toB), PageSize: cliRef(1)}, pick(4, 2)},
		{"Status busy", api.ListCallParams{Status: cliRef("busy"), PageSize: cliRef(2)}, pick(8, 5, 1)},
		{"Status no-answer", api.ListCallParams{Status: cliRef("no-answer")}, pick(3, 2)},
		{"Status completed and To B", api.ListCallParams{Status: cliRef("completed"), To: cliRef(toB)}, pick(4)},
		{"Status canceled", api.ListCallParams{Status: cliRef("canceled")}, pick()},
		{"StartTime> at a call's start", api.ListCallParams{StartTimeAfter: cliRef(cliAt(2 * time.Minute)), PageSize: cliRef(3)},
			pick(8, 7, 6, 5, 4, 3, 2)},
		{"StartTime< at a call's start", api.ListCallParams{StartTimeBefore: cliRef(cliAt(2 * time.Minute))}, pick(2, 1, 0)},
		{"StartTime> and StartTime<", api.ListCallParams{StartTimeAfter: cliRef(cliAt(2 * time.Minute)),
			StartTimeBefore: cliRef(cliAt(5 * time.Minute)), PageSize: cliRef(2)}, pick(5, 4, 3, 2)},
		{"StartTime> and StartTime< between starts", api.ListCallParams{StartTimeAfter: cliRef(cliAt(2*time.Minute + time.Second)),
			StartTimeBefore: cliRef(cliAt(5*time.Minute - time.Second))}, pick(4, 3)},
		{"StartTime> and To A", api.ListCallParams{To: cliRef(toA), StartTimeAfter: cliRef(cliAt(5 * time.Minute))}, pick(8, 7, 6, 5)},
		{"StartTime> in another time zone", api.ListCallParams{
			StartTimeAfter: cliRef(cliAt(7 * time.Minute).In(time.FixedZone("PST", -8*3600)))}, pick(8, 7)},
		{"EndTime<", api.ListCallParams{EndTimeBefore: cliRef(cliAt(time.Minute))}, pick(1, 0)},
		{"ParentCallSid", api.ListCallParams{ParentCallSid: cliRef(sids[0])}, pick()},
		{"Limit", api.ListCallParams{To: cliRef(toA), Limit: cliRef(3)}, pick(8, 7, 6)},
		{"Limit with PageSize", api.ListCallParams{Limit: cliRef(3), PageSize: cliRef(2)}, pick(8, 7, 6)},
	}
	for _, tc := range filters {
		t.Run(tc.name, func(t *testing.T) {
			before := len(srv.APIRequests())
			params := tc.params
			calls, err := tw.Api.ListCall(&params)
			if err != nil {
				t.Fatalf("ListCall: %v", err)
			}
			if diff := cmp.Diff(tc.want, cliSIDs(calls)); diff != "" {
				t.Errorf("ListCall SIDs mismatch (-want +got):\n%s", diff)
			}
			for _, r := range pageRequests(before) {
				if r.Status != http.StatusOK {
					t.Errorf("%s -> %d: %s", r.Path, r.Status, r.Body)
				}
			}
		})
	}

	t.Run("Limit stops paging", func(t *testing.T) {
		before := len(srv.APIRequests())
		calls, err := tw.Api.ListCall(&api.ListCallParams{Limit: cliRef(3), PageSize: cliRef(2)})
		if err != nil {
			t.Fatalf("ListCall: %v", err)
		}
		if len(calls) != 3 {
			t.Errorf("ListCall Limit=3: got %d calls, want 3", len(calls))
		}
		if n := len(pageRequests(before)); n != 2 {
			t.Errorf("ListCall Limit=3 PageSize=2: %d page requests, want 2", n)
		}
	})

	// Last, as it adds a call: the next page continues after the last call
	// of the page before, however many calls were made meanwhile.
	t.Run("next_page_uri is a cursor", func(t *testing.T) {
		params := &api.ListCallParams{To: cliRef(toA), PageSize: cliRef(2)}
		page, err := tw.Api.PageCall(params, "", "")
		if err != nil {
			t.Fatalf("PageCall: %v", err)
		}
		if page.NextPageUri == nil {
			t.Fatalf("first page has no next_page_uri")
		}
		newest := cliCreate(t, tw, cliTwimlCall(toA, cliHangUp))
		u, err := url.Parse(*page.NextPageUri)
		if err != nil {
			t.Fatalf("next_page_uri %q: %v", *page.NextPageUri, err)
		}
		next, err := tw.Api.PageCall(params, u.Query().Get("PageToken"), u.Query().Get("Page"))
		if err != nil {
			t.Fatalf("PageCall page 1: %v", err)
		}
		if diff := cmp.Diff(pick(6, 5), cliSIDs(next.Calls)); diff != "" {
			t.Errorf("page 1 after a new call %s mismatch (-want +got):\n%s", newest, diff)
		}
	})
}

// cliLiveCall creates a call that answers at once and pauses for ten minutes,
// runs it for ten seconds of virtual time and returns its SID.
func cliLiveCall(t *testing.T, srv *harness.Server, tw *twilio.RestClient, p *api.CreateCallParams) string {
	t.Helper()
	sid := cliCreate(t, tw, p)
	srv.Advance(10 * time.Second)
	if st := srv.Call(sid).Status(); st != harness.StatusInProgress {
		t.Fatalf("call %s is %s after 10 s, want in-progress (test setup broken)", sid, st)
	}
	return sid
}

// cliEventLine is an entry of a call's history, for comparisons.
type cliEventLine struct {
	At     time.Duration // from the server's start
	Kind   harness.EventKind
	Status harness.Status
	Text   string
	Dur    time.Duration
}

// cliHistory returns the call's status changes, pauses, speech, requests and
// hang-ups.
func cliHistory(c *harness.Call) []cliEventLine {
	var out []cliEventLine
	for _, e := range c.Events() {
		l := cliEventLine{At: e.Time.Sub(harness.DefaultStartTime()), Kind: e.Kind}
		switch e.Kind {
		case harness.EventStatus:
			l.Status = e.Status
		case harness.EventPause:
			l.Dur = e.Duration
		case harness.EventSay:
			l.Text, l.Dur = e.Text, e.Duration
		case harness.EventRequest:
			l.Text = fmt.Sprintf("%s %s %s", e.Request.Kind, e.Request.Method, strings.SplitN(e.Request.URL, "?", 2)[0])
		case harness.EventHangup:
		default:
			continue
		}
		out = append(out, l)
	}
	return out
}

func TestClientUpdate(t *testing.T) {
	const to = "+14155550100"
	answered := []cliEventLine{
		{0, harness.EventStatus, harness.StatusQueued, "", 0},
		{0, harness.EventStatus, harness.StatusInitiated, "", 0},
		{0, harness.EventStatus, harness.StatusRinging, "", 0},
		{0, harness.EventStatus, harness.StatusInProgress, "", 0},
		{0, harness.EventPause, "", "", 600 * time.Second},
	}

	t.Run("Url redirects a live call", func(t *testing.T) {
		a := newApp(`<Response><Say>Redirected</Say><Hangup/></Response>`)
		srv := newServer(t, harness.WithApp(cliOrigin, a))
		tw := restClient(srv)
		sid := cliLiveCall(t, srv, tw, cliTwimlCall(to, cliPauseLong))

		u := &api.UpdateCallParams{}
		got, err := tw.Api.UpdateCall(sid, u.SetUrl(cliOrigin+"/voice").SetMethod("GET"))
		if err != nil {
			t.Fatalf("UpdateCall Url: %v", err)
		}
		if cliDeref(got.Sid) != strconv.Quote(sid) || cliDeref(got.Status) != `"in-progress"` {
			t.Errorf("UpdateCall returned sid %s status %s, want %s in-progress", cliDeref(got.Sid), cliDeref(got.Status), sid)
		}
		info := srv.Call(sid).Wait()
		want := append(append([]cliEventLine{}, answered...),
			cliEventLine{10 * time.Second, harness.EventRequest, "", "voice GET " + cliOrigin + "/voice", 0},
			cliEventLine{10 * time.Second, harness.EventSay, "", "Redirected", time.Second},
			cliEventLine{11 * time.Second, harness.EventHangup, "", "", 0},
			cliEventLine{11 * time.Second, harness.EventStatus, harness.StatusCompleted, "", 0},
		)
		if diff := cmp.Diff(want, cliHistory(srv.Call(sid))); diff != "" {
			t.Errorf("history mismatch (-want +got):\n%s\ntranscript:\n%s", diff, srv.Call(sid).Transcript())
		}
		if info.Status != harness.StatusCompleted || !info.Ended.Equal(cliAt(11*time.Second)) {
			t.Errorf("call %s ended %v, want completed at +11s: the pause must be abandoned", info.Status, info.Ended)
		}
		voice := cliRequestsOf(srv, sid, harness.KindVoice)
		if len(voice) != 1 || voice[0].Form.Get("CallStatus") != "in-progress" || voice[0].Form.Get("CallSid") != sid {
			t.Errorf("voice requests after the update:\n%s\nwant one with CallStatus in-progress", cliSummary(voice))
		}
		a.mu.Lock()
		n := len(a.requests)
		a.mu.Unlock()
		if n != 1 {
			t.Errorf("the app got %d requests, want 1", n)
		}
	})

	t.Run("Twiml replaces the running document", func(t *testing.T) {
		srv := newServer(t)
		tw := restClient(srv)
		sid := cliLiveCall(t, srv, tw, cliTwimlCall(to, cliPauseLong))
		u := &api.UpdateCallParams{}
		// The new document outlasts the old pause: nothing of the old
		// document may resume at +600s.
		doc := `<Response><Say>Twiml update spoken</Say><Pause length="900"/></Response>`
		if _, err := tw.Api.UpdateCall(sid, u.SetTwiml(doc)); err != nil {
			t.Fatalf("UpdateCall Twiml: %v", err)
		}
		info := srv.Call(sid).Wait()
		end := 911200 * time.Millisecond
		want := append(append([]cliEventLine{}, answered...),
			cliEventLine{10 * time.Second, harness.EventSay, "", "Twiml update spoken", 1200 * time.Millisecond},
			cliEventLine{11200 * time.Millisecond, harness.EventPause, "", "", 900 * time.Second},
			cliEventLine{end, harness.EventHangup, "", "", 0},
			cliEventLine{end, harness.EventStatus, harness.StatusCompleted, "", 0},
		)
		if diff := cmp.Diff(want, cliHistory(srv.Call(sid))); diff != "" {
			t.Errorf("history mismatch (-want +got):\n%s", diff)
		}
		if info.Status != harness.StatusCompleted || info.Duration != end {
			t.Errorf("call %s lasted %v, want completed after %v", info.Status, info.Duration, end)
		}
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("an inline Twiml update made %d requests, want none", n)
		}
	})

	t.Run("TimeLimit ends the call at answer plus the limit", func(t *testing.T) {
		srv := newServer(t, harness.WithParty(to, scenario.AnswersAfter(5*time.Second)))
		tw := restClient(srv)
		sid := cliCreate(t, tw, cliTwimlCall(to, cliPauseLong))
		srv.Advance(20 * time.Second)
		u := &api.UpdateCallParams{}
		if _, err := tw.Api.UpdateCall(sid, u.SetTimeLimit(30)); err != nil {
			t.Fatalf("UpdateCall TimeLimit: %v", err)
		}
		info := srv.Call(sid).Wait()
		if info.Status != harness.StatusCompleted || !info.Answered.Equal(cliAt(5*time.Second)) ||
			!info.Ended.Equal(cliAt(35*time.Second)) {
			t.Errorf("call %s answered %v ended %v, want completed, answered +5s, ended +35s", info.Status, info.Answered, info.Ended)
		}
		c, err := tw.Api.FetchCall(sid, nil)
		if err != nil {
			t.Fatalf("FetchCall: %v", err)
		}
		if cliDeref(c.Duration) != `"30"` || cliDeref(c.EndTime) != strconv.Quote(cliDate(cliAt(35*time.Second))) {
			t.Errorf("fetched duration %s end_time %s, want \"30\" and %s", cliDeref(c.Duration), cliDeref(c.EndTime), cliDate(cliAt(35*time.Second)))
		}
	})

	t.Run("Status completed hangs up an in-progress call", func(t *testing.T) {
		srv := newServer(t, harness.WithApp(cliOrigin, newApp("")))
		tw := restClient(srv)
		sid := cliLiveCall(t, srv, tw, cliTwimlCall(to, cliPauseLong).SetStatusCallback(cliOrigin+"/status"))
		u := &api.UpdateCallParams{}
		if _, err := tw.Api.UpdateCall(sid, u.SetStatus("completed")); err != nil {
			t.Fatalf("UpdateCall Status=completed: %v", err)
		}
		srv.Run()
		info := srv.Call(sid).Info()
		if info.Status != harness.StatusCompleted || !info.Ended.Equal(cliAt(10*time.Second)) || info.Duration != 10*time.Second {
			t.Errorf("call %s ended %v after %v, want completed at +10s after 10s", info.Status, info.Ended, info.Duration)
		}
		cb := cliRequestsOf(srv, sid, harness.KindStatusCallback)
		if len(cb) != 1 || cb[0].Form.Get("CallStatus") != "completed" || cb[0].Form.Get("CallDuration") != "10" {
			t.Errorf("status callbacks:\n%s\nwant one completed with CallDuration 10", cliSummary(cb))
		}
	})

	t.Run("Status canceled cancels a queued call without callbacks", func(t *testing.T) {
		a := newApp(cliPauseLong)
		srv := newServer(t, harness.WithApp(cliOrigin, a))
		tw := restClient(srv)
		p := &api.CreateCallParams{}
		sid := cliCreate(t, tw, p.SetTo(to).SetFrom("+14155550199").SetUrl(cliOrigin+"/voice").
			SetStatusCallback(cliOrigin+"/status").SetStatusCallbackEvent(cliAllEvents))
		u := &api.UpdateCallParams{}
		if _, err := tw.Api.UpdateCall(sid, u.SetStatus("canceled")); err != nil {
			t.Fatalf("UpdateCall Status=canceled: %v", err)
		}
		srv.Run()
		c, err := tw.Api.FetchCall(sid, nil)
		if err != nil {
			t.Fatalf("FetchCall: %v", err)
		}
		if cliDeref(c.Status) != `"canceled"` || c.StartTime != nil {
			t.Errorf("fetched status %s start_time %s, want canceled and never started", cliDeref(c.Status), cliDeref(c.StartTime))
		}
		if reqs := srv.Requests(); len(reqs) != 0 {
			t.Errorf("a call canceled while queued made %d requests, want none (no status callbacks): first %s %s [%s]",
				len(reqs), reqs[0].Kind, reqs[0].URL, reqs[0].Form.Get("CallStatus"))
		}
	})

	t.Run("Status canceled cancels a ringing call", func(t *testing.T) {
		srv := newServer(t, harness.WithApp(cliOrigin, newApp(cliPauseLong)), harness.WithParty(to, scenario.NoAnswer()))
		tw := restClient(srv)
		sid := cliCreate(t, tw, cliTwimlCall(to, cliPauseLong).SetStatusCallback(cliOrigin+"/status"))
		srv.Advance(10 * time.Second)
		if st := srv.Call(sid).Status(); st != harness.StatusRinging {
			t.Fatalf("call is %s, want ringing (test setup broken)", st)
		}
		u := &api.UpdateCallParams{}
		if _, err := tw.Api.UpdateCall(sid, u.SetStatus("canceled")); err != nil {
			t.Fatalf("UpdateCall Status=canceled: %v", err)
		}
		srv.Run()
		if st := srv.Call(sid).Status(); st != harness.StatusCanceled {
			t.Errorf("status %s, want canceled", st)
		}
		cb := cliRequestsOf(srv, sid, harness.KindStatusCallback)
		if len(cb) != 1 || cb[0].Form.Get("CallStatus") != "canceled" || !cb[0].Time.Equal(cliAt(10*time.Second)) {
			t.Errorf("status callbacks:\n%s\nwant one with CallStatus canceled at +10s", cliSummary(cb))
		}
	})

	t.Run("Status canceled does not end an in-progress call", func(t *testing.T) {
		srv := newServer(t)
		tw := restClient(srv)
		sid := cliLiveCall(t, srv, tw, cliTwimlCall(to, cliPauseLong))
		u := &api.UpdateCallParams{}
		got, err := tw.Api.UpdateCall(sid, u.SetStatus("canceled"))
		if err != nil {
			t.Fatalf("UpdateCall Status=canceled: %v", err)
		}
		if cliDeref(got.Status) != `"in-progress"` {
			t.Errorf("UpdateCall returned status %s, want in-progress", cliDeref(got.Status))
		}
		srv.Advance(time.Minute)
		c, err := tw.Api.FetchCall(sid, nil)
		if err != nil {
			t.Fatalf("FetchCall: %v", err)
		}
		if cliDeref(c.Status) != `"in-progress"` || c.EndTime != nil {
			t.Errorf("a minute after Status=canceled: status %s end_time %s, want in-progress and no end", cliDeref(c.Status), cliDeref(c.EndTime))
		}
	})

	t.Run("an ended call cannot be updated", func(t *testing.T) {
		srv := newServer(t)
		tw := restClient(srv)
		sid := cliCreate(t, tw, cliTwimlCall(to, cliHangUp))
		srv.Call(sid).Wait()
		updates := []struct {
			name   string
			params *api.UpdateCallParams
		}{
			{"Url", (&api.UpdateCallParams{}).SetUrl(cliOrigin + "/voice")},
			{"Twiml", (&api.UpdateCallParams{}).SetTwiml(cliPauseLong)},
			{"Status completed", (&api.UpdateCallParams{}).SetStatus("completed")},
			{"TimeLimit", (&api.UpdateCallParams{}).SetTimeLimit(30)},
		}
		for _, u := range updates {
			t.Run(u.name, func(t *testing.T) {
				_, err := tw.Api.UpdateCall(sid, u.params)
				rerr := cliRestError(t, err, 21220, http.StatusBadRequest)
				if want := "Call is not in-progress. Cannot redirect."; rerr.Message != want {
					t.Errorf("message %q, want %q", rerr.Message, want)
				}
			})
		}
		if st := srv.Call(sid).Status(); st != harness.StatusCompleted {
			t.Errorf("status after the refused updates: %s, want completed", st)
		}
	})
}

func TestClientDelete(t *testing.T) {
	const to = "+14155550100"
	srv := newServer(t)
	tw := restClient(srv)
	acct := srv.AccountSID()

	t.Run("an ended call", func(t *testing.T) {
		sid := cliCreate(t, tw, cliTwimlCall(to, cliHangUp))
		srv.Call(sid).Wait()
		if err := tw.Api.DeleteCall(sid, nil); err != nil {
			t.Fatalf("DeleteCall: %v", err)
		}
		path := cliCallPrefix + acct + "/Calls/" + sid + ".json"
		_, err := tw.Api.FetchCall(sid, nil)
		rerr := cliRestError(t, err, 20404, http.StatusNotFound)
		if want := "The requested resource " + path + " was not found"; rerr.Message != want {
			t.Errorf("message %q, want %q", rerr.Message, want)
		}
		calls, err := tw.Api.ListCall(&api.ListCallParams{To: cliRef(to)})
		if err != nil {
			t.Fatalf("ListCall: %v", err)
		}
		for _, c := range calls {
			if c.Sid != nil && *c.Sid == sid {
				t.Errorf("ListCall still shows the deleted call %s", sid)
			}
		}
		cliRestError(t, tw.Api.DeleteCall(sid, nil), 20404, http.StatusNotFound)
		_, err = tw.Api.UpdateCall(sid, (&api.UpdateCallParams{}).SetStatus("completed"))
		cliRestError(t, err, 20404, http.StatusNotFound)
	})

	lives := []struct {
		name  string
		drive time.Duration
		want  harness.Status
	}{
		{"a queued call", 0, harness.StatusQueued},
		{"an in-progress call", 10 * time.Second, harness.StatusInProgress},
	}
	for _, tc := range lives {
		t.Run(tc.name, func(t *testing.T) {
			sid := cliCreate(t, tw, cliTwimlCall(to, cliPauseLong))
			if tc.drive > 0 {
				srv.Advance(tc.drive)
			}
			if st := srv.Call(sid).Status(); st != tc.want {
				t.Fatalf("call is %s, want %s (test setup broken)", st, tc.want)
			}
			cliRestError(t, tw.Api.DeleteCall(sid, nil), 20009, http.StatusBadRequest)
			c, err := tw.Api.FetchCall(sid, nil)
			if err != nil {
				t.Fatalf("FetchCall after a refused delete: %v", err)
			}
			if cliDeref(c.Status) != strconv.Quote(string(tc.want)) {
				t.Errorf("status after a refused delete %s, want %s", cliDeref(c.Status), tc.want)
			}
			if _, err := tw.Api.UpdateCall(sid, (&api.UpdateCallParams{}).SetStatus("completed")); err != nil {
				t.Fatalf("UpdateCall Status=completed: %v", err)
			}
			srv.Call(sid).Wait()
			if err := tw.Api.DeleteCall(sid, nil); err != nil {
				t.Errorf("DeleteCall once ended: %v", err)
			}
		})
	}
}

func TestClientErrors(t *testing.T) {
	srv := newServer(t)
	tw := restClient(srv)

	creates := []struct {
		name    string
		params  *api.CreateCallParams
		code    int
		message string
	}{
		{"no To", (&api.CreateCallParams{}).SetFrom("+14155550199").SetUrl(cliOrigin + "/voice"), 21201, "No 'To' number is specified"},
		{"nothing at all", &api.CreateCallParams{}, 21201, "No 'To' number is specified"},
		{"no From", (&api.CreateCallParams{}).SetTo("+14155550100").SetUrl(cliOrigin + "/voice"), 21213, "No 'From' number is specified"},
	}
	for _, tc := range creates {
		t.Run("create with "+tc.name, func(t *testing.T) {
			_, err := tw.Api.CreateCall(tc.params)
			rerr := cliRestError(t, err, tc.code, http.StatusBadRequest)
			if rerr.Message != tc.message {
				t.Errorf("message %q, want %q", rerr.Message, tc.message)
			}
		})
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("refused creates made %d calls", len(calls))
	}

	sid := cliCreate(t, tw, cliTwimlCall("+14155550100", cliHangUp))
	srv.Run()

	t.Run("wrong credentials", func(t *testing.T) {
		clients := map[string]*twilio.RestClient{
			"wrong token":     restClientFor(srv, srv.AccountSID(), "wrongtoken0123456789abcdef012345"),
			"unknown account": restClientFor(srv, "AC0123456789abcdef0123456789abcdef", srv.AuthToken()),
		}
		for name, bad := range clients {
			_, err := bad.Api.FetchCall(sid, nil)
			if rerr := cliRestError(t, err, 20003, http.StatusUnauthorized); rerr.Message != "Authenticate" {
				t.Errorf("%s: fetch message %q, want Authenticate", name, rerr.Message)
			}
			_, err = bad.Api.CreateCall(cliTwimlCall("+14155550100", cliHangUp))
			cliRestError(t, err, 20003, http.StatusUnauthorized)
			_, err = bad.Api.ListCall(nil)
			cliRestError(t, err, 20003, http.StatusUnauthorized)
		}
		if n := len(srv.Calls()); n != 1 {
			t.Errorf("server has %d calls after unauthenticated creates, want 1", n)
		}
	})

	t.Run("accounts are isolated", func(t *testing.T) {
		acct2, token2, err := srv.AddAccount("", "")
		if err != nil {
			t.Fatalf("AddAccount: %v", err)
		}
		tw2 := restClientFor(srv, acct2, token2)
		sid2 := cliCreate(t, tw2, cliTwimlCall("+14155550100", cliHangUp))
		srv.Run()

		for _, tc := range []struct {
			name string
			tw   *twilio.RestClient
			want []string
		}{{"first", tw, []string{sid}}, {"second", tw2, []string{sid2}}} {
			calls, err := tc.tw.Api.ListCall(nil)
			if err != nil {
				t.Fatalf("%s account: ListCall: %v", tc.name, err)
			}
			if diff := cmp.Diff(tc.want, cliSIDs(calls)); diff != "" {
				t.Errorf("%s account: ListCall SIDs mismatch (-want +got):\n%s", tc.name, diff)
			}
		}
		c2, err := tw2.Api.FetchCall(sid2, nil)
		if err != nil {
			t.Fatalf("FetchCall own call: %v", err)
		}
		if cliDeref(c2.AccountSid) != strconv.Quote(acct2) {
			t.Errorf("account_sid %s, want %s", cliDeref(c2.AccountSid), acct2)
		}

		_, err = tw.Api.FetchCall(sid2, nil)
		rerr := cliRestError(t, err, 20404, http.StatusNotFound)
		if want := "The requested resource " + cliCallPrefix + srv.AccountSID() + "/Calls/" + sid2 + ".json was not found"; rerr.Message != want {
			t.Errorf("message %q, want %q", rerr.Message, want)
		}
		_, err = tw2.Api.FetchCall(sid, nil)
		cliRestError(t, err, 20404, http.StatusNotFound)
		cliRestError(t, tw2.Api.DeleteCall(sid, nil), 20404, http.StatusNotFound)
		_, err = tw2.Api.UpdateCall(sid, (&api.UpdateCallParams{}).SetTwiml(cliPauseLong))
		cliRestError(t, err, 20404, http.StatusNotFound)
		// The other account's path, with one's own credentials.
		_, err = tw.Api.FetchCall(sid2, (&api.FetchCallParams{}).SetPathAccountSid(acct2))
		cliRestError(t, err, 20404, http.StatusNotFound)
		_, err = tw.Api.ListCall((&api.ListCallParams{}).SetPathAccountSid(acct2))
		cliRestError(t, err, 20404, http.StatusNotFound)
		if _, err := tw.Api.FetchCall(sid, nil); err != nil {
			t.Errorf("the first account's call after the second account's attempts: %v", err)
		}
	})
}

// cliHookApp is a voice application that records every request as it arrived
// and answers by path: TwiML on /voice and /fallback, 500 on /broken, 204
// elsewhere.
type cliHookApp struct {
	mu  sync.Mutex
	got []cliArrivedHook
}

// cliArrivedHook is a request as the application saw it.
type cliArrivedHook struct {
	Method string
	URL    string // scheme, host and request URI, as an app reconstructs it
	Form   map[string]string
	Header http.Header
}

func (h *cliHookApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	in := cliArrivedHook{Method: r.Method, URL: scheme + "://" + r.Host + r.URL.RequestURI(), Header: r.Header.Clone()}
	if r.Method == http.MethodPost {
		in.Form = cliFirstValues(r.PostForm)
	}
	h.mu.Lock()
	h.got = append(h.got, in)
	h.mu.Unlock()
	switch r.URL.Path {
	case "/voice", "/fallback":
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>Hello there</Say></Response>`)
	case "/broken":
		http.Error(w, "boom", http.StatusInternalServerError)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (h *cliHookApp) arrived() []cliArrivedHook {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]cliArrivedHook(nil), h.got...)
}

func TestWebhooksValidateWithTwilioGo(t *testing.T) {
	t.Run("signature test vectors", func(t *testing.T) {
		docs := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675310"}, "Digits": {"1234"},
			"From": {"+14158675310"}, "To": {"+18005551212"}}
		readme := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"},
			"From": {"+12349013030"}, "To": {"+18005551212"}}
		validatorTest := url.Values{"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"},
			"Caller": {"+14158675309"}, "From": {"+14158675309"}, "ReasonConferenceEnded": {"test"}, "Reason": {"Participant"}}
		const bodyHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
		vectors := []struct {
			name string
			url  string
			form url.Values
			want string
		}{
			{"Twilio's documentation", "https://example.com/myapp.php?foo=1&bar=2", docs, "L/OH5YylLD5NRKLltdqwSvS0BnU="},
			{"twilio-go README", "https://mycompany.com/myapp.php?foo=1&bar=2", readme, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="},
			{"twilio-go validator test", "https://mycompany.com/myapp.php?foo=1&bar=2", validatorTest, "vOEb5UThFn24KEfnOFLQY2AE5FY="},
			{"twilio-go validator test over http", "http://mycompany.com/myapp.php?foo=1&bar=2", validatorTest, "n2xBNyzSW7rfYStDtOFiFMv7qNo="},
			{"JSON body hash in the URL", "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=" + bodyHash, nil, "a9nBmqA0ju/hNViExpshrM61xv4="},
		}
		validator := client.NewRequestValidator("12345")
		for _, v := range vectors {
			if got := harness.Signature("12345", v.url, v.form); got != v.want {
				t.Errorf("%s: Signature = %q, want %q", v.name, got, v.want)
			}
			if !validator.Validate(v.url, cliFirstValues(v.form), v.want) {
				t.Errorf("%s: twilio-go does not accept the vector itself", v.name)
			}
		}
		if !validator.ValidateBody(vectors[4].url, []byte(`{"property": "value", "boolean": true}`), harness.Signature("12345", vectors[4].url, nil)) {
			t.Errorf("twilio-go ValidateBody rejects Signature of a bodySHA256 URL")
		}
	})

	app := &cliHookApp{}
	srv := newServer(t, harness.WithApp(cliOrigin, app), harness.WithApp(cliOrigin+":8443", app))
	tw := restClient(srv)
	acct2, token2, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatalf("AddAccount: %v", err)
	}
	tw2 := restClientFor(srv, acct2, token2)

	// A: GET Url with a query of its own, every status event, a recording
	// with GET callbacks.
	pa := &api.CreateCallParams{}
	sidA := cliCreate(t, tw, pa.SetTo("+14155550100").SetFrom("+14155550199").
		SetUrl(cliOrigin+"/voice?lang=en-US&name=a%20b").SetMethod("GET").
		SetStatusCallback(cliOrigin+"/status?tenant=t1&env=test").SetStatusCallbackEvent(cliAllEvents).
		SetRecord(true).SetRecordingStatusCallback(cliOrigin+"/recording").SetRecordingStatusCallbackMethod("GET").
		SetRecordingStatusCallbackEvent([]string{"in-progress", "completed"}))
	// B: a failing Url with a FallbackUrl, and status callbacks by GET.
	pb := &api.CreateCallParams{}
	sidB := cliCreate(t, tw, pb.SetTo("+442071838750").SetFrom("+14155550199").
		SetUrl(cliOrigin+"/broken").SetFallbackUrl(cliOrigin+"/fallback").
		SetStatusCallback(cliOrigin+"/status-get").SetStatusCallbackMethod("GET").SetStatusCallbackEvent(cliAllEvents))
	// C: a call of the second account, signed with its own token, to URLs
	// with a port: another one, and the default one written out.
	pc := &api.CreateCallParams{}
	sidC := cliCreate(t, tw2, pc.SetTo("client:alice").SetFrom("+14155550199").
		SetUrl(cliOrigin+":8443/voice").SetStatusCallback("https://app.example.com:443/status"))
	srv.Run()

	reqs := srv.Requests()
	type kindMethod struct {
		Kind   harness.RequestKind
		Method string
	}
	count := map[string]map[kindMethod]int{}
	for _, r := range reqs {
		if count[r.CallSID] == nil {
			count[r.CallSID] = map[kindMethod]int{}
		}
		count[r.CallSID][kindMethod{r.Kind, r.Method}]++
	}
	wantCount := map[string]map[kindMethod]int{
		sidA: {{harness.KindVoice, "GET"}: 1, {harness.KindStatusCallback, "POST"}: 4, {harness.KindRecordingStatusCallback, "GET"}: 2},
		sidB: {{harness.KindVoice, "POST"}: 1, {harness.KindFallback, "POST"}: 1, {harness.KindStatusCallback, "GET"}: 4},
		sidC: {{harness.KindVoice, "POST"}: 1, {harness.KindStatusCallback, "POST"}: 1},
	}
	if diff := cmp.Diff(wantCount, count); diff != "" {
		t.Fatalf("requests by call, kind and method mismatch (-want +got):\n%s\n%s", diff, srv.Transcript())
	}

	tokens := map[string]int{}
	for i, r := range reqs {
		name := fmt.Sprintf("request %d (%s %s %s)", i, r.Kind, r.Method, r.URL)
		token, own := srv.AuthToken(), r.CallSID != sidC
		other := token2
		if !own {
			token, other = token2, srv.AuthToken()
		}
		validator := client.NewRequestValidator(token)
		sig := r.Header.Get("X-Twilio-Signature")
		var params map[string]string
		switch r.Method {
		case http.MethodGet:
			params = map[string]string{}
			u, err := url.Parse(r.URL)
			if err != nil {
				t.Errorf("%s: bad URL: %v", name, err)
				continue
			}
			// The query carries every parameter, after those of the
			// configured URL.
			q := u.Query()
			for k, vs := range r.Form {
				if diff := cmp.Diff(vs, q[k]); diff != "" {
					t.Errorf("%s: parameter %s in the query mismatch (-form +query):\n%s", name, k, diff)
				}
			}
		case http.MethodPost:
			params = cliFirstValues(r.Form)
			if ct := r.Header.Get("Content-Type"); ct != cliFormType {
				t.Errorf("%s: Content-Type %q, want %q", name, ct, cliFormType)
			}
		default:
			t.Errorf("%s: method %s", name, r.Method)
		}
		if r.Method == http.MethodGet && r.Header.Get("Content-Type") != "" {
			t.Errorf("%s: GET with Content-Type %q", name, r.Header.Get("Content-Type"))
		}
		if !validator.Validate(r.URL, params, sig) {
			t.Errorf("%s: twilio-go rejects X-Twilio-Signature %q", name, sig)
		}
		wrong := client.NewRequestValidator(other)
		if wrong.Validate(r.URL, params, sig) {
			t.Errorf("%s: the signature validates with another account's token", name)
		}
		// Tampering with any parameter breaks the signature.
		if r.Method == http.MethodPost {
			tampered := cliFirstValues(r.Form)
			tampered["CallSid"] = "CA00000000000000000000000000000000"
			if validator.Validate(r.URL, tampered, sig) {
				t.Errorf("%s: validates with a tampered CallSid", name)
			}
			extra := cliFirstValues(r.Form)
			extra["Digits"] = "1"
			if validator.Validate(r.URL, extra, sig) {
				t.Errorf("%s: validates with an added parameter", name)
			}
		} else {
			tampered := strings.Replace(r.URL, "CallSid="+r.CallSID, "CallSid=CA00000000000000000000000000000000", 1)
			if tampered == r.URL {
				t.Errorf("%s: GET URL does not carry CallSid=%s", name, r.CallSID)
			}
			if validator.Validate(tampered, params, sig) {
				t.Errorf("%s: validates with a tampered query", name)
			}
		}
		if ua := r.Header.Get("User-Agent"); ua != "TwilioProxy/1.1" {
			t.Errorf("%s: User-Agent %q, want TwilioProxy/1.1", name, ua)
		}
		tok := r.Header.Get("I-Twilio-Idempotency-Token")
		if tok == "" {
			t.Errorf("%s: no I-Twilio-Idempotency-Token", name)
		}
		tokens[tok]++
	}
	for tok, n := range tokens {
		if n > 1 {
			t.Errorf("I-Twilio-Idempotency-Token %q used by %d requests", tok, n)
		}
	}

	// What the application received validates too, from the URL it rebuilds
	// from Host and the request URI, and the form it parsed.
	arrived := app.arrived()
	if len(arrived) != len(reqs) {
		t.Fatalf("the app got %d requests, the record has %d", len(arrived), len(reqs))
	}
	for i, in := range arrived {
		r := reqs[i]
		name := fmt.Sprintf("arrived %d (%s %s)", i, in.Method, in.URL)
		if in.Method != r.Method || in.URL != r.URL {
			t.Errorf("%s: recorded as %s %s", name, r.Method, r.URL)
		}
		token := srv.AuthToken()
		if r.CallSID == sidC {
			token = token2
		}
		validator := client.NewRequestValidator(token)
		if !validator.Validate(in.URL, in.Form, in.Header.Get("X-Twilio-Signature")) {
			t.Errorf("%s: twilio-go rejects the request as the app received it", name)
		}
		if diff := cmp.Diff(r.Header.Get("I-Twilio-Idempotency-Token"), in.Header.Get("I-Twilio-Idempotency-Token")); diff != "" {
			t.Errorf("%s: idempotency token differs from the record (-record +arrived):\n%s", name, diff)
		}
	}

	// The fallback request says what failed.
	fb := cliRequestsOf(srv, sidB, harness.KindFallback)
	if len(fb) == 1 {
		if got := fb[0].Form; got.Get("ErrorCode") != "11200" || got.Get("ErrorUrl") != cliOrigin+"/broken" {
			t.Errorf("fallback ErrorCode %q ErrorUrl %q, want 11200 and %s/broken", got.Get("ErrorCode"), got.Get("ErrorUrl"), cliOrigin)
		}
	}
}

// cliStandardParams returns the parameters of every request about an
// outbound-api call between two North American numbers.
func cliStandardParams(acct, sid, status, to, from string) url.Values {
	v := url.Values{
		"AccountSid": {acct}, "ApiVersion": {"2010-04-01"}, "CallSid": {sid}, "CallStatus": {status},
		"Called": {to}, "Caller": {from}, "Direction": {"outbound-api"}, "From": {from}, "To": {to},
	}
	for _, prefix := range []string{"To", "Called", "From", "Caller"} {
		v.Set(prefix+"City", "")
		v.Set(prefix+"Country", "US")
		v.Set(prefix+"State", "")
		v.Set(prefix+"Zip", "")
	}
	return v
}

// cliProgressParams returns what a status callback carries for an event at t.
func cliProgressParams(acct, sid, status string, seq int, t time.Time) url.Values {
	v := cliStandardParams(acct, sid, status, "+14155550100", "+14155550199")
	v.Set("CallbackSource", "call-progress-events")
	v.Set("SequenceNumber", strconv.Itoa(seq))
	v.Set("Timestamp", cliDate(t))
	return v
}

func TestStatusCallbackParams(t *testing.T) {
	const to = "+14155550100"

	t.Run("every event of an answered call", func(t *testing.T) {
		srv := newServer(t, harness.WithApp(cliOrigin, newApp("")), harness.WithParty(to, scenario.AnswersAfter(5*time.Second)))
		tw := restClient(srv)
		acct := srv.AccountSID()
		sid := cliCreate(t, tw, cliTwimlCall(to, `<Response><Pause length="61"/></Response>`).
			SetStatusCallback(cliOrigin+"/status").SetStatusCallbackEvent(cliAllEvents))
		srv.Run()

		completed := cliProgressParams(acct, sid, "completed", 3, cliAt(66*time.Second))
		completed.Set("CallDuration", "61")
		completed.Set("Duration", "2")
		want := []url.Values{
			cliProgressParams(acct, sid, "initiated", 0, cliAt(0)),
			cliProgressParams(acct, sid, "ringing", 1, cliAt(0)),
			cliProgressParams(acct, sid, "in-progress", 2, cliAt(5*time.Second)),
			completed,
		}
		var got []url.Values
		for _, r := range cliRequestsOf(srv, sid, harness.KindStatusCallback) {
			got = append(got, r.Form)
			if ts, err := time.Parse(time.RFC1123Z, r.Form.Get("Timestamp")); err != nil || !ts.Equal(r.Time) {
				t.Errorf("%s callback: Timestamp %q (%v), want the request's virtual time %v",
					r.Form.Get("CallStatus"), r.Form.Get("Timestamp"), err, r.Time)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("status callback parameters mismatch (-want +got):\n%s", diff)
		}
	})

	durations := []struct {
		seconds              int
		wantMinutes, wantPrc string
	}{
		{1, "1", "-0.01400"},
		{59, "1", "-0.01400"},
		{60, "1", "-0.01400"},
		{61, "2", "-0.02800"},
		{120, "2", "-0.02800"},
		{121, "3", "-0.04200"},
	}
	for _, tc := range durations {
		t.Run(fmt.Sprintf("Duration of a %d s call", tc.seconds), func(t *testing.T) {
			srv := newServer(t, harness.WithApp(cliOrigin, newApp("")))
			tw := restClient(srv)
			doc := fmt.Sprintf(`<Response><Pause length="%d"/></Response>`, tc.seconds)
			sid := cliCreate(t, tw, cliTwimlCall(to, doc).SetStatusCallback(cliOrigin+"/status"))
			srv.Run()
			cbs := cliRequestsOf(srv, sid, harness.KindStatusCallback)
			if len(cbs) != 1 {
				t.Fatalf("status callbacks:\n%s\nwant one", cliSummary(cbs))
			}
			got := []string{cbs[0].Form.Get("CallStatus"), cbs[0].Form.Get("CallDuration"), cbs[0].Form.Get("Duration")}
			want := []string{"completed", strconv.Itoa(tc.seconds), tc.wantMinutes}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("CallStatus, CallDuration, Duration mismatch (-want +got):\n%s", diff)
			}
			c, err := tw.Api.FetchCall(sid, nil)
			if err != nil {
				t.Fatalf("FetchCall: %v", err)
			}
			if cliDeref(c.Duration) != strconv.Quote(strconv.Itoa(tc.seconds)) || cliDeref(c.Price) != strconv.Quote(tc.wantPrc) {
				t.Errorf("fetched duration %s price %s, want %q and %q", cliDeref(c.Duration), cliDeref(c.Price), strconv.Itoa(tc.seconds), tc.wantPrc)
			}
		})
	}

	t.Run("busy with the default subscription", func(t *testing.T) {
		srv := newServer(t, harness.WithApp(cliOrigin, newApp("")), harness.WithParty(to, scenario.Busy().RingsFor(3*time.Second)))
		tw := restClient(srv)
		acct := srv.AccountSID()
		sid := cliCreate(t, tw, cliTwimlCall(to, cliPauseLong).SetStatusCallback(cliOrigin+"/status"))
		srv.Run()
		want := cliProgressParams(acct, sid, "busy", 0, cliAt(3*time.Second))
		want.Set("CallDuration", "0")
		want.Set("Duration", "0")
		var got []url.Values
		for _, r := range srv.Requests() {
			got = append(got, r.Form)
		}
		if diff := cmp.Diff([]url.Values{want}, got); diff != "" {
			t.Errorf("requests of a busy call mismatch (-want +got):\n%s", diff)
		}
	})

	noAnswers := []struct {
		name  string
		party scenario.Party
	}{
		{"nobody answers", scenario.NoAnswer()},
		{"the party would answer after the timeout", scenario.AnswersAfter(20 * time.Second)},
		{"the party would answer at the timeout", scenario.AnswersAfter(15 * time.Second)},
	}
	for _, tc := range noAnswers {
		t.Run("no-answer with Timeout 15: "+tc.name, func(t *testing.T) {
			srv := newServer(t, harness.WithApp(cliOrigin, newApp("")), harness.WithParty(to, tc.party))
			tw := restClient(srv)
			acct := srv.AccountSID()
			srv.Advance(42 * time.Second) // the call starts later than the clock
			sid := cliCreate(t, tw, cliTwimlCall(to, cliPauseLong).SetTimeout(15).
				SetStatusCallback(cliOrigin+"/status").SetStatusCallbackEvent([]string{"ringing", "completed"}))
			srv.Run()
			ringing := cliProgressParams(acct, sid, "ringing", 0, cliAt(42*time.Second))
			final := cliProgressParams(acct, sid, "no-answer", 1, cliAt(57*time.Second))
			final.Set("CallDuration", "0")
			final.Set("Duration", "0")
			final.Set("SipResponseCode", "487")
			var got []url.Values
			for _, r := range srv.Requests() {
				got = append(got, r.Form)
			}
			if diff := cmp.Diff([]url.Values{ringing, final}, got); diff != "" {
				t.Errorf("requests of a no-answer call mismatch (-want +got):\n%s", diff)
			}
			info := srv.Call(sid).Info()
			if info.Status != harness.StatusNoAnswer || !info.Started.Equal(cliAt(42*time.Second)) ||
				!info.Ended.Equal(cliAt(57*time.Second)) || info.SIPResponseCode != 487 {
				t.Errorf("call %s from %v to %v (SIP %d), want no-answer from +42s to +57s (SIP 487)",
					info.Status, info.Started, info.Ended, info.SIPResponseCode)
			}
			c, err := tw.Api.FetchCall(sid, nil)
			if err != nil {
				t.Fatalf("FetchCall: %v", err)
			}
			if cliDeref(c.Status) != `"no-answer"` || cliDeref(c.StartTime) != strconv.Quote(cliDate(cliAt(42*time.Second))) {
				t.Errorf("fetched status %s start_time %s, want no-answer dialed at %s",
					cliDeref(c.Status), cliDeref(c.StartTime), cliDate(cliAt(42*time.Second)))
			}
		})
	}

	t.Run("Record=true", func(t *testing.T) {
		srv := newServer(t, harness.WithApp(cliOrigin, newApp("")), harness.WithParty(to, scenario.AnswersAfter(3*time.Second)))
		tw := restClient(srv)
		acct := srv.AccountSID()
		sid := cliCreate(t, tw, cliTwimlCall(to, `<Response><Pause length="10"/></Response>`).
			SetStatusCallback(cliOrigin+"/status").SetRecord(true).SetRecordingStatusCallback(cliOrigin+"/recording"))
		srv.Run()

		cbs := cliRequestsOf(srv, sid, harness.KindStatusCallback)
		if len(cbs) != 1 {
			t.Fatalf("status callbacks: got %d, want 1 (completed)", len(cbs))
		}
		got := cbs[0].Form
		recSID := got.Get("RecordingSid")
		if !cliRecordingSID.MatchString(recSID) {
			t.Errorf("RecordingSid %q, want ^RE[0-9a-f]{32}$", recSID)
		}
		recURL := "https://api.twilio.com/2010-04-01/Accounts/" + acct + "/Recordings/" + recSID
		want := cliProgressParams(acct, sid, "completed", 0, cliAt(13*time.Second))
		want.Set("CallDuration", "10")
		want.Set("Duration", "1")
		want.Set("RecordingUrl", recURL)
		want.Set("RecordingSid", recSID)
		want.Set("RecordingDuration", "10")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("completed callback mismatch (-want +got):\n%s", diff)
		}

		recs := cliRequestsOf(srv, sid, harness.KindRecordingStatusCallback)
		if len(recs) != 1 {
			t.Fatalf("recording status callbacks: got %d, want 1 (completed)", len(recs))
		}
		rec := recs[0]
		if rec.Method != http.MethodPost || rec.URL != cliOrigin+"/recording" {
			t.Errorf("recording callback %s %s, want POST %s/recording", rec.Method, rec.URL, cliOrigin)
		}
		gotRec := url.Values{}
		for k, vs := range rec.Form {
			gotRec[k] = vs
		}
		if ec, ok := gotRec["ErrorCode"]; ok { // observed in Twilio's payloads, not documented
			if len(ec) != 1 || ec[0] != "0" {
				t.Errorf("recording callback ErrorCode %q, want 0", ec)
			}
			delete(gotRec, "ErrorCode")
		}
		wantRec := url.Values{
			"AccountSid": {acct}, "CallSid": {sid}, "RecordingSid": {recSID}, "RecordingUrl": {recURL},
			"RecordingStatus": {"completed"}, "RecordingDuration": {"10"}, "RecordingChannels": {"1"},
			"RecordingStartTime": {cliDate(cliAt(3 * time.Second))}, "RecordingSource": {"OutboundAPI"},
			"RecordingTrack": {"both"},
		}
		if diff := cmp.Diff(wantRec, gotRec); diff != "" {
			t.Errorf("recording status callback mismatch (-want +got):\n%s", diff)
		}
	})
}
