package analysis

import (
	"math/bits"

	"github.com/parley-forecast/parley"
)

// sobolSeq generates the Sobol low-discrepancy sequence with the Joe–Kuo
// direction numbers (sobol_table.go). Point i is computed from i alone
// (through its Gray code), so any index can be generated without the ones
// before it: the design can be split across workers or machines.
type sobolSeq struct {
	v [][32]uint32 // v[d][j]: direction number j+1 of dimension d, as a 32-bit fraction
}

// MaxSobolDims is the largest dimension the sequence supports.
const MaxSobolDims = 1 + 1023

func newSobol(dims int) (*sobolSeq, error) {
	if dims < 1 || dims > 1+len(joeKuo) {
		return nil, parley.Errorf(parley.EINVALID, "the Sobol sequence supports 1 to %d dimensions, %d asked", 1+len(joeKuo), dims)
	}
	s := &sobolSeq{v: make([][32]uint32, dims)}
	for j := 0; j < 32; j++ {
		s.v[0][j] = 1 << (31 - j) // m_j = 1: the van der Corput sequence
	}
	for d := 1; d < dims; d++ {
		row := joeKuo[d-1]
		poly := row[0]
		deg := bits.Len32(poly) - 1
		m := make([]uint32, 33) // m[1..32]
		copy(m[1:], row[1:1+deg])
		for j := deg + 1; j <= 32; j++ {
			// m_j = 2^s m_{j−s} ⊕ m_{j−s} ⊕ ⊕_{k=1}^{s−1} a_k 2^k m_{j−k},
			// with a_k the coefficient of x^{s−k} (bit s−k of poly).
			x := m[j-deg] ^ (m[j-deg] << deg)
			for k := 1; k < deg; k++ {
				if poly>>(deg-k)&1 == 1 {
					x ^= m[j-k] << k
				}
			}
			m[j] = x
		}
		for j := 1; j <= 32; j++ {
			s.v[d][j-1] = m[j] << (32 - j)
		}
	}
	return s, nil
}

// point writes the i-th point (i < 2³²) into dst, one coordinate per
// dimension in [0,1).
func (s *sobolSeq) point(i uint64, dst []float64) {
	g := i ^ (i >> 1)
	for d := range dst {
		var x uint32
		for j, gg := 0, g; gg != 0; j, gg = j+1, gg>>1 {
			if gg&1 == 1 {
				x ^= s.v[d][j]
			}
		}
		dst[d] = float64(x) / (1 << 32)
	}
}
