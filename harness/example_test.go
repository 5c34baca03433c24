package harness_test

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// A server with an application in-process: the call rings, is answered,
// runs the application's TwiML and ends, in no real time at all.
func ExampleNewServer() {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>Your table for two is confirmed.</Say></Response>`)
	})
	srv := harness.NewServer(nil, harness.WithApp("https://app.example.com", app),
		harness.WithParty("+14155550100", scenario.Person().AnswersAfterRings(2)))
	defer srv.Close()

	call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"},
		"Url": {"https://app.example.com/voice"}})
	if err != nil {
		panic(err)
	}
	info := call.Wait()
	fmt.Println(info.Status, "after ringing", info.Answered.Sub(info.Started), "and talking", info.Duration)
	// Output: completed after ringing 12s and talking 2.4s
}

// An incoming call: the caller dials the application's number, presses 1
// at its menu, and hangs up when it is over.
func ExampleServer_IncomingCall() {
	app := http.NewServeMux()
	app.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Gather numDigits="1" action="/menu"><Say>Press 1 for opening hours.</Say></Gather></Response>`)
	})
	app.HandleFunc("/menu", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<Response><Say>You pressed %s. We are open from nine to five.</Say></Response>`, r.PostForm.Get("Digits"))
	})
	srv := harness.NewServer(nil, harness.WithApp("https://app.example.com", app))
	defer srv.Close()
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: "+14155550123",
		VoiceSettings: harness.VoiceSettings{VoiceURL: "https://app.example.com/voice"}}); err != nil {
		panic(err)
	}

	call, err := srv.IncomingCall("+447700900123", "+14155550123", scenario.Person().Presses("1"))
	if err != nil {
		panic(err)
	}
	info := call.Wait()
	fmt.Println(info.Direction, info.Status)
	for _, e := range call.Events() {
		if e.Kind == harness.EventSay {
			fmt.Println("said:", e.Words)
		}
	}
	// Output:
	// inbound completed
	// said: Press 1 for opening hours.
	// said: You pressed 1. We are open from nine to five.
}

// A call's transcript: every status, request, verb and input, on the
// virtual clock counted from the server's start.
func ExampleCall_Transcript() {
	srv := harness.NewServer(nil, harness.WithParty("+14155550100", scenario.Busy().RingsFor(3*time.Second)))
	defer srv.Close()
	call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"},
		"Twiml": {"<Response><Say>Hello</Say></Response>"}})
	if err != nil {
		panic(err)
	}
	call.Wait()
	fmt.Print(call.Transcript())
	// Output:
	// call CA14a93a1715e9855b46650264436bba03 outbound-api from +15005550006 to +14155550100
	//   00:00:00.000  status       queued
	//   00:00:00.000  status       initiated
	//   00:00:00.000  status       ringing
	//   00:00:03.000  status       busy
}
