package baseline

import (
	"context"

	"github.com/parley-forecast/parley"
)

// Compromise returns the weighted-mean baseline model.
func Compromise() parley.Model { return model{rule: parley.RuleMean} }

// Median returns the weighted-median baseline model.
func Median() parley.Model { return model{rule: parley.RuleMedian} }

type model struct{ rule parley.Rule }

// Info describes the model.
func (m model) Info() parley.ModelInfo {
	if m.rule == parley.RuleMean {
		return parley.ModelInfo{
			Name:      "compromise",
			Summary:   "capability×salience-weighted mean of the positions on each issue (one shot)",
			Reference: "the weighted-mean (\"compromise\") baseline of the EU decision-making literature, e.g. Achen (2006) in Thomson, Stokman, Achen & König (eds.), The European Union Decides, Cambridge UP",
		}
	}
	return parley.ModelInfo{
		Name:      "median",
		Summary:   "capability×salience-weighted median of the positions on each issue, the one-dimensional Condorcet winner (one shot)",
		Reference: "Black (1948), On the rationale of group decision-making, Journal of Political Economy 56(1):23–34",
	}
}

// Prepare returns a solver; the baselines take no options.
func (m model) Prepare(opts parley.Options) (parley.Solver, error) {
	if err := opts.CheckParams(m.Info()); err != nil {
		return nil, err
	}
	return &solver{rule: m.rule, name: m.Info().Name}, nil
}

type solver struct {
	rule parley.Rule
	name string
	w    []float64
	idx  []int
}

// Solve writes round 0 and the forecast of every issue. It allocates only
// when the instance is larger than any seen before.
func (s *solver) Solve(ctx context.Context, in *parley.Instance, dst *parley.Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n, m := in.N(), in.M()
	if cap(s.w) < n {
		s.w = make([]float64, n)
		s.idx = make([]int, 0, n)
	}
	dst.Reset(s.name)
	dst.AppendRound(0, in.Position)
	for k := 0; k < m; k++ {
		dst.Forecast = append(dst.Forecast, in.OutcomeBy(s.rule, k, in.Position, s.w[:n], s.idx))
	}
	return nil
}
