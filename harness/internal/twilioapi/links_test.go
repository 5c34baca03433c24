package twilioapi

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSubresourceLinks(t *testing.T) {
	tests := []struct {
		name  string
		base  string
		input [][2]string
		want  Links
	}{
		{
			name: "in the order given, with .json",
			base: "/2010-04-01/Accounts/AC1/Calls/CA1",
			input: [][2]string{
				{"recordings", "Recordings"},
				{"user_defined_messages", "UserDefinedMessages"},
			},
			want: Links{
				{Key: "recordings", URI: "/2010-04-01/Accounts/AC1/Calls/CA1/Recordings.json"},
				{Key: "user_defined_messages", URI: "/2010-04-01/Accounts/AC1/Calls/CA1/UserDefinedMessages.json"},
			},
		},
		{name: "none", base: "/x", input: nil, want: Links{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SubresourceLinks(tt.base, tt.input)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("SubresourceLinks() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLinksMarshalJSON(t *testing.T) {
	tests := []struct {
		name  string
		input Links
		want  string
	}{
		{name: "nil is an empty object", input: nil, want: `{}`},
		{name: "empty", input: Links{}, want: `{}`},
		{name: "one", input: Links{{"recordings", "/R.json"}}, want: `{"recordings":"/R.json"}`},
		{
			name:  "order kept, not sorted",
			input: Links{{"z", "/z.json"}, {"a", "/a.json"}, {"m", "/m.json"}},
			want:  `{"z":"/z.json","a":"/a.json","m":"/m.json"}`,
		},
		{
			name:  "keys and values escaped",
			input: Links{{`k"\`, "/a b/\"q\"\n"}},
			want:  `{"k\"\\":"/a b/\"q\"\n"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.input)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("json.Marshal(Links) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLinksInStructJSON checks the links as a field of a resource, as
// encoding/json writes them (a nil Links is still an object, not null).
func TestLinksInStructJSON(t *testing.T) {
	type resource struct {
		Links Links `json:"subresource_uris"`
	}
	tests := []struct {
		name  string
		input resource
		want  string
	}{
		{name: "nil", input: resource{}, want: `{"subresource_uris":{}}`},
		{name: "set", input: resource{Links{{"events", "/E.json"}}}, want: `{"subresource_uris":{"events":"/E.json"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.input)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("json.Marshal mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLinksXML checks the links as XML writes them: one element a key, in
// PascalCase, each URI without its final ".json".
func TestLinksXML(t *testing.T) {
	type resource struct {
		Links Links `json:"subresource_uris"`
	}
	schema := NewSchema[resource]("R", "rs")
	tests := []struct {
		name  string
		input Links
		want  []node
	}{
		{name: "none", input: nil, want: nil},
		{
			name: "keys in PascalCase, .json dropped only at the end",
			input: Links{
				{"recordings", "/C/CA1/Recordings.json"},
				{"user_defined_message_subscriptions", "/C/CA1/UserDefinedMessageSubscriptions.json"},
				{"odd", "/a.json/B.json"},
				{"plain", "/C/CA1/Plain"},
				{"xml", "/C/CA1/Thing.xml"},
			},
			want: []node{
				elem("Recordings", "/C/CA1/Recordings"),
				elem("UserDefinedMessageSubscriptions", "/C/CA1/UserDefinedMessageSubscriptions"),
				elem("Odd", "/a.json/B"),
				elem("Plain", "/C/CA1/Plain"),
				elem("Xml", "/C/CA1/Thing.xml"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := parseXML(t, schema.Render(XML, &resource{tt.input}))
			want := node{XMLName: xmlName("TwilioResponse"), Nodes: []node{
				{XMLName: xmlName("R"), Nodes: []node{{XMLName: xmlName("SubresourceUris"), Nodes: tt.want}}},
			}}
			if diff := cmp.Diff(want, root); diff != "" {
				t.Errorf("XML mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
