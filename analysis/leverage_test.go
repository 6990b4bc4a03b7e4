package analysis_test

import (
	"context"
	"math"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/model/baseline"
)

func TestCompareNullVariantChangesNothing(t *testing.T) {
	s := synthetic(5, 7, 3, true)
	for _, m := range []parley.Model{baseline.Median(), baseline.Compromise(), toy{}} {
		c, err := analysis.Compare(context.Background(), s, analysis.Config{Model: m, Workers: 2}, analysis.CompareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Columns) != 3 || c.Columns[0].Variant != "" || c.Columns[1].Variant != "nothing" {
			t.Fatalf("columns %+v", c.Columns)
		}
		base, null := c.Columns[0], c.Columns[1]
		for k := range c.Issues {
			if base.Difference[k] != 0 || null.Difference[k] != 0 || null.Forecast[k] != base.Forecast[k] {
				t.Errorf("%s issue %d: null variant forecast %v (difference %v), base %v", m.Info().Name, k, null.Forecast[k], null.Difference[k], base.Forecast[k])
			}
		}
		for j := range c.Questions {
			if null.Holds[j] != base.Holds[j] {
				t.Errorf("question %d flips under the null variant", j)
			}
		}
		out := c.Columns[2]
		for k := range c.Issues {
			if want := float64(out.Forecast[k] - base.Forecast[k]); math.Abs(float64(out.Difference[k])-want) > 1e-12 {
				t.Errorf("difference %v, want %v", out.Difference[k], want)
			}
		}
	}
	c, err := analysis.Compare(context.Background(), s, analysis.Config{Model: baseline.Median()}, analysis.CompareOptions{Variants: []string{"a1-out"}, Draws: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Columns) != 2 || c.Columns[1].Variant != "a1-out" || c.Columns[1].Simulation == nil || c.Columns[1].Simulation.Draws != 50 {
		t.Errorf("compare with draws: %+v", c.Columns)
	}
	if _, err := analysis.Compare(context.Background(), s, analysis.Config{Model: baseline.Median()}, analysis.CompareOptions{Variants: []string{"nope"}}); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("unknown variant: err %v", err)
	}
}

func leverage(t *testing.T, s *parley.Scenario, m parley.Model) *analysis.LeverageResult {
	t.Helper()
	r, err := analysis.Leverage(context.Background(), problem(t, s), analysis.Config{Model: m, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLeverageZeroCapabilityHasNone(t *testing.T) {
	s := synthetic(6, 6, 3, false)
	s.Actors[3].Capability = parley.Point(0)
	for _, m := range []parley.Model{baseline.Median(), baseline.Compromise(), toy{}} {
		r := leverage(t, s, m)
		for _, is := range r.Issues {
			e := is.Actors[3]
			if e.Leverage != 0 {
				t.Errorf("%s %s: zero-capability actor has leverage %v (%v)", m.Info().Name, is.ID, e.Leverage, e.Shift)
			}
			for other, mv := range e.MaxMove {
				if mv != 0 {
					t.Errorf("%s %s: zero-capability actor moves %s by %v", m.Info().Name, is.ID, other, mv)
				}
			}
		}
		if r.Ranking[len(r.Ranking)-1].Actor != "a3" || r.Ranking[len(r.Ranking)-1].Score != 0 {
			t.Errorf("%s: ranking %v, want a3 last with 0", m.Info().Name, r.Ranking)
		}
	}
}

func TestLeverageDictatorDecidesAlone(t *testing.T) {
	s := synthetic(7, 5, 3, false)
	for i := range s.Issues {
		s.Issues[i].Vetoes = nil
	}
	for a := range s.Actors {
		if a != 2 {
			s.Actors[a].Capability = parley.Point(0)
		}
	}
	for i := range s.Stances {
		s.Stances[i].Capability = nil
	}
	for _, m := range []parley.Model{baseline.Median(), baseline.Compromise()} {
		r := leverage(t, s, m)
		for _, is := range r.Issues {
			d := is.Actors[2]
			if float64(is.Forecast) != float64(d.Position) {
				t.Errorf("%s %s: forecast %v, dictator at %v", m.Info().Name, is.ID, is.Forecast, d.Position)
			}
			// Moving the dictator to an end moves the forecast there.
			if got := float64(is.Forecast + d.Shift["to_min"]); got != is.Scale[0] {
				t.Errorf("%s %s: dictator at min gives %v", m.Info().Name, is.ID, got)
			}
			if got := float64(is.Forecast + d.Shift["to_max"]); math.Abs(got-is.Scale[1]) > 1e-12 {
				t.Errorf("%s %s: dictator at max gives %v", m.Info().Name, is.ID, got)
			}
			// Its capability does not matter; nobody else's does anything.
			if d.Shift["cap_double"] != 0 || d.Shift["cap_half"] != 0 {
				t.Errorf("%s %s: dictator capability shifts %v", m.Info().Name, is.ID, d.Shift)
			}
			for a, e := range is.Actors {
				if a != 2 && e.Leverage != 0 {
					t.Errorf("%s %s: actor %s has leverage %v beside a dictator", m.Info().Name, is.ID, e.Actor, e.Leverage)
				}
			}
		}
		if r.Ranking[0].Actor != "a2" {
			t.Errorf("%s: ranking %v, want a2 first", m.Info().Name, r.Ranking)
		}
	}
}

// TestLeverageSymmetricActors: three actors of equal weight at 20, 50 and
// 80 on a 0–100 median issue. Mirror images must have mirror effects:
// moving the left actor to 100 gives median 80 (shift +30); moving the
// right one to 0 gives 20 (shift −30); the centre moved to either end
// hands the median to the nearer flank (∓30).
func TestLeverageSymmetricActors(t *testing.T) {
	s := &parley.Scenario{Title: "Symmetric", Issues: []parley.Issue{{ID: "k", Name: "K", Scale: parley.Scale{Min: 0, Max: 100}}}}
	for i, x := range []float64{20, 50, 80} {
		id := string(rune('l' + i))
		s.Actors = append(s.Actors, parley.Actor{ID: id, Name: id, Capability: parley.Point(10)})
		s.Stances = append(s.Stances, parley.Stance{Actor: id, Issue: "k", Position: parley.Point(x), Salience: parley.Point(1), Assumption: "test"})
	}
	r := leverage(t, s, baseline.Median())
	e := r.Issues[0].Actors
	if r.Issues[0].Forecast != 50 {
		t.Fatalf("forecast %v", r.Issues[0].Forecast)
	}
	want := [][2]analysis.Num{{0, 30}, {-30, 30}, {-30, 0}}
	for a := range e {
		if got := [2]analysis.Num{e[a].Shift["to_min"], e[a].Shift["to_max"]}; got != want[a] {
			t.Errorf("actor %s: shifts %v, want %v", e[a].Actor, got, want[a])
		}
	}
	if e[0].Leverage != e[2].Leverage || e[0].Shift["to_max"] != -e[2].Shift["to_min"] {
		t.Errorf("mirror actors differ: %+v %+v", e[0], e[2])
	}
	// Two identical actors have identical rows, also for a dynamic model.
	s2 := synthetic(8, 5, 2, false)
	s2.Actors[4].Capability = s2.Actors[3].Capability
	for i := range s2.Stances {
		if s2.Stances[i].Actor == "a4" {
			for _, st := range s2.Stances {
				if st.Actor == "a3" && st.Issue == s2.Stances[i].Issue {
					s2.Stances[i].Position, s2.Stances[i].Salience = st.Position, st.Salience
				}
			}
		}
	}
	for _, m := range []parley.Model{baseline.Median(), baseline.Compromise(), toy{}} {
		r := leverage(t, s2, m)
		for _, is := range r.Issues {
			x, y := is.Actors[3], is.Actors[4]
			// Sums run in actor order, so swapping actors may change the
			// last bits.
			for _, p := range analysis.Perturbations {
				if math.Abs(float64(x.Shift[p]-y.Shift[p])) > 1e-9 {
					t.Errorf("%s %s %s: identical actors shift %v and %v", m.Info().Name, is.ID, p, x.Shift[p], y.Shift[p])
				}
			}
			if math.Abs(float64(x.MaxMove["a0"]-y.MaxMove["a0"])) > 1e-9 {
				t.Errorf("%s %s: identical actors move a0 by %v and %v", m.Info().Name, is.ID, x.MaxMove["a0"], y.MaxMove["a0"])
			}
		}
	}
}

// TestLeverageMovesOthers checks the dynamic-model matrix on the toy model
// worked by hand: two actors of equal weight at 20 and 60 on 0–100. The
// mean is 40; each moves halfway, so finals are 30 and 50. Moving actor x
// to 100 makes the mean 80, y's final (60+80)/2 = 70: a move of +20.
// Moving x to 0: mean 30, y's final 45, a move of −5... (60+30)/2 = 45,
// −5. Doubling x's capability: mean (2·20+60)/3 = 33.33, y's final 46.67,
// −3.33; halving: mean (10+60)/1.5 = 46.67, y's final 53.33, +3.33.
func TestLeverageMovesOthers(t *testing.T) {
	s := &parley.Scenario{Title: "Toy", Issues: []parley.Issue{{ID: "k", Name: "K", Scale: parley.Scale{Min: 0, Max: 100}}}}
	for i, x := range []float64{20, 60} {
		id := string(rune('x' + i))
		s.Actors = append(s.Actors, parley.Actor{ID: id, Name: id, Capability: parley.Point(10)})
		s.Stances = append(s.Stances, parley.Stance{Actor: id, Issue: "k", Position: parley.Point(x), Salience: parley.Point(1), Assumption: "test"})
	}
	r := leverage(t, s, toy{})
	if !r.Dynamic {
		t.Fatal("toy is dynamic")
	}
	mv := r.Issues[0].Actors[0].Moves["y"]
	want := map[string]float64{"to_min": -5, "to_max": 20, "cap_double": -10.0 / 3, "cap_half": 10.0 / 3}
	for p, w := range want {
		if math.Abs(float64(mv[p])-w) > 1e-9 {
			t.Errorf("x %s moves y by %v, want %v", p, mv[p], w)
		}
	}
	if r.Issues[0].Actors[0].MaxMove["y"] != 20 {
		t.Errorf("max move %v, want 20", r.Issues[0].Actors[0].MaxMove["y"])
	}
	if _, ok := r.Issues[0].Actors[0].Moves["x"]; ok {
		t.Errorf("an actor's move of itself is reported")
	}
}
