package phone

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name     string
		input    string
		want     string
		wantKind Kind
	}{
		// E.164.
		{name: "E.164 US", input: "+14155550100", want: "+14155550100", wantKind: Phone},
		{name: "E.164 GB", input: "+442071838750", want: "+442071838750", wantKind: Phone},
		{name: "E.164 shortest, 7 digits", input: "+1234567", want: "+1234567", wantKind: Phone},
		{name: "E.164 too short, 6 digits", input: "+123456", want: "+123456", wantKind: Invalid},
		{name: "E.164 longest, 15 digits", input: "+123456789012345", want: "+123456789012345", wantKind: Phone},
		{name: "E.164 too long, 16 digits", input: "+1234567890123456", want: "+1234567890123456", wantKind: Invalid},
		{name: "E.164 leading 0 after +", input: "+04155550100", want: "+04155550100", wantKind: Invalid},
		{name: "E.164 with separators", input: "+44 (20) 7183-8750", want: "+442071838750", wantKind: Phone},
		{name: "E.164 with dots", input: "+1.415.555.0100", want: "+14155550100", wantKind: Phone},
		{name: "surrounding white space", input: " \t+14155550100\n", want: "+14155550100", wantKind: Phone},
		{name: "plus alone", input: "+", want: "+", wantKind: Invalid},
		{name: "second plus", input: "+1415+5550100", want: "+1415+5550100", wantKind: Invalid},
		{name: "plus not first", input: "1+4155550100", want: "1+4155550100", wantKind: Invalid},
		{name: "space before plus is trimmed", input: " +14155550100", want: "+14155550100", wantKind: Phone},

		// North American numbers.
		{name: "NANP 10 digits", input: "4155550100", want: "+14155550100", wantKind: Phone},
		{name: "NANP spaces", input: "415 555 0100", want: "+14155550100", wantKind: Phone},
		{name: "NANP dashes", input: "415-555-0100", want: "+14155550100", wantKind: Phone},
		{name: "NANP dots", input: "415.555.0100", want: "+14155550100", wantKind: Phone},
		{name: "NANP parentheses", input: "(415) 555-0100", want: "+14155550100", wantKind: Phone},
		{name: "NANP unbalanced parentheses", input: "415)555(0100", want: "+14155550100", wantKind: Phone},
		{name: "NANP area code starting with 2", input: "2125550100", want: "+12125550100", wantKind: Phone},
		{name: "NANP area code starting with 1", input: "1125550100", want: "1125550100", wantKind: Invalid},
		{name: "NANP area code starting with 0", input: "0125550100", want: "0125550100", wantKind: Invalid},
		{name: "11 digits starting with 1", input: "14155550100", want: "+14155550100", wantKind: Phone},
		{name: "11 digits with separators", input: "1 (415) 555-0100", want: "+14155550100", wantKind: Phone},
		{name: "11 digits with a 0 area code", input: "10155550100", want: "+10155550100", wantKind: Phone},
		{name: "11 digits not starting with 1", input: "24155550100", want: "24155550100", wantKind: Invalid},
		{name: "9 digits", input: "415555010", want: "415555010", wantKind: Invalid},
		{name: "12 digits", input: "141555501000", want: "141555501000", wantKind: Invalid},
		{name: "separators only", input: "() -.", want: "() -.", wantKind: Invalid},
		{name: "empty", input: "", want: "", wantKind: Invalid},
		{name: "white space only", input: "  ", want: "", wantKind: Invalid},

		// Letters and other bytes.
		{name: "letters", input: "1-800-FLOWERS", want: "1-800-FLOWERS", wantKind: Invalid},
		{name: "extension", input: "+14155550100 x12", want: "+14155550100 x12", wantKind: Invalid},
		{name: "slash", input: "415/555/0100", want: "415/555/0100", wantKind: Invalid},
		{name: "tab inside", input: "415\t555\t0100", want: "415\t555\t0100", wantKind: Invalid},
		{name: "non-ASCII digits", input: "+١٤١٥٥٥٥٠١٠٠", want: "+١٤١٥٥٥٥٠١٠٠", wantKind: Invalid},
		{name: "bare name", input: "alice", want: "alice", wantKind: Invalid},

		// client:
		{name: "client", input: "client:alice", want: "client:alice", wantKind: Client},
		{name: "client upper case kept", input: "CLIENT:Alice", want: "CLIENT:Alice", wantKind: Client},
		{name: "client mixed case", input: "Client:alice", want: "Client:alice", wantKind: Client},
		{name: "client trimmed", input: "  client:alice ", want: "client:alice", wantKind: Client},
		{name: "client without a name", input: "client:", want: "client:", wantKind: Invalid},
		{name: "client with a space name is trimmed to nothing", input: "client: ", want: "client:", wantKind: Invalid},
		{name: "client with digits", input: "client:4155550100", want: "client:4155550100", wantKind: Client},

		// sip: and sips:
		{name: "sip", input: "sip:alice@example.com", want: "sip:alice@example.com", wantKind: SIP},
		{name: "sips", input: "sips:alice@example.com", want: "sips:alice@example.com", wantKind: SIP},
		{name: "sip upper case", input: "SIP:Alice@Example.com", want: "SIP:Alice@Example.com", wantKind: SIP},
		{name: "sips upper case", input: "SIPS:alice@example.com", want: "SIPS:alice@example.com", wantKind: SIP},
		{name: "sip with parameters", input: "sip:alice@example.com;transport=tls?X-Header=1", want: "sip:alice@example.com;transport=tls?X-Header=1", wantKind: SIP},
		{name: "sip without a body", input: "sip:", want: "sip:", wantKind: Invalid},
		{name: "sips without a body", input: "sips:", want: "sips:", wantKind: Invalid},
		{name: "sip with only @", input: "sip:@", want: "sip:@", wantKind: SIP},
		{name: "sip, one byte, no @", input: "sip:a", want: "sip:a", wantKind: Invalid},
		{name: "sips, one byte, no @", input: "sips:a", want: "sips:a", wantKind: SIP},
		{name: "sip, two bytes, no @", input: "sip:ab", want: "sip:ab", wantKind: SIP},
		{name: "sip with a number", input: "sip:+14155550100@example.com", want: "sip:+14155550100@example.com", wantKind: SIP},

		// sim:
		{name: "sim", input: "sim:DE8e6f8a53c8cd4b1e9fa8d7b0d8d8f0a1", want: "sim:DE8e6f8a53c8cd4b1e9fa8d7b0d8d8f0a1", wantKind: SIM},
		{name: "sim upper case", input: "SIM:DE1", want: "SIM:DE1", wantKind: SIM},
		{name: "sim without a body", input: "sim:", want: "sim:", wantKind: Invalid},

		// Prefixes are compared after strings.ToLower, lengths on the
		// input: a prefix written with U+0130 (İ, two bytes, lower case i)
		// matches, and then is one byte longer than the prefix.
		{name: "client with dotted capital I and no name", input: "clİent:", want: "clİent:", wantKind: Client},
		{name: "sim with dotted capital I and no body", input: "sİm:", want: "sİm:", wantKind: SIM},
		{name: "sip with dotted capital I", input: "SİP:x", want: "SİP:x", wantKind: SIP},
		{name: "prefix not at the start", input: "xclient:alice", want: "xclient:alice", wantKind: Invalid},
		{name: "prefix without colon", input: "client", want: "client", wantKind: Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, kind := Normalize(tt.input)
			if got != tt.want || kind != tt.wantKind {
				t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tt.input, got, kind, tt.want, tt.wantKind)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	tests := []struct {
		name  string
		input Kind
		want  string
	}{
		{name: "invalid", input: Invalid, want: "invalid"},
		{name: "phone", input: Phone, want: "phone"},
		{name: "client", input: Client, want: "client"},
		{name: "sip", input: SIP, want: "sip"},
		{name: "sim", input: SIM, want: "sim"},
		{name: "unknown", input: Kind(9), want: "Kind(9)"},
		{name: "negative", input: Kind(-1), want: "Kind(-1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.input.String(); got != tt.want {
				t.Errorf("Kind(%d).String() = %q, want %q", int(tt.input), got, tt.want)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"+14155550100", "(415) 555-0100", "1 415 555 0100", "client:alice", "sip:a@b", "sips:", "sim:DE1", "clİent:", "", " + "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, kind := Normalize(raw)
		switch kind {
		case Phone:
			if len(got) < 8 || len(got) > 16 || got[0] != '+' || got[1] == '0' || !allDigits(got[1:]) {
				t.Errorf("Normalize(%q) = %q, Phone; want + and 7 to 15 digits", raw, got)
			}
		case Invalid, Client, SIP, SIM:
			if want := strings.TrimSpace(raw); got != want {
				t.Errorf("Normalize(%q) = %q, %v; want the input trimmed, %q", raw, got, kind, want)
			}
		default:
			t.Errorf("Normalize(%q) returned kind %v", raw, kind)
		}
		if again, againKind := Normalize(got); again != got || againKind != kind {
			t.Errorf("Normalize(%q) = %q, %v; Normalize of that = %q, %v; want the same", raw, got, kind, again, againKind)
		}
	})
}

// A number already in E.164 comes back as it is, at the edges of its
// length too; one just outside them is refused as before.
func TestNormalizeE164Edges(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Kind
	}{
		{"+1234567", Phone},            // 7 digits
		{"+123456789012345", Phone},    // 15 digits
		{"+123456", Invalid},           // 6 digits
		{"+1234567890123456", Invalid}, // 16 digits
		{"+0234567890", Invalid},       // a leading 0
		{"+1415555010a", Invalid},
	} {
		got, kind := normalizeNumber(tc.in)
		if kind != tc.want || got != tc.in {
			t.Errorf("normalizeNumber(%q) = %q, %v; want %q, %v", tc.in, got, kind, tc.in, tc.want)
		}
	}
	if n := testing.AllocsPerRun(10, func() { normalizeNumber("+14155550100") }); n != 0 {
		t.Errorf("normalizing a number in E.164 allocates %v times, want 0", n)
	}
}
