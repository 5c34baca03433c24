package matchers_test

import (
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/onsi/gomega"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/matchers"
	"github.com/twimlharness/twimlharness/scenario"
)

// exampleCall runs the menu call of the examples: the caller presses 2,
// billing is busy, the caller leaves a 4-second message.
func exampleCall() (*harness.Server, *harness.Call, gomega.Gomega) {
	srv := harness.NewServer(nil, harness.WithApp(origin, app{
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
		panic(err)
	}
	c.Wait()
	g := gomega.NewGomega(func(message string, _ ...int) { fmt.Println("FAILED:", message) })
	return srv, c, g
}

func ExampleHaveStatus() {
	srv, call, g := exampleCall()
	defer srv.Close()
	g.Expect(call).To(matchers.HaveStatus(harness.StatusCompleted))
	fmt.Println("the call completed")
	// Output: the call completed
}

func ExampleHaveAnsweredBy() {
	srv := harness.NewServer(nil, harness.WithParty(to, scenario.AnsweringMachine(7*time.Second)))
	defer srv.Close()
	call, _ := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Twiml": {"<Response/>"},
		"MachineDetection": {"DetectMessageEnd"}})
	call.Wait()
	g := gomega.NewGomega(func(message string, _ ...int) { fmt.Println("FAILED:", message) })
	g.Expect(call).To(matchers.HaveAnsweredBy("machine_end_beep"))
	fmt.Println("voicemail detected")
	// Output: voicemail detected
}

func ExampleHaveSaid() {
	srv, call, g := exampleCall()
	defer srv.Close()
	g.Expect(call).To(matchers.HaveSaid("Press 2 for billing"))
	g.Expect(call).To(matchers.HaveSaid(regexp.MustCompile(`Billing is (busy|closed)`)))
	g.Expect(call).NotTo(matchers.HaveSaid("sales"))
	fmt.Println("the prompts were said")
	// Output: the prompts were said
}

func ExampleHavePlayed() {
	srv, call, g := exampleCall()
	defer srv.Close()
	g.Expect(call).To(matchers.HavePlayed("beep.mp3"))
	fmt.Println("the beep played")
	// Output: the beep played
}

func ExampleHaveGathered() {
	srv, call, g := exampleCall()
	defer srv.Close()
	g.Expect(call).To(matchers.HaveGathered("2"))
	fmt.Println("the caller pressed 2")
	// Output: the caller pressed 2
}

func ExampleHaveDialed() {
	srv, call, g := exampleCall()
	defer srv.Close()
	g.Expect(call).To(matchers.HaveDialed("+14155550200").WithStatus(harness.StatusBusy))
	fmt.Println("billing was busy")
	// Output: billing was busy
}

func ExampleHaveChildCalls() {
	srv, call, g := exampleCall()
	defer srv.Close()
	g.Expect(call).To(matchers.HaveChildCalls(1))
	g.Expect(call).To(matchers.HaveChildCalls(matchers.HaveStatus(harness.StatusBusy)))
	fmt.Println("one leg, busy")
	// Output: one leg, busy
}

func ExampleHaveRecorded() {
	srv, call, g := exampleCall()
	defer srv.Close()
	g.Expect(call).To(matchers.HaveRecorded().WithSource("RecordVerb").WithDuration(4 * time.Second))
	fmt.Println("a 4-second message")
	// Output: a 4-second message
}

func ExampleHaveRequested() {
	srv, call, g := exampleCall()
	defer srv.Close()
	g.Expect(call).To(matchers.HaveRequested(harness.KindAction).To("/menu").WithMethod("POST").WithParam("Digits", "2"))
	g.Expect(call).To(matchers.HaveRequested(harness.KindAction).To("/dialed").WithParam("DialCallStatus", "busy"))
	g.Expect(srv).To(matchers.HaveRequested(harness.KindStatusCallback).WithParam("CallStatus", gomega.Equal("completed")))
	fmt.Println("the app got what it needed")
	// Output: the app got what it needed
}

func ExampleHaveRedirectedTo() {
	srv := harness.NewServer(nil, harness.WithApp(origin, app{
		"/voice": `<Response><Redirect>/next</Redirect></Response>`, "/next": `<Response><Hangup/></Response>`}))
	defer srv.Close()
	call, _ := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	call.Wait()
	g := gomega.NewGomega(func(message string, _ ...int) { fmt.Println("FAILED:", message) })
	g.Expect(call).To(matchers.HaveRedirectedTo("/next"))
	fmt.Println("redirected")
	// Output: redirected
}

func ExampleHaveStatusCallbacks() {
	srv, call, g := exampleCall()
	defer srv.Close()
	g.Expect(call).To(matchers.HaveStatusCallbacks("initiated", "ringing", "in-progress", "completed"))
	fmt.Println("four events, in order")
	// Output: four events, in order
}

func ExampleHaveNotification() {
	srv := harness.NewServer(nil, harness.WithApp(origin, app{}))
	defer srv.Close()
	srv.InjectFault(origin+"/voice", harness.Fault{Status: 500})
	call, _ := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	call.Wait()
	g := gomega.NewGomega(func(message string, _ ...int) { fmt.Println("FAILED:", message) })
	g.Expect(call).To(matchers.HaveNotification(11200))
	g.Expect(call).To(matchers.HaveSaid("an application error has occurred"))
	fmt.Println("the caller heard the application error")
	// Output: the caller heard the application error
}

func ExampleHaveNoUnexpectedNotifications() {
	srv, call, g := exampleCall()
	defer srv.Close()
	g.Expect(call).To(matchers.HaveNoUnexpectedNotifications())
	fmt.Println("the app's TwiML is clean")
	// Output: the app's TwiML is clean
}

func ExampleHaveConferenceEvents() {
	srv := harness.NewServer(nil, harness.WithApp(origin, app{
		"/voice": `<Response><Dial><Conference participantLabel="customer" endConferenceOnExit="true">room</Conference></Dial></Response>`,
		"/agent": `<Response><Dial><Conference participantLabel="agent" beep="false">room</Conference></Dial></Response>`,
	}), harness.WithParty(to, scenario.Person().HangsUp().InConference().After(time.Minute)),
		harness.WithParty("+14155550201", scenario.Person().AnswersAfter(10*time.Second).Says("how can I help").InConference().After(time.Second)))
	defer srv.Close()
	customer, _ := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	agent, _ := srv.CreateCall(url.Values{"To": {"+14155550201"}, "From": {from}, "Url": {origin + "/agent"}})
	srv.Run()
	g := gomega.NewGomega(func(message string, _ ...int) { fmt.Println("FAILED:", message) })
	g.Expect(agent).To(matchers.HaveJoinedConference("room").As("agent"))
	g.Expect(customer).To(matchers.HaveHeard("how can I help"))
	g.Expect(customer).NotTo(matchers.HaveBeenOnHold())
	g.Expect(srv.Conference("room")).To(matchers.HaveConferenceEvents("participant-join", "participant-join",
		"conference-start", "participant-leave", "participant-leave", "conference-end").
		Ignoring("participant-speech-start", "participant-speech-stop"))
	fmt.Println("the agent answered the customer")
	// Output: the agent answered the customer
}
