package eum

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// ulpsApart is |a − b| in units of the last place of b.
func ulpsApart(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / (math.Nextafter(math.Abs(b), math.Inf(1)) - math.Abs(b))
}

// bigExp is e^t to 200 bits, from its Taylor series after halving t
// until it is small, then squaring back.
func bigExp(t float64) float64 {
	if t == 0 {
		return 1 // the halving below would never end
	}
	const prec = 200
	x := new(big.Float).SetPrec(prec).SetFloat64(t)
	halvings := 0
	for x.MantExp(nil) > -10 {
		x.Quo(x, big.NewFloat(2).SetPrec(prec))
		halvings++
	}
	sum := big.NewFloat(1).SetPrec(prec)
	term := big.NewFloat(1).SetPrec(prec)
	for i := 1; i < 60; i++ {
		term.Mul(term, x)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(i)))
		sum.Add(sum, term)
	}
	for range halvings {
		sum.Mul(sum, sum)
	}
	f, _ := sum.Float64()
	return f
}

// TestExp: exp is within 2 ulps of math.Exp and within 1.5 ulps of the
// exact value over the arguments the model takes (r·ln x with r in
// [0.5, 2] and x in (0, 1], so t ≤ 0; a few positive ones too), handles
// the edges like math.Exp, and is exact at 0.
func TestExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(2011, 510))
	var worstStd, worstExact float64
	for i := range 400000 {
		var x float64
		switch i % 4 {
		case 0:
			x = -2 * rng.Float64()
		case 1:
			x = -40 * rng.Float64()
		case 2:
			x = 2 * math.Log(rng.Float64()) // x^2 for x uniform
		default:
			x = 700 * (2*rng.Float64() - 1)
		}
		got := exp(x)
		worstStd = max(worstStd, ulpsApart(got, math.Exp(x)))
		if i%20 == 0 {
			worstExact = max(worstExact, ulpsApart(got, bigExp(x)))
		}
	}
	t.Logf("worst: %.2f ulps from math.Exp, %.2f ulps from the exact value", worstStd, worstExact)
	if worstStd > 2 || worstExact > 1.5 {
		t.Errorf("exp is %.2f ulps from math.Exp and %.2f from the exact value; want at most 2 and 1.5", worstStd, worstExact)
	}
	for _, c := range []struct{ t, want float64 }{
		{0, 1}, {math.Inf(-1), 0}, {math.Inf(1), math.Inf(1)}, {-800, 0}, {710, math.Inf(1)},
		{math.Log(0.5), 0.5}, {-699.9, math.Exp(-699.9)},
	} {
		if got := exp(c.t); ulpsApart(got, c.want) > 1 {
			t.Errorf("exp(%g) = %g, want %g", c.t, got, c.want)
		}
	}
	if !math.IsNaN(exp(math.NaN())) {
		t.Error("exp(NaN) is not NaN")
	}
}

func BenchmarkExp(b *testing.B) {
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = -3 * float64(i) / 1024
	}
	var s float64
	b.Run("eum", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			s += exp(xs[i&1023])
		}
	})
	b.Run("math", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			s += math.Exp(xs[i&1023])
		}
	})
	sinkExp = s
}

var sinkExp float64
