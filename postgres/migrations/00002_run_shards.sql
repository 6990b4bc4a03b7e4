-- Sharded runs (a sweep on the server): one row per shard, created with
-- the run and its shard jobs; result holds the shard's bytes once stored
-- (TEXT, so they come back byte for byte). The primary key keeps one row
-- per shard, and a result is only written where none is (result IS NULL),
-- so a retried shard never stores twice.

-- +goose Up
ALTER TABLE runs ADD COLUMN shards INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN shards_done INTEGER NOT NULL DEFAULT 0;

CREATE TABLE run_shards (
    run_id      TEXT NOT NULL REFERENCES runs (id),
    shard       INTEGER NOT NULL CHECK (shard >= 0),
    job_id      BIGINT NOT NULL,
    attempts    INTEGER NOT NULL,
    started_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    result      TEXT,
    PRIMARY KEY (run_id, shard)
);

-- +goose Down
DROP TABLE run_shards;
ALTER TABLE runs DROP COLUMN shards_done;
ALTER TABLE runs DROP COLUMN shards;
