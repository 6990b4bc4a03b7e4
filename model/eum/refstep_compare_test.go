package eum_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/eum"
	"github.com/parley-forecast/parley/model/modeltest"
)

// flatten appends every float64 of v (walking structs, slices, pointers
// and interfaces) to fs and every string and int, as text, to ss.
func flatten(v reflect.Value, fs *[]float64, ss *[]string) {
	switch v.Kind() {
	case reflect.Float64:
		*fs = append(*fs, v.Float())
	case reflect.String:
		*ss = append(*ss, v.String())
	case reflect.Int, reflect.Int64, reflect.Uint8:
		*ss = append(*ss, fmt.Sprint(v.Interface()))
	case reflect.Bool:
		*ss = append(*ss, fmt.Sprint(v.Bool()))
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			*ss = append(*ss, "nil")
			return
		}
		flatten(v.Elem(), fs, ss)
	case reflect.Slice:
		*ss = append(*ss, fmt.Sprint("len ", v.Len()))
		for i := 0; i < v.Len(); i++ {
			flatten(v.Index(i), fs, ss)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			flatten(v.Field(i), fs, ss)
		}
	default:
		panic("flatten: unexpected kind " + v.Kind().String())
	}
}

// TestStepMatchesReference solves many instances with the current round
// and with the round as it was before the speed-ups (kept in
// refstep_test.go) and requires the whole results to agree: every
// position, forecast, risk exponent, EU estimate, mean, median and event.
// Numbers must agree to 1e-12 relative; the test also logs how many are
// not bit-identical (expected: none).
func TestStepMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(20261129, 5))
	var ins []*parley.Instance
	for i := 0; i < 120; i++ {
		in := modeltest.RandomInstance(rng, 2+rng.IntN(19), 1+rng.IntN(4))
		if i%2 == 1 {
			// Shared positions: snap to a coarse grid, so that many
			// actors hold the same point and some issues have a range of
			// zero or few distinct positions.
			m := in.M()
			for j, x := range in.Position {
				is := in.Issues[j%m]
				step := (is.Max - is.Min) / float64(2+i%7)
				in.Position[j] = is.Min + step*math.Round((x-is.Min)/step)
			}
		}
		if i%10 == 3 {
			// Some zero weights.
			for j := range in.Salience {
				if rng.IntN(3) == 0 {
					in.Salience[j] = 0
				}
			}
		}
		ins = append(ins, in)
	}
	ins = append(ins, flagshipDraws(t, 40)...)
	ins = append(ins, testdataEmissions(t))
	optss := []parley.Options{
		{},
		{NoTrace: true},
		{Rounds: 20, Params: map[string]string{"probability": "pairwise"}},
		{Params: map[string]string{"offers": "least-change"}},
		{Params: map[string]string{"offers": "least-change-any", "q": "0.5", "t": "0.3"}},
		{Rounds: 15, Params: map[string]string{"q": "0", "probability": "pairwise", "epsilon": "0.01", "stable-rounds": "2"}},
	}
	var values, differ int
	var worst float64
	for ii, in := range ins {
		for oi, opts := range optss {
			got, err := solveWith(in, opts)
			if err != nil {
				t.Fatal(err)
			}
			want, err := eum.SolveReference(in, opts)
			if err != nil {
				t.Fatal(err)
			}
			var gf, wf []float64
			var gs, ws []string
			flatten(reflect.ValueOf(got), &gf, &gs)
			flatten(reflect.ValueOf(want), &wf, &ws)
			if !reflect.DeepEqual(gs, ws) || len(gf) != len(wf) {
				t.Fatalf("instance %d, options %d: results differ in structure or text", ii, oi)
			}
			for k := range gf {
				g, w := gf[k], wf[k]
				values++
				if math.Float64bits(g) == math.Float64bits(w) || (math.IsNaN(g) && math.IsNaN(w)) {
					continue
				}
				differ++
				e := math.Abs(g - w)
				if w != 0 {
					e /= math.Abs(w)
				}
				if !(e <= worst) {
					worst = e
				}
				if !(e <= 1e-12) {
					t.Errorf("instance %d, options %d, value %d: got %.17g, reference %.17g", ii, oi, k, g, w)
				}
			}
		}
	}
	t.Logf("%d instances × %d option sets: %d numbers compared, %d not bit-identical, max relative difference %.3g",
		len(ins), len(optss), values, differ, worst)
	if values < 100000 {
		t.Fatalf("only %d numbers compared", values)
	}
}

func solveWith(in *parley.Instance, opts parley.Options) (*parley.Result, error) {
	s, err := eum.New().Prepare(opts)
	if err != nil {
		return nil, err
	}
	var res parley.Result
	if err := s.Solve(context.Background(), in, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// TestBUpper checks bUpper against E^i(U_ji) computed as step computes it
// (U_s, U_f and U_sq through exp(r·ln base)), on random saliences,
// probabilities (0 and 1 included), exponents in [0.5, 2] (1 included)
// and distances in [0, R]: the bound must never be below the value, and
// it must prove the value negative often enough to be worth its cost.
func TestBUpper(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	proved, negative := 0, 0
	const n = 1000000
	for i := 0; i < n; i++ {
		si, P := rng.Float64(), 0.05*rng.Float64()
		switch i % 10 {
		case 0:
			si = 1
		case 1:
			si = 0
		case 2:
			P = 1
		case 3:
			P = 0
		case 4:
			P = rng.Float64()
		}
		r := 0.5 + 1.5*rng.Float64()
		switch i % 13 {
		case 0:
			r = 1
		case 1:
			r = 0.5
		case 2:
			r = 2
		}
		d := rng.Float64()
		if i%7 == 0 {
			d = 1
		}
		bs, bf := max(0, 0.5-0.5*d), 0.5+0.5*d
		h := eum.ExpLog(0.5, math.Log(0.5), r)
		us, uf := 2-4*eum.ExpLog(bs, math.Log(bs), r), 2-4*eum.ExpLog(bf, math.Log(bf), r)
		b := eum.ChallengeEU(si, P, us, uf, 2-4*h, 1)
		ub := eum.BUpper(si, P, d, r, h, 1/h)
		if !(b <= ub+1e-12) {
			t.Fatalf("si=%g P=%g r=%g d=%g: E(U)=%.17g above its bound %.17g", si, P, r, d, b, ub)
		}
		if b < 0 {
			negative++
		}
		if ub < -1e-9 {
			proved++
			if !(b < 0) {
				t.Fatalf("si=%g P=%g r=%g d=%g: bound %.17g proves E(U)=%.17g negative", si, P, r, d, ub, b)
			}
		}
	}
	t.Logf("%d draws: E(U) < 0 in %d, proved by the bound in %d", n, negative, proved)
	if proved < negative*3/4 {
		t.Fatalf("the bound proves only %d of %d negative values", proved, negative)
	}
}
