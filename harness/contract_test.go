package harness_test

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
)

// The contract: every REST response a server of these tests gave is checked
// against Twilio's OpenAPI description of API v2010, twilio_api_v2010.json,
// which Twilio publishes under the MIT licence in the GitHub repository
// twilio/twilio-oai (spec/json/twilio_api_v2010.json) and which is not part
// of this repository:
//
//	curl -fsSLo /tmp/twilio_api_v2010.json \
//	  https://raw.githubusercontent.com/twilio/twilio-oai/main/spec/json/twilio_api_v2010.json
//	TWIMLHARNESS_OPENAPI=/tmp/twilio_api_v2010.json go test ./harness
//
// TWIMLHARNESS_OPENAPI names the file; a relative name is read from the
// module's root (.ci/run sets it to CI's copy). Unset, the responses are not
// checked and TestContractSpecAvailable says so.

const (
	contractEnv    = "TWIMLHARNESS_OPENAPI"
	contractHost   = "https://api.twilio.com" // the spec's server
	twilioErrorDoc = "https://www.twilio.com/docs/errors/"
	// contractSource is where the description comes from.
	contractSource = "twilio_api_v2010.json from " +
		"https://raw.githubusercontent.com/twilio/twilio-oai/main/spec/json/twilio_api_v2010.json"
)

// contractSpec is Twilio's OpenAPI description, ready to validate responses.
type contractSpec struct {
	doc     *openapi3.T
	router  routers.Router
	options *openapi3filter.Options
	file    string        // the file read
	took    time.Duration // to read, parse, validate and route it
}

var (
	contractOnce sync.Once
	contractVal  *contractSpec
	contractErr  error
)

// loadedContract returns the description TWIMLHARNESS_OPENAPI names, loaded
// once per test binary: nil and no error when the variable is unset.
func loadedContract() (*contractSpec, error) {
	contractOnce.Do(func() {
		name, set := os.LookupEnv(contractEnv)
		if !set {
			return
		}
		if strings.TrimSpace(name) == "" {
			contractErr = fmt.Errorf("%s is set but empty: set it to the path of Twilio's OpenAPI description (%s) or unset it", contractEnv, contractSource)
			return
		}
		contractVal, contractErr = loadContract(name)
		if contractErr != nil {
			contractErr = fmt.Errorf("%s=%s: %w", contractEnv, name, contractErr)
		}
	})
	return contractVal, contractErr
}

// requireContract returns the description, skips the test when
// TWIMLHARNESS_OPENAPI is unset and fails it when the file is unusable.
func requireContract(t testing.TB) *contractSpec {
	t.Helper()
	spec, err := loadedContract()
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	if spec == nil {
		t.Skip(contractEnv + " is not set: REST responses are not checked against Twilio's OpenAPI description " +
			"(set it to the path of " + contractSource + ")")
	}
	return spec
}

// loadContract reads, parses and checks the description, with the format
// validators Twilio's custom formats need.
func loadContract(name string) (*contractSpec, error) {
	start := time.Now()
	file := name
	if !filepath.IsAbs(file) {
		root, err := moduleRoot()
		if err != nil {
			return nil, err
		}
		file = filepath.Join(root, file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("cannot read Twilio's OpenAPI description: %w", err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("%s is not an OpenAPI description: %w", file, err)
	}
	// Some of Twilio's own examples break its schemas (a PN sid in a trunk_sid);
	// everything else must be valid for the router and the validator.
	if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("%s is not a valid OpenAPI description: %w", file, err)
	}
	if doc.Paths.Find("/2010-04-01/Accounts/{AccountSid}/Calls.json") == nil {
		return nil, fmt.Errorf("%s does not describe /2010-04-01/Accounts/{AccountSid}/Calls.json: not Twilio's API v2010?", file)
	}
	// The one place the service and its description are known to differ:
	// a recording started with <Start><Recording> has the source
	// StartCallRecordingTwiML in Twilio's replies (rest-resources.md §1.3,
	// observed), which the description's enums leave out.
	for _, name := range []string{"recording_enum_source", "call_recording_enum_source"} {
		if ref := doc.Components.Schemas[name]; ref != nil && ref.Value != nil {
			ref.Value.Enum = append(ref.Value.Enum, "StartCallRecordingTwiML")
		}
	}
	// And one gap of the description: reason_conference_ended is null while
	// a conference is in progress (the schema's description says so, as
	// does Twilio's example), but its enum has no null.
	if ref := doc.Components.Schemas["conference_enum_reason_conference_ended"]; ref != nil && ref.Value != nil {
		ref.Value.Nullable = true
	}
	doc.SetStringFormatValidators(twilioFormats)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing %s: %w", file, err)
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus:   true, // a status the operation does not document is an error
		MultiError:              true, // every broken field, not the first one
		SchemaValidationOptions: doc.GetSchemaValidationOptions(),
	}
	opts.WithCustomSchemaErrorFunc(describeSchemaError)
	return &contractSpec{doc: doc, router: router, options: opts, file: file, took: time.Since(start)}, nil
}

// moduleRoot returns the directory of go.mod above the test's directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod above %s to resolve a relative %s against", dir, contractEnv)
		}
		d = parent
	}
}

// twilioFormats checks Twilio's custom string formats. kin-openapi accepts
// any value of a format it has no validator for, so every string format of
// the description must be here or built in (see TestContractSpecAvailable).
var twilioFormats = map[string]openapi3.StringFormatValidator{
	"date-time-rfc-2822": openapi3.NewCallbackValidator(checkRFC2822),
	"uri":                openapi3.NewCallbackValidator(checkURI),
	"currency":           openapi3.NewRegexpFormatValidator(`^[A-Z]{3}$`), // ISO 4217, capitals
	"iso-country-code":   openapi3.NewRegexpFormatValidator(`^[A-Z]{2}$`), // ISO 3166-1 alpha-2
	"http-method":        openapi3.NewRegexpFormatValidator(`^[A-Z]+$`),   // the enums say which
	"phone-number":       openapi3.NewCallbackValidator(anyString),        // also client:, sip:, sim:
	"endpoint":           openapi3.NewCallbackValidator(anyString),        // the same, in requests
	"twiml":              openapi3.NewCallbackValidator(anyString),        // a TwiML document
}

// uncheckedFormats are formats of object schemas: kin-openapi checks formats
// of strings and numbers only.
var uncheckedFormats = []string{"uri-map", "phone-number-capabilities", "ice-server"}

// Twilio's dates: "Tue, 31 Aug 2010 20:36:28 +0000", the weekday right.
func checkRFC2822(s string) error {
	t, err := time.Parse(time.RFC1123Z, s)
	if err != nil {
		return fmt.Errorf("not an RFC 2822 date like %q: %v", "Tue, 31 Aug 2010 20:36:28 +0000", err)
	}
	if back := t.Format(time.RFC1123Z); back != s {
		return fmt.Errorf("not in Twilio's RFC 2822 form: %q would be %q", s, back)
	}
	return nil
}

// Twilio's "uri" fields hold URIs relative to https://api.twilio.com
// ("/2010-04-01/Accounts/…"); other resources use the format for absolute
// http(s) URLs.
func checkURI(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return err
	case strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") && u.Scheme == "" && u.Host == "":
		return nil
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
		return nil
	}
	return errors.New("neither a path relative to https://api.twilio.com nor an absolute http(s) URL")
}

func anyString(string) error { return nil }

// describeSchemaError says which field broke which rule, without the schema.
func describeSchemaError(e *openapi3.SchemaError) string {
	value, _ := json.Marshal(e.Value)
	if len(value) > 100 {
		value = append(value[:100], "…"...)
	}
	reason := e.Reason
	if reason == "" && e.Origin != nil {
		reason = e.Origin.Error()
	}
	return fmt.Sprintf("field /%s = %s breaks schema rule %q: %s", strings.Join(e.JSONPointer(), "/"), value, e.SchemaField, reason)
}

// checkContract validates every REST response srv gave against Twilio's
// OpenAPI description, when TWIMLHARNESS_OPENAPI names it.
func checkContract(t testing.TB, srv *harness.Server) {
	t.Helper()
	spec, err := loadedContract()
	if err != nil {
		t.Errorf("contract: %v", err)
		return
	}
	if spec == nil {
		return
	}
	for _, p := range contractProblems(spec, srv.APIRequests()) {
		t.Errorf("contract: %s", p)
	}
}

// contractProblems returns what is wrong with each response, one line each,
// naming the request. A response whose body the record did not keep whole
// (see harness.Retention) cannot be checked, and is not; nor is a
// recording's media, which Twilio's description leaves out (its paths
// have no extension, .wav or .mp3, and audio bodies).
func contractProblems(spec *contractSpec, reqs []harness.APIRequest) []string {
	var out []string
	for _, r := range reqs {
		if strings.Contains(r.Body, "not kept: harness.Retention.") || strings.HasPrefix(r.ContentType, "audio/") {
			continue
		}
		for _, p := range responseProblems(spec, r) {
			out = append(out, fmt.Sprintf("%s %s → %d: %s", r.Method, r.Path, r.Status, p))
		}
	}
	return out
}

func responseProblems(spec *contractSpec, r harness.APIRequest) []string {
	ctype, _, _ := mime.ParseMediaType(r.ContentType)
	switch {
	case r.Status >= 400 && ctype == "application/xml":
		return xmlErrorProblems(r)
	case r.Status >= 400: // Twilio's spec documents no errors
		return errorShapeProblems(r, ctype)
	case ctype == "text/csv": // nor the CSV representation
		return csvProblems(r)
	case ctype == "application/xml": // nor XML: its elements must be the JSON fields
		return xmlProblems(spec, r)
	}
	var out []string
	if r.Status == http.StatusNoContent && r.Body != "" {
		out = append(out, fmt.Sprintf("a 204 response has a body: %.100q", r.Body))
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet // answered as GET; the record keeps the body
	}
	req, err := http.NewRequest(method, contractHost+r.Path, nil)
	if err != nil {
		// A query the server read but net/url refuses to parse again (a
		// control character, from the fuzzer): route on the path alone.
		path, _, _ := strings.Cut(r.Path, "?")
		if req, err = http.NewRequest(method, contractHost+path, nil); err != nil {
			return append(out, fmt.Sprintf("cannot rebuild the request: %v", err))
		}
	}
	route, params, err := spec.router.FindRoute(req)
	if err != nil {
		return append(out, fmt.Sprintf("Twilio's OpenAPI description has no such operation: %v", err))
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route, Options: spec.options,
		},
		Status:  r.Status,
		Header:  http.Header{},
		Body:    io.NopCloser(strings.NewReader(r.Body)),
		Options: spec.options,
	}
	if r.ContentType != "" {
		in.Header.Set("Content-Type", r.ContentType)
	}
	if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
		out = append(out, flattenResponseError(route.Operation.OperationID, err)...)
	}
	return out
}

// flattenResponseError turns the validator's error into one line per
// broken rule.
func flattenResponseError(op string, err error) []string {
	prefix := op + ": "
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) && re.Err != nil {
		prefix += re.Reason + ": "
		err = re.Err
	}
	var out []string
	var walk func(error)
	walk = func(err error) {
		if me, ok := err.(openapi3.MultiError); ok {
			for _, e := range me {
				walk(e)
			}
			return
		}
		out = append(out, prefix+err.Error())
	}
	walk(err)
	return out
}

// errorShapeProblems checks an error body is Twilio's:
// {"code": 20404, "message": "…", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404}.
func errorShapeProblems(r harness.APIRequest, ctype string) []string {
	var out []string
	if ctype != "application/json" {
		out = append(out, fmt.Sprintf("error content type %q, want application/json", r.ContentType))
	}
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil || body == nil {
		return append(out, fmt.Sprintf("error body is not a JSON object (%v): %.100q", err, r.Body))
	}
	integer := func(field string) (int64, bool) {
		n, ok := body[field].(json.Number)
		if !ok {
			out = append(out, fmt.Sprintf("error field %s = %v, want an integer", field, body[field]))
			return 0, false
		}
		i, err := n.Int64()
		if err != nil {
			out = append(out, fmt.Sprintf("error field %s = %s, want an integer", field, n))
		}
		return i, err == nil
	}
	code, codeOK := integer("code")
	if status, ok := integer("status"); ok && status != int64(r.Status) {
		out = append(out, fmt.Sprintf("error field status = %d, but the HTTP status is %d", status, r.Status))
	}
	if msg, ok := body["message"].(string); !ok || msg == "" {
		out = append(out, fmt.Sprintf("error field message = %v, want a non-empty string", body["message"]))
	}
	more, ok := body["more_info"].(string)
	switch {
	case !ok:
		out = append(out, fmt.Sprintf("error field more_info = %v, want a string", body["more_info"]))
	case codeOK && more != twilioErrorDoc+strconv.FormatInt(code, 10):
		out = append(out, fmt.Sprintf("error field more_info = %q, want %q", more, twilioErrorDoc+strconv.FormatInt(code, 10)))
	}
	return out
}

// xmlNode is an XML element, read generically.
type xmlNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []xmlNode  `xml:",any"`
}

// xmlErrorProblems checks an XML error is Twilio's:
// <TwilioResponse><RestException><Code>…</Code><Message>…</Message><MoreInfo>…</MoreInfo><Status>…</Status>.
func xmlErrorProblems(r harness.APIRequest) []string {
	var doc struct {
		XMLName xml.Name `xml:"TwilioResponse"`
		E       *struct {
			Code     int    `xml:"Code"`
			Message  string `xml:"Message"`
			MoreInfo string `xml:"MoreInfo"`
			Status   int    `xml:"Status"`
		} `xml:"RestException"`
	}
	if err := xml.Unmarshal([]byte(r.Body), &doc); err != nil || doc.E == nil {
		return []string{fmt.Sprintf("XML error is not <TwilioResponse><RestException> (%v): %.100q", err, r.Body)}
	}
	var out []string
	if doc.E.Status != r.Status {
		out = append(out, fmt.Sprintf("XML error Status = %d, but the HTTP status is %d", doc.E.Status, r.Status))
	}
	if doc.E.Message == "" {
		out = append(out, "XML error has an empty Message")
	}
	if want := twilioErrorDoc + strconv.Itoa(doc.E.Code); doc.E.MoreInfo != want {
		out = append(out, fmt.Sprintf("XML error MoreInfo = %q, want %q", doc.E.MoreInfo, want))
	}
	return out
}

// xmlProblems checks an XML response against the JSON schema of the same
// operation: under <TwilioResponse>, the resource's element (or the list's,
// whose items are the resource's), whose children are the schema's
// properties in PascalCase, each at most once.
func xmlProblems(spec *contractSpec, r harness.APIRequest) []string {
	var root xmlNode
	if err := xml.Unmarshal([]byte(r.Body), &root); err != nil {
		return []string{fmt.Sprintf("XML body does not parse: %v", err)}
	}
	if root.XMLName.Local != "TwilioResponse" || len(root.Children) != 1 {
		return []string{fmt.Sprintf("XML body is not one element under <TwilioResponse>: %.100q", r.Body)}
	}
	path, _, _ := strings.Cut(r.Path, "?")
	path = strings.TrimSuffix(path, ".xml") + ".json"
	req, err := http.NewRequest(r.Method, contractHost+path, nil)
	if err != nil {
		return []string{fmt.Sprintf("cannot rebuild the request: %v", err)}
	}
	route, _, err := spec.router.FindRoute(req)
	if err != nil {
		return []string{fmt.Sprintf("Twilio's OpenAPI description has no such operation: %v", err)}
	}
	resp := route.Operation.Responses.Status(r.Status)
	if resp == nil || resp.Value.Content.Get("application/json") == nil {
		return []string{fmt.Sprintf("%s has no JSON response %d to compare the XML with", route.Operation.OperationID, r.Status)}
	}
	schema := resp.Value.Content.Get("application/json").Schema.Value
	el := root.Children[0]
	for key, prop := range schema.Properties {
		if prop.Value.Type.Is("array") && pascal(key) == el.XMLName.Local {
			var out []string
			for _, item := range el.Children {
				out = append(out, xmlFieldProblems(item, prop.Value.Items.Value)...)
			}
			return out
		}
	}
	return xmlFieldProblems(el, schema)
}

// xmlFieldProblems checks that the children of el are properties of schema.
func xmlFieldProblems(el xmlNode, schema *openapi3.Schema) []string {
	allowed := map[string]bool{}
	for key := range schema.Properties {
		allowed[pascal(key)] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range el.Children {
		name := c.XMLName.Local
		switch {
		case !allowed[name]:
			out = append(out, fmt.Sprintf("<%s> has <%s>, which is no field of Twilio's schema", el.XMLName.Local, name))
		case seen[name]:
			out = append(out, fmt.Sprintf("<%s> has <%s> twice", el.XMLName.Local, name))
		}
		seen[name] = true
	}
	for name := range allowed {
		if !seen[name] {
			out = append(out, fmt.Sprintf("<%s> lacks <%s>, a field of Twilio's schema", el.XMLName.Local, name))
		}
	}
	slices.Sort(out)
	return out
}

// pascal returns a JSON field name as its XML element: account_sid →
// AccountSid.
func pascal(name string) string {
	parts := strings.Split(name, "_")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "")
}

// csvProblems checks a CSV body parses and starts with a header row.
func csvProblems(r harness.APIRequest) []string {
	rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		return []string{fmt.Sprintf("CSV body does not parse: %v", err)}
	}
	if len(rows) == 0 {
		return []string{"CSV body has no header row"}
	}
	seen := map[string]bool{}
	for _, name := range rows[0] {
		if name == "" || seen[name] {
			return []string{fmt.Sprintf("CSV header row has an empty or repeated column name: %q", rows[0])}
		}
		seen[name] = true
	}
	return nil
}

// TestContractSpecAvailable says whether the contract is checked at all, and
// that every string format of the description is really validated.
func TestContractSpecAvailable(t *testing.T) {
	spec := requireContract(t)
	t.Logf("%s loaded in %v", spec.file, spec.took)
	data, err := os.ReadFile(spec.file)
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]bool{}
	for _, m := range regexp.MustCompile(`"format"\s*:\s*"([^"]*)"`).FindAllSubmatch(data, -1) {
		formats[string(m[1])] = true
	}
	for f := range formats {
		_, custom := twilioFormats[f]
		_, str := openapi3.SchemaStringFormats[f]
		_, integer := openapi3.SchemaIntegerFormats[f]
		_, number := openapi3.SchemaNumberFormats[f]
		if !custom && !str && !integer && !number && !slices.Contains(uncheckedFormats, f) {
			t.Errorf("the description uses format %q, which nothing validates: add it to twilioFormats", f)
		}
	}
}

// TestContractCheckCanFail feeds the check responses broken on purpose.
func TestContractCheckCanFail(t *testing.T) {
	spec := requireContract(t)
	const acct = harness.DefaultAccountSID
	const sid = "CA0123456789abcdef0123456789abcdef"
	base := "/2010-04-01/Accounts/" + acct + "/Calls/" + sid
	call := func(edit func(map[string]any)) string {
		c := map[string]any{
			"account_sid": acct, "answered_by": nil, "api_version": "2010-04-01", "caller_name": nil,
			"date_created": "Mon, 06 Jan 2025 09:00:00 +0000", "date_updated": "Mon, 06 Jan 2025 09:00:05 +0000",
			"direction": "outbound-api", "duration": "5", "end_time": "Mon, 06 Jan 2025 09:00:05 +0000",
			"forwarded_from": nil, "from": "+15557654321", "from_formatted": "(555) 765-4321", "group_sid": nil,
			"parent_call_sid": nil, "phone_number_sid": nil, "price": "-0.01400", "price_unit": "USD", "sid": sid,
			"start_time": "Mon, 06 Jan 2025 09:00:00 +0000", "status": "completed",
			"subresource_uris": map[string]any{"notifications": base + "/Notifications.json"},
			"to":               "+15551230001", "to_formatted": "(555) 123-0001", "trunk_sid": nil, "uri": base + ".json", "queue_time": "0",
		}
		if edit != nil {
			edit(c)
		}
		b, _ := json.Marshal(c)
		return string(b)
	}
	list := func(uri string) string {
		return `{"calls":[` + call(nil) + `],"end":0,"first_page_uri":` + strconv.Quote(uri) +
			`,"next_page_uri":null,"page":0,"page_size":50,"previous_page_uri":null,"start":0,"uri":` + strconv.Quote(uri) + `}`
	}
	fetch := harness.APIRequest{Method: "GET", Path: base + ".json", Status: 200, ContentType: "application/json"}
	errReq := harness.APIRequest{Method: "GET", Path: base + ".json", Status: 404, ContentType: "application/json"}
	with := func(r harness.APIRequest, body string) harness.APIRequest { r.Body = body; return r }
	listURI := "/2010-04-01/Accounts/" + acct + "/Calls.json?PageSize=50&Page=0"

	for _, tc := range []struct {
		name string
		req  harness.APIRequest
		want string // in the problem; "" for none
	}{
		{"valid fetch", with(fetch, call(nil)), ""},
		{"valid list", harness.APIRequest{Method: "GET", Path: listURI, Status: 200, ContentType: "application/json", Body: list(listURI)}, ""},
		{"valid error", with(errReq, `{"code":20404,"message":"Not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`), ""},
		{"valid delete", harness.APIRequest{Method: "DELETE", Path: base + ".json", Status: 204}, ""},
		{"valid csv", harness.APIRequest{Method: "GET", Path: base + ".csv", Status: 200, ContentType: "text/csv", Body: "sid,status\n" + sid + ",completed\n"}, ""},
		{"duration as a number", with(fetch, call(func(c map[string]any) { c["duration"] = 7 })), "field /duration = 7 breaks schema rule \"type\""},
		{"garbled date", with(fetch, call(func(c map[string]any) { c["date_created"] = "2025-01-06T09:00:00Z" })), "field /date_created"},
		{"wrong weekday", with(fetch, call(func(c map[string]any) { c["end_time"] = "Tue, 06 Jan 2025 09:00:05 +0000" })), "field /end_time"},
		{"unknown status", with(fetch, call(func(c map[string]any) { c["status"] = "initiated" })), "field /status"},
		{"bad sid", with(fetch, call(func(c map[string]any) { c["sid"] = "CA1" })), "field /sid"},
		{"absolute page uri", harness.APIRequest{Method: "GET", Path: listURI, Status: 200, ContentType: "application/json", Body: list("ftp://x/y")}, "field /first_page_uri"},
		{"undocumented status", harness.APIRequest{Method: "POST", Path: "/2010-04-01/Accounts/" + acct + "/Calls.json", Status: 200, ContentType: "application/json", Body: call(nil)}, "status is not supported"},
		{"wrong content type", harness.APIRequest{Method: "GET", Path: base + ".json", Status: 200, ContentType: "text/plain", Body: call(nil)}, "text/plain"},
		{"unknown operation", harness.APIRequest{Method: "GET", Path: "/2010-04-01/Accounts/" + acct + "/Calls/" + sid + "/Nope.json", Status: 200, ContentType: "application/json", Body: "{}"}, "no such operation"},
		{"204 with a body", harness.APIRequest{Method: "DELETE", Path: base + ".json", Status: 204, Body: "{}"}, "has a body"},
		{"error without more_info", with(errReq, `{"code":20404,"message":"Not found","status":404}`), "more_info"},
		{"error with a wrong status", with(errReq, `{"code":20404,"message":"Not found","more_info":"https://www.twilio.com/docs/errors/20404","status":400}`), "HTTP status is 404"},
		{"error code as a string", with(errReq, `{"code":"20404","message":"Not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`), "code"},
		{"error not JSON", with(errReq, `Not found`), "not a JSON object"},
		{"csv broken", harness.APIRequest{Method: "GET", Path: base + ".csv", Status: 200, ContentType: "text/csv", Body: "a,b\n1,2,3\n"}, "does not parse"},
		{"csv empty", harness.APIRequest{Method: "GET", Path: base + ".csv", Status: 200, ContentType: "text/csv"}, "no header row"},
		{"xml with a field Twilio lacks", harness.APIRequest{Method: "GET", Path: base + ".xml", Status: 200, ContentType: "application/xml",
			Body: "<TwilioResponse><Call><Sid>" + sid + "</Sid><Nope/></Call></TwilioResponse>"}, "<Nope>, which is no field"},
		{"xml without a field", harness.APIRequest{Method: "GET", Path: base + ".xml", Status: 200, ContentType: "application/xml",
			Body: "<TwilioResponse><Call><Sid>" + sid + "</Sid></Call></TwilioResponse>"}, "lacks <AccountSid>"},
		{"xml not TwilioResponse", harness.APIRequest{Method: "GET", Path: base, Status: 200, ContentType: "application/xml",
			Body: "<Call/>"}, "not one element under <TwilioResponse>"},
		{"xml error with a wrong status", harness.APIRequest{Method: "GET", Path: base + ".xml", Status: 404, ContentType: "application/xml",
			Body: "<TwilioResponse><RestException><Code>20404</Code><Message>x</Message><MoreInfo>https://www.twilio.com/docs/errors/20404</MoreInfo><Status>400</Status></RestException></TwilioResponse>"},
			"HTTP status is 404"},
	} {
		problems := contractProblems(spec, []harness.APIRequest{tc.req})
		switch {
		case tc.want == "" && len(problems) > 0:
			t.Errorf("%s: want no problem, got:\n%s", tc.name, strings.Join(problems, "\n"))
		case tc.want != "" && !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tc.want) }):
			t.Errorf("%s: want a problem with %q, got:\n%s", tc.name, tc.want, strings.Join(problems, "\n"))
		}
	}
}

// TestContractCoversEveryOperation drives every operation of the Calls API
// through the official client, so that the contract check at the end of the
// test sees each of them, in every representation and with errors.
func TestContractCoversEveryOperation(t *testing.T) {
	spec := requireContract(t)
	srv := newServer(t, harness.WithApp("https://app.example.com", newApp(`<Response><Say>Hello there</Say></Response>`)))
	tw := restClient(srv)
	const from, voice = "+15557654321", "https://app.example.com/voice"
	var sids []string
	for _, to := range []string{"+15551230001", "+15551230002", "+15551230002"} {
		c, err := tw.CreateCall(new(api.CreateCallParams).SetTo(to).SetFrom(from).SetUrl(voice))
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		sids = append(sids, *c.Sid)
	}
	if _, err := tw.UpdateCall(sids[0], new(api.UpdateCallParams).SetTwiml(`<Response><Say>Bye</Say></Response>`)); err != nil {
		t.Fatalf("update: %v", err)
	}
	wantStatus := func(what string, err error, status int) {
		t.Helper()
		var te *client.TwilioRestError
		if !errors.As(err, &te) || te.Status != status {
			t.Errorf("%s: got %v, want a %d error", what, err, status)
		}
	}
	wantStatus("delete a live call", tw.DeleteCall(sids[0], nil), 400)
	_, err := tw.CreateCall(new(api.CreateCallParams).SetFrom(from).SetUrl(voice))
	wantStatus("create without To", err, 400)
	_, err = restClientFor(srv, srv.AccountSID(), "wrongtoken").FetchCall(sids[0], nil)
	wantStatus("fetch with a wrong token", err, 401)
	_, err = tw.ListCall(new(api.ListCallParams).SetStatus("ringing-ish"))
	wantStatus("list with an unknown status", err, 400)

	srv.Run()
	if _, err := tw.FetchCall(sids[1], nil); err != nil {
		t.Fatalf("fetch: %v", err)
	}
	calls, err := tw.ListCall(new(api.ListCallParams).SetTo("+15551230002").SetStatus("completed").
		SetStartTimeAfter(harness.DefaultStartTime().Add(-time.Hour)).SetPageSize(1))
	if err != nil || len(calls) != 2 {
		t.Fatalf("list: %d calls, %v; want 2", len(calls), err)
	}
	for _, path := range []string{"/Calls/" + sids[1] + ".csv", "/Calls.csv?PageSize=2",
		"/Calls/" + sids[1] + ".xml", "/Calls/" + sids[1], "/Calls.xml?PageSize=2", "/Calls?PageSize=2"} {
		req, _ := http.NewRequest("GET", contractHost+"/2010-04-01/Accounts/"+srv.AccountSID()+path, nil)
		req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %s", path, resp.Status)
		}
	}
	if err := tw.DeleteCall(sids[0], nil); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = tw.FetchCall(sids[0], nil)
	wantStatus("fetch a deleted call", err, 404)

	// Every operation Twilio documents on the paths the harness serves, with
	// each of its success statuses, was seen; and so were CSV and errors.
	want := map[string]bool{}
	for _, p := range []string{"/2010-04-01/Accounts/{AccountSid}/Calls.json", "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json"} {
		for _, op := range spec.doc.Paths.Value(p).Operations() {
			for code := range op.Responses.Map() {
				want[op.OperationID+" "+code] = true
			}
		}
	}
	if len(want) < 5 {
		t.Fatalf("the description documents only %v on the Calls paths", want)
	}
	for _, s := range []string{"csv fetch", "csv list", "xml fetch", "xml list", "error 400", "error 401", "error 404"} {
		want[s] = true
	}
	for _, r := range srv.APIRequests() {
		var seen string
		switch ctype, _, _ := mime.ParseMediaType(r.ContentType); {
		case r.Status >= 400:
			seen = "error " + strconv.Itoa(r.Status)
		case ctype == "text/csv" && strings.Contains(r.Path, "/Calls.csv"):
			seen = "csv list"
		case ctype == "text/csv":
			seen = "csv fetch"
		case ctype == "application/xml" && strings.Contains(r.Path, "/Calls?"), ctype == "application/xml" && strings.Contains(r.Path, "/Calls.xml"):
			seen = "xml list"
		case ctype == "application/xml":
			seen = "xml fetch"
		default:
			req, _ := http.NewRequest(r.Method, contractHost+r.Path, nil)
			if route, _, err := spec.router.FindRoute(req); err == nil {
				seen = route.Operation.OperationID + " " + strconv.Itoa(r.Status)
			}
		}
		delete(want, seen)
	}
	if len(want) > 0 {
		t.Errorf("not exercised: %v", want)
	}
}

// TestContractCoversConferencesAndQueues exercises, with the official
// client, every operation Twilio documents on the paths of conferences,
// participants, their recordings, queues and members, and checks that
// each success status was seen by the contract check. Updating and
// deleting a conference's recording are not served (see the README).
func TestContractCoversConferencesAndQueues(t *testing.T) {
	spec := requireContract(t)
	const app = "https://app.example.com"
	srv := newServer(t, harness.WithApp(app, &docs{paths: map[string]string{
		"/room":  `<Response><Dial><Conference record="record-from-start">room</Conference></Dial></Response>`,
		"/queue": `<Response><Enqueue>support</Enqueue></Response>`,
		"/out":   `<Response><Say>Out of the queue</Say></Response>`,
	}}))
	tw := restClient(srv)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	call := func(to, path string) string {
		c, err := tw.CreateCall(new(api.CreateCallParams).SetTo(to).SetFrom(from).SetUrl(app + path))
		must("create call", err)
		return *c.Sid
	}
	call("+15551230001", "/room")
	call("+15551230002", "/room")
	waiting := call("+15551230003", "/queue")
	srv.Advance(time.Second)

	confs, err := tw.ListConference(new(api.ListConferenceParams).SetFriendlyName("room"))
	must("list conferences", err)
	if len(confs) != 1 {
		t.Fatalf("%d conferences named room, want 1", len(confs))
	}
	cf := *confs[0].Sid
	_, err = tw.FetchConference(cf, nil)
	must("fetch conference", err)
	agent, err := tw.CreateParticipant(cf, new(api.CreateParticipantParams).SetFrom(from).SetTo("+15551230004").SetLabel("agent"))
	must("create participant", err)
	srv.Advance(time.Second)
	_, err = tw.ListParticipant(cf, nil)
	must("list participants", err)
	_, err = tw.FetchParticipant(cf, "agent", nil)
	must("fetch participant by label", err)
	_, err = tw.UpdateParticipant(cf, *agent.CallSid, new(api.UpdateParticipantParams).SetMuted(true))
	must("update participant", err)
	must("delete participant", tw.DeleteParticipant(cf, *agent.CallSid, nil))
	recs, err := tw.ListConferenceRecording(cf, nil)
	must("list conference recordings", err)
	if len(recs) != 1 {
		t.Fatalf("%d recordings of the conference, want 1", len(recs))
	}
	_, err = tw.FetchConferenceRecording(cf, *recs[0].Sid, nil)
	must("fetch conference recording", err)
	_, err = tw.UpdateConference(cf, new(api.UpdateConferenceParams).SetStatus("completed"))
	must("end conference", err)

	q, err := tw.CreateQueue(new(api.CreateQueueParams).SetFriendlyName("spare").SetMaxSize(10))
	must("create queue", err)
	_, err = tw.ListQueue(nil)
	must("list queues", err)
	_, err = tw.FetchQueue(*q.Sid, nil)
	must("fetch queue", err)
	_, err = tw.UpdateQueue(*q.Sid, new(api.UpdateQueueParams).SetMaxSize(20))
	must("update queue", err)
	support := srv.Queue("support")
	if support == nil {
		t.Fatal("no queue support")
	}
	_, err = tw.ListMember(support.SID(), nil)
	must("list members", err)
	_, err = tw.FetchMember(support.SID(), "Front", nil)
	must("fetch the front member", err)
	_, err = tw.UpdateMember(support.SID(), waiting, new(api.UpdateMemberParams).SetUrl(app+"/out"))
	must("dequeue a member", err)
	must("delete queue", tw.DeleteQueue(*q.Sid, nil))
	srv.Run()

	want := map[string]bool{}
	for _, p := range []string{"Conferences.json", "Conferences/{Sid}.json", "Conferences/{ConferenceSid}/Participants.json",
		"Conferences/{ConferenceSid}/Participants/{CallSid}.json", "Conferences/{ConferenceSid}/Recordings.json",
		"Conferences/{ConferenceSid}/Recordings/{Sid}.json", "Queues.json", "Queues/{Sid}.json",
		"Queues/{QueueSid}/Members.json", "Queues/{QueueSid}/Members/{CallSid}.json"} {
		item := spec.doc.Paths.Value("/2010-04-01/Accounts/{AccountSid}/" + p)
		if item == nil {
			t.Fatalf("the description has no path %s", p)
		}
		for _, op := range item.Operations() {
			for code := range op.Responses.Map() {
				want[op.OperationID+" "+code] = true
			}
		}
	}
	delete(want, "UpdateConferenceRecording 200") // not served: pausing or stopping a conference's recording
	delete(want, "DeleteConferenceRecording 204")
	for _, r := range srv.APIRequests() {
		req, _ := http.NewRequest(r.Method, contractHost+r.Path, nil)
		if route, _, err := spec.router.FindRoute(req); err == nil {
			delete(want, route.Operation.OperationID+" "+strconv.Itoa(r.Status))
		}
	}
	if len(want) > 0 {
		t.Errorf("not exercised: %v", want)
	}
}

// TestContractCoversStreams exercises, with the official client, every
// operation Twilio documents on the paths of a call's streams (create,
// and the update that stops one), and checks that each success status was
// seen by the contract check, with a stopped stream and a nameless one.
func TestContractCoversStreams(t *testing.T) {
	spec := requireContract(t)
	srv, _ := streamServer(t, `<Response><Pause length="600"/></Response>`)
	tw := restClient(srv)
	c := answeredCall(t, srv)
	named, err := tw.CreateStream(c.SID(), new(api.CreateStreamParams).SetUrl(mediaURL).SetName("named").SetTrack("both_tracks"))
	if err != nil {
		t.Fatalf("create a named stream: %v", err)
	}
	nameless, err := tw.CreateStream(c.SID(), new(api.CreateStreamParams).SetUrl(mediaURL))
	if err != nil {
		t.Fatalf("create a nameless stream: %v", err)
	}
	srv.Advance(time.Second)
	for _, ref := range []string{"named", *nameless.Sid, *named.Sid} {
		if _, err := tw.UpdateStream(c.SID(), ref, new(api.UpdateStreamParams).SetStatus("stopped")); err != nil {
			t.Fatalf("stop %s: %v", ref, err)
		}
	}
	srv.Run()

	want := map[string]bool{}
	for _, p := range []string{"Calls/{CallSid}/Streams.json", "Calls/{CallSid}/Streams/{Sid}.json"} {
		item := spec.doc.Paths.Value("/2010-04-01/Accounts/{AccountSid}/" + p)
		if item == nil {
			t.Fatalf("the description has no path %s", p)
		}
		for _, op := range item.Operations() {
			for code := range op.Responses.Map() {
				want[op.OperationID+" "+code] = true
			}
		}
	}
	if len(want) != 2 {
		t.Errorf("the description documents %v on the Streams paths; the harness serves CreateStream and UpdateStream", want)
	}
	for _, r := range srv.APIRequests() {
		req, _ := http.NewRequest(r.Method, contractHost+r.Path, nil)
		if route, _, err := spec.router.FindRoute(req); err == nil {
			delete(want, route.Operation.OperationID+" "+strconv.Itoa(r.Status))
		}
	}
	if len(want) > 0 {
		t.Errorf("not exercised: %v", want)
	}
}
