package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/postgres"
	"github.com/parley-forecast/parley/store"
	"github.com/parley-forecast/parley/store/storetest"
)

// FreshDatabase creates an empty database for one test on the server that
// TEST_PG_DSN points to (its role needs CREATEDB), drops it when the test
// ends, and returns its URL. It skips the test when TEST_PG_DSN is unset.
func FreshDatabase(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("TEST_PG_DSN")
	if dsn == "" {
		t.Skip("TEST_PG_DSN is not set (see .ci/postgres.sh)")
	}
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("TEST_PG_DSN: %v", err)
	}
	defer admin.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "parley_t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dropDatabase(t, dsn, name) })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// dropDatabase drops a test database. FORCE ends our own connections but
// may not end an autovacuum worker's (a superuser's), so it retries for a
// while, and a database left behind is only logged.
func dropDatabase(t *testing.T, dsn, name string) {
	ctx := context.Background()
	var err error
	for range 20 {
		var c *pgx.Conn
		if c, err = pgx.Connect(ctx, dsn); err == nil {
			_, err = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
		if err == nil {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("test database %s left behind: %v", name, err)
}

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
		dsn := FreshDatabase(t)
		return func() store.Store { return MustOpen(t, dsn) }
	})
}

// Ensure migrating twice, and from two processes at once, is harmless.
func TestMigrateConcurrently(t *testing.T) {
	dsn := FreshDatabase(t)
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
