package analysis_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"runtime"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/model/baseline"
)

func problem(t testing.TB, s *parley.Scenario) *analysis.Problem {
	t.Helper()
	p, err := analysis.NewProblem(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func simulate(t testing.TB, p *analysis.Problem, m parley.Model, seed uint64, workers int, o analysis.SimOptions) *analysis.SimSummary {
	t.Helper()
	sum, err := analysis.Simulate(context.Background(), p, analysis.Config{Model: m, Options: parley.Options{Seed: seed}, Workers: workers}, o)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSimulatePointInputsHaveZeroVariance(t *testing.T) {
	s := synthetic(1, 6, 3, false)
	p := problem(t, s)
	if len(p.Inputs) != 0 {
		t.Fatalf("%d uncertain inputs, want none", len(p.Inputs))
	}
	for _, m := range []parley.Model{baseline.Median(), baseline.Compromise()} {
		var res parley.Result
		sv, _ := m.Prepare(parley.Options{})
		if err := sv.Solve(context.Background(), p.Base, &res); err != nil {
			t.Fatal(err)
		}
		sum := simulate(t, p, m, 5, 2, analysis.SimOptions{Draws: 500})
		for k, is := range sum.Issues {
			f := analysis.Num(res.Forecast[k])
			if is.SD != 0 || is.SEMean != 0 {
				t.Errorf("%s %s: sd %v, se %v; want 0", m.Info().Name, is.ID, is.SD, is.SEMean)
			}
			q := is.Quantiles
			for _, x := range []analysis.Num{is.Mean, is.Min, is.Max, q.P05, q.P25, q.P50, q.P75, q.P95} {
				if x != f {
					t.Errorf("%s %s: statistic %v, want the point forecast %v exactly", m.Info().Name, is.ID, x, f)
				}
			}
		}
		for j, q := range sum.Questions {
			if q.Probability != 0 && q.Probability != 1 {
				t.Errorf("question %d: probability %v on point inputs", j, q.Probability)
			}
			if q.SE != 0 {
				t.Errorf("question %d: se %v, want 0", j, q.SE)
			}
		}
	}
}

func TestSimulateSameBytesForAnyWorkersAndSplit(t *testing.T) {
	p := problem(t, synthetic(2, 8, 4, true))
	o := analysis.SimOptions{Draws: 777}
	one := mustJSON(t, simulate(t, p, baseline.Median(), 42, 1, o))
	two := mustJSON(t, simulate(t, p, baseline.Median(), 42, 2, o))
	five := mustJSON(t, simulate(t, p, baseline.Median(), 42, 5, o))
	if !bytes.Equal(one, two) || !bytes.Equal(one, five) {
		t.Fatalf("results differ with the number of workers:\n1: %s\n2: %s\n5: %s", one, two, five)
	}
	other := mustJSON(t, simulate(t, p, baseline.Median(), 43, 2, o))
	if bytes.Equal(one, other) {
		t.Errorf("seeds 42 and 43 gave the same result")
	}

	// Shards [0,100), [100,500), [500,777), computed separately, encoded,
	// decoded and merged in a scrambled order, give the same partial bytes
	// and the same summary.
	cfg := analysis.Config{Model: baseline.Median(), Options: parley.Options{Seed: 42}, Workers: 2}
	whole, err := analysis.SimulateRange(context.Background(), p, cfg, o, 0, 777)
	if err != nil {
		t.Fatal(err)
	}
	var parts []*analysis.Partial
	for _, r := range [][2]uint64{{500, 777}, {0, 100}, {100, 500}} {
		part, err := analysis.SimulateRange(context.Background(), p, cfg, o, r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		var back analysis.Partial
		if err := json.Unmarshal(mustJSON(t, part), &back); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, &back)
	}
	merged := parts[0]
	for _, q := range parts[1:] {
		if err := merged.Merge(q); err != nil {
			t.Fatal(err)
		}
	}
	if a, b := mustJSON(t, whole), mustJSON(t, merged); !bytes.Equal(a, b) {
		t.Fatalf("merged shards differ from one pass")
	}
	sum, err := merged.Summary(p.Scenario)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, sum); !bytes.Equal(got, two) {
		t.Fatalf("summary of merged shards differs:\n%s\n%s", got, two)
	}
	if err := merged.Merge(parts[1]); err == nil {
		t.Errorf("merging a shard twice succeeded")
	}
	short := parts[1]
	if _, err := short.Summary(nil); err == nil {
		t.Errorf("summary of an incomplete partial succeeded")
	}
}

// TestSimulateWorkedByHand checks the statistics against a case with a
// closed form. Actor a's position X is triangular(20, 40, 80); b sits at
// 50 with the same weight; the issue's rule is the weighted mean, so the
// outcome is Y = (X+50)/2.
//
//	E[X] = (20+40+80)/3 = 46.667        → E[Y] = 48.333
//	Var[X] = (a²+b²+c²−ab−ac−bc)/18 = (400+1600+6400−800−1600−3200)/18 = 155.56
//	                                    → sd[Y] = √155.56/2 = 6.236
//	P(Y ≥ 45) = P(X ≥ 40) = 1 − F(40) = 1 − (40−20)/(80−20) = 2/3
//	median: F(40) = 1/3 < 1/2, so X_.5 = 80 − √(0.5·60·40) = 45.359 → Y_.5 = 47.679
func TestSimulateWorkedByHand(t *testing.T) {
	p := problem(t, twoActors(parley.Range(20, 40, 80)))
	const n = 40000
	sum := simulate(t, p, baseline.Compromise(), 7, 2, analysis.SimOptions{Draws: n})
	is := sum.Issues[0]
	check := func(name string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s = %.4f, want %.4f ± %.4f", name, got, want, tol)
		}
	}
	sd := math.Sqrt(155.5556) / 2
	check("mean", float64(is.Mean), 48.3333, 4*sd/math.Sqrt(n))
	check("sd", float64(is.SD), sd, 0.1)
	check("se_mean", float64(is.SEMean), sd/math.Sqrt(n), 1e-3)
	check("median", float64(is.Quantiles.P50), 47.679, 0.15)
	check("min", float64(is.Min), 35, 0.5) // X near 20
	check("max", float64(is.Max), 65, 0.5) // X near 80
	q := sum.Questions[0]
	se := math.Sqrt(2.0 / 3 / 3 / n)
	check("P(k >= 45)", float64(q.Probability), 2.0/3, 4*se)
	check("se", float64(q.SE), se, 1e-4)
	if !(q.Interval[0] < q.Probability && q.Probability < q.Interval[1]) || float64(q.Interval[1]-q.Interval[0]) > 5*se {
		t.Errorf("interval %v around %v is not a 95 %% interval", q.Interval, q.Probability)
	}
	var total uint64
	for _, c := range is.Histogram.Counts {
		total += c
	}
	if total != n || len(is.Histogram.Counts) != 20 {
		t.Errorf("histogram has %d bins holding %d draws", len(is.Histogram.Counts), total)
	}
	// Bins below 35 and above 65 are empty.
	if is.Histogram.Counts[6] != 0 || is.Histogram.Counts[13] != 0 || is.Histogram.Counts[8] == 0 {
		t.Errorf("histogram %v", is.Histogram.Counts)
	}
}

func TestTriangularQuantile(t *testing.T) {
	v := parley.Range(20, 40, 80)
	for _, c := range []struct{ u, want float64 }{
		{0, 20}, {1, 80}, {1.0 / 3, 40},
		{0.5, 80 - math.Sqrt(0.5*60*40)},
		{0.1, 20 + math.Sqrt(0.1*60*20)},
	} {
		if got := analysis.Triangular.Quantile(v, c.u); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", c.u, got, c.want)
		}
	}
	if got := analysis.Uniform.Quantile(v, 0.25); got != 35 {
		t.Errorf("uniform quantile %v, want 35", got)
	}
	if got := analysis.Triangular.Quantile(parley.Point(3), 0.9); got != 3 {
		t.Errorf("point quantile %v", got)
	}
}

func TestPartialRejectsBadEncodings(t *testing.T) {
	p := problem(t, synthetic(3, 3, 2, true))
	cfg := analysis.Config{Model: baseline.Median(), Workers: 1}
	part, err := analysis.SimulateRange(context.Background(), p, cfg, analysis.SimOptions{Draws: 50}, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	good := string(mustJSON(t, part))
	var back analysis.Partial
	if err := json.Unmarshal([]byte(good), &back); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(string) string{
		"format":  func(s string) string { return replaceOnce(s, analysis.PartialFormat, "other/1") },
		"range":   func(s string) string { return replaceOnce(s, `"ranges":[[0,50]]`, `"ranges":[[0,51]]`) },
		"count":   func(s string) string { return replaceOnce(s, `"count":50`, `"count":49`) },
		"unknown": func(s string) string { return replaceOnce(s, `"hits":`, `"extra":1,"hits":`) },
	} {
		bad := mut(good)
		if bad == good {
			t.Fatalf("%s: mutation did not apply", name)
		}
		var q analysis.Partial
		if err := json.Unmarshal([]byte(bad), &q); err == nil {
			t.Errorf("%s: bad partial accepted", name)
		}
	}
	other, _ := analysis.SimulateRange(context.Background(), p, analysis.Config{Model: baseline.Median(), Options: parley.Options{Seed: 9}}, analysis.SimOptions{Draws: 50}, 0, 10)
	if err := back.Merge(other); err == nil {
		t.Errorf("merged partials of different seeds")
	}
}

func replaceOnce(s, old, new string) string {
	i := bytes.Index([]byte(s), []byte(old))
	if i < 0 {
		return s
	}
	return s[:i] + new + s[i+len(old):]
}

// TestFillAgreesWithInputSet checks the analysis's precomputed input cells
// against the root package's Input.Set, on a scenario with an actor-level
// capability range and a per-issue override.
func TestFillAgreesWithInputSet(t *testing.T) {
	s := synthetic(4, 5, 3, true)
	p := problem(t, s)
	u := make([]float64, len(p.Inputs))
	for j := range u {
		u[j] = float64(j%7) / 7
	}
	got := p.Base.Clone()
	p.Fill(got, analysis.Triangular, u)
	want := p.Base.Clone()
	over := s.Overrides()
	for j, in := range p.Inputs {
		in.Set(want, analysis.Triangular.Quantile(in.Value, u[j]), over)
	}
	for i := range want.Position {
		if got.Position[i] != want.Position[i] || got.Salience[i] != want.Salience[i] || got.Capability[i] != want.Capability[i] {
			t.Fatalf("cell %d: fill gives (%v %v %v), Input.Set (%v %v %v)", i,
				got.Position[i], got.Salience[i], got.Capability[i], want.Position[i], want.Salience[i], want.Capability[i])
		}
	}
	if got.Capability[1*3+0] == got.Capability[1*3+1] {
		t.Errorf("the override cell took the actor's capability")
	}
}

func TestDrawSeedDependsOnSeedAndIndexOnly(t *testing.T) {
	a1, a2 := analysis.DrawSeed(1, 2)
	b1, b2 := analysis.DrawSeed(1, 2)
	c1, _ := analysis.DrawSeed(2, 1)
	d1, _ := analysis.DrawSeed(1, 3)
	if a1 != b1 || a2 != b2 || a1 == c1 || a1 == d1 {
		t.Errorf("draw seeds: %x %x %x %x", a1, b1, c1, d1)
	}
}

// TestSimulateMemoryIsFlat: ten times the draws must not allocate more
// (beyond noise): nothing is kept per draw.
func TestSimulateMemoryIsFlat(t *testing.T) {
	p := problem(t, synthetic(9, 6, 3, true))
	cfg := analysis.Config{Model: baseline.Median(), Workers: 1}
	alloc := func(n uint64) uint64 {
		var a, b runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&a)
		if _, err := analysis.SimulateRange(context.Background(), p, cfg, analysis.SimOptions{Draws: n}, 0, n); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&b)
		return b.TotalAlloc - a.TotalAlloc
	}
	small, large := alloc(2000), alloc(20000)
	if large > small+64<<10 {
		t.Errorf("20000 draws allocated %d bytes, 2000 draws %d: memory grows with draws", large, small)
	}
}

// Wilson intervals of 0 and N hits end exactly at 0 and 1; for 0 of 100
// the upper end is z²/(N+z²) = 3.8415/103.8415 = 0.03699.
func TestWilsonEnds(t *testing.T) {
	s := twoActors(parley.Range(20, 40, 80))
	s.Questions = []parley.Question{{ID: "never", When: "k > 100"}, {ID: "always", When: "k >= 0"}}
	sum := simulate(t, problem(t, s), baseline.Compromise(), 1, 2, analysis.SimOptions{Draws: 100})
	never, always := sum.Questions[0], sum.Questions[1]
	if never.Probability != 0 || never.Interval[0] != 0 || math.Abs(float64(never.Interval[1])-0.036994) > 1e-5 {
		t.Errorf("0 of 100: %v %v", never.Probability, never.Interval)
	}
	if always.Probability != 1 || always.Interval[1] != 1 || math.Abs(float64(always.Interval[0])-(1-0.036994)) > 1e-5 {
		t.Errorf("100 of 100: %v %v", always.Probability, always.Interval)
	}
}
