package twilioapi

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// InputError is a parameter the API rejects. Its message says what was
// wrong in the words a REST error shows ("PageSize must be a positive
// integer: x"); the caller chooses Twilio's code.
type InputError struct {
	Param   string
	Message string
}

func (e *InputError) Error() string { return e.Message }

// Form reads the parameters of a REST request as Twilio reads them: Get,
// URL, Method and Int trim the value, Raw, Bool and Choice read it as sent;
// methods are GET or POST in any case, URLs must be absolute. Its methods
// return plain errors; the caller picks Twilio's code.
type Form url.Values

// Errors of the values [Form] reads.
var (
	ErrNotURL    = errors.New("not an absolute http or https URL with a valid host")
	ErrNotMethod = errors.New("not GET or POST")
	ErrNotInt    = errors.New("not an integer in range")
	ErrNotBool   = errors.New("not true or false")
	ErrNotChoice = errors.New("not one of the allowed values")
)

// Get returns the first value of name, trimmed.
func (f Form) Get(name string) string { return strings.TrimSpace(url.Values(f).Get(name)) }

// Raw returns the first value of name as sent.
func (f Form) Raw(name string) string { return url.Values(f).Get(name) }

// Has reports whether name was sent at all, even empty.
func (f Form) Has(name string) bool {
	_, ok := f[name]
	return ok
}

// List returns the values of a list parameter, sent as the same key
// repeated (as twilio-go does) or as values separated by spaces (as
// Twilio's docs show).
func (f Form) List(name string) []string {
	var out []string
	for _, v := range f[name] {
		out = append(out, strings.Fields(v)...)
	}
	return out
}

// URL returns an optional absolute URL parameter ("" when absent).
func (f Form) URL(name string) (string, error) {
	v := f.Get(name)
	if v != "" && CheckURL(v) != nil {
		return "", ErrNotURL
	}
	return v, nil
}

// Method returns an optional HTTP method parameter, POST when absent.
func (f Form) Method(name string) (string, error) { return Method(url.Values(f).Get(name)) }

// Int returns an optional integer parameter within [lo, hi], and whether it
// was given.
func (f Form) Int(name string, lo, hi int) (int, bool, error) {
	v := f.Get(name)
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, true, ErrNotInt
	}
	return n, true, nil
}

// Bool returns an optional boolean parameter (true or false in any case),
// and whether it was given.
func (f Form) Bool(name string) (bool, bool, error) {
	switch strings.ToLower(url.Values(f).Get(name)) {
	case "":
		return false, false, nil
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	return false, true, ErrNotBool
}

// Choice returns an optional parameter that must be one of allowed (as
// sent, case-sensitive), or def when absent.
func (f Form) Choice(name, def string, allowed ...string) (string, error) {
	v := url.Values(f).Get(name)
	if v == "" {
		return def, nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", ErrNotChoice
}

// Method normalises a webhook method: "" is POST; GET and POST in any case
// are accepted.
func Method(m string) (string, error) {
	switch strings.ToUpper(strings.TrimSpace(m)) {
	case "", "POST":
		return "POST", nil
	case "GET":
		return "GET", nil
	}
	return "", ErrNotMethod
}

// CheckURL accepts absolute http and https URLs with a host name that has
// no underscore, as Twilio requires of webhook URLs.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || strings.Contains(u.Host, "_") {
		return ErrNotURL
	}
	return nil
}
