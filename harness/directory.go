package harness

import (
	"cmp"
	"slices"
	"time"
)

// directory is what the server knows of its accounts' phone numbers: the
// incoming numbers they own, their TwiML applications and their verified
// caller IDs. It is one store for the library ([Server.AddNumber],
// [Server.AddApplication], [Server.AddCallerID]), the control API and the
// REST resources, so that what is added one way is seen every way, with
// the same SID. It is guarded by Server.mu, and its methods run with it
// held.
type directory struct {
	numbers   map[string]*number      // by phone number: one owner among the server's accounts
	apps      map[string]*application // by SID
	callerIDs map[string]*callerID    // by SID
	seq       uint64                  // orders what is added, for the REST lists

	// verifications are the caller ID verifications requested, by the SID
	// of their call (validation.go); a reset forgets them with the calls.
	verifications map[string]*verification
}

func newDirectory() directory {
	return directory{numbers: map[string]*number{}, apps: map[string]*application{}, callerIDs: map[string]*callerID{},
		verifications: map[string]*verification{}}
}

// clear forgets everything, as a reset does.
func (d *directory) clear() {
	clear(d.numbers)
	clear(d.apps)
	clear(d.callerIDs)
}

// entry is what every resource of the directory has: when it was added
// and last changed (virtual times), and its place in the lists.
type entry struct {
	created, updated time.Time
	seq              uint64 // the order it was added in
}

// stampLocked sets e's dates and order for a resource added now.
func (s *Server) stampLocked(e *entry) {
	s.tickLocked()
	now := s.clock.Now()
	s.dir.seq++
	*e = entry{created: now, updated: now, seq: s.dir.seq}
}

// touchLocked sets e's date_updated to now.
func (s *Server) touchLocked(e *entry) {
	s.tickLocked()
	e.updated = s.clock.Now()
}

// newDirectorySIDLocked returns a new SID with prefix that nothing in the
// directory has. After a reset that kept the directory the generator
// starts over, and would otherwise give the SIDs of what was kept again.
func (s *Server) newDirectorySIDLocked(prefix string) string {
	for {
		sid := s.ids.SID(prefix)
		if !s.dir.hasSID(sid) {
			return sid
		}
	}
}

// hasSID reports whether a number, an application or a caller ID has sid.
func (d *directory) hasSID(sid string) bool {
	if d.apps[sid] != nil || d.callerIDs[sid] != nil {
		return true
	}
	for _, n := range d.numbers {
		if n.SID == sid {
			return true
		}
	}
	return false
}

// declares reports whether the account owns an incoming number or
// has a verified caller ID: from then on it may call only from those (see
// [Fidelity.AnyFrom]).
func (d *directory) declares(accountSID string) bool {
	for _, n := range d.numbers {
		if n.AccountSID == accountSID {
			return true
		}
	}
	for _, c := range d.callerIDs {
		if c.AccountSID == accountSID {
			return true
		}
	}
	return false
}

// inOrder returns the values of m that keep, in the order they were added.
func inOrder[T any](m map[string]*T, seq func(*T) uint64, keep func(*T) bool) []*T {
	out := make([]*T, 0, len(m))
	for _, v := range m {
		if keep(v) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b *T) int { return cmp.Compare(seq(a), seq(b)) })
	return out
}
