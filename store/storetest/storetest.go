// Package storetest is the contract every store.Store must meet. Each
// adapter's tests call Run with a function that makes a fresh, migrated,
// empty database; the same tests then run against SQLite and PostgreSQL.
package storetest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/store"
)

// Fresh makes a new empty database for one test and returns a function
// that opens it, migrated; the function may be called again after Close to
// reopen the same database (as a restarted server would).
type Fresh func(t *testing.T) (open func() store.Store)

// Run runs the contract against the databases fresh makes.
func Run(t *testing.T, fresh Fresh) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func() store.Store)
	}{
		{"ScenarioCreateFind", testScenarioCreateFind},
		{"ScenarioVersionsAreImmutable", testScenarioVersions},
		{"ScenarioConcurrentSaves", testScenarioConcurrentSaves},
		{"ScenarioNotFound", testScenarioNotFound},
		{"ScenarioDelete", testScenarioDelete},
		{"ScenarioInvalid", testScenarioInvalid},
		{"ScenarioPages", testScenarioPages},
		{"RunCreate", testRunCreate},
		{"RunAndJobInOneTransaction", testRunJobTransaction},
		{"RunPages", testRunPages},
		{"RunCancelQueued", testRunCancelQueued},
		{"WorkDone", testWorkDone},
		{"WorkFailed", testWorkFailed},
		{"WorkCancelRunning", testWorkCancelRunning},
		{"WorkTimeout", testWorkTimeout},
		{"WorkRetriesTransientErrors", testWorkRetries},
		{"WorkResumesAfterRestart", testWorkResumes},
		{"WorkDeletedScenario", testWorkDeletedScenario},
		{"ShardedCreate", testShardedCreate},
		{"ShardedWork", testShardedWork},
		{"ShardedResumesAfterRestart", testShardedResumes},
		{"ShardedFails", testShardedFails},
		{"ShardedCancel", testShardedCancel},
		{"ShardedDuplicateDeliveries", testShardedDuplicates},
		{"ShardedFailStopsOthers", testShardedFailStopsOthers},
		{"ShardedCancelDuringMerge", testShardedCancelDuringMerge},
		{"WorkGivesUpAfterLastAttemptKilled", testWorkGivesUp},
		{"Tokens", testTokens},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			tc.fn(t, open)
		})
	}
}

// MustOpen opens a store and closes it when the test ends.
func MustOpen(t *testing.T, open func() store.Store) store.Store {
	t.Helper()
	s := open()
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func ctx(t *testing.T) context.Context { return t.Context() }

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := parley.ErrorCode(err); got != code {
		t.Fatalf("error %v: got code %q, want %q", err, got, code)
	}
}

func newScenario(title, author string) *store.NewScenario {
	return &store.NewScenario{
		Title:     title,
		Author:    author,
		Format:    "yaml",
		Source:    []byte("# a comment kept verbatim\ntitle: " + title + "\n"),
		Canonical: []byte(`{"title":"` + title + `","actors":[],"issues":[],"stances":[]}`),
	}
}

func mustCreate(t *testing.T, s store.Store, title string) *store.Scenario {
	t.Helper()
	sc, err := s.CreateScenario(ctx(t), newScenario(title, "alice"))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func sameScenario(t *testing.T, got, want *store.Scenario, bodies bool) {
	t.Helper()
	if got.ID != want.ID || got.Version != want.Version || got.Title != want.Title || got.Author != want.Author ||
		got.Format != want.Format || !got.CreatedAt.Equal(want.CreatedAt) || !got.SavedAt.Equal(want.SavedAt) {
		t.Fatalf("got scenario %+v,\nwant %+v", got, want)
	}
	if bodies && (!bytes.Equal(got.Source, want.Source) || !bytes.Equal(got.Canonical, want.Canonical)) {
		t.Fatalf("bodies: got %q / %q, want %q / %q", got.Source, got.Canonical, want.Source, want.Canonical)
	}
	if !bodies && (got.Source != nil || got.Canonical != nil) {
		t.Fatalf("listing carries bodies: %q / %q", got.Source, got.Canonical)
	}
}

// Ensure a saved scenario comes back exactly as saved.
func testScenarioCreateFind(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	before := time.Now().Add(-time.Second)
	sc := mustCreate(t, s, "Iran deal")
	if sc.Version != 1 || sc.Latest != 1 || sc.ID == "" || sc.CreatedAt.Before(before) || !sc.CreatedAt.Equal(sc.SavedAt) {
		t.Fatalf("created %+v", sc)
	}
	got, err := s.FindScenario(ctx(t), sc.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameScenario(t, got, sc, true)
	got, err = s.FindScenario(ctx(t), sc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	sameScenario(t, got, sc, true)
}

// Ensure each save is a new version and earlier versions never change.
func testScenarioVersions(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	v1 := mustCreate(t, s, "first")
	time.Sleep(2 * time.Millisecond)
	ns := newScenario("second", "bob")
	ns.Format = "json"
	ns.Source = []byte(`{"title": "second"}`)
	v2, err := s.UpdateScenario(ctx(t), v1.ID, ns)
	if err != nil {
		t.Fatal(err)
	}
	if v2.ID != v1.ID || v2.Version != 2 || v2.Latest != 2 || v2.Author != "bob" || !v2.CreatedAt.Equal(v1.CreatedAt) || !v2.SavedAt.After(v1.SavedAt) {
		t.Fatalf("v1 %+v\nv2 %+v", v1, v2)
	}
	got1, err := s.FindScenario(ctx(t), v1.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	v1.Latest = 2
	if got1.Latest != 2 {
		t.Fatalf("latest of version 1 = %d, want 2", got1.Latest)
	}
	sameScenario(t, got1, v1, true)
	latest, err := s.FindScenario(ctx(t), v1.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameScenario(t, latest, v2, true)

	vs, next, err := s.FindScenarioVersions(ctx(t), v1.ID, store.Page{Limit: 1})
	if err != nil || len(vs) != 1 || vs[0].Version != 2 || next == "" {
		t.Fatalf("first page of versions: %v %q %v", vs, next, err)
	}
	vs, next, err = s.FindScenarioVersions(ctx(t), v1.ID, store.Page{Limit: 1, Cursor: next})
	if err != nil || len(vs) != 1 || vs[0].Version != 1 || vs[0].Author != "alice" || next != "" {
		t.Fatalf("second page of versions: %v %q %v", vs, next, err)
	}
	sameScenario(t, vs[0], v1, false)
	_, err = s.FindScenario(ctx(t), v1.ID, 3)
	wantCode(t, err, parley.ENOTFOUND)
	_, err = s.FindScenario(ctx(t), v1.ID, -1)
	wantCode(t, err, parley.EINVALID)
}

// Ensure concurrent saves of one scenario get distinct consecutive
// versions and none is lost.
func testScenarioConcurrentSaves(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "v1")
	const n = 12
	var wg sync.WaitGroup
	versions := make([]int, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := s.UpdateScenario(ctx(t), sc.ID, newScenario(fmt.Sprintf("save %d", i), "alice"))
			if err == nil {
				versions[i] = v.Version
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	slices.Sort(versions)
	for i, v := range versions {
		if v != i+2 {
			t.Fatalf("versions %v, want 2..%d", versions, n+1)
		}
	}
	for _, v := range versions {
		got, err := s.FindScenario(ctx(t), sc.ID, v)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title == "v1" {
			t.Fatalf("version %d holds version 1's title", v)
		}
	}
}

// Ensure unknown ids, including strings shaped like paths, are not found.
func testScenarioNotFound(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	mustCreate(t, s, "there")
	for _, id := range []string{"", "aaaaaaaaaaaaaaaa", "../../etc/passwd", "x' OR '1'='1", "AAAAAAAAAAAAAAAA", "%2e%2e"} {
		_, err := s.FindScenario(ctx(t), id, 0)
		wantCode(t, err, parley.ENOTFOUND)
		_, err = s.UpdateScenario(ctx(t), id, newScenario("t", "alice"))
		wantCode(t, err, parley.ENOTFOUND)
		wantCode(t, s.DeleteScenario(ctx(t), id), parley.ENOTFOUND)
		_, _, err = s.FindScenarioVersions(ctx(t), id, store.Page{})
		wantCode(t, err, parley.ENOTFOUND)
		_, err = s.FindRun(ctx(t), id)
		wantCode(t, err, parley.ENOTFOUND)
		_, err = s.CancelRun(ctx(t), id)
		wantCode(t, err, parley.ENOTFOUND)
		_, err = s.CreateRun(ctx(t), &store.NewRun{ScenarioID: id, Kind: "model", Model: "median", Request: []byte(`{}`), Author: "alice"})
		wantCode(t, err, parley.ENOTFOUND)
	}
}

// Ensure a deleted scenario disappears from finds, lists, saves and new
// runs, while its runs stay readable.
func testScenarioDelete(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	keep := mustCreate(t, s, "keep")
	gone := mustCreate(t, s, "gone")
	run, err := s.CreateRun(ctx(t), newRun(gone.ID))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteScenario(ctx(t), gone.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.DeleteScenario(ctx(t), gone.ID), parley.ENOTFOUND)
	_, err = s.FindScenario(ctx(t), gone.ID, 0)
	wantCode(t, err, parley.ENOTFOUND)
	_, err = s.FindScenario(ctx(t), gone.ID, 1)
	wantCode(t, err, parley.ENOTFOUND)
	_, err = s.UpdateScenario(ctx(t), gone.ID, newScenario("again", "alice"))
	wantCode(t, err, parley.ENOTFOUND)
	_, err = s.CreateRun(ctx(t), newRun(gone.ID))
	wantCode(t, err, parley.ENOTFOUND)
	list, _, err := s.FindScenarios(ctx(t), store.Page{})
	if err != nil || len(list) != 1 || list[0].ID != keep.ID {
		t.Fatalf("list after delete: %v %v", list, err)
	}
	if _, err := s.FindRun(ctx(t), run.ID); err != nil {
		t.Fatalf("run of a deleted scenario: %v", err)
	}
}

// Ensure malformed saves are refused.
func testScenarioInvalid(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	for _, ns := range []*store.NewScenario{
		nil,
		{Title: "t", Author: "a", Format: "xml", Source: []byte("x"), Canonical: []byte("{}")},
		{Title: "t", Author: "a", Format: "json", Source: []byte("x")},
		{Title: "t", Author: " ", Format: "json", Source: []byte("x"), Canonical: []byte("{}")},
	} {
		_, err := s.CreateScenario(ctx(t), ns)
		wantCode(t, err, parley.EINVALID)
	}
}

// Ensure listing pages through every scenario once, newest first.
func testScenarioPages(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	var ids []string
	for i := range 7 {
		ids = append(ids, mustCreate(t, s, fmt.Sprintf("s%d", i)).ID)
	}
	// A new version does not move a scenario in the list, and the list
	// shows the latest version.
	if _, err := s.UpdateScenario(ctx(t), ids[0], newScenario("s0 v2", "bob")); err != nil {
		t.Fatal(err)
	}
	slices.Reverse(ids)
	var got []string
	cursor := ""
	pages := 0
	for {
		page, next, err := s.FindScenarios(ctx(t), store.Page{Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, sc := range page {
			got = append(got, sc.ID)
			if sc.Source != nil || sc.Canonical != nil {
				t.Fatal("listing carries bodies")
			}
			if sc.ID == ids[6] && (sc.Version != 2 || sc.Title != "s0 v2") {
				t.Fatalf("listed %+v, want version 2", sc)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if !slices.Equal(got, ids) || pages != 3 {
		t.Fatalf("paged %v in %d pages, want %v in 3", got, pages, ids)
	}
	all, next, err := s.FindScenarios(ctx(t), store.Page{Limit: 7})
	if err != nil || len(all) != 7 || next != "" {
		t.Fatalf("exact page: %d items, next %q, %v", len(all), next, err)
	}
	huge, _, err := s.FindScenarios(ctx(t), store.Page{Limit: math.MaxInt32})
	if err != nil || len(huge) != 7 {
		t.Fatalf("huge limit: %d %v", len(huge), err)
	}
	for _, c := range []string{"x", "!!", "MA", "LTE"} {
		_, _, err = s.FindScenarios(ctx(t), store.Page{Cursor: c})
		wantCode(t, err, parley.EINVALID)
	}
	_, _, err = s.FindScenarios(ctx(t), store.Page{Limit: -1})
	wantCode(t, err, parley.EINVALID)
}

func newRun(scenario string) *store.NewRun {
	return &store.NewRun{ScenarioID: scenario, Kind: "model", Model: "median", Request: []byte(`{"model":"median"}`), Author: "alice"}
}

// Ensure a run is recorded queued with everything it was asked with.
func testRunCreate(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	if _, err := s.UpdateScenario(ctx(t), sc.ID, newScenario("s2", "bob")); err != nil {
		t.Fatal(err)
	}
	nr := newRun(sc.ID)
	nr.Seed = math.MaxUint64
	nr.Request = []byte(`{"model": "median", "seed": 18446744073709551615}`)
	r, err := s.CreateRun(ctx(t), nr)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.StatusQueued || r.ScenarioVersion != 2 || r.ParleyVersion != parley.Version || r.Attempts != 0 {
		t.Fatalf("created %+v", r)
	}
	got, err := s.FindRun(ctx(t), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != r.ID || got.Seed != math.MaxUint64 || got.ScenarioVersion != 2 || got.Kind != "model" || got.Model != "median" ||
		!bytes.Equal(got.Request, nr.Request) || got.Author != "alice" || got.Status != store.StatusQueued ||
		!got.CreatedAt.Equal(r.CreatedAt) || got.StartedAt != nil || got.FinishedAt != nil || got.Result != nil {
		t.Fatalf("found %+v\nwant %+v", got, r)
	}
	nr.ScenarioVersion = 1
	r1, err := s.CreateRun(ctx(t), nr)
	if err != nil || r1.ScenarioVersion != 1 {
		t.Fatalf("run on version 1: %+v %v", r1, err)
	}
	nr.ScenarioVersion = 3
	_, err = s.CreateRun(ctx(t), nr)
	wantCode(t, err, parley.ENOTFOUND)
	for _, bad := range []*store.NewRun{
		nil,
		{ScenarioID: sc.ID, Model: "m", Request: []byte("{}"), Author: "a"},
		{ScenarioID: sc.ID, Kind: "model", Model: "m", Author: "a"},
		{ScenarioID: sc.ID, Kind: "model", Model: "m", Request: []byte("{}")},
		{ScenarioID: sc.ID, ScenarioVersion: -1, Kind: "model", Model: "m", Request: []byte("{}"), Author: "a"},
	} {
		_, err := s.CreateRun(ctx(t), bad)
		wantCode(t, err, parley.EINVALID)
	}
}

// sqlDB gives the contract raw access for checks the interface cannot
// express; adapters on database/sql provide it.
type sqlDB interface{ SQL() *sql.DB }

func count(t *testing.T, s store.Store, query string, args ...any) int {
	t.Helper()
	db, ok := s.(sqlDB)
	if !ok {
		t.Skip("store gives no SQL access")
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx(t), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Ensure a run and its job are written together or not at all.
func testRunJobTransaction(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	bad := newRun(sc.ID)
	bad.ScenarioVersion = 9
	if _, err := s.CreateRun(ctx(t), bad); err == nil {
		t.Fatal("run on a missing version accepted")
	}
	if n := count(t, s, `SELECT COUNT(*) FROM river_job`); n != 0 {
		t.Fatalf("%d jobs after a refused run, want 0", n)
	}
	var ids []string
	for range 3 {
		r, err := s.CreateRun(ctx(t), newRun(sc.ID))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM river_job`); n != 3 {
		t.Fatalf("%d jobs after 3 runs, want 3", n)
	}
	for _, id := range ids {
		if n := count(t, s, `SELECT COUNT(*) FROM runs r JOIN river_job j ON j.id = r.job_id WHERE r.id = $1`, id); n != 1 {
			t.Fatalf("run %s has %d jobs, want 1", id, n)
		}
	}
}

// Ensure runs list newest first, filter by scenario and status, and page.
func testRunPages(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	a := mustCreate(t, s, "a")
	b := mustCreate(t, s, "b")
	var ofA []string
	for i := range 5 {
		r, err := s.CreateRun(ctx(t), newRun(a.ID))
		if err != nil {
			t.Fatal(err)
		}
		ofA = append(ofA, r.ID)
		if i%2 == 0 {
			if _, err := s.CreateRun(ctx(t), newRun(b.ID)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := s.CancelRun(ctx(t), ofA[1]); err != nil {
		t.Fatal(err)
	}
	slices.Reverse(ofA)
	var got []string
	cursor := ""
	for {
		page, next, err := s.FindRuns(ctx(t), store.RunFilter{ScenarioID: a.ID, Page: store.Page{Limit: 2, Cursor: cursor}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			if r.Result != nil {
				t.Fatal("run listing carries results")
			}
			got = append(got, r.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if !slices.Equal(got, ofA) {
		t.Fatalf("runs of a: %v, want %v", got, ofA)
	}
	all, _, err := s.FindRuns(ctx(t), store.RunFilter{})
	if err != nil || len(all) != 8 {
		t.Fatalf("all runs: %d %v", len(all), err)
	}
	canceled, _, err := s.FindRuns(ctx(t), store.RunFilter{Status: store.StatusCanceled})
	if err != nil || len(canceled) != 1 || canceled[0].ID != ofA[3] {
		t.Fatalf("canceled runs: %v %v", canceled, err)
	}
	queuedB, _, err := s.FindRuns(ctx(t), store.RunFilter{ScenarioID: b.ID, Status: store.StatusQueued})
	if err != nil || len(queuedB) != 3 {
		t.Fatalf("queued runs of b: %d %v", len(queuedB), err)
	}
	_, _, err = s.FindRuns(ctx(t), store.RunFilter{Status: "sleeping"})
	wantCode(t, err, parley.EINVALID)
}

// Ensure a queued run can be cancelled once and is then never executed.
func testRunCancelQueued(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	r, err := s.CreateRun(ctx(t), newRun(sc.ID))
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CancelRun(ctx(t), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != store.StatusCanceled || c.FinishedAt == nil {
		t.Fatalf("cancelled run %+v", c)
	}
	_, err = s.CancelRun(ctx(t), r.ID)
	wantCode(t, err, parley.ECONFLICT)
	executed := make(chan string, 10)
	other, err := s.CreateRun(ctx(t), newRun(sc.ID))
	if err != nil {
		t.Fatal(err)
	}
	startWork(t, s, func(ctx context.Context, run *store.Run, _ *store.Scenario) ([]byte, error) {
		executed <- run.ID
		return []byte(`{}`), nil
	})
	waitStatus(t, s, other.ID, store.StatusDone)
	close(executed)
	for id := range executed {
		if id == r.ID {
			t.Fatal("a cancelled run was executed")
		}
	}
	if got, _ := s.FindRun(ctx(t), r.ID); got.Status != store.StatusCanceled || got.Result != nil {
		t.Fatalf("cancelled run became %+v", got)
	}
}

// receive waits up to 60 s for a value from c.
func receive[T any](t *testing.T, c <-chan T) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(60 * time.Second):
		t.Fatal("nothing happened in 60 s")
	}
	panic("unreachable")
}

// testWork is a fast worker configuration for tests.
func testWork(exec store.Executor) store.WorkConfig {
	return store.WorkConfig{Execute: exec, Workers: 2, PollInterval: 20 * time.Millisecond,
		JobTimeout: 10 * time.Second, RescueMargin: time.Second}
}

func startWork(t *testing.T, s store.Store, exec store.Executor) {
	t.Helper()
	if err := s.Work(ctx(t), testWork(exec)); err != nil {
		t.Fatal(err)
	}
}

// waitStatus polls run id until it reaches status (or the test times out
// after 60 s) and returns it.
func waitStatus(t *testing.T, s store.Store, id, status string) *store.Run {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r, err := s.FindRun(ctx(t), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status == status {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s is %s after 60 s, want %s (error %q)", id, r.Status, status, r.Error)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Ensure workers execute runs on the version they name and store each
// result once, byte for byte.
func testWorkDone(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	r1, err := s.CreateRun(ctx(t), newRun(sc.ID))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateScenario(ctx(t), sc.ID, newScenario("later", "bob")); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := map[string]int{}
	startWork(t, s, func(ctx context.Context, run *store.Run, v *store.Scenario) ([]byte, error) {
		mu.Lock()
		calls[run.ID]++
		mu.Unlock()
		if run.Status != store.StatusRunning || run.Attempts != 1 {
			return nil, fmt.Errorf("executor given %+v", run)
		}
		return fmt.Appendf(nil, "{\n  \"run\": %q,\n  \"title\": %q, \"version\": %d\n}\n", run.ID, v.Title, v.Version), nil
	})
	r2, err := s.CreateRun(ctx(t), newRun(sc.ID))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id, title string
		version   int
	}{{r1.ID, "s", 1}, {r2.ID, "later", 2}} {
		got := waitStatus(t, s, c.id, store.StatusDone)
		want := fmt.Sprintf("{\n  \"run\": %q,\n  \"title\": %q, \"version\": %d\n}\n", c.id, c.title, c.version)
		if string(got.Result) != want {
			t.Fatalf("result %q, want %q", got.Result, want)
		}
		if got.Attempts != 1 || got.StartedAt == nil || got.FinishedAt == nil || got.FinishedAt.Before(*got.StartedAt) || got.Error != "" {
			t.Fatalf("done run %+v", got)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM results WHERE run_id = $1`, c.id); n != 1 {
			t.Fatalf("%d results for run %s", n, c.id)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if calls[r1.ID] != 1 || calls[r2.ID] != 1 {
		t.Fatalf("executions %v, want one each", calls)
	}
	_, err = s.CancelRun(ctx(t), r1.ID)
	wantCode(t, err, parley.ECONFLICT)
}

// Ensure rejected input, timeouts and panics fail a run for good, with
// the reason and no result.
func testWorkFailed(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	var mu sync.Mutex
	calls := map[string]int{}
	startWork(t, s, func(ctx context.Context, run *store.Run, v *store.Scenario) ([]byte, error) {
		mu.Lock()
		calls[run.Model]++
		mu.Unlock()
		switch run.Model {
		case "invalid":
			return nil, parley.Errorf(parley.EINVALID, "variant %q not found", "nope")
		case "panic":
			var m map[string]int
			m["x"]++
		}
		return nil, errors.New("unreachable")
	})
	cases := map[string]string{"invalid": `variant "nope" not found`, "panic": "internal error: panic: assignment to entry in nil map"}
	for model, msg := range cases {
		nr := newRun(sc.ID)
		nr.Model = model
		r, err := s.CreateRun(ctx(t), nr)
		if err != nil {
			t.Fatal(err)
		}
		got := waitStatus(t, s, r.ID, store.StatusFailed)
		if got.Error != msg || got.Result != nil || got.FinishedAt == nil {
			t.Fatalf("failed run %+v, want error %q", got, msg)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if calls["invalid"] != 1 || calls["panic"] != 1 {
		t.Fatalf("executions %v: a failed run was retried", calls)
	}
}

// Ensure a run that outlasts its timeout fails, once, with the reason.
func testWorkTimeout(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	var mu sync.Mutex
	calls := 0
	cfg := testWork(func(ctx context.Context, run *store.Run, v *store.Scenario) ([]byte, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		<-ctx.Done()
		return nil, ctx.Err()
	})
	cfg.JobTimeout = 300 * time.Millisecond
	if err := s.Work(ctx(t), cfg); err != nil {
		t.Fatal(err)
	}
	r, err := s.CreateRun(ctx(t), newRun(sc.ID))
	if err != nil {
		t.Fatal(err)
	}
	got := waitStatus(t, s, r.ID, store.StatusFailed)
	if got.Error != "timed out after 300ms" || got.Result != nil || got.Attempts != 1 {
		t.Fatalf("timed-out run %+v", got)
	}
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if calls != 1 {
		t.Fatalf("a timed-out run was executed %d times", calls)
	}
}

// Ensure an unexpected error (a database hiccup, say) is retried, and the
// run then succeeds with one result.
func testWorkRetries(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	var mu sync.Mutex
	calls := 0
	startWork(t, s, func(ctx context.Context, run *store.Run, v *store.Scenario) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			return nil, errors.New("connection reset by peer")
		}
		return []byte(`{"ok":true}`), nil
	})
	r, err := s.CreateRun(ctx(t), newRun(sc.ID))
	if err != nil {
		t.Fatal(err)
	}
	got := waitStatus(t, s, r.ID, store.StatusDone)
	if got.Attempts != 2 || string(got.Result) != `{"ok":true}` {
		t.Fatalf("retried run %+v", got)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM results WHERE run_id = $1`, r.ID); n != 1 {
		t.Fatalf("%d results", n)
	}
}

// Ensure cancelling a running run stops its execution and drops its
// result.
func testWorkCancelRunning(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	started := make(chan struct{})
	stopped := make(chan error, 1)
	startWork(t, s, func(ctx context.Context, run *store.Run, v *store.Scenario) ([]byte, error) {
		close(started)
		<-ctx.Done() // a long analysis, stopped only by cancellation
		stopped <- ctx.Err()
		return []byte(`{"late":true}`), nil
	})
	r, err := s.CreateRun(ctx(t), newRun(sc.ID))
	if err != nil {
		t.Fatal(err)
	}
	receive(t, started)
	waitStatus(t, s, r.ID, store.StatusRunning)
	if _, err := s.CancelRun(ctx(t), r.ID); err != nil {
		t.Fatal(err)
	}
	if err := receive(t, stopped); err == nil {
		t.Fatal("the execution was not told to stop")
	}
	time.Sleep(200 * time.Millisecond)
	got := waitStatus(t, s, r.ID, store.StatusCanceled)
	if got.Result != nil {
		t.Fatalf("cancelled run kept a result: %q", got.Result)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM results`); n != 0 {
		t.Fatalf("%d results stored for a cancelled run", n)
	}
}

// Ensure runs interrupted by a shutdown are finished after a restart, each
// with exactly one result.
func testWorkResumes(t *testing.T, open func() store.Store) {
	s := open()
	sc := mustCreate(t, s, "s")
	var ids []string
	for range 3 {
		r, err := s.CreateRun(ctx(t), newRun(sc.ID))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	started := make(chan string, 3)
	if err := s.Work(ctx(t), testWork(func(ctx context.Context, run *store.Run, v *store.Scenario) ([]byte, error) {
		started <- run.ID
		<-ctx.Done() // never finishes on its own
		return nil, ctx.Err()
	})); err != nil {
		t.Fatal(err)
	}
	receive(t, started)
	// Stop at once: the running jobs are cancelled mid-way.
	stopped, cancel := context.WithCancel(ctx(t))
	cancel()
	_ = s.Close(stopped)

	s = MustOpen(t, open)
	var mu sync.Mutex
	calls := map[string]int{}
	startWork(t, s, func(ctx context.Context, run *store.Run, v *store.Scenario) ([]byte, error) {
		mu.Lock()
		calls[run.ID]++
		mu.Unlock()
		return fmt.Appendf(nil, `{"run":%q}`, run.ID), nil
	})
	for _, id := range ids {
		got := waitStatus(t, s, id, store.StatusDone)
		if string(got.Result) != fmt.Sprintf(`{"run":%q}`, id) {
			t.Fatalf("result %q", got.Result)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM results WHERE run_id = $1`, id); n != 1 {
			t.Fatalf("%d results for run %s", n, id)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, id := range ids {
		if calls[id] != 1 {
			t.Fatalf("after restart run %s executed %d times, want 1", id, calls[id])
		}
	}
}

// Ensure a run still executes if its scenario is deleted after it was
// queued: versions are immutable and kept.
func testWorkDeletedScenario(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	sc := mustCreate(t, s, "s")
	r, err := s.CreateRun(ctx(t), newRun(sc.ID))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteScenario(ctx(t), sc.ID); err != nil {
		t.Fatal(err)
	}
	startWork(t, s, func(ctx context.Context, run *store.Run, v *store.Scenario) ([]byte, error) {
		return []byte(`"` + v.Title + `"`), nil
	})
	if got := waitStatus(t, s, r.ID, store.StatusDone); string(got.Result) != `"s"` {
		t.Fatalf("result %q", got.Result)
	}
}

// Ensure tokens authenticate until revoked and their secrets are not
// stored.
func testTokens(t *testing.T, open func() store.Store) {
	s := MustOpen(t, open)
	alice, secret, err := s.CreateToken(ctx(t), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) < 40 || alice.Name != "alice" || alice.ID == "" || alice.RevokedAt != nil {
		t.Fatalf("token %+v secret %q", alice, secret)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM tokens WHERE hash = $1 OR id = $1 OR name = $1`, secret); n != 0 {
		t.Fatal("the secret is stored in clear")
	}
	got, err := s.Authenticate(ctx(t), secret)
	if err != nil || got.ID != alice.ID || got.Name != "alice" {
		t.Fatalf("authenticate: %+v %v", got, err)
	}
	for _, bad := range []string{"", "parley_", secret[:len(secret)-1], secret + "x", "Bearer " + secret} {
		_, err := s.Authenticate(ctx(t), bad)
		wantCode(t, err, parley.EUNAUTHORIZED)
	}
	_, _, err = s.CreateToken(ctx(t), "alice")
	wantCode(t, err, parley.ECONFLICT)
	for _, name := range []string{"", "-x", "a b", "a/b", string(make([]byte, 65))} {
		_, _, err = s.CreateToken(ctx(t), name)
		wantCode(t, err, parley.EINVALID)
	}
	bob, bobSecret, err := s.CreateToken(ctx(t), "bob")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx(t), "alice"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Authenticate(ctx(t), secret)
	wantCode(t, err, parley.EUNAUTHORIZED)
	wantCode(t, s.RevokeToken(ctx(t), "alice"), parley.ENOTFOUND)
	if _, err := s.Authenticate(ctx(t), bobSecret); err != nil {
		t.Fatalf("bob's token stopped working: %v", err)
	}
	alice2, secret2, err := s.CreateToken(ctx(t), "alice")
	if err != nil {
		t.Fatalf("a name is free again once revoked: %v", err)
	}
	if secret2 == secret {
		t.Fatal("secrets repeat")
	}
	if err := s.RevokeToken(ctx(t), bob.ID); err != nil {
		t.Fatal(err)
	}
	toks, err := s.FindTokens(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(toks) != 3 || toks[0].ID != alice.ID || toks[0].RevokedAt == nil || toks[1].ID != bob.ID || toks[1].RevokedAt == nil ||
		toks[2].ID != alice2.ID || toks[2].RevokedAt != nil {
		t.Fatalf("tokens %+v", toks)
	}
}
