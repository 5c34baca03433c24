package bookingagent_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/examples/bookingagent"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

var update = flag.Bool("update", false, "rewrite testdata/conversations.txt from this run")

// TestBookingAgentGolden runs three calls to the agent and compares their
// transcripts with testdata/conversations.txt: a caller who talks over the
// agent's keypad menu and books Thursday; a caller who speaks Spanish and
// is answered in Spanish; a caller who asks for a person and is put
// through to the front desk (go test -run TestBookingAgentGolden -update
// rewrites it). The same run gives the same transcript, to the SID and the
// millisecond.
func TestBookingAgentGolden(t *testing.T) {
	app := bookingagent.New(bookingagent.Config{AuthToken: authToken, BaseURL: origin, FrontDesk: frontDesk})
	srv := harness.NewServer(t, harness.WithAccount(accountSID, authToken), harness.WithApp(origin, app),
		harness.WithParty(frontDesk, scenario.AnswersAfterRings(1).HangsUpAfter(time.Minute)))
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: clinicNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}}); err != nil {
		t.Fatal(err)
	}
	for _, who := range []scenario.Party{
		scenario.Person().Says("um, well").Says("Thursday").Interrupting().After(2 * time.Second).Says("yes"),
		scenario.Person().Says("Quisiera una cita el jueves").InLanguage("es-ES").Says("Sí"),
		scenario.Person().Says("Can I talk to a person?"),
	} {
		c, err := srv.IncomingCall(caller, clinicNumber, who)
		if err != nil {
			t.Fatal(err)
		}
		c.Wait()
		srv.Run()
	}
	if n := srv.Notifications(); len(n) > 0 {
		t.Errorf("the harness logged %v", n)
	}
	got := srv.Transcript()
	path := filepath.Join("testdata", "conversations.txt")
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
