package scenario

import "github.com/parley-forecast/parley"

// The root package's semantic checks, held in variables so that tests can
// stand in for them (export_test.go).
var (
	// validate checks a decoded scenario's meaning: ids, references,
	// ranges, scales, variants and questions. Its diagnostics carry paths,
	// not positions.
	validate = (*parley.Scenario).Validate
	// checkQuotes checks every evidence quote against the text of its
	// source (texts by source id).
	checkQuotes = parley.CheckQuotes
)
