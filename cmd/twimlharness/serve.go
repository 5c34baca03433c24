package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/twimlharness/twimlharness/harness"
)

// serve runs the fake Twilio as a standalone server until SIGINT, SIGTERM or
// stop. The base URL is printed alone on the first line of stdout.
func serve(args []string, stdout, stderr io.Writer, stop <-chan struct{}) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	sid := fs.String("account-sid", harness.DefaultAccountSID, "SID of the account (AC and 32 hex digits)")
	token := fs.String("auth-token", harness.DefaultAuthToken, "auth token of the account (alphanumeric)")
	seed := fs.Uint64("seed", harness.DefaultSeed, "seed of the SID generator")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: twimlharness serve [-addr host:port] [-account-sid AC…] [-auth-token token] [-seed n]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "twimlharness serve: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	// Catch the signals before the URL is out: whoever reads it may stop
	// the server at once.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	srv, err := newStandalone(*addr, *sid, *token, *seed)
	if err != nil {
		fmt.Fprintf(stderr, "twimlharness serve: %v\n", err)
		return 1
	}
	defer srv.Close()
	fmt.Fprintf(stderr, "twimlharness: fake Twilio at %s (REST API, control API under %s; account %s); stop with Ctrl-C\n",
		srv.URL(), harness.ControlPrefix, srv.AccountSID())
	fmt.Fprintln(stdout, srv.URL())
	select {
	case s := <-sig:
		fmt.Fprintf(stderr, "twimlharness: %v: stopping\n", s)
	case <-stop:
	}
	return 0
}

// newStandalone makes the server that serve runs: engine on its own, a real
// listener on addr.
func newStandalone(addr, sid, token string, seed uint64) (*harness.Server, error) {
	if err := harness.CheckAccount(sid, token); err != nil {
		return nil, err
	}
	srv := harness.NewServer(nil, harness.WithAutoRun(), harness.WithListenAddr(addr), harness.WithControlAPI(),
		harness.WithAccount(sid, token), harness.WithSeed(seed))
	if _, err := srv.Listen(); err != nil {
		srv.Close()
		return nil, err
	}
	return srv, nil
}
