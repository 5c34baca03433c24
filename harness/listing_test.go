package harness_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

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
		calls, err := tw.ListCall(&api.ListCallParams{To: cliRef(toA), PageSize: cliRef(2)})
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
		page, err := tw.PageCall(params, "", "")
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
			if page, err = tw.PageCall(params, token, q.Get("Page")); err != nil {
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
			calls, err := tw.ListCall(&params)
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
		calls, err := tw.ListCall(&api.ListCallParams{Limit: cliRef(3), PageSize: cliRef(2)})
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
		page, err := tw.PageCall(params, "", "")
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
		next, err := tw.PageCall(params, u.Query().Get("PageToken"), u.Query().Get("Page"))
		if err != nil {
			t.Fatalf("PageCall page 1: %v", err)
		}
		if diff := cmp.Diff(pick(6, 5), cliSIDs(next.Calls)); diff != "" {
			t.Errorf("page 1 after a new call %s mismatch (-want +got):\n%s", newest, diff)
		}
	})
}
