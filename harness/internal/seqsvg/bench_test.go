package seqsvg

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// BenchmarkRender renders realistic diagrams of 200 and 5,000 rows: the
// rows of testdata/call.mmd over and over.
func BenchmarkRender(b *testing.B) {
	src, err := os.ReadFile("testdata/call.mmd")
	if err != nil {
		b.Fatal(err)
	}
	var head, rows []string
	for line := range strings.Lines(string(src)) {
		if s := strings.TrimSpace(line); s == "sequenceDiagram" || strings.HasPrefix(s, "participant ") {
			head = append(head, line)
		} else {
			rows = append(rows, line)
		}
	}
	for _, n := range []int{200, 5000} {
		var d strings.Builder
		d.WriteString(strings.Join(head, ""))
		for i := range n {
			d.WriteString(rows[i%len(rows)])
		}
		diagram := d.String()
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(diagram)))
			b.ReportAllocs()
			for b.Loop() {
				if err := Render(io.Discard, diagram); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
