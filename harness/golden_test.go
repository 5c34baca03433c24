package harness_test

import (
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Numbers the golden flows dial.
const (
	agentA = "+14155550301"
	agentB = "+14155550302"
	agentC = "+14155550303"
)

// golden is one complete flow: an application, the far ends, and the call
// that starts it.
type golden struct {
	name string
	// app serves the application's documents under origin.
	app http.Handler
	// parties are the far ends by address; the caller is at to.
	parties map[string]scenario.Party
	// set adjusts the call's creation parameters after the defaults (Url
	// origin/voice, StatusCallback origin/status with every event).
	set func(*api.CreateCallParams)
	// also are further addresses the flow calls at the start, each call
	// made as the first one is (to conferences, for instance).
	also []string
	// drive acts on the flow half-way (over the REST API, with Advance)
	// before it is run to its end.
	drive func(t *testing.T, srv *harness.Server)
	// opts are further server options.
	opts []harness.Option
	// want are parameters of requests that the transcript does not show,
	// by the request's kind and path.
	want []sent
}

// sent is a request a golden flow must have made, with some of its
// parameters.
type sent struct {
	kind   harness.RequestKind
	path   string
	params map[string]string
}

// checkSent reports every request of want that srv did not make with
// those parameters (the first request of that kind and path counts).
func checkSent(t *testing.T, srv *harness.Server, want []sent) {
	t.Helper()
	reqs := srv.Requests()
	for _, w := range want {
		var got map[string]string
		for _, r := range reqs {
			if u, err := url.Parse(r.URL); err == nil && r.Kind == w.kind && u.Path == w.path {
				got = map[string]string{}
				for name := range w.params {
					if vs, ok := r.Form[name]; ok {
						got[name] = vs[0]
					}
				}
				break
			}
		}
		if got == nil {
			t.Errorf("no %s request to %s", w.kind, w.path)
			continue
		}
		if diff := cmp.Diff(w.params, got); diff != "" {
			t.Errorf("%s request to %s: parameters mismatch (-want +got):\n%s", w.kind, w.path, diff)
		}
	}
}

// writeTwiML answers a request with a TwiML document.
func writeTwiML(w http.ResponseWriter, format string, args ...any) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+format, args...)
}

// acceptCallbacks answers the status and other callbacks of a golden app.
func acceptCallbacks(mux *http.ServeMux) {
	for _, p := range []string{"/status", "/leg-status", "/recording-status", "/partial", "/conference-status"} {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	}
}

// menuApp is an IVR: press 1 for sales, 2 for support; support is a
// <Redirect> to the support queue's document.
func menuApp() http.Handler {
	mux := http.NewServeMux()
	acceptCallbacks(mux)
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Gather numDigits="1" action="/menu" timeout="5"><Say>Thanks for calling Acme. Press 1 for sales or 2 for support.</Say></Gather><Say>We did not receive any input. Goodbye.</Say></Response>`)
	})
	mux.HandleFunc("/menu", func(w http.ResponseWriter, r *http.Request) {
		switch r.FormValue("Digits") {
		case "1":
			writeTwiML(w, `<Response><Say>Connecting you to sales.</Say><Redirect>/sales</Redirect></Response>`)
		case "2":
			writeTwiML(w, `<Response><Say>Transferring you to support.</Say><Redirect>/support</Redirect></Response>`)
		default:
			writeTwiML(w, `<Response><Say>Sorry, that is not an option.</Say><Redirect>/voice</Redirect></Response>`)
		}
	})
	mux.HandleFunc("/support", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Say>All our support agents are busy. Please call back later.</Say><Hangup/></Response>`)
	})
	return mux
}

// voicemailApp takes a message after the tone.
func voicemailApp() http.Handler {
	mux := http.NewServeMux()
	acceptCallbacks(mux)
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Say>Please leave a message after the tone.</Say><Record action="/recorded" maxLength="60" timeout="5" recordingStatusCallback="/recording-status"/><Say>We did not get a message.</Say></Response>`)
	})
	mux.HandleFunc("/recorded", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Say>Thanks for your message of %s seconds.</Say></Response>`, r.FormValue("RecordingDuration"))
	})
	return mux
}

// forwardApp forwards the call to numbers and apologises when nobody took
// it.
func forwardApp(dial string) http.Handler {
	mux := http.NewServeMux()
	acceptCallbacks(mux)
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Say>Please hold while we connect you.</Say>%s<Say>not reached</Say></Response>`, dial)
	})
	mux.HandleFunc("/dial-status", func(w http.ResponseWriter, r *http.Request) {
		switch r.FormValue("DialCallStatus") {
		case "completed":
			writeTwiML(w, `<Response><Hangup/></Response>`)
		default:
			writeTwiML(w, `<Response><Say>Sorry, nobody can take your call right now (%s).</Say><Hangup/></Response>`, r.FormValue("DialCallStatus"))
		}
	})
	mux.HandleFunc("/whisper", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Gather numDigits="1" action="/whisper-answer" timeout="5"><Say>Call for Acme support. Press 1 to accept.</Say></Gather><Hangup/></Response>`)
	})
	mux.HandleFunc("/whisper-answer", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("Digits") != "1" {
			writeTwiML(w, `<Response><Hangup/></Response>`)
			return
		}
		writeTwiML(w, `<Response><Say>Connecting.</Say></Response>`)
	})
	return mux
}

// brokenApp answers its voice URL with 500; the fallback document is
// served by the same app.
func brokenApp() http.Handler {
	mux := http.NewServeMux()
	acceptCallbacks(mux)
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "database is down", http.StatusInternalServerError)
	})
	mux.HandleFunc("/fallback", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Say>We are having technical difficulties (error %s). Please try again later.</Say></Response>`, r.FormValue("ErrorCode"))
	})
	return mux
}

// speechApp asks what the caller needs and routes on the answer.
func speechApp() http.Handler {
	mux := http.NewServeMux()
	acceptCallbacks(mux)
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Gather input="speech" action="/intent" speechTimeout="auto" partialResultCallback="/partial"><Say>In a few words, tell us why you are calling.</Say></Gather><Say>Sorry, I did not catch that.</Say></Response>`)
	})
	mux.HandleFunc("/intent", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Say>You said: %s. Goodbye.</Say></Response>`, r.FormValue("SpeechResult"))
	})
	return mux
}

// conferenceApp puts every caller in one conference: the supervisor
// (agentC) muted and without a beep, the others as Twilio's defaults have
// them; every conference event goes to /conference-status.
func conferenceApp() http.Handler {
	mux := http.NewServeMux()
	acceptCallbacks(mux)
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		attrs := ""
		if r.FormValue("To") == agentC {
			attrs = ` muted="true" beep="false" participantLabel="supervisor"`
		}
		writeTwiML(w, `<Response><Dial action="/conference-done"><Conference statusCallback="/conference-status" statusCallbackEvent="start end join leave mute hold speaker"%s>support-42</Conference></Dial></Response>`, attrs)
	})
	mux.HandleFunc("/hold", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Say>Please hold while we look into it.</Say><Pause length="5"/><Redirect/></Response>`)
	})
	mux.HandleFunc("/conference-done", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Hangup/></Response>`)
	})
	return mux
}

// Numbers of the queue flow's other callers.
const (
	queueCaller2 = "+14155550111"
	queueCaller3 = "+14155550112"
)

// queueApp puts callers in the queue "support", telling them their place
// every 15 seconds, and has agents take them from it.
func queueApp() http.Handler {
	mux := http.NewServeMux()
	acceptCallbacks(mux)
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Say>Thanks for calling Acme support.</Say><Enqueue action="/queue-result" waitUrl="/queue-wait">support</Enqueue></Response>`)
	})
	mux.HandleFunc("/queue-wait", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Say>You are caller %s of %s. Please hold.</Say><Pause length="15"/></Response>`,
			r.FormValue("QueuePosition"), r.FormValue("CurrentQueueSize"))
	})
	mux.HandleFunc("/queue-result", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Say>Your call ended with %s after %s seconds. Goodbye.</Say></Response>`, r.FormValue("QueueResult"), r.FormValue("QueueTime"))
	})
	mux.HandleFunc("/agent", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Dial action="/agent-done" timeout="60"><Queue url="/connect">support</Queue></Dial></Response>`)
	})
	mux.HandleFunc("/connect", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Say>Connecting you to an agent.</Say></Response>`)
	})
	mux.HandleFunc("/agent-done", func(w http.ResponseWriter, r *http.Request) {
		writeTwiML(w, `<Response><Say>That caller waited %s seconds.</Say><Hangup/></Response>`, r.FormValue("DequeuedCallQueueTime"))
	})
	return mux
}

// holdCaller puts the caller (at to) of conference support-42 on hold
// over the REST API from 10 s to 20 s, with the hold music at /hold.
func holdCaller(t *testing.T, srv *harness.Server) {
	t.Helper()
	srv.Advance(10 * time.Second)
	cf := srv.Conference("support-42")
	if cf == nil {
		t.Fatalf("no conference support-42 at 10 s\n%s", srv.Transcript())
	}
	var caller string
	for _, c := range cf.Calls() {
		if c.To() == to {
			caller = c.SID()
		}
	}
	tw := restClient(srv)
	if _, err := tw.UpdateParticipant(cf.SID(), caller, (&api.UpdateParticipantParams{}).SetHold(true).SetHoldUrl(origin+"/hold")); err != nil {
		t.Fatalf("hold: %v", err)
	}
	srv.Advance(10 * time.Second)
	if _, err := tw.UpdateParticipant(cf.SID(), caller, (&api.UpdateParticipantParams{}).SetHold(false)); err != nil {
		t.Fatalf("unhold: %v", err)
	}
}

// driveQueue places the queue flow's other callers (3 and 6 seconds after
// the first) and its two agents (at 20 and 35 seconds).
func driveQueue(t *testing.T, srv *harness.Server) {
	t.Helper()
	call := func(at time.Duration, number, path string) {
		t.Helper()
		srv.Advance(at - srv.Now().Sub(harness.DefaultStartTime()))
		if _, err := srv.CreateCall(url.Values{"To": {number}, "From": {from}, "Url": {origin + path},
			"StatusCallback": {origin + "/status"}}); err != nil {
			t.Fatal(err)
		}
	}
	call(3*time.Second, queueCaller2, "/voice")
	call(6*time.Second, queueCaller3, "/voice")
	call(20*time.Second, agentA, "/agent")
	call(35*time.Second, agentB, "/agent")
}

func goldenFlows() []golden {
	leg := func(number string) string {
		return `<Number statusCallback="/leg-status" statusCallbackEvent="initiated ringing answered completed">` + number + `</Number>`
	}
	return []golden{
		{
			// Three callers a few seconds apart wait in "support", told
			// their place; agent A takes the first at 20 s, agent B the
			// second at 35 s, and the third gives up at 46 s.
			name: "queue_three_callers_two_agents",
			app:  queueApp(),
			parties: map[string]scenario.Party{
				to:           scenario.Person(),
				queueCaller2: scenario.Person(),
				queueCaller3: scenario.Person().HangsUp().InQueue().After(40 * time.Second),
				agentA:       scenario.Person().HangsUpAfter(30 * time.Second),
				agentB:       scenario.Person().HangsUpAfter(25 * time.Second),
			},
			drive: driveQueue,
			want: []sent{
				{harness.KindEnqueueWait, "/queue-wait", map[string]string{"QueuePosition": "1", "CurrentQueueSize": "1", "QueueTime": "0", "MaxQueueSize": "1000"}},
				{harness.KindDequeue, "/connect", map[string]string{"QueueTime": "18", "DequeingCallSid": "CA019946618a923424801a9558dbd3b7b7"}},
				{harness.KindAction, "/agent-done", map[string]string{"DialCallStatus": "completed", "DequeueResult": "bridged", "DequeuedCallQueueTime": "18"}},
			},
		},
		{
			name: "conference_muted",
			app:  conferenceApp(),
			parties: map[string]scenario.Party{
				to: scenario.Person().Says("Hi, I need help with my order").InConference().After(3 * time.Second).
					HangsUp().InConference().After(30 * time.Second),
				agentA: scenario.AnswersAfter(2 * time.Second).Says("Sure, let me check that for you").InConference().After(4 * time.Second).
					HangsUp().AfterLeaves(to).After(time.Second),
				agentC: scenario.AnswersAfter(4 * time.Second).Says("offer the refund").InConference().After(4 * time.Second).
					HangsUp().InConference().After(16 * time.Second),
			},
			also:  []string{agentA, agentC},
			drive: holdCaller,
			want: []sent{{harness.KindConferenceCallback, "/conference-status", map[string]string{
				"StatusCallbackEvent": "participant-join", "SequenceNumber": "1", "Muted": "false", "FriendlyName": "support-42"}}},
		},
		{
			name:    "menu_redirect",
			app:     menuApp(),
			parties: map[string]scenario.Party{to: scenario.AnswersAfter(3 * time.Second).Then(press("2"))},
			want:    []sent{{harness.KindAction, "/menu", map[string]string{"Digits": "2", "FinishedOnKey": "", "msg": "Gather End"}}},
		},
		{
			name:    "gather_timeout",
			app:     menuApp(),
			parties: map[string]scenario.Party{to: scenario.AnswersAfter(3 * time.Second)},
		},
		{
			name: "voicemail",
			app:  voicemailApp(),
			parties: map[string]scenario.Party{to: scenario.AnswersAfter(6 * time.Second).Then(scenario.Step{
				Do: scenario.Action{Kind: scenario.Talk, Duration: 7 * time.Second, HangUpAfterTalk: true}})},
			want: []sent{
				{harness.KindAction, "/recorded", map[string]string{"Digits": "hangup", "CallStatus": "completed", "RecordingDuration": "7"}},
				{harness.KindRecordingStatusCallback, "/recording-status", map[string]string{"RecordingSource": "RecordVerb", "RecordingDuration": "7"}},
			},
		},
		{
			name:    "dial_busy",
			app:     forwardApp(`<Dial action="/dial-status" timeout="20">` + leg(agentA) + `</Dial>`),
			parties: map[string]scenario.Party{agentA: scenario.Busy().RingsFor(4 * time.Second)},
			want: []sent{{harness.KindAction, "/dial-status", map[string]string{
				"DialCallStatus": "busy", "DialBridged": "false", "DialCallSid": "CAb44ab7e9fbca3ae8e904340c46efafb1"}}},
		},
		{
			name: "dial_parallel",
			app:  forwardApp(`<Dial action="/dial-status" timeout="30">` + leg(agentA) + leg(agentB) + leg(agentC) + `</Dial>`),
			parties: map[string]scenario.Party{
				agentA: scenario.NoAnswer(),
				agentB: scenario.AnswersAfterRings(2).HangsUpAfter(45 * time.Second),
				agentC: scenario.AnswersAfter(20 * time.Second),
			},
			want: []sent{{harness.KindAction, "/dial-status", map[string]string{"DialCallStatus": "completed",
				"DialCallDuration": "45", "DialBridged": "true", "DialCallSid": "CAdf66238ec5375b9b285fcc7999ae5de6"}}},
		},
		{
			name: "fallback",
			app:  brokenApp(),
			set:  func(p *api.CreateCallParams) { p.SetFallbackUrl(origin + "/fallback") },
			want: []sent{{harness.KindFallback, "/fallback", map[string]string{"ErrorCode": "11200", "ErrorUrl": origin + "/voice"}}},
		},
		{
			name: "speech_partial_results",
			app:  speechApp(),
			parties: map[string]scenario.Party{to: {Steps: []scenario.Step{{Do: scenario.Action{
				Kind: scenario.Speak, Text: "I want to check my account balance", Confidence: 0.92, Delay: 500 * time.Millisecond}}}}},
			want: []sent{
				{harness.KindPartialResult, "/partial", map[string]string{"UnstableSpeechResult": "I want to check"}},
				{harness.KindAction, "/intent", map[string]string{"SpeechResult": "I want to check my account balance", "Confidence": "0.92"}},
			},
		},
		{
			name: "dial_whisper",
			app: forwardApp(`<Dial action="/dial-status"><Number url="/whisper" statusCallback="/leg-status" statusCallbackEvent="initiated ringing answered completed">` +
				agentA + `</Number></Dial>`),
			parties: map[string]scenario.Party{
				agentA: scenario.AnswersAfter(5 * time.Second).HangsUpAfter(30 * time.Second).Then(press("1")),
			},
			want: []sent{
				{harness.KindWhisper, "/whisper", map[string]string{"Direction": "outbound-dial", "ParentCallSid": "CA14a93a1715e9855b46650264436bba03"}},
				{harness.KindAction, "/whisper-answer", map[string]string{"Digits": "1", "CallSid": "CAb44ab7e9fbca3ae8e904340c46efafb1"}},
				{harness.KindAction, "/dial-status", map[string]string{"DialCallStatus": "completed", "DialCallDuration": "30", "DialBridged": "true"}},
			},
		},
	}
}

// transcript runs one flow on a new server and returns the server's whole
// transcript, legs included, with the server.
func (g golden) transcript(t *testing.T) (string, *harness.Server) {
	t.Helper()
	opts := []harness.Option{harness.WithApp(origin, g.app)}
	for addr, p := range g.parties {
		opts = append(opts, harness.WithParty(addr, p))
	}
	srv := newServer(t, append(opts, g.opts...)...)
	place(t, srv, func(p *api.CreateCallParams) {
		p.SetStatusCallback(origin + "/status").SetStatusCallbackEvent(allEvents)
		if g.set != nil {
			g.set(p)
		}
	})
	for _, addr := range g.also {
		place(t, srv, func(p *api.CreateCallParams) {
			p.SetStatusCallback(origin + "/status").SetStatusCallbackEvent(allEvents)
			if g.set != nil {
				g.set(p)
			}
			p.SetTo(addr)
		})
	}
	if g.drive != nil {
		g.drive(t, srv)
	}
	srv.Run()
	return srv.Transcript(), srv // the calls', then the conferences'

}

// checkOneCallbackPerRecordingStatus reports a recording whose status
// callback was sent more than once for the same status: a recording goes
// through each status once.
func checkOneCallbackPerRecordingStatus(t *testing.T, srv *harness.Server) {
	t.Helper()
	seen := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Kind == harness.KindRecordingStatusCallback {
			seen[r.Form.Get("RecordingSid")+" "+r.Form.Get("RecordingStatus")]++
		}
	}
	for key, n := range seen {
		if n > 1 {
			t.Errorf("recording %s: %d status callbacks, want one", key, n)
		}
	}
}

func TestGoldenTranscripts(t *testing.T) {
	for _, g := range goldenFlows() {
		t.Run(g.name, func(t *testing.T) {
			got, srv := g.transcript(t)
			checkSent(t, srv, g.want)
			checkOneCallbackPerRecordingStatus(t, srv)
			if again, _ := g.transcript(t); again != got {
				t.Fatalf("two runs of the same flow differ (-first +second):\n%s", cmp.Diff(got, again))
			}
			path := filepath.Join("testdata", "golden", g.name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGoldenTranscripts -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s: transcript mismatch (-want +got):\n%s", path, diff)
			}
		})
	}
}
