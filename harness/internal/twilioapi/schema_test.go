package twilioapi

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type sampleDetail struct {
	Code  int     `json:"code"`
	Label *string `json:"label"`
}

// sample has a field of every kind a Schema renders.
type sample struct {
	Sid          string       `json:"sid"`
	FriendlyName *string      `json:"friendly_name"`
	Count        int          `json:"count"`
	Total        int64        `json:"total"`
	Active       bool         `json:"active"`
	Price        float64      `json:"price"`
	Rate         *float64     `json:"rate"`
	Detail       sampleDetail `json:"detail"`
	Links        Links        `json:"subresource_uris"`
	URI          string       `json:"uri"`
	Note         string       `json:"note,omitempty"`
	Ignored      string       `json:"-"`
}

var sampleSchema = NewSchema[sample]("Sample", "samples")

func ptr[T any](v T) *T { return &v }

// fullSample has every field set.
func fullSample() *sample {
	return &sample{
		Sid:          "CA1",
		FriendlyName: ptr("front door"),
		Count:        3,
		Total:        9000000000,
		Active:       true,
		Price:        -0.0075,
		Rate:         ptr(1.5),
		Detail:       sampleDetail{Code: 7, Label: ptr("seven")},
		Links:        Links{Base: "/C/CA1", Names: [][2]string{{"recordings", "Recordings"}, {"user_defined_messages", "UserDefinedMessages"}}},
		URI:          "/C/CA1.json",
		Note:         "n",
		Ignored:      "never shown",
	}
}

// node is any XML element, parsed back for comparison.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

func xmlName(local string) xml.Name { return xml.Name{Local: local} }

// elem is an element with text only.
func elem(name, text string) node { return node{XMLName: xmlName(name), Text: text} }

// parent is an element with children only.
func parent(name string, children ...node) node { return node{XMLName: xmlName(name), Nodes: children} }

// parseXML checks that data is the XML header then exactly one well-formed
// element, and returns that element.
func parseXML(t testing.TB, data []byte) node {
	t.Helper()
	if !bytes.HasPrefix(data, []byte(xml.Header)) {
		t.Fatalf("XML does not start with the XML header:\n%s", data)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var root node
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("XML does not parse: %v\n%s", err, data)
	}
	if tok, err := dec.Token(); !errors.Is(err, io.EOF) {
		t.Fatalf("XML has %#v (err %v) after its root element:\n%s", tok, err, data)
	}
	return root
}

// cmpXML compares parsed XML; a missing slice equals an empty one.
var cmpXML = cmpopts.EquateEmpty()

func TestPascal(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{name: "two words", input: "account_sid", want: "AccountSid"},
		{name: "one word", input: "uri", want: "Uri"},
		{name: "subresource uris", input: "subresource_uris", want: "SubresourceUris"},
		{name: "many words", input: "user_defined_message_subscriptions", want: "UserDefinedMessageSubscriptions"},
		{name: "leading underscore", input: "_sid", want: "Sid"},
		{name: "trailing underscore", input: "sid_", want: "Sid"},
		{name: "double underscore", input: "call__sid", want: "CallSid"},
		{name: "only underscores", input: "__", want: ""},
		{name: "empty", input: "", want: ""},
		{name: "digit after underscore", input: "line_2_name", want: "Line2Name"},
		{name: "capitals kept", input: "api_URL", want: "ApiURL"},
		{name: "already pascal", input: "AccountSid", want: "AccountSid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Pascal(tt.input)); diff != "" {
				t.Errorf("Pascal(%q) mismatch (-want +got):\n%s", tt.input, diff)
			}
		})
	}
}

func TestSchemaListKey(t *testing.T) {
	if diff := cmp.Diff("samples", sampleSchema.ListKey()); diff != "" {
		t.Errorf("ListKey() mismatch (-want +got):\n%s", diff)
	}
}

func TestSchemaColumns(t *testing.T) {
	want := []string{"sid", "friendly_name", "count", "total", "active", "price", "rate", "uri", "note"}
	if diff := cmp.Diff(want, sampleSchema.Columns()); diff != "" {
		t.Errorf("Columns() mismatch (-want +got):\n%s", diff)
	}
}

func TestSchemaRenderJSON(t *testing.T) {
	tests := []struct {
		name  string
		input *sample
	}{
		{name: "every field set", input: fullSample()},
		{name: "zero value", input: &sample{}},
		{name: "escaping", input: &sample{Sid: `<a href="x">&'`, FriendlyName: ptr("line\nbreak \x00 \xff")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.input)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			if diff := cmp.Diff(string(want), string(sampleSchema.Render(JSON, tt.input))); diff != "" {
				t.Errorf("Render(JSON) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSchemaRenderJSONNulls(t *testing.T) {
	var got map[string]any
	if err := json.Unmarshal(sampleSchema.Render(JSON, &sample{}), &got); err != nil {
		t.Fatalf("json.Unmarshal: %v", err)
	}
	want := map[string]any{
		"sid": "", "friendly_name": nil, "count": 0.0, "total": 0.0, "active": false,
		"price": 0.0, "rate": nil, "detail": map[string]any{"code": 0.0, "label": nil},
		"subresource_uris": map[string]any{}, "uri": "",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Render(JSON) of a zero value mismatch (-want +got):\n%s", diff)
	}
}

func TestSchemaRenderCSV(t *testing.T) {
	const header = "sid,friendly_name,count,total,active,price,rate,uri,note\n"
	tests := []struct {
		name  string
		input *sample
		want  string
	}{
		{
			name:  "every field set",
			input: fullSample(),
			want:  header + "CA1,front door,3,9000000000,true,-0.0075,1.5,/C/CA1.json,n\n",
		},
		{
			name:  "zero value: nil is an empty cell",
			input: &sample{},
			want:  header + ",,0,0,false,0,,,\n",
		},
		{
			name:  "comma quoted",
			input: &sample{Sid: "a,b"},
			want:  header + `"a,b",,0,0,false,0,,,` + "\n",
		},
		{
			name:  "quote doubled",
			input: &sample{Sid: `say "hi"`},
			want:  header + `"say ""hi""",,0,0,false,0,,,` + "\n",
		},
		{
			name:  "newline quoted",
			input: &sample{FriendlyName: ptr("two\nlines")},
			want:  header + ",\"two\nlines\",0,0,false,0,,,\n",
		},
		{
			name:  "leading space quoted",
			input: &sample{Sid: " x"},
			want:  header + `" x",,0,0,false,0,,,` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sampleSchema.Render(CSV, tt.input)
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("Render(CSV) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSchemaRenderCSVParsesBack reads the CSV with encoding/csv: one header
// row and one record row of the same width, the values as given.
func TestSchemaRenderCSVParsesBack(t *testing.T) {
	in := &sample{Sid: "a,\"b\"\nc", FriendlyName: ptr("  spaced  "), Count: -4, Price: 12.5}
	records, err := csv.NewReader(bytes.NewReader(sampleSchema.Render(CSV, in))).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	want := [][]string{
		sampleSchema.Columns(),
		{"a,\"b\"\nc", "  spaced  ", "-4", "0", "false", "12.5", "", "", ""},
	}
	if diff := cmp.Diff(want, records); diff != "" {
		t.Errorf("CSV records mismatch (-want +got):\n%s", diff)
	}
}

// TestSchemaRenderXMLBytes pins the exact bytes of one resource.
func TestSchemaRenderXMLBytes(t *testing.T) {
	want := xml.Header + "<TwilioResponse><Sample>" +
		"<Sid>CA1</Sid><FriendlyName>front door</FriendlyName><Count>3</Count><Total>9000000000</Total>" +
		"<Active>true</Active><Price>-0.0075</Price><Rate>1.5</Rate>" +
		"<Detail><Code>7</Code><Label>seven</Label></Detail>" +
		"<SubresourceUris><Recordings>/C/CA1/Recordings</Recordings>" +
		"<UserDefinedMessages>/C/CA1/UserDefinedMessages</UserDefinedMessages></SubresourceUris>" +
		"<Uri>/C/CA1.json</Uri><Note>n</Note>" +
		"</Sample></TwilioResponse>"
	if diff := cmp.Diff(want, string(sampleSchema.Render(XML, fullSample()))); diff != "" {
		t.Errorf("Render(XML) mismatch (-want +got):\n%s", diff)
	}
}

func TestSchemaRenderXML(t *testing.T) {
	tests := []struct {
		name  string
		input *sample
		want  node
	}{
		{
			name:  "every field set",
			input: fullSample(),
			want: parent("Sample",
				elem("Sid", "CA1"), elem("FriendlyName", "front door"), elem("Count", "3"),
				elem("Total", "9000000000"), elem("Active", "true"), elem("Price", "-0.0075"),
				elem("Rate", "1.5"),
				parent("Detail", elem("Code", "7"), elem("Label", "seven")),
				parent("SubresourceUris",
					elem("Recordings", "/C/CA1/Recordings"),
					elem("UserDefinedMessages", "/C/CA1/UserDefinedMessages")),
				elem("Uri", "/C/CA1.json"), elem("Note", "n"),
			),
		},
		{
			name:  "zero value: nil and empty are empty elements",
			input: &sample{},
			want: parent("Sample",
				elem("Sid", ""), elem("FriendlyName", ""), elem("Count", "0"),
				elem("Total", "0"), elem("Active", "false"), elem("Price", "0"),
				elem("Rate", ""),
				parent("Detail", elem("Code", "0"), elem("Label", "")),
				parent("SubresourceUris"),
				elem("Uri", ""), elem("Note", ""),
			),
		},
		{
			name: "markup escaped",
			input: &sample{
				Sid:          `<Sid>&amp;</Sid>`,
				FriendlyName: ptr(`"quoted" & 'single' <b>`),
				Detail:       sampleDetail{Label: ptr("]]>")},
			},
			want: parent("Sample",
				elem("Sid", `<Sid>&amp;</Sid>`), elem("FriendlyName", `"quoted" & 'single' <b>`), elem("Count", "0"),
				elem("Total", "0"), elem("Active", "false"), elem("Price", "0"),
				elem("Rate", ""),
				parent("Detail", elem("Code", "0"), elem("Label", "]]>")),
				parent("SubresourceUris"),
				elem("Uri", ""), elem("Note", ""),
			),
		},
		{
			name:  "whitespace kept: tab, newline, carriage return",
			input: &sample{Sid: " a\tb\nc\rd\r\n "},
			want: parent("Sample",
				elem("Sid", " a\tb\nc\rd\r\n "), elem("FriendlyName", ""), elem("Count", "0"),
				elem("Total", "0"), elem("Active", "false"), elem("Price", "0"),
				elem("Rate", ""),
				parent("Detail", elem("Code", "0"), elem("Label", "")),
				parent("SubresourceUris"),
				elem("Uri", ""), elem("Note", ""),
			),
		},
		{
			name:  "characters XML cannot carry become U+FFFD",
			input: &sample{Sid: "nul\x00 esc\x1b bad\xff nonchar\uFFFE ok\u00e9\U0001F600"},
			want: parent("Sample",
				elem("Sid", "nul\uFFFD esc\uFFFD bad\uFFFD nonchar\uFFFD ok\u00e9\U0001F600"), elem("FriendlyName", ""), elem("Count", "0"),
				elem("Total", "0"), elem("Active", "false"), elem("Price", "0"),
				elem("Rate", ""),
				parent("Detail", elem("Code", "0"), elem("Label", "")),
				parent("SubresourceUris"),
				elem("Uri", ""), elem("Note", ""),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseXML(t, sampleSchema.Render(XML, tt.input))
			want := parent("TwilioResponse", tt.want)
			if diff := cmp.Diff(want, got, cmpXML); diff != "" {
				t.Errorf("Render(XML) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSchemaRenderXMLRaw checks how the text is written, not only what it
// parses to.
func TestSchemaRenderXMLRaw(t *testing.T) {
	tests := []struct {
		name  string
		input *sample
		want  string // a substring of the XML
	}{
		{name: "markup escaped", input: &sample{Sid: `<>&"'`}, want: "<Sid>&lt;&gt;&amp;&#34;&#39;</Sid>"},
		{name: "empty string is an empty element", input: &sample{}, want: "<Sid/>"},
		{name: "nil pointer is an empty element", input: &sample{}, want: "<FriendlyName/>"},
		{name: "pointer to empty string is an empty element", input: &sample{FriendlyName: ptr("")}, want: "<FriendlyName/>"},
		{name: "nil links are an empty element", input: &sample{}, want: "<SubresourceUris></SubresourceUris>"},
		{name: "newline as a character reference", input: &sample{Sid: "a\nb"}, want: "<Sid>a&#xA;b</Sid>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(sampleSchema.Render(XML, tt.input))
			if !strings.Contains(got, tt.want) {
				t.Errorf("Render(XML) = %s\nwant it to contain %s", got, tt.want)
			}
		})
	}
}

// TestNewSchemaSkips checks the fields a schema leaves out, as encoding/json
// does: json:"-" and unexported fields.
func TestNewSchemaSkips(t *testing.T) {
	type skips struct {
		Sid    string `json:"sid"`
		Hidden string `json:"-"`
		secret string
	}
	s := NewSchema[skips]("Skip", "skips")
	v := &skips{Sid: "S", Hidden: "h", secret: "x"}
	tests := []struct {
		name  string
		input Format
		want  string
	}{
		{name: "json", input: JSON, want: `{"sid":"S"}`},
		{name: "csv", input: CSV, want: "sid\nS\n"},
		{name: "xml", input: XML, want: xml.Header + "<TwilioResponse><Skip><Sid>S</Sid></Skip></TwilioResponse>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, string(s.Render(tt.input, v))); diff != "" {
				t.Errorf("Render(%v) mismatch (-want +got):\n%s", tt.input, diff)
			}
		})
	}
}

// panicOf returns the message f panics with, or "" if it returns.
func panicOf(t *testing.T, f func()) (msg string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestNewSchemaPanics(t *testing.T) {
	type withMap struct {
		Sid  string            `json:"sid"`
		Tags map[string]string `json:"tags"`
	}
	type withInts struct {
		Counts []int `json:"counts"`
	}
	type withPointerStruct struct {
		Detail *sampleDetail `json:"detail"`
	}
	type withInt32 struct {
		Small int32 `json:"small"`
	}
	type withBadNested struct {
		Detail struct {
			Bad []string `json:"bad"`
		} `json:"detail"`
	}
	type withTime struct {
		Created time.Time `json:"date_created"`
	}
	type withUntagged struct {
		Sid  string `json:"sid"`
		Name string
	}
	type withBadEmbedded struct {
		withBadNested
		Sid string `json:"sid"`
	}
	tests := []struct {
		name  string
		input func()
		want  string // what the message must contain
	}{
		{name: "not a struct", input: func() { NewSchema[int]("I", "is") }, want: "twilioapi: int is not a struct"},
		{name: "pointer to a struct", input: func() { NewSchema[*sample]("S", "ss") }, want: "is not a struct"},
		{name: "map field", input: func() { NewSchema[withMap]("M", "ms") }, want: "withMap.Tags: cannot render a map[string]string"},
		{name: "slice of ints", input: func() { NewSchema[withInts]("I", "is") }, want: "withInts.Counts: cannot render a []int"},
		{name: "pointer to a struct field", input: func() { NewSchema[withPointerStruct]("P", "ps") }, want: "withPointerStruct.Detail: cannot render a *twilioapi.sampleDetail"},
		{name: "int32", input: func() { NewSchema[withInt32]("I", "is") }, want: "withInt32.Small: cannot render a int32"},
		{name: "bad field of a nested struct", input: func() { NewSchema[withBadNested]("N", "ns") }, want: ".Bad: cannot render a []string"},
		{name: "struct without wire fields", input: func() { NewSchema[withTime]("T", "ts") }, want: "withTime.Created: cannot render a time.Time"},
		{name: "exported field without a json tag", input: func() { NewSchema[withUntagged]("U", "us") }, want: "withUntagged.Name: no json tag"},
		{name: "bad field of an embedded struct", input: func() { NewSchema[withBadEmbedded]("E", "es") }, want: ".Bad: cannot render a []string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := panicOf(t, tt.input)
			if got == "" {
				t.Fatalf("NewSchema did not panic, want a panic containing %q", tt.want)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("NewSchema panicked with %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

// xmlSafe is what the XML renderer makes of s, as encoding/xml.EscapeText
// does: each byte of invalid UTF-8 and each character XML 1.0 cannot carry
// becomes U+FFFD.
func xmlSafe(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if r == utf8.RuneError && size == 1 || !xmlChar(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

// xmlChar reports whether r is a Char of XML 1.0.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// FuzzSchemaXML renders resources with arbitrary strings and checks that the
// XML parses back to them. XML 1.0 cannot carry every string: invalid UTF-8
// and characters outside XML's Char (NUL, most C0 controls, U+FFFE, U+FFFF,
// surrogates) are written as U+FFFD, as encoding/xml.EscapeText does, so
// the XML is always well-formed and parses back to xmlSafe of the input.
func FuzzSchemaXML(f *testing.F) {
	for _, seed := range [][3]string{
		{"CA1", "front door", "/C/CA1/Recordings.json"},
		{"", "", ""},
		{`<>&"'`, "]]>", "<![CDATA[x]]>"},
		{"a\tb\nc\rd", "\r\n", " "},
		{"\x00\x1b\x7f", "\xff\xfe", "\uFFFE\uFFFF"},
		{"é😀", "\u2028", "\xed\xa0\x80"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, sid, name, uri string) {
		in := &sample{Sid: sid, FriendlyName: &name, Detail: sampleDetail{Label: &uri}, Links: Links{Base: uri, Names: [][2]string{{"recordings", "R"}}}, URI: uri}
		root := parseXML(t, sampleSchema.Render(XML, in))
		got := parent("Sample",
			findXML(t, root, "Sample", "Sid"), findXML(t, root, "Sample", "FriendlyName"),
			findXML(t, root, "Sample", "Detail", "Label"),
			findXML(t, root, "Sample", "SubresourceUris", "Recordings"), findXML(t, root, "Sample", "Uri"))
		want := parent("Sample",
			elem("Sid", xmlSafe(sid)), elem("FriendlyName", xmlSafe(name)),
			elem("Label", xmlSafe(uri)),
			elem("Recordings", xmlSafe(uri+"/R")), elem("Uri", xmlSafe(uri)))
		if diff := cmp.Diff(want, got, cmpXML); diff != "" {
			t.Errorf("XML parsed back mismatch (-want +got):\n%s", diff)
		}

		page := &Page[sample]{Items: []*sample{in}, URI: uri, NextPageURI: name}
		proot := parseXML(t, sampleSchema.RenderPage(XML, page))
		list := findXML(t, proot, "Samples")
		attrs := map[string]string{}
		for _, a := range list.Attrs {
			attrs[a.Name.Local] = a.Value
		}
		if attrs["uri"] != xmlSafe(uri) || attrs["nextpageuri"] != xmlSafe(name) {
			t.Errorf("page attributes uri=%q nextpageuri=%q, want %q and %q", attrs["uri"], attrs["nextpageuri"], xmlSafe(uri), xmlSafe(name))
		}
		if sid := findXML(t, proot, "Samples", "Sample", "Sid"); sid.Text != xmlSafe(in.Sid) {
			t.Errorf("page item Sid = %q, want %q", sid.Text, xmlSafe(in.Sid))
		}
	})
}

// findXML returns the first element at path under root.
func findXML(t testing.TB, root node, path ...string) node {
	t.Helper()
	n := root
next:
	for _, name := range path {
		for _, c := range n.Nodes {
			if c.XMLName.Local == name {
				n = c
				continue next
			}
		}
		t.Fatalf("no element %s under %s", strings.Join(path, "/"), root.XMLName.Local)
	}
	return n
}

// FuzzSchemaJSON checks that the Schema writes JSON byte for byte as
// encoding/json does, for any strings and numbers.
func FuzzSchemaJSON(f *testing.F) {
	f.Add("CA1", "front door", "/C/CA1", int64(3), 1.5, true)
	f.Add(`<>&"'\`, "\x00\x1f\x7f\xff", "\u2028\u2029é😀", int64(-1<<63), 1e21, false)
	f.Add("", "", "", int64(0), 1e-7, false)
	f.Add("a", "b", "c", int64(9000000000), -0.0075, true)
	f.Fuzz(func(t *testing.T, sid, name, uri string, n int64, x float64, on bool) {
		if x != x || x > 1.7e308 || x < -1.7e308 {
			t.Skip("NaN and infinities are no JSON")
		}
		for _, omit := range []string{"", "note"} {
			in := &sample{Sid: sid, FriendlyName: &name, Count: int(n), Total: n, Active: on, Price: x, Rate: &x,
				Detail: sampleDetail{Code: int(n), Label: &uri}, URI: uri, Note: omit,
				Links: Links{Base: uri, Names: [][2]string{{name, sid}, {"recordings", "Recordings"}}}}
			want, err := json.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			if got := sampleSchema.Render(JSON, in); !bytes.Equal(got, want) {
				t.Errorf("Render(JSON) differs from encoding/json:\n got %s\nwant %s", got, want)
			}
			page := &Page[sample]{Items: []*sample{in, in}, URI: uri, NextPageURI: name}
			var back map[string]any
			if err := json.Unmarshal(sampleSchema.RenderPage(JSON, page), &back); err != nil {
				t.Errorf("RenderPage(JSON) is not JSON: %v", err)
			}
		}
	})
}

// event has an Object: parameters whose names are not known in advance.
type event struct {
	URL        string `json:"url"`
	Parameters Object `json:"parameters"`
}

func TestSchemaObject(t *testing.T) {
	s := NewSchema[event]("Event", "events")
	v := &event{URL: "https://a.example.com/v?x=1&y=<2>", Parameters: Object{{"call_sid", "CA1"}, {"digits", "1&2<3>"}, {"empty", ""}}}
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Render(JSON, v); string(got) != string(want) {
		t.Errorf("JSON:\n got %s\nwant %s", got, want)
	}
	if got := string(want); got != `{"url":"https://a.example.com/v?x=1\u0026y=\u003c2\u003e","parameters":{"call_sid":"CA1","digits":"1\u00262\u003c3\u003e","empty":""}}` {
		t.Errorf("the pairs are not an object in order: %s", got)
	}
	if got := string(s.Render(XML, v)); !strings.Contains(got, "<Event><Url>https://a.example.com/v?x=1&amp;y=&lt;2&gt;</Url><Parameters><CallSid>CA1</CallSid><Digits>1&amp;2&lt;3&gt;</Digits><Empty/></Parameters></Event>") {
		t.Errorf("XML: %s", got)
	}
	if got := string(s.Render(CSV, v)); got != "url\nhttps://a.example.com/v?x=1&y=<2>\n" {
		t.Errorf("CSV keeps only the scalars: %q", got)
	}
}

// summary and detailed share their fields by embedding, as a list item
// and an instance of one resource do.
type summary struct {
	Sid   string  `json:"sid"`
	Label *string `json:"label"`
}

type detailed struct {
	summary
	Body  string `json:"body"`
	Count int    `json:"count"`
}

func TestSchemaEmbedded(t *testing.T) {
	s := NewSchema[detailed]("Item", "items")
	v := &detailed{summary: summary{Sid: "NO1", Label: ptr("x<y")}, Body: "b", Count: 2}
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Render(JSON, v); string(got) != string(want) || string(want) != `{"sid":"NO1","label":"x\u003cy","body":"b","count":2}` {
		t.Errorf("JSON: %s, encoding/json %s", got, want)
	}
	if got := string(s.Render(XML, v)); !strings.Contains(got, "<Item><Sid>NO1</Sid><Label>x&lt;y</Label><Body>b</Body><Count>2</Count></Item>") {
		t.Errorf("XML: %s", got)
	}
	if got := string(s.Render(CSV, v)); got != "sid,label,body,count\nNO1,x<y,b,2\n" {
		t.Errorf("CSV: %q", got)
	}
}

// TestSchemaXMLTag checks that an xml tag names a field's element, in a
// nested object too, and changes neither JSON nor CSV.
func TestSchemaXMLTag(t *testing.T) {
	type caps struct {
		SMS   bool `json:"sms" xml:"SMS"`
		Voice bool `json:"voice"`
	}
	type tagged struct {
		Sid  string `json:"sid" xml:"SID"`
		Caps caps   `json:"capabilities"`
	}
	s := NewSchema[tagged]("Tagged", "tagged")
	v := &tagged{Sid: "PN1", Caps: caps{SMS: true}}
	want := parent("TwilioResponse", parent("Tagged", elem("SID", "PN1"),
		parent("Capabilities", elem("SMS", "true"), elem("Voice", "false"))))
	if diff := cmp.Diff(want, parseXML(t, s.Render(XML, v)), cmpXML); diff != "" {
		t.Errorf("Render(XML) mismatch (-want +got):\n%s", diff)
	}
	if got, want := string(s.Render(JSON, v)), `{"sid":"PN1","capabilities":{"sms":true,"voice":false}}`; got != want {
		t.Errorf("Render(JSON) = %s, want %s", got, want)
	}
	if got, want := string(s.Render(CSV, v)), "sid\nPN1\n"; got != want {
		t.Errorf("Render(CSV) = %q, want %q", got, want)
	}
}

// TestSchemaWithout checks that a field left out is gone from every
// representation, and that the original schema keeps it.
func TestSchemaWithout(t *testing.T) {
	type resource struct {
		Sid  string `json:"sid"`
		Type string `json:"type"`
		URI  string `json:"uri"`
	}
	full := NewSchema[resource]("Thing", "things")
	short := full.Without("type")
	v := &resource{Sid: "PN1", Type: "local", URI: "/x.json"}
	for _, tt := range []struct {
		name   string
		schema *Schema[resource]
		f      Format
		want   string
	}{
		{"JSON", short, JSON, `{"sid":"PN1","uri":"/x.json"}`},
		{"CSV", short, CSV, "sid,uri\nPN1,/x.json\n"},
		{"XML", short, XML, xml.Header + `<TwilioResponse><Thing><Sid>PN1</Sid><Uri>/x.json</Uri></Thing></TwilioResponse>`},
		{"the original", full, JSON, `{"sid":"PN1","type":"local","uri":"/x.json"}`},
	} {
		if got := string(tt.schema.Render(tt.f, v)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	page := string(short.RenderPage(JSON, &Page[resource]{Items: []*resource{v}, PageSize: 50}))
	if !strings.Contains(page, `"things":[{"sid":"PN1","uri":"/x.json"}]`) {
		t.Errorf("page: %s", page)
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("Without of a field T does not have: no panic")
		}
	}()
	full.Without("nope")
}
