package exchange_test

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/decide"
	"github.com/parley-forecast/parley/internal/refdata"
	"github.com/parley-forecast/parley/model/exchange"
)

// loadDecide reads one of decide's example files from the shared folder
// (skipping the test when it is absent) and compiles it.
func loadDecide(tb testing.TB, file string) (*parley.Scenario, *parley.Instance) {
	tb.Helper()
	p := refdata.Path(tb, "reference/decide/"+file)
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	sc, err := decide.Parse(file, b)
	if err != nil {
		tb.Fatal(err)
	}
	in, err := sc.Instance()
	if err != nil {
		tb.Fatal(err)
	}
	return sc, in
}

// run solves in with the exchange model, options opts and emulation
// flags compat (0 for the model as shipped).
func run(tb testing.TB, in *parley.Instance, opts parley.Options, compat uint8) *parley.Result {
	tb.Helper()
	s, err := exchange.New().Prepare(opts)
	if err != nil {
		tb.Fatal(err)
	}
	exchange.SetCompat(s, compat)
	var r parley.Result
	if err := s.Solve(context.Background(), in, &r); err != nil {
		tb.Fatal(err)
	}
	return &r
}

func detail(tb testing.TB, r *parley.Result) *exchange.Detail {
	tb.Helper()
	d, ok := r.Detail.(*exchange.Detail)
	if !ok {
		tb.Fatalf("Detail is %T, want *exchange.Detail", r.Detail)
	}
	return d
}

// twoIssues builds an instance of actors on issues p and q, both on
// 0–100, from rows {x_p, s_p, c_p, x_q, s_q, c_q}; a NaN position leaves
// the actor out of that issue.
func twoIssues(names []string, rows [][6]float64) *parley.Instance {
	n := len(names)
	in := &parley.Instance{
		Actors:     names,
		Issues:     []parley.IssueSpec{{ID: "p", Min: 0, Max: 100, Rule: parley.RuleMean}, {ID: "q", Min: 0, Max: 100, Rule: parley.RuleMean}},
		Position:   make([]float64, 2*n),
		Salience:   make([]float64, 2*n),
		Capability: make([]float64, 2*n),
	}
	for a, r := range rows {
		for k := 0; k < 2; k++ {
			x, s, c := r[3*k], r[3*k+1], r[3*k+2]
			in.Position[2*a+k] = x
			if !math.IsNaN(x) {
				in.Salience[2*a+k], in.Capability[2*a+k] = s, c
			}
		}
	}
	return in
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
