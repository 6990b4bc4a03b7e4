package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/store"
	"github.com/riverqueue/river"
)

// runArgs are a run's job arguments: the run row holds everything else.
type runArgs struct {
	RunID string `json:"run_id"`
	// Long selects the long job timeout.
	Long bool `json:"long,omitempty"`
}

// Kind implements river.JobArgs.
func (runArgs) Kind() string { return "parley.run" }

// shardArgs are the job arguments of one shard of a sharded run.
type shardArgs struct {
	RunID string `json:"run_id"`
	Shard int    `json:"shard"`
	Long  bool   `json:"long,omitempty"`
}

// Kind implements river.JobArgs.
func (shardArgs) Kind() string { return "parley.shard" }

// mergeArgs are the job arguments of a sharded run's merge.
type mergeArgs struct {
	RunID string `json:"run_id"`
	Long  bool   `json:"long,omitempty"`
}

// Kind implements river.JobArgs.
func (mergeArgs) Kind() string { return "parley.merge" }

// maxAttempts bounds how often a run is tried before it is failed: each
// attempt past the first follows a worker that died or a database error.
const maxAttempts = 5

// riverAttempts is the MaxAttempts given to River: one more than
// maxAttempts. River's rescuer discards a job whose worker died on its
// last attempt without running it again, which would leave the run
// "running" for ever; the extra attempt only fails the run (see giveUp).
const riverAttempts = maxAttempts + 1

const runColumns = `r.seq, r.id, r.scenario_id, r.scenario_version, r.kind, r.model, r.request, r.seed,
	r.parley_version, r.author, r.status, r.error, r.attempts, r.created_at, r.started_at, r.finished_at,
	r.shards, r.shards_done`

// runColumnsBare is runColumns for RETURNING clauses.
const runColumnsBare = `seq, id, scenario_id, scenario_version, kind, model, request, seed,
	parley_version, author, status, error, attempts, created_at, started_at, finished_at,
	shards, shards_done`

func scanRun(row interface{ Scan(...any) error }, seq *int64) (*store.Run, error) {
	r := &store.Run{}
	var seed string
	err := row.Scan(seq, &r.ID, &r.ScenarioID, &r.ScenarioVersion, &r.Kind, &r.Model, bytesScan{&r.Request},
		&seed, &r.ParleyVersion, &r.Author, &r.Status, &r.Error, &r.Attempts, timeScan{&r.CreatedAt},
		nullTimeScan{&r.StartedAt}, nullTimeScan{&r.FinishedAt}, &r.Shards, &r.ShardsDone)
	if err != nil {
		return nil, err
	}
	if r.Seed, err = strconv.ParseUint(seed, 10, 64); err != nil {
		return nil, fmt.Errorf("run %s: bad seed %q", r.ID, seed)
	}
	return r, nil
}

// CreateRun implements store.Store.
func (db *DB) CreateRun(ctx context.Context, nr *store.NewRun) (*store.Run, error) {
	switch {
	case nr == nil:
		return nil, parley.Errorf(parley.EINVALID, "no run")
	case nr.Kind == "":
		return nil, parley.Errorf(parley.EINVALID, "a run needs a kind")
	case strings.TrimSpace(nr.Author) == "":
		return nil, parley.Errorf(parley.EINVALID, "a run needs an author")
	case len(nr.Request) == 0:
		return nil, parley.Errorf(parley.EINVALID, "a run needs its request")
	case nr.ScenarioVersion < 0:
		return nil, parley.Errorf(parley.EINVALID, "version must be at least 1, got %d", nr.ScenarioVersion)
	case nr.Shards < 0 || nr.Shards > store.MaxShards:
		return nil, parley.Errorf(parley.EINVALID, "shards must be from 0 to %d, got %d", store.MaxShards, nr.Shards)
	}
	if !validID(nr.ScenarioID) {
		return nil, notFound("scenario", nr.ScenarioID)
	}
	now := db.now()
	r := &store.Run{ID: newID(), ScenarioID: nr.ScenarioID, Kind: nr.Kind, Model: nr.Model, Request: nr.Request,
		Seed: nr.Seed, ParleyVersion: parley.Version, Author: nr.Author, Status: store.StatusQueued, CreatedAt: now,
		Shards: nr.Shards}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var latest int
		err := tx.QueryRowContext(ctx, `SELECT latest FROM scenarios WHERE id = $1 AND deleted_at IS NULL`,
			nr.ScenarioID).Scan(&latest)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("scenario", nr.ScenarioID)
		}
		if err != nil {
			return err
		}
		r.ScenarioVersion = nr.ScenarioVersion
		if r.ScenarioVersion == 0 {
			r.ScenarioVersion = latest
		} else if r.ScenarioVersion > latest {
			return parley.Errorf(parley.ENOTFOUND, "scenario %q has no version %d", nr.ScenarioID, nr.ScenarioVersion)
		}
		// A plain run's row names its job; a sharded run's names its merge
		// job once there is one (0 until then).
		var jobID int64
		if nr.Shards == 0 {
			job, err := db.insert.InsertTx(ctx, tx, runArgs{RunID: r.ID, Long: nr.Long}, &river.InsertOpts{MaxAttempts: riverAttempts})
			if err != nil {
				return fmt.Errorf("enqueue run: %w", err)
			}
			jobID = job.Job.ID
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO runs (id, scenario_id, scenario_version, kind, model, request,
				seed, parley_version, author, status, error, attempts, job_id, created_at, shards, shards_done)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', 0, $11, $12, $13, 0)`,
			r.ID, r.ScenarioID, r.ScenarioVersion, r.Kind, r.Model, text(r.Request),
			strconv.FormatUint(r.Seed, 10), r.ParleyVersion, r.Author, r.Status, jobID, now, nr.Shards)
		if err != nil {
			return err
		}
		for i := range nr.Shards {
			job, err := db.insert.InsertTx(ctx, tx, shardArgs{RunID: r.ID, Shard: i, Long: nr.Long}, &river.InsertOpts{MaxAttempts: riverAttempts})
			if err != nil {
				return fmt.Errorf("enqueue shard %d: %w", i, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO run_shards (run_id, shard, job_id, attempts) VALUES ($1, $2, $3, 0)`,
				r.ID, i, job.Job.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// FindRun implements store.Store.
func (db *DB) FindRun(ctx context.Context, id string) (*store.Run, error) {
	if !validID(id) {
		return nil, notFound("run", id)
	}
	var seq int64
	r, err := scanRun(db.readRow(ctx, `SELECT `+runColumns+` FROM runs r WHERE r.id = $1`, id), &seq)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("run", id)
	}
	if err != nil {
		return nil, err
	}
	if r.Status == store.StatusDone {
		err := db.readRow(ctx, `SELECT body FROM results WHERE run_id = $1`, id).Scan(bytesScan{&r.Result})
		if err != nil {
			return nil, fmt.Errorf("result of run %s: %w", id, err)
		}
	}
	return r, nil
}

// FindRuns implements store.Store.
func (db *DB) FindRuns(ctx context.Context, f store.RunFilter) ([]*store.Run, string, error) {
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	n, err := limit(f.Page)
	if err != nil {
		return nil, "", err
	}
	if f.Status != "" && !slices.Contains(store.Statuses, f.Status) {
		return nil, "", parley.Errorf(parley.EINVALID, "unknown status %q: want one of %s", f.Status, strings.Join(store.Statuses, ", "))
	}
	rows, err := db.readRows(ctx, `SELECT `+runColumns+` FROM runs r
		WHERE r.seq < $1 AND ($2 = '' OR r.scenario_id = $2) AND ($3 = '' OR r.status = $3)
		ORDER BY r.seq DESC LIMIT $4`, after, f.ScenarioID, f.Status, n+1)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []*store.Run
	var seq int64
	next := ""
	for rows.Next() {
		if len(out) == n {
			next = encodeCursor(seq)
			break
		}
		r, err := scanRun(rows, &seq)
		if err != nil {
			return nil, "", err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// CancelRun implements store.Store.
func (db *DB) CancelRun(ctx context.Context, id string) (*store.Run, error) {
	if !validID(id) {
		return nil, notFound("run", id)
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var jobID int64
		err := tx.QueryRowContext(ctx, `UPDATE runs SET status = $2, finished_at = $3
			WHERE id = $1 AND status IN ('queued', 'running') RETURNING job_id`,
			id, store.StatusCanceled, db.now()).Scan(&jobID)
		if errors.Is(err, sql.ErrNoRows) {
			var status string
			err := tx.QueryRowContext(ctx, `SELECT status FROM runs WHERE id = $1`, id).Scan(&status)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("run", id)
			}
			if err != nil {
				return err
			}
			return parley.Errorf(parley.ECONFLICT, "run %s is already %s", id, status)
		}
		if err != nil {
			return err
		}
		return db.cancelJobs(ctx, tx, id, jobID)
	})
	if err != nil {
		return nil, err
	}
	return db.FindRun(ctx, id)
}

// cancelJobs cancels, inside tx, job jobID (a plain run's job or a
// sharded run's merge; 0 for none) and the jobs of run id's shards that
// are not done. A queued job is cancelled outright; a running one is told
// to stop, and its worker finds the run no longer running when it
// finishes.
func (db *DB) cancelJobs(ctx context.Context, tx *sql.Tx, id string, jobID int64) error {
	jobs, err := jobIDs(ctx, tx, `SELECT job_id FROM run_shards WHERE run_id = $1 AND result IS NULL ORDER BY shard`, id)
	if err != nil {
		return err
	}
	if jobID != 0 {
		jobs = append(jobs, jobID)
	}
	return db.cancel(ctx, tx, jobs)
}

// jobIDs returns the job ids a query selects.
func jobIDs(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var jobs []int64
	for rows.Next() {
		var j int64
		if err := rows.Scan(&j); err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, rows.Err()
}

// cancel cancels jobs in tx; a job River no longer has is already gone.
func (db *DB) cancel(ctx context.Context, tx *sql.Tx, jobs []int64) error {
	for _, j := range jobs {
		if _, err := db.insert.JobCancelTx(ctx, tx, j); err != nil && !errors.Is(err, river.ErrNotFound) {
			return fmt.Errorf("cancel job: %w", err)
		}
	}
	return nil
}
