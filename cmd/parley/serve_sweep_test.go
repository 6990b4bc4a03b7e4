package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-forecast/parley/postgres"
	"github.com/parley-forecast/parley/sqlite"
)

// Ensure a server killed with SIGKILL in the middle of a sweep, with one
// shard stored and others in progress, finishes the sweep after a
// restart: the stored shard is not computed again, every shard is stored
// once, the result is stored once, and its bytes are those of parley
// simulate and of parley sweep local on the server's manifest (and of a
// one-shard sweep).
func TestServeSweepResumesAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	onBothStores(t, testSweepResume)
}

type sweepRunDoc struct {
	runDoc
	Progress *struct {
		Shards     int `json:"shards"`
		ShardsDone int `json:"shards_done"`
	} `json:"progress"`
}

// withDB opens the store at dsn for raw queries.
func withDB(t *testing.T, dsn string, fn func(db *sql.DB)) {
	t.Helper()
	ctx := context.Background()
	var db database
	var err error
	if postgres.IsURL(dsn) {
		db, err = postgres.Open(ctx, dsn, nil)
	} else {
		db, err = sqlite.Open(ctx, dsn, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	fn(db.(interface{ SQL() *sql.DB }).SQL())
}

type shardRow struct {
	attempts int
	result   sql.NullString
}

// shardRows reads run id's shard rows by shard.
func shardRows(t *testing.T, dsn, id string) map[int]shardRow {
	t.Helper()
	out := map[int]shardRow{}
	withDB(t, dsn, func(db *sql.DB) {
		rows, err := db.Query(`SELECT shard, attempts, result FROM run_shards WHERE run_id = $1`, id)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var i int
			var r shardRow
			if err := rows.Scan(&i, &r.attempts, &r.result); err != nil {
				t.Fatal(err)
			}
			if _, dup := out[i]; dup {
				t.Fatalf("shard %d has two rows", i)
			}
			out[i] = r
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	})
	return out
}

// storedResult is run id's result as stored (the API sends it compact).
func storedResult(t *testing.T, dsn, id string) string {
	t.Helper()
	var body string
	withDB(t, dsn, func(db *sql.DB) {
		if err := db.QueryRow(`SELECT body FROM results WHERE run_id = $1`, id).Scan(&body); err != nil {
			t.Fatal(err)
		}
	})
	return body
}

func (s *server) waitDone(token, id string, within time.Duration) sweepRunDoc {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for {
		var got sweepRunDoc
		s.call("GET", "/api/v1/runs/"+id, token, "", nil, &got)
		if got.Status != "queued" && got.Status != "running" {
			if got.Status != "done" {
				s.t.Fatalf("run %s: %s (%s)", id, got.Status, got.Error)
			}
			return got
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("run %s still %s after %s", id, got.Status, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// raw GETs path and returns the body, failing unless the status is 200.
func (s *server) raw(method, path, token string) []byte {
	s.t.Helper()
	req, err := http.NewRequest(method, s.base+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		s.t.Fatalf("%s %s: %d %s %v", method, path, res.StatusCode, b, err)
	}
	return b
}

func testSweepResume(t *testing.T, bin, dsn string) {
	token := strings.TrimSpace(parleyCmd(t, bin, "token", "create", "alice", "--db", dsn))
	// Short timeouts so that the test is quick: a shard whose server died
	// is taken over 3 s + 1 s after it started.
	common := []string{"--db", dsn, "--workers", "2", "--job-timeout", "3s", "--long-job-timeout", "3s",
		"--rescue-margin", "1s", "--poll-interval", "50ms"}
	// Every shard but shard 0 is held for an hour.
	first := startServer(t, bin, append(common, "--test-job-delay", "1h")...)

	path := filepath.Join("..", "..", "http", "testdata", "ranges.json")
	scenario, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var saved struct{ ID string }
	if code := first.call("POST", "/api/v1/scenarios", token, "application/json", scenario, &saved); code != http.StatusCreated {
		t.Fatalf("create scenario: %d", code)
	}
	const k = 3
	sweepBody := func(shards int) []byte {
		return fmt.Appendf(nil, `{"scenario": %q, "model": "median", "seed": 7, "analysis": "sweep",
			"options": {"draws": 3000, "bins": 10, "shards": %d}}`, saved.ID, shards)
	}
	var run sweepRunDoc
	if code := first.call("POST", "/api/v1/runs", token, "application/json", sweepBody(k), &run); code != http.StatusAccepted {
		t.Fatalf("queue the sweep: %d", code)
	}

	// Kill the server once shard 0 is stored (shard 1 started with it).
	deadline := time.Now().Add(30 * time.Second)
	for {
		var got sweepRunDoc
		first.call("GET", "/api/v1/runs/"+run.ID, token, "", nil, &got)
		if got.Progress != nil && got.Progress.ShardsDone == 1 {
			if got.Status != "running" {
				t.Fatalf("sweep with a shard done is %s", got.Status)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("shard 0 not stored in 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	first.kill()

	before := shardRows(t, dsn, run.ID)
	if len(before) != k || !before[0].result.Valid || before[0].attempts != 1 || before[1].result.Valid || before[2].result.Valid {
		t.Fatalf("shards when killed: %+v", before)
	}
	if n := countResults(t, dsn); n != 0 {
		t.Fatalf("%d results stored before the restart", n)
	}

	second := startServer(t, bin, common...)
	done := second.waitDone(token, run.ID, 120*time.Second)
	if done.Progress == nil || done.Progress.Shards != k || done.Progress.ShardsDone != k || done.Attempts < 2 {
		t.Fatalf("resumed sweep: progress %+v, attempts %d (want a shard's second attempt)", done.Progress, done.Attempts)
	}
	after := shardRows(t, dsn, run.ID)
	for i := range k {
		if !after[i].result.Valid {
			t.Fatalf("shard %d not stored", i)
		}
	}
	if after[0] != before[0] {
		t.Fatalf("shard 0 was computed again: %d attempts", after[0].attempts)
	}
	if after[1].attempts < 2 {
		t.Fatalf("shard 1, interrupted, shows %d attempts", after[1].attempts)
	}
	if n := countResults(t, dsn); n != 1 {
		t.Fatalf("%d results stored for one run", n)
	}
	got := storedResult(t, dsn, run.ID)

	// The same bytes as parley simulate in one process...
	want := parleyCmd(t, bin, "simulate", path, "-m", "median", "--seed", "7", "--draws", "3000", "--bins", "10", "--format", "json")
	if got != want {
		t.Fatalf("resumed sweep:\n%s\nparley simulate:\n%s", got, want)
	}
	// ... as parley sweep local on the server's manifest ...
	dir := t.TempDir()
	manifest := filepath.Join(dir, "manifest.json")
	m := second.raw("GET", "/api/v1/runs/"+run.ID+"/manifest", token)
	if err := os.WriteFile(manifest, m, 0o600); err != nil {
		t.Fatal(err)
	}
	local := parleyCmd(t, bin, "sweep", "local", manifest, "--dir", filepath.Join(dir, "shards"), "--format", "json", "--progress", "never")
	if got != local {
		t.Fatalf("resumed sweep:\n%s\nparley sweep local on its manifest:\n%s", got, local)
	}
	// ... and as a sweep of one shard.
	var one sweepRunDoc
	if code := second.call("POST", "/api/v1/runs", token, "application/json", sweepBody(1), &one); code != http.StatusAccepted {
		t.Fatalf("queue the one-shard sweep: %d", code)
	}
	second.waitDone(token, one.ID, 60*time.Second)
	if single := storedResult(t, dsn, one.ID); single != want {
		t.Fatalf("one-shard sweep:\n%s\nparley simulate:\n%s", single, want)
	}
	second.stop()
}
