package twilioapi

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMoreInfo(t *testing.T) {
	tests := []struct {
		name  string
		input int
		want  string
	}{
		{name: "not found", input: 20404, want: "https://www.twilio.com/docs/errors/20404"},
		{name: "invalid parameter", input: 21205, want: "https://www.twilio.com/docs/errors/21205"},
		{name: "zero", input: 0, want: "https://www.twilio.com/docs/errors/0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, MoreInfo(tt.input)); diff != "" {
				t.Errorf("MoreInfo(%d) mismatch (-want +got):\n%s", tt.input, diff)
			}
		})
	}
}

func TestNewErrorBody(t *testing.T) {
	got := NewErrorBody(404, 20404, "The requested resource was not found")
	want := ErrorBody{Code: 20404, Message: "The requested resource was not found", MoreInfo: "https://www.twilio.com/docs/errors/20404", Status: 404}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewErrorBody() mismatch (-want +got):\n%s", diff)
	}
}

func TestErrorBodyRenderJSON(t *testing.T) {
	const notFound = `{"code":20404,"message":"The requested resource /2010-04-01/Accounts/AC1/Calls/CA1.json was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`
	tests := []struct {
		name   string
		input  ErrorBody
		format Format
		want   string
		wantCT string
	}{
		{
			name:   "json",
			input:  NewErrorBody(404, 20404, "The requested resource /2010-04-01/Accounts/AC1/Calls/CA1.json was not found"),
			format: JSON, want: notFound, wantCT: "application/json",
		},
		{
			name:   "csv is json",
			input:  NewErrorBody(404, 20404, "The requested resource /2010-04-01/Accounts/AC1/Calls/CA1.json was not found"),
			format: CSV, want: notFound, wantCT: "application/json",
		},
		{
			name:   "escaped as encoding/json does",
			input:  NewErrorBody(400, 21205, `Url "<x>" & more`),
			format: JSON, wantCT: "application/json",
			want: `{"code":21205,"message":"Url \"\u003cx\u003e\" \u0026 more","more_info":"https://www.twilio.com/docs/errors/21205","status":400}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, body := tt.input.Render(tt.format)
			if diff := cmp.Diff(tt.wantCT, ct); diff != "" {
				t.Errorf("Render content type mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, string(body)); diff != "" {
				t.Errorf("Render body mismatch (-want +got):\n%s", diff)
			}
			var back ErrorBody
			if err := json.Unmarshal(body, &back); err != nil {
				t.Fatalf("json.Unmarshal: %v", err)
			}
			if diff := cmp.Diff(tt.input, back); diff != "" {
				t.Errorf("JSON parsed back mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// restException is Twilio's XML error, parsed back.
type restException struct {
	XMLName  xml.Name `xml:"TwilioResponse"`
	Code     int      `xml:"RestException>Code"`
	Message  string   `xml:"RestException>Message"`
	MoreInfo string   `xml:"RestException>MoreInfo"`
	Status   int      `xml:"RestException>Status"`
}

func TestErrorBodyRenderXML(t *testing.T) {
	tests := []struct {
		name    string
		input   ErrorBody
		want    restException
		wantRaw string // a substring of the body
	}{
		{
			name:  "not found",
			input: NewErrorBody(404, 20404, "The requested resource was not found"),
			want: restException{
				XMLName: xmlName("TwilioResponse"), Code: 20404, Message: "The requested resource was not found",
				MoreInfo: "https://www.twilio.com/docs/errors/20404", Status: 404,
			},
			wantRaw: "<TwilioResponse><RestException><Code>20404</Code><Message>The requested resource was not found</Message>" +
				"<MoreInfo>https://www.twilio.com/docs/errors/20404</MoreInfo><Status>404</Status></RestException></TwilioResponse>",
		},
		{
			name:  "message escaped",
			input: NewErrorBody(400, 21205, `Url "<x>" & 'y'`),
			want: restException{
				XMLName: xmlName("TwilioResponse"), Code: 21205, Message: `Url "<x>" & 'y'`,
				MoreInfo: "https://www.twilio.com/docs/errors/21205", Status: 400,
			},
			wantRaw: "<Message>Url &#34;&lt;x&gt;&#34; &amp; &#39;y&#39;</Message>",
		},
		{
			name:  "empty message",
			input: NewErrorBody(500, 0, ""),
			want: restException{
				XMLName: xmlName("TwilioResponse"), Code: 0, Message: "",
				MoreInfo: "https://www.twilio.com/docs/errors/0", Status: 500,
			},
			wantRaw: "<Message/>",
		},
		{
			name:  "control character",
			input: NewErrorBody(400, 21205, "bad\x00value"),
			want: restException{
				XMLName: xmlName("TwilioResponse"), Code: 21205, Message: "bad\uFFFDvalue",
				MoreInfo: "https://www.twilio.com/docs/errors/21205", Status: 400,
			},
			wantRaw: "<Message>bad\uFFFDvalue</Message>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, body := tt.input.Render(XML)
			if diff := cmp.Diff("application/xml", ct); diff != "" {
				t.Errorf("Render content type mismatch (-want +got):\n%s", diff)
			}
			parseXML(t, body) // well-formed, with the header
			var got restException
			if err := xml.NewDecoder(bytes.NewReader(body)).Decode(&got); err != nil {
				t.Fatalf("xml decode: %v\n%s", err, body)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("XML parsed back mismatch (-want +got):\n%s", diff)
			}
			if !strings.Contains(string(body), tt.wantRaw) {
				t.Errorf("Render(XML) = %s\nwant it to contain %s", body, tt.wantRaw)
			}
		})
	}
}
