package harness_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

func TestStreamSmoke(t *testing.T) {
	app := http.NewServeMux()
	app.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Connect action="/after"><Stream url="wss://app.example.com/media"><Parameter name="a" value="b"/></Stream></Connect></Response>`)
	})
	app.HandleFunc("/after", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Say>bye</Say></Response>`)
	})
	app.HandleFunc("/media", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		defer c.CloseNow()
		var sid string
		frames := 0
		for {
			_, data, err := c.Read(context.Background())
			if err != nil {
				return
			}
			var m map[string]any
			json.Unmarshal(data, &m)
			switch m["event"] {
			case "start":
				sid = m["streamSid"].(string)
				t.Logf("start: %s", data)
				payload := base64.StdEncoding.EncodeToString(make([]byte, 8000))
				c.Write(context.Background(), websocket.MessageText, []byte(`{"event":"media","streamSid":"`+sid+`","media":{"payload":"`+payload+`"}}`))
				c.Write(context.Background(), websocket.MessageText, []byte(`{"event":"mark","streamSid":"`+sid+`","mark":{"name":"greeting"}}`))
			case "media":
				frames++
			case "mark":
				t.Logf("mark back after %d frames: %s", frames, data)
			case "dtmf":
				t.Logf("dtmf after %d frames: %s", frames, data)
				c.Close(websocket.StatusNormalClosure, "")
				return
			default:
				t.Logf("%s", data)
			}
		}
	})
	srv := harness.NewServer(t, harness.WithApp("https://app.example.com", app),
		harness.WithParty("+14155550100", scenario.Person().Presses("5").InStream().AfterMark("greeting").After(500_000_000)))
	call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	info := call.Wait()
	t.Logf("%v %v", info.Status, info.Duration)
	t.Log(call.Transcript())
}
