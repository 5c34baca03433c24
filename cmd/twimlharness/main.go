// Command twimlharness runs the harness's fake Twilio outside Go tests.
//
//	twimlharness demo                  run scripted calls against the bundled example apps and print their transcripts
//	twimlharness serve [flags]         run the fake Twilio (REST and control API) as a standalone server
//	twimlharness call --url URL …      place one call against a running application and print what happened
//
// Run "twimlharness <command> -h" for a command's flags.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `usage: twimlharness <command> [flags]

commands:
  demo    place a few scripted calls against a bundled voice app, in-process, and print their transcripts
  serve   run the fake Twilio (REST API and control API) on a local port; prints its base URL on the first line
  call    place one call against a running application (--url) and print its transcript, record or diagram
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, nil))
}

// run runs the command line args and returns the exit status: 0 on success,
// 1 when the command failed, 2 for a usage error. stop, when not nil, ends
// serve instead of a signal (for tests).
func run(args []string, stdout, stderr io.Writer, stop <-chan struct{}) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, "twimlharness: no command given\n"+usage)
		return 2
	}
	switch args[0] {
	case "demo":
		return demo(args[1:], stdout, stderr)
	case "serve":
		return serve(args[1:], stdout, stderr, stop)
	case "call":
		return call(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "twimlharness: unknown command %q\n%s", args[0], usage)
	return 2
}
