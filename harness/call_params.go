package harness

import (
	"net/url"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/phone"
	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
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
	form                          keptForm
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
func parseCreate(form twilioapi.Form, fid Fidelity) (*callParams, *APIError) {
	p := newCallParams(form)
	if err := p.parseAddresses(form); err != nil {
		return nil, err
	}
	for _, parse := range []func(twilioapi.Form) *APIError{
		p.parseSource, p.parseCallbacks, func(f twilioapi.Form) *APIError { return p.parseDialing(f, fid) }, p.parseRecording,
	} {
		if err := parse(form); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// newCallParams returns the parameters of a create request with Twilio's
// defaults, before any is read.
func newCallParams(form twilioapi.Form) *callParams {
	return &callParams{form: keptForm{values: url.Values(form)}, timeout: defaultTimeout, timeLimit: defaultTimeLimit,
		recordingChannels: "mono", recordingTrack: "both", trim: "trim-silence"}
}

// parseAddresses reads To and From, as the Calls and Participants APIs
// check them.
func (p *callParams) parseAddresses(form twilioapi.Form) *APIError {
	rawTo, rawFrom := form.Get("To"), form.Get("From")
	if rawTo == "" {
		return badRequest(codeNoTo, "No 'To' number is specified")
	}
	if rawFrom == "" {
		return badRequest(codeNoFrom, "No 'From' number is specified")
	}
	to, toKind := phone.Normalize(rawTo)
	if toKind == phone.Invalid {
		return badRequest(codeInvalidTo, "The 'To' number %s is not a valid phone number, client identifier or SIP address.", rawTo)
	}
	if err := magicTo(to); err != nil {
		return err
	}
	from, fromKind := phone.Normalize(rawFrom)
	if fromKind == phone.Invalid && toKind != phone.SIP && toKind != phone.Client ||
		toKind == phone.Phone && fromKind != phone.Phone || from == "+15005550001" {
		return badRequest(codeInvalidFrom, "From is not a valid phone number: %s", rawFrom)
	}
	if fromKind == phone.Invalid {
		from = rawFrom // a caller ID label towards a client or SIP endpoint
	}
	p.to, p.from = to, from
	return nil
}

// parseSource reads where the call's TwiML comes from: Url, Twiml or
// ApplicationSid (checked against the account later), with Method and the
// fallback.
func (p *callParams) parseSource(form twilioapi.Form) *APIError {
	p.url = form.Get("Url")
	p.twiml = form.Raw("Twiml")
	p.applicationSID = form.Get("ApplicationSid")
	if p.url == "" && p.twiml == "" && p.applicationSID == "" {
		return badRequest(codeNoURL, "A 'Url', 'Twiml' or 'ApplicationSid' parameter is required to create a call")
	}
	if p.url != "" && twilioapi.CheckURL(p.url) != nil {
		return badRequest(codeNoURL, "Url is not a valid URL: %s", p.url)
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
func (p *callParams) parseCallbacks(form twilioapi.Form) *APIError {
	var err *APIError
	if p.statusCallback, err = urlParam(form, "StatusCallback"); err != nil {
		return err
	}
	if p.statusCallbackMethod, err = methodParam(form, "StatusCallbackMethod"); err != nil {
		return err
	}
	p.events, err = parseEvents(form.List("StatusCallbackEvent"))
	return err
}

// parseEvents reads StatusCallbackEvent names; none means completed only.
func parseEvents(names []string) (eventSet, *APIError) {
	var set eventSet
	for _, name := range names {
		e, ok := callbackEvents[strings.ToLower(name)]
		if !ok {
			return 0, badRequest(codeInvalidCallbackEvnt, "Invalid 'StatusCallbackEvent': %q is not one of initiated, ringing, answered, completed", name)
		}
		set |= e
	}
	if set == 0 {
		set = evCompleted
	}
	return set, nil
}

// parseDialing reads Timeout, TimeLimit, SendDigits and the answering machine
// detection parameters.
func (p *callParams) parseDialing(form twilioapi.Form, fid Fidelity) *APIError {
	if n, given, err := form.Int("Timeout", 1, maxTimeout); err != nil {
		return badRequest(codeInvalidTimeout, "Timeout must be an integer between 1 and %d: %s", maxTimeout, form.Get("Timeout"))
	} else if given {
		p.timeout = time.Duration(n) * time.Second
	}
	if d, err := parseTimeLimit(form, fid); err != nil {
		return err
	} else if d > 0 {
		p.timeLimit = d
	}
	p.sendDigits = form.Raw("SendDigits")
	if len(p.sendDigits) > maxSendDigits || strings.Trim(p.sendDigits, "0123456789ABCD#*wW") != "" {
		return badRequest(codeInvalidSendDigits, "SendDigits may only contain 0-9, A-D, #, *, w and W, at most %d of them: %s", maxSendDigits, p.sendDigits)
	}
	return p.parseAMD(form)
}

// parseTimeLimit reads the TimeLimit parameter: 0 when absent, an error
// unless it is a whole number of seconds from 1 to the account's longest
// call ([Fidelity.MaxTimeLimit], Twilio's 4 hours by default).
func parseTimeLimit(form twilioapi.Form, fid Fidelity) (time.Duration, *APIError) {
	most := int(fid.maxTimeLimit() / time.Second)
	n, given, err := form.Int("TimeLimit", 1, most)
	switch {
	case err != nil:
		return 0, badRequest(codeBadRequest, "TimeLimit must be a whole number of seconds from 1 to %d (the longest call this account allows): %s", most, form.Get("TimeLimit"))
	case !given:
		return 0, nil
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
func (p *callParams) parseAMD(form twilioapi.Form) *APIError {
	a := defaultAMD()
	var cerr error
	if a.mode, cerr = form.Choice("MachineDetection", "", "Enable", "DetectMessageEnd"); cerr != nil {
		return badRequest(codeMachineDetection, "MachineDetection must be Enable or DetectMessageEnd: %s", form.Raw("MachineDetection"))
	}
	dst := []*time.Duration{&a.timeout, &a.speechThreshold, &a.speechEndThreshold, &a.silenceTimeout}
	units := []time.Duration{time.Second, time.Millisecond, time.Millisecond, time.Millisecond}
	for i, r := range amdRanges {
		n, given, err := form.Int(r.name, r.min, r.max)
		if err != nil {
			return badRequest(codeMachineDetection, "%s must be an integer between %d and %d: %s", r.name, r.min, r.max, form.Get(r.name))
		}
		if given {
			*dst[i] = time.Duration(n) * units[i]
		}
	}
	async, _, berr := form.Bool("AsyncAmd")
	if berr != nil {
		return badRequest(codeMachineDetection, "AsyncAmd must be true or false: %s", form.Raw("AsyncAmd"))
	}
	a.async = async
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

// The values of the recording parameters; read only.
var (
	recordingChannels = []string{"mono", "dual"}
	recordingTracks   = []string{"inbound", "outbound", "both"}
	trimChoices       = []string{"trim-silence", "do-not-trim"}
)

// parseRecording reads Record and the recording parameters.
func (p *callParams) parseRecording(form twilioapi.Form) *APIError {
	record, _, berr := form.Bool("Record")
	if berr != nil {
		return badRequest(codeBadRequest, "Record must be true or false: %s", form.Raw("Record"))
	}
	p.record = record
	choices := [...]struct {
		name    string
		dst     *string
		allowed []string
	}{
		{"RecordingChannels", &p.recordingChannels, recordingChannels},
		{"RecordingTrack", &p.recordingTrack, recordingTracks},
		{"Trim", &p.trim, trimChoices},
	}
	for _, c := range choices {
		v, err := form.Choice(c.name, *c.dst, c.allowed...)
		if err != nil {
			return badRequest(codeBadRequest, "%s must be one of %s: %s", c.name, strings.Join(c.allowed, ", "), form.Raw(c.name))
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
	for _, name := range form.List("RecordingStatusCallbackEvent") {
		e, ok := recordingEvents[strings.ToLower(name)]
		if !ok {
			return badRequest(codeBadRequest, "RecordingStatusCallbackEvent must be in-progress, completed or absent: %s", name)
		}
		p.recordingEvents |= e
	}
	if p.recordingEvents == 0 {
		p.recordingEvents = recCompleted
	}
	return nil
}

// urlParam reads an optional URL parameter; it must be absolute.
func urlParam(form twilioapi.Form, name string) (string, *APIError) {
	v, err := form.URL(name)
	if err != nil {
		return "", badRequest(codeNoURL, "%s is not a valid URL: %s", name, form.Get(name))
	}
	return v, nil
}

// relativeURLParam reads an optional URL parameter that may be relative to
// the call's Url, as AsyncAmdStatusCallback may.
func (p *callParams) relativeURLParam(form twilioapi.Form, name string) (string, *APIError) {
	v := form.Get(name)
	if v == "" || twilioapi.CheckURL(v) == nil {
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
	if err != nil || twilioapi.CheckURL(ref.String()) != nil {
		return "", badRequest(codeNoURL, "%s is not a valid URL: %s", name, v)
	}
	return ref.String(), nil
}

// methodParam reads an optional HTTP method parameter: GET or POST, in any
// case; POST when absent.
func methodParam(form twilioapi.Form, name string) (string, *APIError) {
	m, err := form.Method(name)
	if err != nil {
		return "", badRequest(codeInvalidMethod, "%s must be GET or POST: %s", name, form.Raw(name))
	}
	return m, nil
}

// callUpdate is a validated update request.
type callUpdate struct {
	url, method          string
	twiml                string
	status               Status
	fallbackURL          *string
	fallbackMethod       string
	statusCallback       *string
	statusCallbackMethod string
	timeLimit            time.Duration
}

// parseUpdate validates the parameters of POST /Calls/{Sid}.json.
func parseUpdate(form twilioapi.Form, fid Fidelity) (*callUpdate, *APIError) {
	u := &callUpdate{}
	var err *APIError
	if u.url, err = urlParam(form, "Url"); err != nil {
		return nil, err
	}
	u.twiml = form.Raw("Twiml")
	if u.url != "" && u.twiml != "" {
		return nil, badRequest(codeBadRequest, "Twiml and Url are mutually exclusive: give one of them")
	}
	if len(u.twiml) > maxTwimlLength {
		return nil, badRequest(codeTwimlTooLong, "Twiml is %d characters long; the maximum is %d", len(u.twiml), maxTwimlLength)
	}
	if u.method, err = methodParam(form, "Method"); err != nil {
		return nil, err
	}
	switch st := form.Get("Status"); st {
	case "":
	case "canceled", "completed":
		u.status = Status(st)
	default:
		return nil, badRequest(codeBadRequest, "Status must be canceled or completed: %s", st)
	}
	if form.Has("FallbackUrl") {
		v, err := urlParam(form, "FallbackUrl")
		if err != nil {
			return nil, err
		}
		u.fallbackURL = &v
	}
	if form.Get("FallbackMethod") != "" {
		if u.fallbackMethod, err = methodParam(form, "FallbackMethod"); err != nil {
			return nil, err
		}
	}
	if form.Has("StatusCallback") {
		// An update of the status callback alone is accepted, as Twilio does.
		v, err := urlParam(form, "StatusCallback")
		if err != nil {
			return nil, err
		}
		u.statusCallback = &v
	}
	if form.Get("StatusCallbackMethod") != "" {
		if u.statusCallbackMethod, err = methodParam(form, "StatusCallbackMethod"); err != nil {
			return nil, err
		}
	}
	if u.timeLimit, err = parseTimeLimit(form, fid); err != nil {
		return nil, err
	}
	return u, nil
}
