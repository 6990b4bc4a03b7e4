package analysis_test

import (
	"context"
	"math"

	"github.com/parley-forecast/parley"
)

// toy is a one-round dynamic model for testing the analyses' plumbing:
// every present actor moves halfway to the capability×salience-weighted
// mean of its issue, and the forecast is that mean after the move (which
// is the same mean: the move is a contraction towards it).
type toy struct{}

func (toy) Info() parley.ModelInfo {
	return parley.ModelInfo{Name: "toy", Summary: "halfway to the mean", Reference: "test", Dynamic: true, DefaultRounds: 1}
}

func (toy) Prepare(opts parley.Options) (parley.Solver, error) {
	if err := opts.CheckParams(toy{}.Info()); err != nil {
		return nil, err
	}
	return &toySolver{}, nil
}

type toySolver struct{ pos, w []float64 }

func (s *toySolver) Solve(ctx context.Context, in *parley.Instance, dst *parley.Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n, m := in.N(), in.M()
	dst.Reset("toy")
	dst.AppendRound(0, in.Position)
	s.pos = append(s.pos[:0], in.Position...)
	if cap(s.w) < n {
		s.w = make([]float64, n)
	}
	w := s.w[:n]
	for k := 0; k < m; k++ {
		mean := in.OutcomeBy(parley.RuleMean, k, in.Position, w, nil)
		for a := 0; a < n; a++ {
			if x := in.Position[a*m+k]; !math.IsNaN(x) {
				s.pos[a*m+k] = (x + mean) / 2
			}
		}
	}
	dst.SetFinal(1, s.pos, false)
	for k := 0; k < m; k++ {
		dst.Forecast = append(dst.Forecast, in.OutcomeBy(parley.RuleMean, k, s.pos, w, nil))
	}
	return nil
}
