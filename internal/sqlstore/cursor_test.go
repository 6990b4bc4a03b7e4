package sqlstore

import (
	"math"
	"testing"

	"github.com/parley-forecast/parley"
)

// FuzzCursor: any cursor a client sends is either a position in a list or
// an EINVALID error, and positions round-trip.
func FuzzCursor(f *testing.F) {
	for _, c := range []string{"", "MQ", encodeCursor(1), encodeCursor(math.MaxInt64), "LTE", "MA", "!!", "MQ=="} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, c string) {
		n, err := decodeCursor(c)
		if err != nil {
			if parley.ErrorCode(err) != parley.EINVALID {
				t.Fatalf("cursor %q: %v", c, err)
			}
			return
		}
		if n <= 0 {
			t.Fatalf("cursor %q decodes to %d", c, n)
		}
		if c != "" && decodeMust(t, encodeCursor(n)) != n {
			t.Fatalf("cursor %q: %d does not round-trip", c, n)
		}
	})
}

func decodeMust(t *testing.T, c string) int64 {
	n, err := decodeCursor(c)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCursor(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"", math.MaxInt64, true},
		{encodeCursor(42), 42, true},
		{"MA", 0, false},  // "0": not a position
		{"LTE", 0, false}, // "-1"
		{"eA", 0, false},  // "x"
		{"%%%", 0, false},
	} {
		n, err := decodeCursor(c.in)
		if (err == nil) != c.ok || (c.ok && n != c.want) {
			t.Errorf("decodeCursor(%q) = %d, %v", c.in, n, err)
		}
	}
}
