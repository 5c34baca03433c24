// Package twiml is the TwiML voice language as the harness reads it: strict
// parsing of a document with [github.com/beevik/etree] into typed verbs, with
// Twilio's defaults and Twilio's error codes.
//
// Parse a document with [Parse], or with [MustParse] for literals in tests:
//
//	doc, err := twiml.Parse([]byte(`<Response><Say>Hello</Say><Hangup/></Response>`))
//
// A document that cannot be read fails with a [*ParseError] that carries
// Twilio's code: 12100 for XML that does not parse (with its line), 12102 for a
// root element other than <Response>.
//
// The package has no HTTP and no clock: the harness executes the verbs.
//
// # Fidelity
//
//   - <Say>, <Pause> and <Hangup> are typed verbs with Twilio's defaults. Every
//     other element is kept as an [Element] with its name, attributes, text and
//     children, so that the interpreter can report it as not simulated yet
//     instead of skipping it.
//   - Element and attribute names are case-sensitive, as on Twilio: <say> is an
//     unknown element, not a <Say>.
package twiml
