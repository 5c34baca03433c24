//go:build unix

package harness_test

import (
	"syscall"
	"time"
)

// benchCPU returns the CPU time (user and system) the test process has used
// so far. Unlike wall time it does not grow while other processes hold the
// machine's cores, so the benchmarks report it too.
func benchCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
