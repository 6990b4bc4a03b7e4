// Package baseline holds the two one-shot baselines every forecast should
// be compared with.
//
// # compromise
//
// The capability×salience-weighted mean of the actors' positions on each
// issue:
//
//	x̄_k = Σ_a c_ak s_ak x_ak / Σ_a c_ak s_ak
//
// It is the outcome if every actor pulls toward its position with the
// force it can and cares to bring, and the result is a compromise among
// them (the "mean voter" of Bueno de Mesquita's and Stokman's work).
//
// # median
//
// The capability×salience-weighted median of the positions on each issue:
// the position at which the cumulative weight, in order of position, first
// passes half the total (ties at exactly half take the midpoint of the two
// positions around it). With single-peaked, symmetric preferences in one
// dimension it is the Condorcet winner: no other position beats it in a
// pairwise weighted vote (Black 1948). It is the outcome predicted when
// decisions are taken by weighted majority.
//
// Both ignore the decision rule, since each is a rule, but honour
// veto players (see parley.Instance.ApplyVeto). Neither moves positions:
// the result has round 0 only.
package baseline
