package analysis_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/model/baseline"
)

// FuzzPartialJSON feeds arbitrary bytes to the partial-result decoder (the
// input of the coming sweep merge): it must never panic, and whatever it
// accepts must encode back to bytes that decode to the same encoding, and
// summarise without panicking when complete.
func FuzzPartialJSON(f *testing.F) {
	p, err := analysis.NewProblem(synthetic(12, 3, 2, true))
	if err != nil {
		f.Fatal(err)
	}
	cfg := analysis.Config{Model: baseline.Median(), Workers: 1}
	for _, r := range [][2]uint64{{0, 20}, {5, 9}} {
		part, err := analysis.SimulateRange(context.Background(), p, cfg, analysis.SimOptions{Draws: 20, Bins: 10}, r[0], r[1])
		if err != nil {
			f.Fatal(err)
		}
		b, err := json.Marshal(part)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"format":"parley-simulate-partial/1"}`))
	f.Add([]byte(`{"format":"parley-simulate-partial/1","spec":{"draws":3,"bins":1,"issues":[{"id":"k","min":0,"max":1}]},"ranges":[[0,3]],"issues":[{"count":3,"undefined":0,"sum":"3","sum2":"3","min":0,"max":1,"bins":[[9999,3]]}],"hits":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var q analysis.Partial
		if err := json.Unmarshal(data, &q); err != nil {
			return
		}
		b1, err := json.Marshal(&q)
		if err != nil {
			t.Fatalf("re-encoding an accepted partial: %v", err)
		}
		var r analysis.Partial
		if err := json.Unmarshal(b1, &r); err != nil {
			t.Fatalf("decoding our own encoding: %v\n%s", err, b1)
		}
		b2, _ := json.Marshal(&r)
		if !bytes.Equal(b1, b2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", b1, b2)
		}
		_, _ = q.Summary(nil)
		_ = r.Merge(&q)
	})
}
