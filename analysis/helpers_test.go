package analysis_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/parley-forecast/parley"
)

func ptr[T any](x T) *T { return &x }

// synthetic returns a valid scenario of n actors and m issues on 0–100
// scales drawn from seed: every actor takes part in every issue, and with
// ranges every capability, position and salience is a range around its
// mode. Actor 0 holds a veto on issue 0. Two questions and two variants
// are included.
func synthetic(seed uint64, n, m int, ranges bool) *parley.Scenario {
	rng := rand.New(rand.NewPCG(seed, 99))
	val := func(lo, hi, spread float64) parley.Value {
		x := lo + (hi-lo)*rng.Float64()
		if !ranges {
			return parley.Point(x)
		}
		return parley.Range(max(lo, x-spread), x, min(hi, x+spread))
	}
	s := &parley.Scenario{Title: fmt.Sprintf("Synthetic %d×%d", n, m)}
	for a := 0; a < n; a++ {
		s.Actors = append(s.Actors, parley.Actor{ID: fmt.Sprintf("a%d", a), Name: fmt.Sprintf("Actor %d", a), Capability: val(5, 100, 10)})
	}
	for k := 0; k < m; k++ {
		is := parley.Issue{ID: fmt.Sprintf("i%d", k), Name: fmt.Sprintf("Issue %d", k), Scale: parley.Scale{Min: 0, Max: 100}}
		if k == 0 {
			is.Vetoes = []string{"a0"}
		}
		s.Issues = append(s.Issues, is)
	}
	for a := 0; a < n; a++ {
		for k := 0; k < m; k++ {
			st := parley.Stance{Actor: fmt.Sprintf("a%d", a), Issue: fmt.Sprintf("i%d", k),
				Position: val(0, 100, 15), Salience: val(0.1, 1, 0.1), Assumption: "synthetic"}
			if a == 1 && k == 0 {
				st.Capability = ptr(val(20, 60, 10))
			}
			s.Stances = append(s.Stances, st)
		}
	}
	if n > 2 {
		s.Relations = []parley.Relation{{From: "a1", To: "a2", Kind: parley.RelLeverage, Strength: 0.5}}
	}
	s.Variants = []parley.Variant{
		{ID: "nothing", Description: "changes nothing", Changes: []parley.Change{{Op: parley.OpShift, Actor: "a0", Issue: "i0", Position: ptr(parley.Point(0))}}},
		{ID: "a1-out", Changes: []parley.Change{{Op: parley.OpRemoveActor, Actor: "a1"}}},
	}
	s.Questions = []parley.Question{
		{ID: "high", When: "i0 >= 50"},
		{ID: "both", When: fmt.Sprintf("i0 >= 40 and i%d < 60", m-1)},
	}
	return s
}

// twoActors is a one-issue scenario worked by hand: actor a at x (a
// range), actor b fixed at 50, equal weights, so the weighted mean is
// (x+50)/2.
func twoActors(x parley.Value) *parley.Scenario {
	return &parley.Scenario{
		Title:  "Two actors",
		Actors: []parley.Actor{{ID: "a", Name: "A", Capability: parley.Point(10)}, {ID: "b", Name: "B", Capability: parley.Point(10)}},
		Issues: []parley.Issue{{ID: "k", Name: "K", Scale: parley.Scale{Min: 0, Max: 100}, Rule: parley.RuleMean}},
		Stances: []parley.Stance{
			{Actor: "a", Issue: "k", Position: x, Salience: parley.Point(1), Assumption: "test"},
			{Actor: "b", Issue: "k", Position: parley.Point(50), Salience: parley.Point(1), Assumption: "test"},
		},
		Questions: []parley.Question{{ID: "q", When: "k >= 45"}},
	}
}
