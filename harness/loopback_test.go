package harness_test

import (
	"strings"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// inboundCalls returns the server's inbound calls.
func inboundCalls(srv *harness.Server) []*harness.Call {
	var out []*harness.Call
	for _, c := range srv.Calls() {
		if c.Direction() == harness.DirectionInbound {
			out = append(out, c)
		}
	}
	return out
}

// loopServer is a server whose application answers /voice (the caller's
// TwiML) and /number (the number's), with ourNumber routed to /number.
func loopServer(t *testing.T, number string, opts ...harness.Option) *harness.Server {
	t.Helper()
	d := &docs{paths: map[string]string{
		"/voice":  `<Response><Say>This is the caller's side</Say><Pause length="30"/></Response>`,
		"/number": number,
	}}
	srv := newServer(t, append([]harness.Option{harness.WithApp(origin, d)}, opts...)...)
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber, VoiceSettings: harness.VoiceSettings{VoiceURL: origin + "/number"}}); err != nil {
		t.Fatal(err)
	}
	return srv
}

func TestCallToANumberOfTheServer(t *testing.T) {
	srv := loopServer(t, `<Response><Say>Thanks for calling</Say><Hangup/></Response>`)
	out := place(t, srv, func(p *api.CreateCallParams) { p.SetTo(ourNumber) })
	srv.Run()
	ins := inboundCalls(srv)
	if len(ins) != 1 {
		t.Fatalf("%d inbound calls, want the number's one:\n%s", len(ins), out.Transcript())
	}
	in := ins[0]
	if in.From() != from || in.To() != ourNumber || in.AccountSID() != srv.AccountSID() || in.SID() == out.SID() {
		t.Errorf("inbound call %s from %s to %s in %s", in.SID(), in.From(), in.To(), in.AccountSID())
	}
	r := in.Requests()[0]
	if !strings.HasSuffix(r.URL, "/number") || r.Form.Get("Direction") != "inbound" || r.Form.Get("CallStatus") != "ringing" ||
		r.Form.Get("From") != from || r.Form.Get("To") != ourNumber {
		t.Errorf("the number's first request: %s %v", r.URL, r.Form)
	}
	oi, ii := out.Info(), in.Info()
	if oi.Answered.IsZero() || !oi.Answered.Equal(ii.Answered) {
		t.Errorf("the outbound call was answered at %v, the inbound one at %v; want the same instant", oi.Answered, ii.Answered)
	}
	// The number's document hangs up after its Say: the caller's far end
	// hangs up then, in the middle of its Pause.
	if oi.Status != harness.StatusCompleted || ii.Status != harness.StatusCompleted || !oi.Ended.Equal(ii.Ended) {
		t.Errorf("outbound %s ended %v, inbound %s ended %v; want both completed at once", oi.Status, oi.Ended, ii.Status, ii.Ended)
	}
	if got := said(out); len(got) != 1 || got[0] != "This is the caller's side" {
		t.Errorf("the outbound call said %q, want its own TwiML", got)
	}
	if got := said(in); len(got) != 1 || got[0] != "Thanks for calling" {
		t.Errorf("the inbound call said %q, want the number's TwiML", got)
	}
}

func TestCallToANumberOfTheServerEnds(t *testing.T) {
	tests := []struct {
		name            string
		number          string
		set             func(*api.CreateCallParams)
		wantOut, wantIn harness.Status
		wantOutAnswered bool
	}{
		{name: "the number rejects it busy", number: `<Response><Reject reason="busy"/></Response>`,
			wantOut: harness.StatusBusy, wantIn: harness.StatusBusy},
		{name: "the number rejects it", number: `<Response><Reject/></Response>`,
			wantOut: harness.StatusNoAnswer, wantIn: harness.StatusNoAnswer},
		{name: "the number never answers before the timeout", number: `<Response><Pause length="120"/><Say>late</Say></Response>`,
			set: func(p *api.CreateCallParams) { p.SetTimeout(10) }, wantOut: harness.StatusNoAnswer, wantIn: harness.StatusCanceled},
		{name: "the caller hangs up first", number: `<Response><Say>Hold on</Say><Pause length="600"/></Response>`,
			set:     func(p *api.CreateCallParams) { p.SetUrl("").SetTwiml(`<Response><Pause length="5"/></Response>`) },
			wantOut: harness.StatusCompleted, wantIn: harness.StatusCompleted, wantOutAnswered: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := loopServer(t, tt.number)
			out := place(t, srv, func(p *api.CreateCallParams) {
				p.SetTo(ourNumber)
				if tt.set != nil {
					tt.set(p)
				}
			})
			srv.Run()
			ins := inboundCalls(srv)
			if len(ins) != 1 {
				t.Fatalf("%d inbound calls, want 1", len(ins))
			}
			oi, ii := out.Info(), ins[0].Info()
			if oi.Status != tt.wantOut || ii.Status != tt.wantIn || oi.Answered.IsZero() == tt.wantOutAnswered {
				t.Errorf("outbound %s (answered %v), inbound %s; want %s (answered %v), %s\n%s\n%s",
					oi.Status, !oi.Answered.IsZero(), ii.Status, tt.wantOut, tt.wantOutAnswered, tt.wantIn, out.Transcript(), ins[0].Transcript())
			}
			if tt.wantOutAnswered && oi.Ended.Sub(oi.Answered) != 5*time.Second {
				t.Errorf("the caller's Pause of 5 s lasted %v", oi.Ended.Sub(oi.Answered))
			}
		})
	}
}

func TestCallToANumberOfTheServerCaller(t *testing.T) {
	// The caller at the number's call is the party set for the From
	// address: here it presses 2 at the number's menu.
	srv := loopServer(t, `<Response><Gather numDigits="1" action="/pressed"><Say>Press a key</Say></Gather></Response>`,
		harness.WithParty(from, scenario.Person().Presses("2")))
	out := place(t, srv, func(p *api.CreateCallParams) { p.SetTo(ourNumber) })
	srv.Run()
	in := inboundCalls(srv)[0]
	var digits string
	for _, r := range in.Requests() {
		if strings.HasSuffix(r.URL, "/pressed") {
			digits = r.Form.Get("Digits")
		}
	}
	if digits != "2" {
		t.Errorf("the number's action got Digits=%q, want 2:\n%s\n%s", digits, in.Transcript(), out.Transcript())
	}
}

func TestCallToANumberOfAnotherAccount(t *testing.T) {
	a := newApp(`<Response><Say>Hi</Say></Response>`)
	srv := newServer(t, harness.WithApp(origin, a))
	other, token, err := srv.AddAccount("", "")
	if err != nil {
		t.Fatal(err)
	}
	tw := restClientFor(srv, other, token)
	app, err := tw.CreateApplication(new(api.CreateApplicationParams).SetVoiceUrl(origin + "/voice?by=app"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tw.CreateIncomingPhoneNumber(new(api.CreateIncomingPhoneNumberParams).SetPhoneNumber(ourNumber).SetVoiceApplicationSid(*app.Sid)); err != nil {
		t.Fatal(err)
	}
	place(t, srv, func(p *api.CreateCallParams) { p.SetTo(ourNumber) })
	srv.Run()
	ins := inboundCalls(srv)
	if len(ins) != 1 || ins[0].AccountSID() != other {
		t.Fatalf("inbound calls %v, want one in the number's account %s", ins, other)
	}
	if r := ins[0].Requests()[0]; !strings.Contains(r.URL, "by=app") || r.Form.Get("ApplicationSid") != *app.Sid || r.Form.Get("AccountSid") != other {
		t.Errorf("the number's first request: %s %v; want its application's URL, with its SID", r.URL, r.Form)
	}
}

func TestCallToANumberReleased(t *testing.T) {
	srv := loopServer(t, `<Response><Say>never</Say></Response>`)
	if err := srv.RemoveNumber(ourNumber); err != nil {
		t.Fatal(err)
	}
	out := place(t, srv, func(p *api.CreateCallParams) { p.SetTo(ourNumber) })
	srv.Run()
	if n := len(inboundCalls(srv)); n != 0 || out.Info().Status != harness.StatusCompleted {
		t.Errorf("a call to a released number: %d inbound calls, outbound %s; want the usual far end", n, out.Info().Status)
	}
}

// TestCallToANumberAnsweredAndEndedAtOnce: the number's call answers and
// hangs up in one instant; the REST call was answered with it, and ends
// completed, not failed.
func TestCallToANumberAnsweredAndEndedAtOnce(t *testing.T) {
	for _, doc := range []string{`<Response><Hangup/></Response>`, `<Response><Pause length="1"/><Hangup/></Response>`} {
		srv := loopServer(t, doc)
		out := place(t, srv, func(p *api.CreateCallParams) { p.SetTo(ourNumber) })
		srv.Run()
		in := inboundCalls(srv)[0].Info()
		if oi := out.Info(); in.Answered.IsZero() || oi.Status != harness.StatusCompleted || oi.Answered.IsZero() {
			t.Errorf("%s: the number's call answered %v; the REST call ended %s, answered %v; want completed, answered\n%s",
				doc, !in.Answered.IsZero(), oi.Status, !oi.Answered.IsZero(), out.Transcript())
		}
	}
}
