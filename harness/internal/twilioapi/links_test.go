package twilioapi

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLinksURI(t *testing.T) {
	l := Links{Base: "/2010-04-01/Accounts/AC1/Calls/CA1", Names: [][2]string{
		{"recordings", "Recordings"}, {"user_defined_messages", "UserDefinedMessages"},
	}}
	want := []string{"/2010-04-01/Accounts/AC1/Calls/CA1/Recordings.json", "/2010-04-01/Accounts/AC1/Calls/CA1/UserDefinedMessages.json"}
	for i, w := range want {
		if got := l.URI(i); got != w {
			t.Errorf("URI(%d) = %q, want %q", i, got, w)
		}
	}
}

func TestLinksMarshalJSON(t *testing.T) {
	tests := []struct {
		name  string
		input Links
		want  string
	}{
		{name: "zero is an empty object", input: Links{}, want: `{}`},
		{name: "one", input: Links{Base: "/C", Names: [][2]string{{"recordings", "R"}}}, want: `{"recordings":"/C/R.json"}`},
		{
			name:  "order kept, not sorted",
			input: Links{Base: "", Names: [][2]string{{"z", "z"}, {"a", "a"}, {"m", "m"}}},
			want:  `{"z":"/z.json","a":"/a.json","m":"/m.json"}`,
		},
		{
			name:  "keys, base and segments escaped",
			input: Links{Base: "/a b/\"q\"\n", Names: [][2]string{{`k"\`, "<x>"}}},
			want:  `{"k\"\\":"/a b/\"q\"\n/\u003cx\u003e.json"}`,
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
			var back map[string]string
			if err := json.Unmarshal(got, &back); err != nil {
				t.Fatalf("the links are not a JSON object: %v", err)
			}
			for i, n := range tt.input.Names {
				if back[n[0]] != tt.input.URI(i) {
					t.Errorf("%q decodes as %q, want %q", n[0], back[n[0]], tt.input.URI(i))
				}
			}
		})
	}
}

// TestLinksXML checks the links as XML writes them: one element a key, in
// PascalCase, each URI without ".json".
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
		{name: "none", input: Links{}, want: nil},
		{
			name: "keys in PascalCase, no .json",
			input: Links{Base: "/C/CA1", Names: [][2]string{
				{"recordings", "Recordings"},
				{"user_defined_message_subscriptions", "UserDefinedMessageSubscriptions"},
			}},
			want: []node{
				elem("Recordings", "/C/CA1/Recordings"),
				elem("UserDefinedMessageSubscriptions", "/C/CA1/UserDefinedMessageSubscriptions"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := parseXML(t, schema.Render(XML, &resource{tt.input}))
			want := node{XMLName: xmlName("TwilioResponse"), Nodes: []node{
				{XMLName: xmlName("R"), Nodes: []node{{XMLName: xmlName("SubresourceUris"), Nodes: tt.want}}},
			}}
			if diff := cmp.Diff(want, root, cmpXML); diff != "" {
				t.Errorf("XML mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
