package harness_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/twimlharness/twimlharness/harness"
)

// guard bounds how long a test waits for the server to act on its own
// timeouts: far longer than the timeouts under test, so it trips only when
// the server does not act at all.
const guard = 10 * time.Second

// listPath is a REST request that any server answers with 200.
func listRequest(srv *harness.Server, header string) string {
	return fmt.Sprintf("GET /2010-04-01/Accounts/%s/Calls.json HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\n%s\r\n",
		srv.AccountSID(), basicAuth(srv), header)
}

func basicAuth(srv *harness.Server) string {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

// dial opens a connection to srv's listener, closed at the end of the test.
func dial(t *testing.T, srv *harness.Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip sends a raw request on c and reads the response.
func roundTrip(t *testing.T, c net.Conn, br *bufio.Reader, request string) *http.Response {
	t.Helper()
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(guard))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp
}

// waitForEnd reads c until the server closes it, and fails the test if it
// is still open after the guard.
func waitForEnd(t *testing.T, c net.Conn, r io.Reader) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(guard))
	if _, err := io.Copy(io.Discard, r); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the server left the connection open for %s", guard)
	}
}

func TestListenerTimeouts(t *testing.T) {
	const short = 50 * time.Millisecond
	tests := []struct {
		name   string
		limits harness.ListenerLimits
		send   func(srv *harness.Server) string
	}{
		{"headers that never end", harness.ListenerLimits{ReadHeaderTimeout: short}, func(*harness.Server) string {
			return "GET /2010-04-01/Accounts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		}},
		{"a body that never arrives", harness.ListenerLimits{ReadTimeout: short}, func(srv *harness.Server) string {
			return fmt.Sprintf("POST /2010-04-01/Accounts/%s/Calls.json HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\n"+
				"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nTo=%%2B1415", srv.AccountSID(), basicAuth(srv))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, harness.WithListenerLimits(tt.limits))
			c := dial(t, srv)
			io.WriteString(c, tt.send(srv))
			waitForEnd(t, c, c)
		})
	}
}

func TestListenerIdleTimeout(t *testing.T) {
	srv := newServer(t, harness.WithListenerLimits(harness.ListenerLimits{IdleTimeout: 50 * time.Millisecond}))
	c := dial(t, srv)
	br := bufio.NewReader(c)
	if resp := roundTrip(t, c, br, listRequest(srv, "")); resp.StatusCode != 200 || resp.Close {
		t.Fatalf("%s (close: %v), want 200 on a connection kept alive", resp.Status, resp.Close)
	}
	waitForEnd(t, c, br)
}

func TestListenerCapsConnections(t *testing.T) {
	srv := harness.NewServer(nil, harness.WithListenerLimits(harness.ListenerLimits{MaxConns: 2}))
	defer srv.Close()

	// Two connections, under the cap, are served and kept open.
	var open [2]net.Conn
	var readers [2]*bufio.Reader
	for i := range open {
		open[i] = dial(t, srv)
		readers[i] = bufio.NewReader(open[i])
		if resp := roundTrip(t, open[i], readers[i], listRequest(srv, "")); resp.StatusCode != 200 {
			t.Fatalf("connection %d under the cap: %s", i+1, resp.Status)
		}
	}

	// A third is answered at once, through an ordinary client, and closed.
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest("GET", srv.URL()+"/2010-04-01/Accounts/"+srv.AccountSID()+"/Calls.json", nil)
	req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
	resp, err := (&http.Client{Transport: tr, Timeout: guard}).Do(req)
	if err != nil {
		t.Fatalf("past the cap: %v, want an answer", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	twerr, err := checkErrorResponse(resp.StatusCode, resp.Header, body)
	if err != nil {
		t.Errorf("past the cap: %v", err)
	}
	if resp.StatusCode != 503 || twerr.Code != 20503 || !resp.Close {
		t.Errorf("past the cap: %s, code %d, close %v; want 503, 20503 and the connection closed", resp.Status, twerr.Code, resp.Close)
	}
	for _, want := range []string{"too many connections open (its limit is 2)", "close idle connections", "MaxConns", "-max-conns"} {
		if !strings.Contains(twerr.Message, want) {
			t.Errorf("past the cap: message %q, want it to say %q", twerr.Message, want)
		}
	}

	// A connection the server closes frees its place at once.
	if resp := roundTrip(t, open[0], readers[0], listRequest(srv, "Connection: close\r\n")); resp.StatusCode != 200 {
		t.Fatalf("closing request: %s", resp.Status)
	}
	waitForEnd(t, open[0], readers[0])
	next := dial(t, srv)
	if resp := roundTrip(t, next, bufio.NewReader(next), listRequest(srv, "")); resp.StatusCode != 200 {
		t.Errorf("after a connection closed: %s, want 200", resp.Status)
	}

	// Close does not wait for a client past the cap to close its
	// connection, and stops the goroutines that turn connections away. (Those that
	// serve connections are the concern of TestCloseStopsEveryGoroutine:
	// here, Close may return while they finish their last instructions.)
	lingering := dial(t, srv)
	br := bufio.NewReader(lingering)
	if resp := roundTrip(t, lingering, br, listRequest(srv, "")); resp.StatusCode != 503 {
		t.Fatalf("past the cap again: %s, want 503", resp.Status)
	}
	srv.Close() // while the listener waits for the client to close
	buf := make([]byte, 1<<20)
	if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "harness.(*limitListener).turnAway") {
		t.Errorf("a goroutine turning a connection away outlived Close:\n%s", stacks)
	}
	waitForEnd(t, lingering, br)
}

func TestListenerWithoutCap(t *testing.T) {
	srv := newServer(t, harness.WithListenerLimits(harness.ListenerLimits{MaxConns: -1}))
	for i := 0; i < 3; i++ {
		c := dial(t, srv)
		if resp := roundTrip(t, c, bufio.NewReader(c), listRequest(srv, "")); resp.StatusCode != 200 {
			t.Errorf("connection %d with no cap: %s", i+1, resp.Status)
		}
	}
}

func TestDefaultListenerLimits(t *testing.T) {
	want := harness.ListenerLimits{ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxConns: 1024}
	if got := harness.DefaultListenerLimits(); got != want {
		t.Errorf("DefaultListenerLimits() = %+v, want %+v", got, want)
	}
}
