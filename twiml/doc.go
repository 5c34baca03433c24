// Package twiml is the TwiML voice language as the harness reads it: strict
// parsing of a document with [github.com/beevik/etree] into typed verbs and
// nouns with Twilio's defaults, validation with Twilio's error and warning
// codes, and the resolution of the URLs a document contains.
//
// The package has no HTTP and no clock: the harness fetches documents and
// executes the verbs.
//
// # Parsing
//
// Parse a document with [Parse], or with [MustParse] for literals in tests:
//
//	doc, err := twiml.Parse(body)
//	if err != nil {
//		// *twiml.ParseError: Twilio refuses the document (12100, 12102)
//	}
//	for _, v := range doc.Verbs {
//		switch v := v.(type) {
//		case *twiml.Say: // v.Text, v.Voice, v.Loop…
//		case *twiml.Gather: // v.Timeout is 5 unless the document says otherwise
//		case *twiml.Element: // not a voice verb: Twilio skips it
//		}
//	}
//	for _, p := range doc.Problems {
//		log.Print(p) // warning 13313 at Response/Gather[1]: timeout="x" is not…
//	}
//
// Every verb and noun comes typed ([*Say], [*Gather], [*Dial] with its
// [*Number], [*Conference]… nouns), with the defaults Twilio applies to
// what the document leaves out, so that the interpreter never has to know
// a default.
//
// A document that Twilio cannot read at all fails with a [*ParseError] that
// carries Twilio's code: 12100 ([CodeParseFailure]) for XML that does not
// parse (with its line when known) or an empty document ([ErrEmpty]), 12102
// ([CodeBadRoot]) for a root element other than <Response>.
//
// Everything else Twilio only logs to its debugger and runs the document
// anyway; Parse does the same and reports it in [Document.Problems], in
// document order, each with Twilio's code, the catalog's [Level] and an
// indexed path such as "Response/Gather[1]/Say[2]":
//
//   - an unknown element, an element name in the wrong case (<say>) or a
//     noun outside its verb is 12200 ([CodeSchema]); at the top level it is
//     kept as an [*Element], which the interpreter skips;
//   - an unknown attribute, or one in the wrong case (Voice=), is 12200 and
//     is ignored;
//   - a child that may not be nested where it is is dropped, with the code
//     of its parent: 13320 in <Gather> (which takes only <Say>, <Play> and
//     <Pause>), 13215 in <Dial>, 14300 in <Start> and <Stop>, 12200
//     elsewhere;
//   - an attribute value that Twilio does not accept is reported with the
//     verb's own code (13313 for a <Gather> timeout, 13212 for a <Dial>
//     timeout…) and replaced by the default.
//
// The codes are constants of this package (Code…), each with the title it
// has in Twilio's error catalog.
//
// # URLs
//
// [Resolve] turns a URL written in a document (an action, a <Redirect>, a
// <Number url>, a waitUrl) into the URL Twilio requests, resolving it
// against the URL of the document as RFC 3986 says. A URL Twilio cannot
// request fails with an error wrapping [ErrBadURL], Twilio's 11100
// ([CodeInvalidURL]).
//
// # Fidelity
//
// Where Twilio's documentation says what happens, the package does that.
// Where it does not, the package makes one choice, listed here.
//
// The document:
//
//   - Whitespace before and after the document is accepted. Twilio's 12100
//     page names whitespace before the XML declaration as a cause of 12100;
//     the harness accepts it because web frameworks often add it and it
//     tells a test nothing.
//   - XML is read with Go's encoding/xml (through etree), which is strict
//     but not a full XML 1.0 validator: a few malformed documents that
//     Twilio's parser would refuse may be accepted (see
//     https://github.com/golang/go/issues/68299). An attribute given twice
//     is refused with 12100, as an XML parser does.
//   - Names are case-sensitive, as on Twilio. Elements with a namespace
//     prefix are unknown elements; namespace declarations (xmlns) are
//     ignored.
//   - Text where an element takes none (<Pause>5</Pause>, text inside
//     <Response> or <Gather>) is reported as 12200 and ignored.
//
// Attribute values:
//
//   - Methods are GET or POST in any case, and come out in upper case;
//     booleans are true or false in any case. Twilio documents the values
//     but not whether case matters.
//   - Ranges: <Gather> timeout 1 to 86400 and numDigits positive (so
//     timeout="0" is 13313 and becomes 5), maxSpeechTime 1 to 60; <Dial>
//     timeout 5 to 600 and timeLimit 1 to 86400; <Record> timeout 0 to
//     86400, maxLength 2 to 86400; <Pause> length 1 to 86400; loop 0 to
//     1000 on <Say> and <Play>; the answering machine detection attributes
//     as on Twilio's <Number> page. Twilio documents no upper bound for the
//     timeouts, the length of a pause or a loop: 86400 seconds is the
//     longest call Twilio allows, and 1,000 is what Twilio plays for
//     loop="0", so a larger value could not be played out. A value out of
//     range is reported with the attribute's code and replaced by the
//     default, never silently changed or left to overflow.
//   - Where the catalog has no code of its own for an attribute (the
//     statusCallbackEvent of a noun, answering machine detection values, a
//     <Stream> track, most <Pay> and <Conference> attributes, the method of
//     a noun other than <Number>, <Sip> and <Queue>), a value outside the
//     documented set is 12200, as a schema validation would say.
//   - A URL attribute that Twilio could not request (ftp:, no host, a bad
//     escape, white space inside) is reported as 11100, or the verb's own
//     code (13233 for a Conference waitUrl, 14202 and 14203 for <Enqueue>),
//     and kept as written: Twilio only fails when it uses the URL, so the
//     interpreter gets the same failure from [Resolve] at that moment.
//   - <Say> voice must be man, woman, alice, or start with Polly. or
//     Google.; the providers' voice names are not checked. Text longer than
//     4096 bytes (Polly 3000, Google 5000, as the 13521 page says) is 13521
//     and kept.
//   - <Gather> speechModel must be a documented model or start with
//     googlev2_ or deepgram_. 13311 has the same title as 13310 and its
//     trigger is not documented: the package uses 13310 only.
//   - <Play digits> inside <Gather> is dropped with 13320. A <Play> with
//     neither a URL nor digits, and a <Redirect> without a URL, are 11100
//     (the catalog's "Bad URL in Play or Redirect Verb Body") and kept.
//   - A <Number>, <Dial> text or <Sms> to/from is a phone number when it is
//     E.164 or US-formatted ((415) 555-1212, 415-555-1212): an optional +,
//     3 to 15 digits, and spaces, dashes, dots and parentheses. Anything
//     else is 13223 (14101, 14102 for <Sms>) and kept: Twilio fails the
//     dial, which is the interpreter's business.
//   - <Record transcribe="true"> without maxLength records at most 120
//     seconds; with a maxLength over 120 it is 13615 and the value is kept.
//     finishOnKey="" is accepted on <Record> as on <Gather>.
//   - asyncAmd attributes on <Number> or <Sip> are 21263, as the catalog
//     says; they are ignored.
//
// Nesting:
//
//   - A <Dial> rings at most ten <Number> and <Client> nouns (Twilio's
//     documented limit); later ones are dropped with 12200.
//   - A <Conference> must be the only noun of its <Dial> (13000): when it
//     is not, the noun that comes second is dropped.
//   - A <Dial> with nouns ignores its text (12200); a <Dial> with neither is
//     13223.
//   - <WhatsApp> in <Dial>, and <Conversation>, <Assistant>, <AiSession>,
//     <ConversationRelaySession> and <Autopilot> in <Connect>, exist in
//     Twilio's helper libraries but not in its TwiML documentation: they are
//     kept as [*Element] nouns without checks.
//   - <ConversationRelay> attributes other than url are kept in Attrs
//     without checks; <Transcription> attributes without a field go to
//     Attrs, and those Twilio does not document are also reported.
//   - An empty <Enqueue> is 14204 unless it has a workflowSid; a <Task>
//     that is not JSON is 14221.
//
// Defaults that Twilio documents only in part: <Gather> bargeIn true and
// maxSpeechTime 60; <Conference> trim "trim-silence", recording status
// callbacks POST for ["completed"]; <Transcription> profanityFilter true;
// status callback methods POST everywhere. A <Conference> or <Enqueue>
// waitUrl="" cannot be told apart from no waitUrl.
//
// Codes: every code the package reports is in Twilio's catalog. These were
// read on Twilio's own catalog pages: 11100, 12100, 12102, 12200, 13000,
// 13210, 13212, 13215 to 13217, 13220 to 13223, 13231 to 13233, 13235,
// 13237, 13239, 13243, 13312, 13320, 13322, 13327, 13328, 13332, 13334,
// 13336, 13338, 13339, 13430, 13520, 13521, 13610, 13611, 13614, 13616,
// 13621, 13699, 13710, 13810, 13910, 14101 to 14104, 14201 to 14203,
// 14206, 14300 and 21263. These come from copies of the catalog only, with
// the numbering around them confirmed: 13213, 13214, 13218, 13219, 13230,
// 13234, 13241, 13310, 13313, 13314, 13321, 13326, 13329, 13333, 13410,
// 13510, 13511, 13612, 13613, 13615, 14204, 14205, 14210, 14212, 14213 and
// 14221.
package twiml
