package harness

import (
	"strings"

	"github.com/twimlharness/twimlharness/harness/internal/phone"
)

// number is an incoming number as the server keeps it: what the library
// sees ([IncomingNumber]) and the rest of the IncomingPhoneNumber resource.
// It is guarded by Server.mu.
type number struct {
	IncomingNumber
	entry
	kind           string // its type: numberLocal, numberMobile or numberTollFree
	apiVersion     string
	callerIDLookup bool
	receiveMode    string // voice or fax
	trunkSID       string
	sms            smsSettings
	smsAppSID      string
	emergency      string // EmergencyStatus: Active or Inactive
	emergencyAddr  string // EmergencyAddressSid
	identitySID    string
	addressSID     string
	bundleSID      string
}

// The types of numbers, as the resource's type field and the typed lists
// (…/IncomingPhoneNumbers/Local.json) name them.
const (
	numberLocal    = "local"
	numberMobile   = "mobile"
	numberTollFree = "toll-free"
)

// newNumber returns a number with Twilio's defaults and the settings of n,
// whose methods are already checked.
func newNumber(n IncomingNumber, kind string) *number {
	if n.FriendlyName == "" {
		n.FriendlyName = phone.Format(n.PhoneNumber)
	}
	return &number{IncomingNumber: n, kind: kind, apiVersion: apiVersion, receiveMode: "voice",
		sms: defaultSMS(), emergency: "Inactive"}
}

// tollFreePrefixes are the North American toll-free area codes.
var tollFreePrefixes = []string{"+1800", "+1833", "+1844", "+1855", "+1866", "+1877", "+1888"}

// kindOfNumber returns the type of a number bought without saying which:
// toll-free for the North American toll-free codes, local otherwise.
func kindOfNumber(num string) string {
	for _, p := range tollFreePrefixes {
		if strings.HasPrefix(num, p) {
			return numberTollFree
		}
	}
	return numberLocal
}

// unconfiguredTwiML is what a call to a number with neither a voice URL nor
// an application hears, in place of Twilio's own message.
const unconfiguredTwiML = `<Response><Say>This phone number has no voice URL or application configured yet. Goodbye.</Say></Response>`

// routeLocked returns where a call to n gets its TwiML, where it reports
// its status (the completed event), and the SID of the application whose
// settings it uses, if any. A number with an application of its account
// uses the application's settings; one whose application is gone uses its
// own; one with neither a voice URL nor an application answers with
// unconfiguredTwiML.
func (s *Server) routeLocked(n *number) (source, callback, string) {
	if a := s.dir.apps[n.VoiceApplicationSID]; a != nil && a.AccountSID == n.AccountSID {
		if a.VoiceURL == "" {
			return source{twiml: unconfiguredTwiML}, a.callback(), a.SID
		}
		return a.source(), a.callback(), a.SID
	}
	if n.VoiceURL == "" {
		return source{twiml: unconfiguredTwiML}, n.callback(), ""
	}
	return n.source(), n.callback(), ""
}

// numberBySIDLocked returns the account's number sid, or nil.
func (s *Server) numberBySIDLocked(accountSID, sid string) *number {
	for _, n := range s.dir.numbers {
		if n.SID == sid && n.AccountSID == accountSID {
			return n
		}
	}
	return nil
}
