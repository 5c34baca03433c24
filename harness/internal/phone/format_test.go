package phone

import "testing"

func TestFormat(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{name: "NANP", input: "+14155550100", want: "(415) 555-0100"},
		{name: "NANP toll free", input: "+18005551212", want: "(800) 555-1212"},
		{name: "NANP with a 0 area code", input: "+10155550100", want: "(015) 555-0100"},
		{name: "+1 and nine digits", input: "+1415555010", want: "+1415555010"},
		{name: "+1 and eleven digits", input: "+141555501000", want: "+141555501000"},
		{name: "+1 with a letter", input: "+1415555010a", want: "+1415555010a"},
		{name: "twelve bytes without +1", input: "+44207183875", want: "+44207183875"},
		{name: "GB", input: "+442071838750", want: "+442071838750"},
		{name: "not E.164", input: "14155550100", want: "14155550100"},
		{name: "client", input: "client:alice", want: "client:alice"},
		{name: "sip", input: "sip:alice@example.com", want: "sip:alice@example.com"},
		{name: "empty", input: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Format(tt.input); got != tt.want {
				t.Errorf("Format(%q) = %q, want %q", tt.input, got, tt.want)
			}
		})
	}
}
