package smp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/ktab"
	"github.com/parley-forecast/parley/model/modeltest"
	"github.com/parley-forecast/parley/model/smp"
)

// three is the hand-worked case of kernel_test.go: A, B, C at 0, 50, 100
// with capabilities 3, 2, 1 and saliences 0.8, 0.6, 0.5.
func three() *parley.Instance {
	return &parley.Instance{
		Actors:     []string{"A", "B", "C"},
		Issues:     []parley.IssueSpec{{ID: "x", Min: 0, Max: 100, Rule: parley.RuleMedian}},
		Position:   []float64{0, 50, 100},
		Salience:   []float64{0.8, 0.6, 0.5},
		Capability: []float64{3, 2, 1},
	}
}

func TestEventsAndDetail(t *testing.T) {
	res := run(t, three(), parley.Options{})
	// Round 1 (worked by hand in kernel_test.go): A takes the compromise it
	// proposed to C (0 → 1.4); B and C take the one C proposed to B (→ 51.97).
	want := []struct {
		actor, other int
		from, to     float64
		why          string
	}{
		{0, 2, 0, 1.4, "took the compromise it proposed to C"},
		{1, 2, 50, 51.97, "took the compromise C proposed to it"},
		{2, 1, 100, 51.97, "took the compromise it proposed to B"},
	}
	if len(res.Events) < len(want) {
		t.Fatalf("events %v", res.Events)
	}
	for i, w := range want {
		e := res.Events[i]
		if e.Round != 1 || e.Actor != w.actor || e.Other != w.other || e.Issue != 0 || e.Why != w.why ||
			math.Abs(e.From-w.from) > 1e-9 || math.Abs(e.To-w.to) > 1e-9 {
			t.Errorf("event %d: %v, want %+v", i, e, w)
		}
	}
	b, err := json.Marshal(res.Detail)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Rounds []struct {
			Round          int                `json:"round"`
			WinProbability map[string]float64 `json:"win_probability"`
		} `json:"rounds"`
		Stop string `json:"stop"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Rounds) != len(res.Trace) || d.Stop != "converged" {
		t.Fatalf("detail %s", b)
	}
	// Turn 0: a PCE over the three positions, each actor voting with its
	// own risk-aware utilities (R = 5/6, 1, −1/2 from kernel_test.go):
	//   U_A(B) = 0.5·(1+5/12) = 17/24, U_B(A) = U_B(C) = 0.5·1.5 = 3/4, U_C(B) = 0.5·0.75 = 3/8.
	//   A:B  3·7/24 = 0.875 : 2·0.25 + 0.375 = 0.875  → P = 1/2
	//   A:C  3 : 1                                    → P = 3/4
	//   B:C  3·17/24 + 2·0.25 = 2.625 : 0.625         → P = 21/26
	//   A ∝ 1/2·1/2·3/4 = 39/208, B ∝ 1/2·1/2·21/26 = 42/208, C ∝ 1/4·5/26·1/2 = 5/208
	// so (39, 42, 5)/86. smpc prints 0.4535 0.4884 0.0581.
	for a, p := range map[string]float64{"A": 39.0 / 86, "B": 42.0 / 86, "C": 5.0 / 86} {
		if math.Abs(d.Rounds[0].WinProbability[a]-p) > 1e-8 {
			t.Errorf("turn 0 %s: win probability %v, want %v", a, d.Rounds[0].WinProbability[a], p)
		}
	}
	for _, r := range d.Rounds {
		var sum float64
		seen := map[float64]bool{}
		for _, p := range r.WinProbability {
			if !seen[p] {
				sum += p
			}
			seen[p] = true
		}
		if r.Round == 0 && math.Abs(sum-1) > 1e-12 {
			t.Errorf("turn 0 probabilities add up to %v", sum)
		}
	}
	quiet := run(t, three(), parley.Options{NoTrace: true})
	if quiet.Detail != nil || len(quiet.Events) != 0 {
		t.Errorf("NoTrace kept detail %v or %d events", quiet.Detail, len(quiet.Events))
	}
}

func TestDictatorWithinRounding(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for trial := 0; trial < 5; trial++ {
		in := modeltest.RandomInstance(rng, 6, 3)
		m := in.M()
		for a := range in.Actors {
			if a != 1 {
				for k := 0; k < m; k++ {
					in.Capability[a*m+k] = 0
				}
			}
		}
		res := run(t, in, parley.Options{})
		for k, is := range in.Issues {
			eps := 5e-5*(is.Max-is.Min) + 1e-12
			if d := math.Abs(res.Final()[1*m+k] - in.Position[1*m+k]); d > eps {
				t.Errorf("trial %d issue %d: the dictator moved by %g", trial, k, d)
			}
			if d := math.Abs(res.Forecast[k] - in.Position[1*m+k]); d > eps {
				t.Errorf("trial %d issue %d: forecast %v, dictator at %v", trial, k, res.Forecast[k], in.Position[1*m+k])
			}
		}
	}
}

// TestStochastic: the same seed gives the same run whatever the number of
// threads; another seed gives another run. Deterministic runs ignore the
// seed and the number of workers.
func TestStochastic(t *testing.T) {
	// 50 actors: enough for the challenges to run on several workers.
	in := randomKTAB(3, 50, 2)
	opts := parley.Options{Seed: 5, Rounds: 6, Params: map[string]string{"transitions": "Stochastic"}}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	a := run(t, in, opts)
	runtime.GOMAXPROCS(2)
	b := run(t, in, opts)
	if fmt.Sprint(a.Trace) != fmt.Sprint(b.Trace) {
		t.Errorf("same seed, different runs")
	}
	differs := false
	for seed := uint64(6); seed < 9 && !differs; seed++ {
		opts.Seed = seed
		c := run(t, in, opts)
		differs = fmt.Sprint(a.Trace) != fmt.Sprint(c.Trace)
	}
	if !differs {
		t.Errorf("seeds 5 to 8 all gave the same stochastic run")
	}
	det := run(t, in, parley.Options{Seed: 5, Rounds: 6})
	runtime.GOMAXPROCS(1)
	det2 := run(t, in, parley.Options{Seed: 6, Rounds: 6})
	if fmt.Sprint(det.Trace) != fmt.Sprint(det2.Trace) {
		t.Errorf("the seed or the number of workers changed a deterministic run")
	}
}

func TestOptionsErrors(t *testing.T) {
	for _, tc := range []struct {
		params map[string]string
		rounds int
		want   string
	}{
		{map[string]string{"voting_rule": "Proportional"}, 0, "voting_rule must be one of"},
		{map[string]string{"accommodation": "A:B"}, 0, "want ADJUSTER:REFERENCE=VALUE"},
		{map[string]string{"accommodation": "A:B=1.5"}, 0, "in [0,1]"},
		{map[string]string{"nonsense": "1"}, 0, "has no option"},
		{nil, -1, "rounds must not be negative"},
	} {
		_, err := smp.New().Prepare(parley.Options{Params: tc.params, Rounds: tc.rounds})
		if err == nil || parley.ErrorCode(err) != parley.EINVALID || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want EINVALID containing %q", tc.params, err, tc.want)
		}
	}
	// Errors found only against the instance.
	for params, want := range map[string]string{
		"D:A=0.5":         `no actor "D"`,
		"A:B=0.5":         "add up to 1.5",
		"A:B=0.5;A:A=0.5": "",
	} {
		s, err := smp.New().Prepare(parley.Options{Params: map[string]string{"accommodation": params}})
		if err != nil {
			t.Fatal(err)
		}
		var r parley.Result
		err = s.Solve(context.Background(), three(), &r)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("accommodation %q: err = %v, want %q", params, err, want)
		}
	}
}

// TestAccommodation: with fixed ideals (every actor's accommodation 0) an
// actor keeps measuring utility from where it started, so the run differs
// from KTAB's default, where ideals follow positions.
func TestAccommodation(t *testing.T) {
	base := run(t, three(), parley.Options{})
	fixed := run(t, three(), parley.Options{Params: map[string]string{"accommodation": "A:A=0;B:B=0;C:C=0"}})
	if fmt.Sprint(base.Trace) == fmt.Sprint(fixed.Trace) {
		t.Errorf("fixed ideals gave the same run as ideals that follow positions")
	}
	// The identity written out is the default.
	same := run(t, three(), parley.Options{Params: map[string]string{"accommodation": "A:A=1;B:B=1"}})
	if fmt.Sprint(base.Trace) != fmt.Sprint(same.Trace) {
		t.Errorf("explicit identity differs from the default")
	}
}

// TestRelations: relations matter only with relations=accommodate, and an
// alliance then changes the run; rivalry is reported as ignored.
func TestRelations(t *testing.T) {
	in := three()
	in.Relations = []parley.RelationSpec{
		{From: 0, To: 1, Kind: parley.RelAlly, Strength: 0.5},
		{From: 1, To: 2, Kind: parley.RelRival, Strength: 0.5},
	}
	ignored := run(t, in, parley.Options{})
	base := run(t, three(), parley.Options{})
	if fmt.Sprint(base.Trace) != fmt.Sprint(ignored.Trace) {
		t.Errorf("relations changed the run without relations=accommodate")
	}
	acc := run(t, in, parley.Options{Params: map[string]string{"relations": "accommodate"}})
	if fmt.Sprint(base.Trace) == fmt.Sprint(acc.Trace) {
		t.Errorf("an alliance of strength 0.5 did not change the run")
	}
	found := false
	for _, n := range acc.Notes {
		found = found || strings.Contains(n, "rival relation(s) ignored")
	}
	if !found {
		t.Errorf("notes %q do not mention the ignored rivalry", acc.Notes)
	}
}

// TestRoundCap: Options.Rounds caps the run and says so.
func TestRoundCap(t *testing.T) {
	res := run(t, three(), parley.Options{Rounds: 1})
	if got := res.Turns[len(res.Turns)-1]; got != 1 {
		t.Fatalf("ran to turn %d", got)
	}
	if len(res.Notes) == 0 || !strings.Contains(res.Notes[len(res.Notes)-1], "round cap (1)") {
		t.Errorf("notes %q", res.Notes)
	}
	if d := res.Detail.(*smp.Detail); d.Stop != "round cap" {
		t.Errorf("stop %q", d.Stop)
	}
}

// TestSalienceAboveOne: saliences adding up to more than 1 (allowed in
// Parley scenarios, not in KTAB's) are scaled to add up to 1.
func TestSalienceAboveOne(t *testing.T) {
	in := three()
	in.Issues = append(in.Issues, parley.IssueSpec{ID: "y", Min: 0, Max: 10})
	in.Position = []float64{0, 1, 50, 5, 100, 9}
	in.Salience = []float64{0.8, 0.8, 0.6, 0.2, 0.5, 0.1}
	in.Capability = []float64{3, 3, 2, 2, 1, 1}
	res := run(t, in, parley.Options{})
	if len(res.Notes) == 0 || !strings.Contains(res.Notes[0], "actor A: saliences add up to 1.6") {
		t.Errorf("notes %q", res.Notes)
	}
	scaled := in.Clone()
	scaled.Salience[0], scaled.Salience[1] = 0.5, 0.5
	res2 := run(t, scaled, parley.Options{})
	if fmt.Sprint(res.Trace) != fmt.Sprint(res2.Trace) {
		t.Errorf("scaling the saliences by hand gave another run")
	}
}

// Example runs the three-actor case worked by hand in kernel_test.go. KTAB's
// smpc, given the same actors as a CSV file, prints the same history
// (0.0 1.4 1.8 15.7 16.0 29.5 29.5 for A; 50.0 52.0 52.0 50.4 50.4 49.4
// 49.4 for B; 100.0 52.0 1.8 50.4 16.0 49.4 49.4 for C). Ideals follow
// positions, so C, having moved to 51.97, is content to be pulled to A.
func Example() {
	in := &parley.Instance{
		Actors:     []string{"A", "B", "C"},
		Issues:     []parley.IssueSpec{{ID: "x", Min: 0, Max: 100, Rule: parley.RuleMedian}},
		Position:   []float64{0, 50, 100},
		Salience:   []float64{0.8, 0.6, 0.5},
		Capability: []float64{3, 2, 1},
	}
	s, _ := smp.New().Prepare(parley.Options{})
	var res parley.Result
	if err := s.Solve(context.Background(), in, &res); err != nil {
		fmt.Println(err)
		return
	}
	for i, pos := range res.Trace {
		fmt.Printf("turn %d: %v\n", res.Turns[i], pos)
	}
	fmt.Printf("forecast %.2f (%s)\n", res.Forecast[0], res.Detail.(*smp.Detail).Stop)
	// Output:
	// turn 0: [0 50 100]
	// turn 1: [1.4000000000000001 51.970000000000006 51.970000000000006]
	// turn 2: [1.77 51.970000000000006 1.77]
	// turn 3: [15.73 50.4 50.4]
	// turn 4: [15.989999999999998 50.4 15.989999999999998]
	// turn 5: [29.459999999999997 49.43 49.43]
	// turn 6: [29.459999999999997 49.43 49.43]
	// forecast 29.46 (converged)
}

// TestKTABParams: every option the ktab package can return is one of
// this model's, with KTAB's spellings.
func TestKTABParams(t *testing.T) {
	params := map[string]string{
		ktab.ParamVictoryProb: "Octic", ktab.ParamPCE: "MarkovUniform", ktab.ParamTransitions: "Stochastic",
		ktab.ParamVotingRule: "ASymProsp", ktab.ParamBigRAdjust: "TwoThirds", ktab.ParamBigRRange: "Min",
		ktab.ParamThirdPartyCommit: "NoCommit", ktab.ParamInterp: "S1P1", ktab.ParamBargainModel: "PWCompInterp",
		ktab.ParamAccommodation: "A:A=0.5;A:B=0.25",
	}
	if _, err := smp.New().Prepare(parley.Options{Params: params}); err != nil {
		t.Fatal(err)
	}
	res := run(t, three(), parley.Options{Params: params, Seed: 1})
	if len(res.Trace) < 2 {
		t.Errorf("no rounds")
	}
}
