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
