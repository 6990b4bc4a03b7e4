package sweep_test

import (
	"testing"

	"github.com/parley-forecast/parley/sweep"
)

// FuzzDecodeManifest: any bytes give a checked manifest or an error, never
// a panic; a manifest that decodes re-encodes to one that decodes to the
// same hash.
func FuzzDecodeManifest(f *testing.F) {
	fx := newFixture(f, 90, 5, 3)
	b, err := fx.m.Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"format":"parley-sweep-manifest/1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := sweep.DecodeManifest("m.json", data)
		if err != nil {
			_ = err.Error()
			return
		}
		b, err := m.Encode()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := sweep.DecodeManifest("m.json", b)
		if err != nil || m2.Hash() != m.Hash() {
			t.Fatalf("re-encoded manifest: %v", err)
		}
	})
}

// FuzzCollect: any shard file gives an error or an accepted partial, never
// a panic; an accepted file merges to a complete partial.
func FuzzCollect(f *testing.F) {
	fx := newFixture(f, 40, 5, 1)
	good := fx.shards(f)
	spec := fx.spec(f)
	f.Add(good[0].Data)
	f.Add([]byte(`{"format":"parley-sweep-shard/1","payload":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		parts, err := sweep.Collect(fx.m, spec, []sweep.File{{Name: "d/shard-0-of-1.json", Data: data}})
		if err != nil {
			_ = err.Error()
			return
		}
		all, err := sweep.Merge(fx.m, spec, parts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := all.Summary(nil); err != nil {
			t.Fatalf("accepted shard does not summarise: %v", err)
		}
	})
}
