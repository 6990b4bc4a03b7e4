package scenario_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/internal/refdata"
	"github.com/parley-forecast/parley/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata and the committed schema")

func glob(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no files match testdata/%s", pattern)
	}
	return files
}

// Ensure that every good fixture parses without a single diagnostic.
func TestGood(t *testing.T) {
	for _, path := range append(glob(t, "*.good.yaml"), glob(t, "*.good.json")...) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, ds, err := scenario.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) > 0 {
				t.Fatalf("diagnostics for a good file:\n%v", ds)
			}
			if f == nil || f.Scenario == nil || f.Scenario.Title == "" {
				t.Fatalf("got no scenario: %+v", f)
			}
		})
	}
}

// Ensure that YAML and JSON spellings of one scenario decode alike.
func TestYAMLAndJSONAgree(t *testing.T) {
	y, ds, err := scenario.ParseFile("testdata/full.good.yaml")
	if err != nil || ds.Err() != nil {
		t.Fatal(err, ds)
	}
	j, ds, err := scenario.ParseFile("testdata/full.good.json")
	if err != nil || ds.Err() != nil {
		t.Fatal(err, ds)
	}
	if !reflect.DeepEqual(y.Scenario, j.Scenario) {
		t.Errorf("YAML and JSON differ:\nyaml %+v\njson %+v", y.Scenario, j.Scenario)
	}
	// Spot checks of the decoding itself.
	s := y.Scenario
	if got, want := s.Actors[1].Capability, parley.Range(40, 50, 60); got != want {
		t.Errorf("sudmark capability = %v, want %v", got, want)
	}
	// mode left out: the midpoint of 5 and 15.
	if got, want := s.Actors[2].Capability, parley.Range(5, 10, 15); got != want {
		t.Errorf("fleet capability = %v, want %v", got, want)
	}
	if got, want := s.Stances[0].Evidence[0].Quote, "a catch limit of no more than sixty per cent of the 2020 level is the only responsible course"; got != want {
		t.Errorf("folded quote = %q, want %q", got, want)
	}
	if got, want := s.Sources[1].Date, "2024"; got != want {
		t.Errorf("quoted date = %q, want %q", got, want)
	}
	if s.Stances[2].Capability == nil || *s.Stances[2].Capability != parley.Point(20) {
		t.Errorf("stance capability = %v, want 20", s.Stances[2].Capability)
	}
}

// Ensure that each bad fixture yields its golden diagnostics, at least one
// of them an error.
func TestBad(t *testing.T) {
	files := append(glob(t, "*.bad.yaml"), glob(t, "*.bad.json")...)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			_, ds, err := scenario.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if ds.Err() == nil {
				t.Errorf("no errors for a bad file")
			}
			golden(t, path+".golden", ds.Error()+"\n")
		})
	}
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("diagnostics differ from %s (run go test -update after checking):\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// Ensure that the issue's example comes out in exactly its shape.
func TestIssueExample(t *testing.T) {
	data, err := os.ReadFile("testdata/salience.bad.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, ds := scenario.Parse("iran.yaml", data)
	const want = "iran.yaml:41:17: stances[3].salience: must be in [0,1], got 1.7"
	for _, d := range ds {
		if d.String() == want {
			return
		}
	}
	t.Errorf("no diagnostic %q in\n%v", want, ds)
}

// Ensure that a file with many different problems, structural and
// semantic, has them all reported at once, each in its place and once.
func TestEveryProblemAtOnce(t *testing.T) {
	_, ds, err := scenario.ParseFile("testdata/everything.bad.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`:6:5: actors[0]: unknown field "capabilty" (did you mean "capability"?)`,
		`:10:11: actors[1].kind: must be one of state, government, non-state-armed-group, international-organisation, coalition, person, other; got "stat" (did you mean "state"?)`,
		`:11:17: actors[1].capability: must be at least 0, got -3`,
		`:13:5: issues[0]: missing required field "scale"`,
		`:15:17: issues[0].vetoes[1]: unknown actor "zed"`,
		`:20:15: stances[0].position: must be a number or a range {low, mode, high}, got text "high"`,
		`:21:15: stances[0].salience: must be in [0,1], got 1.7`,
		`:26:32: stances[1].salience.high: must be in [0,1], got 1.2`,
		`:28:5: stances[2]: duplicate stance of actor "b" on issue "deal" (first at stances[1])`,
		`:33:7: date: must be a date written YYYY, YYYY-MM or YYYY-MM-DD; got "March 2024"`,
		`:34:1: duplicate field "title" (first given at 1:1)`,
		`:36:28: relations[0].kind: must be one of ally, rival, leverage; got "friend"`,
	}
	text := ds.Error()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q", w)
		}
	}
	if n := len(ds.Errors()); n != len(want) {
		t.Errorf("got %d errors, want %d:\n%s", n, len(want), text)
	}
}

// Ensure that the flagship scenario parses with no error, every quote
// checked against its source text (laid out as in a checkout: the shared
// folder beside the repository).
func TestFlagship(t *testing.T) {
	text := refdata.Path(t, "sources/russia-iran-comprehensive-agreement.txt")
	dir := t.TempDir()
	for _, d := range []string{"repo/examples", "shared/sources"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, "../examples/iran-comprehensive-deal.yaml", filepath.Join(dir, "repo/examples/iran-comprehensive-deal.yaml"))
	copyFile(t, text, filepath.Join(dir, "shared/sources/russia-iran-comprehensive-agreement.txt"))
	f, ds, err := scenario.ParseFile(filepath.Join(dir, "repo/examples/iran-comprehensive-deal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) > 0 {
		t.Fatalf("diagnostics for the flagship:\n%v", ds)
	}
	quotes := 0
	for _, st := range f.Scenario.Stances {
		quotes += len(st.Evidence)
	}
	for _, a := range f.Scenario.Actors {
		quotes += len(a.Evidence)
	}
	for _, r := range f.Scenario.Relations {
		quotes += len(r.Evidence)
	}
	for _, v := range f.Scenario.Variants {
		for _, c := range v.Changes {
			if c.Relation != nil {
				quotes += len(c.Relation.Evidence)
			}
			if c.NewActor != nil {
				quotes += len(c.NewActor.Evidence)
			}
			for _, st := range c.Stances {
				quotes += len(st.Evidence)
			}
		}
	}
	// examples/README.md: 13 actors, 5 issues, 48 stances, 94 quotes.
	if len(f.Scenario.Actors) != 13 || len(f.Scenario.Issues) != 5 || len(f.Scenario.Stances) != 48 || quotes != 94 {
		t.Errorf("got %d actors, %d issues, %d stances, %d quotes; want 13, 5, 48, 94",
			len(f.Scenario.Actors), len(f.Scenario.Issues), len(f.Scenario.Stances), quotes)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Ensure that a date that fits the YYYY-MM-DD pattern but names no day on
// the calendar is refused, at the assessment's date and at a source's.
func TestCalendarDates(t *testing.T) {
	tests := []struct {
		date string
		want string // "" when the date is fine
	}{
		{"2024", ""},
		{"2024-05", ""},
		{"2024-12-31", ""},
		{"2024-02-29", ""}, // a leap year
		{"2024-13", `must be a calendar date written YYYY, YYYY-MM or YYYY-MM-DD; got "2024-13" (no month 13)`},
		{"2024-00", `must be a calendar date written YYYY, YYYY-MM or YYYY-MM-DD; got "2024-00" (no month 0)`},
		{"2023-02-29", `must be a calendar date written YYYY, YYYY-MM or YYYY-MM-DD; got "2023-02-29" (February 2023 has 28 days)`},
		{"2024-04-31", `must be a calendar date written YYYY, YYYY-MM or YYYY-MM-DD; got "2024-04-31" (April 2024 has 30 days)`},
		{"2024-05-00", `must be a calendar date written YYYY, YYYY-MM or YYYY-MM-DD; got "2024-05-00" (no day 0)`},
	}
	for _, tt := range tests {
		doc := fmt.Sprintf(`title: T
date: "%s"
sources:
  - {id: s, title: S, date: "%s"}
actors:
  - {id: a, name: A, capability: 1}
issues:
  - {id: k, name: K, scale: {min: 0, max: 1}}
stances:
  - {actor: a, issue: k, position: 0, salience: 1, assumption: t}
`, tt.date, tt.date)
		_, ds := scenario.Parse("d.yaml", []byte(doc))
		var want []string
		if tt.want != "" {
			want = []string{"d.yaml:2:7: date: " + tt.want, "d.yaml:4:29: sources[0].date: " + tt.want} // 29: the opening quote
		}
		var got []string
		for _, d := range ds {
			got = append(got, d.String())
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("date %q:\n got %q\nwant %q", tt.date, got, want)
		}
	}
}

// Ensure that a change naming a field its op does not use is refused
// rather than silently ignored: remove-actor with an issue would otherwise
// remove the actor from every issue, not from that one.
func TestChangeFieldsItsOpDoesNotUse(t *testing.T) {
	const head = `title: T
actors:
  - {id: a, name: A, capability: 1}
  - {id: b, name: B, capability: 1}
issues:
  - {id: k, name: K, scale: {min: 0, max: 10}}
stances:
  - {actor: a, issue: k, position: 0, salience: 1, assumption: t}
  - {actor: b, issue: k, position: 5, salience: 1, assumption: t}
variants:
  - id: v
    changes:
`
	tests := []struct {
		change string
		want   []string
	}{
		// Every op with exactly its fields, and a note: fine.
		{`{op: set, actor: a, issue: k, position: 1, salience: 0.5, capability: 2, note: n}`, nil},
		{`{op: shift, actor: a, issue: k, position: 1, salience: -0.5, note: n}`, nil},
		{`{op: scale-capability, actor: a, factor: 2, issue: k, note: n}`, nil},
		{`{op: add-actor, new_actor: {id: c, name: C, capability: 1}, stances: [{actor: c, issue: k, position: 1, salience: 1}], note: n}`, nil},
		{`{op: remove-actor, actor: b, note: n}`, nil},
		{`{op: add-relation, relation: {from: a, to: b, kind: ally, strength: 1}, note: n}`, nil},
		// Fields the op does not use, reported at their keys (the
		// change starts at column 9, after "      - {").
		{`{op: remove-actor, actor: b, issue: k}`,
			[]string{`d.yaml:13:38: variants[0].changes[0].issue: change "remove-actor" does not use issue (it takes actor)`}},
		{`{op: shift, actor: a, issue: k, position: 1, capability: 3, factor: 2}`,
			[]string{
				`d.yaml:13:54: variants[0].changes[0].capability: change "shift" does not use capability (it takes actor, issue, position, salience)`,
				`d.yaml:13:69: variants[0].changes[0].factor: change "shift" does not use factor (it takes actor, issue, position, salience)`,
			}},
		{`{op: add-relation, actor: a, relation: {from: a, to: b, kind: ally, strength: 1}}`,
			[]string{`d.yaml:13:28: variants[0].changes[0].actor: change "add-relation" does not use actor (it takes relation)`}},
	}
	for _, tt := range tests {
		_, ds := scenario.Parse("d.yaml", []byte(head+"      - "+tt.change+"\n"))
		var got []string
		for _, d := range ds {
			got = append(got, d.String())
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", tt.change, got, tt.want)
		}
	}
}

// Ensure that an assumption or evidence of the wrong type is reported
// once: not also as a stance with neither evidence nor an assumption.
func TestBadAssumptionReportedOnce(t *testing.T) {
	for _, field := range []string{"assumption: [a list]", "evidence: a text"} {
		doc := `title: T
actors:
  - {id: a, name: A, capability: 1}
issues:
  - {id: k, name: K, scale: {min: 0, max: 1}}
stances:
  - {actor: a, issue: k, position: 0, salience: 1, ` + field + `}
`
		_, ds := scenario.Parse("d.yaml", []byte(doc))
		if len(ds) != 1 || ds[0].Severity != parley.SevError {
			t.Errorf("%s: want one error, got\n%v", field, ds)
		}
	}
}
