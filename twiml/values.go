package twiml

import (
	"strconv"
	"strings"
)

// Upper bounds of numeric attributes that Twilio does not bound.
const (
	// MaxSeconds bounds attributes counted in seconds (a <Pause> length, a
	// <Gather> or <Record> timeout): 86400 seconds is the longest call
	// Twilio allows.
	MaxSeconds = 86400
	// MaxLoop bounds loop on <Say> and <Play>: Twilio plays loop="0" 1,000
	// times, so more could never be heard.
	MaxLoop = 1000
)

// This file holds the checks of attribute values and texts: each reports
// whether Twilio accepts a value.

// only reports whether v is not empty and made only of bytes in set.
func only(v, set string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		if strings.IndexByte(set, v[i]) < 0 {
			return false
		}
	}
	return true
}

// positive returns v as a positive whole number.
func positive(v string) (int, bool) {
	n, err := strconv.Atoi(v)
	return n, err == nil && n > 0
}

func validVoice(v string) bool {
	switch v {
	case "man", "woman", "alice":
		return true
	}
	for _, prefix := range [...]string{"Polly.", "Google."} {
		if len(v) > len(prefix) && strings.HasPrefix(v, prefix) {
			return true
		}
	}
	return false
}

func validPlayDigits(v string) bool { return only(v, "0123456789ABCD*#wW") }
func validSendDigits(v string) bool { return only(v, "0123456789*#wW") }
func validRecordKeys(v string) bool { return v == "" || only(v, "0123456789*#") }
func validGatherKey(v string) bool  { return v == "" || (len(v) == 1 && only(v, "0123456789*#")) }

func validInput(v string) bool { return v == "dtmf" || v == "speech" }

func validSpeechTimeout(v string) bool {
	if v == "auto" {
		return true
	}
	_, ok := positive(v)
	return ok
}

func validSpeechModel(v string) bool {
	switch v {
	case "default", "numbers_and_commands", "phone_call", "experimental_conversations", "experimental_utterances":
		return true
	}
	for _, prefix := range [...]string{"googlev2_", "deepgram_"} {
		if len(v) > len(prefix) && strings.HasPrefix(v, prefix) {
			return true
		}
	}
	return false
}

func validTrim(v string) bool { return v == "trim-silence" || v == "do-not-trim" }

func validRecordingEvent(v string) bool {
	return v == "in-progress" || v == "completed" || v == "absent"
}

func validRecordingTrack(v string) bool {
	return v == "inbound" || v == "outbound" || v == "both"
}

func validForkTrack(v string) bool {
	return v == "inbound_track" || v == "outbound_track" || v == "both_tracks"
}

func validRejectReason(v string) bool { return v == "rejected" || v == "busy" }

func validCallEvent(v string) bool {
	switch v {
	case "initiated", "ringing", "answered", "completed":
		return true
	}
	return false
}

func validConferenceEvent(v string) bool {
	switch v {
	case "start", "end", "join", "leave", "mute", "hold", "modify", "speaker", "announcement":
		return true
	}
	return false
}

func validBeep(v string) bool {
	switch v {
	case "true", "false", "onEnter", "onExit":
		return true
	}
	return false
}

func validConferenceRecord(v string) bool { return v == "do-not-record" || v == "record-from-start" }

func validJitterBuffer(v string) bool {
	switch v {
	case "off", "small", "medium", "large":
		return true
	}
	return false
}

func validMachineDetection(v string) bool { return v == "Enable" || v == "DetectMessageEnd" }

// validRingTone reports whether v is one of the ringTone country codes of
// Twilio's <Dial> documentation.
func validRingTone(v string) bool {
	switch v {
	case "at", "au", "bg", "br", "be", "ch", "cl", "cn", "cz", "de", "dk", "ee", "es", "fi",
		"fr", "gr", "hu", "il", "in", "it", "lt", "jp", "mx", "my", "nl", "no", "nz", "ph",
		"pl", "pt", "ru", "se", "sg", "th", "uk", "us", "us-old", "tw", "ve", "za":
		return true
	}
	return false
}

// validCallerID reports whether v can be a caller ID: a phone number
// (formatted or not), client:identity, or a SIP user.
func validCallerID(v string) bool {
	return strings.TrimSpace(v) != "" && only(v, "0123456789+-_.:@() abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
}

// validPhone reports whether v is a phone number as Twilio takes it in
// <Number>: E.164 (+ and up to 15 digits), or unformatted or formatted US
// style such as (415) 555-1212 or 415-555-1212.
// IsPhoneNumber reports whether v is written as Twilio accepts a phone
// number in <Dial> and <Number>: 3 to 15 digits, an optional leading +, and
// spaces, dashes, dots and parentheses between them. Anything else is
// warning 13223.
func IsPhoneNumber(v string) bool { return validPhone(v) }

func validPhone(v string) bool {
	digits := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '+' && i == 0:
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.':
		default:
			return false
		}
	}
	return digits >= 3 && digits <= 15
}

// validSipURI reports whether v is a sip: or sips: URI.
func validSipURI(v string) bool {
	lower := strings.ToLower(v)
	for _, scheme := range [...]string{"sip:", "sips:"} {
		if len(v) > len(scheme) && strings.HasPrefix(lower, scheme) && !strings.ContainsAny(v, " \t\r\n<>") {
			return true
		}
	}
	return false
}

func validPaymentMethod(v string) bool { return v == "credit-card" || v == "ach-debit" }

func validBankAccountType(v string) bool {
	switch v {
	case "consumer-checking", "consumer-savings", "commercial-checking", "commercial-savings":
		return true
	}
	return false
}

func validTokenType(v string) bool {
	return v == "one-time" || v == "reusable" || v == "payment-method"
}

func validCardType(v string) bool {
	switch v {
	case "visa", "mastercard", "amex", "maestro", "discover", "optima", "jcb", "diners-club", "enroute":
		return true
	}
	return false
}

func validPayStep(v string) bool {
	switch v {
	case "payment-card-number", "expiration-date", "security-code", "postal-code",
		"bank-routing-number", "bank-account-number", "payment-processing":
		return true
	}
	return false
}

func validPayError(v string) bool {
	switch v {
	case "timeout", "invalid-card-number", "invalid-card-type", "invalid-date",
		"invalid-security-code", "internal-error", "input-matching-failed",
		"invalid-postal-code", "invalid-bank-routing-number", "invalid-bank-account-number":
		return true
	}
	return false
}
