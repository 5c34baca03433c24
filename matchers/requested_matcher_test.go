package matchers_test

import (
	"net/url"
	"regexp"
	"testing"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	. "github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestHaveRequested(t *testing.T) {
	srv, c := menuCall(t)
	g := gomega.NewWithT(t)
	g.Expect(c).To(HaveRequested(harness.KindAction).To("/menu").WithMethod("POST").WithParam("Digits", "2"))
	g.Expect(c).To(HaveRequested(harness.KindAction).To("/dialed").WithParam("DialCallStatus", "busy"))
	g.Expect(c).To(HaveRequested(harness.KindAction).WithParam("RecordingDuration", gomega.Equal("4")))
	g.Expect(srv).To(HaveRequested(harness.KindStatusCallback).WithParam("CallStatus", "completed"))
}

func TestHaveRedirectedTo(t *testing.T) {
	_, c := menuCall(t)
	g := gomega.NewWithT(t)
	g.Expect(c).NotTo(HaveRedirectedTo("/voice"))

	srv := harness.NewServer(t, harness.WithApp(origin, app{
		"/voice": `<Response><Redirect>/next</Redirect></Response>`, "/next": `<Response><Hangup/></Response>`}))
	redirected, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	redirected.Wait()
	g.Expect(redirected).To(HaveRedirectedTo("/next"))
}

func TestHaveRequestedFailureMessages(t *testing.T) {
	_, c := menuCall(t)
	testFailureMessages(t, []failureTest{
		{"HaveRequested", func() {
			gomega.Expect(c).To(HaveRequested(harness.KindAction).To("/menu").WithParam("Digits", "1"))
		}, []string{`to have made a action request to "/menu" with Digits="1", but the requests made were:`,
			`action POST https://app.example.com/menu [Digits="2"]`, "voice POST https://app.example.com/voice [Digits not sent]"}},
		{"HaveRedirectedTo", func() { gomega.Expect(c).To(HaveRedirectedTo("/voice")) },
			[]string{`to have made a redirect request to "/voice"`}},
	})
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
