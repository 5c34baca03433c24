package harness_test

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

func TestValidVariants(t *testing.T) {
	tests := []struct {
		name            string
		form            url.Values
		wantTo          string
		wantToFormatted string
		wantFrom        string
	}{
		{name: "StatusCallbackEvent space-separated",
			form: createForm("StatusCallback", "https://example.com/status", "StatusCallbackEvent", "initiated ringing")},
		{name: "StatusCallbackEvent repeated",
			form: url.Values{"To": {validTo}, "From": {validFrom}, "Url": {validURL}, "StatusCallback": {"https://example.com/status"},
				"StatusCallbackEvent": {"initiated", "ringing", "answered", "completed"}}},
		{name: "StatusCallbackEvent upper case", form: createForm("StatusCallback", "https://example.com/status", "StatusCallbackEvent", "Completed")},
		{name: "lower-case get", form: createForm("Method", "get", "FallbackUrl", "https://example.com/fallback", "FallbackMethod", "get")},
		{name: "NANP number", form: createForm("To", "(415) 555-0100"),
			wantTo: "+14155550100", wantToFormatted: "(415) 555-0100"},
		{name: "NANP number with dashes and country code", form: createForm("To", "1-415-555-0100"),
			wantTo: "+14155550100", wantToFormatted: "(415) 555-0100"},
		{name: "UK number", form: createForm("To", "+442071838750"),
			wantTo: "+442071838750", wantToFormatted: "+442071838750"},
		{name: "client with a caller label", form: createForm("To", "client:alice", "From", "harness"),
			wantTo: "client:alice", wantToFormatted: "client:alice", wantFrom: "harness"},
		{name: "Timeout 1", form: createForm("Timeout", "1")},
		{name: "Timeout 600", form: createForm("Timeout", "600")},
		{name: "MachineDetectionTimeout 3", form: createForm("MachineDetection", "Enable", "MachineDetectionTimeout", "3")},
		{name: "MachineDetectionTimeout 59", form: createForm("MachineDetection", "DetectMessageEnd", "MachineDetectionTimeout", "59")},
		{name: "AsyncAmd true", form: createForm("MachineDetection", "Enable", "AsyncAmd", "true")},
		{name: "Twiml only", form: createForm("Url", "", "Twiml", twimlOfLength(4000))},
		{name: "Url and Twiml", form: createForm("Twiml", hangupTwiml)},
		{name: "SendDigits of 32 keys", form: createForm("SendDigits", "W1234#*ABCDw"+strings.Repeat("0", 20))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fixture{srv: newServer(t)}
			target := apiRoot + f.srv.AccountSID() + "/Calls.json"

			rec, err := f.serve(http.MethodPost, target, tt.form.Encode(), authValid)
			if err != nil {
				t.Fatalf("POST %s %v: %v", target, tt.form, err)
			}

			if rec.Code != http.StatusCreated {
				t.Fatalf("POST %s %v: status %d, want 201; body %s", target, tt.form, rec.Code, rec.Body)
			}
			if mt, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type")); mt != "application/json" {
				t.Errorf("Content-Type %q, want application/json", rec.Header().Get("Content-Type"))
			}
			var got map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			sid, _ := got["sid"].(string)
			if !callSIDPattern.MatchString(sid) {
				t.Errorf("sid %v, want CA and 32 hex digits", got["sid"])
			}
			want := map[string]string{"status": "queued", "direction": "outbound-api", "to": tt.wantTo,
				"to_formatted": tt.wantToFormatted, "from": tt.wantFrom}
			for field, w := range want {
				if w != "" && got[field] != w {
					t.Errorf("%s is %v, want %q", field, got[field], w)
				}
			}
			if calls := f.srv.Calls(); len(calls) != 1 || calls[0].SID() != sid {
				t.Errorf("the server has %d calls after one create, want the call %s", len(calls), sid)
			}
		})
	}
}

// FuzzCreateCall sends arbitrary bodies and query strings to POST
// /Calls.json with valid credentials: the answer is a new call or Twilio's
// error, never a crash.
func FuzzCreateCall(f *testing.F) {
	valid := createForm()
	seeds := []struct{ body, query string }{
		{valid.Encode(), ""},
		{createForm("Url", "", "Twiml", hangupTwiml).Encode(), ""},
		{createForm("To", "client:alice", "From", "harness").Encode(), ""},
		{createForm("To", "sip:alice@example.com", "From", "anything").Encode(), ""},
		{createForm("To", "(415) 555-0100", "Timeout", "600", "MachineDetection", "Enable", "AsyncAmd", "TRUE").Encode(), ""},
		{url.Values{"To": {validTo}, "From": {validFrom}, "Url": {validURL}, "StatusCallbackEvent": {"initiated ringing", "answered", "completed"}}.Encode(), ""},
		{createForm("Record", "true", "RecordingStatusCallbackEvent", "in-progress completed absent", "RecordingChannels", "dual").Encode(), ""},
		{createForm("Url", "", "ApplicationSid", unknownApp).Encode(), ""},
		{"", ""},
		{"", valid.Encode()},
		{"\x00\xff\xfe\x01binary\x80garbage", ""},
		{"To=%zz&From=%2", ""},
		{valid.Encode(), "%zz"},
		{valid.Encode() + "&Timeout=99999999999999999999999999", ""},
		{valid.Encode() + "&Timeout=-1&TimeLimit=-5", ""},
		{valid.Encode() + "&MachineDetectionTimeout=9223372036854775808", ""},
		{valid.Encode() + "&SendDigits=" + strings.Repeat("w", 1000), ""},
		{"To=;From=;Url=", "a;b"},
		{"To=+15005550001&From=+15005550006&Url=https://example.com/", ""},
		{createForm("Url", "", "Twiml", twimlOfLength(4001)).Encode(), ""},
		{createForm("Url", "http://[::1]:namedport/").Encode(), ""},
	}
	for _, s := range seeds {
		f.Add(s.body, s.query)
	}
	f.Fuzz(func(t *testing.T, body, query string) {
		srv := newServer(t)
		fx := &fixture{srv: srv}
		req := httptest.NewRequest(http.MethodPost, apiRoot+srv.AccountSID()+"/Calls.json", strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())

		rec, err := serveSafely(srv.Handler(), req)
		if err != nil {
			t.Fatalf("POST Calls.json?%q with body %q: %v", query, body, err)
		}

		v, err := checkResponse(rec)
		if err != nil {
			t.Fatalf("POST Calls.json?%q with body %q: %v", query, body, err)
		}
		calls := len(fx.srv.Calls())
		switch {
		case rec.Code == http.StatusCreated:
			if sid, _ := v["sid"].(string); !callSIDPattern.MatchString(sid) {
				t.Errorf("POST Calls.json?%q with body %q: 201 with sid %v", query, body, v["sid"])
			}
			if calls != 1 {
				t.Errorf("POST Calls.json?%q with body %q: 201, and the server has %d calls", query, body, calls)
			}
		case rec.Code >= 400:
			if calls != 0 {
				t.Errorf("POST Calls.json?%q with body %q: %d, and the server has %d calls", query, body, rec.Code, calls)
			}
		default:
			t.Errorf("POST Calls.json?%q with body %q: status %d, want 201 or an error", query, body, rec.Code)
		}
	})
}

// Fix 7: TimeLimit is at most 14,400 seconds (4 hours), or 24 hours for an
// account that asked for longer calls: the <Dial> page
// (https://www.twilio.com/docs/voice/twiml/dial#timelimit) gives "14400 (4
// h; 24 h if enabled)", and the Call resource page's TimeLimit "Constraints
// depend on account and configuration"; beyond it the REST API answers 400
// with 20001 (reference voice-semantics §4.2). In TwiML a value out of
// range is the attribute's warning and its default: <Pause> length (13910,
// https://www.twilio.com/docs/voice/twiml/pause, default 1 s) and <Say> loop
// (13510, https://www.twilio.com/docs/voice/twiml/say); neither overflows.
func TestFixTimeLimit(t *testing.T) {
	longCalls := harness.DefaultFidelity()
	longCalls.MaxTimeLimit = 24 * time.Hour
	rest := []struct {
		name     string
		opts     []harness.Option
		update   bool // set TimeLimit on a live call instead of creating one
		limit    int
		wantCode int // 0: accepted
	}{
		{name: "create with 14400", limit: 14400},
		{name: "create with 14401", limit: 14401, wantCode: 20001},
		{name: "create with 86400 when MaxTimeLimit is 24 h", opts: []harness.Option{harness.WithFidelity(longCalls)}, limit: 86400},
		{name: "create with 86401 when MaxTimeLimit is 24 h", opts: []harness.Option{harness.WithFidelity(longCalls)}, limit: 86401, wantCode: 20001},
		{name: "update with 14400", update: true, limit: 14400},
		{name: "update with 14401", update: true, limit: 14401, wantCode: 20001},
	}
	for _, tt := range rest {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.opts...)
			tw := restClient(srv)
			var err error
			if tt.update {
				sid := cliLiveCall(t, srv, tw, cliTwimlCall(to, cliPauseLong))
				p := &api.UpdateCallParams{}
				_, err = tw.UpdateCall(sid, p.SetTimeLimit(tt.limit))
			} else {
				_, err = tw.CreateCall(cliTwimlCall(to, cliHangUp).SetTimeLimit(tt.limit))
			}
			if tt.wantCode == 0 {
				if err != nil {
					t.Fatalf("TimeLimit %d: %v, want it accepted", tt.limit, err)
				}
				return
			}
			cliRestError(t, err, tt.wantCode, http.StatusBadRequest)
		})
	}

	twiml := []struct {
		name     string
		doc      string
		wantCode int
		wantKind harness.EventKind
		wantLen  time.Duration // of the verb, and of the call
	}{
		{name: `<Pause length="86401"/> is 13910 and pauses 1 s`, doc: `<Response><Pause length="86401"/></Response>`,
			wantCode: 13910, wantKind: harness.EventPause, wantLen: time.Second},
		{name: `<Say loop="1001"> is 13510 and says it once`, doc: `<Response><Say loop="1001">Hello</Say></Response>`,
			wantCode: 13510, wantKind: harness.EventSay, wantLen: time.Second},
	}
	for _, tt := range twiml {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(tt.doc) })
			info := c.Wait()
			if diff := cmp.Diff([]int{tt.wantCode}, codes(c)); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s", diff)
			}
			for _, n := range c.Notifications() {
				if n.Level != harness.LevelWarning {
					t.Errorf("%d logged as %s, want a warning", n.Code, n.Level)
				}
			}
			var lens []time.Duration
			for _, e := range c.Events() {
				if e.Kind == tt.wantKind {
					lens = append(lens, e.Duration)
				}
			}
			if diff := cmp.Diff([]time.Duration{tt.wantLen}, lens); diff != "" {
				t.Errorf("%s lengths mismatch (-want +got):\n%s", tt.wantKind, diff)
			}
			if info.Status != harness.StatusCompleted || info.Duration != tt.wantLen {
				t.Errorf("call ended %s after %v, want completed after %v", info.Status, info.Duration, tt.wantLen)
			}
		})
	}
}
