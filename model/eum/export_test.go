package eum

import (
	"context"
	"math"

	"github.com/parley-forecast/parley"
)

// Internal formulas, exported to the external tests.
var (
	USuccess     = uSuccess
	UFailure     = uFailure
	UStatusQuo   = uStatusQuo
	UBetter      = uBetter
	UWorse       = uWorse
	ChallengeEU  = challengeEU
	RiskExponent = riskExponent
	BUpper       = bUpper
	ExpLog       = expLog
)

// Classify returns the name of the quadrant of (a, b), "" for no offer.
func Classify(a, b float64) string { return classify(a, b).String() }

// Snapshot holds one round's intermediate quantities (see snapshot).
type Snapshot = snapshot

// RoundOne plays round 1 of a one-issue instance with params and returns
// its intermediate quantities; EUij and EUji are NaN where x_i = x_j.
func RoundOne(in *parley.Instance, params map[string]string) (*Snapshot, error) {
	s, err := New().Prepare(parley.Options{Rounds: 1, Params: params})
	if err != nil {
		return nil, err
	}
	n := in.N()
	mk := func(k int) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = math.NaN()
		}
		return v
	}
	sn := &snapshot{P1: mk(n * n), P2: mk(n * n), Danger: mk(n), R: mk(n), EUij: mk(n * n), EUji: mk(n * n)}
	sv := s.(*solver)
	sv.ws.snap = sn
	var res parley.Result
	if err := sv.Solve(context.Background(), in, &res); err != nil {
		return nil, err
	}
	return sn, nil
}

// Capitulations runs the model and returns how many capitulation offers
// were made (accepted or not) over the run.
func Capitulations(in *parley.Instance, opts parley.Options) (int, error) {
	s, err := New().Prepare(opts)
	if err != nil {
		return 0, err
	}
	sv := s.(*solver)
	var res parley.Result
	if err := sv.Solve(context.Background(), in, &res); err != nil {
		return 0, err
	}
	return sv.ws.capitulations, nil
}

// WithReferenceTypo solves with the reference code's capitulation test,
// which never fires, in place of the corrected one.
func WithReferenceTypo(in *parley.Instance, opts parley.Options) (*parley.Result, error) {
	s, err := New().Prepare(opts)
	if err != nil {
		return nil, err
	}
	sv := s.(*solver)
	sv.ws.typo = true
	var res parley.Result
	if err := sv.Solve(context.Background(), in, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// PrepareReference is Prepare with the round as it was before the
// speed-ups of issue 5 (refstep_test.go), for benchmarks.
func PrepareReference(opts parley.Options) (parley.Solver, error) {
	s, err := New().Prepare(opts)
	if err != nil {
		return nil, err
	}
	s.(*solver).ws.stepFn = (*workspace).refStep
	return s, nil
}

// SolveReference solves with the round as it was before the speed-ups of
// issue 5 (refstep_test.go) in place of the current one.
func SolveReference(in *parley.Instance, opts parley.Options) (*parley.Result, error) {
	s, err := New().Prepare(opts)
	if err != nil {
		return nil, err
	}
	sv := s.(*solver)
	sv.ws.stepFn = (*workspace).refStep
	var res parley.Result
	if err := sv.Solve(context.Background(), in, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// SolveCounting solves in with opts and also returns how many issue-rounds
// were played (rounds skipped by the cycle shortcut are not).
func SolveCounting(in *parley.Instance, opts parley.Options) (*parley.Result, int, error) {
	s, err := New().Prepare(opts)
	if err != nil {
		return nil, 0, err
	}
	sv := s.(*solver)
	var res parley.Result
	if err := sv.Solve(context.Background(), in, &res); err != nil {
		return nil, 0, err
	}
	return &res, sv.ws.played, nil
}
