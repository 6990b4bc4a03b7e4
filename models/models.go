// Package models lists every model Parley ships, so that the command line,
// the server and the analyses offer the same set under the same names.
package models

import (
	"sort"
	"strings"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/model/baseline"
	"github.com/parley-forecast/parley/model/eum"
	"github.com/parley-forecast/parley/model/exchange"
	"github.com/parley-forecast/parley/model/smp"
)

// All returns every model, in the order they are listed to users: the
// dynamic models first, then the baselines.
func All() []parley.Model {
	return []parley.Model{
		eum.New(),
		smp.New(),
		exchange.New(),
		baseline.Compromise(),
		baseline.Median(),
	}
}

// Lookup returns the model called name, or an ENOTFOUND *Error listing the
// models there are.
func Lookup(name string) (parley.Model, error) {
	var names []string
	for _, m := range All() {
		if m.Info().Name == name {
			return m, nil
		}
		names = append(names, m.Info().Name)
	}
	sort.Strings(names)
	return nil, parley.Errorf(parley.ENOTFOUND, "unknown model %q: want one of %s", name, strings.Join(names, ", "))
}

// Names returns the model names in listing order.
func Names() []string {
	var names []string
	for _, m := range All() {
		names = append(names, m.Info().Name)
	}
	return names
}
