package harness_test

import (
	"fmt"
	"strings"
	"testing"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

func TestCallerIDsThroughTheClient(t *testing.T) {
	srv := newServer(t)
	tw := restClient(srv)
	var sids []string
	for i := range 8 {
		name := "sales"
		if i%3 == 1 {
			name = ""
		}
		sid, err := srv.AddCallerID(harness.CallerID{PhoneNumber: fmt.Sprintf("+1415555020%d", i), FriendlyName: name})
		if err != nil {
			t.Fatal(err)
		}
		sids = append(sids, sid)
	}

	// Fetch: the friendly name defaults to the number formatted.
	got, err := tw.FetchOutgoingCallerId(sids[1], nil)
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if *got.Sid != sids[1] || *got.PhoneNumber != "+14155550201" || *got.FriendlyName != "(415) 555-0201" ||
		*got.AccountSid != srv.AccountSID() || *got.Uri != apiRoot+srv.AccountSID()+"/OutgoingCallerIds/"+sids[1]+".json" {
		t.Errorf("fetched %+v", got)
	}
	if !strings.HasPrefix(sids[0], "PN") || len(sids[0]) != 34 {
		t.Errorf("sid = %q, want PN and 32 hex digits", sids[0])
	}

	// List across three pages with a filter: five named "sales", in pages
	// of two; and by number.
	list, err := tw.ListOutgoingCallerId(new(api.ListOutgoingCallerIdParams).SetFriendlyName("sales").SetPageSize(2))
	if err != nil || len(list) != 5 {
		t.Fatalf("list FriendlyName=sales: %d caller IDs, %v; want 5", len(list), err)
	}
	var nums []string
	for _, it := range list {
		nums = append(nums, *it.PhoneNumber)
	}
	if want := "+14155550200 +14155550202 +14155550203 +14155550205 +14155550206"; strings.Join(nums, " ") != want {
		t.Errorf("list FriendlyName=sales: %v, want %s", nums, want)
	}
	if pages := pagesFetched(srv, "/OutgoingCallerIds.json"); len(pages) != 3 || !strings.Contains(pages[2], "FriendlyName=sales") {
		t.Errorf("the client fetched %q, want three pages, each with the filter", pages)
	}
	byNumber, err := tw.ListOutgoingCallerId(new(api.ListOutgoingCallerIdParams).SetPhoneNumber("+14155550204"))
	if err != nil || len(byNumber) != 1 || *byNumber[0].Sid != sids[4] {
		t.Errorf("list PhoneNumber=+14155550204: %v, %v; want %s", byNumber, err, sids[4])
	}

	// Update: the friendly name only.
	up, err := tw.UpdateOutgoingCallerId(sids[1], new(api.UpdateOutgoingCallerIdParams).SetFriendlyName("support"))
	if err != nil || *up.FriendlyName != "support" || *up.PhoneNumber != "+14155550201" {
		t.Errorf("update: %+v, %v", up, err)
	}
	if lib := srv.CallerIDs(); lib[1].FriendlyName != "support" {
		t.Errorf("the library sees %+v, want the new name", lib[1])
	}
	_, err = tw.UpdateOutgoingCallerId(sids[1], new(api.UpdateOutgoingCallerIdParams).SetFriendlyName(strings.Repeat("x", 65)))
	cliRestError(t, err, 20001, 400)

	// Delete, then fetch: 20404.
	if err := tw.DeleteOutgoingCallerId(sids[1], nil); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = tw.FetchOutgoingCallerId(sids[1], nil)
	cliRestError(t, err, 20404, 404)
	if len(srv.CallerIDs()) != 7 {
		t.Errorf("the library sees %d caller IDs after the delete, want 7", len(srv.CallerIDs()))
	}

	// Another account sees none of them.
	other, token, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = restClientFor(srv, other, token).FetchOutgoingCallerId(sids[0], nil)
	cliRestError(t, err, 20404, 404)
}

func TestAddCallerIDErrors(t *testing.T) {
	srv := newServer(t)
	if _, err := srv.AddCallerID(harness.CallerID{PhoneNumber: to}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		id   harness.CallerID
		want string
	}{
		{"not a number", harness.CallerID{PhoneNumber: "client:alice"}, "is not a phone number"},
		{"verified already", harness.CallerID{PhoneNumber: to}, "has verified it already"},
		{"unknown account", harness.CallerID{PhoneNumber: alice, AccountSID: "AC" + strings.Repeat("1", 32)}, "unknown account"},
		{"a long name", harness.CallerID{PhoneNumber: alice, FriendlyName: strings.Repeat("x", 65)}, "at most 64 characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := srv.AddCallerID(tt.id); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("AddCallerID(%+v) = %v, want an error with %q", tt.id, err, tt.want)
			}
		})
	}
}

func TestControlCallerIDs(t *testing.T) {
	srv := newServer(t)
	tests := []struct {
		method, path, body string
		wantCode           int
		wantBody           string
	}{
		{"GET", "caller_ids", ``, 200, `{"caller_ids":[]}`},
		{"POST", "caller_ids", `{"phone_number": "+14155550100", "friendly_name": "desk"}`, 200, `{"sid":"PN`},
		{"POST", "caller_ids", `{"phone_number": "+14155550100"}`, 400, `has verified it already`},
		{"POST", "caller_ids", `{"phone_number": "+14155550101", "sid": "PN00000000000000000000000000000000"}`, 400, `leave it out`},
		{"GET", "caller_ids", ``, 200, `"phone_number":"+14155550100","friendly_name":"desk"`},
		{"DELETE", "caller_ids", ``, 405, `caller_ids take GET and POST`},
	}
	for _, tt := range tests {
		code, body := control(t, srv, tt.method, tt.path, tt.body)
		if code != tt.wantCode || !strings.Contains(body, tt.wantBody) {
			t.Errorf("%s %s %s = %d %s, want %d with %s", tt.method, tt.path, tt.body, code, body, tt.wantCode, tt.wantBody)
		}
	}
	ids, err := restClient(srv).ListOutgoingCallerId(nil)
	if err != nil || len(ids) != 1 || *ids[0].FriendlyName != "desk" {
		t.Errorf("the REST API lists %v, %v; want the caller ID added through the control API", ids, err)
	}
}

func TestCallerIDRepresentations(t *testing.T) {
	srv := newServer(t)
	sid, err := srv.AddCallerID(harness.CallerID{PhoneNumber: to, FriendlyName: "a, b & <c>"})
	if err != nil {
		t.Fatal(err)
	}
	status, ctype, body := restGet(t, srv, "/OutgoingCallerIds.csv")
	if _, rows := csvRows(t, body); status != 200 || ctype != "text/csv" || len(rows) != 1 || rows[0]["sid"] != sid || rows[0]["friendly_name"] != "a, b & <c>" {
		t.Errorf("CSV list: %d %s %q", status, ctype, body)
	}
	status, ctype, body = restGet(t, srv, "/OutgoingCallerIds/"+sid+".csv")
	if _, rows := csvRows(t, body); status != 200 || ctype != "text/csv" || len(rows) != 1 || rows[0]["phone_number"] != to {
		t.Errorf("CSV instance: %d %s %q", status, ctype, body)
	}
	status, ctype, body = restGet(t, srv, "/OutgoingCallerIds.xml?PhoneNumber="+strings.ReplaceAll(to, "+", "%2B"))
	list := parseXMLBody(t, body)
	if status != 200 || ctype != "application/xml" || list.XMLName.Local != "OutgoingCallerIds" || len(list.Children) != 1 ||
		list.Children[0].XMLName.Local != "OutgoingCallerId" || list.Children[0].child("Sid").Text != sid {
		t.Errorf("XML list: %d %s %q", status, ctype, body)
	}
	status, ctype, body = restGet(t, srv, "/OutgoingCallerIds/"+sid+".xml")
	if el := parseXMLBody(t, body); status != 200 || ctype != "application/xml" || el.XMLName.Local != "OutgoingCallerId" ||
		el.child("FriendlyName").Text != "a, b & <c>" || el.child("PhoneNumber").Text != to {
		t.Errorf("XML instance: %d %s %q", status, ctype, body)
	}
}
