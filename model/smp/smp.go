package smp

import (
	"github.com/parley-forecast/parley"
)

// New returns the smp model.
func New() parley.Model { return model{} }

type model struct{}

// Info describes the model and its options.
func (model) Info() parley.ModelInfo {
	out := info
	out.Options = append([]parley.OptionInfo(nil), info.Options...)
	return out
}

// Prepare checks opts and returns a Solver.
func (model) Prepare(opts parley.Options) (parley.Solver, error) {
	cfg, err := parseConfig(opts)
	if err != nil {
		return nil, err
	}
	return &Solver{cfg: cfg}, nil
}

// Detail is the model-specific output of a run, placed in Result.Detail.
type Detail struct {
	// Rounds holds, for every recorded turn (0 is the input), the
	// probability that each actor's position wins a probabilistic Condorcet
	// election among the distinct positions of that turn, as KTAB reports
	// it ("History of actors' winning probabilities").
	Rounds []RoundDetail `json:"rounds"`
	// Stop says why the run ended: "converged" (the 2 % rule) or
	// "round cap".
	Stop string `json:"stop"`
}

// RoundDetail is one turn of Detail.
type RoundDetail struct {
	Round          int                `json:"round"`
	WinProbability map[string]float64 `json:"win_probability"`
}
