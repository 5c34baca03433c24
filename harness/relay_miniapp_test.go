package harness_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness"
)

// relayMsg is what a relayApp reads of Twilio's messages.
type relayMsg struct {
	Type        string `json:"type"`
	VoicePrompt string `json:"voicePrompt"`
	Lang        string `json:"lang"`
	Last        bool   `json:"last"`
	Digit       string `json:"digit"`
	raw         string
}

// relayApp is a voice application with a ConversationRelay session, for
// tests of one behaviour each: /voice answers doc, /after answers after
// (a Hangup when empty), and /relay accepts the WebSocket and hands each
// of Twilio's messages to on, which may write on c (with say) and reports
// whether the application closes the socket there. Every message Twilio
// sent, and every action request's form, is kept in the log.
type relayApp struct {
	doc, after string
	on         func(ctx context.Context, c *websocket.Conn, m relayMsg) (closeNow bool)

	mu      sync.Mutex
	got     []relayMsg
	actions []url.Values
}

func (a *relayApp) handler(t testing.TB) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, a.doc)
	})
	mux.HandleFunc("/after", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		a.mu.Lock()
		a.actions = append(a.actions, r.PostForm)
		a.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		doc := a.after
		if doc == "" {
			doc = `<Response><Hangup/></Response>`
		}
		fmt.Fprint(w, doc)
	})
	mux.HandleFunc("/relay", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.CloseNow()
		ctx := context.Background()
		for {
			_, data, err := c.Read(ctx)
			if err != nil {
				return
			}
			var m relayMsg
			json.Unmarshal(data, &m)
			m.raw = string(data)
			a.mu.Lock()
			a.got = append(a.got, m)
			a.mu.Unlock()
			if a.on != nil && a.on(ctx, c, m) {
				c.Close(websocket.StatusNormalClosure, "")
				return
			}
		}
	})
	return mux
}

// say writes messages of the application's, as JSON.
func say(ctx context.Context, c *websocket.Conn, msgs ...string) {
	for _, m := range msgs {
		c.Write(ctx, websocket.MessageText, []byte(m))
	}
}

// relayCall runs one call to the app to its end.
func relayCall(t *testing.T, a *relayApp, opts ...harness.Option) (*harness.Server, *harness.Call) {
	t.Helper()
	srv := harness.NewServer(t, append([]harness.Option{harness.WithApp("https://app.example.com", a.handler(t))}, opts...)...)
	call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	call.Wait()
	return srv, call
}
