package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/store"
)

// The contract of sharded runs (NewRun.Shards): K shard jobs written with
// the run, each shard's bytes stored exactly once, one merge once all are
// stored, progress while running, cancellation and failure of the whole.

func newShardedRun(scenario string, k int) *store.NewRun {
	nr := newRun(scenario)
	nr.Kind, nr.Shards, nr.Long = "sweep", k, true
	return nr
}

// shardBytes is what the fake shard executor computes for shard i of run
// id: it names both, so a shard stored under the wrong run or index shows.
func shardBytes(id string, i int) []byte { return fmt.Appendf(nil, `{"run":%q,"shard":%d}`, id, i) }

// joinShards is the fake merge: a JSON array of the shards' bytes in the
// order given, one per line, so the result shows both the order and that
// each appears once.
func joinShards(parts [][]byte) []byte {
	return append(append([]byte("[\n"), bytes.Join(parts, []byte(",\n"))...), "\n]\n"...)
}

func wantJoined(id string, k int) string {
	parts := make([][]byte, k)
	for i := range parts {
		parts[i] = shardBytes(id, i)
	}
	return string(joinShards(parts))
}

// shardWork is testWork with shard executor and merge.
func shardWork(shard store.ShardExecutor, merge store.Merger) store.WorkConfig {
	cfg := testWork(func(ctx context.Context, run *store.Run, s *store.Scenario) ([]byte, error) {
		return nil, parley.Errorf(parley.EINVALID, "a sharded run was executed as one job")
	})
	cfg.ExecuteShard, cfg.Merge = shard, merge
	return cfg
}

// counter counts calls by key.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

// joinMerger is a merge that counts its calls under "merge" and joins
// the shards' bytes.
func (c *counter) joinMerger() store.Merger {
	return func(ctx context.Context, run *store.Run, v *store.Scenario, parts [][]byte) ([]byte, error) {
		c.add("merge")
		return joinShards(parts), nil
	}
}

func (c *counter) add(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[key]++
	return c.n[key]
}

func (c *counter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

// Ensure a sharded run is written with one shard row and one shard job per
// shard, all in the run's transaction, and that bad shard counts are
// refused with nothing written.
func testShardedCreate(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	for _, k := range []int{-1, store.MaxShards + 1} {
		_, err := s.CreateRun(ctx(t), newShardedRun(sc.ID, k))
		wantCode(t, err, parley.EINVALID)
	}
	bad := newShardedRun(sc.ID, 3)
	bad.ScenarioVersion = 9
	if _, err := s.CreateRun(ctx(t), bad); err == nil {
		t.Fatal("sharded run on a missing version accepted")
	}
	if n := count(t, s, `SELECT COUNT(*) FROM river_job`) + count(t, s, `SELECT COUNT(*) FROM run_shards`); n != 0 {
		t.Fatalf("%d jobs and shards after refused runs, want 0", n)
	}
	r, err := s.CreateRun(ctx(t), newShardedRun(sc.ID, 3))
	if err != nil {
		t.Fatal(err)
	}
	if r.Shards != 3 || r.ShardsDone != 0 || r.Status != store.StatusQueued {
		t.Fatalf("created %+v", r)
	}
	got, err := s.FindRun(ctx(t), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Shards != 3 || got.ShardsDone != 0 || got.Status != store.StatusQueued {
		t.Fatalf("found %+v", got)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM river_job`); n != 3 {
		t.Fatalf("%d jobs for a run of 3 shards, want 3 (no merge yet)", n)
	}
	if n := count(t, s, `SELECT COUNT(DISTINCT s.shard) FROM run_shards s JOIN river_job j ON j.id = s.job_id
		WHERE s.run_id = $1 AND j.kind = 'parley.shard' AND s.result IS NULL AND s.attempts = 0`, r.ID); n != 3 {
		t.Fatalf("%d shard rows with their jobs, want 3", n)
	}
	// A plain run beside it still has one job and no shards.
	p, err := s.CreateRun(ctx(t), newRun(sc.ID))
	if err != nil {
		t.Fatal(err)
	}
	if p.Shards != 0 || count(t, s, `SELECT COUNT(*) FROM run_shards WHERE run_id = $1`, p.ID) != 0 {
		t.Fatalf("plain run %+v has shards", p)
	}
	list, _, err := s.FindRuns(ctx(t), store.RunFilter{})
	if err != nil || len(list) != 2 || list[1].ID != r.ID || list[1].Shards != 3 {
		t.Fatalf("listed %v %v", list, err)
	}
}

// Ensure workers compute every shard once, show progress while the last
// one runs, merge once in shard order, and store one result.
func testShardedWork(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	const k = 3
	var calls counter
	release := make(chan struct{})
	cfg := shardWork(func(ctx context.Context, run *store.Run, v *store.Scenario, i int) ([]byte, error) {
		calls.add(fmt.Sprint(i))
		if run.Status != store.StatusRunning || run.Shards != k || v.ID != sc.ID {
			return nil, fmt.Errorf("shard executor given %+v", run)
		}
		if i == k-1 {
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return shardBytes(run.ID, i), nil
	}, func(ctx context.Context, run *store.Run, v *store.Scenario, parts [][]byte) ([]byte, error) {
		calls.add("merge")
		if run.ShardsDone != k {
			return nil, fmt.Errorf("merge given %+v", run)
		}
		return joinShards(parts), nil
	})
	if err := s.Work(ctx(t), cfg); err != nil {
		t.Fatal(err)
	}
	r, err := s.CreateRun(ctx(t), newShardedRun(sc.ID, k))
	if err != nil {
		t.Fatal(err)
	}
	// Progress: the first shards are stored while the last one waits.
	deadline := time.Now().Add(60 * time.Second)
	for {
		got, err := s.FindRun(ctx(t), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ShardsDone == k-1 {
			if got.Status != store.StatusRunning || got.StartedAt == nil || got.Result != nil {
				t.Fatalf("run with %d of %d shards done: %+v", got.ShardsDone, k, got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %+v: %d of %d shards done after 60 s", got, got.ShardsDone, k)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if calls.get("merge") != 0 {
		t.Fatal("merged before every shard was stored")
	}
	close(release)
	got := waitStatus(t, s, r.ID, store.StatusDone)
	if string(got.Result) != wantJoined(r.ID, k) {
		t.Fatalf("result %q, want %q", got.Result, wantJoined(r.ID, k))
	}
	if got.ShardsDone != k || got.Attempts != 1 || got.FinishedAt == nil || got.FinishedAt.Before(*got.StartedAt) {
		t.Fatalf("done sharded run %+v", got)
	}
	for i := range k {
		if calls.get(fmt.Sprint(i)) != 1 {
			t.Fatalf("shard %d computed %d times", i, calls.get(fmt.Sprint(i)))
		}
		if n := count(t, s, `SELECT COUNT(*) FROM run_shards WHERE run_id = $1 AND shard = $2 AND result = $3 AND attempts = 1`,
			r.ID, i, string(shardBytes(r.ID, i))); n != 1 {
			t.Fatalf("shard %d stored %d times", i, n)
		}
	}
	if calls.get("merge") != 1 || count(t, s, `SELECT COUNT(*) FROM results WHERE run_id = $1`, r.ID) != 1 {
		t.Fatalf("%d merges, %d results", calls.get("merge"), count(t, s, `SELECT COUNT(*) FROM results WHERE run_id = $1`, r.ID))
	}
	if n := count(t, s, `SELECT COUNT(*) FROM river_job WHERE kind = 'parley.merge'`); n != 1 {
		t.Fatalf("%d merge jobs", n)
	}
	_, err = s.CancelRun(ctx(t), r.ID)
	wantCode(t, err, parley.ECONFLICT)
}

// Ensure a sharded run interrupted by a shutdown finishes after a restart:
// the shards stored before are not computed again, the rest are, and
// every shard and the result are stored once.
func testShardedResumes(t *testing.T, open func() store.Store) {
	s := open()
	sc := mustCreate(t, s, "s")
	const k = 4
	r, err := s.CreateRun(ctx(t), newShardedRun(sc.ID, k))
	if err != nil {
		t.Fatal(err)
	}
	var before counter
	blocked := make(chan int, k)
	if err := s.Work(ctx(t), shardWork(func(ctx context.Context, run *store.Run, v *store.Scenario, i int) ([]byte, error) {
		before.add(fmt.Sprint(i))
		if i%2 == 1 {
			blocked <- i
			<-ctx.Done() // never finishes on its own
			return nil, ctx.Err()
		}
		return shardBytes(run.ID, i), nil
	}, func(ctx context.Context, run *store.Run, v *store.Scenario, parts [][]byte) ([]byte, error) {
		return nil, errors.New("merged before the restart")
	})); err != nil {
		t.Fatal(err)
	}
	// Wait until shards 0 and 2 are stored and one odd shard is running.
	receive(t, blocked)
	deadline := time.Now().Add(60 * time.Second)
	for count(t, s, `SELECT COUNT(*) FROM run_shards WHERE run_id = $1 AND result IS NOT NULL`, r.ID) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("shards 0 and 2 not stored in 60 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopped, cancel := context.WithCancel(ctx(t))
	cancel()
	_ = s.Close(stopped)

	s = MustOpen(t, open)
	if got, err := s.FindRun(ctx(t), r.ID); err != nil || got.ShardsDone != 2 || got.Status != store.StatusRunning {
		t.Fatalf("after the restart: %+v %v", got, err)
	}
	var after counter
	if err := s.Work(ctx(t), shardWork(func(ctx context.Context, run *store.Run, v *store.Scenario, i int) ([]byte, error) {
		after.add(fmt.Sprint(i))
		return shardBytes(run.ID, i), nil
	}, func(ctx context.Context, run *store.Run, v *store.Scenario, parts [][]byte) ([]byte, error) {
		after.add("merge")
		return joinShards(parts), nil
	})); err != nil {
		t.Fatal(err)
	}
	got := waitStatus(t, s, r.ID, store.StatusDone)
	if string(got.Result) != wantJoined(r.ID, k) || got.ShardsDone != k {
		t.Fatalf("resumed run %+v", got)
	}
	for i := range k {
		want := 0
		if i%2 == 1 {
			want = 1
		}
		if after.get(fmt.Sprint(i)) != want {
			t.Fatalf("after the restart shard %d computed %d times, want %d", i, after.get(fmt.Sprint(i)), want)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM run_shards WHERE run_id = $1 AND shard = $2 AND result = $3`,
			r.ID, i, string(shardBytes(r.ID, i))); n != 1 {
			t.Fatalf("shard %d stored %d times", i, n)
		}
	}
	if after.get("merge") != 1 || count(t, s, `SELECT COUNT(*) FROM results WHERE run_id = $1`, r.ID) != 1 {
		t.Fatal("merged or stored more than once")
	}
}

// Ensure a shard that fails for good fails its run, naming the shard, and
// nothing is merged.
func testShardedFails(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	var calls counter
	if err := s.Work(ctx(t), shardWork(func(ctx context.Context, run *store.Run, v *store.Scenario, i int) ([]byte, error) {
		calls.add(fmt.Sprint(i))
		if i == 1 {
			return nil, parley.Errorf(parley.EINVALID, "no draws")
		}
		return shardBytes(run.ID, i), nil
	}, calls.joinMerger())); err != nil {
		t.Fatal(err)
	}
	r, err := s.CreateRun(ctx(t), newShardedRun(sc.ID, 3))
	if err != nil {
		t.Fatal(err)
	}
	got := waitStatus(t, s, r.ID, store.StatusFailed)
	if got.Error != "shard 1: no draws" || got.Result != nil {
		t.Fatalf("failed sharded run %+v", got)
	}
	time.Sleep(200 * time.Millisecond)
	if calls.get("1") != 1 || calls.get("merge") != 0 || count(t, s, `SELECT COUNT(*) FROM results`) != 0 {
		t.Fatalf("calls %v after a shard failed", calls.n)
	}
}

// Ensure cancelling a sharded run cancels its shard jobs, queued or
// running, and stores nothing more.
func testShardedCancel(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	queued, err := s.CreateRun(ctx(t), newShardedRun(sc.ID, 3))
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CancelRun(ctx(t), queued.ID)
	if err != nil || c.Status != store.StatusCanceled {
		t.Fatalf("cancel: %+v %v", c, err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM river_job j JOIN run_shards s ON s.job_id = j.id
		WHERE s.run_id = $1 AND j.state = 'cancelled'`, queued.ID); n != 3 {
		t.Fatalf("%d of 3 shard jobs cancelled", n)
	}

	started := make(chan int, 3)
	var calls counter
	if err := s.Work(ctx(t), shardWork(func(ctx context.Context, run *store.Run, v *store.Scenario, i int) ([]byte, error) {
		calls.add(run.ID)
		if i == 0 {
			return shardBytes(run.ID, i), nil
		}
		started <- i
		<-ctx.Done()
		return shardBytes(run.ID, i), nil // late: must be dropped
	}, calls.joinMerger())); err != nil {
		t.Fatal(err)
	}
	r, err := s.CreateRun(ctx(t), newShardedRun(sc.ID, 3))
	if err != nil {
		t.Fatal(err)
	}
	receive(t, started)
	if _, err := s.CancelRun(ctx(t), r.ID); err != nil {
		t.Fatal(err)
	}
	got := waitStatus(t, s, r.ID, store.StatusCanceled)
	deadline := time.Now().Add(60 * time.Second)
	for count(t, s, `SELECT COUNT(*) FROM river_job j JOIN run_shards s ON s.job_id = j.id
		WHERE s.run_id = $1 AND j.state IN ('available', 'running', 'retryable', 'scheduled')`, r.ID) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("shard jobs still live 60 s after the cancel")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got.Result != nil || calls.get("merge") != 0 || count(t, s, `SELECT COUNT(*) FROM results`) != 0 {
		t.Fatalf("cancelled sharded run %+v stored a result", got)
	}
	if calls.get(queued.ID) != 0 {
		t.Fatal("a shard of the run cancelled while queued was computed")
	}
	if n := count(t, s, `SELECT COUNT(*) FROM run_shards WHERE run_id = $1 AND shard > 0 AND result IS NOT NULL`, r.ID); n != 0 {
		t.Fatalf("%d shards stored after the cancel", n)
	}
}

// Ensure a job whose worker died on its last attempt (the process killed
// mid-run, five times over) fails its run instead of leaving it running
// for ever: River's rescuer takes the job back, and the attempt it gets
// past the last one fails the run, naming the cause; a sharded run's
// other shards are cancelled and nothing is merged. The kills are staged
// by marking the jobs as running since an hour ago on their last attempt,
// as a killed worker leaves them (three hours ago: past the
// long-run timeout too, which the shards have).
func testWorkGivesUp(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	db, ok := s.(sqlDB)
	if !ok {
		t.Skip("store gives no SQL access")
	}
	sc := mustCreate(t, s, "s")
	plain, err := s.CreateRun(ctx(t), newRun(sc.ID))
	if err != nil {
		t.Fatal(err)
	}
	sharded, err := s.CreateRun(ctx(t), newShardedRun(sc.ID, 2))
	if err != nil {
		t.Fatal(err)
	}
	hourAgo := time.Now().Add(-3 * time.Hour).UTC()
	var lastAttempt int
	if err := db.SQL().QueryRowContext(ctx(t), `SELECT MIN(max_attempts) - 1 FROM river_job`).Scan(&lastAttempt); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().ExecContext(ctx(t), `UPDATE runs SET status = 'running', attempts = $2, started_at = $3 WHERE id = $1`,
		plain.ID, lastAttempt, hourAgo); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().ExecContext(ctx(t), `UPDATE river_job SET state = 'running', attempt = $1, attempted_at = $2
		WHERE id IN (SELECT job_id FROM runs WHERE id = $3) OR id IN (SELECT job_id FROM run_shards WHERE run_id = $4 AND shard = 1)`,
		lastAttempt, hourAgo, plain.ID, sharded.ID); err != nil {
		t.Fatal(err)
	}
	var calls counter
	cfg := shardWork(func(ctx context.Context, run *store.Run, v *store.Scenario, i int) ([]byte, error) {
		calls.add(fmt.Sprint(i))
		return shardBytes(run.ID, i), nil
	}, calls.joinMerger())
	cfg.Execute = func(ctx context.Context, run *store.Run, v *store.Scenario) ([]byte, error) {
		calls.add("plain")
		return []byte("{}"), nil
	}
	if err := s.Work(ctx(t), cfg); err != nil {
		t.Fatal(err)
	}
	// River's rescuer looks for stuck jobs every 30 s or so, on the
	// leader: allow it a few rounds.
	deadline := time.Now().Add(150 * time.Second)
	for _, c := range []struct{ id, prefix string }{{plain.ID, ""}, {sharded.ID, "shard 1: "}} {
		var got *store.Run
		for {
			if got, err = s.FindRun(ctx(t), c.id); err != nil {
				t.Fatal(err)
			}
			if got.Status != store.StatusRunning || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if want := c.prefix + "gave up after"; got.Status != store.StatusFailed || !strings.HasPrefix(got.Error, want) || got.Result != nil {
			t.Errorf("run %s: status %s, error %q; want failed with %q…", c.id, got.Status, got.Error, want)
		}
	}
	time.Sleep(200 * time.Millisecond)
	if calls.get("plain") != 0 || calls.get("1") != 0 || calls.get("merge") != 0 {
		t.Errorf("the interrupted work was run again: %v", calls.n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM results`); n != 0 {
		t.Errorf("%d results stored", n)
	}
}

// Ensure that shard jobs delivered more than once (River delivers at
// least once) and worked at the same time by two servers on one database
// still store each shard once, count each once and merge once: runs of k
// shards, every shard job duplicated, 8 workers in each of two stores.
func testShardedDuplicates(t *testing.T, open func() store.Store) {
	const runs, k, dups = 6, 8, 1
	s1 := MustOpen(t, open)
	s2 := MustOpen(t, open)
	sc := mustCreate(t, s1, "s")
	var ids []string
	for range runs {
		r, err := s1.CreateRun(ctx(t), newShardedRun(sc.ID, k))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	sq, ok := s1.(sqlDB)
	if !ok {
		t.Skip("store gives no SQL access")
	}
	db := sq.SQL()
	for range dups {
		if _, err := db.ExecContext(ctx(t), `INSERT INTO river_job (args, kind, max_attempts, queue, priority, metadata, tags, state, scheduled_at)
			SELECT args, kind, max_attempts, queue, priority, metadata, tags, state, scheduled_at FROM river_job WHERE kind = 'parley.shard' AND id IN (SELECT job_id FROM run_shards)`); err != nil {
			t.Fatal(err)
		}
	}
	var calls counter
	shard := func(ctx context.Context, run *store.Run, v *store.Scenario, i int) ([]byte, error) {
		calls.add(fmt.Sprint(run.ID, "/", i))
		time.Sleep(time.Duration(rand.IntN(3)) * time.Millisecond)
		return shardBytes(run.ID, i), nil
	}
	merge := func(ctx context.Context, run *store.Run, v *store.Scenario, parts [][]byte) ([]byte, error) {
		calls.add(run.ID + "/merge")
		return joinShards(parts), nil
	}
	for _, s := range []store.Store{s1, s2} {
		cfg := shardWork(shard, merge)
		cfg.Workers = 8
		cfg.PollInterval = 5 * time.Millisecond
		if err := s.Work(ctx(t), cfg); err != nil {
			t.Fatal(err)
		}
	}
	dupComputed := 0
	for _, id := range ids {
		got := waitStatus(t, s1, id, store.StatusDone)
		if string(got.Result) != wantJoined(id, k) || got.ShardsDone != k {
			t.Fatalf("run %s: %+v", id, got)
		}
		for i := range k {
			if c := calls.get(fmt.Sprint(id, "/", i)); c > 1 {
				dupComputed++
			}
		}
	}
	time.Sleep(500 * time.Millisecond)
	for _, id := range ids {
		if m := calls.get(id + "/merge"); m != 1 {
			t.Errorf("run %s merged %d times", id, m)
		}
		if n := count(t, s1, `SELECT COUNT(*) FROM results WHERE run_id = $1`, id); n != 1 {
			t.Errorf("run %s: %d results", id, n)
		}
		if n := count(t, s1, `SELECT COUNT(*) FROM river_job WHERE kind = 'parley.merge' AND CAST(args AS TEXT) LIKE '%' || $1 || '%'`, id); n != 1 {
			t.Errorf("run %s: %d merge jobs", id, n)
		}
	}
	t.Logf("%d shards computed more than once (raced duplicates)", dupComputed)
	for _, id := range ids {
		for i := range k {
			if n := count(t, s1, `SELECT COUNT(*) FROM run_shards WHERE run_id = $1 AND shard = $2 AND result = $3`,
				id, i, string(shardBytes(id, i))); n != 1 {
				t.Errorf("run %s shard %d stored %d times", id, i, n)
			}
		}
	}
}

// Ensure a shard that fails for good while the others are running stops
// them: their contexts end and nothing of theirs is stored or merged.
func testShardedFailStopsOthers(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	started := make(chan int, 3)
	stopped := make(chan int, 3)
	var calls counter
	cfg := shardWork(func(ctx context.Context, run *store.Run, v *store.Scenario, i int) ([]byte, error) {
		calls.add(fmt.Sprint(i))
		if i == 1 {
			for range 2 {
				<-started
			}
			return nil, parley.Errorf(parley.EINVALID, "no draws")
		}
		started <- i
		<-ctx.Done()
		stopped <- i
		return shardBytes(run.ID, i), nil
	}, calls.joinMerger())
	cfg.Workers = 3
	if err := s.Work(ctx(t), cfg); err != nil {
		t.Fatal(err)
	}
	r, err := s.CreateRun(ctx(t), newShardedRun(sc.ID, 3))
	if err != nil {
		t.Fatal(err)
	}
	got := waitStatus(t, s, r.ID, store.StatusFailed)
	receive(t, stopped)
	receive(t, stopped)
	time.Sleep(300 * time.Millisecond)
	if n := count(t, s, `SELECT COUNT(*) FROM run_shards WHERE run_id = $1 AND result IS NOT NULL`, r.ID); n != 0 || calls.get("merge") != 0 {
		t.Fatalf("%d shards stored after failure, %+v", n, got)
	}
	if got.Error != "shard 1: no draws" {
		t.Fatalf("failed with %q", got.Error)
	}
}

// Ensure cancelling a sharded run while its merge runs stops the merge,
// stores nothing and leaves no live merge job.
func testShardedCancelDuringMerge(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	inMerge := make(chan struct{}, 1)
	var calls counter
	cfg := shardWork(func(ctx context.Context, run *store.Run, v *store.Scenario, i int) ([]byte, error) {
		return shardBytes(run.ID, i), nil
	}, func(ctx context.Context, run *store.Run, v *store.Scenario, parts [][]byte) ([]byte, error) {
		calls.add("merge")
		inMerge <- struct{}{}
		<-ctx.Done()
		calls.add("merge-ctx-done")
		return joinShards(parts), nil // late
	})
	if err := s.Work(ctx(t), cfg); err != nil {
		t.Fatal(err)
	}
	r, err := s.CreateRun(ctx(t), newShardedRun(sc.ID, 3))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-inMerge:
	case <-time.After(30 * time.Second):
		t.Fatal("no merge")
	}
	if _, err := s.CancelRun(ctx(t), r.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for calls.get("merge-ctx-done") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("merge not told to stop in 30 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	got, _ := s.FindRun(ctx(t), r.ID)
	if got.Status != store.StatusCanceled || got.Result != nil || count(t, s, `SELECT COUNT(*) FROM results`) != 0 || calls.get("merge") != 1 {
		t.Fatalf("after cancel during merge: %+v merges %d", got, calls.get("merge"))
	}
	if n := count(t, s, `SELECT COUNT(*) FROM river_job WHERE kind = 'parley.merge' AND state IN ('available','running','retryable','scheduled')`); n != 0 {
		t.Fatalf("%d live merge jobs", n)
	}
}
