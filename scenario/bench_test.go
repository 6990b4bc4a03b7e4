package scenario_test

import (
	"os"
	"testing"

	"github.com/parley-forecast/parley/scenario"
)

// BenchmarkParse measures Parse on the full fixture (about 200 lines,
// every field used) and on the flagship scenario (about 1,400 lines).
func BenchmarkParse(b *testing.B) {
	for _, path := range []string{"testdata/full.good.yaml", "../examples/iran-comprehensive-deal.yaml"} {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, ds := scenario.Parse(path, data); ds.Err() != nil {
					b.Fatal(ds)
				}
			}
		})
	}
}
