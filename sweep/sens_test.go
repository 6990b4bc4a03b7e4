package sweep_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/sweep"
)

// sensFixture is a sensitivity sweep of the simulate fixture's scenario
// and model.
type sensFixture struct {
	m  *sweep.Manifest
	sd *analysis.SensitivityDesign
	o  analysis.SensitivityOptions
	fx *fixture
}

func newSensFixture(t testing.TB, spec sweep.SensitivitySpec, k int) *sensFixture {
	t.Helper()
	fx := newFixture(t, 90, 5, 1)
	o := spec.Options(analysis.Triangular)
	sd, err := analysis.NewSensitivityDesign(fx.p, fx.cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	m := *fx.m
	m.Analysis, m.Sensitivity, m.Design, m.Bins = sweep.Sensitivity, &spec, sweep.SensitivityDesignName(spec.Method), 0
	m.Draws, m.Shards = sd.Len(), k
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	return &sensFixture{&m, sd, o, fx}
}

func (s *sensFixture) shards(t testing.TB) []sweep.File {
	t.Helper()
	var fs []sweep.File
	for i := range s.m.Shards {
		lo, hi := sweep.Range(s.m.Draws, s.m.Shards, i)
		y, err := s.sd.EvaluateRange(context.Background(), lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		b, err := sweep.EncodeOutputsShard(s.m, i, s.sd.Outputs(), y)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, sweep.File{Name: "d/" + sweep.ShardName(i, s.m.Shards), Data: b})
	}
	return fs
}

// TestSensitivityMergeEqualsOnePass: for Morris and Sobol and K = 1, 3,
// the merged outputs estimate to the JSON of one Sensitivity call.
func TestSensitivityMergeEqualsOnePass(t *testing.T) {
	for _, spec := range []sweep.SensitivitySpec{
		{Method: "morris", Draws: 4, Levels: 4},
		{Method: "sobol", Draws: 8, Sampler: "sobol", Resamples: 30},
	} {
		for _, k := range []int{1, 3} {
			s := newSensFixture(t, spec, k)
			want, err := analysis.Sensitivity(context.Background(), s.fx.p, s.fx.cfg, s.o)
			if err != nil {
				t.Fatal(err)
			}
			parts, err := sweep.CollectOutputs(s.m, s.sd.Outputs(), s.shards(t))
			if err != nil {
				t.Fatalf("%s K=%d: %v", spec.Method, k, err)
			}
			y, err := sweep.MergeOutputs(s.m, s.sd.Outputs(), parts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.sd.Estimate(y)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(want)
			b, _ := json.Marshal(got)
			if !bytes.Equal(a, b) {
				t.Errorf("%s K=%d: merged result differs from Sensitivity:\n%s\n%s", spec.Method, k, b, a)
			}
		}
	}
}

// TestCollectOutputsRefuses: damaged, missing, short and simulate shards
// are refused in a sensitivity sweep, and sensitivity shards in a
// simulate sweep.
func TestCollectOutputsRefuses(t *testing.T) {
	s := newSensFixture(t, sweep.SensitivitySpec{Method: "morris", Draws: 3, Levels: 4}, 3)
	good := s.shards(t)
	w := s.sd.Outputs()
	edit := func(f sweep.File, from, to string) sweep.File {
		nb := bytes.Replace(f.Data, []byte(from), []byte(to), 1)
		if bytes.Equal(nb, f.Data) {
			t.Fatalf("edit %q not applied", from)
		}
		return sweep.File{Name: f.Name, Data: nb}
	}
	// A simulate shard whose envelope claims this sweep: the manifest hash
	// is right, so only the payload can tell.
	sim := newFixture(t, s.m.Draws, 5, 3).shards(t)
	var forged sweep.Shard
	if err := json.Unmarshal(sim[1].Data, &forged); err != nil {
		t.Fatal(err)
	}
	var env sweep.Shard
	_ = json.Unmarshal(good[1].Data, &env)
	forged.Manifest, forged.Lo, forged.Hi = s.m.Hash(), env.Lo, env.Hi
	fb, _ := json.Marshal(forged)
	for _, c := range []struct {
		name  string
		files []sweep.File
		want  []string
	}{
		{"missing", []sweep.File{good[0], good[2]}, []string{"missing: 1 of 3 shards: 1"}},
		{"tampered outputs", []sweep.File{good[0], edit(good[1], `"y":"`, `"y":"AAAA`), good[2]},
			[]string{"corrupt: d/shard-1-of-3.json: payload checksum mismatch"}},
		{"simulate shard", []sweep.File{good[0], sim[1], good[2]}, []string{"foreign: d/shard-1-of-3.json: written for manifest"}},
		{"forged simulate shard", []sweep.File{good[0], {Name: good[1].Name, Data: fb}, good[2]},
			[]string{"corrupt: d/shard-1-of-3.json: payload is not sensitivity outputs"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			parts, err := sweep.CollectOutputs(s.m, w, c.files)
			if err == nil {
				t.Fatalf("accepted %d files", len(parts))
			}
			for _, x := range c.want {
				if !strings.Contains(err.Error(), x) {
					t.Errorf("error\n%v\ndoes not say %q", err, x)
				}
			}
		})
	}
	// Another width (another scenario's outputs) is refused.
	if _, err := sweep.CollectOutputs(s.m, w+1, good); err == nil || !strings.Contains(err.Error(), "outputs, want") {
		t.Errorf("other width: %v", err)
	}
	// A simulate sweep takes no sensitivity shard, nor the reverse.
	fx := newFixture(t, s.m.Draws, 5, 3)
	if _, err := sweep.Collect(fx.m, fx.spec(t), good); err == nil || !strings.Contains(err.Error(), "foreign") {
		t.Errorf("simulate sweep took sensitivity shards: %v", err)
	}
	if _, err := sweep.Collect(s.m, fx.spec(t), sim); err == nil {
		t.Errorf("Collect took a sensitivity manifest")
	}
	if _, err := sweep.EncodeOutputsShard(s.m, 0, w, []float64{1}); err == nil {
		t.Errorf("a short output table was encoded")
	}
	if _, err := sweep.CollectOutputs(s.m, w, good); err != nil {
		t.Fatal(err)
	}
}
