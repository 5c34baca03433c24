package harness

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/twimlharness/twimlharness/harness/internal/phone"
	"github.com/twimlharness/twimlharness/harness/internal/signing"
	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
	"github.com/twimlharness/twimlharness/scenario"
)

// A validation request (POST /OutgoingCallerIds.json) verifies a caller
// ID as Twilio does: it answers at once with a six-digit code, then calls
// the number, where someone must key the code in. Once they have, the
// caller ID exists, and the request's StatusCallback hears
// VerificationStatus=success with its OutgoingCallerIdSid; any other end
// of the call (a wrong code, no code, busy, no answer) is
// VerificationStatus=failed.

// verificationCaller is the number the verification call comes from:
// Twilio's test number.
const verificationCaller = testFrom

// The verification call's documents: the prompt, and what it says once the
// code is in.
const (
	verificationPrompt = `<Response><Gather numDigits="6" timeout="10"><Say>Please enter your verification code.</Say></Gather>` +
		`<Say>No code was entered. Goodbye.</Say></Response>`
	verificationSuccess = `<Response><Say>Thank you. Your phone number has been verified.</Say></Response>`
	verificationFailure = `<Response><Say>Sorry, that code is not correct. Goodbye.</Say></Response>`
)

// maxCallDelay is the longest CallDelay, in seconds.
const maxCallDelay = 60

// verification is a caller ID verification in progress or done: what it
// verifies, the code, and the result. It is guarded by Server.mu.
type verification struct {
	account      string
	number       string
	friendlyName string
	code         string
	status       string // "success" or "failed"; empty until the code is keyed in
	callerID     string // the caller ID's SID, on success
}

// validationResource is the reply to a validation request.
type validationResource struct {
	AccountSid     string `json:"account_sid"`
	CallSid        string `json:"call_sid"`
	FriendlyName   string `json:"friendly_name"`
	PhoneNumber    string `json:"phone_number"`
	ValidationCode string `json:"validation_code"`
}

// validationSchema renders validation requests. Immutable.
var validationSchema = twilioapi.NewSchema[validationResource]("ValidationRequest", "validation_requests")

// validationParams is a validation request, checked.
type validationParams struct {
	number, friendlyName string
	callDelay            int
	extension            string
	call                 twilioapi.Form // the parameters of the verification call
}

// parseValidation checks a validation request's parameters.
func parseValidation(form twilioapi.Form) (*validationParams, *APIError) {
	raw := form.Get("PhoneNumber")
	num, kind := phone.Normalize(raw)
	if kind != phone.Phone || num == "+15005550001" {
		return nil, badRequest(codeInvalidPhoneNumber, "PhoneNumber %q is not a valid phone number", raw)
	}
	v := &validationParams{number: num, friendlyName: phone.Format(num)}
	if form.Has("FriendlyName") {
		name, err := checkFriendlyName("FriendlyName", form.Get("FriendlyName"))
		if err != nil {
			return nil, err
		}
		v.friendlyName = name
	}
	n, _, err := form.Int("CallDelay", 0, maxCallDelay)
	if err != nil {
		return nil, badRequest(codeBadRequest, "CallDelay must be a whole number of seconds from 0 to %d: %s", maxCallDelay, form.Get("CallDelay"))
	}
	v.callDelay = n
	v.extension = form.Raw("Extension")
	if len(v.extension) > maxSendDigits || strings.Trim(v.extension, "0123456789*#wW") != "" {
		return nil, badRequest(codeBadRequest, "Extension may only contain 0-9, *, #, w and W, at most %d of them: %s", maxSendDigits, v.extension)
	}
	cb, aerr := checkURL("StatusCallback", form.Get("StatusCallback"))
	if aerr != nil {
		return nil, aerr
	}
	method, aerr := checkMethod("StatusCallbackMethod", form.Get("StatusCallbackMethod"))
	if aerr != nil {
		return nil, aerr
	}
	v.call = twilioapi.Form{"To": {num}, "From": {verificationCaller}, "Twiml": {verificationPrompt},
		"StatusCallback": {cb}, "StatusCallbackMethod": {method}, "SendDigits": {v.extension}}
	return v, nil
}

// createValidationRequest answers POST /OutgoingCallerIds.json: 200 with
// the validation code, and the verification call on its way to the number,
// CallDelay seconds after the call would otherwise leave the queue.
func (s *Server) createValidationRequest(req *apiRequest) apiReply {
	form, aerr := req.form()
	if aerr != nil {
		return apiReply{err: aerr}
	}
	v, aerr := parseValidation(form)
	if aerr != nil {
		return apiReply{err: aerr}
	}
	p, aerr := parseCreate(v.call, s.cfg.fidelity)
	if aerr != nil {
		return apiReply{err: aerr} // parseValidation checked what it passes on
	}
	p.form = req.keptForm(form)
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := s.dir.callerIDOf(req.acct.sid, v.number); id != nil {
		return apiReply{err: badRequest(codeCallerIDVerified, "Phone number %s is already verified for your account, as %s", v.number, id.SID)}
	}
	if n := s.dir.numbers[v.number]; n != nil && n.AccountSID == req.acct.sid {
		return apiReply{err: badRequest(codeCallerIDVerified, "Phone number %s is one of your account's incoming numbers, usable as From already", v.number)}
	}
	code := validationCode(s.ids.SID(""))
	c := s.newCallLocked(req.acct, p, nil)
	if v.callDelay > 0 {
		s.clock.Cancel(c.program.step)
		c.program.step = c.afterLocked(s.cfg.queueTime+time.Duration(v.callDelay)*time.Second, c.dequeue)
	}
	if _, scripted := s.parties[v.number]; !scripted {
		c.farEnd.party, c.farEnd.fixed = scenario.Person().Presses(code), true
	}
	s.dir.verifications[c.sid] = &verification{account: req.acct.sid, number: v.number, friendlyName: v.friendlyName, code: code}
	return instance(http.StatusOK, validationSchema, &validationResource{AccountSid: req.acct.sid, CallSid: c.sid,
		FriendlyName: v.friendlyName, PhoneNumber: v.number, ValidationCode: code}, c.sid)
}

// validationCode makes six decimal digits from a fresh SID of the seeded
// generator.
func validationCode(sid string) string {
	n, _ := strconv.ParseUint(sid[:12], 16, 64)
	return fmt.Sprintf("%06d", n%1_000_000)
}

// keyedInLocked ends the verification call's <Gather> with the digits the
// far end keyed in: the caller ID exists if they are the code. The call
// then says how it went and hangs up.
func (v *verification) keyedInLocked(c *Call, digits string) {
	s := c.srv
	doc := verificationFailure
	v.status = "failed"
	if digits == v.code {
		doc, v.status = verificationSuccess, "success"
		id := s.dir.callerIDOf(v.account, v.number)
		if id == nil {
			id = s.addCallerIDLocked(CallerID{AccountSID: v.account, PhoneNumber: v.number, FriendlyName: v.friendlyName})
		}
		v.callerID = id.SID
		c.noteLocked("caller ID " + v.number + " verified: " + id.SID)
	}
	parsed, err := s.parseLocked(doc)
	if err != nil {
		panic("harness: the verification call's document does not parse: " + err.Error())
	}
	c.startLocked(parsed, "")
}

// verificationParamsLocked adds VerificationStatus (and, on success,
// OutgoingCallerIdSid) to the completed status callback of a verification
// call.
func (s *Server) verificationParamsLocked(c *Call, p *signing.Params) {
	v := s.dir.verifications[c.sid]
	if v == nil {
		return
	}
	if v.status == "success" {
		p.Add("OutgoingCallerIdSid", v.callerID)
		p.Add("VerificationStatus", "success")
		return
	}
	p.Add("VerificationStatus", "failed")
}
