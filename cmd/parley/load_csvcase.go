package main

import (
	"bytes"
	"os"
	"strings"

	"github.com/parley-forecast/parley/csvcase"
)

// The published one-issue case table: actor,capability,position,salience.
func init() {
	register("table", reader{
		doc: "one-issue case table: CSV with columns actor, capability, position, salience",
		sniff: func(path string, head []byte) bool {
			if !hasExt(path, ".csv", ".txt") {
				return false
			}
			line, _, _ := bytes.Cut(head, []byte("\n"))
			h := strings.ToLower(string(line))
			return strings.Contains(h, "actor") && strings.Contains(h, "capability") &&
				strings.Contains(h, "position") && strings.Contains(h, "salience")
		},
		read: func(path string) (*input, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			return fromParse(csvcase.Parse(path, data))
		},
	})
}
