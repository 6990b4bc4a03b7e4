package report

import (
	"context"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
)

// Options configure the analyses behind a brief.
type Options struct {
	// Draws is the number of Monte Carlo draws per scenario (the base and
	// each variant); 0 means DefaultDraws.
	Draws uint64
	// Dist is the distribution of every range (default triangular).
	Dist analysis.Dist
	// Trajectories is the number of Morris trajectories behind the main
	// drivers; 0 means DefaultTrajectories.
	Trajectories int
	// Command is the command line that reproduces the brief, printed in
	// its last section.
	Command string
	// Others are further models whose point forecasts of the base scenario
	// are shown beside the main model's, each with its default options and
	// the same seed.
	Others []parley.Model
}

// Defaults: modest, so that a brief of the flagship builds in seconds.
const (
	DefaultDraws        = 2000
	DefaultTrajectories = 10
	// bins is the number of histogram bins per issue.
	bins = 20
	// topDrivers is the number of inputs listed per output.
	topDrivers = 5
	// topMoves is the number of "who moves whom" pairs listed.
	topMoves = 12
)

// Brief holds every number a brief shows. Compute fills it; HTML and
// Markdown render it. It holds no time stamp: the same scenario, model,
// options and seed give the same bytes.
type Brief struct {
	// Scenario is the scenario as written, with its variants.
	Scenario *parley.Scenario
	// Model describes the model; Options are those it ran with
	// (Options.Seed seeds every draw of every analysis).
	Model   parley.ModelInfo
	Options parley.Options
	Version string
	Draws   uint64
	Dist    analysis.Dist
	Command string
	// Instance and Run are the base scenario and the traced model run on
	// it (positions over rounds).
	Instance *parley.Instance
	Run      *parley.Result
	// Compare holds the point forecast and the Monte Carlo summary of the
	// base (column 0) and of every variant.
	Compare *analysis.Comparison
	// Leverage says who can move whom in the base scenario.
	Leverage *analysis.LeverageResult
	// Drivers ranks the uncertain inputs by their Morris μ* per issue and
	// question; nil when the scenario gives no input as a range.
	Drivers *analysis.SensitivityResult
	// Others are the point forecasts of the base by Options.Others.
	Others []Other
}

// Other is another model's point forecast of the base scenario.
type Other struct {
	Model string
	// Forecast per issue and Holds per question, in scenario order; both
	// nil when the model failed, and Err says why.
	Forecast []float64
	Holds    []bool
	Err      string
}

// Compute runs the analyses a brief reports on s: a traced run of the
// base scenario, the comparison of the base with every variant with
// o.Draws Monte Carlo draws each, leverage, and Morris screening of the
// uncertain inputs. It does no I/O. cfg.Options.Seed seeds all of it.
func Compute(ctx context.Context, s *parley.Scenario, cfg analysis.Config, o Options) (*Brief, error) {
	if cfg.Model == nil {
		return nil, parley.Errorf(parley.EINVALID, "report: no model given")
	}
	if o.Draws == 0 {
		o.Draws = DefaultDraws
	}
	if o.Trajectories == 0 {
		o.Trajectories = DefaultTrajectories
	}
	d, err := analysis.ParseDist(string(o.Dist))
	if err != nil {
		return nil, err
	}
	b := &Brief{Scenario: s, Model: cfg.Model.Info(), Options: cfg.Options, Version: parley.Version,
		Draws: o.Draws, Dist: d, Command: o.Command}

	base, err := analysis.ApplyVariant(s, "")
	if err != nil {
		return nil, err
	}
	p, err := analysis.NewProblem(base)
	if err != nil {
		return nil, err
	}
	b.Instance = p.Base
	opts := cfg.Options
	opts.NoTrace = false
	sv, err := cfg.Model.Prepare(opts)
	if err != nil {
		return nil, err
	}
	b.Run = new(parley.Result)
	if err := sv.Solve(ctx, p.Base, b.Run); err != nil {
		return nil, err
	}
	if b.Compare, err = analysis.Compare(ctx, s, cfg, analysis.CompareOptions{Draws: o.Draws, Dist: d, Bins: bins}); err != nil {
		return nil, err
	}
	if b.Leverage, err = analysis.Leverage(ctx, p, cfg); err != nil {
		return nil, err
	}
	for _, m := range o.Others {
		b.Others = append(b.Others, runOther(ctx, m, p, cfg.Options.Seed))
	}
	if len(p.Inputs) > 0 {
		so := analysis.SensitivityOptions{Method: "morris", Dist: d, Morris: analysis.MorrisOptions{Trajectories: o.Trajectories}}
		if b.Drivers, err = analysis.Sensitivity(ctx, p, cfg, so); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// A File is a file that goes beside a document (the Markdown's plots).
type File struct {
	Name string
	Data []byte
}

// runOther runs m with its defaults on the base; a model that cannot
// handle the scenario is reported, not fatal.
func runOther(ctx context.Context, m parley.Model, p *analysis.Problem, seed uint64) Other {
	o := Other{Model: m.Info().Name}
	sv, err := m.Prepare(parley.Options{Seed: seed, NoTrace: true})
	if err != nil {
		o.Err = err.Error()
		return o
	}
	var res parley.Result
	if err := sv.Solve(ctx, p.Base, &res); err != nil {
		o.Err = err.Error()
		return o
	}
	o.Forecast = append([]float64(nil), res.Forecast...)
	for j := range p.Questions {
		o.Holds = append(o.Holds, p.Questions[j].Holds(res.Forecast))
	}
	return o
}
