package scenario_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/scenario"
)

// TestSpecRoundTrip: a party written as JSON with Spec reads back as the
// same party, so that the control API can list what it was given.
func TestSpecRoundTrip(t *testing.T) {
	parties := map[string]scenario.Party{
		"person":  scenario.Person(),
		"busy":    scenario.Busy(),
		"no":      scenario.NoAnswer(),
		"fails":   scenario.Fails(503),
		"rejects": scenario.Rejects(),
		"machine": scenario.AnsweringMachine(7 * time.Second).EndingWithSilence(),
		"fax":     scenario.Fax(),
		"nobody":  scenario.Silence(),
		"caller": scenario.Person().Named("Ada").ForwardedBy("+14155550100").CallingFrom("Oakland", "CA", "94612", "US").
			HangsUpAfter(90 * time.Second),
		"menus": scenario.Person().AnswersAfterRings(3).
			Presses("12#").KeysApart(50*time.Millisecond).Interrupting().AtNext("Gather").
			Says("billing").WithConfidence(0.5).At("Gather", 2).
			LeavesMessage("call me back").ThenPresses("#").
			Talks(4 * time.Second).ThenHangsUp().
			StaysSilent().WhenPromptContains("still there").EveryTime().
			HangsUp().During("Play").After(3 * time.Second),
	}
	for name, p := range parties {
		data, err := json.Marshal(p.Spec())
		if err != nil {
			t.Fatal(err)
		}
		back, err := scenario.ParsePartyJSON(data)
		if err != nil {
			t.Fatalf("%s: %s does not read back: %v", name, data, err)
		}
		if diff := cmp.Diff(p, back); diff != "" {
			t.Errorf("%s: %s reads back as another party (-want +got):\n%s", name, data, diff)
		}
	}
	if got, _ := json.Marshal(scenario.Busy().Spec()); string(got) != `{"answer":"busy"}` {
		t.Errorf("Busy().Spec() = %s, want {\"answer\":\"busy\"}", got)
	}
}
