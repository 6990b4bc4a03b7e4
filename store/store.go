package store

import (
	"context"
	"time"
)

// Run statuses. A run is created queued, becomes running when a worker
// picks it up, and ends done (with a result), failed (with an error
// message) or canceled.
const (
	StatusQueued   = "queued"
	StatusRunning  = "running"
	StatusDone     = "done"
	StatusFailed   = "failed"
	StatusCanceled = "canceled"
)

// Statuses lists the run statuses.
var Statuses = []string{StatusQueued, StatusRunning, StatusDone, StatusFailed, StatusCanceled}

// A Scenario is one immutable version of a stored scenario.
type Scenario struct {
	// ID identifies the scenario across its versions.
	ID string
	// Version counts the saves of the scenario from 1.
	Version int
	// Latest is the newest version of the scenario.
	Latest int
	// Title is the scenario's title, copied out for listings.
	Title string
	// Author is the name of the token that saved this version.
	Author string
	// CreatedAt is when the scenario was first saved; SavedAt is when this
	// version was.
	CreatedAt time.Time
	SavedAt   time.Time
	// Format is "yaml" or "json": how Source is written.
	Format string
	// Source is the document exactly as it was submitted. It is nil in
	// listings.
	Source []byte
	// Canonical is the parsed scenario as JSON (parley.Scenario's
	// encoding); runs read it. It is nil in listings.
	Canonical []byte
}

// NewScenario is what a save provides.
type NewScenario struct {
	Title     string
	Author    string
	Format    string
	Source    []byte
	Canonical []byte
}

// A Run is a request to run a model or an analysis on one version of a
// scenario, with its status and, when done, its result.
type Run struct {
	ID              string
	ScenarioID      string
	ScenarioVersion int
	// Kind is "model" for a plain model run, else the analysis's name.
	Kind string
	// Model is the model's name.
	Model string
	// Request is the run request as accepted, as JSON: everything the
	// executor needs besides the scenario (model, variant, rounds,
	// seed, model and analysis options).
	Request []byte
	// Seed is the run's random seed (also inside Request).
	Seed uint64
	// ParleyVersion is the version of Parley that accepted the run.
	ParleyVersion string
	// Author is the name of the token that asked for the run.
	Author string
	Status string
	// Error is the reason a failed run failed.
	Error string
	// Attempts counts how many times a worker started the run; more than
	// one means a worker died or timed out and the run was resumed. For a
	// sharded run it is the most attempts any one shard took.
	Attempts int
	// Shards is the number of shard jobs of a sharded run (0 for a run
	// of one job); ShardsDone counts those whose result is stored.
	Shards     int
	ShardsDone int
	CreatedAt  time.Time
	StartedAt  *time.Time
	FinishedAt *time.Time
	// Result is the run's output as JSON when it is done. Only FindRun
	// fills it.
	Result []byte
}

// NewRun is what a run request provides.
type NewRun struct {
	ScenarioID string
	// ScenarioVersion 0 means the latest version.
	ScenarioVersion int
	Kind            string
	Model           string
	Request         []byte
	Seed            uint64
	Author          string
	// Long marks analyses that may run far longer than a model run; they
	// get the long job timeout.
	Long bool
	// Shards, when positive, makes a sharded run: CreateRun enqueues
	// that many shard jobs (WorkConfig.ExecuteShard) instead of one job,
	// and once every shard's result is stored, one merge job
	// (WorkConfig.Merge) computes the run's result. At most MaxShards.
	Shards int
}

// MaxShards bounds NewRun.Shards.
const MaxShards = 1024

// A Token is an API credential. Only a hash of its secret is stored.
type Token struct {
	ID        string
	Name      string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Page asks for one page of a list, newest first.
type Page struct {
	// Limit is the most items to return; 0 means DefaultLimit and values
	// above MaxLimit are lowered to it.
	Limit int
	// Cursor is the Next value of the previous page, or "" for the first.
	Cursor string
}

// Page limits.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// RunFilter selects runs.
type RunFilter struct {
	Page
	// ScenarioID, when set, keeps the runs of that scenario.
	ScenarioID string
	// Status, when set, keeps the runs in that status.
	Status string
}

// Store keeps scenarios, runs, results and tokens, and queues runs for
// workers. Implementations: package sqlite and package postgres, both held
// to the contract in package storetest.
//
// Errors are *parley.Error values: ENOTFOUND for ids that do not exist (or
// scenarios that were deleted), ECONFLICT for state changes that no longer
// apply, EINVALID for bad arguments, EUNAUTHORIZED for bad tokens.
type Store interface {
	// CreateScenario saves version 1 of a new scenario.
	CreateScenario(ctx context.Context, s *NewScenario) (*Scenario, error)
	// UpdateScenario saves a new version of scenario id; earlier versions
	// are kept unchanged.
	UpdateScenario(ctx context.Context, id string, s *NewScenario) (*Scenario, error)
	// FindScenario returns version of scenario id, or its latest version
	// when version is 0.
	FindScenario(ctx context.Context, id string, version int) (*Scenario, error)
	// FindScenarios lists the latest version of each scenario without its
	// bodies, most recently created first, and the cursor of the next page
	// ("" on the last page).
	FindScenarios(ctx context.Context, p Page) ([]*Scenario, string, error)
	// FindScenarioVersions lists the versions of scenario id without their
	// bodies, newest first.
	FindScenarioVersions(ctx context.Context, id string, p Page) ([]*Scenario, string, error)
	// DeleteScenario hides scenario id from finds, updates and new runs.
	// Its versions are kept for the runs that used them.
	DeleteScenario(ctx context.Context, id string) error

	// CreateRun records a queued run and enqueues its job in the same
	// transaction, so that a run is never recorded without its job or
	// the reverse.
	CreateRun(ctx context.Context, r *NewRun) (*Run, error)
	// FindRun returns run id with its result when it is done.
	FindRun(ctx context.Context, id string) (*Run, error)
	// FindRuns lists runs without results, newest first.
	FindRuns(ctx context.Context, f RunFilter) ([]*Run, string, error)
	// CancelRun cancels a queued or running run and its job (a sharded
	// run: every shard job not yet done, and its merge). It returns
	// ECONFLICT if the run has already finished.
	CancelRun(ctx context.Context, id string) (*Run, error)

	// CreateToken makes a token called name and returns it with its
	// secret, which is not stored and cannot be recovered.
	CreateToken(ctx context.Context, name string) (*Token, string, error)
	// Authenticate returns the live token whose secret this is, or
	// EUNAUTHORIZED.
	Authenticate(ctx context.Context, secret string) (*Token, error)
	// RevokeToken revokes the live token with this id or name.
	RevokeToken(ctx context.Context, idOrName string) error
	// FindTokens lists every token, revoked ones included, oldest first.
	FindTokens(ctx context.Context) ([]*Token, error)

	// Work starts workers that execute queued runs until ctx is done or
	// Close is called. It returns once they are started.
	Work(ctx context.Context, cfg WorkConfig) error
	// Close stops the workers, letting running jobs finish within the
	// context's deadline, and closes the database.
	Close(ctx context.Context) error
}

// An Executor computes a run's result from the run and the scenario
// version it names. Its error is recorded as the run's failure; errors
// that wrap context cancellation mean the run was cancelled or timed out.
type Executor func(ctx context.Context, run *Run, s *Scenario) ([]byte, error)

// A ShardExecutor computes shard i of a sharded run, as bytes that the
// run's Merger reads. It is called at least once per shard, and each
// shard's bytes are stored exactly once.
type ShardExecutor func(ctx context.Context, run *Run, s *Scenario, shard int) ([]byte, error)

// A Merger computes a sharded run's result from its shards' stored bytes,
// given in shard order. It runs once every shard is stored.
type Merger func(ctx context.Context, run *Run, s *Scenario, shards [][]byte) ([]byte, error)

// WorkConfig configures the workers.
type WorkConfig struct {
	// Execute computes results.
	Execute Executor
	// ExecuteShard and Merge run sharded runs; without them a sharded
	// run fails.
	ExecuteShard ShardExecutor
	Merge        Merger
	// Workers is the number of runs executed at once; 0 means one.
	Workers int
	// JobTimeout bounds a model run; 0 means DefaultJobTimeout.
	JobTimeout time.Duration
	// LongJobTimeout bounds a long analysis; 0 means DefaultLongJobTimeout.
	LongJobTimeout time.Duration
	// RescueMargin is how long past JobTimeout a model run whose worker
	// vanished (a killed server) waits before another worker takes it
	// over; 0 means DefaultRescueMargin. A long analysis is taken over
	// once LongJobTimeout has passed.
	RescueMargin time.Duration
	// PollInterval is how often idle workers look for jobs when the
	// database cannot notify them; 0 means the adapter's default (100 ms
	// on SQLite, 1 s on PostgreSQL, which notifies workers at once).
	PollInterval time.Duration
}

// Worker defaults.
const (
	DefaultJobTimeout     = 2 * time.Minute
	DefaultLongJobTimeout = 2 * time.Hour
	DefaultRescueMargin   = 30 * time.Second
)
