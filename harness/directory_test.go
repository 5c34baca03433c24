package harness_test

import (
	"encoding/csv"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	api "github.com/twilio/twilio-go/rest/api/v2010"

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

func TestResetForgetsNumbersApplicationsAndCallerIDs(t *testing.T) {
	for _, keep := range []bool{false, true} {
		name := "forgotten"
		if keep {
			name = "kept"
		}
		t.Run(name, func(t *testing.T) {
			srv := newServer(t)
			tw := restClient(srv)
			appSID, err := srv.AddApplication(harness.Application{VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}})
			if err != nil {
				t.Fatal(err)
			}
			restApp, err := tw.CreateApplication(new(api.CreateApplicationParams).SetFriendlyName("rest"))
			if err != nil {
				t.Fatal(err)
			}
			numSID, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}})
			if err != nil {
				t.Fatal(err)
			}
			restNum, err := tw.CreateIncomingPhoneNumber(new(api.CreateIncomingPhoneNumberParams).SetPhoneNumber("+14155550124"))
			if err != nil {
				t.Fatal(err)
			}
			idSID, err := srv.AddCallerID(harness.CallerID{PhoneNumber: "+14155550125"})
			if err != nil {
				t.Fatal(err)
			}
			if keep {
				srv.Reset(harness.KeepNumbers)
			} else {
				srv.Reset()
			}
			before := map[string]bool{appSID: true, *restApp.Sid: true, numSID: true, *restNum.Sid: true, idSID: true}
			var got []string
			for _, n := range srv.Numbers() {
				got = append(got, n.SID)
			}
			for _, c := range srv.CallerIDs() {
				got = append(got, c.SID)
			}
			apps, err := tw.ListApplication(nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range apps {
				got = append(got, *a.Sid)
			}
			want := 0
			if keep {
				want = len(before)
			}
			if len(got) != want {
				t.Fatalf("after the reset the server has %v, want %d of %v", got, want, before)
			}
			for _, sid := range got {
				if !before[sid] {
					t.Errorf("after the reset the server has %s, which it did not have before", sid)
				}
			}
			// The SID generator starts over: what is added now must not take a
			// SID of what was kept.
			newApp, err := srv.AddApplication(harness.Application{VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}})
			if err != nil {
				t.Fatal(err)
			}
			newNum, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: "+14155550126", VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}})
			if err != nil {
				t.Fatal(err)
			}
			newID, err := srv.AddCallerID(harness.CallerID{PhoneNumber: "+14155550127"})
			if err != nil {
				t.Fatal(err)
			}
			for _, sid := range []string{newApp, newNum, newID} {
				if keep && before[sid] {
					t.Errorf("a resource added after the reset has the SID %s of one kept", sid)
				}
			}
			if !keep && newApp != appSID {
				t.Errorf("the first SID after a full reset is %s, want %s, the first SID the server gave", newApp, appSID)
			}
		})
	}
}

// TestContractCoversTheDirectory drives every operation Twilio documents
// on the paths of numbers, applications and caller IDs through the
// official client, so that the contract check at the end of the test sees
// each of them with each of its success statuses.
func TestContractCoversTheDirectory(t *testing.T) {
	spec := requireContract(t)
	srv := newServer(t, harness.WithApp(origin, newApp(``)))
	tw := restClient(srv)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	n, err := tw.CreateIncomingPhoneNumber(new(api.CreateIncomingPhoneNumberParams).SetAreaCode("415"))
	must("create number", err)
	_, err = tw.CreateIncomingPhoneNumberLocal(new(api.CreateIncomingPhoneNumberLocalParams).SetPhoneNumber("+14155550177"))
	must("create local", err)
	_, err = tw.CreateIncomingPhoneNumberMobile(new(api.CreateIncomingPhoneNumberMobileParams).SetPhoneNumber("+447700900123"))
	must("create mobile", err)
	_, err = tw.CreateIncomingPhoneNumberTollFree(new(api.CreateIncomingPhoneNumberTollFreeParams).SetPhoneNumber("+18005550100"))
	must("create toll-free", err)
	_, err = tw.ListIncomingPhoneNumber(nil)
	must("list numbers", err)
	_, err = tw.ListIncomingPhoneNumberLocal(nil)
	must("list local", err)
	_, err = tw.ListIncomingPhoneNumberMobile(nil)
	must("list mobile", err)
	_, err = tw.ListIncomingPhoneNumberTollFree(nil)
	must("list toll-free", err)
	_, err = tw.FetchIncomingPhoneNumber(*n.Sid, nil)
	must("fetch number", err)
	_, err = tw.UpdateIncomingPhoneNumber(*n.Sid, new(api.UpdateIncomingPhoneNumberParams).SetFriendlyName("x"))
	must("update number", err)
	must("delete number", tw.DeleteIncomingPhoneNumber(*n.Sid, nil))

	a, err := tw.CreateApplication(nil)
	must("create application", err)
	_, err = tw.ListApplication(nil)
	must("list applications", err)
	_, err = tw.FetchApplication(*a.Sid, nil)
	must("fetch application", err)
	_, err = tw.UpdateApplication(*a.Sid, new(api.UpdateApplicationParams).SetFriendlyName("x"))
	must("update application", err)
	must("delete application", tw.DeleteApplication(*a.Sid, nil))

	v, err := tw.CreateValidationRequest(new(api.CreateValidationRequestParams).SetPhoneNumber(to))
	must("validation request", err)
	srv.Call(*v.CallSid).Wait()
	ids, err := tw.ListOutgoingCallerId(nil)
	must("list caller IDs", err)
	if len(ids) != 1 {
		t.Fatalf("%d caller IDs after the verification call, want 1", len(ids))
	}
	_, err = tw.FetchOutgoingCallerId(*ids[0].Sid, nil)
	must("fetch caller ID", err)
	_, err = tw.UpdateOutgoingCallerId(*ids[0].Sid, new(api.UpdateOutgoingCallerIdParams).SetFriendlyName("x"))
	must("update caller ID", err)
	must("delete caller ID", tw.DeleteOutgoingCallerId(*ids[0].Sid, nil))

	want := map[string]bool{}
	for path, item := range spec.doc.Paths.Map() {
		if !strings.Contains(path, "/IncomingPhoneNumbers") && !strings.Contains(path, "/Applications") && !strings.Contains(path, "/OutgoingCallerIds") ||
			strings.Contains(path, "AssignedAddOns") {
			continue
		}
		for _, op := range item.Operations() {
			for code := range op.Responses.Map() {
				want[op.OperationID+" "+code] = true
			}
		}
	}
	if len(want) < 20 {
		t.Fatalf("the description documents only %v on these paths", want)
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
