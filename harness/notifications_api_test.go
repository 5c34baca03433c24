package harness_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

// troubledServer is a server whose app answers /voice with a document
// that warns (an unknown attribute) and redirects to /broken, which fails
// with 500.
func troubledServer(t *testing.T, opts ...harness.Option) *harness.Server {
	t.Helper()
	app := &docs{paths: map[string]string{
		"/voice": `<Response><Say colour="blue">Hello</Say><Redirect>/broken</Redirect></Response>`,
	}}
	srv := newServer(t, append(opts, harness.WithApp(origin, app), harness.WithLenientScripts())...)
	if err := srv.InjectFault(origin+"/broken", harness.Fault{Status: 500, Body: "oops", ContentType: "text/plain"}); err != nil {
		t.Fatal(err)
	}
	return srv
}

// placeTroubled places n calls to troubledApp, one after the other, and
// returns their SIDs.
func placeTroubled(t *testing.T, srv *harness.Server, n int) []string {
	t.Helper()
	var sids []string
	for range n {
		c := place(t, srv, nil)
		c.Wait()
		sids = append(sids, c.SID())
	}
	return sids
}

func TestNotificationsThroughTwilioGo(t *testing.T) {
	srv := troubledServer(t)
	sids := placeTroubled(t, srv, 3)
	rest := restClient(srv)

	// Each call logged a warning (12200, the unknown attribute) and an
	// error (11200, the failed redirect): six in all.
	all, err := rest.ListNotification((&api.ListNotificationParams{}).SetPageSize(2))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 6 {
		t.Fatalf("listed %d notifications across pages of 2, want 6", len(all))
	}
	errorsOnly, err := rest.ListNotification((&api.ListNotificationParams{}).SetLog(0).SetPageSize(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(errorsOnly) != 3 {
		t.Fatalf("Log=0 across pages of 1: %d, want the 3 errors", len(errorsOnly))
	}
	for _, n := range errorsOnly {
		if *n.ErrorCode != "11200" || *n.Log != "0" || *n.MoreInfo != "https://www.twilio.com/docs/errors/11200" ||
			*n.RequestUrl != origin+"/broken" || *n.RequestMethod != "POST" || !strings.Contains(*n.MessageText, "ErrorCode=11200") {
			t.Errorf("an error notification: code %s log %s more_info %s url %s method %s text %s",
				*n.ErrorCode, *n.Log, *n.MoreInfo, *n.RequestUrl, *n.RequestMethod, *n.MessageText)
		}
	}
	if *errorsOnly[0].CallSid != sids[2] {
		t.Errorf("the newest first: %s, want %s", *errorsOnly[0].CallSid, sids[2])
	}

	perCall, err := rest.ListCallNotification(sids[1], (&api.ListCallNotificationParams{}).SetLog(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(perCall) != 1 || *perCall[0].ErrorCode != "12200" || *perCall[0].CallSid != sids[1] {
		t.Fatalf("the second call's warnings: %+v", perCall)
	}

	// An instance has the request and the reply that caused it.
	inst, err := rest.FetchCallNotification(sids[1], *errorsOnly[1].Sid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(*inst.RequestVariables, "CallSid="+sids[1]) || *inst.ResponseBody != "oops" || *inst.Sid != *errorsOnly[1].Sid ||
		!strings.Contains(*inst.ResponseHeaders, "Content-Type=text%2Fplain") {
		t.Errorf("instance: variables %q, body %q", *inst.RequestVariables, *inst.ResponseBody)
	}
	acct, err := rest.FetchNotification(*perCall[0].Sid, nil)
	if err != nil || *acct.ErrorCode != "12200" {
		t.Errorf("FetchNotification: %v %+v", err, acct)
	}

	// A notification of another call is not found under this one.
	_, err = rest.FetchCallNotification(sids[0], *perCall[0].Sid, nil)
	var rerr *client.TwilioRestError
	if !errors.As(err, &rerr) || rerr.Code != 20404 || rerr.Status != 404 {
		t.Errorf("a notification under another call: %v, want 20404", err)
	}
	_, err = rest.ListNotification((&api.ListNotificationParams{}).SetLog(7))
	if !errors.As(err, &rerr) || rerr.Code != 20001 {
		t.Errorf("Log=7: %v, want 20001", err)
	}
	before, err := rest.ListNotification((&api.ListNotificationParams{}).SetMessageDateBefore("2025-01-05"))
	if err != nil || len(before) != 0 {
		t.Errorf("MessageDate< before the calls: %d, %v", len(before), err)
	}
	on, err := rest.ListNotification((&api.ListNotificationParams{}).SetMessageDate("2025-01-06"))
	if err != nil || len(on) != 6 {
		t.Errorf("MessageDate on the calls' day: %d, %v", len(on), err)
	}
}

// TestNotificationsRepresentations: the XML and CSV of a notifications list
// and instance, from the same field list as the JSON.
func TestNotificationsRepresentations(t *testing.T) {
	srv := troubledServer(t)
	sid := placeTroubled(t, srv, 1)[0]
	note := srv.Call(sid).Notifications()[0]
	base := "/2010-04-01/Accounts/" + srv.AccountSID()
	for _, tt := range []struct{ path, ctype, want string }{
		{base + "/Notifications.xml", "application/xml", "<Notifications page=\"0\""},
		{base + "/Calls/" + sid + "/Notifications/" + note.SID + ".xml", "application/xml", "<Notification><AccountSid>"},
		{base + "/Notifications.csv", "text/csv", "account_sid,api_version,call_sid,date_created"},
		{base + "/Calls/" + sid + "/Notifications/" + note.SID + ".json", "application/json", `"request_variables":`},
	} {
		status, ctype, body := get(t, srv, tt.path)
		if status != 200 || !strings.HasPrefix(ctype, tt.ctype) || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s: %d %s\n%.400s\nwant %q", tt.path, status, ctype, body, tt.want)
		}
	}
	if _, _, body := get(t, srv, base+"/Notifications.json"); strings.Contains(body, "request_variables") {
		t.Errorf("a list shows the instance's fields:\n%.400s", body)
	}
}

// get fetches path from srv's REST API with its credentials.
func get(t *testing.T, srv *harness.Server, path string) (int, string, string) {
	t.Helper()
	resp := serveGET(srv, path, true)
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(data)
}

// serveGET serves GET path with srv's REST handler, with the account's
// credentials if auth is set.
func serveGET(srv *harness.Server, path string, auth bool) *http.Response {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if auth {
		req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return rec.Result()
}

func TestCallEventsThroughTwilioGo(t *testing.T) {
	srv := troubledServer(t)
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetStatusCallback(origin + "/status").SetStatusCallbackEvent([]string{"answered", "completed"})
	})
	c.Wait()
	rest := restClient(srv)
	events, err := rest.ListCallEvent(c.SID(), (&api.ListCallEventParams{}).SetPageSize(1))
	if err != nil {
		t.Fatal(err)
	}
	// answered callback, voice, the redirect that failed, completed callback
	if len(events) != 4 {
		t.Fatalf("%d events across pages of 1, want 4", len(events))
	}
	var urls []string
	for _, e := range events {
		req := (*e.Request).(map[string]any)
		resp := (*e.Response).(map[string]any)
		urls = append(urls, req["url"].(string))
		params := req["parameters"].(map[string]any)
		if params["call_sid"] != c.SID() || params["account_sid"] != srv.AccountSID() {
			t.Errorf("parameters in snake_case: %v", params)
		}
		if _, ok := resp["response_code"].(float64); !ok {
			t.Errorf("response_code is not a number: %v", resp)
		}
	}
	want := []string{origin + "/status", origin + "/voice", origin + "/broken", origin + "/status"}
	if strings.Join(urls, " ") != strings.Join(want, " ") {
		t.Errorf("events oldest first: %v, want %v", urls, want)
	}
	voice := (*events[1].Response).(map[string]any)
	if voice["response_code"] != float64(200) || !strings.Contains(voice["response_body"].(string), "<Redirect>/broken</Redirect>") ||
		voice["content_type"] != "text/xml" {
		t.Errorf("the voice request's response: %v", voice)
	}
	if broken := (*events[2].Response).(map[string]any); broken["response_code"] != float64(500) || broken["response_body"] != "oops" {
		t.Errorf("the failed redirect's response: %v", broken)
	}
	_, err = rest.ListCallEvent("CA00000000000000000000000000000000", nil)
	var rerr *client.TwilioRestError
	if !errors.As(err, &rerr) || rerr.Code != 20404 {
		t.Errorf("events of an unknown call: %v, want 20404", err)
	}
}
