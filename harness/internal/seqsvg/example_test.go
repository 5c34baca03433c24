package seqsvg_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/twimlharness/twimlharness/harness/internal/seqsvg"
)

// A diagram as the harness writes it becomes one <svg> element to inline
// in a page.
func ExampleRender() {
	var b strings.Builder
	err := seqsvg.Render(&b, `sequenceDiagram
    participant T as Twilio
    participant A1 as app.example.com
    T->>A1: voice POST /voice
    A1-->>T: 200`)
	fmt.Println(err, strings.HasPrefix(b.String(), `<svg xmlns="http://www.w3.org/2000/svg" class="seqsvg"`))
	fmt.Println(strings.Count(b.String(), `<g class="msg `), "messages")
	// Output:
	// <nil> true
	// 2 messages
}

// A line outside the grammar is an error that names it; the caller shows
// the text instead.
func ExampleRender_syntaxError() {
	err := seqsvg.Render(io.Discard, "sequenceDiagram\n    autonumber\n    T->>A: voice")
	fmt.Println(err)
	var se *seqsvg.SyntaxError
	fmt.Println(errors.As(err, &se), se.Line)
	// Output:
	// seqsvg: line 2: unknown statement: "autonumber"
	// true 2
}
