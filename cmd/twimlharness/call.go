package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// callFlags are the flags of the call command.
type callFlags struct {
	url        string
	method     string
	from, to   string
	press      string
	say        string
	answeredBy string
	format     string
	timeout    time.Duration
}

// answerers maps --answered-by values to who answers.
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

// call places one call against a running application and prints what
// happened. It exits 0 when the call ended without an application error.
func call(args []string, stdout, stderr io.Writer) int {
	var f callFlags
	fs := flag.NewFlagSet("call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.url, "url", "", "the application's voice URL (required)")
	fs.StringVar(&f.method, "method", "POST", "the method for the voice URL: GET or POST")
	fs.StringVar(&f.from, "from", "+15005550006", "the caller ID of the call")
	fs.StringVar(&f.to, "to", "+14155550100", "the number called")
	fs.StringVar(&f.press, "press", "", "keys the callee presses at the first <Gather>")
	fs.StringVar(&f.say, "say", "", "what the callee says at the first <Gather> that listens for speech")
	fs.StringVar(&f.answeredBy, "answered-by", "", "who answers, as answering machine detection reports it (human, machine_end_beep, fax…); turns detection on")
	fs.StringVar(&f.format, "format", "text", "output: text (the transcript), json (the record) or mermaid (a sequence diagram)")
	fs.DurationVar(&f.timeout, "webhook-timeout", harness.DefaultWebhookTimeout, "real-time limit of each request to the application")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: twimlharness call --url URL [--from N] [--to N] [--press DIGITS] [--say TEXT] [--answered-by VALUE] [--format text|json|mermaid]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	party, amd, err := f.check(fs)
	if err != nil {
		fmt.Fprintf(stderr, "twimlharness call: %v\n", err)
		fs.Usage()
		return 2
	}
	srv := harness.NewServer(nil, harness.WithParty(f.to, party), harness.WithWebhookTimeout(f.timeout), harness.WithLenientScripts())
	defer srv.Close()
	params := url.Values{"To": {f.to}, "From": {f.from}, "Url": {f.url}, "Method": {f.method}}
	if amd != "" {
		params.Set("MachineDetection", amd)
	}
	c, err := srv.CreateCall(params)
	if err != nil {
		fmt.Fprintf(stderr, "twimlharness call: %v\n", err)
		return 2
	}
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
	for _, n := range c.Notifications() {
		if n.Level == harness.LevelError {
			fmt.Fprintf(stderr, "twimlharness call: the call logged error %d: %s\n", n.Code, n.Message)
			return 1
		}
	}
	return 0
}

// check validates the flags and returns the callee's party and the
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
	if strings.Trim(f.press, "0123456789*#") != "" {
		return scenario.Party{}, "", fmt.Errorf("--press %q: want digits, * and #", f.press)
	}
	party, amd, err := answerer(f.answeredBy)
	if err != nil {
		return scenario.Party{}, "", err
	}
	if f.press != "" {
		party = party.Presses(f.press).AtNext("Gather")
	}
	if f.say != "" {
		party = party.Says(f.say).AtNext("Gather")
	}
	return party, amd, nil
}
