package sweep_test

import (
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/sweep"
)

// checkRefusal: a refused file is an EINVALID error that names it.
func checkRefusal(t *testing.T, err error, name string) {
	t.Helper()
	if parley.ErrorCode(err) != parley.EINVALID || !strings.Contains(err.Error(), name) {
		t.Fatalf("refusal %v (code %s) is not EINVALID naming %s", err, parley.ErrorCode(err), name)
	}
}

// FuzzDecodeManifest: any bytes give a checked manifest or an EINVALID
// error starting with the file's name, never a panic; a manifest that
// decodes re-encodes to one that decodes to the same hash.
func FuzzDecodeManifest(f *testing.F) {
	fx := newFixture(f, 90, 5, 3)
	b, err := fx.m.Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	sb, err := newSensFixture(f, sweep.SensitivitySpec{Method: "sobol", Draws: 4, Sampler: "random", Resamples: -1}, 2).m.Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sb)
	f.Add([]byte(`{"format":"parley-sweep-manifest/1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := sweep.DecodeManifest("m.json", data)
		if err != nil {
			checkRefusal(t, err, "m.json")
			if !strings.HasPrefix(err.Error(), "m.json") {
				t.Fatalf("error %q does not start with the file name", err)
			}
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

// FuzzCollect: any shard file gives an EINVALID error naming it or an
// accepted partial, never a panic; an accepted file merges to a complete
// partial.
func FuzzCollect(f *testing.F) {
	fx := newFixture(f, 40, 5, 1)
	good := fx.shards(f)
	spec := fx.spec(f)
	f.Add(good[0].Data)
	f.Add([]byte(`{"format":"parley-sweep-shard/1","payload":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		parts, err := sweep.Collect(fx.m, spec, []sweep.File{{Name: "d/shard-0-of-1.json", Data: data}})
		if err != nil {
			checkRefusal(t, err, "d/shard-0-of-1.json")
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

// FuzzCollectOutputs: any file in a sensitivity sweep gives an EINVALID
// error naming it or accepted outputs, never a panic; accepted outputs are the design's full
// table, which estimates.
func FuzzCollectOutputs(f *testing.F) {
	s := newSensFixture(f, sweep.SensitivitySpec{Method: "morris", Draws: 2, Levels: 4}, 1)
	good := s.shards(f)
	f.Add(good[0].Data)
	f.Add([]byte(`{"format":"parley-sweep-shard/1","payload":{"kind":"sensitivity-outputs"}}`))
	w := s.sd.Outputs()
	f.Fuzz(func(t *testing.T, data []byte) {
		parts, err := sweep.CollectOutputs(s.m, w, []sweep.File{{Name: "d/shard-0-of-1.json", Data: data}})
		if err != nil {
			checkRefusal(t, err, "d/shard-0-of-1.json")
			return
		}
		y, err := sweep.MergeOutputs(s.m, w, parts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.sd.Estimate(y); err != nil {
			t.Fatalf("accepted shard does not estimate: %v", err)
		}
	})
}
