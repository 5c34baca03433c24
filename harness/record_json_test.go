package harness_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/twilio/twilio-go/twiml"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// mapOrderApp answers with twilio-go's twiml package, which writes
// attributes in map order: the same document differs from run to run.
type mapOrderApp struct{}

func (mapOrderApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	doc, err := twiml.Voice([]twiml.Element{&twiml.VoiceGather{Action: "/done", Method: "POST", NumDigits: "1",
		Timeout: "3", FinishOnKey: "#", Input: "dtmf", InnerElements: []twiml.Element{&twiml.VoiceSay{Message: "Press 1",
			Voice: "alice", Language: "en-GB", Loop: "1"}}}})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	io.WriteString(w, doc)
}

// recordOfOneRun runs the same call on a new server and returns its record.
func recordOfOneRun(t *testing.T, opts ...harness.RecordOption) []byte {
	t.Helper()
	srv := newServer(t, harness.WithApp(origin, mapOrderApp{}), harness.WithParty(to, scenario.Person().Presses("1")))
	c, err := srv.CreateCall(url.Values{"To": {to}, "From": {from}, "Url": {origin + "/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	return srv.RecordJSON(opts...)
}

// TestRecordWithoutReplyBodies: the records of identical runs compare
// equal without the application's reply bodies, whatever order the
// application writes its attributes in.
func TestRecordWithoutReplyBodies(t *testing.T) {
	first := recordOfOneRun(t, harness.WithoutReplyBodies())
	for range 5 {
		if again := recordOfOneRun(t, harness.WithoutReplyBodies()); !bytes.Equal(first, again) {
			t.Fatalf("two identical runs gave different records without reply bodies:\n%s\n---\n%s", first, again)
		}
	}
	var raw struct {
		Calls []struct {
			Events []struct {
				Request map[string]any `json:"request"`
			} `json:"events"`
		} `json:"calls"`
	}
	if err := json.Unmarshal(first, &raw); err != nil {
		t.Fatal(err)
	}
	requests := 0
	for _, e := range raw.Calls[0].Events {
		if e.Request == nil {
			continue
		}
		requests++
		if _, ok := e.Request["reply_body"]; ok {
			t.Errorf("a request keeps its reply body: %v", e.Request)
		}
		if e.Request["reply_status"] != 200.0 || e.Request["url"] == "" {
			t.Errorf("a request lost more than its body: %v", e.Request)
		}
	}
	if requests != 2 {
		t.Errorf("the record has %d requests, want the voice and the action request", requests)
	}
	withBodies := recordOfOneRun(t)
	if !bytes.Contains(withBodies, []byte(`"reply_body": "\u003c?xml`)) {
		t.Errorf("by default the record keeps the reply bodies:\n%s", withBodies)
	}
}
