package eum

import "math"

// This file holds the arithmetic of one round of one issue's game. Players
// are indexed 0..n-1 in the order of the instance's actors, restricted to
// the actors present on the issue. Every slice is workspace owned by the
// solver and sized to n (or n×n, row-major).

// offerKind is the quadrant of BDM's perceptual chart an offer falls in.
type offerKind uint8

const (
	noOffer offerKind = iota
	confrontation
	compromise
	capitulation
)

var kindNames = [...]string{"", "confrontation", "compromise", "capitulation"}

func (k offerKind) String() string { return kindNames[k] }

// offer is an offer received by a player: from counterpart j, with the
// receiver's estimates a = E^i(U_ij) and b = E^i(U_ji), moving the receiver
// to position to; xj is the counterpart's position.
type offer struct {
	kind offerKind
	j    int
	a, b float64
	xj   float64
	to   float64
}

// fpow is x^r for x ≥ 0 and r > 0, computed as exp(r·ln x): within a few
// ulps of math.Pow, and about 2.5 times faster here because Pow splits the
// exponent into integer and fractional parts. r = 1 is exact (x), as with
// math.Pow, so the security pass (every r = 1) is unaffected.
func fpow(x, r float64) float64 {
	if r == 1 {
		return x
	}
	return exp(r * math.Log(x))
}

// expLog is x^r given ln x, with the same conventions as fpow.
func expLog(x, lnx, r float64) float64 {
	if r == 1 {
		return x
	}
	return exp(r * lnx)
}

// uSuccess is U_s = 2 − 4(0.5 − 0.5·dist/R)^r: the utility of winning a
// challenge over distance dist, with risk exponent r. The operations are
// ordered as in the reference code ((0.5·dist)/R) so that results agree to
// the last bit where math.Pow and C's pow agree. The base is floored at 0;
// it can only go below through rounding, as positions never leave the
// initial range.
func uSuccess(dist, R, r float64) float64 {
	return 2 - 4*fpow(math.Max(0, 0.5-0.5*dist/R), r)
}

// uFailure is U_f = 2 − 4(0.5 + 0.5·dist/R)^r: the utility of losing a
// challenge over distance dist.
func uFailure(dist, R, r float64) float64 {
	return 2 - 4*fpow(0.5+0.5*dist/R, r)
}

// uStatusQuo is U_sq = 2 − 4·0.5^r.
func uStatusQuo(r float64) float64 {
	return 2 - 4*fpow(0.5, r)
}

// uBetter is U_b = 2 − 4(0.5 − 0.25(|x_c − μ| + |x_c − x_t|)/R)^r: the
// utility to challenger c of things getting better without a challenge.
// Both distances are at most R, so the base lies in [0, 0.5].
func uBetter(dMu, dist, R, r float64) float64 {
	return 2 - 4*fpow(math.Max(0, 0.5-0.25*(dMu+dist)/R), r)
}

// uWorse is U_w = 2 − 4(0.5 + 0.25(|x_c − μ| + |x_c − x_t|)/R)^r.
func uWorse(dMu, dist, R, r float64) float64 {
	return 2 - 4*fpow(0.5+0.25*(dMu+dist)/R, r)
}

// challengeEU is E(U_ct) = s_t[P·U_s + (1−P)U_f] + (1−s_t)U_s − Q·U_sq,
// the expected utility of challenger c challenging target t with
// probability of success p, before the (1−Q) term. sT is the target's
// salience, read as the probability that the target resists. The sum is
// ordered as in the reference code.
func challengeEU(sT, p, us, uf, usq, q float64) float64 {
	return sT*(p*us+(1-p)*uf) + (1-sT)*us - q*usq
}

// riskExponent maps the security measure R_i ∈ [−1, 1] to the risk
// exponent r_i = (1 − R_i/3)/(1 + R_i/3) ∈ [0.5, 2].
func riskExponent(Ri float64) float64 {
	return (1 - Ri/3) / (1 + Ri/3)
}

// classify places an offer in BDM's perceptual chart, from receiver i's
// side, with a = E^i(U_ij) and b = E^i(U_ji):
//
//   - b > a > 0: confrontation that i expects to lose;
//   - b > 0 > a and b > |a|: compromise;
//   - b > 0 > a and |a| ≥ b: capitulation (the reference code's test for
//     this quadrant compares b with |b|, so it never fires; here it does);
//   - anything else: no offer (i expects to win, or neither side gains).
//
// On the boundary b = |a| the compromise would move i all the way to x_j,
// which is what capitulation does, so the two agree there.
func classify(a, b float64) offerKind {
	switch {
	case b > a && a > 0:
		return confrontation
	case b > 0 && 0 > a && b > -a:
		return compromise
	case b > 0 && 0 > a:
		return capitulation
	}
	return noOffer
}

// destination is where offer kind from j takes receiver i.
func destination(kind offerKind, xi, xj, a, b float64) float64 {
	if kind == compromise {
		// The receiver concedes the share |a/b| of the distance to x_j.
		return xi + (xj-xi)*math.Abs(a/b)
	}
	return xj
}

// compromiseKey is the reference code's ranking of compromises: the
// |EU|-weighted position (|a|·x_i + |b|·x_j)/(|a| + |b|), lowest first.
func compromiseKey(a, b, xi, xj float64) float64 {
	return (math.Abs(a)*xi + math.Abs(b)*xj) / (math.Abs(a) + math.Abs(b))
}

// better reports whether candidate c should replace the best offer so far
// under rule, for receiver at xi. Ties keep the earlier offer (the
// counterpart that comes first in actor order), as Python's min does in the
// reference code.
func better(rule offerRule, c, best offer, xi float64) bool {
	if best.kind == noOffer {
		return true
	}
	if rule != offersLeastChangeAny && c.kind != best.kind {
		return c.kind < best.kind // confrontation, then compromise, then capitulation
	}
	if rule == offersReference && c.kind == compromise {
		return compromiseKey(c.a, c.b, xi, c.xj) < compromiseKey(best.a, best.b, xi, best.xj)
	}
	return math.Abs(xi-c.to) < math.Abs(xi-best.to)
}

// distinct groups the players by position: w.u[0..m) are the distinct
// positions in increasing order, w.mult[q] how many players hold u[q] and
// w.pos[i] the index in u of player i's position. It returns m. Positions
// are equal when they compare equal, as in the reference code's test.
func (w *workspace) distinct() int {
	n := w.n
	ord := w.order[:n]
	for i := range ord {
		ord[i] = i
	}
	// Insertion sort: allocation-free, and positions change little
	// between rounds.
	for i := 1; i < n; i++ {
		for j := i; j > 0 && w.x[ord[j]] < w.x[ord[j-1]]; j-- {
			ord[j], ord[j-1] = ord[j-1], ord[j]
		}
	}
	m := 0
	for k, i := range ord {
		if k == 0 || w.x[i] != w.u[m-1] {
			w.u[m] = w.x[i]
			w.mult[m] = 0
			m++
		}
		w.pos[i] = m - 1
		w.mult[m-1]++
	}
	return m
}

// votes fills w.num (m×m) from the rows of d (m×n; d[p*n+k] is voter k's
// disutility of position u_p): num[p*m+q] = Σ_k w_k·max(0, d[q][k] − d[p][k]),
// the capability×salience-weighted votes for u_p over u_q. It sets w.den
// to the all-pairs normaliser Σ_k Σ_a Σ_b |w_k(d_k(x_b) − d_k(x_a))| over
// ordered pairs of players (a, b): the votes of each pair of positions
// both ways, times the number of player pairs holding them, twice. Cost:
// n·m²/2 multiply-adds.
func (w *workspace) votes(d []float64, m int) {
	n := w.n
	wt := w.w[:n]
	num := w.num[:m*m]
	var total float64
	for p := 0; p < m; p++ {
		num[p*m+p] = 0
		dp := d[p*n : p*n+n]
		dp = dp[:len(wt)]
		// Up to four positions q at a time, for independent chains of
		// additions and fewer loads of w_k and d[p][k]; each pair's sums
		// still run over the voters in order, and total still adds the
		// pairs in order of q.
		q := p + 1
		for ; q+3 < m; q += 4 {
			d0 := d[q*n : q*n+n][:len(wt)]
			d1 := d[(q+1)*n : (q+1)*n+n][:len(wt)]
			d2 := d[(q+2)*n : (q+2)*n+n][:len(wt)]
			d3 := d[(q+3)*n : (q+3)*n+n][:len(wt)]
			var a0, b0, a1, b1, a2, b2, a3, b3 float64
			for k, wk := range wt {
				x := dp[k]
				if v := wk * (d0[k] - x); v > 0 {
					a0 += v
				} else {
					b0 -= v
				}
				if v := wk * (d1[k] - x); v > 0 {
					a1 += v
				} else {
					b1 -= v
				}
				if v := wk * (d2[k] - x); v > 0 {
					a2 += v
				} else {
					b2 -= v
				}
				if v := wk * (d3[k] - x); v > 0 {
					a3 += v
				} else {
					b3 -= v
				}
			}
			row := num[p*m:][:m]
			row[q], row[q+1], row[q+2], row[q+3] = a0, a1, a2, a3
			num[q*m+p], num[(q+1)*m+p], num[(q+2)*m+p], num[(q+3)*m+p] = b0, b1, b2, b3
			total += float64(w.mult[p]*w.mult[q]) * (a0 + b0)
			total += float64(w.mult[p]*w.mult[q+1]) * (a1 + b1)
			total += float64(w.mult[p]*w.mult[q+2]) * (a2 + b2)
			total += float64(w.mult[p]*w.mult[q+3]) * (a3 + b3)
		}
		for ; q+1 < m; q += 2 {
			dq := d[q*n : q*n+n]
			dr := d[(q+1)*n : (q+1)*n+n]
			dq, dr = dq[:len(wt)], dr[:len(wt)]
			var vpq, vqp, vpr, vrp float64
			for k, wk := range wt {
				// Positive when voter k is closer to u_p than to u_q.
				v := wk * (dq[k] - dp[k])
				x := wk * (dr[k] - dp[k])
				if v > 0 {
					vpq += v
				} else {
					vqp -= v
				}
				if x > 0 {
					vpr += x
				} else {
					vrp -= x
				}
			}
			num[p*m+q], num[q*m+p] = vpq, vqp
			num[p*m+q+1], num[(q+1)*m+p] = vpr, vrp
			total += float64(w.mult[p]*w.mult[q]) * (vpq + vqp)
			total += float64(w.mult[p]*w.mult[q+1]) * (vpr + vrp)
		}
		if q < m {
			dq := d[q*n : q*n+n]
			dq = dq[:len(wt)]
			var vpq, vqp float64
			for k, wk := range wt {
				v := wk * (dq[k] - dp[k])
				if v > 0 {
					vpq += v
				} else {
					vqp -= v
				}
			}
			num[p*m+q], num[q*m+p] = vpq, vqp
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
func (w *workspace) prob(p, q int) float64 {
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
func (w *workspace) statusQuoTerm(xc, xt, r float64) float64 {
	q, t := w.cfg.q, w.cfg.t
	if q == 1 {
		return 0
	}
	dMu := math.Abs(xc - w.mu)
	dist := math.Abs(xc - xt)
	return (1 - q) * (t*uBetter(dMu, dist, w.R, r) + (1-t)*uWorse(dMu, dist, w.R, r))
}

// ln05 is ln 0.5, the logarithm of the base of U_sq.
var ln05 = math.Log(0.5)

// pairs fills the m×m matrices of the distinct positions u[0..m): dd (the
// distance over R), bs and bf (the bases of U_s and U_f) and the
// logarithms ld, ls and lf of the three. Each value is computed by the same
// operations as the formulas above (so U_s is 2 − 4·bs^r to the bit), and
// the logarithms of a pair that was already present in the issue's
// previous round are taken from the pair cache, which is then
// refreshed. The diagonal holds dd = 0, bs = bf = 0.5; its logarithms are
// never read.
func (w *workspace) pairs(m int) {
	u, R := w.u[:m], w.R
	old := w.oldIdx[:m]
	c := w.pc
	// Both lists are increasing, so one merge finds the survivors.
	j := 0
	for i, x := range u {
		for j < c.m && c.u[j] < x {
			j++
		}
		old[i] = -1
		if j < c.m && c.u[j] == x {
			old[i] = j
		}
	}
	cm := c.m
	for p := 0; p < m; p++ {
		pp := p*m + p
		w.dd[pp], w.bs[pp], w.bf[pp] = 0, 0.5, 0.5
		for q := p + 1; q < m; q++ {
			dist := u[q] - u[p]
			v := dist / R
			// The builtin max has math.Max's semantics, inlined.
			bs := max(0, 0.5-0.5*dist/R)
			bf := 0.5 + 0.5*dist/R
			var ld, ls, lf float64
			if op, oq := old[p], old[q]; op >= 0 && oq >= 0 {
				k := op*cm + oq
				ld, ls, lf = c.ld[k], c.ls[k], c.lf[k]
			} else {
				ld, ls, lf = math.Log(v), math.Log(bs), math.Log(bf)
			}
			pq, qp := p*m+q, q*m+p
			w.dd[pq], w.dd[qp] = v, v
			w.bs[pq], w.bs[qp] = bs, bs
			w.bf[pq], w.bf[qp] = bf, bf
			w.ld[pq], w.ld[qp] = ld, ld
			w.ls[pq], w.ls[qp] = ls, ls
			w.lf[pq], w.lf[qp] = lf, lf
		}
	}
	c.m = m
	copy(c.u, u)
	copy(c.ld, w.ld[:m*m])
	copy(c.ls, w.ls[:m*m])
	copy(c.lf, w.lf[:m*m])
}

// bUpper is an upper bound, computed without exponentials, of
// E^i(U_ji) = challengeEU(si, P, U_s, U_f, U_sq, 1) for receiver i with
// exponent r against a challenger at distance a·R (a in [0, 1]), given
// h = 0.5^r and h2 = 2^r. With bs = 0.5(1 − a), bf = 0.5(1 + a),
// cX = si·P + 1 − si ≥ 0 and cY = si(1 − P) ≥ 0 (cX + cY = 1), that
// expected utility is 4h[1 − cX(1 − a)^r − cY(1 + a)^r], and the powers
// have linear lower bounds on [0, 1]: for r ≥ 1 the tangents at 0
// (Bernoulli: (1 ± a)^r ≥ 1 ± r·a), for r < 1 the chords ((1 − a)^r ≥
// 1 − a and (1 + a)^r ≥ 1 + a(2^r − 1)). Hence
//
//	E^i(U_ji) ≤ −4h·r·a·(cY − cX)           (r ≥ 1)
//	E^i(U_ji) ≤ −4h·a·(cY(2^r − 1) − cX)    (r < 1).
//
// The value step computes differs from the exact one by rounding (below
// 1e-13: every term is at most 4), so a bound below −1e-9 proves it
// negative. On the flagship's draws the bound settles 94 % of the pairs
// whose E^i(U_ji) is negative, which is 60 % of all pairs.
func bUpper(si, P, a, r, h, h2 float64) float64 {
	cX := si*P + (1 - si)
	cY := si * (1 - P)
	if r >= 1 {
		return -4 * h * r * a * (cY - cX)
	}
	return -4 * h * a * (cY*(h2-1) - cX)
}

// probs fills dst (m×m) with prob(p, q).
func (w *workspace) probs(dst []float64, m int) {
	dst = dst[:m*m]
	if w.cfg.prob == probAllPairs && w.den != 0 {
		// prob's common case without its branches.
		num, den := w.num[:m*m], w.den
		for i, v := range num {
			dst[i] = v / den
		}
		for p := 0; p < m; p++ {
			dst[p*m+p] = 0
		}
		return
	}
	for p := 0; p < m; p++ {
		for q := 0; q < m; q++ {
			dst[p*m+q] = w.prob(p, q)
		}
	}
}

// step plays one round of the current game (w.n players at w.x with
// weights w.w, saliences w.s, fixed range w.R > 0 and median w.mu). It sets
// w.r to the round's risk exponents, w.choice to each player's accepted
// offer and w.next to the positions after the round.
//
// Everything that depends on a position rather than on the player holding
// it is computed once per distinct position: published cases often put
// several actors on the same point (the emissions case has 3 to 5 distinct
// positions among 10 actors). Every number is computed by the same
// operations, in the same order, as the direct formulas (the round as first
// written is kept in refstep_test.go, and TestStepMatchesReference checks
// that the results agree to the bit).
func (w *workspace) step() {
	n, q := w.n, w.cfg.q
	x, s, r, danger := w.x[:n], w.s[:n], w.r[:n], w.danger[:n]
	m := w.distinct()
	w.m = m
	u, pos := w.u[:m], w.pos[:n]
	// The m×m tables as locals, which the compiler keeps in registers
	// rather than reloading from w at every use.
	mm := m * m
	dd, bs, bf := w.dd[:mm], w.bs[:mm], w.bf[:mm]

	// 1. For each pair of distinct positions: the distance over R, the
	// bases of U_s and U_f and their logarithms, which do not depend on
	// the exponent (one Log each per new pair, then one Exp per use). Then
	// the votes at r = 1: row p of d1 is each voter's linear distance from
	// u_p.
	w.pairs(m)
	ld, ls, lf := w.ld[:mm], w.ls[:mm], w.lf[:mm]
	for p := 0; p < m; p++ {
		row, ddp := w.d1[p*n:p*n+n], dd[p*m:p*m+m]
		for k, pk := range pos {
			row[k] = ddp[pk]
		}
	}
	w.votes(w.d1, m)
	w.probs(w.p1, m)
	if w.snap != nil {
		w.snap.fillP(w, w.snap.P1)
	}
	p1 := w.p1[:mm]

	// 2. Security: danger_i = Σ_{j≠i} E^i(U_ji) with every exponent 1. The
	// term depends on j only through its position, so it is computed once
	// per distinct position and summed in actor order.
	usq1 := uStatusQuo(1)
	lo, hi := math.Inf(1), math.Inf(-1)
	term := w.term[:m]
	for i := 0; i < n; i++ {
		pi, si := pos[i], s[i]
		bsi, bfi := bs[pi*m:pi*m+m], bf[pi*m:pi*m+m]
		for p := range term {
			// U_s and U_f at r = 1 are 2 − 4·base, as uSuccess and
			// uFailure compute them; P is 0 on the diagonal.
			e := challengeEU(si, p1[p*m+pi], 2-4*bsi[p], 2-4*bfi[p], usq1, q)
			if q != 1 {
				e -= w.statusQuoTerm(u[p], x[i], 1)
			}
			term[p] = e
		}
		var sum float64
		if q == 1 {
			// i's own term is +0 here (P, U_s, U_f and U_sq are all 0
			// on the diagonal), and adding +0 changes no sum that is not
			// −0, which these never are: the loop needs no test for j = i.
			for _, pj := range pos {
				sum += term[pj]
			}
		} else {
			for j, pj := range pos {
				if j != i {
					sum += term[pj]
				}
			}
		}
		danger[i] = sum
		lo, hi = min(lo, sum), max(hi, sum) // as math.Min and math.Max, inlined
	}

	// 3. Risk exponents: R_i = (2·danger_i − max − min)/(max − min). When
	// every player is equally threatened (max = min) R_i is undefined; all
	// players are then taken as risk neutral, r = 1.
	for i := range r {
		if hi > lo {
			r[i] = riskExponent((2*danger[i] - hi - lo) / (hi - lo))
		} else {
			r[i] = 1
		}
	}

	// 4. Votes with each voter's own exponent (all-pairs rule only; the
	// printed pairwise formula uses linear distances throughout).
	p2 := p1
	if w.cfg.prob == probAllPairs {
		for p := 0; p < m; p++ {
			row := w.d[p*n : p*n+n]
			ddp, ldp := dd[p*m:p*m+m], ld[p*m:p*m+m]
			for k, pk := range pos {
				v := ddp[pk]
				if v != 0 {
					v = expLog(v, ldp[pk], r[k])
				}
				row[k] = v
			}
		}
		w.votes(w.d, m)
		w.probs(w.p2, m)
		p2 = w.p2[:mm]
	}
	if w.snap != nil {
		w.snap.fillP(w, w.snap.P2)
		copy(w.snap.Danger, danger)
		copy(w.snap.R, r)
	}

	// 5. Offers: each player weighs every counterpart at another position,
	// in actor order, with its own exponent, and accepts at most one offer.
	us, uf, bq, sqA := w.us[:m], w.uf[:m], w.bq[:m], w.sqA[:m]
	for i := 0; i < n; i++ {
		ri, pi, si, xi := r[i], pos[i], s[i], x[i]
		h := expLog(0.5, ln05, ri)
		usq := 2 - 4*h // uStatusQuo(ri)
		// With Q = 1, a proof that E^i(U_ji) < 0 against a position
		// spares its two exponentials (see bUpper); no counterpart there
		// can then make an offer.
		bound := q == 1 && ri != 1 && w.snap == nil && si >= 0 && si <= 1
		var h2 float64
		anyPos := false
		if bound && ri < 1 {
			h2 = 1 / h // 2^r, only for the chord bound
		}
		// U_s, U_f and E^i(U_ji) against each distinct position (the
		// latter depends on j only through its position).
		row := pi * m
		ddi, bsi, bfi, lsi, lfi := dd[row:row+m], bs[row:row+m], bf[row:row+m], ls[row:row+m], lf[row:row+m]
		for p := range us {
			if p == pi {
				continue
			}
			P := p2[p*m+pi]
			if bound && P >= 0 && P <= 1 {
				if ub := bUpper(si, P, ddi[p], ri, h, h2); ub < -1e-9 {
					bq[p] = ub
					continue
				}
			}
			usp := 2 - 4*expLog(bsi[p], lsi[p], ri)
			ufp := 2 - 4*expLog(bfi[p], lfi[p], ri)
			us[p], uf[p] = usp, ufp
			b := challengeEU(si, P, usp, ufp, usq, q)
			if q != 1 {
				sqA[p] = w.statusQuoTerm(xi, u[p], ri)
				b -= w.statusQuoTerm(u[p], xi, ri)
			}
			bq[p] = b
			anyPos = anyPos || b > 0
		}
		// No offer until one is accepted below.
		w.next[i] = xi
		w.choice[i] = offer{}
		if !anyPos && w.snap == nil {
			// Every quadrant of classify needs b > 0: no counterpart
			// can make an offer.
			continue
		}
		p2i := p2[row : row+m]
		best := offer{}
		for j, pj := range pos {
			if pj == pi {
				continue
			}
			b := bq[pj]
			if !(b > 0) && w.snap == nil {
				// Every quadrant of classify needs b > 0: no offer,
				// whatever a is.
				continue
			}
			a := challengeEU(s[j], p2i[pj], us[pj], uf[pj], usq, q)
			if q != 1 {
				a -= sqA[pj]
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
			c := offer{kind: kind, j: j, a: a, b: b, to: destination(kind, xi, x[j], a, b), xj: x[j]}
			if better(w.cfg.offers, c, best, xi) {
				best = c
			}
		}
		w.choice[i] = best // w.next[i] is xi, set above
		if best.kind != noOffer {
			w.next[i] = best.to
		}
	}
}
