package harness_test

import (
	"strings"
	"testing"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// buy buys num through the official client, with set's parameters.
func buy(t *testing.T, srv *harness.Server, num string, set func(*api.CreateIncomingPhoneNumberParams)) *api.ApiV2010IncomingPhoneNumber {
	t.Helper()
	p := new(api.CreateIncomingPhoneNumberParams).SetPhoneNumber(num)
	if set != nil {
		set(p)
	}
	n, err := restClient(srv).CreateIncomingPhoneNumber(p)
	if err != nil {
		t.Fatalf("buy %s: %v", num, err)
	}
	return n
}

func TestNumbersThroughTheClient(t *testing.T) {
	srv := newServer(t)
	tw := restClient(srv)

	// Create: Twilio's defaults, unset URLs and SIDs null.
	n := buy(t, srv, "+14155550100", func(p *api.CreateIncomingPhoneNumberParams) { p.SetVoiceUrl(origin + "/voice") })
	for _, c := range []struct {
		field     string
		got, want any
	}{
		{"phone_number", *n.PhoneNumber, "+14155550100"},
		{"friendly_name", *n.FriendlyName, "(415) 555-0100"},
		{"account_sid", *n.AccountSid, srv.AccountSID()},
		{"voice_url", *n.VoiceUrl, origin + "/voice"},
		{"voice_method", *n.VoiceMethod, "POST"},
		{"voice_fallback_method", *n.VoiceFallbackMethod, "POST"},
		{"status_callback_method", *n.StatusCallbackMethod, "POST"},
		{"voice_fallback_url", n.VoiceFallbackUrl, (*string)(nil)},
		{"voice_application_sid", n.VoiceApplicationSid, (*string)(nil)},
		{"trunk_sid", n.TrunkSid, (*string)(nil)},
		{"status", *n.Status, "in-use"},
		{"origin", *n.Origin, "twilio"},
		{"type", *n.Type, "local"},
		{"beta", *n.Beta, false},
		{"capabilities.voice", n.Capabilities.Voice, true},
		{"voice_receive_mode", *n.VoiceReceiveMode, "voice"},
		{"emergency_status", *n.EmergencyStatus, "Inactive"},
		{"api_version", *n.ApiVersion, "2010-04-01"},
		{"uri", *n.Uri, apiRoot + srv.AccountSID() + "/IncomingPhoneNumbers/" + *n.Sid + ".json"},
	} {
		if c.got != c.want {
			t.Errorf("created number's %s = %v, want %v", c.field, c.got, c.want)
		}
	}
	if !strings.HasPrefix(*n.Sid, "PN") || len(*n.Sid) != 34 {
		t.Errorf("sid = %q, want PN and 32 hex digits", *n.Sid)
	}

	// Fetch.
	got, err := tw.FetchIncomingPhoneNumber(*n.Sid, nil)
	if err != nil || *got.PhoneNumber != "+14155550100" || *got.Sid != *n.Sid {
		t.Fatalf("fetch: %+v, %v", got, err)
	}

	// List across three pages with a filter: seven numbers in 415 and two
	// in 212, in pages of three.
	for _, num := range []string{"+12125550100", "+14155550101", "+14155550102", "+12125550101", "+14155550103", "+14155550104", "+14155550105", "+14155550106"} {
		buy(t, srv, num, nil)
	}
	list, err := tw.ListIncomingPhoneNumber(new(api.ListIncomingPhoneNumberParams).SetPhoneNumber("+1415").SetPageSize(3))
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	var nums []string
	for _, it := range list {
		nums = append(nums, *it.PhoneNumber)
	}
	want := "+14155550100 +14155550101 +14155550102 +14155550103 +14155550104 +14155550105 +14155550106"
	if strings.Join(nums, " ") != want {
		t.Errorf("list PhoneNumber=+1415 = %v, want %s, in the order bought", nums, want)
	}
	if pages := pagesFetched(srv, "/IncomingPhoneNumbers.json"); len(pages) != 3 || !strings.Contains(pages[2], "PhoneNumber=%2B1415") {
		t.Errorf("the client fetched %q, want three pages, each with the filter", pages)
	}

	// Update.
	up, err := tw.UpdateIncomingPhoneNumber(*n.Sid, new(api.UpdateIncomingPhoneNumberParams).
		SetFriendlyName("front desk").SetVoiceUrl(origin+"/v2").SetVoiceMethod("GET").SetVoiceFallbackUrl(origin+"/fallback"))
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if *up.FriendlyName != "front desk" || *up.VoiceUrl != origin+"/v2" || *up.VoiceMethod != "GET" || cliDeref(up.VoiceFallbackUrl) != `"`+origin+`/fallback"` {
		t.Errorf("updated: name %q, voice %s %s, fallback %s", *up.FriendlyName, *up.VoiceMethod, *up.VoiceUrl, cliDeref(up.VoiceFallbackUrl))
	}
	for _, lib := range srv.Numbers() {
		if lib.PhoneNumber == "+14155550100" && (lib.SID != *n.Sid || lib.VoiceURL != origin+"/v2" || lib.FriendlyName != "front desk") {
			t.Errorf("the library sees %+v, want the update", lib)
		}
	}

	// Delete, then fetch: 20404.
	if err := tw.DeleteIncomingPhoneNumber(*n.Sid, nil); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = tw.FetchIncomingPhoneNumber(*n.Sid, nil)
	cliRestError(t, err, 20404, 404)
}

func TestNumberPurchaseRules(t *testing.T) {
	tests := []struct {
		name     string
		set      func(*api.CreateIncomingPhoneNumberParams)
		want     string // the number bought
		wantCode int
	}{
		{name: "Twilio's valid test number", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetPhoneNumber("+15005550006") }, want: "+15005550006"},
		{name: "Twilio's invalid test number", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetPhoneNumber("+15005550001") }, wantCode: 21421},
		{name: "Twilio's unavailable test number", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetPhoneNumber("+15005550000") }, wantCode: 21422},
		{name: "any other number", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetPhoneNumber("+442071838750") }, want: "+442071838750"},
		{name: "a North American number written with punctuation", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetPhoneNumber("(415) 555-0177") }, want: "+14155550177"},
		{name: "not a number", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetPhoneNumber("hello") }, wantCode: 21421},
		{name: "a number some account owns", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetPhoneNumber(ourNumber) }, wantCode: 21422},
		{name: "area code 500 picks Twilio's test number", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetAreaCode("500") }, want: "+15005550006"},
		{name: "another area code picks a number in it", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetAreaCode("212") }, want: "+12125550100"},
		{name: "area code 533 has none left", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetAreaCode("533") }, wantCode: 21452},
		{name: "an area code that is none", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetAreaCode("123") }, wantCode: 21451},
		{name: "a service code is no area code", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetAreaCode("911") }, wantCode: 21451},
		{name: "neither number nor area code", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetFriendlyName("x") }, wantCode: 21421},
		{name: "a relative voice URL", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetPhoneNumber(to).SetVoiceUrl("/voice") }, wantCode: 21205},
		{name: "a method that is neither GET nor POST", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetPhoneNumber(to).SetVoiceMethod("PUT") }, wantCode: 21209},
		{name: "an application the account does not have", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetPhoneNumber(to).SetVoiceApplicationSid(unknownApp) }, wantCode: 21218},
		{name: "a friendly name of 65 characters", set: func(p *api.CreateIncomingPhoneNumberParams) {
			p.SetPhoneNumber(to).SetFriendlyName(strings.Repeat("x", 65))
		}, wantCode: 20001},
		{name: "an unknown receive mode", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetPhoneNumber(to).SetVoiceReceiveMode("video") }, wantCode: 20001},
		{name: "a malformed address SID", set: func(p *api.CreateIncomingPhoneNumberParams) { p.SetPhoneNumber(to).SetAddressSid("AD12") }, wantCode: 20001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			other, _, err := srv.AddAccount("", "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := srv.AddNumber(harness.IncomingNumber{AccountSID: other, PhoneNumber: ourNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}}); err != nil {
				t.Fatal(err)
			}
			p := new(api.CreateIncomingPhoneNumberParams)
			tt.set(p)
			n, err := restClient(srv).CreateIncomingPhoneNumber(p)
			if tt.wantCode != 0 {
				cliRestError(t, err, tt.wantCode, 400)
				return
			}
			if err != nil {
				t.Fatalf("buy: %v", err)
			}
			if *n.PhoneNumber != tt.want {
				t.Errorf("bought %s, want %s", *n.PhoneNumber, tt.want)
			}
		})
	}
}

func TestNumberAreaCodePicksAFreeNumber(t *testing.T) {
	srv := newServer(t)
	tw := restClient(srv)
	var got []string
	for range 3 {
		n, err := tw.CreateIncomingPhoneNumber(new(api.CreateIncomingPhoneNumberParams).SetAreaCode("500"))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, *n.PhoneNumber)
	}
	if strings.Join(got, " ") != "+15005550006 +15005550100 +15005550101" {
		t.Errorf("three numbers in area code 500: %v, want the test number first, then free ones", got)
	}
}

func TestNumberListFilters(t *testing.T) {
	srv := newServer(t)
	for _, num := range []string{"+14155550100", "+14155550111", "+12125550111", "+18005550100"} {
		buy(t, srv, num, func(p *api.CreateIncomingPhoneNumberParams) {
			if num == "+12125550111" {
				p.SetFriendlyName("New York")
			}
		})
	}
	other, token, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := restClientFor(srv, other, token).CreateIncomingPhoneNumber(new(api.CreateIncomingPhoneNumberParams).SetPhoneNumber("+14155550199")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		params *api.ListIncomingPhoneNumberParams
		want   string
	}{
		{"no filter: the account's numbers only", new(api.ListIncomingPhoneNumberParams), "+14155550100 +14155550111 +12125550111 +18005550100"},
		{"a part of the number", new(api.ListIncomingPhoneNumberParams).SetPhoneNumber("5550111"), "+14155550111 +12125550111"},
		{"* stands for one digit", new(api.ListIncomingPhoneNumberParams).SetPhoneNumber("+1*155550*00"), "+14155550100"},
		{"* stands for no +", new(api.ListIncomingPhoneNumberParams).SetPhoneNumber("*14155550100"), ""},
		{"a formatted number", new(api.ListIncomingPhoneNumberParams).SetPhoneNumber("(415) 555-0100"), "+14155550100"},
		{"friendly name, exactly", new(api.ListIncomingPhoneNumberParams).SetFriendlyName("New York"), "+12125550111"},
		{"friendly name, a part is not enough", new(api.ListIncomingPhoneNumberParams).SetFriendlyName("New"), ""},
		{"origin twilio", new(api.ListIncomingPhoneNumberParams).SetOrigin("twilio").SetPhoneNumber("+1415"), "+14155550100 +14155550111"},
		{"origin hosted", new(api.ListIncomingPhoneNumberParams).SetOrigin("hosted"), ""},
		{"beta false", new(api.ListIncomingPhoneNumberParams).SetBeta(false).SetPhoneNumber("+1212"), "+12125550111"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := restClient(srv).ListIncomingPhoneNumber(tt.params)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range list {
				got = append(got, *n.PhoneNumber)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("got %v, want %s", got, tt.want)
			}
		})
	}
	status, _, body := restGet(t, srv, "/IncomingPhoneNumbers.json?Beta=maybe")
	if status != 400 || !strings.Contains(body, `"code":20001`) {
		t.Errorf("Beta=maybe: %d %s, want 400 with code 20001", status, body)
	}
}

func TestNumberTypedLists(t *testing.T) {
	srv := newServer(t)
	tw := restClient(srv)
	buy(t, srv, "+14155550100", nil)
	buy(t, srv, "+18005550100", nil)
	m, err := tw.CreateIncomingPhoneNumberMobile(new(api.CreateIncomingPhoneNumberMobileParams).SetPhoneNumber("+447700900123"))
	if err != nil || *m.PhoneNumber != "+447700900123" {
		t.Fatalf("buy a mobile number: %v, %v", m, err)
	}
	l, err := tw.CreateIncomingPhoneNumberLocal(new(api.CreateIncomingPhoneNumberLocalParams).SetPhoneNumber("+14155550101").SetFriendlyName("local"))
	if err != nil || *l.FriendlyName != "local" {
		t.Fatalf("buy a local number: %v, %v", l, err)
	}
	_, err = tw.CreateIncomingPhoneNumberTollFree(new(api.CreateIncomingPhoneNumberTollFreeParams).SetFriendlyName("no number"))
	cliRestError(t, err, 21421, 400)

	local, err := tw.ListIncomingPhoneNumberLocal(new(api.ListIncomingPhoneNumberLocalParams).SetPageSize(1))
	if err != nil || len(local) != 2 || *local[0].PhoneNumber != "+14155550100" || *local[1].PhoneNumber != "+14155550101" {
		t.Errorf("local numbers: %v, %v; want +14155550100 and +14155550101", local, err)
	}
	free, err := tw.ListIncomingPhoneNumberTollFree(nil)
	if err != nil || len(free) != 1 || *free[0].PhoneNumber != "+18005550100" {
		t.Errorf("toll-free numbers: %v, %v; want +18005550100", free, err)
	}
	mobile, err := tw.ListIncomingPhoneNumberMobile(new(api.ListIncomingPhoneNumberMobileParams).SetPhoneNumber("+44"))
	if err != nil || len(mobile) != 1 || *mobile[0].PhoneNumber != "+447700900123" {
		t.Errorf("mobile numbers: %v, %v; want +447700900123", mobile, err)
	}
	all, err := tw.ListIncomingPhoneNumber(nil)
	if err != nil || len(all) != 4 {
		t.Errorf("all numbers: %d, %v; want the 4 of every type", len(all), err)
	}
	for _, path := range []string{"/IncomingPhoneNumbers/Local.json", "/IncomingPhoneNumbers/Local.xml", "/IncomingPhoneNumbers/Local.csv"} {
		if status, _, body := restGet(t, srv, path); status != 200 || strings.Contains(strings.ToLower(body), "type") {
			t.Errorf("GET %s: %d %s; want the numbers without their type, as Twilio's schema of the typed lists has it", path, status, body)
		}
	}
	types := map[string]string{}
	for _, n := range all {
		types[*n.PhoneNumber] = *n.Type
	}
	if types["+18005550100"] != "toll-free" || types["+447700900123"] != "mobile" || types["+14155550101"] != "local" {
		t.Errorf("types: %v", types)
	}
}

func TestNumberUpdateRules(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(`<Response><Say>Hi</Say></Response>`)))
	tw := restClient(srv)
	appSID, err := srv.AddApplication(harness.Application{VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/app"}})
	if err != nil {
		t.Fatal(err)
	}
	n := buy(t, srv, ourNumber, func(p *api.CreateIncomingPhoneNumberParams) {
		p.SetTrunkSid("TK" + strings.Repeat("0", 32)).SetVoiceUrl(origin + "/voice")
	})

	// Setting the application clears the trunk, and the reverse.
	up, err := tw.UpdateIncomingPhoneNumber(*n.Sid, new(api.UpdateIncomingPhoneNumberParams).SetVoiceApplicationSid(appSID))
	if err != nil || cliDeref(up.VoiceApplicationSid) != `"`+appSID+`"` || up.TrunkSid != nil {
		t.Errorf("set the application: %v; application %s, trunk %s", err, cliDeref(up.VoiceApplicationSid), cliDeref(up.TrunkSid))
	}
	up, err = tw.UpdateIncomingPhoneNumber(*n.Sid, new(api.UpdateIncomingPhoneNumberParams).SetTrunkSid("TK"+strings.Repeat("1", 32)))
	if err != nil || up.VoiceApplicationSid != nil || up.TrunkSid == nil {
		t.Errorf("set the trunk: %v; application %s, trunk %s", err, cliDeref(up.VoiceApplicationSid), cliDeref(up.TrunkSid))
	}
	_, err = tw.UpdateIncomingPhoneNumber(*n.Sid, new(api.UpdateIncomingPhoneNumberParams).SetVoiceApplicationSid(unknownApp))
	cliRestError(t, err, 21218, 400)
	_, err = tw.UpdateIncomingPhoneNumber(*n.Sid, new(api.UpdateIncomingPhoneNumberParams).SetStatusCallback("not a url"))
	cliRestError(t, err, 21205, 400)
	_, err = tw.UpdateIncomingPhoneNumber("PN"+strings.Repeat("0", 32), new(api.UpdateIncomingPhoneNumberParams).SetFriendlyName("x"))
	cliRestError(t, err, 20404, 404)

	// A failed update changes nothing.
	got, err := tw.FetchIncomingPhoneNumber(*n.Sid, nil)
	if err != nil || got.StatusCallback != nil || got.TrunkSid == nil {
		t.Errorf("after failed updates: %v, status callback %s, trunk %s", err, cliDeref(got.StatusCallback), cliDeref(got.TrunkSid))
	}

	// A trunk is not simulated: the call uses the number's voice settings,
	// and says so.
	c, err := srv.IncomingCall(to, ourNumber, scenario.Party{})
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	var noted []string
	for _, e := range c.Events() {
		if e.Kind == harness.EventNote {
			noted = append(noted, e.Text)
		}
	}
	if !strings.Contains(strings.Join(noted, "\n"), "trunk TK1111") || len(c.Requests()) == 0 || !strings.HasSuffix(c.Requests()[0].URL, "/voice") {
		t.Errorf("a call to a number with a trunk: notes %q, requests %v", noted, c.Requests())
	}

	// AccountSid moves the number to another account of the server.
	other, token, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tw.UpdateIncomingPhoneNumber(*n.Sid, new(api.UpdateIncomingPhoneNumberParams).SetAccountSid(other)); err != nil {
		t.Fatalf("move: %v", err)
	}
	_, err = tw.FetchIncomingPhoneNumber(*n.Sid, nil)
	cliRestError(t, err, 20404, 404)
	moved, err := restClientFor(srv, other, token).FetchIncomingPhoneNumber(*n.Sid, nil)
	if err != nil || *moved.AccountSid != other {
		t.Errorf("the other account fetches %v, %v", moved, err)
	}
}

func TestNumberIsAddNumber(t *testing.T) {
	srv := newServer(t, harness.WithControlAPI())
	tw := restClient(srv)
	libSID, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	rest := buy(t, srv, "+14155550124", nil)
	code, body := control(t, srv, "POST", "numbers", `{"phone_number": "+14155550125", "voice_url": "`+origin+`/voice"}`)
	if code != 200 {
		t.Fatalf("control API: %d %s", code, body)
	}

	list, err := tw.ListIncomingPhoneNumber(nil)
	if err != nil {
		t.Fatal(err)
	}
	bySID := map[string]string{}
	for _, n := range list {
		bySID[*n.Sid] = *n.PhoneNumber
	}
	if bySID[libSID] != ourNumber || bySID[*rest.Sid] != "+14155550124" || len(bySID) != 3 {
		t.Errorf("the REST API lists %v; want the number added by the library (%s), the one bought and the control API's", bySID, libSID)
	}
	lib := srv.Numbers()
	if len(lib) != 3 || lib[1].SID != *rest.Sid || lib[1].PhoneNumber != "+14155550124" || lib[1].FriendlyName != "(415) 555-0124" {
		t.Errorf("the library sees %+v; want the number bought with its SID", lib)
	}
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: "+14155550124", VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}}); err == nil {
		t.Error("AddNumber of a number bought through the REST API: no error")
	}
	if code, body := control(t, srv, "GET", "numbers", ""); !strings.Contains(body, *rest.Sid) {
		t.Errorf("control API numbers: %d %s, want the number bought", code, body)
	}
	// A call to the number bought, which has no voice URL, hears Twilio's
	// stand-in message and ends.
	c, err := srv.IncomingCall(to, "+14155550124", scenario.Party{})
	if err != nil {
		t.Fatal(err)
	}
	if info := c.Wait(); info.Status != harness.StatusCompleted || len(said(c)) != 1 || !strings.Contains(said(c)[0], "no voice URL") {
		t.Errorf("call to a number with no voice URL: %s, said %q", info.Status, said(c))
	}
}

func TestNumberRouting(t *testing.T) {
	a := newApp(`<Response><Say>Hello</Say></Response>`)
	srv := newServer(t, harness.WithApp(origin, a))
	tw := restClient(srv)
	appSID, err := srv.AddApplication(harness.Application{VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice?by=app", VoiceMethod: "GET",
		StatusCallback: origin + "/app-status"}})
	if err != nil {
		t.Fatal(err)
	}
	n := buy(t, srv, ourNumber, func(p *api.CreateIncomingPhoneNumberParams) {
		p.SetVoiceUrl(origin + "/voice?by=number").SetVoiceApplicationSid(appSID).SetStatusCallback(origin + "/number-status")
	})
	call := func() *harness.Call {
		t.Helper()
		c, err := srv.IncomingCall(to, ourNumber, scenario.Party{})
		if err != nil {
			t.Fatal(err)
		}
		c.Wait()
		return c
	}
	first := func(c *harness.Call) harness.Request { return c.Requests()[0] }

	// By the application: its URL, method and status callback, and its SID.
	c := call()
	if r := first(c); r.Method != "GET" || !strings.Contains(r.URL, "by=app") || r.Form.Get("ApplicationSid") != appSID {
		t.Errorf("first request by the application: %s %s ApplicationSid=%q", r.Method, r.URL, r.Form.Get("ApplicationSid"))
	}
	if cb := statusCallbacks(c); len(cb) != 1 || !strings.Contains(cb[0], "app-status") {
		t.Errorf("status callbacks by the application: %v", cb)
	}
	// The application cleared: the number's own settings.
	if _, err := tw.UpdateIncomingPhoneNumber(*n.Sid, new(api.UpdateIncomingPhoneNumberParams).SetVoiceApplicationSid("")); err != nil {
		t.Fatal(err)
	}
	c = call()
	if r := first(c); r.Method != "POST" || !strings.Contains(r.URL, "by=number") || r.Form.Has("ApplicationSid") {
		t.Errorf("first request by the number: %s %s ApplicationSid=%q", r.Method, r.URL, r.Form.Get("ApplicationSid"))
	}
	// Deleted: calls to it are no longer routed.
	if err := tw.DeleteIncomingPhoneNumber(*n.Sid, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.IncomingCall(to, ourNumber, scenario.Party{}); err == nil {
		t.Error("a call to a deleted number: no error")
	}
}

func TestNumberRepresentations(t *testing.T) {
	srv := newServer(t)
	n := buy(t, srv, ourNumber, func(p *api.CreateIncomingPhoneNumberParams) { p.SetVoiceUrl(origin + "/voice") })
	buy(t, srv, "+14155550124", nil)

	status, ctype, body := restGet(t, srv, "/IncomingPhoneNumbers.csv?PageSize=5")
	header, rows := csvRows(t, body)
	if status != 200 || ctype != "text/csv" || len(rows) != 2 || rows[0]["sid"] != *n.Sid || rows[0]["voice_url"] != origin+"/voice" ||
		rows[1]["voice_url"] != "" || rows[0]["status"] != "in-use" {
		t.Errorf("CSV list: %d %s %q", status, ctype, body)
	}
	if strings.Contains(strings.Join(header, ","), "capabilities") {
		t.Errorf("CSV header %v has the nested capabilities", header)
	}
	status, ctype, body = restGet(t, srv, "/IncomingPhoneNumbers/"+*n.Sid+".csv")
	if _, rows := csvRows(t, body); status != 200 || ctype != "text/csv" || len(rows) != 1 || rows[0]["phone_number"] != ourNumber {
		t.Errorf("CSV instance: %d %s %q", status, ctype, body)
	}

	status, ctype, body = restGet(t, srv, "/IncomingPhoneNumbers.xml?PageSize=1")
	list := parseXMLBody(t, body)
	if status != 200 || ctype != "application/xml" || list.XMLName.Local != "IncomingPhoneNumbers" || len(list.Children) != 1 ||
		list.attr("pagesize") != "1" || !strings.Contains(list.attr("nextpageuri"), "Page=1") {
		t.Errorf("XML list: %d %s %q", status, ctype, body)
	}
	for _, path := range []string{"/IncomingPhoneNumbers/" + *n.Sid + ".xml", "/IncomingPhoneNumbers/" + *n.Sid} {
		status, ctype, body = restGet(t, srv, path)
		el := parseXMLBody(t, body)
		caps := el.child("Capabilities")
		if status != 200 || ctype != "application/xml" || el.XMLName.Local != "IncomingPhoneNumber" || el.child("Sid").Text != *n.Sid ||
			caps.child("SMS").Text != "true" || caps.child("MMS").Text != "true" || caps.child("Voice").Text != "true" ||
			el.child("VoiceFallbackUrl").XMLName.Local != "VoiceFallbackUrl" || el.child("VoiceFallbackUrl").Text != "" {
			t.Errorf("XML instance %s: %d %s %q", path, status, ctype, body)
		}
	}
}

// TestSetNumberKeepsItsAccount: a number a subaccount bought, re-pointed
// with SetNumber without an account, stays the subaccount's.
func TestSetNumberKeepsItsAccount(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, newApp(``)))
	other, token, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatal(err)
	}
	sub := restClientFor(srv, other, token)
	bought, err := sub.CreateIncomingPhoneNumber(new(api.CreateIncomingPhoneNumberParams).SetPhoneNumber(ourNumber).SetVoiceUrl(origin + "/a"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.SetNumber(harness.IncomingNumber{PhoneNumber: ourNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/b"}}); err != nil {
		t.Fatal(err)
	}
	got, err := sub.FetchIncomingPhoneNumber(*bought.Sid, nil)
	if err != nil || *got.VoiceUrl != origin+"/b" {
		t.Fatalf("the subaccount's number after SetNumber: %v %+v", err, got)
	}
	if mine, _ := restClient(srv).ListIncomingPhoneNumber(nil); len(mine) != 0 {
		t.Errorf("the number moved to the first account: %d listed there", len(mine))
	}
}
