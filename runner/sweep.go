package runner

import (
	"context"
	"encoding/json"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/sweep"
)

// Sweep bounds. A sweep is split into shard jobs that run on every
// server's workers, so it may ask for far more than one simulate run.
const (
	// DefaultSweepShards is a sweep's shards K when options.shards is
	// absent (fewer if there are fewer run indices). K does not change
	// the result, only how the work is spread over the workers.
	DefaultSweepShards = 4
	// MaxSweepShards bounds options.shards.
	MaxSweepShards = 256
	// MaxSweepDraws bounds a simulate sweep's draws.
	MaxSweepDraws = 1_000_000_000
)

func init() {
	register(Kind{
		Name: "sweep",
		Summary: "simulate or sensitivity split into shard jobs spread over the workers, merged into the bytes of parley sweep merge; " +
			"options: analysis (simulate or sensitivity), shards (default 4), draws, dist, bins, method, levels, sampler, resamples",
		Long:   true,
		Check:  checkWith(sweepCheck),
		Run:    sweepLocal,
		Shards: func(j *Job) int { return sweepShards(j) },
		Shard:  sweepShard,
		Merge:  sweepMerge,
	})
}

// sweepOptions are parley sweep plan's flags.
type sweepOptions struct {
	Analysis  string `json:"analysis"`
	Shards    int    `json:"shards"`
	Draws     uint64 `json:"draws"`
	Dist      string `json:"dist"`
	Bins      int    `json:"bins"`
	Method    string `json:"method"`
	Levels    int    `json:"levels"`
	Sampler   string `json:"sampler"`
	Resamples int    `json:"resamples"`
}

// sensitivity is o's sensitivity options, with draws capped to an int
// (the checks refuse more than MaxSobolRows anyway).
func (o sweepOptions) sensitivity() sensitivityOptions {
	return sensitivityOptions{Method: o.Method, Draws: int(min(o.Draws, 1<<31)), Levels: o.Levels,
		Sampler: o.Sampler, Resamples: o.Resamples, Dist: o.Dist}
}

func sweepCheck(j *Job, o sweepOptions) error {
	switch o.Analysis {
	case "", sweep.Simulate:
		if o.Draws > MaxSweepDraws {
			return fieldErr("options.draws", parley.EINVALID, "at most %d draws per sweep, got %d", MaxSweepDraws, o.Draws)
		}
		if o.Method != "" || o.Levels != 0 || o.Sampler != "" || o.Resamples != 0 {
			return fieldErr("options.method", parley.EINVALID, "method, levels, sampler and resamples are for a sensitivity sweep")
		}
		if err := checkBins(o.Bins); err != nil {
			return err
		}
	case sweep.Sensitivity:
		if o.Bins != 0 {
			return fieldErr("options.bins", parley.EINVALID, "a sensitivity sweep has no bins")
		}
		if err := sensitivityCheck(j, o.sensitivity()); err != nil {
			return err
		}
	default:
		return fieldErr("options.analysis", parley.EINVALID, "a sweep's analysis must be simulate or sensitivity, got %q", o.Analysis)
	}
	if err := checkDist(o.Dist); err != nil {
		return err
	}
	if o.Shards < 0 || o.Shards > MaxSweepShards {
		return fieldErr("options.shards", parley.EINVALID, "shards must be from 1 to %d, got %d", MaxSweepShards, o.Shards)
	}
	if j.ParleyVersion != "" && j.ParleyVersion != parley.Version {
		return parley.Errorf(parley.EINVALID, "the sweep was accepted by Parley %s, this worker is %s: every shard and the merge must use the same version",
			j.ParleyVersion, parley.Version)
	}
	_, err := sweepManifest(j, o)
	return err
}

// sweepManifest is the manifest of j's sweep, as parley sweep plan would
// write it for the scenario document j carries (the canonical JSON when
// it has none) and the request's options.
func sweepManifest(j *Job, o sweepOptions) (*sweep.Manifest, error) {
	p, err := analysis.NewProblem(j.Scenario)
	if err != nil {
		return nil, fieldErr("scenario", parley.EINVALID, "%s", parley.ErrorMessage(err))
	}
	src, err := sweepSource(j)
	if err != nil {
		return nil, err
	}
	pl := sweep.Plan{Analysis: o.Analysis, Scenario: src, Variant: j.Request.Variant, Dist: analysis.Dist(o.Dist),
		Bins: o.Bins, Draws: o.Draws, Version: j.ParleyVersion}
	if pl.Analysis == "" {
		pl.Analysis = sweep.Simulate
	}
	if pl.Analysis == sweep.Simulate {
		if pl.Draws == 0 {
			pl.Draws = 10000
		}
	} else {
		// The defaults of parley sweep plan's flags, which are those of
		// parley sensitivity.
		so := o.sensitivity()
		so.setDefaults()
		pl.Sensitivity = &sweep.SensitivitySpec{Method: so.Method, Draws: int(o.Draws), Levels: so.Levels, Sampler: so.Sampler, Resamples: so.Resamples}
	}
	// Plan with one shard to learn the number of run indices N, then
	// split into K: as asked, else the default but never more than N.
	pl.Shards = 1
	m, err := sweep.NewManifest(p, config(j), pl)
	if err != nil {
		return nil, fieldErr("options", parley.EINVALID, "%s", parley.ErrorMessage(err))
	}
	m.Shards = o.Shards
	if m.Shards == 0 {
		m.Shards = int(min(uint64(DefaultSweepShards), m.Draws))
	}
	if uint64(m.Shards) > m.Draws {
		return nil, fieldErr("options.shards", parley.EINVALID, "%d shards for %d run indices: every shard needs at least one", m.Shards, m.Draws)
	}
	if err := m.Check(); err != nil {
		return nil, fieldErr("options", parley.EINVALID, "%s", parley.ErrorMessage(err))
	}
	return m, nil
}

// sweepSource is the scenario document the manifest carries, under the
// name and reader parley sweep run gives it.
func sweepSource(j *Job) (sweep.Source, error) {
	if len(j.Document) > 0 && (j.Format == "yaml" || j.Format == "json") {
		return sweep.NewSource("scenario."+j.Format, "scenario", j.Document), nil
	}
	b, err := json.Marshal(j.Base)
	if err != nil {
		return sweep.Source{}, err
	}
	return sweep.NewSource("scenario.json", "scenario", b), nil
}

// jobManifest is the manifest of sweep job j, from its options.
func jobManifest(j *Job) (*sweep.Manifest, error) {
	o, err := decodeOptions[sweepOptions](j)
	if err != nil {
		return nil, err
	}
	return sweepManifest(j, o)
}

// openSweep plans j's sweep and makes it ready to compute.
func openSweep(j *Job) (*sweep.Job, error) {
	m, err := jobManifest(j)
	if err != nil {
		return nil, err
	}
	return sweep.Open(m, j.Base, j.Model, 0, nil)
}

func sweepShards(j *Job) int {
	m, err := jobManifest(j)
	if err != nil {
		return 0
	}
	return m.Shards
}

// SweepManifest returns the manifest of a sweep job, as parley sweep plan
// writes it: parley sweep local, run and merge take it to compute the
// same sweep on a cluster.
func SweepManifest(j *Job) ([]byte, error) {
	if j.Kind.Name != "sweep" {
		return nil, parley.Errorf(parley.EINVALID, "a %s run is not a sweep", j.Kind.Name)
	}
	m, err := jobManifest(j)
	if err != nil {
		return nil, err
	}
	return m.Encode()
}

// sweepShard computes shard i with the shard function parley sweep run
// calls.
func sweepShard(ctx context.Context, j *Job, i int) ([]byte, error) {
	sj, err := openSweep(j)
	if err != nil {
		return nil, err
	}
	return sj.RunShard(ctx, i)
}

// sweepMerge checks the shards (every one present once, of this manifest,
// intact) and merges them as parley sweep merge --format json does.
func sweepMerge(ctx context.Context, j *Job, parts [][]byte) ([]byte, error) {
	sj, err := openSweep(j)
	if err != nil {
		return nil, err
	}
	files := make([]sweep.File, len(parts))
	for i, b := range parts {
		files[i] = sweep.File{Name: sweep.ShardName(i, sj.Manifest.Shards), Data: b}
	}
	return sj.MergeJSON(files)
}

// sweepLocal computes every shard in turn and merges them, as parley
// sweep local does.
func sweepLocal(ctx context.Context, j *Job) ([]byte, error) {
	sj, err := openSweep(j)
	if err != nil {
		return nil, err
	}
	return sj.RunAll(ctx)
}
