package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/twimlharness/twimlharness/harness"
)

func TestDemo(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"demo"}, &out, &errOut, nil); code != 0 {
		t.Fatalf("demo exited %d: %s", code, errOut.String())
	}
	for _, want := range []string{
		"1. a patient calls the clinic, presses 1 and asks for next Tuesday: completed",
		`gather       heard "next Tuesday at ten"`,
		"2. a patient presses 2, billing is busy, the patient leaves a message: completed",
		"dial         ended: DialCallStatus=busy",
		"record       finished on a key (6s): recorded 6s",
		"3. the clinic calls a patient with a reminder; an answering machine picks up: completed",
		"answering machine detection: machine_end_beep after 7s",
		"4. the clinic calls a patient with a reminder; the patient confirms: completed",
		"request      action POST https://reminders.example.com/confirm",
		"5. a customer calls support; Alex transfers the call to Bea in billing (a warm transfer): completed, transfer completed",
		`heard "Please hold while we bring in a colleague who can help." from hold-music`,
		`heard "Hello, this is Bea from billing. How can I help?" from "agent-b"`,
		`heard "Can you refund one of the charges?" from "customer"`,
		`"agent-a" ParticipantCallStatus=completed ReasonParticipantLeft=participant_hung_up`,
		"participant-unhold",
		"conference-end             ReasonConferenceEnded=participant-with-end-conference-on-exit-left",
		"6. two customers call the bike shop's support queue; an agent takes the first, the second gives up: completed",
		`queue        enqueued in "support" at position 2`,
		`say          "You are caller number 2. Please hold."`,
		`dial         dialing queue "support", for 20s`,
		`queue        heard "Connecting you to an agent." (dequeue-url)`,
		`queue        left "support": QueueResult=bridged after 30.4s`,
		`say          "Thank you for calling Northwind Bikes. Goodbye."`,
		`queue        left "support": QueueResult=hangup after 1m30s`,
		"7. a caller speaks over the answering bot's greeting on a media stream; the bot answers and hangs up: completed, answered",
		`input        the far end will say "Hi, I need to talk to someone about my order" after 500ms when the application's audio starts`,
		"stream       the application cleared its audio",
		`stream       mark "answer" played`,
		"hangup       hung up with the REST API",
		"stream       stream MZ",
		"stopped: the call ended",
		"8. a caller books an appointment with an AI agent on ConversationRelay, cutting in on its answer: completed, booked",
		`relay        the caller interrupted the agent (speech) after 2000ms, having heard "Sorry, we're closed at the"`,
		`relay        the agent says "Wednesday at 10 AM works. Shall I book it for you?"`,
		"relay        ConversationRelay session VX",
		`say          "You're booked for Wednesday at 10 AM. See you then, goodbye!"`,
		"8 calls,",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "no command given"},
		{"unknown command", []string{"dance"}, `unknown command "dance"`},
		{"unknown serve flag", []string{"serve", "-port", "1"}, "flag provided but not defined: -port"},
		{"bad seed", []string{"serve", "-seed", "x"}, `invalid value "x" for flag -seed`},
		{"serve argument", []string{"serve", "extra"}, `unexpected argument "extra"`},
		{"bad max-conns", []string{"serve", "-max-conns", "many"}, `invalid value "many" for flag -max-conns`},
		{"empty control-host", []string{"serve", "-control-host", ""}, `invalid value "" for flag -control-host: empty host`},
		{"demo argument", []string{"demo", "extra"}, `unexpected argument "extra"`},
		{"bad clock", []string{"serve", "-clock", "fast"}, `-clock "fast": want auto, manual or scaled`},
		{"rate without scaled", []string{"serve", "-clock", "manual", "-clock-rate", "5"}, `-clock-rate 5: only -clock scaled has a rate`},
		{"bad rate", []string{"serve", "-clock", "scaled", "-clock-rate", "0"}, `scaled clock rate 0: want virtual seconds per real second`},
		{"bad public-url", []string{"serve", "-public-url", "https://a.example.com/x=http://127.0.0.1:1"}, `want an origin such as https://app.example.com`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(tt.args, &out, &errOut, nil); code != 2 {
				t.Errorf("exit status %d, want 2", code)
			}
			if !strings.Contains(errOut.String(), tt.want) || !strings.Contains(errOut.String(), "usage:") {
				t.Errorf("stderr = %q, want %q and the usage", errOut.String(), tt.want)
			}
		})
	}
}

func TestServeRejectsBadCredentials(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"serve", "-account-sid", "AC1"}, &out, &errOut, nil); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), "AC followed by 32 hex digits") {
		t.Errorf("stderr = %q", errOut.String())
	}
}

// TestServeProcess builds the command, starts "serve", reads the base URL
// from its first line, places and completes a call through the REST API,
// and stops it with SIGTERM.
// runMainEnv, set to 1 in a test binary's environment, makes the binary run
// the command's main with its arguments instead of the tests: TestServeProcess
// starts the test binary itself as the twimlharness process, rather than
// building the command with go build (a second compile and link of the
// command and everything it imports, which took most of this package's test
// time on a cold build cache). .ci/run builds the command with go build.
const runMainEnv = "TWIMLHARNESS_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
	}
	os.Exit(m.Run())
}

func TestServeProcess(t *testing.T) {
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const sid, token = "AC0123456789abcdef0123456789abcdef", "s3cr3t"
	cmd := exec.Command(bin, "serve", "-account-sid", sid, "-auth-token", token)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v (stderr: %s)", err, stderr.String())
	}
	base := strings.TrimSpace(line)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line = %q, want the base URL alone", line)
	}

	// The engine runs on its own: the completed status callback arrives
	// without anyone driving it.
	completed := make(chan *http.Request, 1)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Form.Get("CallStatus") == "completed" {
			completed <- r
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer app.Close()

	form := url.Values{"To": {"+14155550100"}, "From": {"+15005550006"},
		"Twiml": {"<Response><Say>Hi</Say></Response>"}, "StatusCallback": {app.URL + "/status"}}
	req, _ := http.NewRequest("POST", base+"/2010-04-01/Accounts/"+sid+"/Calls.json", strings.NewReader(form.Encode()))
	req.SetBasicAuth(sid, token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ Sid, Status string }
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != 201 || created.Status != "queued" {
		t.Fatalf("create: %d %+v", resp.StatusCode, created)
	}
	got := <-completed
	if got.Form.Get("CallSid") != created.Sid || got.Form.Get("CallDuration") != "1" {
		t.Errorf("completed callback = %v, want call %s after 1 s", got.Form, created.Sid)
	}
	if want := harness.Signature(token, app.URL+"/status", got.PostForm); got.Header.Get("X-Twilio-Signature") != want {
		t.Errorf("X-Twilio-Signature = %q, want %q", got.Header.Get("X-Twilio-Signature"), want)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve did not stop cleanly on SIGTERM: %v (stderr: %s)", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "stopping") {
		t.Errorf("stderr = %q, want it to say it is stopping", stderr.String())
	}
}

// serveInProcess runs serve with args on a goroutine, and returns its base
// URL and a function that stops it and returns what it wrote on stderr
// (called at the end of the test if not before).
func serveInProcess(t *testing.T, args ...string) (string, func() string) {
	t.Helper()
	stop := make(chan struct{})
	stdout, w := io.Pipe()
	var stderr bytes.Buffer // written by serve until done, read after
	done := make(chan int, 1)
	go func() {
		done <- run(append([]string{"serve"}, args...), w, &stderr, stop)
		w.Close()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		code := <-done
		t.Fatalf("serve exited %d before printing its URL: %s", code, stderr.String())
	}
	var once sync.Once
	end := func() string {
		once.Do(func() {
			close(stop)
			if code := <-done; code != 0 {
				t.Errorf("serve exited %d: %s", code, stderr.String())
			}
		})
		return stderr.String()
	}
	t.Cleanup(func() { end() })
	return strings.TrimSpace(line), end
}

func TestServeWarnsOffLoopback(t *testing.T) {
	const warning = ", not on loopback: the fake Twilio and its control API are reachable from the network, " +
		"protected only by the account's credentials"
	tests := []struct {
		name     string
		args     []string
		want     string // the warning's line, "" for none
		wantNote bool   // the line says the credentials are the published defaults
	}{
		{name: "loopback", args: []string{"-addr", "127.0.0.1:0"}},
		{name: "localhost", args: []string{"-addr", "localhost:0"}},
		{name: "every interface", args: []string{"-addr", "0.0.0.0:0"}, want: "twimlharness: warning: listening on [::]:", wantNote: true},
		{name: "every interface, own token", args: []string{"-addr", "0.0.0.0:0", "-auth-token", "s3cr3t"},
			want: "twimlharness: warning: listening on [::]:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, end := serveInProcess(t, tt.args...)
			var warnings []string
			for _, line := range strings.Split(end(), "\n") {
				if strings.Contains(line, "warning") {
					warnings = append(warnings, line)
				}
			}
			switch {
			case tt.want == "" && len(warnings) > 0:
				t.Errorf("on loopback, serve warned: %q", warnings)
			case tt.want == "":
			case len(warnings) != 1 || !strings.HasPrefix(warnings[0], tt.want) || !strings.Contains(warnings[0], warning):
				t.Errorf("warnings %q, want one line %q…%q", warnings, tt.want, warning)
			case strings.Contains(warnings[0], "the default ones") != tt.wantNote:
				t.Errorf("warning %q: want it to say the credentials are the defaults: %v", warnings[0], tt.wantNote)
			}
		})
	}
}

// TestServeControlAPI checks the control API as serve serves it: behind
// the account's credentials, for the hosts it knows.
func TestServeControlAPI(t *testing.T) {
	const sid, token = "AC0123456789abcdef0123456789abcdef", "s3cr3t"
	base, _ := serveInProcess(t, "-account-sid", sid, "-auth-token", token, "-control-host", "twimlharness")
	port := base[strings.LastIndex(base, ":")+1:]
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		set        func(*http.Request)
		wantStatus int
	}{
		{"credentials", "GET", "clock", "", nil, 200},
		{"no credentials", "GET", "clock", "", func(r *http.Request) { r.Header.Del("Authorization") }, 401},
		{"wrong token", "GET", "clock", "", func(r *http.Request) { r.SetBasicAuth(sid, "wrong") }, 401},
		{"a -control-host name", "GET", "clock", "", func(r *http.Request) { r.Host = "twimlharness:" + port }, 200},
		{"another name", "GET", "clock", "", func(r *http.Request) { r.Host = "evil.example:" + port }, 403},
		{"foreign Origin", "GET", "clock", "", func(r *http.Request) { r.Header.Set("Origin", "http://evil.example") }, 403},
		{"JSON", "PUT", "parties/%2B14155550100", `{"answer": "busy"}`, nil, 200},
		{"text/plain", "PUT", "parties/%2B14155550100", `{"answer": "busy"}`, func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, 415},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, base+harness.ControlPrefix+tt.path, strings.NewReader(tt.body))
			req.SetBasicAuth(sid, token)
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tt.set != nil {
				tt.set(req)
			}
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("%s %s: %d %s, want %d", tt.method, tt.path, resp.StatusCode, body, tt.wantStatus)
			}
		})
	}
}

// TestServeMaxConns checks that -max-conns reaches the listener: with 1, a
// second connection while one is open is answered 503.
func TestServeMaxConns(t *testing.T) {
	const sid = harness.DefaultAccountSID
	base, _ := serveInProcess(t, "-max-conns", "1")
	port := base[strings.LastIndex(base, ":")+1:]
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	held, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	fmt.Fprintf(held, "GET /_harness/clock HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n\r\n", port)
	if resp, err := http.ReadResponse(bufio.NewReader(held), nil); err != nil || resp.StatusCode != 401 {
		t.Fatalf("the first connection: %v %v, want 401 (it sent no credentials)", resp, err)
	}
	resp, err := (&http.Client{Transport: tr}).Get(base + "/2010-04-01/Accounts/" + sid + "/Calls.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(body), `"code":20503`) || !strings.Contains(string(body), "its limit is 1") {
		t.Errorf("past -max-conns 1: %d %s, want 503 with code 20503 and the limit", resp.StatusCode, body)
	}
}

func TestCallCommand(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "text/xml")
		switch {
		case r.URL.Path == "/voice" && r.Form.Get("AnsweredBy") == "machine_end_beep":
			io.WriteString(w, `<Response><Say>Please call us back.</Say></Response>`)
		case r.URL.Path == "/voice":
			io.WriteString(w, `<Response><Gather numDigits="1" action="/menu"><Say>Press 1 for sales</Say></Gather></Response>`)
		case r.URL.Path == "/menu" && r.Form.Get("Digits") == "1":
			io.WriteString(w, `<Response><Gather numDigits="2" action="/sales" input="dtmf speech"><Say>Your order number, or say agent</Say></Gather></Response>`)
		case r.URL.Path == "/menu":
			io.WriteString(w, `<Response><Say>You pressed `+r.Form.Get("Digits")+`</Say></Response>`)
		case r.URL.Path == "/sales":
			io.WriteString(w, `<Response><Say>Sales heard `+r.Form.Get("Digits")+r.Form.Get("SpeechResult")+` from `+r.Form.Get("Direction")+`</Say></Response>`)
		default:
			w.WriteHeader(500)
		}
	}))
	defer app.Close()
	script := filepath.Join(t.TempDir(), "caller.json")
	if err := os.WriteFile(script, []byte(`{"steps": [{"press": "1"}, {"say": "agent", "at": "Gather"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	voice := app.URL + "/voice"
	tests := []struct {
		name    string
		args    []string
		code    int
		want    string
		wantErr string
	}{
		{"two menu levels", []string{"--url", voice, "--press", "1", "--press", "42"}, 0, `say          "Sales heard 42 from inbound"`, ""},
		{"press then say", []string{"--url", voice, "--press", "1", "--say", "agent"}, 0, `say          "Sales heard agent from inbound"`, ""},
		{"script", []string{"--url", voice, "--script", script}, 0, `say          "Sales heard agent from inbound"`, ""},
		{"misfit press", []string{"--url", voice, "--press", "23"}, 2, `say          "You pressed 2"`,
			`the script does not fit the application (99005): the far end pressed "23", but the <Gather> took its numDigits="1" after "2": "3" went unheard`},
		{"unused step", []string{"--url", voice, "--press", "1", "--press", "42", "--press", "9"}, 2, `say          "Sales heard 42 from inbound"`,
			`the script does not fit the application (99003)`},
		{"say at a keys menu", []string{"--url", voice, "--say", "sales"}, 2, `gather`,
			`the script does not fit the application (99005): the far end said "sales", but the <Gather> listens only for keys`},
		{"outbound press", []string{"--outbound", "--url", voice, "--press", "2"}, 0, `say          "You pressed 2"`, ""},
		{"voicemail", []string{"--outbound", "--url", voice, "--answered-by", "machine_end_beep"}, 0, "Please call us back.", ""},
		{"mermaid", []string{"--url", voice, "--format", "mermaid"}, 0, "sequenceDiagram", ""},
		{"json inbound", []string{"--url", voice, "--format", "json"}, 0, `"direction": "inbound"`, ""},
		{"json outbound", []string{"--outbound", "--url", voice, "--format", "json"}, 0, `"direction": "outbound-api"`, ""},
		{"application error", []string{"--url", app.URL + "/broken"}, 1, "notification 11200", "the call logged error 11200"},
		{"missing url", nil, 2, "", "--url is required"},
		{"bad format", []string{"--url", app.URL, "--format", "xml"}, 2, "", `--format "xml"`},
		{"answered-by inbound", []string{"--url", app.URL, "--answered-by", "fax"}, 2, "", "--answered-by needs --outbound"},
		{"bad answered-by", []string{"--outbound", "--url", app.URL, "--answered-by", "robot"}, 2, "", `--answered-by "robot"`},
		{"bad press", []string{"--url", app.URL, "--press", "1a"}, 2, "", `invalid value "1a" for flag -press: want digits, * and #`},
		{"press and script", []string{"--url", app.URL, "--press", "1", "--script", script}, 2, "", "not both"},
		{"missing script", []string{"--url", app.URL, "--script", script + ".gone"}, 2, "", "--script: open"},
		{"bad public-url", []string{"--url", app.URL, "--public-url", "https://a.example.com"}, 2, "", "want public=real"},
		{"unknown flag", []string{"--colour", "red"}, 2, "", "flag provided but not defined: -colour"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(append([]string{"call"}, tt.args...), &out, &errOut, nil)
			if code != tt.code || !strings.Contains(out.String(), tt.want) || !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out.String(), errOut.String(), tt.code, tt.want, tt.wantErr)
			}
		})
	}
}
