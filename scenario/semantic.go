package scenario

import "github.com/parley-forecast/parley"

// The root package's semantic checks, held in variables so that tests can
// stand in for them.
//
// TODO(merge): once (*parley.Scenario).Validate and parley.CheckQuotes are
// on main, these become
//
//	var validate = (*parley.Scenario).Validate
//	var checkQuotes = parley.CheckQuotes
var (
	// validate runs the semantic checks of a decoded scenario: duplicate
	// ids, unknown references, ranges and scales. Its diagnostics carry
	// paths, not positions.
	validate = func(s *parley.Scenario) parley.Diagnostics {
		if v, ok := any(s).(interface{ Validate() parley.Diagnostics }); ok {
			return v.Validate()
		}
		return nil
	}
	// checkQuotes checks every evidence quote against the text of its
	// source (texts by source id); nil skips the check.
	checkQuotes func(s *parley.Scenario, texts map[string]string) parley.Diagnostics
)
