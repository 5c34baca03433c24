package harness_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// TestConferenceDroppedCallsGoOnAfterTheEnd: when a conference ends, the
// calls it drops go on with their next verb only once it has ended, so a
// next verb that joins a room of the same name starts a new conference
// instead of joining the one that is ending.
func TestConferenceDroppedCallsGoOnAfterTheEnd(t *testing.T) {
	paths := map[string]string{
		"/host":  `<Response><Dial><Conference endConferenceOnExit="true">room</Conference></Dial></Response>`,
		"/guest": `<Response><Dial><Conference>room</Conference></Dial><Dial><Conference>room</Conference></Dial></Response>`,
	}
	srv := newServer(t, harness.WithApp(origin, &docs{paths: paths}),
		harness.WithParty(to, scenario.Person().HangsUp().InConference().After(10*time.Second)),
		harness.WithParty(alice, scenario.Person().HangsUp().InConference().After(time.Minute)))
	host := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(origin + "/host") })
	guest := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl(origin + "/guest").SetTo(alice) })
	srv.Run()
	confs := srv.Conferences()
	if len(confs) != 2 {
		t.Fatalf("%d conferences, want 2 (the host's, then the guest's own)\n%s", len(confs), guest.Transcript())
	}
	first, second := confs[0].Info(), confs[1].Info()
	if first.ReasonEnded != harness.EndedModeratorLeft || first.CallSIDEndingConference != host.SID() {
		t.Errorf("first conference ended %q by %s, want %q by the host %s", first.ReasonEnded, first.CallSIDEndingConference, harness.EndedModeratorLeft, host.SID())
	}
	var names []string
	for _, e := range confs[1].Events() {
		names = append(names, e.Name)
	}
	if diff := cmp.Diff([]string{"participant-join", "participant-leave", "conference-end"}, names); diff != "" {
		t.Errorf("second conference's events (-want +got):\n%s", diff)
	}
	if second.ReasonEnded != harness.EndedLastLeft || second.Started != (time.Time{}) {
		t.Errorf("second conference: ended %q, started %v; want last-participant-left, never started", second.ReasonEnded, second.Started)
	}
}
