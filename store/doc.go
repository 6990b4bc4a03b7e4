// Package store declares how the server keeps its data: scenarios with
// immutable versions, runs with their status, timings and results, API
// tokens, and the queue of runs waiting for a worker.
//
// The Store interface is implemented by package sqlite (the embedded
// default) and package postgres (for a team server); both share one
// portable query set and one job queue (River) in the same database, so a
// run row and its job are written in one transaction. Package storetest
// is the contract both must pass.
//
// # Runs and jobs
//
// CreateRun writes the run (status queued) and its job together. A worker
// marks the run running, computes the result with the Executor it was
// given, and then, in one transaction, stores the result, marks the run
// done and completes the job. If the process dies in between, the job is
// still running in the queue's eyes; once its timeout has passed (plus
// WorkConfig.RescueMargin) a worker in any process takes it over and runs
// it again. Because the result, the status change and the job's completion
// commit together, a run's result is stored exactly once however often it
// is attempted.
//
// # Sharded runs
//
// A run created with NewRun.Shards = K is split into K shard jobs, all
// written in the same transaction as the run row, with one run_shards row
// each. A shard job computes its shard with WorkConfig.ExecuteShard and,
// in one transaction, stores the shard's bytes (only if none are stored
// yet), counts it in the run's ShardsDone and completes its job; the
// transaction that stores the last shard also enqueues the merge job,
// under the run row's lock, so exactly one merge is enqueued. The merge
// job reads the K stored shards in order, computes the result with
// WorkConfig.Merge and stores it as a plain run does. A killed worker's
// shard is taken over like any job; shards already stored are not
// computed again, and none is stored twice. Cancelling the run cancels
// the shard jobs not yet done and the merge.
package store
