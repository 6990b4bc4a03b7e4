package scenario_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/parley-forecast/parley/scenario"
)

const schemaFile = "../scenario.schema.json"

// Ensure that the committed scenario.schema.json is what Schema generates
// (go test ./scenario -update rewrites it), and that generating is
// deterministic.
func TestSchemaGolden(t *testing.T) {
	got, err := scenario.Schema()
	if err != nil {
		t.Fatal(err)
	}
	again, err := scenario.Schema()
	if err != nil || !bytes.Equal(got, again) {
		t.Fatalf("Schema is not deterministic (err %v)", err)
	}
	if *update {
		if err := os.WriteFile(schemaFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: the scenario types changed; run go test ./scenario -update and commit it", schemaFile)
	}
}

// committedSchema compiles the committed schema file, as an editor or
// another tool would, independently of the package's own compilation.
func committedSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	abs, err := filepath.Abs(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(abs)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// instance reads a YAML or JSON document into JSON values with goccy's own
// YAML-to-JSON conversion, not with the package's reader.
func instance(t *testing.T, doc string) any {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Ensure that the committed schema accepts every good fixture.
func TestSchemaAcceptsGood(t *testing.T) {
	sch := committedSchema(t)
	for _, path := range append(glob(t, "*.good.yaml"), glob(t, "*.good.json")...) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(instance(t, string(b))); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// Ensure that the committed schema rejects what the format forbids, each
// for the reason expected.
func TestSchemaRejectsBad(t *testing.T) {
	sch := committedSchema(t)
	base := `title: T
actors: [{id: a, name: A, capability: 1}]
issues: [{id: x, name: X, scale: {min: 0, max: 10}}]
`
	for _, c := range []struct {
		name, doc string
		want      string // a failed keyword at an instance location
	}{
		{"salience above 1", base + "stances: [{actor: a, issue: x, position: 5, salience: 1.7}]", "/stances/0/salience: maximum"},
		{"salience range above 1", base + "stances: [{actor: a, issue: x, position: 5, salience: {low: 0.5, high: 1.2}}]", "/stances/0/salience/high: maximum"},
		{"negative capability range", "title: T\nactors: [{id: a, name: A, capability: {low: -1, high: 2}}]\nissues: []\nstances: []", "/actors/0/capability/low: minimum"},
		{"unknown field", base + "stances: [{actor: a, issue: x, position: 5, salence: 0.5, salience: 0.5}]", "/stances/0: additionalProperties"},
		{"unknown field in a range", base + "stances: [{actor: a, issue: x, position: {low: 1, hihg: 2}, salience: 0.5}]", "/stances/0/position: additionalProperties"},
		{"missing title", "actors: []\nissues: []\nstances: []", ": required"},
		{"missing salience", base + "stances: [{actor: a, issue: x, position: 5}]", "/stances/0: required"},
		{"actor kind", "title: T\nactors: [{id: a, name: A, capability: 1, kind: country}]\nissues: []\nstances: []", "/actors/0/kind: enum"},
		{"change op", base + "stances: []\nvariants: [{id: v, changes: [{op: remove}]}]", "/variants/0/changes/0/op: enum"},
		{"issue id pattern", "title: T\nactors: []\nissues: [{id: a-b, name: X, scale: {min: 0, max: 1}}]\nstances: []", "/issues/0/id: pattern"},
		{"date pattern", "title: T\ndate: March\nactors: []\nissues: []\nstances: []", "/date: pattern"},
		{"position as text", base + "stances: [{actor: a, issue: x, position: high, salience: 0.5}]", "/stances/0/position: type"},
		{"relation strength", base + "stances: []\nrelations: [{from: a, to: a, kind: ally, strength: 2}]", "/relations/0/strength: maximum"},
		{"not a mapping", "[1, 2]", ": type"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := sch.Validate(instance(t, c.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			got := leaves(err.(*jsonschema.ValidationError))
			for _, l := range got {
				if l == c.want {
					return
				}
			}
			t.Errorf("no %q among the failures %q", c.want, got)
		})
	}
}

// leaves lists the innermost failures of e as "location: keyword".
func leaves(e *jsonschema.ValidationError) []string {
	if len(e.Causes) == 0 {
		loc := ""
		for _, tok := range e.InstanceLocation {
			loc += "/" + tok
		}
		return []string{loc + ": " + strings.Join(e.ErrorKind.KeywordPath(), "/")}
	}
	var out []string
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}
