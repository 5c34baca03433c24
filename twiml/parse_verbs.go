package twiml

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/beevik/etree"
)

// This file reads the verbs other than <Dial>, <Connect>, <Start> and
// <Stop>, which have files of their own.

// say reads <Say>; inGather selects the codes Twilio uses for a <Say>
// nested in <Gather>.
func (p *parser) say(el *etree.Element, inGather bool) *Say {
	loopCode, voiceCode := CodeSayLoop, CodeSayVoice
	if inGather {
		loopCode, voiceCode = CodeGatherSayLoop, CodeGatherSayVoice
	}
	a := p.attrsOf(el)
	s := &Say{
		Voice:    a.enum("voice", "man", voiceCode, validVoice, "man, woman, alice or a Polly. or Google. voice"),
		Language: a.strOr("language", "en-US"),
		Loop:     a.integer("loop", 1, 0, MaxLoop, loopCode),
	}
	a.done()
	s.Text = p.sayText(el)
	if s.Text == "" {
		p.report(el, CodeSayText, "<Say> has no text; Twilio says nothing")
	} else if limit := sayLimit(s.Voice); len(s.Text) > limit {
		p.report(el, CodeSayTooLong, "<Say> has %d characters; voice %q takes at most %d", len(s.Text), s.Voice, limit)
	}
	return s
}

// sayLimit returns how many characters (UTF-8 bytes) a voice can say in
// one <Say>.
func sayLimit(voice string) int {
	switch {
	case strings.HasPrefix(voice, "Polly."):
		return 3000
	case strings.HasPrefix(voice, "Google."):
		return 5000
	}
	return 4096
}

// sayText returns the text of a <Say>: its own text and that of its SSML
// elements, trimmed. Other elements are reported and dropped.
func (p *parser) sayText(el *etree.Element) string {
	for _, t := range el.Child {
		if _, ok := t.(*etree.Element); ok {
			var b strings.Builder
			p.ssmlText(el, &b)
			return strings.TrimSpace(b.String())
		}
	}
	return trimmedText(el)
}

func (p *parser) ssmlText(el *etree.Element, b *strings.Builder) {
	for _, t := range el.Child {
		switch t := t.(type) {
		case *etree.CharData:
			b.WriteString(t.Data)
		case *etree.Element:
			if !isSSML(t) {
				p.report(t, CodeSchema, "<%s> is not an SSML element of <Say>; Twilio drops it", t.FullTag())
				continue
			}
			p.ssmlText(t, b)
		}
	}
}

// isSSML reports whether el is an SSML element that <Say> accepts.
func isSSML(el *etree.Element) bool {
	switch el.Space {
	case "":
		switch el.Tag {
		case "break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w":
			return true
		}
	case "amazon":
		return el.Tag == "effect" || el.Tag == "domain"
	}
	return false
}

// play reads <Play>.
func (p *parser) play(el *etree.Element) *Play {
	a := p.attrsOf(el)
	pl := &Play{
		Loop:   a.integer("loop", 1, 0, MaxLoop, CodePlayLoop),
		Digits: a.enum("digits", "", CodePlayDigits, validPlayDigits, "made of 0-9, A-D, *, #, w and W"),
	}
	a.done()
	pl.URL = p.text(el)
	switch {
	case pl.URL == "" && pl.Digits == "":
		p.report(el, CodeInvalidURL, "<Play> has neither a URL nor digits; there is nothing to play")
	case pl.URL != "" && !requestable(pl.URL):
		p.report(el, CodeInvalidURL, "<Play> URL %q is not a valid URL", pl.URL)
	}
	return pl
}

// pause reads <Pause>.
func (p *parser) pause(el *etree.Element) *Pause {
	a := p.attrsOf(el)
	length := a.integer("length", 1, 1, MaxSeconds, CodePauseLength)
	a.done()
	p.noText(el)
	p.noChildren(el)
	return &Pause{Length: length}
}

// gather reads <Gather> and its nested <Say>, <Play> and <Pause>.
func (p *parser) gather(el *etree.Element) *Gather {
	a := p.attrsOf(el)
	g := &Gather{
		Action:                      a.url("action", CodeInvalidURL),
		Method:                      a.method("method", CodeGatherMethod),
		ActionOnEmptyResult:         a.boolean("actionOnEmptyResult", false, CodeGatherActionOnEmptyResult),
		FinishOnKey:                 a.enum("finishOnKey", "#", CodeGatherFinishOnKey, validGatherKey, "one of 0-9, # and *, or empty"),
		NumDigits:                   a.integer("numDigits", 0, 1, math.MaxInt, CodeGatherNumDigits),
		Timeout:                     a.integer("timeout", 5, 1, MaxSeconds, CodeGatherTimeout),
		Input:                       a.list("input", CodeGatherInput, validInput, "dtmf, speech or both", "dtmf"),
		SpeechTimeout:               a.enum("speechTimeout", "", CodeGatherSpeechTimeout, validSpeechTimeout, "a positive whole number or auto"),
		SpeechModel:                 a.enum("speechModel", "", CodeGatherSpeechModel, validSpeechModel, "a speech model of Twilio's"),
		Language:                    a.strOr("language", "en-US"),
		Hints:                       a.str("hints"),
		ProfanityFilter:             a.boolean("profanityFilter", true, CodeGatherProfanityFilter),
		PartialResultCallback:       a.url("partialResultCallback", CodeInvalidURL),
		PartialResultCallbackMethod: a.method("partialResultCallbackMethod", CodeGatherPartialMethod),
		Enhanced:                    a.boolean("enhanced", false, CodeGatherEnhanced),
		BargeIn:                     a.boolean("bargeIn", true, CodeGatherBargeIn),
		MaxSpeechTime:               a.integer("maxSpeechTime", 60, 1, 60, CodeGatherMaxSpeechTime),
		Debug:                       a.boolean("debug", false, CodeGatherDebug),
	}
	a.done()
	p.noText(el)
	children(el, func(c *etree.Element) {
		switch {
		case named(c, "Say"):
			g.Verbs = append(sized(g.Verbs, el), p.say(c, true))
		case named(c, "Play") && hasAttr(c, "digits"):
			p.report(c, CodeGatherNested, "<Play digits> may not be nested in <Gather>; Twilio drops it")
		case named(c, "Play"):
			g.Verbs = append(sized(g.Verbs, el), p.play(c))
		case named(c, "Pause"):
			g.Verbs = append(sized(g.Verbs, el), p.pause(c))
		default:
			p.misplaced(c, CodeGatherNested)
		}
	})
	return g
}

// hasAttr reports whether el has the attribute key.
func hasAttr(el *etree.Element, key string) bool {
	for _, at := range el.Attr {
		if at.Space == "" && at.Key == key {
			return true
		}
	}
	return false
}

// record reads <Record>. A transcribed recording is at most 120 seconds
// long unless the document says otherwise.
func (p *parser) record(el *etree.Element) *Record {
	a := p.attrsOf(el)
	transcribe := a.boolean("transcribe", false, CodeRecordTranscribe)
	maxLength := 3600
	if transcribe {
		maxLength = 120
	}
	r := &Record{
		Action:                        a.url("action", CodeInvalidURL),
		Method:                        a.method("method", CodeRecordMethod),
		Timeout:                       a.integer("timeout", 5, 0, MaxSeconds, CodeRecordTimeout),
		FinishOnKey:                   a.enum("finishOnKey", "1234567890*#", CodeRecordFinishOnKey, validRecordKeys, "made of 0-9, # and *"),
		MaxLength:                     a.integer("maxLength", maxLength, 2, 86400, CodeRecordMaxLength),
		PlayBeep:                      a.boolean("playBeep", true, CodeRecordPlayBeep),
		Trim:                          a.enum("trim", "trim-silence", CodeRecordTrim, validTrim, "trim-silence or do-not-trim"),
		RecordingStatusCallback:       a.url("recordingStatusCallback", CodeInvalidURL),
		RecordingStatusCallbackMethod: a.method("recordingStatusCallbackMethod", CodeRecordMethod),
		RecordingStatusCallbackEvent:  a.list("recordingStatusCallbackEvent", CodeRecordingStatusCallbackEvent, validRecordingEvent, "made of in-progress, completed and absent", "completed"),
		Transcribe:                    transcribe,
		TranscribeCallback:            a.url("transcribeCallback", CodeInvalidURL),
		RecordingConfigurationID:      a.str("recordingConfigurationId"),
	}
	a.done()
	p.noText(el)
	p.noChildren(el)
	if transcribe && r.MaxLength > 120 {
		p.report(el, CodeRecordTranscribeLength, "maxLength %d is over the 120 seconds Twilio transcribes; the recording will not be transcribed", r.MaxLength)
	}
	return r
}

// redirect reads <Redirect>.
func (p *parser) redirect(el *etree.Element) *Redirect {
	a := p.attrsOf(el)
	r := &Redirect{Method: a.method("method", CodeRedirectMethod)}
	a.done()
	r.URL = p.text(el)
	switch {
	case r.URL == "":
		p.report(el, CodeInvalidURL, "<Redirect> has no URL")
	case !requestable(r.URL):
		p.report(el, CodeInvalidURL, "<Redirect> URL %q is not a valid URL", r.URL)
	}
	return r
}

// hangup reads <Hangup>.
func (p *parser) hangup(el *etree.Element) *Hangup {
	a := p.attrsOf(el)
	a.done()
	return &Hangup{Parameters: p.parameters(el)}
}

// reject reads <Reject>.
func (p *parser) reject(el *etree.Element) *Reject {
	a := p.attrsOf(el)
	r := &Reject{Reason: a.enum("reason", "rejected", CodeRejectReason, validRejectReason, "rejected or busy")}
	a.done()
	r.Parameters = p.parameters(el)
	return r
}

// parameters reads the <Parameter> children of el, which takes no other
// children and no text.
func (p *parser) parameters(el *etree.Element) []Parameter {
	p.noText(el)
	var out []Parameter
	children(el, func(c *etree.Element) {
		if named(c, "Parameter") {
			out = append(out, p.parameter(c))
			return
		}
		p.misplaced(c, CodeSchema)
	})
	return out
}

// enqueue reads <Enqueue> and its <Task>.
func (p *parser) enqueue(el *etree.Element) *Enqueue {
	a := p.attrsOf(el)
	_, waitSet := a.get("waitUrl")
	e := &Enqueue{
		WaitURLSet:    waitSet,
		Action:        a.url("action", CodeEnqueueAction),
		Method:        a.method("method", CodeEnqueueMethod),
		WaitURL:       a.url("waitUrl", CodeEnqueueWaitURL),
		WaitURLMethod: a.method("waitUrlMethod", CodeEnqueueWaitURLMethod),
		WorkflowSID:   a.str("workflowSid"),
		MaxQueueSize:  a.integer("maxQueueSize", 0, 1, math.MaxInt, CodeSchema),
	}
	a.done()
	tasks := 0
	children(el, func(c *etree.Element) {
		if !named(c, "Task") {
			p.misplaced(c, CodeSchema)
			return
		}
		if tasks++; tasks > 1 {
			p.report(c, CodeSchema, "<Enqueue> takes one <Task>; Twilio drops the others")
			return
		}
		p.task(c, e)
	})
	e.Name = trimmedText(el)
	switch {
	case e.Name == "" && e.WorkflowSID == "":
		p.report(el, CodeEnqueueNameShort, "<Enqueue> has no queue name")
	case len(e.Name) > 64:
		p.report(el, CodeEnqueueNameLong, "queue name has %d characters; Twilio takes at most 64", len(e.Name))
	}
	return e
}

// task reads the <Task> of an <Enqueue> into e.
func (p *parser) task(el *etree.Element, e *Enqueue) {
	a := p.attrsOf(el)
	e.TaskPriority = a.integer("priority", 0, 0, math.MaxInt, CodeSchema)
	e.TaskTimeout = a.integer("timeout", 0, 1, math.MaxInt, CodeSchema)
	a.done()
	e.Task = p.text(el)
	if !json.Valid([]byte(e.Task)) {
		p.report(el, CodeEnqueueTaskJSON, "<Task> is not valid JSON")
	}
}

// sms reads <Sms>.
func (p *parser) sms(el *etree.Element) *Sms {
	a := p.attrsOf(el)
	s := &Sms{
		To:             a.str("to"),
		From:           a.str("from"),
		Action:         a.url("action", CodeInvalidURL),
		Method:         a.method("method", CodeSmsMethod),
		StatusCallback: a.url("statusCallback", CodeInvalidURL),
	}
	a.done()
	if s.To != "" && !validPhone(s.To) {
		p.report(el, CodeSmsTo, "to=%q is not a phone number", s.To)
	}
	if s.From != "" && !validPhone(s.From) {
		p.report(el, CodeSmsFrom, "from=%q is not a phone number", s.From)
	}
	s.Message = p.text(el)
	switch {
	case s.Message == "":
		p.report(el, CodeSmsBody, "<Sms> has no message")
	case len(s.Message) > 1600:
		p.report(el, CodeSmsBody, "message has %d characters; Twilio sends at most 1600", len(s.Message))
	}
	return s
}

// refer reads <Refer> and its <Sip>.
func (p *parser) refer(el *etree.Element) *Refer {
	a := p.attrsOf(el)
	r := &Refer{
		Action: a.url("action", CodeInvalidURL),
		Method: a.method("method", CodeSchema),
	}
	a.done()
	p.noText(el)
	sips := 0
	children(el, func(c *etree.Element) {
		if !named(c, "Sip") {
			p.misplaced(c, CodeSchema)
			return
		}
		if sips++; sips > 1 {
			p.report(c, CodeSchema, "<Refer> takes one <Sip>; Twilio drops the others")
			return
		}
		ca := p.attrsOf(c)
		ca.done()
		r.SipURI = p.text(c)
		if !validSipURI(r.SipURI) {
			p.report(c, CodeSipURI, "%q is not a SIP URI", r.SipURI)
		}
	})
	if sips == 0 {
		p.report(el, CodeSchema, "<Refer> has no <Sip> to transfer the call to")
	}
	return r
}

// pay reads <Pay> and its <Prompt>s and <Parameter>s.
func (p *parser) pay(el *etree.Element) *Pay {
	a := p.attrsOf(el)
	pay := &Pay{
		Action:               a.url("action", CodeInvalidURL),
		Method:               a.method("method", CodeSchema),
		PaymentConnector:     a.strOr("paymentConnector", "Default"),
		ChargeAmount:         a.str("chargeAmount"),
		Currency:             a.strOr("currency", "usd"),
		Description:          a.str("description"),
		Input:                a.enum("input", "dtmf", CodeSchema, func(v string) bool { return v == "dtmf" }, "dtmf"),
		Language:             a.str("language"),
		MaxAttempts:          a.integer("maxAttempts", 1, 1, 3, CodeSchema),
		MinPostalCodeLength:  a.integer("minPostalCodeLength", 0, 0, math.MaxInt, CodeSchema),
		PaymentMethod:        a.enum("paymentMethod", "credit-card", CodeSchema, validPaymentMethod, "credit-card or ach-debit"),
		BankAccountType:      a.enum("bankAccountType", "", CodeSchema, validBankAccountType, "a bank account type"),
		PostalCode:           a.strOr("postalCode", "true"),
		SecurityCode:         a.boolean("securityCode", true, CodeSchema),
		StatusCallback:       a.url("statusCallback", CodeInvalidURL),
		StatusCallbackMethod: a.method("statusCallbackMethod", CodeSchema),
		Timeout:              a.integer("timeout", 5, 1, math.MaxInt, CodeSchema),
		TokenType:            a.enum("tokenType", "reusable", CodeSchema, validTokenType, "one-time, reusable or payment-method"),
		ValidCardTypes:       a.list("validCardTypes", CodeSchema, validCardType, "made of card types", "visa", "mastercard", "amex"),
	}
	a.done()
	p.noText(el)
	children(el, func(c *etree.Element) {
		switch {
		case named(c, "Prompt"):
			pay.Prompts = append(pay.Prompts, p.prompt(c))
		case named(c, "Parameter"):
			pay.Parameters = append(pay.Parameters, p.parameter(c))
		default:
			p.misplaced(c, CodeSchema)
		}
	})
	return pay
}

// prompt reads a <Prompt> of <Pay>.
func (p *parser) prompt(el *etree.Element) *Prompt {
	a := p.attrsOf(el)
	pr := &Prompt{
		For:                   a.enum("for", "", CodeSchema, validPayStep, "a step of <Pay>"),
		Attempt:               attempts(&a),
		CardType:              a.list("cardType", CodeSchema, validCardType, "made of card types"),
		ErrorType:             a.list("errorType", CodeSchema, validPayError, "made of <Pay> error types"),
		RequireMatchingInputs: a.boolean("requireMatchingInputs", false, CodeSchema),
	}
	a.done()
	p.noText(el)
	children(el, func(c *etree.Element) {
		switch {
		case named(c, "Say"):
			pr.Verbs = append(sized(pr.Verbs, el), p.say(c, false))
		case named(c, "Play"):
			pr.Verbs = append(sized(pr.Verbs, el), p.play(c))
		case named(c, "Pause"):
			pr.Verbs = append(sized(pr.Verbs, el), p.pause(c))
		default:
			p.misplaced(c, CodeSchema)
		}
	})
	return pr
}

// attempts reads the attempt list of a <Prompt>: positive whole numbers.
func attempts(a *attrs) []int {
	items := a.list("attempt", CodeSchema, func(v string) bool {
		_, ok := positive(v)
		return ok
	}, "made of positive whole numbers")
	var out []int
	for _, it := range items {
		n, _ := positive(it)
		out = append(out, n)
	}
	return out
}
