package harness_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestOutcomes(t *testing.T) {
	const say = `<Response><Say>Hello</Say></Response>`
	tests := []struct {
		name       string
		party      scenario.Party
		timeout    int
		want       harness.Status
		wantPath   []harness.Status
		wantRing   time.Duration // from dialing to the outcome
		wantLength time.Duration // from answer to end
		wantSIP    int
	}{
		{name: "default party answers at once", want: harness.StatusCompleted,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "in-progress", "completed"}, wantLength: time.Second, wantSIP: 200},
		{name: "answers after two rings", party: scenario.AnswersAfterRings(2), want: harness.StatusCompleted,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "in-progress", "completed"}, wantRing: 12 * time.Second, wantLength: time.Second, wantSIP: 200},
		{name: "busy after a ring", party: scenario.Busy().RingsFor(3 * time.Second), want: harness.StatusBusy,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "busy"}, wantRing: 3 * time.Second, wantSIP: 486},
		{name: "no answer rings the default 60 s", party: scenario.NoAnswer(), want: harness.StatusNoAnswer,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "no-answer"}, wantRing: 60 * time.Second, wantSIP: 487},
		{name: "no answer with Timeout", party: scenario.NoAnswer(), timeout: 15, want: harness.StatusNoAnswer,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "no-answer"}, wantRing: 15 * time.Second, wantSIP: 487},
		{name: "answering later than Timeout is no answer", party: scenario.AnswersAfter(30 * time.Second), timeout: 20,
			want: harness.StatusNoAnswer, wantPath: []harness.Status{"queued", "initiated", "ringing", "no-answer"}, wantRing: 20 * time.Second, wantSIP: 487},
		{name: "fails with the party's SIP code", party: scenario.Fails(503), want: harness.StatusFailed,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "failed"}, wantSIP: 503},
		{name: "fails with 404 by default", party: scenario.Fails(0), want: harness.StatusFailed,
			wantPath: []harness.Status{"queued", "initiated", "ringing", "failed"}, wantSIP: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, harness.WithParty(to, tt.party))
			c := place(t, srv, func(p *api.CreateCallParams) {
				p.SetUrl("").SetTwiml(say)
				if tt.timeout > 0 {
					p.SetTimeout(tt.timeout)
				}
			})
			info := c.Wait()
			if info.Status != tt.want {
				t.Errorf("status = %s, want %s\n%s", info.Status, tt.want, c.Transcript())
			}
			if diff := cmp.Diff(tt.wantPath, statuses(c)); diff != "" {
				t.Errorf("status path mismatch (-want +got):\n%s", diff)
			}
			end := info.Ended
			if !info.Answered.IsZero() {
				end = info.Answered
			}
			if got := end.Sub(info.Started); got != tt.wantRing {
				t.Errorf("ringing lasted %v, want %v", got, tt.wantRing)
			}
			if info.Duration != tt.wantLength {
				t.Errorf("duration = %v, want %v", info.Duration, tt.wantLength)
			}
			if info.SIPResponseCode != tt.wantSIP {
				t.Errorf("SIP response = %d, want %d", info.SIPResponseCode, tt.wantSIP)
			}
		})
	}
}

func TestTimeLimit(t *testing.T) {
	srv := newServer(t, harness.WithParty(to, scenario.AnswersAfter(5*time.Second)))
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetTwiml(`<Response><Pause length="600"/></Response>`).SetTimeLimit(42)
	})
	info := c.Wait()
	if info.Duration != 42*time.Second || info.Status != harness.StatusCompleted {
		t.Fatalf("got %s after %v, want completed after the 42 s time limit", info.Status, info.Duration)
	}
}

func TestFarEndHangsUp(t *testing.T) {
	srv := newServer(t, harness.WithParty(to, scenario.AnswersAfter(time.Second).HangsUpAfter(9*time.Second)))
	c := place(t, srv, func(p *api.CreateCallParams) {
		p.SetUrl("").SetTwiml(`<Response><Pause length="60"/></Response>`)
	})
	if info := c.Wait(); info.Duration != 9*time.Second {
		t.Fatalf("call lasted %v, want 9s: the far end hangs up", info.Duration)
	}
}

func TestAdvanceRunsOnlyWhatIsDue(t *testing.T) {
	srv := newServer(t, harness.WithParty(to, scenario.AnswersAfter(10*time.Second)))
	start := srv.Now()
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Pause length="5"/></Response>`) })
	srv.Advance(9 * time.Second)
	if st := c.Status(); st != harness.StatusRinging {
		t.Fatalf("after 9 s: status %s, want ringing", st)
	}
	if got := srv.Now().Sub(start); got != 9*time.Second {
		t.Fatalf("clock moved %v, want 9s", got)
	}
	srv.Advance(time.Second)
	if st := c.Status(); st != harness.StatusInProgress {
		t.Fatalf("after 10 s: status %s, want in-progress", st)
	}
	srv.Advance(5 * time.Second)
	if st := c.Status(); st != harness.StatusCompleted {
		t.Fatalf("after 15 s: status %s, want completed", st)
	}
}

func TestAutoRun(t *testing.T) {
	srv := newServer(t, harness.WithAutoRun(), harness.WithParty(to, scenario.AnswersAfter(30*time.Second)))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Pause length="600"/></Response>`) })
	info := c.Wait()
	if info.Status != harness.StatusCompleted || info.Duration != 600*time.Second {
		t.Fatalf("got %s after %v; want completed after 600 s of virtual time", info.Status, info.Duration)
	}
}

func TestAutoRunWaitIncludesLegs(t *testing.T) {
	a := newApp(`<Response><Dial><Number statusCallback="/leg">+14155550201</Number></Dial></Response>`)
	srv := newServer(t, harness.WithAutoRun(), harness.WithApp(origin, a),
		harness.WithParty("+14155550201", scenario.AnswersAfter(3*time.Second).HangsUpAfter(4*time.Second)))
	c := place(t, srv, nil)
	c.Wait()
	legs := c.Children()
	if len(legs) != 1 {
		t.Fatalf("legs: %d\n%s", len(legs), srv.Transcript())
	}
	var done bool
	for _, r := range legs[0].Requests() {
		done = done || (r.Kind == harness.KindStatusCallback && r.Form.Get("CallStatus") == "completed")
	}
	if !done {
		t.Errorf("Wait returned before the leg's completed callback was sent:\n%s", srv.Transcript())
	}
}

// gate is an application whose /voice handler waits until n requests are
// inside it at once (or its guard runs out), and records how many were.
type gate struct {
	n       int
	mu      sync.Mutex
	inside  int
	most    int
	arrived chan struct{}
	ctx     context.Context
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.inside++
	g.most = max(g.most, g.inside)
	if g.inside == g.n {
		close(g.arrived)
	}
	g.mu.Unlock()
	select {
	case <-g.arrived:
	case <-g.ctx.Done(): // the guard: the others never came
	}
	g.mu.Lock()
	g.inside--
	g.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, `<Response><Say>Hello</Say></Response>`)
}

// TestRequestsOfAnInstantGoOutTogether: the requests due at one virtual
// instant are in flight at the same time, so that one slow application
// does not hold up the others.
func TestRequestsOfAnInstantGoOutTogether(t *testing.T) {
	const calls = 10
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	g := &gate{n: calls, arrived: make(chan struct{}), ctx: ctx}
	srv := newServer(t, harness.WithApp(origin, g))
	for range calls {
		if _, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Run()
	if g.most != calls {
		t.Fatalf("at most %d of the %d voice requests of one instant were in flight together", g.most, calls)
	}
	for _, c := range srv.Calls() {
		if info := c.Info(); info.Status != harness.StatusCompleted || info.Duration != time.Second {
			t.Errorf("call %s: %s after %v, want completed after the 1-second <Say>", c.SID(), info.Status, info.Duration)
		}
	}
}

// TestWaitLeavesNoRequestBehind: the goroutine that steps the engine
// delivers the requests it sends itself when it has nothing else to do;
// when Wait returns first (its call ended while another call's request was
// still to go), that request goes out anyway, without another step.
func TestWaitLeavesNoRequestBehind(t *testing.T) {
	reached := make(chan struct{})
	srv := newServer(t, harness.WithApp(origin, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(reached)
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response/>`)
	})))
	// The second call's first request is sent, and the first call ends at
	// once with an inline document, at the same instant.
	if _, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}}); err != nil {
		t.Fatal(err)
	}
	quick, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Twiml": {"<Response/>"}})
	if err != nil {
		t.Fatal(err)
	}
	if info := quick.Wait(); info.Status != harness.StatusCompleted {
		t.Fatalf("the inline call is %s, want completed", info.Status)
	}
	// No further step is taken before the request must arrive: were it
	// left behind, this receive would block until go test's -timeout,
	// whose report names this test.
	<-reached
	srv.Run()
}

// TestSameRunsSameTranscripts: with requests in flight together, replies
// are applied in the order the requests were sent and virtual time waits
// for them, so identical runs of 50 calls give byte-identical transcripts
// and records.
func TestSameRunsSameTranscripts(t *testing.T) {
	paths := map[string]string{
		"/voice": `<Response><Gather numDigits="1" action="/menu"><Say>Press 1 to talk to sales</Say></Gather><Say>Goodbye</Say></Response>`,
		"/menu":  `<Response><Dial action="/after" timeout="10"><Number statusCallback="/leg">+14155550201</Number></Dial></Response>`,
		"/after": `<Response><Say>Thanks</Say></Response>`,
	}
	once := func() (string, []byte) {
		srv := newServer(t, harness.WithApp(origin, &docs{paths: paths}),
			harness.WithParty("+14155550201", scenario.AnswersAfter(3*time.Second).HangsUpAfter(5*time.Second)))
		for i := range 50 {
			party := scenario.Person().Presses("1")
			if i%3 == 0 {
				party = scenario.Person() // silent: the gather times out
			}
			to := fmt.Sprintf("+1415555%04d", 1000+i)
			srv.SetParty(to, party)
			if _, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"},
				"StatusCallback": {origin + "/status"}, "StatusCallbackEvent": {"initiated ringing answered completed"}}); err != nil {
				t.Fatal(err)
			}
		}
		srv.Run()
		return srv.Transcript(), srv.RecordJSON(harness.WithoutReplyBodies())
	}
	transcript, record := once()
	for range 3 {
		again, againRecord := once()
		if again != transcript {
			t.Fatalf("two identical runs gave different transcripts:\n%s", cmp.Diff(transcript, again))
		}
		if !bytes.Equal(record, againRecord) {
			t.Fatalf("two identical runs gave different records:\n%s", cmp.Diff(string(record), string(againRecord)))
		}
	}
	if n := strings.Count(transcript, "status       completed"); n != 50+33 {
		t.Errorf("%d calls and legs completed, want 50 calls and the 33 legs of those who pressed 1:\n%s", n, transcript)
	}
}
