package phone

import "strconv"

// Kind is what an address of a call names.
type Kind int

// The kinds of address.
const (
	Invalid Kind = iota // not an address the harness can call
	Phone               // an E.164 number
	Client              // client:name
	SIP                 // sip:user@host or sips:user@host
	SIM                 // sim:DE…
)

// String returns the kind's name in lower case: "invalid", "phone",
// "client", "sip" or "sim".
func (k Kind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case Phone:
		return "phone"
	case Client:
		return "client"
	case SIP:
		return "sip"
	case SIM:
		return "sim"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}
