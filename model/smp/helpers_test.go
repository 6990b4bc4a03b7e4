package smp_test

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/internal/refdata"
	"github.com/parley-forecast/parley/ktab"
	"github.com/parley-forecast/parley/model/smp"
)

// instanceOf compiles a scenario's modes into an Instance. It stands in for
// (*parley.Scenario).Instance until the root package has it.
func instanceOf(tb testing.TB, s *parley.Scenario) *parley.Instance {
	tb.Helper()
	n, m := len(s.Actors), len(s.Issues)
	in := &parley.Instance{
		Position:   make([]float64, n*m),
		Salience:   make([]float64, n*m),
		Capability: make([]float64, n*m),
	}
	actor := map[string]int{}
	for i, a := range s.Actors {
		in.Actors = append(in.Actors, a.ID)
		actor[a.ID] = i
	}
	issue := map[string]int{}
	for k, is := range s.Issues {
		spec := parley.IssueSpec{ID: is.ID, Min: is.Scale.Min, Max: is.Scale.Max, Rule: is.Rule}
		for _, v := range is.Vetoes {
			spec.Vetoes = append(spec.Vetoes, actor[v])
		}
		in.Issues = append(in.Issues, spec)
		issue[is.ID] = k
	}
	for i := range in.Position {
		in.Position[i] = math.NaN()
	}
	for _, st := range s.Stances {
		a, k := actor[st.Actor], issue[st.Issue]
		i := a*m + k
		in.Position[i] = st.Position.Mode
		in.Salience[i] = st.Salience.Mode
		in.Capability[i] = s.Actors[a].Capability.Mode
		if st.Capability != nil {
			in.Capability[i] = st.Capability.Mode
		}
	}
	for _, r := range s.Relations {
		in.Relations = append(in.Relations, parley.RelationSpec{From: actor[r.From], To: actor[r.To], Kind: r.Kind, Strength: r.Strength})
	}
	if err := in.Check(); err != nil {
		tb.Fatal(err)
	}
	return in
}

// loadKTAB reads a KTAB file from the shared reference folder, skipping
// when it is absent.
func loadKTAB(tb testing.TB, rel string) *ktab.File {
	tb.Helper()
	p := refdata.Path(tb, rel)
	data, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := ktab.Parse(p, data)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// run solves in with params and returns the result.
func run(tb testing.TB, in *parley.Instance, opts parley.Options) *parley.Result {
	tb.Helper()
	s, err := smp.New().Prepare(opts)
	if err != nil {
		tb.Fatal(err)
	}
	var res parley.Result
	if err := s.Solve(context.Background(), in, &res); err != nil {
		tb.Fatal(err)
	}
	return &res
}
