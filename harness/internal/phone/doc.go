// Package phone reads and formats the addresses of calls: phone numbers,
// which [Normalize] brings to E.164, and client:, sip: and sim: addresses,
// which it keeps as given. It is internal to the harness.
//
// Its functions are pure: no clock, no I/O, no mutable package state (the
// table of calling codes is read only), so they are safe for concurrent use.
//
// # Fidelity
//
// Twilio validates numbers against its numbering plans; this package only
// checks their shape: E.164 with 7 to 15 digits, or a North American number
// of 10 digits (or 11 starting with 1) written with spaces, dashes, dots or
// parentheses. [Country] knows a short list of calling codes and reports
// every +1 number as US.
package phone
