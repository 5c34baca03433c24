package matchers_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	. "github.com/twimlharness/twimlharness/matchers"
)

// warningsCall runs a call whose TwiML has two problems: a bad loop
// attribute (13510) and an unknown verb (12200).
func warningsCall(t *testing.T) (*harness.Server, *harness.Call) {
	t.Helper()
	srv := harness.NewServer(t, harness.WithApp(origin, app{"/voice": `<Response><Say loop="x">Hi</Say><sya/></Response>`}))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	return srv, c
}

func TestHaveNotification(t *testing.T) {
	_, c := menuCall(t)
	g := gomega.NewWithT(t)
	g.Expect(c).NotTo(HaveNotification(11200))
	_, warned := warningsCall(t)
	g.Expect(warned).To(HaveNotification(13510))
}

func TestHaveNoUnexpectedNotifications(t *testing.T) {
	srv, _ := menuCall(t)
	gomega.NewWithT(t).Expect(srv).To(HaveNoUnexpectedNotifications())
}

func TestHaveNotificationFailureMessages(t *testing.T) {
	_, c := menuCall(t)
	_, warned := warningsCall(t)
	testFailureMessages(t, []failureTest{
		{"HaveNotification", func() { gomega.Expect(c).To(HaveNotification(11200)) },
			[]string{"to have logged notification 11200, but it logged:\n    (nothing)"}},
		{"HaveNotification after warnings", func() { gomega.Expect(warned).To(HaveNotification(11200)) },
			[]string{"to have logged notification 11200, but it logged:\n    13510 warning", "12200 warning"}},
	})
}

func TestStrictMode(t *testing.T) {
	srv, c := warningsCall(t)
	msg := failure(t, func() { gomega.Expect(srv).To(HaveNoUnexpectedNotifications()) })
	for _, want := range []string{"to log no notification the spec did not allow, but it logged:", "13510 warning", "12200 warning"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the failure message lacks %q:\n%s", want, msg)
		}
	}
	gomega.NewWithT(t).Expect(c).To(HaveNoUnexpectedNotifications(13510, 12200))
}
