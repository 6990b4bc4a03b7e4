package main

import (
	"context"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/parley-forecast/parley/postgres"
	"github.com/parley-forecast/parley/sqlite"
	"github.com/parley-forecast/parley/store"
	"github.com/spf13/cobra"
)

// database is a store that can also migrate itself; both adapters are.
type database interface {
	store.Store
	Migrate(ctx context.Context) error
}

const dbFlagDoc = `database: a SQLite file (default ./parley.db) or a postgres:// URL;
defaults to $PARLEY_DB, which keeps a password out of the process list`

// addDBFlag adds --db to cmd.
func addDBFlag(cmd *cobra.Command, dsn *string) {
	cmd.Flags().StringVar(dsn, "db", "", dbFlagDoc)
}

// resolveDB applies the defaults: $PARLEY_DB, then ./parley.db.
func resolveDB(dsn string) string {
	if dsn == "" {
		dsn = os.Getenv("PARLEY_DB")
	}
	if dsn == "" {
		dsn = sqlite.DefaultPath
	}
	return dsn
}

// describeDB names the database for messages, without any password.
func describeDB(dsn string) string {
	if !postgres.IsURL(dsn) {
		return "SQLite " + strings.TrimPrefix(dsn, "sqlite:")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "PostgreSQL"
	}
	u.User = nil
	u.RawQuery = ""
	return "PostgreSQL " + u.String()
}

// openDB opens the database dsn names and brings its schema up to date.
func openDB(ctx context.Context, dsn string, log *slog.Logger) (database, error) {
	var (
		db  database
		err error
	)
	if postgres.IsURL(dsn) {
		db, err = postgres.Open(ctx, dsn, log)
	} else {
		db, err = sqlite.Open(ctx, strings.TrimPrefix(dsn, "sqlite:"), log)
	}
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close(context.Background())
		return nil, err
	}
	return db, nil
}
