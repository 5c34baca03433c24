package harness_test

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/twimlharness/twimlharness/harness/internal/seqsvg"
)

// diagramsEnv names the directory every diagram the tests check is
// written to, for interop/node/mermaid.test.js to parse with Mermaid
// itself; unset, nothing is written.
const diagramsEnv = "TWIMLHARNESS_DIAGRAMS"

// The grammar a diagram keeps to: a subset of Mermaid's sequence
// diagrams that a renderer of its own can read.
var (
	diagramLane    = regexp.MustCompile(`^    participant ([A-Z]+[0-9]*) as (.+)$`)
	diagramMessage = regexp.MustCompile(`^    ([A-Z]+[0-9]*)(->>|-->>|--x|-x)([A-Z]+[0-9]*): (.+)$`)
	diagramNote    = regexp.MustCompile(`^    Note (?:over ([A-Z]+[0-9]*)(?:,([A-Z]+[0-9]*))?|left of ([A-Z]+[0-9]*)|right of ([A-Z]+[0-9]*)): (.+)$`)
	diagramEntity  = regexp.MustCompile(`#(?:[0-9]+|quot|lt|gt|amp|nbsp);`)
)

// Limits of a diagram's text (mermaid_text.go).
const (
	diagramLabelWidth = 60
	diagramLabelLines = 4
	diagramCutPrefix  = "cut at the diagram's limit"
)

// checkDiagram reports what in the diagram d is outside its grammar,
// a participant used before it is declared, text that Mermaid could read
// as syntax (a raw # ; % < > & outside entity codes and <br/>, a text
// that begins with wrap:), and a line of a label longer than the wrap
// width or a label of too many lines, and whether the inspector's
// renderer (seqsvg) cannot draw it; then saves d for Mermaid's parser.
func checkDiagram(t *testing.T, d string) {
	t.Helper()
	for _, err := range diagramProblems(d) {
		t.Errorf("diagram: %v\n%s", err, d)
	}
	if err := seqsvg.Render(io.Discard, d); err != nil {
		t.Errorf("the inspector cannot draw the diagram: %v\n%s", err, d)
	}
	saveDiagram(t, "", d)
}

// diagramProblems returns what checkDiagram reports.
func diagramProblems(d string) []error {
	var errs []error
	lines := strings.Split(strings.TrimSuffix(d, "\n"), "\n")
	if lines[0] != "sequenceDiagram" || !strings.HasSuffix(d, "\n") {
		errs = append(errs, fmt.Errorf("does not start with sequenceDiagram or end with a new line"))
	}
	declared := map[string]bool{}
	use := func(n int, ids ...string) {
		for _, id := range ids {
			if id != "" && !declared[id] {
				errs = append(errs, fmt.Errorf("line %d: %s used before it is declared", n+1, id))
			}
		}
	}
	for n, line := range lines[1:] {
		n++
		if m := diagramLane.FindStringSubmatch(line); m != nil {
			if declared[m[1]] {
				errs = append(errs, fmt.Errorf("line %d: %s declared twice", n+1, m[1]))
			}
			declared[m[1]] = true
			errs = append(errs, labelProblems(n, m[2], true)...)
			continue
		}
		if m := diagramMessage.FindStringSubmatch(line); m != nil {
			use(n, m[1], m[3])
			errs = append(errs, labelProblems(n, m[4], false)...)
			continue
		}
		if m := diagramNote.FindStringSubmatch(line); m != nil {
			use(n, m[1:5]...)
			errs = append(errs, labelProblems(n, m[5], false)...)
			continue
		}
		errs = append(errs, fmt.Errorf("line %d: %q is outside the grammar", n+1, line))
	}
	return errs
}

// labelProblems returns what is wrong with the text of line n: a
// participant's label, or a message's or a note's.
func labelProblems(n int, text string, participant bool) []error {
	var errs []error
	bad := "#;%<>&"
	if participant {
		bad += `:"`
	}
	if strings.HasPrefix(text, "wrap:") || strings.HasPrefix(text, "nowrap:") {
		errs = append(errs, fmt.Errorf("line %d: %q begins with an instruction to Mermaid", n+1, text))
	}
	segments := strings.Split(text, "<br/>")
	maxLines := diagramLabelLines
	switch {
	case participant:
		maxLines = 1
	case strings.Contains(text, diagramCutPrefix):
		maxLines = 2 * diagramLabelLines
	}
	if len(segments) > maxLines {
		errs = append(errs, fmt.Errorf("line %d: %d lines of text, want %d at most", n+1, len(segments), maxLines))
	}
	for _, seg := range segments {
		plain := diagramEntity.ReplaceAllString(seg, "_")
		if i := strings.IndexAny(plain, bad); i >= 0 {
			errs = append(errs, fmt.Errorf("line %d: %q has %q outside an entity code", n+1, seg, plain[i]))
		}
		if w := utf8.RuneCountInString(plain); w > diagramLabelWidth || strings.TrimSpace(plain) != plain || plain == "" {
			errs = append(errs, fmt.Errorf("line %d: %q is %d characters, or starts or ends with a space; want 1 to %d", n+1, seg, w, diagramLabelWidth))
		}
	}
	return errs
}

// saveDiagram writes d to the directory diagramsEnv names, if set, as a
// file named after the test, name, and its content.
func saveDiagram(t *testing.T, name, d string) {
	t.Helper()
	dir := os.Getenv(diagramsEnv)
	if dir == "" {
		return
	}
	base := strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())
	if name != "" {
		base += "-" + name
	}
	sum := sha256.Sum256([]byte(d))
	path := filepath.Join(dir, fmt.Sprintf("%s-%x.mmd", base, sum[:6]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(d), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMermaidCorpus checks the diagrams of every golden flow (the
// server's, each call's and each conference's) and, with diagramsEnv set,
// saves them with those of the other diagram tests (run them all with
// -run Mermaid) for interop/node/mermaid.test.js.
func TestMermaidCorpus(t *testing.T) {
	if os.Getenv(diagramsEnv) == "" {
		t.Logf("%s is not set: the diagrams are checked, not saved for Mermaid's parser", diagramsEnv)
	}
	for _, g := range goldenFlows() {
		t.Run(g.name, func(t *testing.T) {
			_, srv := g.transcript(t)
			checkDiagram(t, srv.Mermaid())
			for _, c := range srv.Calls() {
				checkDiagram(t, c.Mermaid())
			}
			for _, cf := range srv.Conferences() {
				checkDiagram(t, cf.Mermaid())
			}
		})
	}
}
