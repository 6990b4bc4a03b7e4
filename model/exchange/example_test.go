package exchange_test

import (
	"context"
	"fmt"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/exchange"
)

// Two actors on opposite sides of the outcome on two issues: the USA cares
// relatively more about the volume of climate finance, China about who
// pays. Each gives ground on the issue it cares less about.
func Example() {
	in := &parley.Instance{
		Actors: []string{"China", "USA"},
		Issues: []parley.IssueSpec{
			{ID: "volume", Min: 0, Max: 100, Rule: parley.RuleMean},
			{ID: "who_pays", Min: 0, Max: 100, Rule: parley.RuleMean},
		},
		// actor-major: China volume, China who_pays, USA volume, USA who_pays
		Position:   []float64{100, 0, 0, 80},
		Salience:   []float64{0.5, 0.8, 0.7, 0.5},
		Capability: []float64{1, 1, 1, 1},
	}
	s, err := exchange.New().Prepare(parley.Options{Rounds: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	var r parley.Result
	if err := s.Solve(context.Background(), in, &r); err != nil {
		fmt.Println(err)
		return
	}
	for _, rd := range r.Detail.(*exchange.Detail).Rounds {
		fmt.Printf("round %d: %d candidate(s)\n", rd.Round, rd.Candidates)
		for _, e := range rd.Exchanges {
			fmt.Printf("  %s gets support on %s from %s, gain %.4f each\n", e.ActorI, e.IssueP, e.ActorJ, e.Gain)
			for _, m := range []exchange.Move{e.MoveI, e.MoveJ} {
				fmt.Printf("  %s votes %g on %s (prefers %g)\n", m.Actor, m.To, m.Issue, m.From)
			}
		}
	}
	fmt.Printf("forecast: volume %.2f, who_pays %.2f\n", r.Forecast[0], r.Forecast[1])
	fmt.Printf("new preferences: China volume %g, USA who_pays %g\n", r.Final()[0], r.Final()[3])
	// Output:
	// round 1: 1 candidate(s)
	//   USA gets support on volume from China, gain 7.9487 each
	//   USA votes 0 on who_pays (prefers 80)
	//   China votes 20 on volume (prefers 100)
	// forecast: volume 8.33, who_pays 0.00
	// new preferences: China volume 76, USA who_pays 56
}
