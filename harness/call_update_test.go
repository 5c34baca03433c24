package harness_test

import (
	"fmt"
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
		srv := newServer(t, harness.WithApp(origin, a))
		tw := restClient(srv)
		sid := cliLiveCall(t, srv, tw, cliTwimlCall(to, cliPauseLong))

		u := &api.UpdateCallParams{}
		got, err := tw.UpdateCall(sid, u.SetUrl(origin+"/voice").SetMethod("GET"))
		if err != nil {
			t.Fatalf("UpdateCall Url: %v", err)
		}
		if cliDeref(got.Sid) != strconv.Quote(sid) || cliDeref(got.Status) != `"in-progress"` {
			t.Errorf("UpdateCall returned sid %s status %s, want %s in-progress", cliDeref(got.Sid), cliDeref(got.Status), sid)
		}
		info := srv.Call(sid).Wait()
		want := append(append([]cliEventLine{}, answered...),
			cliEventLine{10 * time.Second, harness.EventRequest, "", "voice GET " + origin + "/voice", 0},
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
		if _, err := tw.UpdateCall(sid, u.SetTwiml(doc)); err != nil {
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
		if _, err := tw.UpdateCall(sid, u.SetTimeLimit(30)); err != nil {
			t.Fatalf("UpdateCall TimeLimit: %v", err)
		}
		info := srv.Call(sid).Wait()
		if info.Status != harness.StatusCompleted || !info.Answered.Equal(cliAt(5*time.Second)) ||
			!info.Ended.Equal(cliAt(35*time.Second)) {
			t.Errorf("call %s answered %v ended %v, want completed, answered +5s, ended +35s", info.Status, info.Answered, info.Ended)
		}
		c, err := tw.FetchCall(sid, nil)
		if err != nil {
			t.Fatalf("FetchCall: %v", err)
		}
		if cliDeref(c.Duration) != `"30"` || cliDeref(c.EndTime) != strconv.Quote(cliDate(cliAt(35*time.Second))) {
			t.Errorf("fetched duration %s end_time %s, want \"30\" and %s", cliDeref(c.Duration), cliDeref(c.EndTime), cliDate(cliAt(35*time.Second)))
		}
	})

	t.Run("Status completed hangs up an in-progress call", func(t *testing.T) {
		srv := newServer(t, harness.WithApp(origin, newApp("")))
		tw := restClient(srv)
		sid := cliLiveCall(t, srv, tw, cliTwimlCall(to, cliPauseLong).SetStatusCallback(origin+"/status"))
		u := &api.UpdateCallParams{}
		if _, err := tw.UpdateCall(sid, u.SetStatus("completed")); err != nil {
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
		srv := newServer(t, harness.WithApp(origin, a))
		tw := restClient(srv)
		p := &api.CreateCallParams{}
		sid := cliCreate(t, tw, p.SetTo(to).SetFrom("+14155550199").SetUrl(origin+"/voice").
			SetStatusCallback(origin+"/status").SetStatusCallbackEvent(allEvents))
		u := &api.UpdateCallParams{}
		if _, err := tw.UpdateCall(sid, u.SetStatus("canceled")); err != nil {
			t.Fatalf("UpdateCall Status=canceled: %v", err)
		}
		srv.Run()
		c, err := tw.FetchCall(sid, nil)
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
		srv := newServer(t, harness.WithApp(origin, newApp(cliPauseLong)), harness.WithParty(to, scenario.NoAnswer()))
		tw := restClient(srv)
		sid := cliCreate(t, tw, cliTwimlCall(to, cliPauseLong).SetStatusCallback(origin+"/status"))
		srv.Advance(10 * time.Second)
		if st := srv.Call(sid).Status(); st != harness.StatusRinging {
			t.Fatalf("call is %s, want ringing (test setup broken)", st)
		}
		u := &api.UpdateCallParams{}
		if _, err := tw.UpdateCall(sid, u.SetStatus("canceled")); err != nil {
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
		got, err := tw.UpdateCall(sid, u.SetStatus("canceled"))
		if err != nil {
			t.Fatalf("UpdateCall Status=canceled: %v", err)
		}
		if cliDeref(got.Status) != `"in-progress"` {
			t.Errorf("UpdateCall returned status %s, want in-progress", cliDeref(got.Status))
		}
		srv.Advance(time.Minute)
		c, err := tw.FetchCall(sid, nil)
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
			{"Url", (&api.UpdateCallParams{}).SetUrl(origin + "/voice")},
			{"Twiml", (&api.UpdateCallParams{}).SetTwiml(cliPauseLong)},
			{"Status completed", (&api.UpdateCallParams{}).SetStatus("completed")},
			{"TimeLimit", (&api.UpdateCallParams{}).SetTimeLimit(30)},
		}
		for _, u := range updates {
			t.Run(u.name, func(t *testing.T) {
				_, err := tw.UpdateCall(sid, u.params)
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

func TestRedirectDuringWebhook(t *testing.T) {
	var srv *harness.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		p := &api.UpdateCallParams{}
		p.SetUrl(origin + "/second")
		if _, err := restClient(srv).UpdateCall(r.Form.Get("CallSid"), p); err != nil {
			t.Errorf("redirect from the handler: %v", err)
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>stale</Say></Response>`)
	})
	mux.HandleFunc("/second", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>second document</Say></Response>`)
	})
	srv = newServer(t, harness.WithApp(origin, mux))
	c := place(t, srv, nil)
	c.Wait()
	var said []string
	for _, e := range c.Events() {
		if e.Kind == harness.EventSay {
			said = append(said, e.Text)
		}
	}
	if diff := cmp.Diff([]string{"second document"}, said); diff != "" {
		t.Errorf("said mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
	}
}

func TestCanceledWhileQueuedSendsNoCallbacks(t *testing.T) {
	a := newApp(`<Response/>`)
	srv := newServer(t, harness.WithApp(origin, a), harness.WithQueueTime(2*time.Second))
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetStatusCallback(origin + "/status").SetStatusCallbackEvent([]string{"initiated", "ringing", "answered", "completed"})
	})
	p := &api.UpdateCallParams{}
	p.SetStatus("canceled")
	got, err := restClient(srv).UpdateCall(c.SID(), p)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Status != "canceled" {
		t.Errorf("update answered status %q, want canceled", *got.Status)
	}
	srv.Run()
	if n := len(c.Requests()); n != 0 {
		t.Errorf("a call canceled in the queue sent %d requests, want none:\n%s", n, c.Transcript())
	}
}

// updateLive updates a live call through the official client.
func updateLive(t *testing.T, srv *harness.Server, sid string, set func(*api.UpdateCallParams)) {
	t.Helper()
	p := &api.UpdateCallParams{}
	set(p)
	if _, err := restClient(srv).UpdateCall(sid, p); err != nil {
		t.Fatalf("update %s: %v", sid, err)
	}
}

// redirectAfter runs the call for d, then points it at path with the REST
// API.
func redirectAfter(d time.Duration, path string) func(*testing.T, *harness.Server, *harness.Call) {
	return func(t *testing.T, srv *harness.Server, c *harness.Call) {
		srv.Advance(d)
		updateLive(t, srv, c.SID(), func(p *api.UpdateCallParams) { p.SetUrl(origin + path) })
	}
}

func TestRESTUpdateDuringVerbs(t *testing.T) {
	second := `<Response><Say>Second document</Say></Response>` // 1 s
	dial := func(attrs string) map[string]string {
		return map[string]string{
			"/voice":  `<Response><Dial action="/after" ` + attrs + `>` + alice + `</Dial><Say>not reached</Say></Response>`,
			"/after":  `<Response><Say>After the dial</Say></Response>`,
			"/second": second,
		}
	}
	dialNames := []string{"CallStatus", "DialCallStatus", "DialCallDuration", "DialBridged"}
	hangUpAfter := func(d time.Duration) func(*testing.T, *harness.Server, *harness.Call) {
		return func(t *testing.T, srv *harness.Server, c *harness.Call) {
			srv.Advance(d)
			updateLive(t, srv, c.SID(), func(p *api.UpdateCallParams) { p.SetStatus("completed") })
		}
	}
	runFlows(t, []flow{
		{
			name: "a redirect interrupts a Gather: no action, the new document runs",
			paths: map[string]string{
				"/voice":  `<Response><Gather action="/menu" timeout="10"><Say>Press a key</Say></Gather><Say>not reached</Say></Response>`,
				"/second": second,
			},
			drive:        redirectAfter(3*time.Second, "/second"),
			params:       []string{"CallStatus"},
			want:         []req{{harness.KindVoice, "POST", "/voice", values("CallStatus", "in-progress")}, {harness.KindVoice, "POST", "/second", values("CallStatus", "in-progress")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 4 * time.Second,
			check:        wantSaid("Press a key", "Second document"),
		},
		{
			name:         "a redirect interrupts a ringing Dial: the leg is canceled, no action",
			paths:        dial(`timeout="30"`),
			opts:         []harness.Option{harness.WithParty(alice, scenario.NoAnswer())},
			drive:        redirectAfter(5*time.Second, "/second"),
			params:       dialNames,
			want:         []req{voiceInProgress, {harness.KindVoice, "POST", "/second", values("CallStatus", "in-progress")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 6 * time.Second,
			check:        both(wantLegs(alice+" canceled 0s"), wantSaid("Second document")),
		},
		{
			name:         "a redirect interrupts a bridged Dial: the leg hangs up completed, no action",
			paths:        dial(""),
			opts:         []harness.Option{harness.WithParty(alice, scenario.AnswersAfter(2*time.Second))},
			drive:        redirectAfter(10*time.Second, "/second"),
			params:       dialNames,
			want:         []req{voiceInProgress, {harness.KindVoice, "POST", "/second", values("CallStatus", "in-progress")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 11 * time.Second,
			check:        both(wantLegs(alice+" completed 8s"), wantSaid("Second document")),
		},
		{
			name:         "Status=completed during a bridged Dial ends both legs",
			paths:        dial(""),
			opts:         []harness.Option{harness.WithParty(alice, scenario.AnswersAfter(2*time.Second))},
			drive:        hangUpAfter(10 * time.Second),
			params:       dialNames,
			want:         []req{voiceInProgress},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 10 * time.Second,
			check:        both(wantLegs(alice+" completed 8s"), wantSaid()),
		},
		{
			name:  "the caller hangs up during a bridged Dial: the action is requested with CallStatus=completed",
			paths: dial(""),
			party: scenario.Party{Steps: []scenario.Step{{When: scenario.Trigger{Verb: "Dial"},
				Do: scenario.Action{Kind: scenario.HangUp, Delay: 20 * time.Second}}}},
			opts:   []harness.Option{harness.WithParty(alice, scenario.AnswersAfter(5*time.Second))},
			params: dialNames,
			want: []req{voiceInProgress, {harness.KindAction, "POST", "/after", values("CallStatus", "completed",
				"DialCallStatus", "completed", "DialCallDuration", "15", "DialBridged", "true")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 20 * time.Second,
			check:        both(wantLegs(alice+" completed 15s"), wantSaid()),
		},
		{
			name:  "the caller hangs up during a bridged Dial: no action with NoDialActionAfterHangup",
			paths: dial(""),
			party: scenario.Party{Steps: []scenario.Step{{When: scenario.Trigger{Verb: "Dial"},
				Do: scenario.Action{Kind: scenario.HangUp, Delay: 20 * time.Second}}}},
			opts: []harness.Option{harness.WithParty(alice, scenario.AnswersAfter(5*time.Second)),
				harness.WithFidelity(func() harness.Fidelity {
					f := harness.DefaultFidelity()
					f.NoDialActionAfterHangup = true
					return f
				}())},
			params:       dialNames,
			want:         []req{voiceInProgress},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 20 * time.Second,
			check:        wantLegs(alice + " completed 15s"),
		},
		{
			name: "redirecting the bridged leg detaches it: DialCallStatus=completed without DialCallDuration",
			paths: map[string]string{
				"/voice":        `<Response><Dial action="/after">` + alice + `</Dial></Response>`,
				"/after":        `<Response><Say>After the dial</Say></Response>`,
				"/agent-wrapup": `<Response><Say>Please rate the call</Say><Pause length="5"/></Response>`,
			},
			opts: []harness.Option{harness.WithParty(alice, scenario.AnswersAfter(2*time.Second))},
			drive: func(t *testing.T, srv *harness.Server, c *harness.Call) {
				srv.Advance(10 * time.Second)
				kids := c.Children()
				if len(kids) != 1 {
					t.Fatalf("after 10 s the call has %d legs, want 1", len(kids))
				}
				updateLive(t, srv, kids[0].SID(), func(p *api.UpdateCallParams) { p.SetUrl(origin + "/agent-wrapup") })
			},
			params: dialNames,
			want: []req{voiceInProgress, {harness.KindAction, "POST", "/after", values("CallStatus", "in-progress",
				"DialCallStatus", "completed", "DialBridged", "true")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 11200 * time.Millisecond, // "After the dial" lasts 1.2 s
			check: both(wantSaid("After the dial"), wantLegs(alice+" completed 14.6s"),
				func(t *testing.T, srv *harness.Server, c *harness.Call) {
					leg := c.Children()[0]
					want := []req{{harness.KindVoice, "POST", "/agent-wrapup", values("CallStatus", "in-progress")}}
					if diff := cmp.Diff(want, requests(leg, "CallStatus")); diff != "" {
						t.Errorf("leg requests mismatch (-want +got):\n%s", diff)
					}
					if got := c.Requests()[1].Form.Get("DialCallSid"); got != leg.SID() {
						t.Errorf("DialCallSid = %q, want the leg %s", got, leg.SID())
					}
				}),
		},
	})
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
			got, err := restClient(srv).UpdateCall(c.SID(), p)
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
			if diff := cmp.Diff(tt.want, statusCallbacks(c)); diff != "" {
				t.Errorf("status callbacks mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
		})
	}
}
