// Package analysis turns single forecasts into defensible ones: it runs any
// parley.Model many times over a scenario and reports what the forecast
// depends on. It is pure computation: it takes scenarios and models and
// returns values (with JSON encodings that are the stable output of the
// parley commands of the same names); progress goes to a Recorder.
//
// # Analyses
//
//   - Compare runs the base scenario and its variants side by side:
//     each issue's forecast, its difference to the base, and each
//     question's verdict (and, with draws, its probability).
//   - Simulate is Monte Carlo over every input the scenario gives as a
//     range: the outcome distribution of each issue and the probability of
//     each question with its Wilson 95 % interval.
//   - Leverage perturbs each actor on each issue (position to either end of
//     the scale, capability ×2 and ×½) and reports how far the forecast and,
//     for dynamic models, each other actor's final position move.
//   - Sensitivity ranks the uncertain inputs by Morris elementary effects
//     or Sobol indices from a Saltelli design.
//   - Strategy searches for the smallest change in one actor's own stance
//     that makes a question hold, or that maximises its probability.
//
// # Determinism
//
// Every random number comes from an explicit seed. Draw i of a simulation
// uses a PCG source seeded with the first 16 bytes of
// SHA-256(seed ‖ i) (both little-endian uint64): nothing about workers or
// shards enters, so draw i is the same however the work is split. Each
// worker owns one Solver (prepared once, Options.NoTrace set) and one
// Instance refilled per draw from the base values.
//
// The aggregate of a simulation is exact integer arithmetic, so it does not
// depend on the order in which draws are added: per issue a histogram of
// FineBins (10,000) equal bins over the scale, the sums Σq and Σq² of the
// outcome on a fixed-point grid of 2³²−1 steps per scale (in 128-bit
// integers), the extremes, and per question the number of draws in which it
// holds. A Partial holds the aggregate of any set of draw ranges; partials
// merge exactly (Partial.Merge) and have a stable JSON encoding
// (PartialFormat), so shards computed anywhere merge into the bytes a
// single pass gives. The mean is Σq/N, the standard deviation
// √((NΣq² − (Σq)²)/(N(N−1))) computed exactly, both mapped back to the
// scale; quantiles are read from the fine histogram, linear within a bin
// (resolution: the scale's width / 10,000) and clamped to the observed
// extremes, so point inputs give exactly the point forecast. Memory does
// not grow with the number of draws.
//
// Sensitivity designs are addressed by evaluation index (Sobol: row
// e/(k+2), matrix e%(k+2); Morris: trajectory e/(k+1), step e%(k+1)) and
// outputs are stored by index, so they too do not depend on the workers.
//
// # Equations
//
// Triangular quantile of (a, c, b): a + √(u(b−a)(c−a)) for u < (c−a)/(b−a),
// else b − √((1−u)(b−a)(b−c)).
//
// Wilson 95 % interval of h hits in N draws, p = h/N, z = 1.95996:
// (p + z²/2N ± z√(p(1−p)/N + z²/4N²)) / (1 + z²/N). Monte Carlo standard
// errors: sd/√N for a mean, √(p(1−p)/N) for a probability.
//
// Sobol indices (Saltelli et al. 2010, Table 2 (b) and (f)), with V the
// variance of the outputs of A and B:
//
//	S1_i = (1/N) Σ_j f(B)_j (f(AB_i)_j − f(A)_j) / V
//	ST_i = (1/2N) Σ_j (f(A)_j − f(AB_i)_j)² / V          (Jansen 1999)
//
// with bootstrap percentile intervals over the rows. The quasi-random base
// sample is the Sobol sequence with the Joe–Kuo (2008) direction numbers
// (new-joe-kuo-6.21201, up to 1024 dimensions, i.e. 512 inputs).
//
// Morris (1991) elementary effects on a p-level grid with step
// Δ = p/(2(p−1)): EE_j = (f(x ± Δe_j) − f(x)) / (±Δ); μ* (Campolongo et al.
// 2007) is the mean of |EE|, σ their standard deviation.
//
// # References
//
//   - A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto, S.
//     Tarantola (2010), Variance based sensitivity analysis of model output.
//     Design and estimator for the total sensitivity index, Computer
//     Physics Communications 181(2):259–270.
//   - M. J. W. Jansen (1999), Analysis of variance designs for model output,
//     Computer Physics Communications 117:35–43.
//   - M. D. Morris (1991), Factorial sampling plans for preliminary
//     computational experiments, Technometrics 33(2):161–174.
//   - F. Campolongo, J. Cariboni, A. Saltelli (2007), An effective screening
//     design for sensitivity analysis of large models, Environmental
//     Modelling & Software 22:1509–1518.
//   - S. Joe, F. Y. Kuo (2008), Constructing Sobol sequences with better
//     two-dimensional projections, SIAM J. Sci. Comput. 30:2635–2654.
//   - E. B. Wilson (1927), Probable inference, the law of succession, and
//     statistical inference, JASA 22:209–212.
//   - T. Ishigami, T. Homma (1990), An importance quantification technique
//     in uncertainty analysis for computer models (test function).
//
// # Known deviations and limits
//
// The Saltelli design uses the two halves of one 2k-dimensional Sobol
// point as the rows of A and B, skipping the origin, as is usual; with more
// than 512 uncertain inputs use the random sampler. Sobol indices of a
// question are indices of its 0/1 indicator (their variance is p(1−p)).
// Morris effects are in output units per the input's whole range (the
// factor scale [0,1] is the input's quantile). Strategy's greedy search is
// locally, not globally, minimal. Byte-identical results are promised for
// one build on one platform: a different CPU architecture or compiler may
// round floating-point operations in the models differently.
package analysis
