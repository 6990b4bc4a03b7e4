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
	river.AddWorker(workers, &shardWorker{db: db, cfg: cfg})
	river.AddWorker(workers, &mergeWorker{db: db, cfg: cfg})
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
	return jobTimeout(w.cfg, job.Args.Long)
}

// Work runs one attempt of a run: mark it running, compute, then store
// the outcome and complete the job in one transaction.
func (w *runWorker) Work(ctx context.Context, job *river.Job[runArgs]) error {
	db := w.db
	id := job.Args.RunID
	if job.Attempt > maxAttempts {
		return giveUp(ctx, db, job, "")
	}
	run, ok, err := db.startRun(ctx, id)
	if err != nil {
		return err // retried
	}
	if !ok {
		// Cancelled (or finished by an earlier attempt whose completion of
		// the job was lost): nothing to do.
		return completeJob(ctx, db, job, nil)
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
	if err == nil {
		log.Debug("run done", slog.Duration("took", time.Since(started)))
	}
	return finish(ctx, db, job, err, w.Timeout(job), log, "", func(ctx context.Context, tx *sql.Tx, now time.Time) error {
		return db.storeResult(ctx, tx, id, result, now)
	})
}

// storeResult marks run id done with result, unless it is no longer
// running (cancelled meanwhile: the result is dropped).
func (db *DB) storeResult(ctx context.Context, tx *sql.Tx, id string, result []byte, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE runs SET status = $2, finished_at = $3, error = ''
		WHERE id = $1 AND status = 'running'`, id, store.StatusDone, now)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO results (run_id, body, created_at) VALUES ($1, $2, $3)`,
		id, text(result), now)
	return err
}

// finish records the outcome of one attempt of job, which worked on run
// id: on success done (in the job's completing transaction); otherwise
// it decides between retrying the job (the worker is shutting down, or an
// unexpected error with attempts left) and failing the run for good,
// with the reason prefixed by what ("shard 2: ") and, for a sharded run,
// the cancellation of its other jobs.
func finish[T interface {
	river.JobArgs
	runID() string
}](ctx context.Context, db *DB, job *river.Job[T], err error, timeout time.Duration, log *slog.Logger, what string,
	done func(ctx context.Context, tx *sql.Tx, now time.Time) error) error {
	id := job.Args.runID()
	switch {
	case err == nil:
		return completeJob(ctx, db, job, done)
	case errors.Is(err, river.ErrJobCancelledRemotely) || (ctx.Err() != nil && errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely)):
		// CancelRun already marked the run.
		return completeJob(context.WithoutCancel(ctx), db, job, nil)
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
		msg = fmt.Sprintf("timed out after %s", timeout)
	} else if parley.ErrorCode(err) == parley.EINTERNAL {
		msg = "internal error: " + err.Error()
	}
	msg = what + msg
	var pe *panicError
	if errors.As(err, &pe) {
		log.Error("run panicked", slog.String("error", msg), slog.String("stack", string(pe.stack)))
	} else {
		log.Info("run failed", slog.String("error", msg))
	}
	// The job's context may have expired (a timeout): record the failure
	// without it.
	return completeJob(context.WithoutCancel(ctx), db, job, func(ctx context.Context, tx *sql.Tx, now time.Time) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET status = $2, finished_at = $3, error = $4
			WHERE id = $1 AND status = 'running'`, id, store.StatusFailed, now, msg)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		// A failed shard fails its run: the other shards need not run.
		if _, sharded := any(job.Args).(shardArgs); sharded {
			return db.cancelOthers(ctx, tx, id, job.ID)
		}
		return nil
	})
}

// giveUp is the attempt past maxAttempts (see riverAttempts): the last
// real attempt ended without recording anything, its worker killed or
// cut off from the database, so the run fails for good (a sharded run's
// other jobs are cancelled) instead of being left running.
func giveUp[T interface {
	river.JobArgs
	runID() string
}](ctx context.Context, db *DB, job *river.Job[T], what string) error {
	log := db.log.With(slog.String("run", job.Args.runID()), slog.Int("attempt", job.Attempt))
	err := parley.Errorf(parley.EUNAVAILABLE, "gave up after %d attempts: the last one stopped without finishing (its worker was killed or lost the database)", maxAttempts)
	return finish(ctx, db, job, err, 0, log, what, nil)
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
func completeJob[T river.JobArgs](ctx context.Context, db *DB, job *river.Job[T], fn func(ctx context.Context, tx *sql.Tx, now time.Time) error) error {
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

// jobTimeout is the bound on one attempt: LongJobTimeout for long
// analyses, JobTimeout for the rest.
func jobTimeout(cfg store.WorkConfig, long bool) time.Duration {
	if long {
		return cfg.LongJobTimeout
	}
	return cfg.JobTimeout
}

func (a runArgs) runID() string   { return a.RunID }
func (a shardArgs) runID() string { return a.RunID }
func (a mergeArgs) runID() string { return a.RunID }

// cancelOthers cancels the jobs of run id's shards that are not done,
// except job self.
func (db *DB) cancelOthers(ctx context.Context, tx *sql.Tx, id string, self int64) error {
	jobs, err := jobIDs(ctx, tx, `SELECT job_id FROM run_shards WHERE run_id = $1 AND result IS NULL AND job_id <> $2`, id, self)
	if err != nil {
		return err
	}
	return db.cancel(ctx, tx, jobs)
}

// shardWorker executes parley.shard jobs: one shard of a sharded run.
type shardWorker struct {
	river.WorkerDefaults[shardArgs]
	db  *DB
	cfg store.WorkConfig
}

// Timeout gives the shards of long analyses the long bound.
func (w *shardWorker) Timeout(job *river.Job[shardArgs]) time.Duration {
	return jobTimeout(w.cfg, job.Args.Long)
}

// Work runs one attempt of a shard: mark the run running and count the
// attempt, compute the shard, then store its bytes (once), count it and,
// if it was the last, enqueue the merge, all with the job's completion in
// one transaction.
func (w *shardWorker) Work(ctx context.Context, job *river.Job[shardArgs]) error {
	db := w.db
	id, shard := job.Args.RunID, job.Args.Shard
	if job.Attempt > maxAttempts {
		return giveUp(ctx, db, job, fmt.Sprintf("shard %d: ", shard))
	}
	run, ok, err := db.startShard(ctx, id, shard)
	if err != nil {
		return err // retried
	}
	if !ok {
		// The run was cancelled or failed, or this shard is already
		// stored: nothing to do.
		return completeJob(ctx, db, job, nil)
	}
	log := db.log.With(slog.String("run", id), slog.Int("shard", shard), slog.Int("attempt", job.Attempt))
	started := time.Now()
	var out []byte
	if w.cfg.ExecuteShard == nil {
		err = parley.Errorf(parley.EINVALID, "this server cannot run sharded runs")
	} else {
		var s *store.Scenario
		s, err = db.scenarioVersion(ctx, run.ScenarioID, run.ScenarioVersion)
		if err == nil {
			out, err = execute(ctx, func(ctx context.Context, run *store.Run, s *store.Scenario) ([]byte, error) {
				return w.cfg.ExecuteShard(ctx, run, s, shard)
			}, run, s)
		}
	}
	if err == nil {
		log.Debug("shard done", slog.Duration("took", time.Since(started)))
	}
	return finish(ctx, db, job, err, w.Timeout(job), log, fmt.Sprintf("shard %d: ", shard), func(ctx context.Context, tx *sql.Tx, now time.Time) error {
		return db.storeShard(ctx, tx, id, shard, out, job.Args.Long, now)
	})
}

// startShard marks run id running (keeping the time its first shard
// started) and counts an attempt of its shard. It reports false when the
// run is no longer queued or running, or the shard is already stored.
func (db *DB) startShard(ctx context.Context, id string, shard int) (*store.Run, bool, error) {
	var run *store.Run
	ok := false
	now := db.now()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var seq int64
		r, err := scanRun(tx.QueryRowContext(ctx, `UPDATE runs SET status = 'running', started_at = COALESCE(started_at, $2)
			WHERE id = $1 AND status IN ('queued', 'running') RETURNING `+runColumnsBare, id, now), &seq)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		var attempts int
		err = tx.QueryRowContext(ctx, `UPDATE run_shards SET attempts = attempts + 1, started_at = $3
			WHERE run_id = $1 AND shard = $2 AND result IS NULL RETURNING attempts`, id, shard, now).Scan(&attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if attempts > r.Attempts {
			if _, err := tx.ExecContext(ctx, `UPDATE runs SET attempts = $2 WHERE id = $1`, id, attempts); err != nil {
				return err
			}
			r.Attempts = attempts
		}
		run, ok = r, true
		return nil
	})
	return run, ok, err
}

// storeShard stores shard's bytes unless the run is no longer running (the
// bytes are dropped) or the shard is already stored; the transaction that
// stores a run's last shard enqueues its merge. The first statement locks
// the run's row, so shards finishing together are counted one after the
// other and exactly one of them sees the count complete.
func (db *DB) storeShard(ctx context.Context, tx *sql.Tx, id string, shard int, out []byte, long bool, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE runs SET shards_done = shards_done WHERE id = $1 AND status = 'running'`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	res, err = tx.ExecContext(ctx, `UPDATE run_shards SET result = $3, finished_at = $4
		WHERE run_id = $1 AND shard = $2 AND result IS NULL`, id, shard, text(out), now)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	var done, shards int
	if err := tx.QueryRowContext(ctx, `UPDATE runs SET shards_done = shards_done + 1 WHERE id = $1
		RETURNING shards_done, shards`, id).Scan(&done, &shards); err != nil {
		return err
	}
	if done < shards {
		return nil
	}
	job, err := db.insert.InsertTx(ctx, tx, mergeArgs{RunID: id, Long: long}, &river.InsertOpts{MaxAttempts: riverAttempts})
	if err != nil {
		return fmt.Errorf("enqueue merge: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE runs SET job_id = $2 WHERE id = $1`, id, job.Job.ID)
	return err
}

// mergeWorker executes parley.merge jobs: a sharded run's last step.
type mergeWorker struct {
	river.WorkerDefaults[mergeArgs]
	db  *DB
	cfg store.WorkConfig
}

// Timeout gives the merges of long analyses the long bound.
func (w *mergeWorker) Timeout(job *river.Job[mergeArgs]) time.Duration {
	return jobTimeout(w.cfg, job.Args.Long)
}

// Work merges the stored shards of a run and stores its result, with the
// job's completion, in one transaction.
func (w *mergeWorker) Work(ctx context.Context, job *river.Job[mergeArgs]) error {
	db := w.db
	id := job.Args.RunID
	if job.Attempt > maxAttempts {
		return giveUp(ctx, db, job, "merge: ")
	}
	var seq int64
	run, err := scanRun(db.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs r WHERE r.id = $1`, id), &seq)
	if err != nil {
		return err // retried
	}
	if run.Status != store.StatusRunning {
		return completeJob(ctx, db, job, nil)
	}
	log := db.log.With(slog.String("run", id), slog.String("step", "merge"), slog.Int("attempt", job.Attempt))
	var result []byte
	parts, err := db.shardResults(ctx, id, run.Shards)
	if err == nil && w.cfg.Merge == nil {
		err = parley.Errorf(parley.EINVALID, "this server cannot run sharded runs")
	}
	if err == nil {
		var s *store.Scenario
		s, err = db.scenarioVersion(ctx, run.ScenarioID, run.ScenarioVersion)
		if err == nil {
			result, err = execute(ctx, func(ctx context.Context, run *store.Run, s *store.Scenario) ([]byte, error) {
				return w.cfg.Merge(ctx, run, s, parts)
			}, run, s)
		}
	}
	return finish(ctx, db, job, err, w.Timeout(job), log, "merge: ", func(ctx context.Context, tx *sql.Tx, now time.Time) error {
		return db.storeResult(ctx, tx, id, result, now)
	})
}

// shardResults reads the n stored shards of run id in shard order.
func (db *DB) shardResults(ctx context.Context, id string, n int) ([][]byte, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT shard, result FROM run_shards
		WHERE run_id = $1 AND result IS NOT NULL ORDER BY shard`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([][]byte, 0, n)
	for rows.Next() {
		var i int
		var b []byte
		if err := rows.Scan(&i, bytesScan{&b}); err != nil {
			return nil, err
		}
		if i != len(out) {
			return nil, fmt.Errorf("run %s: shard %d is missing", id, len(out))
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) != n {
		return nil, fmt.Errorf("run %s: %d of %d shards stored", id, len(out), n)
	}
	return out, nil
}
