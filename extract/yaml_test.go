package extract_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/extract"
)

// TestEncodeYAMLRoundTrip checks the YAML writer against an independent
// YAML reader: the document must read back to the same JSON value.
func TestEncodeYAMLRoundTrip(t *testing.T) {
	text := "Moscow has defended Tehran’s right to test missiles: “a \"sovereign\" matter”\\n.\n\nIt has also backed Iran's argument on the JCPOA — & <more>."
	dr, err := extract.Extract([]extract.Input{{Name: "a.txt", Text: text}}, extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{dr.Scenario, map[string]any{"proposals": dr.Proposals, "empty": []int{}, "obj": map[string]any{}, "n": nil, "nested": [][]int{{1, 2}, {}}, "odd key": "x: y # z"}} {
		y, err := extract.EncodeYAML(v)
		if err != nil {
			t.Fatal(err)
		}
		var back any
		if err := yaml.Unmarshal(y, &back); err != nil {
			t.Fatalf("YAML does not parse: %v\n%s", err, y)
		}
		want, _ := json.Marshal(v)
		var wantV any
		_ = json.Unmarshal(want, &wantV)
		a, _ := json.Marshal(wantV)
		b, _ := json.Marshal(back)
		if !bytes.Equal(a, b) {
			t.Errorf("round trip differs:\n got %s\nwant %s\nyaml:\n%s", b, a, y)
		}
	}
	// The scenario part decodes strictly as a parley.Scenario.
	js, _ := json.Marshal(dr.Scenario)
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var sc parley.Scenario
	if err := dec.Decode(&sc); err != nil {
		t.Fatal(err)
	}
}
