package harness_test

// Benchmarks of conferences.
//
//	go test ./harness -run '^$' -bench Conference -benchmem -cpu 1
//
// As in bench_test.go, no benchmark asserts on timing: the targets are in
// the comments, and the derived metrics (conferences/s, ns/join) are for a
// human or benchstat to judge. Servers are made with NewServer(nil, …) and
// replaced, with the timer stopped, to bound memory.

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/twimlharness/twimlharness/harness"
	"github.com/twimlharness/twimlharness/scenario"
)

const (
	benchConfNumber = "+14155550500" // the application's number, which callers call
	benchConfAlice  = "+14155550501"
	benchConfBob    = "+14155550502"
	// benchConfRotate is how many calls a conference benchmark's server
	// takes before it is replaced.
	benchConfRotate = 1000
)

// benchConfApp answers /voice with a <Dial><Conference> subscribed to
// every conference event, and every callback with 204.
func benchConfApp(events string) http.Handler {
	doc := `<Response><Dial><Conference statusCallback="/conf" statusCallbackEvent="` + events + `">room</Conference></Dial></Response>`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/voice" {
			w.Header().Set("Content-Type", "text/xml")
			io.WriteString(w, doc)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// benchConfServer is a server whose number benchConfNumber runs app,
// replaced every benchConfRotate calls.
type benchConfServer struct {
	app   http.Handler
	srv   *harness.Server
	calls int
}

func (s *benchConfServer) renew(b *testing.B) {
	s.close()
	s.srv = harness.NewServer(nil, harness.WithApp(benchOrigin, s.app))
	if _, err := s.srv.AddNumber(harness.IncomingNumber{PhoneNumber: benchConfNumber,
		VoiceSettings: harness.VoiceSettings{VoiceURL: benchOrigin + "/voice"}}); err != nil {
		b.Fatalf("add number: %v", err)
	}
	s.calls = 0
}

func (s *benchConfServer) close() {
	if s.srv != nil {
		s.srv.Close()
	}
}

// call makes from call the application's number with the far end party.
func (s *benchConfServer) call(b *testing.B, from string, party scenario.Party) *harness.Call {
	c, err := s.srv.IncomingCall(from, benchConfNumber, party)
	if err != nil {
		b.Fatalf("incoming call: %v", err)
	}
	s.calls++
	return c
}

// BenchmarkConference2: per iteration one conference of two callers, with
// every event subscribed: both join (Bob's join starts it), Alice speaks,
// both hang up (eight status callbacks, two voice requests). Target: at least
// 2,000 conferences/s on one core (-cpu 1).
func BenchmarkConference2(b *testing.B) {
	b.ReportAllocs()
	s := &benchConfServer{app: benchConfApp(cfAllEvents)}
	s.renew(b)
	defer s.close()
	alice := scenario.Person().Says("good morning").InConference().After(time.Second).HangsUp().InConference().After(10 * time.Second)
	bob := scenario.Person().HangsUp().InConference().After(10 * time.Second)
	m := newBenchMeter(b)
	for i := 0; i < b.N; i++ {
		if s.calls >= benchConfRotate {
			m.untimed(func() { s.renew(b) })
		}
		a, c := s.call(b, benchConfAlice, alice), s.call(b, benchConfBob, bob)
		a.Wait()
		c.Wait()
		if i == 0 {
			m.untimed(func() { benchConfCheck(b, s.srv, 8) })
		}
	}
	m.done("conferences/s")
}

// benchConfCheck fails the benchmark unless the server's last conference
// ended and sent want status callbacks: a benchmark of a conference that
// did not happen measures nothing.
func benchConfCheck(b *testing.B, srv *harness.Server, want int) {
	confs := srv.Conferences()
	if len(confs) == 0 {
		b.Fatalf("no conference:\n%s", srv.Transcript())
	}
	cf := confs[len(confs)-1]
	if info := cf.Info(); info.Status != harness.ConferenceCompleted || len(cf.Requests()) != want {
		b.Fatalf("conference %s: %s with %d status callbacks, want completed with %d\n%s", cf.SID(), info.Status, len(cf.Requests()), want, cf.Transcript())
	}
}

// BenchmarkConferenceJoin: per iteration N callers join one conference
// (subscribed to join and leave) and leave it; ns/join is the time per
// participant, which should not grow with N.
func BenchmarkConferenceJoin(b *testing.B) {
	for _, n := range []int{10, 50, 250} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			s := &benchConfServer{app: benchConfApp("join leave")}
			s.renew(b)
			defer s.close()
			parties := make([]scenario.Party, n)
			for i := range parties {
				// Everyone is in by the first second, then one leaves every
				// 100 ms.
				parties[i] = scenario.Person().HangsUp().InConference().After(time.Second + time.Duration(i)*100*time.Millisecond)
			}
			calls := make([]*harness.Call, n)
			m := newBenchMeter(b)
			for i := 0; i < b.N; i++ {
				if s.calls+n > benchConfRotate*2 {
					m.untimed(func() { s.renew(b) })
				}
				for j := range calls {
					calls[j] = s.call(b, fmt.Sprintf("+1415556%04d", j), parties[j])
				}
				for _, c := range calls {
					c.Wait()
				}
				if i == 0 {
					m.untimed(func() { benchConfCheck(b, s.srv, 2*n) })
				}
			}
			m.done("conferences/s")
			if b.N > 0 {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/join")
			}
		})
	}
}
