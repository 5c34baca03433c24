package browsertest

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// stepTimeout is how long one step in the browser may take, in real time:
// starting it, loading a page, waiting for an element. Far more than any
// takes; it only turns a browser that hangs into a failure.
const stepTimeout = 30 * time.Second

// The environment the tests read.
const (
	// envChrome names the browser to run, a path or a name on PATH.
	envChrome = "TWIMLHARNESS_CHROME"
	// envRequire, when set, makes a missing browser fail the tests
	// instead of skipping them: CI sets it.
	envRequire = "TWIMLHARNESS_REQUIRE_BROWSER"
	// envArtifacts names a folder to copy the screenshots to.
	envArtifacts = "TWIMLHARNESS_ARTIFACTS"
)

// findChrome returns the browser to run: $TWIMLHARNESS_CHROME, or the
// first Chromium or Chrome found, or "" when there is none.
func findChrome() string {
	names := []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"}
	if env := os.Getenv(envChrome); env != "" {
		names = []string{env}
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is a headless Chromium of one test, with one tab.
type browser struct {
	t   *testing.T
	ctx context.Context // the tab's; each step derives its timeout from it
	out *syncBuffer     // what the browser printed, logged when the test fails

	mu         sync.Mutex // guards exceptions and urls, which the browser's events fill
	exceptions []string   // the page's uncaught exceptions
	urls       []string   // every request the tab made, in order
}

// newBrowser starts a headless Chromium for t, with a fresh profile in
// t's temporary folder and flags added to chromedp's defaults, and stops it
// when t ends. It skips t when there is no browser, or fails it when
// $TWIMLHARNESS_REQUIRE_BROWSER is set.
func newBrowser(t *testing.T, flags ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	path := findChrome()
	if path == "" {
		msg := "no Chromium found (looked for /usr/bin/chromium, and chromium, chromium-browser and google-chrome on PATH): " +
			"install it with apt-get install chromium, or set $" + envChrome + " to a Chromium or Chrome"
		if env := os.Getenv(envChrome); env != "" {
			msg = "no Chromium found: $" + envChrome + "=" + env + " is not a program on PATH or a path to one " +
				"(install Chromium with apt-get install chromium, or set $" + envChrome + " to a Chromium or Chrome)"
		}
		if os.Getenv(envRequire) != "" {
			t.Fatal(msg + "; $" + envRequire + " is set, so the browser tests fail instead of skipping")
		}
		t.Skip(msg)
	}
	b := &browser{t: t, out: &syncBuffer{}}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(b.out),
		chromedp.Flag("no-sandbox", os.Geteuid() == 0), // Chromium's sandbox refuses to run as root
		chromedp.WSURLReadTimeout(stepTimeout),
	)
	opts = append(opts, flags...)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		acancel() // waits for the browser to exit, before the profile's folder is removed
		if t.Failed() {
			t.Logf("the browser (%s) printed:\n%s", path, b.out.String())
		}
	})
	// The first step starts the browser, whose life is bound to the context
	// of that step: it cannot take a timeout of its own. The allocator
	// gives up on a browser that does not say where to reach it within
	// stepTimeout (WSURLReadTimeout, above).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v\n%s", path, err, b.out.String())
	}
	b.ctx = ctx
	if err := chromedp.Listen(ctx, b.event); err != nil {
		t.Fatalf("listening to the browser: %v", err)
	}
	b.do("follow the tab's requests", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{})
		return err
	}))
	t.Cleanup(func() {
		for _, e := range b.uncaught() {
			t.Errorf("the page threw an exception it did not catch: %s", e)
		}
	})
	return b
}

// event keeps what the test checks of the tab's events. It runs on the
// goroutine that reads the browser's messages: it must return at once.
func (b *browser) event(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		b.exceptions = append(b.exceptions, fmt.Sprintf("%s (%s:%d:%d)", msg, d.URL, d.LineNumber+1, d.ColumnNumber+1))
	case *network.EventRequestWillBeSent:
		b.urls = append(b.urls, ev.Request.URL)
	}
}

// uncaught returns the exceptions the page did not catch, so far.
func (b *browser) uncaught() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.exceptions)
}

// requests returns the URL of every request the tab made, so far.
func (b *browser) requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.urls)
}

// do runs actions in the tab, failing the test with what they were for
// if one fails or they take more than stepTimeout together.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// run runs one action in the tab and returns its value, failing the test as
// do does.
func run[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// authenticate makes every request of the tab carry the account's SID and
// auth token as HTTP Basic credentials, as the control API requires.
func (b *browser) authenticate(accountSID, authToken string) {
	b.t.Helper()
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(accountSID+":"+authToken))
	b.do("send credentials", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Authorization": auth}})
		return err
	}))
}

// screenshot saves a screenshot of the whole page as name (a PNG) in the
// test's temporary folder, and copies it to $TWIMLHARNESS_ARTIFACTS when
// that names a folder, logging where. It scrolls to the top first: the
// inspector's header is sticky, and a full-page capture draws it where the
// page was scrolled to.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	b.do("scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	png := run(b, "take a screenshot", chromedp.FullScreenshot(100))
	path := filepath.Join(b.t.TempDir(), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
	if dir := os.Getenv(envArtifacts); dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			b.t.Errorf("$%s=%s is not a folder: the screenshot stays in %s", envArtifacts, dir, path)
			return
		}
		art := filepath.Join(dir, name)
		if err := os.WriteFile(art, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
		b.t.Logf("screenshot (CI artifact): %s", art)
	}
}

// syncBuffer is a buffer the browser's output goroutine writes while the
// test may read it.
type syncBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
