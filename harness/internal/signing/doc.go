// Package signing builds the parameters of the harness's webhooks and signs
// them as Twilio does: [Params] is the sorted parameter list, [Params.Encode]
// its form encoding, and [Signer] computes X-Twilio-Signature. It is internal
// to the harness.
//
// Everything here is a pure function of its input: no clock, no randomness,
// no I/O. The bytes it produces are part of the golden transcripts. A
// [Signer] reuses its buffers and is not safe for concurrent use; the
// server's lock guards the server's signers.
//
// # Fidelity
//
// The signature is Twilio's documented scheme (HMAC-SHA1 of the URL followed
// by each POST parameter's name and value, names sorted), which twilio-go's
// RequestValidator accepts. Only the first value of a repeated name is
// signed, as the validators of Twilio's helper libraries read it.
package signing
