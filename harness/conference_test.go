package harness_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// These specs pin down <Dial><Conference>, one per behaviour that Twilio
// documents (../shared/reference/conference-queue.md) or that the harness
// chooses where Twilio is silent: the exact parameters of the conference's
// status callbacks, of the Dial's action and of the wait music requests,
// the order of the events, the statuses, and who hears whom.

// The addresses and the room of the conference specs.
const (
	cfOrigin = "https://conf.example.com" // the application
	cfAlice  = "+14155550401"
	cfBob    = "+14155550402"
	cfCarol  = "+14155550403"
	cfDave   = "+14155550404"
	cfRoom   = "standup"
	// cfHoldMusic is Twilio's default wait music, which it plays itself.
	cfHoldMusic = "http://twimlets.com/holdmusic?Bucket=com.twilio.music.classical"
	// cfAllEvents subscribes to every conference event.
	cfAllEvents = "start end join leave mute hold modify speaker announcement"
)

// cfAudio, as the start of a document of a [confApp], serves the rest of
// it as audio (audio/mpeg) instead of TwiML.
const cfAudio = "audio:"

// confApp is the application of a conference spec: it answers each path
// with its document and every other path (callbacks) with 204. A spec may
// change a document (set) while calls run.
type confApp struct {
	mu   sync.Mutex
	docs map[string]string
}

func (a *confApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	doc, ok := a.docs[r.URL.Path]
	a.mu.Unlock()
	switch {
	case !ok:
		w.WriteHeader(http.StatusNoContent)
	case strings.HasPrefix(doc, cfAudio):
		w.Header().Set("Content-Type", "audio/mpeg")
		fmt.Fprint(w, strings.TrimPrefix(doc, cfAudio))
	default:
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, doc)
	}
}

// set makes the application answer path with doc from now on.
func (a *confApp) set(path, doc string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.docs[path] = doc
}

// confRig is one fake Twilio for one conference spec, with its application
// and the official client.
type confRig struct {
	srv   *harness.Server
	app   *confApp
	tw    *api.ApiService
	codes []int // the notification codes the spec expects, in order
}

// newConfRig starts a server owned by the running spec whose application
// serves docs. When the spec ends the server must have logged exactly the
// notifications the spec expects (expectCodes), and every REST response it
// gave is checked against Twilio's OpenAPI description.
func newConfRig(docs map[string]string, opts ...harness.Option) *confRig {
	GinkgoHelper()
	r := &confRig{app: &confApp{docs: docs}}
	opts = append([]harness.Option{harness.WithApp(cfOrigin, r.app)}, opts...)
	r.srv = harness.NewServer(GinkgoT(), opts...)
	DeferCleanup(func() {
		var got []int
		for _, n := range r.srv.Notifications() {
			got = append(got, n.Code)
		}
		Expect(got).To(Equal(r.codes), r.srv.Transcript)
		spec, err := loadedContract()
		Expect(err).NotTo(HaveOccurred())
		if spec != nil {
			Expect(contractProblems(spec, r.srv.APIRequests())).To(BeEmpty())
		}
	})
	r.tw = confClient(r.srv, r.srv.AccountSID(), r.srv.AuthToken())
	return r
}

func confClient(srv *harness.Server, sid, token string) *api.ApiService {
	c := &client.Client{Credentials: client.NewCredentials(sid, token), HTTPClient: srv.HTTPClient()}
	c.SetAccountSid(sid)
	return api.NewApiServiceWithClient(c)
}

// expectCodes says which notifications the spec's server must have logged
// by its end, in order.
func (r *confRig) expectCodes(codes ...int) { r.codes = codes }

// join places a call to who whose Url is path: its far end (see
// harness.WithParty) answers and the document at path runs. The call is
// not run.
func (r *confRig) join(who, path string) *harness.Call {
	GinkgoHelper()
	return r.joinWith(r.tw, who, path)
}

func (r *confRig) joinWith(tw *api.ApiService, who, path string) *harness.Call {
	GinkgoHelper()
	p := &api.CreateCallParams{}
	p.SetTo(who).SetFrom(feFrom).SetUrl(cfOrigin + path)
	created, err := tw.CreateCall(p)
	Expect(err).NotTo(HaveOccurred())
	c := r.srv.Call(*created.Sid)
	Expect(c).NotTo(BeNil())
	return c
}

// conf returns the latest conference named name.
func (r *confRig) conf(name string) *harness.Conference {
	GinkgoHelper()
	cf := r.srv.Conference(name)
	Expect(cf).NotTo(BeNil(), "no conference %q\n%s", name, r.srv.Transcript())
	return cf
}

// transcript describes a failure with every call's and conference's
// transcript.
func (r *confRig) transcript() string {
	var b strings.Builder
	b.WriteString(r.srv.Transcript())
	for _, cf := range r.srv.Conferences() {
		b.WriteString(cf.Transcript())
	}
	return b.String()
}

// cfDial is a document that joins cfRoom with the noun's attributes
// nounAttrs and the Dial's dialAttrs, then says "next verb".
func cfDial(dialAttrs, nounAttrs string) string {
	return cfDialTo(cfRoom, dialAttrs, nounAttrs)
}

func cfDialTo(room, dialAttrs, nounAttrs string) string {
	if dialAttrs != "" {
		dialAttrs = " " + dialAttrs
	}
	if nounAttrs != "" {
		nounAttrs = " " + nounAttrs
	}
	return `<Response><Dial` + dialAttrs + `><Conference` + nounAttrs + `>` + room + `</Conference></Dial><Say>next verb</Say></Response>`
}

// cfAfter is the document of a Dial's action.
const cfAfter = `<Response><Say>after the conference</Say></Response>`

// cfStamp is a conference callback's Timestamp d after the server's start:
// RFC 2822 with a one-digit day, as in Twilio's example.
func cfStamp(d time.Duration) string {
	return harness.DefaultStartTime().Add(d).UTC().Format("Mon, 2 Jan 2006 15:04:05 -0700")
}

// cfParams are the parameters of a conference callback, by name.
type cfParams map[string]string

// with returns a copy of p with the pairs kv (name, value…) set.
func (p cfParams) with(kv ...string) cfParams {
	out := maps.Clone(p)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// cfConfParams are the parameters every conference callback sends.
func cfConfParams(cf *harness.Conference, seq int, event string, at time.Duration) cfParams {
	return cfParams{"AccountSid": cf.AccountSID(), "ConferenceSid": cf.SID(), "FriendlyName": cf.Name(),
		"SequenceNumber": fmt.Sprint(seq), "StatusCallbackEvent": event, "Timestamp": cfStamp(at)}
}

// cfPartParams are the parameters of a participant event about c, whose
// flags are the defaults (change them with with).
func cfPartParams(cf *harness.Conference, seq int, event string, at time.Duration, c *harness.Call) cfParams {
	return cfConfParams(cf, seq, event, at).with("CallSid", c.SID(), "Coaching", "false", "EndConferenceOnExit", "false",
		"Hold", "false", "Muted", "false", "StartConferenceOnEnter", "true")
}

// cfForm returns the first value of each parameter of a request.
func cfForm(req harness.Request) cfParams {
	out := cfParams{}
	for k, vs := range req.Form {
		out[k] = vs[0]
	}
	return out
}

// expectCallback checks that req went to path with method and carried
// exactly the parameters want.
func (r *confRig) expectCallback(req harness.Request, method, path string, want cfParams) {
	GinkgoHelper()
	u, err := url.Parse(req.URL)
	Expect(err).NotTo(HaveOccurred())
	Expect(req.Method+" "+u.Path).To(Equal(method+" "+path), r.transcript)
	if diff := cmp.Diff(map[string]string(want), map[string]string(cfForm(req))); diff != "" {
		Fail(fmt.Sprintf("%s %s parameters mismatch (-want +got):\n%s\n%s", req.Kind, req.Form.Get("StatusCallbackEvent"), diff, r.transcript()))
	}
}

// cfEvents names the status callbacks a conference sent, in order.
func cfEvents(cf *harness.Conference) []string {
	out := []string{}
	for _, req := range cf.Requests() {
		out = append(out, req.Form.Get("StatusCallbackEvent"))
	}
	return out
}

// cfHistory names the events of a conference's history (sent or not),
// each with the call it is about when it has one (by its far end's
// address, from who).
func cfHistory(cf *harness.Conference, who map[string]string) []string {
	out := []string{}
	for _, e := range cf.Events() {
		s := e.Name
		if e.CallSID != "" {
			s += " " + who[e.CallSID]
		}
		out = append(out, s)
	}
	return out
}

// cfWho maps the calls' SIDs to their far ends' addresses.
func cfWho(calls ...*harness.Call) map[string]string {
	out := map[string]string{}
	for _, c := range calls {
		out[c.SID()] = c.To()
	}
	return out
}

// cfHeard returns what c heard in conferences: "source: words" (or the
// URL, or "silence"), with the source a call's far end address from who,
// or a Source constant.
func cfHeard(c *harness.Call, who map[string]string) []string {
	out := []string{}
	for _, e := range c.Heard() {
		src := e.Source
		if name, ok := who[src]; ok {
			src = name
		}
		what := e.Words
		switch {
		case e.URL != "":
			what = e.URL
		case what == "" && e.Source == harness.SourceBeep:
			what = "beep"
		case e.Silence:
			what = "silence"
		}
		out = append(out, src+": "+what)
	}
	return out
}

// cfActions returns the conference actions of c's history (joined, left,
// started, muted…), with a left's reason.
func cfActions(c *harness.Call) []string {
	out := []string{}
	for _, e := range c.Events() {
		if e.Kind != harness.EventConference || e.Action == harness.ActionHeard {
			continue
		}
		s := string(e.Action)
		if e.Action == harness.ActionLeft {
			s += " " + strings.TrimPrefix(e.Text, "left conference \""+e.Conference+"\": ")
		}
		out = append(out, s)
	}
	return out
}

// cfRequestsOf returns the requests of kind that the server made, in
// order.
func cfRequestsOf(srv *harness.Server, kind harness.RequestKind) []harness.Request {
	var out []harness.Request
	for _, req := range srv.Requests() {
		if req.Kind == kind {
			out = append(out, req)
		}
	}
	return out
}

// cfAt returns the virtual time of a request since the server's start.
func cfAt(req harness.Request) time.Duration { return req.Time.Sub(harness.DefaultStartTime()) }

// cfAts returns the virtual times of requests since the server's start.
func cfAts(reqs []harness.Request) []time.Duration {
	out := []time.Duration{}
	for _, req := range reqs {
		out = append(out, cfAt(req))
	}
	return out
}

// cfDialEnded returns the DialCallStatus of each Dial of c that ended.
func cfDialEnded(c *harness.Call) []harness.Status {
	out := []harness.Status{}
	for _, e := range c.Events() {
		if e.Kind == harness.EventDial && e.Action == harness.ActionDialEnded {
			out = append(out, e.Status)
		}
	}
	return out
}

// hangsUpAt is a person who answers at once and hangs up d after joining
// the conference.
func hangsUpAt(d time.Duration) scenario.Party {
	return scenario.Person().HangsUp().InConference().After(d)
}

var _ = Describe("<Dial><Conference>", func() {
	Describe("a conference's life", func() {
		It("keeps a lone caller waiting (init) with Twilio's hold music, which it does not request, until a second caller starts it", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", "")},
				harness.WithParty(cfAlice, hangsUpAt(30*time.Second)),
				harness.WithParty(cfBob, scenario.AnswersAfter(5*time.Second).HangsUp().InConference().After(10*time.Second)))
			alice, bob := r.join(cfAlice, "/join"), r.join(cfBob, "/join")
			r.srv.Advance(2 * time.Second)
			cf := r.conf(cfRoom)
			Expect(cf.Info().Status).To(Equal(harness.ConferenceInit), r.transcript)
			Expect(cf.Info().Participants).To(HaveLen(1))

			r.srv.Run()
			info := cf.Info()
			Expect(info.Status).To(Equal(harness.ConferenceCompleted))
			Expect(info.Started).To(Equal(harness.DefaultStartTime().Add(5*time.Second)), "the second caller starts it")
			Expect(cfRequestsOf(r.srv, harness.KindConferenceWait)).To(BeEmpty(), "Twilio's own hold music is not requested")
			who := cfWho(alice, bob)
			Expect(cfHeard(alice, who)).To(HaveExactElements("wait-music: "+cfHoldMusic, "beep: beep", "beep: beep"), r.transcript)
			Expect(cfActions(alice)).To(HaveExactElements("joined", "started", "left participant_hung_up"))
			Expect(cfActions(bob)).To(HaveExactElements("joined", "started", "left participant_hung_up"))
		})

		It("sends join, join, start, then leave, leave, end, with SequenceNumber 1 to 6", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf" statusCallbackEvent="start end join leave"`)},
				harness.WithParty(cfAlice, hangsUpAt(20*time.Second)),
				harness.WithParty(cfBob, scenario.AnswersAfter(5*time.Second).HangsUp().InConference().After(5*time.Second)))
			alice, bob := r.join(cfAlice, "/join"), r.join(cfBob, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			Expect(cfEvents(cf)).To(HaveExactElements("participant-join", "participant-join", "conference-start",
				"participant-leave", "participant-leave", "conference-end"), r.transcript)
			Expect(cfHistory(cf, cfWho(alice, bob))).To(HaveExactElements("participant-join "+cfAlice, "participant-join "+cfBob,
				"conference-start", "participant-leave "+cfBob, "participant-leave "+cfAlice, "conference-end"))
			var seqs []string
			for _, req := range cf.Requests() {
				seqs = append(seqs, req.Form.Get("SequenceNumber"))
			}
			Expect(seqs).To(HaveExactElements("1", "2", "3", "4", "5", "6"))
			Expect(cfAts(cf.Requests())).To(HaveExactElements(0*time.Second, 5*time.Second, 5*time.Second, 10*time.Second, 20*time.Second, 20*time.Second))
		})

		It("sends participant-join with the participant's call and flags", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf" statusCallbackEvent="join"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			Expect(cf.Requests()).To(HaveLen(1), r.transcript)
			r.expectCallback(cf.Requests()[0], "POST", "/conf", cfPartParams(cf, 1, "participant-join", 0, alice))
		})

		It("sends conference-start with the conference's parameters only, once the second participant is in", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf" statusCallbackEvent="start"`)},
				harness.WithParty(cfAlice, hangsUpAt(20*time.Second)),
				harness.WithParty(cfBob, scenario.AnswersAfter(3*time.Second).HangsUp().InConference().After(5*time.Second)))
			r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			Expect(cf.Requests()).To(HaveLen(1), r.transcript)
			r.expectCallback(cf.Requests()[0], "POST", "/conf", cfConfParams(cf, 1, "conference-start", 3*time.Second))
		})

		It("sends participant-leave with ParticipantCallStatus=completed and participant_hung_up when a participant hangs up", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf" statusCallbackEvent="leave"`)},
				harness.WithParty(cfAlice, hangsUpAt(20*time.Second)),
				harness.WithParty(cfBob, hangsUpAt(7*time.Second)))
			alice, bob := r.join(cfAlice, "/join"), r.join(cfBob, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			Expect(cf.Requests()).To(HaveLen(2), r.transcript)
			r.expectCallback(cf.Requests()[0], "POST", "/conf", cfPartParams(cf, 1, "participant-leave", 7*time.Second, bob).
				with("ParticipantCallStatus", "completed", "ReasonParticipantLeft", "participant_hung_up"))
			r.expectCallback(cf.Requests()[1], "POST", "/conf", cfPartParams(cf, 2, "participant-leave", 20*time.Second, alice).
				with("ParticipantCallStatus", "completed", "ReasonParticipantLeft", "participant_hung_up"))
			Expect(bob.Status()).To(Equal(harness.StatusCompleted))
		})

		It("ends when the last participant leaves: conference-end with last-participant-left and the call that ended it", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf" statusCallbackEvent="end"`)},
				harness.WithParty(cfAlice, hangsUpAt(20*time.Second)),
				harness.WithParty(cfBob, hangsUpAt(7*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			Expect(cf.Requests()).To(HaveLen(1), r.transcript)
			r.expectCallback(cf.Requests()[0], "POST", "/conf", cfConfParams(cf, 1, "conference-end", 20*time.Second).
				with("ReasonConferenceEnded", "last-participant-left", "Reason", "Participant left the conference",
					"CallSidEndingConference", alice.SID()))
			Expect(cf.Requests()[0].CallSID).To(Equal(alice.SID()), "made for the call that left last, not the one that joined last")
			info := cf.Info()
			Expect(info.Status).To(Equal(harness.ConferenceCompleted))
			Expect(info.ReasonEnded).To(Equal(harness.EndedLastLeft))
			Expect(info.CallSIDEndingConference).To(Equal(alice.SID()))
			Expect(info.Participants).To(BeEmpty())
			everyone := cf.Everyone()
			Expect(everyone).To(HaveLen(2))
			Expect(everyone[0].Left).To(Equal(harness.DefaultStartTime().Add(20 * time.Second)))
			Expect(everyone[1].Left).To(Equal(harness.DefaultStartTime().Add(7 * time.Second)))
		})

		It("keeps running with a lone survivor, which hears no wait music again, and ends when it leaves", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `waitUrl="/wait" statusCallback="/conf" statusCallbackEvent="start end leave"`),
				"/wait": `<Response><Say>please wait</Say></Response>`},
				harness.WithParty(cfAlice, hangsUpAt(60*time.Second)),
				harness.WithParty(cfBob, scenario.AnswersAfter(2*time.Second).HangsUp().InConference().After(8*time.Second)))
			alice, bob := r.join(cfAlice, "/join"), r.join(cfBob, "/join")
			r.srv.Advance(30 * time.Second)
			cf := r.conf(cfRoom)
			Expect(cf.Info().Status).To(Equal(harness.ConferenceInProgress), r.transcript)
			Expect(cf.Info().Participants).To(HaveLen(1))
			r.srv.Run()
			Expect(cfEvents(cf)).To(HaveExactElements("conference-start", "participant-leave", "participant-leave", "conference-end"))
			Expect(cfAts(cf.Requests())).To(HaveExactElements(2*time.Second, 10*time.Second, 60*time.Second, 60*time.Second))
			Expect(cfRequestsOf(r.srv, harness.KindConferenceWait)).To(HaveLen(1), "fetched once, for the wait before the start")
			Expect(cfHeard(alice, cfWho(alice, bob))).To(HaveExactElements("wait-music: please wait", "beep: beep", "beep: beep"), r.transcript)
		})

		It("gives a later conference of the same name a new SID", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", "")},
				harness.WithParty(cfAlice, hangsUpAt(5*time.Second)),
				harness.WithParty(cfBob, scenario.AnswersAfter(30*time.Second).HangsUp().InConference().After(5*time.Second)))
			alice, bob := r.join(cfAlice, "/join"), r.join(cfBob, "/join")
			r.srv.Run()
			confs := r.srv.Conferences()
			Expect(confs).To(HaveLen(2), r.transcript)
			Expect(confs[0].SID()).NotTo(Equal(confs[1].SID()))
			Expect(confs[0].SID()).To(MatchRegexp(`^CF[0-9a-f]{32}$`))
			Expect([]string{confs[0].Name(), confs[1].Name()}).To(HaveExactElements(cfRoom, cfRoom))
			Expect(alice.Conference().SID()).To(Equal(confs[0].SID()))
			Expect(bob.Conference().SID()).To(Equal(confs[1].SID()))
			Expect(r.srv.Conference(cfRoom).SID()).To(Equal(confs[1].SID()), "a name finds the latest")
			for _, cf := range confs {
				Expect(cf.Info().Status).To(Equal(harness.ConferenceCompleted))
				Expect(cf.Info().Started).To(BeZero(), "a lone caller never starts a conference")
			}
		})

		It("keeps rooms of the same name in two accounts apart", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", "")},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)))
			other, token, err := r.srv.AddAccount("", "")
			Expect(err).NotTo(HaveOccurred())
			alice := r.join(cfAlice, "/join")
			bob := r.joinWith(confClient(r.srv, other, token), cfBob, "/join")
			r.srv.Run()
			confs := r.srv.Conferences()
			Expect(confs).To(HaveLen(2), r.transcript)
			Expect(alice.Conference().AccountSID()).To(Equal(r.srv.AccountSID()))
			Expect(bob.Conference().AccountSID()).To(Equal(other))
			for _, cf := range confs {
				Expect(cf.Name()).To(Equal(cfRoom))
				Expect(cf.Everyone()).To(HaveLen(1))
				Expect(cf.Info().Started).To(BeZero(), "neither room had a second participant")
			}
		})
	})

	Describe("statusCallback", func() {
		It("without statusCallbackEvent sends conference-start and conference-end only", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)))
			r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			Expect(cfEvents(cf)).To(HaveExactElements("conference-start", "conference-end"), r.transcript)
			Expect(cf.Events()).To(HaveLen(6), "the history keeps every event, sent or not")
		})

		It("with Fidelity.NoDefaultConferenceEvents and no statusCallbackEvent sends nothing", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf"`)},
				harness.WithFidelity(harness.Fidelity{NoDefaultConferenceEvents: true}),
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)))
			r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			Expect(cfRequestsOf(r.srv, harness.KindConferenceCallback)).To(BeEmpty(), r.transcript)
		})

		It("with statusCallbackMethod=GET sends the parameters in the query", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf" statusCallbackMethod="GET" statusCallbackEvent="join"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			Expect(cf.Requests()).To(HaveLen(1), r.transcript)
			req := cf.Requests()[0]
			r.expectCallback(req, "GET", "/conf", cfPartParams(cf, 1, "participant-join", 0, alice))
			u, _ := url.Parse(req.URL)
			Expect(u.Query().Get("CallSid")).To(Equal(alice.SID()))
		})

		It("is the first participant's: a later participant's statusCallback and events are ignored", func() {
			r := newConfRig(map[string]string{"/first": cfDial("", `statusCallback="/first-cb" statusCallbackEvent="join"`),
				"/second": cfDial("", `statusCallback="/second-cb" statusCallbackEvent="start end join leave"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)))
			r.join(cfAlice, "/first")
			r.join(cfBob, "/second")
			r.srv.Run()
			cf := r.conf(cfRoom)
			var paths []string
			for _, req := range cf.Requests() {
				u, _ := url.Parse(req.URL)
				paths = append(paths, u.Path+" "+req.Form.Get("StatusCallbackEvent"))
			}
			Expect(paths).To(HaveExactElements("/first-cb participant-join", "/first-cb participant-join"), r.transcript)
		})

		It("numbers the callbacks it sends, from 1: events not subscribed to take no number", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf" statusCallbackEvent="leave end"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(20*time.Second)))
			r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			var seqs []string
			for _, req := range cf.Requests() {
				seqs = append(seqs, req.Form.Get("StatusCallbackEvent")+" "+req.Form.Get("SequenceNumber"))
			}
			Expect(seqs).To(HaveExactElements("participant-leave 1", "participant-leave 2", "conference-end 3"), r.transcript)
			Expect(cf.Events()).To(HaveLen(6), "two joins and the start happened unreported")
		})

		It("numbers events from 0 with Fidelity.ConferenceSequenceFromZero", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf" statusCallbackEvent="start end join leave"`)},
				harness.WithFidelity(harness.Fidelity{ConferenceSequenceFromZero: true}),
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)))
			r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			var seqs []string
			for _, req := range r.conf(cfRoom).Requests() {
				seqs = append(seqs, req.Form.Get("SequenceNumber"))
			}
			Expect(seqs).To(HaveExactElements("0", "1", "2", "3", "4", "5"), r.transcript)
		})

		It("numbers each conference's events on its own", func() {
			r := newConfRig(map[string]string{"/a": cfDialTo("room-a", "", `statusCallback="/conf" statusCallbackEvent="join leave"`),
				"/b": cfDialTo("room-b", "", `statusCallback="/conf" statusCallbackEvent="join leave"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)))
			r.join(cfAlice, "/a")
			r.join(cfBob, "/b")
			r.srv.Run()
			for _, room := range []string{"room-a", "room-b"} {
				var seqs []string
				for _, req := range r.conf(room).Requests() {
					seqs = append(seqs, req.Form.Get("SequenceNumber"))
				}
				Expect(seqs).To(HaveExactElements("1", "2"), room)
			}
		})

		It(`with "speaker" sends participant-speech-start when a participant speaks and participant-speech-stop when it stops`, func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf" statusCallbackEvent="speaker"`)},
				harness.WithParty(cfAlice, scenario.Person().Says("good morning everyone").InConference().After(2*time.Second).
					Talks(4*time.Second).InConference().After(10*time.Second).HangsUp().InConference().After(20*time.Second)),
				harness.WithParty(cfBob, hangsUpAt(20*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			reqs := cf.Requests()
			Expect(cfEvents(cf)).To(HaveExactElements("participant-speech-start", "participant-speech-stop",
				"participant-speech-start", "participant-speech-stop"), r.transcript)
			// "good morning everyone": three words, 1.2 s.
			r.expectCallback(reqs[0], "POST", "/conf", cfPartParams(cf, 1, "participant-speech-start", 2*time.Second, alice))
			r.expectCallback(reqs[1], "POST", "/conf", cfPartParams(cf, 2, "participant-speech-stop", 3200*time.Millisecond, alice))
			Expect(cfAts(reqs[2:])).To(HaveExactElements(10*time.Second, 14*time.Second))
		})

		It(`with "mute" reports a muted="true" participant as Muted=true on its join, with no participant-mute`, func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `muted="true" statusCallback="/conf" statusCallbackEvent="join mute"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			Expect(cfEvents(cf)).To(HaveExactElements("participant-join"), r.transcript)
			r.expectCallback(cf.Requests()[0], "POST", "/conf", cfPartParams(cf, 1, "participant-join", 0, alice).with("Muted", "true"))
			Expect(cf.Events()[0].Muted).To(BeTrue())
		})
	})

	Describe("muted", func() {
		It("is false by default: the others hear the participant, with its call SID as the Source", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", "")},
				harness.WithParty(cfAlice, scenario.Person().Says("hello team").InConference().After(2*time.Second).HangsUp().InConference().After(10*time.Second)),
				harness.WithParty(cfBob, hangsUpAt(10*time.Second)), harness.WithParty(cfCarol, hangsUpAt(10*time.Second)))
			alice, bob, carol := r.join(cfAlice, "/join"), r.join(cfBob, "/join"), r.join(cfCarol, "/join")
			r.srv.Run()
			for _, c := range []*harness.Call{bob, carol} {
				var heard []harness.Event
				for _, e := range c.Events() {
					if e.Kind == harness.EventConference && e.Action == harness.ActionHeard && e.Source == alice.SID() {
						heard = append(heard, e)
					}
				}
				Expect(heard).To(HaveLen(1), r.transcript)
				Expect(heard[0].Words).To(Equal("hello team"))
				Expect(heard[0].Conference).To(Equal(cfRoom))
				Expect(heard[0].Duration).To(Equal(time.Second))
				Expect(heard[0].Time).To(Equal(harness.DefaultStartTime().Add(2 * time.Second)))
			}
			Expect(cfHeard(alice, cfWho(alice, bob, carol))).NotTo(ContainElement(ContainSubstring("hello team")), "a speaker does not hear itself")
		})

		It(`="true": nobody hears the participant, and its call says why`, func() {
			r := newConfRig(map[string]string{"/muted": cfDial("", `muted="true"`), "/join": cfDial("", "")},
				harness.WithParty(cfAlice, scenario.Person().Says("can you hear me").InConference().After(2*time.Second).HangsUp().InConference().After(10*time.Second)),
				harness.WithParty(cfBob, scenario.Person().Says("yes").InConference().After(5*time.Second).HangsUp().InConference().After(10*time.Second)))
			alice, bob := r.join(cfAlice, "/muted"), r.join(cfBob, "/join")
			r.srv.Run()
			who := cfWho(alice, bob)
			Expect(cfHeard(bob, who)).To(HaveExactElements("beep: beep", "beep: beep"), "the beeps of Bob's join and Alice's leave; not Alice\n%s", r.transcript())
			Expect(cfHeard(alice, who)).To(ContainElement(cfBob+": yes"), "a muted participant still listens")
			var notes []string
			for _, e := range alice.Events() {
				if e.Kind == harness.EventNote {
					notes = append(notes, e.Text)
				}
			}
			Expect(notes).To(ContainElement(`nobody in conference "standup" hears it (muted)`))
			Expect(cf0(r).Everyone()[0].Muted).To(BeTrue())
		})
	})

	Describe("beep", func() {
		DescribeTable("plays to the room when a participant joins and leaves, as beep says",
			func(beep string, want []string) {
				attrs := ""
				if beep != "" {
					attrs = `beep="` + beep + `"`
				}
				r := newConfRig(map[string]string{"/join": cfDial("", ""), "/carol": cfDial("", attrs)},
					harness.WithParty(cfAlice, hangsUpAt(30*time.Second)), harness.WithParty(cfBob, hangsUpAt(30*time.Second)),
					harness.WithParty(cfCarol, scenario.AnswersAfter(5*time.Second).HangsUp().InConference().After(5*time.Second)))
				alice, bob := r.join(cfAlice, "/join"), r.join(cfBob, "/join")
				r.join(cfCarol, "/carol")
				r.srv.Run()
				var beeps []string
				for _, e := range alice.Heard() {
					if e.Source == harness.SourceBeep {
						beeps = append(beeps, e.Time.Sub(harness.DefaultStartTime()).String())
					}
				}
				// 0s: Bob's join starts the conference (his beep); Carol at
				// 5 s and 10 s; Bob's own leave at 30 s is after Alice's.
				Expect(beeps).To(Equal(want), r.transcript)
				Expect(cfHeard(bob, cfWho(alice, bob))).To(HaveLen(len(want)+1), "Bob hears the same, and Alice leaving at 30 s")
			},
			Entry("true by default: on join and on leave", "", []string{"0s", "5s", "10s"}),
			Entry("true", "true", []string{"0s", "5s", "10s"}),
			Entry("false: never", "false", []string{"0s"}),
			Entry("onEnter: on join only", "onEnter", []string{"0s", "5s"}),
			Entry("onExit: on leave only", "onExit", []string{"0s", "10s"}),
		)
	})

	Describe("startConferenceOnEnter", func() {
		It(`="false": the participants wait, hear the wait music and not each other, until a "true" one starts it`, func() {
			r := newConfRig(map[string]string{"/wait-join": cfDial("", `startConferenceOnEnter="false" statusCallback="/conf" statusCallbackEvent="start join"`),
				"/host": cfDial("", "")},
				harness.WithParty(cfAlice, scenario.Person().Says("is anyone there").InConference().After(2*time.Second).HangsUp().InConference().After(30*time.Second)),
				harness.WithParty(cfBob, hangsUpAt(30*time.Second)),
				harness.WithParty(cfCarol, scenario.AnswersAfter(10*time.Second).HangsUp().InConference().After(10*time.Second)))
			alice, bob := r.join(cfAlice, "/wait-join"), r.join(cfBob, "/wait-join")
			carol := r.join(cfCarol, "/host")
			r.srv.Advance(5 * time.Second)
			cf := r.conf(cfRoom)
			Expect(cf.Info().Status).To(Equal(harness.ConferenceInit), "two startConferenceOnEnter=false participants do not start it")
			Expect(cf.Info().Participants).To(HaveLen(2))
			r.srv.Run()
			who := cfWho(alice, bob, carol)
			// Carol's join at 10 s starts it: the music stops; beeps as Carol
			// leaves at 20 s and Alice at 30 s.
			Expect(cfHeard(bob, who)).To(HaveExactElements("wait-music: "+cfHoldMusic, "beep: beep", "beep: beep", "beep: beep"), r.transcript)
			Expect(cfEvents(cf)).To(HaveExactElements("participant-join", "participant-join", "participant-join", "conference-start"))
			Expect(cf.Info().Started).To(Equal(harness.DefaultStartTime().Add(10 * time.Second)))
			r.expectCallback(cf.Requests()[0], "POST", "/conf", cfPartParams(cf, 1, "participant-join", 0, alice).with("StartConferenceOnEnter", "false"))
		})

		It(`="false" alone with others of its kind: nobody hears anybody, and the speaker's call says why`, func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `startConferenceOnEnter="false"`)},
				harness.WithParty(cfAlice, scenario.Person().Says("hello").InConference().After(time.Second).HangsUp().InConference().After(5*time.Second)),
				harness.WithParty(cfBob, hangsUpAt(5*time.Second)))
			alice, bob := r.join(cfAlice, "/join"), r.join(cfBob, "/join")
			r.srv.Run()
			Expect(cfHeard(bob, cfWho(alice, bob))).To(HaveExactElements("wait-music: "+cfHoldMusic), r.transcript)
			Expect(alice.Transcript()).To(ContainSubstring(`nobody in conference "standup" hears it (the conference has not started)`))
			Expect(r.conf(cfRoom).Info().Started).To(BeZero())
		})
	})

	Describe("endConferenceOnExit", func() {
		It(`="true": when that participant leaves the conference ends for everyone, each Dial ends answered`, func() {
			r := newConfRig(map[string]string{
				"/host":  cfDial(`action="/after"`, `endConferenceOnExit="true" participantLabel="host" statusCallback="/conf" statusCallbackEvent="end leave"`),
				"/guest": cfDial(`action="/after"`, ""),
				"/after": cfAfter},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)),
				harness.WithParty(cfBob, scenario.Person()), harness.WithParty(cfCarol, scenario.Person()))
			alice, bob, carol := r.join(cfAlice, "/host"), r.join(cfBob, "/guest"), r.join(cfCarol, "/guest")
			r.srv.Run()
			cf := r.conf(cfRoom)
			reqs := cf.Requests()
			Expect(cfEvents(cf)).To(HaveExactElements("participant-leave", "participant-leave", "participant-leave", "conference-end"), r.transcript)
			r.expectCallback(reqs[0], "POST", "/conf", cfPartParams(cf, 1, "participant-leave", 10*time.Second, alice).
				with("EndConferenceOnExit", "true", "ParticipantLabel", "host", "ParticipantCallStatus", "completed", "ReasonParticipantLeft", "participant_hung_up"))
			r.expectCallback(reqs[1], "POST", "/conf", cfPartParams(cf, 2, "participant-leave", 10*time.Second, bob).
				with("ParticipantCallStatus", "in-progress", "ReasonParticipantLeft", "moderator_ended_conference"))
			r.expectCallback(reqs[2], "POST", "/conf", cfPartParams(cf, 3, "participant-leave", 10*time.Second, carol).
				with("ParticipantCallStatus", "in-progress", "ReasonParticipantLeft", "moderator_ended_conference"))
			r.expectCallback(reqs[3], "POST", "/conf", cfConfParams(cf, 4, "conference-end", 10*time.Second).
				with("ReasonConferenceEnded", "participant-with-end-conference-on-exit-left",
					"Reason", "Participant with endConferenceOnExit left the conference",
					"CallSidEndingConference", alice.SID(), "ParticipantLabelEndingConference", "host"))
			for _, c := range []*harness.Call{bob, carol} {
				actions := feRequests(c, harness.KindAction)
				Expect(actions).To(HaveLen(1), r.transcript)
				Expect(cfForm(actions[0])).To(HaveKeyWithValue("DialCallStatus", "answered"))
				Expect(cfForm(actions[0])).To(HaveKeyWithValue("CallStatus", "in-progress"))
				Expect(feSaid(c)).To(HaveExactElements("after the conference"))
			}
			Expect(cf.Info().ReasonEnded).To(Equal(harness.EndedModeratorLeft))
		})

		It(`="false" by default: a participant leaving does not end the conference`, func() {
			r := newConfRig(map[string]string{"/join": cfDial("", "")},
				harness.WithParty(cfAlice, hangsUpAt(5*time.Second)), harness.WithParty(cfBob, hangsUpAt(20*time.Second)),
				harness.WithParty(cfCarol, hangsUpAt(20*time.Second)))
			r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.join(cfCarol, "/join")
			r.srv.Advance(10 * time.Second)
			cf := r.conf(cfRoom)
			Expect(cf.Info().Status).To(Equal(harness.ConferenceInProgress), r.transcript)
			Expect(cf.Info().Participants).To(HaveLen(2))
			r.srv.Run()
		})
	})

	Describe("waitUrl", func() {
		It("is requested with POST and the participant's call parameters; its Say and Play are heard, then silence", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `waitUrl="/wait"`),
				"/wait": `<Response><Say>please hold</Say><Play>https://cdn.example.com/tune.mp3</Play></Response>`},
				harness.WithParty(cfAlice, hangsUpAt(60*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.srv.Run()
			waits := cfRequestsOf(r.srv, harness.KindConferenceWait)
			Expect(waits).To(HaveLen(1), "not requested again when it runs out")
			u, _ := url.Parse(waits[0].URL)
			Expect(waits[0].Method + " " + u.Path).To(Equal("POST /wait"))
			Expect(cfForm(waits[0])).To(And(HaveKeyWithValue("CallSid", alice.SID()), HaveKeyWithValue("CallStatus", "in-progress"),
				HaveKeyWithValue("AccountSid", r.srv.AccountSID()), HaveKeyWithValue("To", cfAlice), HaveKeyWithValue("From", feFrom)))
			Expect(cfHeard(alice, nil)).To(HaveExactElements("wait-music: please hold", "wait-music: https://cdn.example.com/tune.mp3"), r.transcript)
		})

		It("loops with <Redirect/> (the same URL again) until the conference starts", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `waitUrl="/wait"`),
				"/wait": `<Response><Say>still waiting</Say><Pause length="9"/><Redirect/></Response>`},
				harness.WithParty(cfAlice, hangsUpAt(60*time.Second)),
				harness.WithParty(cfBob, scenario.AnswersAfter(25*time.Second).HangsUp().InConference().After(5*time.Second)))
			r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			// "still waiting" is 1 s, then 9 s of pause: every 10 s until Bob
			// joins at 25 s.
			Expect(cfAts(cfRequestsOf(r.srv, harness.KindConferenceWait))).To(HaveExactElements(0*time.Second, 10*time.Second, 20*time.Second), r.transcript)
		})

		It(`="" is silence, requested from nobody`, func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `waitUrl=""`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.srv.Run()
			Expect(r.srv.Requests()).To(HaveLen(1), "the voice request only")
			Expect(cfHeard(alice, nil)).To(HaveExactElements("wait-music: silence"), r.transcript)
		})

		It("with waitMethod=GET is requested with GET", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `waitUrl="/wait" waitMethod="GET"`),
				"/wait": `<Response><Say>hold on</Say></Response>`},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.srv.Run()
			waits := cfRequestsOf(r.srv, harness.KindConferenceWait)
			Expect(waits).To(HaveLen(1), r.transcript)
			Expect(waits[0].Method).To(Equal("GET"))
			u, _ := url.Parse(waits[0].URL)
			Expect(u.Query().Get("CallSid")).To(Equal(alice.SID()))
		})

		It("may answer with audio, which plays once", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `waitUrl="/tune.mp3"`), "/tune.mp3": cfAudio + "ID3"},
				harness.WithParty(cfAlice, hangsUpAt(60*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.srv.Run()
			Expect(cfRequestsOf(r.srv, harness.KindConferenceWait)).To(HaveLen(1))
			Expect(cfHeard(alice, nil)).To(HaveExactElements("wait-music: "+cfOrigin+"/tune.mp3"), r.transcript)
		})

		It("with a verb other than Play, Say, Pause or Redirect logs 13238 and falls silent; the participant stays", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `waitUrl="/wait"`),
				"/wait": `<Response><Say>one moment</Say><Gather/><Say>never heard</Say></Response>`},
				harness.WithParty(cfAlice, hangsUpAt(30*time.Second)))
			r.expectCodes(13238)
			alice := r.join(cfAlice, "/join")
			r.srv.Run()
			Expect(cfHeard(alice, nil)).To(HaveExactElements("wait-music: one moment"), r.transcript)
			Expect(alice.Notifications()[0].Message).To(ContainSubstring("<Gather> is not allowed"))
			Expect(cfActions(alice)).To(HaveExactElements("joined", "left participant_hung_up"), "it stays until it hangs up at 30 s")
			Expect(alice.Info().Duration).To(Equal(30 * time.Second))
		})

		It("stops at the start: the wait music is not requested any more", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `waitUrl="/wait"`),
				"/wait": `<Response><Pause length="3"/><Redirect/></Response>`},
				harness.WithParty(cfAlice, hangsUpAt(30*time.Second)),
				harness.WithParty(cfBob, scenario.AnswersAfter(7*time.Second).HangsUp().InConference().After(23*time.Second)))
			r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			Expect(cfAts(cfRequestsOf(r.srv, harness.KindConferenceWait))).To(HaveExactElements(0*time.Second, 3*time.Second, 6*time.Second), r.transcript)
		})
	})

	Describe("maxParticipants", func() {
		It("reached: the next caller does not join (16020) and its Dial's action gets DialCallStatus=failed", func() {
			r := newConfRig(map[string]string{"/join": cfDial(`action="/after"`, `maxParticipants="2"`), "/after": cfAfter},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)),
				harness.WithParty(cfCarol, scenario.AnswersAfter(time.Second)))
			r.expectCodes(harness.CodeConferenceFull)
			r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			carol := r.join(cfCarol, "/join")
			r.srv.Run()
			actions := feRequests(carol, harness.KindAction)
			Expect(actions).To(HaveLen(1), r.transcript)
			Expect(cfForm(actions[0])).To(HaveKeyWithValue("DialCallStatus", "failed"))
			Expect(actions[0].Form).NotTo(HaveKey("DialCallSid"))
			Expect(cfAt(actions[0])).To(Equal(time.Second))
			Expect(feSaid(carol)).To(HaveExactElements("after the conference"))
			Expect(cfDialEnded(carol)).To(HaveExactElements(harness.StatusFailed))
			Expect(r.conf(cfRoom).Everyone()).To(HaveLen(2))
			Expect(carol.Notifications()[0].Level).To(Equal(harness.LevelWarning))
		})

		It("reached without an action: the next verb runs", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `maxParticipants="2"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)),
				harness.WithParty(cfCarol, scenario.AnswersAfter(time.Second)))
			r.expectCodes(harness.CodeConferenceFull)
			r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			carol := r.join(cfCarol, "/join")
			r.srv.Run()
			Expect(feSaid(carol)).To(HaveExactElements("next verb"), r.transcript)
			Expect(feRequests(carol, harness.KindAction)).To(BeEmpty())
			Expect(carol.Conference()).To(BeNil())
		})
	})

	Describe("record", func() {
		It(`="record-from-start" records from the start (not the wait) to the end, and reports to recordingStatusCallback`, func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `record="record-from-start" recordingStatusCallback="/rec" recordingStatusCallbackEvent="in-progress completed"`)},
				harness.WithParty(cfAlice, hangsUpAt(40*time.Second)),
				harness.WithParty(cfBob, scenario.AnswersAfter(10*time.Second).HangsUp().InConference().After(20*time.Second)))
			r.join(cfAlice, "/join")
			bob := r.join(cfBob, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			var recs []harness.Recording
			for _, c := range r.srv.Calls() {
				recs = append(recs, c.Recordings()...)
			}
			Expect(recs).To(HaveLen(1), r.transcript)
			rec := recs[0]
			Expect(rec.ConferenceSID).To(Equal(cf.SID()))
			Expect(rec.CallSID).To(Equal(bob.SID()), "the participant whose join started it")
			Expect(rec.Source).To(Equal("Conference"))
			Expect(rec.Channels).To(Equal(1))
			Expect(rec.Trim).To(Equal("trim-silence"))
			Expect(rec.Start).To(Equal(harness.DefaultStartTime().Add(10 * time.Second)))
			Expect(rec.Duration).To(Equal(30*time.Second), "from the start at 10 s to the end at 40 s")
			Expect(rec.Status).To(Equal("completed"))
			cbs := cfRequestsOf(r.srv, harness.KindConferenceRecordingCallback)
			Expect(cbs).To(HaveLen(2), r.transcript)
			common := cfParams{"AccountSid": r.srv.AccountSID(), "ConferenceSid": cf.SID(), "RecordingSid": rec.SID,
				"RecordingUrl": rec.URL, "RecordingChannels": "1", "RecordingSource": "Conference",
				"RecordingStartTime": "Mon, 06 Jan 2025 09:00:10 +0000"}
			r.expectCallback(cbs[0], "POST", "/rec", common.with("RecordingStatus", "in-progress"))
			r.expectCallback(cbs[1], "POST", "/rec", common.with("RecordingStatus", "completed", "RecordingDuration", "30"))
			Expect(cfAts(cbs)).To(HaveExactElements(10*time.Second, 40*time.Second))
		})

		It(`with trim="do-not-trim" keeps the silence`, func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `record="record-from-start" trim="do-not-trim"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)))
			r.join(cfAlice, "/join")
			bob := r.join(cfBob, "/join")
			r.srv.Run()
			Expect(bob.Recordings()).To(HaveLen(1), r.transcript)
			Expect(bob.Recordings()[0].Trim).To(Equal("do-not-trim"))
		})

		It("is do-not-record by default: no recording", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `recordingStatusCallback="/rec"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)))
			alice, bob := r.join(cfAlice, "/join"), r.join(cfBob, "/join")
			r.srv.Run()
			Expect(alice.Recordings()).To(BeEmpty())
			Expect(bob.Recordings()).To(BeEmpty())
			Expect(cfRequestsOf(r.srv, harness.KindConferenceRecordingCallback)).To(BeEmpty())
		})
	})

	Describe("coach", func() {
		It("naming a call that is not in the conference logs 13240 and ends the Dial failed", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", ""),
				"/coach": cfDial(`action="/after"`, `coach="CA0123456789abcdef0123456789abcdef"`), "/after": cfAfter},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)),
				harness.WithParty(cfCarol, scenario.AnswersAfter(time.Second)))
			r.expectCodes(13240)
			r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			carol := r.join(cfCarol, "/coach")
			r.srv.Run()
			actions := feRequests(carol, harness.KindAction)
			Expect(actions).To(HaveLen(1), r.transcript)
			Expect(cfForm(actions[0])).To(HaveKeyWithValue("DialCallStatus", "failed"))
			Expect(r.conf(cfRoom).Everyone()).To(HaveLen(2))
		})

		It("is heard by the coached participant only, and joins with Coaching=true and CallSidToCoach", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf" statusCallbackEvent="join"`)},
				harness.WithParty(cfAlice, hangsUpAt(30*time.Second)), harness.WithParty(cfBob, hangsUpAt(30*time.Second)),
				harness.WithParty(cfCarol, scenario.AnswersAfter(5*time.Second).Says("offer the discount").InConference().After(2*time.Second).
					HangsUp().InConference().After(10*time.Second)))
			agent, customer := r.join(cfAlice, "/join"), r.join(cfBob, "/join")
			r.app.set("/coach", cfDial("", `coach="`+agent.SID()+`"`))
			coach := r.join(cfCarol, "/coach")
			r.srv.Run()
			who := cfWho(agent, customer, coach)
			Expect(cfHeard(agent, who)).To(ContainElement(cfCarol+": offer the discount"), r.transcript)
			Expect(cfHeard(customer, who)).NotTo(ContainElement(ContainSubstring("offer the discount")))
			cf := r.conf(cfRoom)
			Expect(cf.Requests()).To(HaveLen(3))
			r.expectCallback(cf.Requests()[2], "POST", "/conf", cfPartParams(cf, 3, "participant-join", 5*time.Second, coach).
				with("Coaching", "true", "CallSidToCoach", agent.SID()))
			Expect(cf.Everyone()[2].CallSIDToCoach).To(Equal(agent.SID()))
		})
	})

	Describe("participantLabel", func() {
		It("labels the participant in its callbacks and in the record", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `participantLabel="agent-7" statusCallback="/conf" statusCallbackEvent="join"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			r.expectCallback(cf.Requests()[0], "POST", "/conf", cfPartParams(cf, 1, "participant-join", 0, alice).with("ParticipantLabel", "agent-7"))
			Expect(cf.Everyone()[0].Label).To(Equal("agent-7"))
			Expect(cf.Events()[0].Label).To(Equal("agent-7"))
		})

		DescribeTable("that is invalid logs 16023; the call does not join and the next verb runs",
			func(label string) {
				r := newConfRig(map[string]string{"/join": cfDial(`action="/after"`, `participantLabel="`+label+`"`), "/after": cfAfter},
					harness.WithParty(cfAlice, scenario.Person()))
				r.expectCodes(16023)
				alice := r.join(cfAlice, "/join")
				r.srv.Run()
				Expect(feSaid(alice)).To(HaveExactElements("next verb"), r.transcript)
				Expect(feRequests(alice, harness.KindAction)).To(BeEmpty())
				Expect(r.srv.Conferences()).To(BeEmpty())
			},
			Entry("with a /", "team/lead"),
			Entry("like a Call SID", "CA0123456789abcdef0123456789abcdef"),
			Entry("longer than 128 characters", strings.Repeat("x", 129)),
		)

		It("already in use logs 16025; the call does not join and the next verb runs", func() {
			r := newConfRig(map[string]string{"/join": cfDial(`action="/after"`, `participantLabel="agent"`), "/after": cfAfter},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, scenario.AnswersAfter(time.Second)))
			r.expectCodes(16025)
			r.join(cfAlice, "/join")
			bob := r.join(cfBob, "/join")
			r.srv.Run()
			Expect(feSaid(bob)).To(HaveExactElements("next verb"), r.transcript)
			Expect(feRequests(bob, harness.KindAction)).To(BeEmpty())
			Expect(r.conf(cfRoom).Everyone()).To(HaveLen(1))
		})
	})

	Describe("other attributes", func() {
		It("accepts jitterBufferSize, which changes nothing a test sees", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `jitterBufferSize="small"`), "/off": cfDial("", `jitterBufferSize="off"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)))
			r.join(cfAlice, "/join")
			r.join(cfBob, "/off")
			r.srv.Run()
			Expect(r.conf(cfRoom).Info().Started).To(Equal(harness.DefaultStartTime()), r.transcript)
		})

		It("takes region from the first participant", func() {
			r := newConfRig(map[string]string{"/first": cfDial("", `region="ie1"`), "/second": cfDial("", `region="au1"`)},
				harness.WithParty(cfAlice, hangsUpAt(10*time.Second)), harness.WithParty(cfBob, hangsUpAt(10*time.Second)))
			r.join(cfAlice, "/first")
			r.join(cfBob, "/second")
			r.srv.Run()
			Expect(r.conf(cfRoom).Info().Region).To(Equal("ie1"))
		})

		It("is us1 without a region", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", "")}, harness.WithParty(cfAlice, hangsUpAt(10*time.Second)))
			r.join(cfAlice, "/join")
			r.srv.Run()
			Expect(r.conf(cfRoom).Info().Region).To(Equal("us1"))
		})
	})

	Describe("leaving", func() {
		It("requests the Dial's action with DialCallStatus=answered and no DialCallSid nor DialCallDuration; its TwiML goes on", func() {
			r := newConfRig(map[string]string{"/join": cfDial(`action="/after" hangupOnStar="true"`, ""), "/after": cfAfter},
				harness.WithParty(cfAlice, scenario.Person().Presses("*").InConference().After(12*time.Second)),
				harness.WithParty(cfBob, hangsUpAt(20*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			actions := feRequests(alice, harness.KindAction)
			Expect(actions).To(HaveLen(1), r.transcript)
			form := cfForm(actions[0])
			Expect(form).To(And(HaveKeyWithValue("DialCallStatus", "answered"), HaveKeyWithValue("CallStatus", "in-progress"),
				HaveKeyWithValue("CallSid", alice.SID())))
			Expect(form).NotTo(Or(HaveKey("DialCallSid"), HaveKey("DialCallDuration"), HaveKey("DialBridged")))
			Expect(cfAt(actions[0])).To(Equal(12 * time.Second))
			Expect(feSaid(alice)).To(HaveExactElements("after the conference"))
			Expect(cfDialEnded(alice)).To(HaveExactElements(harness.Status("answered")))
		})

		It("without an action runs the next verb", func() {
			r := newConfRig(map[string]string{"/join": cfDial(`hangupOnStar="true"`, "")},
				harness.WithParty(cfAlice, scenario.Person().Presses("*").InConference().After(12*time.Second)),
				harness.WithParty(cfBob, hangsUpAt(20*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			Expect(feSaid(alice)).To(HaveExactElements("next verb"), r.transcript)
			Expect(feRequests(alice, harness.KindAction)).To(BeEmpty())
			Expect(alice.Info().Duration).To(Equal(13*time.Second), "12 s in the room, then a one-second Say")
		})

		It("with hangupOnStar, * leaves the room: participant-leave with ParticipantCallStatus=in-progress and participant_hung_up", func() {
			r := newConfRig(map[string]string{"/join": cfDial(`hangupOnStar="true"`, `statusCallback="/conf" statusCallbackEvent="leave"`)},
				harness.WithParty(cfAlice, scenario.Person().Presses("*").InConference().After(12*time.Second)),
				harness.WithParty(cfBob, hangsUpAt(20*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			cf := r.conf(cfRoom)
			r.expectCallback(cf.Requests()[0], "POST", "/conf", cfPartParams(cf, 1, "participant-leave", 12*time.Second, alice).
				with("ParticipantCallStatus", "in-progress", "ReasonParticipantLeft", "participant_hung_up"))
		})

		It("without hangupOnStar, * does nothing: the participant stays", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", "")},
				harness.WithParty(cfAlice, scenario.Person().Presses("*").InConference().After(5*time.Second).HangsUp().InConference().After(20*time.Second)),
				harness.WithParty(cfBob, hangsUpAt(30*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			Expect(alice.Info().Duration).To(Equal(20*time.Second), r.transcript)
			Expect(feSaid(alice)).To(BeEmpty())
			Expect(alice.Transcript()).To(ContainSubstring(`* does nothing here`))
		})

		It("at the Dial's timeLimit, leaves the room and requests the action", func() {
			r := newConfRig(map[string]string{"/join": cfDial(`action="/after" timeLimit="30"`, `statusCallback="/conf" statusCallbackEvent="leave"`), "/after": cfAfter},
				harness.WithParty(cfAlice, scenario.Person()), harness.WithParty(cfBob, hangsUpAt(60*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			actions := feRequests(alice, harness.KindAction)
			Expect(actions).To(HaveLen(1), r.transcript)
			Expect(cfAt(actions[0])).To(Equal(30 * time.Second))
			Expect(cfForm(actions[0])).To(HaveKeyWithValue("DialCallStatus", "answered"))
			cf := r.conf(cfRoom)
			r.expectCallback(cf.Requests()[0], "POST", "/conf", cfPartParams(cf, 1, "participant-leave", 30*time.Second, alice).
				with("ParticipantCallStatus", "in-progress", "ReasonParticipantLeft", "participant_hung_up"))
		})

		It("by hanging up still requests the Dial's action, with CallStatus=completed; its reply is not run", func() {
			r := newConfRig(map[string]string{"/join": cfDial(`action="/after"`, ""), "/after": cfAfter},
				harness.WithParty(cfAlice, hangsUpAt(8*time.Second)), harness.WithParty(cfBob, hangsUpAt(20*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Run()
			actions := feRequests(alice, harness.KindAction)
			Expect(actions).To(HaveLen(1), r.transcript)
			Expect(cfForm(actions[0])).To(And(HaveKeyWithValue("DialCallStatus", "answered"), HaveKeyWithValue("CallStatus", "completed")))
			Expect(feSaid(alice)).To(BeEmpty())
			Expect(alice.Status()).To(Equal(harness.StatusCompleted))
			Expect(alice.Info().Duration).To(Equal(8 * time.Second))
		})

		It("when the far end of another participant has left (AfterLeaves)", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `participantLabel="`+"x"+`"`), "/bob": cfDial("", "")},
				harness.WithParty(cfAlice, hangsUpAt(8*time.Second)),
				harness.WithParty(cfBob, scenario.Person().HangsUp().AfterLeaves("x").After(2*time.Second)))
			r.join(cfAlice, "/join")
			bob := r.join(cfBob, "/bob")
			r.srv.Run()
			Expect(bob.Info().Duration).To(Equal(10*time.Second), r.transcript)
			Expect(r.conf(cfRoom).Info().CallSIDEndingConference).To(Equal(bob.SID()))
		})

		It("when the Calls API redirects the call: participant_updated_via_api, no Dial action, the new TwiML runs", func() {
			r := newConfRig(map[string]string{"/join": cfDial(`action="/after"`, `statusCallback="/conf" statusCallbackEvent="leave"`),
				"/after": cfAfter, "/elsewhere": `<Response><Say>moved</Say></Response>`},
				harness.WithParty(cfAlice, scenario.Person()), harness.WithParty(cfBob, hangsUpAt(30*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Advance(5 * time.Second)
			_, err := r.tw.UpdateCall(alice.SID(), (&api.UpdateCallParams{}).SetUrl(cfOrigin+"/elsewhere"))
			Expect(err).NotTo(HaveOccurred())
			r.srv.Run()
			cf := r.conf(cfRoom)
			r.expectCallback(cf.Requests()[0], "POST", "/conf", cfPartParams(cf, 1, "participant-leave", 5*time.Second, alice).
				with("ParticipantCallStatus", "in-progress", "ReasonParticipantLeft", "participant_updated_via_api"))
			Expect(feRequests(alice, harness.KindAction)).To(BeEmpty())
			Expect(feSaid(alice)).To(HaveExactElements("moved"), r.transcript)
		})

		It("when the Calls API hangs the call up: participant_hung_up, ParticipantCallStatus=completed", func() {
			r := newConfRig(map[string]string{"/join": cfDial("", `statusCallback="/conf" statusCallbackEvent="leave"`)},
				harness.WithParty(cfAlice, scenario.Person()), harness.WithParty(cfBob, hangsUpAt(30*time.Second)))
			alice := r.join(cfAlice, "/join")
			r.join(cfBob, "/join")
			r.srv.Advance(5 * time.Second)
			_, err := r.tw.UpdateCall(alice.SID(), (&api.UpdateCallParams{}).SetStatus("completed"))
			Expect(err).NotTo(HaveOccurred())
			r.srv.Run()
			cf := r.conf(cfRoom)
			r.expectCallback(cf.Requests()[0], "POST", "/conf", cfPartParams(cf, 1, "participant-leave", 5*time.Second, alice).
				with("ParticipantCallStatus", "completed", "ReasonParticipantLeft", "participant_hung_up"))
			Expect(alice.Status()).To(Equal(harness.StatusCompleted))
		})
	})

	Describe("changed over the REST API", func() {
		// restRoom starts a conference of Alice, Bob and Carol (who hang up
		// at 60 s) subscribed to every event, with the Dial's action
		// /after, and runs it for 5 s.
		restRoom := func(extra map[string]string, opts ...harness.Option) (*confRig, *harness.Conference, []*harness.Call) {
			docs := map[string]string{"/join": cfDial(`action="/after"`, `statusCallback="/conf" statusCallbackEvent="`+cfAllEvents+`"`), "/after": cfAfter}
			maps.Copy(docs, extra)
			opts = append([]harness.Option{harness.WithParty(cfAlice, hangsUpAt(60*time.Second)),
				harness.WithParty(cfBob, hangsUpAt(60*time.Second)), harness.WithParty(cfCarol, hangsUpAt(60*time.Second))}, opts...)
			r := newConfRig(docs, opts...)
			calls := []*harness.Call{r.join(cfAlice, "/join"), r.join(cfBob, "/join"), r.join(cfCarol, "/join")}
			r.srv.Advance(5 * time.Second)
			return r, r.conf(cfRoom), calls
		}
		// after returns the callbacks of cf from the nth on.
		after := func(cf *harness.Conference, n int) []harness.Request { return cf.Requests()[n:] }

		It("Hold=true with HoldUrl: participant-hold, the HoldUrl requested with GET and heard by that participant alone; Hold=false: participant-unhold", func() {
			r, cf, calls := restRoom(map[string]string{"/hold": `<Response><Say>you are on hold</Say></Response>`})
			alice, bob := calls[0], calls[1]
			sent := len(cf.Requests())
			_, err := r.tw.UpdateParticipant(cf.SID(), alice.SID(), (&api.UpdateParticipantParams{}).SetHold(true).SetHoldUrl(cfOrigin+"/hold"))
			Expect(err).NotTo(HaveOccurred())
			r.srv.Advance(5 * time.Second)
			_, err = r.tw.UpdateParticipant(cf.SID(), alice.SID(), (&api.UpdateParticipantParams{}).SetHold(false))
			Expect(err).NotTo(HaveOccurred())
			r.srv.Run()
			reqs := after(cf, sent)
			r.expectCallback(reqs[0], "POST", "/conf", cfPartParams(cf, sent+1, "participant-hold", 5*time.Second, alice).with("Hold", "true"))
			r.expectCallback(reqs[1], "POST", "/conf", cfPartParams(cf, sent+2, "participant-unhold", 10*time.Second, alice))
			holds := cfRequestsOf(r.srv, harness.KindConferenceHold)
			Expect(holds).To(HaveLen(1), r.transcript)
			Expect(holds[0].Method).To(Equal("GET"), "HoldMethod is GET by default")
			Expect(holds[0].Form.Get("CallSid")).To(Equal(alice.SID()))
			who := cfWho(calls...)
			Expect(cfHeard(alice, who)).To(ContainElement("hold-music: you are on hold"))
			Expect(cfHeard(bob, who)).NotTo(ContainElement(ContainSubstring("on hold")))
		})

		It("a participant that hangs up while on hold leaves with Hold=true, ParticipantCallStatus=completed and participant_hung_up", func() {
			r, cf, calls := restRoom(map[string]string{"/hold": `<Response><Play>https://cdn.example.com/hold.mp3</Play><Redirect/></Response>`},
				harness.WithParty(cfAlice, hangsUpAt(20*time.Second)))
			alice := calls[0]
			_, err := r.tw.UpdateParticipant(cf.SID(), alice.SID(), (&api.UpdateParticipantParams{}).SetHold(true).SetHoldUrl(cfOrigin+"/hold"))
			Expect(err).NotTo(HaveOccurred())
			r.srv.Run()
			var leave harness.Request
			for _, req := range cf.Requests() {
				if req.Form.Get("StatusCallbackEvent") == "participant-leave" && req.Form.Get("CallSid") == alice.SID() {
					leave = req
				}
			}
			Expect(cfForm(leave)).To(And(HaveKeyWithValue("Hold", "true"), HaveKeyWithValue("ParticipantCallStatus", "completed"),
				HaveKeyWithValue("ReasonParticipantLeft", "participant_hung_up")), r.transcript)
			Expect(cfAt(leave)).To(Equal(20 * time.Second))
			// The 10 s tune loops from 5 s: fetched at 5 and 15 s, not after the hang-up.
			Expect(cfAts(cfRequestsOf(r.srv, harness.KindConferenceHold))).To(HaveExactElements(5*time.Second, 15*time.Second))
		})

		It("Muted=true and false: participant-mute and participant-unmute", func() {
			r, cf, calls := restRoom(nil)
			alice := calls[0]
			sent := len(cf.Requests())
			_, err := r.tw.UpdateParticipant(cf.SID(), alice.SID(), (&api.UpdateParticipantParams{}).SetMuted(true))
			Expect(err).NotTo(HaveOccurred())
			r.srv.Advance(time.Second)
			_, err = r.tw.UpdateParticipant(cf.SID(), alice.SID(), (&api.UpdateParticipantParams{}).SetMuted(false))
			Expect(err).NotTo(HaveOccurred())
			r.srv.Run()
			reqs := after(cf, sent)
			r.expectCallback(reqs[0], "POST", "/conf", cfPartParams(cf, sent+1, "participant-mute", 5*time.Second, alice).with("Muted", "true"))
			r.expectCallback(reqs[1], "POST", "/conf", cfPartParams(cf, sent+2, "participant-unmute", 6*time.Second, alice))
		})

		It("an AnnounceUrl to the conference is heard by everyone, then announcement-end", func() {
			r, cf, calls := restRoom(map[string]string{"/announce": `<Response><Say>this call is recorded</Say></Response>`})
			sent := len(cf.Requests())
			_, err := r.tw.UpdateConference(cf.SID(), (&api.UpdateConferenceParams{}).SetAnnounceUrl(cfOrigin+"/announce"))
			Expect(err).NotTo(HaveOccurred())
			r.srv.Run()
			ann := cfRequestsOf(r.srv, harness.KindConferenceAnnounce)
			Expect(ann).To(HaveLen(1), r.transcript)
			Expect(ann[0].Method).To(Equal("POST"), "AnnounceMethod is POST by default")
			Expect(cfForm(ann[0])).To(And(HaveKeyWithValue("ConferenceSid", cf.SID()), HaveKeyWithValue("FriendlyName", cfRoom)))
			for _, c := range calls {
				Expect(cfHeard(c, nil)).To(ContainElement("announcement: this call is recorded"), c.To())
			}
			end := after(cf, sent)[0]
			// "this call is recorded": four words, 1.6 s.
			r.expectCallback(end, "POST", "/conf", cfConfParams(cf, sent+1, "announcement-end", 6600*time.Millisecond).
				with("AnnounceUrl", cfOrigin+"/announce"))
		})

		It("deleting a participant (kick) leaves with participant_updated_via_api, and its Dial ends answered", func() {
			r, cf, calls := restRoom(nil)
			alice := calls[0]
			sent := len(cf.Requests())
			Expect(r.tw.DeleteParticipant(cf.SID(), alice.SID(), nil)).To(Succeed())
			r.srv.Run()
			r.expectCallback(after(cf, sent)[0], "POST", "/conf", cfPartParams(cf, sent+1, "participant-leave", 5*time.Second, alice).
				with("ParticipantCallStatus", "in-progress", "ReasonParticipantLeft", "participant_updated_via_api"))
			actions := feRequests(alice, harness.KindAction)
			Expect(actions).To(HaveLen(1), r.transcript)
			Expect(cfForm(actions[0])).To(HaveKeyWithValue("DialCallStatus", "answered"))
			Expect(feSaid(alice)).To(HaveExactElements("after the conference"))
		})

		It("kicking the last participant ends the conference last-participant-kicked", func() {
			r, cf, calls := restRoom(nil)
			for _, c := range calls {
				Expect(r.tw.DeleteParticipant(cf.SID(), c.SID(), nil)).To(Succeed())
			}
			r.srv.Run()
			reqs := cf.Requests()
			last := reqs[len(reqs)-1]
			Expect(cfForm(last)).To(And(HaveKeyWithValue("StatusCallbackEvent", "conference-end"),
				HaveKeyWithValue("ReasonConferenceEnded", "last-participant-kicked"), HaveKeyWithValue("CallSidEndingConference", calls[2].SID())), r.transcript)
		})

		It("kicking an endConferenceOnExit participant ends the conference participant-with-end-conference-on-exit-kicked", func() {
			r := newConfRig(map[string]string{"/host": cfDial("", `endConferenceOnExit="true" statusCallback="/conf" statusCallbackEvent="end leave"`), "/join": cfDial("", "")},
				harness.WithParty(cfAlice, scenario.Person()), harness.WithParty(cfBob, scenario.Person()))
			alice, bob := r.join(cfAlice, "/host"), r.join(cfBob, "/join")
			r.srv.Advance(5 * time.Second)
			cf := r.conf(cfRoom)
			Expect(r.tw.DeleteParticipant(cf.SID(), alice.SID(), nil)).To(Succeed())
			r.srv.Run()
			reqs := cf.Requests()
			Expect(cfEvents(cf)).To(HaveExactElements("participant-leave", "participant-leave", "conference-end"), r.transcript)
			Expect(cfForm(reqs[1])).To(And(HaveKeyWithValue("CallSid", bob.SID()), HaveKeyWithValue("ReasonParticipantLeft", "moderator_ended_conference")))
			r.expectCallback(reqs[2], "POST", "/conf", cfConfParams(cf, 3, "conference-end", 5*time.Second).
				with("ReasonConferenceEnded", "participant-with-end-conference-on-exit-kicked",
					"Reason", "Participant with endConferenceOnExit was kicked from the conference", "CallSidEndingConference", alice.SID()))
		})

		It("Status=completed ends it for everyone: conference_ended_via_api, then conference-end with no CallSidEndingConference", func() {
			r, cf, calls := restRoom(nil)
			sent := len(cf.Requests())
			_, err := r.tw.UpdateConference(cf.SID(), (&api.UpdateConferenceParams{}).SetStatus("completed"))
			Expect(err).NotTo(HaveOccurred())
			r.srv.Run()
			reqs := after(cf, sent)
			Expect(cfEvents(cf)[sent:]).To(HaveExactElements("participant-leave", "participant-leave", "participant-leave", "conference-end"), r.transcript)
			for i, c := range calls {
				r.expectCallback(reqs[i], "POST", "/conf", cfPartParams(cf, sent+1+i, "participant-leave", 5*time.Second, c).
					with("ParticipantCallStatus", "in-progress", "ReasonParticipantLeft", "conference_ended_via_api"))
				Expect(cfForm(feRequests(c, harness.KindAction)[0])).To(HaveKeyWithValue("DialCallStatus", "answered"))
			}
			r.expectCallback(reqs[3], "POST", "/conf", cfConfParams(cf, sent+4, "conference-end", 5*time.Second).
				with("ReasonConferenceEnded", "conference-ended-via-api", "Reason", "Conference ended via API"))
			Expect(cf.Info().ReasonEnded).To(Equal(harness.EndedViaAPI))
			Expect(cf.Info().CallSIDEndingConference).To(BeEmpty())
		})

		It("Coaching=true with CallSidToCoach: participant-modify with Coaching=true, and the coach heard by the coached alone", func() {
			r, cf, calls := restRoom(nil, harness.WithParty(cfCarol, scenario.Person().Says("ask about renewal").InConference().After(8*time.Second).
				HangsUp().InConference().After(60*time.Second)))
			alice, bob, carol := calls[0], calls[1], calls[2]
			sent := len(cf.Requests())
			_, err := r.tw.UpdateParticipant(cf.SID(), carol.SID(), (&api.UpdateParticipantParams{}).SetCoaching(true).SetCallSidToCoach(alice.SID()))
			Expect(err).NotTo(HaveOccurred())
			r.srv.Run()
			r.expectCallback(after(cf, sent)[0], "POST", "/conf", cfPartParams(cf, sent+1, "participant-modify", 5*time.Second, carol).
				with("Coaching", "true", "CallSidToCoach", alice.SID()))
			who := cfWho(calls...)
			Expect(cfHeard(alice, who)).To(ContainElement(cfCarol+": ask about renewal"), r.transcript)
			Expect(cfHeard(bob, who)).NotTo(ContainElement(ContainSubstring("renewal")))
		})
	})

	Describe("who hears whom", func() {
		It("every participant of a started conference hears every other, not itself, with the speaker's label", func() {
			r := newConfRig(map[string]string{"/a": cfDial("", `participantLabel="alice"`), "/join": cfDial("", "")},
				harness.WithParty(cfAlice, scenario.Person().Says("one").InConference().After(time.Second).HangsUp().InConference().After(9*time.Second)),
				harness.WithParty(cfBob, scenario.Person().Says("two").InConference().After(2*time.Second).HangsUp().InConference().After(9*time.Second)),
				harness.WithParty(cfCarol, scenario.Person().Says("three").InConference().After(3*time.Second).HangsUp().InConference().After(9*time.Second)))
			alice, bob, carol := r.join(cfAlice, "/a"), r.join(cfBob, "/join"), r.join(cfCarol, "/join")
			r.srv.Run()
			who := cfWho(alice, bob, carol)
			speech := func(c *harness.Call) []string {
				return slices.DeleteFunc(cfHeard(c, who), func(s string) bool { return !strings.HasPrefix(s, "+") })
			}
			Expect(speech(alice)).To(HaveExactElements(cfBob+": two", cfCarol+": three"), r.transcript)
			Expect(speech(bob)).To(HaveExactElements(cfAlice+": one", cfCarol+": three"))
			Expect(speech(carol)).To(HaveExactElements(cfAlice+": one", cfBob+": two"))
			for _, e := range bob.Events() {
				if e.Source == alice.SID() {
					Expect(e.Label).To(Equal("alice"))
				}
			}
		})
	})
})

// cf0 returns the first conference of the rig's server.
func cf0(r *confRig) *harness.Conference {
	GinkgoHelper()
	confs := r.srv.Conferences()
	Expect(confs).NotTo(BeEmpty())
	return confs[0]
}
