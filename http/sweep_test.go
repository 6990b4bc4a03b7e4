package http_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"testing"

	httpapi "github.com/parley-forecast/parley/http"
	"github.com/parley-forecast/parley/internal/pgtest"
	"github.com/parley-forecast/parley/models"
	"github.com/parley-forecast/parley/scenario"
	"github.com/parley-forecast/parley/store"
	"github.com/parley-forecast/parley/sweep"
)

// Ensure a sweep queued on the server, on SQLite and on PostgreSQL, merges
// to exactly the bytes of the same analysis run as one job, and of the
// sweep package run locally on the manifest the server gives, with K = 1
// and K = 3; that each shard is stored once; and that progress shows.
func TestSweepMatchesOneProcess(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testSweepMatches(t, newEnv(t, envOpts{})) })
	t.Run("postgres", func(t *testing.T) { testSweepMatches(t, newEnv(t, envOpts{dsn: pgtest.Fresh(t)})) })
}

func createRanges(t *testing.T, e *env) string {
	t.Helper()
	r := e.do("POST", "/api/v1/scenarios", readFile(t, "ranges.json"), "Content-Type", "application/json")
	var saved httpapi.SavedScenario
	r.json(t, &saved)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	return saved.ID
}

// queue posts a run request and returns the accepted run.
func (e *env) queue(body map[string]any) httpapi.Run {
	e.t.Helper()
	r := e.do("POST", "/api/v1/runs", body)
	if r.status != http.StatusAccepted {
		e.t.Fatalf("queue %v: %d %s", body, r.status, r.body)
	}
	var run httpapi.Run
	r.json(e.t, &run)
	return run
}

func testSweepMatches(t *testing.T, e *env) {
	id := createRanges(t, e)
	for _, c := range []struct {
		name     string
		analysis string // the one-job analysis the sweep must equal
		one      map[string]any
		sweep    map[string]any
	}{
		{"simulate", "simulate",
			map[string]any{"draws": 301, "bins": 10, "dist": "uniform"},
			map[string]any{"draws": 301, "bins": 10, "dist": "uniform"}},
		{"morris", "sensitivity",
			map[string]any{"method": "morris", "draws": 5},
			map[string]any{"analysis": "sensitivity", "method": "morris", "draws": 5}},
		{"sobol", "sensitivity",
			map[string]any{"method": "sobol", "draws": 32, "resamples": 20},
			map[string]any{"analysis": "sensitivity", "method": "sobol", "draws": 32, "resamples": 20}},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := map[string]any{"scenario": id, "model": "median", "seed": 11, "variant": "gamma-out"}
			with := func(kind string, opts map[string]any) map[string]any {
				m := map[string]any{"analysis": kind, "options": opts}
				for k, v := range base {
					m[k] = v
				}
				return m
			}
			one := e.waitRun(e.queue(with(c.analysis, c.one)).ID)
			if one.Status != store.StatusDone || len(one.Result) == 0 {
				t.Fatalf("%s run: %s %s", c.analysis, one.Status, one.Error)
			}
			// The API sends results as compact JSON; the stored bytes are
			// the analysis's own rendering, compared byte for byte.
			want := stored(t, e, one.ID)
			for _, k := range []int{1, 3} {
				opts := map[string]any{"shards": k}
				for n, v := range c.sweep {
					opts[n] = v
				}
				queued := e.queue(with("sweep", opts))
				if queued.Progress == nil || queued.Progress.Shards != k || queued.Progress.ShardsDone != 0 {
					t.Fatalf("K=%d: queued with progress %+v", k, queued.Progress)
				}
				done := e.waitRun(queued.ID)
				if done.Status != store.StatusDone {
					t.Fatalf("K=%d: sweep %s: %s", k, done.Status, done.Error)
				}
				got := stored(t, e, done.ID)
				if string(got) != string(want) || string(done.Result) != string(one.Result) {
					t.Fatalf("K=%d: sweep result differs from the %s run:\n%s\nwant\n%s", k, c.analysis, got, want)
				}
				if done.Progress == nil || done.Progress.Shards != k || done.Progress.ShardsDone != k || done.Attempts != 1 {
					t.Fatalf("K=%d: done sweep progress %+v, attempts %d", k, done.Progress, done.Attempts)
				}
				if local := sweepLocally(t, e, done.ID); string(local) != string(got) {
					t.Fatalf("K=%d: the sweep package on the server's manifest gives\n%s\nthe server\n%s", k, local, got)
				}
				db := e.store.(interface{ SQL() *sql.DB }).SQL()
				var rows, distinct int
				if err := db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT shard) FROM run_shards WHERE run_id = $1 AND result IS NOT NULL`,
					done.ID).Scan(&rows, &distinct); err != nil {
					t.Fatal(err)
				}
				if rows != k || distinct != k {
					t.Fatalf("K=%d: %d shard rows stored for %d shards", k, rows, distinct)
				}
			}
		})
	}
}

// stored is the result of run id as the store holds it.
func stored(t *testing.T, e *env, id string) []byte {
	t.Helper()
	r, err := e.store.FindRun(context.Background(), id)
	if err != nil || len(r.Result) == 0 {
		t.Fatalf("stored result of %s: %v", id, err)
	}
	return r.Result
}

// sweepLocally fetches the manifest of sweep run id and computes it with
// the sweep package in this process, shard by shard, as parley sweep
// local does.
func sweepLocally(t *testing.T, e *env, id string) []byte {
	t.Helper()
	r := e.do("GET", "/api/v1/runs/"+id+"/manifest", nil)
	if r.status != http.StatusOK {
		t.Fatalf("manifest: %d %s", r.status, r.body)
	}
	m, err := sweep.DecodeManifest("manifest.json", r.body)
	if err != nil {
		t.Fatal(err)
	}
	s, ds := scenario.ParseScenario(m.Scenario.Name, m.Scenario.Content)
	if err := ds.Err(); err != nil || s == nil {
		t.Fatalf("the manifest's scenario: %v", err)
	}
	mod, err := models.Lookup(m.Model)
	if err != nil {
		t.Fatal(err)
	}
	j, err := sweep.Open(m, s, mod, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := j.RunAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Ensure bad sweep options are refused with 422, naming the field, and
// nothing is queued.
func TestSweepInvalid(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	id := createRanges(t, e)
	small := e.createScenario() // no input given as a range
	for _, c := range []struct {
		scenario string
		options  map[string]any
		field    string
	}{
		{id, map[string]any{"analysis": "bogus"}, "body.options.analysis"},
		{id, map[string]any{"shards": 0.5}, "body.options"},
		{id, map[string]any{"shards": -1}, "body.options.shards"},
		{id, map[string]any{"shards": 257}, "body.options.shards"},
		{id, map[string]any{"draws": 10, "shards": 11}, "body.options.shards"},
		{id, map[string]any{"analysis": "sensitivity", "method": "morris", "draws": 2, "shards": 100}, "body.options.shards"},
		{id, map[string]any{"draws": 2_000_000_000}, "body.options.draws"},
		{id, map[string]any{"bins": 7}, "body.options.bins"},
		{id, map[string]any{"dist": "normal"}, "body.options.dist"},
		{id, map[string]any{"method": "sobol"}, "body.options.method"},
		{id, map[string]any{"analysis": "sensitivity", "method": "fast"}, "body.options.method"},
		{id, map[string]any{"analysis": "sensitivity", "bins": 10}, "body.options.bins"},
		{id, map[string]any{"analysis": "sensitivity", "method": "sobol", "sampler": "x"}, "body.options.sampler"},
		{id, map[string]any{"analysis": "sensitivity", "method": "sobol", "resamples": -1}, "body.options.resamples"},
		{id, map[string]any{"analysis": "sensitivity", "levels": 3}, "body.options.levels"},
		{id, map[string]any{"analysis": "sensitivity", "method": "morris", "draws": 1}, "body.options.draws"},
		{id, map[string]any{"nope": 1}, "body.options"},
		{small, map[string]any{"analysis": "sensitivity"}, "body.scenario"},
	} {
		r := e.do("POST", "/api/v1/runs", map[string]any{"scenario": c.scenario, "model": "median", "analysis": "sweep", "options": c.options})
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("options %v: %d %s", c.options, r.status, r.body)
			continue
		}
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Location != c.field {
			t.Errorf("options %v: %+v, want the error at %s", c.options, p, c.field)
		}
	}
	var list httpapi.RunList
	e.do("GET", "/api/v1/runs", nil).json(t, &list)
	if len(list.Items) != 0 {
		t.Fatalf("%d runs queued by refused requests", len(list.Items))
	}
	// A plain run has no manifest.
	run := e.queue(map[string]any{"scenario": id, "model": "median"})
	if r := e.do("GET", "/api/v1/runs/"+run.ID+"/manifest", nil); r.status != http.StatusNotFound {
		t.Fatalf("manifest of a model run: %d %s", r.status, r.body)
	}
}

// Ensure a queued sweep is cancelled with its shard jobs, and reports
// progress 0 of K.
func TestSweepCancel(t *testing.T) {
	e := newEnv(t, envOpts{noWorkers: true})
	id := createRanges(t, e)
	run := e.queue(map[string]any{"scenario": id, "model": "median", "analysis": "sweep", "options": map[string]any{"draws": 100}})
	if run.Progress == nil || run.Progress.Shards != 4 {
		t.Fatalf("default shards: %+v", run.Progress)
	}
	r := e.do("POST", "/api/v1/runs/"+run.ID+"/cancel", nil)
	var got httpapi.Run
	r.json(t, &got)
	if r.status != http.StatusOK || got.Status != store.StatusCanceled || got.Progress == nil || got.Progress.ShardsDone != 0 {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	db := e.store.(interface{ SQL() *sql.DB }).SQL()
	var live int
	if err := db.QueryRow(`SELECT COUNT(*) FROM river_job WHERE state <> 'cancelled'`).Scan(&live); err != nil {
		t.Fatal(err)
	}
	if live != 0 {
		t.Fatalf("%d jobs still live after the cancel", live)
	}
	// The default K never exceeds the draws.
	few := e.queue(map[string]any{"scenario": id, "model": "median", "analysis": "sweep", "options": map[string]any{"draws": 2}})
	if few.Progress == nil || few.Progress.Shards != 2 {
		t.Fatal(fmt.Sprintf("2 draws: %+v", few.Progress))
	}
}
