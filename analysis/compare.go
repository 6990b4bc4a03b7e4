package analysis

import (
	"context"
	"math"

	"github.com/parley-forecast/parley"
)

// Comparison puts the base scenario and its variants side by side. Its JSON
// encoding is the output of parley compare --format json.
type Comparison struct {
	Model    string  `json:"model"`
	Scenario string  `json:"scenario"`
	Seed     uint64  `json:"seed"`
	Version  string  `json:"version"`
	Issues   []Named `json:"issues"`
	// Questions are the base scenario's questions.
	Questions []Named `json:"questions"`
	// Columns are the base (Variant "") first, then each variant.
	Columns []Column `json:"columns"`
	// Draws is the number of Monte Carlo draws behind each column's
	// probabilities (0: point forecasts only).
	Draws uint64 `json:"draws,omitempty"`
}

// Named is an id with its display name or description.
type Named struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Column is one scenario's forecast.
type Column struct {
	Variant     string `json:"variant"`
	Description string `json:"description,omitempty"`
	// Forecast per issue, in the order of Comparison.Issues.
	Forecast []Num `json:"forecast"`
	// Difference is Forecast minus the base's (0 for the base).
	Difference []Num `json:"difference"`
	// Holds per question, in the order of Comparison.Questions.
	Holds []bool `json:"holds"`
	// Simulation holds the Monte Carlo summary when draws were asked for.
	Simulation *SimSummary `json:"simulation,omitempty"`
}

// CompareOptions configure Compare.
type CompareOptions struct {
	// Variants to compare with the base, in order; nil means all.
	Variants []string
	// Draws, when positive, also simulates each scenario with that many
	// draws (Dist and Bins as in SimOptions).
	Draws uint64
	Dist  Dist
	Bins  int
}

// Compare runs the model on the base scenario s and on each variant, and
// reports each forecast, its difference to the base and each question's
// verdict. Variants may add or remove actors; issues and questions are
// those of the base.
func Compare(ctx context.Context, s *parley.Scenario, cfg Config, o CompareOptions) (*Comparison, error) {
	ids := o.Variants
	if ids == nil {
		for _, v := range s.Variants {
			ids = append(ids, v.ID)
		}
	}
	names := append([]string{""}, ids...)
	probs := make([]*Problem, len(names))
	for i, id := range names {
		sv, err := ApplyVariant(s, id)
		if err != nil {
			return nil, err
		}
		if probs[i], err = NewProblem(sv); err != nil {
			return nil, err
		}
	}
	if cfg.Model == nil {
		return nil, parley.Errorf(parley.EINVALID, "analysis: no model given")
	}
	base := probs[0]
	out := &Comparison{Version: parley.Version, Model: cfg.Model.Info().Name, Scenario: s.Title, Seed: cfg.Options.Seed, Draws: o.Draws}
	for _, is := range s.Issues {
		out.Issues = append(out.Issues, Named{is.ID, is.Name})
	}
	for _, q := range base.Questions {
		out.Questions = append(out.Questions, Named{q.ID, q.Description})
	}
	rec := cfg.recorder()
	total := int64(len(names))
	if o.Draws > 0 {
		total += int64(len(names)) * int64(o.Draws)
	}
	rec.Start(total)
	defer rec.Done()
	// Point forecasts, one model run per scenario, in parallel.
	out.Columns = make([]Column, len(names))
	err := parallel(ctx, cfg.workers(), 0, uint64(len(names)), 1, rec, func(_ int, a, _ uint64) error {
		p := probs[a]
		sv, err := cfg.prepare(true)
		if err != nil {
			return err
		}
		var res parley.Result
		if err := sv.Solve(ctx, p.Base, &res); err != nil {
			return err
		}
		c := Column{Variant: names[a]}
		if v := s.Variant(names[a]); v != nil {
			c.Description = v.Description
		}
		for _, x := range res.Forecast {
			c.Forecast = append(c.Forecast, Num(x))
		}
		for j := range base.Questions {
			c.Holds = append(c.Holds, base.Questions[j].Holds(res.Forecast))
		}
		out.Columns[a] = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out.Columns {
		c := &out.Columns[i]
		for k, x := range c.Forecast {
			d := float64(x) - float64(out.Columns[0].Forecast[k])
			if x == out.Columns[0].Forecast[k] {
				d = 0 // also for equal infinities; NaN stays NaN
			}
			if math.IsNaN(float64(x)) || math.IsNaN(float64(out.Columns[0].Forecast[k])) {
				d = math.NaN()
			}
			c.Difference = append(c.Difference, Num(d))
		}
	}
	if o.Draws == 0 {
		return out, nil
	}
	for i, p := range probs {
		sub := cfg
		sub.Recorder = passOn{rec}
		sum, err := Simulate(ctx, p, sub, SimOptions{Draws: o.Draws, Dist: o.Dist, Bins: o.Bins, Variant: names[i]})
		if err != nil {
			return nil, err
		}
		out.Columns[i].Simulation = sum
	}
	return out, nil
}

// ApplyVariant returns s with variant id applied (a copy of s for ""),
// without the list of variants: once one is applied the others no longer
// apply (one may name an actor this one removed), and a scenario is only
// valid if all its variants are.
func ApplyVariant(s *parley.Scenario, id string) (*parley.Scenario, error) {
	sv, err := s.WithVariant(id)
	if err != nil {
		return nil, err
	}
	sv.Variants = nil
	return sv, nil
}

// passOn forwards Add to an enclosing recorder, ignoring Start and Done, so
// that nested analyses advance one progress bar.
type passOn struct{ r Recorder }

func (passOn) Start(int64)   {}
func (p passOn) Add(n int64) { p.r.Add(n) }
func (passOn) Done()         {}
