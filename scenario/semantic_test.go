package scenario_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/scenario"
)

// stubValidate stands in for (*parley.Scenario).Validate in these tests:
// a few of its checks, reporting paths only, as the real one does. It lets
// the positioning and the deduplication be tested on their own.
func stubValidate(s *parley.Scenario) parley.Diagnostics {
	var ds parley.Diagnostics
	add := func(path, format string, args ...any) {
		ds = append(ds, parley.Diagnostic{Path: path, Message: fmt.Sprintf(format, args...), Severity: parley.SevError})
	}
	actors := map[string]bool{}
	for i, a := range s.Actors {
		if actors[a.ID] {
			add(fmt.Sprintf("actors[%d].id", i), "duplicate actor id %q", a.ID)
		}
		actors[a.ID] = true
	}
	scales := map[string]parley.Scale{}
	for _, is := range s.Issues {
		scales[is.ID] = is.Scale
	}
	for i, st := range s.Stances {
		p := fmt.Sprintf("stances[%d]", i)
		if !actors[st.Actor] {
			add(p+".actor", "unknown actor %q", st.Actor)
		}
		if !st.Salience.Within(0, 1) {
			add(p+".salience", "salience must lie in [0,1], got %v", st.Salience)
		}
		if sc, ok := scales[st.Issue]; ok {
			if st.Position.Low < sc.Min {
				add(p+".position.low", "below the scale's minimum %g", sc.Min)
			}
			if st.Position.High > sc.Max {
				add(p+".position.high", "above the scale's maximum %g", sc.Max)
			}
		}
	}
	for i, v := range s.Variants {
		for j, c := range v.Changes {
			if c.Op == parley.OpSet && !actors[c.Actor] {
				add(fmt.Sprintf("variants[%d].changes[%d].actor", i, j), "unknown actor %q", c.Actor)
			}
		}
	}
	if len(s.Questions) == 0 {
		ds = append(ds, parley.Diagnostic{Path: "questions", Message: "no questions", Severity: parley.SevWarning})
	}
	return ds
}

const semanticYAML = `title: Semantic problems
actors:
  - {id: a, name: A, capability: 1}
  - {id: a, name: A again, capability: 1}
issues:
  - {id: x, name: X, scale: {min: 0, max: 10}}
stances:
  - actor: a
    issue: x
    position: 12
    salience: 1.7
  - actor: ghost
    issue: x
    position: {low: -1, high: 5}
    salience: {low: -0.5, high: 0.5}
  - issue: x
    position: 5
    salience: 0.5
variants:
  - id: v
    changes:
      - {op: set, issue: x, position: 3}
`

// Ensure that the semantic checks' paths get positions (the exact value,
// or the nearest enclosing one that is in the file), and that a problem
// the structural check found is not reported twice.
func TestSemanticPositions(t *testing.T) {
	defer scenario.SetValidate(stubValidate)()
	_, ds := scenario.Parse("s.yaml", []byte(semanticYAML))
	got := ds.Error()
	want := strings.Join([]string{
		// Reported by the stub only: positioned by path.
		`s.yaml:4:10: actors[1].id: duplicate actor id "a"`,
		// position is a point: .high is found at position itself.
		`s.yaml:10:15: stances[0].position.high: above the scale's maximum 10`,
		// The structural report of 1.7; the stub's is dropped.
		`s.yaml:11:15: stances[0].salience: must be in [0,1], got 1.7`,
		`s.yaml:12:12: stances[1].actor: unknown actor "ghost"`,
		`s.yaml:14:21: stances[1].position.low: below the scale's minimum 0`,
		// The structure flags salience.low; the stub's report on the
		// whole Value is the same problem.
		`s.yaml:15:21: stances[1].salience.low: must be in [0,1], got -0.5`,
		// actor is missing: the stub's "unknown actor" is dropped.
		`s.yaml:16:5: stances[2]: missing required field "actor"`,
		// No actor key in the change: positioned at the change.
		`s.yaml:22:9: variants[0].changes[0].actor: unknown actor ""`,
		// The root's position is that of its first key.
		`s.yaml:1:1: warning: questions: no questions`,
	}, "\n")
	// Sorted by position, the warning comes first.
	want = want[strings.LastIndex(want, "\n")+1:] + "\n" + want[:strings.LastIndex(want, "\n")]
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// Ensure that File.Pos finds values, falls back to the nearest enclosing
// value, and copes with paths it cannot read.
func TestFilePos(t *testing.T) {
	f, _ := scenario.Parse("s.yaml", []byte(semanticYAML))
	for _, c := range []struct {
		path      string
		line, col int
	}{
		{"", 1, 1},
		{"title", 1, 8},
		{"actors", 3, 3},
		{"actors[1]", 4, 5},
		{"actors[1].name", 4, 19},
		{"stances[1].position", 14, 15},
		{"stances[1].position.high", 14, 31},
		{"stances[1].position.mode", 14, 15}, // absent: its Value
		{"stances[2].actor", 16, 5},          // absent: its stance
		{"stances[9].actor", 8, 3},           // no such stance: the list
		{"nosuch.field[3]", 1, 1},            // nothing: the root
		{"stances[", 1, 1},                   // unreadable: the root
		{`actors[0]["a b"]`, 3, 5},
	} {
		got := f.Pos(c.path)
		if got.File != "s.yaml" || got.Line != c.line || got.Col != c.col {
			t.Errorf("Pos(%q) = %v, want s.yaml:%d:%d", c.path, got, c.line, c.col)
		}
	}
}

// stubQuotes stands in for parley.CheckQuotes: it reports every quote
// whose exact text is not in its source's text.
func stubQuotes(s *parley.Scenario, texts map[string]string) parley.Diagnostics {
	var ds parley.Diagnostics
	for i, st := range s.Stances {
		for j, e := range st.Evidence {
			text, ok := texts[e.Source]
			if ok && !strings.Contains(text, e.Quote) {
				ds = append(ds, parley.Diagnostic{
					Path:     fmt.Sprintf("stances[%d].evidence[%d].quote", i, j),
					Message:  "not found in the source's text",
					Severity: parley.SevError,
				})
			}
		}
	}
	return ds
}

// Ensure that ParseFile loads source texts relative to the scenario file
// (also up and out of its directory), hands them to the quote check, and
// positions what it finds.
func TestParseFileQuotes(t *testing.T) {
	defer scenario.SetCheckQuotes(stubQuotes)()
	dir := t.TempDir()
	if err := os.Mkdir(dir+"/scen", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/text.txt", []byte("The parties agreed to talk again."), 0o644); err != nil {
		t.Fatal(err)
	}
	src := `title: Quotes
sources:
  - {id: s, title: S, path: ../text.txt}
  - {id: gone, title: Gone, path: missing.txt}
actors:
  - {id: a, name: A, capability: 1}
issues:
  - {id: x, name: X, scale: {min: 0, max: 1}}
stances:
  - actor: a
    issue: x
    position: 1
    salience: 1
    evidence:
      - {source: s, quote: agreed to talk}
      - {source: s, quote: agreed to fight}
      - {source: gone, quote: anything}
`
	path := dir + "/scen/q.yaml"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, ds, err := scenario.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := path + `:4:35: warning: sources[1].path: quote check skipped: source text "missing.txt" not found (looked for ` + dir + "/scen/missing.txt)\n" +
		path + `:16:28: stances[0].evidence[1].quote: not found in the source's text`
	if got := ds.Error(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// Ensure that a missing scenario file is an I/O error, not a diagnostic.
func TestParseFileMissing(t *testing.T) {
	f, ds, err := scenario.ParseFile("testdata/no-such-file.yaml")
	if err == nil || f != nil || ds != nil {
		t.Errorf("got %v, %v, %v; want only an error", f, ds, err)
	}
}

// Ensure that hostile or odd input is refused quickly and with a
// position.
func TestLimits(t *testing.T) {
	laughs := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 'b'; i <= 'i'; i++ {
		laughs += fmt.Sprintf("%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	for _, c := range []struct {
		name, data, want string
	}{
		{"too large", strings.Repeat("#", scenario.MaxSize+1), "x:1:1: file too large: 16777217 bytes; a scenario file may have at most 16 MiB"},
		{"deep flow", "a: " + strings.Repeat("[", 101) + strings.Repeat("]", 101), "x:1:104: nested more than 100 levels deep; a scenario needs far fewer"},
		{"deep block", strings.Repeat("- ", 101) + "x", "x:1:201: nested more than 100 levels deep; a scenario needs far fewer"},
		{"billion laughs", laughs, "aliases expand to too many values (over 100000); a scenario needs far fewer"},
		{"self alias", "title: &t [*t]\n", "x:1:12: title[0]: alias *t is used inside its own anchor &t"},
		// Found by FuzzParse: merging a list that holds an alias of
		// itself recursed without end.
		{"self merge", "a: &a [*a]\nb: {<<: *a}\n", "x:1:8: b: alias *a is used inside its own anchor &a"},
		{"byte order mark", "\ufefftitle: 5\n", "x:1:8: title: must be text, got 5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, ds := scenario.Parse("x", []byte(c.data))
			if !strings.Contains(ds.Error(), c.want) {
				t.Errorf("got\n%s\nwant it to contain\n%s", ds.Error(), c.want)
			}
		})
	}
	// A value nested deeper than the limit by mappings, which the
	// pre-scan does not count, is caught while converting.
	deep := ""
	for i := range 102 {
		deep += strings.Repeat(" ", i) + "a:\n"
	}
	_, ds := scenario.Parse("x", []byte(deep))
	if !strings.Contains(ds.Error(), "nested more than 100 levels deep") {
		t.Errorf("deep mappings: got %v", ds)
	}
}
