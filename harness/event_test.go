package harness_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// TestQueueHeardWords checks that what a caller in a queue hears is in its
// events' Words, as for a conference: the <Say> of the url of the
// <Dial><Queue> that takes it, and nothing for the silence of an empty
// waitUrl.
func TestQueueHeardWords(t *testing.T) {
	const origin = "https://app.example.com"
	mux := http.NewServeMux()
	serve := func(path, doc string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/xml")
			fmt.Fprint(w, doc)
		})
	}
	serve("/caller", `<Response><Enqueue waitUrl="">help</Enqueue></Response>`)
	serve("/agent", `<Response><Dial><Queue url="/whisper">help</Queue></Dial></Response>`)
	serve("/whisper", `<Response><Say>Connecting you to an agent.</Say></Response>`)
	srv := newServer(t, harness.WithApp(origin, mux))
	for number, path := range map[string]string{"+14155550100": "/caller", "+14155550101": "/agent"} {
		if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: number, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + path}}); err != nil {
			t.Fatal(err)
		}
	}
	caller, err := srv.IncomingCall("+14155550199", "+14155550100", scenario.Person())
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(10 * time.Second)
	if _, err := srv.IncomingCall("+14155550198", "+14155550101", scenario.Person().HangsUpAfter(time.Minute)); err != nil {
		t.Fatal(err)
	}
	srv.Run()

	heard := map[string]string{} // source → words
	for _, e := range caller.Events() {
		if e.Kind == harness.EventQueue && e.Action == harness.ActionHeard {
			heard[e.Source] = e.Words
		}
	}
	want := map[string]string{harness.SourceWaitMusic: "", harness.SourceDequeueURL: "Connecting you to an agent."}
	if fmt.Sprint(heard) != fmt.Sprint(want) {
		t.Errorf("heard (source: words) %q, want %q\n%s", heard, want, caller.Transcript())
	}
}
