package harness_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// These specs pin down, one per outcome that Twilio documents (or that the
// package doc's Fidelity section chooses), the exact requests the fake makes
// to the application for each thing the far end can do: answer as a
// person, a machine or a fax, be busy, not answer, fail, decline, call in,
// hang up in the middle of a verb.

// The addresses of the far-end specs.
const (
	feOrigin = "https://farend.example.com" // the application
	feFrom   = "+15005550006"               // the application's number, placing calls
	feTo     = "+14155550100"               // whoever the application calls
	feLeg    = "+14155550142"               // whoever a <Dial> rings
	feNumber = "+14155550160"               // the application's incoming number
	feCaller = "+14155550999"               // whoever calls it
)

// feAbsent, as the value of a parameter in a [feWant], says that the
// request must not carry the parameter at all.
const feAbsent = "\x00absent"

// feAllEvents subscribes a call's status callback to every event.
var feAllEvents = []string{"initiated", "ringing", "answered", "completed"}

// farEndApp is an application that answers each path with its TwiML
// document and every other path (callbacks) with 204. It is never written
// after it is made.
type farEndApp map[string]string

func (a farEndApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	doc, ok := a[r.URL.Path]
	if !ok {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, doc)
}

// farEndRig is one fake Twilio for one spec, with the application and the
// official client aimed at it.
type farEndRig struct {
	srv *harness.Server
	tw  *api.ApiService
}

// newRig starts a server owned by the running spec whose application
// serves docs. When the spec ends, the server must have logged no error or
// warning, and every REST response it gave is checked against Twilio's
// OpenAPI description, as in the rest of the package's tests (when
// TWIMLHARNESS_OPENAPI names it).
func newRig(docs farEndApp, opts ...harness.Option) *farEndRig {
	GinkgoHelper()
	opts = append([]harness.Option{harness.WithApp(feOrigin, docs)}, opts...)
	srv := harness.NewServer(GinkgoT(), opts...)
	DeferCleanup(func() {
		Expect(srv.Notifications()).To(BeEmpty(), srv.Transcript)
		spec, err := loadedContract()
		Expect(err).NotTo(HaveOccurred())
		if spec != nil {
			Expect(contractProblems(spec, srv.APIRequests())).To(BeEmpty())
		}
	})
	c := &client.Client{Credentials: client.NewCredentials(srv.AccountSID(), srv.AuthToken()), HTTPClient: srv.HTTPClient()}
	c.SetAccountSid(srv.AccountSID())
	return &farEndRig{srv: srv, tw: api.NewApiServiceWithClient(c)}
}

// place creates a call from feFrom to feTo whose Url is /voice and whose
// StatusCallback is /status, changed by set, and returns it without running
// it.
func (r *farEndRig) place(set func(*api.CreateCallParams)) *harness.Call {
	GinkgoHelper()
	p := &api.CreateCallParams{}
	p.SetTo(feTo).SetFrom(feFrom).SetUrl(feOrigin + "/voice").SetStatusCallback(feOrigin + "/status")
	if set != nil {
		set(p)
	}
	created, err := r.tw.CreateCall(p)
	Expect(err).NotTo(HaveOccurred())
	c := r.srv.Call(*created.Sid)
	Expect(c).NotTo(BeNil())
	return c
}

// call places a call as place does and runs it to its end.
func (r *farEndRig) call(set func(*api.CreateCallParams)) *harness.Call {
	GinkgoHelper()
	c := r.place(set)
	c.Wait()
	return c
}

// incoming makes caller call feNumber, whose voice URL is /voice and whose
// status callback is /status, and runs the call to its end.
func (r *farEndRig) incoming(caller scenario.Party) *harness.Call {
	GinkgoHelper()
	_, err := r.srv.AddNumber(harness.IncomingNumber{PhoneNumber: feNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: feOrigin + "/voice", StatusCallback: feOrigin + "/status"}})
	Expect(err).NotTo(HaveOccurred())
	c, err := r.srv.IncomingCall(feCaller, feNumber, caller)
	Expect(err).NotTo(HaveOccurred())
	c.Wait()
	return c
}

// fetch returns the Call resource as the official client reads it.
func (r *farEndRig) fetch(sid string) *api.ApiV2010Call {
	GinkgoHelper()
	got, err := r.tw.FetchCall(sid, nil)
	Expect(err).NotTo(HaveOccurred())
	return got
}

// transcript describes a failure with every call's transcript.
func (r *farEndRig) transcript() string { return r.srv.Transcript() }

// feWant is a request the fake should make: its kind, method and URL path,
// and the parameters that matter (feAbsent for one it must not send).
type feWant struct {
	kind   harness.RequestKind
	method string
	path   string
	params map[string]string
}

// expectRequest checks one request against want.
func (r *farEndRig) expectRequest(got harness.Request, want feWant) {
	GinkgoHelper()
	u, err := url.Parse(got.URL)
	Expect(err).NotTo(HaveOccurred())
	Expect(fmt.Sprintf("%s %s %s", got.Kind, got.Method, u.Path)).To(
		Equal(fmt.Sprintf("%s %s %s", want.kind, want.method, want.path)), r.transcript)
	for name, value := range want.params {
		if value == feAbsent {
			Expect(got.Form).NotTo(HaveKey(name), func() string {
				return fmt.Sprintf("%s %s carries %s=%q\n%s", got.Kind, u.Path, name, got.Form.Get(name), r.transcript())
			})
			continue
		}
		Expect(got.Form).To(HaveKey(name), func() string {
			return fmt.Sprintf("%s %s has no %s\n%s", got.Kind, u.Path, name, r.transcript())
		})
		Expect(got.Form.Get(name)).To(Equal(value), func() string {
			return fmt.Sprintf("%s of %s %s\n%s", name, got.Kind, u.Path, r.transcript())
		})
	}
}

// expectRequests checks that the call made exactly the requests of want,
// in order, status callbacks left out.
func (r *farEndRig) expectRequests(c *harness.Call, want ...feWant) {
	GinkgoHelper()
	got := feRequests(c, "")
	Expect(feKinds(got)).To(Equal(feWantKinds(want)), r.transcript)
	for i := range want {
		r.expectRequest(got[i], want[i])
	}
}

// feRequests returns the requests made for c of kind, in order; all but
// the status callbacks when kind is empty.
func feRequests(c *harness.Call, kind harness.RequestKind) []harness.Request {
	var out []harness.Request
	for _, r := range c.Requests() {
		if kind == "" && r.Kind != harness.KindStatusCallback || kind != "" && r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// feKinds names each request by kind and path, for a readable mismatch.
func feKinds(reqs []harness.Request) []string {
	out := []string{}
	for _, r := range reqs {
		u, _ := url.Parse(r.URL)
		out = append(out, string(r.Kind)+" "+u.Path)
	}
	return out
}

// feWantKinds names each wanted request as feKinds names requests.
func feWantKinds(want []feWant) []string {
	out := []string{}
	for _, w := range want {
		out = append(out, string(w.kind)+" "+w.path)
	}
	return out
}

// feCallStatuses returns the CallStatus of each status callback of c.
func feCallStatuses(c *harness.Call) []string {
	out := []string{}
	for _, r := range feRequests(c, harness.KindStatusCallback) {
		out = append(out, r.Form.Get("CallStatus"))
	}
	return out
}

// lastCallback returns the status callback of c's final event.
func (r *farEndRig) lastCallback(c *harness.Call) harness.Request {
	GinkgoHelper()
	cbs := feRequests(c, harness.KindStatusCallback)
	Expect(cbs).NotTo(BeEmpty(), r.transcript)
	return cbs[len(cbs)-1]
}

// feSaid returns what the call said, in order.
func feSaid(c *harness.Call) []string {
	out := []string{}
	for _, e := range c.Events() {
		if e.Kind == harness.EventSay {
			out = append(out, e.Text)
		}
	}
	return out
}

// feStatuses returns the statuses the call went through.
func feStatuses(c *harness.Call) []harness.Status {
	var out []harness.Status
	for _, e := range c.Events() {
		if e.Kind == harness.EventStatus {
			out = append(out, e.Status)
		}
	}
	return out
}

func feMS(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

// feStay is a document that keeps the call up for a minute, long enough
// for any detection to end.
const feStay = `<Response><Pause length="60"/></Response>`

// amdOutcome is one result of answering machine detection: who answers,
// in which mode, what detection says and after how long.
type amdOutcome struct {
	name    string
	mode    string
	timeout int // MachineDetectionTimeout in seconds; 0 leaves Twilio's 30
	who     scenario.Party
	want    string
	after   time.Duration
}

var amdOutcomes = []amdOutcome{
	{"a person (Enable)", "Enable", 0, scenario.Person(), "human", 2200 * time.Millisecond},
	{"a person (DetectMessageEnd)", "DetectMessageEnd", 0, scenario.Person(), "human", 2200 * time.Millisecond},
	{"an answering machine (Enable)", "Enable", 0, scenario.AnsweringMachine(7 * time.Second), "machine_start", 2400 * time.Millisecond},
	{"a machine whose greeting ends with a beep", "DetectMessageEnd", 0, scenario.AnsweringMachine(7 * time.Second).EndingWithBeep(), "machine_end_beep", 7 * time.Second},
	{"a machine whose greeting ends in silence", "DetectMessageEnd", 0, scenario.AnsweringMachine(7 * time.Second).EndingWithSilence(), "machine_end_silence", 8200 * time.Millisecond},
	{"a machine whose greeting ends otherwise", "DetectMessageEnd", 0, scenario.AnsweringMachine(7 * time.Second).EndingWithOther(), "machine_end_other", 8200 * time.Millisecond},
	{"a fax", "DetectMessageEnd", 0, scenario.Fax(), "fax", 3 * time.Second},
	{"a silent line", "DetectMessageEnd", 0, scenario.Silence(), "unknown", 5 * time.Second},
	{"a greeting longer than MachineDetectionTimeout", "DetectMessageEnd", 10, scenario.AnsweringMachine(15 * time.Second), "unknown", 10 * time.Second},
}

// set asks for the outcome's detection on a call being created.
func (o amdOutcome) set(p *api.CreateCallParams) {
	p.SetMachineDetection(o.mode)
	if o.timeout > 0 {
		p.SetMachineDetectionTimeout(o.timeout)
	}
}

var _ = Describe("The far end", func() {
	Describe("answering machine detection", func() {
		for _, o := range amdOutcomes {
			Context("when "+o.name+" answers", func() {
				It("sync: requests the Url once detection is done, with AnsweredBy="+o.want+" and MachineDetectionDuration", func() {
					rig := newRig(farEndApp{"/voice": feStay}, harness.WithParty(feTo, o.who))
					c := rig.call(o.set)
					info := c.Info()

					rig.expectRequests(c, feWant{harness.KindVoice, "POST", "/voice", map[string]string{
						"CallStatus": "in-progress", "AnsweredBy": o.want, "MachineDetectionDuration": feMS(o.after)}})
					voice := feRequests(c, harness.KindVoice)[0]
					Expect(voice.Time.Sub(info.Answered)).To(Equal(o.after), "the Url waits for detection")

					Expect(rig.fetch(c.SID()).AnsweredBy).To(HaveValue(Equal(o.want)))
					rig.expectRequest(rig.lastCallback(c), feWant{harness.KindStatusCallback, "POST", "/status",
						map[string]string{"CallStatus": "completed", "AnsweredBy": o.want}})
				})

				It("async: requests the Url at once and POSTs AnsweredBy="+o.want+" to AsyncAmdStatusCallback", func() {
					rig := newRig(farEndApp{"/voice": feStay}, harness.WithParty(feTo, o.who))
					c := rig.call(func(p *api.CreateCallParams) {
						o.set(p)
						p.SetAsyncAmd("true").SetAsyncAmdStatusCallback(feOrigin + "/amd")
					})
					info := c.Info()

					rig.expectRequests(c,
						feWant{harness.KindVoice, "POST", "/voice", map[string]string{
							"CallStatus": "in-progress", "AnsweredBy": feAbsent, "MachineDetectionDuration": feAbsent}},
						feWant{harness.KindAMDStatus, "POST", "/amd", map[string]string{
							"CallSid": c.SID(), "AccountSid": rig.srv.AccountSID(), "AnsweredBy": o.want,
							"MachineDetectionDuration": feMS(o.after)}})
					voice, amd := feRequests(c, harness.KindVoice)[0], feRequests(c, harness.KindAMDStatus)[0]
					Expect(voice.Time).To(Equal(info.Answered), "the Url is requested on answer")
					Expect(amd.Time.Sub(info.Answered)).To(Equal(o.after), "the result comes when detection is done")
					Expect(amd.Form).To(HaveLen(4), "exactly CallSid, AccountSid, AnsweredBy, MachineDetectionDuration: %v", amd.Form)

					Expect(rig.fetch(c.SID()).AnsweredBy).To(HaveValue(Equal(o.want)))
					rig.expectRequest(rig.lastCallback(c), feWant{harness.KindStatusCallback, "POST", "/status",
						map[string]string{"CallStatus": "completed", "AnsweredBy": o.want}})
				})
			})
		}

		// Twilio's AMD page, and voice-semantics.md section 3 [D], allow an
		// absolute or relative AsyncAmdStatusCallback.
		It("async: a relative AsyncAmdStatusCallback is resolved against the Url", func() {
			rig := newRig(farEndApp{"/voice": feStay}, harness.WithParty(feTo, scenario.Person()))
			c := rig.call(func(p *api.CreateCallParams) {
				p.SetMachineDetection("Enable").SetAsyncAmd("true").SetAsyncAmdStatusCallback("/amd")
			})
			amd := feRequests(c, harness.KindAMDStatus)
			Expect(amd).To(HaveLen(1), rig.transcript)
			rig.expectRequest(amd[0], feWant{harness.KindAMDStatus, "POST", "/amd", map[string]string{"AnsweredBy": "human"}})
			Expect(amd[0].URL).To(Equal(feOrigin + "/amd"))
		})

		It("on a <Dial> leg, <Number machineDetection=\"Enable\" amdStatusCallback> POSTs the leg's result to the callback", func() {
			rig := newRig(farEndApp{
				"/voice": `<Response><Dial action="/dial"><Number machineDetection="Enable" amdStatusCallback="/leg-amd">` + feLeg + `</Number></Dial></Response>`,
				"/dial":  `<Response><Hangup/></Response>`,
			}, harness.WithParty(feLeg, scenario.AnsweringMachine(7*time.Second).HangsUpAfter(20*time.Second)))
			c := rig.call(nil)
			Expect(c.Children()).To(HaveLen(1), rig.transcript)
			leg := c.Children()[0]

			amd := feRequests(leg, harness.KindAMDStatus)
			Expect(amd).To(HaveLen(1), rig.transcript)
			rig.expectRequest(amd[0], feWant{harness.KindAMDStatus, "POST", "/leg-amd", map[string]string{
				"CallSid": leg.SID(), "AccountSid": rig.srv.AccountSID(), "AnsweredBy": "machine_start",
				"MachineDetectionDuration": "2400"}})
			Expect(amd[0].Form).To(HaveLen(4), "exactly CallSid, AccountSid, AnsweredBy, MachineDetectionDuration: %v", amd[0].Form)
			Expect(amd[0].Time.Sub(leg.Info().Answered)).To(Equal(2400 * time.Millisecond))
			Expect(rig.fetch(leg.SID()).AnsweredBy).To(HaveValue(Equal("machine_start")))
		})
	})

	Describe("a call placed with the REST API", func() {
		DescribeTable("that is never answered ends with its status in the completed callback and on the resource",
			func(who scenario.Party, cancel bool, want harness.Status, sip string, sipCode int) {
				rig := newRig(farEndApp{"/voice": feStay}, harness.WithParty(feTo, who))
				var c *harness.Call
				if cancel {
					c = rig.place(func(p *api.CreateCallParams) { p.SetStatusCallbackEvent(feAllEvents) })
					rig.srv.Advance(5 * time.Second)
					Expect(c.Status()).To(Equal(harness.StatusRinging), rig.transcript)
					_, err := rig.tw.UpdateCall(c.SID(), (&api.UpdateCallParams{}).SetStatus("canceled"))
					Expect(err).NotTo(HaveOccurred())
					c.Wait()
				} else {
					c = rig.call(func(p *api.CreateCallParams) { p.SetTimeout(15).SetStatusCallbackEvent(feAllEvents) })
				}

				rig.expectRequests(c) // never answered: no request to the Url
				Expect(feCallStatuses(c)).To(HaveExactElements("initiated", "ringing", string(want)), rig.transcript)
				rig.expectRequest(rig.lastCallback(c), feWant{harness.KindStatusCallback, "POST", "/status", map[string]string{
					"CallStatus": string(want), "CallDuration": "0", "Duration": "0", "SipResponseCode": sip}})
				Expect(rig.fetch(c.SID()).Status).To(HaveValue(Equal(string(want))))
				info := c.Info()
				Expect(info.Answered).To(BeZero())
				Expect(info.SIPResponseCode).To(Equal(sipCode))
			},
			Entry("busy: CallStatus=busy, no SipResponseCode (Fidelity)", scenario.Busy(), false, harness.StatusBusy, feAbsent, 486),
			Entry("no answer within Timeout: CallStatus=no-answer, SipResponseCode=487", scenario.NoAnswer(), false, harness.StatusNoAnswer, "487", 487),
			Entry("failed: CallStatus=failed, SipResponseCode=503", scenario.Fails(503), false, harness.StatusFailed, "503", 503),
			Entry("canceled with Status=canceled while ringing: CallStatus=canceled, no SipResponseCode", scenario.NoAnswer(), true, harness.StatusCanceled, feAbsent, 487),
		)

		It("to a callee who declines it (SIP 603) ends busy", func() {
			rig := newRig(farEndApp{"/voice": feStay}, harness.WithParty(feTo, scenario.Rejects()))
			c := rig.call(nil)
			rig.expectRequests(c)
			rig.expectRequest(rig.lastCallback(c), feWant{harness.KindStatusCallback, "POST", "/status", map[string]string{
				"CallStatus": "busy", "SipResponseCode": feAbsent}})
			Expect(c.Info().SIPResponseCode).To(Equal(603), rig.transcript)
			Expect(rig.fetch(c.SID()).Status).To(HaveValue(Equal("busy")))
		})

		It("with SendDigits plays the digits after the answer (w is half a second) and ignores MachineDetection", func() {
			rig := newRig(farEndApp{"/voice": `<Response><Say>Hi</Say></Response>`},
				harness.WithParty(feTo, scenario.AnsweringMachine(5*time.Second)))
			c := rig.call(func(p *api.CreateCallParams) {
				p.SetSendDigits("w1234").SetMachineDetection("Enable").
					SetAsyncAmd("true").SetAsyncAmdStatusCallback(feOrigin + "/amd")
			})
			info := c.Info()
			rig.expectRequests(c, feWant{harness.KindVoice, "POST", "/voice", map[string]string{
				"AnsweredBy": feAbsent, "MachineDetectionDuration": feAbsent}})
			voice := feRequests(c, harness.KindVoice)[0]
			Expect(voice.Time.Sub(info.Answered)).To(Equal(1300*time.Millisecond), "w (0.5 s) and four tones (0.2 s each)")
			Expect(info.AnsweredBy).To(BeEmpty())
			Expect(rig.fetch(c.SID()).AnsweredBy).To(BeNil())
		})
	})

	Describe("a <Dial> leg", func() {
		const dialDoc = `<Response><Dial action="/dial" timeout="20"><Number statusCallback="/leg-status">` + feLeg + `</Number></Dial><Say>Not reached</Say></Response>`
		docs := farEndApp{"/voice": dialDoc, "/dial": `<Response><Say>The Dial ended</Say></Response>`}

		DescribeTable("that is not answered ends the Dial with DialCallStatus in the action",
			func(leg, caller scenario.Party, want harness.Status, callStatus, legSIP string) {
				rig := newRig(docs, harness.WithParty(feLeg, leg), harness.WithParty(feTo, caller))
				c := rig.call(nil)
				Expect(c.Children()).To(HaveLen(1), rig.transcript)
				child := c.Children()[0]

				rig.expectRequests(c,
					feWant{harness.KindVoice, "POST", "/voice", nil},
					feWant{harness.KindAction, "POST", "/dial", map[string]string{
						"CallStatus": callStatus, "DialCallStatus": string(want), "DialCallSid": child.SID(),
						"DialBridged": "false", "DialCallDuration": feAbsent}})
				Expect(child.Status()).To(Equal(want), rig.transcript)
				Expect(rig.fetch(child.SID()).Status).To(HaveValue(Equal(string(want))))
				legCB := feRequests(child, harness.KindStatusCallback)
				Expect(legCB).To(HaveLen(1), rig.transcript)
				rig.expectRequest(legCB[0], feWant{harness.KindStatusCallback, "POST", "/leg-status", map[string]string{
					"CallSid": child.SID(), "ParentCallSid": c.SID(), "Direction": "outbound-dial",
					"CallStatus": string(want), "SipResponseCode": legSIP}})
			},
			Entry("busy", scenario.Busy(), scenario.Person(), harness.StatusBusy, "in-progress", feAbsent),
			Entry("no-answer: the leg rings for the Dial's timeout", scenario.NoAnswer(), scenario.Person(), harness.StatusNoAnswer, "in-progress", "487"),
			Entry("failed", scenario.Fails(503), scenario.Person(), harness.StatusFailed, "in-progress", "503"),
			Entry("canceled: the caller hangs up while the leg rings (Fidelity); CallStatus=completed",
				scenario.NoAnswer(), scenario.Person().HangsUp().AtNext("Dial").After(5*time.Second),
				harness.StatusCanceled, "completed", feAbsent),
		)

		It("canceled with the REST API while it rings ends the Dial canceled", func() {
			rig := newRig(docs, harness.WithParty(feLeg, scenario.NoAnswer()))
			c := rig.place(nil)
			rig.srv.Advance(5 * time.Second)
			Expect(c.Children()).To(HaveLen(1), rig.transcript)
			child := c.Children()[0]
			Expect(child.Status()).To(Equal(harness.StatusRinging), rig.transcript)
			_, err := rig.tw.UpdateCall(child.SID(), (&api.UpdateCallParams{}).SetStatus("canceled"))
			Expect(err).NotTo(HaveOccurred())
			c.Wait()

			rig.expectRequests(c,
				feWant{harness.KindVoice, "POST", "/voice", nil},
				feWant{harness.KindAction, "POST", "/dial", map[string]string{
					"CallStatus": "in-progress", "DialCallStatus": "canceled", "DialCallSid": child.SID(), "DialBridged": "false"}})
			Expect(child.Status()).To(Equal(harness.StatusCanceled))
			Expect(feSaid(c)).To(HaveExactElements("The Dial ended"), rig.transcript)
		})

		It("to a callee who declines it ends the Dial busy", func() {
			rig := newRig(docs, harness.WithParty(feLeg, scenario.Rejects()))
			c := rig.call(nil)
			actions := feRequests(c, harness.KindAction)
			Expect(actions).To(HaveLen(1), rig.transcript)
			rig.expectRequest(actions[0], feWant{harness.KindAction, "POST", "/dial", map[string]string{"DialCallStatus": "busy"}})
			Expect(c.Children()[0].Info().SIPResponseCode).To(Equal(603))
		})
	})

	Describe("an incoming call", func() {
		It("sends its first request while ringing, with what the network says about the caller", func() {
			rig := newRig(farEndApp{"/voice": `<Response><Say>Hello</Say></Response>`})
			c := rig.incoming(scenario.Person().Named("ALICE SMITH").ForwardedBy("+14155550777"))
			rig.expectRequests(c, feWant{harness.KindVoice, "POST", "/voice", map[string]string{
				"CallStatus": "ringing", "Direction": "inbound", "From": feCaller, "Caller": feCaller,
				"To": feNumber, "Called": feNumber, "CallerName": "ALICE SMITH", "ForwardedFrom": "+14155550777"}})
			Expect(feRequests(c, harness.KindVoice)[0].Form.Get("CallToken")).NotTo(BeEmpty())
		})

		It(`is busy with <Reject reason="busy">: never answered, no charge`, func() {
			rig := newRig(farEndApp{"/voice": `<Response><Reject reason="busy"/><Say>Not reached</Say></Response>`})
			c := rig.incoming(scenario.Person())
			Expect(feStatuses(c)).To(HaveExactElements(harness.StatusRinging, harness.StatusBusy), rig.transcript)
			Expect(c.Info().Answered).To(BeZero())
			rig.expectRequest(rig.lastCallback(c), feWant{harness.KindStatusCallback, "POST", "/status", map[string]string{
				"CallStatus": "busy", "CallDuration": "0", "Duration": "0"}})
			Expect(rig.fetch(c.SID()).Price).To(HaveValue(Equal("0.00000")), "no charge (Fidelity: 0.00000 for unanswered calls)")
			Expect(c.Info().SIPResponseCode).To(Equal(486), "486 Busy Here")
			Expect(feSaid(c)).To(BeEmpty())
		})

		It("is no-answer with <Reject>", func() {
			rig := newRig(farEndApp{"/voice": `<Response><Reject/></Response>`})
			c := rig.incoming(scenario.Person())
			Expect(feStatuses(c)).To(HaveExactElements(harness.StatusRinging, harness.StatusNoAnswer), rig.transcript)
			Expect(c.Info().Answered).To(BeZero())
			rig.expectRequest(rig.lastCallback(c), feWant{harness.KindStatusCallback, "POST", "/status", map[string]string{
				"CallStatus": "no-answer", "Duration": "0"}})
			Expect(c.Info().SIPResponseCode).To(Equal(404), "404 Not Found: the caller hears that the number is not in service")
		})

		It("is answered and billed when the first verb is <Hangup>", func() {
			rig := newRig(farEndApp{"/voice": `<Response><Hangup/></Response>`})
			c := rig.incoming(scenario.Person())
			Expect(feStatuses(c)).To(HaveExactElements(harness.StatusRinging, harness.StatusInProgress, harness.StatusCompleted), rig.transcript)
			rig.expectRequest(rig.lastCallback(c), feWant{harness.KindStatusCallback, "POST", "/status", map[string]string{
				"CallStatus": "completed", "CallDuration": "0", "Duration": "1"}})
			Expect(rig.fetch(c.SID()).Price).To(HaveValue(Equal("-0.01400")), "one started minute at the default rate")
		})

		It(`is answered 5 s late when the first verb is <Pause length="5">`, func() {
			rig := newRig(farEndApp{"/voice": `<Response><Pause length="5"/><Say>Hello</Say></Response>`})
			c := rig.incoming(scenario.Person())
			info := c.Info()
			Expect(info.Answered.Sub(info.Started)).To(Equal(5*time.Second), rig.transcript)
			Expect(feStatuses(c)).To(HaveExactElements(harness.StatusRinging, harness.StatusInProgress, harness.StatusCompleted))
		})

		It("keeps ringing through a first <Redirect>", func() {
			rig := newRig(farEndApp{
				"/voice": `<Response><Redirect>/later</Redirect></Response>`,
				"/later": `<Response><Pause length="3"/><Say>Hello</Say></Response>`,
			})
			c := rig.incoming(scenario.Person())
			rig.expectRequests(c,
				feWant{harness.KindVoice, "POST", "/voice", map[string]string{"CallStatus": "ringing"}},
				feWant{harness.KindRedirect, "POST", "/later", map[string]string{"CallStatus": "ringing"}})
			info := c.Info()
			Expect(info.Answered.Sub(info.Started)).To(Equal(3*time.Second), rig.transcript)
		})

		It("is canceled when the caller hangs up while it rings", func() {
			rig := newRig(farEndApp{"/voice": `<Response><Pause length="30"/><Say>Too late</Say></Response>`})
			c := rig.incoming(scenario.Person().HangsUpAfter(10 * time.Second))
			Expect(feStatuses(c)).To(HaveExactElements(harness.StatusRinging, harness.StatusCanceled), rig.transcript)
			Expect(c.Info().Answered).To(BeZero())
			rig.expectRequest(rig.lastCallback(c), feWant{harness.KindStatusCallback, "POST", "/status", map[string]string{
				"CallStatus": "canceled", "CallDuration": "0"}})
			Expect(feSaid(c)).To(BeEmpty())
		})
	})

	Describe("a caller who hangs up", func() {
		It("during <Gather> makes no request to its action", func() {
			rig := newRig(farEndApp{"/voice": `<Response><Gather action="/gathered" numDigits="1"><Say>Press a key</Say></Gather><Say>Nothing pressed</Say></Response>`},
				harness.WithParty(feTo, scenario.Person().HangsUp().AtNext("Gather").After(time.Second)))
			c := rig.call(nil)
			rig.expectRequests(c, feWant{harness.KindVoice, "POST", "/voice", nil})
			Expect(feSaid(c)).To(HaveExactElements("Press a key"), rig.transcript)
			Expect(c.Status()).To(Equal(harness.StatusCompleted))
		})

		It("during <Record> still gets its action requested, with Digits=hangup and CallStatus=completed, its reply ignored", func() {
			rig := newRig(farEndApp{
				"/voice":    `<Response><Record action="/recorded"/><Say>Not reached</Say></Response>`,
				"/recorded": `<Response><Say>Ignored</Say></Response>`,
			}, harness.WithParty(feTo, scenario.Person().Talks(3*time.Second).ThenHangsUp()))
			c := rig.call(nil)
			rig.expectRequests(c,
				feWant{harness.KindVoice, "POST", "/voice", nil},
				feWant{harness.KindAction, "POST", "/recorded", map[string]string{
					"Digits": "hangup", "CallStatus": "completed", "RecordingDuration": "3"}})
			Expect(feRequests(c, harness.KindAction)[0].Form.Get("RecordingUrl")).To(HavePrefix("https://api.twilio.com/2010-04-01/Accounts/"))
			Expect(feSaid(c)).To(BeEmpty(), rig.transcript)
		})

		It("during a ringing <Dial> still gets its action requested, with CallStatus=completed and DialCallStatus=canceled", func() {
			rig := newRig(farEndApp{
				"/voice": `<Response><Dial action="/dial">` + feLeg + `</Dial><Say>Not reached</Say></Response>`,
				"/dial":  `<Response><Say>Ignored</Say></Response>`,
			}, harness.WithParty(feLeg, scenario.NoAnswer()),
				harness.WithParty(feTo, scenario.Person().HangsUp().AtNext("Dial").After(5*time.Second)))
			c := rig.call(nil)
			rig.expectRequests(c,
				feWant{harness.KindVoice, "POST", "/voice", nil},
				feWant{harness.KindAction, "POST", "/dial", map[string]string{
					"CallStatus": "completed", "DialCallStatus": "canceled", "DialBridged": "false"}})
			Expect(c.Info().Duration).To(Equal(5 * time.Second))
			Expect(c.Children()[0].Status()).To(Equal(harness.StatusCanceled), rig.transcript)
			Expect(feSaid(c)).To(BeEmpty(), rig.transcript)
		})

		It("during a bridged <Dial> still gets its action requested, with CallStatus=completed and DialCallStatus=completed", func() {
			rig := newRig(farEndApp{
				"/voice": `<Response><Dial action="/dial">` + feLeg + `</Dial><Say>Not reached</Say></Response>`,
				"/dial":  `<Response><Say>Ignored</Say></Response>`,
			}, harness.WithParty(feTo, scenario.Person().HangsUp().AtNext("Dial").After(10*time.Second)))
			c := rig.call(nil)
			child := c.Children()[0]
			rig.expectRequests(c,
				feWant{harness.KindVoice, "POST", "/voice", nil},
				feWant{harness.KindAction, "POST", "/dial", map[string]string{
					"CallStatus": "completed", "DialCallStatus": "completed", "DialBridged": "true",
					"DialCallSid": child.SID(), "DialCallDuration": "10"}})
			Expect(child.Status()).To(Equal(harness.StatusCompleted), rig.transcript)
			Expect(feSaid(c)).To(BeEmpty(), rig.transcript)
		})

		It("during <Play> hold music ends the call there", func() {
			const music = feOrigin + "/hold.mp3"
			rig := newRig(farEndApp{"/voice": `<Response><Say>Please hold</Say><Play>` + music + `</Play><Say>Still there?</Say></Response>`},
				harness.WithMediaDuration(music, time.Minute),
				harness.WithParty(feTo, scenario.Person().HangsUp().During("Play").After(5*time.Second)))
			c := rig.call(nil)
			rig.expectRequests(c, feWant{harness.KindVoice, "POST", "/voice", nil})
			Expect(feSaid(c)).To(HaveExactElements("Please hold"), rig.transcript)
			Expect(c.Info().Duration).To(Equal(6*time.Second), "one second of Say, five of music")
			Expect(c.Events()).To(ContainElement(And(
				HaveField("Kind", harness.EventHangup), HaveField("Text", ContainSubstring("during <Play>")))), rig.transcript)
			rig.expectRequest(rig.lastCallback(c), feWant{harness.KindStatusCallback, "POST", "/status", map[string]string{
				"CallStatus": "completed", "CallDuration": "6"}})
		})
	})

	Describe("a script that does not fit the call", func() {
		// misused runs a call whose far end presses 1 at a second Gather that
		// never comes, under a test double, and returns what would have
		// failed the test and the call.
		misused := func(opts ...harness.Option) ([]string, *harness.Call) {
			GinkgoHelper()
			ft := &farEndT{}
			opts = append([]harness.Option{
				harness.WithApp(feOrigin, farEndApp{"/voice": `<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather><Say>Bye</Say></Response>`}),
				harness.WithParty(feTo, scenario.Person().Presses("1").At("Gather", 2)),
			}, opts...)
			srv := harness.NewServer(ft, opts...)
			c := &client.Client{Credentials: client.NewCredentials(srv.AccountSID(), srv.AuthToken()), HTTPClient: srv.HTTPClient()}
			c.SetAccountSid(srv.AccountSID())
			p := &api.CreateCallParams{}
			p.SetTo(feTo).SetFrom(feFrom).SetUrl(feOrigin + "/voice")
			created, err := api.NewApiServiceWithClient(c).CreateCall(p)
			Expect(err).NotTo(HaveOccurred())
			call := srv.Call(*created.Sid)
			call.Wait()
			ft.runCleanups()
			return ft.failures(), call
		}

		It("fails the test, naming the unused step and what the call ran instead", func() {
			failures, c := misused()
			Expect(failures).To(HaveLen(1), c.Transcript)
			Expect(failures[0]).To(And(
				ContainSubstring(`press "1" at <Gather> #2`),
				ContainSubstring("was never used"),
				ContainSubstring("the call ran <Gather> #1, <Say> #1")))
		})

		It("with WithLenientScripts is only a notification", func() {
			failures, c := misused(harness.WithLenientScripts())
			Expect(failures).To(BeEmpty())
			notes := c.Notifications()
			Expect(notes).To(HaveLen(1), c.Transcript)
			Expect(notes[0].Code).To(Equal(harness.CodeUnusedStep))
			Expect(notes[0].Message).To(ContainSubstring(`press "1" at <Gather> #2`))
		})
	})
})

// farEndT is a [harness.TB] that keeps what would fail a test instead of
// failing it; the spec runs its cleanups itself.
type farEndT struct {
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (t *farEndT) Helper() {}

func (t *farEndT) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}

func (t *farEndT) Logf(string, ...any) {}

func (t *farEndT) Errorf(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errors = append(t.errors, fmt.Sprintf(format, args...))
}

func (t *farEndT) Fatalf(format string, args ...any) { t.Errorf(format, args...) }

// runCleanups runs the cleanups, last registered first, as testing does.
func (t *farEndT) runCleanups() {
	t.mu.Lock()
	fs := t.cleanups
	t.cleanups = nil
	t.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

// failures returns what Errorf and Fatalf were told.
func (t *farEndT) failures() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.errors...)
}

// The tests below are plain tests of the far end's script (farend.go):
// steps by trigger, and the report of a step that was never used.

func TestUnusedStepIsReported(t *testing.T) {
	_, c := run(t, map[string]string{"/voice": `<Response><Say>No menu here</Say></Response>`},
		scenario.Party{Steps: []scenario.Step{press("1")}}, harness.WithLenientScripts())
	notes := c.Notifications()
	if len(notes) != 1 || notes[0].Code != harness.CodeUnusedStep || !strings.Contains(notes[0].Message, `press "1"`) {
		t.Fatalf("notifications = %+v", notes)
	}
}

// recordingT is a harness.TB that keeps what would fail a test.
type recordingT struct {
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (r *recordingT) Helper()                      {}
func (r *recordingT) Cleanup(f func())             { r.cleanups = append(r.cleanups, f) }
func (r *recordingT) Logf(format string, a ...any) {}
func (r *recordingT) Errorf(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recordingT) Fatalf(format string, a ...any) { r.Errorf(format, a...) }

func TestMisusedScriptFailsTheTest(t *testing.T) {
	rt := &recordingT{}
	srv := harness.NewServer(rt, harness.WithApp(origin, &docs{paths: map[string]string{
		"/voice": `<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather><Say>Bye</Say></Response>`}}),
		harness.WithParty(to, scenario.Person().Presses("1").At("Gather", 2)))
	defer func() {
		for _, f := range rt.cleanups {
			f()
		}
	}()
	c := place(t, srv, nil)
	c.Wait()
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if len(rt.errors) != 1 {
		t.Fatalf("the test got %d errors, want 1: %q", len(rt.errors), rt.errors)
	}
	for _, want := range []string{`press "1" at <Gather> #2`, "was never used", "the call ran <Gather> #1, <Say> #1"} {
		if !strings.Contains(rt.errors[0], want) {
			t.Errorf("the failure says %q; want it to contain %q", rt.errors[0], want)
		}
	}
}

// TestStepAtTheNthEnqueue checks that a step aimed at the first <Enqueue>
// applies there: an <Enqueue> counts once, like any verb.
func TestStepAtTheNthEnqueue(t *testing.T) {
	_, c := run(t, map[string]string{"/voice": `<Response><Enqueue waitUrl="">help</Enqueue></Response>`},
		scenario.Person().HangsUp().At("Enqueue", 1).After(30*time.Second))
	var left *harness.Event
	for _, e := range c.Events() {
		if e.Kind == harness.EventQueue && e.Action == harness.ActionLeft {
			left = &e
		}
	}
	if left == nil || left.Status != harness.QueueHangup || left.Duration != 30*time.Second {
		t.Errorf("left the queue: %+v, want QueueResult hangup after 30s\n%s", left, c.Transcript())
	}
	if n := c.Notifications(); len(n) != 0 {
		t.Errorf("notifications = %+v, want none", n)
	}
}

func TestFarEndSteps(t *testing.T) {
	hangUpAt := func(verb string, d time.Duration) scenario.Step {
		return scenario.Step{When: scenario.Trigger{Verb: verb}, Do: scenario.Action{Kind: scenario.HangUp, Delay: d}}
	}
	pressAt := func(digits string, when scenario.Trigger) scenario.Step {
		return scenario.Step{When: when, Do: scenario.Action{Kind: scenario.Press, Digits: digits}}
	}
	twoGathers := map[string]string{
		"/voice": `<Response>
			<Gather numDigits="1" action="/menu" timeout="2"><Say>Press 1</Say></Gather>
			<Gather numDigits="1" action="/menu" timeout="2"><Say>Last chance, press 1</Say></Gather>
			<Say>Goodbye</Say></Response>`,
		"/menu": `<Response><Say>Thanks</Say></Response>`,
	}
	runFlows(t, []flow{
		{
			name: "hangs up during the hold music",
			paths: map[string]string{
				"/voice": `<Response><Say>Please hold</Say><Play loop="0">` + holdTune + `</Play><Say>never</Say></Response>`},
			party:        scenario.Party{Steps: []scenario.Step{hangUpAt("Play", 30*time.Second)}},
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second + 30*time.Second,
			check: both(wantSaid("Please hold", "play "+holdTune), func(t *testing.T, _ *harness.Server, c *harness.Call) {
				if n := notes(c); len(n) != 0 {
					t.Errorf("notifications = %v, want none", n)
				}
			}),
		},
		{
			name:         "at the second Gather",
			paths:        twoGathers,
			party:        scenario.Party{Steps: []scenario.Step{pressAt("1", scenario.Trigger{Verb: "Gather", Nth: 2})}},
			params:       []string{"Digits"},
			want:         []req{voiceReq, {harness.KindAction, "POST", "/menu", values("Digits", "1")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second + 2*time.Second + 1600*time.Millisecond + time.Second, // first gather times out
			check:        wantSaid("Press 1", "Last chance, press 1", "Thanks"),
		},
		{
			name:         "at the second verb waiting for input",
			paths:        twoGathers,
			party:        scenario.Party{Steps: []scenario.Step{pressAt("1", scenario.Trigger{Nth: 2})}},
			params:       []string{"Digits"},
			want:         []req{voiceReq, {harness.KindAction, "POST", "/menu", values("Digits", "1")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second + 2*time.Second + 1600*time.Millisecond + time.Second,
			check:        wantSaid("Press 1", "Last chance, press 1", "Thanks"),
		},
		{
			name: "by what the prompt says, whatever the order of the steps",
			paths: map[string]string{
				"/voice":   `<Response><Gather numDigits="1" action="/billing"><Say>For billing press 2</Say></Gather></Response>`,
				"/billing": `<Response><Gather numDigits="1" action="/sales"><Say>For sales press 1</Say></Gather></Response>`,
				"/sales":   `<Response><Say>Sales</Say></Response>`,
			},
			party: scenario.Party{Steps: []scenario.Step{
				pressAt("1", scenario.Trigger{PromptContains: "SALES"}),
				pressAt("2", scenario.Trigger{PromptContains: "billing"}),
			}},
			params: []string{"Digits"},
			want: []req{voiceReq,
				{harness.KindAction, "POST", "/billing", values("Digits", "2")},
				{harness.KindAction, "POST", "/sales", values("Digits", "1")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: 1600*time.Millisecond + 1600*time.Millisecond + time.Second,
			check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
				if n := notes(c); len(n) != 0 {
					t.Errorf("notifications = %v, want none: both steps were used", n)
				}
			},
		},
		{
			name: "a Repeat step applies at every Gather and is never reported unused",
			paths: map[string]string{
				"/voice": `<Response><Gather numDigits="1" action="/again"><Say>Press 9</Say></Gather></Response>`,
				"/again": `<Response><Gather numDigits="1" action="/done"><Say>Press 9 again</Say></Gather></Response>`,
				"/done":  `<Response><Say>Done</Say></Response>`,
			},
			party:  scenario.Party{Steps: []scenario.Step{{Do: scenario.Action{Kind: scenario.Press, Digits: "9"}, Repeat: true}}},
			params: []string{"Digits"},
			want: []req{voiceReq,
				{harness.KindAction, "POST", "/again", values("Digits", "9")},
				{harness.KindAction, "POST", "/done", values("Digits", "9")}},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second + 1200*time.Millisecond + time.Second,
			check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
				if n := notes(c); len(n) != 0 {
					t.Errorf("notifications = %v, want none", n)
				}
			},
		},
		{
			name: "an unused step is reported with the verbs the call ran",
			paths: map[string]string{
				"/voice": `<Response><Say>Welcome</Say><Gather numDigits="1" action="/menu" timeout="1"><Say>Press 1</Say></Gather><Say>Goodbye</Say></Response>`,
			},
			party:        scenario.Party{Steps: []scenario.Step{pressAt("1", scenario.Trigger{Verb: "Gather", Nth: 2})}},
			opts:         []harness.Option{harness.WithLenientScripts()}, // log the unused step, do not fail the test
			want:         []req{voiceReq},
			wantStatus:   harness.StatusCompleted,
			wantDuration: time.Second + time.Second + time.Second + time.Second,
			check: func(t *testing.T, _ *harness.Server, c *harness.Call) {
				want := []string{fmt.Sprintf(`%d error the far end's step 1 (press "1" at <Gather> #2) was never used; the call ran <Say> #1, <Gather> #1, <Say> #2`, harness.CodeUnusedStep)}
				if diff := cmp.Diff(want, notes(c)); diff != "" {
					t.Errorf("notifications mismatch (-want +got):\n%s", diff)
				}
			},
		},
	})
}
