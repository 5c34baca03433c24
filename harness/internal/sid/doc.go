// Package sid makes the harness's identifiers: resource SIDs (a prefix and
// 32 lowercase hex digits) and idempotency tokens shaped like UUIDs. It is
// internal to the harness.
//
// A [Generator] is deterministic: the same seed gives the same identifiers
// in the same order, and SIDs and tokens come from independent streams, so
// the SIDs a test sees do not depend on how many webhooks (each with a
// token) it sent. It never reads the system clock or any other source of
// entropy. A Generator is not safe for concurrent use; the server's lock
// guards it.
//
// # Fidelity
//
// Twilio's SIDs are random; these are pseudo-random from a seed, with the
// same shape (two letters and 32 hex digits). Tokens have a UUID's shape but
// not its version and variant bits.
package sid
