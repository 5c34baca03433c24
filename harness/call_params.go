package harness

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Status-callback events a call can subscribe to, as a bit set.
type eventSet uint8

const (
	evInitiated eventSet = 1 << iota
	evRinging
	evAnswered
	evCompleted
)

var callbackEvents = map[string]eventSet{
	"initiated": evInitiated, "ringing": evRinging, "answered": evAnswered, "completed": evCompleted,
}

// Recording status-callback events, as a bit set.
type recEventSet uint8

const (
	recInProgress recEventSet = 1 << iota
	recCompleted
	recAbsent
)

var recordingEvents = map[string]recEventSet{
	"in-progress": recInProgress, "completed": recCompleted, "absent": recAbsent,
}

// callParams is what a create request asked for, validated and with Twilio's
// defaults. The form as received is kept too.
type callParams struct {
	to, from                      string
	url, method                   string
	fallbackURL, fallbackMethod   string
	twiml                         string
	applicationSID                string
	statusCallback                string
	statusCallbackMethod          string
	events                        eventSet
	sendDigits                    string
	timeout                       time.Duration
	timeLimit                     time.Duration
	record                        bool
	recordingChannels             string
	recordingTrack                string
	trim                          string
	recordingStatusCallback       string
	recordingStatusCallbackMethod string
	recordingEvents               recEventSet
	amd                           amdConfig
	form                          url.Values
}

// Twilio's limits for create parameters.
const (
	maxTwimlLength   = 4000
	defaultTimeout   = 60 * time.Second
	maxTimeout       = 600
	defaultTimeLimit = 4 * time.Hour
	maxSendDigits    = 32
)

// magicTo returns what Twilio answers for its magic test numbers as To, or
// nil for any other number.
func magicTo(to string) *APIError {
	switch to {
	case "+15005550001":
		return badRequest(codeToNotValid, "The phone number you are attempting to call, %s, is not valid.", to)
	case "+15005550002":
		return badRequest(codeToUnreachable, "The 'To' phone number %s cannot be reached.", to)
	case "+15005550003":
		return badRequest(codeGeoPermission, "Account not allowed to call %s", to)
	case "+15005550004":
		return badRequest(codeBlocked, "Call blocked by Twilio blocklist: %s", to)
	}
	return nil
}

// parseCreate validates the parameters of POST /Calls.json in Twilio's order
// and returns the first problem as Twilio reports it.
func parseCreate(form url.Values) (*callParams, *APIError) {
	p := &callParams{form: form, timeout: defaultTimeout, timeLimit: defaultTimeLimit,
		recordingChannels: "mono", recordingTrack: "both", trim: "trim-silence"}
	rawTo, rawFrom := strings.TrimSpace(form.Get("To")), strings.TrimSpace(form.Get("From"))
	if rawTo == "" {
		return nil, badRequest(codeNoTo, "No 'To' number is specified")
	}
	if rawFrom == "" {
		return nil, badRequest(codeNoFrom, "No 'From' number is specified")
	}
	to, toKind := normalizeAddress(rawTo)
	if toKind == addrInvalid {
		return nil, badRequest(codeInvalidTo, "The 'To' number %s is not a valid phone number, client identifier or SIP address.", rawTo)
	}
	if err := magicTo(to); err != nil {
		return nil, err
	}
	from, fromKind := normalizeAddress(rawFrom)
	if fromKind == addrInvalid && toKind != addrSIP && toKind != addrClient ||
		toKind == addrPhone && fromKind != addrPhone || from == "+15005550001" {
		return nil, badRequest(codeInvalidFrom, "From is not a valid phone number: %s", rawFrom)
	}
	if fromKind == addrInvalid {
		from = rawFrom // a caller ID label towards a client or SIP endpoint
	}
	p.to, p.from = to, from
	if err := p.parseSource(form); err != nil {
		return nil, err
	}
	if err := p.parseCallbacks(form); err != nil {
		return nil, err
	}
	if err := p.parseDialing(form); err != nil {
		return nil, err
	}
	if err := p.parseRecording(form); err != nil {
		return nil, err
	}
	return p, nil
}

// parseSource reads where the call's TwiML comes from: Url, Twiml or
// ApplicationSid (checked against the account later), with Method and the
// fallback.
func (p *callParams) parseSource(form url.Values) *APIError {
	p.url = strings.TrimSpace(form.Get("Url"))
	p.twiml = form.Get("Twiml")
	p.applicationSID = strings.TrimSpace(form.Get("ApplicationSid"))
	if p.url == "" && p.twiml == "" && p.applicationSID == "" {
		return badRequest(codeNoURL, "A 'Url', 'Twiml' or 'ApplicationSid' parameter is required to create a call")
	}
	if p.url != "" {
		if err := checkURL(p.url); err != nil {
			return badRequest(codeNoURL, "Url is not a valid URL: %s", p.url)
		}
	}
	if len(p.twiml) > maxTwimlLength {
		return badRequest(codeTwimlTooLong, "Twiml is %d characters long; the maximum is %d", len(p.twiml), maxTwimlLength)
	}
	var err *APIError
	if p.method, err = methodParam(form, "Method"); err != nil {
		return err
	}
	if p.fallbackURL, err = urlParam(form, "FallbackUrl"); err != nil {
		return err
	}
	p.fallbackMethod, err = methodParam(form, "FallbackMethod")
	return err
}

// parseCallbacks reads StatusCallback, its method and its events.
func (p *callParams) parseCallbacks(form url.Values) *APIError {
	var err *APIError
	if p.statusCallback, err = urlParam(form, "StatusCallback"); err != nil {
		return err
	}
	if p.statusCallbackMethod, err = methodParam(form, "StatusCallbackMethod"); err != nil {
		return err
	}
	p.events, err = parseEvents(form["StatusCallbackEvent"])
	return err
}

// parseEvents reads StatusCallbackEvent values, repeated or separated by
// spaces; none means completed only.
func parseEvents(values []string) (eventSet, *APIError) {
	var set eventSet
	for _, v := range values {
		for _, name := range strings.Fields(v) {
			e, ok := callbackEvents[strings.ToLower(name)]
			if !ok {
				return 0, badRequest(codeInvalidCallbackEvnt, "Invalid 'StatusCallbackEvent': %q is not one of initiated, ringing, answered, completed", name)
			}
			set |= e
		}
	}
	if set == 0 {
		set = evCompleted
	}
	return set, nil
}

// parseDialing reads Timeout, TimeLimit, SendDigits and the answering machine
// detection parameters.
func (p *callParams) parseDialing(form url.Values) *APIError {
	if v := strings.TrimSpace(form.Get("Timeout")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTimeout {
			return badRequest(codeInvalidTimeout, "Timeout must be an integer between 1 and %d: %s", maxTimeout, v)
		}
		p.timeout = time.Duration(n) * time.Second
	}
	if d, err := parseTimeLimit(form); err != nil {
		return err
	} else if d > 0 {
		p.timeLimit = d
	}
	p.sendDigits = form.Get("SendDigits")
	if len(p.sendDigits) > maxSendDigits || strings.Trim(p.sendDigits, "0123456789ABCD#*wW") != "" {
		return badRequest(codeInvalidSendDigits, "SendDigits may only contain 0-9, A-D, #, *, w and W, at most %d of them: %s", maxSendDigits, p.sendDigits)
	}
	return p.parseAMD(form)
}

// parseTimeLimit reads the TimeLimit parameter: 0 when absent, an error
// unless it is a positive integer.
func parseTimeLimit(form url.Values) (time.Duration, *APIError) {
	v := strings.TrimSpace(form.Get("TimeLimit"))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badRequest(codeBadRequest, "TimeLimit must be a positive integer: %s", v)
	}
	return time.Duration(n) * time.Second, nil
}

// amdRanges are the limits of the numeric detection parameters.
var amdRanges = []struct {
	name     string
	min, max int
}{
	{"MachineDetectionTimeout", 3, 59},
	{"MachineDetectionSpeechThreshold", 1000, 6000},
	{"MachineDetectionSpeechEndThreshold", 500, 5000},
	{"MachineDetectionSilenceTimeout", 2000, 10000},
}

// parseAMD validates the answering machine detection parameters. With
// SendDigits, Twilio ignores them.
func (p *callParams) parseAMD(form url.Values) *APIError {
	a := defaultAMD()
	switch v := form.Get("MachineDetection"); v {
	case "", "Enable", "DetectMessageEnd":
		a.mode = v
	default:
		return badRequest(codeMachineDetection, "MachineDetection must be Enable or DetectMessageEnd: %s", v)
	}
	dst := []*time.Duration{&a.timeout, &a.speechThreshold, &a.speechEndThreshold, &a.silenceTimeout}
	units := []time.Duration{time.Second, time.Millisecond, time.Millisecond, time.Millisecond}
	for i, r := range amdRanges {
		v := strings.TrimSpace(form.Get(r.name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < r.min || n > r.max {
			return badRequest(codeMachineDetection, "%s must be an integer between %d and %d: %s", r.name, r.min, r.max, v)
		}
		*dst[i] = time.Duration(n) * units[i]
	}
	switch v := strings.ToLower(form.Get("AsyncAmd")); v {
	case "", "false":
	case "true":
		a.async = true
	default:
		return badRequest(codeMachineDetection, "AsyncAmd must be true or false: %s", form.Get("AsyncAmd"))
	}
	var err *APIError
	if a.callbackURL, err = p.relativeURLParam(form, "AsyncAmdStatusCallback"); err != nil {
		return err
	}
	if a.callbackMethod, err = methodParam(form, "AsyncAmdStatusCallbackMethod"); err != nil {
		return err
	}
	if p.sendDigits != "" {
		a.mode = "" // SendDigits wins, as Twilio documents
	}
	p.amd = a
	return nil
}

// parseRecording reads Record and the recording parameters.
func (p *callParams) parseRecording(form url.Values) *APIError {
	switch v := strings.ToLower(form.Get("Record")); v {
	case "", "false":
	case "true":
		p.record = true
	default:
		return badRequest(codeBadRequest, "Record must be true or false: %s", form.Get("Record"))
	}
	choices := []struct {
		name    string
		dst     *string
		allowed []string
	}{
		{"RecordingChannels", &p.recordingChannels, []string{"mono", "dual"}},
		{"RecordingTrack", &p.recordingTrack, []string{"inbound", "outbound", "both"}},
		{"Trim", &p.trim, []string{"trim-silence", "do-not-trim"}},
	}
	for _, c := range choices {
		v := form.Get(c.name)
		if v == "" {
			continue
		}
		if !contains(c.allowed, v) {
			return badRequest(codeBadRequest, "%s must be one of %s: %s", c.name, strings.Join(c.allowed, ", "), v)
		}
		*c.dst = v
	}
	var err *APIError
	if p.recordingStatusCallback, err = urlParam(form, "RecordingStatusCallback"); err != nil {
		return err
	}
	if p.recordingStatusCallbackMethod, err = methodParam(form, "RecordingStatusCallbackMethod"); err != nil {
		return err
	}
	for _, v := range form["RecordingStatusCallbackEvent"] {
		for _, name := range strings.Fields(v) {
			e, ok := recordingEvents[strings.ToLower(name)]
			if !ok {
				return badRequest(codeBadRequest, "RecordingStatusCallbackEvent must be in-progress, completed or absent: %s", name)
			}
			p.recordingEvents |= e
		}
	}
	if p.recordingEvents == 0 {
		p.recordingEvents = recCompleted
	}
	return nil
}

// urlParam reads an optional URL parameter; it must be absolute.
func urlParam(form url.Values, name string) (string, *APIError) {
	v := strings.TrimSpace(form.Get(name))
	if v != "" && checkURL(v) != nil {
		return "", badRequest(codeNoURL, "%s is not a valid URL: %s", name, v)
	}
	return v, nil
}

// relativeURLParam reads an optional URL parameter that may be relative to
// the call's Url, as AsyncAmdStatusCallback may.
func (p *callParams) relativeURLParam(form url.Values, name string) (string, *APIError) {
	v := strings.TrimSpace(form.Get(name))
	if v == "" || checkURL(v) == nil {
		return v, nil
	}
	if p.url == "" {
		return "", badRequest(codeNoURL, "%s is not a valid URL: %s (a relative URL needs the call's Url to resolve against)", name, v)
	}
	base, err := url.Parse(p.url)
	if err != nil {
		return "", badRequest(codeNoURL, "%s is not a valid URL: %s", name, v)
	}
	ref, err := base.Parse(v)
	if err != nil || checkURL(ref.String()) != nil {
		return "", badRequest(codeNoURL, "%s is not a valid URL: %s", name, v)
	}
	return ref.String(), nil
}

// methodParam reads an optional HTTP method parameter: GET or POST, in any
// case; POST when absent.
func methodParam(form url.Values, name string) (string, *APIError) {
	m, err := httpMethod(form.Get(name))
	if err != nil {
		return "", badRequest(codeInvalidMethod, "%s must be GET or POST: %s", name, form.Get(name))
	}
	return m, nil
}

// httpMethod normalises a webhook method: "" is POST; GET and POST in any
// case are accepted.
func httpMethod(m string) (string, error) {
	switch strings.ToUpper(strings.TrimSpace(m)) {
	case "", "POST":
		return "POST", nil
	case "GET":
		return "GET", nil
	}
	return "", errBadMethod
}

// checkURL accepts absolute http and https URLs with a host name that has no
// underscore, as Twilio requires of webhook URLs.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || strings.Contains(u.Host, "_") {
		return errBadURL
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
