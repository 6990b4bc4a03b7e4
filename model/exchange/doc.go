// Package exchange implements Stokman and Van Oosten's position-exchange
// model in its equal-gain form, as the open implementation decide
// (github.com/foarsitter/decide-exchange-model) computes it, with decide's
// bookkeeping errors fixed.
//
// # The model
//
// Positions are rescaled to 0–100 per issue; saliences s are in [0,1];
// capabilities c are per actor and issue. Write w = s·c and S_d = Σ w over
// the actors taking part in issue d. A round runs as follows.
//
//  1. The outcome of each issue is the weighted mean O_d = Σ w·x / S_d.
//  2. For every pair of issues (p, q), p before q, each actor taking part in
//     both is placed by its side of the two outcomes (at or below counts as
//     below). Two actors on opposite sides on both issues form a candidate
//     exchange.
//  3. Roles: the actor i with the larger salience ratio s_p/s_q demands p
//     and supplies q; the other, j, demands q and supplies p. Each supplier
//     moves toward its partner's preference on its supply issue.
//  4. Equal gain. With dp and dq the shifts of the two outcomes, i gains
//     s_ip·dp − s_iq·dq and j gains s_jq·dq − s_jp·dp; equal gains need
//     dq = dp·(s_ip+s_jp)/(s_iq+s_jq). Two caps bound each shift: the
//     supplier's full move (all the way to the partner's preference, a
//     shift of |Δx|·w/S) and the shift that brings the outcome to the
//     partner's preference (no overshoot). The exchange takes the largest
//     dp whose dq respects q's caps. A move shifting the outcome by d is
//     d·S/w long.
//  5. Exchanges are executed greedily, highest gain first. After each, the
//     two suppliers take their voting positions, the outcomes move, and every
//     pending exchange on either issue is recomputed from the current
//     positions and outcomes; those no longer possible are dropped. An actor
//     never reverses a move it made earlier in the round; an exchange is
//     possible when both moves exceed 1e-10 and the gain is at least 1e-10
//     (on the normalised scale).
//  6. The round's outcome is the weighted mean of the voting positions.
//     Each actor that moved on an issue then takes part of the way to its
//     voting position y as its new preference:
//     x' = x + (0.1 + 0.4·(1−s))·(y − x).
//
// A fixed number of rounds runs (10 by default); there is no convergence
// test. The forecast of each issue is the weighted mean of the last
// round's voting positions, whatever the decision rule (the
// exchange model defines its outcome so), confined to the veto players'
// range when the issue has veto players. Trace holds the preferences after
// each round's update; Detail (type Detail) the candidates and the
// executed exchanges of every round, with each exchange's externalities
// for third actors.
//
// Ties (gains within 1e-12 of each other, relative) are broken at random
// from Options.Seed, or by list order with the option ties=first. The REX
// variant (option p, Dijkstra, Van Assen, Stokman and Draaijer 2018)
// draws, for each exchange, one of its two actors to win or lose up to the
// fraction p of its room on the exchange's Pareto frontier (the points
// where one of the two shifts is at its cap); exchanges are still ranked by
// their equal gain.
//
// # References
//
// Stokman, F. N. and Van Oosten, R. (1994), The exchange of voting
// positions: an object-oriented model of policy networks, in Bueno de
// Mesquita, B. and Stokman, F. N. (eds.), European Community Decision
// Making, Yale University Press, 105–127. The algorithm follows decide
// (commit 51dee664, 2025), whose example files and 10-round traces the
// tests replay (see "Conformance").
//
// # Deviations from decide
//
// decide's bookkeeping has errors that this package does not copy:
//
//   - Outcome tracking. decide checks overshoot against an outcome that
//     includes only the moves of exchanges that shared the demanding actor
//     and issue (and, when sizing the capped move, lets a stale record of
//     the supplier's own position override its current one); it recomputes
//     only the pending exchanges that share an actor and an issue with the
//     executed one; and when the outcome has already reached the demander's
//     position it does not cap, so the outcome overshoots. Here the checks
//     use the true current outcome, every pending exchange on either issue
//     is recomputed, and an exchange whose demander has nothing left to gain
//     is dropped.
//   - Move history. decide rejects an exchange when the moves its earlier,
//     superseded calculations recorded sum to more than 100 (and only in
//     the positive direction). Here an actor may move on an issue as long as
//     it stays on the scale and does not reverse a move it made in the
//     round (which is what decide's same-sign rule amounts to).
//   - Validity of the uncapped step. decide checks the moves and the gain
//     threshold on the exchange before its overshoot caps; here on the
//     exchange as executed. (No effect on decide's example files.)
//   - Ties. decide picks at random, unseeded, between the top two, and when
//     it keeps the first it puts the second in its list twice, so that it
//     can be executed twice. Here every exchange within the tie tolerance is
//     a candidate, the draw comes from the seed, and nothing is duplicated.
//   - Scales. decide's 1e-10 thresholds are absolute, so they depend on
//     the salience scale, and its preference update needs saliences in
//     [0,1]. Here saliences are in [0,1] (package decide divides 0–100
//     saliences by 100) and positions are normalised, so the thresholds mean
//     the same on every input; the tie tolerance is relative.
//   - Degenerate inputs. decide can divide by zero on a zero salience in the
//     salience ratio and on an issue nobody weighs; here the ratios are
//     compared multiplied out, and an issue with no weight takes no part in
//     exchanges (its forecast is NaN, and a note says so).
//   - REX. decide's maximum-utility computation compares a position on one
//     issue with a position on the other, and its randomised path applies
//     the overshoot cap in some branches only. Here the frontier is the box
//     of the two capped shifts used for the equal gain; on the two-actor
//     example of decide's sibling visualiser this gives its numbers
//     (maximum gains 16.1458 and 13.6264).
//
// docs/models/exchange.md gives the effect of each fix on decide's example
// files.
//
// # Conformance
//
// On decide's sample_data.txt, round 1 has 240 candidates; the first
// exchange is Willems with Wcentr (tolheffing-binnenstad ×
// extra-investering) at gain 75/38, the next Wcentr with PvdA at
// 26730/14911, as upstream's tests have it. With decide's bookkeeping
// emulated (compat.go, reachable from tests only), the package replays
// decide's own 10-round traces on sample_data.txt, copenhagen.csv and
// cop21.csv exchange by exchange. Hand-worked two-actor cases cover each
// cap and the REX frontier.
package exchange
