package smp_test

import (
	"context"
	"os"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/internal/refdata"
	"github.com/parley-forecast/parley/ktab"
	"github.com/parley-forecast/parley/model/smp"
)

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
