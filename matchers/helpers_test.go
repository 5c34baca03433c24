package matchers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	. "github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
)

const (
	origin = "https://app.example.com"
	to     = "+14155550100"
	from   = "+15005550006"
)

// app answers each path with its document, and 204 to other paths.
type app map[string]string

func (a app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	doc, ok := a[r.URL.Path]
	if !ok {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, doc)
}

// menuCall runs a call through a small menu: the caller presses 2, is sent
// to a busy line, and leaves a 4-second message.
func menuCall(t testing.TB) (*harness.Server, *harness.Call) {
	srv := harness.NewServer(t, harness.WithApp(origin, app{
		"/voice": `<Response><Gather numDigits="1" action="/menu"><Say>Press 2 for billing</Say></Gather></Response>`,
		"/menu":  `<Response><Dial action="/dialed">+14155550200</Dial></Response>`,
		"/dialed": `<Response><Say>Billing is busy. Leave a message.</Say><Play>https://cdn.example.com/beep.mp3</Play>` +
			`<Record action="/recorded" timeout="2"/></Response>`,
		"/recorded": `<Response><Say>Thanks</Say><Hangup/></Response>`,
	}), harness.WithParty(to, scenario.Person().Presses("2").Talks(4*time.Second).ThenPresses("#")),
		harness.WithParty("+14155550200", scenario.Busy()))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"},
		"StatusCallback": {origin + "/status"}, "StatusCallbackEvent": {"initiated ringing answered completed"}})
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	return srv, c
}

// failure runs the assertion and returns the failure message it produces.
func failure(t *testing.T, assertion func()) string {
	t.Helper()
	gomega.RegisterTestingT(t)
	fails := gomega.InterceptGomegaFailures(assertion)
	if len(fails) != 1 {
		t.Fatalf("the assertion failed %d times, want once: %q", len(fails), fails)
	}
	return fails[0]
}

func TestMatchersPass(t *testing.T) {
	srv, c := menuCall(t)
	g := gomega.NewWithT(t)
	g.Expect(c).To(HaveStatus(harness.StatusCompleted))
	g.Expect(c).To(HaveStatus("completed"))
	g.Expect(c).NotTo(HaveStatus(harness.StatusBusy))
	g.Expect(c).To(HaveSaid("Press 2"))
	g.Expect(c).To(HaveSaid(regexp.MustCompile(`Billing is \w+`)))
	g.Expect(c).To(HaveSaid(gomega.HavePrefix("Thanks")))
	g.Expect(c).NotTo(HaveSaid("sales"))
	g.Expect(c).To(HavePlayed("beep.mp3"))
	g.Expect(c).To(HaveGathered("2"))
	g.Expect(c).NotTo(HaveGathered("1"))
	g.Expect(c).To(HaveDialed("+14155550200").WithStatus(harness.StatusBusy))
	g.Expect(c).To(HaveChildCalls(1))
	g.Expect(c).To(HaveChildCalls(HaveStatus(harness.StatusBusy)))
	g.Expect(c).To(HaveRecorded().WithDuration(4 * time.Second).WithSource("RecordVerb"))
	g.Expect(c).To(HaveRequested(harness.KindAction).To("/menu").WithMethod("POST").WithParam("Digits", "2"))
	g.Expect(c).To(HaveRequested(harness.KindAction).To("/dialed").WithParam("DialCallStatus", "busy"))
	g.Expect(c).To(HaveRequested(harness.KindAction).WithParam("RecordingDuration", gomega.Equal("4")))
	g.Expect(srv).To(HaveRequested(harness.KindStatusCallback).WithParam("CallStatus", "completed"))
	g.Expect(c).To(HaveStatusCallbacks("initiated", "ringing", "in-progress", "completed"))
	g.Expect(c).NotTo(HaveRedirectedTo("/voice"))
	g.Expect(srv).To(HaveNoUnexpectedNotifications())
	g.Expect(c).NotTo(HaveNotification(11200))
	g.Expect(c).NotTo(HaveAnsweredBy(gomega.Not(gomega.BeEmpty())))
}

func TestMatcherFailureMessages(t *testing.T) {
	srv, c := menuCall(t)
	tests := []struct {
		name      string
		assertion func()
		want      []string
	}{
		{"HaveStatus", func() { gomega.Expect(c).To(HaveStatus(harness.StatusBusy)) },
			[]string{"Expected call " + c.SID() + ` to have status "busy", but its status is "completed"`, "Transcript:", "say          \"Press 2 for billing\""}},
		{"not HaveStatus", func() { gomega.Expect(c).NotTo(HaveStatus("completed")) },
			[]string{`not to have status "completed", but it has`}},
		{"HaveAnsweredBy", func() { gomega.Expect(c).To(HaveAnsweredBy("human")) },
			[]string{`to be answered by "human", but detection reported nothing (no answering machine detection)`}},
		{"HaveSaid", func() { gomega.Expect(c).To(HaveSaid("Press 1 for sales")) },
			[]string{`to have said "Press 1 for sales", but it said:`, `"Press 2 for billing"`, `"Billing is busy. Leave a message."`, `"Thanks"`}},
		{"HavePlayed", func() { gomega.Expect(c).To(HavePlayed("hold.mp3")) },
			[]string{`to have played "hold.mp3", but it played:`, `"https://cdn.example.com/beep.mp3"`}},
		{"HaveGathered", func() { gomega.Expect(c).To(HaveGathered("1")) },
			[]string{`to have gathered "1", but its gathers sent:`, `    "2"`}},
		{"HaveDialed", func() { gomega.Expect(c).To(HaveDialed("+14155550200").WithStatus("completed")) },
			[]string{`to have dialed "+14155550200" ending "completed", but it dialed:`, "+14155550200 (busy)"}},
		{"HaveChildCalls", func() { gomega.Expect(c).To(HaveChildCalls(2)) },
			[]string{"to have dialed 2 legs matching, but its legs are:", "to +14155550200 (busy)"}},
		{"HaveRecorded", func() { gomega.Expect(c).To(HaveRecorded().WithDuration(10 * time.Second)) },
			[]string{"to have made a recording lasting 10s, but its recordings are:", "from RecordVerb, 4s, completed"}},
		{"HaveRequested", func() {
			gomega.Expect(c).To(HaveRequested(harness.KindAction).To("/menu").WithParam("Digits", "1"))
		}, []string{`to have made a action request to "/menu" with Digits="1", but the requests made were:`,
			`action POST https://app.example.com/menu [Digits="2"]`, "voice POST https://app.example.com/voice [Digits not sent]"}},
		{"HaveRedirectedTo", func() { gomega.Expect(c).To(HaveRedirectedTo("/voice")) },
			[]string{`to have made a redirect request to "/voice"`}},
		{"HaveStatusCallbacks", func() { gomega.Expect(c).To(HaveStatusCallbacks("initiated", "completed")) },
			[]string{"to have sent the status callbacks\n    initiated → completed\nbut it sent\n    initiated → ringing → in-progress → completed"}},
		{"HaveNotification", func() { gomega.Expect(c).To(HaveNotification(11200)) },
			[]string{"to have logged notification 11200, but it logged:\n    (nothing)"}},
		{"misuse", func() { gomega.Expect("a string").To(HaveStatus("completed")) },
			[]string{"HaveStatus expects a *harness.Call (a matchers.CallRecord), got:"}},
		{"misuse of a record matcher", func() { gomega.Expect(42).To(HaveSaid("x")) },
			[]string{"HaveSaid expects a *harness.Call or a *harness.Server"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := failure(t, tt.assertion)
			for _, want := range tt.want {
				if !strings.Contains(msg, want) {
					t.Errorf("the failure message lacks %q:\n%s", want, msg)
				}
			}
		})
	}
	_ = srv
}

func TestStrictMode(t *testing.T) {
	srv := harness.NewServer(t, harness.WithApp(origin, app{"/voice": `<Response><Say loop="x">Hi</Say><sya/></Response>`}))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	msg := failure(t, func() { gomega.Expect(srv).To(HaveNoUnexpectedNotifications()) })
	for _, want := range []string{"to log no notification the spec did not allow, but it logged:", "13510 warning", "12200 warning"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the failure message lacks %q:\n%s", want, msg)
		}
	}
	gomega.NewWithT(t).Expect(c).To(HaveNoUnexpectedNotifications(13510, 12200))
}

func TestEventuallyStopsOnceTheCallEnded(t *testing.T) {
	srv := harness.NewServer(t, harness.WithAutoRun(), harness.WithParty(to, scenario.Busy()))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Twiml": {"<Response/>"}})
	if err != nil {
		t.Fatal(err)
	}
	<-c.Done()
	m := HaveStatus(harness.StatusCompleted)
	if ok, _ := m.Match(c); ok {
		t.Fatal("a busy call matched completed")
	}
	if m.(interface{ MatchMayChangeInTheFuture(any) bool }).MatchMayChangeInTheFuture(c) {
		t.Error("an ended call may still change, says the matcher: Eventually would wait for nothing")
	}
	start := time.Now()
	fails := gomega.InterceptGomegaFailures(func() {
		gomega.Eventually(c).WithTimeout(time.Minute).Should(HaveStatus(harness.StatusCompleted))
	})
	if len(fails) != 1 || time.Since(start) > 10*time.Second {
		t.Errorf("Eventually on an ended call: %d failures after %v; want it to give up at once", len(fails), time.Since(start))
	}
}

// TestRequestedTo: a string is the whole URL or its path (with the query
// it was configured with), never a substring; patterns are explicit.
func TestRequestedTo(t *testing.T) {
	srv := harness.NewServer(t, harness.WithApp(origin, app{
		"/voice": `<Response><Gather numDigits="1" method="GET" action="/menu?step=2"><Say>Press 2</Say></Gather></Response>`,
		"/menu":  `<Response><Hangup/></Response>`,
	}), harness.WithParty(to, scenario.Person().Presses("2")))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	tests := []struct {
		name string
		to   any
		want bool
	}{
		{"path", "/menu", true},
		{"path and configured query", "/menu?step=2", true},
		{"whole URL as configured", origin + "/menu?step=2", true},
		{"a substring is not the URL", "menu", false},
		{"a prefix of the path is not the path", "/me", false},
		{"another path", "/voice2", false},
		{"substring, explicitly", gomega.ContainSubstring("menu"), true},
		{"regexp on the URL with the GET's parameters", regexp.MustCompile(`/menu\?step=2&AccountSid=`), true},
		{"regexp that does not match", regexp.MustCompile(`^/menu`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := HaveRequested(harness.KindAction).To(tt.to).Match(c)
			if err != nil || ok != tt.want {
				t.Errorf("To(%v).Match = %v, %v; want %v\n%s", tt.to, ok, err, tt.want, c.Transcript())
			}
		})
	}
}

// TestStatusCallbackDetails: SequenceNumber counts the callbacks sent to
// the URL from 0, and the final one carries CallDuration.
func TestStatusCallbackDetails(t *testing.T) {
	_, c := menuCall(t)
	g := gomega.NewWithT(t)
	all := []string{"initiated", "ringing", "in-progress", "completed"}
	duration := c.Info().Duration / time.Second
	g.Expect(c).To(HaveStatusCallbacks(all...).WithSequenceNumbers(0, 1, 2, 3).WithCallDuration(int(duration)))
	g.Expect(c).To(HaveStatusCallbacks(all...).WithCallDuration(gomega.BeNumerically(">", 5)))
	g.Expect(c).NotTo(HaveStatusCallbacks(all...).WithSequenceNumbers(1, 2, 3, 4))
	g.Expect(c).NotTo(HaveStatusCallbacks(all...).WithCallDuration(int(duration) + 1))
	msg := failure(t, func() { gomega.Expect(c).To(HaveStatusCallbacks(all...).WithSequenceNumbers(0, 0, 0, 0)) })
	want := "with SequenceNumber 0 → 0 → 0 → 0\nbut it sent\n    initiated → ringing → in-progress → completed with SequenceNumber 0 → 1 → 2 → 3"
	if !strings.Contains(msg, want) {
		t.Errorf("the failure message lacks %q:\n%s", want, msg)
	}
	msg = failure(t, func() { gomega.Expect(c).To(HaveStatusCallbacks(all...).WithCallDuration(999)) })
	if want := fmt.Sprintf("and a final CallDuration of 999\nbut it sent\n    initiated → ringing → in-progress → completed and a final CallDuration of %d", duration); !strings.Contains(msg, want) {
		t.Errorf("the failure message lacks %q:\n%s", want, msg)
	}
}
