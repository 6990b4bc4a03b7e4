package eum_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/eum"
)

// randomCase is a one-issue case of n actors drawn from a fixed PCG seed:
// positions uniform on [0,100], capabilities on [0.01,1], saliences on
// [0.05,1].
func randomCase(n int) *parley.Instance {
	rng := rand.New(rand.NewPCG(1994, uint64(n)))
	in := &parley.Instance{
		Actors:     make([]string, n),
		Issues:     []parley.IssueSpec{{ID: "x", Min: 0, Max: 100, Rule: parley.RuleMedian}},
		Position:   make([]float64, n),
		Capability: make([]float64, n),
		Salience:   make([]float64, n),
	}
	for a := range n {
		in.Actors[a] = fmt.Sprintf("A%03d", a)
		in.Position[a] = 100 * rng.Float64()
		in.Capability[a] = 0.01 + 0.99*rng.Float64()
		in.Salience[a] = 0.05 + 0.95*rng.Float64()
	}
	return in
}

func bench(b *testing.B, in *parley.Instance, opts parley.Options) {
	s, err := eum.New().Prepare(opts)
	if err != nil {
		b.Fatal(err)
	}
	var res parley.Result
	ctx := context.Background()
	// Warm the solver's workspace and the result's memory, as an analysis
	// running many draws would: allocs/op then shows the steady state.
	if err := s.Solve(ctx, in, &res); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	c0, i := cpuNanos(), 0
	for b.Loop() {
		if err := s.Solve(ctx, in, &res); err != nil {
			b.Fatal(err)
		}
		i++
	}
	// CPU time per solve (see cpuNanos): a loaded machine inflates wall
	// time far more than it does this.
	b.ReportMetric(float64(cpuNanos()-c0)/float64(i), "cpu-ns/op")
}

// BenchmarkEUMEmissions is one 10-round run on the emissions case, with
// the full trace (positions, detail, events).
func BenchmarkEUMEmissions(b *testing.B) { bench(b, testdataEmissions(b), parley.Options{}) }

// BenchmarkEUMEmissionsNoTrace is the same run keeping only the input and
// the final round, as analyses run it.
func BenchmarkEUMEmissionsNoTrace(b *testing.B) {
	bench(b, testdataEmissions(b), parley.Options{NoTrace: true})
}

func BenchmarkEUM(b *testing.B) {
	for _, n := range []int{10, 50, 200} {
		b.Run(fmt.Sprintf("actors=%d", n), func(b *testing.B) { bench(b, randomCase(n), parley.Options{}) })
	}
}

func BenchmarkEUMNoTrace(b *testing.B) {
	for _, n := range []int{10, 50, 200} {
		b.Run(fmt.Sprintf("actors=%d", n), func(b *testing.B) { bench(b, randomCase(n), parley.Options{NoTrace: true}) })
	}
}
