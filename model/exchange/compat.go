package exchange

import "math"

// This file emulates decide's bookkeeping where it differs from the model
// as Parley runs it (see doc.go, "Deviations from decide"). It exists so
// that the conformance tests can replay decide's own multi-round traces
// and so show that everything else agrees; it is reachable from tests
// only (export_test.go).
//
// What the emulation does as decide does:
//
//   - The outcome an overshoot check starts from is computed from the
//     round-start preferences, overridden only by the positions decide
//     copies into the pending exchange's "updates" (moves made in exchanges
//     that shared the demanding actor and issue), then by the supplier's
//     own voting position. The capped move, though, is computed with the
//     updates applied after the supplier's position, so a stale recorded
//     position of the supplier itself wins there.
//   - The checks run in decide's order: the uncapped step (which must be
//     valid and gain at least 1e-10), then the cap on i's move, then the
//     cap on j's. A cap applies only when the demander's position lies
//     strictly between the outcome before and after the move.
//   - After an exchange, only the pending exchanges that share an actor and
//     an issue with it, in the same role, are recomputed.
//   - The move history of each side (the moves of earlier, superseded
//     calculations) must sum to at most 100 and have one sign.
//
// Two decisions of decide hang on rounding noise of its 28-digit decimal
// arithmetic and are not emulated: exact ties between gains (decide breaks
// them at random, or with its random tie-break off by the order of its
// list), and whether a demander at the outcome, to within rounding, is
// "strictly between". The reference traces come from decide patched to
// decide both deterministically: ties as ties=first does, and a demander
// within 1e-9 of the outcome as not between.

// Emulation flags (solver.compat).
const (
	// compatPath runs eval and the recalculation through this file. With
	// no quirk flag set it must give the same results as the model.
	compatPath uint8 = 1 << iota
	// quirkTracking: decide's partial tracking of moved positions in the
	// overshoot checks and the recalculation (first two items above), and
	// no cap (rather than no exchange) when the outcome has already reached
	// the demander's position.
	quirkTracking
	// quirkHistory: decide's move-history check (fourth item) instead of
	// the rule that an actor never reverses a move made in the round.
	quirkHistory
	// quirkFirstStep: validity and the gain threshold checked on the
	// uncapped step (part of the second item) instead of on the exchange
	// as capped.
	quirkFirstStep
	// decideCompat is decide.
	decideCompat = compatPath | quirkTracking | quirkHistory | quirkFirstStep
)

// compatAtOutcome is how close to the outcome, on the 0–100 scale, a
// demander counts as at it, and so not strictly between.
const compatAtOutcome = 1e-9

// compatEval is eval as decide computes it.
func (s *solver) compatEval(c *cand) {
	m := s.m
	i, j, p, q := int(c.i), int(c.j), int(c.p), int(c.q)
	ip, iq, jp, jq := i*m+p, i*m+q, j*m+p, j*m+q
	sip, siq, sjp, sjq := s.sal[ip], s.sal[iq], s.sal[jp], s.sal[jq]
	wjp, wiq := s.w[jp], s.w[iq]
	c.alive = false
	if !(wjp > 0 && wiq > 0 && siq+sjq > 0) {
		return
	}
	fromJ, toJ := s.cur[jp], s.xs[ip]
	fromI, toI := s.cur[iq], s.xs[jq]
	dirJ, distJ := sign(toJ-fromJ), math.Abs(toJ-fromJ)
	dirI, distI := sign(toI-fromI), math.Abs(toI-fromI)
	scaleP, scaleQ := s.sum[p]/wjp, s.sum[q]/wiq
	r := (sip + sjp) / (siq + sjq)
	tracking, history := s.compat&quirkTracking != 0, s.compat&quirkHistory != 0
	if !history && ((fromJ-s.xs[jp])*dirJ < 0 || (fromI-s.xs[iq])*dirI < 0) {
		return // no reversal of a move made in the round
	}
	valid := func(mi, mj float64) bool {
		if history {
			return compatMoveOK(fromI, dirI*mi, c.frozI, c.nfrozI) && compatMoveOK(fromJ, dirJ*mj, c.frozJ, c.nfrozJ)
		}
		return compatMoveOK(fromI, dirI*mi, 0, 0) && compatMoveOK(fromJ, dirJ*mj, 0, 0)
	}
	// rooms returns the distance from the current outcome of issue k to
	// the demander's position, to decide on a cap (trig) and to size it
	// (mv); ok is false when there is nothing left to gain.
	rooms := func(supplier, k int, to, dir float64) (trig, mv float64, ok bool) {
		if tracking {
			trig, mv = s.compatRooms(c, supplier, k, to, dir)
			if trig <= compatAtOutcome {
				trig = math.Inf(1) // not strictly between: no cap
			}
			return trig, mv, true
		}
		room := (to - s.out[k]) * dir
		return room, room, room > 0
	}

	// The uncapped step: j moves all the way, or i does when j's full move
	// would take i past j's preference.
	fullP, fullQ := distJ/scaleP, distI/scaleQ
	var dp, dq, mi, mj float64
	if r*fullP <= fullQ {
		dp, dq = fullP, r*fullP
		mj, mi = distJ, dq*scaleQ
	} else {
		dq, dp = fullQ, fullQ/r
		mi, mj = distI, dp*scaleP
	}
	if s.compat&quirkFirstStep != 0 && (math.Abs(sip*dp-siq*dq) < minGain || !valid(mi, mj)) {
		return
	}
	// i's check (its move on q), then j's (on p).
	trig, mv, ok := rooms(i, q, toI, dirI)
	if !ok {
		return
	}
	if trig < dq {
		dq = math.Abs(mv)
		mi, dp = dq*scaleQ, dq/r
		mj = dp * scaleP
	}
	if trig, mv, ok = rooms(j, p, toJ, dirJ); !ok {
		return
	}
	if trig < dp {
		dp = math.Abs(mv)
		mj, dq = dp*scaleP, r*dp
		mi = dq * scaleQ
	}
	gain := math.Abs(sip*dp - siq*dq)
	if !valid(mi, mj) || (s.compat&quirkFirstStep == 0 && gain < minGain) {
		return
	}
	c.alive = true
	c.gain = gain
	c.mi, c.mj = dirI*mi, dirJ*mj
	c.gi, c.gj = gain, sjq*dq-sjp*dp
}

// compatMoveOK is decide's check of a move of an actor at from, with the
// frozen part of its move history.
func compatMoveOK(from, move, froz float64, nfroz int8) bool {
	const eps = 1e-9 // decide's positions are exact decimals; allow for rounding
	if a := math.Abs(move); a <= minMove || a > 100 {
		return false
	}
	if y := from + move; y < -eps || y > 100+eps {
		return false
	}
	if froz+move > 100 {
		return false
	}
	return nfroz == 0 || froz*move > 0
}

// compatRooms returns, for the supplier's move on issue k toward to (in
// direction dir), the distance from decide's current outcome to the
// demander's position that decides whether to cap (trig), and the one
// that sizes the capped move (mv); see the file comment.
func (s *solver) compatRooms(c *cand, supplier, k int, to, dir float64) (trig, mv float64) {
	m := s.m
	var num, numMove float64
	for a := 0; a < s.n; a++ {
		w := s.w[a*m+k]
		if w <= 0 {
			continue
		}
		x := s.xs[a*m+k]
		tracked, ok := x, false
		for _, u := range c.upd {
			if int(u.k) == k && int(u.a) == a {
				tracked, ok = u.x, true
			}
		}
		xo, xm := tracked, tracked
		if a == supplier {
			xo = s.cur[a*m+k]
			if !ok {
				xm = s.cur[a*m+k]
			}
		}
		num += w * xo
		numMove += w * xm
	}
	return (to - num/s.sum[k]) * dir, (to - numMove/s.sum[k]) * dir
}

// compatRecalc recomputes, as decide does, the pending exchanges that
// share an actor and issue with the executed exchange e.
func (s *solver) compatRecalc(ei int) {
	m := s.m
	e := s.cands[ei]
	a, b, pe, qe := e.i, e.j, e.p, e.q
	yI, yJ := s.cur[int(a)*m+int(qe)], s.cur[int(b)*m+int(pe)]
	for ci := range s.cands {
		x := &s.cands[ci]
		if !x.alive {
			continue
		}
		// x.i supplies x.q; x.j supplies x.p.
		supI := (x.i == a && x.q == qe) || (x.i == b && x.q == pe)
		supJ := (x.j == a && x.p == qe) || (x.j == b && x.p == pe)
		// e.j demands qe; e.i demands pe. x.i demands x.p; x.j demands x.q.
		d2 := (x.j == b && x.q == qe) || (x.i == b && x.p == qe)
		d3 := (x.j == a && x.q == pe) || (x.i == a && x.p == pe)
		if s.compat&quirkTracking != 0 {
			if !(supI || supJ || d2 || d3) {
				continue
			}
			if d2 {
				s.compatTrack(x, qe, a, yI)
			}
			if d3 {
				s.compatTrack(x, pe, b, yJ)
			}
		} else if x.p != pe && x.p != qe && x.q != pe && x.q != qe {
			continue
		}
		if supI {
			x.frozI += x.mi
			x.nfrozI++
		}
		if supJ {
			x.frozJ += x.mj
			x.nfrozJ++
		}
		s.eval(x)
	}
}

// compatTrack records actor a's voting position y on issue k in x's
// updates, keeping decide's rule when one is already recorded.
func (s *solver) compatTrack(x *cand, k, a int32, y float64) {
	for n := range x.upd {
		u := &x.upd[n]
		if u.k != k || u.a != a {
			continue
		}
		start := s.xs[int(a)*s.m+int(k)]
		if start <= u.x {
			u.x = math.Min(u.x, y)
		} else {
			u.x = math.Max(u.x, y)
		}
		return
	}
	x.upd = append(x.upd, update{k: k, a: a, x: y})
}
