package harness_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// Tests of how a ConversationRelay session is seen: the call's JSON
// record and the control API (relay_transcript_test.go and
// relay_mermaid_test.go test the transcript and the diagram).

// bookingDoc is the voice document of bookingCall.
const bookingDoc = `<Response><Connect action="/after"><ConversationRelay url="wss://app.example.com/relay" ` +
	`welcomeGreeting="Hello, how can I help?" dtmfDetection="true"><Parameter name="shop" value="clinic"/>` +
	`</ConversationRelay></Connect></Response>`

// bookingCall runs one conversation with a booking agent, each of its
// answers given in the exchange of what it answers, so that the run is the
// same every time:
//
//	0.0   the agent greets "Hello, how can I help?" (2 s)
//	2.0   the caller says "I want to book" (confidence 0.9; prompt at 3.6)
//	3.6   the agent says "Which day would you like?" (two tokens, 2 s)
//	5.6   the caller presses 1: the agent plays beep.mp3 (10 s), then sends digits 12 (400 ms)
//	16.0  the caller says "martes" in es-ES: the agent switches its speech to es-ES and
//	      says "Martes a las diez está libre, ¿lo reservo para usted ahora?" (4 s)
//	18.0  the caller barges in, a second into it: "a human please"
//	19.2  the agent ends the session, handing off {"reason":"human"}; the action says "Connecting you"
func bookingCall(t *testing.T, opts ...harness.Option) (*harness.Server, *harness.Call, *relayApp) {
	t.Helper()
	a := &relayApp{doc: bookingDoc, after: `<Response><Say>Connecting you</Say></Response>`,
		on: func(ctx context.Context, c *websocket.Conn, m relayMsg) bool {
			switch {
			case m.Type == "prompt" && m.Last && strings.Contains(m.VoicePrompt, "book"):
				say(ctx, c, `{"type":"text","token":"Which day","last":false}`, `{"type":"text","token":" would you like?","last":true}`)
			case m.Type == "dtmf":
				say(ctx, c, `{"type":"play","source":"https://cdn.example.com/beep.mp3"}`, `{"type":"sendDigits","digits":"12"}`)
			case m.Type == "prompt" && m.Last && m.Lang == "es-ES":
				say(ctx, c, `{"type":"language","ttsLanguage":"es-ES"}`,
					`{"type":"text","token":"Martes a las diez está libre, ¿lo reservo para usted ahora?","last":true}`)
			case m.Type == "prompt" && m.Last && strings.Contains(m.VoicePrompt, "human"):
				say(ctx, c, `{"type":"end","handoffData":"{\"reason\":\"human\"}"}`)
			}
			return false
		}}
	party := scenario.Person().Says("I want to book").InConversation().WithConfidence(0.9).
		Presses("1").InConversation().
		Says("martes").InLanguage("es-ES").InConversation().
		Says("a human please").InConversation().Interrupting().After(time.Second)
	srv, c := relayCall(t, a, append([]harness.Option{harness.WithParty("+14155550100", party)}, opts...)...)
	return srv, c, a
}

// failedCall runs a session the application breaks: it closes the socket
// without end once it has the setup (64105); the Connect has no action,
// so the call ends.
func failedCall(t *testing.T) *harness.Call {
	t.Helper()
	a := &relayApp{doc: `<Response><Connect><ConversationRelay url="wss://app.example.com/relay"/></Connect></Response>`,
		on: func(ctx context.Context, c *websocket.Conn, m relayMsg) bool { return m.Type == "setup" }}
	_, c := relayCall(t, a)
	return c
}

// neverConnectedCall runs a session whose URL is not a WebSocket's:
// Twilio cannot connect (64102).
func neverConnectedCall(t *testing.T) *harness.Call {
	t.Helper()
	a := &relayApp{doc: `<Response><Connect><ConversationRelay url="https://app.example.com/relay"/></Connect></Response>`}
	_, c := relayCall(t, a)
	return c
}

// handoffCall runs a session the application ends at once, with
// handoffData data ("" for none).
func handoffCall(t *testing.T, data string) *harness.Call {
	t.Helper()
	end := `{"type":"end"}`
	if data != "" {
		b, _ := json.Marshal(map[string]string{"type": "end", "handoffData": data})
		end = string(b)
	}
	a := &relayApp{doc: `<Response><Connect><ConversationRelay url="wss://app.example.com/relay"/></Connect></Response>`,
		on: func(ctx context.Context, c *websocket.Conn, m relayMsg) bool {
			if m.Type == "setup" {
				say(ctx, c, end)
			}
			return false
		}}
	_, c := relayCall(t, a)
	return c
}

// hungUpCall runs a session the caller ends: it hangs up during the
// greeting.
func hungUpCall(t *testing.T) *harness.Call {
	t.Helper()
	a := &relayApp{doc: `<Response><Connect><ConversationRelay url="wss://app.example.com/relay" welcomeGreeting="Welcome to the clinic"/></Connect></Response>`}
	_, c := relayCall(t, a, harness.WithParty("+14155550100", scenario.Person().HangsUp().InConversation().Interrupting().After(500*time.Millisecond)))
	return c
}

// keysCall runs a session in which the caller's keys interrupt the
// greeting (interruptible by dtmf only) half a second in; the agent
// answers "Bookings. Please hold while I find a slot" without letting
// itself be interrupted, over which the caller says "hello?" half a
// second in (Twilio does not report it); the caller hangs up a second
// after the agent has finished.
func keysCall(t *testing.T) *harness.Call {
	t.Helper()
	a := &relayApp{doc: `<Response><Connect action="/after"><ConversationRelay url="wss://app.example.com/relay" ` +
		`welcomeGreeting="Welcome to the clinic, press one for bookings" welcomeGreetingInterruptible="dtmf" dtmfDetection="true"/></Connect></Response>`,
		on: func(ctx context.Context, c *websocket.Conn, m relayMsg) bool {
			if m.Type == "dtmf" {
				say(ctx, c, `{"type":"text","token":"Bookings. Please hold while I find a slot","last":true,"interruptible":false}`)
			}
			return false
		}}
	party := scenario.Person().Presses("1").InConversation().Interrupting().After(500 * time.Millisecond).
		Says("hello?").InConversation().Interrupting().After(500 * time.Millisecond).
		HangsUp().InConversation().After(time.Second)
	_, c := relayCall(t, a, harness.WithParty("+14155550100", party))
	return c
}

// TestConversationRecordJSON: the call's record has its conversations,
// as a Conversation marshals, and so has the server's.
func TestConversationRecordJSON(t *testing.T) {
	srv, c, _ := bookingCall(t)
	cv, _ := c.Conversation()
	var rec struct{ Conversations []json.RawMessage }
	if err := json.Unmarshal(c.JSON(), &rec); err != nil || len(rec.Conversations) != 1 {
		t.Fatalf("the call's record has %d conversations (%v), want 1", len(rec.Conversations), err)
	}
	own, _ := json.Marshal(cv)
	if diff := cmp.Diff(compactJSON(t, own), compactJSON(t, rec.Conversations[0])); diff != "" {
		t.Errorf("the record's conversation differs from the Conversation's JSON (-own +record):\n%s", diff)
	}
	var got map[string]any
	json.Unmarshal(rec.Conversations[0], &got)
	for key, want := range map[string]any{"session_id": cv.SessionID, "call_sid": c.SID(), "url": "wss://app.example.com/relay",
		"status": "ended", "started": "2025-01-06T09:00:00Z", "ended": "2025-01-06T09:00:19.2Z", "duration_ms": 19200.0,
		"handoff_data": `{"reason":"human"}`, "tts_language": "es-ES", "transcription_language": "en-US",
		"parameters": []any{map[string]any{"name": "shop", "value": "clinic"}},
		"attributes": map[string]any{"dtmfDetection": "true", "welcomeGreeting": "Hello, how can I help?"}} {
		if diff := cmp.Diff(want, got[key]); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", key, diff)
		}
	}
	turns, _ := got["turns"].([]any)
	cut, _ := turns[7].(map[string]any)
	if len(turns) != 9 || cut["interrupted"] != true || cut["heard"] != "Martes a" || cut["by"] != "speech" || cut["duration_ms"] != 1000.0 {
		t.Errorf("turns: %d, the 8th %v: want 9, the 8th interrupted by speech after 1000ms, heard \"Martes a\"", len(turns), cut)
	}
	msgs, _ := got["messages"].([]any)
	var types []string
	for _, m := range msgs {
		m := m.(map[string]any)
		types = append(types, fmt.Sprintf("%v:%v", m["from_app"], m["type"]))
	}
	wantTypes := []string{"false:setup", "false:prompt", "true:text", "true:text", "false:dtmf", "true:play", "true:sendDigits",
		"false:prompt", "true:language", "true:text", "false:interrupt", "false:prompt", "true:end"}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}

	// The record reads back as a CallRecordJSON.
	var back harness.CallRecordJSON
	if err := json.Unmarshal(c.JSON(), &back); err != nil || len(back.Conversations) != 1 {
		t.Fatalf("the record does not read back: %v", err)
	}
	b := back.Conversations[0]
	if b.SessionID != cv.SessionID || b.HandoffData == nil || *b.HandoffData != `{"reason":"human"}` || len(b.Turns) != 9 ||
		!b.Turns[7].Interrupted || len(b.Messages) != 13 || b.Started == nil || b.Parameters[0].Value != "clinic" {
		t.Errorf("the record read back: %+v", b)
	}

	// The server's record holds the call's.
	var server struct {
		Calls []struct{ Conversations []json.RawMessage }
	}
	if err := json.Unmarshal(srv.RecordJSON(), &server); err != nil || len(server.Calls) != 1 || len(server.Calls[0].Conversations) != 1 {
		t.Fatalf("the server's record: %v", err)
	}
	if diff := cmp.Diff(compactJSON(t, own), compactJSON(t, server.Calls[0].Conversations[0])); diff != "" {
		t.Errorf("the server's record of the conversation differs (-own +server):\n%s", diff)
	}
}

// TestConversationRecordJSONEnds: a session that failed has its error and
// no handoff; one that never connected has no start; a call without a
// session has no conversations.
func TestConversationRecordJSONEnds(t *testing.T) {
	conversationOf := func(c *harness.Call) map[string]any {
		var rec struct{ Conversations []map[string]any }
		if err := json.Unmarshal(c.JSON(), &rec); err != nil || len(rec.Conversations) != 1 {
			t.Fatalf("%d conversations (%v), want 1", len(rec.Conversations), err)
		}
		return rec.Conversations[0]
	}
	failed := conversationOf(failedCall(t))
	if failed["status"] != "failed" || failed["error_code"] != 64105.0 || failed["started"] == nil || failed["handoff_data"] != nil ||
		!strings.HasPrefix(failed["error_message"].(string), "Websocket ended: ") {
		t.Errorf("a failed session: %v", failed)
	}
	never := conversationOf(neverConnectedCall(t))
	if never["error_code"] != 64102.0 || never["started"] != nil || never["ended"] == nil || len(never["messages"].([]any)) != 0 ||
		len(never["turns"].([]any)) != 0 || len(never["parameters"].([]any)) != 0 {
		t.Errorf("a session that never connected: %v", never)
	}
	if end := conversationOf(handoffCall(t, "")); end["status"] != "ended" || end["handoff_data"] != nil {
		t.Errorf("an end without handoffData: %v", end)
	}
	_, plain := run(t, map[string]string{"/voice": `<Response><Say>hi</Say></Response>`}, scenario.Person())
	if strings.Contains(string(plain.JSON()), `"conversations"`) {
		t.Errorf("a call without a session has conversations:\n%s", plain.JSON())
	}
}

// compactJSON returns data compacted, for comparisons.
func compactJSON(t *testing.T, data []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		t.Fatalf("not JSON: %v: %s", err, data)
	}
	return b.String()
}

func TestControlConversations(t *testing.T) {
	srv, c, _ := bookingCall(t)
	cv, _ := c.Conversation()
	sid, vx := c.SID(), cv.SessionID
	code, body := control(t, srv, "GET", "calls/"+sid+"/conversations", "")
	var list struct {
		Conversations []map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list.Conversations) != 1 {
		t.Fatalf("GET conversations: %d %s (%v), want 200 with one conversation", code, body, err)
	}
	got := list.Conversations[0]
	if string(got["session_id"]) != `"`+vx+`"` || string(got["status"]) != `"ended"` || string(got["handoff_data"]) != `"{\"reason\":\"human\"}"` {
		t.Errorf("GET conversations: %s", body)
	}
	if _, ok := got["messages"]; ok {
		t.Errorf("GET conversations lists the messages too: %s", body)
	}
	if _, ok := got["turns"]; !ok {
		t.Errorf("GET conversations lists no turns: %s", body)
	}
	record, _ := json.Marshal(cv)
	plain, err := srv.CreateCall(url.Values{"To": {"+14155550199"}, "From": {"+15005550006"}, "Twiml": {"<Response><Say>hi</Say></Response>"}})
	if err != nil {
		t.Fatal(err)
	}
	plain.Wait()

	tests := []struct {
		name, path  string
		wantStatus  int
		contentType string
		wantBody    string // the whole body
		wantErr     string // in the error's message
	}{
		{name: "a record", path: "calls/" + sid + "/conversations/" + vx, wantStatus: 200, contentType: "application/json", wantBody: string(record) + "\n"},
		{name: "a transcript", path: "calls/" + sid + "/conversations/" + vx + "/transcript", wantStatus: 200, contentType: "text/plain; charset=utf-8",
			wantBody: cv.Transcript()},
		{name: "a call without a session", path: "calls/" + plain.SID() + "/conversations", wantStatus: 200, contentType: "application/json",
			wantBody: `{"conversations":[]}` + "\n"},
		{name: "no such session", path: "calls/" + sid + "/conversations/VX00000000000000000000000000000000", wantStatus: 404,
			wantErr: "no conversation VX00000000000000000000000000000000 on call " + sid + ": give a session ID (VX…) the call had: " + vx},
		{name: "a session of another call", path: "calls/" + plain.SID() + "/conversations/" + vx + "/transcript", wantStatus: 404,
			wantErr: "no conversation " + vx + " on call " + plain.SID() + ": the call had no ConversationRelay session"},
		{name: "no such call", path: "calls/CA00000000000000000000000000000000/conversations", wantStatus: 404, wantErr: "no call CA00000000000000000000000000000000"},
		{name: "no such view", path: "calls/" + sid + "/conversations/" + vx + "/diagram", wantStatus: 404,
			wantErr: "no control endpoint GET /_harness/calls/" + sid + "/conversations/" + vx + "/diagram: a conversation has its record (conversations/{id}) and its transcript (conversations/{id}/transcript)"},
		{name: "too deep", path: "calls/" + sid + "/conversations/" + vx + "/transcript/x", wantStatus: 404, wantErr: "no control endpoint GET"},
		{name: "a parameter to the list", path: "calls/" + sid + "/conversations?status=ended", wantStatus: 400,
			wantErr: `unknown query parameter "status": the list of a call's conversations takes none`},
		{name: "a parameter to the record", path: "calls/" + sid + "/conversations/" + vx + "?reply_bodies=false", wantStatus: 400,
			wantErr: `unknown query parameter "reply_bodies": a conversation's record takes none`},
		{name: "a parameter to the transcript", path: "calls/" + sid + "/conversations/" + vx + "/transcript?x=1", wantStatus: 400,
			wantErr: `unknown query parameter "x": a conversation's transcript takes none`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			srv.ControlHandler().ServeHTTP(rec, controlRequest(srv, "GET", tt.path, ""))
			resp := rec.Result()
			if tt.wantStatus != 200 {
				if got := controlReplyOf(t, resp); got.status != tt.wantStatus || !strings.Contains(got.err, tt.wantErr) {
					t.Errorf("%d %q, want %d with %q", got.status, got.err, tt.wantStatus, tt.wantErr)
				}
				return
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tt.contentType {
				t.Fatalf("%d %s %.200s, want 200 %s", resp.StatusCode, resp.Header.Get("Content-Type"), body, tt.contentType)
			}
			if diff := cmp.Diff(tt.wantBody, string(body)); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
	r := controlRequest(srv, "GET", "calls/"+sid+"/conversations/"+vx, "")
	r.Header.Del("Authorization")
	rec := httptest.NewRecorder()
	srv.ControlHandler().ServeHTTP(rec, r)
	if got := controlReplyOf(t, rec.Result()); got.status != 401 {
		t.Errorf("a conversation without credentials: %d %q, want 401", got.status, got.err)
	}
	if code, body := control(t, srv, "DELETE", "calls/"+sid+"/conversations/"+vx, ""); code != 404 || !strings.Contains(body, "no control endpoint DELETE") {
		t.Errorf("DELETE a conversation: %d %s, want 404", code, body)
	}
}

// TestConversationViewsWhileRunning: the views of a conversation are safe
// to read while it runs (go test -race).
func TestConversationViewsWhileRunning(t *testing.T) {
	var (
		mu   sync.Mutex
		call *harness.Call
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			mu.Lock()
			c := call
			mu.Unlock()
			if c == nil {
				runtime.Gosched()
				continue
			}
			for _, cv := range c.Conversations() {
				cv.Transcript()
				json.Marshal(cv)
			}
			c.JSON()
			c.Mermaid()
			c.Transcript()
		}
	}()
	a := &relayApp{doc: bookingDoc, on: func(ctx context.Context, c *websocket.Conn, m relayMsg) bool {
		if m.Type == "prompt" && m.Last {
			say(ctx, c, `{"type":"text","token":"Noted.","last":true}`)
		}
		return false
	}}
	srv := harness.NewServer(t, harness.WithApp("https://app.example.com", a.handler(t)),
		harness.WithParty("+14155550100", scenario.Person().Says("one").InConversation().Says("two").InConversation().HangsUp().InConversation()))
	c, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	call = c
	mu.Unlock()
	c.Wait()
	close(stop)
	wg.Wait()
	if cv, _ := c.Conversation(); len(cv.Turns) != 5 || cv.Status != harness.SessionCompleted {
		t.Errorf("the conversation:\n%s", cv.Transcript())
	}
}
