-- Parley's tables on SQLite. Times are TEXT written by the driver from
-- time.Time parameters; JSON is TEXT. River's tables are created by its own
-- migrator (parley migrate runs both).

-- +goose Up
CREATE TABLE scenarios (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    latest     INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    deleted_at TEXT
) STRICT;

CREATE TABLE scenario_versions (
    scenario_id TEXT NOT NULL REFERENCES scenarios (id),
    version     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    author      TEXT NOT NULL,
    saved_at    TEXT NOT NULL,
    format      TEXT NOT NULL CHECK (format IN ('yaml', 'json')),
    source      TEXT NOT NULL,
    canonical   TEXT NOT NULL,
    PRIMARY KEY (scenario_id, version)
) STRICT;

CREATE TABLE runs (
    seq              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    scenario_id      TEXT NOT NULL,
    scenario_version INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    model            TEXT NOT NULL,
    request          TEXT NOT NULL,
    seed             TEXT NOT NULL,
    parley_version   TEXT NOT NULL,
    author           TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'canceled')),
    error            TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    job_id           INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    started_at       TEXT,
    finished_at      TEXT,
    FOREIGN KEY (scenario_id, scenario_version) REFERENCES scenario_versions (scenario_id, version)
) STRICT;

CREATE INDEX runs_by_scenario ON runs (scenario_id, seq);
CREATE INDEX runs_by_status ON runs (status, seq);

-- One row per run at most: the primary key is what makes "a result is
-- never stored twice" hold even if the worker logic were wrong.
CREATE TABLE results (
    run_id     TEXT PRIMARY KEY REFERENCES runs (id),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE tokens (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;

CREATE UNIQUE INDEX tokens_live_name ON tokens (name) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE tokens;
DROP TABLE results;
DROP TABLE runs;
DROP TABLE scenario_versions;
DROP TABLE scenarios;
