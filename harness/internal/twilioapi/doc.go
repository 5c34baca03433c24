// Package twilioapi holds the wire shapes of Twilio's 2010-04-01 REST API
// that every resource of the harness shares: the error body, the paging
// envelope and its query parameters, form decoding, Twilio's dates, and the
// JSON, CSV and XML representations of a resource written from one struct
// whose json tags are the only place a field's wire name is written.
//
// It is internal to the harness and knows nothing of calls or of the
// harness's error codes: functions that reject input return plain errors,
// and the caller chooses Twilio's code. It never reads the clock and keeps
// no mutable state outside the values it returns.
package twilioapi
