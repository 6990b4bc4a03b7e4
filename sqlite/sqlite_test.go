package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/sqlite"
	"github.com/parley-forecast/parley/store"
	"github.com/parley-forecast/parley/store/storetest"
)

// MustOpen opens and migrates the database at path, closing it when the
// test ends.
func MustOpen(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		db.Close(context.Background())
		t.Fatal(err)
	}
	return db
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) func() store.Store {
		path := filepath.Join(t.TempDir(), "parley.db")
		return func() store.Store { return MustOpen(t, path) }
	})
}

// Ensure every connection runs in WAL mode with a busy timeout and foreign
// keys on.
func TestPragmas(t *testing.T) {
	db := MustOpen(t, filepath.Join(t.TempDir(), "p.db"))
	defer db.Close(context.Background())
	for pragma, want := range map[string]string{"journal_mode": "wal", "busy_timeout": "10000", "foreign_keys": "1"} {
		var got string
		if err := db.SQL().QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
	// Foreign keys are enforced: a version of a scenario that does not
	// exist is refused.
	_, err := db.SQL().Exec(`INSERT INTO scenario_versions (scenario_id, version, title, author, saved_at, format, source, canonical)
		VALUES ('nope', 1, 't', 'a', '2026-01-01', 'json', '{}', '{}')`)
	if err == nil {
		t.Error("foreign key not enforced")
	}
}

// Ensure migrating twice is harmless (parley serve migrates at every
// start).
func TestMigrateTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	MustOpen(t, path).Close(context.Background())
	db := MustOpen(t, path)
	defer db.Close(context.Background())
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestDSN(t *testing.T) {
	dsn, err := sqlite.DSN("/tmp/x y.db")
	if err != nil || dsn != "file:/tmp/x y.db?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_time_format=sqlite" {
		t.Fatalf("DSN = %q, %v", dsn, err)
	}
	for _, bad := range []string{"", "a.db?mode=memory", "a#b"} {
		if _, err := sqlite.DSN(bad); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("DSN(%q): %v, want EINVALID", bad, err)
		}
	}
}
