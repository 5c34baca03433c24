package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/twimlharness/twimlharness/examples/ivr"
	"github.com/twimlharness/twimlharness/examples/reminder"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twilioclient"
)

// The demo's numbers and origins.
const (
	clinicOrigin    = "https://clinic.example.com"
	remindersOrigin = "https://reminders.example.com"
	clinicNumber    = "+14155550100"
	billingNumber   = "+14155550142"
	operatorNumber  = "+14155550143"
	patientNumber   = "+14155550199"
)

// demoCall is one scripted call of the demo.
type demoCall struct {
	title string
	place func() (*harness.Call, error)
}

// demo runs the bundled example apps through a few scripted calls (a menu
// choice, a busy forward ending in voicemail, an answering machine, callers
// in a call centre's queue) and prints each call's transcript.
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
	srv := harness.NewServer(nil,
		harness.WithApp(clinicOrigin, ivr.New(ivr.Config{AuthToken: harness.DefaultAuthToken, Billing: billingNumber, Operator: operatorNumber})),
		harness.WithApp(remindersOrigin, reminders),
		harness.WithApp(centreOrigin, centre),
		harness.WithParty(billingNumber, scenario.Busy().RingsFor(4*time.Second)))
	defer srv.Close()
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: clinicNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: clinicOrigin + "/voice", StatusCallback: clinicOrigin + "/status"}}); err != nil {
		fmt.Fprintf(stderr, "twimlharness demo: %v\n", err)
		return 1
	}
	tw := twilioclient.New(srv)
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
	if err := demoCallCentre(srv, centre, n, stdout); err != nil {
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
