package exchange

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/parley-forecast/parley"
)

// Constants of the model, as in decide.
const (
	defaultRounds = 10
	// fixedWeight and salienceWeight set how far an actor that exchanged
	// moves its preference toward its voting position at the end of a
	// round: x' = x + (fixedWeight + salienceWeight·(1−s))·(y − x).
	fixedWeight    = 0.1
	salienceWeight = 0.4
	// minMove and minGain are decide's validity thresholds. They apply on
	// the normalised scale (positions 0–100, saliences in [0,1]), so they
	// do not depend on the units of the input.
	minMove = 1e-10
	minGain = 1e-10
	// tieTol is the relative difference below which two gains tie.
	tieTol = 1e-12
)

// Tie rules.
const (
	tiesRandom = "random"
	tiesFirst  = "first"
)

// New returns the exchange model.
func New() parley.Model { return model{} }

type model struct{}

// Info describes the model.
func (model) Info() parley.ModelInfo {
	return parley.ModelInfo{
		Name:    "exchange",
		Summary: "Stokman and Van Oosten's position-exchange model, equal-gain form: pairs of actors on opposite sides of the weighted-mean outcome on two issues trade support, each giving ground on the issue it cares less about",
		Reference: "Stokman & Van Oosten (1994), The exchange of voting positions, in Bueno de Mesquita & Stokman (eds.), " +
			"European Community Decision Making, Yale UP, pp. 105–127; equal-gain algorithm as implemented by decide " +
			"(github.com/foarsitter/decide-exchange-model); REX variant: Dijkstra, Van Assen, Stokman & Draaijer (2018), " +
			"Random variation of exchange rates in the equal utility exchange model",
		Dynamic:       true,
		DefaultRounds: defaultRounds,
		Options: []parley.OptionInfo{
			{
				Name:    "p",
				Default: "0",
				Doc: "REX randomisation, from 0 to 1: 0 is the plain equal-gain model; with p > 0 one of the two actors of each " +
					"exchange, drawn at random, gains more or less than the equal gain, by up to the fraction p of the room it has " +
					"(Dijkstra et al. 2018). Exchanges are still ordered by their equal gain.",
			},
			{
				Name:    "ties",
				Default: tiesRandom,
				Choices: []string{tiesRandom, tiesFirst},
				Doc: "which of several exchanges with the same highest gain is executed first: random (drawn from the run's seed) " +
					"or first (the one listed first: issue pair in scenario order, then actor order, as decide lists them)",
			},
		},
	}
}

// Prepare checks the options and returns a solver.
func (m model) Prepare(opts parley.Options) (parley.Solver, error) {
	info := m.Info()
	if err := opts.CheckParams(info); err != nil {
		return nil, err
	}
	if opts.Rounds < 0 {
		return nil, parley.Errorf(parley.EINVALID, "model exchange: rounds must be at least 0, got %d", opts.Rounds)
	}
	p, err := opts.FloatParam("p", 0)
	if err != nil {
		return nil, err
	}
	if !(p >= 0 && p <= 1) {
		return nil, parley.Errorf(parley.EINVALID, "model exchange: option p must be a number from 0 to 1, got %s", opts.Param("p", ""))
	}
	s := &solver{
		rounds: opts.Rounds,
		p:      p,
		first:  opts.Param("ties", tiesRandom) == tiesFirst,
		seed:   opts.Seed,
		trace:  !opts.NoTrace,
	}
	if s.rounds == 0 {
		s.rounds = defaultRounds
	}
	s.rng = rand.New(&s.pcg)
	return s, nil
}

// cand is a candidate exchange between actor i, who demands issue p and
// supplies issue q, and actor j, who demands q and supplies p. i is the
// actor with the larger salience ratio s_p/s_q. p comes before q in the
// instance's issue order.
type cand struct {
	i, j, p, q int32
	bc         bool // the pair is B×C (else A×D)
	alive      bool
	gain       float64 // equal gain, the ordering key
	mi, mj     float64 // signed moves on the normalised scale: i on q, j on p
	gi, gj     float64 // utility gains of i and j (equal unless p > 0)
	// decide emulation (tests only)
	frozI, frozJ float64 // sum of frozen earlier moves in the move history
	nfrozI       int8
	nfrozJ       int8
	upd          []update
}

// update is a tracked position in decide's emulation: actor a at x on
// issue k.
type update struct {
	k, a int32
	x    float64
}

// solver runs the model. Its slices are workspace reused across Solve
// calls.
type solver struct {
	rounds int
	p      float64
	first  bool
	seed   uint64
	trace  bool
	compat uint8 // emulation of decide's bookkeeping (compat.go; tests only)

	pcg rand.PCG
	rng *rand.Rand

	n, m       int
	lo, width  []float64 // per issue: scale minimum and width
	xs, cur    []float64 // normalised preference (round start) and voting positions
	sal, w     []float64 // salience and capability×salience
	left       []bool    // at or below the outcome at the round's start
	sum, out   []float64 // per issue: Σw and the current outcome
	ok         []bool    // per issue: some actor has positive weight
	pairIdx    []int32   // M×M: index of the issue pair
	pairStart  []int32   // candidates of pair k are cands[pairStart[k]:pairStart[k+1]]
	pairBest   []float64 // per pair: the highest gain of its live candidates (-1 if none)
	cands      []cand
	tied       []int32
	pos, votes []float64 // issue-scale preferences and voting positions
	wbuf       []float64
	idx        []int
	extArena   []Externality
}

// Solve runs the rounds on in and writes the result into dst.
func (s *solver) Solve(ctx context.Context, in *parley.Instance, dst *parley.Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := in.Check(); err != nil {
		return err
	}
	s.pcg.Seed(s.seed, 0)
	s.setup(in)
	dst.Reset("exchange")
	dst.AppendRound(0, in.Position)
	var detail *Detail
	s.extArena = nil // the previous result may still hold it
	if s.trace {
		detail = &Detail{Rounds: make([]Round, 0, s.rounds)}
	}
	for k := 0; k < s.m; k++ {
		if !s.ok[k] {
			dst.Notes = append(dst.Notes, fmt.Sprintf("issue %s: no actor has both salience and capability on it, so it takes no part in exchanges", in.Issues[k].ID))
		}
	}
	for r := 1; r <= s.rounds; r++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		var rd *Round
		if detail != nil {
			detail.Rounds = append(detail.Rounds, Round{Round: r, Exchanges: []Exchange{}})
			rd = &detail.Rounds[len(detail.Rounds)-1]
		}
		s.round(in, r, rd, dst)
		if s.trace {
			dst.AppendRound(r, s.pos)
		} else {
			dst.SetFinal(r, s.pos, false)
		}
	}
	for k := 0; k < s.m; k++ {
		dst.Forecast = append(dst.Forecast, in.OutcomeBy(parley.RuleMean, k, s.votes, s.wbuf, s.idx))
	}
	if detail != nil {
		dst.Detail = detail
	}
	return nil
}

// setup sizes the workspace for in and loads its values.
func (s *solver) setup(in *parley.Instance) {
	n, m := in.N(), in.M()
	s.n, s.m = n, m
	nm := n * m
	s.lo = grow(s.lo, m)
	s.width = grow(s.width, m)
	s.sum = grow(s.sum, m)
	s.out = grow(s.out, m)
	s.xs = grow(s.xs, nm)
	s.cur = grow(s.cur, nm)
	s.sal = grow(s.sal, nm)
	s.w = grow(s.w, nm)
	s.pos = grow(s.pos, nm)
	s.votes = grow(s.votes, nm)
	s.wbuf = grow(s.wbuf, n)
	if cap(s.left) < nm {
		s.left = make([]bool, nm)
	}
	s.left = s.left[:nm]
	if cap(s.ok) < m {
		s.ok = make([]bool, m)
	}
	s.ok = s.ok[:m]
	if cap(s.idx) < n {
		s.idx = make([]int, 0, n)
	}
	if cap(s.pairIdx) < m*m {
		s.pairIdx = make([]int32, m*m)
	}
	s.pairIdx = s.pairIdx[:m*m]
	npairs := 0
	for p := 0; p < m; p++ {
		for q := p + 1; q < m; q++ {
			s.pairIdx[p*m+q] = int32(npairs)
			s.pairIdx[q*m+p] = int32(npairs)
			npairs++
		}
	}
	if cap(s.pairStart) < npairs+1 {
		s.pairStart = make([]int32, npairs+1)
	}
	s.pairStart = s.pairStart[:npairs+1]
	s.pairBest = grow(s.pairBest, npairs)

	copy(s.pos, in.Position)
	copy(s.votes, in.Position)
	for k, is := range in.Issues {
		s.lo[k] = is.Min
		s.width[k] = is.Max - is.Min
		s.sum[k] = 0
	}
	for a := 0; a < n; a++ {
		for k := 0; k < m; k++ {
			i := a*m + k
			x := in.Position[i]
			if math.IsNaN(x) {
				s.xs[i], s.sal[i], s.w[i] = math.NaN(), 0, 0
				continue
			}
			s.xs[i] = (x - s.lo[k]) * 100 / s.width[k]
			s.sal[i] = in.Salience[i]
			s.w[i] = in.Salience[i] * in.Capability[i]
			s.sum[k] += s.w[i]
		}
	}
	for k := 0; k < m; k++ {
		s.ok[k] = s.sum[k] > 0
	}
}

func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

// outcome recomputes the weighted-mean outcome of issue k from the voting
// positions.
func (s *solver) outcome(k int) {
	if !s.ok[k] {
		s.out[k] = math.NaN()
		return
	}
	var num float64
	for a := 0; a < s.n; a++ {
		if w := s.w[a*s.m+k]; w > 0 {
			num += w * s.cur[a*s.m+k]
		}
	}
	s.out[k] = num / s.sum[k]
}

// round runs round r: build the candidates, execute them greedily, then
// update the preferences of the actors that moved.
func (s *solver) round(in *parley.Instance, r int, rd *Round, dst *parley.Result) {
	n, m := s.n, s.m
	copy(s.cur, s.xs)
	for k := 0; k < m; k++ {
		s.outcome(k)
	}
	for i, x := range s.xs {
		s.left[i] = x <= s.out[i%m]
	}

	// Candidates: for each issue pair, every A×D and B×C pair of actors
	// (A: above the outcome on both issues, D: at or below on both, B: at
	// or below on the first only, C: on the second only).
	s.cands = s.cands[:0]
	pair := 0
	for p := 0; p < m; p++ {
		for q := p + 1; q < m; q++ {
			s.pairStart[pair] = int32(len(s.cands))
			pair++
			if !s.ok[p] || !s.ok[q] {
				continue
			}
			for _, g := range [2][2]int{{0, 3}, {1, 2}} {
				for a := 0; a < n; a++ {
					if s.group(a, p, q) != g[0] {
						continue
					}
					for b := 0; b < n; b++ {
						if s.group(b, p, q) != g[1] {
							continue
						}
						s.cands = append(s.cands, s.newCand(a, b, p, q, g[0] == 1))
					}
				}
			}
		}
	}
	s.pairStart[pair] = int32(len(s.cands))
	if rd != nil {
		rd.Candidates = len(s.cands)
	}
	for k := 0; k < pair; k++ {
		s.recalcPair(k)
	}

	for {
		c := s.pick()
		if c < 0 {
			break
		}
		s.execute(in, r, c, rd, dst)
	}

	// End of round: the outcome of the voting positions is the round's
	// forecast; actors that moved take part of the way to their voting
	// position as their new preference.
	for i, y := range s.cur {
		k := i % m
		if math.IsNaN(y) {
			continue
		}
		s.votes[i] = s.denorm(k, y)
		x := s.xs[i]
		if y == x {
			s.votes[i] = s.pos[i]
			continue
		}
		x += (fixedWeight + salienceWeight*(1-s.sal[i])) * (y - x)
		s.xs[i] = x
		s.pos[i] = s.denorm(k, x)
	}
}

func (s *solver) denorm(k int, x float64) float64 {
	v := s.lo[k] + x*s.width[k]/100
	// Keep rounding from stepping off the scale.
	return math.Min(math.Max(v, s.lo[k]), s.lo[k]+s.width[k])
}

// group returns actor a's group on the issue pair (p, q): bit 0 set when a
// is at or below the outcome on p, bit 1 on q; -1 when a is absent from
// either issue.
func (s *solver) group(a, p, q int) int {
	ip, iq := a*s.m+p, a*s.m+q
	if math.IsNaN(s.xs[ip]) || math.IsNaN(s.xs[iq]) {
		return -1
	}
	g := 0
	if s.left[ip] {
		g |= 1
	}
	if s.left[iq] {
		g |= 2
	}
	return g
}

// newCand assigns the roles of actors a and b on issues p and q: the one
// with the larger salience ratio s_p/s_q demands p (ties: a).
func (s *solver) newCand(a, b, p, q int, bc bool) cand {
	m := s.m
	i, j := a, b
	// s_ap/s_aq < s_bp/s_bq, multiplied out to allow zero saliences.
	if s.sal[a*m+p]*s.sal[b*m+q] < s.sal[b*m+p]*s.sal[a*m+q] {
		i, j = b, a
	}
	return cand{i: int32(i), j: int32(j), p: int32(p), q: int32(q), bc: bc, alive: true}
}

// eval computes candidate c against the current voting positions and
// outcomes: the equal-gain shifts of the outcomes, the two moves and the
// gain. It marks c dead when the exchange is not possible.
func (s *solver) eval(c *cand) {
	if s.compat != 0 {
		s.compatEval(c)
		return
	}
	m := s.m
	i, j, p, q := int(c.i), int(c.j), int(c.p), int(c.q)
	ip, iq, jp, jq := i*m+p, i*m+q, j*m+p, j*m+q
	sip, siq, sjp, sjq := s.sal[ip], s.sal[iq], s.sal[jp], s.sal[jq]
	wjp, wiq := s.w[jp], s.w[iq]
	c.alive = false
	if !(wjp > 0 && wiq > 0 && siq+sjq > 0) {
		return
	}
	// j moves on p toward i's preference; i moves on q toward j's.
	fromJ, toJ := s.cur[jp], s.xs[ip]
	fromI, toI := s.cur[iq], s.xs[jq]
	dirJ, distJ := sign(toJ-fromJ), math.Abs(toJ-fromJ)
	dirI, distI := sign(toI-fromI), math.Abs(toI-fromI)
	if distJ <= minMove || distI <= minMove {
		return
	}
	// An actor never reverses a move it made earlier in the round.
	if (fromJ-s.xs[jp])*dirJ < 0 || (fromI-s.xs[iq])*dirI < 0 {
		return
	}
	// Caps on the outcome shifts: the full move of the supplier, and the
	// shift that brings the outcome to the demander's preference.
	fullP := distJ * wjp / s.sum[p]
	fullQ := distI * wiq / s.sum[q]
	roomP := (toJ - s.out[p]) * dirJ
	roomQ := (toI - s.out[q]) * dirI
	if roomP <= 0 || roomQ <= 0 {
		return // the outcome is already at or past what the demander wants
	}
	capP, capQ := minf(fullP, roomP), minf(fullQ, roomQ)
	// Equal gain: s_ip·dp − s_iq·dq = s_jq·dq − s_jp·dp.
	r := (sip + sjp) / (siq + sjq)
	var dp, dq, mi, mj float64
	if r*capP <= capQ {
		dp, dq = capP, r*capP
		mj = s.moveFor(capP, fullP, distJ, roomP, s.sum[p]/wjp)
		mi = dq * s.sum[q] / wiq
	} else {
		dq, dp = capQ, capQ/r
		mi = s.moveFor(capQ, fullQ, distI, roomQ, s.sum[q]/wiq)
		mj = dp * s.sum[p] / wjp
	}
	gain := sip*dp - siq*dq
	mi, mj = minf(mi, distI), minf(mj, distJ)
	if gain < minGain || mi <= minMove || mj <= minMove {
		return
	}
	c.alive = true
	c.gain = gain
	c.mi, c.mj = dirI*mi, dirJ*mj
	c.gi, c.gj = gain, sjq*dq-sjp*dp
	if s.p > 0 {
		s.rex(c, capP, capQ, fullP, fullQ, distI, distJ, roomP, roomQ, dirI, dirJ, s.sum[p]/wjp, s.sum[q]/wiq)
	}
}

// moveFor turns an outcome shift d on a supplier's issue into its move:
// the exact distance when d is its full move, the distance that lands the
// outcome on the demander's preference when d is that cap, else d
// scaled by Σw/w.
func (s *solver) moveFor(d, full, dist, room, scale float64) float64 {
	switch d {
	case full:
		return dist
	case room:
		return room * scale
	}
	return d * scale
}

// rex redraws the split of an exchange's gains (the REX variant): one
// actor, drawn at random, wins or loses up to the fraction p of its room
// on the Pareto frontier of the exchange (the points where one of the two
// moves is at its cap).
func (s *solver) rex(c *cand, capP, capQ, fullP, fullQ, distI, distJ, roomP, roomQ, dirI, dirJ, scaleP, scaleQ float64) {
	m := s.m
	i, j, p, q := int(c.i), int(c.j), int(c.p), int(c.q)
	sip, siq, sjp, sjq := s.sal[i*m+p], s.sal[i*m+q], s.sal[j*m+p], s.sal[j*m+q]
	u, v, z := s.rng.Float64(), s.rng.Float64(), s.rng.Float64()
	dp, dq := rexShifts(u, v, z, s.p, c.gain, sip, siq, sjp, sjq, capP, capQ)
	mj := s.moveFor(dp, fullP, distJ, roomP, scaleP)
	mi := s.moveFor(dq, fullQ, distI, roomQ, scaleQ)
	mi, mj = minf(mi, distI), minf(mj, distJ)
	if mi <= minMove || mj <= minMove {
		c.alive = false
		return
	}
	c.mi, c.mj = dirI*mi, dirJ*mj
	c.gi, c.gj = sip*dp-siq*dq, sjq*dq-sjp*dp
}

// rexShifts returns the outcome shifts (dp, dq) of the REX variant for
// draws u, v, z in [0,1), randomisation p and equal gain g, on the box
// [0,capP]×[0,capQ] of possible shifts. Actor i (demanding p) is drawn
// when u < 0.5, else j; the drawn actor wins when v < 0.5, its gain
// becoming g + p·z·(max − g) where max is its gain when the other gains
// nothing, and loses otherwise, its gain becoming g − p·z·g. The shifts are
// the point of the frontier where it gets that gain.
func rexShifts(u, v, z, p, g, sip, siq, sjp, sjq, capP, capQ float64) (dp, dq float64) {
	if u < 0.5 {
		target := g - p*z*g
		if v < 0.5 {
			target = g + p*z*(maxGainI(sip, siq, sjp, sjq, capP, capQ)-g)
		}
		// i's gain: s_ip·dp − s_iq·dq. Let i move fully first.
		dq = capQ
		dp = (target + siq*dq) / sip
		if dp > capP {
			dp = capP
			if siq > 0 {
				dq = math.Max(0, (sip*dp-target)/siq)
			}
		}
		return dp, dq
	}
	target := g - p*z*g
	if v < 0.5 {
		target = g + p*z*(maxGainJ(sip, siq, sjp, sjq, capP, capQ)-g)
	}
	// j's gain: s_jq·dq − s_jp·dp. Let j move fully first.
	dp = capP
	dq = (target + sjp*dp) / sjq
	if dq > capQ {
		dq = capQ
		if sjp > 0 {
			dp = math.Max(0, (sjq*dq-target)/sjp)
		}
	}
	return dp, dq
}

// maxGainI is i's gain at the point of the frontier where j gains nothing
// (s_jq·dq = s_jp·dp).
func maxGainI(sip, siq, sjp, sjq, capP, capQ float64) float64 {
	dp, dq := capP, 0.0
	if sjp > 0 {
		dp = math.Min(capP, capQ*sjq/sjp)
		dq = dp * sjp / sjq
	}
	return sip*dp - siq*dq
}

// maxGainJ is j's gain at the point of the frontier where i gains nothing
// (s_ip·dp = s_iq·dq).
func maxGainJ(sip, siq, sjp, sjq, capP, capQ float64) float64 {
	dq, dp := capQ, 0.0
	if siq > 0 {
		dq = math.Min(capQ, capP*sip/siq)
		dp = dq * siq / sip
	}
	return sjq*dq - sjp*dp
}

// minf is the smaller of two numbers that are not NaN (cheaper than
// math.Min, which handles NaN and signed zeros).
func minf(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// pick returns the index of the next exchange to execute, or -1 when none
// is left: the one with the highest gain, ties (gains within tieTol of
// it) broken by the ties option.
func (s *solver) pick() int {
	if s.compat != 0 {
		// The emulation recomputes candidates across pairs without
		// keeping the pair maxima.
		for k := range s.pairBest {
			best := -1.0
			for c := s.pairStart[k]; c < s.pairStart[k+1]; c++ {
				if x := &s.cands[c]; x.alive && x.gain > best {
					best = x.gain
				}
			}
			s.pairBest[k] = best
		}
	}
	g := -1.0
	for _, b := range s.pairBest {
		if b > g {
			g = b
		}
	}
	if g < 0 {
		return -1
	}
	// Gather the tied candidates in list order.
	lim := g - tieTol*g
	s.tied = s.tied[:0]
	for k, b := range s.pairBest {
		if b < lim {
			continue
		}
		for c := s.pairStart[k]; c < s.pairStart[k+1]; c++ {
			if x := &s.cands[c]; x.alive && x.gain >= lim {
				s.tied = append(s.tied, c)
			}
		}
	}
	if len(s.tied) == 0 {
		return -1
	}
	if len(s.tied) == 1 || s.first {
		return int(s.tied[0])
	}
	return int(s.tied[s.rng.IntN(len(s.tied))])
}

// execute carries out candidate c: both actors take their voting
// positions, the outcomes move, and the exchanges that depend on either
// issue are recomputed.
func (s *solver) execute(in *parley.Instance, r, ci int, rd *Round, dst *parley.Result) {
	m := s.m
	c := &s.cands[ci]
	i, j, p, q := int(c.i), int(c.j), int(c.p), int(c.q)
	iq, jp := i*m+q, j*m+p
	fromI, fromJ := s.cur[iq], s.cur[jp]
	op0, oq0 := s.out[p], s.out[q]
	s.cur[iq] = land(fromI, c.mi, s.xs[j*m+q])
	s.cur[jp] = land(fromJ, c.mj, s.xs[i*m+p])
	s.outcome(p)
	s.outcome(q)
	c.alive = false
	ex := *c

	if rd != nil {
		s.record(in, r, &ex, fromI, fromJ, op0, oq0, rd, dst)
	}

	if s.compat != 0 {
		s.compatRecalc(ci)
		return
	}
	// Every pending exchange on p or q depends on what just moved.
	for k := 0; k < m; k++ {
		if k != p {
			s.recalcPair(int(s.pairIdx[p*m+k]))
		}
		if k != q && k != p {
			s.recalcPair(int(s.pairIdx[q*m+k]))
		}
	}
}

// land returns from+move, or exactly target when the move is the whole
// way there.
func land(from, move, target float64) float64 {
	if math.Abs(move) >= math.Abs(target-from) {
		return target
	}
	return from + move
}

// recalcPair recomputes the live candidates of an issue pair and their
// highest gain.
func (s *solver) recalcPair(pair int) {
	best := -1.0
	for c := s.pairStart[pair]; c < s.pairStart[pair+1]; c++ {
		if x := &s.cands[c]; x.alive {
			s.eval(x)
			if x.alive && x.gain > best {
				best = x.gain
			}
		}
	}
	s.pairBest[pair] = best
}

// record writes the detail and events of an executed exchange.
func (s *solver) record(in *parley.Instance, r int, c *cand, fromI, fromJ, op0, oq0 float64, rd *Round, dst *parley.Result) {
	m := s.m
	i, j, p, q := int(c.i), int(c.j), int(c.p), int(c.q)
	ids := func(k int) string { return in.Issues[k].ID }
	e := Exchange{
		ActorI: in.Actors[i], ActorJ: in.Actors[j],
		IssueP: ids(p), IssueQ: ids(q),
		Gain: c.gain, GainI: c.gi, GainJ: c.gj,
		MoveI: Move{Actor: in.Actors[i], Issue: ids(q), From: s.denorm(q, fromI), To: s.denorm(q, s.cur[i*m+q])},
		MoveJ: Move{Actor: in.Actors[j], Issue: ids(p), From: s.denorm(p, fromJ), To: s.denorm(p, s.cur[j*m+p])},
	}
	// Externalities: the change in each third actor's utility, measured at
	// its preferences, from the two outcome shifts.
	op1, oq1 := s.out[p], s.out[q]
	// The externalities of a run share chunks of memory.
	if cap(s.extArena)-len(s.extArena) < s.n {
		s.extArena = make([]Externality, 0, 64*s.n)
	}
	start := len(s.extArena)
	for k := 0; k < s.n; k++ {
		if k == i || k == j {
			continue
		}
		g := s.group(k, p, q)
		if g < 0 {
			continue
		}
		kp, kq := k*m+p, k*m+q
		v := s.sal[kp]*(math.Abs(op0-s.xs[kp])-math.Abs(op1-s.xs[kp])) +
			s.sal[kq]*(math.Abs(oq0-s.xs[kq])-math.Abs(oq1-s.xs[kq]))
		inner := (g == 1 || g == 2) == c.bc
		kind := "outer"
		if inner {
			kind = "inner"
		}
		s.extArena = append(s.extArena, Externality{Actor: in.Actors[k], Value: v, Group: kind})
	}
	e.Externalities = s.extArena[start:len(s.extArena):len(s.extArena)]
	rd.Exchanges = append(rd.Exchanges, e)
	dst.Events = append(dst.Events,
		parley.Event{Round: r, Actor: i, Issue: q, From: e.MoveI.From, To: e.MoveI.To, Other: j,
			Why: why(in.Actors[j], ids(q), ids(p), c.gi)},
		parley.Event{Round: r, Actor: j, Issue: p, From: e.MoveJ.From, To: e.MoveJ.To, Other: i,
			Why: why(in.Actors[i], ids(p), ids(q), c.gj)},
	)
}

// why explains an exchange move for a reader.
func why(partner, gives, gets string, gain float64) string {
	return "exchange with " + partner + ": gives ground on " + gives + " for support on " + gets +
		" (gain " + strconv.FormatFloat(gain, 'g', 4, 64) + ")"
}
