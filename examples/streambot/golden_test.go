package streambot_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/examples/streambot"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
	"github.com/twimlharness/twimlharness/twilioclient/voice"
)

var update = flag.Bool("update", false, "rewrite testdata/conversations.txt from this run")

// TestStreamBotGolden runs two calls to the bot and compares their
// transcripts with testdata/conversations.txt: a caller who speaks over
// the greeting (barge-in) and is answered, the bot hanging up through the
// REST API; then a caller who says nothing, whom the bot gives up on by
// closing the stream, so that the Connect's action says goodbye (go test
// -run TestStreamBotGolden -update rewrites it). The same run gives the
// same transcript, to the SID and the millisecond.
func TestStreamBotGolden(t *testing.T) {
	front := &frontDoor{}
	srv := harness.NewServer(t, harness.WithAccount(accountSID, authToken), harness.WithApp(origin, front))
	front.app = streambot.New(streambot.Config{AuthToken: authToken, BaseURL: origin}, voice.API(srv))
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: botNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/voice"}}); err != nil {
		t.Fatal(err)
	}
	for _, who := range []scenario.Party{
		scenario.Person().Says(wantsPerson).InStream().WhenAppSpeaks().After(500 * time.Millisecond),
		scenario.Person(),
	} {
		c, err := srv.IncomingCall(caller, botNumber, who)
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
