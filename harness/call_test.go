package harness_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestCallSetPartyOverridesServer(t *testing.T) {
	srv := newServer(t, harness.WithParty(to, scenario.Busy()))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response/>`) })
	c.SetParty(scenario.NoAnswer())
	if info := c.Wait(); info.Status != harness.StatusNoAnswer {
		t.Fatalf("status = %s, want no-answer from the call's own party", info.Status)
	}
}

func TestPrice(t *testing.T) {
	srv := newServer(t, harness.WithPrice(0.02, "eur"))
	c := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Pause length="61"/></Response>`) })
	c.Wait()
	got, err := restClient(srv).FetchCall(c.SID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if *got.Price != "-0.04000" || *got.PriceUnit != "EUR" || *got.Duration != "61" {
		t.Errorf("price %s %s for %s s, want -0.04000 EUR for 61 s (two started minutes)", *got.Price, *got.PriceUnit, *got.Duration)
	}
}

func TestServerEventsInterleaveCalls(t *testing.T) {
	srv := newServer(t)
	a := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Pause length="5"/></Response>`) })
	b := place(t, srv, func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Pause length="2"/></Response>`) })
	srv.Run()
	events := srv.Events()
	if len(events) != len(a.Events())+len(b.Events()) {
		t.Fatalf("server has %d events, calls have %d and %d", len(events), len(a.Events()), len(b.Events()))
	}
	var order []string
	for i, e := range events {
		if i > 0 && (e.Seq <= events[i-1].Seq || e.Time.Before(events[i-1].Time)) {
			t.Errorf("event %d (%d at %v) is not after event %d (%d at %v)", i, e.Seq, e.Time, i-1, events[i-1].Seq, events[i-1].Time)
		}
		if e.Kind == harness.EventStatus && e.Status == harness.StatusCompleted {
			order = append(order, e.CallSID)
		}
	}
	if diff := cmp.Diff([]string{b.SID(), a.SID()}, order); diff != "" {
		t.Errorf("completion order mismatch (-want +got):\n%s", diff)
	}
}
