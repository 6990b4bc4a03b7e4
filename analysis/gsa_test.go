package analysis_test

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/baseline"
	"math"
	"testing"

	"github.com/parley-forecast/parley/analysis"
)

type funcOf func(u, out []float64)

func (f funcOf) Eval(_ context.Context, u, out []float64) error { f(u, out); return nil }

func newFunc(f funcOf) analysis.NewFunc { return func() (analysis.Func, error) { return f, nil } }

// ishigami is f(x) = sin x1 + a sin² x2 + b x3⁴ sin x1 with x uniform on
// [−π, π]³, a = 7, b = 0.1; a second output is 3·f + 1 (same indices), a
// third is constant.
func ishigami(u, out []float64) {
	x1, x2, x3 := -math.Pi+2*math.Pi*u[0], -math.Pi+2*math.Pi*u[1], -math.Pi+2*math.Pi*u[2]
	f := math.Sin(x1) + 7*math.Pow(math.Sin(x2), 2) + 0.1*math.Pow(x3, 4)*math.Sin(x1)
	out[0], out[1], out[2] = f, 3*f+1, 4
}

// TestSobolIshigami checks the estimators against the Ishigami function's
// analytic indices (Ishigami & Homma 1990; Saltelli et al. 2008, §4.9):
//
//	V   = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2            = 13.8446
//	V1  = (1 + bπ⁴/5)²/2 = 4.3459    → S1 = 0.3139
//	V2  = a²/8           = 6.125     → S2 = 0.4424,  ST2 = S2
//	V3  = 0                          → S3 = 0
//	V13 = 8b²π⁸/225      = 3.3737    → ST1 = 0.5576, ST3 = 0.2437
func TestSobolIshigami(t *testing.T) {
	a, b := 7.0, 0.1
	pi4, pi8 := math.Pow(math.Pi, 4), math.Pow(math.Pi, 8)
	v := a*a/8 + b*pi4/5 + b*b*pi8/18 + 0.5
	v1 := 0.5 * math.Pow(1+b*pi4/5, 2)
	v2 := a * a / 8
	v13 := 8 * b * b * pi8 / 225
	s1 := []float64{v1 / v, v2 / v, 0}
	st := []float64{(v1 + v13) / v, v2 / v, v13 / v}
	for _, c := range []struct {
		sampler string
		n       int
		tol     float64
	}{{"sobol", 1 << 13, 0.01}, {"random", 1 << 14, 0.04}} {
		for _, workers := range []int{1, 2} {
			res, err := analysis.Sobol(context.Background(), 3, 3, newFunc(ishigami),
				analysis.SobolOptions{N: c.n, Sampler: c.sampler, Resamples: 50}, analysis.Design{Workers: workers, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if res.Evaluations != c.n*5 {
				t.Errorf("%d evaluations, want %d", res.Evaluations, c.n*5)
			}
			t.Logf("%s N=%d workers=%d: S1 %.4f ST %.4f", c.sampler, c.n, workers, res.S1[0], res.ST[0])
			for out := 0; out < 2; out++ {
				for i := 0; i < 3; i++ {
					if math.Abs(res.S1[out][i]-s1[i]) > c.tol || math.Abs(res.ST[out][i]-st[i]) > c.tol {
						t.Errorf("%s output %d x%d: S1 %.4f ST %.4f, want %.4f %.4f", c.sampler, out, i+1, res.S1[out][i], res.ST[out][i], s1[i], st[i])
					}
					if ci := res.STCI[out][i]; !(ci[0] <= res.ST[out][i] && res.ST[out][i] <= ci[1]) {
						t.Errorf("%s x%d: ST %v outside its interval %v", c.sampler, i+1, res.ST[out][i], ci)
					}
				}
			}
			if math.Abs(res.Var[0]-v) > 0.05*v {
				t.Errorf("%s: variance %.3f, want %.3f", c.sampler, res.Var[0], v)
			}
			if !math.IsNaN(res.S1[2][0]) {
				t.Errorf("constant output has index %v, want NaN", res.S1[2][0])
			}
		}
	}
}

// TestMorrisLinear: for f = 2u1 − 5u2 + 0·u3 every elementary effect is
// the coefficient exactly, so μ* = |a|, μ = a and σ = 0. For the product
// g = u1·u2 the effects of u1 are u2 ∈ {0, 1/3, 2/3, 1}, so σ > 0.
func TestMorrisLinear(t *testing.T) {
	f := funcOf(func(u, out []float64) { out[0] = 2*u[0] - 5*u[1]; out[1] = u[0] * u[1] })
	res, err := analysis.Morris(context.Background(), 3, 2, newFunc(f), analysis.MorrisOptions{}, analysis.Design{Workers: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Evaluations != 10*4 || res.Delta != 4.0/6 {
		t.Errorf("evaluations %d, delta %v", res.Evaluations, res.Delta)
	}
	want := []float64{2, -5, 0}
	for j, a := range want {
		if math.Abs(res.Mu[0][j]-a) > 1e-12 || math.Abs(res.MuStar[0][j]-math.Abs(a)) > 1e-12 || res.Sigma[0][j] > 1e-12 {
			t.Errorf("factor %d: μ %v μ* %v σ %v, want %v %v 0", j, res.Mu[0][j], res.MuStar[0][j], res.Sigma[0][j], a, math.Abs(a))
		}
	}
	if !(res.Sigma[1][0] > 0.1) || res.MuStar[1][2] != 0 {
		t.Errorf("product: σ1 %v, μ*3 %v", res.Sigma[1][0], res.MuStar[1][2])
	}
	again, _ := analysis.Morris(context.Background(), 3, 2, newFunc(f), analysis.MorrisOptions{}, analysis.Design{Workers: 1, Seed: 3})
	if again.MuStar[1][0] != res.MuStar[1][0] || again.Sigma[1][1] != res.Sigma[1][1] {
		t.Errorf("Morris differs with the number of workers")
	}
}

// TestSensitivityFindsTheDriver: on the two-actor weighted-mean scenario
// only actor a's position is uncertain, so the outcome (x+50)/2 depends on
// it alone: ST = S1 = 1 for Sobol (the outcome is linear in x, and x is a
// monotone function of its factor), and for Morris μ* > 0 with μ = μ*.
// Adding an uncertain salience for b, which changes weights, gives a
// second input with a smaller but non-zero index.
func TestSensitivityFindsTheDriver(t *testing.T) {
	s := twoActors(parley.Range(20, 40, 80))
	p := problem(t, s)
	cfg := analysis.Config{Model: baseline.Compromise(), Workers: 2}
	r, err := analysis.Sensitivity(context.Background(), p, cfg, analysis.SensitivityOptions{Method: "sobol", Sobol: analysis.SobolOptions{N: 4096}})
	if err != nil {
		t.Fatal(err)
	}
	f := r.Outputs[0].Factors[0]
	if len(r.Inputs) != 1 || math.Abs(float64(*f.ST)-1) > 0.02 || math.Abs(float64(*f.S1)-1) > 0.02 {
		t.Errorf("sole input: S1 %v ST %v, want 1", *f.S1, *f.ST)
	}
	s.Stances[1].Salience = parley.Range(0.5, 0.75, 1)
	p = problem(t, s)
	for _, method := range []string{"morris", "sobol"} {
		r, err = analysis.Sensitivity(context.Background(), p, cfg, analysis.SensitivityOptions{Method: method})
		if err != nil {
			t.Fatal(err)
		}
		fs := r.Outputs[0].Factors
		if fs[0].Path != "stances[0].position" || fs[1].Path != "stances[1].salience" {
			t.Errorf("%s: ranking %s, %s", method, fs[0].Path, fs[1].Path)
		}
		if method == "morris" && !(*fs[1].MuStar > 0 && *fs[0].Mu == *fs[0].MuStar) {
			t.Errorf("morris: %+v", fs)
		}
		if r.Outputs[1].Kind != "question" || r.Outputs[1].ID != "q" {
			t.Errorf("outputs %+v", r.Outputs)
		}
	}
	if _, err := analysis.Sensitivity(context.Background(), problem(t, synthetic(1, 3, 2, false)), cfg, analysis.SensitivityOptions{Method: "sobol"}); err == nil {
		t.Errorf("a scenario without ranges was accepted")
	}
}

// TestSensitivityDesignSplits: evaluating the design in uneven ranges on
// different worker counts and estimating from the concatenation gives the
// same result as Sensitivity in one pass, for both methods; ranges outside
// the design and output tables of the wrong length are refused.
func TestSensitivityDesignSplits(t *testing.T) {
	p := problem(t, synthetic(4, 4, 2, true))
	for _, o := range []analysis.SensitivityOptions{
		{Method: "morris", Morris: analysis.MorrisOptions{Trajectories: 5}},
		{Method: "sobol", Sobol: analysis.SobolOptions{N: 16, Resamples: 20}},
		{Method: "sobol", Sobol: analysis.SobolOptions{N: 8, Sampler: "random"}},
	} {
		cfg := analysis.Config{Model: baseline.Compromise(), Workers: 2, Options: parley.Options{Seed: 7}}
		want, err := analysis.Sensitivity(context.Background(), p, cfg, o)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Workers = 1
		sd, err := analysis.NewSensitivityDesign(p, cfg, o)
		if err != nil {
			t.Fatal(err)
		}
		if uint64(want.Evaluations) != sd.Len() || sd.Outputs() != len(want.Outputs) {
			t.Fatalf("%s: Len %d Outputs %d, result has %d evaluations of %d outputs", o.Method, sd.Len(), sd.Outputs(), want.Evaluations, len(want.Outputs))
		}
		var y []float64
		cuts := []uint64{0, 1, sd.Len() / 3, sd.Len() / 3, sd.Len()}
		for i := 1; i < len(cuts); i++ {
			part, err := sd.EvaluateRange(context.Background(), cuts[i-1], cuts[i])
			if err != nil {
				t.Fatal(err)
			}
			y = append(y, part...)
		}
		got, err := sd.Estimate(y)
		if err != nil {
			t.Fatal(err)
		}
		// Compared as JSON (the bytes parley sensitivity writes): an output
		// that does not vary has NaN indices, which DeepEqual would reject.
		gb, _ := json.Marshal(got)
		wb, err := json.Marshal(want)
		if err != nil || !bytes.Equal(gb, wb) {
			t.Errorf("%s: split evaluation differs from Sensitivity (%v):\n%s\n%s", o.Method, err, gb, wb)
		}
		if _, err := sd.EvaluateRange(context.Background(), 0, sd.Len()+1); err == nil {
			t.Errorf("%s: a range past the design was accepted", o.Method)
		}
		if _, err := sd.Estimate(y[1:]); err == nil {
			t.Errorf("%s: a short output table was accepted", o.Method)
		}
	}
	if _, err := analysis.NewSensitivityDesign(p, analysis.Config{Model: baseline.Compromise()}, analysis.SensitivityOptions{Method: "fast"}); err == nil {
		t.Errorf("an unknown method was accepted")
	}
}
