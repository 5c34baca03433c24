package harness_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// These specs pin down ConversationRelay (../shared/reference/
// conversation-relay.md) from the application's side: an agent application
// (rsApp) records every message Twilio sends it, the upgrade request and
// how its socket was closed, and answers as the spec's bot says; each spec
// asserts on what the application saw (the exact JSON where it matters),
// on the Connect action's parameters, on the call's events and on the
// Conversation view. A few run twice, in-process (wss://) and over a real
// loopback ws:// server with the same handler (ways, stream_test.go).

// The addresses of the relay specs.
const (
	rsOrigin  = "https://app.example.com"
	rsCaller  = "+14155550902" // whom the outbound calls reach
	rsFrom    = "+15005550006"
	rsNumber  = "+14155550100" // the number inbound calls reach
	rsInbound = "+14155550999" // who calls it
)

// rsMsg is a message Twilio sent, as received: its text, and its fields
// decoded strictly (a field Twilio does not document, or a field of the
// wrong JSON type, is an error in Err).
type rsMsg struct {
	Raw    string `json:"-"`
	Binary bool   `json:"-"`
	Err    error  `json:"-"`

	Type string `json:"type"`
	// setup
	SessionID        string            `json:"sessionId"`
	AccountSid       string            `json:"accountSid"`
	ParentCallSid    string            `json:"parentCallSid"`
	CallSid          string            `json:"callSid"`
	From             string            `json:"from"`
	To               string            `json:"to"`
	ForwardedFrom    string            `json:"forwardedFrom"`
	CallType         string            `json:"callType"`
	CallerName       string            `json:"callerName"`
	Direction        string            `json:"direction"`
	CallStatus       string            `json:"callStatus"`
	CustomParameters map[string]string `json:"customParameters"`
	// prompt
	VoicePrompt string `json:"voicePrompt"`
	Lang        string `json:"lang"`
	Last        *bool  `json:"last"`
	// dtmf
	Digit string `json:"digit"`
	// interrupt
	UtteranceUntilInterrupt  *string `json:"utteranceUntilInterrupt"`
	DurationUntilInterruptMs *int64  `json:"durationUntilInterruptMs"`
	// error
	Description string `json:"description"`
	// info
	Name  string `json:"name"`
	Value string `json:"value"`
}

func rsDecode(data []byte, binary bool) rsMsg {
	var m rsMsg
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	err := d.Decode(&m)
	m.Raw, m.Binary, m.Err = string(data), binary, err
	if binary && err == nil {
		m.Err = errors.New("a binary frame")
	}
	return m
}

// final reports whether m is a final prompt.
func (m rsMsg) final() bool { return m.Type == "prompt" && m.Last != nil && *m.Last }

// String is a line of a session's log, for specs that check an order:
// "setup", `prompt "I want" en-US partial`, `prompt "I want to book" en-US`,
// "dtmf 1", `interrupt "Sure, which" 1100ms`, `error "…"`,
// "info agentSpeaking on".
func (m rsMsg) String() string {
	switch m.Type {
	case "setup":
		return "setup"
	case "prompt":
		s := fmt.Sprintf("prompt %q %s", m.VoicePrompt, m.Lang)
		if m.Last == nil || !*m.Last {
			s += " partial"
		}
		return s
	case "dtmf":
		return "dtmf " + m.Digit
	case "interrupt":
		if m.UtteranceUntilInterrupt == nil || m.DurationUntilInterruptMs == nil {
			return "? " + m.Raw
		}
		return fmt.Sprintf("interrupt %q %dms", *m.UtteranceUntilInterrupt, *m.DurationUntilInterruptMs)
	case "error":
		return fmt.Sprintf("error %q", m.Description)
	case "info":
		return "info " + m.Name + " " + m.Value
	}
	return "? " + m.Raw
}

// rsScript is what an agent endpoint does: on each of Twilio's messages,
// by its type, after recording it. A prompt handler sees every prompt,
// partial or final.
type rsScript struct {
	refuse int // answer the upgrade with this HTTP status, when not 0
	on     map[string]func(*rsSession, rsMsg)
}

// and returns a copy of sc that also does f on a message of typ, after
// what it already did.
func (sc rsScript) and(typ string, f func(*rsSession, rsMsg)) rsScript {
	on := map[string]func(*rsSession, rsMsg){}
	for k, v := range sc.on {
		on[k] = v
	}
	if prev := on[typ]; prev != nil {
		on[typ] = func(s *rsSession, m rsMsg) { prev(s, m); f(s, m) }
	} else {
		on[typ] = f
	}
	sc.on = on
	return sc
}

// onSetup returns a copy of sc that sends msgs on setup.
func (sc rsScript) onSetup(msgs ...string) rsScript {
	return sc.and("setup", func(s *rsSession, _ rsMsg) { s.send(msgs...) })
}

// onPrompt returns a copy of sc that answers each final prompt with what
// reply returns for what the caller said.
func (sc rsScript) onPrompt(reply func(said string) []string) rsScript {
	return sc.and("prompt", func(s *rsSession, m rsMsg) {
		if m.final() {
			s.send(reply(m.VoicePrompt)...)
		}
	})
}

// replies returns a copy of sc that answers every final prompt with msgs.
func (sc rsScript) replies(msgs ...string) rsScript {
	return sc.onPrompt(func(string) []string { return msgs })
}

// rsListens is a script that answers nothing.
var rsListens = rsScript{}

// rsText is a text message of the application's.
func rsText(token string, last bool) string {
	return fmt.Sprintf(`{"type":"text","token":%s,"last":%t}`, rsJSON(token), last)
}

// rsSay is a whole talk cycle: one text message with last set.
func rsSay(token string) string { return rsText(token, true) }

// rsEnd is an end message with handoffData.
func rsEnd(handoff string) string {
	return `{"type":"end","handoffData":` + rsJSON(handoff) + `}`
}

// rsEndBare is an end message without handoffData.
const rsEndBare = `{"type":"end"}`

// rsJSON is s as a JSON string.
func rsJSON(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// rsApp is a relay spec's application: it answers each path of docs with
// its TwiML ("{ws}" standing for the WebSocket origin), each path of ws
// with an agent session following the script, and every other path
// (actions, callbacks) with the TwiML of after, or a <Hangup/>.
type rsApp struct {
	mu       sync.Mutex
	base     string // the origin sessions reach the application at: wss://… or ws://127.0.0.1:port
	docs     map[string]string
	ws       map[string]rsScript
	sessions []*rsSession
}

func (a *rsApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	doc, isDoc := a.docs[r.URL.Path]
	script, isWS := a.ws[r.URL.Path]
	base := a.base
	a.mu.Unlock()
	switch {
	case isWS:
		a.serveWS(w, r, script)
	case isDoc:
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, strings.ReplaceAll(doc, wsBase, base))
	default:
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Hangup/></Response>`)
	}
}

// serveWS is one agent session: it records the upgrade request, every
// message and how the socket closed, and follows the script.
func (a *rsApp) serveWS(w http.ResponseWriter, r *http.Request, script rsScript) {
	s := &rsSession{newAppConn[rsMsg](r)}
	a.mu.Lock()
	a.sessions = append(a.sessions, s)
	a.mu.Unlock()
	defer close(s.done)
	if script.refuse != 0 {
		http.Error(w, "not here", script.refuse)
		s.end("refused")
		return
	}
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		s.end("accept failed: " + err.Error())
		return
	}
	defer conn.CloseNow()
	s.conn = conn
	ctx := context.Background()
	for {
		typ, data, err := conn.Read(ctx)
		if err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				s.end(fmt.Sprintf("closed by Twilio: %d %q", int(ce.Code), ce.Reason))
			} else {
				s.end("broken: " + err.Error())
			}
			return
		}
		m := rsDecode(data, typ == websocket.MessageBinary)
		s.keep(m)
		if f := script.on[m.Type]; f != nil {
			f(s, m)
		}
		if s.isClosed() {
			return
		}
	}
}

// sessionsAt returns the sessions of path, in the order they began, each
// once it has ended.
func (a *rsApp) sessionsAt(path string) []*rsSession {
	a.mu.Lock()
	all := append([]*rsSession(nil), a.sessions...)
	a.mu.Unlock()
	var out []*rsSession
	for _, s := range all {
		if s.Path == path {
			<-s.done
			out = append(out, s)
		}
	}
	return out
}

// rsSession is one agent WebSocket connection, as the application saw it.
type rsSession struct{ appConn[rsMsg] }

// log is the session's messages as lines (rsMsg.String).
func (s *rsSession) log() []string {
	out := []string{}
	for _, m := range s.received() {
		out = append(out, m.String())
	}
	return out
}

// raw is the session's messages as received.
func (s *rsSession) raw() []string {
	out := []string{}
	for _, m := range s.received() {
		out = append(out, m.Raw)
	}
	return out
}

// setup returns the session's first message, its setup.
func (s *rsSession) setup() rsMsg {
	GinkgoHelper()
	got := s.received()
	Expect(got).NotTo(BeEmpty())
	Expect(got[0].Type).To(Equal("setup"))
	return got[0]
}

// of returns the messages of typ.
func (s *rsSession) of(typ string) []rsMsg {
	var out []rsMsg
	for _, m := range s.received() {
		if m.Type == typ {
			out = append(out, m)
		}
	}
	return out
}

// send writes text messages. It runs on the handler's goroutine: a failure
// is kept for the rig to report.
func (s *rsSession) send(msgs ...string) {
	for _, m := range msgs {
		s.write(websocket.MessageText, []byte(m), m)
	}
}

// relayRig is one fake Twilio for one relay spec: the server, the
// application (in-process at rsOrigin, or also served on a loopback
// port), and the notifications the spec expects.
type relayRig struct {
	srv   *harness.Server
	app   *rsApp
	codes []int
}

// newRelayRig starts a server owned by the running spec with the
// application's documents docs and agent endpoints ws. In-process, the
// endpoints are at wss://app.example.com; over loopback, at
// ws://127.0.0.1:port of a real server with the same handler. When the
// spec ends the server must have logged exactly the notifications the
// spec expects (expectCodes), the application must have written every
// message it meant to, and every message Twilio sent must have decoded
// strictly.
func newRelayRig(loopback bool, docs map[string]string, ws map[string]rsScript, opts ...harness.Option) *relayRig {
	GinkgoHelper()
	app := &rsApp{base: "wss://app.example.com", docs: docs, ws: ws}
	r := &relayRig{app: app}
	if loopback {
		ts := httptest.NewServer(app)
		DeferCleanup(ts.Close)
		app.base = "ws" + strings.TrimPrefix(ts.URL, "http")
	}
	opts = append([]harness.Option{harness.WithApp(rsOrigin, app)}, opts...)
	r.srv = harness.NewServer(GinkgoT(), opts...)
	DeferCleanup(func() {
		var got []int
		for _, n := range r.srv.Notifications() {
			got = append(got, n.Code)
		}
		Expect(got).To(Equal(r.codes), r.srv.Transcript)
		app.mu.Lock()
		sessions := append([]*rsSession(nil), app.sessions...)
		app.mu.Unlock()
		for _, s := range sessions {
			<-s.done
			s.mu.Lock()
			errs := s.errs
			s.mu.Unlock()
			Expect(errs).To(BeEmpty(), "the application at %s", s.Path)
			for _, m := range s.received() {
				Expect(m.Err).NotTo(HaveOccurred(), "a message Twilio sent: %s", m.Raw)
			}
		}
	})
	return r
}

// expectCodes says which notifications the spec's server must have logged
// by its end, in order.
func (r *relayRig) expectCodes(codes ...int) { r.codes = codes }

// wsURL is the URL of the application's agent endpoint path.
func (r *relayRig) wsURL(path string) string { return r.app.base + path }

// call places a call to rsCaller whose Url is the document at path. The
// call is not run.
func (r *relayRig) call(path string) *harness.Call {
	GinkgoHelper()
	return r.callTo(rsCaller, path)
}

// callTo places a call to to whose Url is the document at path.
func (r *relayRig) callTo(to, path string) *harness.Call {
	GinkgoHelper()
	c, err := r.srv.CreateCall(url.Values{"To": {to}, "From": {rsFrom}, "Url": {rsOrigin + path}})
	Expect(err).NotTo(HaveOccurred())
	return c
}

// run places the call of path and waits for its end.
func (r *relayRig) run(path string) *harness.Call {
	GinkgoHelper()
	c := r.call(path)
	r.srv.Run()
	Expect(c.Ended()).To(BeTrue(), r.srv.Transcript)
	return c
}

// incoming makes caller call rsNumber, whose voice URL is the document at
// path, and runs the call to its end.
func (r *relayRig) incoming(path string, caller scenario.Party) *harness.Call {
	GinkgoHelper()
	_, err := r.srv.AddNumber(harness.IncomingNumber{PhoneNumber: rsNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: rsOrigin + path}})
	Expect(err).NotTo(HaveOccurred())
	c, err := r.srv.IncomingCall(rsInbound, rsNumber, caller)
	Expect(err).NotTo(HaveOccurred())
	r.srv.Run()
	Expect(c.Ended()).To(BeTrue(), r.srv.Transcript)
	return c
}

// session returns the only session of path, once it has ended.
func (r *relayRig) session(path string) *rsSession {
	GinkgoHelper()
	ss := r.app.sessionsAt(path)
	Expect(ss).To(HaveLen(1), "sessions at %s\n%s", path, r.srv.Transcript())
	return ss[0]
}

// actions returns the parameters of the Connect action requests, in
// order.
func (r *relayRig) actions() []map[string]string {
	out := []map[string]string{}
	for _, req := range r.srv.Requests() {
		if req.Kind == harness.KindAction {
			out = append(out, srParams(req))
		}
	}
	return out
}

// action returns the parameters of the only Connect action request.
func (r *relayRig) action() map[string]string {
	GinkgoHelper()
	acts := r.actions()
	Expect(acts).To(HaveLen(1), r.srv.Transcript)
	return acts[0]
}

// conversation returns the call's latest conversation.
func (r *relayRig) conversation(c *harness.Call) harness.Conversation {
	GinkgoHelper()
	cv, ok := c.Conversation()
	Expect(ok).To(BeTrue(), "the call had no conversation")
	return cv
}

// rsRelay is a document that connects the call to the agent at {ws}path
// with the ConversationRelay's attributes and children, then says "next
// verb".
func rsRelay(connectAttrs, path, relayAttrs, children string) string {
	return `<Response><Connect` + srAttrs(connectAttrs) + `><ConversationRelay url="` + wsBase + path + `"` + srAttrs(relayAttrs) + `>` +
		children + `</ConversationRelay></Connect><Say>next verb</Say></Response>`
}

// rsAfter is the TwiML the action of the specs' Connects answers.
const rsAfter = `<Response><Say>after the conversation</Say></Response>`

// rsSessionKeys are the keys of the action's parameters about the session.
var rsSessionKeys = []string{"SessionId", "SessionStatus", "SessionDuration", "HandoffData", "ErrorCode", "ErrorMessage", "CallStatus"}

// rsSessionParams returns the session's parameters of an action request
// (and its CallStatus).
func rsSessionParams(p map[string]string) map[string]string {
	out := map[string]string{}
	for _, k := range rsSessionKeys {
		if v, ok := p[k]; ok {
			out[k] = v
		}
	}
	return out
}

// rsRelayEvents lists a call's relay events in words, each with its
// virtual time: "started", "said greeting "…" 2s", "said "…" 1s",
// "played <url> 6s", "digits 12", "interrupted speech "…" 1.1s",
// "preempted "…" 800ms", "language", "ended <status>", "failed <code>".
func rsRelayEvents(c *harness.Call) []string {
	out := []string{}
	for _, e := range c.Events() {
		if e.Kind != harness.EventRelay || e.Action == harness.ActionDialing {
			continue
		}
		var s string
		switch e.Action {
		case harness.ActionStarted:
			s = "started"
		case harness.ActionAgentSaid:
			s = fmt.Sprintf("said %q %s %v", e.Words, e.Name, e.Duration)
		case harness.ActionAgentPlayed:
			s = fmt.Sprintf("played %s %v", e.URL, e.Duration)
		case harness.ActionAgentDigits:
			s = "digits " + e.Digits
		case harness.ActionInterrupted:
			s = fmt.Sprintf("interrupted %q %v", e.Words, e.Duration)
		case harness.ActionPreempted:
			s = fmt.Sprintf("preempted %q %v", e.Words, e.Duration)
		case harness.ActionLanguage:
			s = "language"
		case harness.ActionEnded:
			s = "ended " + string(e.Status)
		case harness.ActionFailed:
			s = fmt.Sprintf("failed %d", e.Code)
		default:
			s = string(e.Action) + " " + e.Text
		}
		out = append(out, s+" @"+srAt(e.Time).String())
	}
	return out
}

// rsTurns lists a conversation's turns in words: speaker, kind, text,
// duration, and how it was cut or whether it went unreported.
func rsTurns(cv harness.Conversation) []string {
	out := []string{}
	for _, t := range cv.Turns {
		s := fmt.Sprintf("%s %s %q %v", t.Speaker, t.Kind, t.Text, t.Duration)
		if t.Lang != "" {
			s += " " + t.Lang
		}
		switch {
		case t.Interrupted:
			s += fmt.Sprintf(" interrupted by %s, heard %q", t.By, t.Heard)
		case t.Preempted:
			s += fmt.Sprintf(" preempted, heard %q", t.Heard)
		case t.CutOff:
			s += fmt.Sprintf(" cut off, heard %q", t.Heard)
		}
		if t.Unreported {
			s += " unreported"
		}
		out = append(out, s+" @"+srAt(t.Time).String())
	}
	return out
}

// rsUpdate updates the call through the REST API, as twilio-go does.
func rsUpdate(r *relayRig, c *harness.Call, set func(*api.UpdateCallParams)) {
	GinkgoHelper()
	p := &api.UpdateCallParams{}
	set(p)
	_, err := restClient(r.srv).UpdateCall(c.SID(), p)
	Expect(err).NotTo(HaveOccurred())
}

var _ = Describe("ConversationRelay: the messages Twilio sends", func() {
	ways("sends setup first with every field, all strings, in Twilio's order", func(loopback bool) {
		r := newRelayRig(loopback, map[string]string{"/voice": rsRelay(`action="/after"`, "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.onSetup(rsEndBare)})
		c := r.run("/voice")
		s := r.session("/relay")
		setup := s.setup()
		Expect(setup.SessionID).To(MatchRegexp(`^VX[0-9a-f]{32}$`))
		Expect(setup.Raw).To(Equal(`{"type":"setup","sessionId":"` + setup.SessionID + `","accountSid":"` + r.srv.AccountSID() +
			`","parentCallSid":"","callSid":"` + c.SID() + `","from":"` + rsFrom + `","to":"` + rsCaller +
			`","forwardedFrom":"","callType":"PSTN","callerName":"","direction":"outbound-api","callStatus":"IN_PROGRESS","customParameters":{}}`))
		Expect(s.log()).To(HaveExactElements("setup"), "nothing more: the application ended the session at once")
		Expect(r.action()["SessionId"]).To(Equal(setup.SessionID))
		Expect(r.conversation(c).SessionID).To(Equal(setup.SessionID))
	})
})

var _ = Describe("ConversationRelay: setup", func() {
	It("carries the <Parameter>s as customParameters, in order, the last of a name winning", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "",
			`<Parameter name="who" value="caller"/><Parameter name="lang" value="fr"/><Parameter name="who" value="agent"/>`)},
			map[string]rsScript{"/relay": rsListens.onSetup(rsEndBare)})
		c := r.run("/voice")
		setup := r.session("/relay").setup()
		Expect(setup.Raw).To(HaveSuffix(`,"callStatus":"IN_PROGRESS","customParameters":{"who":"agent","lang":"fr"}}`))
		Expect(setup.CustomParameters).To(Equal(map[string]string{"who": "agent", "lang": "fr"}))
		params := r.conversation(c).Parameters
		Expect(params).To(HaveLen(2))
		Expect(params[0].Name + "=" + params[0].Value).To(Equal("who=agent"))
		Expect(params[1].Name + "=" + params[1].Value).To(Equal("lang=fr"))
	})

	It("says RINGING for an inbound call the Connect answers, with the caller's name and forwarding number; a second session on the call is IN_PROGRESS, with a new sessionId", func() {
		r := newRelayRig(false, map[string]string{"/voice": `<Response><Connect><ConversationRelay url="{ws}/one"/></Connect>` +
			`<Connect><ConversationRelay url="{ws}/two"/></Connect></Response>`},
			map[string]rsScript{"/one": rsListens.onSetup(rsEndBare), "/two": rsListens.onSetup(rsEndBare)})
		c := r.incoming("/voice", scenario.Person().Named("ALICE SMITH").ForwardedBy("+14155550777"))
		one, two := r.session("/one").setup(), r.session("/two").setup()
		Expect(one.Raw).To(Equal(`{"type":"setup","sessionId":"` + one.SessionID + `","accountSid":"` + r.srv.AccountSID() +
			`","parentCallSid":"","callSid":"` + c.SID() + `","from":"` + rsInbound + `","to":"` + rsNumber +
			`","forwardedFrom":"+14155550777","callType":"PSTN","callerName":"ALICE SMITH","direction":"inbound","callStatus":"RINGING","customParameters":{}}`))
		Expect(two.CallStatus).To(Equal("IN_PROGRESS"))
		Expect(two.CallSid).To(Equal(c.SID()))
		Expect(two.SessionID).To(MatchRegexp(`^VX[0-9a-f]{32}$`))
		Expect(two.SessionID).NotTo(Equal(one.SessionID))
		cvs := c.Conversations()
		Expect(cvs).To(HaveLen(2))
		Expect([]string{cvs[0].SessionID, cvs[1].SessionID}).To(Equal([]string{one.SessionID, two.SessionID}))
	})

	DescribeTable("gives callType by the call's far end",
		func(to, want string) {
			r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
				map[string]rsScript{"/relay": rsListens.onSetup(rsEndBare)})
			c := r.callTo(to, "/voice")
			r.srv.Run()
			Expect(c.Ended()).To(BeTrue())
			setup := r.session("/relay").setup()
			Expect(setup.CallType).To(Equal(want))
			Expect(setup.To).To(Equal(to))
		},
		Entry("CLIENT for a client: address", "client:alice", "CLIENT"),
		Entry("SIP for a sip: address", "sip:bob@example.com", "SIP"),
		Entry("PSTN for a phone number", "+14155550903", "PSTN"),
	)

	It("gives a dialed leg's parentCallSid and direction when the leg is redirected into a session", func() {
		r := newRelayRig(false, map[string]string{"/voice": `<Response><Dial><Number>+14155550903</Number></Dial><Say>back</Say></Response>`,
			"/leg": `<Response><Connect><ConversationRelay url="{ws}/relay"/></Connect></Response>`},
			map[string]rsScript{"/relay": rsListens.onSetup(rsEndBare)})
		c := r.call("/voice")
		r.srv.Advance(time.Second)
		kids := c.Children()
		Expect(kids).To(HaveLen(1), r.srv.Transcript)
		rsUpdate(r, kids[0], func(p *api.UpdateCallParams) { p.SetUrl(rsOrigin + "/leg") })
		r.srv.Run()
		setup := r.session("/relay").setup()
		Expect(setup.ParentCallSid).To(Equal(c.SID()))
		Expect(setup.CallSid).To(Equal(kids[0].SID()))
		Expect(setup.Direction).To(Equal("outbound-dial"))
		Expect(setup.CallStatus).To(Equal("IN_PROGRESS"))
	})
})

var _ = Describe("ConversationRelay: prompts, dtmf, errors and info", func() {
	It("sends what the caller said as a final prompt, last a boolean, once it is said (0.4 s a word, at least 1 s)", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.replies(rsEndBare)},
			harness.WithParty(rsCaller, scenario.Person().Says("I want to book").InConversation()))
		c := r.run("/voice")
		s := r.session("/relay")
		prompts := s.of("prompt")
		Expect(prompts).To(HaveLen(1), r.srv.Transcript)
		Expect(prompts[0].Raw).To(Equal(`{"type":"prompt","voicePrompt":"I want to book","lang":"en-US","last":true}`))
		var at []time.Duration
		for _, m := range r.conversation(c).Messages {
			if m.Type == "prompt" {
				at = append(at, srAt(m.Time))
			}
		}
		Expect(at).To(HaveExactElements(1600 * time.Millisecond))
	})

	It("gives a prompt the recognition language, or the language the caller speaks in (InLanguage)", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `transcriptionLanguage="es-ES"`, "")},
			map[string]rsScript{"/relay": rsListens.onPrompt(func(said string) []string {
				if said == "bonjour" {
					return []string{rsEndBare}
				}
				return []string{rsSay("Hola")}
			})},
			harness.WithParty(rsCaller, scenario.Person().Says("hola").InConversation().Says("bonjour").InLanguage("fr-FR").InConversation()))
		r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup", `prompt "hola" es-ES`, `prompt "bonjour" fr-FR`))
	})

	It("sends cumulative partial prompts with last false, 400 ms apart, before the final one, when partialPrompts is true", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `partialPrompts="true"`, "")},
			map[string]rsScript{"/relay": rsListens.replies(rsEndBare)},
			harness.WithParty(rsCaller, scenario.Person().Says("I want to book a table").InConversation()))
		c := r.run("/voice")
		s := r.session("/relay")
		Expect(s.log()).To(HaveExactElements("setup", `prompt "I" en-US partial`, `prompt "I want" en-US partial`, `prompt "I want to" en-US partial`,
			`prompt "I want to book" en-US partial`, `prompt "I want to book a" en-US partial`, `prompt "I want to book a table" en-US`))
		Expect(s.of("prompt")[1].Raw).To(Equal(`{"type":"prompt","voicePrompt":"I want","lang":"en-US","last":false}`))
		var at []time.Duration
		for _, m := range r.conversation(c).Messages {
			if m.Type == "prompt" {
				at = append(at, srAt(m.Time))
			}
		}
		Expect(at).To(HaveExactElements(400*time.Millisecond, 800*time.Millisecond, 1200*time.Millisecond,
			1600*time.Millisecond, 2000*time.Millisecond, 2400*time.Millisecond))
	})

	It("sends one dtmf message per key, KeyGap apart, when dtmfDetection is true", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `dtmfDetection="true"`, "")},
			map[string]rsScript{"/relay": rsListens.and("dtmf", func(s *rsSession, m rsMsg) {
				if m.Digit == "#" {
					s.send(rsEndBare)
				}
			})},
			harness.WithParty(rsCaller, scenario.Person().Presses("1#").InConversation().After(300*time.Millisecond)))
		c := r.run("/voice")
		s := r.session("/relay")
		Expect(s.raw()[1:]).To(HaveExactElements(`{"type":"dtmf","digit":"1"}`, `{"type":"dtmf","digit":"#"}`))
		var at []time.Duration
		for _, m := range r.conversation(c).Messages {
			if m.Type == "dtmf" {
				at = append(at, srAt(m.Time))
			}
		}
		Expect(at).To(HaveExactElements(300*time.Millisecond, 500*time.Millisecond))
		Expect(rsTurns(r.conversation(c))).To(HaveExactElements(`caller keys "1#" 200ms @300ms`))
	})

	It("sends no dtmf without dtmfDetection: the keys are the caller's turn, unreported", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens},
			harness.WithParty(rsCaller, scenario.Person().Presses("12").InConversation().HangsUp().InConversation()))
		c := r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup"))
		Expect(rsTurns(r.conversation(c))).To(HaveExactElements(`caller keys "12" 200ms unreported @0s`))
		Expect(srAt(c.Info().Ended)).To(Equal(200*time.Millisecond), "the caller hung up at its next turn, after its keys")
	})

	It("answers an invalid message with error, its description Twilio's (64107 and the frame)", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.onSetup(`{"type":"text","last":true}`).and("error", func(s *rsSession, _ rsMsg) { s.send(rsEndBare) })})
		r.expectCodes(64107)
		r.run("/voice")
		s := r.session("/relay")
		Expect(s.raw()[1:]).To(HaveExactElements(`{"type":"error","description":"Invalid message received, code: 64107, {\"type\":\"text\",\"last\":true}"}`))
		Expect(r.srv.Notifications()[0].Level).To(Equal(harness.LevelWarning))
	})

	It("sends info messages for debug=\"speaker-events tokens-played\": who speaks, on and off, and the tokens played", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `welcomeGreeting="Hello there" debug="speaker-events tokens-played"`, "")},
			map[string]rsScript{"/relay": rsListens.replies(rsSay("Bye now"))},
			harness.WithParty(rsCaller, scenario.Person().Says("hi").InConversation().HangsUp().InConversation()))
		r.run("/voice")
		s := r.session("/relay")
		Expect(s.log()).To(HaveExactElements("setup", "info agentSpeaking on", "info tokensPlayed Hello there", "info agentSpeaking off",
			"info clientSpeaking on", "info clientSpeaking off", `prompt "hi" en-US`,
			"info agentSpeaking on", "info tokensPlayed Bye now", "info agentSpeaking off"))
		Expect(s.raw()[1]).To(Equal(`{"type":"info","name":"agentSpeaking","value":"on"}`))
		Expect(s.raw()[2]).To(Equal(`{"type":"info","name":"tokensPlayed","value":"Hello there"}`))
	})

	It("sends only the info messages asked for: events=\"tokens-played\" as debug does", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `welcomeGreeting="Hello there" events="tokens-played"`, "")},
			map[string]rsScript{"/relay": rsListens},
			harness.WithParty(rsCaller, scenario.Person().HangsUp().InConversation()))
		r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup", "info tokensPlayed Hello there"))
	})

	It("sends no info messages without debug", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `welcomeGreeting="Hello there"`, "")},
			map[string]rsScript{"/relay": rsListens.replies(rsSay("Bye now"))},
			harness.WithParty(rsCaller, scenario.Person().Says("hi").InConversation().HangsUp().InConversation()))
		r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup", `prompt "hi" en-US`))
	})
})

var _ = Describe("ConversationRelay: the application's messages", func() {
	It("speaks streamed text tokens as one talk cycle once last is true, 0.4 s a word", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.replies(rsText("Which", false), rsText(" day", false), rsText(" suits you?", true))},
			harness.WithParty(rsCaller, scenario.Person().Says("book").InConversation().HangsUp().InConversation()))
		c := r.run("/voice")
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", `said "Which day suits you?" en-US 1.6s @1s`, "ended completed @2.6s"), r.srv.Transcript)
		Expect(rsTurns(r.conversation(c))).To(HaveExactElements(`caller speech "book" 1s en-US @0s`, `agent text "Which day suits you?" 1.6s en-US @1s`))
	})

	It("joins tokens that come while the cycle plays to the same turn, played after what is queued", func() {
		sent := false
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `debug="speaker-events"`, "")},
			map[string]rsScript{"/relay": rsListens.onSetup(rsText("Which day", false)).and("info", func(s *rsSession, m rsMsg) {
				if m.Name == "agentSpeaking" && m.Value == "on" && !sent {
					sent = true
					s.send(rsText(" suits you?", true))
				}
			})},
			harness.WithParty(rsCaller, scenario.Person().HangsUp().InConversation().WhenPromptContains("suits")))
		c := r.run("/voice")
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", `said "Which day" en-US 1s @0s`, `said " suits you?" en-US 1s @1s`, "ended completed @2s"), r.srv.Transcript)
		Expect(rsTurns(r.conversation(c))).To(HaveExactElements(`agent text "Which day suits you?" 2s en-US @0s`))
	})

	It("speaks text in its lang; the next text without one in the session's", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.replies(`{"type":"text","token":"Bonjour","lang":"fr-FR","last":true}`, rsSay("Hello"))},
			harness.WithParty(rsCaller, scenario.Person().Says("hi").InConversation().HangsUp().InConversation()))
		c := r.run("/voice")
		Expect(rsRelayEvents(c)).To(ContainElements(`said "Bonjour" fr-FR 1s @1s`, `said "Hello" en-US 1s @2s`))
		turns := r.conversation(c).Turns
		Expect(turns[1].Lang).To(Equal("fr-FR"))
		Expect(turns[2].Lang).To(Equal("en-US"))
	})

	It("plays a play message's source for its length times loop (WithMediaDuration)", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.replies(`{"type":"play","source":"https://app.example.com/hold.mp3","loop":2}`)},
			harness.WithParty(rsCaller, scenario.Person().Says("hold please").InConversation().HangsUp().InConversation()),
			harness.WithMediaDuration("https://app.example.com/hold.mp3", 3*time.Second))
		c := r.run("/voice")
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", "played https://app.example.com/hold.mp3 6s @1s", "ended completed @7s"), r.srv.Transcript)
		Expect(rsTurns(r.conversation(c))[1]).To(Equal(`agent play "https://app.example.com/hold.mp3" 6s @1s`))
	})

	It("plays a play message once without loop, for DefaultMediaDuration when the source's length is not set", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.replies(`{"type":"play","source":"https://app.example.com/music.mp3"}`)},
			harness.WithParty(rsCaller, scenario.Person().Says("hold please").InConversation().HangsUp().InConversation()))
		c := r.run("/voice")
		Expect(rsRelayEvents(c)[1]).To(Equal(fmt.Sprintf("played https://app.example.com/music.mp3 %v @1s", harness.DefaultMediaDuration)))
	})

	It("sends digits to the far end after the speech queued before them; tokens-played reports them", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `debug="tokens-played"`, "")},
			map[string]rsScript{"/relay": rsListens.replies(rsSay("Connecting you now"), `{"type":"sendDigits","digits":"12w3"}`)},
			harness.WithParty(rsCaller, scenario.Person().Says("operator").InConversation().HangsUp().InConversation()))
		c := r.run("/voice")
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", `said "Connecting you now" en-US 1.2s @1s`, "digits 12w3 @2.2s", "ended completed @3.3s"), r.srv.Transcript)
		Expect(r.session("/relay").log()).To(HaveExactElements("setup", `prompt "operator" en-US`, "info tokensPlayed Connecting you now", "info tokensPlayed 12w3"))
		Expect(rsTurns(r.conversation(c))[2]).To(Equal(`agent digits "12w3" 1.1s @2.2s`))
	})

	It("drops sendDigits with digits other than 0-9, w, # and * (64107), and the session goes on", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.replies(`{"type":"sendDigits","digits":"12a"}`, rsSay("Sorry"))},
			harness.WithParty(rsCaller, scenario.Person().Says("operator").InConversation().HangsUp().InConversation()))
		r.expectCodes(64107)
		c := r.run("/voice")
		Expect(r.session("/relay").raw()[2:]).To(HaveExactElements(`{"type":"error","description":"Invalid message received, code: 64107, {\"type\":\"sendDigits\",\"digits\":\"12a\"}"}`))
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", `said "Sorry" en-US 1s @1s`, "ended completed @2s"))
	})

	It("switches the languages with a language message: later text speaks ttsLanguage, later prompts carry transcriptionLanguage", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.onPrompt(func(said string) []string {
				if said == "french please" {
					return []string{`{"type":"language","ttsLanguage":"fr-FR","transcriptionLanguage":"fr-CA"}`, rsSay("Bien sûr")}
				}
				return []string{rsEndBare}
			})},
			harness.WithParty(rsCaller, scenario.Person().Says("french please").InConversation().Says("merci").InConversation()))
		c := r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup", `prompt "french please" en-US`, `prompt "merci" fr-CA`))
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", "language @1s", `said "Bien sûr" fr-FR 1s @1s`, "ended ended @3s"))
		cv := r.conversation(c)
		Expect(cv.TTSLanguage).To(Equal("fr-FR"))
		Expect(cv.TranscriptionLanguage).To(Equal("fr-CA"))
	})

	It("switches only the language a language message names", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.onPrompt(func(said string) []string {
				if said == "german please" {
					return []string{`{"type":"language","ttsLanguage":"de-DE"}`, rsSay("Gerne")}
				}
				return []string{rsEndBare}
			})},
			harness.WithParty(rsCaller, scenario.Person().Says("german please").InConversation().Says("thanks").InConversation()))
		c := r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup", `prompt "german please" en-US`, `prompt "thanks" en-US`))
		Expect(rsRelayEvents(c)).To(ContainElement(`said "Gerne" de-DE 1s @1s`))
	})

	ways("ends the session on end: the socket closed 1000, the action with SessionStatus=ended and HandoffData verbatim, whose TwiML runs", func(loopback bool) {
		handoff := `{"reason":"human","day":"Tuesday"}`
		r := newRelayRig(loopback, map[string]string{"/voice": rsRelay(`action="/after"`, "/relay", "", ""), "/after": rsAfter},
			map[string]rsScript{"/relay": rsListens.replies(rsEnd(handoff))},
			harness.WithParty(rsCaller, scenario.Person().Says("a human please").InConversation()))
		c := r.run("/voice")
		s := r.session("/relay")
		Expect(s.ended()).To(Equal(`closed by Twilio: 1000 ""`))
		act := r.action()
		Expect(rsSessionParams(act)).To(Equal(map[string]string{"SessionId": s.setup().SessionID, "SessionStatus": "ended",
			"SessionDuration": "1", "HandoffData": handoff, "CallStatus": "in-progress"}))
		Expect(act["CallSid"]).To(Equal(c.SID()))
		Expect(srSaid(c)).To(HaveExactElements("after the conversation @1.2s"), "once the caller's 3 words are said")
		cv := r.conversation(c)
		Expect(cv.Status).To(Equal(harness.SessionEnded))
		Expect(cv.HandoffData).To(HaveValue(Equal(handoff)))
	})

	It("ends the session on end without handoffData: no HandoffData; without action the next verb runs", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.replies(rsEndBare)},
			harness.WithParty(rsCaller, scenario.Person().Says("bye").InConversation()))
		c := r.run("/voice")
		Expect(r.actions()).To(BeEmpty())
		Expect(srSaid(c)).To(HaveExactElements("next verb @1s"))
		cv := r.conversation(c)
		Expect(cv.Status).To(Equal(harness.SessionEnded))
		Expect(cv.HandoffData).To(BeNil())
	})

	It("sends no HandoffData in the action when end has none", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay(`action="/after"`, "/relay", "", ""), "/after": rsAfter},
			map[string]rsScript{"/relay": rsListens.replies(rsEndBare)},
			harness.WithParty(rsCaller, scenario.Person().Says("bye").InConversation()))
		r.run("/voice")
		act := r.action()
		Expect(act).NotTo(HaveKey("HandoffData"))
		Expect(act).NotTo(HaveKey("ErrorCode"))
		Expect(act["SessionStatus"]).To(Equal("ended"))
	})

	It("ends at once on end, dropping the speech queued before it", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.replies(rsSay("Goodbye and thanks for calling"), rsEndBare)},
			harness.WithParty(rsCaller, scenario.Person().Says("bye").InConversation()))
		c := r.run("/voice")
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", "ended ended @1s"))
		Expect(srSaid(c)).To(HaveExactElements("next verb @1s"))
	})
})

// rsBargeIn is a caller who barges into the agent's next speech after
// 900 ms with input ("speech": says "wait"; "dtmf": presses 1), then hangs
// up at its next turn.
func rsBargeIn(input string) scenario.Party {
	p := scenario.Person()
	if input == "speech" {
		p = p.Says("wait")
	} else {
		p = p.Presses("1")
	}
	return p.InConversation().Interrupting().After(900 * time.Millisecond).HangsUp().InConversation()
}

// rsOK answers every final prompt and every key with "ok".
var rsOK = rsListens.replies(rsSay("ok")).and("dtmf", func(s *rsSession, _ rsMsg) { s.send(rsSay("ok")) })

// rsBargeLog is what the application sees of a barge-in 900 ms into
// "one two three four five" by input, if it interrupts.
func rsBargeLog(input string, interrupts bool) []string {
	if !interrupts {
		return []string{"setup"}
	}
	if input == "speech" {
		return []string{"setup", `interrupt "one two" 900ms`, `prompt "wait" en-US`}
	}
	return []string{"setup", `interrupt "one two" 900ms`, "dtmf 1"}
}

// rsBargeEnd is when the call of a barge-in 900 ms into 2 s of speech
// ends: the caller hangs up once the agent has said "ok" (1 s) after the
// prompt (1 s after the barge-in) or the key, or once the speech is over.
func rsBargeEnd(input string, interrupts bool) time.Duration {
	switch {
	case !interrupts:
		return 2 * time.Second
	case input == "speech":
		return 900*time.Millisecond + time.Second + time.Second
	}
	return 900*time.Millisecond + time.Second
}

var _ = Describe("ConversationRelay: what may interrupt the agent", func() {
	DescribeTable("lets the caller interrupt the welcome greeting as welcomeGreetingInterruptible says",
		func(attr, input string, interrupts bool) {
			attrs := `welcomeGreeting="one two three four five" dtmfDetection="true"`
			if attr != "" {
				attrs += ` welcomeGreetingInterruptible="` + attr + `"`
			}
			r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", attrs, "")},
				map[string]rsScript{"/relay": rsOK}, harness.WithParty(rsCaller, rsBargeIn(input)))
			c := r.run("/voice")
			Expect(r.session("/relay").log()).To(Equal(rsBargeLog(input, interrupts)), r.srv.Transcript)
			greeting := r.conversation(c).Turns[0]
			Expect(greeting.Kind).To(Equal(harness.TurnGreeting))
			Expect(greeting.Interrupted).To(Equal(interrupts))
			Expect(srAt(c.Info().Ended)).To(Equal(rsBargeEnd(input, interrupts)), r.srv.Transcript)
		},
		Entry("none: speech does not", "none", "speech", false),
		Entry("none: a key does not", "none", "dtmf", false),
		Entry("dtmf: a key does", "dtmf", "dtmf", true),
		Entry("dtmf: speech does not", "dtmf", "speech", false),
		Entry("speech: speech does", "speech", "speech", true),
		Entry("speech: a key does not", "speech", "dtmf", false),
		Entry("any: speech does", "any", "speech", true),
		Entry("any: a key does", "any", "dtmf", true),
		Entry("by default (any): speech does", "", "speech", true),
	)

	DescribeTable("lets the caller interrupt the agent's text as interruptible says",
		func(attr, input string, interrupts bool) {
			attrs := `dtmfDetection="true"`
			if attr != "" {
				attrs += ` interruptible="` + attr + `"`
			}
			r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", attrs, "")},
				map[string]rsScript{"/relay": rsOK.onSetup(rsSay("one two three four five"))}, harness.WithParty(rsCaller, rsBargeIn(input)))
			c := r.run("/voice")
			Expect(r.session("/relay").log()).To(Equal(rsBargeLog(input, interrupts)), r.srv.Transcript)
			Expect(r.conversation(c).Turns[0].Interrupted).To(Equal(interrupts))
			Expect(srAt(c.Info().Ended)).To(Equal(rsBargeEnd(input, interrupts)), r.srv.Transcript)
		},
		Entry("none: speech does not", "none", "speech", false),
		Entry("false (none): a key does not", "false", "dtmf", false),
		Entry("dtmf: a key does", "dtmf", "dtmf", true),
		Entry("dtmf: speech does not", "dtmf", "speech", false),
		Entry("speech: speech does", "speech", "speech", true),
		Entry("speech: a key does not", "speech", "dtmf", false),
		Entry("true (any): a key does", "true", "dtmf", true),
		Entry("by default (any): speech does", "", "speech", true),
	)
})

var _ = Describe("ConversationRelay: what the attributes change", func() {
	It("speaks welcomeGreeting once the socket is up, before the caller's first turn", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `welcomeGreeting="Hello, how can I help you today?"`, "")},
			map[string]rsScript{"/relay": rsListens.replies(rsEndBare)},
			harness.WithParty(rsCaller, scenario.Person().Says("hi").InConversation()))
		c := r.run("/voice")
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", `said "Hello, how can I help you today?" en-US 2.8s @0s`, "ended ended @3.8s"))
		Expect(r.session("/relay").log()).To(HaveExactElements("setup", `prompt "hi" en-US`), "the greeting is Twilio's: the application hears nothing of it")
		Expect(rsTurns(r.conversation(c))[0]).To(Equal(`agent greeting "Hello, how can I help you today?" 2.8s en-US @0s`))
	})

	It("lets the caller speak first when there is no welcomeGreeting", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.replies(rsEndBare)},
			harness.WithParty(rsCaller, scenario.Person().Says("hi").InConversation()))
		c := r.run("/voice")
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", "ended ended @1s"))
		Expect(rsTurns(r.conversation(c))).To(HaveExactElements(`caller speech "hi" 1s en-US @0s`))
	})

	DescribeTable("reports the caller's input during speech it cannot interrupt as reportInputDuringAgentSpeech says",
		func(attr, input string, reported bool) {
			attrs := `welcomeGreeting="one two three four five" welcomeGreetingInterruptible="none" dtmfDetection="true"`
			if attr != "" {
				attrs += ` reportInputDuringAgentSpeech="` + attr + `"`
			}
			r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", attrs, "")},
				map[string]rsScript{"/relay": rsOK}, harness.WithParty(rsCaller, rsBargeIn(input)))
			c := r.run("/voice")
			want, end := []string{"setup"}, 2*time.Second
			if reported {
				end = 3 * time.Second // "ok" after the greeting
				if input == "speech" {
					want = append(want, `prompt "wait" en-US`)
				} else {
					want = append(want, "dtmf 1")
				}
			}
			Expect(r.session("/relay").log()).To(Equal(want), r.srv.Transcript)
			turns := r.conversation(c).Turns
			Expect(turns[0].Interrupted).To(BeFalse())
			Expect(turns[1].Speaker).To(Equal(harness.SpeakerCaller))
			Expect(turns[1].Unreported).To(Equal(!reported))
			Expect(srAt(c.Info().Ended)).To(Equal(end), r.srv.Transcript)
		},
		Entry("by default (none): speech is not", "", "speech", false),
		Entry("none: a key is not", "none", "dtmf", false),
		Entry("speech: speech is, once said", "speech", "speech", true),
		Entry("speech: a key is not", "speech", "dtmf", false),
		Entry("dtmf: a key is", "dtmf", "dtmf", true),
		Entry("any: speech is", "any", "speech", true),
	)

	// preempting is a caller who presses 5 a second into the agent's
	// speech (which keys do not interrupt, but are reported), then hangs
	// up at its next turn; the application answers the key with text.
	preempting := func(relayAttrs, first string) *relayRig {
		return newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay",
			`interruptible="speech" dtmfDetection="true" reportInputDuringAgentSpeech="dtmf"`+srAttrs(relayAttrs), "")},
			map[string]rsScript{"/relay": rsListens.onSetup(first).and("dtmf", func(s *rsSession, _ rsMsg) { s.send(rsSay("You pressed five")) })},
			harness.WithParty(rsCaller, scenario.Person().Presses("5").InConversation().Interrupting().After(time.Second).HangsUp().InConversation()))
	}
	const ten = "one two three four five six seven eight nine ten"

	It("lets the next message cut a preemptible text (text's preemptible), without an interrupt", func() {
		r := preempting("", `{"type":"text","token":"`+ten+`","last":true,"preemptible":true}`)
		c := r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup", "dtmf 5"))
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", `said "`+ten+`" en-US 4s @0s`, `preempted "one two" 1s @1s`,
			`said "You pressed five" en-US 1.2s @1s`, "ended completed @2.2s"), r.srv.Transcript)
		Expect(rsTurns(r.conversation(c))).To(HaveExactElements(`agent text "`+ten+`" 1s en-US preempted, heard "one two" @0s`,
			`caller keys "5" 0s @1s`, `agent text "You pressed five" 1.2s en-US @1s`))
	})

	It("lets the next message cut any text when preemptible is true", func() {
		r := preempting(`preemptible="true"`, rsSay(ten))
		c := r.run("/voice")
		Expect(rsRelayEvents(c)).To(ContainElement(`preempted "one two" 1s @1s`), r.srv.Transcript)
		Expect(srAt(c.Info().Ended)).To(Equal(2200 * time.Millisecond))
	})

	It("queues the next message after a text that is not preemptible (the default)", func() {
		r := preempting("", rsSay(ten))
		c := r.run("/voice")
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", `said "`+ten+`" en-US 4s @0s`,
			`said "You pressed five" en-US 1.2s @4s`, "ended completed @5.2s"), r.srv.Transcript)
	})

	It("lets text's preemptible false override preemptible=\"true\"", func() {
		r := preempting(`preemptible="true"`, `{"type":"text","token":"`+ten+`","last":true,"preemptible":false}`)
		c := r.run("/voice")
		Expect(srAt(c.Info().Ended)).To(Equal(5200*time.Millisecond), r.srv.Transcript)
	})

	It("lets text's interruptible override the attribute: true where it is none, false where it is any", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `interruptible="none"`, "")},
			map[string]rsScript{"/relay": rsListens.onSetup(`{"type":"text","token":"one two three four five","last":true,"interruptible":true}`).
				replies(`{"type":"text","token":"six seven eight nine ten","last":true,"interruptible":false}`)},
			harness.WithParty(rsCaller, scenario.Person().Says("wait").InConversation().Interrupting().After(900*time.Millisecond).
				Says("stop").InConversation().Interrupting().After(900*time.Millisecond).HangsUp().InConversation()))
		c := r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup", `interrupt "one two" 900ms`, `prompt "wait" en-US`), r.srv.Transcript)
		Expect(rsTurns(r.conversation(c))).To(HaveExactElements(
			`agent text "one two three four five" 900ms en-US interrupted by speech, heard "one two" @0s`,
			`caller speech "wait" 1s en-US @900ms`,
			`agent text "six seven eight nine ten" 2s en-US @1.9s`,
			`caller speech "stop" 1s en-US unreported @2.8s`))
		Expect(srAt(c.Info().Ended)).To(Equal(3900 * time.Millisecond))
	})
})

var _ = Describe("ConversationRelay: languages and providers", func() {
	DescribeTable("speaks in ttsLanguage and hears in transcriptionLanguage, each language's unless set",
		func(attrs, tts, stt string) {
			r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `welcomeGreeting="Hello"`+srAttrs(attrs), "")},
				map[string]rsScript{"/relay": rsListens.replies(rsEndBare)},
				harness.WithParty(rsCaller, scenario.Person().Says("hi").InConversation()))
			c := r.run("/voice")
			Expect(r.session("/relay").log()).To(HaveExactElements("setup", `prompt "hi" `+stt), r.srv.Transcript)
			cv := r.conversation(c)
			Expect(cv.Turns[0].Lang).To(Equal(tts))
			Expect(cv.TTSLanguage).To(Equal(tts))
		},
		Entry("en-US by default", "", "en-US", "en-US"),
		Entry("language sets both", `language="fr-FR"`, "fr-FR", "fr-FR"),
		Entry("ttsLanguage overrides language for speech", `language="fr-FR" ttsLanguage="de-DE"`, "de-DE", "fr-FR"),
		Entry("transcriptionLanguage overrides language for recognition", `language="fr-FR" transcriptionLanguage="es-ES"`, "fr-FR", "es-ES"),
		Entry("multi: prompts carry the primary subtag", `language="multi"`, "multi", "en"),
	)

	It("does not make a <Language> active: it maps a language the application switches to", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `welcomeGreeting="Hello"`,
			`<Language code="fr-FR" ttsProvider="Google" voice="fr-FR-Neural2-A" transcriptionProvider="Google"/>`)},
			map[string]rsScript{"/relay": rsListens.onPrompt(func(said string) []string {
				if said == "hi" {
					return []string{`{"type":"language","ttsLanguage":"fr-FR","transcriptionLanguage":"fr-FR"}`, rsSay("Bonjour")}
				}
				return []string{rsEndBare}
			})},
			harness.WithParty(rsCaller, scenario.Person().Says("hi").InConversation().Says("merci").InConversation()))
		c := r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup", `prompt "hi" en-US`, `prompt "merci" fr-FR`))
		turns := r.conversation(c).Turns
		Expect(turns[0].Lang).To(Equal("en-US"))
		Expect(turns[2].Text + " " + turns[2].Lang).To(Equal("Bonjour fr-FR"))
	})

	DescribeTable("refuses a provider Twilio does not have (64106): an error message, the socket closed, the session failed",
		func(attrs, children, description string) {
			r := newRelayRig(false, map[string]string{"/voice": rsRelay(`action="/after"`, "/relay", attrs, children), "/after": rsAfter},
				map[string]rsScript{"/relay": rsListens})
			r.expectCodes(64106)
			c := r.run("/voice")
			s := r.session("/relay")
			Expect(s.raw()).To(HaveExactElements(`{"type":"error","description":` + rsJSON(description) + `}`))
			Expect(s.ended()).To(Equal(`closed by Twilio: 1000 ""`))
			Expect(rsSessionParams(r.action())).To(Equal(map[string]string{"SessionId": r.conversation(c).SessionID, "SessionStatus": "failed",
				"SessionDuration": "0", "ErrorCode": "64106", "ErrorMessage": description, "CallStatus": "in-progress"}))
			Expect(srSaid(c)).To(HaveExactElements("after the conversation @0s"))
		},
		Entry("ttsProvider", `ttsProvider="Polly"`, "", `Invalid argument: ttsProvider "Polly" (Twilio's are Google, Amazon and ElevenLabs)`),
		Entry("transcriptionProvider", `transcriptionProvider="Whisper"`, "", `Invalid argument: transcriptionProvider "Whisper" (Twilio's are Google and Deepgram)`),
		Entry("a <Language>'s ttsProvider", "", `<Language code="fr-FR" ttsProvider="Polly"/>`, `Invalid argument: ttsProvider "Polly" (Twilio's are Google, Amazon and ElevenLabs)`),
		Entry("multi without ElevenLabs", `language="multi" ttsProvider="Google"`, "",
			"Invalid argument: language multi needs ElevenLabs for speech and Deepgram nova-2-general or nova-3-general for recognition"),
	)

	It("ends the call after an invalid provider when the Connect has no action", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `ttsProvider="Polly"`, "")},
			map[string]rsScript{"/relay": rsListens})
		r.expectCodes(64106)
		c := r.run("/voice")
		s := r.session("/relay")
		Expect(s.log()).To(HaveExactElements(`error "Invalid argument: ttsProvider \"Polly\" (Twilio's are Google, Amazon and ElevenLabs)"`))
		Expect(s.ended()).To(Equal(`closed by Twilio: 1000 ""`))
		Expect(srSaid(c)).To(BeEmpty(), "the next verb does not run")
		Expect(c.Status()).To(Equal(harness.StatusCompleted))
	})

	It("takes the providers' names in any case", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `ttsProvider="google" transcriptionProvider="DEEPGRAM"`, "")},
			map[string]rsScript{"/relay": rsListens.onSetup(rsEndBare)})
		r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup"))
	})
})

var _ = Describe("ConversationRelay: values Twilio does not take", func() {
	DescribeTable("logs 12200 for an attribute value it does not know and uses the default",
		func(attrs, input string, want []string) {
			r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `welcomeGreeting="one two three four five"`+srAttrs(attrs), "")},
				map[string]rsScript{"/relay": rsOK}, harness.WithParty(rsCaller, rsBargeIn(input)))
			r.expectCodes(12200)
			r.run("/voice")
			Expect(r.session("/relay").log()).To(Equal(want), r.srv.Transcript)
			Expect(r.srv.Notifications()[0].Level).To(Equal(harness.LevelWarning))
		},
		Entry("welcomeGreetingInterruptible=\"maybe\": any", `welcomeGreetingInterruptible="maybe"`, "speech", rsBargeLog("speech", true)),
		Entry("dtmfDetection=\"yes\": off", `dtmfDetection="yes" welcomeGreetingInterruptible="none"`, "dtmf", []string{"setup"}),
		Entry("reportInputDuringAgentSpeech=\"often\": none", `reportInputDuringAgentSpeech="often" welcomeGreetingInterruptible="none"`, "speech", []string{"setup"}),
		Entry("an attribute it does not have: ignored", `colour="blue"`, "speech", rsBargeLog("speech", true)),
	)

	It("logs 12200 for interruptible=\"sometimes\" and lets the caller interrupt the agent's text, as by default", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `interruptible="sometimes"`, "")},
			map[string]rsScript{"/relay": rsOK.onSetup(rsSay("one two three four five"))}, harness.WithParty(rsCaller, rsBargeIn("speech")))
		r.expectCodes(12200)
		r.run("/voice")
		Expect(r.session("/relay").log()).To(Equal(rsBargeLog("speech", true)))
		Expect(r.srv.Notifications()[0].Message).To(ContainSubstring(`interruptible="sometimes"`))
	})

	It("logs 12200 for a <Language> without a code, and ignores it", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", `<Language ttsProvider="Polly"/>`)},
			map[string]rsScript{"/relay": rsListens.onSetup(rsEndBare)})
		r.expectCodes(12200)
		r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup"), "no 64106 for the provider of a <Language> ignored")
	})
})

var _ = Describe("ConversationRelay: interrupts", func() {
	ways("sends interrupt with what the caller heard and after how long, a number of ms, from the virtual clock", func(loopback bool) {
		r := newRelayRig(loopback, map[string]string{"/voice": rsRelay("", "/relay", `welcomeGreeting="Life is a complex set of ideas and feelings"`, "")},
			map[string]rsScript{"/relay": rsListens.replies(rsEndBare)},
			harness.WithParty(rsCaller, scenario.Person().Says("tell me more").InConversation().Interrupting().After(2300*time.Millisecond)))
		c := r.run("/voice")
		s := r.session("/relay")
		Expect(s.raw()[1:]).To(HaveExactElements(`{"type":"interrupt","utteranceUntilInterrupt":"Life is a complex set","durationUntilInterruptMs":2300}`,
			`{"type":"prompt","voicePrompt":"tell me more","lang":"en-US","last":true}`))
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", `said "Life is a complex set of ideas and feelings" en-US 3.6s @0s`,
			`interrupted "Life is a complex set" 2.3s @2.3s`, "ended ended @3.5s"))
	})

	It("sends an empty utteranceUntilInterrupt when the caller interrupts before the first word is heard", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `welcomeGreeting="Hello and welcome"`, "")},
			map[string]rsScript{"/relay": rsListens.replies(rsEndBare)},
			harness.WithParty(rsCaller, scenario.Person().Says("hi").InConversation().Interrupting().After(300*time.Millisecond)))
		r.run("/voice")
		Expect(r.session("/relay").raw()[1]).To(Equal(`{"type":"interrupt","utteranceUntilInterrupt":"","durationUntilInterruptMs":300}`))
	})

	It("counts a talk cycle of several items as one: what was heard of each, and the time since the cycle began", func() {
		sent := false
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `debug="speaker-events"`, "")},
			map[string]rsScript{"/relay": rsListens.onSetup(rsText("Which day", false)).replies(rsEndBare).and("info", func(s *rsSession, m rsMsg) {
				if m.Name == "agentSpeaking" && m.Value == "on" && !sent {
					sent = true
					s.send(rsText(" suits you best?", true))
				}
			})},
			harness.WithParty(rsCaller, scenario.Person().Says("Monday").InConversation().Interrupting().After(1500*time.Millisecond)))
		c := r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup", "info agentSpeaking on", "info clientSpeaking on",
			`interrupt "Which day suits" 1500ms`, "info agentSpeaking off", "info clientSpeaking off", `prompt "Monday" en-US`), r.srv.Transcript)
		Expect(rsTurns(r.conversation(c))[0]).To(Equal(`agent text "Which day suits you best?" 1.5s en-US interrupted by speech, heard "Which day suits" @0s`))
	})

	It("purges what was queued when the caller interrupts", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.onSetup(rsSay("one two three four five"), rsSay("six seven"), `{"type":"sendDigits","digits":"9"}`).replies(rsEndBare)},
			harness.WithParty(rsCaller, scenario.Person().Says("stop").InConversation().Interrupting().After(time.Second)))
		c := r.run("/voice")
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", `said "one two three four five" en-US 2s @0s`,
			`interrupted "one two" 1s @1s`, "ended ended @2s"), r.srv.Transcript)
	})

	It("interrupts with a key when welcomeGreetingInterruptible allows it, and sends the key as dtmf after the interrupt", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", `welcomeGreeting="Press one for sales or two for support" dtmfDetection="true" welcomeGreetingInterruptible="dtmf"`, "")},
			map[string]rsScript{"/relay": rsListens.and("dtmf", func(s *rsSession, m rsMsg) { s.send(rsEnd("digit " + m.Digit)) })},
			harness.WithParty(rsCaller, scenario.Person().Presses("2").InConversation().Interrupting().After(1700*time.Millisecond)))
		c := r.run("/voice")
		Expect(r.session("/relay").raw()[1:]).To(HaveExactElements(`{"type":"interrupt","utteranceUntilInterrupt":"Press one for sales","durationUntilInterruptMs":1700}`,
			`{"type":"dtmf","digit":"2"}`))
		cv := r.conversation(c)
		Expect(cv.Turns[0].By).To(Equal("dtmf"))
		Expect(cv.HandoffData).To(HaveValue(Equal("digit 2")))
	})
})

var _ = Describe("ConversationRelay: invalid messages", func() {
	DescribeTable("drops an invalid message with 64107 and an error message, and the session goes on",
		func(send func(*rsSession), frame string) {
			r := newRelayRig(false, map[string]string{"/voice": rsRelay(`action="/after"`, "/relay", "", ""), "/after": rsAfter},
				map[string]rsScript{"/relay": rsListens.and("setup", func(s *rsSession, _ rsMsg) { send(s) }).
					and("error", func(s *rsSession, _ rsMsg) { s.send(rsSay("still here")) }).replies(rsEndBare)},
				harness.WithParty(rsCaller, scenario.Person().Says("bye").InConversation().WhenPromptContains("still here")))
			r.expectCodes(64107)
			c := r.run("/voice")
			s := r.session("/relay")
			Expect(s.log()).To(HaveExactElements("setup", fmt.Sprintf("error %q", "Invalid message received, code: 64107, "+frame), `prompt "bye" en-US`))
			Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", `said "still here" en-US 1s @0s`, "ended ended @2s"))
			Expect(r.action()["SessionStatus"]).To(Equal("ended"))
			n := r.srv.Notifications()[0]
			Expect(n.Level).To(Equal(harness.LevelWarning))
			Expect(n.Message).To(HavePrefix("Invalid Message Received: "))
			var problems []string
			for _, m := range r.conversation(c).Messages {
				if m.FromApp && m.Problem != "" {
					problems = append(problems, m.Text)
				}
			}
			Expect(problems).To(HaveExactElements(frame))
		},
		Entry("text without a token", func(s *rsSession) { s.send(`{"type":"text","last":true}`) }, `{"type":"text","last":true}`),
		Entry("text with a null token", func(s *rsSession) { s.send(`{"type":"text","token":null,"last":true}`) }, `{"type":"text","token":null,"last":true}`),
		Entry("an unknown type", func(s *rsSession) { s.send(`{"type":"dance"}`) }, `{"type":"dance"}`),
		Entry("no type", func(s *rsSession) { s.send(`{"token":"hello"}`) }, `{"token":"hello"}`),
		Entry("not JSON", func(s *rsSession) { s.send(`hello`) }, `hello`),
		Entry("a binary frame", func(s *rsSession) { s.sendBinary([]byte(`{"type":"text","token":"hi","last":true}`)) }, `{"type":"text","token":"hi","last":true}`),
		Entry("play without a source", func(s *rsSession) { s.send(`{"type":"play"}`) }, `{"type":"play"}`),
		Entry("language with neither language", func(s *rsSession) { s.send(`{"type":"language"}`) }, `{"type":"language"}`),
		Entry("end with handoffData that is not a string", func(s *rsSession) { s.send(`{"type":"end","handoffData":{"a":1}}`) }, `{"type":"end","handoffData":{"a":1}}`),
		Entry("text with last that is not a boolean", func(s *rsSession) { s.send(`{"type":"text","token":"hi","last":"true"}`) }, `{"type":"text","token":"hi","last":"true"}`),
	)

	ways("closes the socket with 1007 after 10 malformed messages in a row, and the session fails with 64105", func(loopback bool) {
		bad := make([]string, 10)
		for i := range bad {
			bad[i] = fmt.Sprintf("not json %d", i)
		}
		r := newRelayRig(loopback, map[string]string{"/voice": rsRelay(`action="/after"`, "/relay", "", ""), "/after": rsAfter},
			map[string]rsScript{"/relay": rsListens.onSetup(bad...)})
		r.expectCodes(64107, 64107, 64107, 64107, 64107, 64107, 64107, 64107, 64107, 64107, 64105)
		c := r.run("/voice")
		s := r.session("/relay")
		Expect(s.ended()).To(Equal(`closed by Twilio: 1007 "Too many consecutive malformed messages"`))
		errs := s.of("error")
		Expect(errs).To(HaveLen(10))
		Expect(errs[9].Description).To(Equal("Invalid message received, code: 64107, not json 9"))
		act := r.action()
		Expect(act["SessionStatus"]).To(Equal("failed"))
		Expect(act["ErrorCode"]).To(Equal("64105"))
		Expect(act["CallStatus"]).To(Equal("in-progress"))
		Expect(srSaid(c)).To(HaveExactElements("after the conversation @0s"))
		Expect(r.conversation(c).Status).To(Equal(harness.SessionFailed))
	})

	It("counts malformed messages in a row: a valid one starts the count again", func() {
		var msgs []string
		for i := 0; i < 9; i++ {
			msgs = append(msgs, "not json")
		}
		msgs = append(msgs, rsText("Hello", false))
		for i := 0; i < 9; i++ {
			msgs = append(msgs, "not json")
		}
		msgs = append(msgs, rsText(" there", true))
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.onSetup(msgs...).replies(rsEndBare)},
			harness.WithParty(rsCaller, scenario.Person().Says("bye").InConversation()))
		codes := make([]int, 18)
		for i := range codes {
			codes[i] = 64107
		}
		r.expectCodes(codes...)
		c := r.run("/voice")
		Expect(r.conversation(c).Status).To(Equal(harness.SessionEnded))
		Expect(rsRelayEvents(c)).To(ContainElement(`said "Hello there" en-US 1s @0s`))
	})
})

var _ = Describe("ConversationRelay: how sessions end", func() {
	ways("closes the socket with 1000 \"Closing websocket session\" when the caller hangs up mid-turn, and requests the action with SessionStatus=completed, CallStatus=completed, whose TwiML does not run", func(loopback bool) {
		r := newRelayRig(loopback, map[string]string{"/voice": rsRelay(`action="/after"`, "/relay", "", ""), "/after": rsAfter},
			map[string]rsScript{"/relay": rsListens.replies(rsSay("Once upon a time there was a fox"))},
			harness.WithParty(rsCaller, scenario.Person().Says("tell me a story").InConversation().
				HangsUp().InConversation().Interrupting().After(time.Second)))
		c := r.run("/voice")
		s := r.session("/relay")
		Expect(s.ended()).To(Equal(`closed by Twilio: 1000 "Closing websocket session"`))
		Expect(s.log()).To(HaveExactElements("setup", `prompt "tell me a story" en-US`))
		Expect(rsSessionParams(r.action())).To(Equal(map[string]string{"SessionId": s.setup().SessionID, "SessionStatus": "completed",
			"SessionDuration": "2", "CallStatus": "completed"}))
		Expect(srSaid(c)).To(BeEmpty())
		Expect(srAt(c.Info().Ended)).To(Equal(2600 * time.Millisecond))
		Expect(c.Status()).To(Equal(harness.StatusCompleted))
		cv := r.conversation(c)
		Expect(cv.Status).To(Equal(harness.SessionCompleted))
		Expect(cv.Duration).To(Equal(2600 * time.Millisecond))
		Expect(rsTurns(cv)).To(HaveExactElements(`caller speech "tell me a story" 1.6s en-US @0s`,
			`agent text "Once upon a time there was a fox" 1s en-US cut off, heard "Once upon" @1.6s`), "the hang-up cut the agent's turn")
	})

	It("closes the socket with 1000 on a REST redirect, runs the new TwiML and requests no action", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay(`action="/after"`, "/relay", "", ""), "/after": rsAfter},
			map[string]rsScript{"/relay": rsListens})
		c := r.call("/voice")
		r.srv.Advance(2 * time.Second)
		rsUpdate(r, c, func(p *api.UpdateCallParams) { p.SetTwiml(`<Response><Say>redirected</Say></Response>`) })
		r.srv.Run()
		Expect(c.Ended()).To(BeTrue())
		s := r.session("/relay")
		Expect(s.ended()).To(Equal(`closed by Twilio: 1000 ""`))
		Expect(r.actions()).To(BeEmpty())
		Expect(srSaid(c)).To(HaveExactElements("redirected @2s"))
		cv := r.conversation(c)
		Expect(cv.Status).To(Equal("redirected"))
		Expect(cv.Duration).To(Equal(2 * time.Second))
	})

	It("closes the socket with 1000 \"Closing websocket session\" when the call is completed through the REST API, and requests the action with SessionStatus=completed", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay(`action="/after"`, "/relay", "", ""), "/after": rsAfter},
			map[string]rsScript{"/relay": rsListens})
		c := r.call("/voice")
		r.srv.Advance(2 * time.Second)
		rsUpdate(r, c, func(p *api.UpdateCallParams) { p.SetStatus("completed") })
		r.srv.Run()
		Expect(c.Ended()).To(BeTrue())
		s := r.session("/relay")
		Expect(s.ended()).To(Equal(`closed by Twilio: 1000 "Closing websocket session"`))
		Expect(rsSessionParams(r.action())).To(Equal(map[string]string{"SessionId": s.setup().SessionID, "SessionStatus": "completed",
			"SessionDuration": "2", "CallStatus": "completed"}))
		Expect(srSaid(c)).To(BeEmpty())
		Expect(srAt(c.Info().Ended)).To(Equal(2 * time.Second))
	})

	It("opens a fresh session for a second <Connect><ConversationRelay> the action returns: same call, new sessionId, IN_PROGRESS, the greeting again", func() {
		r := newRelayRig(false, map[string]string{
			"/voice": rsRelay(`action="/next"`, "/one", `welcomeGreeting="Welcome to the shop"`, ""),
			"/next":  `<Response><Connect action="/after"><ConversationRelay url="{ws}/two" welcomeGreeting="Welcome back"/></Connect></Response>`,
			"/after": rsAfter},
			map[string]rsScript{"/one": rsListens.replies(rsEnd("to two")), "/two": rsListens.replies(rsEndBare)},
			harness.WithParty(rsCaller, scenario.Person().Says("transfer me").InConversation().Says("thanks").InConversation()))
		c := r.run("/voice")
		one, two := r.session("/one"), r.session("/two")
		Expect(one.log()).To(HaveExactElements("setup", `prompt "transfer me" en-US`))
		Expect(two.log()).To(HaveExactElements("setup", `prompt "thanks" en-US`))
		Expect(two.setup().CallSid).To(Equal(one.setup().CallSid))
		Expect(two.setup().SessionID).NotTo(Equal(one.setup().SessionID))
		Expect(two.setup().CallStatus).To(Equal("IN_PROGRESS"))
		Expect(rsRelayEvents(c)).To(HaveExactElements("started @0s", `said "Welcome to the shop" en-US 1.6s @0s`, "ended ended @2.6s",
			"started @2.6s", `said "Welcome back" en-US 1s @2.6s`, "ended ended @4.6s"))
		acts := r.actions()
		Expect(acts).To(HaveLen(2))
		Expect(rsSessionParams(acts[0])).To(Equal(map[string]string{"SessionId": one.setup().SessionID, "SessionStatus": "ended",
			"SessionDuration": "2", "HandoffData": "to two", "CallStatus": "in-progress"}))
		Expect(rsSessionParams(acts[1])).To(Equal(map[string]string{"SessionId": two.setup().SessionID, "SessionStatus": "ended",
			"SessionDuration": "2", "CallStatus": "in-progress"}))
		Expect(srSaid(c)).To(HaveExactElements("after the conversation @4.6s"))
		cvs := c.Conversations()
		Expect(cvs).To(HaveLen(2))
		Expect(cvs[1].SessionID).To(Equal(two.setup().SessionID))
	})

	It("logs 99009 when the application does not answer a prompt within the relay patience, and the caller goes on", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens},
			harness.WithRelayPatience(20*time.Millisecond),
			harness.WithParty(rsCaller, scenario.Person().Says("hello?").InConversation().Says("anyone there?").InConversation().HangsUp().InConversation()))
		r.expectCodes(harness.CodeRelayNoAnswer, harness.CodeRelayNoAnswer)
		c := r.run("/voice")
		Expect(r.session("/relay").log()).To(HaveExactElements("setup", `prompt "hello?" en-US`, `prompt "anyone there?" en-US`))
		n := r.srv.Notifications()[0]
		Expect(n.Level).To(Equal(harness.LevelWarning))
		Expect(n.Message).To(ContainSubstring("harness.WithRelayPatience"))
		Expect(srAt(n.Time)).To(Equal(time.Second))
		Expect(srAt(c.Info().Ended)).To(Equal(2 * time.Second))
	})

	It("fails the session with 64105 when the application closes the socket without end; the action's TwiML runs", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay(`action="/after"`, "/relay", "", ""), "/after": rsAfter},
			map[string]rsScript{"/relay": rsListens.and("prompt", func(s *rsSession, m rsMsg) {
				if m.final() {
					s.close()
				}
			})},
			harness.WithParty(rsCaller, scenario.Person().Says("hi").InConversation()))
		r.expectCodes(64105)
		c := r.run("/voice")
		s := r.session("/relay")
		Expect(s.ended()).To(Equal("closed by the application"))
		Expect(rsSessionParams(r.action())).To(Equal(map[string]string{"SessionId": s.setup().SessionID, "SessionStatus": "failed",
			"SessionDuration": "1", "ErrorCode": "64105", "ErrorMessage": "Websocket ended: the application closed the WebSocket without sending end",
			"CallStatus": "in-progress"}))
		Expect(srSaid(c)).To(HaveExactElements("after the conversation @1s"))
		Expect(r.conversation(c).Status).To(Equal(harness.SessionFailed))
	})

	It("ends the call when the application closes the socket without end and the Connect has no action", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.and("setup", func(s *rsSession, _ rsMsg) { s.close() })})
		r.expectCodes(64105)
		c := r.run("/voice")
		Expect(srSaid(c)).To(BeEmpty(), "the next verb does not run")
		Expect(c.Status()).To(Equal(harness.StatusCompleted))
		Expect(r.srv.Notifications()[0].Level).To(Equal(harness.LevelError))
	})

	It("fails with 64102 when the application cannot be reached; the action says so", func() {
		r := newRelayRig(false, map[string]string{"/voice": `<Response><Connect action="/after"><ConversationRelay url="ws://127.0.0.1:1/relay"/></Connect></Response>`, "/after": rsAfter}, nil)
		r.expectCodes(64102)
		c := r.run("/voice")
		act := r.action()
		Expect(act["SessionStatus"]).To(Equal("failed"))
		Expect(act["ErrorCode"]).To(Equal("64102"))
		Expect(act["ErrorMessage"]).To(HavePrefix("Unable to Connect to Websocket URL: "))
		Expect(act["SessionDuration"]).To(Equal("0"))
		Expect(act["CallStatus"]).To(Equal("in-progress"))
		Expect(r.srv.Notifications()[0].Message).To(ContainSubstring("connection refused"))
		Expect(srSaid(c)).To(HaveExactElements("after the conversation @0s"))
		cv := r.conversation(c)
		Expect(cv.Status).To(Equal(harness.SessionFailed))
		Expect(cv.ErrorCode).To(Equal(64102))
		Expect(cv.Started.IsZero()).To(BeTrue(), "it never opened")
	})

	It("fails with 64102 when the application refuses the upgrade", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay(`action="/after"`, "/relay", "", ""), "/after": rsAfter},
			map[string]rsScript{"/relay": {refuse: 403}})
		r.expectCodes(64102)
		r.run("/voice")
		Expect(r.session("/relay").ended()).To(Equal("refused"))
		Expect(r.action()["ErrorCode"]).To(Equal("64102"))
	})

	It("fails with 64102 for an http(s):// url, which Twilio does not dial, and ends the call without action", func() {
		r := newRelayRig(false, map[string]string{"/voice": `<Response><Connect><ConversationRelay url="https://app.example.com/relay"/></Connect><Say>next verb</Say></Response>`},
			map[string]rsScript{"/relay": rsListens})
		r.expectCodes(64102)
		c := r.run("/voice")
		Expect(r.app.sessionsAt("/relay")).To(BeEmpty())
		Expect(r.srv.Notifications()[0].Message).To(ContainSubstring("the url must begin with wss://"))
		Expect(srSaid(c)).To(BeEmpty())
	})

	It("resolves a relative url against the document's URL, as wss", func() {
		r := newRelayRig(false, map[string]string{"/voice": `<Response><Connect><ConversationRelay url="relay"/></Connect></Response>`},
			map[string]rsScript{"/relay": rsListens.onSetup(rsEndBare)})
		c := r.run("/voice")
		Expect(r.session("/relay").URL).To(Equal("wss://app.example.com/relay"))
		Expect(r.conversation(c).URL).To(Equal("wss://app.example.com/relay"))
	})
})

var _ = Describe("ConversationRelay: the upgrade request", func() {
	ways("is signed with X-Twilio-Signature over the url as written, with no parameters, as twilio-go's validator checks it", func(loopback bool) {
		r := newRelayRig(loopback, map[string]string{"/voice": rsRelay("", "/relay", "", "")},
			map[string]rsScript{"/relay": rsListens.onSetup(rsEndBare)})
		r.run("/voice")
		s := r.session("/relay")
		Expect(s.URL).To(Equal(r.wsURL("/relay")))
		sig := s.Header.Get("X-Twilio-Signature")
		Expect(sig).NotTo(BeEmpty())
		Expect(srValid(r.srv.AuthToken(), r.wsURL("/relay"), sig)).To(BeTrue())
		Expect(srValid(r.srv.AuthToken(), "http"+strings.TrimPrefix(r.wsURL("/relay"), "ws"), sig)).To(BeFalse(), "the scheme is signed as written")
		Expect(srValid("another token", r.wsURL("/relay"), sig)).To(BeFalse())
	})

	It("keeps a query string written in the url, and signs the URL with it", func() {
		r := newRelayRig(false, map[string]string{"/voice": rsRelay("", "/relay?agent=booking", "", "")},
			map[string]rsScript{"/relay": rsListens.onSetup(rsEndBare)})
		r.run("/voice")
		s := r.session("/relay")
		Expect(s.URL).To(Equal("wss://app.example.com/relay?agent=booking"))
		Expect(srValid(r.srv.AuthToken(), s.URL, s.Header.Get("X-Twilio-Signature"))).To(BeTrue())
	})
})

// rsScene is one booking conversation with every kind of turn: a
// greeting, partial prompts, streamed tokens, a barge-in, a key, a play, a
// handoff. It returns the rig and the call, run to its end.
func rsScene(loopback bool) (*relayRig, *harness.Call) {
	GinkgoHelper()
	r := newRelayRig(loopback, map[string]string{
		"/voice": rsRelay(`action="/after"`, "/relay", `welcomeGreeting="Hi, I can book a table for you" partialPrompts="true" dtmfDetection="true" debug="speaker-events tokens-played"`,
			`<Parameter name="shop" value="north"/>`),
		"/after": rsAfter},
		map[string]rsScript{"/relay": rsListens.onPrompt(func(said string) []string {
			switch said {
			case "book a table":
				return []string{rsText("Which", false), rsText(" day", false), rsText(" would suit you best?", true)}
			case "Friday":
				return []string{rsSay("Press one to confirm")}
			}
			return []string{rsEnd(`{"booked":"friday"}`)}
		}).and("dtmf", func(s *rsSession, _ rsMsg) {
			s.send(`{"type":"play","source":"https://app.example.com/chime.mp3"}`, rsSay("Booked"))
		})},
		harness.WithMediaDuration("https://app.example.com/chime.mp3", 500*time.Millisecond),
		harness.WithParty(rsCaller, scenario.Person().Says("book a table").InConversation().
			Says("Friday").InConversation().Interrupting().After(900*time.Millisecond).
			Presses("1").InConversation().
			Says("thanks").InConversation()))
	return r, r.run("/voice")
}

var _ = Describe("ConversationRelay: the Conversation view", func() {
	It("gives the turns in order: who, what, how long, and what was cut", func() {
		r, c := rsScene(false)
		cv := r.conversation(c)
		Expect(rsTurns(cv)).To(HaveExactElements(
			`agent greeting "Hi, I can book a table for you" 3.2s en-US @0s`,
			`caller speech "book a table" 1.2s en-US @3.2s`,
			`agent text "Which day would suit you best?" 900ms en-US interrupted by speech, heard "Which day" @4.4s`,
			`caller speech "Friday" 1s en-US @5.3s`,
			`agent text "Press one to confirm" 1.6s en-US @6.3s`,
			`caller keys "1" 0s @7.9s`,
			`agent play "https://app.example.com/chime.mp3" 500ms @7.9s`,
			`agent text "Booked" 1s en-US @8.4s`,
			`caller speech "thanks" 1s en-US @9.4s`), r.srv.Transcript)
		Expect(cv.Status).To(Equal(harness.SessionEnded))
		Expect(cv.HandoffData).To(HaveValue(Equal(`{"booked":"friday"}`)))
		Expect(srAt(cv.Started)).To(Equal(time.Duration(0)))
		Expect(srAt(cv.Ended)).To(Equal(10400 * time.Millisecond))
		Expect(cv.Duration).To(Equal(10400 * time.Millisecond))
		Expect(r.action()["SessionDuration"]).To(Equal("10"), "whole seconds")
		Expect(cv.Interrupted()).To(HaveLen(1))
		Expect(cv.Interrupted()[0].By).To(Equal("speech"))
		Expect(cv.Parameters).To(HaveLen(1))
		Expect(cv.TTSLanguage + " " + cv.TranscriptionLanguage).To(Equal("en-US en-US"))
		var names []string
		for _, a := range cv.Attributes {
			names = append(names, a.Name)
		}
		Expect(names).To(Equal([]string{"welcomeGreeting", "partialPrompts", "dtmfDetection", "debug"}))
	})

	It("keeps every message both ways, in order, as sent, with when", func() {
		r, c := rsScene(false)
		cv := r.conversation(c)
		var twilio, app []string
		for _, m := range cv.Messages {
			if m.FromApp {
				app = append(app, m.Type)
			} else {
				twilio = append(twilio, m.Text)
			}
		}
		Expect(twilio).To(Equal(r.session("/relay").raw()), "Twilio's messages as the application received them")
		Expect(app).To(Equal([]string{"text", "text", "text", "text", "play", "text", "end"}))
		last := cv.Messages[len(cv.Messages)-1]
		Expect(last.Text).To(Equal(rsEnd(`{"booked":"friday"}`)))
		Expect(srAt(last.Time)).To(Equal(10400 * time.Millisecond))
		Expect(cv.MessagesCut).To(BeFalse())
	})

	It("writes turns with duration_ms in its JSON", func() {
		r, c := rsScene(false)
		b, err := json.Marshal(r.conversation(c))
		Expect(err).NotTo(HaveOccurred())
		var got struct {
			Status     string `json:"status"`
			DurationMS int64  `json:"duration_ms"`
			Turns      []struct {
				Speaker     string `json:"speaker"`
				DurationMS  int64  `json:"duration_ms"`
				Interrupted bool   `json:"interrupted"`
				Heard       string `json:"heard"`
			} `json:"turns"`
		}
		Expect(json.Unmarshal(b, &got)).To(Succeed())
		Expect(got.Status).To(Equal("ended"))
		Expect(got.DurationMS).To(Equal(int64(10400)))
		Expect(got.Turns[2].DurationMS).To(Equal(int64(900)))
		Expect(got.Turns[2].Interrupted).To(BeTrue())
		Expect(got.Turns[2].Heard).To(Equal("Which day"))
	})
})

var _ = Describe("ConversationRelay: determinism", func() {
	ways("gives the same messages, the same message log and the same transcript every run", func(loopback bool) {
		run := func() ([]string, []string, string) {
			r, c := rsScene(loopback)
			var log []string
			cv := r.conversation(c)
			for _, m := range cv.Messages {
				log = append(log, fmt.Sprintf("%v %t %s", srAt(m.Time), m.FromApp, m.Text))
			}
			return r.session("/relay").raw(), log, strings.ReplaceAll(c.Transcript(), r.app.base, "{ws}")
		}
		raw1, log1, transcript1 := run()
		raw2, log2, transcript2 := run()
		Expect(len(raw1)).To(BeNumerically(">", 20))
		Expect(raw2).To(Equal(raw1))
		Expect(log2).To(Equal(log1))
		Expect(transcript2).To(Equal(transcript1))
		Expect(transcript1).To(ContainSubstring("the caller interrupted the agent"))
	})
})
