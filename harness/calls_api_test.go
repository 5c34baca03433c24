package harness_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

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

func TestClientCreateFetch(t *testing.T) {
	a := newApp(`<Response><Pause length="30"/></Response>`)
	srv := newServer(t, harness.WithApp(origin, a),
		harness.WithParty("+14155550100", scenario.AnswersAfter(5*time.Second)))
	tw := restClient(srv)
	acct := srv.AccountSID()

	p := &api.CreateCallParams{}
	p.SetTo("415-555-0100").
		SetFrom("+1 (415) 555-0199").
		SetUrl(origin + "/voice").
		SetMethod("GET").
		SetFallbackUrl(origin + "/fallback").
		SetFallbackMethod("POST").
		SetStatusCallback(origin + "/status").
		SetStatusCallbackEvent(allEvents).
		SetStatusCallbackMethod("POST").
		SetTimeout(30).
		SetRecord(true).
		SetRecordingChannels("mono").
		SetRecordingTrack("both").
		SetTrim("do-not-trim").
		SetRecordingStatusCallback(origin + "/recording").
		SetRecordingStatusCallbackMethod("POST").
		SetRecordingStatusCallbackEvent([]string{"in-progress", "completed"}).
		SetMachineDetection("Enable"). // ignored by Twilio: SendDigits is set
		SetMachineDetectionTimeout(30).
		SetSendDigits("1234#").
		SetTimeLimit(600).
		SetCallerId("+14155550199")
	created, err := tw.CreateCall(p)
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
	if diff := cmp.Diff(allEvents, sent["StatusCallbackEvent"]); diff != "" {
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

	fetched, err := tw.FetchCall(sid, nil)
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
	if v.Method != http.MethodGet || !strings.HasPrefix(v.URL, origin+"/voice?") || !v.Time.Equal(cliAt(6*time.Second)) {
		t.Errorf("voice request %s %s at %v, want GET %s/voice?… at +6s", v.Method, v.URL, v.Time, origin)
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
			c, err := tw.CreateCall(p.SetTo(tc.to).SetFrom(tc.from).SetTwiml(cliHangUp))
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

func TestClientDelete(t *testing.T) {
	const to = "+14155550100"
	srv := newServer(t)
	tw := restClient(srv)
	acct := srv.AccountSID()

	t.Run("an ended call", func(t *testing.T) {
		sid := cliCreate(t, tw, cliTwimlCall(to, cliHangUp))
		srv.Call(sid).Wait()
		if err := tw.DeleteCall(sid, nil); err != nil {
			t.Fatalf("DeleteCall: %v", err)
		}
		path := cliCallPrefix + acct + "/Calls/" + sid + ".json"
		_, err := tw.FetchCall(sid, nil)
		rerr := cliRestError(t, err, 20404, http.StatusNotFound)
		if want := "The requested resource " + path + " was not found"; rerr.Message != want {
			t.Errorf("message %q, want %q", rerr.Message, want)
		}
		calls, err := tw.ListCall(&api.ListCallParams{To: cliRef(to)})
		if err != nil {
			t.Fatalf("ListCall: %v", err)
		}
		for _, c := range calls {
			if c.Sid != nil && *c.Sid == sid {
				t.Errorf("ListCall still shows the deleted call %s", sid)
			}
		}
		cliRestError(t, tw.DeleteCall(sid, nil), 20404, http.StatusNotFound)
		_, err = tw.UpdateCall(sid, (&api.UpdateCallParams{}).SetStatus("completed"))
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
			cliRestError(t, tw.DeleteCall(sid, nil), 20009, http.StatusBadRequest)
			c, err := tw.FetchCall(sid, nil)
			if err != nil {
				t.Fatalf("FetchCall after a refused delete: %v", err)
			}
			if cliDeref(c.Status) != strconv.Quote(string(tc.want)) {
				t.Errorf("status after a refused delete %s, want %s", cliDeref(c.Status), tc.want)
			}
			if _, err := tw.UpdateCall(sid, (&api.UpdateCallParams{}).SetStatus("completed")); err != nil {
				t.Fatalf("UpdateCall Status=completed: %v", err)
			}
			srv.Call(sid).Wait()
			if err := tw.DeleteCall(sid, nil); err != nil {
				t.Errorf("DeleteCall once ended: %v", err)
			}
		})
	}
}

func TestUrlAndTwimlBothGiven(t *testing.T) {
	a := newApp(`<Response/>`)
	srv := newServer(t, harness.WithApp(origin, a))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetTwiml(`<Response><Pause length="30"/></Response>`) })
	info := c.Wait()
	if info.Duration != 0 || len(c.Requests()) != 1 {
		t.Errorf("the call ran the inline Twiml: duration %v, %d requests", info.Duration, len(c.Requests()))
	}
	notes := c.Notifications()
	if len(notes) != 1 || notes[0].Code != 32019 {
		t.Errorf("notifications = %+v, want the 32019 warning", notes)
	}
}
