package twilioapi

import (
	"strings"
	"time"
)

// Date formats t as Twilio's resources show dates: RFC 2822 in UTC, "Tue,
// 31 Aug 2010 20:36:28 +0000".
func Date(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// DateFilter is a date filter of a list: "StartTime", "StartTime<" or
// "StartTime>" (any name; the suffix says how it compares).
type DateFilter struct {
	Name string    // as given, with its < or > suffix
	At   time.Time // the bound, in UTC
	Day  bool      // given as YYYY-MM-DD
}

// ParseDateFilter reads a date filter's value: a date as YYYY-MM-DD
// (Twilio's documented form, its midnight UTC) or an RFC 3339 instant (what
// twilio-go sends).
func ParseDateFilter(name, value string) (DateFilter, error) {
	f := DateFilter{Name: name}
	if t, err := time.Parse(time.DateOnly, value); err == nil {
		f.At, f.Day = t, true
		return f, nil
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return f, &InputError{Param: name, Message: name + " must be a date as YYYY-MM-DD or an RFC 3339 time: " + value}
	}
	f.At = t.UTC()
	return f, nil
}

// Match reports whether t passes the filter; a zero t (the resource has no
// such date) never does. "Name<" keeps t on or before the bound, "Name>" on
// or after it, and "Name" keeps t within the bound's day (UTC).
func (f DateFilter) Match(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	switch {
	case strings.HasSuffix(f.Name, "<"):
		return !t.After(f.At)
	case strings.HasSuffix(f.Name, ">"):
		return !t.Before(f.At)
	}
	day := f.At.UTC().Truncate(24 * time.Hour)
	return !t.Before(day) && t.Before(day.Add(24*time.Hour))
}
