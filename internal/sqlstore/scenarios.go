package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strings"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/store"
)

func checkNewScenario(s *store.NewScenario) error {
	switch {
	case s == nil:
		return parley.Errorf(parley.EINVALID, "no scenario")
	case s.Format != "yaml" && s.Format != "json":
		return parley.Errorf(parley.EINVALID, "scenario format must be yaml or json, got %q", s.Format)
	case len(s.Canonical) == 0:
		return parley.Errorf(parley.EINVALID, "scenario has no canonical form")
	case strings.TrimSpace(s.Author) == "":
		return parley.Errorf(parley.EINVALID, "scenario version has no author")
	}
	return nil
}

func notFound(what, id string) error {
	return parley.Errorf(parley.ENOTFOUND, "%s %q not found", what, id)
}

// CreateScenario implements store.Store.
func (db *DB) CreateScenario(ctx context.Context, s *store.NewScenario) (*store.Scenario, error) {
	if err := checkNewScenario(s); err != nil {
		return nil, err
	}
	now := db.now()
	out := &store.Scenario{ID: newID(), Version: 1, Latest: 1, Title: s.Title, Author: s.Author,
		CreatedAt: now, SavedAt: now, Format: s.Format, Source: s.Source, Canonical: s.Canonical}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO scenarios (id, latest, created_at) VALUES ($1, 1, $2)`, out.ID, now); err != nil {
			return err
		}
		return insertVersion(ctx, tx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func insertVersion(ctx context.Context, tx *sql.Tx, s *store.Scenario) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO scenario_versions
		(scenario_id, version, title, author, saved_at, format, source, canonical)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		s.ID, s.Version, s.Title, s.Author, s.SavedAt, s.Format, text(s.Source), text(s.Canonical))
	return err
}

// UpdateScenario implements store.Store.
func (db *DB) UpdateScenario(ctx context.Context, id string, s *store.NewScenario) (*store.Scenario, error) {
	if err := checkNewScenario(s); err != nil {
		return nil, err
	}
	if !validID(id) {
		return nil, notFound("scenario", id)
	}
	now := db.now()
	out := &store.Scenario{ID: id, Title: s.Title, Author: s.Author, SavedAt: now,
		Format: s.Format, Source: s.Source, Canonical: s.Canonical}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// The update takes the row lock (PostgreSQL) or the write lock
		// (SQLite) first, so concurrent saves get consecutive versions.
		err := tx.QueryRowContext(ctx, `UPDATE scenarios SET latest = latest + 1
			WHERE id = $1 AND deleted_at IS NULL RETURNING latest, created_at`, id).
			Scan(&out.Version, timeScan{&out.CreatedAt})
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("scenario", id)
		}
		if err != nil {
			return err
		}
		out.Latest = out.Version
		return insertVersion(ctx, tx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindScenario implements store.Store.
func (db *DB) FindScenario(ctx context.Context, id string, version int) (*store.Scenario, error) {
	if !validID(id) {
		return nil, notFound("scenario", id)
	}
	if version < 0 {
		return nil, parley.Errorf(parley.EINVALID, "version must be at least 1, got %d", version)
	}
	s := &store.Scenario{ID: id}
	err := db.readRow(ctx, `SELECT v.version, s.latest, v.title, v.author, s.created_at,
			v.saved_at, v.format, v.source, v.canonical
		FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id
		WHERE s.id = $1 AND s.deleted_at IS NULL
			AND v.version = CASE WHEN $2 = 0 THEN s.latest ELSE $2 END`, id, version).
		Scan(&s.Version, &s.Latest, &s.Title, &s.Author, timeScan{&s.CreatedAt}, timeScan{&s.SavedAt},
			&s.Format, bytesScan{&s.Source}, bytesScan{&s.Canonical})
	if errors.Is(err, sql.ErrNoRows) {
		if version > 0 {
			if _, err := db.FindScenario(ctx, id, 0); err != nil {
				return nil, err
			}
			return nil, parley.Errorf(parley.ENOTFOUND, "scenario %q has no version %d", id, version)
		}
		return nil, notFound("scenario", id)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// FindScenarios implements store.Store.
func (db *DB) FindScenarios(ctx context.Context, p store.Page) ([]*store.Scenario, string, error) {
	after, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	n, err := limit(p)
	if err != nil {
		return nil, "", err
	}
	rows, err := db.readRows(ctx, `SELECT s.seq, s.id, v.version, s.latest, v.title, v.author,
			s.created_at, v.saved_at, v.format
		FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id AND v.version = s.latest
		WHERE s.deleted_at IS NULL AND s.seq < $1
		ORDER BY s.seq DESC LIMIT $2`, after, n+1)
	if err != nil {
		return nil, "", err
	}
	return scanScenarios(rows, n)
}

// FindScenarioVersions implements store.Store.
func (db *DB) FindScenarioVersions(ctx context.Context, id string, p store.Page) ([]*store.Scenario, string, error) {
	if _, err := db.FindScenario(ctx, id, 0); err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	n, err := limit(p)
	if err != nil {
		return nil, "", err
	}
	rows, err := db.readRows(ctx, `SELECT v.version, s.id, v.version, s.latest, v.title, v.author,
			s.created_at, v.saved_at, v.format
		FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id
		WHERE s.id = $1 AND v.version < $2
		ORDER BY v.version DESC LIMIT $3`, id, min(after, math.MaxInt32), n+1) // version is a 32-bit integer
	if err != nil {
		return nil, "", err
	}
	return scanScenarios(rows, n)
}

// scanScenarios reads up to n listing rows whose first column is the
// ordering key, and the cursor of the next page if there is one more row.
func scanScenarios(rows *sql.Rows, n int) ([]*store.Scenario, string, error) {
	defer rows.Close()
	var out []*store.Scenario
	var seq int64
	next := ""
	for rows.Next() {
		if len(out) == n {
			next = encodeCursor(seq)
			break
		}
		s := &store.Scenario{}
		if err := rows.Scan(&seq, &s.ID, &s.Version, &s.Latest, &s.Title, &s.Author,
			timeScan{&s.CreatedAt}, timeScan{&s.SavedAt}, &s.Format); err != nil {
			return nil, "", err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// DeleteScenario implements store.Store.
func (db *DB) DeleteScenario(ctx context.Context, id string) error {
	if !validID(id) {
		return notFound("scenario", id)
	}
	res, err := db.db.ExecContext(ctx, `UPDATE scenarios SET deleted_at = $2
		WHERE id = $1 AND deleted_at IS NULL`, id, db.now())
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return notFound("scenario", id)
	}
	return nil
}
