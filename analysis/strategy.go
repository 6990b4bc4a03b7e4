package analysis

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/parley-forecast/parley"
)

// StrategyOptions configure Strategy.
type StrategyOptions struct {
	// Actor is the id of the actor whose own inputs may change.
	Actor string
	// Question is the id of the question to make hold.
	Question string
	// Relations also lets the actor change the strength of its relations
	// and start leverage or ally relations with any other actor.
	Relations bool
	// Draws, when positive, maximises the question's probability over that
	// many Monte Carlo draws (the same draws for every candidate) instead
	// of making it hold in the point forecast.
	Draws uint64
	Dist  Dist
	// MaxSteps caps the greedy search (default 30).
	MaxSteps int
}

// StrategyResult is the outcome of a strategy search. Its JSON encoding is
// the output of parley strategy --format json.
type StrategyResult struct {
	Model    string `json:"model"`
	Scenario string `json:"scenario"`
	Seed     uint64 `json:"seed"`
	Version  string `json:"version"`
	Actor    string `json:"actor"`
	Question string `json:"question"`
	When     string `json:"when"`
	// Mode is "point" (make the question hold in the forecast) or
	// "probability" (maximise its probability over Draws draws).
	Mode  string        `json:"mode"`
	Draws uint64        `json:"draws,omitempty"`
	Base  StrategyState `json:"base"`
	Final StrategyState `json:"final"`
	// Found is true when the question holds in the final state (point
	// mode) or its probability rose (probability mode).
	Found bool `json:"found"`
	// Moves are the changes of the final state, with their total Cost:
	// the sum of |change| / lever range (a position's range is its
	// issue's scale, a salience's and a relation strength's is 1).
	Moves []Move  `json:"moves"`
	Cost  float64 `json:"cost"`
	// Path lists the search's steps, in order.
	Path []Step `json:"path"`
	// Evaluations counts model runs.
	Evaluations int `json:"evaluations"`
}

// StrategyState is the question's status in one state.
type StrategyState struct {
	Holds       bool    `json:"holds"`
	Margin      Num     `json:"margin"`
	Probability *Num    `json:"probability,omitempty"`
	Interval    *[2]Num `json:"interval,omitempty"`
	Forecast    []Num   `json:"forecast,omitempty"`
}

// Move is one lever's change.
type Move struct {
	Lever string  `json:"lever"`
	From  float64 `json:"from"`
	To    float64 `json:"to"`
}

// Step is one step of the search path.
type Step struct {
	Phase string  `json:"phase"`
	Lever string  `json:"lever,omitempty"`
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Cost  float64 `json:"cost"`
	StrategyState
	Note string `json:"note"`
}

type lever struct {
	name   string
	field  string // position, salience, relation
	cell   int    // a*M+k, or relation index
	lo, hi float64
	base   float64
}

func (l *lever) span() float64 { return l.hi - l.lo }

// strategySearch holds the state of one search.
type strategySearch struct {
	ctx     context.Context
	p       *Problem
	cfg     Config
	o       StrategyOptions
	q       *Question
	levers  []lever
	rels    []parley.RelationSpec
	widths  []float64
	ws      []*stratWorker
	evals   int
	rec     Recorder
	margins []float64
}

type stratWorker struct {
	s    parley.Solver
	inst *parley.Instance
	res  parley.Result
	pcg  *rand.PCG
	rng  *rand.Rand
	u    []float64
}

// Strategy searches for the smallest change in actor o.Actor's own
// positions and saliences (and, with o.Relations, its relations) that
// makes question o.Question hold in the point forecast; with o.Draws > 0,
// for the change that maximises the question's probability.
//
// Point mode first scans each lever alone, in both directions, in steps of
// 1 % of its range, and refines the first step at which the question holds
// by bisection: the cheapest such single change is the answer. If no
// single lever suffices, it climbs greedily: at each step it takes the
// move (5, 10 or 25 % of a lever's range, either way) that raises the
// question's Margin most per unit of cost, until the question holds; then
// it shrinks each move by bisection while the question still holds. The
// result is locally, not globally, minimal.
//
// Probability mode climbs the same way on the probability over a fixed set
// of draws (common random numbers: candidate changes are compared on the
// same draws), breaking ties by the mean margin, and then shrinks the
// moves while the probability stays at its maximum. Moves are applied to
// each draw's values as shifts, clamped to the lever's range.
func Strategy(ctx context.Context, p *Problem, cfg Config, o StrategyOptions) (*StrategyResult, error) {
	if cfg.Model == nil {
		return nil, parley.Errorf(parley.EINVALID, "analysis: no model given")
	}
	if o.MaxSteps == 0 {
		o.MaxSteps = 30
	}
	d, err := ParseDist(string(o.Dist))
	if err != nil {
		return nil, err
	}
	o.Dist = d
	ss := &strategySearch{ctx: ctx, p: p, cfg: cfg, o: o, widths: widths(p.Base), rec: cfg.recorder()}
	var qids []string
	for j := range p.Questions {
		qids = append(qids, p.Questions[j].ID)
		if p.Questions[j].ID == o.Question {
			ss.q = &p.Questions[j]
		}
	}
	if ss.q == nil {
		return nil, parley.Errorf(parley.ENOTFOUND, "no question %q in scenario %q (questions: %v)", o.Question, p.Scenario.Title, qids)
	}
	a := -1
	for i, id := range p.Base.Actors {
		if id == o.Actor {
			a = i
		}
	}
	if a < 0 {
		return nil, parley.Errorf(parley.ENOTFOUND, "no actor %q in scenario %q (actors: %v)", o.Actor, p.Scenario.Title, p.Base.Actors)
	}
	ss.buildLevers(a)
	if len(ss.levers) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "actor %q takes part in no issue: it has nothing to change", o.Actor)
	}
	for w := 0; w < cfg.workers(); w++ {
		s, err := cfg.prepare(true)
		if err != nil {
			return nil, err
		}
		pcg := rand.NewPCG(0, 0)
		ss.ws = append(ss.ws, &stratWorker{s: s, inst: p.Base.Clone(), pcg: pcg, rng: rand.New(pcg), u: make([]float64, len(p.Inputs))})
	}
	ss.rec.Start(-1)
	defer ss.rec.Done()
	res := &StrategyResult{Version: parley.Version, Model: cfg.Model.Info().Name, Scenario: p.Scenario.Title, Seed: cfg.Options.Seed,
		Actor: o.Actor, Question: o.Question, When: ss.q.When, Mode: "point", Draws: o.Draws}
	if o.Draws > 0 {
		res.Mode = "probability"
		ss.margins = make([]float64, o.Draws)
		err = ss.climbProbability(res)
	} else {
		err = ss.searchPoint(res)
	}
	res.Evaluations = ss.evals
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (ss *strategySearch) buildLevers(a int) {
	base := ss.p.Base
	m := base.M()
	for k, is := range base.Issues {
		c := a*m + k
		if math.IsNaN(base.Position[c]) {
			continue
		}
		ss.levers = append(ss.levers,
			lever{name: "position on " + is.ID, field: "position", cell: c, lo: is.Min, hi: is.Max, base: base.Position[c]},
			lever{name: "salience on " + is.ID, field: "salience", cell: c, lo: 0, hi: 1, base: base.Salience[c]})
	}
	ss.rels = append([]parley.RelationSpec(nil), base.Relations...)
	if !ss.o.Relations {
		return
	}
	has := map[[3]string]bool{}
	for i, r := range base.Relations {
		if r.From != a && r.To != a {
			continue
		}
		has[[3]string{base.Actors[r.From], base.Actors[r.To], string(r.Kind)}] = true
		ss.levers = append(ss.levers, lever{name: fmt.Sprintf("%s %s→%s", r.Kind, base.Actors[r.From], base.Actors[r.To]),
			field: "relation", cell: i, lo: 0, hi: 1, base: r.Strength})
	}
	for b, id := range base.Actors {
		if b == a {
			continue
		}
		for _, kind := range []parley.RelationKind{parley.RelLeverage, parley.RelAlly} {
			if has[[3]string{base.Actors[a], id, string(kind)}] {
				continue
			}
			ss.rels = append(ss.rels, parley.RelationSpec{From: a, To: b, Kind: kind, Strength: 0})
			ss.levers = append(ss.levers, lever{name: fmt.Sprintf("new %s %s→%s", kind, base.Actors[a], id),
				field: "relation", cell: len(ss.rels) - 1, lo: 0, hi: 1, base: 0})
		}
	}
}

// apply shifts the worker's instance (already holding base or drawn
// values) by the deltas.
func (ss *strategySearch) apply(in *parley.Instance, delta []float64) {
	in.Relations = append(in.Relations[:0], ss.rels...)
	for i, l := range ss.levers {
		if delta[i] == 0 {
			continue
		}
		switch l.field {
		case "position":
			in.Position[l.cell] = math.Min(math.Max(in.Position[l.cell]+delta[i], l.lo), l.hi)
		case "salience":
			in.Salience[l.cell] = math.Min(math.Max(in.Salience[l.cell]+delta[i], l.lo), l.hi)
		case "relation":
			in.Relations[l.cell].Strength = math.Min(math.Max(l.base+delta[i], l.lo), l.hi)
		}
	}
	// Relations added as levers but still at strength 0 are left out, so
	// that the base is the scenario as written.
	rs := in.Relations[:0]
	for i, r := range in.Relations {
		if i < len(ss.p.Base.Relations) || r.Strength > 0 {
			rs = append(rs, r)
		}
	}
	in.Relations = rs
}

// point runs the model on the base values shifted by delta.
func (ss *strategySearch) point(w *stratWorker, delta []float64) (StrategyState, error) {
	w.inst.CopyValuesFrom(ss.p.Base)
	ss.apply(w.inst, delta)
	if err := w.s.Solve(ss.ctx, w.inst, &w.res); err != nil {
		return StrategyState{}, err
	}
	ss.rec.Add(1)
	st := StrategyState{Holds: ss.q.Holds(w.res.Forecast), Margin: Num(ss.q.cond.Margin(w.res.Forecast, ss.widths))}
	for _, x := range w.res.Forecast {
		st.Forecast = append(st.Forecast, Num(x))
	}
	return st, nil
}

// prob runs the draws with delta applied and returns the probability (in
// hits) and the mean margin, each margin clamped to [−1, 1].
func (ss *strategySearch) prob(delta []float64) (StrategyState, error) {
	n := ss.o.Draws
	hits := make([]uint64, len(ss.ws))
	seed := ss.cfg.Options.Seed
	err := parallel(ss.ctx, len(ss.ws), 0, n, 16, ss.rec, func(wi int, a, b uint64) error {
		w := ss.ws[wi]
		for i := a; i < b; i++ {
			w.pcg.Seed(drawSeed(seed, i))
			for j := range w.u {
				w.u[j] = w.rng.Float64()
			}
			ss.p.fill(w.inst, ss.o.Dist, w.u)
			ss.apply(w.inst, delta)
			if err := w.s.Solve(ss.ctx, w.inst, &w.res); err != nil {
				return fmt.Errorf("draw %d: %w", i, err)
			}
			if ss.q.Holds(w.res.Forecast) {
				hits[wi]++
			}
			ss.margins[i] = math.Min(math.Max(ss.q.cond.Margin(w.res.Forecast, ss.widths), -1), 1)
		}
		return nil
	})
	if err != nil {
		return StrategyState{}, err
	}
	ss.evals += int(n)
	var h uint64
	for _, x := range hits {
		h += x
	}
	var msum float64
	for _, x := range ss.margins {
		msum += x
	}
	pr, lo, hi := wilson(h, n)
	prn := Num(pr)
	return StrategyState{Holds: pr > 0.5, Margin: Num(msum / float64(n)), Probability: &prn, Interval: &[2]Num{Num(lo), Num(hi)}}, nil
}

func (ss *strategySearch) cost(delta []float64) float64 {
	var c float64
	for i, d := range delta {
		c += math.Abs(d) / ss.levers[i].span()
	}
	return c
}

func (ss *strategySearch) moves(delta []float64) []Move {
	var out []Move
	for i, d := range delta {
		if d != 0 {
			l := ss.levers[i]
			out = append(out, Move{Lever: l.name, From: l.base, To: math.Min(math.Max(l.base+d, l.lo), l.hi)})
		}
	}
	return out
}

func (ss *strategySearch) finish(res *StrategyResult, delta []float64, st StrategyState) {
	res.Final = st
	res.Moves = ss.moves(delta)
	res.Cost = ss.cost(delta)
	if res.Moves == nil {
		res.Moves = []Move{}
	}
}

func (ss *strategySearch) searchPoint(res *StrategyResult) error {
	nl := len(ss.levers)
	zero := make([]float64, nl)
	base, err := ss.point(ss.ws[0], zero)
	ss.evals++
	if err != nil {
		return err
	}
	res.Base = base
	res.Path = append(res.Path, Step{Phase: "base", StrategyState: base, Note: verdict(base)})
	if base.Holds {
		res.Found = true
		ss.finish(res, zero, base)
		return nil
	}
	// 1. Each lever alone, both directions.
	type scan struct {
		found  bool
		delta  float64
		st     StrategyState
		evals  int
		reach  float64
		margin Num
	}
	scans := make([]scan, 2*nl)
	err = parallel(ss.ctx, len(ss.ws), 0, uint64(2*nl), 1, Nop{}, func(wi int, t, _ uint64) error {
		w := ss.ws[wi]
		l := ss.levers[t/2]
		dir := 1.0
		if t%2 == 1 {
			dir = -1
		}
		d := make([]float64, nl)
		sc := &scans[t]
		sc.margin = Num(math.Inf(-1))
		step := 0.01 * l.span()
		limit := l.hi - l.base
		if dir < 0 {
			limit = l.base - l.lo
		}
		prev := 0.0
		for s := 1; ; s++ {
			x := math.Min(float64(s)*step, limit)
			if x <= prev {
				break
			}
			d[t/2] = dir * x
			st, err := ss.point(w, d)
			sc.evals++
			if err != nil {
				return err
			}
			sc.reach = x
			if st.Margin > sc.margin {
				sc.margin = st.Margin
			}
			if st.Holds {
				// Bisect between prev (fails) and x (holds).
				lo, hi, best := prev, x, st
				for it := 0; it < 12; it++ {
					mid := (lo + hi) / 2
					d[t/2] = dir * mid
					m, err := ss.point(w, d)
					sc.evals++
					if err != nil {
						return err
					}
					if m.Holds {
						hi, best = mid, m
					} else {
						lo = mid
					}
				}
				sc.found, sc.delta, sc.st = true, dir*hi, best
				return nil
			}
			prev = x
		}
		return nil
	})
	if err != nil {
		return err
	}
	bestT := -1
	for t, sc := range scans {
		ss.evals += sc.evals
		l := ss.levers[t/2]
		dirName, moved := "up", "raised"
		if t%2 == 1 {
			dirName, moved = "down", "lowered"
		}
		if sc.reach == 0 {
			continue // already at the end of its range
		}
		stp := Step{Phase: "scan", Lever: l.name, From: l.base}
		if sc.found {
			stp.To, stp.Cost, stp.StrategyState = l.base+sc.delta, math.Abs(sc.delta)/l.span(), sc.st
			stp.Note = fmt.Sprintf("%s: holds once %s to %s", dirName, moved, fmtf(l.base+sc.delta))
			if bestT < 0 || math.Abs(sc.delta)/l.span() < math.Abs(scans[bestT].delta)/ss.levers[bestT/2].span() {
				bestT = t
			}
		} else {
			end := l.base + sc.reach
			if t%2 == 1 {
				end = l.base - sc.reach
			}
			stp.To, stp.Cost = end, sc.reach/l.span()
			stp.Margin = sc.margin
			stp.Note = fmt.Sprintf("%s: never holds, %s to %s (best margin %.3f)", dirName, dirName, fmtf(end), float64(sc.margin))
		}
		res.Path = append(res.Path, stp)
	}
	if bestT >= 0 {
		d := make([]float64, nl)
		d[bestT/2] = scans[bestT].delta
		res.Found = true
		ss.finish(res, d, scans[bestT].st)
		res.Path = append(res.Path, Step{Phase: "answer", Lever: ss.levers[bestT/2].name, From: ss.levers[bestT/2].base,
			To: ss.levers[bestT/2].base + d[bestT/2], Cost: res.Cost, StrategyState: res.Final, Note: "cheapest single change"})
		return nil
	}
	// 2. Greedy ascent on the margin over all levers together.
	delta := make([]float64, nl)
	cur := base
	for step := 1; step <= ss.o.MaxSteps && !cur.Holds; step++ {
		bi, bd, bst, bgain := -1, 0.0, StrategyState{}, 0.0
		cands := ss.candidates(delta)
		sts := make([]StrategyState, len(cands))
		err := parallel(ss.ctx, len(ss.ws), 0, uint64(len(cands)), 1, Nop{}, func(wi int, c, _ uint64) error {
			st, err := ss.point(ss.ws[wi], cands[c].delta)
			sts[c] = st
			return err
		})
		if err != nil {
			return err
		}
		ss.evals += len(cands)
		for c, cd := range cands {
			gain := float64(sts[c].Margin-cur.Margin) / (math.Abs(cd.move) / ss.levers[cd.lever].span())
			if sts[c].Holds && !cur.Holds {
				gain = math.Inf(1)
			}
			if gain > bgain+1e-12 || (math.IsInf(gain, 1) && bi >= 0 && math.IsInf(bgain, 1) && ss.cost(cd.delta) < ss.cost(cands[bi].delta)) {
				bi, bd, bst, bgain = c, cd.move, sts[c], gain
			}
		}
		if bi < 0 {
			res.Path = append(res.Path, Step{Phase: "climb", StrategyState: cur, Cost: ss.cost(delta), Note: "no move raises the margin: stopped at a local optimum"})
			break
		}
		l := ss.levers[cands[bi].lever]
		from := l.base + delta[cands[bi].lever]
		delta = cands[bi].delta
		cur = bst
		res.Path = append(res.Path, Step{Phase: "climb", Lever: l.name, From: from, To: math.Min(math.Max(from+bd, l.lo), l.hi),
			Cost: ss.cost(delta), StrategyState: cur, Note: verdict(cur)})
	}
	if !cur.Holds {
		ss.finish(res, delta, cur)
		return nil
	}
	// 3. Shrink each move while the question still holds: drop it if the
	// question holds without it, else bisect towards 0.
	for i := range delta {
		if delta[i] == 0 {
			continue
		}
		lo, hi := 0.0, delta[i]
		d0 := append([]float64(nil), delta...)
		d0[i] = 0
		if st, err := ss.point(ss.ws[0], d0); err != nil {
			return err
		} else if ss.evals++; st.Holds {
			hi, cur = 0, st
		}
		for it := 0; it < 12 && hi != 0; it++ {
			mid := (lo + hi) / 2
			d := append([]float64(nil), delta...)
			d[i] = mid
			st, err := ss.point(ss.ws[0], d)
			ss.evals++
			if err != nil {
				return err
			}
			if st.Holds {
				hi, cur = mid, st
			} else {
				lo = mid
			}
		}
		if hi != delta[i] {
			l := ss.levers[i]
			note := "smaller change still holds"
			if hi == 0 {
				note = "not needed: dropped"
			}
			res.Path = append(res.Path, Step{Phase: "shrink", Lever: l.name, From: l.base + delta[i], To: l.base + hi, StrategyState: cur,
				Note: note})
			delta[i] = hi
			res.Path[len(res.Path)-1].Cost = ss.cost(delta)
		}
	}
	st, err := ss.point(ss.ws[0], delta)
	ss.evals++
	if err != nil {
		return err
	}
	res.Found = st.Holds
	ss.finish(res, delta, st)
	return nil
}

type candidate struct {
	lever int
	move  float64
	delta []float64
}

// candidates lists the moves of 5, 10 and 25 % of each lever's range in
// both directions from delta that stay within the range.
func (ss *strategySearch) candidates(delta []float64) []candidate {
	var out []candidate
	for i, l := range ss.levers {
		at := l.base + delta[i]
		for _, frac := range []float64{0.05, 0.1, 0.25} {
			for _, dir := range []float64{1, -1} {
				to := math.Min(math.Max(at+dir*frac*l.span(), l.lo), l.hi)
				if to == at {
					continue
				}
				d := append([]float64(nil), delta...)
				d[i] = to - l.base
				out = append(out, candidate{lever: i, move: to - at, delta: d})
			}
		}
	}
	return out
}

func (ss *strategySearch) climbProbability(res *StrategyResult) error {
	nl := len(ss.levers)
	delta := make([]float64, nl)
	cur, err := ss.prob(delta)
	if err != nil {
		return err
	}
	res.Base = cur
	res.Path = append(res.Path, Step{Phase: "base", StrategyState: cur, Note: probNote(cur)})
	better := func(a, b StrategyState) bool { // a strictly better than b
		if *a.Probability != *b.Probability {
			return *a.Probability > *b.Probability
		}
		return a.Margin > b.Margin+1e-12
	}
	for step := 1; step <= ss.o.MaxSteps && *cur.Probability < 1; step++ {
		bi := -1
		var bst StrategyState
		cands := ss.candidates(delta)
		for c := range cands {
			st, err := ss.prob(cands[c].delta)
			if err != nil {
				return err
			}
			if better(st, cur) && (bi < 0 || better(st, bst) ||
				(*st.Probability == *bst.Probability && st.Margin == bst.Margin && ss.cost(cands[c].delta) < ss.cost(cands[bi].delta))) {
				bi, bst = c, st
			}
		}
		if bi < 0 {
			res.Path = append(res.Path, Step{Phase: "climb", StrategyState: cur, Cost: ss.cost(delta), Note: "no move raises the probability or the mean margin: stopped"})
			break
		}
		l := ss.levers[cands[bi].lever]
		from := l.base + delta[cands[bi].lever]
		delta = cands[bi].delta
		cur = bst
		res.Path = append(res.Path, Step{Phase: "climb", Lever: l.name, From: from, To: from + cands[bi].move, Cost: ss.cost(delta), StrategyState: cur, Note: probNote(cur)})
	}
	// Shrink each move while the probability stays as high.
	target := *cur.Probability
	if target > *res.Base.Probability {
		for i := range delta {
			if delta[i] == 0 {
				continue
			}
			lo, hi := 0.0, delta[i]
			d0 := append([]float64(nil), delta...)
			d0[i] = 0
			st, err := ss.prob(d0)
			if err != nil {
				return err
			}
			if *st.Probability >= target {
				hi = 0
			}
			for it := 0; it < 8 && hi != 0; it++ {
				mid := (lo + hi) / 2
				d := append([]float64(nil), delta...)
				d[i] = mid
				st, err := ss.prob(d)
				if err != nil {
					return err
				}
				if *st.Probability >= target {
					hi = mid
				} else {
					lo = mid
				}
			}
			if hi != delta[i] {
				l := ss.levers[i]
				from := l.base + delta[i]
				delta[i] = hi
				note := "smaller change keeps the probability"
				if hi == 0 {
					note = "not needed: dropped"
				}
				res.Path = append(res.Path, Step{Phase: "shrink", Lever: l.name, From: from, To: l.base + hi, Cost: ss.cost(delta), Note: note})
			}
		}
	}
	final, err := ss.prob(delta)
	if err != nil {
		return err
	}
	res.Found = *final.Probability > *res.Base.Probability
	ss.finish(res, delta, final)
	return nil
}

func verdict(st StrategyState) string {
	if st.Holds {
		return fmt.Sprintf("holds (margin %.3f)", float64(st.Margin))
	}
	return fmt.Sprintf("does not hold (margin %.3f)", float64(st.Margin))
}

func probNote(st StrategyState) string {
	return fmt.Sprintf("probability %.3f [%.3f, %.3f], mean margin %.3f", float64(*st.Probability), float64(st.Interval[0]), float64(st.Interval[1]), float64(st.Margin))
}

func fmtf(x float64) string { return fmt.Sprintf("%.4g", x) }
