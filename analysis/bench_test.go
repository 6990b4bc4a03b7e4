package analysis_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/models"
	"github.com/parley-forecast/parley/scenario"
)

// flagship reads examples/iran-comprehensive-deal.yaml.
func flagship(tb testing.TB) *parley.Scenario {
	tb.Helper()
	f, ds, err := scenario.ParseFile("../examples/iran-comprehensive-deal.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	if err := ds.Err(); err != nil {
		tb.Fatal(err)
	}
	return f.Scenario
}

// BenchmarkSimulate measures one Monte Carlo draw (fill the instance, run
// the model with NoTrace, aggregate) per op, on the flagship scenario and
// a synthetic 14-actor × 5-issue one with every input a range, for each
// registered model and 1 and 2 workers, also as CPU time per draw (cpu-ns/op). Allocations per
// op must stay near zero: memory is flat in the number of draws.
func BenchmarkSimulate(b *testing.B) {
	for _, sc := range []struct {
		name string
		s    *parley.Scenario
	}{{"flagship", flagship(b)}, {"synthetic-14x5", synthetic(11, 14, 5, true)}} {
		benchSimulate(b, sc.name, sc.s)
	}
}

func benchSimulate(b *testing.B, name string, s *parley.Scenario) {
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
