package sweep

import (
	"context"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
)

// A Plan is what a manifest is made from besides the scenario's problem
// and model: the analysis, its design and the sweep's size.
type Plan struct {
	// Analysis is Simulate or Sensitivity.
	Analysis string
	// Scenario is the input document, carried in the manifest.
	Scenario Source
	// Variant is the variant already applied to the problem ("" none).
	Variant string
	Dist    analysis.Dist
	// Bins is a simulate sweep's histogram bins (0: the default).
	Bins int
	// Draws is a simulate sweep's N; a sensitivity sweep's N is the
	// number of its design's evaluations, set by Sensitivity.
	Draws       uint64
	Sensitivity *SensitivitySpec
	Shards      int
	// Version is the Parley version every shard and the merge must run;
	// "" means this one.
	Version string
}

// NewManifest plans a sweep of problem p (the scenario with the plan's
// variant applied) with cfg's model, rounds, seed and params. Its errors
// are EINVALID.
func NewManifest(p *analysis.Problem, cfg analysis.Config, pl Plan) (*Manifest, error) {
	if cfg.Model == nil {
		return nil, parley.Errorf(parley.EINVALID, "sweep: no model given")
	}
	m := &Manifest{Format: ManifestFormat, Version: pl.Version, Analysis: pl.Analysis, Scenario: pl.Scenario,
		Variant: pl.Variant, Model: cfg.Model.Info().Name, Rounds: cfg.Options.Rounds, Params: cfg.Options.Params,
		Seed: cfg.Options.Seed, Shards: pl.Shards}
	if m.Version == "" {
		m.Version = parley.Version
	}
	switch pl.Analysis {
	case Simulate:
		spec, err := analysis.NewSimSpec(p, &cfg, analysis.SimOptions{Draws: pl.Draws, Dist: pl.Dist, Bins: pl.Bins, Variant: pl.Variant})
		if err != nil {
			return nil, err
		}
		m.Fingerprint, m.Params, m.Design = spec.Scenario, spec.Params, DesignMonteCarlo
		m.Distribution, m.Bins, m.Draws = spec.Dist, spec.Bins, pl.Draws
	case Sensitivity:
		if pl.Sensitivity == nil {
			return nil, parley.Errorf(parley.EINVALID, "sweep: a sensitivity sweep needs its options")
		}
		ss := *pl.Sensitivity
		if ss.Method == "morris" {
			ss.Sampler, ss.Resamples = "", 0
		} else {
			ss.Levels = 0
		}
		sd, err := analysis.NewSensitivityDesign(p, cfg, ss.Options(pl.Dist))
		if err != nil {
			return nil, err
		}
		m.Fingerprint, m.Sensitivity, m.Design = p.Fingerprint(), &ss, SensitivityDesignName(ss.Method)
		m.Distribution, m.Draws = pl.Dist, sd.Len()
		if uint64(pl.Shards) > m.Draws {
			return nil, parley.Errorf(parley.EINVALID, "%d shards for the design's %d evaluations: every shard needs one", pl.Shards, m.Draws)
		}
	default:
		return nil, parley.Errorf(parley.EINVALID, "sweep: analysis %q, want %s or %s", pl.Analysis, Simulate, Sensitivity)
	}
	if len(m.Params) == 0 {
		m.Params = nil
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	return m, nil
}

// A Job is a manifest made ready to compute shards and merge them: the
// one shard function that parley sweep run, parley sweep local and the
// server's shard jobs all call, so their results are identical.
type Job struct {
	Manifest *Manifest
	Problem  *analysis.Problem
	Config   analysis.Config
	// Sim and Spec describe a simulate sweep.
	Sim  analysis.SimOptions
	Spec analysis.SimSpec
	// Design is a sensitivity sweep's design (nil for simulate).
	Design *analysis.SensitivityDesign
}

// Open rebuilds m's problem from s, the scenario m carries as read by the
// caller (before its variant is applied), and model, which must be the
// model m names. It refuses a scenario that no longer reads as the
// fingerprint m was planned with. workers and rec configure the
// computation; results do not depend on them.
func Open(m *Manifest, s *parley.Scenario, model parley.Model, workers int, rec analysis.Recorder) (*Job, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	if model == nil || model.Info().Name != m.Model {
		return nil, parley.Errorf(parley.EINVALID, "sweep: the manifest's model is %s", m.Model)
	}
	run, err := analysis.ApplyVariant(s, m.Variant)
	if err != nil {
		return nil, err
	}
	opts := parley.Options{Rounds: m.Rounds, Seed: m.Seed, Params: m.Params}
	if _, err := model.Prepare(opts); err != nil {
		return nil, err
	}
	p, err := analysis.NewProblem(run)
	if err != nil {
		return nil, err
	}
	j := &Job{Manifest: m, Problem: p, Config: analysis.Config{Model: model, Options: opts, Workers: workers, Recorder: rec},
		Sim: analysis.SimOptions{Draws: m.Draws, Dist: m.Distribution, Bins: m.Bins, Variant: m.Variant}}
	fp := p.Fingerprint()
	if m.Analysis == Sensitivity {
		if j.Design, err = analysis.NewSensitivityDesign(p, j.Config, m.Sensitivity.Options(m.Distribution)); err != nil {
			return nil, err
		}
		if j.Design.Len() != m.Draws {
			return nil, parley.Errorf(parley.EINVALID, "sweep: the design has %d evaluations, not the %d it was planned with", j.Design.Len(), m.Draws)
		}
	} else {
		if j.Spec, err = analysis.NewSimSpec(p, &j.Config, j.Sim); err != nil {
			return nil, err
		}
		fp = j.Spec.Scenario
	}
	if fp != m.Fingerprint {
		return nil, parley.Errorf(parley.EINVALID, "sweep: the scenario now reads as %.12s…, not the %.12s… it was planned with", fp, m.Fingerprint)
	}
	return j, nil
}

// RunShard computes shard i: the run indices Range(N, K, i), returned as
// the shard file's bytes (EncodeShard or EncodeOutputsShard). The bytes
// depend only on the manifest and i.
func (j *Job) RunShard(ctx context.Context, i int) ([]byte, error) {
	if i < 0 || i >= j.Manifest.Shards {
		return nil, parley.Errorf(parley.EINVALID, "shard %d is outside the sweep's shards 0 to %d", i, j.Manifest.Shards-1)
	}
	lo, hi := Range(j.Manifest.Draws, j.Manifest.Shards, i)
	if j.Design != nil {
		y, err := j.Design.EvaluateRange(ctx, lo, hi)
		if err != nil {
			return nil, err
		}
		return EncodeOutputsShard(j.Manifest, i, j.Design.Outputs(), y)
	}
	part, err := analysis.SimulateRange(ctx, j.Problem, j.Config, j.Sim, lo, hi)
	if err != nil {
		return nil, err
	}
	return EncodeShard(j.Manifest, i, part)
}

// MergeSimulate checks the candidate shard files of a simulate sweep
// (Collect) and reduces them (Merge) to the summary parley simulate gives.
func (j *Job) MergeSimulate(files []File) (*analysis.SimSummary, error) {
	parts, err := Collect(j.Manifest, j.Spec, files)
	if err != nil {
		return nil, err
	}
	all, err := Merge(j.Manifest, j.Spec, parts)
	if err != nil {
		return nil, err
	}
	return all.Summary(j.Problem.Scenario)
}

// MergeSensitivity checks the candidate shard files of a sensitivity
// sweep (CollectOutputs, MergeOutputs) and estimates the indices parley
// sensitivity gives.
func (j *Job) MergeSensitivity(files []File) (*analysis.SensitivityResult, error) {
	if j.Design == nil {
		return nil, parley.Errorf(parley.EINVALID, "the manifest is of a %s sweep, not %s", j.Manifest.Analysis, Sensitivity)
	}
	parts, err := CollectOutputs(j.Manifest, j.Design.Outputs(), files)
	if err != nil {
		return nil, err
	}
	y, err := MergeOutputs(j.Manifest, j.Design.Outputs(), parts)
	if err != nil {
		return nil, err
	}
	r, err := j.Design.Estimate(y)
	if err != nil {
		return nil, err
	}
	r.Variant = j.Manifest.Variant
	return r, nil
}

// MergeJSON merges files as MergeSimulate or MergeSensitivity and renders
// the result as analysis.JSON: the bytes of parley sweep merge --format
// json, parley simulate --format json and parley sensitivity --format
// json alike.
func (j *Job) MergeJSON(files []File) ([]byte, error) {
	if j.Design != nil {
		r, err := j.MergeSensitivity(files)
		if err != nil {
			return nil, err
		}
		return analysis.JSON(r)
	}
	s, err := j.MergeSimulate(files)
	if err != nil {
		return nil, err
	}
	return analysis.JSON(s)
}

// RunAll computes every shard in turn and merges them (MergeJSON): the
// whole sweep in this process, as parley sweep local does without its
// shard files.
func (j *Job) RunAll(ctx context.Context) ([]byte, error) {
	files := make([]File, j.Manifest.Shards)
	for i := range files {
		b, err := j.RunShard(ctx, i)
		if err != nil {
			return nil, err
		}
		files[i] = File{Name: ShardName(i, j.Manifest.Shards), Data: b}
	}
	return j.MergeJSON(files)
}
