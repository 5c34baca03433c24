package harness

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/phone"
	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// The parameters of the Participants API: create (a call dialed into a
// conference) and update.

// participantParams is a validated create request: the outbound call's
// parameters, as the Calls API reads them, and what the participant joins
// with.
type participantParams struct {
	call        *callParams
	spec        participantSpec
	callerID    string
	asyncAMD    []string // AsyncAmd… parameters given, which the Participants API ignores (21263)
	earlyMedia  bool
	jitter      string
	coachingSet bool
}

// Twilio's limits of the Participants API's create parameters.
const (
	minParticipantTimeout = 5
	minMaxParticipants    = 2
	maxMaxParticipants    = 250
)

// conferenceRegions are the regions a conference may be mixed in.
var conferenceRegions = []string{"us1", "us2", "ie1", "de1", "sg1", "br1", "au1", "jp1"}

// asyncAMDParams are the Calls API's asynchronous AMD parameters, which the
// Participants API does not take.
var asyncAMDParams = []string{"AsyncAmd", "AsyncAmdStatusCallback", "AsyncAmdStatusCallbackMethod"}

// parseParticipantCreate validates the parameters of POST
// /Conferences/{ConferenceSid}/Participants.json: To and From, the call
// leg's (as the Calls API checks them), the participant's and the
// conference's.
func parseParticipantCreate(form twilioapi.Form, fid Fidelity) (*participantParams, *APIError) {
	pp := &participantParams{call: newCallParams(form)}
	p := pp.call
	if err := p.parseAddresses(form); err != nil {
		return nil, err
	}
	if err := p.parseCallbacks(form); err != nil {
		return nil, err
	}
	if n, given, err := form.Int("Timeout", minParticipantTimeout, maxTimeout); err != nil {
		return nil, badRequest(codeInvalidTimeout, "Timeout must be an integer between %d and %d: %s", minParticipantTimeout, maxTimeout, form.Get("Timeout"))
	} else if given {
		p.timeout = time.Duration(n) * time.Second
	}
	if d, err := parseTimeLimit(form, fid); err != nil {
		return nil, err
	} else if d > 0 {
		p.timeLimit = d
	}
	if err := pp.parseAMD(form); err != nil {
		return nil, err
	}
	if err := p.parseRecording(form); err != nil {
		return nil, err
	}
	pp.callerID = form.Get("CallerId")
	if _, err := urlParam(form, "ClientNotificationUrl"); err != nil {
		return nil, err
	}
	for _, parse := range []func(twilioapi.Form) *APIError{pp.parseParticipant, pp.parseConference} {
		if err := parse(form); err != nil {
			return nil, err
		}
	}
	return pp, nil
}

// parseAMD reads MachineDetection and its tuning as the Calls API does; the
// result goes to AmdStatusCallback. The Calls API's AsyncAmd… parameters
// are not the Participants API's: they are noted (warning 21263) and
// ignored.
//
// Fidelity: detection is synchronous, as for a <Dial><Number>: the call
// joins the conference once detection has its answer, whatever it is (the
// application decides what to do with a machine from the callback).
func (pp *participantParams) parseAMD(form twilioapi.Form) *APIError {
	rest := twilioapi.Form(url.Values(form))
	for _, name := range asyncAMDParams {
		if form.Has(name) {
			pp.asyncAMD = append(pp.asyncAMD, name)
			if len(pp.asyncAMD) == 1 {
				rest = twilioapi.Form(maps.Clone(url.Values(form)))
			}
			delete(rest, name)
		}
	}
	p := pp.call
	if err := p.parseAMD(rest); err != nil {
		return err
	}
	var err *APIError
	if p.amd.callbackURL, err = urlParam(form, "AmdStatusCallback"); err != nil {
		return err
	}
	p.amd.callbackMethod, err = methodParam(form, "AmdStatusCallbackMethod")
	return err
}

// boolParam reads an optional boolean parameter: def when absent, 400
// unless true or false.
func boolParam(form twilioapi.Form, name string, def bool) (bool, *APIError) {
	v, given, err := form.Bool(name)
	switch {
	case err != nil:
		return false, badRequest(codeBadRequest, "%s must be true or false: %s", name, form.Raw(name))
	case !given:
		return def, nil
	}
	return v, nil
}

// choiceParam reads an optional parameter that must be one of allowed.
func choiceParam(form twilioapi.Form, name, def string, allowed ...string) (string, *APIError) {
	v, err := form.Choice(name, def, allowed...)
	if err != nil {
		return "", badRequest(codeBadRequest, "%s must be one of %s: %s", name, strings.Join(allowed, ", "), form.Raw(name))
	}
	return v, nil
}

// parseParticipant reads what the participant joins with: Label, Muted,
// Beep, StartConferenceOnEnter, EndConferenceOnExit, WaitUrl and
// WaitMethod, EarlyMedia, Coaching and CallSidToCoach, JitterBufferSize.
func (pp *participantParams) parseParticipant(form twilioapi.Form) *APIError {
	sp := &pp.spec
	sp.fromParticipAPI = true
	sp.label = form.Get("Label")
	if msg := labelProblem(sp.label); sp.label != "" && msg != "" {
		return badRequest(codeParticipantLabelInvalid, "Label is invalid: %s", msg)
	}
	var err *APIError
	if sp.muted, err = boolParam(form, "Muted", false); err != nil {
		return err
	}
	if sp.beep, err = choiceParam(form, "Beep", "true", "true", "false", "onEnter", "onExit"); err != nil {
		return err
	}
	if sp.startOnEnter, err = boolParam(form, "StartConferenceOnEnter", true); err != nil {
		return err
	}
	if sp.endOnExit, err = boolParam(form, "EndConferenceOnExit", false); err != nil {
		return err
	}
	if form.Has("WaitUrl") {
		// WaitUrl= (empty, as twilio-go sends an empty string) is silence.
		sp.waitGiven = true
		if sp.waitURL, err = urlParam(form, "WaitUrl"); err != nil {
			return err
		}
	}
	if sp.waitMethod, err = methodParam(form, "WaitMethod"); err != nil {
		return err
	}
	if pp.earlyMedia, err = boolParam(form, "EarlyMedia", true); err != nil {
		return err
	}
	if pp.jitter, err = choiceParam(form, "JitterBufferSize", "large", "off", "small", "medium", "large"); err != nil {
		return err
	}
	coaching, err := boolParam(form, "Coaching", false)
	if err != nil {
		return err
	}
	_, pp.coachingSet, _ = form.Bool("Coaching")
	coach := form.Get("CallSidToCoach")
	switch {
	case pp.coachingSet && coaching && coach == "":
		return badRequest(codeBadRequest, "CallSidToCoach is required when Coaching is true: give the SID of the call to coach")
	case pp.coachingSet && !coaching:
		coach = "" // Coaching=false wins over a CallSidToCoach
	}
	sp.coach = coach
	return nil
}

// parseConference reads the conference's settings, which only its first
// participant sets: MaxParticipants, ConferenceRecord, ConferenceTrim,
// ConferenceStatusCallback (and Method, Event: start and end by default),
// ConferenceRecordingStatusCallback (and Method, Event), Region.
func (pp *participantParams) parseConference(form twilioapi.Form) *APIError {
	sp := &pp.spec
	n, given, ierr := form.Int("MaxParticipants", minMaxParticipants, maxMaxParticipants)
	if ierr != nil {
		return badRequest(codeBadRequest, "MaxParticipants must be an integer between %d and %d: %s", minMaxParticipants, maxMaxParticipants, form.Get("MaxParticipants"))
	}
	if given {
		sp.max = n
	}
	var err *APIError
	if sp.record, err = choiceParam(form, "ConferenceRecord", "do-not-record", "true", "false", "record-from-start", "do-not-record"); err != nil {
		return err
	}
	if sp.record == "false" {
		sp.record = "do-not-record"
	}
	if sp.trim, err = choiceParam(form, "ConferenceTrim", "trim-silence", "trim-silence", "do-not-trim"); err != nil {
		return err
	}
	if sp.cbURL, err = urlParam(form, "ConferenceStatusCallback"); err != nil {
		return err
	}
	if sp.cbMethod, err = methodParam(form, "ConferenceStatusCallbackMethod"); err != nil {
		return err
	}
	for _, w := range form.List("ConferenceStatusCallbackEvent") {
		if _, ok := conferenceEventWords[w]; !ok {
			return badRequest(codeBadRequest, "ConferenceStatusCallbackEvent must be among start, end, join, leave, mute, hold, modify, speaker, announcement: %s", w)
		}
		sp.cbEvents = append(sp.cbEvents, w)
	}
	sp.defaultEvents = []string{"start", "end"} // documented for the REST API, whatever the TwiML default
	if sp.recCBURL, err = urlParam(form, "ConferenceRecordingStatusCallback"); err != nil {
		return err
	}
	if sp.recCBMethod, err = methodParam(form, "ConferenceRecordingStatusCallbackMethod"); err != nil {
		return err
	}
	events := form.List("ConferenceRecordingStatusCallbackEvent")
	for _, e := range events {
		if _, ok := recordingEvents[e]; !ok {
			return badRequest(codeBadRequest, "ConferenceRecordingStatusCallbackEvent must be among in-progress, completed, absent: %s", e)
		}
	}
	sp.recCBEvents = recEvents(events)
	if sp.region, err = choiceParam(form, "Region", "", conferenceRegions...); err != nil {
		return err
	}
	return nil
}

// checkCallerIDLocked validates CallerId as From is validated: an address
// the callee can be shown, owned or verified when it is a phone number.
// It returns the caller ID the call shows, From when CallerId is absent.
//
// Fidelity: CallerId, when given, is the call's from (what the callee
// sees, and the Call resource's from); Twilio documents both parameters
// with the same words.
func (s *Server) checkCallerIDLocked(acct *account, pp *participantParams) (string, *APIError) {
	p := pp.call
	if pp.callerID == "" {
		return p.from, nil
	}
	id, kind := phone.Normalize(pp.callerID)
	_, toKind := phone.Normalize(p.to)
	switch {
	case toKind == phone.Phone && kind != phone.Phone:
		return "", badRequest(codeInvalidFrom, "CallerId must be a phone number when To is one: %s", pp.callerID)
	case kind == phone.Invalid:
		id = pp.callerID // the user part of a SIP address, towards a SIP endpoint
	}
	if err := s.checkFromLocked(acct, id); err != nil {
		return "", err
	}
	return id, nil
}

// participantUpdate is a validated update request; a nil pointer is a
// parameter not given.
type participantUpdate struct {
	muted               *bool
	hold                *bool
	holdURL, holdMethod string
	announceURL         string
	announceMethod      string
	waitURL             *string
	waitMethod          string
	beepOnExit          *bool
	endOnExit           *bool
	coaching            *bool
	coach               string
}

// parseParticipantUpdate validates the parameters of POST
// /Participants/{CallSid}.json.
func parseParticipantUpdate(form twilioapi.Form) (*participantUpdate, *APIError) {
	u := &participantUpdate{}
	if form.Has("Muted") {
		// Twilio's description: any value but true means false.
		m := strings.EqualFold(form.Get("Muted"), "true")
		u.muted = &m
	}
	optBool := func(name string) (*bool, *APIError) {
		v, given, err := form.Bool(name)
		switch {
		case err != nil:
			return nil, badRequest(codeBadRequest, "%s must be true or false: %s", name, form.Raw(name))
		case !given:
			return nil, nil
		}
		return &v, nil
	}
	var err *APIError
	for _, b := range []struct {
		name string
		dst  **bool
	}{{"Hold", &u.hold}, {"BeepOnExit", &u.beepOnExit}, {"EndConferenceOnExit", &u.endOnExit}, {"Coaching", &u.coaching}} {
		if *b.dst, err = optBool(b.name); err != nil {
			return nil, err
		}
	}
	if u.holdURL, err = urlParam(form, "HoldUrl"); err != nil {
		return nil, err
	}
	u.holdMethod = http.MethodGet // HoldMethod's default, unlike the others'
	if form.Get("HoldMethod") != "" {
		if u.holdMethod, err = methodParam(form, "HoldMethod"); err != nil {
			return nil, err
		}
	}
	if u.announceURL, err = urlParam(form, "AnnounceUrl"); err != nil {
		return nil, err
	}
	if u.announceMethod, err = methodParam(form, "AnnounceMethod"); err != nil {
		return nil, err
	}
	if form.Has("WaitUrl") {
		w, err := urlParam(form, "WaitUrl")
		if err != nil {
			return nil, err
		}
		u.waitURL = &w
	}
	if u.waitMethod, err = methodParam(form, "WaitMethod"); err != nil {
		return nil, err
	}
	u.coach = form.Get("CallSidToCoach")
	switch {
	case u.coaching != nil && *u.coaching && u.coach == "":
		return nil, badRequest(codeBadRequest, "CallSidToCoach is required when Coaching is true: give the SID of the call to coach")
	case u.coaching == nil && u.coach != "":
		t := true // a call to coach alone makes the participant coach it
		u.coaching = &t
	}
	return u, nil
}

// coachedLocked returns the call SID of the participant id (a call SID or
// a label) that p may coach in the conference, or why not (16028): it
// must be in the room, and not p itself. p is nil for a participant not
// created yet.
//
// Fidelity: CallSidToCoach may also name the participant by its label,
// as the Participants resource's paths do; a call still being dialed
// cannot be coached (16028). Coaching=true without CallSidToCoach is 400
// with 20001, CallSidToCoach alone means Coaching=true (the schema's
// words), and Coaching=false wins over a CallSidToCoach.
func (cf *conference) coachedLocked(p *participant, id string) (string, *APIError) {
	var q *participant
	if cf != nil {
		q = cf.participantLocked(id)
	}
	if q == nil || !q.present || q == p || !slices.Contains(cf.parts, q) {
		where := "the conference"
		if cf != nil {
			where = "conference " + cf.sid
		}
		return "", badRequest(codeCoachedNotInConference, "CallSidToCoach %s is not a participant in %s: only a call in the room can be coached", id, where)
	}
	return q.call.sid, nil
}
