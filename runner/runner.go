// Package runner turns a stored run request into its result: it decodes
// the scenario version and the request, checks them, and runs the
// request's kind, a plain model run or an analysis.
//
// Each kind is one function registered under its name (model.go, and
// analyses.go for simulate, compare, leverage, sensitivity and strategy);
// the server offers every registered kind as the "analysis" of POST
// /runs, and the queue executes them as jobs. Adding an analysis is one
// file: a function from a Job to its JSON result, and a register call.
//
// A kind may also be sharded (sweep.go): the queue runs it as Shards(j)
// shard jobs (ExecuteShard) and a merge (MergeShards). The sweep kind
// plans a sweep.Manifest from the stored scenario document and the
// options of parley sweep plan, and its shards and merge are package
// sweep's Job.RunShard and Job.MergeJSON, the functions parley sweep run
// and merge call, so the server's result is the command line's bytes.
//
// The package does no I/O: it reads the values it is given and returns
// bytes.
package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/analysis"
	"github.com/parley-forecast/parley/models"
	"github.com/parley-forecast/parley/store"
)

// Request is what a run asks for, as the API accepts it and as it is
// stored with the run.
type Request struct {
	// Analysis names the kind of run; "" means KindModel.
	Analysis string `json:"analysis,omitempty"`
	// Model is the model to run (see GET /models).
	Model string `json:"model,omitempty"`
	// Variant applies one of the scenario's variants first.
	Variant string `json:"variant,omitempty"`
	// Rounds caps the rounds; 0 means the model's default.
	Rounds int `json:"rounds,omitempty"`
	// Seed seeds every random choice.
	Seed uint64 `json:"seed"`
	// Params are model options (name to value, see GET /models).
	Params map[string]string `json:"params,omitempty"`
	// Options are the analysis's own options; each kind reads its own.
	Options json.RawMessage `json:"options,omitempty"`
}

// KindModel is a plain run of one model.
const KindModel = "model"

// A Kind is one kind of run.
type Kind struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
	// Long marks kinds that may run far longer than a model run (Monte
	// Carlo, sensitivity sweeps); the queue gives them the long timeout.
	Long bool `json:"long"`
	// Check validates the kind's own options before the run is queued;
	// nil means the kind takes none.
	Check func(j *Job) error `json:"-"`
	// Run computes the result as a JSON document. It must return
	// ctx.Err() promptly once ctx is done.
	Run func(ctx context.Context, j *Job) ([]byte, error) `json:"-"`
	// Shards, when set, makes the kind's runs sharded: the queue runs
	// Shard once per shard i in [0, Shards(j)) as separate jobs, then
	// Merge on their bytes in shard order. Run must give the same result
	// in one process.
	Shards func(j *Job) int                                                  `json:"-"`
	Shard  func(ctx context.Context, j *Job, i int) ([]byte, error)          `json:"-"`
	Merge  func(ctx context.Context, j *Job, parts [][]byte) ([]byte, error) `json:"-"`
}

var kinds = map[string]Kind{}

// register adds a kind; each kind's file calls it from an init function.
func register(k Kind) {
	if _, dup := kinds[k.Name]; dup || k.Run == nil || (k.Shards != nil) != (k.Shard != nil && k.Merge != nil) {
		panic("runner: bad or duplicate kind " + k.Name)
	}
	kinds[k.Name] = k
}

// Kinds lists the kinds by name.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b Kind) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Lookup returns the kind called name ("" is KindModel).
func Lookup(name string) (Kind, bool) {
	if name == "" {
		name = KindModel
	}
	k, ok := kinds[name]
	return k, ok
}

// A Job is a checked request, ready to run.
type Job struct {
	Request Request
	// Base is the scenario as stored; Scenario has the variant applied.
	Base     *parley.Scenario
	Scenario *parley.Scenario
	// Instance is Scenario compiled for the models.
	Instance *parley.Instance
	Model    parley.Model
	// Options are the model options the request gives.
	Options parley.Options
	Kind    Kind
	// Document is the scenario as it was submitted (Format "yaml" or
	// "json") when the job comes from a stored run; a sweep's manifest
	// carries it. ParleyVersion is the version that accepted the run.
	Document      []byte
	Format        string
	ParleyVersion string
}

// FieldError is a problem with one field of a request; Field names it as
// the request's JSON spells it ("model", "params.offers").
type FieldError struct {
	Field string
	Err   *parley.Error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Message }
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field, code, format string, args ...any) error {
	return &FieldError{Field: field, Err: parley.Errorf(code, format, args...)}
}

// Prepare checks req against the scenario and returns the job to run.
// Problems are EINVALID *FieldErrors naming the field at fault.
func Prepare(s *parley.Scenario, req Request) (*Job, error) {
	return prepare(s, req, nil)
}

// prepare is Prepare, with set filling the job's stored fields before
// its kind's check.
func prepare(s *parley.Scenario, req Request, set func(j *Job)) (*Job, error) {
	kind, ok := Lookup(req.Analysis)
	if !ok {
		names := make([]string, 0, len(kinds))
		for _, k := range Kinds() {
			names = append(names, k.Name)
		}
		return nil, fieldErr("analysis", parley.EINVALID, "unknown analysis %q: want one of %s", req.Analysis, strings.Join(names, ", "))
	}
	j := &Job{Request: req, Base: s, Kind: kind}
	if set != nil {
		set(j)
	}
	if req.Model == "" {
		return nil, fieldErr("model", parley.EINVALID, "a %s run needs a model: one of %s", kind.Name, strings.Join(models.Names(), ", "))
	}
	m, err := models.Lookup(req.Model)
	if err != nil {
		return nil, fieldErr("model", parley.EINVALID, "%s", parley.ErrorMessage(err))
	}
	j.Model = m
	if req.Rounds < 0 {
		return nil, fieldErr("rounds", parley.EINVALID, "rounds must be at least 0, got %d", req.Rounds)
	}
	j.Options = parley.Options{Rounds: req.Rounds, Seed: req.Seed, Params: req.Params}
	if err := j.Options.CheckParams(m.Info()); err != nil {
		return nil, fieldErr("params", parley.EINVALID, "%s", parley.ErrorMessage(err))
	}
	if _, err := m.Prepare(j.Options); err != nil {
		return nil, fieldErr("params", parley.EINVALID, "%s", parley.ErrorMessage(err))
	}
	if req.Variant != "" && s.Variant(req.Variant) == nil {
		var ids []string
		for _, v := range s.Variants {
			ids = append(ids, v.ID)
		}
		return nil, fieldErr("variant", parley.EINVALID, "the scenario has no variant %q (variants: %s)", req.Variant, strings.Join(ids, ", "))
	}
	// The variant applied, without the variant list (which may no longer
	// apply to the changed scenario), as the analysis commands do.
	j.Scenario, err = analysis.ApplyVariant(s, req.Variant)
	if err != nil {
		return nil, fieldErr("variant", parley.EINVALID, "%s", parley.ErrorMessage(err))
	}
	j.Instance, err = j.Scenario.Instance()
	if err != nil {
		return nil, fieldErr("scenario", parley.EINVALID, "%s", parley.ErrorMessage(err))
	}
	if len(req.Options) > 0 && kind.Check == nil && string(bytes.TrimSpace(req.Options)) != "null" {
		return nil, fieldErr("options", parley.EINVALID, "a %s run takes no options", kind.Name)
	}
	if kind.Check != nil {
		if err := kind.Check(j); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				return nil, err
			}
			return nil, fieldErr("options", parley.EINVALID, "%s", parley.ErrorMessage(err))
		}
	}
	return j, nil
}

// Execute decodes a stored scenario (its canonical JSON) and a stored
// request, and returns the run's result.
func Execute(ctx context.Context, scenario, request []byte) ([]byte, error) {
	var s parley.Scenario
	if err := json.Unmarshal(scenario, &s); err != nil {
		return nil, fmt.Errorf("stored scenario: %w", err)
	}
	var req Request
	if err := json.Unmarshal(request, &req); err != nil {
		return nil, fmt.Errorf("stored request: %w", err)
	}
	j, err := Prepare(&s, req)
	if err != nil {
		return nil, err
	}
	return j.Kind.Run(ctx, j)
}

// ExecuteRun is Execute for the queue: it has the store.Executor
// signature.
func ExecuteRun(ctx context.Context, run *store.Run, s *store.Scenario) ([]byte, error) {
	j, err := prepareStored(run, s)
	if err != nil {
		return nil, err
	}
	return j.Kind.Run(ctx, j)
}

// ExecuteShard computes shard i of a sharded run: the queue's
// store.ShardExecutor.
func ExecuteShard(ctx context.Context, run *store.Run, s *store.Scenario, i int) ([]byte, error) {
	j, err := prepareStored(run, s)
	if err != nil {
		return nil, err
	}
	if j.Kind.Shard == nil {
		return nil, parley.Errorf(parley.EINVALID, "a %s run has no shards", j.Kind.Name)
	}
	if n := j.Kind.Shards(j); n != run.Shards {
		return nil, parley.Errorf(parley.EINVALID, "the run has %d shards, its request %d", run.Shards, n)
	}
	return j.Kind.Shard(ctx, j, i)
}

// MergeShards computes a sharded run's result from its shards' bytes in
// shard order: the queue's store.Merger.
func MergeShards(ctx context.Context, run *store.Run, s *store.Scenario, parts [][]byte) ([]byte, error) {
	j, err := prepareStored(run, s)
	if err != nil {
		return nil, err
	}
	if j.Kind.Merge == nil {
		return nil, parley.Errorf(parley.EINVALID, "a %s run has no shards", j.Kind.Name)
	}
	return j.Kind.Merge(ctx, j, parts)
}

// prepareStored decodes a stored run and its scenario version into a job.
func prepareStored(run *store.Run, s *store.Scenario) (*Job, error) {
	var sc parley.Scenario
	if err := json.Unmarshal(s.Canonical, &sc); err != nil {
		return nil, fmt.Errorf("stored scenario: %w", err)
	}
	var req Request
	if err := json.Unmarshal(run.Request, &req); err != nil {
		return nil, fmt.Errorf("stored request: %w", err)
	}
	j, err := PrepareStored(&sc, req, s.Source, s.Format, run.ParleyVersion)
	if err != nil {
		return nil, err
	}
	return j, nil
}

// PrepareStored is Prepare for a stored scenario: document is its source
// as submitted, in format "yaml" or "json", and version the Parley
// version that accepted the run ("" for this one).
func PrepareStored(s *parley.Scenario, req Request, document []byte, format, version string) (*Job, error) {
	return prepare(s, req, func(j *Job) { j.Document, j.Format, j.ParleyVersion = document, format, version })
}
