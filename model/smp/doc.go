// Package smp implements KTAB's spatial model of politics (SMP), the model
// of KAPSARC's smpc program: actors make challenges they judge by
// probabilistic Condorcet elections (PCEs), propose compromises
// interpolated between positions, and take the bargain that a PCE over
// the resulting states favours. It runs jointly over all of a scenario's
// issues: an actor's position is a vector with one coordinate per issue.
//
// # Scales
//
// Positions are normalised to [0,1] per issue, x = (p − min)/(max − min),
// and mapped back after each round; a coordinate that does not move keeps
// its input value bit for bit. KTAB's scale is [0,100] (the ktab package
// reads its files onto issues of that scale), so there x = p/100 exactly as
// in smpc. Bargain coordinates are rounded to 10⁻⁴ of the scale, as KTAB's
// are (0.01 on 0-100). Saliences s_ik are the Instance's; an actor's total
// S_i = Σ_k s_ik must not exceed 1 (it is the probability that the actor
// resists a challenge), so an actor whose saliences add up to more is
// scaled down to 1, with a note. KTAB has one capability c_i per actor: it
// is the actor's capability when it is the same on every issue the actor
// takes part in (always so for KTAB files), otherwise the salience-weighted
// mean of its per-issue capabilities.
//
// # One round
//
// Distance from i's ideal ι_i to j's position (both vectors):
//
//	d(i,j) = sqrt( Σ_k (s_ik (ι_ik − x_jk))² / Σ_k s_ik² )
//
// Utility at distance d with risk attitude R: u(d,R) = (1 − d)(1 + dR),
// or (1 − d)(1 + R) beyond d = 1.
//
// Votes between options a and b, weight w, Δ = u_a − u_b: Prop wΔ; Binary
// w·clip(Δ/10⁻⁸); PropBin w(0.8Δ + 0.2·binary); PropCbc w(Δ + Δ³)/2;
// Cubic wΔ³; ASymProsp wΔ for losses and (2/3)wΔ for gains. Coalition
// strengths C(a,b) = 10⁻⁸ + Σ_h max(0, v_h(a:b)); victory probabilities
// P(a,b) = C(a,b)ⁿ/(C(a,b)ⁿ + C(b,a)ⁿ), n = 1, 2, 4, 8 (Linear, Square,
// Quartic, Octic) or a steep ramp around equal strength (Binary); P(a,a) =
// ½. The PCE gives each option's probability of winning: Conditional
// p_a ∝ Π_b P(a,b), or the stationary distribution of a Markov chain of
// challenges chosen uniformly or by incentive C(a,b)·P(a,b).
//
// Each round:
//
//  1. Risk attitudes. A PCE over the n current positions, votes weighted
//     by capability with risk-neutral utilities 1 − d(i,j), gives p_i; R_i
//     maps p linearly onto [0,1], [−½,1] (default) or [−1,1], the likeliest
//     winner being the most risk-averse. Actor h perceives i's attitude as
//     r_hi = R_h moved towards R_i by none, a third (default), a half, two
//     thirds or all of the way, and U^h_ij = u(d(i,j), r_hi).
//  2. Challenges. For every pair, i's estimate that i beats j:
//     C_i and C_j start at 10⁻¹⁰ plus the principals' votes (weights c·S)
//     between their positions; each third party n judges a little contest
//     of the principals and itself and votes, weight c_n·S_n, between the
//     expected utility of joining i and of joining j (its commitment to
//     the side it joins: semi by default); P_ij = C_i/(C_i + C_j). The
//     challenge is worth (1 − S_j)·2U_ii + S_j·(P_ij·2U_ii + (1 − P_ij)·2U_ij)
//     against the status quo U_ii + U_ij. Each actor challenges the target
//     worth most to it if the gain exceeds 10⁻⁵ (the first on ties).
//  3. Bargains. For each dimension, with w = s²P² (S2P2, default), w = sP
//     (S1P1) or only the likelier loser moving (S2PMax), both sides are
//     offered round₄(((w_i + 10⁻⁶)x_i + w_j x_j)/(w_i + w_j + 10⁻⁶)) (each
//     biased by 10⁻⁶ to its own side). The bargain goes into the queues of
//     both; every actor's queue also holds its status quo.
//  4. Choice. For each actor k, every actor a values each bargain in k's
//     queue by the mean of its utilities over all positions with the two
//     principals' replaced by the bargain's; a PCE over k's queue, votes
//     weighted by capability, picks the bargain k adopts (the likeliest;
//     or drawn at random with transitions=Stochastic). Bargains bind no
//     one: everybody moves at once.
//  5. Ideals: ι_i ← Σ_j A_ij x_j + (1 − Σ_j A_ij) ι_i with the
//     accommodation matrix A, the identity by default (ideals follow
//     positions).
//
// The run stops after round t ≥ 2 when the sum over actors of the length
// of each actor's move is below 2 % of the first round's (plus 10⁻⁴), or
// at the round cap (100 by default, Options.Rounds).
//
// # Work
//
// A round costs O(n³) (smpc also fills logging tables at O(n⁴) per round,
// which this package leaves out). Each initiator tries targets in
// decreasing order of an exact upper bound on their gain and stops when
// no remaining bound can beat the best gain found. From 48 actors up,
// challenges, bargain utilities and large coalition matrices are shared
// among GOMAXPROCS workers; every number is computed the same way whichever
// worker computes it, so results do not depend on the number of cores.
//
// # Output
//
// Result.Detail is a *Detail: for every turn, the probability KTAB reports
// that each actor's position wins a PCE among the distinct positions
// (those closer than 10⁻³ count as one; votes weighted by capability, each
// actor using its own utilities), and why the run stopped. Events record
// each move with the counterpart of the bargain. Forecast applies each
// issue's decision rule to the final positions.
//
// # Reference and conformance
//
// The reference is KTAB (github.com/KAPSARC/KTAB, MIT licence), read at
// the lsyaseen/KTAB fork, commit c57b72a (2019), and checked against its
// smpc program. On every shipped KTAB input (dummyData_3Dim, SOE-Pol-Comp,
// SOE-Policy, SOE-Competitive, dummyData_6Dim and the 40-, 80- and
// 160-actor files) this package reproduces smpc's positions at every turn
// to 10⁻¹⁴ and its turn counts; on 27 option variants it reproduces smpc
// turn by turn (testdata/ktab_variants.csv).
//
// # Deviations from KTAB
//
// Where KTAB fails or depends on thread timing, this package does not:
//
//   - Bargain queues are in initiator order, the status quo where the
//     actor's own proposal is (KTAB: thread-arrival order); it matters only
//     for ASymProsp and exact ties.
//   - Stochastic transitions draw from a generator seeded by (seed, round,
//     actor), so the same seed gives the same run on any number of cores
//     (KTAB's threads share one generator; its runs differ).
//   - All win probabilities equal (e.g. every actor at one point): risk
//     attitudes are 0 (KTAB divides by zero). KTAB's checks that throw
//     when risk-aware and risk-neutral utilities coincide, which make its
//     own BigRAdjust=Full unusable, are not copied.
//   - Conditional PCE products that all underflow are recomputed with
//     logarithms; Markov PCEs stop after 20000 iterations with a note
//     (KTAB loops without bound, then throws past 1000).
//   - Zero capability, zero salience and actors absent from issues are
//     allowed: a zero weight votes nothing; an absent coordinate does not
//     count in distances, bargains or moves and stays NaN.
//   - InitRcvrInterp and PWCompInterp: KTAB takes the receiver's estimate
//     of the initiator's expected gain in place of its estimate of the
//     initiator's chance, and PWCompInterp weights the receiver by the
//     initiator's capability. Fixed by default; ktab_quirks=keep
//     replicates both.
package smp
