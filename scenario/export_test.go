package scenario

import "github.com/parley-forecast/parley"

// SetValidate stands fn in for (*parley.Scenario).Validate until restore
// is called.
func SetValidate(fn func(*parley.Scenario) parley.Diagnostics) (restore func()) {
	old := validate
	validate = fn
	return func() { validate = old }
}

// SetCheckQuotes stands fn in for parley.CheckQuotes until restore is
// called.
func SetCheckQuotes(fn func(*parley.Scenario, map[string]string) parley.Diagnostics) (restore func()) {
	old := checkQuotes
	checkQuotes = fn
	return func() { checkQuotes = old }
}

// Tree returns the plain-value tree Parse builds from data before schema
// validation, with the YAML-level diagnostics; nil when data is not YAML.
func Tree(name string, data []byte) (any, parley.Diagnostics) {
	t, ds := readTree(name, data)
	if t == nil {
		return nil, ds
	}
	return t.root, t.diags
}
