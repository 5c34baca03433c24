package harness

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/twimlharness/twimlharness/harness/internal/twilioapi"
)

// The create and update parameters of the resources that keep settings
// (incoming numbers, applications), declared once as tables: each
// parameter's name, how its value is checked, and where it goes. A
// parameter sent empty clears a URL or a SID, and sets a method to POST.

// setting is one optional form parameter of a resource of type T.
type setting[T any] struct {
	name  string
	check func(name, value string) (string, *APIError)
	set   func(*T, string)
}

// applySettings checks each parameter of settings that form carries and
// sets it on v, in the table's order. It stops at the first problem and
// leaves v partly set: callers apply to a copy.
func applySettings[T any](form twilioapi.Form, v *T, settings []setting[T]) *APIError {
	for _, st := range settings {
		if !form.Has(st.name) {
			continue
		}
		val, err := st.check(st.name, form.Get(st.name))
		if err != nil {
			return err
		}
		st.set(v, val)
	}
	return nil
}

// checkURL accepts an absolute http or https URL, or nothing.
func checkURL(name, v string) (string, *APIError) {
	if v != "" && twilioapi.CheckURL(v) != nil {
		return "", badRequest(codeNoURL, "%s is not a valid URL: %s", name, v)
	}
	return v, nil
}

// checkMethod accepts GET or POST in any case; nothing is POST.
func checkMethod(name, v string) (string, *APIError) {
	m, err := twilioapi.Method(v)
	if err != nil {
		return "", badRequest(codeInvalidMethod, "%s must be GET or POST: %s", name, v)
	}
	return m, nil
}

var sidPattern = regexp.MustCompile(`^[A-Z]{2}[0-9a-fA-F]{32}$`)

// checkSID returns a check of a SID with prefix ("AD"), or nothing.
func checkSID(prefix string) func(name, v string) (string, *APIError) {
	return func(name, v string) (string, *APIError) {
		if v != "" && (!sidPattern.MatchString(v) || !strings.HasPrefix(v, prefix)) {
			return "", badRequest(codeBadRequest, "%s must be %s followed by 32 hex digits: %s", name, prefix, v)
		}
		return v, nil
	}
}

// checkChoice returns a check of a value among allowed, as sent.
func checkChoice(allowed ...string) func(name, v string) (string, *APIError) {
	return func(name, v string) (string, *APIError) {
		for _, a := range allowed {
			if v == a {
				return v, nil
			}
		}
		return "", badRequest(codeBadRequest, "%s must be one of %s: %s", name, strings.Join(allowed, ", "), v)
	}
}

// checkBool accepts true or false in any case, and gives it in lower case.
func checkBool(name, v string) (string, *APIError) {
	switch b := strings.ToLower(v); b {
	case "true", "false":
		return b, nil
	}
	return "", badRequest(codeBadRequest, "%s must be true or false: %s", name, v)
}

// maxFriendlyName is the longest FriendlyName Twilio takes, in characters.
const maxFriendlyName = 64

// checkFriendlyName accepts up to 64 characters.
func checkFriendlyName(name, v string) (string, *APIError) {
	if utf8.RuneCountInString(v) > maxFriendlyName {
		return "", badRequest(codeBadRequest, "%s may be at most %d characters long: %q", name, maxFriendlyName, v)
	}
	return v, nil
}

// checkAPIVersion accepts the two versions of Twilio's API.
var checkAPIVersion = checkChoice(apiVersion, "2008-08-01")

// voiceSettings are the parameters of the voice settings that numbers and
// applications share; vs finds them in a T.
func voiceSettings[T any](vs func(*T) *VoiceSettings) []setting[T] {
	return []setting[T]{
		{"VoiceUrl", checkURL, func(t *T, v string) { vs(t).VoiceURL = v }},
		{"VoiceMethod", checkMethod, func(t *T, v string) { vs(t).VoiceMethod = v }},
		{"VoiceFallbackUrl", checkURL, func(t *T, v string) { vs(t).VoiceFallbackURL = v }},
		{"VoiceFallbackMethod", checkMethod, func(t *T, v string) { vs(t).VoiceFallbackMethod = v }},
		{"StatusCallback", checkURL, func(t *T, v string) { vs(t).StatusCallback = v }},
		{"StatusCallbackMethod", checkMethod, func(t *T, v string) { vs(t).StatusCallbackMethod = v }},
	}
}

// smsSettings are where messages to a number (or through an application)
// go. The harness keeps and shows them; it sends no message.
type smsSettings struct {
	url, method                 string
	fallbackURL, fallbackMethod string
}

// defaultSMS are the SMS settings of a new number or application: no URL,
// methods POST.
func defaultSMS() smsSettings { return smsSettings{method: "POST", fallbackMethod: "POST"} }

// smsParams are the parameters of the SMS settings; ss finds them in a T.
func smsParams[T any](ss func(*T) *smsSettings) []setting[T] {
	return []setting[T]{
		{"SmsUrl", checkURL, func(t *T, v string) { ss(t).url = v }},
		{"SmsMethod", checkMethod, func(t *T, v string) { ss(t).method = v }},
		{"SmsFallbackUrl", checkURL, func(t *T, v string) { ss(t).fallbackURL = v }},
		{"SmsFallbackMethod", checkMethod, func(t *T, v string) { ss(t).fallbackMethod = v }},
	}
}

// orNull returns nil for an empty string: an unset URL or SID is null on
// the wire.
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
