// Package output renders model results in the formats of `parley run`:
// CSV, JSON and a table for people. The CSV and JSON layouts are a
// contract that scripts depend on; change them only with a version bump.
//
// # CSV
//
// Header model,issue,round,actor,position; one row per issue per recorded
// round per actor taking part in the issue, round 0 being the input.
// Positions are on the issue's own scale at full precision (the shortest
// decimal that reads back to the same float64).
//
// # JSON
//
//	{"model": "eum", "scenario": "…", "variant": "…", "seed": 0, "version": "…",
//	 "issues": [{"id": "…", "name": "…", "forecast": x, "forecast_label": "…",
//	             "rounds": [{"round": 0, "positions": {"ACTOR": x, …}, "mean": x, "median": x}, …]}],
//	 "questions": [{"id": "…", "when": "…", "holds": true}],
//	 …model detail…}
//
// The model's Result.Detail object is merged into the top level (the eum
// model adds "rounds" with risk exponents and accepted offers, for
// example). Numbers that are undefined (the mean of an issue nobody takes
// part in) are null.
//
// # Table
//
// For each issue: the forecast on the labelled scale, the median and mean
// at the start and the end, and who moved and why; then whether each
// question holds.
package output
