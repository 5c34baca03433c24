package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/twimlharness/twimlharness/harness"
)

// standalone is what the flags of serve set.
type standalone struct {
	addr         string
	sid, token   string
	seed         uint64
	maxConns     int
	controlHosts []string
	keepCalls    int
	keepBodies   int
	clock        string
	clockRate    float64
	rateGiven    bool // -clock-rate was on the command line
	publicURLs   []harness.PublicURL
}

// serve runs the fake Twilio as a standalone server until SIGINT, SIGTERM or
// stop. The base URL is printed alone on the first line of stdout.
func serve(args []string, stdout, stderr io.Writer, stop <-chan struct{}) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg standalone
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:0", "address to listen on; one that is not loopback exposes the server to the network")
	fs.StringVar(&cfg.sid, "account-sid", harness.DefaultAccountSID, "SID of the account (AC and 32 hex digits)")
	fs.StringVar(&cfg.token, "auth-token", harness.DefaultAuthToken, "auth token of the account (alphanumeric); the REST and control APIs require it")
	fs.Uint64Var(&cfg.seed, "seed", harness.DefaultSeed, "seed of the SID generator")
	fs.IntVar(&cfg.maxConns, "max-conns", harness.DefaultListenerLimits().MaxConns,
		"most connections open at once; past it a new one is answered 503 (negative: no limit)")
	fs.IntVar(&cfg.keepCalls, "keep-calls", harness.ServeRetention().EndedCalls,
		"ended calls the record keeps; older ones are forgotten (0: keep every call)")
	fs.IntVar(&cfg.keepBodies, "keep-bodies", harness.ServeRetention().BodyBytes,
		"bytes of each request's and reply's body the record keeps (0: whole bodies)")
	fs.StringVar(&cfg.clock, "clock", string(harness.ClockAuto), "how virtual time moves: auto (jumps to the next event: a call plays out at once), "+
		"manual (only on "+harness.ControlPrefix+"clock/advance and clock/run: a created call stays queued until then) "+
		"or scaled (-clock-rate times the wall clock); switch it later with PUT "+harness.ControlPrefix+"clock")
	fs.Float64Var(&cfg.clockRate, "clock-rate", 1, "virtual seconds per real second under -clock scaled (1: Twilio's pace)")
	fs.Func("public-url", "public=real: requests to URLs under the public origin go to the real one, signed for the public URL, "+
		"as through a reverse proxy (repeatable; for example https://app.example.com=http://127.0.0.1:3000)", func(v string) error {
		m, err := harness.ParsePublicURL(v)
		if err != nil {
			return err
		}
		cfg.publicURLs = append(cfg.publicURLs, m)
		return nil
	})
	fs.Func("control-host", "a name the control API accepts in the Host header besides the server's address, "+
		"as name or name:port (repeatable; for example a Docker Compose service's name)", func(s string) error {
		if s == "" {
			return errors.New("empty host")
		}
		cfg.controlHosts = append(cfg.controlHosts, s)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: twimlharness serve [-addr host:port] [-account-sid AC…] [-auth-token token] [-seed n] [-max-conns n] [-keep-calls n] [-keep-bodies n] [-clock auto|manual|scaled] [-clock-rate x] [-public-url public=real]… [-control-host name]…\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fs.Visit(func(fl *flag.Flag) { cfg.rateGiven = cfg.rateGiven || fl.Name == "clock-rate" })
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "twimlharness serve: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	if _, err := cfg.clockMode(); err != nil {
		fmt.Fprintf(stderr, "twimlharness serve: %v\n", err)
		fs.Usage()
		return 2
	}
	// Catch the signals before the URL is out: whoever reads it may stop
	// the server at once.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	srv, err := newStandalone(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "twimlharness serve: %v\n", err)
		return 1
	}
	defer srv.Close()
	fmt.Fprintf(stderr, "twimlharness: fake Twilio at %s (REST API, control API under %s; account %s); stop with Ctrl-C\n",
		srv.URL(), harness.ControlPrefix, srv.AccountSID())
	fmt.Fprintf(stderr, "twimlharness: inspector at %s%sui/ (sign in with the account SID and auth token)\n",
		srv.URL(), harness.ControlPrefix)
	if host, off := offLoopback(srv.URL()); off {
		fmt.Fprintf(stderr, "twimlharness: warning: listening on %s, not on loopback: the fake Twilio and its control API "+
			"are reachable from the network, protected only by the account's credentials%s\n", host, defaultTokenNote(cfg.token))
	}
	fmt.Fprintln(stdout, srv.URL())
	select {
	case s := <-sig:
		fmt.Fprintf(stderr, "twimlharness: %v: stopping\n", s)
	case <-stop:
	}
	return 0
}

// newStandalone makes the server that serve runs: engine on its own, a real
// listener on cfg.addr with the control API.
func newStandalone(cfg standalone) (*harness.Server, error) {
	if err := harness.CheckAccount(cfg.sid, cfg.token); err != nil {
		return nil, err
	}
	clk, err := cfg.clockMode()
	if err != nil {
		return nil, err
	}
	opts := []harness.Option{harness.WithClock(clk), harness.WithListenAddr(cfg.addr), harness.WithControlAPI(),
		harness.WithControlHosts(cfg.controlHosts...), harness.WithListenerLimits(harness.ListenerLimits{MaxConns: cfg.maxConns}),
		harness.WithAccount(cfg.sid, cfg.token), harness.WithSeed(cfg.seed), harness.WithRetention(cfg.retention())}
	for _, m := range cfg.publicURLs {
		opts = append(opts, harness.WithPublicURL(m.Public, m.Real))
	}
	srv := harness.NewServer(nil, opts...)
	if _, err := srv.Listen(); err != nil {
		srv.Close()
		return nil, err
	}
	return srv, nil
}

// offLoopback returns the host of base, a listener's URL, and whether it is
// reachable from other machines: any address but a loopback one, the
// unspecified address (every interface) included.
func offLoopback(base string) (string, bool) {
	u, err := url.Parse(base)
	if err != nil {
		return base, true
	}
	ip := net.ParseIP(u.Hostname())
	return u.Host, ip == nil || !ip.IsLoopback()
}

// defaultTokenNote warns, in the same line, when those credentials are the
// published defaults.
func defaultTokenNote(token string) string {
	if token != harness.DefaultAuthToken {
		return ""
	}
	return " (the default ones, published in the README: set -auth-token)"
}

// retention is what the server keeps: [harness.ServeRetention] with the
// flags' numbers. With -keep-calls 0 and -keep-bodies 0 it keeps everything,
// as a library test's server does.
func (cfg standalone) retention() harness.Retention {
	r := harness.ServeRetention()
	r.EndedCalls, r.BodyBytes = cfg.keepCalls, cfg.keepBodies
	if cfg.keepCalls == 0 && cfg.keepBodies == 0 {
		return harness.Retention{}
	}
	return r
}

// clockMode returns the clock of -clock and -clock-rate.
func (cfg standalone) clockMode() (harness.Clock, error) {
	c := harness.Clock{Mode: harness.ClockMode(cfg.clock)}
	switch c.Mode {
	case harness.ClockScaled:
		c.Rate = cfg.clockRate
	case harness.ClockAuto, harness.ClockManual:
		if cfg.rateGiven {
			return c, fmt.Errorf("-clock-rate %g: only -clock scaled has a rate, and the clock is %s", cfg.clockRate, c.Mode)
		}
	default:
		return c, fmt.Errorf("-clock %q: want auto, manual or scaled", cfg.clock)
	}
	return c, harness.CheckClock(c)
}
