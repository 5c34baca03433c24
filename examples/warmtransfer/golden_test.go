package warmtransfer_test

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/examples/warmtransfer"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twilioclient/voice"
)

var update = flag.Bool("update", false, "rewrite testdata/warm_transfer.txt from this run")

// TestWarmTransferGolden runs the happy path of a warm transfer and
// compares every call's transcript and the conference's with
// testdata/warm_transfer.txt: the customer on hold, Alex consulting Bea,
// Bea joining, Alex leaving, the customer and Bea talking (go test -run
// TestWarmTransferGolden -update rewrites it). The same run gives the same
// transcript, to the SID and the millisecond.
func TestWarmTransferGolden(t *testing.T) {
	late := &lateHandler{}
	srv := harness.NewServer(t, harness.WithAccount(accountSID, authToken), harness.WithApp(origin, late),
		harness.WithMediaDuration(holdMusic, 30*time.Second),
		harness.WithParty(alex, scenario.Person().AnswersAfterRings(1).
			Says(alexGreets).InConference().After(time.Second).
			HangsUp().InConference().After(40*time.Second)),
		harness.WithParty(bea, scenario.Person().AnswersAfterRings(1).
			Says(beaToAlex).InConference().After(time.Second).
			Says(beaToCustomer).AfterLeaves(warmtransfer.LabelFirstAgent).After(time.Second)))
	app := warmtransfer.New(warmtransfer.Config{AuthToken: authToken, BaseURL: origin, SupportNumber: support,
		FirstAgent: alex, HoldMusic: holdMusic, RingTimeout: ringTimeout}, voice.API(srv))
	late.app = app
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: support, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}}); err != nil {
		t.Fatal(err)
	}
	c, err := srv.IncomingCall(customer, support, scenario.Person().
		Says(customerAsks).InConference().After(10*time.Second).
		Says(customerToBea).AfterLeaves(warmtransfer.LabelFirstAgent).After(5*time.Second).
		HangsUp().AfterLeaves(warmtransfer.LabelFirstAgent).After(15*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(transferAt)
	w := httptest.NewRecorder()
	q := url.Values{"conference": {"support-" + c.SID()}, "to": {bea}}
	app.Desk().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/transfer?"+q.Encode(), nil))
	if w.Code != http.StatusAccepted {
		t.Fatalf("the desk refused the transfer: %d %s", w.Code, w.Body)
	}
	srv.Run()
	got := srv.Transcript()
	path := filepath.Join("testdata", "warm_transfer.txt")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s: transcript mismatch (-want +got):\n%s", path, diff)
	}
}
