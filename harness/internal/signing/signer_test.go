package signing

import (
	"net/url"
	"testing"

	"github.com/twilio/twilio-go/client"
)

// docsToken, docsURL and docsForm are the example request of Twilio's
// webhook security documentation.
var (
	docsToken = "12345"
	docsURL   = "https://example.com/myapp.php?foo=1&bar=2"
	docsForm  = url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {"+14158675310"},
		"Digits":  {"1234"},
		"From":    {"+14158675310"},
		"To":      {"+18005551212"},
	}
)

func TestSignature(t *testing.T) {
	tests := []struct {
		name  string
		token string
		url   string
		form  url.Values
		want  string
	}{
		{
			name:  "Twilio's documentation",
			token: docsToken, url: docsURL, form: docsForm,
			want: "L/OH5YylLD5NRKLltdqwSvS0BnU=",
		},
		{
			name:  "twilio-go validator test",
			token: "12345", url: "https://mycompany.com/myapp.php?foo=1&bar=2",
			form: url.Values{"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"},
				"Caller": {"+14158675309"}, "From": {"+14158675309"}, "ReasonConferenceEnded": {"test"}, "Reason": {"Participant"}},
			want: "vOEb5UThFn24KEfnOFLQY2AE5FY=",
		},
		{
			name:  "first value of a repeated name",
			token: docsToken, url: docsURL,
			form: url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675310"}, "Digits": {"1234", "9"},
				"From": {"+14158675310"}, "To": {"+18005551212"}},
			want: "L/OH5YylLD5NRKLltdqwSvS0BnU=",
		},
		{
			name:  "a name without values is left out",
			token: docsToken, url: docsURL,
			form: url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675310"}, "Digits": {"1234"},
				"From": {"+14158675310"}, "To": {"+18005551212"}, "Empty": {}},
			want: "L/OH5YylLD5NRKLltdqwSvS0BnU=",
		},
		{
			name:  "GET signs the URL alone",
			token: docsToken, url: docsURL,
			want: "7fNPeNJw743o4w4nyZb6i1KILQ8=",
		},
		{
			name:  "an empty form is a GET",
			token: docsToken, url: docsURL, form: url.Values{},
			want: "7fNPeNJw743o4w4nyZb6i1KILQ8=",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Signature(tt.token, tt.url, tt.form); got != tt.want {
				t.Errorf("Signature(%q, %q, form) = %q, want %q", tt.token, tt.url, got, tt.want)
			}
		})
	}
}

func TestSignatureAcceptedByTwilioGo(t *testing.T) {
	tests := []struct {
		name  string
		token string
		url   string
		form  url.Values // nil for GET
	}{
		{name: "POST, Twilio's documentation", token: docsToken, url: docsURL, form: docsForm},
		{
			name: "POST, tricky values", token: "0123456789abcdef0123456789abcdef", url: "https://app.example.com/voice",
			form: url.Values{"SpeechResult": {"yes & no = maybe+"}, "CallerName": {"Zoë O'Brien"}, "Digits": {""}},
		},
		{name: "POST, no parameters", token: docsToken, url: "https://example.com/hook", form: url.Values{}},
		{name: "GET, URL with query", token: docsToken, url: docsURL + "&CallSid=CA1234567890ABCDE&To=%2B18005551212"},
		{name: "GET, URL with a port", token: docsToken, url: "https://example.com:8443/voice?CallStatus=ringing"},
		{name: "GET, http", token: docsToken, url: "http://example.com/voice?Digits=1%232"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sig := Signature(tt.token, tt.url, tt.form)
			v := client.NewRequestValidator(tt.token)
			params := map[string]string{}
			for k, vs := range tt.form {
				params[k] = vs[0]
			}
			if !v.Validate(tt.url, params, sig) {
				t.Errorf("RequestValidator.Validate(%q, %v, %q) = false, want true", tt.url, params, sig)
			}
			if tt.form != nil {
				p := make(Params, 0, len(tt.form))
				for k, vs := range tt.form {
					p = append(p, Param{Name: k, Value: vs[0]})
				}
				p.Sort()
				if !v.ValidateBody(tt.url, []byte(p.Encode()), sig) {
					t.Errorf("RequestValidator.ValidateBody(%q, %q, %q) = false, want true", tt.url, p.Encode(), sig)
				}
			}
			if v.Validate(tt.url, params, "x"+sig[1:]) {
				t.Errorf("RequestValidator.Validate accepts a wrong signature")
			}
		})
	}
}

func TestSignerReusesBuffers(t *testing.T) {
	// One signer signing requests of different lengths, one after the
	// other, gives what a fresh signer gives.
	long := Params{{Name: "A", Value: "a long value, longer than the URL"}, {Name: "B", Value: "and another"}}
	docs := Params{{Name: "CallSid", Value: "CA1234567890ABCDE"}, {Name: "Caller", Value: "+14158675310"}, {Name: "Digits", Value: "1234"},
		{Name: "From", Value: "+14158675310"}, {Name: "To", Value: "+18005551212"}}
	tests := []struct {
		name  string
		url   string
		input Params
		want  string
	}{
		{name: "long", url: "https://example.com/long/path?with=query", input: long, want: "1hxZpz3sXykKh1nhUGA8hrJ1mmA="},
		{name: "short after long", url: "https://e.com", want: "qANQo8okMw2Rs4sC5TTVrd0BdWM="},
		{name: "Twilio's documentation", url: docsURL, input: docs, want: "L/OH5YylLD5NRKLltdqwSvS0BnU="},
		{name: "long again", url: "https://example.com/long/path?with=query", input: long, want: "1hxZpz3sXykKh1nhUGA8hrJ1mmA="},
	}
	g := NewSigner(docsToken)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := g.Sign(tt.url, tt.input); got != tt.want {
				t.Errorf("reused Sign(%q) = %q, want %q", tt.url, got, tt.want)
			}
			if got := NewSigner(docsToken).Sign(tt.url, tt.input); got != tt.want {
				t.Errorf("fresh Sign(%q) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}
