package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/models"
	"github.com/parley-forecast/parley/runner"
)

func rangesScenario(t *testing.T) ([]byte, *parley.Scenario) {
	t.Helper()
	b, err := os.ReadFile("testdata/ranges.json")
	if err != nil {
		t.Fatal(err)
	}
	var s parley.Scenario
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate().Err(); err != nil {
		t.Fatal(err)
	}
	return b, &s
}

func indent(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Ensure each analysis kind returns exactly what the analysis package
// gives for the same request (the JSON of the matching parley command).
func TestAnalyses(t *testing.T) {
	raw, s := rangesScenario(t)
	m, err := models.Lookup("median")
	if err != nil {
		t.Fatal(err)
	}
	cfg := analysis.Config{Model: m, Options: parley.Options{Seed: 5}}
	withVariant := func(id string) *parley.Scenario {
		v, err := analysis.ApplyVariant(s, id)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	problem := func(sc *parley.Scenario) *analysis.Problem {
		p, err := analysis.NewProblem(sc)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	ctx := context.Background()
	for _, c := range []struct {
		kind, variant, options string
		want                   func() any
	}{
		{"simulate", "", `{"draws": 300, "bins": 10}`, func() any {
			r, err := analysis.Simulate(ctx, problem(withVariant("")), cfg, analysis.SimOptions{Draws: 300, Bins: 10})
			must(t, err)
			return r
		}},
		{"simulate", "gamma-out", `{"dist": "uniform"}`, func() any {
			r, err := analysis.Simulate(ctx, problem(withVariant("gamma-out")), cfg, analysis.SimOptions{Draws: 10000, Dist: analysis.Uniform, Variant: "gamma-out"})
			must(t, err)
			return r
		}},
		{"compare", "", `{"draws": 100}`, func() any {
			r, err := analysis.Compare(ctx, s, cfg, analysis.CompareOptions{Draws: 100})
			must(t, err)
			return r
		}},
		{"leverage", "", ``, func() any {
			r, err := analysis.Leverage(ctx, problem(withVariant("")), cfg)
			must(t, err)
			return r
		}},
		{"sensitivity", "", `{"method": "sobol", "draws": 64, "resamples": 10}`, func() any {
			r, err := analysis.Sensitivity(ctx, problem(withVariant("")), cfg, analysis.SensitivityOptions{Method: "sobol",
				Morris: analysis.MorrisOptions{Trajectories: 64, Levels: 4},
				Sobol:  analysis.SobolOptions{N: 64, Sampler: "sobol", Resamples: 10}})
			must(t, err)
			return r
		}},
		{"sensitivity", "", ``, func() any {
			r, err := analysis.Sensitivity(ctx, problem(withVariant("")), cfg, analysis.SensitivityOptions{Method: "morris",
				Morris: analysis.MorrisOptions{Levels: 4}, Sobol: analysis.SobolOptions{Sampler: "sobol", Resamples: 100}})
			must(t, err)
			return r
		}},
		{"strategy", "", `{"actor": "a", "question": "generous", "max_steps": 5}`, func() any {
			r, err := analysis.Strategy(ctx, problem(withVariant("")), cfg, analysis.StrategyOptions{Actor: "a", Question: "generous", MaxSteps: 5})
			must(t, err)
			return r
		}},
	} {
		req := runner.Request{Analysis: c.kind, Model: "median", Variant: c.variant, Seed: 5, Options: json.RawMessage(c.options)}
		if c.options == "" {
			req.Options = nil
		}
		got, err := runner.Execute(ctx, raw, request(t, req))
		if err != nil {
			t.Fatalf("%s %s: %v", c.kind, c.options, err)
		}
		if want := indent(t, c.want()); !bytes.Equal(got, want) {
			t.Errorf("%s %s:\ngot  %.400s\nwant %.400s", c.kind, c.options, got, want)
		}
	}
}

// Ensure bad analysis options are refused before the run is queued,
// naming the option.
func TestAnalysisOptionErrors(t *testing.T) {
	_, s := rangesScenario(t)
	for _, c := range []struct {
		kind, variant, options, field, words string
	}{
		{"simulate", "", `{"draws": 100000000}`, "options.draws", "at most 10000000"},
		{"simulate", "", `{"dist": "normal"}`, "options.dist", `unknown distribution "normal"`},
		{"simulate", "", `{"bins": 7}`, "options.bins", "must divide 10000"},
		{"simulate", "", `{"drwas": 10}`, "options", `unknown field "drwas"`},
		{"simulate", "", `[1]`, "options", "simulate options"},
		{"compare", "gamma-out", ``, "variant", "options.variants"},
		{"compare", "", `{"variants": ["nope"]}`, "options.variants", `no variant "nope"`},
		{"leverage", "", `{"x": 1}`, "options", "takes no options"},
		{"sensitivity", "", `{"method": "fast"}`, "options.method", "morris or sobol"},
		{"sensitivity", "", `{"method": "sobol", "draws": 1000000}`, "options.draws", "Sobol base rows"},
		{"sensitivity", "", `{"draws": -1}`, "options.draws", "at least 2"},
		{"sensitivity", "", `{"method": "sobol", "draws": 1}`, "options.draws", "at least 2"},
		{"sensitivity", "", `{"levels": 3}`, "options.levels", "even number of at least 2, got 3"},
		{"sensitivity", "", `{"method": "morris", "levels": -2}`, "options.levels", "got -2"},
		{"sensitivity", "", `{"method": "sobol", "levels": -2}`, "options.levels", "got -2"},
		{"sensitivity", "", `{"method": "sobol", "sampler": "halton"}`, "options.sampler", "sobol or random"},
		{"sensitivity", "", `{"method": "sobol", "resamples": -1}`, "options.resamples", "between 0 (the default, 100) and 10000, got -1"},
		{"sensitivity", "", `{"method": "sobol", "resamples": 10001}`, "options.resamples", "between 0 (the default, 100) and 10000, got 10001"},
		{"strategy", "", `{"question": "generous"}`, "options.actor", "needs options.actor"},
		{"strategy", "", `{"actor": "a", "question": "stingy"}`, "options.question", `got "stingy"`},
	} {
		_, err := runner.Prepare(s, runner.Request{Analysis: c.kind, Model: "median", Variant: c.variant, Options: json.RawMessage(c.options)})
		var fe *runner.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field || !strings.Contains(err.Error(), c.words) {
			t.Errorf("%s %s: got %v, want field %s with %q", c.kind, c.options, err, c.field, c.words)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
