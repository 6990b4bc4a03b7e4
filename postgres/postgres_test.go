package postgres_test

import (
	"context"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/internal/pgtest"
	"github.com/parley-forecast/parley/postgres"
	"github.com/parley-forecast/parley/store"
	"github.com/parley-forecast/parley/store/storetest"
)

// MustOpen opens and migrates the database at dsn.
func MustOpen(t *testing.T, dsn string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), dsn, nil)
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
		dsn := pgtest.Fresh(t)
		return func() store.Store { return MustOpen(t, dsn) }
	})
}

// Ensure migrating twice, and from two processes at once, is harmless.
func TestMigrateConcurrently(t *testing.T) {
	dsn := pgtest.Fresh(t)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			db, err := postgres.Open(context.Background(), dsn, nil)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close(context.Background())
			errs <- db.Migrate(context.Background())
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	db := MustOpen(t, dsn)
	db.Close(context.Background())
}

// Ensure a bad URL is refused without echoing its password.
func TestOpenErrors(t *testing.T) {
	_, err := postgres.Open(context.Background(), "mysql://x", nil)
	if parley.ErrorCode(err) != parley.EINVALID {
		t.Fatalf("mysql URL: %v", err)
	}
	_, err = postgres.Open(context.Background(), "postgres://u:s3cret@[bad/db", nil)
	if err == nil || parley.ErrorCode(err) != parley.EINVALID || contains(err.Error(), "s3cret") {
		t.Fatalf("bad URL: %v", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
