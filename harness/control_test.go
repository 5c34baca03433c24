package harness_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/twimlharness/twimlharness/harness"
)

// control sends one control request and returns the status and body.
func control(t *testing.T, h http.Handler, method, path, body string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, harness.ControlPrefix+path, strings.NewReader(body)))
	data, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(data)
}

func TestControlAPI(t *testing.T) {
	srv := newServer(t, harness.WithApp(origin, &docs{paths: map[string]string{
		"/voice": `<Response><Gather numDigits="1" action="/menu"><Say>Press 1</Say></Gather></Response>`,
		"/menu":  `<Response><Dial action="/dialed">+14155550201</Dial></Response>`,
	}}))
	h := srv.ControlHandler()
	steps := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"PUT", "parties/+14155550201", `{"answer": "busy"}`, 200, `"party":"busy"`},
		{"POST", "numbers", `{"phone_number": "+14155550123", "voice_url": "` + origin + `/voice"}`, 200, `"sid":"PN`},
		{"POST", "calls", `{"from": "+14155550999", "to": "+14155550123", "caller": {"steps": [{"press": "1"}]}}`, 200, `"sid":"CA`},
		{"POST", "clock/advance", `{"seconds": 1}`, 200, `"now":"2025-01-06T09:00:01Z"`},
		{"POST", "clock/run", ``, 200, `"now"`},
		{"GET", "transcript", ``, 200, "dial         ended: DialCallStatus=busy"},
		{"GET", "diagram", ``, 200, "sequenceDiagram"},
		{"GET", "record", ``, 200, `"direction": "inbound"`},
		{"POST", "faults", `{"url": "` + origin + `/voice", "status": 500}`, 200, `"url"`},
		{"PUT", "parties/+1", `{"answer": "maybe"}`, 400, `answer \"maybe\"`},
		{"PUT", "parties/+14155550202", `{"answer": "busy"}`, 200, `"party":"busy"`},
		{"DELETE", "parties/+14155550202", ``, 200, `"party":"answers after 0s"`},
		{"POST", "calls", `{"from": "+1", "to": "+19999999999"}`, 400, "no such number"},
		{"POST", "seed", `{"seed": "x"}`, 400, "not the JSON"},
		{"GET", "calls/CAnope/transcript", ``, 404, "no call CAnope"},
		{"GET", "nothing", ``, 404, "no control endpoint GET /_harness/nothing"},
	}
	var sid string
	for _, st := range steps {
		code, body := control(t, h, st.method, st.path, st.body)
		if code != st.status || !strings.Contains(body, st.want) {
			t.Errorf("%s %s: %d %s; want %d with %q", st.method, st.path, code, body, st.status, st.want)
		}
		if st.path == "calls" && code == 200 {
			var out struct{ Sid string }
			json.Unmarshal([]byte(body), &out)
			sid = out.Sid
		}
	}
	if code, body := control(t, h, "GET", "calls/"+sid+"/transcript", ""); code != 200 || !strings.Contains(body, "call "+sid+" inbound") {
		t.Errorf("transcript of %s: %d %s", sid, code, body)
	}
	for _, path := range []string{"record", "calls/" + sid + "/record"} {
		_, with := control(t, h, "GET", path, "")
		_, without := control(t, h, "GET", path+"?reply_bodies=false", "")
		if !strings.Contains(with, `"reply_body"`) || strings.Contains(without, `"reply_body"`) || !strings.Contains(without, `"reply_status": 200`) {
			t.Errorf("GET %s?reply_bodies=false: want the record without the applications' reply bodies, got:\n%.600s", path, without)
		}
	}
	if c := srv.Call(sid); c == nil || c.Status() != harness.StatusCompleted {
		t.Fatalf("the incoming call did not complete")
	}
	if code, _ := control(t, h, "POST", "reset", ""); code != 200 || len(srv.Calls()) != 0 || len(srv.Requests()) != 0 {
		t.Errorf("reset left %d calls and %d requests", len(srv.Calls()), len(srv.Requests()))
	}
}
