package harness_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// kinds returns the kinds of the requests made for a call.
func kinds(c *harness.Call) []harness.RequestKind {
	var out []harness.RequestKind
	for _, r := range c.Requests() {
		out = append(out, r.Kind)
	}
	return out
}

func TestEndOfDocumentHangsUp(t *testing.T) {
	srv := newServer(t)
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetTwiml(`<Response><Pause length="3"/></Response>`)
	})
	info := c.Wait()
	if info.Status != harness.StatusCompleted || info.Duration != 3*time.Second {
		t.Fatalf("got %s after %v, want completed after 3s", info.Status, info.Duration)
	}
	ev := c.Events()
	var last harness.Event
	for _, e := range ev {
		if e.Kind == harness.EventHangup {
			last = e
		}
	}
	if last.Text != "end of document" {
		t.Errorf("hang-up reason = %q, want end of document", last.Text)
	}
}

func TestAppFailures(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"say":"hi"}`)
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Content-Type", "text/xml") })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, "<Response>\n<Say>unclosed\n</Response>")
	})
	mux.HandleFunc("/root", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, "<Document/>")
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, "<Response><Say>"+strings.Repeat("a", 70000)+"</Say></Response>")
	})
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	mux.HandleFunc("/fallback", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, "<Response><Say>fallback %s %s</Say></Response>", r.FormValue("ErrorCode"), r.FormValue("ErrorUrl"))
	})
	tests := []struct {
		path     string
		wantCode int
	}{
		{"/500", 11200},
		{"/json", 12300},
		{"/empty", 11770},
		{"/broken", 12100},
		{"/root", 12102},
		{"/big", 11750},
		{"/panic", 11205},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			srv := newServer(t, harness.WithApp(origin, mux), harness.WithApp("https://fallback.example.com", mux))
			noFallback := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(origin + tt.path) })
			withFallback := place(t, srv, func(p *api.CreateCallParams) {
				p.SetUrl(origin + tt.path).SetFallbackUrl("https://fallback.example.com/fallback")
			})
			srv.Run()

			notes := noFallback.Notifications()
			if len(notes) != 1 || notes[0].Code != tt.wantCode || notes[0].URL != origin+tt.path {
				t.Fatalf("notifications = %+v, want one %d for %s", notes, tt.wantCode, tt.path)
			}
			var said []string
			for _, e := range noFallback.Events() {
				if e.Kind == harness.EventSay {
					said = append(said, e.Text)
				}
			}
			if diff := cmp.Diff([]string{"We are sorry, an application error has occurred. Goodbye."}, said); diff != "" {
				t.Errorf("without a fallback the caller hears (-want +got):\n%s", diff)
			}
			if st := noFallback.Status(); st != harness.StatusCompleted {
				t.Errorf("status = %s, want completed", st)
			}

			reqs := withFallback.Requests()
			if len(reqs) != 2 || reqs[1].Kind != harness.KindFallback {
				t.Fatalf("requests = %v, want voice then fallback", kinds(withFallback))
			}
			wantForm := fmt.Sprint(tt.wantCode)
			if reqs[1].Form.Get("ErrorCode") != wantForm || reqs[1].Form.Get("ErrorUrl") != origin+tt.path {
				t.Errorf("fallback got ErrorCode=%q ErrorUrl=%q, want %s and %s", reqs[1].Form.Get("ErrorCode"),
					reqs[1].Form.Get("ErrorUrl"), wantForm, origin+tt.path)
			}
			for _, e := range withFallback.Events() {
				if e.Kind == harness.EventSay && !strings.HasPrefix(e.Text, "fallback "+wantForm) {
					t.Errorf("with a fallback the caller hears %q, want the fallback's document", e.Text)
				}
			}
		})
	}
}

func TestFallbackFailsToo(t *testing.T) {
	fail := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
	srv := newServer(t, harness.WithApp(origin, fail))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetFallbackUrl(origin + "/fallback") })
	info := c.Wait()
	var codes []int
	for _, n := range c.Notifications() {
		codes = append(codes, n.Code)
	}
	if diff := cmp.Diff([]int{11200, 11200}, codes); diff != "" {
		t.Errorf("notifications mismatch (-want +got):\n%s", diff)
	}
	if info.Status != harness.StatusCompleted {
		t.Errorf("status = %s, want completed after the application error message", info.Status)
	}
}

func TestInlineTwimlParseError(t *testing.T) {
	srv := newServer(t)
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Say>oops</Response>`) })
	c.Wait()
	notes := c.Notifications()
	if len(notes) != 1 || notes[0].Code != 12100 {
		t.Fatalf("notifications = %+v, want one 12100", notes)
	}
}

func TestRelativeActionInInlineTwiml(t *testing.T) {
	srv := newServer(t, harness.WithParty(to, scenario.Party{Steps: []scenario.Step{press("1")}}))
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetTwiml(`<Response><Gather numDigits="1" action="/relative"><Say>Go</Say></Gather></Response>`)
	})
	c.Wait()
	notes := c.Notifications()
	if len(notes) != 1 || notes[0].Code != 11100 {
		t.Fatalf("notifications = %+v, want 11100 for a relative action in inline Twiml", notes)
	}
}

func TestRedirectLoopEndsTheCall(t *testing.T) {
	var want []req
	want = append(want, voiceReq)
	for range harness.DefaultFidelity().MaxDocumentsAtOnce {
		want = append(want, req{harness.KindRedirect, "POST", "/voice", map[string]string{}})
	}
	flow{
		paths:        map[string]string{"/voice": `<Response><Redirect>/voice</Redirect></Response>`},
		want:         want,
		wantStatus:   harness.StatusCompleted,
		wantDuration: 0,
		check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
			got := codes(c)
			if diff := cmp.Diff([]int{harness.CodeRedirectLoop}, got); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s", diff)
			}
		},
	}.run(t)
}

func TestActionFailure(t *testing.T) {
	paths := map[string]string{
		"/voice":    `<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather></Response>`,
		"/fallback": `<Response><Say>Fallback menu</Say></Response>`,
	}
	failMenu := func(t *testing.T, srv *harness.Server) {
		if err := srv.InjectFault(origin+"/menu", harness.Fault{Status: http.StatusInternalServerError}); err != nil {
			t.Fatal(err)
		}
	}
	fallback := func(p *api.CreateCallParams) { p.SetFallbackUrl(origin + "/fallback") }
	noFallbackForActions := harness.DefaultFidelity()
	noFallbackForActions.NoFallbackForActions = true
	// Twilio's "Availability and Reliability" page: the fallback serves "a
	// fatal error while executing your call", an action's document among
	// them; NoFallbackForActions keeps the harness's older behaviour.
	tests := []struct {
		name     string
		opts     []harness.Option
		want     []req
		wantSaid []string
		wantLen  time.Duration
	}{
		{
			name: "by default: the FallbackUrl gets ErrorCode and ErrorUrl",
			want: []req{voiceReq, {harness.KindAction, "POST", "/menu", values("Digits", "1")},
				{harness.KindFallback, "POST", "/fallback", values("ErrorCode", "11200", "ErrorUrl", origin+"/menu")}},
			wantSaid: []string{"Press 1", "Fallback menu"},
			wantLen:  2 * time.Second,
		},
		{
			name:     "NoFallbackForActions: 11200 and the application error message, although the call has a FallbackUrl",
			opts:     []harness.Option{harness.WithFidelity(noFallbackForActions)},
			want:     []req{voiceReq, {harness.KindAction, "POST", "/menu", values("Digits", "1")}},
			wantSaid: []string{"Press 1", "We are sorry, an application error has occurred. Goodbye."},
			wantLen:  time.Second + 3600*time.Millisecond, // 9 words
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := append([]harness.Option{harness.WithApp(origin, &docs{paths: paths}),
				harness.WithParty(to, scenario.Party{Steps: []scenario.Step{press("1")}})}, tt.opts...)
			srv := newServer(t, opts...)
			failMenu(t, srv)
			c := place(t, srv, fallback)
			info := c.Wait()
			if diff := cmp.Diff(tt.want, requests(c, "Digits", "ErrorCode", "ErrorUrl")); diff != "" {
				t.Errorf("requests mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff([]int{11200}, codes(c)); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSaid, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
			if info.Status != harness.StatusCompleted || info.Duration != tt.wantLen {
				t.Errorf("call ended %s after %v, want completed after %v", info.Status, info.Duration, tt.wantLen)
			}
		})
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
			wantSaid:  []string{appErrorMessage},
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
