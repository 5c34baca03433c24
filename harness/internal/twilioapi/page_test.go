package twilioapi

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"math"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// jsonKeys returns the keys of the JSON object data in the order written,
// failing if data is not one valid object.
func jsonKeys(t testing.TB, data []byte) []string {
	t.Helper()
	if !json.Valid(data) {
		t.Fatalf("invalid JSON: %s", data)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("JSON is not an object: %s", data)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("JSON key: %v", err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatalf("JSON value of %q: %v", keys[len(keys)-1], err)
		}
	}
	return keys
}

// envelopeKeys are the keys of a page besides its list key.
var envelopeKeys = []string{"end", "first_page_uri", "next_page_uri", "page", "page_size", "previous_page_uri", "start", "uri"}

func TestRenderPageJSONKeyOrder(t *testing.T) {
	tests := []struct {
		name  string
		input string // the list key
	}{
		{name: "before every key", input: "accounts"},
		{name: "before end", input: "calls"},
		{name: "after first_page_uri", input: "messages"},
		{name: "after next_page_uri", input: "notifications"},
		{name: "after page_size", input: "participants"},
		{name: "after previous_page_uri", input: "recordings"},
		{name: "after start", input: "transcriptions"},
		{name: "after every key", input: "zzz"},
		{name: "prefix of a key", input: "pag"},
		{name: "extends a key", input: "uris"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSchema[sample]("Sample", tt.input)
			for _, items := range [][]*sample{nil, {fullSample(), {Sid: "CA2"}}} {
				got := jsonKeys(t, s.RenderPage(JSON, &Page[sample]{Items: items, PageSize: 50, NextPageURI: "/n"}))
				want := slices.Sorted(slices.Values(append([]string{tt.input}, envelopeKeys...)))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("RenderPage(JSON) keys with %d items mismatch (-want +got):\n%s", len(items), diff)
				}
			}
		})
	}
}

func TestRenderPageJSON(t *testing.T) {
	second := &sample{Sid: "CA2", FriendlyName: ptr("b")}
	tests := []struct {
		name  string
		input *Page[sample]
		want  map[string]any
	}{
		{
			name: "empty list: items an empty array, next and previous null",
			input: &Page[sample]{
				PageSize: 50, URI: "/Samples.json?PageSize=50&Page=0", FirstPageURI: "/Samples.json?PageSize=50&Page=0",
			},
			want: map[string]any{
				"samples": []any{}, "end": json.Number("0"), "first_page_uri": "/Samples.json?PageSize=50&Page=0",
				"next_page_uri": nil, "page": json.Number("0"), "page_size": json.Number("50"),
				"previous_page_uri": nil, "start": json.Number("0"), "uri": "/Samples.json?PageSize=50&Page=0",
			},
		},
		{
			name:  "empty but non-nil items",
			input: &Page[sample]{Items: []*sample{}, PageSize: 50},
			want: map[string]any{
				"samples": []any{}, "end": json.Number("0"), "first_page_uri": "",
				"next_page_uri": nil, "page": json.Number("0"), "page_size": json.Number("50"),
				"previous_page_uri": nil, "start": json.Number("0"), "uri": "",
			},
		},
		{
			name: "middle page: items in order, next and previous set",
			input: &Page[sample]{
				Items: []*sample{fullSample(), second}, Page: 1, PageSize: 2, Start: 2, End: 3,
				URI: "/S?PageSize=2&Page=1", FirstPageURI: "/S?PageSize=2&Page=0",
				NextPageURI: "/S?PageSize=2&Page=2&PageToken=PACA2", PreviousPageURI: "/S?PageSize=2&Page=0",
			},
			want: map[string]any{
				"samples": []any{decodeJSON(t, fullSample()), decodeJSON(t, second)},
				"end":     json.Number("3"), "first_page_uri": "/S?PageSize=2&Page=0",
				"next_page_uri": "/S?PageSize=2&Page=2&PageToken=PACA2", "page": json.Number("1"), "page_size": json.Number("2"),
				"previous_page_uri": "/S?PageSize=2&Page=0", "start": json.Number("2"), "uri": "/S?PageSize=2&Page=1",
			},
		},
		{
			name:  "escaping in URIs",
			input: &Page[sample]{URI: `/S?To="<x>"&a=\`},
			want: map[string]any{
				"samples": []any{}, "end": json.Number("0"), "first_page_uri": "",
				"next_page_uri": nil, "page": json.Number("0"), "page_size": json.Number("0"),
				"previous_page_uri": nil, "start": json.Number("0"), "uri": `/S?To="<x>"&a=\`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := sampleSchema.RenderPage(JSON, tt.input)
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			var got map[string]any
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("RenderPage(JSON) does not decode: %v\n%s", err, data)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("RenderPage(JSON) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// decodeJSON is v as encoding/json writes it, decoded with numbers kept.
func decodeJSON(t testing.TB, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("json decode: %v", err)
	}
	return out
}

// TestRenderPageJSONBytes pins the exact bytes of a small page.
func TestRenderPageJSONBytes(t *testing.T) {
	type item struct {
		Sid string `json:"sid"`
	}
	tests := []struct {
		name    string
		listKey string
		input   *Page[item]
		want    string
	}{
		{
			name:    "list key first",
			listKey: "calls",
			input:   &Page[item]{Items: []*item{{"CA1"}}, PageSize: 1, URI: "/u", FirstPageURI: "/f"},
			want:    `{"calls":[{"sid":"CA1"}],"end":0,"first_page_uri":"/f","next_page_uri":null,"page":0,"page_size":1,"previous_page_uri":null,"start":0,"uri":"/u"}`,
		},
		{
			name:    "list key in the middle",
			listKey: "recordings",
			input:   &Page[item]{Page: 2, PageSize: 1, Start: 2, End: 2, PreviousPageURI: "/p"},
			want:    `{"end":2,"first_page_uri":"","next_page_uri":null,"page":2,"page_size":1,"previous_page_uri":"/p","recordings":[],"start":2,"uri":""}`,
		},
		{
			name:    "list key last",
			listKey: "zzz",
			input:   &Page[item]{Items: []*item{{"A"}, {"B"}}, PageSize: 2, End: 1, NextPageURI: "/n"},
			want:    `{"end":1,"first_page_uri":"","next_page_uri":"/n","page":0,"page_size":2,"previous_page_uri":null,"start":0,"uri":"","zzz":[{"sid":"A"},{"sid":"B"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewSchema[item]("Item", tt.listKey).RenderPage(JSON, tt.input)
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("RenderPage(JSON) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderPageXML(t *testing.T) {
	attrs := func(kv ...string) []xml.Attr {
		var out []xml.Attr
		for i := 0; i < len(kv); i += 2 {
			out = append(out, xml.Attr{Name: xmlName(kv[i]), Value: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name    string
		listKey string
		input   *Page[sample]
		want    node
	}{
		{
			name:    "empty list: empty previous and next",
			listKey: "samples",
			input:   &Page[sample]{PageSize: 50, URI: "/S?PageSize=50&Page=0", FirstPageURI: "/S?PageSize=50&Page=0"},
			want: node{
				XMLName: xmlName("Samples"),
				Attrs: attrs("page", "0", "pagesize", "50", "start", "0", "end", "0", "uri", "/S?PageSize=50&Page=0",
					"firstpageuri", "/S?PageSize=50&Page=0", "previouspageuri", "", "nextpageuri", ""),
			},
		},
		{
			name:    "items in order, attributes escaped",
			listKey: "user_defined_messages",
			input: &Page[sample]{
				Items: []*sample{{Sid: "CA1"}, {Sid: "CA2"}, {Sid: "CA3"}}, Page: 1, PageSize: 3, Start: 3, End: 5,
				URI: `/S?To="<x>"&Page=1`, FirstPageURI: "/S?Page=0", PreviousPageURI: "/S?Page=0", NextPageURI: "/S?Page=2&PageToken=PACA3",
			},
			want: node{
				XMLName: xmlName("UserDefinedMessages"),
				Attrs: attrs("page", "1", "pagesize", "3", "start", "3", "end", "5", "uri", `/S?To="<x>"&Page=1`,
					"firstpageuri", "/S?Page=0", "previouspageuri", "/S?Page=0", "nextpageuri", "/S?Page=2&PageToken=PACA3"),
				Nodes: []node{
					parseXML(t, sampleSchema.Render(XML, &sample{Sid: "CA1"})).Nodes[0],
					parseXML(t, sampleSchema.Render(XML, &sample{Sid: "CA2"})).Nodes[0],
					parseXML(t, sampleSchema.Render(XML, &sample{Sid: "CA3"})).Nodes[0],
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSchema[sample]("Sample", tt.listKey)
			got := parseXML(t, s.RenderPage(XML, tt.input))
			if diff := cmp.Diff(parent("TwilioResponse", tt.want), got, cmpXML); diff != "" {
				t.Errorf("RenderPage(XML) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderPageXMLBytes(t *testing.T) {
	type item struct {
		Sid string `json:"sid"`
	}
	got := NewSchema[item]("Call", "calls").RenderPage(XML, &Page[item]{
		Items: []*item{{"CA1"}}, PageSize: 1, URI: "/u?a=1&b=2", FirstPageURI: "/f", NextPageURI: "/n",
	})
	want := xml.Header + `<TwilioResponse><Calls page="0" pagesize="1" start="0" end="0" uri="/u?a=1&amp;b=2" firstpageuri="/f" previouspageuri="" nextpageuri="/n">` +
		`<Call><Sid>CA1</Sid></Call></Calls></TwilioResponse>`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("RenderPage(XML) mismatch (-want +got):\n%s", diff)
	}
}

func TestRenderPageCSV(t *testing.T) {
	const header = "sid,friendly_name,count,total,active,price,rate,uri,note\n"
	tests := []struct {
		name  string
		input *Page[sample]
		want  string
	}{
		{name: "empty list is the header only", input: &Page[sample]{PageSize: 50}, want: header},
		{
			name:  "one row an item, in order, no envelope",
			input: &Page[sample]{Items: []*sample{{Sid: "CA1", Count: 1}, {Sid: "CA2", FriendlyName: ptr("x,y")}}, PageSize: 2, NextPageURI: "/n"},
			want:  header + "CA1,,1,0,false,0,,,\n" + `CA2,"x,y",0,0,false,0,,,` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, string(sampleSchema.RenderPage(CSV, tt.input))); diff != "" {
				t.Errorf("RenderPage(CSV) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePaging(t *testing.T) {
	tests := []struct {
		name    string
		input   string // a query
		want    Paging
		wantErr *InputError
	}{
		{name: "defaults", input: "", want: Paging{Size: 50, Page: 0, Token: ""}},
		{name: "all given", input: "PageSize=20&Page=3&PageToken=PACA9", want: Paging{Size: 20, Page: 3, Token: "PACA9"}},
		{name: "smallest page", input: "PageSize=1", want: Paging{Size: 1}},
		{name: "largest page", input: "PageSize=1000", want: Paging{Size: 1000}},
		{name: "above the largest page is the largest", input: "PageSize=5000", want: Paging{Size: 1000}},
		{name: "first of repeated values", input: "PageSize=5&PageSize=7", want: Paging{Size: 5}},
		{name: "empty values are absent", input: "PageSize=&Page=&PageToken=", want: Paging{Size: 50}},
		{name: "token kept as given", input: "PageToken=+x%20y", want: Paging{Size: 50, Token: " x y"}},
		{name: "plus sign", input: "PageSize=%2B5", want: Paging{Size: 5}},
		{name: "huge page", input: "Page=4611686018427387904", want: Paging{Size: 50, Page: 1 << 62}},
		{name: "largest page number", input: "Page=" + strconv.Itoa(math.MaxInt), want: Paging{Size: 50, Page: math.MaxInt}},
		{
			name: "page size zero", input: "PageSize=0",
			wantErr: &InputError{Param: "PageSize", Message: "PageSize must be a positive integer: 0"},
		},
		{
			name: "page size negative", input: "PageSize=-1",
			wantErr: &InputError{Param: "PageSize", Message: "PageSize must be a positive integer: -1"},
		},
		{
			name: "page size not a number", input: "PageSize=abc",
			wantErr: &InputError{Param: "PageSize", Message: "PageSize must be a positive integer: abc"},
		},
		{
			name: "page size with spaces", input: "PageSize=+5+",
			wantErr: &InputError{Param: "PageSize", Message: "PageSize must be a positive integer:  5 "},
		},
		{
			name: "page size overflows", input: "PageSize=99999999999999999999",
			wantErr: &InputError{Param: "PageSize", Message: "PageSize must be a positive integer: 99999999999999999999"},
		},
		{
			name: "page negative", input: "Page=-1",
			wantErr: &InputError{Param: "Page", Message: "Page must be a non-negative integer: -1"},
		},
		{
			name: "page not a number", input: "Page=abc",
			wantErr: &InputError{Param: "Page", Message: "Page must be a non-negative integer: abc"},
		},
		{
			name: "page fraction", input: "Page=1.5",
			wantErr: &InputError{Param: "Page", Message: "Page must be a non-negative integer: 1.5"},
		},
		{
			name: "page overflows", input: "Page=99999999999999999999",
			wantErr: &InputError{Param: "Page", Message: "Page must be a non-negative integer: 99999999999999999999"},
		},
		{
			name: "page size checked first", input: "Page=x&PageSize=y",
			wantErr: &InputError{Param: "PageSize", Message: "PageSize must be a positive integer: y"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.input)
			if err != nil {
				t.Fatalf("url.ParseQuery(%q): %v", tt.input, err)
			}
			got, err := ParsePaging(q)
			if tt.wantErr != nil {
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Fatalf("ParsePaging(%q) error = %v, want an *InputError", tt.input, err)
				}
				if diff := cmp.Diff(tt.wantErr, ie); diff != "" {
					t.Errorf("ParsePaging(%q) error mismatch (-want +got):\n%s", tt.input, diff)
				}
				if diff := cmp.Diff(tt.wantErr.Message, err.Error()); diff != "" {
					t.Errorf("ParsePaging(%q) error text mismatch (-want +got):\n%s", tt.input, diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePaging(%q): %v", tt.input, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePaging(%q) mismatch (-want +got):\n%s", tt.input, diff)
			}
		})
	}
}

// sids returns the keys of a list of n calls: CA0 … CA{n-1}.
func sids(i int) string { return "CA" + strconv.Itoa(i) }

func TestLocate(t *testing.T) {
	tests := []struct {
		name   string
		input  Paging
		length int
		want   Window
	}{
		{name: "first page", input: Paging{Size: 50}, length: 120, want: Window{0, 50}},
		{name: "middle page", input: Paging{Size: 50, Page: 1}, length: 120, want: Window{50, 100}},
		{name: "last page, partial", input: Paging{Size: 50, Page: 2}, length: 120, want: Window{100, 120}},
		{name: "page just past a full last page", input: Paging{Size: 50, Page: 2}, length: 100, want: Window{100, 100}},
		{name: "past the end", input: Paging{Size: 50, Page: 3}, length: 120, want: Window{120, 120}},
		{name: "huge page, no overflow", input: Paging{Size: 1000, Page: 1 << 62}, length: 120, want: Window{120, 120}},
		{name: "largest page, size 1", input: Paging{Size: 1, Page: math.MaxInt}, length: 120, want: Window{120, 120}},
		{name: "empty list", input: Paging{Size: 50}, length: 0, want: Window{0, 0}},
		{name: "page larger than the list", input: Paging{Size: 1000}, length: 3, want: Window{0, 3}},
		{name: "token continues after its key", input: Paging{Size: 50, Page: 1, Token: "PACA49"}, length: 120, want: Window{50, 100}},
		{name: "token wins over page", input: Paging{Size: 50, Page: 5, Token: "PACA9"}, length: 120, want: Window{10, 60}},
		{name: "token of the first item", input: Paging{Size: 2, Token: "PACA0"}, length: 120, want: Window{1, 3}},
		{name: "token of the last item", input: Paging{Size: 50, Page: 1, Token: "PACA119"}, length: 120, want: Window{120, 120}},
		{name: "token near the end, partial", input: Paging{Size: 50, Page: 1, Token: "PACA99"}, length: 120, want: Window{100, 120}},
		{name: "unknown token falls back to the page", input: Paging{Size: 50, Page: 1, Token: "PACA999"}, length: 120, want: Window{50, 100}},
		{name: "token without PA falls back to the page", input: Paging{Size: 50, Page: 1, Token: "CA9"}, length: 120, want: Window{50, 100}},
		{name: "bare PA falls back to the page", input: Paging{Size: 50, Page: 1, Token: "PA"}, length: 120, want: Window{50, 100}},
		{name: "token with a huge page", input: Paging{Size: 50, Page: 1 << 62, Token: "PACA0"}, length: 120, want: Window{1, 51}},
		{name: "unknown token with a huge page", input: Paging{Size: 50, Page: 1 << 62, Token: "PAnope"}, length: 120, want: Window{120, 120}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.input.Locate(tt.length, sids)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%+v.Locate(%d) mismatch (-want +got):\n%s", tt.input, tt.length, diff)
			}
		})
	}
}

func TestPageURI(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		filters [][2]string
		size    int
		page    int
		token   string
		want    string
	}{
		{
			name: "no filters, no token",
			path: "/2010-04-01/Accounts/AC1/Calls.json", size: 50, page: 0,
			want: "/2010-04-01/Accounts/AC1/Calls.json?PageSize=50&Page=0",
		},
		{
			name: "token appended last",
			path: "/C.json", size: 20, page: 3, token: "PACA59",
			want: "/C.json?PageSize=20&Page=3&PageToken=PACA59",
		},
		{
			name:    "filters in the order given, escaped",
			path:    "/C.json",
			filters: [][2]string{{"To", "+1 555 0100"}, {"StartTime>", "2025-01-06T09:00:00Z"}, {"Status", "a&b=c"}},
			size:    50, page: 1,
			want: "/C.json?To=%2B1+555+0100&StartTime%3E=2025-01-06T09%3A00%3A00Z&Status=a%26b%3Dc&PageSize=50&Page=1",
		},
		{
			name:    "filters not sorted",
			path:    "/C.json",
			filters: [][2]string{{"Z", "1"}, {"A", "2"}},
			size:    1, page: 0, token: "PA x",
			want: "/C.json?Z=1&A=2&PageSize=1&Page=0&PageToken=PA+x",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PageURI(tt.path, tt.filters, tt.size, tt.page, tt.token)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("PageURI() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPageURIParsesBack checks that a page URI's query gives back every
// filter and the paging as given.
func TestPageURIParsesBack(t *testing.T) {
	filters := [][2]string{{"StartTime<", "2025-01-06T09:00:00+02:00"}, {"From", "client:alice & bob"}, {"Status", "in-progress"}}
	u, err := url.Parse(PageURI("/C.json", filters, 7, 2, "PACA1"))
	if err != nil {
		t.Fatalf("url.Parse: %v", err)
	}
	want := url.Values{
		"StartTime<": {"2025-01-06T09:00:00+02:00"}, "From": {"client:alice & bob"}, "Status": {"in-progress"},
		"PageSize": {"7"}, "Page": {"2"}, "PageToken": {"PACA1"},
	}
	if diff := cmp.Diff(want, u.Query()); diff != "" {
		t.Errorf("query mismatch (-want +got):\n%s", diff)
	}
	p, err := ParsePaging(u.Query())
	if err != nil {
		t.Fatalf("ParsePaging: %v", err)
	}
	if diff := cmp.Diff(Paging{Size: 7, Page: 2, Token: "PACA1"}, p); diff != "" {
		t.Errorf("ParsePaging mismatch (-want +got):\n%s", diff)
	}
}

// FuzzRenderPageJSON checks that a page is one valid JSON object with its
// keys in order whatever the list key.
func FuzzRenderPageJSON(f *testing.F) {
	for _, k := range []string{"calls", "notifications", "recordings", "zzz", "", "page_sizf", "ä"} {
		f.Add(k, 2)
	}
	f.Fuzz(func(t *testing.T, listKey string, n int) {
		if !utf8.ValidString(listKey) || slices.Contains(envelopeKeys, listKey) {
			t.Skip("a list key must be valid UTF-8 and differ from the envelope's keys")
		}
		items := make([]*sample, min(max(n, 0), 3))
		for i := range items {
			items[i] = &sample{Sid: sids(i)}
		}
		s := NewSchema[sample]("Sample", listKey)
		got := jsonKeys(t, s.RenderPage(JSON, &Page[sample]{Items: items}))
		want := slices.Sorted(slices.Values(append([]string{listKey}, envelopeKeys...)))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("keys mismatch (-want +got):\n%s", diff)
		}
	})
}

// FuzzParsePaging checks that any query gives paging in range or an
// *InputError naming the parameter.
func FuzzParsePaging(f *testing.F) {
	for _, seed := range [][3]string{{"", "", ""}, {"20", "3", "PACA1"}, {"5000", "0", ""}, {"0", "-1", ""}, {"abc", "1<<62", "PA"}} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, size, page, token string) {
		q := url.Values{"PageSize": {size}, "Page": {page}, "PageToken": {token}}
		p, err := ParsePaging(q)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || (ie.Param != "PageSize" && ie.Param != "Page") {
				t.Fatalf("ParsePaging error = %#v, want an *InputError for PageSize or Page", err)
			}
			return
		}
		if p.Size < 1 || p.Size > MaxPageSize || p.Page < 0 || p.Token != token {
			t.Fatalf("ParsePaging(%q, %q, %q) = %+v, out of range", size, page, token, p)
		}
		w := p.Locate(int(uint16(len(size)*len(page)*97)), sids)
		if w.From < 0 || w.From > w.To || w.To-w.From > p.Size {
			t.Fatalf("%+v.Locate = %+v, not a window", p, w)
		}
	})
}

// FuzzLocate checks that the window is always within the list and at most
// a page long, whatever the page number and token.
func FuzzLocate(f *testing.F) {
	f.Add(120, 50, 2, "")
	f.Add(120, 1000, 1<<62, "PACA3")
	f.Add(0, 1, math.MaxInt, "PA")
	f.Fuzz(func(t *testing.T, n, size, page int, token string) {
		n = int(uint32(n) % 5000)
		size = 1 + int(uint32(size)%MaxPageSize)
		if page < 0 {
			page = -(page + 1)
		}
		p := Paging{Size: size, Page: page, Token: token}
		w := p.Locate(n, sids)
		if w.From < 0 || w.From > w.To || w.To > n || w.To-w.From > size {
			t.Fatalf("%+v.Locate(%d) = %+v, not a window of the list", p, n, w)
		}
	})
}
