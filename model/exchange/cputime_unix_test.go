//go:build unix

package exchange_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used (user and system),
// for benchmarks on a busy machine, where wall time says little.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
