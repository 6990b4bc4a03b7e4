package smp

import (
	"math"
	"sync"
	"sync/atomic"
)

// The kernels in this file follow KTAB's arithmetic operation by operation
// (same operands, same order, same constants evaluated at run time rather
// than folded exactly by the Go compiler), so that positions agree with
// KTAB's to the last bit wherever that is cheap to achieve. Constants that
// enter arithmetic are variables for that reason: Go folds constant
// expressions exactly, C++ rounds each step.
var (
	rbp        = 0.2  // PropBin: weight of the binary part
	rpc        = 0.5  // PropCbc: weight of the cubic part
	binThresh  = 1.10 // VPModel Binary: strength ratio that decides outright
	two        = 2.0
	three      = 3.0
	minCltnPCE = 1e-8  // Model::coalitions: initial strength of every coalition
	minCltnEdu = 1e-10 // probEduChlg: initial strength of each side
	minW       = 1e-6  // bargain interpolation: bias towards each side's own position
	round4s    = 10000.0
)

// vote is the vote of an actor with weight w between options with
// utilities ua and ub: positive supports a (KTAB Model::vote). The default
// rule, Prop, is handled inline.
func vote(vr votingRule, w, ua, ub float64) float64 {
	if vr == vrProp {
		return w * (ua - ub)
	}
	return voteOther(vr, w, ua, ub)
}

func voteOther(vr votingRule, w, ua, ub float64) float64 {
	du := ua - ub
	switch vr {
	case vrBinary:
		return w * binResp(du)
	case vrPropBin:
		return w * ((1-rbp)*du + rbp*binResp(du))
	case vrPropCbc:
		return w * ((1-rpc)*du + rpc*(du*du*du))
	case vrCubic:
		return w * (du * du * du)
	case vrASymProsp:
		if du < 0 {
			return w * du
		}
		if du > 0 {
			return (two * w * du) / three
		}
		return 0
	}
	panic("smp: unknown voting rule")
}

// binResp is the binary response: sign(du) with a linear zone of width
// 1e-8 around 0.
func binResp(du float64) float64 {
	r := du / 1e-8
	if r > 1 {
		r = 1
	}
	if r < -1 {
		r = -1
	}
	return r
}

// vProb2 is the probability that a coalition of strength s1 beats one of
// strength s2, and the converse (KTAB Model::vProb for two strengths).
func vProb2(vpm victoryProb, s1, s2 float64) (float64, float64) {
	var x1, x2 float64
	switch vpm {
	case vpLinear:
		x1, x2 = s1, s2
	case vpSquare:
		x1, x2 = s1*s1, s2*s2
	case vpQuartic:
		a, b := s1*s1, s2*s2
		x1, x2 = a*a, b*b
	case vpOctic:
		a, b := s1*s1, s2*s2
		a, b = a*a, b*b
		x1, x2 = a*a, b*b
	case vpBinary:
		const minX = 1e-6
		switch {
		case s1 >= binThresh*s2:
			x1, x2 = 1, minX
		case s2 >= binThresh*s1:
			x1, x2 = minX, 1
		default:
			r12 := s1 / (s1 + s2)
			p12 := (r12*(binThresh+1.0) - 1.0) / (binThresh - 1.0)
			x1, x2 = p12, 1-p12
		}
	}
	return x1 / (x1 + x2), x2 / (x1 + x2)
}

// bsUtil is the utility of a point at normalised distance sd for an actor
// with risk attitude r (KTAB SMPModel::bsUtil).
func bsUtil(sd, r float64) float64 {
	if sd <= 1 {
		return (1 - sd) * (1 + sd*r)
	}
	return (1 - sd) * (1 + r)
}

// estNRA is h's estimate of i's risk attitude (KTAB Model::estNRA).
func estNRA(ra bigRAdjust, rh, ri float64) float64 {
	switch ra {
	case raFull:
		return ri
	case raTwoThirds:
		return (rh + (two * ri)) / three
	case raHalf:
		return (rh + ri) / 2
	case raOneThird:
		return ((two * rh) + ri) / three
	}
	return rh
}

// bigR maps win probabilities p to risk attitudes r (KTAB
// Model::bigRfromProb). It reports false, leaving r at 0 (risk neutral),
// when every probability is the same, where KTAB divides by zero.
func bigR(rr bigRRange, p, r []float64) bool {
	pMin, pMax := 1.0, 0.0
	for _, pi := range p {
		if pi < pMin {
			pMin = pi
		}
		if pi > pMax {
			pMax = pi
		}
	}
	if !(pMax > pMin) {
		for i := range r {
			r[i] = 0
		}
		return false
	}
	for i, pi := range p {
		switch rr {
		case rrMin:
			r[i] = (pi - pMin) / (pMax - pMin)
		case rrMid:
			r[i] = (3*pi - (pMax + 2*pMin)) / (2 * (pMax - pMin))
		default:
			r[i] = (2*pi - (pMax + pMin)) / (pMax - pMin)
		}
	}
	return true
}

// round4 rounds x to four decimals as KTAB's bargain interpolation does:
// truncation of x·10⁴ + ½ (x is never negative here).
func round4(x float64) float64 {
	return float64(int64(0.5+x*round4s)) / round4s
}

// pce is the workspace for probabilistic Condorcet elections over up to
// cap options.
type pce struct {
	c, pv, aux []float64 // k×k: coalition strengths, victory probabilities, Markov scratch
	p, q       []float64
	workers    int // goroutines for large coalition matrices
}

func (w *pce) ensure(k int) {
	if cap(w.c) < k*k {
		w.c = make([]float64, k*k)
		w.pv = make([]float64, k*k)
		w.aux = make([]float64, k*k)
	}
	if cap(w.p) < k {
		w.p = make([]float64, k)
		w.q = make([]float64, k)
	}
	w.c, w.pv, w.aux = w.c[:k*k], w.pv[:k*k], w.aux[:k*k]
	w.p, w.q = w.p[:k], w.q[:k]
}

// coalitions fills w.c (k×k, row-major) with the strength of the coalition
// for option a against option b: c[a*k+b] = 1e-8 + Σ_h max(0, v_h(a:b)),
// where actor h (weight wt[h]) votes with its utilities for the options,
// given option-major: u[a*len(wt)+h] (KTAB Model::coalitions). Rows are
// shared among up to w.workers goroutines when there are many options;
// every entry is computed the same way whoever computes it.
func (w *pce) coalitions(vr votingRule, wt []float64, u []float64, k int) {
	if w.workers > 1 && k >= parallelMin {
		var next atomic.Int64
		var wg sync.WaitGroup
		for g := 0; g < w.workers; g++ {
			wg.Go(func() {
				for {
					i := k - 1 - int(next.Add(1)-1) // longest rows first
					if i < 0 {
						return
					}
					w.coalitionRow(vr, wt, u, k, i, w.aux)
				}
			})
		}
		wg.Wait()
		// The rows left the strengths against option i in aux (row i,
		// so that no two goroutines wrote to one cache line); move them.
		for i := 0; i < k; i++ {
			for j := 0; j < i; j++ {
				w.c[j*k+i] = w.aux[i*k+j]
			}
		}
		return
	}
	for i := 0; i < k; i++ {
		w.coalitionRow(vr, wt, u, k, i, nil)
	}
}

// coalitionRow fills c[i][j] for j < i and c[i][i], and c[j][i] — or,
// when against is not nil, against[i][j] instead.
func (w *pce) coalitionRow(vr votingRule, wt []float64, u []float64, k, i int, against []float64) {
	c, na := w.c, len(wt)
	ui := u[i*na : i*na+na]
	for j := 0; j < i; j++ {
		uj := u[j*na : j*na+na]
		cij, cji := minCltnPCE, minCltnPCE
		if vr == vrProp {
			for h, wh := range wt {
				v := wh * (ui[h] - uj[h])
				if v > 0 {
					cij += v
				}
				if v < 0 {
					cji -= v
				}
			}
		} else {
			for h, wh := range wt {
				v := voteOther(vr, wh, ui[h], uj[h])
				if v > 0 {
					cij += v
				}
				if v < 0 {
					cji -= v
				}
			}
		}
		c[i*k+j] = cij
		if against != nil {
			against[i*k+j] = cji
		} else {
			c[j*k+i] = cji
		}
	}
	c[i*k+i] = minCltnPCE
}

// victoryProbs fills w.pv from w.c (KTAB Model::vProb for a matrix).
func (w *pce) victoryProbs(vpm victoryProb, k int) {
	c, pv := w.c, w.pv
	for i := 0; i < k; i++ {
		for j := 0; j < i; j++ {
			pij, pji := vProb2(vpm, c[i*k+j], c[j*k+i])
			pv[i*k+j] = pij
			pv[j*k+i] = pji
		}
		pv[i*k+i] = 0.5
	}
}

// solve runs the PCE over k options whose coalition strengths are in w.c
// and leaves the probability that each option wins in w.p. It returns false
// when a Markov iteration stopped at its cap before converging.
func (w *pce) solve(pcem pceModel, vpm victoryProb, k int) bool {
	w.victoryProbs(vpm, k)
	switch pcem {
	case pceMarkovIncentive:
		return w.markovIncentive(k)
	case pceMarkovUniform:
		return w.markovUniform(k)
	}
	w.conditional(k)
	return true
}

// conditional: p_a ∝ Π_b P(a,b) (KTAB Model::condPCE). When every product
// underflows to zero, it repeats the computation with logarithms, which KTAB
// does not (it would divide 0 by 0).
func (w *pce) conditional(k int) {
	p, pv := w.p, w.pv
	var sum float64
	for i := 0; i < k; i++ {
		pi := 1.0
		for j := 0; j < k; j++ {
			pi *= pv[i*k+j]
		}
		p[i] = pi
	}
	for _, pi := range p {
		sum += pi
	}
	if sum > 0 && !math.IsInf(sum, 0) {
		for i := range p {
			p[i] /= sum
		}
		return
	}
	maxL := math.Inf(-1)
	for i := 0; i < k; i++ {
		var l float64
		for j := 0; j < k; j++ {
			l += math.Log(pv[i*k+j])
		}
		p[i] = l
		maxL = math.Max(maxL, l)
	}
	sum = 0
	for i := range p {
		p[i] = math.Exp(p[i] - maxL)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
}

// markovMaxIter bounds the Markov PCE iterations; KTAB's loops have no
// bound (and throw after the fact beyond 1000 iterations).
const markovMaxIter = 20000

// markovIncentive is KTAB's Model::markovIncentivePCE.
func (w *pce) markovIncentive(k int) bool {
	const pTol = 1e-8
	c, pv, chlg := w.c, w.pv, w.aux
	p, q := w.p, w.q
	// chlg[i*k+j] = Q(i|j) = N(i→j)/Σ_a N(a→j), N(i→j) = c(i,j)·P(i,j) (+1e-10 on the diagonal).
	for j := 0; j < k; j++ {
		var s float64
		for a := 0; a < k; a++ {
			s += incentive(c, pv, k, a, j)
		}
		for i := 0; i < k; i++ {
			chlg[i*k+j] = incentive(c, pv, k, i, j) / s
		}
	}
	for i := range p {
		p[i] = 1.0 / float64(k)
	}
	change := 1.0
	for iter := 0; pTol < change; iter++ {
		if iter >= markovMaxIter {
			return false
		}
		change = 0
		for i := 0; i < k; i++ {
			var qi float64
			for j := 0; j < k; j++ {
				// ct(i,j) = p_i·Q(j|i); ct(j,i) = p_j·Q(i|j)
				cj := p[i]*chlg[j*k+i] + p[j]*chlg[i*k+j]
				qi += pv[i*k+j] * cj
			}
			q[i] = qi
			if d := math.Abs(qi - p[i]); d > change {
				change = d
			}
		}
		for i := range p {
			p[i] = (p[i] + q[i]) / 2.0
		}
	}
	return true
}

func incentive(c, pv []float64, k, i, j int) float64 {
	v := c[i*k+j] * pv[i*k+j]
	if i == j {
		v += 1e-10
	}
	return v
}

// markovUniform is KTAB's Model::markovUniformPCE.
func (w *pce) markovUniform(k int) bool {
	const pTol = 1e-6
	pv, p, q := w.pv, w.p, w.q
	for i := range p {
		p[i] = 1.0 / float64(k)
	}
	change := 1.0
	for iter := 0; pTol < change; iter++ {
		if iter >= markovMaxIter {
			return false
		}
		change = 0
		for i := 0; i < k; i++ {
			var pi float64
			for j := 0; j < k; j++ {
				pi += pv[i*k+j] * (p[i] + p[j])
			}
			q[i] = pi / float64(k)
			if d := math.Abs(q[i] - p[i]); d > change {
				change = d
			}
		}
		for i := range p {
			p[i] = (p[i] + q[i]) / 2.0
		}
	}
	return true
}

// argmax returns the index of the first largest entry.
func argmax(p []float64) int {
	best, bi := -1.0, 0
	for i, v := range p {
		if a := math.Abs(v); best < a {
			best, bi = a, i
		}
	}
	return bi
}
