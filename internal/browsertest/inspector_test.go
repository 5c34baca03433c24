package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// newInspectorServer returns a server with the control API on its
// listener, the phone menu of ivrApp, and a customer who presses 1.
func newInspectorServer(t *testing.T) *harness.Server {
	return harness.NewServer(t, harness.WithControlAPI(), harness.WithApp(appOrigin, ivrApp()),
		harness.WithParty(customer, scenario.Person().Presses("1")))
}

// openInspector opens the inspector of srv at fragment (such as "#/" or
// "#/control") in b, with srv's credentials, and waits until its event
// stream is open.
func openInspector(b *browser, srv *harness.Server, fragment string) {
	b.t.Helper()
	b.authenticate(srv.AccountSID(), srv.AuthToken())
	b.do("open the inspector and wait for its event stream",
		chromedp.Navigate(srv.URL()+harness.ControlPrefix+"ui/"+fragment),
		chromedp.Poll[chromedp.Void](`document.getElementById('conn').textContent === 'live'`),
		// Set on this document: a reload would lose it.
		chromedp.Evaluate[chromedp.Void](`window.twimlharnessNoReload = true`))
}

// A call placed over the REST API while the inspector is open appears in
// its list, and follows its statuses to completed, without a reload; its
// page shows its diagram, its webhooks with the TwiML they answered, and
// the reply that failed.
func TestInspectorShowsALiveCall(t *testing.T) {
	t.Parallel()
	srv := newInspectorServer(t)
	b := newBrowser(t)
	openInspector(b, srv, "#/")
	if got := run(b, "read the count", chromedp.Text(chromedp.ID("count"))); got != "no calls yet" {
		t.Fatalf("the list of an empty server says %q, want %q", got, "no calls yet")
	}

	sid := createCall(t, srv)
	b.do("wait for the new call's row", chromedp.WaitVisible(chromedp.CSS(rowOf(sid))))
	srv.Run()
	c := srv.Call(sid)
	if got := c.Info().Status; got != harness.StatusCompleted {
		t.Fatalf("the call ended %s, want completed:\n%s", got, c.Transcript())
	}
	legs := c.Children()
	if len(legs) != 1 {
		t.Fatalf("the call dialed %d legs, want 1:\n%s", len(legs), c.Transcript())
	}
	// Once the list shows both calls completed, nothing more comes that
	// would redraw the call's page while the test reads it: their status
	// is the last thing each recorded.
	for _, call := range []*harness.Call{c, legs[0]} {
		if evs := call.Events(); evs[len(evs)-1].Kind != harness.EventStatus {
			t.Fatalf("call %s recorded %s after its status: the test cannot tell when the page is final", call.SID(), evs[len(evs)-1].Kind)
		}
	}
	for _, call := range []string{sid, legs[0].SID()} {
		b.do("wait for "+call+" to show completed", chromedp.Poll[chromedp.Void](
			`(document.querySelector(`+js(rowOf(call)+" .badge")+`) || {}).textContent === 'completed'`))
	}
	if !run(b, "check the page was not reloaded", chromedp.Evaluate[bool](`window.twimlharnessNoReload === true`)) {
		t.Fatal("the page was reloaded: the list should follow calls through its event stream")
	}
	row := run(b, "read the call's row", chromedp.Text(chromedp.CSS(rowOf(sid))))
	for _, want := range []string{"outbound-api", ourNumber, customer, "completed", "1 leg"} {
		if !strings.Contains(row, want) {
			t.Errorf("the call's row %q does not show %q", row, want)
		}
	}
	if got, want := run(b, "read the count", chromedp.Text(chromedp.ID("count"))), "1–2 of 2 calls"; got != want {
		t.Errorf("the count says %q, want %q", got, want)
	}
	b.screenshot("inspector-list.png")

	openCallPage(t, b, sid)

	b.do("open the first webhook",
		chromedp.Click(chromedp.CSS("details.webhook > summary")),
		chromedp.WaitVisible(chromedp.CSS("details.webhook[open] pre.twiml")))
	twiml := run(b, "read its TwiML", chromedp.Text(chromedp.CSS("details.webhook[open] pre.twiml")))
	for _, want := range []string{"<Gather", `action="/menu"`, "<Say>Press 1 for sales.</Say>"} {
		if !strings.Contains(twiml, want) {
			t.Errorf("the first webhook's TwiML does not show %q:\n%s", want, twiml)
		}
	}
	failed := run(b, "read the failed replies", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('details.webhook > summary .reply-bad'), (e) => e.parentElement.textContent)`))
	if len(failed) != 1 || !strings.Contains(failed[0], "/after-dial") || !strings.Contains(failed[0], "500") {
		t.Errorf("the webhooks shown as failed are %q, want the Dial's action to /after-dial, answered 500", failed)
	}
	transcript := run(b, "read the transcript", chromedp.Text(chromedp.CSS("pre.transcript")))
	if !strings.Contains(transcript, "Press 1 for sales.") {
		t.Errorf("the transcript on the page does not show what was said:\n%s", transcript)
	}
	b.screenshot("inspector.png")
}

// The control panel advances the clock, places an inbound call to one of
// the server's numbers and runs it to its end, each form showing the
// control API's reply; the call is then in the list of calls.
func TestInspectorControlPanel(t *testing.T) {
	t.Parallel()
	srv := newInspectorServer(t)
	if _, err := srv.AddNumber(harness.IncomingNumber{PhoneNumber: ourNumber,
		VoiceSettings: harness.VoiceSettings{VoiceURL: appVoice}}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	openInspector(b, srv, "#/control")
	form := func(title string) string { return `[data-form="` + title + `"] ` }
	// submit submits the form and returns the reply it shows, as JSON.
	submit := func(title string) map[string]any {
		t.Helper()
		out := js(form(title) + "pre.out")
		b.do("submit "+title,
			chromedp.Click(chromedp.CSS(form(title)+"button[type=submit]")),
			chromedp.Poll[chromedp.Void](`document.querySelector(`+out+`).textContent !== ''`))
		if msg := run(b, "read the reply to "+title, chromedp.Evaluate[string](
			`(e => e.classList.contains('error') ? e.textContent : '')(document.querySelector(`+out+`))`)); msg != "" {
			t.Fatalf("%s: the form shows an error: %s", title, msg)
		}
		return run(b, "read the reply to "+title, chromedp.Evaluate[map[string]any](`JSON.parse(document.querySelector(`+out+`).textContent)`))
	}

	b.do("ask for 90 seconds", chromedp.SetValue(chromedp.CSS(form("Advance the clock")+`input[name="seconds"]`), "90"))
	if got := submit("Advance the clock"); got["now"] != "2025-01-06T09:01:30Z" || got["mode"] != "manual" {
		t.Errorf("Advance the clock: the reply shown is %v, want the clock at 09:01:30, manual", got)
	}
	b.do("wait for the header's clock", chromedp.Poll[chromedp.Void](
		`document.getElementById('clock').textContent === 'virtual time 2025-01-06 09:01:30.000'`))

	b.do("fill in the inbound call",
		chromedp.SetValue(chromedp.CSS(form("Place an inbound call")+`input[name="from"]`), "+447700900123"),
		chromedp.SetValue(chromedp.CSS(form("Place an inbound call")+`input[name="to"]`), ourNumber),
		chromedp.SetValue(chromedp.CSS(form("Place an inbound call")+`textarea[name="caller"]`), `{"steps": [{"press": "1"}]}`))
	placed := submit("Place an inbound call")
	sid, _ := placed["sid"].(string)
	c := srv.Call(sid)
	if c == nil || c.Info().Direction != harness.DirectionInbound {
		t.Fatalf("Place an inbound call: the reply shown is %v, want the SID of a new inbound call", placed)
	}
	if got := submit("Run until nothing is left"); got["now"] == nil {
		t.Errorf("Run until nothing is left: the reply shown is %v, want the clock", got)
	}
	if got := c.Info().Status; got != harness.StatusCompleted {
		t.Fatalf("the inbound call is %s after clock/run, want completed:\n%s", got, c.Transcript())
	}
	b.screenshot("control.png")

	b.do("go to the list of calls",
		chromedp.Click(chromedp.CSS(`header nav a[data-nav="calls"]`)),
		chromedp.WaitVisible(chromedp.CSS(rowOf(sid))))
	row := run(b, "read the call's row", chromedp.Text(chromedp.CSS(rowOf(sid))))
	for _, want := range []string{"inbound", "+447700900123", ourNumber, "completed"} {
		if !strings.Contains(row, want) {
			t.Errorf("the inbound call's row %q does not show %q", row, want)
		}
	}
}
