package exchange_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/exchange"
	"github.com/parley-forecast/parley/model/modeltest"
)

// BenchmarkExchange runs the default 10 rounds on decide's COP21 file
// (15 actors, 13 issues; skipped without ../shared) and on a random case
// of 50 actors and 10 issues, with the full trace and with NoTrace, one
// solver and result reused across iterations. Besides wall time it reports
// the process's CPU time per run (cpu-ns/op), which means more on a
// machine shared with other work.
func BenchmarkExchange(b *testing.B) {
	cases := []struct {
		name string
		in   func(b *testing.B) *parley.Instance
	}{
		{"cop21", func(b *testing.B) *parley.Instance { _, in := loadDecide(b, "cop21.csv"); return in }},
		{"random50x10", func(b *testing.B) *parley.Instance {
			return modeltest.RandomInstance(rand.New(rand.NewPCG(50, 10)), 50, 10)
		}},
	}
	for _, c := range cases {
		for _, noTrace := range []bool{false, true} {
			name := c.name
			if noTrace {
				name += "/notrace"
			}
			b.Run(name, func(b *testing.B) {
				in := c.in(b)
				s, err := exchange.New().Prepare(parley.Options{NoTrace: noTrace})
				if err != nil {
					b.Fatal(err)
				}
				var r parley.Result
				ctx := context.Background()
				b.ReportAllocs()
				cpu0 := cpuTime()
				for b.Loop() {
					if err := s.Solve(ctx, in, &r); err != nil {
						b.Fatal(err)
					}
				}
				if cpu := cpuTime() - cpu0; cpu > 0 {
					b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
				}
			})
		}
	}
}
