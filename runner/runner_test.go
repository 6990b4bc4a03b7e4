package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/baseline"
	"github.com/parley-forecast/parley/output"
	"github.com/parley-forecast/parley/runner"
)

func readScenario(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/small.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func request(t *testing.T, r runner.Request) []byte {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type forecastDoc struct {
	Model   string `json:"model"`
	Variant string `json:"variant"`
	Seed    uint64 `json:"seed"`
	Issues  []struct {
		ID       string  `json:"id"`
		Forecast float64 `json:"forecast"`
	} `json:"issues"`
}

// Ensure a model run gives the forecast worked out by hand, in the layout
// of parley run --format json.
func TestExecuteModel(t *testing.T) {
	// Weights are capability × salience: a 1×1 = 1, b 2×1 = 2, c 2×0.5 = 1.
	//   compromise: (0·1 + 60·2 + 100·1) / 4 = 220/4 = 55
	//   median: cumulative weight by position 1 (at 0), 3 (at 60) passes
	//   half of 4 at 60.
	//   median without c (variant gamma-out): weights 1 and 2, total 3,
	//   cumulative 1 then 3 passes 1.5 at 60; compromise (0+120)/3 = 40.
	for _, c := range []struct {
		model, variant string
		want           float64
	}{
		{"compromise", "", 55},
		{"median", "", 60},
		{"compromise", "gamma-out", 40},
		{"median", "gamma-out", 60},
	} {
		out, err := runner.Execute(context.Background(), readScenario(t),
			request(t, runner.Request{Model: c.model, Variant: c.variant, Seed: 7}))
		if err != nil {
			t.Fatal(err)
		}
		var doc forecastDoc
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Model != c.model || doc.Variant != c.variant || doc.Seed != 7 || len(doc.Issues) != 1 ||
			doc.Issues[0].ID != "budget" || doc.Issues[0].Forecast != c.want {
			t.Errorf("%s %s: got %+v, want forecast %v", c.model, c.variant, doc, c.want)
		}
	}
}

// Ensure the result is byte for byte what output.JSON (parley run
// --format json) writes for the same run.
func TestExecuteMatchesRunOutput(t *testing.T) {
	var s parley.Scenario
	if err := json.Unmarshal(readScenario(t), &s); err != nil {
		t.Fatal(err)
	}
	in, err := s.Instance()
	if err != nil {
		t.Fatal(err)
	}
	solver, err := baseline.Median().Prepare(parley.Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var res parley.Result
	if err := solver.Solve(context.Background(), in, &res); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := output.JSON(&want, &output.Run{Scenario: &s, Instance: in, Result: &res, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	got, err := runner.Execute(context.Background(), readScenario(t), request(t, runner.Request{Model: "median", Seed: 3}))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("got\n%s\nwant\n%s", got, want.Bytes())
	}
}

// Ensure every bad request names the field at fault.
func TestPrepareErrors(t *testing.T) {
	var s parley.Scenario
	if err := json.Unmarshal(readScenario(t), &s); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		req          runner.Request
		field, words string
	}{
		{runner.Request{Model: "median", Analysis: "astrology"}, "analysis", `unknown analysis "astrology"`},
		{runner.Request{}, "model", "needs a model"},
		{runner.Request{Model: "oracle"}, "model", `unknown model "oracle"`},
		{runner.Request{Model: "median", Rounds: -1}, "rounds", "at least 0"},
		{runner.Request{Model: "median", Params: map[string]string{"x": "1"}}, "params", `no option "x"`},
		{runner.Request{Model: "median", Variant: "nope"}, "variant", `no variant "nope" (variants: gamma-out)`},
		{runner.Request{Model: "median", Options: json.RawMessage(`{"draws": 10}`)}, "options", "takes no options"},
	} {
		_, err := runner.Prepare(&s, c.req)
		var fe *runner.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field || !strings.Contains(err.Error(), c.words) || parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("%+v: got %v, want field %s with %q", c.req, err, c.field, c.words)
		}
	}
	if _, err := runner.Prepare(&s, runner.Request{Model: "median", Analysis: "model", Options: json.RawMessage("null")}); err != nil {
		t.Errorf("explicit model kind with null options: %v", err)
	}
}

// Ensure corrupt stored data and cancellation are errors, not panics.
func TestExecuteErrors(t *testing.T) {
	good := request(t, runner.Request{Model: "median"})
	if _, err := runner.Execute(context.Background(), []byte("{"), good); err == nil {
		t.Error("corrupt scenario accepted")
	}
	if _, err := runner.Execute(context.Background(), readScenario(t), []byte("[]")); err == nil {
		t.Error("corrupt request accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := runner.Execute(ctx, readScenario(t), good); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
}

func ExampleKinds() {
	for _, k := range runner.Kinds() {
		fmt.Printf("%s long=%v\n", k.Name, k.Long)
	}
	// Output:
	// compare long=true
	// leverage long=true
	// model long=false
	// sensitivity long=true
	// simulate long=true
	// strategy long=true
	// sweep long=true
}
