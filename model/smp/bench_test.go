package smp_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/smp"
)

// randomKTAB draws a scenario the way KTAB's randomSMP does: capabilities
// U(10,200); each actor's total salience U(0.75,0.99), split across the
// dimensions in proportion to U(0.1,1) draws; positions uniform on [0,100].
func randomKTAB(seed uint64, n, m int) *parley.Instance {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	in := &parley.Instance{
		Position:   make([]float64, n*m),
		Salience:   make([]float64, n*m),
		Capability: make([]float64, n*m),
	}
	for k := 0; k < m; k++ {
		in.Issues = append(in.Issues, parley.IssueSpec{ID: fmt.Sprintf("d%d", k), Min: 0, Max: 100, Rule: parley.RuleMedian})
	}
	for a := 0; a < n; a++ {
		in.Actors = append(in.Actors, fmt.Sprintf("A%03d", a))
		c := 10 + 190*rng.Float64()
		total := 0.75 + 0.24*rng.Float64()
		var sum float64
		for k := 0; k < m; k++ {
			in.Salience[a*m+k] = 0.1 + 0.9*rng.Float64()
			sum += in.Salience[a*m+k]
		}
		for k := 0; k < m; k++ {
			in.Salience[a*m+k] *= total / sum
			in.Position[a*m+k] = 100 * rng.Float64()
			in.Capability[a*m+k] = c
		}
	}
	return in
}

func benchSolve(b *testing.B, in *parley.Instance, opts parley.Options) {
	s, err := smp.New().Prepare(opts)
	if err != nil {
		b.Fatal(err)
	}
	var r parley.Result
	if err := s.Solve(context.Background(), in, &r); err != nil {
		b.Fatal(err)
	}
	rounds := r.Turns[len(r.Turns)-1]
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Solve(context.Background(), in, &r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rounds), "rounds")
}

// BenchmarkSMPKTAB40 runs KTAB's 40-actor scaling fixture (KTAB -O2 with
// --logmin: 4.35 s on the reference machine).
func BenchmarkSMPKTAB40(b *testing.B) {
	f := loadKTAB(b, "reference/ktab/dummyData-a040.csv")
	in, err := f.Scenario.Instance()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("trace", func(b *testing.B) { benchSolve(b, in, parley.Options{Params: f.Params}) })
	b.Run("notrace", func(b *testing.B) { benchSolve(b, in, parley.Options{Params: f.Params, NoTrace: true}) })
}

// BenchmarkSMP runs random two-dimensional scenarios of n actors.
func BenchmarkSMP(b *testing.B) {
	for _, n := range []int{7, 40, 80, 160} {
		b.Run(fmt.Sprintf("actors=%d", n), func(b *testing.B) {
			benchSolve(b, randomKTAB(uint64(n), n, 2), parley.Options{})
		})
	}
}
