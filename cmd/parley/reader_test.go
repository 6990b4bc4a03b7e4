package main

import (
	"encoding/json"
	"os"

	"github.com/parley-forecast/parley"
)

// The analysis scripts read scenarios in the JSON encoding of
// parley.Scenario from *.testjson files, so that they do not depend on the
// scenario file reader.
func init() {
	register("testjson", reader{
		sniff: func(path string, _ []byte) bool { return hasExt(path, ".testjson") },
		read: func(path string) (*input, error) {
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			var s parley.Scenario
			if err := json.Unmarshal(b, &s); err != nil {
				return nil, err
			}
			return &input{Scenario: &s, Diagnostics: s.Validate()}, nil
		},
		doc: "the JSON encoding of parley.Scenario (tests only)",
	})
}
