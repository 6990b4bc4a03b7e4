package eum

import "math"

// This file holds the exponential the model's powers are taken with
// (x^r = exp(r·ln x)). math.Exp costs about 12 ns on the machines Parley
// was measured on and was a quarter of a solve; exp below takes about 5.
//
// The method is Tang's (ACM TOMS 15(2), 1989): write t = (k/N)·ln 2 + f
// with N = 256, integer k and |f| ≤ ln 2/(2N); then
// e^t = 2^(k div N) · 2^((k mod N)/N) · e^f, the middle factor from a table
// and e^f from its Taylor polynomial of degree 4, whose truncation error
// (|f|⁵/120 < 4e-17) is below the rounding of the result. The result is
// within 2 ulps of math.Exp (TestExp measures it over the arguments the
// model uses), not always the same bits: the model's conformance tests
// compare with the reference to 1e-9 and hold to about 1e-13.

const expN = 256 // table size: a power of two

// expTab[j] = 2^(j/expN), rounded to nearest.
var expTab = func() (tab [expN]float64) {
	for j := range tab {
		tab[j] = math.Exp2(float64(j) / expN)
	}
	return tab
}()

const (
	expInvL  = expN / math.Ln2
	expShift = 0x1.8p52 // adding it rounds a float64 below 2^51 to an integer, kept in the low bits
	// (ln 2)/expN split in two: the high part has enough trailing zero
	// bits for k·expL1 to be exact for every k reached here. These are
	// the halves of ln 2 used by the Go standard library (math/exp.go),
	// divided by 256.
	expL1 = 6.93147180369123816490e-01 / expN
	expL2 = 1.90821492927058770002e-10 / expN
)

// exp is e^t to within 2 ulps of math.Exp. Outside (−700, 700), and for
// NaN, it is math.Exp.
func exp(t float64) float64 {
	if !(t > -700 && t < 700) {
		return math.Exp(t)
	}
	kf := t*expInvL + expShift
	// kf's bits are the shift's plus k, the nearest integer to t·N/ln 2.
	k := int64(math.Float64bits(kf) - math.Float64bits(expShift))
	kf -= expShift
	f := t - kf*expL1 - kf*expL2
	p := f + f*f*(1.0/2+f*(1.0/6+f*(1.0/24)))
	// 2^(k div N)·2^((k mod N)/N), built by adding k div N to the
	// table entry's exponent: the entry is in [1, 2) and k div N ≥ −1010,
	// so the result is a normal number.
	sc := math.Float64frombits(math.Float64bits(expTab[k&(expN-1)]) + uint64((k>>8)<<52)) // k>>8 = k div N, rounding down
	return sc + sc*p
}
