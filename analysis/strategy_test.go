package analysis_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/model/baseline"
)

func strategy(t *testing.T, s *parley.Scenario, o analysis.StrategyOptions) *analysis.StrategyResult {
	t.Helper()
	r, err := analysis.Strategy(context.Background(), problem(t, s), analysis.Config{Model: baseline.Compromise(), Workers: 2}, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// On the two-actor weighted-mean issue (a at 40, b at 50, equal weights)
// the outcome is (x_a + 50)/2. "k >= 55" needs x_a ≥ 60: a position move
// of +20, cost 0.2. a's salience cannot help (it only pulls the outcome
// between 40 and 50).
func TestStrategySingleLever(t *testing.T) {
	s := twoActors(parley.Range(20, 40, 80))
	s.Questions = []parley.Question{{ID: "q", When: "k >= 55"}, {ID: "easy", When: "k >= 40"}}
	r := strategy(t, s, analysis.StrategyOptions{Actor: "a", Question: "q"})
	if !r.Found || r.Base.Holds || !r.Final.Holds || len(r.Moves) != 1 || r.Moves[0].Lever != "position on k" {
		t.Fatalf("result %+v", r)
	}
	if math.Abs(r.Moves[0].To-60) > 0.01 || math.Abs(r.Cost-0.2) > 1e-4 {
		t.Errorf("move %+v cost %v, want 40 → 60, cost 0.2", r.Moves[0], r.Cost)
	}
	if len(r.Path) < 3 || r.Path[0].Phase != "base" || r.Path[len(r.Path)-1].Phase != "answer" {
		t.Errorf("path %+v", r.Path)
	}
	// Already holding: no change.
	r = strategy(t, s, analysis.StrategyOptions{Actor: "a", Question: "easy"})
	if !r.Found || r.Cost != 0 || len(r.Moves) != 0 {
		t.Errorf("holding question: %+v", r)
	}
	if _, err := analysis.Strategy(context.Background(), problem(t, s), analysis.Config{Model: baseline.Compromise()}, analysis.StrategyOptions{Actor: "zz", Question: "q"}); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("unknown actor: %v", err)
	}
}

// Two issues, a at 40 and b at 50 on both: "k >= 55 and j >= 55" needs
// both of a's positions at 60 or more, which no single lever gives. The
// greedy climb and the shrink must end near (60, 60), cost about 0.4.
func TestStrategyClimbsAndShrinks(t *testing.T) {
	s := twoActors(parley.Point(40))
	s.Issues = append(s.Issues, parley.Issue{ID: "j", Name: "J", Scale: parley.Scale{Min: 0, Max: 100}, Rule: parley.RuleMean})
	s.Stances = append(s.Stances,
		parley.Stance{Actor: "a", Issue: "j", Position: parley.Point(40), Salience: parley.Point(1), Assumption: "test"},
		parley.Stance{Actor: "b", Issue: "j", Position: parley.Point(50), Salience: parley.Point(1), Assumption: "test"})
	s.Questions = []parley.Question{{ID: "both", When: "k >= 55 and j >= 55"}}
	r := strategy(t, s, analysis.StrategyOptions{Actor: "a", Question: "both"})
	if !r.Found || !r.Final.Holds || len(r.Moves) != 2 {
		t.Fatalf("result %+v", r)
	}
	for _, m := range r.Moves {
		if m.To < 60-1e-9 || m.To > 62 {
			t.Errorf("move %+v, want to about 60", m)
		}
	}
	if r.Cost > 0.43 {
		t.Errorf("cost %v, want about 0.4", r.Cost)
	}
	phases := map[string]bool{}
	for _, st := range r.Path {
		phases[st.Phase] = true
	}
	if !phases["scan"] || !phases["climb"] {
		t.Errorf("path phases %v", phases)
	}
}

// Under uncertainty: x_a ~ triangular(20, 40, 80), so P(k ≥ 55) =
// P(x_a ≥ 60) = (80−60)²/((80−20)(80−40)) = 1/6 before any change. Moving
// a's position up by about 40 makes it hold in every draw.
func TestStrategyProbability(t *testing.T) {
	s := twoActors(parley.Range(20, 40, 80))
	s.Questions = []parley.Question{{ID: "q", When: "k >= 55"}}
	r := strategy(t, s, analysis.StrategyOptions{Actor: "a", Question: "q", Draws: 400})
	if math.Abs(float64(*r.Base.Probability)-1.0/6) > 4*math.Sqrt(1.0/6*5/6/400) {
		t.Errorf("base probability %v, want about 1/6", *r.Base.Probability)
	}
	if !r.Found || *r.Final.Probability != 1 || len(r.Moves) != 1 || r.Moves[0].Lever != "position on k" {
		t.Fatalf("result %+v", r)
	}
	if d := r.Moves[0].To - r.Moves[0].From; d < 35 || d > 42 {
		t.Errorf("shift %v, want about 40 (60 minus the lowest draw)", d)
	}
}

// The scan notes word each direction as it is: a lever scanned down "never
// holds, down to" the bottom of its range, not "up to" it. Same problem as
// TestStrategySingleLever: k >= 55 holds once a's position (40 on a 0–100
// scale) is raised to 60; lowering it, or moving a's salience (1) either
// way, never makes it hold. (Salience is already at the top of its range,
// so it is scanned down only.)
func TestStrategyScanNotes(t *testing.T) {
	s := twoActors(parley.Range(20, 40, 80))
	s.Questions = []parley.Question{{ID: "q", When: "k >= 55"}}
	r := strategy(t, s, analysis.StrategyOptions{Actor: "a", Question: "q"})
	var got []string
	for _, st := range r.Path {
		if st.Phase == "scan" {
			note, _, _ := strings.Cut(st.Note, " (best margin")
			got = append(got, st.Lever+" "+note)
		}
	}
	want := []string{
		"position on k up: holds once raised to 60",
		"position on k down: never holds, down to 0",
		"salience on k down: never holds, down to 0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("scan notes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
