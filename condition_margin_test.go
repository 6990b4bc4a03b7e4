package parley_test

import (
	"math"
	"testing"

	"github.com/parley-forecast/parley"
)

func TestConditionMargin(t *testing.T) {
	ids := []string{"a", "b"}
	widths := []float64{100, 10}
	for _, c := range []struct {
		when string
		a, b float64
		want float64
	}{
		{"a >= 70", 60, 0, -0.1},           // (60−70)/100
		{"a >= 70", 75, 0, 0.05},           // (75−70)/100
		{"b < 3", 0, 5, -0.2},              // (3−5)/10
		{"a >= 70 and b < 3", 80, 5, -0.2}, // min(0.1, −0.2)
		{"a >= 70 or b < 3", 80, 5, 0.1},   // max
		{"not a >= 70", 80, 0, -0.1},       // −0.1
		{"a == 50", 40, 0, -0.1},           // −|−10|/100
		{"a != 50", 40, 0, 0.1},            //
		{"a > b", 30, 5, 0.25},             // (30−5)/max(100,10)
		{"70 <= a", 60, 0, -0.1},           // c ≤ x: (x−c)/w
		{"a >= 70", math.NaN(), 0, math.Inf(-1)},
	} {
		cond, err := parley.ParseCondition(c.when)
		if err != nil {
			t.Fatal(err)
		}
		b, err := cond.Bind(ids)
		if err != nil {
			t.Fatal(err)
		}
		out := []float64{c.a, c.b}
		got := b.Margin(out, widths)
		if math.Abs(got-c.want) > 1e-12 && !(math.IsInf(got, -1) && math.IsInf(c.want, -1)) {
			t.Errorf("%q at (%v,%v): margin %v, want %v", c.when, c.a, c.b, got, c.want)
		}
		if holds := b.Holds(out); holds != (got >= 0) {
			t.Errorf("%q: holds %v but margin %v", c.when, holds, got)
		}
	}
}
