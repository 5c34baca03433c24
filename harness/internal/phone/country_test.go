package phone

import "testing"

func TestCountry(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{name: "1 is US", input: "+14155550100", want: "US"},
		{name: "1 is US for Canada too", input: "+16135550100", want: "US"},
		{name: "7", input: "+74951234567", want: "RU"},
		{name: "44", input: "+442071838750", want: "GB"},
		{name: "49", input: "+4930123456", want: "DE"},
		{name: "3-digit 353", input: "+35312345678", want: "IE"},
		{name: "3-digit 971", input: "+971501234567", want: "AE"},
		{name: "3-digit 852", input: "+85212345678", want: "HK"},
		{name: "3-digit 966 after its 2-digit neighbors", input: "+966501234567", want: "SA"},
		{name: "unknown 3-digit 356", input: "+35621234567", want: ""},
		{name: "unknown 2-digit 98", input: "+982112345678", want: ""},
		{name: "unknown 3-digit 880", input: "+8801712345678", want: ""},
		{name: "code only", input: "+44", want: "GB"},
		{name: "one-digit code only", input: "+1", want: "US"},
		{name: "plus alone", input: "+", want: ""},
		{name: "non-+", input: "14155550100", want: ""},
		{name: "non-+ with a known code", input: "442071838750", want: ""},
		{name: "client", input: "client:alice", want: ""},
		{name: "empty", input: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Country(tt.input); got != tt.want {
				t.Errorf("Country(%q) = %q, want %q", tt.input, got, tt.want)
			}
		})
	}
}

func TestCallingCodes(t *testing.T) {
	// The table holds ITU calling codes, which are prefix free: a code that
	// starts with another is a typo.
	for code, country := range callingCodes {
		if len(code) < 1 || len(code) > 3 || !allDigits(code) || code[0] == '0' {
			t.Errorf("calling code %q (%s): want 1 to 3 digits, not starting with 0", code, country)
		}
		if len(country) != 2 {
			t.Errorf("calling code %q: country %q, want two letters", code, country)
		}
		for n := 1; n < len(code); n++ {
			if other, ok := callingCodes[code[:n]]; ok {
				t.Errorf("calling code %q (%s) starts with code %q (%s)", code, country, code[:n], other)
			}
		}
	}
}
