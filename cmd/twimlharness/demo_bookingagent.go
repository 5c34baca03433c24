package main

import (
	"fmt"
	"io"
	"time"

	"github.com/twimlharness/twimlharness/examples/bookingagent"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// The booking agent's origin and numbers in the demo.
const (
	bookingOrigin = "https://booking.acme.example"
	bookingNumber = "+14155550185" // the number that reaches the agent
	bookingCaller = "+14155550186"
	bookingDesk   = "+14155550187" // the front desk, where the agent hands off
)

// newBookingAgent returns the booking agent of the demo.
func newBookingAgent() *bookingagent.App {
	return bookingagent.New(bookingagent.Config{AuthToken: harness.DefaultAuthToken, BaseURL: bookingOrigin, FrontDesk: bookingDesk})
}

// demoBookingAgent runs one conversation with the AI booking agent on
// ConversationRelay: the caller asks for Saturday; two seconds into the
// agent's answer (closed at the weekend) the caller cuts in with
// Wednesday; the agent proposes it, the caller says yes, and the agent
// ends the session with the booking as handoff data, which the Connect's
// action says before it hangs up. It prints the call's transcript.
func demoBookingAgent(srv *harness.Server, app *bookingagent.App, n int, stdout io.Writer) error {
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: bookingNumber,
		VoiceSettings: harness.VoiceSettings{VoiceURL: bookingOrigin + "/voice"}}); err != nil {
		return err
	}
	start := srv.Now()
	call, err := srv.IncomingCall(bookingCaller, bookingNumber, scenario.Person().
		Says("Hi, can I come in on Saturday?").
		Says("Wednesday then").Interrupting().After(2*time.Second).
		Says("Yes please"))
	if err != nil {
		return err
	}
	info := call.Wait()
	srv.Run()
	conv, ok := app.Conversation(call.SID())
	if !ok {
		return fmt.Errorf("the agent kept no conversation of call %s", call.SID())
	}
	fmt.Fprintf(stdout, "== %d. a caller books an appointment with an AI agent on ConversationRelay, cutting in on its answer: %s, %s after %v of virtual time\n",
		n, info.Status, conv.Outcome, info.Ended.Sub(start))
	fmt.Fprintln(stdout, call.Transcript())
	return nil
}
