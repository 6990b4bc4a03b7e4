package parley

import "math"

// WeightedMean returns Σ w_i x_i / Σ w_i over the entries whose x is not
// NaN. It returns NaN when the total weight is zero. It panics if the
// lengths differ.
func WeightedMean(x, w []float64) float64 {
	if len(x) != len(w) {
		panic("parley: WeightedMean: length mismatch")
	}
	return weightedMeanStrided(x, 1, 0, w)
}

// WeightedMedian returns the weighted median of x: the smallest position
// at which the cumulative weight, taken in order of position, passes half
// the total. When the cumulative weight equals half the total exactly (to
// 1e-12 relative) at a position, the median is the midpoint between it and
// the next position, so that mirror-image inputs give mirror-image medians.
// In one dimension with linear loss this is the Condorcet winner among the
// positions.
//
// Entries whose x is NaN or whose weight is not positive are ignored. It
// returns NaN when the total weight is zero. idx is scratch space with
// capacity len(x) (nil allocates). It panics if the lengths differ.
func WeightedMedian(x, w []float64, idx []int) float64 {
	if len(x) != len(w) {
		panic("parley: WeightedMedian: length mismatch")
	}
	return weightedMedianStrided(x, 1, 0, w, idx)
}

// Rule is an issue's decision rule: how the positions of the actors, each
// weighted by capability times salience, combine into the outcome.
type Rule string

// Decision rules.
const (
	// RuleMedian takes the weighted median, the Condorcet winner in one
	// dimension. It is the default (the empty Rule means RuleMedian).
	RuleMedian Rule = "weighted-median"
	// RuleMean takes the weighted mean, a compromise.
	RuleMean Rule = "weighted-mean"
)

// Rules lists the decision rules.
var Rules = []Rule{RuleMedian, RuleMean}

// Outcome applies issue k's decision rule to positions (dense, a*M+k) with
// capability×salience weights from in, then confines the result to the
// veto players' core (see ApplyVeto). w and idx are scratch space of length
// N (nil allocates). It returns NaN when no actor with positive weight
// takes part in the issue.
func (in *Instance) Outcome(k int, positions, w []float64, idx []int) float64 {
	return in.OutcomeBy(in.Issues[k].Rule, k, positions, w, idx)
}

// OutcomeBy is Outcome with the decision rule given instead of the issue's
// own.
func (in *Instance) OutcomeBy(rule Rule, k int, positions, w []float64, idx []int) float64 {
	n, m := in.N(), in.M()
	if w == nil {
		w = make([]float64, n)
	}
	if idx == nil {
		idx = make([]int, 0, n)
	}
	in.Weights(w, k)
	var out float64
	switch rule {
	case RuleMean:
		out = weightedMeanStrided(positions, m, k, w)
	default:
		out = weightedMedianStrided(positions, m, k, w, idx)
	}
	return in.ApplyVeto(k, positions, out)
}

// ApplyVeto confines outcome x of issue k to the interval spanned by the
// positions of the issue's veto players (those present on it). In one
// dimension with single-peaked preferences that interval is the unanimity
// core of the veto players: from inside it, no move makes every veto player
// better off, and an outcome outside it would be blocked in favour of its
// nearest end.
func (in *Instance) ApplyVeto(k int, positions []float64, x float64) float64 {
	m := in.M()
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, a := range in.Issues[k].Vetoes {
		p := positions[a*m+k]
		if math.IsNaN(p) {
			continue
		}
		lo = math.Min(lo, p)
		hi = math.Max(hi, p)
	}
	if lo > hi || math.IsNaN(x) {
		return x
	}
	return math.Min(math.Max(x, lo), hi)
}

// weightedMeanStrided is the weighted mean of column k of a dense N×M
// matrix p with weights w (length N).
func weightedMeanStrided(p []float64, m, k int, w []float64) float64 {
	var sw, swx float64
	for a := range w {
		x := p[a*m+k]
		if math.IsNaN(x) || w[a] <= 0 {
			continue
		}
		sw += w[a]
		swx += w[a] * x
	}
	if sw == 0 {
		return math.NaN()
	}
	return swx / sw
}

// weightedMedianStrided is the weighted median of column k of a dense N×M
// matrix p with weights w (length N), without copying the column. It
// allocates only when idx is too small.
func weightedMedianStrided(p []float64, m, k int, w []float64, idx []int) float64 {
	idx = idx[:0]
	var total float64
	for a := range w {
		if w[a] <= 0 || math.IsNaN(p[a*m+k]) {
			continue
		}
		idx = append(idx, a)
		total += w[a]
	}
	if total == 0 {
		return math.NaN()
	}
	// Insertion sort by position: stable, allocation-free, and fast for
	// the tens of actors negotiations have.
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && p[idx[j]*m+k] < p[idx[j-1]*m+k]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	half := total / 2
	tol := 1e-12 * total
	var cum float64
	for j := 0; j < len(idx); j++ {
		x := p[idx[j]*m+k]
		cum += w[idx[j]]
		for j+1 < len(idx) && p[idx[j+1]*m+k] == x {
			j++
			cum += w[idx[j]]
		}
		if cum > half+tol {
			return x
		}
		if cum >= half-tol {
			if j+1 < len(idx) {
				return (x + p[idx[j+1]*m+k]) / 2
			}
			return x
		}
	}
	return p[idx[len(idx)-1]*m+k]
}
