package output_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/internal/golden"
	"github.com/parley-forecast/parley/output"
)

// fakeModel moves actor 0 halfway to actor 1 on every issue in one round,
// so that the renderers have a trace, events and detail to show.
type fakeSolver struct{}

type fakeDetail struct {
	Rounds []struct {
		Round int    `json:"round"`
		Note  string `json:"note"`
	} `json:"rounds"`
}

func (fakeSolver) Solve(ctx context.Context, in *parley.Instance, dst *parley.Result) error {
	dst.Reset("fake")
	dst.AppendRound(0, in.Position)
	m := in.M()
	next := append([]float64(nil), in.Position...)
	for k := 0; k < m; k++ {
		to := (next[k] + next[m+k]) / 2
		dst.Events = append(dst.Events, parley.Event{Round: 1, Actor: 0, Issue: k, From: next[k], To: to, Why: "meets B halfway", Other: 1})
		next[k] = to
	}
	dst.AppendRound(1, next)
	for k := 0; k < m; k++ {
		dst.Forecast = append(dst.Forecast, in.Outcome(k, next, nil, nil))
	}
	d := fakeDetail{}
	d.Rounds = append(d.Rounds, struct {
		Round int    `json:"round"`
		Note  string `json:"note"`
	}{1, "detail"})
	dst.Detail = d
	return nil
}

func run(t *testing.T) *output.Run {
	s := &parley.Scenario{
		Title: "Two issues",
		Actors: []parley.Actor{
			{ID: "a", Name: "Alpha", Capability: parley.Point(1)},
			{ID: "b", Name: "Beta", Capability: parley.Point(2)},
			{ID: "c", Name: "Gamma", Capability: parley.Point(1)},
		},
		Issues: []parley.Issue{
			{ID: "x", Name: "Ex", Scale: parley.Scale{Min: 0, Max: 100, Anchors: []parley.Anchor{{Value: 0, Label: "none"}, {Value: 50, Label: "half"}, {Value: 100, Label: "all"}}}},
			{ID: "y", Name: "Why", Scale: parley.Scale{Min: -1, Max: 1}, Rule: parley.RuleMean},
		},
		Stances: []parley.Stance{
			{Actor: "a", Issue: "x", Position: parley.Point(0), Salience: parley.Point(1), Assumption: "t"},
			{Actor: "b", Issue: "x", Position: parley.Point(60), Salience: parley.Point(.5), Assumption: "t"},
			{Actor: "c", Issue: "x", Position: parley.Point(100.25), Salience: parley.Point(1), Assumption: "t"},
			{Actor: "a", Issue: "y", Position: parley.Point(-1), Salience: parley.Point(1), Assumption: "t"},
			{Actor: "b", Issue: "y", Position: parley.Point(0.1), Salience: parley.Point(1), Assumption: "t"},
		},
		Questions: []parley.Question{{ID: "q", When: "x >= 50 and y < 0"}},
	}
	s.Issues[0].Scale.Max = 101
	in, err := s.Instance()
	if err != nil {
		t.Fatal(err)
	}
	var r parley.Result
	if err := (fakeSolver{}).Solve(context.Background(), in, &r); err != nil {
		t.Fatal(err)
	}
	return &output.Run{Scenario: s, Instance: in, Result: &r, Seed: 3}
}

func TestGolden(t *testing.T) {
	for _, f := range output.Formats {
		t.Run(f, func(t *testing.T) {
			var b bytes.Buffer
			if err := output.Write(&b, f, run(t)); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "run."+f, b.Bytes())
		})
	}
}

func TestJSONContract(t *testing.T) {
	var b bytes.Buffer
	if err := output.JSON(&b, run(t)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Model  string `json:"model"`
		Issues []struct {
			ID       string   `json:"id"`
			Forecast *float64 `json:"forecast"`
			Rounds   []struct {
				Round     int                `json:"round"`
				Positions map[string]float64 `json:"positions"`
				Mean      *float64           `json:"mean"`
				Median    *float64           `json:"median"`
			} `json:"rounds"`
		} `json:"issues"`
		Rounds    []map[string]any `json:"rounds"`
		Questions []struct {
			Holds bool `json:"holds"`
		} `json:"questions"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b.Bytes())
	}
	if doc.Model != "fake" || len(doc.Issues) != 2 || len(doc.Issues[0].Rounds) != 2 || len(doc.Rounds) != 1 {
		t.Fatalf("unexpected document: %+v", doc)
	}
	// Issue y: c is absent; round 0 positions -1 (w 1) and 0.1 (w 2).
	y := doc.Issues[1]
	if _, ok := y.Rounds[0].Positions["c"]; ok {
		t.Errorf("absent actor listed")
	}
	// Mean = (-1·1 + 0.1·2)/3 = -0.8/3.
	if got := *y.Rounds[0].Mean; math.Abs(got-(-0.8/3)) > 1e-15 {
		t.Errorf("mean = %v", got)
	}
	// Round 1: a moved to (-1+0.1)/2 = -0.45; forecast is the mean rule:
	// (-0.45 + 0.2)/3.
	if got := *y.Forecast; math.Abs(got-(-0.25/3)) > 1e-15 {
		t.Errorf("forecast = %v", got)
	}
	if len(doc.Questions) != 1 {
		t.Errorf("questions = %+v", doc.Questions)
	}
}

func TestCSVFullPrecision(t *testing.T) {
	var b bytes.Buffer
	if err := output.CSV(&b, run(t)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if lines[0] != "model,issue,round,actor,position" {
		t.Errorf("header = %q", lines[0])
	}
	// 3 actors × 2 rounds on x, 2 actors × 2 rounds on y.
	if len(lines) != 1+6+4 {
		t.Errorf("%d rows, want 10", len(lines)-1)
	}
	if !strings.Contains(b.String(), "fake,x,0,c,100.25\n") || !strings.Contains(b.String(), "fake,y,1,a,-0.45\n") {
		t.Errorf("rows missing:\n%s", b.String())
	}
}

func TestDetailReservedKey(t *testing.T) {
	r := run(t)
	r.Result.Detail = map[string]any{"issues": 1}
	if err := output.JSON(&bytes.Buffer{}, r); err == nil {
		t.Errorf("reserved key accepted")
	}
}
