package harness

import "strings"

// addressKind is what an address of a call names.
type addressKind int

const (
	addrInvalid addressKind = iota
	addrPhone               // an E.164 number
	addrClient              // client:name
	addrSIP                 // sip:user@host
	addrSIM                 // sim:DE…
)

// normalizeAddress reads a To or From value as Twilio does: client:, sip: and
// sim: addresses as given; phone numbers in E.164, or as North American
// numbers written with spaces, dashes, dots or parentheses, which become
// E.164.
func normalizeAddress(raw string) (string, addressKind) {
	s := strings.TrimSpace(raw)
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "client:"):
		if len(s) == len("client:") {
			return s, addrInvalid
		}
		return s, addrClient
	case strings.HasPrefix(lower, "sip:"), strings.HasPrefix(lower, "sips:"):
		if !strings.Contains(s, "@") && len(s) <= len("sips:") {
			return s, addrInvalid
		}
		return s, addrSIP
	case strings.HasPrefix(lower, "sim:"):
		if len(s) == len("sim:") {
			return s, addrInvalid
		}
		return s, addrSIM
	}
	plus := strings.HasPrefix(s, "+")
	digits := make([]byte, 0, 16)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || (c == '+' && i == 0):
		default:
			return s, addrInvalid
		}
	}
	switch {
	case plus && len(digits) >= 7 && len(digits) <= 15 && digits[0] != '0':
		return "+" + string(digits), addrPhone
	case !plus && len(digits) == 10 && digits[0] >= '2':
		return "+1" + string(digits), addrPhone
	case !plus && len(digits) == 11 && digits[0] == '1':
		return "+" + string(digits), addrPhone
	}
	return s, addrInvalid
}

// formatAddress formats an address for display as Twilio's *_formatted
// fields do: North American numbers as "(415) 867-5309", everything else as
// it is.
func formatAddress(addr string) string {
	if len(addr) == 12 && strings.HasPrefix(addr, "+1") && allDigits(addr[2:]) {
		return "(" + addr[2:5] + ") " + addr[5:8] + "-" + addr[8:]
	}
	return addr
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// countryOf returns the ISO country of an E.164 number from its calling
// code, or "" when the harness does not know the code. +1 is reported as US.
func countryOf(number string) string {
	if !strings.HasPrefix(number, "+") {
		return ""
	}
	for n := 3; n >= 1; n-- {
		if len(number) > n {
			if c, ok := callingCodes[number[1:1+n]]; ok {
				return c
			}
		}
	}
	return ""
}

// callingCodes maps international calling codes to ISO 3166 countries, for
// the geographic webhook parameters. Read only.
var callingCodes = map[string]string{
	"1": "US", "7": "RU", "20": "EG", "27": "ZA", "30": "GR", "31": "NL", "32": "BE", "33": "FR",
	"34": "ES", "36": "HU", "39": "IT", "40": "RO", "41": "CH", "43": "AT", "44": "GB", "45": "DK",
	"46": "SE", "47": "NO", "48": "PL", "49": "DE", "51": "PE", "52": "MX", "54": "AR", "55": "BR",
	"56": "CL", "57": "CO", "60": "MY", "61": "AU", "62": "ID", "63": "PH", "64": "NZ", "65": "SG",
	"66": "TH", "81": "JP", "82": "KR", "84": "VN", "86": "CN", "90": "TR", "91": "IN", "92": "PK",
	"234": "NG", "254": "KE", "351": "PT", "352": "LU", "353": "IE", "354": "IS", "358": "FI",
	"370": "LT", "371": "LV", "372": "EE", "420": "CZ", "421": "SK", "852": "HK", "886": "TW",
	"971": "AE", "972": "IL", "966": "SA",
}
