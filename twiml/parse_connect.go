package twiml

import (
	"github.com/beevik/etree"
)

// This file reads <Connect>, <Start> and <Stop> and their nouns.

// connect reads <Connect>.
func (p *parser) connect(el *etree.Element) *Connect {
	a := p.attrsOf(el)
	c := &Connect{
		Action: a.url("action", CodeInvalidURL),
		Method: a.method("method", CodeSchema),
	}
	a.done()
	p.noText(el)
	children(el, func(ch *etree.Element) {
		if ch.Space != "" {
			p.misplaced(ch, CodeSchema)
			return
		}
		switch ch.Tag {
		case "Stream":
			c.Nouns = append(sized(c.Nouns, el), p.stream(ch))
		case "Room":
			c.Nouns = append(sized(c.Nouns, el), p.room(ch))
		case "VirtualAgent":
			c.Nouns = append(sized(c.Nouns, el), p.virtualAgent(ch))
		case "ConversationRelay":
			c.Nouns = append(sized(c.Nouns, el), p.conversationRelay(ch))
		case "Conversation", "Assistant", "AiSession", "ConversationRelaySession", "Autopilot":
			// Nouns of Twilio's helper libraries with no type here: kept
			// as written.
			c.Nouns = append(sized(c.Nouns, el), element(ch))
		default:
			p.misplaced(ch, CodeSchema)
		}
	})
	return c
}

// start reads <Start>.
func (p *parser) start(el *etree.Element) *Start {
	a := p.attrsOf(el)
	s := &Start{
		Action: a.url("action", CodeInvalidURL),
		Method: a.method("method", CodeSchema),
	}
	a.done()
	s.Nouns = p.forks(el, true)
	return s
}

// stop reads <Stop>.
func (p *parser) stop(el *etree.Element) *Stop {
	a := p.attrsOf(el)
	a.done()
	return &Stop{Nouns: p.forks(el, false)}
}

// forks reads the nouns of <Start> or <Stop>; only <Start> takes
// <Recording>.
func (p *parser) forks(el *etree.Element, recording bool) []Noun {
	p.noText(el)
	var nouns []Noun
	children(el, func(c *etree.Element) {
		switch {
		case named(c, "Stream"):
			nouns = append(sized(nouns, el), p.stream(c))
		case named(c, "Siprec"):
			nouns = append(sized(nouns, el), p.siprec(c))
		case named(c, "Transcription"):
			nouns = append(sized(nouns, el), p.transcription(c))
		case named(c, "Recording") && recording:
			nouns = append(sized(nouns, el), p.recording(c))
		default:
			p.misplaced(c, CodeStartNested)
		}
	})
	return nouns
}

// parametersAndConfig reads the <Parameter> and, if config is not nil,
// <Config> children of el.
func (p *parser) parametersAndConfig(el *etree.Element, params, config *[]Parameter) {
	p.noText(el)
	children(el, func(c *etree.Element) {
		switch {
		case named(c, "Parameter"):
			*params = append(*params, p.parameter(c))
		case named(c, "Config") && config != nil:
			*config = append(*config, p.parameter(c))
		default:
			p.misplaced(c, CodeSchema)
		}
	})
}

// stream reads <Stream>.
func (p *parser) stream(el *etree.Element) *Stream {
	a := p.attrsOf(el)
	s := &Stream{
		URL:                  a.str("url"),
		Name:                 a.str("name"),
		Track:                a.enum("track", "inbound_track", CodeSchema, validForkTrack, "inbound_track, outbound_track or both_tracks"),
		StatusCallback:       a.url("statusCallback", CodeInvalidURL),
		StatusCallbackMethod: a.method("statusCallbackMethod", CodeSchema),
		ConnectorName:        a.str("connectorName"),
	}
	a.done()
	p.parametersAndConfig(el, &s.Parameters, nil)
	return s
}

// room reads <Room>.
func (p *parser) room(el *etree.Element) *Room {
	a := p.attrsOf(el)
	r := &Room{ParticipantIdentity: a.str("participantIdentity")}
	a.done()
	r.Name = p.text(el)
	if r.Name == "" {
		p.report(el, CodeSchema, "<Room> has no room name")
	}
	return r
}

// virtualAgent reads <VirtualAgent>.
func (p *parser) virtualAgent(el *etree.Element) *VirtualAgent {
	a := p.attrsOf(el)
	v := &VirtualAgent{
		ConnectorName:        a.str("connectorName"),
		Language:             a.str("language"),
		SentimentAnalysis:    a.boolean("sentimentAnalysis", false, CodeSchema),
		StatusCallback:       a.url("statusCallback", CodeInvalidURL),
		StatusCallbackMethod: a.method("statusCallbackMethod", CodeSchema),
	}
	a.done()
	p.parametersAndConfig(el, &v.Parameters, &v.Config)
	return v
}

// conversationRelay reads <ConversationRelay>: its many attributes are
// kept as written, without checks.
func (p *parser) conversationRelay(el *etree.Element) *ConversationRelay {
	a := p.attrsOf(el)
	c := &ConversationRelay{URL: a.str("url")}
	c.Attrs = a.rest()
	p.noText(el)
	children(el, func(ch *etree.Element) {
		switch {
		case named(ch, "Parameter"):
			c.Parameters = append(c.Parameters, p.parameter(ch))
		case named(ch, "Language"):
			c.Languages = append(c.Languages, element(ch))
		default:
			p.misplaced(ch, CodeSchema)
		}
	})
	return c
}

// siprec reads <Siprec>.
func (p *parser) siprec(el *etree.Element) *Siprec {
	a := p.attrsOf(el)
	s := &Siprec{
		Name:                 a.str("name"),
		ConnectorName:        a.str("connectorName"),
		Track:                a.enum("track", "inbound_track", CodeSchema, validForkTrack, "inbound_track, outbound_track or both_tracks"),
		StatusCallback:       a.url("statusCallback", CodeInvalidURL),
		StatusCallbackMethod: a.method("statusCallbackMethod", CodeSchema),
	}
	a.done()
	p.parametersAndConfig(el, &s.Parameters, nil)
	return s
}

// transcription reads <Transcription>. Its documented attributes without a
// field of their own go to Attrs; so do unknown ones, which are also
// reported.
func (p *parser) transcription(el *etree.Element) *Transcription {
	a := p.attrsOf(el)
	t := &Transcription{
		Name:                 a.str("name"),
		Track:                a.enum("track", "both_tracks", CodeSchema, validForkTrack, "inbound_track, outbound_track or both_tracks"),
		LanguageCode:         a.str("languageCode"),
		TranscriptionEngine:  a.str("transcriptionEngine"),
		SpeechModel:          a.str("speechModel"),
		ProfanityFilter:      a.boolean("profanityFilter", true, CodeSchema),
		PartialResults:       a.boolean("partialResults", false, CodeSchema),
		Hints:                a.str("hints"),
		StatusCallbackURL:    a.url("statusCallbackUrl", CodeInvalidURL),
		StatusCallbackMethod: a.method("statusCallbackMethod", CodeSchema),
	}
	t.Attrs = a.rest()
	for _, at := range t.Attrs {
		switch at.Name {
		case "enableAutomaticPunctuation", "inboundTrackLabel", "outboundTrackLabel", "intelligenceService":
		default:
			p.report(el, CodeSchema, "<Transcription> has no attribute %q; Twilio ignores it", at.Name)
		}
	}
	p.parametersAndConfig(el, &t.Parameters, &t.Config)
	return t
}

// recording reads the <Recording> noun of <Start>.
func (p *parser) recording(el *etree.Element) *Recording {
	a := p.attrsOf(el)
	r := &Recording{
		Channels:                      a.enum("channels", "mono", CodeSchema, func(v string) bool { return v == "mono" || v == "dual" }, "mono or dual"),
		Track:                         a.enum("track", "both", CodeSchema, validRecordingTrack, "inbound, outbound or both"),
		Trim:                          a.enum("trim", "do-not-trim", CodeSchema, validTrim, "trim-silence or do-not-trim"),
		RecordingStatusCallback:       a.url("recordingStatusCallback", CodeInvalidURL),
		RecordingStatusCallbackMethod: a.method("recordingStatusCallbackMethod", CodeSchema),
		RecordingStatusCallbackEvent:  a.list("recordingStatusCallbackEvent", CodeRecordingStatusCallbackEvent, validRecordingEvent, "made of in-progress, completed and absent", "completed"),
		RecordingConfigurationID:      a.str("recordingConfigurationId"),
	}
	a.done()
	p.noText(el)
	p.noChildren(el)
	return r
}
