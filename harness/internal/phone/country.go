package phone

import "strings"

// Country returns the ISO 3166 country of an E.164 number from its calling
// code, trying codes of three digits, then two, then one, or "" when the
// number does not start with "+" or the code is not one the harness knows.
// Every +1 number is reported as US.
func Country(number string) string {
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
