package harness

import (
	"fmt"

	"github.com/twimlharness/twimlharness/harness/internal/phone"
)

// CallerID is a verified caller ID of an account: a phone number the
// account may place calls from although it is not one of its incoming
// numbers. The REST API's OutgoingCallerIds resource shows the same caller
// IDs; a validation request (POST /OutgoingCallerIds.json) adds one once
// its verification call succeeds.
type CallerID struct {
	// SID is set by [Server.AddCallerID] ("PN" and 32 hex digits, as
	// Twilio's caller IDs have).
	SID string
	// AccountSID is the account that verified it; empty means the server's
	// first one.
	AccountSID string
	// PhoneNumber is the number, in E.164.
	PhoneNumber string
	// FriendlyName is how the REST API names it; empty means the number
	// formatted ("(415) 555-0100").
	FriendlyName string
}

// callerID is a [CallerID] as the server keeps it. It is guarded by
// Server.mu.
type callerID struct {
	CallerID
	entry
}

// AddCallerID adds a verified caller ID to an account, as if the account
// had verified it, and returns its SID. It returns an error if the number
// is not a phone number, the account is unknown, the friendly name is
// longer than 64 characters, or the account has verified the number
// already.
func (s *Server) AddCallerID(id CallerID) (string, error) {
	if id.AccountSID == "" {
		id.AccountSID = s.cfg.accountSID
	}
	num, kind := phone.Normalize(id.PhoneNumber)
	if kind != phone.Phone {
		return "", fmt.Errorf("harness: add caller ID: %q is not a phone number: want E.164, such as +14155550100", id.PhoneNumber)
	}
	id.PhoneNumber = num
	if _, err := checkFriendlyName("FriendlyName", id.FriendlyName); err != nil {
		return "", fmt.Errorf("harness: add caller ID %s: %s", num, err.Message)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[id.AccountSID]; !ok {
		return "", fmt.Errorf("harness: add caller ID %s: unknown account %s", num, id.AccountSID)
	}
	if old := s.dir.callerIDOf(id.AccountSID, num); old != nil {
		return "", fmt.Errorf("harness: add caller ID %s: account %s has verified it already, as %s", num, id.AccountSID, old.SID)
	}
	return s.addCallerIDLocked(id).SID, nil
}

// addCallerIDLocked adds a checked caller ID.
func (s *Server) addCallerIDLocked(id CallerID) *callerID {
	if id.FriendlyName == "" {
		id.FriendlyName = phone.Format(id.PhoneNumber)
	}
	id.SID = s.newDirectorySIDLocked("PN")
	c := &callerID{CallerID: id}
	s.stampLocked(&c.entry)
	s.dir.callerIDs[c.SID] = c
	return c
}

// CallerIDs returns the verified caller IDs of every account of the
// server, however they were added, in the order they were added.
func (s *Server) CallerIDs() []CallerID {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := inOrder(s.dir.callerIDs, func(c *callerID) uint64 { return c.seq }, func(*callerID) bool { return true })
	out := make([]CallerID, len(ids))
	for i, c := range ids {
		out[i] = c.CallerID
	}
	return out
}

// callerIDOf returns the account's caller ID for the phone number num, or
// nil.
func (d *directory) callerIDOf(accountSID, num string) *callerID {
	for _, c := range d.callerIDs {
		if c.AccountSID == accountSID && c.PhoneNumber == num {
			return c
		}
	}
	return nil
}
