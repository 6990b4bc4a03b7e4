package analysis

import "testing"

// The first points of the two-dimensional Sobol sequence (Joe–Kuo
// numbers, Gray-code order), as printed by every standard implementation.
func TestSobolFirstPoints(t *testing.T) {
	s, err := newSobol(3)
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]float64{
		{0, 0, 0}, {0.5, 0.5, 0.5}, {0.75, 0.25, 0.25}, {0.25, 0.75, 0.75},
		{0.375, 0.375, 0.625}, {0.875, 0.875, 0.125}, {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375},
	}
	got := make([]float64, 3)
	for i, w := range want {
		s.point(uint64(i), got)
		if got[0] != w[0] || got[1] != w[1] || got[2] != w[2] {
			t.Errorf("point %d = %v, want %v", i, got, w)
		}
	}
}

// Every dimension's first 2^m points hit each of the 2^m intervals
// [b/2^m, (b+1)/2^m) exactly once (each coordinate is a (0,m,1)-net).
func TestSobolStratifies(t *testing.T) {
	const dims, m = MaxSobolDims, 10
	s, err := newSobol(dims)
	if err != nil {
		t.Fatal(err)
	}
	seen := make([][]bool, dims)
	for d := range seen {
		seen[d] = make([]bool, 1<<m)
	}
	x := make([]float64, dims)
	for i := uint64(0); i < 1<<m; i++ {
		s.point(i, x)
		for d, v := range x {
			b := int(v * (1 << m))
			if seen[d][b] {
				t.Fatalf("dimension %d: interval %d hit twice", d, b)
			}
			seen[d][b] = true
		}
	}
	if _, err := newSobol(MaxSobolDims + 1); err == nil {
		t.Errorf("too many dimensions accepted")
	}
}
