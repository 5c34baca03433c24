package browsertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/twimlharness/twimlharness/harness"
)

// The application the tests call, and who is on the phone.
const (
	appOrigin = "https://app.example.com"
	appVoice  = appOrigin + "/voice"
	ourNumber = "+15005550006" // the application's
	customer  = "+14155550100" // called; presses 1 at the menu
	agent     = "+14155550199" // the menu dials it; answers and stays on the line
)

// ivrApp is a small phone menu: /voice gathers a key press while it says
// the menu, /menu says it connects and dials the agent for at most 20
// seconds, and /after-dial, where the Dial's action goes, fails with 500.
func ivrApp() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", twimlReply(`<Response><Gather numDigits="1" action="/menu">`+
		`<Say>Press 1 for sales.</Say></Gather><Say>Goodbye.</Say></Response>`))
	mux.HandleFunc("/menu", twimlReply(`<Response><Say>Connecting you to sales.</Say>`+
		`<Dial action="/after-dial" timeLimit="20"><Number>`+agent+`</Number></Dial></Response>`))
	mux.HandleFunc("/after-dial", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "the database is down", http.StatusInternalServerError)
	})
	return mux
}

func twimlReply(doc string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, doc)
	}
}

// checkDrawnDiagram checks the diagram on the page is a picture: lanes,
// arrows and the labels of the call's exchanges.
func checkDrawnDiagram(t *testing.T, b *browser) {
	t.Helper()
	lanes := run(b, "count the diagram's lanes", chromedp.Evaluate[int](`document.querySelectorAll('#diagram svg.seqsvg g.participant').length`))
	msgs := run(b, "count the diagram's arrows", chromedp.Evaluate[int](`document.querySelectorAll('#diagram svg.seqsvg g.msg').length`))
	width := run(b, "measure the diagram", chromedp.Evaluate[float64](`document.querySelector('#diagram svg.seqsvg').getBoundingClientRect().width`))
	if lanes < 4 || msgs < 10 || width < 200 {
		t.Errorf("the diagram has %d lanes and %d arrows, %.0f px wide: want the call drawn (Twilio, the far end, the app, the REST client)", lanes, msgs, width)
	}
}

// createCall places a call to the customer over the REST API of srv's
// listener, as an application does, and returns its SID. In the manual
// clock it stays queued until the test runs the server.
func createCall(t *testing.T, srv *harness.Server) string {
	t.Helper()
	form := url.Values{"To": {customer}, "From": {ourNumber}, "Url": {appVoice}}
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/2010-04-01/Accounts/"+srv.AccountSID()+"/Calls.json",
		strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("REST API: create a call: %v", err)
	}
	defer resp.Body.Close()
	var call struct {
		SID string `json:"sid"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&call); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("REST API: create a call: %s %v", resp.Status, err)
	}
	return call.SID
}

// js quotes s as a JavaScript string.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// rowOf is the CSS selector of a call's row in the list of calls.
func rowOf(sid string) string { return fmt.Sprintf(`#calls tr[data-sid=%q]`, sid) }

// openCallPage opens the page of the call sid from its row in the list,
// and checks that its diagram is drawn.
func openCallPage(t *testing.T, b *browser, sid string) {
	t.Helper()
	b.do("open the call's page",
		chromedp.Click(chromedp.CSS(rowOf(sid)+" a")),
		chromedp.WaitVisible(chromedp.ID("diagram")))
	b.do("wait for the diagram's SVG", chromedp.WaitVisible(chromedp.CSS("#diagram svg.seqsvg")))
	checkDrawnDiagram(t, b)
}
