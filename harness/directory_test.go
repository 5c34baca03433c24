package harness_test

import (
	"encoding/csv"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/twilio/twilio-go/client"

	"github.com/twimlharness/twimlharness/harness"
)

// Helpers of the tests of the numbers, applications and caller IDs
// resources, and the tests of what they share: one store, reset.

// restGet sends GET path (under the first account's URI) with the
// account's credentials, and returns the reply's status, content type and
// body.
func restGet(t *testing.T, srv *harness.Server, path string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "https://api.twilio.com"+apiRoot+srv.AccountSID()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

// pagesFetched returns the paths of the GET requests of the list list
// ("/IncomingPhoneNumbers.json") the server answered, in order.
func pagesFetched(srv *harness.Server, list string) []string {
	var out []string
	for _, r := range srv.APIRequests() {
		path, _, _ := strings.Cut(r.Path, "?")
		if r.Method == http.MethodGet && strings.HasSuffix(path, list) {
			out = append(out, r.Path)
		}
	}
	return out
}

// csvRows parses a CSV body into its header and rows.
func csvRows(t *testing.T, body string) (header []string, rows []map[string]string) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("CSV body does not parse (%v): %q", err, body)
	}
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return recs[0], rows
}

// xmlElement is an XML element read generically, with its text.
type xmlElement struct {
	XMLName  xml.Name
	Attrs    []xml.Attr   `xml:",any,attr"`
	Text     string       `xml:",chardata"`
	Children []xmlElement `xml:",any"`
}

// child returns the first child named name, or an empty element.
func (e xmlElement) child(name string) xmlElement {
	for _, c := range e.Children {
		if c.XMLName.Local == name {
			return c
		}
	}
	return xmlElement{}
}

// attr returns the attribute name, or "".
func (e xmlElement) attr(name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// parseXMLBody parses an XML reply and returns the element under
// <TwilioResponse>.
func parseXMLBody(t *testing.T, body string) xmlElement {
	t.Helper()
	var root xmlElement
	if err := xml.Unmarshal([]byte(body), &root); err != nil || root.XMLName.Local != "TwilioResponse" || len(root.Children) != 1 {
		t.Fatalf("XML body is not one element under <TwilioResponse> (%v): %q", err, body)
	}
	return root.Children[0]
}

// restCode asserts that err is a *client.TwilioRestError with code and
// status.
func restCode(t *testing.T, what string, err error, code, status int) {
	t.Helper()
	rerr, ok := err.(*client.TwilioRestError)
	if !ok {
		t.Errorf("%s: error = %v (%T), want a *client.TwilioRestError with code %d", what, err, err, code)
		return
	}
	if rerr.Code != code || rerr.Status != status {
		t.Errorf("%s: error code %d status %d (%q), want code %d status %d", what, rerr.Code, rerr.Status, rerr.Message, code, status)
	}
}
