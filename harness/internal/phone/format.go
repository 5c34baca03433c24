package phone

import "strings"

// Format formats an address for display as Twilio's *_formatted fields do:
// a North American number (+1 and ten digits) as "(415) 867-5309",
// everything else as it is.
func Format(addr string) string {
	if len(addr) == 12 && strings.HasPrefix(addr, "+1") && allDigits(addr[2:]) {
		return "(" + addr[2:5] + ") " + addr[5:8] + "-" + addr[8:]
	}
	return addr
}

// allDigits reports whether s is made of ASCII digits and is not empty.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
