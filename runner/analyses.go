package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
)

// Bounds on the work one request may ask for, so that a single run cannot
// hold a worker for hours. Larger studies belong to parley simulate and
// friends on the command line (or a sharded sweep).
const (
	MaxDraws              = 10_000_000 // simulate
	MaxCompareDraws       = 1_000_000  // compare, per column
	MaxStrategyDraws      = 100_000    // strategy, per candidate
	MaxMorrisTrajectories = 10_000
	MaxSobolRows          = 1 << 16
	MaxResamples          = 10_000 // Sobol bootstrap
)

func init() {
	register(Kind{
		Name:    "simulate",
		Summary: "Monte Carlo over every input given as a range; options: draws (default 10000), dist (triangular or uniform), bins (default 20)",
		Long:    true,
		Check:   checkWith(simulateCheck),
		Run:     simulate,
	})
	register(Kind{
		Name:    "compare",
		Summary: "the base scenario beside its variants; options: variants (default all), draws (also simulate each), dist, bins",
		Long:    true,
		Check:   checkWith(compareCheck),
		Run:     compare,
	})
	register(Kind{
		Name:    "leverage",
		Summary: "how far each actor moves each forecast when perturbed; no options",
		Long:    true,
		Run:     leverage,
	})
	register(Kind{
		Name:    "sensitivity",
		Summary: "which uncertain inputs drive each outcome; options: method (morris or sobol), draws, levels, sampler, resamples, dist",
		Long:    true,
		Check:   checkWith(sensitivityCheck),
		Run:     sensitivity,
	})
	register(Kind{
		Name:    "strategy",
		Summary: "the smallest change of one actor's stance that makes a question hold; options: actor, question (required), relations, draws, dist, max_steps",
		Long:    true,
		Check:   checkWith(strategyCheck),
		Run:     strategy,
	})
}

// decodeOptions reads a request's options strictly into T (unknown names
// are errors); no options give T's zero value.
func decodeOptions[T any](j *Job) (T, error) {
	var o T
	b := bytes.TrimSpace(j.Request.Options)
	if len(b) == 0 || string(b) == "null" {
		return o, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return o, fieldErr("options", parley.EINVALID, "%s options: %v", j.Kind.Name, err)
	}
	return o, nil
}

// checkWith adapts a typed check to Kind.Check.
func checkWith[T any](check func(j *Job, o T) error) func(j *Job) error {
	return func(j *Job) error {
		o, err := decodeOptions[T](j)
		if err != nil {
			return err
		}
		return check(j, o)
	}
}

// config is the analysis configuration of a job: its model and options,
// on every core (results do not depend on the number of workers).
func config(j *Job) analysis.Config {
	return analysis.Config{Model: j.Model, Options: j.Options}
}

// indented renders v as parley's analysis commands do with --format json.
func indented(v any) ([]byte, error) { return analysis.JSON(v) }

func checkDist(name string) error {
	if _, err := analysis.ParseDist(name); err != nil {
		return fieldErr("options.dist", parley.EINVALID, "%s", parley.ErrorMessage(err))
	}
	return nil
}

func checkBins(bins int) error {
	if bins < 0 || bins > 0 && analysis.FineBins%bins != 0 {
		return fieldErr("options.bins", parley.EINVALID, "bins must divide %d (e.g. 10, 20, 25, 50, 100), got %d", analysis.FineBins, bins)
	}
	return nil
}

// Simulate.

type simulateOptions struct {
	Draws uint64 `json:"draws"`
	Dist  string `json:"dist"`
	Bins  int    `json:"bins"`
}

func simulateCheck(j *Job, o simulateOptions) error {
	if o.Draws > MaxDraws {
		return fieldErr("options.draws", parley.EINVALID, "at most %d draws per run, got %d", MaxDraws, o.Draws)
	}
	if err := checkDist(o.Dist); err != nil {
		return err
	}
	return checkBins(o.Bins)
}

func simulate(ctx context.Context, j *Job) ([]byte, error) {
	o, err := decodeOptions[simulateOptions](j)
	if err != nil {
		return nil, err
	}
	if o.Draws == 0 {
		o.Draws = 10000
	}
	p, err := analysis.NewProblem(j.Scenario)
	if err != nil {
		return nil, err
	}
	sum, err := analysis.Simulate(ctx, p, config(j), analysis.SimOptions{Draws: o.Draws, Dist: analysis.Dist(o.Dist),
		Bins: o.Bins, Variant: j.Request.Variant})
	if err != nil {
		return nil, err
	}
	return indented(sum)
}

// Compare.

type compareOptions struct {
	Variants []string `json:"variants"`
	Draws    uint64   `json:"draws"`
	Dist     string   `json:"dist"`
	Bins     int      `json:"bins"`
}

func compareCheck(j *Job, o compareOptions) error {
	if j.Request.Variant != "" {
		return fieldErr("variant", parley.EINVALID, "compare takes options.variants, not variant")
	}
	for i, id := range o.Variants {
		if j.Base.Variant(id) == nil {
			return fieldErr("options.variants", parley.EINVALID, "variant %d: the scenario has no variant %q", i, id)
		}
	}
	if o.Draws > MaxCompareDraws {
		return fieldErr("options.draws", parley.EINVALID, "at most %d draws per column, got %d", MaxCompareDraws, o.Draws)
	}
	if err := checkDist(o.Dist); err != nil {
		return err
	}
	return checkBins(o.Bins)
}

func compare(ctx context.Context, j *Job) ([]byte, error) {
	o, err := decodeOptions[compareOptions](j)
	if err != nil {
		return nil, err
	}
	c, err := analysis.Compare(ctx, j.Base, config(j), analysis.CompareOptions{Variants: o.Variants, Draws: o.Draws,
		Dist: analysis.Dist(o.Dist), Bins: o.Bins})
	if err != nil {
		return nil, err
	}
	return indented(c)
}

// Leverage.

func leverage(ctx context.Context, j *Job) ([]byte, error) {
	p, err := analysis.NewProblem(j.Scenario)
	if err != nil {
		return nil, err
	}
	r, err := analysis.Leverage(ctx, p, config(j))
	if err != nil {
		return nil, err
	}
	return indented(r)
}

// Sensitivity.

type sensitivityOptions struct {
	Method    string `json:"method"`
	Draws     int    `json:"draws"`
	Levels    int    `json:"levels"`
	Sampler   string `json:"sampler"`
	Resamples int    `json:"resamples"`
	Dist      string `json:"dist"`
}

// setDefaults fills the options left out with their defaults, those of
// parley sensitivity's flags.
func (o *sensitivityOptions) setDefaults() {
	if o.Method == "" {
		o.Method = "morris"
	}
	if o.Levels == 0 {
		o.Levels = 4
	}
	if o.Sampler == "" {
		o.Sampler = "sobol"
	}
	if o.Resamples == 0 {
		o.Resamples = 100
	}
}

func sensitivityCheck(j *Job, o sensitivityOptions) error {
	switch o.Method {
	case "", "morris":
		if o.Draws > MaxMorrisTrajectories {
			return fieldErr("options.draws", parley.EINVALID, "at most %d Morris trajectories, got %d", MaxMorrisTrajectories, o.Draws)
		}
	case "sobol":
		if o.Draws > MaxSobolRows {
			return fieldErr("options.draws", parley.EINVALID, "at most %d Sobol base rows, got %d", MaxSobolRows, o.Draws)
		}
		if o.Sampler != "" && o.Sampler != "sobol" && o.Sampler != "random" {
			return fieldErr("options.sampler", parley.EINVALID, "sampler must be sobol or random, got %q", o.Sampler)
		}
	default:
		return fieldErr("options.method", parley.EINVALID, "method must be morris or sobol, got %q", o.Method)
	}
	if o.Draws < 0 || o.Draws == 1 {
		return fieldErr("options.draws", parley.EINVALID, "draws must be at least 2 (Morris trajectories or Sobol base rows), got %d", o.Draws)
	}
	// Morris's grid needs an even number of levels (so that its step Δ =
	// p/(2(p−1)) lands on the grid); 0 is the default, 4. Sobol ignores it.
	if o.Levels < 0 || (o.Method == "" || o.Method == "morris") && o.Levels != 0 && (o.Levels < 2 || o.Levels%2 != 0) {
		return fieldErr("options.levels", parley.EINVALID, "levels must be an even number of at least 2, got %d", o.Levels)
	}
	if o.Resamples < 0 || o.Resamples > MaxResamples {
		return fieldErr("options.resamples", parley.EINVALID, "resamples must be between 0 (the default, 100) and %d, got %d", MaxResamples, o.Resamples)
	}
	if len(j.Scenario.Uncertain()) == 0 {
		return fieldErr("scenario", parley.EINVALID, "the scenario gives no input as a range: nothing to analyse")
	}
	return checkDist(o.Dist)
}

func sensitivity(ctx context.Context, j *Job) ([]byte, error) {
	o, err := decodeOptions[sensitivityOptions](j)
	if err != nil {
		return nil, err
	}
	o.setDefaults()
	p, err := analysis.NewProblem(j.Scenario)
	if err != nil {
		return nil, err
	}
	r, err := analysis.Sensitivity(ctx, p, config(j), analysis.SensitivityOptions{Method: o.Method, Dist: analysis.Dist(o.Dist),
		Morris: analysis.MorrisOptions{Trajectories: o.Draws, Levels: o.Levels},
		Sobol:  analysis.SobolOptions{N: o.Draws, Sampler: o.Sampler, Resamples: o.Resamples}})
	if err != nil {
		return nil, err
	}
	r.Variant = j.Request.Variant
	return indented(r)
}

// Strategy.

type strategyOptions struct {
	Actor     string `json:"actor"`
	Question  string `json:"question"`
	Relations bool   `json:"relations"`
	Draws     uint64 `json:"draws"`
	Dist      string `json:"dist"`
	MaxSteps  int    `json:"max_steps"`
}

func strategyCheck(j *Job, o strategyOptions) error {
	if !slices.ContainsFunc(j.Scenario.Actors, func(a parley.Actor) bool { return a.ID == o.Actor }) {
		return fieldErr("options.actor", parley.EINVALID, "strategy needs options.actor, an actor of the scenario; got %q", o.Actor)
	}
	if !slices.ContainsFunc(j.Scenario.Questions, func(q parley.Question) bool { return q.ID == o.Question }) {
		return fieldErr("options.question", parley.EINVALID, "strategy needs options.question, a question of the scenario; got %q", o.Question)
	}
	if o.Draws > MaxStrategyDraws {
		return fieldErr("options.draws", parley.EINVALID, "at most %d draws, got %d", MaxStrategyDraws, o.Draws)
	}
	if o.MaxSteps < 0 {
		return fieldErr("options.max_steps", parley.EINVALID, "max_steps must not be negative, got %d", o.MaxSteps)
	}
	return checkDist(o.Dist)
}

func strategy(ctx context.Context, j *Job) ([]byte, error) {
	o, err := decodeOptions[strategyOptions](j)
	if err != nil {
		return nil, err
	}
	if o.MaxSteps == 0 {
		o.MaxSteps = 30
	}
	p, err := analysis.NewProblem(j.Scenario)
	if err != nil {
		return nil, err
	}
	r, err := analysis.Strategy(ctx, p, config(j), analysis.StrategyOptions{Actor: o.Actor, Question: o.Question,
		Relations: o.Relations, Draws: o.Draws, Dist: analysis.Dist(o.Dist), MaxSteps: o.MaxSteps})
	if err != nil {
		return nil, err
	}
	return indented(r)
}
