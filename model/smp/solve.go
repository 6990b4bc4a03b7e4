package smp

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/parley-forecast/parley"
)

// KTAB's fixed constants.
const (
	minSigEDU     = 1e-5 // smallest expected gain worth a challenge
	posTol        = 1e-3 // positions closer than this are the same (0.1 on KTAB's 0-100 scale)
	stopRatio     = 0.02 // stop when a round moves less than 2 % of the first
	stopMinDelta  = 1e-4 // added to the first round's movement
	minStopRounds = 2
)

// Solver runs the smp model. It holds the workspace reused across Solve
// calls; it is not safe for concurrent use.
type Solver struct {
	cfg config

	n, m int
	in   *parley.Instance

	// Inputs, normalised to KTAB's 0-1 scales.
	capv    []float64 // n: capability
	salSum  []float64 // n: S_i = Σ_k s_ik
	sal     []float64 // n*m
	present []bool    // n*m
	acc     []float64 // n*n accommodation matrix; nil when it is the identity

	// State.
	x, xNew, ideal []float64 // n*m positions, next positions, ideals
	d              []float64 // n*n salience-weighted distance from i's ideal to j's position
	dT             []float64 // n*n transpose of d
	u0             []float64 // n*n risk-neutral utilities, option-major (u0[j*n+i] = 1 − d(i,j))
	own            []float64 // n*n: U^a_aj, a's utility for j's position with its own risk attitude
	risk           []float64 // n: risk attitudes R_i
	pw             pce

	wT []float64 // n: c_t·S_t

	// Challenges: one perspective cache per worker, and each initiator's
	// best target (-1 for none) and its estimated chance against it.
	views    []view
	target   []int
	targetP  []float64
	nWorkers int

	// Bargains, in the order of their initiators; each initiator's status
	// quo (a bargain with itself) precedes its proposals.
	bInit, bRcvr []int
	bPos         []float64 // per bargain 2m: the initiator's point, then the receiver's
	queue        [][]int   // per actor: bargains in its queue
	bu           []float64 // per bargain n: utility to each actor of the state it produces
	uq           []float64 // scratch: utilities of one queue's bargains
	chosen       []int     // per actor: the bargain it takes
	bi, bj       []float64 // scratch points

	out []float64 // positions on the issues' scales
	w   []float64
	idx []int

	uniq []int // win probabilities: the distinct positions

	neutralTurns, markovCapped int // for the notes

	src *rand.PCG
	rng *rand.Rand
}

// Solve runs the model on in and writes the result into dst.
func (s *Solver) Solve(ctx context.Context, in *parley.Instance, dst *parley.Result) error {
	if err := in.Check(); err != nil {
		return err
	}
	dst.Reset(info.Name)
	if err := s.setup(in, dst); err != nil {
		return err
	}
	trace := !s.cfg.noTrace
	var detail *Detail
	if trace {
		detail = &Detail{}
	}
	// out holds the positions on the issues' scales. A coordinate is
	// converted back only when it moves, so unmoved positions stay
	// bit-identical to the input.
	s.out = append(s.out[:0], in.Position...)
	out := s.out
	dst.AppendRound(0, out)

	var firstMove float64
	stop := "round cap"
	round := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Assess the current state (turn = round): utilities and risk attitudes.
		s.assess(round, dst)
		if trace {
			detail.Rounds = append(detail.Rounds, s.winProbabilities(round))
		}
		round++
		s.step(round, dst, trace)
		move := s.moved()
		s.export(out)
		s.x, s.xNew = s.xNew, s.x
		s.updateIdeals()
		if trace {
			dst.AppendRound(round, out)
		} else {
			dst.SetFinal(round, out, false)
		}
		if round == 1 {
			firstMove = move + stopMinDelta
		}
		if round >= minStopRounds && move/firstMove < stopRatio {
			stop = "converged"
			break
		}
		if round >= s.cfg.maxRounds {
			break
		}
	}
	if trace {
		// Assess the final state for its win probabilities only; its
		// notes would differ from a run without trace.
		nt, mc := s.neutralTurns, s.markovCapped
		s.assess(round, dst)
		s.neutralTurns, s.markovCapped = nt, mc
		detail.Rounds = append(detail.Rounds, s.winProbabilities(round))
		detail.Stop = stop
		dst.Detail = detail
	}
	if s.neutralTurns > 0 {
		dst.Notes = append(dst.Notes, fmt.Sprintf("in %d turn(s) every position was equally likely to win, so every actor was taken to be risk neutral", s.neutralTurns))
	}
	if s.markovCapped > 0 {
		dst.Notes = append(dst.Notes, fmt.Sprintf("%d Markov PCE(s) stopped at %d iterations before converging", s.markovCapped, markovMaxIter))
	}
	if stop != "converged" {
		dst.Notes = append(dst.Notes, fmt.Sprintf("stopped at the round cap (%d) before the 2%% convergence rule was met", s.cfg.maxRounds))
	}

	s.w = grow(s.w, s.n)
	if cap(s.idx) < s.n {
		s.idx = make([]int, 0, s.n)
	}
	final := dst.Final()
	for k := 0; k < s.m; k++ {
		dst.Forecast = append(dst.Forecast, in.Outcome(k, final, s.w, s.idx[:0]))
	}
	return nil
}

func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// setup normalises the instance into the workspace.
func (s *Solver) setup(in *parley.Instance, dst *parley.Result) error {
	n, m := in.N(), in.M()
	s.n, s.m, s.in = n, m, in
	s.neutralTurns, s.markovCapped = 0, 0
	s.capv = grow(s.capv, n)
	s.salSum = grow(s.salSum, n)
	s.sal = grow(s.sal, n*m)
	s.present = grow(s.present, n*m)
	s.x = grow(s.x, n*m)
	s.xNew = grow(s.xNew, n*m)
	s.ideal = grow(s.ideal, n*m)
	s.d = grow(s.d, n*n)
	s.dT = grow(s.dT, n*n)
	s.wT = grow(s.wT, n)
	s.target = grow(s.target, n)
	s.targetP = grow(s.targetP, n)
	// Challenges run in parallel when a round has enough of them to pay
	// for it; each initiator's computation is the same whichever worker
	// does it, so results do not depend on the number of workers.
	s.nWorkers = 1
	if n >= parallelMin {
		s.nWorkers = min(runtime.GOMAXPROCS(0), n/16)
	}
	s.pw.workers = s.nWorkers
	for len(s.views) < s.nWorkers {
		s.views = append(s.views, view{})
	}
	for w := range s.views {
		s.views[w].init(n)
	}
	s.u0 = grow(s.u0, n*n)
	s.own = grow(s.own, n*n)
	s.risk = grow(s.risk, n)
	s.chosen = grow(s.chosen, n)
	s.bi = grow(s.bi, m)
	s.bj = grow(s.bj, m)
	if cap(s.queue) < n {
		s.queue = make([][]int, n)
	}
	s.queue = s.queue[:n]

	for a := 0; a < n; a++ {
		var sum, csum, cw, c0 float64
		sameCap := true
		first := true
		for k := 0; k < m; k++ {
			i := a*m + k
			if math.IsNaN(in.Position[i]) {
				continue
			}
			is := in.Issues[k]
			s.present[i] = true
			s.x[i] = (in.Position[i] - is.Min) / (is.Max - is.Min)
			s.sal[i] = in.Salience[i]
			sum += in.Salience[i]
			c := in.Capability[i]
			if first {
				c0, first = c, false
			} else if c != c0 {
				sameCap = false
			}
			csum += c
			cw += in.Salience[i] * c
		}
		for k := 0; k < m; k++ {
			if !s.present[a*m+k] {
				s.x[a*m+k] = math.NaN()
			}
		}
		// One capability per actor, as in KTAB: the actor's capability when
		// it is the same on every issue it takes part in, otherwise the
		// salience-weighted mean of its per-issue capabilities.
		switch {
		case first:
			s.capv[a] = 0
		case sameCap:
			s.capv[a] = c0
		case sum > 0:
			s.capv[a] = cw / sum
		default:
			s.capv[a] = csum / float64(countTrue(s.present[a*m:a*m+m]))
		}
		if sum > 1+1e-12 {
			// KTAB requires Σ_k s_ik ≤ 1: the total is the probability
			// that the actor resists a challenge.
			for k := 0; k < m; k++ {
				s.sal[a*m+k] /= sum
			}
			dst.Notes = append(dst.Notes, fmt.Sprintf("actor %s: saliences add up to %.3g; scaled to add up to 1 as the model requires", in.Actors[a], sum))
		}
		var S float64
		for k := 0; k < m; k++ {
			S += s.sal[a*m+k]
		}
		s.salSum[a] = S
		s.wT[a] = S * s.capv[a]
	}
	copy(s.ideal, s.x)
	if err := s.buildAccommodation(in, dst); err != nil {
		return err
	}
	if s.cfg.stochastic && s.rng == nil {
		s.src = rand.NewPCG(0, 0)
		s.rng = rand.New(s.src)
	}
	return nil
}

func countTrue(b []bool) int {
	c := 0
	for _, v := range b {
		if v {
			c++
		}
	}
	return c
}

// buildAccommodation sets s.acc from the relations (when asked) and the
// explicit entries; it leaves s.acc nil for the identity.
func (s *Solver) buildAccommodation(in *parley.Instance, dst *parley.Result) error {
	n := s.n
	s.acc = s.acc[:0]
	if !s.cfg.relations && len(s.cfg.accomm) == 0 {
		s.acc = nil
		return nil
	}
	a := grow(s.acc[:0], n*n)
	for i := 0; i < n; i++ {
		a[i*n+i] = 1
	}
	if s.cfg.relations {
		rivals := 0
		for _, r := range in.Relations {
			if r.From == r.To {
				continue
			}
			switch r.Kind {
			case parley.RelAlly:
				a[r.From*n+r.To] += r.Strength
				a[r.To*n+r.From] += r.Strength
			case parley.RelLeverage:
				a[r.To*n+r.From] += r.Strength
			default:
				rivals++
			}
		}
		for i := 0; i < n; i++ {
			var off float64
			for j := 0; j < n; j++ {
				if j != i {
					off += a[i*n+j]
				}
			}
			if off > 1 {
				for j := 0; j < n; j++ {
					if j != i {
						a[i*n+j] /= off
					}
				}
				off = 1
			}
			a[i*n+i] = 1 - off
		}
		if rivals > 0 {
			dst.Notes = append(dst.Notes, fmt.Sprintf("%d rival relation(s) ignored: the accommodation matrix can only pull ideals together", rivals))
		}
	}
	index := make(map[string]int, n)
	for i, id := range in.Actors {
		index[id] = i
	}
	for _, e := range s.cfg.accomm {
		i, ok1 := index[e.from]
		j, ok2 := index[e.to]
		if !ok1 || !ok2 {
			bad := e.from
			if ok1 {
				bad = e.to
			}
			return parley.Errorf(parley.EINVALID, "option %s: no actor %q", OptAccommodation, bad)
		}
		a[i*n+j] = e.value
	}
	identity := true
	for i := 0; i < n; i++ {
		var sum float64
		for j := 0; j < n; j++ {
			sum += a[i*n+j]
			want := 0.0
			if i == j {
				want = 1
			}
			if a[i*n+j] != want {
				identity = false
			}
		}
		if sum > 1+1e-10 {
			return parley.Errorf(parley.EINVALID, "option %s: the entries for actor %s add up to %g; at most 1 is allowed", OptAccommodation, in.Actors[i], sum)
		}
	}
	if identity {
		s.acc = nil
		return nil
	}
	s.acc = a
	return nil
}

// export writes the coordinates that moved this round (s.x to s.xNew)
// into out, on the issues' scales.
func (s *Solver) export(out []float64) {
	for a := 0; a < s.n; a++ {
		for k := 0; k < s.m; k++ {
			i := a*s.m + k
			if !s.present[i] || s.xNew[i] == s.x[i] {
				continue
			}
			is := s.in.Issues[k]
			out[i] = is.Min + s.xNew[i]*(is.Max-is.Min)
		}
	}
}

// assess computes, for the current positions and ideals, the distances,
// the risk attitudes (from a PCE over every actor's position, weighted by
// capability, with risk-neutral utilities) and each actor's own utilities
// (KTAB SMPState::setAllAUtil).
func (s *Solver) assess(turn int, dst *parley.Result) {
	n, m := s.n, s.m
	for i := 0; i < n; i++ {
		si := s.sal[i*m : i*m+m]
		idl := s.ideal[i*m : i*m+m]
		var ssq float64
		for k := 0; k < m; k++ {
			ssq += si[k] * si[k]
		}
		for j := 0; j < n; j++ {
			var d float64
			if ssq > 0 {
				xj := s.x[j*m : j*m+m]
				pj := s.present[j*m : j*m+m]
				var dsSqr float64
				for k := 0; k < m; k++ {
					if !pj[k] || si[k] == 0 {
						continue
					}
					ds := (idl[k] - xj[k]) * si[k]
					dsSqr += ds * ds
				}
				d = math.Sqrt(dsSqr / ssq)
			}
			s.d[i*n+j] = d
			s.dT[j*n+i] = d
			s.u0[j*n+i] = bsUtil(d, 0) // option-major: option j, voter i
		}
	}
	for w := range s.views {
		s.views[w].h, s.views[w].i = -1, -1
	}
	s.pw.ensure(n)
	s.pw.coalitions(s.cfg.vr, s.capv, s.u0, n)
	if !s.pw.solve(s.cfg.pcem, s.cfg.vpm, n) {
		s.markovCapped++
	}
	if !bigR(s.cfg.bigRRng, s.pw.p, s.risk) {
		s.neutralTurns++
	}
	for a := 0; a < n; a++ {
		r := estNRA(s.cfg.bigRAdj, s.risk[a], s.risk[a])
		for j := 0; j < n; j++ {
			s.own[a*n+j] = bsUtil(s.d[a*n+j], r)
		}
	}
}

// parallelMin is the number of actors from which challenges are
// evaluated by several workers.
const parallelMin = 48

// A view caches estimator h's view used by probEduChlg for challenges by i.
type view struct {
	h, i      int
	rT, uDiag []float64 // n: r^h_t (h's estimate of t's risk attitude), U^h_tt
	uI        []float64 // n: U^h_ti
	cand      []candidate
}

func (v *view) init(n int) {
	v.h, v.i = -1, -1
	v.rT = grow(v.rT, n)
	v.uDiag = grow(v.uDiag, n)
	v.uI = grow(v.uI, n)
}

// perspective makes v hold h's view for challenges by i.
func (s *Solver) perspective(v *view, h, i int) {
	n := s.n
	if v.h != h {
		rh := s.risk[h]
		for t := 0; t < n; t++ {
			r := estNRA(s.cfg.bigRAdj, rh, s.risk[t])
			v.rT[t] = r
			v.uDiag[t] = bsUtil(s.d[t*n+t], r)
		}
		v.h, v.i = h, -1
	}
	if v.i != i {
		col := s.dT[i*n : i*n+n]
		for t := 0; t < n; t++ {
			v.uI[t] = bsUtil(col[t], v.rT[t])
		}
		v.i = i
	}
}

// bestTarget finds the target worth most to initiator i (KTAB
// SMPState::bestChallenge: the first largest gain above 1e-5).
//
// The gain of challenging j is linear in the chance P that i wins, so it
// is at most max over P ∈ {0,1} of the challenge's value minus the status
// quo's, which needs no third party. Targets are tried in decreasing order
// of that bound and the search stops once no remaining bound can beat the
// best gain found; ties still go to the lowest index, as in KTAB, so the
// choice is the same as trying every target in order.
func (s *Solver) bestTarget(v *view, i int) {
	n := s.n
	s.perspective(v, i, i)
	// U^i_ii and U^i_ij for each j.
	uii := v.uI[i]
	cand := v.cand[:0]
	for j := 0; j < n; j++ {
		if j == i {
			continue
		}
		uij := bsUtil(s.dT[j*n+i], v.rT[i])
		sj := s.salSum[j]
		vij, vji := uii+uii, uij+uij
		hi := max(vij, (1-sj)*vij+sj*vji) - (uii + uij)
		cand = append(cand, candidate{j, hi})
	}
	v.cand = cand
	slices.SortFunc(cand, func(a, b candidate) int {
		if a.bound != b.bound {
			return cmp.Compare(b.bound, a.bound)
		}
		return a.j - b.j
	})
	bestJ, bestEU, pIJ := -1, -1.0, 0.0
	for _, c := range cand {
		// The margin covers rounding in the exact computation.
		if c.bound+boundMargin <= max(minSigEDU, bestEU) {
			break
		}
		p, edu := s.probEduChlg(v, i, i, i, c.j)
		if minSigEDU < edu && (bestEU < edu || bestEU == edu && c.j < bestJ) {
			bestJ, bestEU, pIJ = c.j, edu, p
		}
	}
	s.target[i], s.targetP[i] = bestJ, pIJ
}

// boundMargin is far above the rounding error of a gain computed from
// utilities in [0,1], and far below any gain that matters (1e-5).
const boundMargin = 1e-9

type candidate struct {
	j     int
	bound float64
}

// bestTargets runs bestTarget for every initiator, on s.nWorkers workers.
func (s *Solver) bestTargets() {
	n := s.n
	if s.nWorkers <= 1 {
		for i := 0; i < n; i++ {
			s.bestTarget(&s.views[0], i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < s.nWorkers; w++ {
		v := &s.views[w]
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				s.bestTarget(v, i)
			}
		})
	}
	wg.Wait()
}

// probEduChlg is h's estimate of the probability that i defeats j and of
// the expected change in k's utility if i challenges j (KTAB
// SMPState::probEduChlg).
func (s *Solver) probEduChlg(v *view, h, k, i, j int) (float64, float64) {
	n := s.n
	s.perspective(v, h, i)
	vr, tpc := s.cfg.vr, s.cfg.tpc
	rT, uI, uDiag := v.rT[:n], v.uI[:n], v.uDiag[:n]
	colJ := s.dT[j*n : j*n+n]
	// U^h_ab = u(d(a,b), r^h_a)
	uii, uji := uI[i], uI[j]
	uij, ujj := bsUtil(colJ[i], rT[i]), uDiag[j]
	uki, ukj := uI[k], bsUtil(colJ[k], rT[k])
	euSQ := uki + ukj
	uhkij := uki + uki
	uhkji := ukj + ukj

	sj := s.salSum[j]
	contribI := vote(vr, s.wT[i], uii, uij)
	contribJ := vote(vr, s.wT[j], uji, ujj)
	chij, chji := minCltnEdu, minCltnEdu
	if contribI > 0 {
		chij += contribI
	}
	if contribI < 0 {
		chji -= contribI
	}
	if contribJ > 0 {
		chij += contribJ
	}
	if contribJ < 0 {
		chji -= contribJ
	}
	ci0, cj0 := chij, chji
	wT := s.wT[:n]
	if vr == vrProp && tpc == tpSemiCommit {
		// The defaults, with vote and thirdPartyVote written out (same
		// operations in the same order).
		for t := 0; t < n; t++ {
			if t == i || t == j {
				continue
			}
			wn := wT[t]
			uni, unj, unn := uI[t], bsUtil(colJ[t], rT[t]), uDiag[t]
			cn := wn * (uni - unj)
			cni, cnj := ci0, cj0
			if cn > 0 {
				cni = ci0 + cn
			}
			if cn < 0 {
				cnj = cj0 - cn
			}
			pin := cni / (cni + cnj)
			pjn := 1.0 - pin
			uIKJ := (pin * (uni + uni + unn)) + (pjn * (unj + unj + unj))
			uIJK := (pin * (uni + uni + uni)) + (pjn * (unj + unj + unn))
			v := wn * (uIKJ - uIJK)
			if v > 0 {
				chij += v
			}
			if v < 0 {
				chji -= v
			}
		}
		return s.challengeValue(chij, chji, sj, uhkij, uhkji, euSQ)
	}
	for t := 0; t < n; t++ {
		if t == i || t == j {
			continue
		}
		wn := wT[t]
		uni, unj, unn := uI[t], bsUtil(colJ[t], rT[t]), uDiag[t]
		// The third party's little contest: the principals and itself.
		cn := vote(vr, wn, uni, unj)
		cni, cnj := ci0, cj0
		if cn > 0 {
			cni = ci0 + cn
		}
		if cn < 0 {
			cnj = cj0 - cn
		}
		pin := cni / (cni + cnj)
		v := thirdPartyVote(vr, tpc, wn, pin, 1.0-pin, uni, unj, unn)
		if v > 0 {
			chij += v
		}
		if v < 0 {
			chji -= v
		}
	}
	return s.challengeValue(chij, chji, sj, uhkij, uhkji, euSQ)
}

// challengeValue turns the coalition strengths for and against i into
// i's chance and the expected gain of the challenge over the status quo.
func (s *Solver) challengeValue(chij, chji, sj, uhkij, uhkji, euSQ float64) (float64, float64) {
	phij := chij / (chij + chji)
	phji := chji / (chij + chji)
	euCntst := phij*uhkij + phji*uhkji
	euChlg := (1-sj)*uhkij + sj*euCntst
	return phij, euChlg - euSQ
}

// thirdPartyVote is KTAB's Actor::thirdPartyVoteSU: the vote of a third
// party with weight w between joining i and joining j.
func thirdPartyVote(vr votingRule, tpc thirdParty, w, pik, pjk, uki, ukj, ukk float64) float64 {
	var ikDefJ, jDefIK, iDefJK, jkDefI float64
	switch tpc {
	case tpFullCommit:
		ikDefJ = uki + uki + uki
		jDefIK = ukj + ukj + ukj
		iDefJK = uki + uki + uki
		jkDefI = ukj + ukj + ukj
	case tpSemiCommit:
		ikDefJ = uki + uki + ukk
		jDefIK = ukj + ukj + ukj
		iDefJK = uki + uki + uki
		jkDefI = ukj + ukj + ukk
	default:
		ikDefJ = uki + uki + ukk
		jDefIK = ukj + ukj + ukk
		iDefJK = uki + uki + ukk
		jkDefI = ukj + ukj + ukk
	}
	uIKJ := (pik * ikDefJ) + (pjk * jDefIK)
	uIJK := (pik * iDefJK) + (pjk * jkDefI)
	return vote(vr, w, uIKJ, uIJK)
}

// interpolate forms the bargain between i and j from probability estimates
// pI (that i wins) and pJ, writing i's point to bi and j's to bj (KTAB
// SMPActor::interpolateBrgn). On a dimension where one side takes no part,
// the other keeps its coordinate.
func (s *Solver) interpolate(i, j int, pI, pJ float64, bi, bj []float64) {
	m := s.m
	for k := 0; k < m; k++ {
		tik, tjk := s.x[i*m+k], s.x[j*m+k]
		if !s.present[i*m+k] || !s.present[j*m+k] {
			bi[k], bj[k] = tik, tjk
			continue
		}
		sik, sjk := s.sal[i*m+k], s.sal[j*m+k]
		switch s.cfg.ivb {
		case ivS2PMax:
			var di, dj float64
			if pJ > pI {
				di = pJ - pI
			}
			if pI > pJ {
				dj = pI - pJ
			}
			sik2, sjk2 := sik*sik, sjk*sjk
			dik := (di * sjk2) / ((di * sjk2) + minW + ((1 - di) * sik2))
			djk := (dj * sik2) / ((dj * sik2) + minW + ((1 - dj) * sjk2))
			bi[k] = tik + dik*(tjk-tik)
			bj[k] = tjk + djk*(tik-tjk)
		default:
			var wik, wjk float64
			if s.cfg.ivb == ivS1P1 {
				wik, wjk = sik*pI, sjk*pJ
			} else {
				wik, wjk = (sik*sik)*(pI*pI), (sjk*sjk)*(pJ*pJ)
			}
			bi[k] = round4(((wik+minW)*tik + wjk*tjk) / (wik + minW + wjk))
			bj[k] = round4((wik*tik + (minW+wjk)*tjk) / (wik + minW + wjk))
		}
	}
}

// addBargain appends a bargain between init and rcvr with points bi, bj.
func (s *Solver) addBargain(init, rcvr int, bi, bj []float64) int {
	s.bInit = append(s.bInit, init)
	s.bRcvr = append(s.bRcvr, rcvr)
	s.bPos = append(s.bPos, bi...)
	s.bPos = append(s.bPos, bj...)
	return len(s.bInit) - 1
}

// step runs one round: every actor picks its best target and proposes a
// bargain (KTAB SMPState::doBCN), then every actor picks a bargain from its
// queue by a PCE over the states the bargains would produce
// (updateBestBrgnPositions). The next positions go to s.xNew.
func (s *Solver) step(round int, dst *parley.Result, trace bool) {
	n, m := s.n, s.m
	s.bInit, s.bRcvr, s.bPos = s.bInit[:0], s.bRcvr[:0], s.bPos[:0]
	// Challenges and proposals, in initiator order. Each initiator's
	// status quo comes first, then its proposal, so every actor's queue
	// lists its bargains by initiator with its own status quo where its
	// own proposals are: the order KTAB's threads produce when they run
	// one after the other. (The order matters only for the asymmetric
	// voting rule ASymProsp and for exact ties.)
	s.bestTargets()
	for i := 0; i < n; i++ {
		s.addBargain(i, i, s.x[i*m:i*m+m], s.x[i*m:i*m+m])
		j, pIJ := s.target[i], s.targetP[i]
		if j < 0 {
			continue
		}
		bi, bj := s.bi, s.bj
		s.interpolate(i, j, pIJ, 1-pIJ, bi, bj)
		if s.cfg.bMod == bmInitOnly {
			s.addBargain(i, j, bi, bj)
			continue
		}
		b1 := s.addBargain(i, j, bi, bj)
		// j's estimate of the probability that i defeats j. KTAB takes
		// the other half of the result, j's estimate of the change in i's
		// expected utility, as if it were that probability.
		pJI, duJI := s.probEduChlg(&s.views[0], j, i, i, j)
		if s.cfg.ktabQuirks {
			pJI = duJI
		}
		s.interpolate(i, j, pJI, 1-pJI, bi, bj)
		if s.cfg.bMod == bmInitRcvr {
			s.addBargain(i, j, bi, bj)
			continue
		}
		// Power-weighted compromise of the two interpolations, each side
		// weighted by its capability times its total salience. KTAB
		// weights the receiver's side with the initiator's capability,
		// c_i·S_j.
		wi := s.capv[i] * s.salSum[i]
		wj := s.capv[j] * s.salSum[j]
		if s.cfg.ktabQuirks {
			wj = s.capv[i] * s.salSum[j]
		}
		if wi+wj == 0 {
			wi, wj = 1, 1
		}
		p1 := s.bPos[b1*2*m : b1*2*m+2*m]
		for k := 0; k < m; k++ {
			bi[k] = (wi*p1[k] + wj*bi[k]) / (wi + wj)
			bj[k] = (wi*p1[m+k] + wj*bj[k]) / (wi + wj)
		}
		copy(p1[:m], bi)
		copy(p1[m:], bj)
	}
	for k := 0; k < n; k++ {
		s.queue[k] = s.queue[k][:0]
	}
	for b, init := range s.bInit {
		s.queue[init] = append(s.queue[init], b)
		if r := s.bRcvr[b]; r != init {
			s.queue[r] = append(s.queue[r], b)
		}
	}
	// Utility to every actor of the state each bargain would produce.
	// Bargain 0 is actor 0's status quo; every status quo leaves the state
	// as it is.
	nb := len(s.bInit)
	s.bu = grow(s.bu, nb*n)
	for a := 0; a < n; a++ {
		var u float64
		own := s.own[a*n : a*n+n]
		for l := 0; l < n; l++ {
			u += own[l]
		}
		s.bu[a] = u / float64(n)
	}
	if s.nWorkers > 1 {
		s.parallel(nb, s.bargainUtility)
	} else {
		for b := 0; b < nb; b++ {
			s.bargainUtility(b)
		}
	}
	// Each actor takes one bargain from its queue.
	for k := 0; k < n; k++ {
		q := s.queue[k]
		nq := len(q)
		s.uq = grow(s.uq, n*nq)
		for c, b := range q {
			copy(s.uq[c*n:c*n+n], s.bu[b*n:b*n+n])
		}
		s.pw.ensure(nq)
		s.pw.coalitions(s.cfg.vr, s.capv, s.uq, nq)
		if !s.pw.solve(s.cfg.pcem, s.cfg.vpm, nq) {
			s.markovCapped++
		}
		var c int
		if s.cfg.stochastic {
			c = s.draw(round, k, s.pw.p)
		} else {
			c = argmax(s.pw.p)
		}
		b := q[c]
		s.chosen[k] = b
		dstx := s.xNew[k*m : k*m+m]
		switch {
		case s.bInit[b] == s.bRcvr[b]:
			copy(dstx, s.x[k*m:k*m+m])
		case s.bInit[b] == k:
			copy(dstx, s.bPos[b*2*m:b*2*m+m])
		default:
			copy(dstx, s.bPos[b*2*m+m:b*2*m+2*m])
		}
	}
	if trace {
		s.events(round, dst)
	}
}

// bargainUtility fills row b of s.bu: the mean over all positions of each
// actor's utility, the principals' positions replaced by the bargain's
// points (KTAB updateBestBrgnPositions' brgnUtil).
func (s *Solver) bargainUtility(b int) {
	n, m := s.n, s.m
	init, rcvr := s.bInit[b], s.bRcvr[b]
	row := s.bu[b*n : b*n+n]
	if init == rcvr {
		if b > 0 {
			copy(row, s.bu[:n])
		}
		return
	}
	pi := s.bPos[b*2*m : b*2*m+m]
	pr := s.bPos[b*2*m+m : b*2*m+2*m]
	for a := 0; a < n; a++ {
		u := s.posUtil(a, pi)
		u += s.posUtil(a, pr)
		own := s.own[a*n : a*n+n]
		for l := 0; l < n; l++ {
			if l != init && l != rcvr {
				u += own[l]
			}
		}
		row[a] = u / float64(n)
	}
}

// parallel runs f(0), …, f(count−1) on s.nWorkers workers; f(i) must
// write only what belongs to i.
func (s *Solver) parallel(count int, f func(int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < s.nWorkers; w++ {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= count {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}

// posUtil is actor a's utility for point p, measured from a's ideal with
// a's own risk attitude (KTAB SMPActor::posUtil).
func (s *Solver) posUtil(a int, p []float64) float64 {
	m := s.m
	si := s.sal[a*m : a*m+m]
	idl := s.ideal[a*m : a*m+m]
	var dsSqr, ssq float64
	for k := 0; k < m; k++ {
		ssq += si[k] * si[k]
		if si[k] == 0 || math.IsNaN(p[k]) {
			continue
		}
		ds := (idl[k] - p[k]) * si[k]
		dsSqr += ds * ds
	}
	var d float64
	if ssq > 0 {
		d = math.Sqrt(dsSqr / ssq)
	}
	return bsUtil(d, s.risk[a])
}

// draw picks a bargain at random in proportion to p, from a generator
// seeded by (seed, round, actor) so that results do not depend on the
// order or the number of workers.
func (s *Solver) draw(round, k int, p []float64) int {
	s.src.Seed(s.cfg.seed, uint64(round)<<32|uint64(k))
	u := s.rng.Float64()
	var cum float64
	for i, pi := range p {
		cum += pi
		if u < cum {
			return i
		}
	}
	return len(p) - 1
}

// moved is the sum over actors of the Euclidean length of each actor's
// move this round (KTAB SMPModel::stateDist), on the 0-1 scale.
func (s *Solver) moved() float64 {
	m := s.m
	var sum float64
	for a := 0; a < s.n; a++ {
		var q float64
		for k := 0; k < m; k++ {
			i := a*m + k
			if !s.present[i] {
				continue
			}
			d := s.xNew[i] - s.x[i]
			q += d * d
		}
		sum += math.Sqrt(q)
	}
	return sum
}

// updateIdeals moves every ideal by the accommodation matrix:
// ι_i ← Σ_j A_ij x_j + (1 − Σ_j A_ij) ι_i (KTAB SMPState::newIdeals).
func (s *Solver) updateIdeals() {
	n, m := s.n, s.m
	if s.acc == nil {
		copy(s.ideal, s.x)
		return
	}
	next := s.xNew // free after the swap; used as scratch
	for i := 0; i < n; i++ {
		var si float64
		for k := 0; k < m; k++ {
			next[i*m+k] = 0
		}
		for j := 0; j < n; j++ {
			aij := s.acc[i*n+j]
			si += aij
			for k := 0; k < m; k++ {
				if !s.present[i*m+k] {
					continue
				}
				pj := s.x[j*m+k]
				if !s.present[j*m+k] {
					pj = s.ideal[i*m+k]
				}
				next[i*m+k] += aij * pj
			}
		}
		if si > 1 {
			si = 1
		}
		lag := 1 - si
		for k := 0; k < m; k++ {
			if !s.present[i*m+k] {
				next[i*m+k] = math.NaN()
				continue
			}
			next[i*m+k] += lag * s.ideal[i*m+k]
		}
	}
	copy(s.ideal, next)
}

// events records who moved in round and why.
func (s *Solver) events(round int, dst *parley.Result) {
	n, m := s.n, s.m
	for k := 0; k < n; k++ {
		b := s.chosen[k]
		init, rcvr := s.bInit[b], s.bRcvr[b]
		if init == rcvr {
			continue
		}
		var why string
		other := rcvr
		if init == k {
			why = fmt.Sprintf("took the compromise it proposed to %s", s.in.Actors[rcvr])
		} else {
			other = init
			why = fmt.Sprintf("took the compromise %s proposed to it", s.in.Actors[init])
		}
		for dim := 0; dim < m; dim++ {
			i := k*m + dim
			if !s.present[i] || s.xNew[i] == s.x[i] {
				continue
			}
			is := s.in.Issues[dim]
			dst.Events = append(dst.Events, parley.Event{
				Round: round, Actor: k, Issue: dim,
				From: is.Min + s.x[i]*(is.Max-is.Min),
				To:   is.Min + s.xNew[i]*(is.Max-is.Min),
				Why:  why, Other: other,
			})
		}
	}
}

// winProbabilities is KTAB's report of each actor's chance: a PCE over the
// distinct positions (closer than posTol count as one), every actor voting
// with its own utilities and its capability, each actor credited with the
// probability of the distinct position it holds (SMPState::pDist(-1) and
// State::posProb).
func (s *Solver) winProbabilities(turn int) RoundDetail {
	n, m := s.n, s.m
	s.uniq = s.uniq[:0]
	same := func(a, b int) bool {
		var q float64
		for k := 0; k < m; k++ {
			if !s.present[a*m+k] || !s.present[b*m+k] {
				continue
			}
			d := s.x[a*m+k] - s.x[b*m+k]
			q += d * d
		}
		return math.Sqrt(q) < posTol
	}
	for i := 0; i < n; i++ {
		found := false
		for _, u := range s.uniq {
			if same(i, u) {
				found = true
				break
			}
		}
		if !found {
			s.uniq = append(s.uniq, i)
		}
	}
	nu := len(s.uniq)
	s.uq = grow(s.uq, n*nu)
	for c, u := range s.uniq {
		for a := 0; a < n; a++ {
			s.uq[c*n+a] = s.own[a*n+u]
		}
	}
	s.pw.ensure(nu)
	s.pw.coalitions(s.cfg.vr, s.capv, s.uq, nu)
	s.pw.solve(s.cfg.pcem, s.cfg.vpm, nu)
	rd := RoundDetail{Round: turn, WinProbability: make(map[string]float64, n)}
	for i := 0; i < n; i++ {
		// KTAB credits the last distinct position equivalent to i's.
		k := 0
		for c, u := range s.uniq {
			if same(i, u) {
				k = c
			}
		}
		rd.WinProbability[s.in.Actors[i]] = s.pw.p[k]
	}
	return rd
}
