package harness

import "github.com/twimlharness/twimlharness/harness/internal/phone"

// testFrom is Twilio's test number that is always a valid From.
const testFrom = "+15005550006"

// checkFromLocked returns Twilio's error 21210 unless the account may
// place a call from from: a phone number it owns or has verified as a
// caller ID. An account that has declared neither may call from any
// number, and so may every account with [Fidelity.AnyFrom]; Twilio's test
// number +15005550006 is always accepted; client: and sip: addresses, and
// caller ID labels towards them, are not checked.
func (s *Server) checkFromLocked(acct *account, from string) *APIError {
	if _, kind := phone.Normalize(from); kind != phone.Phone || from == testFrom || s.cfg.fidelity.AnyFrom {
		return nil
	}
	if n := s.dir.numbers[from]; n != nil && n.AccountSID == acct.sid {
		return nil
	}
	if s.dir.callerIDOf(acct.sid, from) != nil || !s.dir.declares(acct.sid) {
		return nil
	}
	return badRequest(codeFromNotVerified, "The source phone number provided, %s, is not yet verified for your account. "+
		"You may only make calls from phone numbers that you've verified or purchased from Twilio.", from)
}
