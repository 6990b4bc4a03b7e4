package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"sort"

	"github.com/parley-forecast/parley"
)

// FineBins is the number of equal bins each issue's scale is cut into for
// the Monte Carlo histogram from which quantiles are read: quantiles are
// exact to within (max−min)/FineBins of the scale (0.01 on a 0–100 scale).
const FineBins = 10000

// fixedSteps is the fixed-point grid of sums: an outcome x on [min, max]
// is counted as q = round((x−min)/(max−min) · fixedSteps), an integer below
// 2³², so that q² fits in 64 bits and sums of q and q² are exact in 128.
// Means and standard deviations are therefore exact up to
// (max−min)/2³³ per draw, far below any Monte Carlo error.
const fixedSteps = 1<<32 - 1

// SimOptions configure a Monte Carlo simulation.
type SimOptions struct {
	// Draws is the number of draws N; draw i, for i in [0, N), is seeded
	// from (Config.Options.Seed, i) alone.
	Draws uint64
	// Dist is the distribution of every range (default Triangular).
	Dist Dist
	// Bins is the number of histogram bins reported per issue; it must
	// divide FineBins (default 20).
	Bins int
	// Variant labels the result (the variant already applied to the
	// scenario, or "").
	Variant string
}

func (o *SimOptions) normalise() error {
	d, err := ParseDist(string(o.Dist))
	if err != nil {
		return err
	}
	o.Dist = d
	if o.Bins == 0 {
		o.Bins = 20
	}
	if o.Bins < 1 || FineBins%o.Bins != 0 {
		return parley.Errorf(parley.EINVALID, "histogram bins must divide %d (e.g. 10, 20, 25, 50, 100), got %d", FineBins, o.Bins)
	}
	if o.Draws == 0 {
		return parley.Errorf(parley.EINVALID, "the number of draws must be at least 1")
	}
	return nil
}

// SimSpec identifies a simulation. Partial results merge only when their
// specs are equal.
type SimSpec struct {
	Scenario  string            `json:"scenario_sha256"`
	Title     string            `json:"title"`
	Variant   string            `json:"variant,omitempty"`
	Model     string            `json:"model"`
	Rounds    int               `json:"rounds"`
	Params    map[string]string `json:"params,omitempty"`
	Seed      uint64            `json:"seed"`
	Draws     uint64            `json:"draws"`
	Dist      Dist              `json:"distribution"`
	Bins      int               `json:"bins"`
	Inputs    int               `json:"inputs"`
	Issues    []ScaleSpec       `json:"issues"`
	Questions []Question        `json:"questions,omitempty"`
}

// ScaleSpec is an issue id with its scale.
type ScaleSpec struct {
	ID  string  `json:"id"`
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// NewSimSpec returns the spec of simulating p with cfg and o.
func NewSimSpec(p *Problem, cfg *Config, o SimOptions) (SimSpec, error) {
	if err := o.normalise(); err != nil {
		return SimSpec{}, err
	}
	if cfg.Model == nil {
		return SimSpec{}, parley.Errorf(parley.EINVALID, "analysis: no model given")
	}
	sp := SimSpec{
		Scenario: p.Fingerprint(), Title: p.Scenario.Title, Variant: o.Variant,
		Model: cfg.Model.Info().Name, Rounds: cfg.Options.Rounds, Params: cfg.Options.Params,
		Seed: cfg.Options.Seed, Draws: o.Draws, Dist: o.Dist, Bins: o.Bins, Inputs: len(p.Inputs),
		Questions: p.Questions,
	}
	for _, is := range p.Base.Issues {
		sp.Issues = append(sp.Issues, ScaleSpec{is.ID, is.Min, is.Max})
	}
	return sp, nil
}

// A Range is the half-open interval [Lo, Hi) of draw indices.
type Range struct{ Lo, Hi uint64 }

// A Partial is the aggregate of the draws in some ranges of [0, N): per
// issue a fine histogram, exact fixed-point sums and the extremes, and per
// question the number of draws in which it holds. Aggregation is exact
// integer arithmetic (and min/max), so partials of any split of [0, N),
// merged in any order, give the same aggregate, and hence the same bytes,
// as one pass over [0, N). It keeps nothing per draw: its size does not
// grow with N.
type Partial struct {
	Spec   SimSpec
	Ranges []Range
	Issues []IssueAgg
	Hits   []uint64
}

// IssueAgg aggregates one issue's outcomes.
type IssueAgg struct {
	// Count is the number of draws with a defined outcome; Undefined those
	// in which nobody with weight took part (NaN).
	Count, Undefined uint64
	// Sum and Sum2 are Σq and Σq² of the fixed-point outcomes q.
	Sum, Sum2 u128
	// Min and Max are the extreme outcomes (NaN while Count is 0).
	Min, Max float64
	// Bins counts outcomes in FineBins equal bins of the scale.
	Bins []uint64
}

// NewPartial returns an empty partial for spec.
func NewPartial(spec SimSpec) *Partial {
	p := &Partial{Spec: spec, Hits: make([]uint64, len(spec.Questions))}
	p.Issues = make([]IssueAgg, len(spec.Issues))
	for k := range p.Issues {
		p.Issues[k] = IssueAgg{Min: math.NaN(), Max: math.NaN(), Bins: make([]uint64, FineBins)}
	}
	return p
}

// Draws returns the number of draws aggregated.
func (p *Partial) Draws() uint64 {
	var n uint64
	for _, r := range p.Ranges {
		n += r.Hi - r.Lo
	}
	return n
}

// add aggregates one draw's forecast and question verdicts.
func (p *Partial) add(f []float64, qs []Question) {
	for k := range p.Issues {
		a := &p.Issues[k]
		x := f[k]
		if math.IsNaN(x) {
			a.Undefined++
			continue
		}
		is := p.Spec.Issues[k]
		t := (x - is.Min) / (is.Max - is.Min)
		t = math.Min(math.Max(t, 0), 1)
		q := uint64(math.Round(t * fixedSteps))
		a.Sum = a.Sum.add64(q)
		a.Sum2 = a.Sum2.add(mul64(q, q))
		b := int(t * FineBins)
		if b >= FineBins {
			b = FineBins - 1
		}
		a.Bins[b]++
		if a.Count == 0 || x < a.Min {
			a.Min = x
		}
		if a.Count == 0 || x > a.Max {
			a.Max = x
		}
		a.Count++
	}
	for j := range qs {
		if qs[j].Holds(f) {
			p.Hits[j]++
		}
	}
}

// Merge adds o's draws to p. It returns an EINVALID *Error, leaving p
// unchanged, when the specs differ or the draw ranges overlap.
func (p *Partial) Merge(o *Partial) error {
	a, _ := json.Marshal(p.Spec)
	b, _ := json.Marshal(o.Spec)
	if !bytes.Equal(a, b) {
		return parley.Errorf(parley.EINVALID, "cannot merge partial results of different simulations:\n  %s\n  %s", a, b)
	}
	rs, err := unionRanges(p.Ranges, o.Ranges)
	if err != nil {
		return err
	}
	p.Ranges = rs
	for k := range p.Issues {
		x, y := &p.Issues[k], &o.Issues[k]
		x.Sum = x.Sum.add(y.Sum)
		x.Sum2 = x.Sum2.add(y.Sum2)
		if y.Count > 0 {
			if x.Count == 0 || y.Min < x.Min {
				x.Min = y.Min
			}
			if x.Count == 0 || y.Max > x.Max {
				x.Max = y.Max
			}
		}
		x.Count += y.Count
		x.Undefined += y.Undefined
		for i, c := range y.Bins {
			x.Bins[i] += c
		}
	}
	for j := range p.Hits {
		p.Hits[j] += o.Hits[j]
	}
	return nil
}

// unionRanges returns the sorted, coalesced union of two sets of disjoint
// ranges, or an error if they overlap.
func unionRanges(a, b []Range) ([]Range, error) {
	all := append(append([]Range(nil), a...), b...)
	sort.Slice(all, func(i, j int) bool { return all[i].Lo < all[j].Lo })
	var out []Range
	for _, r := range all {
		if r.Hi <= r.Lo {
			continue
		}
		if n := len(out); n > 0 {
			last := &out[n-1]
			if r.Lo < last.Hi {
				return nil, parley.Errorf(parley.EINVALID, "draws [%d,%d) and [%d,%d) overlap: a shard was merged twice", last.Lo, last.Hi, r.Lo, r.Hi)
			}
			if r.Lo == last.Hi {
				last.Hi = r.Hi
				continue
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// SimulateRange runs the draws [lo, hi) of the simulation of p and returns
// their aggregate. Draw i uses its own random source seeded from
// (cfg.Options.Seed, i) (see drawSeed): it fills each uncertain input with
// the o.Dist quantile of a uniform number, in the order of p.Inputs, and
// runs the model with NoTrace. Each worker owns one Solver, one Instance
// and one Partial; the workers' partials merge exactly.
func SimulateRange(ctx context.Context, p *Problem, cfg Config, o SimOptions, lo, hi uint64) (*Partial, error) {
	spec, err := NewSimSpec(p, &cfg, o)
	if err != nil {
		return nil, err
	}
	if hi > spec.Draws || lo > hi {
		return nil, parley.Errorf(parley.EINVALID, "draw range [%d,%d) is outside [0,%d)", lo, hi, spec.Draws)
	}
	rec := cfg.recorder()
	rec.Start(int64(hi - lo))
	defer rec.Done()
	nw := cfg.workers()
	type worker struct {
		solver parley.Solver
		inst   *parley.Instance
		res    parley.Result
		pcg    *rand.PCG
		rng    *rand.Rand
		u      []float64
		part   *Partial
	}
	ws := make([]*worker, nw)
	for w := range ws {
		s, err := cfg.prepare(true)
		if err != nil {
			return nil, err
		}
		pcg := rand.NewPCG(0, 0)
		ws[w] = &worker{solver: s, inst: p.Base.Clone(), pcg: pcg, rng: rand.New(pcg),
			u: make([]float64, len(p.Inputs)), part: NewPartial(spec)}
	}
	seed := cfg.Options.Seed
	err = parallel(ctx, nw, lo, hi, 64, rec, func(w int, a, b uint64) error {
		wk := ws[w]
		for i := a; i < b; i++ {
			wk.pcg.Seed(drawSeed(seed, i))
			for j := range wk.u {
				wk.u[j] = wk.rng.Float64()
			}
			p.fill(wk.inst, spec.Dist, wk.u)
			if err := wk.solver.Solve(ctx, wk.inst, &wk.res); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("draw %d: %w", i, err)
			}
			wk.part.add(wk.res.Forecast, p.Questions)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := NewPartial(spec)
	for _, wk := range ws {
		if err := out.Merge(wk.part); err != nil {
			return nil, err
		}
	}
	out.Ranges = []Range{{lo, hi}}
	return out, nil
}

// Simulate runs all draws of the simulation of p and summarises them.
func Simulate(ctx context.Context, p *Problem, cfg Config, o SimOptions) (*SimSummary, error) {
	part, err := SimulateRange(ctx, p, cfg, o, 0, o.Draws)
	if err != nil {
		return nil, err
	}
	return part.Summary(p.Scenario)
}

// SimSummary is the result of a simulation; its JSON encoding is the
// stable output of parley simulate --format json (see docs/analyses.md).
type SimSummary struct {
	Model        string            `json:"model"`
	Scenario     string            `json:"scenario"`
	Variant      string            `json:"variant,omitempty"`
	Seed         uint64            `json:"seed"`
	Version      string            `json:"version"`
	Draws        uint64            `json:"draws"`
	Distribution Dist              `json:"distribution"`
	Inputs       int               `json:"uncertain_inputs"`
	Rounds       int               `json:"rounds,omitempty"`
	Params       map[string]string `json:"params,omitempty"`
	Issues       []IssueSummary    `json:"issues"`
	Questions    []QuestionSummary `json:"questions"`
}

// IssueSummary is the distribution of one issue's outcome.
type IssueSummary struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Scale is the issue's [min, max].
	Scale [2]float64 `json:"scale"`
	// Defined counts draws with an outcome; Undefined those without (no
	// actor with weight took part).
	Defined   uint64 `json:"defined"`
	Undefined uint64 `json:"undefined,omitempty"`
	Mean      Num    `json:"mean"`
	SD        Num    `json:"sd"`
	// SEMean is the Monte Carlo standard error of the mean, sd/√N.
	SEMean Num `json:"se_mean"`
	Min    Num `json:"min"`
	Max    Num `json:"max"`
	// Quantiles at 5, 25, 50, 75 and 95 %, read from the fine histogram
	// (linear within a bin) and clamped to [min, max].
	Quantiles Quantiles `json:"quantiles"`
	// Resolution is the width of a fine bin, the precision of the
	// quantiles.
	Resolution float64   `json:"resolution"`
	Histogram  Histogram `json:"histogram"`
}

// Quantiles of an outcome distribution.
type Quantiles struct {
	P05 Num `json:"p05"`
	P25 Num `json:"p25"`
	P50 Num `json:"p50"`
	P75 Num `json:"p75"`
	P95 Num `json:"p95"`
}

// Histogram counts outcomes in equal bins from Lo to Hi (the scale).
type Histogram struct {
	Lo     float64  `json:"lo"`
	Hi     float64  `json:"hi"`
	Counts []uint64 `json:"counts"`
}

// QuestionSummary is a question's probability over the draws.
type QuestionSummary struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	When        string `json:"when"`
	Hits        uint64 `json:"hits"`
	Probability Num    `json:"probability"`
	// Interval is the Wilson score 95 % interval of the probability.
	Interval [2]Num `json:"interval"`
	// SE is the Monte Carlo standard error √(p(1−p)/N).
	SE Num `json:"se"`
}

// Num is a float64 that marshals NaN and infinities as null.
type Num float64

// MarshalJSON writes the shortest representation that reads back exactly.
func (x Num) MarshalJSON() ([]byte, error) {
	f := float64(x)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// Summary turns a complete partial (its ranges cover [0, Draws)) into the
// simulation's result. s supplies display names and may be nil.
func (p *Partial) Summary(s *parley.Scenario) (*SimSummary, error) {
	n := p.Spec.Draws
	if len(p.Ranges) != 1 || p.Ranges[0] != (Range{0, n}) {
		return nil, parley.Errorf(parley.EINVALID, "the partial results cover draws %v, not all of [0,%d)", p.Ranges, n)
	}
	sp := p.Spec
	out := &SimSummary{Version: parley.Version, Model: sp.Model, Scenario: sp.Title, Variant: sp.Variant, Seed: sp.Seed, Draws: n,
		Distribution: sp.Dist, Inputs: sp.Inputs, Rounds: sp.Rounds, Params: sp.Params}
	for k, is := range sp.Issues {
		a := &p.Issues[k]
		w := is.Max - is.Min
		su := IssueSummary{ID: is.ID, Scale: [2]float64{is.Min, is.Max}, Defined: a.Count, Undefined: a.Undefined,
			Min: Num(a.Min), Max: Num(a.Max), Resolution: w / FineBins}
		if s != nil {
			su.Name = issueName(s, is.ID)
		}
		mean, sd := math.NaN(), math.NaN()
		if a.Count > 0 {
			c := new(big.Int).SetUint64(a.Count)
			mq, _ := new(big.Rat).SetFrac(a.Sum.big(), c).Float64()
			mean = is.Min + mq/fixedSteps*w
			sd = 0
			if a.Count > 1 {
				// Var(q) = (N Σq² − (Σq)²) / (N(N−1)), exactly in integers.
				num := new(big.Int).Mul(c, a.Sum2.big())
				num.Sub(num, new(big.Int).Mul(a.Sum.big(), a.Sum.big()))
				den := new(big.Int).Mul(c, new(big.Int).Sub(c, big.NewInt(1)))
				vq, _ := new(big.Rat).SetFrac(num, den).Float64()
				sd = math.Sqrt(vq) / fixedSteps * w
			}
			mean = math.Min(math.Max(mean, a.Min), a.Max)
		}
		su.Mean, su.SD = Num(mean), Num(sd)
		su.SEMean = Num(sd / math.Sqrt(float64(a.Count)))
		q := func(pr float64) Num { return Num(quantile(a, is, pr)) }
		su.Quantiles = Quantiles{q(0.05), q(0.25), q(0.5), q(0.75), q(0.95)}
		su.Histogram = Histogram{Lo: is.Min, Hi: is.Max, Counts: make([]uint64, sp.Bins)}
		per := FineBins / sp.Bins
		for b, c := range a.Bins {
			su.Histogram.Counts[b/per] += c
		}
		out.Issues = append(out.Issues, su)
	}
	for j, q := range sp.Questions {
		h := p.Hits[j]
		pr, lo, hi := wilson(h, n)
		out.Questions = append(out.Questions, QuestionSummary{ID: q.ID, Description: q.Description, When: q.When,
			Hits: h, Probability: Num(pr), Interval: [2]Num{Num(lo), Num(hi)},
			SE: Num(math.Sqrt(pr * (1 - pr) / float64(n)))})
	}
	return out, nil
}

// quantile reads the pr-quantile from a's fine histogram: the point where
// the cumulative count, spread evenly within each bin, reaches pr·Count;
// clamped to the observed [Min, Max].
func quantile(a *IssueAgg, is ScaleSpec, pr float64) float64 {
	if a.Count == 0 {
		return math.NaN()
	}
	target := pr * float64(a.Count)
	var cum float64
	w := (is.Max - is.Min) / FineBins
	x := a.Max
	for b, c := range a.Bins {
		if c == 0 {
			continue
		}
		if cum+float64(c) >= target {
			x = is.Min + (float64(b)+(target-cum)/float64(c))*w
			break
		}
		cum += float64(c)
	}
	return math.Min(math.Max(x, a.Min), a.Max)
}

// z95 is the 97.5 % quantile of the standard normal distribution.
const z95 = 1.959963984540054

// wilson returns the proportion h/n and its Wilson score 95 % interval.
func wilson(h, n uint64) (p, lo, hi float64) {
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	nf := float64(n)
	p = float64(h) / nf
	z2 := z95 * z95
	den := 1 + z2/nf
	centre := (p + z2/(2*nf)) / den
	half := z95 / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo, hi = math.Max(0, centre-half), math.Min(1, centre+half)
	// The interval's ends are exactly 0 and 1 when no draw, or every draw,
	// hits; floating-point rounding would leave them a hair inside.
	if h == 0 {
		lo = 0
	}
	if h == n {
		hi = 1
	}
	return p, lo, hi
}
