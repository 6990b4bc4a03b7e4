package main

import (
	"github.com/parley-forecast/parley/scenario"
)

// Parley's own scenario format, YAML or JSON.
func init() {
	register("scenario", reader{
		doc:   "Parley scenario, YAML or JSON (docs/scenario-format.md)",
		sniff: func(path string, _ []byte) bool { return hasExt(path, ".yaml", ".yml", ".json") },
		read: func(path string) (*input, error) {
			f, ds, err := scenario.ParseFile(path)
			if err != nil {
				return nil, err
			}
			in := &input{Diagnostics: ds}
			if f != nil {
				in.Scenario = f.Scenario
			}
			return in, nil
		},
	})
}
