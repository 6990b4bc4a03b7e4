package sweep_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/internal/refdata"
	"github.com/parley-forecast/parley/models"
	"github.com/parley-forecast/parley/scenario"
	"github.com/parley-forecast/parley/sweep"
)

func TestRange(t *testing.T) {
	for _, c := range []struct {
		n    uint64
		k    int
		want [][2]uint64
	}{
		// ⌊10·1/3⌋ = 3, ⌊10·2/3⌋ = 6.
		{10, 3, [][2]uint64{{0, 3}, {3, 6}, {6, 10}}},
		{7, 7, [][2]uint64{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}, {6, 7}}},
		{5, 1, [][2]uint64{{0, 5}}},
		// ⌊(2⁶⁴−1)/3⌋ = 6148914691236517205: n·i does not overflow.
		{math.MaxUint64, 3, [][2]uint64{{0, 6148914691236517205}, {6148914691236517205, 12297829382473034410},
			{12297829382473034410, math.MaxUint64}}},
	} {
		for i, w := range c.want {
			lo, hi := sweep.Range(c.n, c.k, i)
			if lo != w[0] || hi != w[1] {
				t.Errorf("Range(%d, %d, %d) = [%d,%d), want [%d,%d)", c.n, c.k, i, lo, hi, w[0], w[1])
			}
		}
	}
}

// TestRangeCovers checks on random (n, k) that the shards tile [0, n) in
// order and differ in size by at most one.
func TestRangeCovers(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := r.Uint64N(1<<40) + 1
		if r.IntN(4) == 0 {
			n = math.MaxUint64 - r.Uint64N(1000)
		}
		k := r.IntN(300) + 1
		if uint64(k) > n {
			continue
		}
		var next, smin, smax uint64 = 0, math.MaxUint64, 0
		for i := range k {
			lo, hi := sweep.Range(n, k, i)
			if lo != next || hi < lo {
				t.Fatalf("n=%d k=%d: shard %d is [%d,%d), want it to start at %d", n, k, i, lo, hi, next)
			}
			smin, smax = min(smin, hi-lo), max(smax, hi-lo)
			next = hi
		}
		if next != n || smax-smin > 1 {
			t.Fatalf("n=%d k=%d: shards end at %d, sizes %d..%d", n, k, next, smin, smax)
		}
	}
}

func ExampleRange() {
	for i := range 3 {
		lo, hi := sweep.Range(10, 3, i)
		fmt.Printf("shard %d: [%d,%d)\n", i, lo, hi)
	}
	// Output:
	// shard 0: [0,3)
	// shard 1: [3,6)
	// shard 2: [6,10)
}

// fixture is a small sweep of the flagship scenario with the compromise
// model (fast): its manifest, problem, config and options.
type fixture struct {
	m   *sweep.Manifest
	p   *analysis.Problem
	cfg analysis.Config
	o   analysis.SimOptions
}

func newFixture(t testing.TB, draws, seed uint64, k int) *fixture {
	t.Helper()
	path := filepath.Join(refdata.Root(), "examples", "iran-comprehensive-deal.yaml")
	f, ds, err := scenario.ParseFile(path)
	if err != nil || ds.Err() != nil {
		t.Fatalf("parse: %v %v", err, ds)
	}
	p, err := analysis.NewProblem(f.Scenario)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := models.Lookup("compromise")
	if err != nil {
		t.Fatal(err)
	}
	cfg := analysis.Config{Model: mod, Options: parley.Options{Seed: seed}, Workers: 2}
	o := analysis.SimOptions{Draws: draws, Dist: analysis.Triangular, Bins: 20}
	spec, err := analysis.NewSimSpec(p, &cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	m := &sweep.Manifest{Format: sweep.ManifestFormat, Version: parley.Version, Analysis: sweep.Simulate,
		Scenario: sweep.NewSource("x.yaml", "auto", []byte("stands for the file")), Fingerprint: spec.Scenario,
		Model: "compromise", Design: sweep.DesignMonteCarlo, Distribution: spec.Dist, Bins: spec.Bins,
		Draws: draws, Seed: seed, Shards: k}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	return &fixture{m, p, cfg, o}
}

func (fx *fixture) spec(t testing.TB) analysis.SimSpec {
	s, err := analysis.NewSimSpec(fx.p, &fx.cfg, fx.o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// shards computes every shard file of the fixture.
func (fx *fixture) shards(t testing.TB) []sweep.File {
	t.Helper()
	var fs []sweep.File
	for i := range fx.m.Shards {
		lo, hi := sweep.Range(fx.m.Draws, fx.m.Shards, i)
		part, err := analysis.SimulateRange(context.Background(), fx.p, fx.cfg, fx.o, lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		b, err := sweep.EncodeShard(fx.m, i, part)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, sweep.File{Name: "d/" + sweep.ShardName(i, fx.m.Shards), Data: b})
	}
	return fs
}

// TestMergeEqualsOnePass: the merged shards marshal to the same bytes as
// one pass over [0, N), for several K.
func TestMergeEqualsOnePass(t *testing.T) {
	for _, k := range []int{1, 3, 8} {
		fx := newFixture(t, 240, 5, k)
		one, err := analysis.SimulateRange(context.Background(), fx.p, fx.cfg, fx.o, 0, 240)
		if err != nil {
			t.Fatal(err)
		}
		files := fx.shards(t)
		// Collect sorts: the order files are found in does not matter.
		rand.New(rand.NewPCG(uint64(k), 0)).Shuffle(len(files), func(i, j int) { files[i], files[j] = files[j], files[i] })
		parts, err := sweep.Collect(fx.m, fx.spec(t), files)
		if err != nil {
			t.Fatalf("K=%d: %v", k, err)
		}
		all, err := sweep.Merge(fx.m, fx.spec(t), parts)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(one)
		b, _ := json.Marshal(all)
		if !bytes.Equal(a, b) {
			t.Errorf("K=%d: merged partial differs from one pass", k)
		}
	}
}

func TestCollectRefuses(t *testing.T) {
	fx := newFixture(t, 90, 5, 3)
	good := fx.shards(t)
	other := newFixture(t, 90, 6, 3).shards(t) // another seed: another manifest
	otherK := newFixture(t, 90, 5, 2).shards(t)
	with := func(fs ...sweep.File) []sweep.File { return fs }
	edit := func(f sweep.File, fn func([]byte) []byte) sweep.File {
		return sweep.File{Name: f.Name, Data: fn(append([]byte(nil), f.Data...))}
	}
	rename := func(f sweep.File, name string) sweep.File { return sweep.File{Name: name, Data: f.Data} }
	for _, c := range []struct {
		name  string
		files []sweep.File
		want  []string
	}{
		{"missing", with(good[0], good[2]), []string{"missing: 1 of 3 shards: 1"}},
		{"none", nil, []string{"missing: 3 of 3 shards: 0, 1, 2"}},
		{"duplicated", with(good[0], good[1], good[2], rename(good[1], "d/shard-1-of-3 copy.json"), rename(good[1], "d/shard-1-of-3 a.json")),
			[]string{"duplicated: d/shard-1-of-3 copy.json: shard 1 is also in d/shard-1-of-3.json", "duplicated: d/shard-1-of-3 a.json: shard 1 is also in d/shard-1-of-3.json"}},
		{"foreign manifest", with(good[0], rename(other[1], good[1].Name), good[2]),
			[]string{"foreign: d/shard-1-of-3.json: written for manifest", "missing: 1 of 3 shards: 1"}},
		{"foreign K", with(good[0], good[1], good[2], otherK[0]),
			[]string{"foreign: d/shard-0-of-2.json"}},
		{"truncated", with(good[0], edit(good[1], func(b []byte) []byte { return b[:len(b)/2] }), good[2]),
			[]string{"corrupt: d/shard-1-of-3.json:1:", ": not a shard file: the file ends in the middle of the JSON", "missing: 1 of 3 shards: 1"}},
		{"empty", with(good[0], edit(good[1], func([]byte) []byte { return nil }), good[2]),
			[]string{"corrupt: d/shard-1-of-3.json"}},
		{"tampered payload", with(good[0], edit(good[1], func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"hits":[`), []byte(`"hits":[1`), 1)
		}), good[2]), []string{"corrupt: d/shard-1-of-3.json: payload checksum mismatch"}},
		{"tampered range", with(good[0], edit(good[1], func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"lo":30,`), []byte(`"lo":31,`), 1)
		}), good[2]), []string{"corrupt: d/shard-1-of-3.json: range [31,60), shard 1 of this sweep is [30,60)"}},
		{"trailing data", with(good[0], edit(good[1], func(b []byte) []byte { return append(b, "{}"...) }), good[2]),
			[]string{"corrupt: d/shard-1-of-3.json: data after the shard"}},
		{"everything at once", with(rename(other[0], good[0].Name), good[1], good[1], edit(good[2], func(b []byte) []byte { return b[:10] })),
			[]string{"missing: 2 of 3 shards: 0, 2", "foreign: d/shard-0-of-3.json", "duplicated: d/shard-1-of-3.json", "corrupt: d/shard-2-of-3.json"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			parts, err := sweep.Collect(fx.m, fx.spec(t), c.files)
			if err == nil {
				t.Fatalf("accepted %d files", len(parts))
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not say %q", err, w)
				}
			}
		})
	}
	// The intact set is accepted (so the cases above fail for their
	// damage, not for the fixture).
	if _, err := sweep.Collect(fx.m, fx.spec(t), good); err != nil {
		t.Fatal(err)
	}
}

func TestManifest(t *testing.T) {
	fx := newFixture(t, 90, 5, 3)
	b, err := fx.m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	m, err := sweep.DecodeManifest("m.json", b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Hash() != fx.m.Hash() {
		t.Errorf("hash changed in a round trip")
	}
	// The hash does not depend on the layout of the file.
	var compact bytes.Buffer
	_ = json.Compact(&compact, b)
	if m2, err := sweep.DecodeManifest("m.json", compact.Bytes()); err != nil || m2.Hash() != fx.m.Hash() {
		t.Errorf("compact manifest: %v", err)
	}
	// Any change of content changes the hash.
	m.Seed++
	if m.Hash() == fx.m.Hash() {
		t.Errorf("hash ignores the seed")
	}
	for _, c := range []struct{ name, from, to, want string }{
		{"unknown field", `"format"`, `"extra": 1, "format"`, "unknown field"},
		{"edited scenario", `"content": "`, `"content": "AAAA`, "does not match its sha256"},
		{"sensitivity without its options", `"analysis": "simulate"`, `"analysis": "sensitivity"`, "needs its sensitivity options"},
		{"more shards than draws", `"shards": 3`, `"shards": 91`, "91 shards for 90 draws"},
		{"no shards", `"shards": 3`, `"shards": 0`, "shards 0"},
		{"path as name", `"name": "x.yaml"`, `"name": "../x.yaml"`, "plain file name"},
		{"format", sweep.ManifestFormat, "other/1", "format"},
	} {
		nb := bytes.Replace(b, []byte(c.from), []byte(c.to), 1)
		if bytes.Equal(nb, b) {
			t.Fatalf("%s: edit %q not applied", c.name, c.from)
		}
		if _, err := sweep.DecodeManifest("m.json", nb); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
}
