package harness_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// The tests of this file pin the behaviour changes of the commit "harness: a
// REST layer for any resource, a Call in parts, …" (its "Fixes found from
// outside" list): one TestFix… per fix, each asserting what Twilio documents
// (../shared/reference/*.md, ../shared/seed/call-resource.txt), so that it
// fails if the fix is reverted. Package-level names start with "fix".

// fixAppError is what Twilio says before hanging up on a call whose
// application failed.
const fixAppError = "We are sorry, an application error has occurred. Goodbye."

// fixAlice is a number a <Dial> rings in these tests.
const fixAlice = "+14155550201"

// fixLine returns the first line of the call's transcript that contains
// substr, or "" if none does.
func fixLine(c *harness.Call, substr string) string {
	for _, line := range strings.Split(c.Transcript(), "\n") {
		if strings.Contains(line, substr) {
			return line
		}
	}
	return ""
}

// fixCallbacks returns the method, path and CallStatus of the status
// callbacks made for a call, one a string.
func fixCallbacks(c *harness.Call) []string {
	var out []string
	for _, r := range c.Requests() {
		if r.Kind != harness.KindStatusCallback {
			continue
		}
		u, _ := url.Parse(r.URL)
		out = append(out, r.Method+" "+u.Path+" "+r.Form.Get("CallStatus"))
	}
	return out
}

// fixHasPlayOf reports whether the call played the audio at u.
func fixHasPlayOf(c *harness.Call, u string) bool {
	for _, e := range c.Events() {
		if e.Kind == harness.EventPlay && e.URL == u {
			return true
		}
	}
	return false
}

// Fix 1: an empty recording makes no request to <Record>'s action, and a
// caller who hangs up during <Record> without saying anything left an empty
// recording. Twilio's <Record> page (https://www.twilio.com/docs/voice/twiml/record):
// "If Twilio receives an empty recording, it will not make a request to the
// action URL"; a hang-up sends Digits=hangup (reference voice-semantics §1.2
// <Record>, §1.3). The silent timeout case is TestEmptyRecording.
func TestFixRecordHangUpWithNothingSaid(t *testing.T) {
	voice := `<Response><Say>Leave a message</Say><Record action="/recorded" timeout="10"/><Say>never said</Say></Response>`
	paths := map[string]string{"/voice": voice, "/recorded": `<Response><Say>ignored</Say></Response>`}
	hangsUp := scenario.Person().HangsUp().After(2 * time.Second)
	requestsAction := harness.DefaultFidelity()
	requestsAction.EmptyRecordingRequestsAction = true
	tests := []struct {
		name string
		opts []harness.Option
		want []req
	}{
		{
			name: "by default: no request to the action",
			want: []req{voiceInProgress},
		},
		{
			name: "EmptyRecordingRequestsAction: the action with Digits=hangup",
			opts: []harness.Option{harness.WithFidelity(requestsAction)},
			want: []req{voiceInProgress, {harness.KindAction, "POST", "/recorded", values("Digits", "hangup", "CallStatus", "completed")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := run(t, paths, hangsUp, tt.opts...)
			if diff := cmp.Diff(tt.want, requests(c, "Digits", "CallStatus")); diff != "" {
				t.Errorf("requests mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff([]string{"Leave a message"}, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
			if st := c.Status(); st != harness.StatusCompleted {
				t.Errorf("status = %s, want completed", st)
			}
		})
	}
}

// Fix 2: a <Dial> target that is not a valid number makes its leg fail
// after warning 13223 ("Dial: Invalid phone number format", Twilio's error
// catalog https://www.twilio.com/docs/api/errors/13223); the <Dial> page
// (https://www.twilio.com/docs/voice/twiml/dial) gives DialCallStatus
// "failed" for an invalid number, with the leg's DialCallSid. A <Dial> leg
// goes initiated → ringing → … (reference voice-semantics §6.2): one that
// cannot be placed never rings.
func TestFixDialInvalidNumber(t *testing.T) {
	const after = `<Response><Say>after</Say></Response>`
	allEvents := `statusCallback="/leg" statusCallbackEvent="initiated ringing answered completed"`
	tests := []struct {
		name      string
		voice     string
		wantLegs  []string
		wantParam map[string]string // the action's, besides DialCallSid
		wantSID   int               // the leg whose SID is DialCallSid
		// wantLegCallbacks are the status callbacks of the first leg.
		wantLegCallbacks []string
		// wantCode is the parent's warning: 13223 from the parser for what
		// is not written as a number, 13224 for a number Twilio cannot call.
		wantCode int
	}{
		{
			name:             "a <Number> that is not a number",
			voice:            `<Response><Dial action="/after"><Number ` + allEvents + `>not-a-number</Number></Dial></Response>`,
			wantLegs:         []string{"not-a-number failed 0s"},
			wantParam:        values("DialCallStatus", "failed", "DialBridged", "false"),
			wantLegCallbacks: []string{"POST /leg initiated", "POST /leg failed"},
			wantCode:         13223,
		},
		{
			name:      "two digits as the <Dial>'s text",
			voice:     `<Response><Dial action="/after">12</Dial></Response>`,
			wantLegs:  []string{"12 failed 0s"},
			wantParam: values("DialCallStatus", "failed", "DialBridged", "false"),
			wantCode:  13223,
		},
		{
			name:      "a number written right that Twilio cannot call",
			voice:     `<Response><Dial action="/after">12345</Dial></Response>`,
			wantLegs:  []string{"12345 failed 0s"},
			wantParam: values("DialCallStatus", "failed", "DialBridged", "false"),
			wantCode:  13224,
		},
		{
			name:      "one invalid and one valid number at once: the valid one answers and is bridged",
			voice:     `<Response><Dial action="/after"><Number>not-a-number</Number><Number>` + fixAlice + `</Number></Dial></Response>`,
			wantLegs:  []string{"not-a-number failed 0s", fixAlice + " completed 5s"},
			wantParam: values("DialCallStatus", "completed", "DialBridged", "true", "DialCallDuration", "5"),
			wantSID:   1,
			wantCode:  13223,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := run(t, map[string]string{"/voice": tt.voice, "/after": after}, scenario.Person(),
				harness.WithParty(fixAlice, scenario.Person().HangsUpAfter(5*time.Second)))
			srv.Run()
			if diff := cmp.Diff(tt.wantLegs, legs(c)); diff != "" {
				t.Fatalf("legs mismatch (-want +got):\n%s\n%s", diff, srv.Transcript())
			}
			if diff := cmp.Diff([]int{tt.wantCode}, codes(c)); diff != "" {
				t.Errorf("notifications of the parent mismatch (-want +got): once, not twice\n%s", diff)
			}
			for _, n := range c.Notifications() {
				if n.Level != harness.LevelWarning {
					t.Errorf("%d logged as %s, want a warning", n.Code, n.Level)
				}
			}
			children := c.Children()
			want := fixWith(tt.wantParam, "DialCallSid", children[tt.wantSID].SID())
			wantReqs := []req{voiceReq, {harness.KindAction, "POST", "/after", want}}
			if diff := cmp.Diff(wantReqs, requests(c, "DialCallStatus", "DialCallSid", "DialBridged", "DialCallDuration")); diff != "" {
				t.Errorf("requests mismatch (-want +got):\n%s\n%s", diff, srv.Transcript())
			}
			bad := children[0]
			if diff := cmp.Diff([]harness.Status{"initiated", "failed"}, statuses(bad)); diff != "" {
				t.Errorf("status path of the invalid leg mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLegCallbacks, fixCallbacks(bad)); diff != "" {
				t.Errorf("status callbacks of the invalid leg mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"after"}, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// fixWith returns a copy of m with the extra name, value pairs.
func fixWith(m map[string]string, kv ...string) map[string]string {
	out := values(kv...)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Fix 3: an update of a live call that sets only StatusCallback (and
// StatusCallbackMethod) is accepted, and the call's later status callbacks
// use the new URL and method. Call resource page, "Update a Call resource"
// (https://www.twilio.com/docs/voice/api/call-resource#update-a-call-resource):
// StatusCallback and StatusCallbackMethod are parameters of their own; no
// Url or Twiml is required with them (../shared/seed/call-resource.txt).
func TestFixUpdateStatusCallbackOnly(t *testing.T) {
	tests := []struct {
		name   string
		method string // StatusCallbackMethod, if set
		want   []string
	}{
		{name: "StatusCallback alone keeps POST", want: []string{"POST /moved-status completed"}},
		{name: "StatusCallback and StatusCallbackMethod GET", method: "GET", want: []string{"GET /moved-status completed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{"/voice": `<Response><Pause length="60"/></Response>`}}))
			c := place(t, srv, func(p *api.CreateCallParams) { p.SetStatusCallback(origin + "/status") })
			srv.Advance(10 * time.Second)
			p := &api.UpdateCallParams{}
			p.SetStatusCallback(origin + "/moved-status")
			if tt.method != "" {
				p.SetStatusCallbackMethod(tt.method)
			}
			got, err := restClient(srv).Api.UpdateCall(c.SID(), p)
			if err != nil {
				t.Fatalf("UpdateCall with StatusCallback only: %v", err)
			}
			if cliDeref(got.Status) != `"in-progress"` {
				t.Errorf("UpdateCall returned status %s, want in-progress", cliDeref(got.Status))
			}
			apiReqs := srv.APIRequests()
			if last := apiReqs[len(apiReqs)-1]; last.Method != "POST" || last.Status != http.StatusOK {
				t.Errorf("the update was answered %s %d, want 200", last.Method, last.Status)
			}
			info := c.Wait()
			if info.Status != harness.StatusCompleted || info.Duration != 60*time.Second {
				t.Errorf("call ended %s after %v, want completed after 60s: the update must not touch the TwiML", info.Status, info.Duration)
			}
			if diff := cmp.Diff(tt.want, fixCallbacks(c)); diff != "" {
				t.Errorf("status callbacks mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
		})
	}
}

// fixHop is a request the application got after a redirect.
type fixHop struct {
	Method string
	Query  string
	Form   url.Values // the POST body
}

// fixRedirectApp answers /voice with a redirect (status and Location) and
// serves /next and /fallback, keeping what /next got.
type fixRedirectApp struct {
	status   int
	location string

	mu   sync.Mutex // guards hops
	hops []fixHop
}

func (a *fixRedirectApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/voice":
		if a.location != "" {
			w.Header().Set("Location", a.location)
		}
		w.WriteHeader(a.status)
	case "/next":
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		a.mu.Lock()
		a.hops = append(a.hops, fixHop{Method: r.Method, Query: r.URL.RawQuery, Form: form})
		a.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>Moved</Say></Response>`)
	case "/fallback":
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>Fallback</Say></Response>`)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (a *fixRedirectApp) got() []fixHop {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]fixHop(nil), a.hops...)
}

// Fix 4: Twilio follows only 301, 302, 303 and 307 from the application
// (301, 302 and 303 as a GET without the parameters, 307 repeating the POST
// and its body); any other 3xx, or one without a Location, is error 11216
// "HTTP invalid redirect" (Twilio's error catalog,
// https://www.twilio.com/docs/api/errors/11216), which ends the call with the
// application error or goes to the FallbackUrl (Twilio's "Availability and
// Reliability" page, reference voice-semantics §0.12, §2.4).
func TestFixWebhookRedirects(t *testing.T) {
	followedAsGET := []fixHop{{Method: "GET", Query: "", Form: url.Values{}}}
	tests := []struct {
		name     string
		status   int
		location string
		fallback bool
		// wantNext is what /next got; wantPOST: the voice request's own
		// parameters were POSTed again.
		wantNext  []fixHop
		wantPOST  bool
		wantCodes []int
		wantSaid  []string
		wantReqs  []req
	}{
		{name: "301 is followed as a GET", status: 301, location: "/next", wantNext: followedAsGET, wantSaid: []string{"Moved"}},
		{name: "302 is followed as a GET", status: 302, location: "/next", wantNext: followedAsGET, wantSaid: []string{"Moved"}},
		{name: "303 is followed as a GET", status: 303, location: "/next", wantNext: followedAsGET, wantSaid: []string{"Moved"}},
		{name: "303 to an absolute Location", status: 303, location: origin + "/next", wantNext: followedAsGET, wantSaid: []string{"Moved"}},
		{name: "307 repeats the POST with its body", status: 307, location: "/next", wantPOST: true, wantSaid: []string{"Moved"}},
		{name: "308 is 11216", status: 308, location: "/next", wantCodes: []int{11216}, wantSaid: []string{fixAppError}},
		{name: "300 is 11216", status: 300, location: "/next", wantCodes: []int{11216}, wantSaid: []string{fixAppError}},
		{name: "304 is 11216", status: 304, location: "/next", wantCodes: []int{11216}, wantSaid: []string{fixAppError}},
		{name: "302 without a Location is 11216", status: 302, wantCodes: []int{11216}, wantSaid: []string{fixAppError}},
		{name: "308 goes to the FallbackUrl", status: 308, location: "/next", fallback: true, wantCodes: []int{11216}, wantSaid: []string{"Fallback"},
			wantReqs: []req{voiceReq, {harness.KindFallback, "POST", "/fallback", values("ErrorCode", "11216", "ErrorUrl", origin+"/voice")}}},
		{name: "302 without a Location goes to the FallbackUrl", status: 302, fallback: true, wantCodes: []int{11216}, wantSaid: []string{"Fallback"},
			wantReqs: []req{voiceReq, {harness.KindFallback, "POST", "/fallback", values("ErrorCode", "11216", "ErrorUrl", origin+"/voice")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &fixRedirectApp{status: tt.status, location: tt.location}
			srv := newServer(t, harness.WithApp(origin, a))
			c := place(t, srv, func(p *api.CreateCallParams) {
				if tt.fallback {
					p.SetFallbackUrl(origin + "/fallback")
				}
			})
			info := c.Wait()
			want := tt.wantNext
			if tt.wantPOST {
				want = []fixHop{{Method: "POST", Query: "", Form: c.Requests()[0].Form}}
			}
			if diff := cmp.Diff(want, a.got()); diff != "" {
				t.Errorf("what /next got mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff(tt.wantCodes, codes(c)); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff(tt.wantSaid, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
			if tt.wantReqs != nil {
				if diff := cmp.Diff(tt.wantReqs, requests(c, "ErrorCode", "ErrorUrl")); diff != "" {
					t.Errorf("requests mismatch (-want +got):\n%s", diff)
				}
			}
			if info.Status != harness.StatusCompleted {
				t.Errorf("status = %s, want completed", info.Status)
			}
		})
	}

	t.Run("308 over real HTTP is 11216", func(t *testing.T) {
		a := &fixRedirectApp{status: 308, location: "/next"}
		ts := httptest.NewServer(a)
		defer ts.Close()
		srv := newServer(t)
		c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(ts.URL + "/voice") })
		c.Wait()
		if diff := cmp.Diff([]int{11216}, codes(c)); diff != "" {
			t.Errorf("notifications mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
		}
		if diff := cmp.Diff([]string{fixAppError}, said(c)); diff != "" {
			t.Errorf("said mismatch (-want +got):\n%s", diff)
		}
		if got := a.got(); len(got) != 0 {
			t.Errorf("/next got %+v, want no request: a 308 is not followed", got)
		}
	})
}

// Fix 5: a <Play> with no URL is a TwiML error with Twilio's code 11100
// ("Invalid URL format", the catalog's "Bad URL in Play or Redirect Verb
// Body", https://www.twilio.com/docs/api/errors/11100). The <Play> page
// (https://www.twilio.com/docs/voice/twiml/play) says its body is the URL
// of the audio: unlike an action, an empty one does not default to the
// document's own URL, so the document is neither requested again nor
// "played".
func TestFixPlayWithoutURL(t *testing.T) {
	tests := []struct {
		name  string
		voice string
	}{
		{"self-closing", `<Response><Play/></Response>`},
		{"empty element", `<Response><Play></Play></Response>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := run(t, map[string]string{"/voice": tt.voice}, scenario.Person())
			if !slices.Contains(codes(c), 11100) {
				t.Errorf("notifications = %v, want 11100", notes(c))
			}
			if diff := cmp.Diff([]req{voiceReq}, requests(c)); diff != "" {
				t.Errorf("requests mismatch (-want +got):\n%s", diff)
			}
			if fixHasPlayOf(c, origin+"/voice") {
				t.Errorf("the call played the document's own URL %s/voice, want no play:\n%s", origin, c.Transcript())
			}
		})
	}
}

// Fix 6: duration and end_time of a call that was never answered are
// null. Call resource page (https://www.twilio.com/docs/voice/api/call-resource,
// ../shared/seed/call-resource.txt): duration "is empty for busy, failed,
// unanswered, or ongoing calls"; end_time is "Empty if the call did not
// complete successfully". Fidelity.UnansweredCallTimes keeps "0" and the
// end time.
func TestFixUnansweredCallTimes(t *testing.T) {
	const say = `<Response><Say>Hello</Say></Response>`
	cancelWhileRinging := func(t *testing.T, srv *harness.Server, sid string) {
		t.Helper()
		srv.Advance(5 * time.Second)
		p := &api.UpdateCallParams{}
		if _, err := restClient(srv).Api.UpdateCall(sid, p.SetStatus("canceled")); err != nil {
			t.Fatalf("cancel: %v", err)
		}
	}
	unanswered := harness.DefaultFidelity()
	unanswered.UnansweredCallTimes = true
	tests := []struct {
		name         string
		party        scenario.Party
		timeout      int
		drive        func(t *testing.T, srv *harness.Server, sid string)
		opts         []harness.Option
		wantStatus   string
		wantDuration string // cliDeref of duration
		wantEnd      bool   // end_time is the call's end
	}{
		{name: "busy", party: scenario.Busy(), wantStatus: "busy", wantDuration: "<nil>"},
		{name: "no-answer", party: scenario.NoAnswer(), timeout: 15, wantStatus: "no-answer", wantDuration: "<nil>"},
		{name: "failed", party: scenario.Fails(0), wantStatus: "failed", wantDuration: "<nil>"},
		{name: "canceled while ringing", party: scenario.NoAnswer(), drive: cancelWhileRinging, wantStatus: "canceled", wantDuration: "<nil>"},
		{name: "completed", party: scenario.Person(), wantStatus: "completed", wantDuration: `"1"`, wantEnd: true},
		{name: "UnansweredCallTimes: busy", party: scenario.Busy(), opts: []harness.Option{harness.WithFidelity(unanswered)},
			wantStatus: "busy", wantDuration: `"0"`, wantEnd: true},
		{name: "UnansweredCallTimes: no-answer", party: scenario.NoAnswer(), timeout: 15, opts: []harness.Option{harness.WithFidelity(unanswered)},
			wantStatus: "no-answer", wantDuration: `"0"`, wantEnd: true},
		{name: "UnansweredCallTimes: failed", party: scenario.Fails(0), opts: []harness.Option{harness.WithFidelity(unanswered)},
			wantStatus: "failed", wantDuration: `"0"`, wantEnd: true},
		{name: "UnansweredCallTimes: canceled while ringing", party: scenario.NoAnswer(), drive: cancelWhileRinging,
			opts: []harness.Option{harness.WithFidelity(unanswered)}, wantStatus: "canceled", wantDuration: `"0"`, wantEnd: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, append([]harness.Option{harness.WithParty(to, tt.party)}, tt.opts...)...)
			c := place(t, srv, func(p *api.CreateCallParams) {
				p.SetUrl("").SetTwiml(say)
				if tt.timeout > 0 {
					p.SetTimeout(tt.timeout)
				}
			})
			if tt.drive != nil {
				tt.drive(t, srv, c.SID())
			}
			info := c.Wait()
			got, err := restClient(srv).Api.FetchCall(c.SID(), &api.FetchCallParams{})
			if err != nil {
				t.Fatalf("FetchCall: %v", err)
			}
			wantEnd := "<nil>"
			if tt.wantEnd {
				wantEnd = fmt.Sprintf("%q", cliDate(info.Ended))
			}
			type fields struct{ Status, Duration, EndTime string }
			want := fields{fmt.Sprintf("%q", tt.wantStatus), tt.wantDuration, wantEnd}
			if diff := cmp.Diff(want, fields{cliDeref(got.Status), cliDeref(got.Duration), cliDeref(got.EndTime)}); diff != "" {
				t.Errorf("fetched call mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
		})
	}
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
				_, err = tw.Api.UpdateCall(sid, p.SetTimeLimit(tt.limit))
			} else {
				_, err = tw.Api.CreateCall(cliTwimlCall(to, cliHangUp).SetTimeLimit(tt.limit))
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

// Fix 8: a GET request sends its parameters in the query (TwiML for
// Programmable Voice, https://www.twilio.com/docs/voice/twiml, and the
// <Gather> page's method attribute; reference voice-semantics §0.8, §2.3),
// and its transcript line shows the URL as requested, query and all.
func TestFixGETTranscriptShowsQuery(t *testing.T) {
	paths := map[string]string{
		"/voice": `<Response><Gather numDigits="1" action="/menu" method="GET"><Say>Press 1</Say></Gather></Response>`,
		"/menu":  `<Response><Say>Thanks</Say></Response>`,
	}
	_, c := run(t, paths, scenario.Party{Steps: []scenario.Step{press("1")}})
	var action *harness.Request
	for _, r := range c.Requests() {
		if r.Kind == harness.KindAction {
			action = &r
		}
	}
	if action == nil || action.Method != "GET" {
		t.Fatalf("no GET action request:\n%s", c.Transcript())
	}
	line := fixLine(c, "action GET ")
	pattern := regexp.MustCompile(`action GET https://app\.example\.com/menu\?AccountSid=AC[0-9a-f]{32}&\S*\bDigits=1(&|\s)`)
	if !pattern.MatchString(line) {
		t.Errorf("transcript line %q does not show the query sent, want it to match %s", line, pattern)
	}
	if !strings.Contains(line, "action GET "+action.URL+" ") {
		t.Errorf("transcript line %q does not show the URL requested, %s", line, action.URL)
	}
}

// Fix 10: a failed <Redirect> target is "a fatal error while executing your
// call", which goes to the FallbackUrl with ErrorCode and ErrorUrl (Twilio's
// "Availability and Reliability" page,
// https://www.twilio.com/docs/usage/security/availability-reliability, and
// the Call resource page's FallbackUrl; reference voice-semantics §2.4); if
// the FallbackUrl fails too, the caller hears the application error and the
// call ends, with no loop. A failed action is TestActionFailure.
func TestFixRedirectFailureGoesToFallback(t *testing.T) {
	paths := map[string]string{
		"/voice":    `<Response><Redirect>/moved</Redirect></Response>`,
		"/fallback": `<Response><Say>Fallback</Say></Response>`,
	}
	redirect := req{harness.KindRedirect, "POST", "/moved", map[string]string{}}
	fallback := req{harness.KindFallback, "POST", "/fallback", values("ErrorCode", "11200", "ErrorUrl", origin+"/moved")}
	tests := []struct {
		name      string
		failing   []string
		want      []req
		wantCodes []int
		wantSaid  []string
	}{
		{
			name:      "the FallbackUrl gets ErrorCode and the redirect's URL",
			failing:   []string{"/moved"},
			want:      []req{voiceReq, redirect, fallback},
			wantCodes: []int{11200},
			wantSaid:  []string{"Fallback"},
		},
		{
			name:      "the FallbackUrl failing too ends with the application error",
			failing:   []string{"/moved", "/fallback"},
			want:      []req{voiceReq, redirect, fallback},
			wantCodes: []int{11200, 11200},
			wantSaid:  []string{fixAppError},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, harness.WithApp(origin, &docs{paths: paths}))
			for _, p := range tt.failing {
				if err := srv.InjectFault(origin+p, harness.Fault{Status: http.StatusInternalServerError}); err != nil {
					t.Fatal(err)
				}
			}
			c := place(t, srv, func(p *api.CreateCallParams) { p.SetFallbackUrl(origin + "/fallback") })
			info := c.Wait()
			if diff := cmp.Diff(tt.want, requests(c, "ErrorCode", "ErrorUrl")); diff != "" {
				t.Errorf("requests mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff(tt.wantCodes, codes(c)); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSaid, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
			if info.Status != harness.StatusCompleted {
				t.Errorf("status = %s, want completed", info.Status)
			}
		})
	}
}

// fixServed is what an application's handler saw of a webhook.
type fixServed struct {
	IsAbs         bool
	Path          string
	RawQuery      string
	RequestURI    string
	Host          string
	TLS           bool
	RemoteAddrSet bool
	Proto         string
	// Valid: twilio-go's validator accepts the URL rebuilt from the
	// request with the POST parameters and X-Twilio-Signature.
	Valid bool
}

// fixServedApp answers /voice and keeps what its handler saw.
type fixServedApp struct {
	mu   sync.Mutex // guards seen
	seen []fixServed
}

func (a *fixServedApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if r.URL.Path != "/voice" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	// What a real application does behind a TLS-terminating server.
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	rebuilt := scheme + "://" + r.Host + r.URL.String()
	validator := client.NewRequestValidator(harness.DefaultAuthToken)
	s := fixServed{
		IsAbs: r.URL.IsAbs(), Path: r.URL.Path, RawQuery: r.URL.RawQuery, RequestURI: r.RequestURI,
		Host: r.Host, TLS: r.TLS != nil, RemoteAddrSet: r.RemoteAddr != "", Proto: r.Proto,
		Valid: validator.Validate(rebuilt, cliFirstValues(r.PostForm), r.Header.Get(harness.HeaderSignature)),
	}
	a.mu.Lock()
	a.seen = append(a.seen, s)
	a.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, `<Response><Say>Hi</Say></Response>`)
}

// Fix 11: an in-process application gets the request an http.Server would
// hand it (net/http's Request documentation: for server requests URL holds
// the request-target, Host the Host header, TLS is set on TLS connections),
// so that the usual way to validate X-Twilio-Signature, rebuilding the URL
// from r.Host and r.URL, works (Twilio's security page,
// https://www.twilio.com/docs/usage/security: the signature is computed over
// the full URL, query string included, then the POST parameters).
func TestFixInProcessRequestLooksServed(t *testing.T) {
	tests := []struct {
		name   string
		origin string
		want   fixServed
	}{
		{"https without a port", "https://app.example.com", fixServed{Host: "app.example.com", TLS: true}},
		{"https with a port", "https://app.example.com:8443", fixServed{Host: "app.example.com:8443", TLS: true}},
		{"http with a port", "http://app.example.com:8080", fixServed{Host: "app.example.com:8080"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &fixServedApp{}
			srv := newServer(t, harness.WithApp(tt.origin, a))
			c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(tt.origin + "/voice?tenant=7") })
			c.Wait()
			want := tt.want
			want.Path, want.RawQuery, want.RequestURI = "/voice", "tenant=7", "/voice?tenant=7"
			want.RemoteAddrSet, want.Proto, want.Valid = true, "HTTP/1.1", true
			a.mu.Lock()
			got := append([]fixServed(nil), a.seen...)
			a.mu.Unlock()
			if diff := cmp.Diff([]fixServed{want}, got); diff != "" {
				t.Errorf("request the handler saw mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// Fix 12: DialCallDuration is sent only for a leg that was bridged. The
// <Dial> page (https://www.twilio.com/docs/voice/twiml/dial#attributes-action)
// lists DialCallDuration as "the duration in seconds of the dialed call"
// and DialBridged as whether the caller was connected to the dialed party: a
// leg whose whisper (<Number url>) hangs up was never connected.
func TestFixDialCallDurationOnlyWhenBridged(t *testing.T) {
	const after = `<Response><Say>after</Say></Response>`
	tests := []struct {
		name  string
		paths map[string]string
		want  map[string]string
	}{
		{
			name: "the whisper hangs up: no DialCallDuration",
			paths: map[string]string{
				"/voice":   `<Response><Dial action="/after"><Number url="/whisper">` + fixAlice + `</Number></Dial></Response>`,
				"/whisper": `<Response><Hangup/></Response>`,
				"/after":   after,
			},
			want: values("DialCallStatus", "completed", "DialBridged", "false"),
		},
		{
			name: "bridged: DialCallDuration",
			paths: map[string]string{
				"/voice": `<Response><Dial action="/after">` + fixAlice + `</Dial></Response>`,
				"/after": after,
			},
			want: values("DialCallStatus", "completed", "DialBridged", "true", "DialCallDuration", "5"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := run(t, tt.paths, scenario.Person(), harness.WithParty(fixAlice, scenario.Person().HangsUpAfter(5*time.Second)))
			srv.Run()
			var got map[string]string
			for _, r := range requests(c, "DialCallStatus", "DialBridged", "DialCallDuration") {
				if r.Kind == harness.KindAction {
					got = r.Params
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Dial action parameters mismatch (-want +got):\n%s\n%s", diff, srv.Transcript())
			}
		})
	}
}

// Fix 13: a failed webhook's transcript line shows the start of the
// reply's body, and for 401 or 403 the URL that was signed. A 4xx or 5xx
// reply is error 11200, "HTTP retrieval failure"
// (https://www.twilio.com/docs/api/errors/11200), whose cause is in the
// reply; the signature covers the full URL (https://www.twilio.com/docs/usage/security),
// and a URL rebuilt differently is the usual cause of a 401 or 403 from an
// application that validates it.
func TestFixFailedWebhookLineShowsReply(t *testing.T) {
	long := strings.Repeat("0123456789", 20)
	const hint = "(X-Twilio-Signature was computed for {url}: does the application check the same URL?)"
	tests := []struct {
		name     string
		method   string // of the call's Url
		status   int
		body     string
		want     []string // in the line; {url} is the URL requested
		wantNone []string
	}{
		{name: "500 shows its body", status: 500, body: "database is down",
			want: []string{"-> 500", `: "database is down"`}, wantNone: []string{"X-Twilio-Signature"}},
		{name: "a long body is cut", status: 500, body: long,
			want: []string{`: "` + long[:80] + `…"`}, wantNone: []string{long[:81]}},
		{name: "401 names the signed URL", status: 401, body: "invalid signature",
			want: []string{"-> 401", `: "invalid signature"`, hint}},
		{name: "403 names the signed URL", status: 403, body: "forbidden",
			want: []string{"-> 403", `: "forbidden"`, hint}},
		{name: "403 to a GET names the URL with its query", method: "GET", status: 403, body: "forbidden",
			want: []string{"-> 403", hint}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/voice" {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			srv := newServer(t, harness.WithApp(origin, h))
			c := place(t, srv, func(p *api.CreateCallParams) {
				if tt.method != "" {
					p.SetMethod(tt.method)
				}
			})
			c.Wait()
			voice := c.Requests()[0]
			if tt.method == "GET" && !strings.Contains(voice.URL, "?AccountSid=") {
				t.Fatalf("GET voice request URL %s carries no parameters", voice.URL)
			}
			line := fixLine(c, "voice ")
			for _, w := range tt.want {
				w = strings.ReplaceAll(w, "{url}", voice.URL)
				if !strings.Contains(line, w) {
					t.Errorf("transcript line %q\ndoes not contain %q", line, w)
				}
			}
			for _, w := range tt.wantNone {
				if strings.Contains(line, w) {
					t.Errorf("transcript line %q\ncontains %q", line, w)
				}
			}
		})
	}
}
