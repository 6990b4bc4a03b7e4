package eum_test

import (
	"context"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/eum"
	"github.com/parley-forecast/parley/scenario"
)

// flagshipDraws returns the flagship scenario's nominal instance (every
// range at its mode) followed by n-1 Monte Carlo-like draws of it: each
// input given as a range drawn uniformly between its low and high, from a
// fixed PCG seed. These are the instances issue 5's one million draws
// solve: 13 actors, 5 issues, mostly distinct positions.
func flagshipDraws(tb testing.TB, n int) []*parley.Instance {
	tb.Helper()
	f, ds, err := scenario.ParseFile("../../examples/iran-comprehensive-deal.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	if err := ds.Err(); err != nil {
		tb.Fatal(err)
	}
	s := f.Scenario
	base, err := s.Instance()
	if err != nil {
		tb.Fatal(err)
	}
	inputs, over := s.Uncertain(), s.Overrides()
	rng := rand.New(rand.NewPCG(5, 1000000))
	out := []*parley.Instance{base}
	for len(out) < n {
		in := base.Clone()
		for _, u := range inputs {
			u.Set(in, u.Value.Low+(u.Value.High-u.Value.Low)*rng.Float64(), over)
		}
		out = append(out, in)
	}
	return out
}

// cpuNanos is the process's user+system CPU time.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkEUMFlagship solves the flagship scenario (13 actors × 5 issues,
// 10 rounds) with NoTrace, cycling through the nominal instance and 63
// draws of it, as the Monte Carlo analysis does. cpu-ns/op is the
// process's CPU time per solve, which a loaded machine does not inflate
// the way it does wall time.
//
// The sub-benchmark step=reference runs the round as it was before the
// speed-ups of issue 5 (refstep_test.go), for a before/after comparison
// under the same machine load.
func BenchmarkEUMFlagship(b *testing.B) {
	ins := flagshipDraws(b, 64)
	b.Run("step=current", func(b *testing.B) { benchFlagship(b, ins, eum.New().Prepare) })
	b.Run("step=reference", func(b *testing.B) { benchFlagship(b, ins, eum.PrepareReference) })
}

func benchFlagship(b *testing.B, ins []*parley.Instance, prepare func(parley.Options) (parley.Solver, error)) {
	s, err := prepare(parley.Options{NoTrace: true})
	if err != nil {
		b.Fatal(err)
	}
	var res parley.Result
	ctx := context.Background()
	for _, in := range ins {
		if err := s.Solve(ctx, in, &res); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	c0 := cpuNanos()
	for b.Loop() {
		if err := s.Solve(ctx, ins[i%len(ins)], &res); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(cpuNanos()-c0)/float64(i), "cpu-ns/op")
}
