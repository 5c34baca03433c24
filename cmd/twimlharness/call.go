package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// The exit statuses of call.
const (
	callOK       = 0 // the call ended without an application error, and the script fitted it
	callAppError = 1 // the call logged an error of the application's
	callMisfit   = 2 // a usage error, or a script that did not fit the application's menus
)

// callFlags are the flags of the call command.
type callFlags struct {
	url        string
	method     string
	from, to   string
	outbound   bool
	inputs     []input // --press and --say, in the order given
	script     string
	answeredBy string
	format     string
	timeout    time.Duration
	publicURLs []harness.PublicURL
}

// input is one --press or --say: what the person does at the next
// <Gather>.
type input struct {
	press, say string
}

// answerer maps --answered-by values to who answers.
func answerer(v string) (scenario.Party, string, error) {
	switch v {
	case "", "human":
		return scenario.Person(), "", nil
	case "machine_start":
		return scenario.AnsweringMachine(10 * time.Second), "Enable", nil
	case "machine_end_beep":
		return scenario.AnsweringMachine(10 * time.Second).EndingWithBeep(), "DetectMessageEnd", nil
	case "machine_end_silence":
		return scenario.AnsweringMachine(10 * time.Second).EndingWithSilence(), "DetectMessageEnd", nil
	case "machine_end_other":
		return scenario.AnsweringMachine(10 * time.Second).EndingWithOther(), "DetectMessageEnd", nil
	case "fax":
		return scenario.Fax(), "DetectMessageEnd", nil
	case "unknown":
		return scenario.Silence(), "DetectMessageEnd", nil
	}
	return scenario.Party{}, "", fmt.Errorf("--answered-by %q: want human, machine_start, machine_end_beep, machine_end_silence, machine_end_other, fax or unknown", v)
}

const callUsage = `usage: twimlharness call --url URL [--press DIGITS | --say TEXT]… [--script FILE] [--from N] [--to N]
                         [--outbound [--answered-by VALUE]] [--public-url public=real]… [--format text|json|mermaid]

Calls the application at --url as Twilio would and prints what happened. By default
someone at --from dials --to, a number whose voice URL is --url (an incoming call);
with --outbound the call is placed to --to, which answers, as the REST API would.
Each --press and --say is what the person does at the next <Gather>, in order;
--script gives the same person as the control API's JSON (a scenario.PartySpec).

Exit status: 0 the call ended well and the script was used up; 1 the call logged an
application error; 2 a usage error, or a script that did not fit the menus (keys a
<Gather> did not take, steps left unused).

`

// call places one call against a running application and prints what
// happened.
func call(args []string, stdout, stderr io.Writer) int {
	var f callFlags
	fs := flag.NewFlagSet("call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.url, "url", "", "the application's voice URL (required)")
	fs.StringVar(&f.method, "method", "POST", "the method for the voice URL: GET or POST")
	fs.StringVar(&f.from, "from", "+15005550006", "who calls: the caller ID of the call")
	fs.StringVar(&f.to, "to", "+14155550100", "the number called")
	fs.BoolVar(&f.outbound, "outbound", false, "place the call to --to, as the REST API would, instead of an incoming call to the application's number")
	fs.Func("press", "keys the person presses at the next <Gather> (repeatable: one per <Gather>, in order)", func(v string) error {
		if v == "" || strings.Trim(v, "0123456789*#") != "" {
			return errors.New("want digits, * and #")
		}
		f.inputs = append(f.inputs, input{press: v})
		return nil
	})
	fs.Func("say", "what the person says at the next <Gather> (repeatable: one per <Gather>, in order)", func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("want some words")
		}
		f.inputs = append(f.inputs, input{say: v})
		return nil
	})
	fs.StringVar(&f.script, "script", "", "a file with the person as JSON (a scenario.PartySpec, as the control API takes it; - for standard input)")
	fs.StringVar(&f.answeredBy, "answered-by", "", "with --outbound: who answers, as answering machine detection reports it (human, machine_end_beep, fax…); turns detection on")
	fs.StringVar(&f.format, "format", "text", "output: text (the transcript), json (the record) or mermaid (a sequence diagram)")
	fs.DurationVar(&f.timeout, "webhook-timeout", harness.DefaultWebhookTimeout, "real-time limit of each request to the application")
	fs.Func("public-url", "public=real: requests under the public origin go to the real one, signed for the public URL (repeatable)", func(v string) error {
		m, err := harness.ParsePublicURL(v)
		if err != nil {
			return err
		}
		f.publicURLs = append(f.publicURLs, m)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprint(stderr, callUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return callOK
		}
		return callMisfit
	}
	party, amd, err := f.check(fs)
	if err != nil {
		fmt.Fprintf(stderr, "twimlharness call: %v\n", err)
		fs.Usage()
		return callMisfit
	}
	c, srv, err := f.place(party, amd)
	if err != nil {
		fmt.Fprintf(stderr, "twimlharness call: %v\n", err)
		return callMisfit
	}
	defer srv.Close()
	c.Wait()
	switch f.format {
	case "json":
		stdout.Write(srv.RecordJSON())
		fmt.Fprintln(stdout)
	case "mermaid":
		fmt.Fprint(stdout, c.Mermaid())
	default:
		fmt.Fprint(stdout, srv.Transcript())
	}
	return verdict(srv, stderr)
}

// place starts the call the flags describe, with party at the far end.
func (f *callFlags) place(party scenario.Party, amd string) (*harness.Call, *harness.Server, error) {
	opts := []harness.Option{harness.WithWebhookTimeout(f.timeout), harness.WithLenientScripts()}
	for _, m := range f.publicURLs {
		opts = append(opts, harness.WithPublicURL(m.Public, m.Real))
	}
	if f.outbound {
		opts = append(opts, harness.WithParty(f.to, party))
	}
	srv := harness.NewServer(nil, opts...)
	var c *harness.Call
	var err error
	if f.outbound {
		params := url.Values{"To": {f.to}, "From": {f.from}, "Url": {f.url}, "Method": {f.method}}
		if amd != "" {
			params.Set("MachineDetection", amd)
		}
		c, err = srv.CreateCall(params)
	} else {
		_, err = srv.AddNumber(harness.IncomingNumber{PhoneNumber: f.to,
			VoiceSettings: harness.VoiceSettings{VoiceURL: f.url, VoiceMethod: strings.ToUpper(f.method)}})
		if err == nil {
			c, err = srv.IncomingCall(f.from, f.to, party)
		}
	}
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return c, srv, nil
}

// verdict reports what went wrong on stderr and returns the exit status:
// an application error first, then a script that did not fit.
func verdict(srv *harness.Server, stderr io.Writer) int {
	code := callOK
	for _, c := range srv.Calls() {
		for _, n := range c.Notifications() {
			switch {
			case n.Code == harness.CodeInputNotTaken || n.Code == harness.CodeUnusedStep:
				fmt.Fprintf(stderr, "twimlharness call: the script does not fit the application (%d): %s\n", n.Code, n.Message)
				if code == callOK {
					code = callMisfit
				}
			case n.Level == harness.LevelError:
				fmt.Fprintf(stderr, "twimlharness call: the call logged error %d: %s\n", n.Code, n.Message)
				code = callAppError
			}
		}
	}
	return code
}

// check validates the flags and returns the far end's party and the
// answering machine detection mode to ask for.
func (f *callFlags) check(fs *flag.FlagSet) (scenario.Party, string, error) {
	if fs.NArg() > 0 {
		return scenario.Party{}, "", fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if f.url == "" {
		return scenario.Party{}, "", errors.New("--url is required")
	}
	if u, err := url.Parse(f.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return scenario.Party{}, "", fmt.Errorf("--url %q: want an absolute http or https URL", f.url)
	}
	switch strings.ToUpper(f.method) {
	case "GET", "POST":
	default:
		return scenario.Party{}, "", fmt.Errorf("--method %q: want GET or POST", f.method)
	}
	switch f.format {
	case "text", "json", "mermaid":
	default:
		return scenario.Party{}, "", fmt.Errorf("--format %q: want text, json or mermaid", f.format)
	}
	if f.answeredBy != "" && !f.outbound {
		return scenario.Party{}, "", errors.New("--answered-by needs --outbound: answering machine detection is for calls the application places")
	}
	party, amd, err := answerer(f.answeredBy)
	if err != nil {
		return scenario.Party{}, "", err
	}
	if f.script != "" {
		if len(f.inputs) > 0 {
			return scenario.Party{}, "", errors.New("give the person's keys and words either as --press and --say or in --script, not both")
		}
		return readScript(f.script)
	}
	for _, in := range f.inputs {
		if in.press != "" {
			party = party.Presses(in.press).AtNext("Gather")
		} else {
			party = party.Says(in.say).AtNext("Gather")
		}
	}
	return party, amd, nil
}

// readScript reads the party of --script: a file, or standard input for -.
func readScript(name string) (scenario.Party, string, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(io.LimitReader(os.Stdin, 1<<20))
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return scenario.Party{}, "", fmt.Errorf("--script: %v", err)
	}
	p, err := scenario.ParsePartyJSON(data)
	if err != nil {
		return scenario.Party{}, "", fmt.Errorf("--script %s: %v", name, err)
	}
	return p, "", nil
}
