package phone

import "strings"

// Normalize reads a To or From value as Twilio does and returns it with its
// kind. Surrounding white space is trimmed. client:, sip:, sips: and sim:
// addresses (prefix in any case) are returned as given. A client: or sim:
// address with nothing after the prefix is Invalid, and so is a sip: or
// sips: address without "@" of at most five bytes. Phone numbers in E.164,
// or North American numbers written with spaces, dashes, dots or
// parentheses, are returned in E.164. Anything else is Invalid and returned
// trimmed.
func Normalize(raw string) (string, Kind) {
	s := strings.TrimSpace(raw)
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "client:"):
		if len(s) == len("client:") {
			return s, Invalid
		}
		return s, Client
	case strings.HasPrefix(lower, "sip:"), strings.HasPrefix(lower, "sips:"):
		if !strings.Contains(s, "@") && len(s) <= len("sips:") {
			return s, Invalid
		}
		return s, SIP
	case strings.HasPrefix(lower, "sim:"):
		if len(s) == len("sim:") {
			return s, Invalid
		}
		return s, SIM
	}
	return normalizeNumber(s)
}

// normalizeNumber reads s, trimmed and not a client:, sip: or sim: address,
// as a phone number.
func normalizeNumber(s string) (string, Kind) {
	plus := strings.HasPrefix(s, "+")
	digits := make([]byte, 0, 16)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || (c == '+' && i == 0):
		default:
			return s, Invalid
		}
	}
	switch {
	case plus && len(digits) >= 7 && len(digits) <= 15 && digits[0] != '0':
		if len(digits) == len(s)-1 { // nothing but the digits: s is already in E.164
			return s, Phone
		}
		return "+" + string(digits), Phone
	case !plus && len(digits) == 10 && digits[0] >= '2':
		return "+1" + string(digits), Phone
	case !plus && len(digits) == 11 && digits[0] == '1':
		return "+" + string(digits), Phone
	}
	return s, Invalid
}
