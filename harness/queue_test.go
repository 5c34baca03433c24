package harness_test

import (
	"net/http"
	"net/url"
	"regexp"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// These specs pin down the queues of conference-queue.md §5–§7 (<Enqueue>,
// its waitUrl loop, <Leave>, <Dial><Queue>), one per documented behaviour
// or per choice marked [M] there: the exact requests the fake makes to the
// application for callers and agents, and what each call does next. They
// run in the package's one Ginkgo suite (TestFarEnd, farend_suite_test.go).

// The addresses of the queue specs. Callers and agents are called by the
// application (REST calls from qFrom) and run the document at a path.
const (
	qOrigin  = "https://queue.example.com"
	qFrom    = "+15005550006"
	qCaller1 = "+14155550401"
	qCaller2 = "+14155550402"
	qCaller3 = "+14155550403"
	qAgent1  = "+14155550501"
	qAgent2  = "+14155550502"
	qAgent3  = "+14155550503"
)

// qWaitParams are the parameters of a waitUrl request that a spec compares.
var qWaitParams = []string{"QueuePosition", "QueueSid", "QueueTime", "AvgQueueTime", "CurrentQueueSize", "MaxQueueSize", "CallSid", "CallStatus"}

// qActionParams are the parameters of an <Enqueue> action that a spec
// compares.
var qActionParams = []string{"QueueResult", "QueueSid", "QueueTime", "CallStatus"}

// qDialParams are the parameters of an agent's <Dial> action that a spec
// compares.
var qDialParams = []string{"DialCallStatus", "QueueSid", "DialCallSid", "DequeuedCallSid", "DequeuedCallQueueTime",
	"DequeueResult", "DequeuedCallDuration", "DialCallDuration", "CallStatus"}

// qSIDPattern is a queue's SID.
var qSIDPattern = regexp.MustCompile(`^QU[0-9a-f]{32}$`)

// queueRig is one fake Twilio for one queue spec, whose application serves
// the spec's documents by path.
type queueRig struct {
	srv *harness.Server
	tw  *api.ApiService
	// notes are the codes of the notifications the spec expects, in order;
	// none unless it says so.
	notes []int
}

// newQueueRig starts a server owned by the running spec. When the spec
// ends the server must have logged exactly the notifications it expects,
// and every REST response it gave is checked against Twilio's OpenAPI.
func newQueueRig(paths map[string]string, opts ...harness.Option) *queueRig {
	GinkgoHelper()
	r := &queueRig{}
	opts = append([]harness.Option{harness.WithApp(qOrigin, &docs{paths: paths})}, opts...)
	r.srv = harness.NewServer(GinkgoT(), opts...)
	DeferCleanup(func() {
		r.srv.Run()
		Expect(codesOfAll(r.srv.Notifications())).To(Equal(r.notes), r.srv.Transcript)
		spec, err := loadedContract()
		Expect(err).NotTo(HaveOccurred())
		if spec != nil {
			Expect(contractProblems(spec, r.srv.APIRequests())).To(BeEmpty())
		}
	})
	r.tw = restClient(r.srv)
	return r
}

// codesOfAll returns the codes of notifications, in order.
func codesOfAll(ns []harness.Notification) []int {
	var out []int
	for _, n := range ns {
		out = append(out, n.Code)
	}
	return out
}

// expect says which notifications the spec expects, by code.
func (r *queueRig) expect(codes ...int) { r.notes = codes }

// call places a call from qFrom to number, whose far end is party and
// whose Url is path, with the official client, and returns it without
// running it.
func (r *queueRig) call(number, path string, party scenario.Party) *harness.Call {
	GinkgoHelper()
	return r.callWith(r.tw, number, path, party)
}

// callWith places the call with the client tw (of any account).
func (r *queueRig) callWith(tw *api.ApiService, number, path string, party scenario.Party) *harness.Call {
	GinkgoHelper()
	r.srv.SetParty(number, party)
	p := &api.CreateCallParams{}
	p.SetTo(number).SetFrom(qFrom).SetUrl(qOrigin + path)
	created, err := tw.CreateCall(p)
	Expect(err).NotTo(HaveOccurred())
	c := r.srv.Call(*created.Sid)
	Expect(c).NotTo(BeNil())
	return c
}

// at is the virtual instant d after the server's start.
func (r *queueRig) at(d time.Duration) time.Time { return harness.DefaultStartTime().Add(d) }

// until advances the virtual clock to d after the server's start.
func (r *queueRig) until(d time.Duration) {
	GinkgoHelper()
	now := r.srv.Now().Sub(harness.DefaultStartTime())
	Expect(now).To(BeNumerically("<=", d), "the spec's clock went past %v", d)
	r.srv.Advance(d - now)
}

// queueSID returns the SID of the first account's queue named name.
func (r *queueRig) queueSID(name string) string {
	GinkgoHelper()
	q := r.srv.Queue(name)
	Expect(q).NotTo(BeNil(), "no queue %q", name)
	Expect(q.SID()).To(MatchRegexp(qSIDPattern.String()))
	return q.SID()
}

// wait runs the calls to their end, and everything else.
func (r *queueRig) wait(calls ...*harness.Call) {
	for _, c := range calls {
		c.Wait()
	}
	r.srv.Run()
}

// reqsOf returns the requests of kind made for c, in order.
func reqsOf(c *harness.Call, kind harness.RequestKind) []harness.Request {
	return feRequests(c, kind)
}

// times returns when each request was made, from the server's start.
func times(reqs []harness.Request) []time.Duration {
	out := []time.Duration{}
	for _, r := range reqs {
		out = append(out, r.Time.Sub(harness.DefaultStartTime()))
	}
	return out
}

// param returns the value of name in each request.
func param(reqs []harness.Request, name string) []string {
	out := []string{}
	for _, r := range reqs {
		out = append(out, r.Form.Get(name))
	}
	return out
}

// queueEvents returns the actions of the call's queue events, with the
// result of ActionLeft.
func queueEvents(c *harness.Call) []string {
	out := []string{}
	for _, e := range c.Events() {
		if e.Kind != harness.EventQueue {
			continue
		}
		s := string(e.Action)
		if e.Action == harness.ActionLeft {
			s += " " + string(e.Status)
		}
		out = append(out, s)
	}
	return out
}

// The documents most specs share.
const (
	qEnqueue     = `<Response><Enqueue action="/after" waitUrl="/wait">support</Enqueue><Say>Not reached</Say></Response>`
	qWait        = `<Response><Say>Please hold</Say><Pause length="10"/></Response>` // 11 s a loop
	qAfter       = `<Response><Say>Thanks for waiting</Say></Response>`
	qAgent       = `<Response><Dial action="/dialed"><Queue>support</Queue></Dial></Response>`
	qDialed      = `<Response><Say>Next caller</Say></Response>`
	qSilentQueue = `<Response><Enqueue action="/after" waitUrl="">support</Enqueue></Response>`
)

// qDocs returns the shared documents with more added.
func qDocs(more ...string) map[string]string {
	m := map[string]string{"/enqueue": qEnqueue, "/wait": qWait, "/after": qAfter, "/agent": qAgent, "/dialed": qDialed, "/silent": qSilentQueue}
	for i := 0; i+1 < len(more); i += 2 {
		m[more[i]] = more[i+1]
	}
	return m
}

var _ = Describe("Queues", func() {
	Describe("<Enqueue> and its waitUrl", func() {
		It("requests the waitUrl on enqueue with QueuePosition=1, QueueSid, QueueTime=0, AvgQueueTime=0, CurrentQueueSize=1, MaxQueueSize=1000", func() {
			rig := newQueueRig(qDocs())
			c := rig.call(qCaller1, "/enqueue", scenario.Person().HangsUp().InQueue().After(5*time.Second))
			rig.wait(c)
			qs := rig.queueSID("support")
			Expect(requests(c, qWaitParams...)).To(Equal([]req{
				{harness.KindVoice, "POST", "/enqueue", values("CallSid", c.SID(), "CallStatus", "in-progress")},
				{harness.KindEnqueueWait, "POST", "/wait", values("QueuePosition", "1", "QueueSid", qs, "QueueTime", "0",
					"AvgQueueTime", "0", "CurrentQueueSize", "1", "MaxQueueSize", "1000", "CallSid", c.SID(), "CallStatus", "in-progress")},
				{harness.KindAction, "POST", "/after", values("QueueSid", qs, "QueueTime", "5", "CallSid", c.SID(), "CallStatus", "completed")},
			}), rig.srv.Transcript)
			Expect(queueEvents(c)).To(Equal([]string{"enqueued", "left hangup"}))
		})

		It("requests the waitUrl again each time its document runs out, QueueTime and AvgQueueTime growing", func() {
			rig := newQueueRig(qDocs())
			c := rig.call(qCaller1, "/enqueue", scenario.Person().HangsUp().InQueue().After(30*time.Second))
			rig.wait(c)
			waits := reqsOf(c, harness.KindEnqueueWait)
			Expect(times(waits)).To(Equal([]time.Duration{0, 11 * time.Second, 22 * time.Second}), rig.srv.Transcript)
			Expect(param(waits, "QueueTime")).To(Equal([]string{"0", "11", "22"}))
			Expect(param(waits, "AvgQueueTime")).To(Equal([]string{"0", "11", "22"}))
			Expect(param(waits, "QueuePosition")).To(Equal([]string{"1", "1", "1"}))
			Expect(feSaid(c)).To(Equal([]string{"Please hold", "Please hold", "Please hold"}))
		})

		It("gives each caller its position and the queue's size, and averages QueueTime over the callers waiting", func() {
			rig := newQueueRig(qDocs())
			c1 := rig.call(qCaller1, "/enqueue", scenario.Person().HangsUp().InQueue().After(20*time.Second))
			rig.until(4 * time.Second)
			c2 := rig.call(qCaller2, "/enqueue", scenario.Person().HangsUp().InQueue().After(30*time.Second))
			rig.wait(c1, c2)
			qs := rig.queueSID("support")
			w1, w2 := reqsOf(c1, harness.KindEnqueueWait), reqsOf(c2, harness.KindEnqueueWait)
			Expect(times(w2)).To(Equal([]time.Duration{4 * time.Second, 15 * time.Second, 26 * time.Second}), rig.srv.Transcript)
			Expect(param(w2, "QueueSid")).To(Equal([]string{qs, qs, qs}))
			// At 4 s the first caller has waited 4 s, the second 0 s.
			Expect(param(w2, "QueuePosition")).To(Equal([]string{"2", "2", "1"}))
			Expect(param(w2, "CurrentQueueSize")).To(Equal([]string{"2", "2", "1"}))
			Expect(param(w2, "QueueTime")).To(Equal([]string{"0", "11", "22"}))
			Expect(param(w2, "AvgQueueTime")).To(Equal([]string{"2", "13", "22"}), "(4+0)/2, (15+11)/2, then the second caller alone")
			// The first caller's second request at 11 s: both wait (11 s and 7 s).
			Expect(times(w1)).To(Equal([]time.Duration{0, 11 * time.Second}))
			Expect(param(w1, "CurrentQueueSize")).To(Equal([]string{"1", "2"}))
			Expect(param(w1, "AvgQueueTime")).To(Equal([]string{"0", "9"}))
		})

		It("moves the callers behind up when the front caller leaves", func() {
			rig := newQueueRig(qDocs())
			c1 := rig.call(qCaller1, "/enqueue", scenario.Person().HangsUp().InQueue().After(5*time.Second))
			c2 := rig.call(qCaller2, "/enqueue", scenario.Person().HangsUp().InQueue().After(15*time.Second))
			rig.wait(c1, c2)
			w2 := reqsOf(c2, harness.KindEnqueueWait)
			Expect(times(w2)).To(Equal([]time.Duration{0, 11 * time.Second}), rig.srv.Transcript)
			Expect(param(w2, "QueuePosition")).To(Equal([]string{"2", "1"}))
			Expect(param(w2, "CurrentQueueSize")).To(Equal([]string{"2", "1"}))
			Expect(rig.srv.Queue("support").Info().CurrentSize).To(Equal(0))
		})

		It("follows a <Redirect> chain of the wait document, then requests the waitUrl again", func() {
			rig := newQueueRig(qDocs(
				"/wait", `<Response><Say>Please hold</Say><Redirect>/wait-2</Redirect></Response>`,
				"/wait-2", `<Response><Redirect method="GET">/wait-3</Redirect></Response>`,
				"/wait-3", `<Response><Pause length="5"/></Response>`))
			c := rig.call(qCaller1, "/enqueue", scenario.Person().HangsUp().InQueue().After(6500*time.Millisecond))
			rig.wait(c)
			Expect(requests(c, "QueuePosition")).To(Equal([]req{
				{harness.KindVoice, "POST", "/enqueue", values()},
				{harness.KindEnqueueWait, "POST", "/wait", values("QueuePosition", "1")},
				{harness.KindRedirect, "POST", "/wait-2", values()},
				{harness.KindRedirect, "GET", "/wait-3", values()},
				{harness.KindEnqueueWait, "POST", "/wait", values("QueuePosition", "1")},
				{harness.KindAction, "POST", "/after", values()},
			}), rig.srv.Transcript)
			Expect(times(reqsOf(c, harness.KindEnqueueWait))).To(Equal([]time.Duration{0, 6 * time.Second}))
		})

		It("plays Twilio's hold music without requesting it when there is no waitUrl", func() {
			rig := newQueueRig(qDocs("/enqueue", `<Response><Enqueue action="/after">support</Enqueue></Response>`))
			c := rig.call(qCaller1, "/enqueue", scenario.Person().HangsUp().InQueue().After(20*time.Second))
			rig.wait(c)
			Expect(requests(c, "QueueResult")).To(Equal([]req{
				{harness.KindVoice, "POST", "/enqueue", values()},
				{harness.KindAction, "POST", "/after", values("QueueResult", "hangup")},
			}), rig.srv.Transcript)
			Expect(rig.srv.Requests()).NotTo(ContainElement(HaveField("URL", ContainSubstring("twimlets.com"))))
			Expect(c.Events()).To(ContainElement(And(HaveField("Kind", harness.EventQueue), HaveField("Action", harness.ActionHeard),
				HaveField("Source", harness.SourceWaitMusic), HaveField("URL", ContainSubstring("holdmusic")))))
		})

		It("waits in silence with waitUrl=\"\", requesting nothing", func() {
			rig := newQueueRig(qDocs())
			c := rig.call(qCaller1, "/silent", scenario.Person().HangsUp().InQueue().After(20*time.Second))
			rig.wait(c)
			Expect(requests(c, "QueueResult", "QueueTime")).To(Equal([]req{
				{harness.KindVoice, "POST", "/silent", values()},
				{harness.KindAction, "POST", "/after", values("QueueResult", "hangup", "QueueTime", "20")},
			}), rig.srv.Transcript)
			Expect(c.Events()).To(ContainElement(And(HaveField("Kind", harness.EventQueue), HaveField("Action", harness.ActionHeard),
				HaveField("Text", "waits in silence"), HaveField("URL", ""))))
		})

		It("requests the waitUrl with waitUrlMethod=GET, its parameters in the query", func() {
			rig := newQueueRig(qDocs("/enqueue", `<Response><Enqueue waitUrl="/wait" waitUrlMethod="GET">support</Enqueue></Response>`))
			c := rig.call(qCaller1, "/enqueue", scenario.Person().HangsUp().InQueue().After(5*time.Second))
			rig.wait(c)
			waits := reqsOf(c, harness.KindEnqueueWait)
			Expect(waits).To(HaveLen(1), rig.srv.Transcript)
			Expect(waits[0].Method).To(Equal(http.MethodGet))
			u, err := url.Parse(waits[0].URL)
			Expect(err).NotTo(HaveOccurred())
			Expect(u.Query().Get("QueuePosition")).To(Equal("1"))
			Expect(u.Query().Get("QueueSid")).To(Equal(rig.queueSID("support")))
		})

		It("sends the caller's keys at a wait document's <Gather> to its action, whose <Leave> ends the wait (QueueResult=leave)", func() {
			rig := newQueueRig(qDocs(
				"/wait", `<Response><Gather numDigits="1" action="/wait-menu" timeout="5"><Say>Press 1 to leave a message instead</Say></Gather></Response>`,
				"/wait-menu", `<Response><Say>Leaving the queue</Say><Leave/></Response>`))
			c := rig.call(qCaller1, "/enqueue", scenario.Person().Presses("1").After(2*time.Second))
			rig.srv.Advance(20 * time.Second)
			c.Wait()
			qs := rig.queueSID("support")
			Expect(requests(c, "Digits", "QueueResult", "QueueSid", "QueueTime", "QueuePosition")).To(Equal([]req{
				{harness.KindVoice, "POST", "/enqueue", values()},
				{harness.KindEnqueueWait, "POST", "/wait", values("QueuePosition", "1", "QueueSid", qs, "QueueTime", "0")},
				{harness.KindAction, "POST", "/wait-menu", values("Digits", "1")},
				{harness.KindAction, "POST", "/after", values("QueueResult", "leave", "QueueSid", qs, "QueueTime", "6")},
			}), rig.srv.Transcript)
			Expect(feSaid(c)).To(Equal([]string{"Press 1 to leave a message instead", "Leaving the queue", "Thanks for waiting"}))
			Expect(rig.srv.Queue("support").Info().CurrentSize).To(Equal(0))
		})

		It("goes on with the verb after the <Enqueue> when <Leave> ends a wait without an action", func() {
			rig := newQueueRig(qDocs(
				"/enqueue", `<Response><Enqueue waitUrl="/wait">support</Enqueue><Say>Out of the queue</Say></Response>`,
				"/wait", `<Response><Say>Please hold</Say><Leave/></Response>`))
			c := rig.call(qCaller1, "/enqueue", scenario.Person())
			rig.wait(c)
			Expect(requests(c)).To(Equal([]req{
				{harness.KindVoice, "POST", "/enqueue", values()},
				{harness.KindEnqueueWait, "POST", "/wait", values()},
			}), rig.srv.Transcript)
			Expect(feSaid(c)).To(Equal([]string{"Please hold", "Out of the queue"}))
			Expect(queueEvents(c)).To(Equal([]string{"enqueued", "left leave"}))
			Expect(c.Info().Duration).To(Equal(2600*time.Millisecond), "1 s of hold, 1.6 s after")
		})

		It("ends the call at a wait document's <Hangup>, the action getting QueueResult=hangup", func() {
			rig := newQueueRig(qDocs("/wait", `<Response><Say>We are closed</Say><Hangup/></Response>`))
			c := rig.call(qCaller1, "/enqueue", scenario.Person())
			rig.wait(c)
			Expect(requests(c, qActionParams...)).To(Equal([]req{
				{harness.KindVoice, "POST", "/enqueue", values("CallStatus", "in-progress")},
				{harness.KindEnqueueWait, "POST", "/wait", values("CallStatus", "in-progress", "QueueSid", rig.queueSID("support"), "QueueTime", "0")},
				{harness.KindAction, "POST", "/after", values("QueueResult", "hangup", "QueueSid", rig.queueSID("support"), "QueueTime", "1", "CallStatus", "completed")},
			}), rig.srv.Transcript)
			Expect(feSaid(c)).To(Equal([]string{"We are closed"}), "the action's reply is ignored: the call has ended")
		})

		It("queues the call with workflowSid as in a plain queue, with a 99001 warning that TaskRouter is not simulated", func() {
			rig := newQueueRig(qDocs("/enqueue", `<Response><Enqueue workflowSid="WW0123456789abcdef0123456789abcdef" waitUrl="/wait" action="/after">support</Enqueue></Response>`))
			rig.expect(harness.CodeNotSimulated)
			c := rig.call(qCaller1, "/enqueue", scenario.Person().HangsUp().InQueue().After(5*time.Second))
			rig.wait(c)
			Expect(c.Notifications()).To(HaveLen(1))
			Expect(c.Notifications()[0].Level).To(Equal(harness.LevelWarning))
			Expect(c.Notifications()[0].Message).To(ContainSubstring("TaskRouter is not simulated"))
			Expect(requests(c, "QueueResult")).To(Equal([]req{
				{harness.KindVoice, "POST", "/enqueue", values()},
				{harness.KindEnqueueWait, "POST", "/wait", values()},
				{harness.KindAction, "POST", "/after", values("QueueResult", "hangup")},
			}), rig.srv.Transcript)
		})

		It("skips <Leave> outside a queue's wait document with a 12200 warning", func() {
			rig := newQueueRig(map[string]string{"/voice": `<Response><Leave/><Say>Still here</Say></Response>`})
			rig.expect(12200)
			c := rig.call(qCaller1, "/voice", scenario.Person())
			rig.wait(c)
			Expect(c.Notifications()[0].Level).To(Equal(harness.LevelWarning))
			Expect(feSaid(c)).To(Equal([]string{"Still here"}), rig.srv.Transcript)
			Expect(rig.srv.Queues()).To(BeEmpty())
		})

		It("keeps a queue per account: the same name in two accounts is two queues, and an agent reaches only its own", func() {
			rig := newQueueRig(qDocs())
			otherSID, otherToken, err := rig.srv.AddAccount("", "")
			Expect(err).NotTo(HaveOccurred())
			other := restClientFor(rig.srv, otherSID, otherToken)
			c1 := rig.call(qCaller1, "/silent", scenario.Person().HangsUp().InQueue().After(60*time.Second))
			c2 := rig.callWith(other, qCaller2, "/silent", scenario.Person().HangsUp().InQueue().After(60*time.Second))
			rig.until(10 * time.Second)
			agent := rig.callWith(other, qAgent1, "/agent", scenario.Person().HangsUpAfter(20*time.Second))
			rig.wait(c1, c2, agent)

			queues := rig.srv.Queues()
			Expect(queues).To(HaveLen(2))
			a, b := queues[0].Info(), queues[1].Info()
			Expect([]string{a.Name, b.Name}).To(Equal([]string{"support", "support"}))
			Expect([]string{a.AccountSID, b.AccountSID}).To(Equal([]string{rig.srv.AccountSID(), otherSID}))
			Expect(a.SID).NotTo(Equal(b.SID))
			Expect(requests(c1, "QueueResult", "QueueSid")).To(ContainElement(req{harness.KindAction, "POST", "/after", values("QueueResult", "hangup", "QueueSid", a.SID)}), rig.srv.Transcript)
			Expect(requests(c2, "QueueResult", "QueueSid")).To(ContainElement(req{harness.KindAction, "POST", "/after", values("QueueResult", "bridged", "QueueSid", b.SID)}))
			Expect(requests(agent, "DequeuedCallSid")).To(ContainElement(req{harness.KindAction, "POST", "/dialed", values("DequeuedCallSid", c2.SID())}))
		})
	})

	Describe("QueueResult on the <Enqueue> action", func() {
		It("hangup: the caller gives up while waiting; CallStatus=completed, QueueTime the seconds waited", func() {
			rig := newQueueRig(qDocs())
			c := rig.call(qCaller1, "/enqueue", scenario.Person().HangsUp().InQueue().After(45*time.Second))
			rig.wait(c)
			Expect(times(reqsOf(c, harness.KindEnqueueWait))).To(Equal([]time.Duration{0, 11 * time.Second, 22 * time.Second, 33 * time.Second, 44 * time.Second}))
			Expect(requests(c, qActionParams...)[6:]).To(Equal([]req{
				{harness.KindAction, "POST", "/after", values("QueueResult", "hangup", "QueueSid", rig.queueSID("support"), "QueueTime", "45", "CallStatus", "completed")},
			}), rig.srv.Transcript)
			Expect(c.Info().Duration).To(Equal(45 * time.Second))
			Expect(c.Events()).To(ContainElement(And(HaveField("Action", harness.ActionLeft), HaveField("Status", harness.Status("hangup")),
				HaveField("Duration", 45*time.Second))))
			Expect(rig.srv.Queue("support").Info().Members).To(BeEmpty())
		})

		It("redirected: a Calls API update takes the call out at once; the action's reply is ignored and the new Url runs", func() {
			rig := newQueueRig(qDocs("/after", `<Response><Say>Ignored</Say></Response>`, "/moved", `<Response><Say>Moved</Say></Response>`))
			c := rig.call(qCaller1, "/enqueue", scenario.Person())
			rig.until(15 * time.Second)
			_, err := rig.tw.UpdateCall(c.SID(), (&api.UpdateCallParams{}).SetUrl(qOrigin+"/moved"))
			Expect(err).NotTo(HaveOccurred())
			rig.wait(c)
			qs := rig.queueSID("support")
			Expect(requests(c, qActionParams...)[3:]).To(Equal([]req{
				{harness.KindAction, "POST", "/after", values("QueueResult", "redirected", "QueueSid", qs, "QueueTime", "15", "CallStatus", "in-progress")},
				{harness.KindVoice, "POST", "/moved", values("CallStatus", "in-progress")},
			}), rig.srv.Transcript)
			Expect(times(reqsOf(c, harness.KindAction))).To(Equal([]time.Duration{15 * time.Second}))
			Expect(feSaid(c)).To(Equal([]string{"Please hold", "Please hold", "Moved"}))
			Expect(queueEvents(c)).To(Equal([]string{"enqueued", "left redirected"}))
		})

		It("redirected-from-bridged: a Calls API update of a caller talking to an agent ends the bridge; the agent goes on", func() {
			rig := newQueueRig(qDocs("/after", `<Response><Say>Ignored</Say></Response>`, "/moved", `<Response><Say>Moved</Say></Response>`))
			c := rig.call(qCaller1, "/silent", scenario.Person())
			rig.until(10 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person())
			rig.until(25 * time.Second)
			_, err := rig.tw.UpdateCall(c.SID(), (&api.UpdateCallParams{}).SetUrl(qOrigin+"/moved"))
			Expect(err).NotTo(HaveOccurred())
			rig.wait(c, agent)
			qs := rig.queueSID("support")
			Expect(requests(c, qActionParams...)[1:]).To(Equal([]req{
				{harness.KindAction, "POST", "/after", values("QueueResult", "redirected-from-bridged", "QueueSid", qs, "QueueTime", "10", "CallStatus", "in-progress")},
				{harness.KindVoice, "POST", "/moved", values("CallStatus", "in-progress")},
			}), rig.srv.Transcript)
			Expect(feSaid(c)).To(Equal([]string{"Moved"}))
			Expect(requests(agent, "DialCallStatus", "DialCallDuration", "DequeueResult")[1]).To(Equal(req{harness.KindAction, "POST", "/dialed",
				values("DialCallStatus", "completed", "DialCallDuration", "15", "DequeueResult", "bridged")}))
			Expect(times(reqsOf(agent, harness.KindAction))).To(Equal([]time.Duration{25 * time.Second}))
		})

		It("error: a verb the wait document may not use ends the wait (14208) and the action gets QueueResult=error", func() {
			rig := newQueueRig(qDocs("/wait", `<Response><Say>Please hold</Say><Dial>+14155550999</Dial></Response>`))
			rig.expect(14208)
			c := rig.call(qCaller1, "/enqueue", scenario.Person())
			rig.wait(c)
			Expect(requests(c, qActionParams...)).To(Equal([]req{
				{harness.KindVoice, "POST", "/enqueue", values("CallStatus", "in-progress")},
				{harness.KindEnqueueWait, "POST", "/wait", values("CallStatus", "in-progress", "QueueSid", rig.queueSID("support"), "QueueTime", "0")},
				{harness.KindAction, "POST", "/after", values("QueueResult", "error", "QueueSid", rig.queueSID("support"), "QueueTime", "1", "CallStatus", "in-progress")},
			}), rig.srv.Transcript)
			Expect(c.Notifications()[0].Message).To(ContainSubstring("<Dial> is not allowed in a queue's wait document"))
			Expect(c.Children()).To(BeEmpty(), "the <Dial> never rang")
			Expect(feSaid(c)).To(Equal([]string{"Please hold", "Thanks for waiting"}))
		})

		It("error: a failed waitUrl request ends the wait (11200) and the action gets QueueResult=error", func() {
			rig := newQueueRig(qDocs("/enqueue", `<Response><Enqueue action="/after" waitUrl="/missing">support</Enqueue></Response>`))
			rig.expect(11200)
			Expect(rig.srv.InjectFault(qOrigin+"/missing", harness.Fault{Status: http.StatusInternalServerError})).To(Succeed())
			c := rig.call(qCaller1, "/enqueue", scenario.Person())
			rig.wait(c)
			Expect(requests(c, "QueueResult", "QueueTime")).To(Equal([]req{
				{harness.KindVoice, "POST", "/enqueue", values()},
				{harness.KindEnqueueWait, "POST", "/missing", values("QueueTime", "0")},
				{harness.KindAction, "POST", "/after", values("QueueResult", "error", "QueueTime", "0")},
			}), rig.srv.Transcript)
			Expect(feSaid(c)).To(Equal([]string{"Thanks for waiting"}), "no application error message: the call goes on")
		})

		It("queue-full: a caller beyond maxQueueSize is not enqueued (14207 warning); the action has no QueueSid or QueueTime", func() {
			rig := newQueueRig(qDocs("/enqueue", `<Response><Enqueue action="/after" waitUrl="" maxQueueSize="1">support</Enqueue></Response>`))
			rig.expect(14207)
			c1 := rig.call(qCaller1, "/enqueue", scenario.Person().HangsUp().InQueue().After(30*time.Second))
			rig.until(5 * time.Second)
			c2 := rig.call(qCaller2, "/enqueue", scenario.Person())
			rig.wait(c1, c2)
			Expect(requests(c2, "QueueResult", "QueueSid", "QueueTime")).To(Equal([]req{
				{harness.KindVoice, "POST", "/enqueue", values()},
				{harness.KindAction, "POST", "/after", values("QueueResult", "queue-full")},
			}), rig.srv.Transcript)
			Expect(c2.Notifications()[0].Level).To(Equal(harness.LevelWarning))
			Expect(queueEvents(c2)).To(Equal([]string{"left queue-full"}))
			Expect(feSaid(c2)).To(Equal([]string{"Thanks for waiting"}))
			Expect(reqsOf(c1, harness.KindAction)[0].Form.Get("QueueResult")).To(Equal("hangup"))
		})

		It("queue-full without an action goes on with the verb after the <Enqueue>", func() {
			rig := newQueueRig(qDocs("/enqueue", `<Response><Enqueue waitUrl="" maxQueueSize="1">support</Enqueue><Say>The queue is full</Say></Response>`))
			rig.expect(14207)
			c1 := rig.call(qCaller1, "/enqueue", scenario.Person().HangsUp().InQueue().After(30*time.Second))
			c2 := rig.call(qCaller2, "/enqueue", scenario.Person())
			rig.wait(c1, c2)
			Expect(requests(c2)).To(Equal([]req{{harness.KindVoice, "POST", "/enqueue", values()}}), rig.srv.Transcript)
			Expect(feSaid(c2)).To(Equal([]string{"The queue is full"}))
		})
	})

	Describe("<Dial><Queue>", func() {
		It("bridges the agent with the caller; the caller's action comes when the bridge ends, with QueueResult=bridged, QueueSid and QueueTime", func() {
			rig := newQueueRig(qDocs())
			c := rig.call(qCaller1, "/enqueue", scenario.Person())
			rig.until(20 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person().HangsUpAfter(40*time.Second))
			rig.wait(c, agent)
			qs := rig.queueSID("support")
			acts := reqsOf(c, harness.KindAction)
			Expect(times(acts)).To(Equal([]time.Duration{60 * time.Second}), rig.srv.Transcript)
			Expect(requests(c, qActionParams...)[len(requests(c))-1]).To(Equal(
				req{harness.KindAction, "POST", "/after", values("QueueResult", "bridged", "QueueSid", qs, "QueueTime", "20", "CallStatus", "in-progress")}))
			Expect(queueEvents(c)).To(Equal([]string{"enqueued", "dequeued", "bridged", "left bridged"}))
			Expect(feSaid(c)[len(feSaid(c))-1]).To(Equal("Thanks for waiting"))
			Expect(c.Status()).To(Equal(harness.StatusCompleted))
		})

		It("gives the agent's Dial action DialCallStatus=completed, QueueSid, the dequeued call and its times", func() {
			rig := newQueueRig(qDocs())
			c := rig.call(qCaller1, "/silent", scenario.Person())
			rig.until(20 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person().HangsUpAfter(40*time.Second))
			rig.wait(c, agent)
			Expect(requests(agent, qDialParams...)).To(Equal([]req{
				{harness.KindVoice, "POST", "/agent", values("CallStatus", "in-progress")},
				{harness.KindAction, "POST", "/dialed", values("DialCallStatus", "completed", "QueueSid", rig.queueSID("support"),
					"DialCallSid", c.SID(), "DequeuedCallSid", c.SID(), "DequeuedCallQueueTime", "20", "DequeueResult", "bridged",
					"DequeuedCallDuration", "40", "DialCallDuration", "40", "CallStatus", "completed")},
			}), rig.srv.Transcript)
		})

		It("plays the <Queue url> document to the caller before the bridge, with QueueSid, QueueTime, DequeingCallSid and the caller's CallSid", func() {
			rig := newQueueRig(qDocs(
				"/agent", `<Response><Dial action="/dialed"><Queue url="/greet">support</Queue></Dial></Response>`,
				"/greet", `<Response><Say>You are being connected to an agent</Say></Response>`))
			c := rig.call(qCaller1, "/silent", scenario.Person())
			rig.until(12 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person().HangsUpAfter(30*time.Second))
			rig.wait(c, agent)
			qs := rig.queueSID("support")
			Expect(requests(c, "QueueSid", "QueueTime", "DequeingCallSid", "CallSid")).To(Equal([]req{
				{harness.KindVoice, "POST", "/silent", values("CallSid", c.SID())},
				{harness.KindDequeue, "POST", "/greet", values("QueueSid", qs, "QueueTime", "12", "DequeingCallSid", agent.SID(), "CallSid", c.SID())},
				{harness.KindAction, "POST", "/after", values("QueueSid", qs, "QueueTime", "12", "CallSid", c.SID())},
			}), rig.srv.Transcript)
			Expect(times(reqsOf(c, harness.KindDequeue))).To(Equal([]time.Duration{12 * time.Second}))
			Expect(c.Events()).To(ContainElement(And(HaveField("Kind", harness.EventQueue), HaveField("Action", harness.ActionHeard),
				HaveField("Source", harness.SourceDequeueURL), HaveField("Text", ContainSubstring("You are being connected")))))
			// The url took 2.8 s of speech: the bridge starts then.
			bridged := eventOf(agent, harness.EventDial, harness.ActionBridged)
			Expect(bridged.Time).To(Equal(rig.at(12*time.Second + 2800*time.Millisecond)))
			Expect(reqsOf(agent, harness.KindAction)[0].Form.Get("DialCallDuration")).To(Equal("27"))
		})

		It("serves callers first come, first served: three callers, three agents", func() {
			rig := newQueueRig(qDocs())
			caller := scenario.Person()
			c1 := rig.call(qCaller1, "/silent", caller)
			rig.until(5 * time.Second)
			c2 := rig.call(qCaller2, "/silent", caller)
			rig.until(10 * time.Second)
			c3 := rig.call(qCaller3, "/silent", caller)
			rig.until(30 * time.Second)
			a1 := rig.call(qAgent1, "/agent", scenario.Person().HangsUpAfter(10*time.Second))
			rig.until(40 * time.Second)
			a2 := rig.call(qAgent2, "/agent", scenario.Person().HangsUpAfter(10*time.Second))
			rig.until(50 * time.Second)
			a3 := rig.call(qAgent3, "/agent", scenario.Person().HangsUpAfter(10*time.Second))
			rig.wait(c1, c2, c3, a1, a2, a3)
			taken := []string{}
			for _, a := range []*harness.Call{a1, a2, a3} {
				taken = append(taken, reqsOf(a, harness.KindAction)[0].Form.Get("DequeuedCallSid"))
			}
			Expect(taken).To(Equal([]string{c1.SID(), c2.SID(), c3.SID()}), rig.srv.Transcript)
			queued := []string{}
			for _, c := range []*harness.Call{c1, c2, c3} {
				queued = append(queued, reqsOf(c, harness.KindAction)[0].Form.Get("QueueTime"))
			}
			Expect(queued).To(Equal([]string{"30", "35", "40"}))
		})

		It("waits on an empty queue for the next caller, and the bridge outlasts the Dial's timeout", func() {
			rig := newQueueRig(qDocs("/agent", `<Response><Dial action="/dialed" timeout="20"><Queue>support</Queue></Dial></Response>`))
			first := rig.call(qCaller1, "/silent", scenario.Person().HangsUp().InQueue().After(time.Second)) // makes the queue
			rig.until(10 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person().HangsUpAfter(60*time.Second))
			rig.until(15 * time.Second)
			c := rig.call(qCaller2, "/silent", scenario.Person())
			rig.wait(first, agent, c)
			Expect(eventOf(agent, harness.EventDial, harness.ActionBridged).Time).To(Equal(rig.at(15 * time.Second)))
			Expect(requests(agent, qDialParams...)[1]).To(Equal(req{harness.KindAction, "POST", "/dialed", values(
				"DialCallStatus", "completed", "QueueSid", rig.queueSID("support"), "DialCallSid", c.SID(), "DequeuedCallSid", c.SID(),
				"DequeuedCallQueueTime", "0", "DequeueResult", "bridged", "DequeuedCallDuration", "55", "DialCallDuration", "55",
				"CallStatus", "completed")}), rig.srv.Transcript)
			Expect(reqsOf(c, harness.KindAction)[0].Time).To(Equal(rig.at(70 * time.Second)))
		})

		It("ends with DialCallStatus=no-answer when no caller comes within the Dial's timeout", func() {
			rig := newQueueRig(qDocs("/agent", `<Response><Dial action="/dialed" timeout="20"><Queue>support</Queue></Dial></Response>`))
			first := rig.call(qCaller1, "/silent", scenario.Person().HangsUp().InQueue().After(time.Second))
			rig.until(10 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person())
			rig.wait(first, agent)
			Expect(requests(agent, qDialParams...)).To(Equal([]req{
				{harness.KindVoice, "POST", "/agent", values("CallStatus", "in-progress")},
				{harness.KindAction, "POST", "/dialed", values("DialCallStatus", "no-answer", "QueueSid", rig.queueSID("support"), "CallStatus", "in-progress")},
			}), rig.srv.Transcript)
			Expect(times(reqsOf(agent, harness.KindAction))).To(Equal([]time.Duration{30 * time.Second}))
			Expect(feSaid(agent)).To(Equal([]string{"Next caller"}))
		})

		It("fails at once with DialCallStatus=failed for a queue the account does not have", func() {
			rig := newQueueRig(qDocs())
			agent := rig.call(qAgent1, "/agent", scenario.Person())
			rig.wait(agent)
			Expect(requests(agent, qDialParams...)).To(Equal([]req{
				{harness.KindVoice, "POST", "/agent", values("CallStatus", "in-progress")},
				{harness.KindAction, "POST", "/dialed", values("DialCallStatus", "failed", "CallStatus", "in-progress")},
			}), rig.srv.Transcript)
			Expect(times(reqsOf(agent, harness.KindAction))).To(Equal([]time.Duration{0}))
			Expect(rig.srv.Queues()).To(BeEmpty(), "<Dial><Queue> does not create a queue")
		})

		It("goes on with the verb after the Dial when a Dial without an action ends", func() {
			rig := newQueueRig(qDocs("/agent", `<Response><Dial><Queue>support</Queue></Dial><Say>Back from the queue</Say></Response>`))
			c := rig.call(qCaller1, "/silent", scenario.Person().HangsUpAfter(20*time.Second))
			agent := rig.call(qAgent1, "/agent", scenario.Person())
			rig.wait(c, agent)
			Expect(requests(agent)).To(Equal([]req{{harness.KindVoice, "POST", "/agent", values()}}), rig.srv.Transcript)
			Expect(feSaid(agent)).To(Equal([]string{"Back from the queue"}))
			Expect(agent.Info().Duration).To(Equal(21600*time.Millisecond), "20 s bridged, 1.6 s after")
		})

		It("ends the bridge when the caller hangs up: the agent's action has DialCallStatus=completed, the caller's QueueResult=bridged with CallStatus=completed", func() {
			rig := newQueueRig(qDocs())
			c := rig.call(qCaller1, "/silent", scenario.Person().HangsUpAfter(50*time.Second))
			rig.until(20 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person())
			rig.wait(c, agent)
			qs := rig.queueSID("support")
			Expect(requests(c, qActionParams...)[1]).To(Equal(req{harness.KindAction, "POST", "/after", values(
				"QueueResult", "bridged", "QueueSid", qs, "QueueTime", "20", "CallStatus", "completed")}), rig.srv.Transcript)
			Expect(requests(agent, qDialParams...)[1]).To(Equal(req{harness.KindAction, "POST", "/dialed", values(
				"DialCallStatus", "completed", "QueueSid", qs, "DialCallSid", c.SID(), "DequeuedCallSid", c.SID(),
				"DequeuedCallQueueTime", "20", "DequeueResult", "bridged", "DequeuedCallDuration", "30", "DialCallDuration", "30",
				"CallStatus", "in-progress")}))
			Expect(feSaid(agent)).To(Equal([]string{"Next caller"}), "the agent goes on")
		})

		It("lets the caller go on with its action when the agent hangs up first", func() {
			rig := newQueueRig(qDocs("/after", `<Response><Say>The agent left</Say><Pause length="2"/></Response>`))
			c := rig.call(qCaller1, "/silent", scenario.Person())
			rig.until(5 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person().HangsUpAfter(25*time.Second))
			rig.wait(c, agent)
			Expect(requests(c, qActionParams...)[1]).To(Equal(req{harness.KindAction, "POST", "/after", values(
				"QueueResult", "bridged", "QueueSid", rig.queueSID("support"), "QueueTime", "5", "CallStatus", "in-progress")}), rig.srv.Transcript)
			Expect(feSaid(c)).To(Equal([]string{"The agent left"}))
			Expect(c.Info().Duration).To(Equal(33200*time.Millisecond), "30 s in the queue and bridged, 3.2 s after")
			Expect(reqsOf(agent, harness.KindAction)[0].Form.Get("CallStatus")).To(Equal("completed"))
		})

		It("hangupOnStar: the agent's * ends the bridge; both calls go on with their actions", func() {
			rig := newQueueRig(qDocs("/agent", `<Response><Dial action="/dialed" hangupOnStar="true"><Queue>support</Queue></Dial></Response>`))
			c := rig.call(qCaller1, "/silent", scenario.Person())
			rig.until(10 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person().Presses("*").AtNext("Dial").After(30*time.Second))
			rig.wait(c, agent)
			Expect(requests(agent, "DialCallStatus", "DialCallDuration", "CallStatus")[1]).To(Equal(req{harness.KindAction, "POST", "/dialed",
				values("DialCallStatus", "completed", "DialCallDuration", "30", "CallStatus", "in-progress")}), rig.srv.Transcript)
			Expect(times(reqsOf(agent, harness.KindAction))).To(Equal([]time.Duration{40 * time.Second}))
			Expect(requests(c, "QueueResult", "CallStatus")[1]).To(Equal(req{harness.KindAction, "POST", "/after",
				values("QueueResult", "bridged", "CallStatus", "in-progress")}))
			Expect(times(reqsOf(c, harness.KindAction))).To(Equal([]time.Duration{40 * time.Second}))
			Expect(feSaid(agent)).To(Equal([]string{"Next caller"}))
			Expect(feSaid(c)).To(Equal([]string{"Thanks for waiting"}))
		})

		It("timeLimit: the bridge ends after the Dial's timeLimit; both calls go on with their actions", func() {
			rig := newQueueRig(qDocs("/agent", `<Response><Dial action="/dialed" timeLimit="25"><Queue>support</Queue></Dial></Response>`))
			c := rig.call(qCaller1, "/silent", scenario.Person())
			rig.until(10 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person())
			rig.wait(c, agent)
			Expect(requests(agent, "DialCallStatus", "DialCallDuration", "DequeueResult")[1]).To(Equal(req{harness.KindAction, "POST", "/dialed",
				values("DialCallStatus", "completed", "DialCallDuration", "25", "DequeueResult", "bridged")}), rig.srv.Transcript)
			Expect(times(reqsOf(agent, harness.KindAction))).To(Equal([]time.Duration{35 * time.Second}))
			Expect(requests(c, "QueueResult", "QueueTime")[1]).To(Equal(req{harness.KindAction, "POST", "/after",
				values("QueueResult", "bridged", "QueueTime", "10")}))
			Expect(times(reqsOf(c, harness.KindAction))).To(Equal([]time.Duration{35 * time.Second}))
		})

		It("stops the caller's hold loop once an agent takes it: no wait request after the dequeue", func() {
			rig := newQueueRig(qDocs())
			c := rig.call(qCaller1, "/enqueue", scenario.Person())
			rig.until(25 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person().HangsUpAfter(30*time.Second))
			rig.wait(c, agent)
			Expect(times(reqsOf(c, harness.KindEnqueueWait))).To(Equal([]time.Duration{0, 11 * time.Second, 22 * time.Second}), rig.srv.Transcript)
			Expect(feSaid(c)).To(Equal([]string{"Please hold", "Please hold", "Please hold", "Thanks for waiting"}))
		})
	})

	Describe("a caller who hangs up", func() {
		It("during the hold loop leaves the queue: no more wait requests, an agent then finds the queue empty", func() {
			rig := newQueueRig(qDocs("/agent", `<Response><Dial action="/dialed" timeout="10"><Queue>support</Queue></Dial></Response>`))
			c := rig.call(qCaller1, "/enqueue", scenario.Person().HangsUp().InQueue().After(16*time.Second))
			rig.until(20 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person())
			rig.wait(c, agent)
			Expect(times(reqsOf(c, harness.KindEnqueueWait))).To(Equal([]time.Duration{0, 11 * time.Second}), rig.srv.Transcript)
			Expect(requests(c, qActionParams...)[3]).To(Equal(req{harness.KindAction, "POST", "/after", values(
				"QueueResult", "hangup", "QueueSid", rig.queueSID("support"), "QueueTime", "16", "CallStatus", "completed")}))
			Expect(c.Info().Duration).To(Equal(16 * time.Second))
			Expect(reqsOf(agent, harness.KindAction)[0].Form.Get("DialCallStatus")).To(Equal("no-answer"))
		})

		It("while the <Queue url> plays ends the agent's Dial without a bridge", func() {
			rig := newQueueRig(qDocs(
				"/agent", `<Response><Dial action="/dialed"><Queue url="/greet">support</Queue></Dial></Response>`,
				"/greet", `<Response><Pause length="10"/></Response>`))
			c := rig.call(qCaller1, "/silent", scenario.Person().HangsUpAfter(8*time.Second))
			rig.until(5 * time.Second)
			agent := rig.call(qAgent1, "/agent", scenario.Person())
			rig.wait(c, agent)
			Expect(requests(c, "QueueResult", "CallStatus")[2]).To(Equal(req{harness.KindAction, "POST", "/after",
				values("QueueResult", "hangup", "CallStatus", "completed")}), rig.srv.Transcript)
			dialed := reqsOf(agent, harness.KindAction)
			Expect(dialed).To(HaveLen(1))
			Expect(dialed[0].Form.Get("DequeuedCallSid")).To(Equal(c.SID()))
			Expect(dialed[0].Form).NotTo(HaveKey("DequeueResult"), "never bridged")
			Expect(dialed[0].Time).To(Equal(rig.at(8 * time.Second)))
		})
	})
})

// eventOf returns the call's first event of kind and action.
func eventOf(c *harness.Call, kind harness.EventKind, action harness.EventAction) harness.Event {
	GinkgoHelper()
	for _, e := range c.Events() {
		if e.Kind == kind && e.Action == action {
			return e
		}
	}
	Fail("call " + c.SID() + " has no " + string(kind) + " " + string(action) + " event\n" + c.Transcript())
	return harness.Event{}
}
