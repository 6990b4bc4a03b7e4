// Package pgtest gives tests their own PostgreSQL database on the server
// TEST_PG_DSN points to (.ci/postgres.sh starts one and prints its DSN).
// It is imported by tests only.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Fresh creates an empty database for one test (the DSN's role needs
// CREATEDB), drops it when the test ends, and returns its URL. It skips
// the test when TEST_PG_DSN is unset.
func Fresh(t testing.TB) string {
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
	t.Cleanup(func() { drop(t, dsn, name) })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// drop drops a test database. FORCE ends our own connections but may not
// end an autovacuum worker's (a superuser's), so it retries for a while,
// and a database left behind is only logged.
func drop(t testing.TB, dsn, name string) {
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
