package harness

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// ReportDirEnv names the environment variable that asks for an HTML
// report of each failed test, in the directory it names, when the code
// does not ([HTMLReportsIn]): CI can keep a page per failed test without
// a change to the tests.
const ReportDirEnv = "TWIMLHARNESS_REPORT_DIR"

// ReportOption changes what [LogTranscriptOnFailure] (and the matchers
// package's ReportTranscripts) leave behind when a test fails.
type ReportOption func(*reportConfig)

type reportConfig struct{ dir string }

// HTMLReportsIn makes a failed test leave a self-contained HTML report
// ([Server.HTML], [Call.HTML]) in dir, named after the test, and log its
// path. Without it, the directory [ReportDirEnv] names is used, if any.
func HTMLReportsIn(dir string) ReportOption {
	return func(c *reportConfig) { c.dir = dir }
}

// HTMLReporter is what a report is made of: *Server and *Call satisfy it.
type HTMLReporter interface{ HTML() []byte }

// SaveFailureReport writes r's HTML report of the failed test named
// test, when opts or [ReportDirEnv] name a directory, and returns the
// file's path; it returns "" when neither does. The file is named after
// the test, made safe as a file name, with -2, -3… when the name is
// taken; the directory is created if need be.
func SaveFailureReport(test string, r HTMLReporter, opts ...ReportOption) (string, error) {
	cfg := reportConfig{dir: os.Getenv(ReportDirEnv)}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.dir == "" {
		return "", nil
	}
	if err := os.MkdirAll(cfg.dir, 0o755); err != nil {
		return "", fmt.Errorf("harness: making the report directory: %w", err)
	}
	base := reportFileName(test)
	page := r.HTML()
	for n := 1; ; n++ {
		name := base + ".html"
		if n > 1 {
			name = fmt.Sprintf("%s-%d.html", base, n)
		}
		path := filepath.Join(cfg.dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("harness: writing the report: %w", err)
		}
		_, werr := f.Write(page)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return "", fmt.Errorf("harness: writing the report %s: %w", path, werr)
		}
		return path, nil
	}
}

// reportFileName makes a test's name a file name: letters, digits, dots,
// dashes and underscores kept, runs of anything else one underscore, at
// most 100 bytes.
func reportFileName(test string) string {
	var b strings.Builder
	under := false
	for _, r := range test {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_') {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
		if b.Len() >= 100 {
			break
		}
	}
	name := strings.Trim(b.String(), "_.")
	if name == "" {
		return "report"
	}
	return name
}
