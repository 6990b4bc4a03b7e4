package scenario_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/scenario"
)

// seed adds the testdata files matching pattern to the fuzz corpus.
func seed(f *testing.F, pattern string) {
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds for %s (%v)", pattern, err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkParse runs Parse on data and checks what holds for any input: no
// panic, every diagnostic positioned in the named file with a message,
// no internal error, and a clean scenario that survives a round trip
// through its JSON encoding.
func checkParse(t *testing.T, data []byte) {
	const name = "fuzz.yaml"
	f, ds := scenario.Parse(name, data)
	// goccy once panicked while formatting an error (goccy#718): render
	// everything.
	_ = ds.Error()
	for _, d := range ds {
		if d.Pos.File != name || d.Pos.Line < 1 || d.Pos.Col < 1 {
			t.Errorf("unpositioned diagnostic %q", d)
		}
		if d.Message == "" || (d.Severity != parley.SevError && d.Severity != parley.SevWarning) {
			t.Errorf("malformed diagnostic %#v", d)
		}
		if strings.Contains(d.Message, "internal error") {
			t.Errorf("internal error: %s", d)
		}
	}
	if f == nil {
		if ds.Err() == nil {
			t.Errorf("no file and no error")
		}
		return
	}
	if f.Scenario == nil {
		t.Fatalf("file without a scenario")
	}
	if ds.Err() != nil {
		return
	}
	// A clean scenario encodes to JSON that parses clean to the same
	// scenario. (A range whose mode was left out and whose midpoint
	// overflows cannot be encoded; Validate's business, not the parser's.)
	b, err := json.Marshal(f.Scenario)
	if err != nil {
		return
	}
	g, ds2 := scenario.Parse("again.json", b)
	if ds2.Err() != nil {
		t.Fatalf("re-encoded scenario does not parse clean:\n%s\n%v", b, ds2)
	}
	b2, err := json.Marshal(g.Scenario)
	if err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("round trip changed the scenario:\n%s\n%s", b, b2)
	}
}

// FuzzParse feeds Parse arbitrary bytes, seeded with the YAML and JSON
// fixtures and the input that made goccy panic (goccy#735).
func FuzzParse(f *testing.F) {
	seed(f, "*.yaml")
	seed(f, "*.json")
	f.Add([]byte("name: 0\nactors:\n !00000000\n0000000000000000"))
	f.Add([]byte("a: &a [*a]\nb: {<<: *a}\n? [x]\n: y\n"))
	f.Fuzz(checkParse)
}

// FuzzParseJSON feeds Parse JSON documents. Besides what FuzzParse
// checks, a valid JSON document must read (through goccy's YAML parser)
// to the same values encoding/json reads.
func FuzzParseJSON(f *testing.F) {
	seed(f, "*.json")
	f.Add([]byte(`{"a": 1e5, "b": [true, null, "x\/y\u00e9\ud83d\ude00"], "c": {"": -0.0}}`))
	f.Add([]byte(`{"title":"t","actors":[],"issues":[],"stances":[],"date":"2024"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data)
		if !json.Valid(data) {
			return
		}
		tree, ds := scenario.Tree("fuzz.json", data)
		for _, d := range ds {
			// goccy refuses a lone UTF-16 surrogate escape ("\ud800"),
			// which encoding/json turns into U+FFFD; a clear error is
			// the better answer.
			if strings.Contains(d.Message, "surrogate") {
				return
			}
			if strings.Contains(d.Message, "invalid YAML") || strings.Contains(d.Message, "malformed YAML") {
				t.Fatalf("valid JSON rejected: %s", d)
			}
		}
		if len(ds) > 0 {
			return // duplicate keys, numbers out of range: reported
		}
		var want any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !sameJSON(tree, want) {
			t.Fatalf("JSON read differently:\n got %#v\nwant %#v", tree, want)
		}
	})
}

// sameJSON compares JSON values, numbers by their float64 value.
func sameJSON(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fx, err1 := x.Float64()
		fy, err2 := y.Float64()
		return err1 == nil && err2 == nil && (fx == fy || math.IsNaN(fx) && math.IsNaN(fy))
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameJSON(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}
