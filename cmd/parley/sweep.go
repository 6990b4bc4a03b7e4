package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/internal/atomicfile"
	"github.com/parley-forecast/parley/models"
	"github.com/parley-forecast/parley/sweep"
	"github.com/spf13/cobra"
)

func newSweepCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sweep",
		Short: "Split a large analysis into shards for a cluster's job array",
		Long: `A sweep runs one analysis as K independent shards, for example as a Slurm
job array or a Kubernetes Indexed Job on shared storage, and merges them
into exactly the bytes one process would have written.

  parley sweep plan FILE --analysis simulate --draws N --seed S --shards K --out m.json
  parley sweep plan FILE --analysis sensitivity --method morris|sobol --draws N --seed S --shards K --out m.json
  parley sweep run m.json --shard I --dir DIR     (one per shard, anywhere)
  parley sweep merge m.json --dir DIR --out result.json
  parley sweep local m.json --dir DIR             (all shards here, then merge)

A simulate sweep merges to the bytes of parley simulate, a sensitivity
sweep to those of parley sensitivity. See docs/cluster.md.`,
	}
	cmd.AddCommand(newSweepPlanCmd(), newSweepRunCmd(), newSweepMergeCmd(), newSweepLocalCmd())
	for _, c := range cmd.Commands() {
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	}
	return cmd
}

func newSweepPlanCmd() *cobra.Command {
	var f anaFlags
	var an, method, sampler string
	var draws uint64
	var bins, shards, levels, resamples int
	cmd := &cobra.Command{
		Use:   "plan FILE",
		Short: "Write a sweep manifest: the scenario itself, model, design, N, seed, K and version",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			switch an {
			case sweep.Simulate:
				if draws == 0 {
					return usagef("--draws must be at least 1")
				}
				if uint64(shards) > draws {
					return usagef("--shards %d is more than --draws %d: every shard needs a draw", shards, draws)
				}
				if err := checkBins(bins); err != nil {
					return err
				}
			case sweep.Sensitivity:
				if method != "morris" && method != "sobol" {
					return usagef("--method must be morris or sobol, got %q", method)
				}
				if !cmd.Flags().Changed("draws") {
					draws = 0 // the method's default, as parley sensitivity
				}
				if draws > 1<<31 {
					return usagef("--draws %d is too many for a sensitivity design", draws)
				}
				if err := checkSensitivityFlags(method, int(draws), levels, sampler, resamples); err != nil {
					return err
				}
			default:
				return usagef("--analysis must be simulate or sensitivity, got %q", an)
			}
			if shards < 1 || shards > sweep.MaxShards {
				return usagef("--shards must be from 1 to %d, got %d", sweep.MaxShards, shards)
			}
			if f.out == "" {
				return usagef("--out MANIFEST is required")
			}
			f.format, f.progress = "json", "never"
			j, err := f.setup(cmd, a[0], "json")
			if err != nil {
				return err
			}
			defer j.stop()
			content, err := os.ReadFile(a[0])
			if err != nil {
				return err
			}
			p, err := analysis.NewProblem(j.Run)
			if err != nil {
				return err
			}
			if an == sweep.Sensitivity {
				return planSensitivity(cmd, &f, j, p, content, a[0], sweep.SensitivitySpec{Method: method, Draws: int(draws), Levels: levels, Sampler: sampler, Resamples: resamples}, shards)
			}
			m, err := sweep.NewManifest(p, j.Config, sweep.Plan{Analysis: sweep.Simulate,
				Scenario: sweep.NewSource(filepath.Base(a[0]), f.inputFormat, content),
				Variant:  f.variant, Dist: j.Dist, Bins: bins, Draws: draws, Shards: shards})
			if err != nil {
				return err
			}
			b, err := m.Encode()
			if err != nil {
				return err
			}
			if err := f.emit(cmd, b); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "sweep %.12s: %d draws in %d shards of about %d\n", m.Hash(), draws, shards, draws/uint64(shards))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&an, "analysis", sweep.Simulate, "analysis to sweep: simulate or sensitivity")
	fl.StringVarP(&f.model, "model", "m", "eum", "model to run (see parley models)")
	fl.IntVar(&f.rounds, "rounds", 0, "number of rounds (0: the model's default)")
	fl.StringVar(&f.variant, "variant", "", "apply the named variant of the scenario first")
	fl.StringVarP(&f.out, "out", "o", "", "manifest file to write (required)")
	fl.Uint64Var(&f.seed, "seed", 0, "master seed; run i is seeded from (seed, i) alone")
	fl.StringArrayVar(&f.opts, "opt", nil, "model option as name=value (repeatable; see parley models)")
	fl.StringVar(&f.inputFormat, "input-format", "auto", "input file format")
	f.registerDist(cmd)
	fl.Uint64VarP(&draws, "draws", "n", 10000, "simulate: Monte Carlo draws N; sensitivity: Morris trajectories (default 10) or Sobol base rows (default 1024)")
	fl.IntVar(&bins, "bins", 20, "simulate: histogram bins per issue (must divide 10000)")
	fl.IntVar(&shards, "shards", 1, "number of shards K")
	fl.StringVar(&method, "method", "morris", "sensitivity: morris or sobol")
	fl.IntVar(&levels, "levels", 4, "sensitivity: Morris grid levels (even)")
	fl.StringVar(&sampler, "sampler", "sobol", "sensitivity: Sobol base sample, sobol (quasi-random) or random")
	fl.IntVar(&resamples, "resamples", 100, "sensitivity: bootstrap resamples for the Sobol intervals")
	return cmd
}

// planSensitivity writes the manifest of a sensitivity sweep: its run
// indices are the design's evaluations.
func planSensitivity(cmd *cobra.Command, f *anaFlags, j *job, p *analysis.Problem, content []byte, path string, ss sweep.SensitivitySpec, shards int) error {
	sd, err := analysis.NewSensitivityDesign(p, j.Config, ss.Options(j.Dist))
	if err != nil {
		return err
	}
	if n := sd.Len(); uint64(shards) > n {
		return usagef("--shards %d is more than the design's %d evaluations: every shard needs one", shards, n)
	}
	m, err := sweep.NewManifest(p, j.Config, sweep.Plan{Analysis: sweep.Sensitivity,
		Scenario: sweep.NewSource(filepath.Base(path), f.inputFormat, content),
		Variant:  f.variant, Dist: j.Dist, Sensitivity: &ss, Shards: shards})
	if err != nil {
		return err
	}
	n := m.Draws
	b, err := m.Encode()
	if err != nil {
		return err
	}
	if err := f.emit(cmd, b); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "sweep %.12s: %s design of %d evaluations in %d shards of about %d\n", m.Hash(), ss.Method, n, shards, n/uint64(shards))
	return nil
}

// sweepJob is a manifest made ready to run or merge.
type sweepJob struct {
	*sweep.Job
	m    *sweep.Manifest
	ctx  context.Context
	stop func()
}

// openSweep reads the manifest and rebuilds its problem from the scenario
// it carries, refusing a manifest of another Parley version or one whose
// scenario no longer compiles to the fingerprint it was planned with.
func openSweep(cmd *cobra.Command, path string, workers int, progressMode string) (*sweepJob, error) {
	switch progressMode {
	case "auto", "always", "never":
	default:
		return nil, usagef("--progress must be auto, always or never, got %q", progressMode)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, inputError{err} // as for any file named on the command line
	}
	m, err := sweep.DecodeManifest(path, data)
	if err != nil {
		return nil, err
	}
	if m.Version != parley.Version {
		return nil, parley.Errorf(parley.EINVALID, "%s was planned with Parley %s, this is %s: every shard and the merge must use the same version",
			path, m.Version, parley.Version)
	}
	tmp, err := os.MkdirTemp("", "parley-sweep-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, m.Scenario.Name)
	if err := os.WriteFile(src, m.Scenario.Content, 0o600); err != nil {
		return nil, err
	}
	in, err := load(src, m.Scenario.InputFormat)
	if err != nil {
		return nil, err
	}
	if err := in.Diagnostics.Err(); err != nil {
		return nil, err
	}
	mod, err := models.Lookup(m.Model)
	if err != nil {
		return nil, err
	}
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	sj, err := sweep.Open(m, in.Scenario, mod, workers, newProgress(cmd.ErrOrStderr(), progressMode, cmd.Name()))
	if err != nil {
		return nil, parley.Errorf(parley.ErrorCode(err), "%s: %s", path, parley.ErrorMessage(err))
	}
	j := &sweepJob{Job: sj, m: m}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	j.ctx, j.stop = signal.NotifyContext(ctx, os.Interrupt)
	return j, nil
}

// runShard computes shard i and writes its file into dir atomically.
func (j *sweepJob) runShard(i int, dir string) (string, error) {
	// The folder first: a --dir that cannot be one is refused before
	// the shard's work, not after it.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", inputError{fmt.Errorf("--dir %s: cannot make the folder: %w", dir, err)}
	}
	b, err := j.RunShard(j.ctx, i)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, sweep.ShardName(i, j.m.Shards))
	if err := atomicfile.WriteFile(path, b, 0o644); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return path, nil
}

// shardIndex is --shard, or else the scheduler's array index.
func shardIndex(flag int, k int) (int, error) {
	i, from := flag, "--shard"
	if flag < 0 {
		for _, v := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
			if s := os.Getenv(v); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil {
					return 0, usagef("%s=%q is not a shard index", v, s)
				}
				i, from = n, v
				break
			}
		}
		if from == "--shard" {
			return 0, usagef("no shard index: give --shard I or run as a Slurm array task (SLURM_ARRAY_TASK_ID) or Kubernetes Indexed Job (JOB_COMPLETION_INDEX)")
		}
	}
	if i < 0 || i >= k {
		return 0, usagef("%s %d is outside the sweep's shards 0 to %d", from, i, k-1)
	}
	return i, nil
}

func newSweepRunCmd() *cobra.Command {
	var shard, workers int
	var dir, prog string
	cmd := &cobra.Command{
		Use:   "run MANIFEST",
		Short: "Run one shard on all local cores and write its partial result atomically",
		Long: `Run shard I of the sweep: run indices [N·I/K, N·(I+1)/K) on all local cores,
then write DIR/shard-I-of-K.json through a temporary file, fsync and rename,
so a killed shard leaves nothing merge accepts and a re-run overwrites with
identical bytes. Without --shard, I comes from SLURM_ARRAY_TASK_ID or
JOB_COMPLETION_INDEX.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if workers < 0 {
				return usagef("--workers must be at least 0, got %d", workers)
			}
			j, err := openSweep(cmd, a[0], workers, prog)
			if err != nil {
				return err
			}
			defer j.stop()
			i, err := shardIndex(shard, j.m.Shards)
			if err != nil {
				return err
			}
			start := time.Now()
			path, err := j.runShard(i, dir)
			if err != nil {
				return err
			}
			lo, hi := sweep.Range(j.m.Draws, j.m.Shards, i)
			el := time.Since(start).Seconds()
			what := "draws"
			if j.Design != nil {
				what = "evaluations"
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s [%d,%d) in %.2f s (%.0f %s/s)\n", path, what, lo, hi, el, float64(hi-lo)/el, what)
			return nil
		},
	}
	cmd.Flags().IntVar(&shard, "shard", -1, "shard index I (default: $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX)")
	cmd.Flags().StringVar(&dir, "dir", ".", "directory of the shard files, shared by all shards (created if missing)")
	cmd.Flags().IntVar(&workers, "workers", 0, "parallel workers (0: all cores); results do not depend on it")
	cmd.Flags().StringVar(&prog, "progress", "auto", "progress bar on standard error: auto (only on a terminal), always or never")
	return cmd
}

// mergeFlags are merge's and local's output flags.
type mergeFlags struct {
	dir, format, out string
	top              int
}

func (f *mergeFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dir, "dir", ".", "directory of the shard files")
	cmd.Flags().StringVarP(&f.format, "format", "f", "json", "output format: json, table or csv (as parley simulate or parley sensitivity)")
	cmd.Flags().StringVarP(&f.out, "out", "o", "", "write the output to this file instead of standard output")
	cmd.Flags().IntVar(&f.top, "top", 8, "sensitivity: inputs listed per output in the table")
}

func (f *mergeFlags) check() error {
	if f.top < 1 {
		return usagef("--top must be at least 1")
	}
	switch f.format {
	case "json", "table", "csv":
		return checkOut(f.out)
	}
	return usagef("unknown format %q: want json, table or csv", f.format)
}

// merge reads every shard file in dir, checks them and writes the result
// exactly as parley simulate would.
func (f *mergeFlags) merge(cmd *cobra.Command, j *sweepJob) error {
	ents, err := os.ReadDir(f.dir)
	if err != nil {
		return err
	}
	var files []sweep.File
	for _, e := range ents {
		if e.IsDir() || !sweep.IsShardName(e.Name()) {
			continue
		}
		path := filepath.Join(f.dir, e.Name())
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files = append(files, sweep.File{Name: path, Data: b})
	}
	if j.Design != nil {
		return f.mergeSensitivity(cmd, j, files)
	}
	sum, err := j.MergeSimulate(files)
	if err != nil {
		return err
	}
	var b []byte
	switch f.format {
	case "json":
		b, err = jsonBytes(simDoc{SimSummary: sum})
	case "csv":
		b, err = simulateCSV(sum)
	default:
		b = simulateTable(sum, nil)
	}
	if err != nil {
		return err
	}
	af := anaFlags{out: f.out}
	return af.emit(cmd, b)
}

func newSweepMergeCmd() *cobra.Command {
	var f mergeFlags
	cmd := &cobra.Command{
		Use:   "merge MANIFEST",
		Short: "Check that every shard is present once and intact, then reduce them in index order",
		Long: `Merge the shard files in --dir. It refuses, naming each file or shard,
unless every shard of the manifest is present exactly once: missing
shards, duplicates, files of another sweep (foreign) and damaged or edited
files (corrupt) are errors. The output is byte-identical to parley
simulate FILE --draws N --seed S (or, for a sensitivity sweep, parley
sensitivity FILE --method M --draws N --seed S) with the manifest's
options.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := f.check(); err != nil {
				return err
			}
			j, err := openSweep(cmd, a[0], 1, "never")
			if err != nil {
				return err
			}
			defer j.stop()
			return f.merge(cmd, j)
		},
	}
	f.register(cmd)
	return cmd
}

func newSweepLocalCmd() *cobra.Command {
	var f mergeFlags
	var workers int
	var prog string
	cmd := &cobra.Command{
		Use:   "local MANIFEST",
		Short: "Run every shard in this process, then merge",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := f.check(); err != nil {
				return err
			}
			if workers < 0 {
				return usagef("--workers must be at least 0, got %d", workers)
			}
			j, err := openSweep(cmd, a[0], workers, prog)
			if err != nil {
				return err
			}
			defer j.stop()
			for i := 0; i < j.m.Shards; i++ {
				if _, err := j.runShard(i, f.dir); err != nil {
					return err
				}
			}
			return f.merge(cmd, j)
		},
	}
	f.register(cmd)
	cmd.Flags().IntVar(&workers, "workers", 0, "parallel workers (0: all cores); results do not depend on it")
	cmd.Flags().StringVar(&prog, "progress", "auto", "progress bar on standard error: auto (only on a terminal), always or never")
	return cmd
}

// mergeSensitivity checks a sensitivity sweep's shard files, assembles
// their outputs in evaluation order and writes the estimate exactly as
// parley sensitivity would.
func (f *mergeFlags) mergeSensitivity(cmd *cobra.Command, j *sweepJob, files []sweep.File) error {
	r, err := j.MergeSensitivity(files)
	if err != nil {
		return err
	}
	var b []byte
	switch f.format {
	case "json":
		b, err = jsonBytes(r)
	case "csv":
		b, err = sensitivityCSV(r)
	default:
		b = sensitivityTable(r, f.top)
	}
	if err != nil {
		return err
	}
	af := anaFlags{out: f.out}
	return af.emit(cmd, b)
}
