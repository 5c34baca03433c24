package main

import (
	"fmt"
	"io"
	"log"
	"time"

	"github.com/twimlharness/twimlharness/examples/callcentre"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twilioclient/voice"
)

// The call centre's origin and numbers in the demo.
const (
	centreOrigin  = "https://calls.northwind.example"
	centreNumber  = "+14155550170"
	riderNumber   = "+14155550171" // the first caller
	cyclistNumber = "+14155550172" // the second caller
	agentNumber   = "+14155550179"
)

// newCallCentre returns the call centre app of the demo, its log
// discarded: the transcripts say it all.
func newCallCentre() *callcentre.App {
	return callcentre.New(callcentre.Config{AuthToken: harness.DefaultAuthToken, BaseURL: centreOrigin, From: centreNumber,
		Log: log.New(io.Discard, "", 0)})
}

// demoCallCentre runs one scene of the call centre: two customers call
// support and wait in its queue (the second hears that it is caller number
// 2); 30 seconds in, an agent is rung and takes the first, who hears the
// whisper, talks for a minute and hears goodbye; the second gives up after
// 90 seconds in the queue. It prints the transcripts of the three calls.
func demoCallCentre(srv *harness.Server, app *callcentre.App, n int, stdout io.Writer) error {
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: centreNumber,
		VoiceSettings: harness.VoiceSettings{VoiceURL: centreOrigin + "/voice", StatusCallback: centreOrigin + "/status"}}); err != nil {
		return err
	}
	start := srv.Now()
	first, err := srv.IncomingCall(riderNumber, centreNumber, scenario.Person().Presses("2"))
	if err != nil {
		return err
	}
	second, err := srv.IncomingCall(cyclistNumber, centreNumber, scenario.Person().Presses("2").HangsUp().InQueue().After(90*time.Second))
	if err != nil {
		return err
	}
	srv.Advance(30 * time.Second)
	srv.SetParty(agentNumber, scenario.AnswersAfterRings(1).HangsUpAfter(time.Minute))
	sid, err := app.ConnectAgent(voice.API(srv), agentNumber, callcentre.Support)
	if err != nil {
		return err
	}
	srv.Run()
	info := first.Info()
	fmt.Fprintf(stdout, "== %d. two customers call the bike shop's support queue; an agent takes the first, the second gives up: %s after %v of virtual time\n",
		n, info.Status, info.Ended.Sub(start))
	for _, c := range []*harness.Call{first, second, srv.Call(sid)} {
		fmt.Fprintln(stdout, c.Transcript())
	}
	return nil
}
