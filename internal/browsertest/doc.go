// Package browsertest tests the inspector of package harness in a real
// browser: Chromium, driven over the DevTools protocol by chromedp. It holds
// only tests, so that chromedp and its protocol types compile into this
// package's test binary and into nothing a user of twimlharness builds.
//
// The tests open the inspector of a running server (/_harness/ui/) and
// follow a call as it happens, open its page (sequence diagram, webhooks
// with their TwiML, a failed reply), use the control panel, page through
// 10,000 calls, and open an HTML report as a file with the network cut
// off. Each saves a screenshot in its temporary folder, and copies it to
// the folder $TWIMLHARNESS_ARTIFACTS names, when it names one; go test -v
// prints where.
//
// The browser is $TWIMLHARNESS_CHROME, or the first of /usr/bin/chromium,
// chromium, chromium-browser and google-chrome found on PATH. Without one
// the tests skip, saying how to install it (apt-get install chromium), or
// fail when $TWIMLHARNESS_REQUIRE_BROWSER is set, as CI sets it. Chromium
// runs headless, with a fresh profile in the test's temporary folder, and
// with --no-sandbox only when the test runs as root (Chromium's sandbox
// refuses root). Every step has a timeout of its own, so that a browser
// that hangs fails the test instead of hanging it.
package browsertest
