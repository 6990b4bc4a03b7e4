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

// uSuccess is U_s = 2 − 4(0.5 − 0.5·dist/R)^r: the utility of winning a
// challenge over distance dist, with risk exponent r. The operations are
// ordered as in the reference code ((0.5·dist)/R) so that results agree to
// the last bit where math.Pow and C's pow agree. The base is floored at 0;
// it can only go below through rounding, as positions never leave the
// initial range.
func uSuccess(dist, R, r float64) float64 {
	return 2 - 4*math.Pow(math.Max(0, 0.5-0.5*dist/R), r)
}

// uFailure is U_f = 2 − 4(0.5 + 0.5·dist/R)^r: the utility of losing a
// challenge over distance dist.
func uFailure(dist, R, r float64) float64 {
	return 2 - 4*math.Pow(0.5+0.5*dist/R, r)
}

// uStatusQuo is U_sq = 2 − 4·0.5^r.
func uStatusQuo(r float64) float64 {
	return 2 - 4*math.Pow(0.5, r)
}

// uBetter is U_b = 2 − 4(0.5 − 0.25(|x_c − μ| + |x_c − x_t|)/R)^r: the
// utility to challenger c of things getting better without a challenge.
// Both distances are at most R, so the base lies in [0, 0.5].
func uBetter(dMu, dist, R, r float64) float64 {
	return 2 - 4*math.Pow(math.Max(0, 0.5-0.25*(dMu+dist)/R), r)
}

// uWorse is U_w = 2 − 4(0.5 + 0.25(|x_c − μ| + |x_c − x_t|)/R)^r.
func uWorse(dMu, dist, R, r float64) float64 {
	return 2 - 4*math.Pow(0.5+0.25*(dMu+dist)/R, r)
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

// votes fills w.num from the distance matrix d (d[a*n+k] is voter k's
// disutility of position x_a): num[i*n+j] = Σ_k w_k·max(0, d[j][k] − d[i][k]),
// the capability×salience-weighted votes for x_i over x_j. It sets w.den
// to Σ_k Σ_a Σ_b |w_k(d[b][k] − d[a][k])|, the all-pairs normaliser, which
// is twice the sum of all numerators. Cost: n³/2 multiply-adds.
func (w *workspace) votes(d []float64) {
	n := w.n
	wt := w.w[:n]
	var total float64
	for i := 0; i < n; i++ {
		w.num[i*n+i] = 0
		di := d[i*n : i*n+n]
		for j := i + 1; j < n; j++ {
			dj := d[j*n : j*n+n]
			var pij, pji float64
			for k, wk := range wt {
				// Positive when voter k is closer to x_i than to x_j.
				v := wk * (dj[k] - di[k])
				if v > 0 {
					pij += v
				} else {
					pji -= v
				}
			}
			w.num[i*n+j] = pij
			w.num[j*n+i] = pji
			total += pij + pji
		}
	}
	w.den = 2 * total
}

// prob is the probability that x_i prevails over x_j. It is 0 when the two
// positions are equal (as in the reference code; the value does not matter
// there since U_s = U_f). Under the all-pairs rule it is num[i][j]/den, and
// 0 when den is 0 (no actor with positive weight prefers any position to
// another). Under the pairwise rule it is num[i][j]/(num[i][j] + num[j][i]),
// and 1/2 when that sum is 0 (every weighted voter is indifferent).
func (w *workspace) prob(i, j int) float64 {
	if w.x[i] == w.x[j] {
		return 0
	}
	n := w.n
	nij := w.num[i*n+j]
	if w.cfg.prob == probPairwise {
		t := nij + w.num[j*n+i]
		if t == 0 {
			return 0.5
		}
		return nij / t
	}
	if w.den == 0 {
		return 0
	}
	return nij / w.den
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

// step plays one round of the current game (w.n players at w.x with
// weights w.w, saliences w.s, fixed range w.R > 0 and median w.mu). It sets
// w.r to the round's risk exponents, w.choice to each player's accepted
// offer and w.next to the positions after the round, and reports whether
// anyone moved.
func (w *workspace) step() bool {
	n, R, q := w.n, w.R, w.cfg.q
	x, s := w.x[:n], w.s[:n]

	// 1. Linear distances, and the votes at r = 1 for everyone.
	for a := 0; a < n; a++ {
		for k := 0; k < n; k++ {
			w.d1[a*n+k] = math.Abs(x[k]-x[a]) / R
		}
	}
	w.votes(w.d1)
	if w.snap != nil {
		w.snap.fillP(w, w.snap.P1)
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
			p := w.prob(j, i)
			e := challengeEU(s[i], p, uSuccess(dist, R, 1), uFailure(dist, R, 1), usq1, q)
			sum += e - w.statusQuoTerm(x[j], x[i], 1)
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
		for a := 0; a < n; a++ {
			for k := 0; k < n; k++ {
				v := w.d1[a*n+k]
				if v != 0 && w.r[k] != 1 {
					v = math.Pow(v, w.r[k])
				}
				w.d[a*n+k] = v
			}
		}
		w.votes(w.d)
	}
	if w.snap != nil {
		w.snap.fillP(w, w.snap.P2)
		copy(w.snap.Danger, w.danger[:n])
		copy(w.snap.R, w.r[:n])
	}

	// 5. Offers: each player weighs every counterpart at another position,
	// with its own exponent, and accepts at most one offer.
	moved := false
	for i := 0; i < n; i++ {
		ri := w.r[i]
		usq := uStatusQuo(ri)
		best := offer{}
		for j := 0; j < n; j++ {
			if x[j] == x[i] {
				continue
			}
			dist := math.Abs(x[i] - x[j])
			us, uf := uSuccess(dist, R, ri), uFailure(dist, R, ri)
			a := challengeEU(s[j], w.prob(i, j), us, uf, usq, q)
			b := challengeEU(s[i], w.prob(j, i), us, uf, usq, q)
			if q != 1 {
				a -= w.statusQuoTerm(x[i], x[j], ri)
				b -= w.statusQuoTerm(x[j], x[i], ri)
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
			moved = moved || best.to != x[i]
		}
	}
	return moved
}
