//go:build !unix

package harness_test

import "time"

// benchCPU is not available on this platform: the CPU-time metrics of the
// benchmarks are then not reported.
func benchCPU() time.Duration { return 0 }
