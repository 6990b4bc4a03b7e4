package eum_test

import (
	"context"
	"fmt"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/eum"
)

// Two actors on a 0–1 scale: A cares fully, B half as much. B, the more
// threatened, becomes risk acceptant (r = 1/2), sees that A would gain more
// from challenging it than it would lose, and concedes part of the way,
// round after round (round 1 is worked by hand in TestTwoActors).
func Example() {
	in := &parley.Instance{
		Actors:     []string{"A", "B"},
		Issues:     []parley.IssueSpec{{ID: "x", Min: 0, Max: 1}},
		Position:   []float64{0, 1},
		Capability: []float64{1, 1},
		Salience:   []float64{1, 0.5},
	}
	s, err := eum.New().Prepare(parley.Options{Rounds: 3})
	if err != nil {
		panic(err)
	}
	var res parley.Result
	if err := s.Solve(context.Background(), in, &res); err != nil {
		panic(err)
	}
	for _, e := range res.Events {
		fmt.Printf("round %d: %s %.4f -> %.4f: %s\n", e.Round, in.Actors[e.Actor], e.From, e.To, e.Why)
	}
	r, _ := res.Detail.(*eum.Detail).Rounds[0].Issues[0].Risk.Of("B")
	fmt.Printf("r_B in round 1: %.4g\n", r)
	fmt.Printf("forecast: %g\n", res.Forecast[0])
	// Output:
	// round 1: B 1.0000 -> 0.6623: compromise with A (E_i(U_ij)=-0.505, E_i(U_ji)=1.495)
	// round 2: B 0.6623 -> 0.1595: compromise with A (E_i(U_ij)=-0.336, E_i(U_ji)=0.443)
	// round 3: B 0.1595 -> 0.0390: compromise with A (E_i(U_ij)=-0.017, E_i(U_ji)=0.022)
	// r_B in round 1: 0.5
	// forecast: 0
}
