package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/store"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
)

// Work implements store.Store.
func (db *DB) Work(ctx context.Context, cfg store.WorkConfig) error {
	if cfg.Execute == nil {
		return parley.Errorf(parley.EINVALID, "workers need an executor")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = store.DefaultJobTimeout
	}
	if cfg.LongJobTimeout <= 0 {
		cfg.LongJobTimeout = store.DefaultLongJobTimeout
	}
	if cfg.RescueMargin <= 0 {
		cfg.RescueMargin = store.DefaultRescueMargin
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = cmp.Or(db.cfg.PollInterval, time.Second)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &runWorker{db: db, cfg: cfg})
	client, err := river.NewClient(db.cfg.Driver, &river.Config{
		Logger:            db.log,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:           workers,
		JobTimeout:        cfg.JobTimeout,
		FetchPollInterval: cfg.PollInterval,
		// River fetches at most once per cooldown, and each fetch takes
		// only as many jobs as there are idle workers: with its default
		// (100 ms) and two workers, a server ran 20 jobs a second however
		// short they were.
		FetchCooldown: min(cfg.PollInterval, 5*time.Millisecond),
		// A job still marked running this long after it started has lost
		// its worker (the process was killed): it is retried elsewhere.
		RescueStuckJobsAfter: cfg.JobTimeout + cfg.RescueMargin,
		// Keep finished jobs for a day; runs and results are kept for good
		// in Parley's own tables.
		CompletedJobRetentionPeriod: 24 * time.Hour,
	})
	if err != nil {
		return fmt.Errorf("workers: %w", err)
	}
	db.mu.Lock()
	if db.closed || db.workers != nil {
		db.mu.Unlock()
		return parley.Errorf(parley.ECONFLICT, "workers already started or store closed")
	}
	db.workers = client
	db.mu.Unlock()
	if err := client.Start(ctx); err != nil {
		return fmt.Errorf("workers: %w", err)
	}
	return nil
}

// runWorker executes parley.run jobs.
type runWorker struct {
	river.WorkerDefaults[runArgs]
	db  *DB
	cfg store.WorkConfig
}

// Timeout gives long analyses their own bound.
func (w *runWorker) Timeout(job *river.Job[runArgs]) time.Duration {
	if job.Args.Long {
		return w.cfg.LongJobTimeout
	}
	return w.cfg.JobTimeout
}

// Work runs one attempt of a run: mark it running, compute, then store
// the outcome and complete the job in one transaction.
func (w *runWorker) Work(ctx context.Context, job *river.Job[runArgs]) error {
	db := w.db
	id := job.Args.RunID
	run, ok, err := db.startRun(ctx, id)
	if err != nil {
		return err // retried
	}
	if !ok {
		// Cancelled (or finished by an earlier attempt whose completion of
		// the job was lost): nothing to do.
		return db.completeJob(ctx, job, nil)
	}
	log := db.log.With(slog.String("run", id), slog.Int("attempt", job.Attempt))
	// Versions are immutable and kept when their scenario is deleted, so
	// a run can always read its own.
	started := time.Now()
	s, err := db.scenarioVersion(ctx, run.ScenarioID, run.ScenarioVersion)
	var result []byte
	if err == nil {
		result, err = execute(ctx, w.cfg.Execute, run, s)
	}
	switch {
	case err == nil:
		log.Debug("run done", slog.Duration("took", time.Since(started)))
		return db.completeJob(ctx, job, func(ctx context.Context, tx *sql.Tx, now time.Time) error {
			res, err := tx.ExecContext(ctx, `UPDATE runs SET status = $2, finished_at = $3, error = ''
				WHERE id = $1 AND status = 'running'`, id, store.StatusDone, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // cancelled meanwhile: drop the result
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO results (run_id, body, created_at) VALUES ($1, $2, $3)`,
				id, text(result), now)
			return err
		})
	case errors.Is(err, river.ErrJobCancelledRemotely) || (ctx.Err() != nil && errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely)):
		// CancelRun already marked the run.
		return db.completeJob(context.WithoutCancel(ctx), job, nil)
	case ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded):
		// The worker is shutting down: leave the run for a later attempt.
		return err
	case parley.ErrorCode(err) == parley.EINTERNAL && !errors.Is(err, context.DeadlineExceeded) &&
		!errors.As(err, new(*panicError)) && job.Attempt < job.MaxAttempts:
		// Unexpected (a database error, say): try again.
		log.Warn("run attempt failed", slog.String("error", err.Error()))
		return err
	}
	// The model or analysis rejected the input, it timed out, or it kept
	// failing: the run fails for good.
	msg := parley.ErrorMessage(err)
	if errors.Is(err, context.DeadlineExceeded) {
		msg = fmt.Sprintf("timed out after %s", w.Timeout(job))
	} else if parley.ErrorCode(err) == parley.EINTERNAL {
		msg = "internal error: " + err.Error()
	}
	var pe *panicError
	if errors.As(err, &pe) {
		log.Error("run panicked", slog.String("error", msg), slog.String("stack", string(pe.stack)))
	} else {
		log.Info("run failed", slog.String("error", msg))
	}
	// The job's context may have expired (a timeout): record the failure
	// without it.
	return db.completeJob(context.WithoutCancel(ctx), job, func(ctx context.Context, tx *sql.Tx, now time.Time) error {
		_, err := tx.ExecContext(ctx, `UPDATE runs SET status = $2, finished_at = $3, error = $4
			WHERE id = $1 AND status = 'running'`, id, store.StatusFailed, now, msg)
		return err
	})
}

// panicError is a panic in an executor, turned into an error so that the
// run fails (the same input would panic again) and the worker lives on.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

func execute(ctx context.Context, exec store.Executor, run *store.Run, s *store.Scenario) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, &panicError{value: v, stack: debug.Stack()}
		}
	}()
	return exec(ctx, run, s)
}

// startRun marks run id running and counts the attempt. It reports false
// when the run is no longer waiting for a worker.
func (db *DB) startRun(ctx context.Context, id string) (*store.Run, bool, error) {
	var seq int64
	row := db.db.QueryRowContext(ctx, `UPDATE runs SET status = 'running', attempts = attempts + 1,
			started_at = $2, finished_at = NULL
		WHERE id = $1 AND status IN ('queued', 'running')
		RETURNING `+runColumnsBare, id, db.now())
	r, err := scanRun(row, &seq)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return r, true, nil
}

// scenarioVersion reads one version whether or not its scenario was
// deleted.
func (db *DB) scenarioVersion(ctx context.Context, id string, version int) (*store.Scenario, error) {
	s := &store.Scenario{ID: id}
	err := db.readRow(ctx, `SELECT v.version, s.latest, v.title, v.author, s.created_at,
			v.saved_at, v.format, v.source, v.canonical
		FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id
		WHERE s.id = $1 AND v.version = $2`, id, version).
		Scan(&s.Version, &s.Latest, &s.Title, &s.Author, timeScan{&s.CreatedAt}, timeScan{&s.SavedAt},
			&s.Format, bytesScan{&s.Source}, bytesScan{&s.Canonical})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, parley.Errorf(parley.ENOTFOUND, "scenario %q has no version %d", id, version)
	}
	return s, err
}

// completeJob runs fn and completes job in one transaction, so that a
// run's outcome is recorded if and only if its job is done.
func (db *DB) completeJob(ctx context.Context, job *river.Job[runArgs], fn func(ctx context.Context, tx *sql.Tx, now time.Time) error) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if fn != nil {
			if err := fn(ctx, tx, db.now()); err != nil {
				return err
			}
		}
		_, err := river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, tx, job)
		return err
	})
}
