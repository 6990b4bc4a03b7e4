package analysis

import (
	"github.com/parley-forecast/parley"
)

// A Dist turns a Value's range into a probability distribution, through
// its quantile function: Quantile(v, u) for u uniform on [0,1) is a draw.
type Dist string

// Distributions.
const (
	// Triangular has density rising linearly from Low to Mode and falling
	// to High. It is the default: it needs exactly the three numbers a
	// range gives, puts most weight near the mode, and never leaves the
	// range.
	Triangular Dist = "triangular"
	// Uniform spreads the weight evenly over [Low, High], ignoring Mode:
	// for analysts who can name bounds but no most likely value.
	Uniform Dist = "uniform"
)

// Dists lists the distributions.
var Dists = []Dist{Triangular, Uniform}

// ParseDist returns the distribution called name ("" is Triangular).
func ParseDist(name string) (Dist, error) {
	switch Dist(name) {
	case "", Triangular:
		return Triangular, nil
	case Uniform:
		return Uniform, nil
	}
	return "", parley.Errorf(parley.EINVALID, "unknown distribution %q: want triangular or uniform", name)
}

// Quantile returns the u-quantile (0 ≤ u ≤ 1) of v's distribution. A point
// value returns its mode for every u.
//
// Triangular on (a, c, b): F(c) = (c−a)/(b−a); for u < F(c) the quantile
// is a + √(u(b−a)(c−a)), otherwise b − √((1−u)(b−a)(b−c)).
func (d Dist) Quantile(v parley.Value, u float64) float64 {
	a, c, b := v.Low, v.Mode, v.High
	if !(b > a) {
		return c
	}
	if d == Uniform {
		return a + u*(b-a)
	}
	q := newQuantiles(v)
	return q.triangular(u)
}
