package harness_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

func TestInjectedTimeoutTakesFifteenVirtualSeconds(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{"/fallback": `<Response><Say>Fallback</Say></Response>`}}))
	if err := srv.InjectFault(origin+"/voice", harness.Fault{Timeout: true}); err != nil {
		t.Fatal(err)
	}
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetFallbackUrl(origin + "/fallback") })
	info := c.Wait()
	reqs := c.Requests()
	if len(reqs) != 2 || reqs[1].Kind != harness.KindFallback || reqs[1].Time.Sub(reqs[0].Time) != 15*time.Second {
		t.Fatalf("requests = %v\n%s", reqs, c.Transcript())
	}
	if reqs[1].Form.Get("ErrorCode") != "11205" || info.Duration != 16*time.Second {
		t.Errorf("fallback ErrorCode %s, duration %v; want 11205 and 16s", reqs[1].Form.Get("ErrorCode"), info.Duration)
	}
}

func TestInjectedFaults(t *testing.T) {
	const doc = `<Response><Say>Hello from the app</Say></Response>` // 4 words: 1.6 s
	const appError = "We are sorry, an application error has occurred. Goodbye."
	tests := []struct {
		name      string
		fault     harness.Fault
		wantCodes []int
		wantSaid  []string
		wantLen   time.Duration
		// wantReply is the status of the voice request's reply and its
		// error, as the record shows them.
		wantReply string
	}{
		{"HTTP 503", harness.Fault{Status: 503}, []int{11200}, []string{appError}, 3600 * time.Millisecond, "503 <nil>"},
		{"refused connection", harness.Fault{Refused: true}, []int{11205}, []string{appError}, 3600 * time.Millisecond,
			"0 " + harness.ErrInjectedRefused.Error()},
		{"a delayed reply runs late", harness.Fault{Delay: 3 * time.Second, Body: doc, ContentType: "text/xml"}, nil,
			[]string{"Hello from the app"}, 3*time.Second + 1600*time.Millisecond, "200 <nil>"},
		{"a body with a bad Content-Type", harness.Fault{Body: `{"say":"hello"}`, ContentType: "application/json"}, []int{12300},
			[]string{appError}, 3600 * time.Millisecond, "200 <nil>"},
		{"a delayed refusal", harness.Fault{Refused: true, Delay: 2 * time.Second}, []int{11205}, []string{appError},
			2*time.Second + 3600*time.Millisecond, "0 " + harness.ErrInjectedRefused.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{"/voice": doc}}))
			if err := srv.InjectFault(origin+"/voice", tt.fault); err != nil {
				t.Fatal(err)
			}
			c := place(t, srv, nil)
			info := c.Wait()
			if diff := cmp.Diff(tt.wantCodes, codes(c)); diff != "" {
				t.Errorf("notifications mismatch (-want +got):\n%s\n%s", diff, c.Transcript())
			}
			if diff := cmp.Diff(tt.wantSaid, said(c)); diff != "" {
				t.Errorf("said mismatch (-want +got):\n%s", diff)
			}
			if info.Status != harness.StatusCompleted || info.Duration != tt.wantLen {
				t.Errorf("call ended %s after %v, want completed after %v\n%s", info.Status, info.Duration, tt.wantLen, c.Transcript())
			}
			r := c.Requests()[0]
			if got := fmt.Sprintf("%d %v", r.Status, r.Err); got != tt.wantReply {
				t.Errorf("voice request recorded %q, want %q", got, tt.wantReply)
			}
		})
	}
	t.Run("Times=1 fails the first request only", func(t *testing.T) {
		srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{"/voice": doc}}))
		if err := srv.InjectFault(origin+"/voice", harness.Fault{Status: 503, Times: 1}); err != nil {
			t.Fatal(err)
		}
		first, second := place(t, srv, nil), place(t, srv, nil)
		srv.Run()
		if diff := cmp.Diff([]int{11200}, codes(first)); diff != "" {
			t.Errorf("first call's notifications mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{appError}, said(first)); diff != "" {
			t.Errorf("first call said (-want +got):\n%s", diff)
		}
		if n := codes(second); len(n) != 0 {
			t.Errorf("second call's notifications = %v, want none", n)
		}
		if diff := cmp.Diff([]string{"Hello from the app"}, said(second)); diff != "" {
			t.Errorf("second call said (-want +got):\n%s", diff)
		}
	})
}
