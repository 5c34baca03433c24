package harness_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/twimlharness/twimlharness/harness"
)

// benchStreamApp is a voice application on a bidirectional stream, as a
// real one is written: it decodes every message, answers each inbound
// frame with 20 ms of its own audio (two-way audio), and closes the
// socket after frames frames. wsURL is where its voice webhook points the
// stream.
func benchStreamApp(frames int, wsURL func(r *http.Request) string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<Response><Connect><Stream url="%s"/></Connect></Response>`, wsURL(r))
	})
	reply := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x7f", 160)))
	mux.HandleFunc("/media", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := context.Background()
		var sid string
		n := 0
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
			if json.Unmarshal(data, &m) != nil {
				return
			}
			switch m.Event {
			case "start":
				sid = m.StreamSid
			case "media":
				n++
				msg := `{"event":"media","streamSid":"` + sid + `","media":{"payload":"` + reply + `"}}`
				if c.Write(ctx, websocket.MessageText, []byte(msg)) != nil {
					return
				}
				if n == frames {
					c.Close(websocket.StatusNormalClosure, "")
					return
				}
			}
		}
	})
	return mux
}

// benchStreamCall places a call whose application streams, and checks
// that the stream carried frames frames both ways.
func benchStreamCall(b *testing.B, srv *harness.Server, frames int, check bool) *harness.Call {
	call, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}})
	if err != nil {
		b.Fatal(err)
	}
	if check {
		call.Wait()
		benchStreamCheck(b, call, frames)
	}
	return call
}

// benchStreamCheck fails the benchmark unless the call's stream ended as
// its application closed it after frames frames, and the far end heard
// the application's audio: a benchmark of a stream that did not stream
// measures nothing.
func benchStreamCheck(b *testing.B, call *harness.Call, frames int) {
	var heard time.Duration
	stopped := false
	for _, e := range call.Events() {
		switch {
		case e.Kind == harness.EventStream && e.Action == harness.ActionPlayed:
			heard += e.Duration
		case e.Kind == harness.EventStream && e.Action == harness.ActionStopped:
			stopped = strings.Contains(e.Text, "application closed")
		}
	}
	if want := time.Duration(frames-1) * 20 * time.Millisecond; !stopped || heard < want {
		b.Fatalf("the stream did not run: stopped by the application %v, far end heard %v (want at least %v)\n%s", stopped, heard, want, call.Transcript())
	}
}

// BenchmarkStreamMinute: one minute of two-way audio on one stream (3,000
// frames each way, every message decoded by the application), in-process
// and over a loopback WebSocket. x-realtime is a minute over the wall
// time it took (targets: 500× in-process, 100× loopback).
func BenchmarkStreamMinute(b *testing.B) {
	const frames = 3000
	for _, mode := range []string{"in-process", "loopback"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			var srv *harness.Server
			if mode == "in-process" {
				app := benchStreamApp(frames, func(*http.Request) string { return "wss://app.example.com/media" })
				srv = harness.NewServer(nil, harness.WithApp("https://app.example.com", app))
			} else {
				var ws string
				ts := httptest.NewServer(benchStreamApp(frames, func(*http.Request) string { return ws }))
				defer ts.Close()
				ws = "ws" + strings.TrimPrefix(ts.URL, "http") + "/media"
				srv = harness.NewServer(nil, harness.WithApp("https://app.example.com", ts.Config.Handler))
			}
			defer srv.Close()
			m := newBenchMeter(b)
			for i := 0; i < b.N; i++ {
				benchStreamCall(b, srv, frames, i == 0)
				if i > 0 {
					srv.Run()
				}
			}
			m.done("minutes/s")
			b.ReportMetric(float64(b.N)*float64(time.Minute)/float64(b.Elapsed()), "x-realtime")
		})
	}
}

// BenchmarkStreamsConcurrent: n calls stream at once, 10 s each (500
// frames both ways); ns/op is per stream, which should not grow with n.
func BenchmarkStreamsConcurrent(b *testing.B) {
	const frames = 500
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			app := benchStreamApp(frames, func(*http.Request) string { return "wss://app.example.com/media" })
			srv := harness.NewServer(nil, harness.WithApp("https://app.example.com", app))
			defer srv.Close()
			m := newBenchMeter(b)
			for done := 0; done < b.N; {
				batch := min(n, b.N-done)
				calls := make([]*harness.Call, batch)
				for i := range calls {
					calls[i] = benchStreamCall(b, srv, frames, false)
				}
				srv.Run()
				if done == 0 {
					m.untimed(func() {
						var wg sync.WaitGroup
						for _, c := range calls {
							wg.Add(1)
							go func() { defer wg.Done(); benchStreamCheck(b, c, frames) }()
						}
						wg.Wait()
					})
				}
				done += batch
			}
			m.done("streams/s")
		})
	}
}
