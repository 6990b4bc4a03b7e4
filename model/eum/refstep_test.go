package eum

// This file keeps the solver's round as it was before the speed-ups of
// issue 5 (commit 685d162), verbatim but for the names, as the reference
// the optimised step is compared with in TestStepMatchesReference. Do not
// optimise it.

import "math"

// votes fills w.num (m×m) from the rows of d (m×n; d[p*n+k] is voter k's
// disutility of position u_p): num[p*m+q] = Σ_k w_k·max(0, d[q][k] − d[p][k]),
// the capability×salience-weighted votes for u_p over u_q. It sets w.den
// to the all-pairs normaliser Σ_k Σ_a Σ_b |w_k(d_k(x_b) − d_k(x_a))| over
// ordered pairs of players (a, b): the votes of each pair of positions
// both ways, times the number of player pairs holding them, twice. Cost:
// n·m²/2 multiply-adds.
func (w *workspace) refVotes(d []float64, m int) {
	n := w.n
	wt := w.w[:n]
	var total float64
	for p := 0; p < m; p++ {
		w.num[p*m+p] = 0
		dp := d[p*n : p*n+n]
		for q := p + 1; q < m; q++ {
			dq := d[q*n : q*n+n]
			var vpq, vqp float64
			for k, wk := range wt {
				// Positive when voter k is closer to u_p than to u_q.
				v := wk * (dq[k] - dp[k])
				if v > 0 {
					vpq += v
				} else {
					vqp -= v
				}
			}
			w.num[p*m+q] = vpq
			w.num[q*m+p] = vqp
			total += float64(w.mult[p]*w.mult[q]) * (vpq + vqp)
		}
	}
	w.den = 2 * total
}

// prob is the probability that position u_p prevails over u_q. It is 0
// when the positions are equal (as in the reference code; the value does
// not matter there since U_s = U_f). Under the all-pairs rule it is
// num[p][q]/den, and 0 when den is 0 (no actor with positive weight prefers
// any position to another). Under the pairwise rule it is
// num[p][q]/(num[p][q] + num[q][p]), and 1/2 when that sum is 0 (every
// weighted voter is indifferent).
func (w *workspace) refProb(p, q int) float64 {
	if p == q {
		return 0
	}
	m := w.m
	v := w.num[p*m+q]
	if w.cfg.prob == probPairwise {
		t := v + w.num[q*m+p]
		if t == 0 {
			return 0.5
		}
		return v / t
	}
	if w.den == 0 {
		return 0
	}
	return v / w.den
}

// statusQuoTerm is the (1−Q)[T·U_b + (1−T)U_w] term for challenger at xc
// and target at xt from the perspective of a player with exponent r; zero
// when Q = 1.
func (w *workspace) refStatusQuoTerm(xc, xt, r float64) float64 {
	q, t := w.cfg.q, w.cfg.t
	if q == 1 {
		return 0
	}
	dMu := math.Abs(xc - w.mu)
	dist := math.Abs(xc - xt)
	return (1 - q) * (t*uBetter(dMu, dist, w.R, r) + (1-t)*uWorse(dMu, dist, w.R, r))
}

// step plays one round of the current game (w.n players at w.x with
// weights w.w, saliences w.s, fixed range w.R > 0 and median w.mu). It sets
// w.r to the round's risk exponents, w.choice to each player's accepted
// offer and w.next to the positions after the round.
//
// Everything that depends on a position rather than on the player holding
// it is computed once per distinct position: published cases often put
// several actors on the same point (the emissions case has 3 to 5 distinct
// positions among 10 actors).
func (w *workspace) refStep() {
	n, R, q := w.n, w.R, w.cfg.q
	x, s := w.x[:n], w.s[:n]
	m := w.distinct()
	w.m = m
	u, pos := w.u[:m], w.pos[:n]

	// 1. For each pair of distinct positions: the distance over R and the
	// logarithms of it and of the bases of U_s and U_f, which do not depend
	// on the exponent (one Log each per pair and round, then one Exp per
	// use). Then the votes at r = 1: row p of d1 is each voter's linear
	// distance from u_p.
	for p := 0; p < m; p++ {
		w.dd[p*m+p] = 0
		for q := p + 1; q < m; q++ {
			dist := u[q] - u[p]
			v := dist / R
			ld := math.Log(v)
			ls := math.Log(math.Max(0, 0.5-0.5*dist/R))
			lf := math.Log(0.5 + 0.5*dist/R)
			w.dd[p*m+q], w.dd[q*m+p] = v, v
			w.ld[p*m+q], w.ld[q*m+p] = ld, ld
			w.ls[p*m+q], w.ls[q*m+p] = ls, ls
			w.lf[p*m+q], w.lf[q*m+p] = lf, lf
		}
	}
	for p := 0; p < m; p++ {
		row := w.d1[p*n : p*n+n]
		for k := range row {
			row[k] = w.dd[p*m+pos[k]]
		}
	}
	w.refVotes(w.d1, m)
	if w.snap != nil {
		w.snap.refFillP(w, w.snap.P1)
	}

	// 2. Security: danger_i = Σ_{j≠i} E^i(U_ji) with every exponent 1.
	usq1 := uStatusQuo(1)
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := 0; i < n; i++ {
		var sum float64
		for j := 0; j < n; j++ {
			if j == i {
				continue
			}
			dist := math.Abs(x[j] - x[i])
			p := w.refProb(pos[j], pos[i])
			e := challengeEU(s[i], p, uSuccess(dist, R, 1), uFailure(dist, R, 1), usq1, q)
			sum += e - w.refStatusQuoTerm(x[j], x[i], 1)
		}
		w.danger[i] = sum
		lo, hi = math.Min(lo, sum), math.Max(hi, sum)
	}

	// 3. Risk exponents: R_i = (2·danger_i − max − min)/(max − min). When
	// every player is equally threatened (max = min) R_i is undefined; all
	// players are then taken as risk neutral, r = 1.
	for i := 0; i < n; i++ {
		if hi > lo {
			w.r[i] = riskExponent((2*w.danger[i] - hi - lo) / (hi - lo))
		} else {
			w.r[i] = 1
		}
	}

	// 4. Votes with each voter's own exponent (all-pairs rule only; the
	// printed pairwise formula uses linear distances throughout).
	if w.cfg.prob == probAllPairs {
		for p := 0; p < m; p++ {
			row := w.d[p*n : p*n+n]
			for k := range row {
				v := w.dd[p*m+pos[k]]
				if v != 0 {
					v = expLog(v, w.ld[p*m+pos[k]], w.r[k])
				}
				row[k] = v
			}
		}
		w.refVotes(w.d, m)
	}
	if w.snap != nil {
		w.snap.refFillP(w, w.snap.P2)
		copy(w.snap.Danger, w.danger[:n])
		copy(w.snap.R, w.r[:n])
	}

	// 5. Offers: each player weighs every counterpart at another position,
	// in actor order, with its own exponent, and accepts at most one offer.
	for i := 0; i < n; i++ {
		ri, pi := w.r[i], pos[i]
		usq := uStatusQuo(ri)
		// U_s and U_f against each distinct position, as uSuccess and
		// uFailure compute them.
		for p := 0; p < m; p++ {
			if p == pi {
				continue
			}
			dist := math.Abs(x[i] - u[p])
			bs, bf := math.Max(0, 0.5-0.5*dist/R), 0.5+0.5*dist/R
			w.us[p] = 2 - 4*expLog(bs, w.ls[pi*m+p], ri)
			w.uf[p] = 2 - 4*expLog(bf, w.lf[pi*m+p], ri)
		}
		best := offer{}
		for j := 0; j < n; j++ {
			pj := pos[j]
			if pj == pi {
				continue
			}
			us, uf := w.us[pj], w.uf[pj]
			a := challengeEU(s[j], w.refProb(pi, pj), us, uf, usq, q)
			b := challengeEU(s[i], w.refProb(pj, pi), us, uf, usq, q)
			if q != 1 {
				a -= w.refStatusQuoTerm(x[i], x[j], ri)
				b -= w.refStatusQuoTerm(x[j], x[i], ri)
			}
			if w.snap != nil {
				w.snap.EUij[i*n+j], w.snap.EUji[i*n+j] = a, b
			}
			kind := classify(a, b)
			if kind == capitulation {
				w.capitulations++
				if w.typo {
					kind = noOffer
				}
			}
			if kind == noOffer {
				continue
			}
			c := offer{kind: kind, j: j, a: a, b: b, to: destination(kind, x[i], x[j], a, b), xj: x[j]}
			if better(w.cfg.offers, c, best, x[i]) {
				best = c
			}
		}
		w.choice[i] = best
		w.next[i] = x[i]
		if best.kind != noOffer {
			w.next[i] = best.to
		}
	}
}

func (sn *snapshot) refFillP(w *workspace, dst []float64) {
	n := w.n
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			dst[i*n+j] = w.refProb(w.pos[i], w.pos[j])
		}
	}
}
