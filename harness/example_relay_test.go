package harness_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// An AI voice agent on ConversationRelay, served in-process: it answers
// each of the caller's prompts with two streamed tokens, and hands off to
// a person when asked. The caller interrupts its first answer.
func ExampleCall_Conversation() {
	app := http.NewServeMux()
	app.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Connect action="/handoff"><ConversationRelay url="wss://app.example.com/agent" `+
			`welcomeGreeting="Hi, which day suits you?"/></Connect></Response>`)
	})
	app.HandleFunc("/handoff", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<Response><Say>Handing off: %s</Say></Response>`, r.FormValue("HandoffData"))
	})
	app.HandleFunc("/agent", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := context.Background()
		for {
			_, data, err := c.Read(ctx)
			if err != nil {
				return
			}
			var m struct{ Type, VoicePrompt string }
			json.Unmarshal(data, &m)
			switch {
			case m.Type != "prompt":
			case strings.Contains(m.VoicePrompt, "person"):
				c.Write(ctx, websocket.MessageText, []byte(`{"type":"end","handoffData":"{\"reason\":\"person\"}"}`))
			default:
				c.Write(ctx, websocket.MessageText, []byte(`{"type":"text","token":"Tuesday at ten is free, ","last":false}`))
				c.Write(ctx, websocket.MessageText, []byte(`{"type":"text","token":"shall I book it?","last":true}`))
			}
		}
	})
	caller := scenario.Person().Says("Tuesday").
		Says("actually, a person please").Interrupting().After(1200 * time.Millisecond)
	srv := harness.NewServer(nil, harness.WithApp("https://app.example.com", app), harness.WithParty("+14155550100", caller))
	defer srv.Close()
	call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}})
	if err != nil {
		panic(err)
	}
	call.Wait()
	cv, _ := call.Conversation()
	fmt.Println("status:", cv.Status, "handoff:", *cv.HandoffData)
	for _, t := range cv.Turns {
		fmt.Printf("%-6s %-8s %q", t.Speaker, t.Kind, t.Text)
		if t.Interrupted {
			fmt.Printf(" interrupted after %v, heard %q", t.Duration, t.Heard)
		}
		fmt.Println()
	}
	// Output:
	// status: ended handoff: {"reason":"person"}
	// agent  greeting "Hi, which day suits you?"
	// caller speech   "Tuesday"
	// agent  text     "Tuesday at ten is free, shall I book it?" interrupted after 1.2s, heard "Tuesday at ten"
	// caller speech   "actually, a person please"
}
