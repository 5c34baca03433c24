package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// demoOrigin is where the bundled app lives, in-process.
const demoOrigin = "https://reminders.example.com"

// demoApp is a small appointment-reminder app: it speaks a reminder, waits,
// and says goodbye. Its /broken endpoint fails, so that its fallback is used.
func demoApp() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Say voice="Polly.Joanna">Hello, this is a reminder of your appointment tomorrow at nine.</Say>
  <Pause length="2"/>
  <Say>Goodbye.</Say>
  <Hangup/>
</Response>`)
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "database unavailable", http.StatusInternalServerError)
	})
	mux.HandleFunc("/fallback", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>Sorry, we cannot reach your appointment right now.</Say></Response>`)
	})
	mux.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// demoCall is one scripted call of the demo.
type demoCall struct {
	title string
	to    string
	party scenario.Party
	set   func(*api.CreateCallParams)
}

// demo places the scripted calls through the official twilio-go client,
// runs them on the virtual clock and prints their transcripts.
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
	srv := harness.NewServer(nil, harness.WithApp(demoOrigin, demoApp()))
	defer srv.Close()
	c := &client.Client{Credentials: client.NewCredentials(srv.AccountSID(), srv.AuthToken()), HTTPClient: srv.HTTPClient()}
	c.SetAccountSid(srv.AccountSID())
	tw := twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})

	calls := []demoCall{
		{title: "answered after two rings", to: "+14155550101", party: scenario.AnswersAfterRings(2)},
		{title: "busy line", to: "+14155550102", party: scenario.Busy()},
		{title: "nobody answers within 20 seconds", to: "+14155550103", party: scenario.NoAnswer(),
			set: func(p *api.CreateCallParams) { p.SetTimeout(20) }},
		{title: "the callee hangs up during the pause", to: "+14155550104",
			party: scenario.AnswersAfter(3 * time.Second).HangsUpAfter(5 * time.Second)},
		{title: "the app fails and its fallback answers", to: "+14155550105", party: scenario.AnswersAfter(time.Second),
			set: func(p *api.CreateCallParams) {
				p.SetUrl(demoOrigin + "/broken").SetFallbackUrl(demoOrigin + "/fallback")
			}},
	}
	start := time.Now()
	for i, dc := range calls {
		srv.SetParty(dc.to, dc.party)
		p := &api.CreateCallParams{}
		p.SetTo(dc.to).SetFrom("+15005550006").SetUrl(demoOrigin + "/voice").
			SetStatusCallback(demoOrigin + "/status").
			SetStatusCallbackEvent([]string{"initiated", "ringing", "answered", "completed"})
		if dc.set != nil {
			dc.set(p)
		}
		created, err := tw.Api.CreateCall(p)
		if err != nil {
			fmt.Fprintf(stderr, "twimlharness demo: create call %d: %v\n", i+1, err)
			return 1
		}
		info := srv.Call(*created.Sid).Wait()
		fmt.Fprintf(stdout, "== %d. %s: %s after %v of virtual time\n", i+1, dc.title, info.Status, info.Ended.Sub(info.Created))
		fmt.Fprintln(stdout, srv.Call(*created.Sid).Transcript())
	}
	fmt.Fprintf(stdout, "%d calls, %v of virtual time, in %v of real time.\n", len(calls),
		srv.Now().Sub(harness.DefaultStartTime), time.Since(start).Round(time.Microsecond))
	return 0
}
