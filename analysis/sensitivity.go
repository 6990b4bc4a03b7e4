package analysis

import (
	"context"
	"math"
	"sort"

	"github.com/parley-forecast/parley"
)

// SensitivityOptions configure Sensitivity.
type SensitivityOptions struct {
	// Method is "morris" or "sobol".
	Method string
	// Dist maps each input's [0,1] factor onto its range (default
	// Triangular): factor u becomes the input's u-quantile.
	Dist Dist
	// Morris and Sobol configure their methods.
	Morris MorrisOptions
	Sobol  SobolOptions
}

// SensitivityResult says which uncertain inputs drive each output. Its JSON
// encoding is the output of parley sensitivity --format json.
type SensitivityResult struct {
	Model        string      `json:"model"`
	Scenario     string      `json:"scenario"`
	Variant      string      `json:"variant,omitempty"`
	Method       string      `json:"method"`
	Seed         uint64      `json:"seed"`
	Version      string      `json:"version"`
	Distribution Dist        `json:"distribution"`
	Evaluations  int         `json:"evaluations"`
	Trajectories int         `json:"trajectories,omitempty"`
	Levels       int         `json:"levels,omitempty"`
	Delta        float64     `json:"delta,omitempty"`
	N            int         `json:"n,omitempty"`
	Sampler      string      `json:"sampler,omitempty"`
	Inputs       []InputInfo `json:"inputs"`
	// Outputs are each issue's outcome, then each question's indicator
	// (1 when it holds), whose mean is its probability.
	Outputs []OutputSensitivity `json:"outputs"`
}

// InputInfo describes one uncertain input.
type InputInfo struct {
	Path  string  `json:"path"`
	Field string  `json:"field"`
	Actor string  `json:"actor"`
	Issue string  `json:"issue,omitempty"`
	Low   float64 `json:"low"`
	Mode  float64 `json:"mode"`
	High  float64 `json:"high"`
}

// OutputSensitivity ranks the inputs for one output, most influential
// first (by ST for Sobol, μ* for Morris; ties in input order).
type OutputSensitivity struct {
	Kind string `json:"kind"` // "issue" or "question"
	ID   string `json:"id"`
	// Mean and Var over the Sobol base sample (Sobol only): for a
	// question, Mean is its probability under the design.
	Mean    Num           `json:"mean,omitempty"`
	Var     Num           `json:"variance,omitempty"`
	Factors []FactorIndex `json:"factors"`
}

// FactorIndex is one input's sensitivity measures for one output.
type FactorIndex struct {
	// Input is the index into SensitivityResult.Inputs.
	Input int    `json:"input"`
	Path  string `json:"path"`
	// Morris: μ*, μ and σ of the elementary effects, in output units per
	// the input's whole range (factor scale [0,1]).
	MuStar *Num `json:"mu_star,omitempty"`
	Mu     *Num `json:"mu,omitempty"`
	Sigma  *Num `json:"sigma,omitempty"`
	// Sobol: first-order and total indices with bootstrap 95 % intervals.
	S1   *Num    `json:"s1,omitempty"`
	S1CI *[2]Num `json:"s1_interval,omitempty"`
	ST   *Num    `json:"st,omitempty"`
	STCI *[2]Num `json:"st_interval,omitempty"`
}

// problemFunc evaluates the model at a point of the inputs' unit cube.
type problemFunc struct {
	p    *Problem
	d    Dist
	s    parley.Solver
	inst *parley.Instance
	res  parley.Result
}

func (f *problemFunc) Eval(ctx context.Context, u, out []float64) error {
	f.p.fill(f.inst, f.d, u)
	if err := f.s.Solve(ctx, f.inst, &f.res); err != nil {
		return err
	}
	m := copy(out, f.res.Forecast)
	for j := range f.p.Questions {
		out[m+j] = 0
		if f.p.Questions[j].Holds(f.res.Forecast) {
			out[m+j] = 1
		}
	}
	return nil
}

// Func returns a NewFunc that evaluates the model on p: factor j is input
// j's quantile under d, outputs are the issues' forecasts followed by the
// questions' indicators.
func (p *Problem) Func(cfg Config, d Dist) NewFunc {
	return func() (Func, error) {
		s, err := cfg.prepare(true)
		if err != nil {
			return nil, err
		}
		return &problemFunc{p: p, d: d, s: s, inst: p.Base.Clone()}, nil
	}
}

// Sensitivity measures how each uncertain input of p drives each issue's
// outcome and each question's verdict, by Morris screening or Sobol
// indices. It is NewSensitivityDesign, EvaluateRange over the whole design
// and Estimate.
func Sensitivity(ctx context.Context, p *Problem, cfg Config, o SensitivityOptions) (*SensitivityResult, error) {
	sd, err := NewSensitivityDesign(p, cfg, o)
	if err != nil {
		return nil, err
	}
	y, err := sd.EvaluateRange(ctx, 0, sd.Len())
	if err != nil {
		return nil, err
	}
	return sd.Estimate(y)
}

// A SensitivityDesign is a sensitivity analysis split into its parts: Len
// evaluations of the model, addressed by index, each with Outputs
// numbers; EvaluateRange computes any range of them (on any machine: the
// design depends only on the problem, config and options), and Estimate
// turns all of them, in index order, into the result.
type SensitivityDesign struct {
	p      *Problem
	cfg    Config
	o      SensitivityOptions
	d      Dist
	k      int
	nout   int
	morris *morrisDesign
	sobol  *sobolDesign
}

// NewSensitivityDesign checks the options and lays out the design.
func NewSensitivityDesign(p *Problem, cfg Config, o SensitivityOptions) (*SensitivityDesign, error) {
	if cfg.Model == nil {
		return nil, parley.Errorf(parley.EINVALID, "analysis: no model given")
	}
	d, err := ParseDist(string(o.Dist))
	if err != nil {
		return nil, err
	}
	k := len(p.Inputs)
	if k == 0 {
		return nil, parley.Errorf(parley.EINVALID, "scenario %q gives no input as a range: nothing to analyse (write uncertain values as {low, mode, high})", p.Scenario.Title)
	}
	sd := &SensitivityDesign{p: p, cfg: cfg, o: o, d: d, k: k, nout: p.Base.M() + len(p.Questions)}
	switch o.Method {
	case "morris":
		sd.morris, err = newMorrisDesign(k, o.Morris, cfg.Options.Seed)
	case "sobol":
		sd.sobol, err = newSobolDesign(k, o.Sobol, cfg.Options.Seed)
	default:
		err = parley.Errorf(parley.EINVALID, "unknown method %q: want morris or sobol", o.Method)
	}
	if err != nil {
		return nil, err
	}
	return sd, nil
}

// Len is the number of evaluations: r·(k+1) for Morris, N·(k+2) for
// Sobol, with k inputs.
func (sd *SensitivityDesign) Len() uint64 {
	if sd.morris != nil {
		return sd.morris.len()
	}
	return sd.sobol.len()
}

// Outputs is the number of outputs of one evaluation: the issues'
// outcomes, then the questions' indicators.
func (sd *SensitivityDesign) Outputs() int { return sd.nout }

// EvaluateRange runs the model at evaluations lo…hi−1 (0 ≤ lo ≤ hi ≤ Len)
// on the config's workers and returns their outputs in index order:
// output o of evaluation e at [(e−lo)·Outputs+o]. The numbers do not depend
// on the workers or on how [0, Len) is split.
func (sd *SensitivityDesign) EvaluateRange(ctx context.Context, lo, hi uint64) ([]float64, error) {
	if lo > hi || hi > sd.Len() {
		return nil, parley.Errorf(parley.EINVALID, "evaluations [%d,%d) outside the design's [0,%d)", lo, hi, sd.Len())
	}
	var point func(e uint64, u, x []float64)
	if sd.morris != nil {
		point = sd.morris.point
	} else {
		point = sd.sobol.point
	}
	des := Design{Workers: sd.cfg.workers(), Recorder: sd.cfg.recorder(), Seed: sd.cfg.Options.Seed}
	return runDesign(ctx, des, sd.k, sd.nout, lo, hi, sd.p.Func(sd.cfg, sd.d), point)
}

// Estimate computes the result from y, the outputs of every evaluation in
// index order (the concatenation of EvaluateRange over ranges covering
// [0, Len) in order).
func (sd *SensitivityDesign) Estimate(y []float64) (*SensitivityResult, error) {
	if uint64(len(y)) != sd.Len()*uint64(sd.nout) {
		return nil, parley.Errorf(parley.EINVALID, "%d outputs for a design of %d evaluations of %d outputs", len(y), sd.Len(), sd.nout)
	}
	p, cfg, o, d, k, m := sd.p, sd.cfg, sd.o, sd.d, sd.k, sd.p.Base.M()
	out := &SensitivityResult{Version: parley.Version, Model: cfg.Model.Info().Name, Scenario: p.Scenario.Title, Method: o.Method, Seed: cfg.Options.Seed, Distribution: d}
	for _, u := range p.Inputs {
		ii := InputInfo{Path: u.Path, Field: u.Field, Actor: p.Base.Actors[u.Actor], Low: u.Value.Low, Mode: u.Value.Mode, High: u.Value.High}
		if u.Issue >= 0 {
			ii.Issue = p.Base.Issues[u.Issue].ID
		}
		out.Inputs = append(out.Inputs, ii)
	}
	for k := 0; k < m; k++ {
		out.Outputs = append(out.Outputs, OutputSensitivity{Kind: "issue", ID: p.Base.Issues[k].ID})
	}
	for _, q := range p.Questions {
		out.Outputs = append(out.Outputs, OutputSensitivity{Kind: "question", ID: q.ID})
	}
	num := func(x float64) *Num { v := Num(x); return &v }
	pair := func(x [2]float64) *[2]Num { return &[2]Num{Num(x[0]), Num(x[1])} }
	if sd.morris != nil {
		r := sd.morris.estimate(y, sd.nout)
		out.Evaluations, out.Trajectories, out.Levels, out.Delta = r.Evaluations, r.Trajectories, r.Levels, r.Delta
		for j := range out.Outputs {
			for i := 0; i < k; i++ {
				out.Outputs[j].Factors = append(out.Outputs[j].Factors, FactorIndex{Input: i, Path: p.Inputs[i].Path,
					MuStar: num(r.MuStar[j][i]), Mu: num(r.Mu[j][i]), Sigma: num(r.Sigma[j][i])})
			}
			rank(out.Outputs[j].Factors, func(f FactorIndex) float64 { return float64(*f.MuStar) })
		}
		return out, nil
	}
	r := sd.sobol.estimate(y, sd.nout)
	out.Evaluations, out.N, out.Sampler = r.Evaluations, r.N, o.Sobol.Sampler
	if out.Sampler == "" {
		out.Sampler = "sobol"
	}
	for j := range out.Outputs {
		out.Outputs[j].Mean, out.Outputs[j].Var = Num(r.Mean[j]), Num(r.Var[j])
		for i := 0; i < k; i++ {
			out.Outputs[j].Factors = append(out.Outputs[j].Factors, FactorIndex{Input: i, Path: p.Inputs[i].Path,
				S1: num(r.S1[j][i]), S1CI: pair(r.S1CI[j][i]), ST: num(r.ST[j][i]), STCI: pair(r.STCI[j][i])})
		}
		rank(out.Outputs[j].Factors, func(f FactorIndex) float64 { return float64(*f.ST) })
	}
	return out, nil
}

// rank sorts factors by key, largest first, NaN last, ties in input order.
func rank(fs []FactorIndex, key func(FactorIndex) float64) {
	sort.SliceStable(fs, func(a, b int) bool {
		x, y := key(fs[a]), key(fs[b])
		if math.IsNaN(y) {
			return !math.IsNaN(x)
		}
		return x > y
	})
}
