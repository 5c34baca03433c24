package harness

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/scenario"
)

// Defaults of a new [Server].
const (
	// DefaultAccountSID is the SID of the account every server starts with.
	DefaultAccountSID = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	// DefaultAuthToken is that account's auth token.
	DefaultAuthToken = "0123456789abcdef0123456789abcdef"
	// DefaultSeed seeds the generator of SIDs and idempotency tokens.
	DefaultSeed uint64 = 1
	// DefaultPricePerMinute is what an answered call costs per started
	// minute, in DefaultPriceUnit (Twilio's US outbound rate).
	DefaultPricePerMinute = 0.014
	// DefaultPriceUnit is the currency of call prices.
	DefaultPriceUnit = "USD"
	// DefaultWebhookTimeout is how long a webhook over real HTTP may take
	// before it fails with 11205, as Twilio's 15-second total timeout.
	DefaultWebhookTimeout = 15 * time.Second
)

// DefaultStartTime returns the instant the virtual clock of a new server
// shows: 6 January 2025, 09:00 UTC.
func DefaultStartTime() time.Time { return time.Date(2025, time.January, 6, 9, 0, 0, 0, time.UTC) }

// Option configures a [Server]. Options are applied in order by [NewServer];
// only this package's With… functions make them.
type Option interface {
	apply(*config)
}

// option is an [Option] made from a function.
type option func(*config)

func (o option) apply(c *config) { o(c) }

type config struct {
	accountSID     string
	authToken      string
	seed           uint64
	start          time.Time
	apps           map[string]http.Handler
	clock          Clock
	publicURLs     []PublicURL
	pricePerMinute float64
	priceUnit      string
	queueTime      time.Duration
	parties        map[string]scenario.Party
	webhookTimeout time.Duration
	webhookClient  *http.Client
	listenAddr     string
	media          map[string]time.Duration
	fidelity       Fidelity
	lenient        bool
	control        bool
	controlHosts   []string
	limits         ListenerLimits
	callLimits     Limits
	retention      Retention
	replyPatience  time.Duration
	streamPatience time.Duration
	relayPatience  time.Duration
	systemClock    bool
}

func defaultConfig() config {
	return config{
		accountSID:     DefaultAccountSID,
		authToken:      DefaultAuthToken,
		seed:           DefaultSeed,
		start:          DefaultStartTime(),
		apps:           map[string]http.Handler{},
		pricePerMinute: DefaultPricePerMinute,
		priceUnit:      DefaultPriceUnit,
		parties:        map[string]scenario.Party{},
		webhookTimeout: DefaultWebhookTimeout,
		listenAddr:     "127.0.0.1:0",
		media:          map[string]time.Duration{},
		fidelity:       DefaultFidelity(),
		callLimits:     DefaultLimits(),
		replyPatience:  DefaultReplyPatience,
		streamPatience: DefaultStreamPatience,
		relayPatience:  DefaultRelayPatience,
		clock:          Clock{Mode: ClockManual},
	}
}

// WithAccount sets the SID and auth token of the server's first account
// (by default [DefaultAccountSID] and [DefaultAuthToken]). Both must be
// alphanumeric, as the official clients require; the SID must be "AC"
// followed by 32 hex digits. NewServer panics otherwise.
func WithAccount(sid, authToken string) Option {
	return option(func(c *config) {
		mustAccount(sid, authToken)
		c.accountSID, c.authToken = sid, authToken
	})
}

// WithSeed seeds the generator of SIDs and idempotency tokens (default
// [DefaultSeed]). The same seed and the same requests give the same SIDs.
func WithSeed(seed uint64) Option {
	return option(func(c *config) { c.seed = seed })
}

// WithStartTime sets the instant the virtual clock starts at (default
// [DefaultStartTime]). It is converted to UTC.
func WithStartTime(t time.Time) Option {
	return option(func(c *config) { c.start = t.UTC() })
}

// WithApp routes every webhook whose URL has the given origin
// ("https://app.example.com", scheme and host with an optional port) to h,
// in-process and without sockets. Requests to other origins go over real
// HTTP. It panics if origin is not an absolute http or https URL with no
// path.
func WithApp(origin string, h http.Handler) Option {
	key, err := originKey(origin)
	if err != nil || h == nil {
		panic("harness: WithApp(" + origin + "): want an origin such as https://app.example.com and a non-nil handler")
	}
	return option(func(c *config) { c.apps[key] = h })
}

// WithAutoRun makes the engine run by itself in a goroutine of the server,
// as the standalone server does by default: calls progress as soon as
// something is due, virtual time jumping to the next event whenever nothing
// else is. Without it, nothing happens until the test calls [Server.Run],
// [Server.Advance] or [Call.Wait]. It is WithClock(Clock{Mode: ClockAuto}).
func WithAutoRun() Option {
	return option(func(c *config) { c.clock = Clock{Mode: ClockAuto} })
}

// WithPrice sets what an answered call costs per started minute and the
// currency (default [DefaultPricePerMinute] [DefaultPriceUnit]). Prices on
// the Call resource are negative, as Twilio shows charges.
func WithPrice(perMinute float64, unit string) Option {
	return option(func(c *config) { c.pricePerMinute, c.priceUnit = perMinute, strings.ToUpper(unit) })
}

// WithQueueTime sets how long an API-created call stays queued before it is
// dialed (default 0), which the Call resource reports as queue_time.
func WithQueueTime(d time.Duration) Option {
	return option(func(c *config) { c.queueTime = d })
}

// WithParty sets the behaviour of whoever is at address (an E.164 number,
// "client:name" or "sip:user@host"). Addresses nobody described answer at
// once and stay on the line; see [Server.SetParty] to change one later.
func WithParty(address string, p scenario.Party) Option {
	return option(func(c *config) { c.parties[address] = p })
}

// WithWebhookTimeout sets the real-time limit of a webhook sent over real
// HTTP (default [DefaultWebhookTimeout]). In-process apps have no limit.
func WithWebhookTimeout(d time.Duration) Option {
	return option(func(c *config) { c.webhookTimeout = d })
}

// WithWebhookClient sets the HTTP client for webhooks to origins that no
// [WithApp] handler serves. Its timeout and redirect policy are used as
// given; by default the server makes its own client with Twilio's timeout
// and at most 10 redirects.
func WithWebhookClient(hc *http.Client) Option {
	return option(func(c *config) { c.webhookClient = hc })
}

// DefaultMediaDuration is how long audio played with <Play> lasts when
// [WithMediaDuration] does not say.
const DefaultMediaDuration = 10 * time.Second

// WithMediaDuration sets how long the audio at url lasts when <Play> plays
// it (default [DefaultMediaDuration]). The harness does not decode audio.
func WithMediaDuration(url string, d time.Duration) Option {
	return option(func(c *config) { c.media[faultKey(url)] = d })
}

// WithFidelity overrides the harness's choices where Twilio's behaviour is
// undocumented (see [Fidelity]).
func WithFidelity(f Fidelity) Option {
	return option(func(c *config) { c.fidelity = f })
}

// WithLenientScripts stops the server from failing the test when a call
// ends with steps of its far end's script unused (a key press for a menu
// that never came). The notification [CodeUnusedStep] is logged either way.
func WithLenientScripts() Option {
	return option(func(c *config) { c.lenient = true })
}

// WithSystemClock runs the server on the system clock instead of its
// virtual one: events happen when time.Now reaches them, and the engine
// runs by itself as with [WithAutoRun]. It is meant for tests inside
// testing/synctest, whose fake clock makes this instantaneous and
// deterministic; outside a bubble, a 60-second ring takes 60 seconds. In
// this mode [Server.Run] waits for every call to end and [Server.Advance]
// sleeps.
func WithSystemClock() Option {
	return option(func(c *config) { c.systemClock, c.clock = true, Clock{Mode: ClockSystem} })
}

// WithControlAPI makes the listener of [Server.URL] serve the control API
// ([Server.ControlHandler]) under [ControlPrefix] besides the REST API, as
// the standalone server does. There it also refuses a request whose Host
// header does not name the listener; see [WithControlHosts] for the names
// it accepts.
func WithControlAPI() Option {
	return option(func(c *config) { c.control = true })
}

// WithControlHosts adds names the control API accepts in a request's Host
// header: "name" on any port, or "name:port" exactly, compared without
// regard to case. The listener of [Server.URL] accepts its own address
// without them (and localhost for a loopback listener, any IP address for
// one on every interface); add the names other machines use for it, such
// as a Docker Compose service's ("twimlharness"). A handler from
// [Server.ControlHandler] that the test mounts on a server of its own
// cannot know its address: it checks the Host header only against these
// names, and not at all without them.
func WithControlHosts(hosts ...string) Option {
	return option(func(c *config) {
		for _, h := range hosts {
			c.controlHosts = append(c.controlHosts, strings.ToLower(h))
		}
	})
}

// WithListenerLimits sets the timeouts of the listener of [Server.URL] and
// its cap on open connections (default [DefaultListenerLimits]; a zero
// field keeps its default).
func WithListenerLimits(l ListenerLimits) Option {
	return option(func(c *config) { c.limits = l })
}

// WithListenAddr sets the address [Server.URL] listens on (default
// "127.0.0.1:0", a free loopback port).
func WithListenAddr(addr string) Option {
	return option(func(c *config) { c.listenAddr = addr })
}

// originKey normalises an origin or a URL to "scheme://host[:port]" with the
// default port removed and the host in lower case.
func originKey(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
		return "", errBadOrigin
	}
	return urlOrigin(u), nil
}

// urlOrigin returns u's origin as the keys of [WithApp] are written:
// scheme, lower-case host, and the port unless it is the scheme's default.
func urlOrigin(u *url.URL) string { return string(appendOrigin(nil, u)) }

// appendOrigin appends u's origin (see urlOrigin) to b. Looking a map up
// with string(appendOrigin(buf[:0], u)) over a buffer on the stack costs
// no allocation, as a webhook's way to its handler should not.
func appendOrigin(b []byte, u *url.URL) []byte {
	host, port := u.Hostname(), u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	b = append(b, u.Scheme...)
	b = append(b, "://"...)
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 { // not ASCII: lower-case it as Unicode does
			host = strings.ToLower(host)
			break
		}
	}
	v6 := strings.Contains(host, ":")
	if v6 {
		b = append(b, '[')
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	if v6 {
		b = append(b, ']')
	}
	if port != "" {
		b = append(b, ':')
		b = append(b, port...)
	}
	return b
}
