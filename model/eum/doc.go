// Package eum implements Bruce Bueno de Mesquita's expected utility model
// of group decisions (BDM 1994, "Political Forecasting: An Expected Utility
// Method") as replicated by Scholz, Calbert and Smith (2011, "Unravelling
// Bueno De Mesquita's group decision model", J. Theoretical Politics
// 23(4):510–531), and specifically as coded by the replication that
// reproduces their published rounds:
// github.com/jmckib/bdm-scholz-expected-utility-model. The team's notes are
// in shared/docs/eum.md; the user documentation is docs/models/eum.md.
//
// # The game
//
// Each issue of the instance is its own one-dimensional game among the
// actors present on it, with capability c_i and salience s_i for that
// issue. R is the range of the initial positions, fixed for the run. A
// round is:
//
//  1. Votes. Voter k's support for x_a over x_b is
//     v_k(a,b) = c_k s_k [(|x_k − x_b|/R)^r_k − (|x_k − x_a|/R)^r_k].
//  2. Probability that x_i prevails over x_j:
//     all-pairs (default): P_ij = Σ_k max(0, v_k(i,j)) / Σ_k Σ_a Σ_b |v_k(a,b)|,
//     the denominator running over every ordered pair of actors;
//     pairwise (Scholz's printed formula, linear distances):
//     P_ij = Σ_k max(0, v_k(i,j)) / Σ_k |v_k(i,j)|, so P_ij + P_ji = 1.
//     P = 0 when x_i = x_j.
//  3. Utilities, from the perspective of an actor with exponent r, of
//     challenger c challenging target t at distance d = |x_c − x_t|:
//     U_s = 2 − 4(0.5 − 0.5 d/R)^r, U_f = 2 − 4(0.5 + 0.5 d/R)^r,
//     U_sq = 2 − 4·0.5^r, U_b = 2 − 4(0.5 − 0.25(|x_c − μ| + d)/R)^r,
//     U_w = 2 − 4(0.5 + 0.25(|x_c − μ| + d)/R)^r, μ the c·s-weighted median.
//  4. Expected utility of a challenge:
//     E(U_ct) = s_t[P_ct U_s + (1 − P_ct)U_f] + (1 − s_t)U_s − Q U_sq − (1 − Q)[T U_b + (1 − T)U_w].
//     The target's salience is the probability that it resists.
//  5. Security: with every r = 1, danger_i = Σ_{j≠i} E^i(U_ji);
//     R_i = (2 danger_i − max − min)/(max − min) over all actors, and the
//     risk exponent is r_i = (1 − R_i/3)/(1 + R_i/3) ∈ [0.5, 2].
//  6. Offers. With the new exponents (P recomputed with each voter's own
//     r_k), each actor i weighs every j at another position with
//     a = E^i(U_ij) and b = E^i(U_ji), both at r_i:
//     b > a > 0 confrontation (i expects to lose; moves to x_j);
//     b > 0 > a, b > |a| compromise (moves to x_i + (x_j − x_i)|a/b|);
//     b > 0 > a, |a| ≥ b capitulation (moves to x_j); else no offer.
//  7. Choice (reference rule): the nearest confrontation, else the
//     compromise with the lowest (|a| x_i + |b| x_j)/(|a| + |b|), else the
//     nearest capitulation; ties to the counterpart listed first.
//  8. Everyone moves at once. The round's c·s-weighted mean and median
//     are recorded.
//
// The forecast of each issue is Instance.Outcome of the final positions
// (the decision rule, by default the weighted median, and vetoes).
//
// # Cost
//
// The reference code recomputes the all-pairs denominator inside every
// probability, about n^6 work per round. Here the votes between every pair
// of distinct positions are computed once per round and pass (the
// normaliser is twice their multiplicity-weighted sum), so a round costs
// O(n·m²) for m distinct positions, O(n³) at worst. Powers are taken as
// exp(r·ln x) with the logarithms shared across exponents, and each issue
// keeps its last round's logarithms for the pairs of positions that
// survive into the next. Terms that depend on a counterpart only through
// its position are computed once per distinct position; every number is
// still computed by the same operations in the same order as the direct
// formulas, so the results are bit-identical to the round as first written
// (kept in refstep_test.go and compared by TestStepMatchesReference).
// With Q = 1, U_s and U_f against a position are not computed when a
// bound without exponentials (bUpper) proves E^i(U_ji) < 0, since no offer
// can then come from that position. The exponential is exp (exp.go), a
// table-driven one within 2 ulps of math.Exp at half its cost.
//
// Without a trace, an issue whose positions after a round repeat those
// after an earlier round is finished at once: a round depends only on the
// positions it starts from, so the game cycles from there, and the final
// positions are read off the cycle (Solve, workspace.cycle). This changes
// no result; in the flagship's draws it spares about a sixth of the
// issue-rounds.
//
// # Deviations from the reference code
//
//   - The capitulation branch is reachable. The reference tests eu_ji <
//     |eu_ji|, which is never true. On the emissions case capitulation
//     offers are made 57 times in 10 rounds, but no actor is ever left with
//     capitulations only, so the trajectory is unchanged (verified by the
//     conformance tests).
//   - The median μ is the c·s-weighted median (parley.WeightedMedian), not
//     the reference's scan, which depends on set order. They agree in
//     every round of the emissions case.
//   - Summation order of the normaliser and exp/math.Log against C's pow
//     change results in the last bits: positions, risk exponents, P and
//     EUs agree with the reference to about 1e-13 relative. Where an
//     actor's choice sits on a knife edge (two offers within rounding of
//     each other, or an expected utility within rounding of 0) such
//     last-bit differences can send a run down another branch; published
//     cases have none, random draws occasionally do.
//
// # Guards (where the reference would divide by zero)
//
//   - R = 0 (every actor on the issue at one position, or a lone actor):
//     nobody can move; the risk exponents are 1 and no offer is made.
//   - max = min of the security sums: R_i is undefined; every r_i = 1.
//   - All-pairs normaliser 0 (no actor with positive c·s prefers any
//     position to another): P = 0. Pairwise denominator 0: P = 1/2.
//   - No actor with positive c·s: no weighted median or mean (NaN, null in
//     JSON); the status-quo terms (Q < 1) then use the midpoint of the
//     positions as μ.
package eum
