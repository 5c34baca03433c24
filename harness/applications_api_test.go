package harness_test

import (
	"fmt"
	"strings"
	"testing"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestApplicationsThroughTheClient(t *testing.T) {
	srv := newServer(t)
	tw := restClient(srv)

	// Create: methods default to POST, unset URLs are null.
	a, err := tw.CreateApplication(new(api.CreateApplicationParams).SetFriendlyName("ivr").SetVoiceUrl(origin + "/voice"))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	for _, c := range []struct {
		field     string
		got, want any
	}{
		{"friendly_name", *a.FriendlyName, "ivr"},
		{"account_sid", *a.AccountSid, srv.AccountSID()},
		{"api_version", *a.ApiVersion, "2010-04-01"},
		{"voice_url", *a.VoiceUrl, origin + "/voice"},
		{"voice_method", *a.VoiceMethod, "POST"},
		{"voice_fallback_method", *a.VoiceFallbackMethod, "POST"},
		{"status_callback_method", *a.StatusCallbackMethod, "POST"},
		{"sms_method", *a.SmsMethod, "POST"},
		{"sms_fallback_method", *a.SmsFallbackMethod, "POST"},
		{"voice_fallback_url", a.VoiceFallbackUrl, (*string)(nil)},
		{"status_callback", a.StatusCallback, (*string)(nil)},
		{"sms_url", a.SmsUrl, (*string)(nil)},
		{"voice_caller_id_lookup", *a.VoiceCallerIdLookup, false},
		{"public_application_connect_enabled", *a.PublicApplicationConnectEnabled, false},
		{"uri", *a.Uri, apiRoot + srv.AccountSID() + "/Applications/" + *a.Sid + ".json"},
	} {
		if c.got != c.want {
			t.Errorf("created application's %s = %v, want %v", c.field, c.got, c.want)
		}
	}
	if !strings.HasPrefix(*a.Sid, "AP") || len(*a.Sid) != 34 {
		t.Errorf("sid = %q, want AP and 32 hex digits", *a.Sid)
	}

	// Fetch.
	got, err := tw.FetchApplication(*a.Sid, nil)
	if err != nil || *got.Sid != *a.Sid || *got.FriendlyName != "ivr" {
		t.Fatalf("fetch: %+v, %v", got, err)
	}

	// List across three pages with a filter: five named "dialer" among
	// others, in pages of two.
	for i := range 8 {
		name := "dialer"
		if i%3 == 0 {
			name = fmt.Sprintf("other %d", i)
		}
		if _, err := tw.CreateApplication(new(api.CreateApplicationParams).SetFriendlyName(name)); err != nil {
			t.Fatal(err)
		}
	}
	list, err := tw.ListApplication(new(api.ListApplicationParams).SetFriendlyName("dialer").SetPageSize(2))
	if err != nil || len(list) != 5 {
		t.Fatalf("list FriendlyName=dialer: %d applications, %v; want 5", len(list), err)
	}
	for _, it := range list {
		if *it.FriendlyName != "dialer" {
			t.Errorf("list FriendlyName=dialer has %q", *it.FriendlyName)
		}
	}
	if pages := pagesFetched(srv, "/Applications.json"); len(pages) != 3 || !strings.Contains(pages[2], "FriendlyName=dialer") {
		t.Errorf("the client fetched %q, want three pages, each with the filter", pages)
	}

	// Update.
	up, err := tw.UpdateApplication(*a.Sid, new(api.UpdateApplicationParams).SetVoiceMethod("GET").
		SetStatusCallback(origin+"/status").SetVoiceCallerIdLookup(true))
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if *up.VoiceMethod != "GET" || cliDeref(up.StatusCallback) != `"`+origin+`/status"` || !*up.VoiceCallerIdLookup ||
		*up.FriendlyName != "ivr" || *up.VoiceUrl != origin+"/voice" {
		t.Errorf("updated: %s %s, status callback %s, lookup %v, name %q", *up.VoiceMethod, *up.VoiceUrl, cliDeref(up.StatusCallback), *up.VoiceCallerIdLookup, *up.FriendlyName)
	}
	_, err = tw.UpdateApplication(*a.Sid, new(api.UpdateApplicationParams).SetVoiceFallbackMethod("DELETE"))
	cliRestError(t, err, 21209, 400)

	// Delete, then fetch: 20404.
	if err := tw.DeleteApplication(*a.Sid, nil); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = tw.FetchApplication(*a.Sid, nil)
	cliRestError(t, err, 20404, 404)
}

func TestApplicationErrors(t *testing.T) {
	tests := []struct {
		name     string
		params   *api.CreateApplicationParams
		wantCode int
	}{
		{"a relative voice URL", new(api.CreateApplicationParams).SetVoiceUrl("/voice"), 21205},
		{"a relative SMS status callback", new(api.CreateApplicationParams).SetSmsStatusCallback("status"), 21205},
		{"a method that is neither GET nor POST", new(api.CreateApplicationParams).SetStatusCallbackMethod("PATCH"), 21209},
		{"an unknown API version", new(api.CreateApplicationParams).SetApiVersion("2025-01-01"), 20001},
		{"a friendly name of 65 characters", new(api.CreateApplicationParams).SetFriendlyName(strings.Repeat("é", 65)), 20001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			_, err := restClient(srv).CreateApplication(tt.params)
			cliRestError(t, err, tt.wantCode, 400)
			if apps, _ := restClient(srv).ListApplication(nil); len(apps) != 0 {
				t.Errorf("a refused create left %d applications", len(apps))
			}
		})
	}
}

func TestApplicationIsAddApplication(t *testing.T) {
	srv := newServer(t)
	tw := restClient(srv)
	libSID, err := srv.AddApplication(harness.Application{FriendlyName: "from the library", VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := tw.FetchApplication(libSID, nil)
	if err != nil || *got.FriendlyName != "from the library" || *got.VoiceUrl != origin+"/voice" || *got.VoiceMethod != "POST" {
		t.Errorf("the REST API fetches the library's application: %+v, %v", got, err)
	}
	other, token, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = restClientFor(srv, other, token).FetchApplication(libSID, nil)
	cliRestError(t, err, 20404, 404)
}

// TestApplicationSidOnCalls checks that a call created with the SID of an
// application made through the REST API uses it, and that a deleted one
// is refused with 21218.
func TestApplicationSidOnCalls(t *testing.T) {
	a := newApp(`<Response><Say>From the app</Say></Response>`)
	srv := newServer(t, harness.WithApp(origin, a))
	tw := restClient(srv)
	app, err := tw.CreateApplication(new(api.CreateApplicationParams).SetVoiceUrl(origin + "/voice").SetVoiceMethod("GET"))
	if err != nil {
		t.Fatal(err)
	}
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetApplicationSid(*app.Sid) })
	c.Wait()
	if r := c.Requests()[0]; r.Method != "GET" || r.Form.Get("ApplicationSid") != *app.Sid {
		t.Errorf("first request: %s %s ApplicationSid=%q, want GET with the application's SID", r.Method, r.URL, r.Form.Get("ApplicationSid"))
	}
	if err := tw.DeleteApplication(*app.Sid, nil); err != nil {
		t.Fatal(err)
	}
	_, err = tw.CreateCall(new(api.CreateCallParams).SetTo(to).SetFrom(from).SetApplicationSid(*app.Sid))
	cliRestError(t, err, 21218, 400)
}

// TestApplicationDeletedNumberFallsBack checks that a number whose
// application is deleted keeps its SID and routes by its own settings.
func TestApplicationDeletedNumberFallsBack(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(`<Response><Say>Hi</Say></Response>`)))
	tw := restClient(srv)
	app, err := tw.CreateApplication(new(api.CreateApplicationParams).SetVoiceUrl(origin + "/voice?by=app"))
	if err != nil {
		t.Fatal(err)
	}
	n := buy(t, srv, ourNumber, func(p *api.CreateIncomingPhoneNumberParams) {
		p.SetVoiceApplicationSid(*app.Sid).SetVoiceUrl(origin + "/voice?by=number")
	})
	if err := tw.DeleteApplication(*app.Sid, nil); err != nil {
		t.Fatal(err)
	}
	got, err := tw.FetchIncomingPhoneNumber(*n.Sid, nil)
	if err != nil || cliDeref(got.VoiceApplicationSid) != `"`+*app.Sid+`"` {
		t.Errorf("the number's voice_application_sid after the delete: %s, %v; want it kept", cliDeref(got.VoiceApplicationSid), err)
	}
	c, err := srv.IncomingCall(to, ourNumber, scenario.Party{})
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	if r := c.Requests()[0]; !strings.Contains(r.URL, "by=number") || r.Form.Has("ApplicationSid") {
		t.Errorf("first request: %s ApplicationSid=%q, want the number's own URL", r.URL, r.Form.Get("ApplicationSid"))
	}
}

func TestApplicationRepresentations(t *testing.T) {
	srv := newServer(t)
	sid, err := srv.AddApplication(harness.Application{FriendlyName: "ivr", VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	status, ctype, body := restGet(t, srv, "/Applications.csv")
	if _, rows := csvRows(t, body); status != 200 || ctype != "text/csv" || len(rows) != 1 || rows[0]["sid"] != sid ||
		rows[0]["friendly_name"] != "ivr" || rows[0]["voice_fallback_url"] != "" {
		t.Errorf("CSV list: %d %s %q", status, ctype, body)
	}
	status, ctype, body = restGet(t, srv, "/Applications/"+sid+".csv")
	if _, rows := csvRows(t, body); status != 200 || ctype != "text/csv" || len(rows) != 1 || rows[0]["voice_url"] != origin+"/voice" {
		t.Errorf("CSV instance: %d %s %q", status, ctype, body)
	}
	status, ctype, body = restGet(t, srv, "/Applications.xml?FriendlyName=ivr")
	list := parseXMLBody(t, body)
	if status != 200 || ctype != "application/xml" || list.XMLName.Local != "Applications" || len(list.Children) != 1 ||
		list.Children[0].child("Sid").Text != sid || !strings.Contains(list.attr("uri"), "FriendlyName=ivr") {
		t.Errorf("XML list: %d %s %q", status, ctype, body)
	}
	status, ctype, body = restGet(t, srv, "/Applications/"+sid+".xml")
	if el := parseXMLBody(t, body); status != 200 || ctype != "application/xml" || el.XMLName.Local != "Application" ||
		el.child("VoiceMethod").Text != "POST" || el.child("VoiceUrl").Text != origin+"/voice" {
		t.Errorf("XML instance: %d %s %q", status, ctype, body)
	}
}
