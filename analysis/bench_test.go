package analysis_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/models"
)

// benchScenario is the flagship scenario when a reader for it is
// registered (see flagship_test.go), else a synthetic 14-actor × 5-issue
// scenario with every input a range.
var benchScenario = func(tb testing.TB) (*parley.Scenario, string) {
	return synthetic(11, 14, 5, true), "synthetic-14x5"
}

// BenchmarkSimulate measures one Monte Carlo draw (fill the instance, run
// the model with NoTrace, aggregate) per op, for each registered model and
// 1 and 2 workers, also as CPU time per draw (cpu-ns/op). Allocations per
// op must stay near zero: memory is flat in the number of draws.
func BenchmarkSimulate(b *testing.B) {
	s, name := benchScenario(b)
	p, err := analysis.NewProblem(s)
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range models.All() {
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/model=%s/workers=%d", name, m.Info().Name, w), func(b *testing.B) {
				b.ReportAllocs()
				cfg := analysis.Config{Model: m, Options: parley.Options{Seed: 1}, Workers: w}
				n := uint64(b.N)
				b.ResetTimer()
				c0 := cpuTime()
				if _, err := analysis.SimulateRange(context.Background(), p, cfg, analysis.SimOptions{Draws: n}, 0, n); err != nil {
					b.Fatal(err)
				}
				// CPU time per draw does not depend on how loaded the
				// machine is; with it constant over workers, wall time
				// scales with the free cores.
				b.ReportMetric(float64(cpuTime()-c0)/float64(n), "cpu-ns/op")
			})
		}
	}
}
