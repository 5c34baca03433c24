package harness_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

// A voice bot on a media stream, served in-process: it greets with a
// second of audio and a mark, and hangs up (closes the stream) once the
// caller has answered. The caller speaks once the greeting has played.
func ExampleCall_Streams() {
	app := http.NewServeMux()
	app.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response><Connect><Stream url="wss://app.example.com/media">`+
			`<Parameter name="lang" value="en"/></Stream></Connect><Say>Goodbye.</Say></Response>`)
	})
	app.HandleFunc("/media", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := context.Background()
		loud := 0
		for {
			_, data, err := c.Read(ctx)
			if err != nil {
				return
			}
			var m struct {
				Event     string `json:"event"`
				StreamSid string `json:"streamSid"`
				Media     struct {
					Payload string `json:"payload"`
				} `json:"media"`
			}
			json.Unmarshal(data, &m)
			switch m.Event {
			case "start": // a second of audio, then a mark
				audio := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x10", 8000)))
				c.Write(ctx, websocket.MessageText, []byte(`{"event":"media","streamSid":"`+m.StreamSid+`","media":{"payload":"`+audio+`"}}`))
				c.Write(ctx, websocket.MessageText, []byte(`{"event":"mark","streamSid":"`+m.StreamSid+`","mark":{"name":"greeting"}}`))
			case "media": // the caller's voice is anything but μ-law silence (0xFF)
				frame, _ := base64.StdEncoding.DecodeString(m.Media.Payload)
				if bytes.Count(frame, []byte{0xff}) != len(frame) {
					loud++
				}
				if loud == 25 { // half a second of speech: done
					c.Close(websocket.StatusNormalClosure, "")
					return
				}
			}
		}
	})
	srv := harness.NewServer(nil, harness.WithApp("https://app.example.com", app),
		harness.WithParty("+14155550100", scenario.Person().Says("Yes please").InStream().AfterMark("greeting")))
	defer srv.Close()
	call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}})
	if err != nil {
		panic(err)
	}
	answered := call.Wait().Answered
	st := call.Streams()[0].Info()
	fmt.Println("bidirectional:", st.Bidirectional, "parameters:", st.Parameters, "status:", st.Status)
	for _, e := range call.Events() {
		if e.Kind == harness.EventStream || e.Kind == harness.EventInput && e.Action == harness.ActionSpoke {
			fmt.Println(e.Time.Sub(answered), e.Kind, e.Action, e.Name, e.Words, e.Duration)
		}
	}
	// Output:
	// bidirectional: true parameters: [{lang en}] status: stopped
	// 0s stream dialing   0s
	// 0s stream started   0s
	// 1s stream mark greeting  0s
	// 1s input spoke  Yes please 0s
	// 1.02s stream played   1s
	// 1.6s stream stopped   0s
}
