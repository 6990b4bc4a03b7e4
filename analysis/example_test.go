package analysis_test

import (
	"context"
	"fmt"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/model/baseline"
)

// Two actors of equal weight: A's position is uncertain, triangular on
// (20, 40, 80); B sits at 50. The weighted mean is (x+50)/2, so its mean is
// (46.67+50)/2 = 48.33 and P(k ≥ 45) = P(x ≥ 40) = 2/3.
func ExampleSimulate() {
	s := &parley.Scenario{
		Title:  "Two actors",
		Actors: []parley.Actor{{ID: "a", Name: "A", Capability: parley.Point(1)}, {ID: "b", Name: "B", Capability: parley.Point(1)}},
		Issues: []parley.Issue{{ID: "k", Name: "K", Scale: parley.Scale{Min: 0, Max: 100}, Rule: parley.RuleMean}},
		Stances: []parley.Stance{
			{Actor: "a", Issue: "k", Position: parley.Range(20, 40, 80), Salience: parley.Point(1), Assumption: "example"},
			{Actor: "b", Issue: "k", Position: parley.Point(50), Salience: parley.Point(1), Assumption: "example"},
		},
		Questions: []parley.Question{{ID: "q", When: "k >= 45"}},
	}
	p, err := analysis.NewProblem(s)
	if err != nil {
		panic(err)
	}
	cfg := analysis.Config{Model: baseline.Compromise(), Options: parley.Options{Seed: 1}}
	sum, err := analysis.Simulate(context.Background(), p, cfg, analysis.SimOptions{Draws: 100000})
	if err != nil {
		panic(err)
	}
	k, q := sum.Issues[0], sum.Questions[0]
	fmt.Printf("mean %.1f, sd %.1f, median %.1f\n", k.Mean, k.SD, k.Quantiles.P50)
	fmt.Printf("P(%s) = %.2f [%.2f, %.2f]\n", q.When, q.Probability, q.Interval[0], q.Interval[1])
	// Output:
	// mean 48.3, sd 6.2, median 47.7
	// P(k >= 45) = 0.67 [0.66, 0.67]
}

// Moving a dictator's position moves the forecast all the way; nobody else
// can move it.
func ExampleLeverage() {
	s := &parley.Scenario{
		Title:  "Dictator",
		Actors: []parley.Actor{{ID: "d", Name: "D", Capability: parley.Point(1)}, {ID: "x", Name: "X", Capability: parley.Point(0)}},
		Issues: []parley.Issue{{ID: "k", Name: "K", Scale: parley.Scale{Min: 0, Max: 10}}},
		Stances: []parley.Stance{
			{Actor: "d", Issue: "k", Position: parley.Point(4), Salience: parley.Point(1), Assumption: "example"},
			{Actor: "x", Issue: "k", Position: parley.Point(9), Salience: parley.Point(1), Assumption: "example"},
		},
	}
	p, _ := analysis.NewProblem(s)
	r, err := analysis.Leverage(context.Background(), p, analysis.Config{Model: baseline.Median()})
	if err != nil {
		panic(err)
	}
	for _, e := range r.Issues[0].Actors {
		fmt.Printf("%s: to min %+.0f, to max %+.0f, leverage %.1f\n", e.Actor, e.Shift["to_min"], e.Shift["to_max"], e.Leverage)
	}
	// Output:
	// d: to min -4, to max +6, leverage 0.6
	// x: to min +0, to max +0, leverage 0.0
}
