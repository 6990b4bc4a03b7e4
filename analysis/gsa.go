package analysis

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/parley-forecast/parley"
)

// A Func is a function of k factors, each scaled to [0,1], with several
// outputs: the object of a sensitivity analysis. It need not be safe for
// concurrent use; the analyses make one per worker.
type Func interface {
	// Eval writes the outputs at u (len k) into out (len of the outputs).
	Eval(ctx context.Context, u, out []float64) error
}

// NewFunc makes one Func for a worker.
type NewFunc func() (Func, error)

// Design says how a sensitivity analysis runs its evaluations.
type Design struct {
	Workers  int
	Recorder Recorder
	// Seed seeds Morris trajectories, the "random" sampler and bootstrap
	// resampling.
	Seed uint64
}

// evaluate runs f at the points lo…hi−1 given by point(e, u, scratch)
// and stores output o of point e at y[(e−lo)*nout+o]; scratch is a
// per-worker buffer of 2k numbers. Which worker evaluates which point has
// no effect on y.
func evaluate(ctx context.Context, d Design, k, nout int, lo, hi uint64, newF NewFunc, point func(e uint64, u, scratch []float64)) ([]float64, error) {
	workers := d.Workers
	if workers <= 0 {
		workers = (&Config{}).workers()
	}
	rec := d.Recorder
	if rec == nil {
		rec = Nop{}
	}
	y := make([]float64, (hi-lo)*uint64(nout))
	fs := make([]Func, workers)
	us := make([][]float64, workers)
	scratch := make([][]float64, workers)
	for w := range fs {
		f, err := newF()
		if err != nil {
			return nil, err
		}
		fs[w], us[w], scratch[w] = f, make([]float64, k), make([]float64, 2*k)
	}
	err := parallel(ctx, workers, lo, hi, 16, rec, func(w int, a, b uint64) error {
		for e := a; e < b; e++ {
			point(e, us[w], scratch[w])
			if err := fs[w].Eval(ctx, us[w], y[(e-lo)*uint64(nout):(e-lo+1)*uint64(nout)]); err != nil {
				return err
			}
		}
		return nil
	})
	return y, err
}

// SobolOptions configure Sobol.
type SobolOptions struct {
	// N is the number of base rows; the analysis makes N·(k+2) evaluations.
	// Powers of two suit the Sobol sampler best. Default 1024.
	N int
	// Sampler is "sobol" (default: the quasi-random Sobol sequence in 2k
	// dimensions, rows 1…N) or "random" (PCG draws seeded from (Seed, row)).
	Sampler string
	// Resamples is the number of bootstrap resamples of the rows for the
	// 95 % intervals (default 100; negative for none).
	Resamples int
}

// SobolIndices are first-order (S1) and total (ST) Sobol indices per output
// and factor, with bootstrap 95 % intervals.
type SobolIndices struct {
	N, Evaluations int
	// Mean and Var of each output over the 2N rows of A and B.
	Mean, Var []float64
	// S1[o][j] and ST[o][j]; NaN when output o does not vary.
	S1, ST [][]float64
	// S1CI and STCI hold the bootstrap percentile 95 % intervals.
	S1CI, STCI [][][2]float64
}

// Sobol estimates first-order and total Sobol indices of f's outputs with
// the Saltelli design: base matrices A and B (N rows, k columns: the two
// halves of a 2k-dimensional sample), and for each factor i the matrix
// AB_i, A with column i taken from B. Evaluation e is row e/(k+2) of A
// (e%(k+2) = 0), B (1) or AB_i (2+i). The estimators (Saltelli et al.
// 2010, Table 2, (b) and (f)) are
//
//	V_i  = (1/N) Σ_j f(B)_j (f(AB_i)_j − f(A)_j)         S1_i = V_i / V
//	VT_i = (1/2N) Σ_j (f(A)_j − f(AB_i)_j)²   (Jansen)   ST_i = VT_i / V
//
// with V the variance of the 2N outputs of A and B.
func Sobol(ctx context.Context, k, nout int, newF NewFunc, o SobolOptions, d Design) (*SobolIndices, error) {
	sd, err := newSobolDesign(k, o, d.Seed)
	if err != nil {
		return nil, err
	}
	y, err := runDesign(ctx, d, k, nout, 0, sd.len(), newF, sd.point)
	if err != nil {
		return nil, err
	}
	return sd.estimate(y, nout), nil
}

// runDesign evaluates points [lo, hi) of a design, reporting them to d's
// recorder as one task.
func runDesign(ctx context.Context, d Design, k, nout int, lo, hi uint64, newF NewFunc, point func(e uint64, u, scratch []float64)) ([]float64, error) {
	rec := d.Recorder
	if rec == nil {
		rec = Nop{}
	}
	rec.Start(int64(hi - lo))
	defer rec.Done()
	d.Recorder = rec
	return evaluate(ctx, d, k, nout, lo, hi, newF, point)
}

// sobolDesign is the Saltelli design of Sobol: which point each
// evaluation index is, and the estimators over all evaluations.
type sobolDesign struct {
	k    int
	o    SobolOptions // defaults filled in
	seed uint64
	gen  func(row uint64, x []float64)
}

func newSobolDesign(k int, o SobolOptions, seed uint64) (*sobolDesign, error) {
	if o.N == 0 {
		o.N = 1024
	}
	if o.N < 2 {
		return nil, parley.Errorf(parley.EINVALID, "Sobol analysis needs at least 2 rows, got %d", o.N)
	}
	if k < 1 {
		return nil, parley.Errorf(parley.EINVALID, "Sobol analysis needs at least one uncertain input")
	}
	if o.Resamples == 0 {
		o.Resamples = 100
	}
	sd := &sobolDesign{k: k, o: o, seed: seed}
	switch o.Sampler {
	case "", "sobol":
		seq, err := newSobol(2 * k)
		if err != nil {
			return nil, parley.Errorf(parley.EINVALID, "%d uncertain inputs need %d Sobol dimensions, more than the %d supported; use the random sampler", k, 2*k, MaxSobolDims)
		}
		sd.gen = func(row uint64, x []float64) { seq.point(row+1, x) } // skip the origin
	case "random":
		sd.gen = func(row uint64, x []float64) {
			r := rand.New(rand.NewPCG(drawSeed(seed, row)))
			for i := range x {
				x[i] = r.Float64()
			}
		}
	default:
		return nil, parley.Errorf(parley.EINVALID, "unknown sampler %q: want sobol or random", o.Sampler)
	}
	return sd, nil
}

// len is the number of evaluations, N·(k+2).
func (sd *sobolDesign) len() uint64 { return uint64(sd.o.N) * uint64(sd.k+2) }

// point sets u to evaluation e's point; x is scratch of 2k numbers. Each
// point needs its row's 2k base coordinates; generating them per
// evaluation costs O(k·32) against a model run, which is far dearer.
func (sd *sobolDesign) point(e uint64, u, x []float64) {
	k, per := sd.k, uint64(sd.k+2)
	sd.gen(e/per, x)
	m := int(e % per)
	switch {
	case m == 0:
		copy(u, x[:k])
	case m == 1:
		copy(u, x[k:])
	default:
		copy(u, x[:k])
		u[m-2] = x[k+m-2]
	}
}

// estimate computes the indices from y, output o of evaluation e at
// y[e*nout+o], for every evaluation of the design.
func (sd *sobolDesign) estimate(y []float64, nout int) *SobolIndices {
	k, o := sd.k, sd.o
	n := uint64(o.N)
	per := uint64(k + 2)
	res := &SobolIndices{N: o.N, Evaluations: int(n * per)}
	at := func(row uint64, m, out int) float64 { return y[(row*per+uint64(m))*uint64(nout)+uint64(out)] }
	rows := make([]uint64, n)
	for j := range rows {
		rows[j] = uint64(j)
	}
	estimate := func(rows []uint64, out int, s1, st []float64) (mean, v float64) {
		var sum float64
		for _, r := range rows {
			sum += at(r, 0, out) + at(r, 1, out)
		}
		mean = sum / float64(2*len(rows))
		for _, r := range rows {
			a, b := at(r, 0, out)-mean, at(r, 1, out)-mean
			v += a*a + b*b
		}
		v /= float64(2 * len(rows))
		for i := 0; i < k; i++ {
			var vi, vt float64
			for _, r := range rows {
				fa, fb, fab := at(r, 0, out), at(r, 1, out), at(r, 2+i, out)
				vi += fb * (fab - fa)
				vt += (fa - fab) * (fa - fab)
			}
			vi /= float64(len(rows))
			vt /= float64(2 * len(rows))
			s1[i], st[i] = vi/v, vt/v
			if !(v > 0) {
				s1[i], st[i] = math.NaN(), math.NaN()
			}
		}
		return mean, v
	}
	boot := make([]uint64, n)
	for out := 0; out < nout; out++ {
		s1, st := make([]float64, k), make([]float64, k)
		mean, v := estimate(rows, out, s1, st)
		res.Mean, res.Var = append(res.Mean, mean), append(res.Var, v)
		res.S1, res.ST = append(res.S1, s1), append(res.ST, st)
		c1, ct := make([][2]float64, k), make([][2]float64, k)
		if o.Resamples > 0 {
			bs1 := make([][]float64, k)
			bst := make([][]float64, k)
			rng := rand.New(rand.NewPCG(drawSeed(sd.seed^0x5eed, uint64(out))))
			t1, tt := make([]float64, k), make([]float64, k)
			for b := 0; b < o.Resamples; b++ {
				for j := range boot {
					boot[j] = uint64(rng.IntN(int(n)))
				}
				estimate(boot, out, t1, tt)
				for i := 0; i < k; i++ {
					bs1[i] = append(bs1[i], t1[i])
					bst[i] = append(bst[i], tt[i])
				}
			}
			for i := 0; i < k; i++ {
				c1[i] = percentiles(bs1[i])
				ct[i] = percentiles(bst[i])
			}
		} else {
			for i := 0; i < k; i++ {
				c1[i] = [2]float64{math.NaN(), math.NaN()}
				ct[i] = c1[i]
			}
		}
		res.S1CI, res.STCI = append(res.S1CI, c1), append(res.STCI, ct)
	}
	return res
}

// percentiles returns the 2.5 and 97.5 % points of xs (sorted in place);
// NaN when any is NaN.
func percentiles(xs []float64) [2]float64 {
	for _, x := range xs {
		if math.IsNaN(x) {
			return [2]float64{math.NaN(), math.NaN()}
		}
	}
	sort.Float64s(xs)
	at := func(p float64) float64 {
		h := p * float64(len(xs)-1)
		i := int(h)
		if i+1 >= len(xs) {
			return xs[len(xs)-1]
		}
		return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
	}
	return [2]float64{at(0.025), at(0.975)}
}

// MorrisOptions configure Morris.
type MorrisOptions struct {
	// Trajectories r (default 10) and grid Levels p (default 4, even).
	Trajectories, Levels int
}

// MorrisEffects are the elementary-effect statistics per output and factor.
type MorrisEffects struct {
	Trajectories, Levels, Evaluations int
	// Delta is the step Δ = p/(2(p−1)) on the unit scale.
	Delta float64
	// MuStar is the mean |EE|, Mu the mean EE and Sigma the standard
	// deviation of EE over the trajectories, [output][factor].
	MuStar, Mu, Sigma [][]float64
}

// Morris screens f's factors with elementary effects (Morris 1991, with
// μ* of Campolongo, Cariboni & Saltelli 2007). Each of r trajectories
// starts at a random point of the grid {0, 1/(p−1), …, 1}^k and moves one
// factor at a time, in random order, by Δ = p/(2(p−1)) (up when that stays
// in [0,1], else down). The elementary effect of factor j is
// EE_j = (f(x ± Δe_j) − f(x)) / (±Δ), in output units per unit of the
// factor's [0,1] scale. Evaluation e is step e%(k+1) of trajectory
// e/(k+1); trajectory t is drawn from a PCG seeded from (Seed, t).
func Morris(ctx context.Context, k, nout int, newF NewFunc, o MorrisOptions, d Design) (*MorrisEffects, error) {
	md, err := newMorrisDesign(k, o, d.Seed)
	if err != nil {
		return nil, err
	}
	y, err := runDesign(ctx, d, k, nout, 0, md.len(), newF, md.point)
	if err != nil {
		return nil, err
	}
	return md.estimate(y, nout), nil
}

// morrisTraj is one Morris trajectory: start point, factor order and step
// signs.
type morrisTraj struct {
	x0    []float64
	order []int
	step  []float64 // by factor
}

// morrisDesign is the trajectories of Morris: which point each evaluation
// index is, and the elementary effects over all evaluations.
type morrisDesign struct {
	k, r, p int
	delta   float64
	ts      []morrisTraj
}

func newMorrisDesign(k int, o MorrisOptions, seed uint64) (*morrisDesign, error) {
	if o.Trajectories == 0 {
		o.Trajectories = 10
	}
	if o.Levels == 0 {
		o.Levels = 4
	}
	if o.Trajectories < 2 || o.Levels < 2 || o.Levels%2 != 0 {
		return nil, parley.Errorf(parley.EINVALID, "Morris needs at least 2 trajectories and an even number of levels of at least 2, got %d and %d", o.Trajectories, o.Levels)
	}
	if k < 1 {
		return nil, parley.Errorf(parley.EINVALID, "Morris analysis needs at least one uncertain input")
	}
	r, p := o.Trajectories, o.Levels
	delta := float64(p) / (2 * float64(p-1))
	ts := make([]morrisTraj, r)
	for t := range ts {
		rng := rand.New(rand.NewPCG(drawSeed(seed, uint64(t))))
		tr := morrisTraj{x0: make([]float64, k), order: rng.Perm(k), step: make([]float64, k)}
		for j := 0; j < k; j++ {
			x := float64(rng.IntN(p)) / float64(p-1)
			up, down := x+delta <= 1+1e-12, x-delta >= -1e-12
			s := delta
			if !up || (down && rng.IntN(2) == 0) {
				s = -delta
			}
			tr.x0[j], tr.step[j] = x, s
		}
		ts[t] = tr
	}
	return &morrisDesign{k: k, r: r, p: p, delta: delta, ts: ts}, nil
}

// len is the number of evaluations, r·(k+1).
func (md *morrisDesign) len() uint64 { return uint64(md.r) * uint64(md.k+1) }

// point sets u to evaluation e's point.
func (md *morrisDesign) point(e uint64, u, _ []float64) {
	per := uint64(md.k + 1)
	tr := &md.ts[e/per]
	s := int(e % per)
	copy(u, tr.x0)
	for _, j := range tr.order[:s] {
		u[j] = math.Min(math.Max(u[j]+tr.step[j], 0), 1)
	}
}

// estimate computes the effects from y, output o of evaluation e at
// y[e*nout+o], for every evaluation of the design.
func (md *morrisDesign) estimate(y []float64, nout int) *MorrisEffects {
	k, r, ts, per := md.k, md.r, md.ts, md.k+1
	res := &MorrisEffects{Trajectories: r, Levels: md.p, Evaluations: int(md.len()), Delta: md.delta}
	for out := 0; out < nout; out++ {
		ms, mu, sd := make([]float64, k), make([]float64, k), make([]float64, k)
		ee := make([][]float64, k)
		for t := range ts {
			for s := 1; s <= k; s++ {
				j := ts[t].order[s-1]
				y1 := y[(uint64(t*per+s))*uint64(nout)+uint64(out)]
				y0 := y[(uint64(t*per+s-1))*uint64(nout)+uint64(out)]
				ee[j] = append(ee[j], (y1-y0)/ts[t].step[j])
			}
		}
		for j := 0; j < k; j++ {
			var sa, s float64
			for _, e := range ee[j] {
				sa += math.Abs(e)
				s += e
			}
			ms[j], mu[j] = sa/float64(r), s/float64(r)
			var ss float64
			for _, e := range ee[j] {
				ss += (e - mu[j]) * (e - mu[j])
			}
			sd[j] = math.Sqrt(ss / float64(r-1))
		}
		res.MuStar, res.Mu, res.Sigma = append(res.MuStar, ms), append(res.Mu, mu), append(res.Sigma, sd)
	}
	return res
}
