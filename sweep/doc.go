// Package sweep splits a large analysis into shards that run as separate
// processes (a Slurm job array, a Kubernetes Indexed Job, or a loop on one
// machine) and merges their partial results into exactly the bytes one
// process would have written.
//
// A sweep starts from a Manifest: the scenario file itself with its
// SHA-256, the model and its options, the design, the number of runs N, the
// master seed S, the number of shards K and Parley's version. The manifest
// is identified by the SHA-256 of its canonical JSON encoding (Hash).
//
// Shard i of K runs the run indices
//
//	[⌊N·i/K⌋, ⌊N·(i+1)/K⌋)
//
// (computed in 128-bit arithmetic, so any N fits), and every run is seeded
// from (S, run index) alone, never from the shard or worker. A shard file
// (EncodeShard) carries the manifest hash, i, K, the index range and the
// SHA-256 of its payload, the shard's analysis.Partial. Because the
// partials aggregate in exact integer arithmetic, merging the K partials
// in index order (Collect, then Merge) gives the same aggregate, and so
// the same output bytes, as one pass over [0, N).
//
// Collect refuses, naming each problem, unless every shard of the manifest
// is present exactly once: missing shards, duplicates, files of another
// manifest or another K (foreign), and files that do not decode or whose
// checksum, range or spec do not match (corrupt) are all reported.
//
// Two analyses can be swept. Monte Carlo simulation (analysis.SimulateRange)
// merges exact aggregates. A sensitivity sweep's run indices are the
// evaluations of an analysis.SensitivityDesign (Morris or Saltelli); a
// shard (EncodeOutputsShard) holds its range's model outputs in index
// order, and CollectOutputs and MergeOutputs check the shards as Collect
// does and concatenate them into the table SensitivityDesign.Estimate
// takes, which is why the result equals one pass.
//
// NewManifest plans a sweep, and a Job (Open) computes shards (RunShard)
// and merges them (MergeSimulate, MergeSensitivity, MergeJSON): the one
// shard function that parley sweep run and local and the server's shard
// jobs (package runner, the "sweep" analysis) all call, so that a sweep
// has the same bytes however it is run.
//
// The package does no I/O; the parley command reads and writes the files
// (shard files atomically: temporary file, fsync, rename), and the server
// keeps shards in its database.
package sweep
