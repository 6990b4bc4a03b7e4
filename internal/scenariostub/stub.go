// Package scenariostub stands in for package scenario's parser until it
// lands on main: it reads YAML or JSON into a parley.Scenario and
// validates it, with positions only for syntax errors. It is to be deleted
// when the server switches to scenario.Parse.
package scenariostub

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/parley-forecast/parley"
)

// Parse reads a scenario from YAML or JSON.
func Parse(name string, data []byte) (s *parley.Scenario, ds parley.Diagnostics) {
	defer func() {
		if v := recover(); v != nil {
			s, ds = nil, fail(name, fmt.Sprintf("malformed YAML: %v", v))
		}
	}()
	js := data
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		var err error
		js, err = yaml.YAMLToJSON(data)
		if err != nil {
			return nil, fail(name, err.Error())
		}
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	s = new(parley.Scenario)
	if err := dec.Decode(s); err != nil {
		return nil, fail(name, err.Error())
	}
	ds = s.Validate()
	for i := range ds {
		ds[i].Pos = parley.Pos{File: name, Line: 1, Col: 1}
	}
	return s, ds
}

func fail(name, msg string) parley.Diagnostics {
	return parley.Diagnostics{{Pos: parley.Pos{File: name, Line: 1, Col: 1}, Message: msg, Severity: parley.SevError}}
}
