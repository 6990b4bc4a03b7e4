package analysis

import (
	"math/big"
	"math/bits"
)

// u128 is an unsigned 128-bit integer. Sums of fixed-point values are kept
// in it so that adding draws, and merging partial sums, is exact and
// therefore independent of order.
type u128 struct{ hi, lo uint64 }

func (a u128) add(b u128) u128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, _ := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}
}

func (a u128) add64(x uint64) u128 {
	lo, c := bits.Add64(a.lo, x, 0)
	return u128{a.hi + c, lo}
}

func mul64(x, y uint64) u128 {
	hi, lo := bits.Mul64(x, y)
	return u128{hi, lo}
}

func (a u128) big() *big.Int {
	z := new(big.Int).SetUint64(a.hi)
	z.Lsh(z, 64)
	return z.Or(z, new(big.Int).SetUint64(a.lo))
}

func (a u128) String() string { return a.big().String() }

func parseU128(s string) (u128, bool) {
	z, ok := new(big.Int).SetString(s, 10)
	if !ok || z.Sign() < 0 || z.BitLen() > 128 {
		return u128{}, false
	}
	lo := new(big.Int).And(z, new(big.Int).SetUint64(^uint64(0))).Uint64()
	hi := new(big.Int).Rsh(z, 64).Uint64()
	return u128{hi, lo}, true
}
