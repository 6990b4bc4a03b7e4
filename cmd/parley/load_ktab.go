package main

import (
	"os"

	"github.com/parley-forecast/parley/ktab"
)

// KTAB's CSV and XML scenarios (the spatial model's reference
// implementation). The file's own model settings (voting rule, …) become
// smp options that --opt can override.
func init() {
	register("ktab", reader{
		doc:   "KTAB scenario, CSV or XML (the spatial model's reference implementation)",
		sniff: func(_ string, head []byte) bool { return ktab.Sniff(head) },
		read: func(path string) (*input, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			f, err := ktab.Parse(path, data)
			if err != nil {
				return fromParse(nil, err)
			}
			in, err := fromParse(f.Scenario, nil)
			if err != nil {
				return nil, err
			}
			in.Params = f.Params
			return in, nil
		},
	})
}
