package matchers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
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
	t.Helper()
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

// failureTest is an assertion that must fail once, with a message that
// contains every substring of want.
type failureTest struct {
	name      string
	assertion func()
	want      []string
}

// testFailureMessages runs each assertion of tests in a subtest and checks
// its failure message.
func testFailureMessages(t *testing.T, tests []failureTest) {
	t.Helper()
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
}

// agentNumber is the agent's number in conferenceCalls.
const agentNumber = "+14155550201"

// conferenceCalls runs two calls in conference "room": the customer (to)
// joins as "customer", waits (hearing "Please wait"), hears the agent's
// beep when the agent joins 20 seconds later as "agent", says "hello
// there" at 30 seconds and hangs up at 60, which ends the conference; the
// agent says "how can I help" 5 seconds after joining.
func conferenceCalls(t testing.TB) (srv *harness.Server, customer, agent *harness.Call) {
	t.Helper()
	srv = harness.NewServer(t, harness.WithApp(origin, app{
		"/voice": `<Response><Dial><Conference participantLabel="customer" endConferenceOnExit="true" ` +
			`statusCallback="/conf" statusCallbackEvent="start end join leave" waitUrl="/wait">room</Conference></Dial></Response>`,
		"/agent": `<Response><Dial><Conference participantLabel="agent">room</Conference></Dial></Response>`,
		"/wait":  `<Response><Say>Please wait</Say></Response>`,
	}), harness.WithParty(to, scenario.Person().Says("hello there").InConference().After(30*time.Second).
		HangsUp().InConference().After(60*time.Second)),
		harness.WithParty(agentNumber, scenario.Person().AnswersAfter(20*time.Second).Says("how can I help").InConference().After(5*time.Second)))
	var err error
	if customer, err = srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}}); err != nil {
		t.Fatal(err)
	}
	if agent, err = srv.CreateCall(url.Values{"To": {agentNumber}, "From": {from}, "Url": {origin + "/agent"}}); err != nil {
		t.Fatal(err)
	}
	srv.Run()
	return srv, customer, agent
}

// heldCall is a call that was put on hold in its conference: the
// Participants API's Hold, which these tests do without, as the event it
// records.
type heldCall struct{ *harness.Call }

func (h heldCall) Events() []harness.Event {
	return append(h.Call.Events(), harness.Event{CallSID: h.SID(), Kind: harness.EventConference, Action: harness.ActionHeld,
		Conference: "room", URL: "https://cdn.example.com/hold.mp3"})
}

// Numbers of the queue calls.
const (
	queueCaller1 = "+14155550401"
	queueCaller2 = "+14155550402"
	queueAgent   = "+14155550501"
)

// queueCalls runs two callers through the queue "support": the first is
// taken after 20 s by the agent, who talks to it for 30 s; the second gives
// up after 45 s. It returns the server, the callers and the agent.
func queueCalls(t testing.TB) (srv *harness.Server, taken, gaveUp, agent *harness.Call) {
	t.Helper()
	srv = harness.NewServer(t, harness.WithApp(origin, app{
		"/enqueue": `<Response><Enqueue action="/after" waitUrl="">support</Enqueue></Response>`,
		"/agent":   `<Response><Dial><Queue>support</Queue></Dial></Response>`,
	}), harness.WithParty(queueCaller1, scenario.Person()),
		harness.WithParty(queueCaller2, scenario.Person().HangsUp().InQueue().After(45*time.Second)),
		harness.WithParty(queueAgent, scenario.Person().HangsUpAfter(30*time.Second)))
	call := func(to, path string) *harness.Call {
		c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + path}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	taken = call(queueCaller1, "/enqueue")
	srv.Advance(5 * time.Second)
	gaveUp = call(queueCaller2, "/enqueue")
	srv.Advance(15 * time.Second)
	agent = call(queueAgent, "/agent")
	taken.Wait()
	gaveUp.Wait()
	agent.Wait()
	return srv, taken, gaveUp, agent
}
