package sweep_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/models"
	"github.com/parley-forecast/parley/scenario"
	"github.com/parley-forecast/parley/sweep"
)

// budget is a small scenario with three inputs given as ranges.
const budget = `title: A budget with uncertain stances
actors:
  - {id: a, name: Alpha, capability: 1}
  - {id: b, name: Beta, capability: {low: 1, mode: 2, high: 3}}
  - {id: c, name: Gamma, capability: 2}
issues:
  - {id: budget, name: Budget, scale: {min: 0, max: 100}}
stances:
  - {actor: a, issue: budget, position: {low: 0, mode: 10, high: 30}, salience: 1, assumption: test}
  - {actor: b, issue: budget, position: {low: 40, mode: 60, high: 70}, salience: 1, assumption: test}
  - {actor: c, issue: budget, position: 100, salience: 0.5, assumption: test}
`

func parseBudget(t testing.TB, doc string) *parley.Scenario {
	t.Helper()
	f, ds := scenario.Parse("budget.yaml", []byte(doc))
	if f == nil || ds.Err() != nil {
		t.Fatalf("parse: %v", ds)
	}
	return f.Scenario
}

// plan makes the manifest of a sweep of budget with the median model.
func plan(t testing.TB, pl sweep.Plan) (*sweep.Manifest, *parley.Scenario, parley.Model) {
	t.Helper()
	s := parseBudget(t, budget)
	p, err := analysis.NewProblem(s)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := models.Lookup("median")
	if err != nil {
		t.Fatal(err)
	}
	pl.Scenario = sweep.NewSource("budget.yaml", "scenario", []byte(budget))
	m, err := sweep.NewManifest(p, analysis.Config{Model: mod, Options: parley.Options{Seed: 9}}, pl)
	if err != nil {
		t.Fatal(err)
	}
	return m, s, mod
}

// runAll computes every shard of m and merges them (Job.RunAll).
func runAll(t testing.TB, m *sweep.Manifest, s *parley.Scenario, mod parley.Model) []byte {
	t.Helper()
	j, err := sweep.Open(m, s, mod, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := j.RunAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Ensure Job's shards merge to the JSON of one analysis.Simulate or
// analysis.Sensitivity pass, for K = 1 and 3.
func TestJobMatchesOnePass(t *testing.T) {
	s := parseBudget(t, budget)
	p, err := analysis.NewProblem(s)
	if err != nil {
		t.Fatal(err)
	}
	mod, _ := models.Lookup("median")
	cfg := analysis.Config{Model: mod, Options: parley.Options{Seed: 9}, Workers: 2}
	sim, err := analysis.Simulate(context.Background(), p, cfg, analysis.SimOptions{Draws: 250, Bins: 10})
	if err != nil {
		t.Fatal(err)
	}
	wantSim, _ := analysis.JSON(sim)
	sens, err := analysis.Sensitivity(context.Background(), p, cfg, analysis.SensitivityOptions{Method: "morris",
		Morris: analysis.MorrisOptions{Trajectories: 6, Levels: 4}})
	if err != nil {
		t.Fatal(err)
	}
	wantSens, _ := analysis.JSON(sens)
	for _, k := range []int{1, 3} {
		m, s, mod := plan(t, sweep.Plan{Analysis: sweep.Simulate, Draws: 250, Bins: 10, Shards: k})
		if got := runAll(t, m, s, mod); !bytes.Equal(got, wantSim) {
			t.Errorf("simulate K=%d:\n%s\nwant\n%s", k, got, wantSim)
		}
		m, s, mod = plan(t, sweep.Plan{Analysis: sweep.Sensitivity, Shards: k,
			Sensitivity: &sweep.SensitivitySpec{Method: "morris", Draws: 6, Levels: 4, Sampler: "sobol", Resamples: 100}})
		// Morris: 6 trajectories of 3 inputs + 1 points.
		if m.Draws != 6*4 || m.Sensitivity.Sampler != "" || m.Sensitivity.Resamples != 0 {
			t.Fatalf("morris manifest: %d evaluations, spec %+v", m.Draws, m.Sensitivity)
		}
		if got := runAll(t, m, s, mod); !bytes.Equal(got, wantSens) {
			t.Errorf("morris K=%d:\n%s\nwant\n%s", k, got, wantSens)
		}
	}
}

// Ensure NewManifest, Open and RunShard refuse what does not fit.
func TestJobRefuses(t *testing.T) {
	m, s, mod := plan(t, sweep.Plan{Analysis: sweep.Simulate, Draws: 10, Shards: 2})
	other, _ := models.Lookup("compromise")
	if _, err := sweep.Open(m, s, other, 1, nil); err == nil || !strings.Contains(err.Error(), "model is median") {
		t.Errorf("another model: %v", err)
	}
	edited := parseBudget(t, strings.Replace(budget, "position: 100", "position: 90", 1))
	if _, err := sweep.Open(m, edited, mod, 1, nil); err == nil || !strings.Contains(err.Error(), "now reads as") {
		t.Errorf("an edited scenario: %v", err)
	}
	j, err := sweep.Open(m, s, mod, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.RunShard(context.Background(), 2); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("shard 2 of 2: %v", err)
	}
	if _, err := j.MergeSensitivity(nil); err == nil {
		t.Error("a simulate sweep merged as sensitivity")
	}
	p, _ := analysis.NewProblem(s)
	for _, pl := range []sweep.Plan{
		{Analysis: "leverage", Draws: 10, Shards: 1},
		{Analysis: sweep.Simulate, Draws: 3, Shards: 4},
		{Analysis: sweep.Sensitivity, Shards: 1},
		{Analysis: sweep.Sensitivity, Shards: 100, Sensitivity: &sweep.SensitivitySpec{Method: "morris", Draws: 2, Levels: 4}},
	} {
		pl.Scenario = sweep.NewSource("budget.yaml", "scenario", []byte(budget))
		if _, err := sweep.NewManifest(p, analysis.Config{Model: mod}, pl); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("plan %+v: %v", pl, err)
		}
	}
}

// A sweep planned once computes the same bytes however it is split.
func ExampleJob() {
	s, _ := scenario.Parse("budget.yaml", []byte(budget))
	p, _ := analysis.NewProblem(s.Scenario)
	mod, _ := models.Lookup("median")
	results := map[string]bool{}
	for _, k := range []int{1, 4} {
		m, err := sweep.NewManifest(p, analysis.Config{Model: mod, Options: parley.Options{Seed: 1}},
			sweep.Plan{Analysis: sweep.Simulate, Scenario: sweep.NewSource("budget.yaml", "scenario", []byte(budget)),
				Draws: 1000, Shards: k})
		if err != nil {
			fmt.Println(err)
			return
		}
		j, _ := sweep.Open(m, s.Scenario, mod, 0, nil)
		var files []sweep.File
		for i := range k {
			b, _ := j.RunShard(context.Background(), i)
			files = append(files, sweep.File{Name: sweep.ShardName(i, k), Data: b})
		}
		out, _ := j.MergeJSON(files)
		results[string(out)] = true
		lo, hi := sweep.Range(m.Draws, m.Shards, k-1)
		fmt.Printf("K=%d: last shard runs [%d,%d)\n", k, lo, hi)
	}
	fmt.Println("distinct results:", len(results))
	// Output:
	// K=1: last shard runs [0,1000)
	// K=4: last shard runs [750,1000)
	// distinct results: 1
}
