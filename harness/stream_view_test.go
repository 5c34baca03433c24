package harness_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/harness/internal/audio"
	"github.com/twimlharness/twimlharness/scenario"
)

// streamBot is a media stream application for tests, served at /media of
// an in-process app: it answers Twilio's messages as its script says, and
// writes only in answer to a message, before it reads the next, so a run
// is the same every time. It never closes the WebSocket itself: the
// stream ends with the call, <Stop> or the Streams API.
type streamBot struct {
	t       testing.TB
	onStart func(b *botConn)
	onDTMF  func(b *botConn, digit string)
	onMark  func(b *botConn, name string)
}

// botConn is one connection of a streamBot.
type botConn struct {
	ctx context.Context
	c   *websocket.Conn
	sid string
}

// send writes a message of the application's.
func (b *botConn) send(msg string) {
	b.c.Write(b.ctx, websocket.MessageText, []byte(msg)) // an error ends the read loop
}

// audio sends d of μ-law audio, every byte sample.
func (b *botConn) audio(d time.Duration, sample byte) {
	payload := bytes.Repeat([]byte{sample}, int(d/time.Millisecond)*8)
	b.send(`{"event":"media","streamSid":"` + b.sid + `","media":{"payload":"` + base64.StdEncoding.EncodeToString(payload) + `"}}`)
}

// mark sends a mark.
func (b *botConn) mark(name string) {
	b.send(`{"event":"mark","streamSid":"` + b.sid + `","mark":{"name":"` + name + `"}}`)
}

// clear sends a clear.
func (b *botConn) clear() { b.send(`{"event":"clear","streamSid":"` + b.sid + `"}`) }

func (s *streamBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		s.t.Errorf("the bot's upgrade: %v", err)
		return
	}
	defer c.CloseNow()
	b := &botConn{ctx: context.Background(), c: c}
	for {
		_, data, err := c.Read(b.ctx)
		if err != nil {
			return
		}
		var m struct {
			Event     string `json:"event"`
			StreamSid string `json:"streamSid"`
			DTMF      struct{ Digit string }
			Mark      struct{ Name string }
		}
		if err := json.Unmarshal(data, &m); err != nil {
			s.t.Errorf("Twilio sent a message that is not JSON: %s", data)
			return
		}
		switch m.Event {
		case "start":
			b.sid = m.StreamSid
			if s.onStart != nil {
				s.onStart(b)
			}
		case "dtmf":
			if s.onDTMF != nil {
				s.onDTMF(b, m.DTMF.Digit)
			}
		case "mark":
			if s.onMark != nil {
				s.onMark(b, m.Mark.Name)
			}
		case "stop":
			return
		}
	}
}

// streamApp returns an in-process application: /voice answers with doc,
// /media is the bot, any other path answers an empty document.
func streamApp(doc string, bot *streamBot) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/voice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, doc)
	})
	mux.Handle("/media", bot)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<Response/>`)
	})
	return mux
}

// The samples of the bot's audio in botCall, one for each of its parts.
const (
	sampleGreeting = 0x10
	sampleQuestion = 0x20
	sampleBye      = 0x30
)

// botCall runs a call connected to a bot: at the start the bot sends 1 s
// of greeting, mark "greeting", 2 s of question, mark "question", and a
// message with an unknown event; the far end presses 1 half a second
// after the greeting played, to which the bot answers with a clear, half
// a second of goodbye and mark "bye"; the far end hangs up a second after
// the goodbye played.
func botCall(t testing.TB, opts ...harness.Option) (*harness.Server, *harness.Call) {
	t.Helper()
	bot := &streamBot{t: t,
		onStart: func(b *botConn) {
			b.audio(time.Second, sampleGreeting)
			b.mark("greeting")
			b.audio(2*time.Second, sampleQuestion)
			b.mark("question")
			b.send(`{"event":"hello","streamSid":"` + b.sid + `"}`)
		},
		onDTMF: func(b *botConn, digit string) {
			b.clear()
			b.audio(500*time.Millisecond, sampleBye)
			b.mark("bye")
		},
	}
	doc := `<Response><Connect action="/after"><Stream name="bot" url="wss://app.example.com/media">` +
		`<Parameter name="lang" value="en"/><Parameter name="who" value="caller #1"/></Stream></Connect></Response>`
	party := scenario.Person().Presses("1").InStream().AfterMark("greeting").After(500 * time.Millisecond).
		HangsUp().InStream().AfterMark("bye").After(time.Second)
	opts = append([]harness.Option{harness.WithApp("https://app.example.com", streamApp(doc, bot)),
		harness.WithParty("+14155550100", party)}, opts...)
	srv := newServer(t, opts...)
	c, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// wavSamples returns the samples of a WAV of 16-bit PCM, checking its
// header.
func wavSamples(t *testing.T, wav []byte) []int16 {
	t.Helper()
	if len(wav) < 44 || string(wav[0:4]) != "RIFF" || string(wav[8:16]) != "WAVEfmt " || string(wav[36:40]) != "data" ||
		binary.LittleEndian.Uint32(wav[24:]) != 8000 || binary.LittleEndian.Uint16(wav[22:]) != 1 {
		t.Fatalf("not a WAV of 8 kHz, one channel: % x", wav[:min(len(wav), 44)])
	}
	n := binary.LittleEndian.Uint32(wav[40:])
	if int(n) != len(wav)-44 {
		t.Fatalf("the WAV says %d bytes of data and has %d", n, len(wav)-44)
	}
	out := make([]int16, n/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(wav[44+2*i:]))
	}
	return out
}

// runsOf summarises samples as runs of one value: "8000×v".
func runsOf(samples []int16) []string {
	var out []string
	for i := 0; i < len(samples); {
		j := i
		for j < len(samples) && samples[j] == samples[i] {
			j++
		}
		out = append(out, fmt.Sprintf("%d×%d", j-i, samples[i]))
		i = j
	}
	return out
}

func TestStreamView(t *testing.T) {
	srv, c := botCall(t)
	// The views are read while the call runs: they are safe for
	// concurrent use (go test -race).
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, s := range c.Streams() {
				s.Info()
				s.Messages()
				s.Marks()
				s.AudioPlayed()
				s.Transcript()
				s.WAV(harness.TrackApp)
			}
		}
	}()
	c.Wait()
	close(stop)
	wg.Wait()

	streams := c.Streams()
	if len(streams) != 1 {
		t.Fatalf("%d streams, want 1", len(streams))
	}
	s := streams[0]
	if c.Stream("bot") == nil || c.Stream("bot").SID() != s.SID() || c.Stream(s.SID()) == nil || c.Stream("nobody") != nil {
		t.Errorf("Stream by name or SID: %v, %v; by another name: %v", c.Stream("bot"), c.Stream(s.SID()), c.Stream("nobody"))
	}
	start := harness.DefaultStartTime()
	info := s.Info()
	want := harness.StreamInfo{SID: s.SID(), Name: "bot", CallSID: c.SID(), URL: "wss://app.example.com/media", Bidirectional: true,
		Tracks: []string{"inbound"}, Parameters: []harness.StreamParameter{{Name: "lang", Value: "en"}, {Name: "who", Value: "caller #1"}},
		Status: harness.StreamStatusStopped, Created: start, Started: start, Stopped: start.Add(3 * time.Second),
		Why: "the far end hung up"}
	if diff := cmp.Diff(want, info); diff != "" {
		t.Errorf("Info mismatch (-want +got):\n%s", diff)
	}
	if got := s.Marks(); !cmp.Equal(got, []string{"greeting", "question", "bye"}) {
		t.Errorf("Marks = %q, want greeting, question (echoed by the clear), bye", got)
	}
	if s.Cleared() != 1 {
		t.Errorf("Cleared = %d, want 1", s.Cleared())
	}
	if s.AudioSent() != 3500*time.Millisecond {
		t.Errorf("AudioSent = %v, want 3.5s (1s + 2s + 500ms)", s.AudioSent())
	}
	if s.AudioPlayed() != 2*time.Second {
		t.Errorf("AudioPlayed = %v, want 2s (1.5s before the clear, then 500ms)", s.AudioPlayed())
	}

	app := runsOf(wavSamples(t, s.WAV(harness.TrackApp)))
	wantApp := []string{fmt.Sprintf("8000×%d", audio.MulawDecode(sampleGreeting)), fmt.Sprintf("16000×%d", audio.MulawDecode(sampleQuestion)),
		fmt.Sprintf("4000×%d", audio.MulawDecode(sampleBye))}
	if !cmp.Equal(app, wantApp) {
		t.Errorf("the app's WAV: %q, want %q: what the bot sent, in order", app, wantApp)
	}
	if in := runsOf(wavSamples(t, s.WAV(harness.TrackInbound))); !cmp.Equal(in, []string{"24000×0"}) {
		t.Errorf("the inbound WAV: %q, want 3 s of silence: the far end only pressed a key", in)
	}
	for _, track := range []string{harness.TrackOutbound, "both", ""} {
		if w := s.WAV(track); w != nil {
			t.Errorf("WAV(%q) = %d bytes, want nil: the stream has no such track", track, len(w))
		}
	}

	sid := s.SID()
	wantTranscript := `stream ` + sid + ` "bot" to wss://app.example.com/media (bidirectional, call ` + c.SID() + `): stopped: the far end hung up
  00:00:00.000  to app    connected
  00:00:00.000  to app    start: tracks inbound; parameters lang="en" who="caller #1" (seq 1)
  00:00:00.000  to app    media inbound ×1 (20ms, seq 2)
  00:00:00.000  from app  media ×1 (1s)
  00:00:00.000  from app  mark "greeting"
  00:00:00.000  from app  media ×1 (2s)
  00:00:00.000  from app  mark "question"
  00:00:00.000  from app  hello, ignored: unknown event "hello" (the application may send media, mark and clear): "{\"event\":\"hello\",\"streamSid\":\"` + sid + `\"}"
  00:00:00.020  to app    media inbound ×49 (980ms, seq 3–51)
  00:00:01.000  to app    mark "greeting" (seq 52)
  00:00:01.000  to app    media inbound ×25 (500ms, seq 53–77)
  00:00:01.500  to app    dtmf "1" (seq 78)
  00:00:01.500  to app    media inbound ×1 (20ms, seq 79)
  00:00:01.500  from app  clear
  00:00:01.500  to app    mark "question" (seq 80)
  00:00:01.500  from app  media ×1 (500ms)
  00:00:01.500  from app  mark "bye"
  00:00:01.520  to app    media inbound ×24 (480ms, seq 81–104)
  00:00:02.000  to app    mark "bye" (seq 105)
  00:00:02.000  to app    media inbound ×50 (1s, seq 106–155)
  00:00:03.000  to app    stop (seq 156)
`
	if diff := cmp.Diff(wantTranscript, s.Transcript()); diff != "" {
		t.Errorf("Transcript mismatch (-want +got):\n%s", diff)
	}
	msgs := s.Messages()
	var events []string
	for _, m := range msgs {
		events = append(events, fmt.Sprintf("%v %s %d", m.FromApp, m.Event, m.Chunks))
	}
	if len(msgs) != strings.Count(wantTranscript, "\n")-1 || msgs[8].Track != "inbound" || msgs[8].Duration != 980*time.Millisecond ||
		msgs[8].Chunks != 49 || msgs[8].FirstSeq != 3 || msgs[8].LastSeq != 51 || !msgs[3].FromApp || msgs[3].Duration != time.Second {
		t.Errorf("Messages: %q", events)
	}

	if got := srv.Call(c.SID()).Stream("bot").Info(); got.SID != sid {
		t.Errorf("the server's call has stream %s, want %s", got.SID, sid)
	}
	if gs := s.GomegaString(); gs != `stream `+sid+` "bot" to wss://app.example.com/media (stopped)` {
		t.Errorf("GomegaString = %q", gs)
	}
}

// TestStreamViewOfAFork: a unidirectional stream of both tracks streams
// the call's <Say> on the outbound track and the far end's silence on the
// inbound; it has no track of the application's.
func TestStreamViewOfAFork(t *testing.T) {
	bot := &streamBot{t: t, onStart: func(b *botConn) { // a fork takes no audio: each message is ignored
		b.audio(100*time.Millisecond, sampleGreeting)
		b.audio(100*time.Millisecond, sampleGreeting)
	}}
	doc := `<Response><Start><Stream url="wss://app.example.com/media" track="both_tracks"/></Start>` +
		`<Say>hello there</Say><Pause length="1"/><Stop><Stream name="none"/></Stop></Response>`
	srv := newServer(t, harness.WithApp("https://app.example.com", streamApp(doc, bot)))
	c, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	s := c.Streams()[0]
	info := s.Info()
	if info.Bidirectional || !cmp.Equal(info.Tracks, []string{"inbound", "outbound"}) || info.Name != "" || info.Parameters != nil ||
		info.Status != harness.StreamStatusStopped || info.Stopped.IsZero() {
		t.Errorf("Info = %+v, want an unnamed unidirectional stream of both tracks, stopped", info)
	}
	if s.WAV(harness.TrackApp) != nil {
		t.Errorf("a unidirectional stream has a WAV of the application's audio")
	}
	in, out := wavSamples(t, s.WAV(harness.TrackInbound)), wavSamples(t, s.WAV(harness.TrackOutbound))
	if len(in) != len(out) || len(in) == 0 {
		t.Fatalf("inbound %d samples, outbound %d: want as many of each", len(in), len(out))
	}
	if r := runsOf(in); len(r) != 1 || !strings.HasSuffix(r[0], "×0") {
		t.Errorf("the inbound track is not silence: %d runs", len(r))
	}
	if level(out) == 0 {
		t.Errorf("the outbound track is silent, though the call said something")
	}
	ignored := 0
	for _, m := range s.Messages() {
		if m.FromApp {
			ignored++
			if m.Event != "media" || m.Chunks != 0 || !strings.Contains(m.Problem, "a unidirectional stream takes no messages from the application (media)") {
				t.Errorf("the application's message on a fork: %+v, want media, ignored", m)
			}
		}
	}
	if ignored != 2 {
		t.Errorf("%d of the application's messages recorded, want each of its 2, ignored", ignored)
	}
	if s.AudioSent() != 0 || s.AudioPlayed() != 0 || s.Marks() != nil || s.Cleared() != 0 {
		t.Errorf("a fork: sent %v, played %v, marks %q, cleared %d; want nothing", s.AudioSent(), s.AudioPlayed(), s.Marks(), s.Cleared())
	}
	tr := s.Transcript()
	for _, want := range []string{"stream " + s.SID() + " to wss://app.example.com/media (unidirectional inbound+outbound, call " + c.SID() + "): stopped",
		"to app    start: tracks inbound, outbound (seq 1)\n", "media inbound ×", "media outbound ×", "to app    stop (seq ",
		`from app  media, ignored: a unidirectional stream takes no messages from the application (media): "{\"event\":\"media\"`} {
		if !strings.Contains(tr, want) {
			t.Errorf("the transcript lacks %q:\n%s", want, tr)
		}
	}
}

// level is the largest magnitude among samples.
func level(samples []int16) int {
	m := 0
	for _, s := range samples {
		m = max(m, abs(int(s)))
	}
	return m
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// TestStreamViewOfAFailedStream: a stream the application refused has
// failed, never started, and says why; its record is empty.
func TestStreamViewOfAFailedStream(t *testing.T) {
	doc := `<Response><Connect><Stream url="wss://app.example.com/nowhere"/></Connect><Say>sorry</Say></Response>`
	srv := newServer(t, harness.WithApp("https://app.example.com", streamApp(doc, &streamBot{t: t})))
	c, err := srv.CreateCall(url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/voice"}})
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	s := c.Streams()[0]
	info := s.Info()
	if info.Status != harness.StreamStatusFailed || !info.Started.IsZero() || info.Stopped.IsZero() ||
		!strings.Contains(info.Why, "Handshake Error") {
		t.Errorf("Info = %+v, want failed with a handshake error, never started", info)
	}
	if s.Messages() != nil {
		t.Errorf("Messages = %v, want none", s.Messages())
	}
	if w := wavSamples(t, s.WAV(harness.TrackApp)); len(w) != 0 {
		t.Errorf("the app's WAV has %d samples, want none", len(w))
	}
	if tr := s.Transcript(); tr != "stream "+s.SID()+" to wss://app.example.com/nowhere (bidirectional, call "+c.SID()+"): failed: "+info.Why+"\n" {
		t.Errorf("Transcript = %q", tr)
	}
}

// TestStreamViewAfterRetention: a Stream stays readable once the server
// has forgotten its call.
func TestStreamViewAfterRetention(t *testing.T) {
	srv, c := botCall(t, harness.WithRetention(harness.Retention{EndedCalls: 1}))
	c.Wait()
	s := c.Stream("bot")
	before := s.Transcript()
	for i := 0; srv.Call(c.SID()) != nil; i++ {
		if i == 3 {
			t.Fatal("the server still keeps the first call after three more")
		}
		next, err := srv.CreateCall(url.Values{"To": {"+14155550199"}, "From": {"+15005550006"}, "Url": {"https://app.example.com/other"}})
		if err != nil {
			t.Fatal(err)
		}
		next.Wait()
	}
	if s.Transcript() != before || s.AudioPlayed() != 2*time.Second || len(s.Marks()) != 3 || len(wavSamples(t, s.WAV(harness.TrackApp))) != 28000 {
		t.Errorf("the stream of a forgotten call: played %v, marks %q\n%s", s.AudioPlayed(), s.Marks(), s.Transcript())
	}
	if c.Stream("bot") == nil || len(c.Streams()) != 1 {
		t.Errorf("the forgotten call lost its streams")
	}
}

// TestStreamEvents: the call's history has the stream's events, with the
// stream's SID, name and URL, and its transcript says them in words: a
// mark a clear echoed differs from one that played.
func TestStreamEvents(t *testing.T) {
	_, c := botCall(t)
	c.Wait()
	sid := c.Stream("bot").SID()
	var got []string
	for _, e := range c.Events() {
		if e.Kind == harness.EventStream {
			if e.SID != sid {
				t.Errorf("%s event with SID %q, want the stream's %s", e.Action, e.SID, sid)
			}
			got = append(got, fmt.Sprintf("%s %s|%s|%v: %s", e.Action, e.Name, e.URL, e.Duration, e.Text))
		}
	}
	url := "wss://app.example.com/media"
	want := []string{
		`dialing bot|` + url + `|0s: connecting bidirectional stream "bot" (` + sid + `) to ` + url,
		`started bot|` + url + `|0s: bidirectional stream "bot" (` + sid + `) started`,
		`mark greeting||0s: mark "greeting" played`,
		`cleared bot||1.5s: the application cleared its audio (1.5s not played)`,
		`played bot||1.5s: the far end heard 1.5s of the application's audio`,
		`mark question||0s: mark "question" echoed by the clear (the audio before it did not play)`,
		`mark bye||0s: mark "bye" played`,
		`played bot||500ms: the far end heard 500ms of the application's audio`,
		`stopped bot|` + url + `|0s: stream "bot" (` + sid + `) stopped: the far end hung up`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stream events mismatch (-want +got):\n%s", diff)
	}
	tr := c.Transcript()
	for _, line := range []string{
		`00:00:01.500  stream       mark "question" echoed by the clear (the audio before it did not play)` + "\n",
		`00:00:02.000  stream       mark "bye" played` + "\n",
	} {
		if !strings.Contains(tr, line) {
			t.Errorf("the call's transcript lacks %q:\n%s", line, tr)
		}
	}
}
