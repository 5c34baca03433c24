package twiml

import (
	"github.com/beevik/etree"
)

// maxRing is how many <Number> and <Client> nouns one <Dial> rings.
const maxRing = 10

// dial reads <Dial>: its phone number text, or its nouns.
func (p *parser) dial(el *etree.Element) *Dial {
	a := p.attrsOf(el)
	d := &Dial{
		Action:                        a.url("action", CodeInvalidURL),
		Method:                        a.method("method", CodeDialMethod),
		Timeout:                       a.integer("timeout", 30, 5, 600, CodeDialTimeout),
		TimeLimit:                     a.integer("timeLimit", 14400, 1, 86400, CodeDialTimeLimit),
		CallerID:                      a.enum("callerId", "", CodeDialCallerID, validCallerID, "a phone number, client:identity or SIP user"),
		AnswerOnBridge:                a.boolean("answerOnBridge", false, CodeDialAnswerOnBridge),
		HangupOnStar:                  a.boolean("hangupOnStar", false, CodeDialHangupOnStar),
		Record:                        dialRecord(&a),
		RecordingStatusCallback:       a.url("recordingStatusCallback", CodeInvalidURL),
		RecordingStatusCallbackMethod: a.method("recordingStatusCallbackMethod", CodeDialMethod),
		RecordingStatusCallbackEvent:  a.list("recordingStatusCallbackEvent", CodeRecordingStatusCallbackEvent, validRecordingEvent, "made of in-progress, completed and absent", "completed"),
		RecordingTrack:                a.enum("recordingTrack", "both", CodeSchema, validRecordingTrack, "inbound, outbound or both"),
		Trim:                          a.enum("trim", "do-not-trim", CodeSchema, validTrim, "trim-silence or do-not-trim"),
		RingTone:                      a.enum("ringTone", "", CodeDialRingTone, validRingTone, "a ringTone country code"),
		Sequential:                    a.boolean("sequential", false, CodeDialSequential),
		ReferURL:                      a.url("referUrl", CodeInvalidURL),
		ReferMethod:                   a.method("referMethod", CodeDialMethod),
		CallReason:                    a.str("callReason"),
		RecordingConfigurationID:      a.str("recordingConfigurationId"),
		Events:                        a.list("events", CodeSchema, func(v string) bool { return v == "call-progress-event" }, "call-progress-event"),
	}
	a.done()
	d.Nouns = p.dialNouns(el)
	text := trimmedText(el)
	switch {
	case len(d.Nouns) > 0 && text != "":
		p.report(el, CodeSchema, "<Dial> has nouns; Twilio ignores its text %q", text)
	case len(d.Nouns) > 0:
	case text == "":
		p.report(el, CodeDialPhoneNumber, "<Dial> has no number and no noun to dial")
	default:
		d.Number = text
		if !validPhone(text) {
			p.report(el, CodeDialPhoneNumber, "%q is not a phone number", text)
		}
	}
	return d
}

// dialRecord reads the record attribute of <Dial>, where true means
// record-from-answer and false do-not-record.
func dialRecord(a *attrs) string {
	v, ok := a.get("record")
	if !ok {
		return "do-not-record"
	}
	if b, ok := parseBool(v); ok {
		if b {
			return "record-from-answer"
		}
		return "do-not-record"
	}
	switch v {
	case "do-not-record", "record-from-answer", "record-from-ringing", "record-from-answer-dual", "record-from-ringing-dual":
		return v
	}
	return invalid(a, CodeDialRecord, "record", v, "true, false or a record-from-… mode", "do-not-record")
}

// dialNouns reads the nouns of <Dial>, dropping what may not be dialled
// together.
func (p *parser) dialNouns(el *etree.Element) []Noun {
	var nouns []Noun
	rings, conference := 0, false
	children(el, func(c *etree.Element) {
		if c.Space != "" || !isDialNoun(c.Tag) {
			p.misplaced(c, CodeDialNested)
			return
		}
		isConf := c.Tag == "Conference"
		if (isConf && len(nouns) > 0) || (!isConf && conference) {
			p.report(c, CodeDialConferenceMix, "a <Conference> must be the only noun of its <Dial>; Twilio drops this <%s>", c.Tag)
			return
		}
		conference = conference || isConf
		if c.Tag == "Number" || c.Tag == "Client" {
			if rings == maxRing {
				p.report(c, CodeSchema, "a <Dial> rings at most %d <Number> and <Client> nouns; Twilio drops the others", maxRing)
				return
			}
			rings++
		}
		nouns = append(sized(nouns, el), p.dialNoun(c))
	})
	return nouns
}

func isDialNoun(name string) bool {
	switch name {
	case "Number", "Client", "Sip", "Conference", "Queue", "Application", "Sim", "WhatsApp":
		return true
	}
	return false
}

// dialNoun reads one noun of <Dial>.
func (p *parser) dialNoun(el *etree.Element) Noun {
	switch el.Tag {
	case "Number":
		return p.number(el)
	case "Client":
		return p.client(el)
	case "Sip":
		return p.sip(el)
	case "Conference":
		return p.conference(el)
	case "Queue":
		return p.queue(el)
	case "Application":
		return p.application(el)
	case "Sim":
		return p.sim(el)
	}
	// <WhatsApp> is in Twilio's helper libraries but not documented: it is
	// kept as written.
	return element(el)
}

// legCallbacks reads the url, method and status callback attributes of a
// dialled party; methodCode is the code for an invalid method.
func legCallbacks(a *attrs, methodCode int) LegCallbacks {
	return LegCallbacks{
		URL:                  a.url("url", CodeInvalidURL),
		Method:               a.method("method", methodCode),
		StatusCallback:       a.url("statusCallback", CodeInvalidURL),
		StatusCallbackMethod: a.method("statusCallbackMethod", methodCode),
		StatusCallbackEvent:  a.list("statusCallbackEvent", CodeSchema, validCallEvent, "made of initiated, ringing, answered and completed", "completed"),
	}
}

// amd reads the answering machine detection attributes of <Number> or
// <Sip>.
func amd(a *attrs) AMD {
	for _, key := range [...]string{"asyncAmd", "asyncAmdStatusCallback", "asyncAmdStatusCallbackMethod"} {
		if _, ok := a.get(key); ok {
			a.p.report(a.el, CodeAsyncAMD, "%s is a Calls API parameter, not an attribute of <%s>; Twilio ignores it", key, a.el.Tag)
		}
	}
	return AMD{
		MachineDetection:     a.enum("machineDetection", "", CodeSchema, validMachineDetection, "Enable or DetectMessageEnd"),
		Timeout:              a.integer("machineDetectionTimeout", 30, 3, 60, CodeSchema),
		SpeechThreshold:      a.integer("machineDetectionSpeechThreshold", 2400, 1000, 6000, CodeSchema),
		SpeechEndThreshold:   a.integer("machineDetectionSpeechEndThreshold", 1200, 500, 5000, CodeSchema),
		SilenceTimeout:       a.integer("machineDetectionSilenceTimeout", 5000, 2000, 10000, CodeSchema),
		StatusCallback:       a.url("amdStatusCallback", CodeInvalidURL),
		StatusCallbackMethod: a.method("amdStatusCallbackMethod", CodeSchema),
	}
}

// number reads <Number>.
func (p *parser) number(el *etree.Element) *Number {
	a := p.attrsOf(el)
	n := &Number{
		SendDigits:   a.enum("sendDigits", "", CodeNumberSendDigits, validSendDigits, "made of 0-9, *, #, w and W"),
		Byoc:         a.str("byoc"),
		LegCallbacks: legCallbacks(&a, CodeNumberMethod),
		AMD:          amd(&a),
	}
	a.done()
	n.Number = p.text(el)
	if !validPhone(n.Number) {
		p.report(el, CodeDialPhoneNumber, "%q is not a phone number", n.Number)
	}
	return n
}

// client reads <Client>: the identity is its text or its <Identity>.
func (p *parser) client(el *etree.Element) *Client {
	a := p.attrsOf(el)
	c := &Client{
		LegCallbacks:          legCallbacks(&a, CodeSchema),
		ClientNotificationURL: a.url("clientNotificationUrl", CodeInvalidURL),
	}
	a.done()
	c.Identity = trimmedText(el)
	children(el, func(ch *etree.Element) {
		switch {
		case named(ch, "Identity"):
			ia := p.attrsOf(ch)
			ia.done()
			c.Identity = p.text(ch)
		case named(ch, "Parameter"):
			c.Parameters = append(c.Parameters, p.parameter(ch))
		default:
			p.misplaced(ch, CodeSchema)
		}
	})
	switch {
	case c.Identity == "":
		p.report(el, CodeSchema, "<Client> has no identity")
	case len(c.Identity) > 256:
		p.report(el, CodeSchema, "client identity has %d characters; Twilio takes at most 256", len(c.Identity))
	}
	return c
}

// sip reads <Sip>.
func (p *parser) sip(el *etree.Element) *Sip {
	a := p.attrsOf(el)
	s := &Sip{
		Username:     a.str("username"),
		Password:     a.str("password"),
		LegCallbacks: legCallbacks(&a, CodeSipMethod),
		AMD:          amd(&a),
	}
	a.done()
	s.URI = p.text(el)
	if !validSipURI(s.URI) {
		p.report(el, CodeSipURI, "%q is not a SIP URI", s.URI)
	}
	return s
}

// sim reads <Sim>.
func (p *parser) sim(el *etree.Element) *Sim {
	a := p.attrsOf(el)
	s := &Sim{LegCallbacks: legCallbacks(&a, CodeSchema)}
	a.done()
	s.SimSID = p.text(el)
	if s.SimSID == "" {
		p.report(el, CodeSchema, "<Sim> has no SIM SID")
	}
	return s
}

// application reads <Application> with its <ApplicationSid> and
// <Parameter>s.
func (p *parser) application(el *etree.Element) *Application {
	a := p.attrsOf(el)
	app := &Application{
		LegCallbacks: legCallbacks(&a, CodeSchema),
		CustomerID:   a.str("customerId"),
		CopyParentTo: a.boolean("copyParentTo", false, CodeSchema),
	}
	a.done()
	p.noText(el)
	children(el, func(c *etree.Element) {
		switch {
		case named(c, "ApplicationSid"):
			ca := p.attrsOf(c)
			ca.done()
			app.ApplicationSID = p.text(c)
		case named(c, "Parameter"):
			app.Parameters = append(app.Parameters, p.parameter(c))
		default:
			p.misplaced(c, CodeSchema)
		}
	})
	if app.ApplicationSID == "" {
		p.report(el, CodeSchema, "<Application> has no <ApplicationSid>")
	}
	return app
}

// conference reads <Conference>.
func (p *parser) conference(el *etree.Element) *Conference {
	a := p.attrsOf(el)
	_, waitSet := a.get("waitUrl")
	c := &Conference{
		WaitURLSet:                    waitSet,
		Muted:                         a.boolean("muted", false, CodeConferenceMuted),
		Beep:                          a.enum("beep", "true", CodeConferenceBeep, validBeep, "true, false, onEnter or onExit"),
		StartConferenceOnEnter:        a.boolean("startConferenceOnEnter", true, CodeConferenceStartOnEnter),
		EndConferenceOnExit:           a.boolean("endConferenceOnExit", false, CodeConferenceEndOnExit),
		WaitURL:                       a.url("waitUrl", CodeConferenceWaitURL),
		WaitMethod:                    a.method("waitMethod", CodeConferenceWaitMethod),
		MaxParticipants:               a.integer("maxParticipants", 250, 2, 250, CodeSchema),
		Record:                        a.enum("record", "do-not-record", CodeSchema, validConferenceRecord, "do-not-record or record-from-start"),
		Region:                        a.str("region"),
		Trim:                          a.enum("trim", "trim-silence", CodeConferenceTrim, validTrim, "trim-silence or do-not-trim"),
		Coach:                         a.str("coach"),
		ParticipantLabel:              a.str("participantLabel"),
		JitterBufferSize:              a.enum("jitterBufferSize", "large", CodeSchema, validJitterBuffer, "off, small, medium or large"),
		StatusCallback:                a.url("statusCallback", CodeInvalidURL),
		StatusCallbackMethod:          a.method("statusCallbackMethod", CodeSchema),
		StatusCallbackEvent:           a.list("statusCallbackEvent", CodeSchema, validConferenceEvent, "made of conference events"),
		RecordingStatusCallback:       a.url("recordingStatusCallback", CodeInvalidURL),
		RecordingStatusCallbackMethod: a.method("recordingStatusCallbackMethod", CodeSchema),
		RecordingStatusCallbackEvent:  a.list("recordingStatusCallbackEvent", CodeRecordingStatusCallbackEvent, validRecordingEvent, "made of in-progress, completed and absent", "completed"),
		EventCallbackURL:              a.url("eventCallbackUrl", CodeInvalidURL),
	}
	a.done()
	c.Name = p.text(el)
	if c.Name == "" || len(c.Name) > 128 {
		p.report(el, CodeConferenceName, "conference name %q must have 1 to 128 characters", c.Name)
	}
	return c
}

// queue reads the <Queue> noun of <Dial>.
func (p *parser) queue(el *etree.Element) *Queue {
	a := p.attrsOf(el)
	q := &Queue{
		URL:                 a.url("url", CodeInvalidURL),
		Method:              a.method("method", CodeQueueMethod),
		ReservationSID:      a.str("reservationSid"),
		PostWorkActivitySID: a.str("postWorkActivitySid"),
	}
	a.done()
	q.Name = p.text(el)
	switch {
	case q.Name == "":
		p.report(el, CodeQueueNameShort, "<Queue> has no queue name")
	case len(q.Name) > 64:
		p.report(el, CodeQueueNameLong, "queue name has %d characters; Twilio takes at most 64", len(q.Name))
	}
	return q
}
