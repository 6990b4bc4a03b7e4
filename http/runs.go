package http

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/runner"
	"github.com/parley-forecast/parley/store"
)

var reflectScenario = reflect.TypeOf(parley.Scenario{})

func itoa(n int) string { return strconv.Itoa(n) }

// jsonMarshal marshals without escaping <, > and & (as huma does).
func jsonMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return b.Bytes(), err
}

// RunRequest asks for a run.
type RunRequest struct {
	Scenario string            `json:"scenario" maxLength:"64" doc:"Id of the scenario to run."`
	Version  int               `json:"version,omitempty" minimum:"0" doc:"Version of the scenario; the latest when absent or 0."`
	Analysis string            `json:"analysis,omitempty" doc:"What to run: model (the default) for one model run, or an analysis (see GET /analyses)."`
	Model    string            `json:"model" doc:"Model to run (see GET /models)."`
	Variant  string            `json:"variant,omitempty" doc:"Apply this variant of the scenario first."`
	Rounds   int               `json:"rounds,omitempty" minimum:"0" doc:"Number of rounds; the model's default when absent or 0."`
	Seed     uint64            `json:"seed,omitempty" doc:"Seed for every random choice; the same seed gives the same result."`
	Params   map[string]string `json:"params,omitempty" doc:"Model options by name (see GET /models)."`
	Options  map[string]any    `json:"options,omitempty" doc:"The analysis's own options."`
}

// Run is a run with its status and, when done, its result.
type Run struct {
	ID              string          `json:"id"`
	Scenario        string          `json:"scenario" doc:"Scenario id."`
	ScenarioVersion int             `json:"scenario_version" doc:"The version the run uses."`
	Analysis        string          `json:"analysis" doc:"model, or the analysis's name."`
	Model           string          `json:"model"`
	Seed            uint64          `json:"seed"`
	Request         json.RawMessage `json:"request" doc:"The request as accepted: model, variant, rounds, seed, params, options."`
	ParleyVersion   string          `json:"parley_version" doc:"Version of Parley that accepted the run."`
	Author          string          `json:"author" doc:"Name of the token that asked for the run."`
	Status          string          `json:"status" enum:"queued,running,done,failed,canceled"`
	Error           string          `json:"error,omitempty" doc:"Why the run failed."`
	Attempts        int             `json:"attempts" doc:"How often a worker started the run (more than 1 after a worker died)."`
	CreatedAt       time.Time       `json:"created_at"`
	StartedAt       *time.Time      `json:"started_at,omitempty"`
	FinishedAt      *time.Time      `json:"finished_at,omitempty"`
	QueuedMS        *float64        `json:"queued_ms,omitempty" doc:"Milliseconds from creation to the last start."`
	RunMS           *float64        `json:"run_ms,omitempty" doc:"Milliseconds from the last start to the end (a sweep: from its first shard's start)."`
	Progress        *Progress       `json:"progress,omitempty" doc:"A sweep's shards, and how many are done; absent for other runs."`
	Result          json.RawMessage `json:"result,omitempty" doc:"The result when done: for a model run, the JSON of parley run --format json."`
}

// Progress counts a sharded run's shards.
type Progress struct {
	Shards     int `json:"shards" doc:"Number of shard jobs K."`
	ShardsDone int `json:"shards_done" doc:"Shards whose partial result is stored; the merge runs when all are."`
}

func ms(d time.Duration) *float64 {
	f := float64(d.Microseconds()) / 1000
	return &f
}

func runOf(r *store.Run) Run {
	out := Run{ID: r.ID, Scenario: r.ScenarioID, ScenarioVersion: r.ScenarioVersion, Analysis: r.Kind, Model: r.Model,
		Seed: r.Seed, Request: r.Request, ParleyVersion: r.ParleyVersion, Author: r.Author, Status: r.Status, Error: r.Error,
		Attempts: r.Attempts, CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Result: r.Result}
	if r.Shards > 0 {
		out.Progress = &Progress{Shards: r.Shards, ShardsDone: r.ShardsDone}
	}
	if r.StartedAt != nil {
		out.QueuedMS = ms(r.StartedAt.Sub(r.CreatedAt))
		if r.FinishedAt != nil {
			out.RunMS = ms(r.FinishedAt.Sub(*r.StartedAt))
		}
	}
	return out
}

// RunList is one page of runs.
type RunList struct {
	Items []Run  `json:"items" nullable:"false"`
	Next  string `json:"next,omitempty" doc:"Cursor of the next page; absent on the last page."`
}

type createRunInput struct {
	Body RunRequest
}

type runOutput struct {
	Location string `header:"Location"`
	Body     Run
}

type runIDInput struct {
	ID string `path:"id" maxLength:"64" doc:"Run id."`
}

type listRunsInput struct {
	Scenario string `query:"scenario" maxLength:"64" doc:"Only the runs of this scenario."`
	Status   string `query:"status" enum:"queued,running,done,failed,canceled" doc:"Only the runs in this status."`
	PageParams
}

type runListOutput struct {
	Body RunList
}

type manifestOutput struct {
	Body json.RawMessage
}

func (s *Server) registerRuns() {
	huma.Register(s.api, huma.Operation{
		OperationID:     "create-run",
		Method:          http.MethodPost,
		Path:            Prefix + "/runs",
		Summary:         "Queue a run",
		Description:     "Checks the request against the scenario version and queues it; a worker runs it. Poll GET /runs/{id} for the result. A sweep (analysis sweep) is queued as one job per shard, all written with the run.",
		Tags:            []string{"runs"},
		DefaultStatus:   http.StatusAccepted,
		MaxBodyBytes:    opMaxBodyBytes,
		BodyReadTimeout: BodyReadTimeout,
		Security:        s.secured(true),
		Errors:          []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *createRunInput) (*runOutput, error) {
		b := in.Body
		sc, err := s.cfg.Store.FindScenario(ctx, b.Scenario, b.Version)
		if err != nil {
			return nil, s.problem(err)
		}
		var parsed parley.Scenario
		if err := json.Unmarshal(sc.Canonical, &parsed); err != nil {
			return nil, s.problem(err)
		}
		req := runner.Request{Analysis: b.Analysis, Model: b.Model, Variant: b.Variant, Rounds: b.Rounds,
			Seed: b.Seed, Params: b.Params}
		if req.Analysis == "" {
			req.Analysis = runner.KindModel
		}
		if len(b.Options) > 0 {
			if req.Options, err = json.Marshal(b.Options); err != nil {
				return nil, s.problem(err)
			}
		}
		job, err := runner.PrepareStored(&parsed, req, sc.Source, sc.Format, "")
		if err != nil {
			return nil, s.problem(err)
		}
		shards := 0
		if job.Kind.Shards != nil {
			shards = job.Kind.Shards(job)
		}
		stored, err := json.Marshal(req)
		if err != nil {
			return nil, s.problem(err)
		}
		r, err := s.cfg.Store.CreateRun(ctx, &store.NewRun{ScenarioID: sc.ID, ScenarioVersion: sc.Version,
			Kind: job.Kind.Name, Model: req.Model, Request: stored, Seed: req.Seed, Author: author(ctx), Long: job.Kind.Long,
			Shards: shards})
		if err != nil {
			return nil, s.problem(err)
		}
		return &runOutput{Location: Prefix + "/runs/" + r.ID, Body: runOf(r)}, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "get-run",
		Method:      http.MethodGet,
		Path:        Prefix + "/runs/{id}",
		Summary:     "Get a run",
		Description: "Returns the run's status (queued, running, done, failed or canceled), its timings, and its result when done.",
		Tags:        []string{"runs"},
		Security:    s.secured(false),
		Errors:      []int{http.StatusUnauthorized, http.StatusNotFound},
	}, func(ctx context.Context, in *runIDInput) (*runOutput, error) {
		r, err := s.cfg.Store.FindRun(ctx, in.ID)
		if err != nil {
			return nil, s.problem(err)
		}
		return &runOutput{Body: runOf(r)}, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "list-runs",
		Method:      http.MethodGet,
		Path:        Prefix + "/runs",
		Summary:     "List runs",
		Description: "Lists runs, newest first, without their results.",
		Tags:        []string{"runs"},
		Security:    s.secured(false),
		Errors:      []int{http.StatusUnauthorized, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *listRunsInput) (*runListOutput, error) {
		items, next, err := s.cfg.Store.FindRuns(ctx, store.RunFilter{Page: in.page(), ScenarioID: in.Scenario, Status: in.Status})
		if err != nil {
			return nil, s.problem(err)
		}
		out := RunList{Items: make([]Run, len(items)), Next: next}
		for i, r := range items {
			out.Items[i] = runOf(r)
		}
		return &runListOutput{Body: out}, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "cancel-run",
		Method:      http.MethodPost,
		Path:        Prefix + "/runs/{id}/cancel",
		Summary:     "Cancel a run",
		Description: "Cancels a queued or running run; 409 if it has already finished.",
		Tags:        []string{"runs"},
		Security:    s.secured(true),
		Errors:      []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusConflict},
	}, func(ctx context.Context, in *runIDInput) (*runOutput, error) {
		r, err := s.cfg.Store.CancelRun(ctx, in.ID)
		if err != nil {
			return nil, s.problem(err)
		}
		return &runOutput{Body: runOf(r)}, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "get-run-manifest",
		Method:      http.MethodGet,
		Path:        Prefix + "/runs/{id}/manifest",
		Summary:     "Get a sweep's manifest",
		Description: "Returns the manifest of a sweep run, as parley sweep plan writes it: parley sweep local (or run and merge on a cluster) computes the same result from it. 404 for runs that are not sweeps.",
		Tags:        []string{"runs"},
		Security:    s.secured(false),
		Errors:      []int{http.StatusUnauthorized, http.StatusNotFound},
	}, func(ctx context.Context, in *runIDInput) (*manifestOutput, error) {
		r, err := s.cfg.Store.FindRun(ctx, in.ID)
		if err != nil {
			return nil, s.problem(err)
		}
		if r.Kind != "sweep" {
			return nil, s.problem(parley.Errorf(parley.ENOTFOUND, "run %s is a %s run, not a sweep: it has no manifest", r.ID, r.Kind))
		}
		sc, err := s.cfg.Store.FindScenario(ctx, r.ScenarioID, r.ScenarioVersion)
		if err != nil {
			return nil, s.problem(err)
		}
		var parsed parley.Scenario
		if err := json.Unmarshal(sc.Canonical, &parsed); err != nil {
			return nil, s.problem(err)
		}
		var req runner.Request
		if err := json.Unmarshal(r.Request, &req); err != nil {
			return nil, s.problem(err)
		}
		job, err := runner.PrepareStored(&parsed, req, sc.Source, sc.Format, r.ParleyVersion)
		if err != nil {
			return nil, s.problem(err)
		}
		m, err := runner.SweepManifest(job)
		if err != nil {
			return nil, s.problem(err)
		}
		return &manifestOutput{Body: m}, nil
	})
}
