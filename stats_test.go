package parley_test

import (
	"math"
	"testing"

	"github.com/parley-forecast/parley"
)

func TestWeightedMedian(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		x, w []float64
		want float64
	}{
		{"single", []float64{3}, []float64{1}, 3},
		// Weights 1,1,1 at 1,2,3: cumulative 1,2,3 passes half (1.5) at 2.
		{"odd", []float64{3, 1, 2}, []float64{1, 1, 1}, 2},
		// Cumulative reaches exactly half at 0: midpoint of 0 and 100.
		{"tie at half", []float64{0, 100}, []float64{1, 1}, 50},
		{"mirror of tie", []float64{100, 0}, []float64{1, 1}, 50},
		// Heavy actor decides: weight 5 of 7 at 9.
		{"dictator", []float64{1, 9, 2}, []float64{1, 5, 1}, 9},
		// NaN (absent) and zero weight are ignored.
		{"absent", []float64{nan, 4, 8, 6}, []float64{10, 1, 0, 1}, 5},
		{"empty", []float64{nan}, []float64{1}, nan},
		// Emissions case (eum.md §4.1): c·s weights; cumulative weight at 7
		// is 0.341 against a half-total of 0.3385, so the median is 7.
		{"emissions", []float64{4, 7, 4, 4, 10, 10, 10, 7, 4, 7},
			[]float64{.08 * .8, .08 * .4, .03 * .2, .16 * .8, .16 * .6, .16 * .6, .16 * .9, .05 * .1, .05 * 1, .08 * .7}, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parley.WeightedMedian(tt.x, tt.w, nil)
			if got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
				t.Errorf("WeightedMedian = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWeightedMeanEmissions(t *testing.T) {
	x := []float64{4, 7, 4, 4, 10, 10, 10, 7, 4, 7}
	w := []float64{.08 * .8, .08 * .4, .03 * .2, .16 * .8, .16 * .6, .16 * .6, .16 * .9, .05 * .1, .05 * 1, .08 * .7}
	// Reference: eum.md §4.1, c·s-weighted mean 7.389955686853767.
	if got, want := parley.WeightedMean(x, w), 7.389955686853767; math.Abs(got-want) > 1e-12 {
		t.Errorf("WeightedMean = %.16g, want %.16g", got, want)
	}
}

func TestOutcomeRuleAndVeto(t *testing.T) {
	nan := math.NaN()
	in := &parley.Instance{
		Actors: []string{"a", "b", "c"},
		Issues: []parley.IssueSpec{
			{ID: "med", Min: 0, Max: 100, Rule: parley.RuleMedian},
			{ID: "mean", Min: 0, Max: 100, Rule: parley.RuleMean},
			{ID: "veto", Min: 0, Max: 100, Vetoes: []int{2}},
		},
		// a: 10, 10, 10; b: 50, 50, 50; c: 90, 90, absent→veto ignored… c is present on veto at 20.
		Position:   []float64{10, 10, 80, 50, 50, 90, 90, 90, 20},
		Salience:   []float64{1, 1, 1, 1, 1, 1, 1, 1, 1},
		Capability: []float64{1, 1, 1, 2, 2, 2, 1, 1, 1},
	}
	pos := in.Position
	// Median of 10 (w1), 50 (w2), 90 (w1): cumulative 1, 3 passes 2 at 50.
	if got := in.Outcome(0, pos, nil, nil); got != 50 {
		t.Errorf("median outcome = %v, want 50", got)
	}
	// Mean: (10 + 100 + 90)/4 = 50.
	if got := in.Outcome(1, pos, nil, nil); got != 50 {
		t.Errorf("mean outcome = %v, want 50", got)
	}
	// Issue 2: positions 80, 90, 20 with weights 1, 2, 1 → median 90;
	// c alone holds a veto at 20, so the core is [20,20] and the outcome 20.
	if got := in.Outcome(2, pos, nil, nil); got != 20 {
		t.Errorf("veto outcome = %v, want 20", got)
	}
	in.Position[2*3+2] = nan // c absent: its veto no longer binds.
	if got := in.Outcome(2, in.Position, nil, nil); got != 90 {
		t.Errorf("outcome with absent veto player = %v, want 90", got)
	}
}
