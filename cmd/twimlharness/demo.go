package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/twimlharness/twimlharness/examples/ivr"
	"github.com/twimlharness/twimlharness/examples/reminder"
	"github.com/twimlharness/twimlharness/examples/streambot"
	"github.com/twimlharness/twimlharness/examples/warmtransfer"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twilioclient/voice"
)

// The demo's numbers and origins.
const (
	clinicOrigin    = "https://clinic.example.com"
	remindersOrigin = "https://reminders.example.com"
	clinicNumber    = "+14155550100"
	billingNumber   = "+14155550142"
	operatorNumber  = "+14155550143"
	patientNumber   = "+14155550199"
	supportOrigin   = "https://support.example.com"
	supportNumber   = "+14155550150"
	customerNumber  = "+14155550160"
	alexNumber      = "+14155550151" // the agent who takes support calls
	beaNumber       = "+14155550152" // the agent in billing
)

// demoCall is one scripted call of the demo.
type demoCall struct {
	title string
	place func() (*harness.Call, error)
}

// demo runs the bundled example apps through a few scripted calls (a menu
// choice, a busy forward ending in voicemail, an answering machine, a warm
// transfer in a conference, callers in a call centre's queue, a voice bot
// on a media stream, an AI agent on ConversationRelay) and prints each
// call's transcript, and the conference's.
func demo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, "usage: twimlharness demo\n") }
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "twimlharness demo: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	centre := newCallCentre()
	reminders := reminder.New(reminder.Config{AuthToken: harness.DefaultAuthToken, BaseURL: remindersOrigin, From: clinicNumber})
	support := &lateApp{} // the warm transfer app needs the server's REST client
	bot := &lateBot{}     // and so does the answering bot
	booking := newBookingAgent()
	srv := harness.NewServer(nil,
		harness.WithApp(clinicOrigin, ivr.New(ivr.Config{AuthToken: harness.DefaultAuthToken, Billing: billingNumber, Operator: operatorNumber})),
		harness.WithApp(remindersOrigin, reminders),
		harness.WithApp(supportOrigin, support),
		harness.WithApp(centreOrigin, centre),
		harness.WithApp(botOrigin, bot),
		harness.WithApp(bookingOrigin, booking),
		harness.WithParty(billingNumber, scenario.Busy().RingsFor(4*time.Second)))
	defer srv.Close()
	for _, n := range []harness.IncomingNumber{
		{PhoneNumber: clinicNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: clinicOrigin + "/voice", StatusCallback: clinicOrigin + "/status"}},
		{PhoneNumber: supportNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: supportOrigin + "/voice"}},
	} {
		if _, err := srv.AddNumber(n); err != nil {
			fmt.Fprintf(stderr, "twimlharness demo: %v\n", err)
			return 1
		}
	}
	tw := voice.API(srv)
	support.App = warmtransfer.New(warmtransfer.Config{AuthToken: harness.DefaultAuthToken, BaseURL: supportOrigin,
		SupportNumber: supportNumber, FirstAgent: alexNumber}, tw)
	bot.App = streambot.New(streambot.Config{AuthToken: harness.DefaultAuthToken, BaseURL: botOrigin}, tw)
	tomorrow := srv.Now().Add(24 * time.Hour)

	calls := []demoCall{
		{"a patient calls the clinic, presses 1 and asks for next Tuesday", func() (*harness.Call, error) {
			return srv.IncomingCall(patientNumber, clinicNumber,
				scenario.Person().Presses("1").Says("next Tuesday at ten").AtNext("Gather"))
		}},
		{"a patient presses 2, billing is busy, the patient leaves a message", func() (*harness.Call, error) {
			return srv.IncomingCall(patientNumber, clinicNumber,
				scenario.Person().Presses("2").Talks(6*time.Second).ThenPresses("#"))
		}},
		{"the clinic calls a patient with a reminder; an answering machine picks up", func() (*harness.Call, error) {
			srv.SetParty(patientNumber, scenario.AnsweringMachine(7*time.Second).EndingWithBeep())
			sid, err := reminders.Remind(tw, patientNumber, tomorrow)
			if err != nil {
				return nil, err
			}
			return srv.Call(sid), nil
		}},
		{"the clinic calls a patient with a reminder; the patient confirms", func() (*harness.Call, error) {
			srv.SetParty(patientNumber, scenario.Person().AnswersAfterRings(2).Presses("1"))
			sid, err := reminders.Remind(tw, patientNumber, tomorrow)
			if err != nil {
				return nil, err
			}
			return srv.Call(sid), nil
		}},
	}
	start := time.Now()
	for i, dc := range calls {
		call, err := dc.place()
		if err != nil {
			fmt.Fprintf(stderr, "twimlharness demo: call %d: %v\n", i+1, err)
			return 1
		}
		info := call.Wait()
		fmt.Fprintf(stdout, "== %d. %s: %s after %v of virtual time\n", i+1, dc.title, info.Status, info.Ended.Sub(info.Created))
		fmt.Fprintln(stdout, call.Transcript())
		for _, leg := range call.Children() {
			fmt.Fprintln(stdout, leg.Transcript())
		}
	}
	n := len(calls) + 1
	if err := demoWarmTransfer(srv, support.App, n, stdout); err != nil {
		fmt.Fprintf(stderr, "twimlharness demo: call %d: %v\n", n, err)
		return 1
	}
	n++
	if err := demoCallCentre(srv, centre, n, stdout); err != nil {
		fmt.Fprintf(stderr, "twimlharness demo: call %d: %v\n", n, err)
		return 1
	}
	n++
	if err := demoStreamBot(srv, bot.App, n, stdout); err != nil {
		fmt.Fprintf(stderr, "twimlharness demo: call %d: %v\n", n, err)
		return 1
	}
	n++
	if err := demoBookingAgent(srv, booking, n, stdout); err != nil {
		fmt.Fprintf(stderr, "twimlharness demo: call %d: %v\n", n, err)
		return 1
	}
	fmt.Fprintf(stdout, "%d calls, %v of virtual time, in %v of real time.\n", n,
		srv.Now().Sub(harness.DefaultStartTime()), time.Since(start).Round(time.Microsecond))
	for _, n := range srv.Notifications() {
		fmt.Fprintf(stderr, "twimlharness demo: unexpected notification %d: %s\n", n.Code, n.Message)
		return 1
	}
	return 0
}

// lateApp serves with the warm transfer app, which can only be made once
// the server exists (it needs the server's REST client).
type lateApp struct{ *warmtransfer.App }

// demoWarmTransfer runs one warm transfer: a customer calls support and
// Alex answers; 30 seconds in, Alex asks the desk to transfer the call to
// Bea, the customer hears the hold document, Bea answers and greets Alex,
// and Alex hangs up, which completes the transfer. It prints the
// transcripts of the three calls and the conference's.
func demoWarmTransfer(srv *harness.Server, app *warmtransfer.App, n int, stdout io.Writer) error {
	srv.SetParty(alexNumber, scenario.Person().AnswersAfterRings(1).
		Says("Acme support, this is Alex. How can I help?").InConference().After(time.Second).
		HangsUp().InConference().After(40*time.Second))
	srv.SetParty(beaNumber, scenario.Person().AnswersAfterRings(1).
		Says("Hi Alex, Bea from billing.").InConference().After(time.Second).
		Says("Hello, this is Bea from billing. How can I help?").AfterLeaves(warmtransfer.LabelFirstAgent).After(time.Second))
	start := srv.Now()
	call, err := srv.IncomingCall(customerNumber, supportNumber, scenario.Person().
		Says("Hi, I was charged twice this month.").InConference().After(10*time.Second).
		Says("Can you refund one of the charges?").AfterLeaves(warmtransfer.LabelFirstAgent).After(5*time.Second).
		HangsUp().AfterLeaves(warmtransfer.LabelFirstAgent).After(15*time.Second))
	if err != nil {
		return err
	}
	room := "support-" + call.SID()
	srv.Advance(30 * time.Second)
	w := httptest.NewRecorder()
	app.Desk().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/transfer?"+url.Values{"conference": {room}, "to": {beaNumber}}.Encode(), nil))
	if w.Code != http.StatusAccepted {
		return fmt.Errorf("the desk refused the transfer: %d %s", w.Code, w.Body.String())
	}
	info := call.Wait()
	srv.Run()
	state := "no transfer"
	if c, ok := app.Call(room); ok && len(c.Transfers) > 0 {
		state = "transfer " + string(c.Transfers[0].State)
	}
	fmt.Fprintf(stdout, "== %d. a customer calls support; Alex transfers the call to Bea in billing (a warm transfer): %s, %s after %v of virtual time\n",
		n, info.Status, state, info.Ended.Sub(start))
	fmt.Fprintln(stdout, call.Transcript())
	cf := srv.Conference(room)
	if cf == nil {
		return fmt.Errorf("no conference %s", room)
	}
	for _, c := range cf.Calls() {
		if c != call {
			fmt.Fprintln(stdout, c.Transcript())
		}
	}
	fmt.Fprintln(stdout, cf.Transcript())
	return nil
}
