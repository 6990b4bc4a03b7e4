package scenario_test

import (
	"strings"
	"testing"

	"github.com/parley-forecast/parley/scenario"
)

// TestUnclosedBracket: goccy notices an unclosed flow bracket only where
// the flow ends, often many lines later; the diagnostic must also name
// the bracket that was left open (and, for a missing comma, the list
// it is missing in).
func TestUnclosedBracket(t *testing.T) {
	const rest = "actors:\n  - {id: a, name: A, capability: 1}\nissues:\n  - {id: k, name: K, scale: {min: 0, max: 1}}\n"
	for _, c := range []struct{ name, data, want string }{
		// "title: [Alpha" — the '[' is column 8 of line 2.
		{"sequence", "# a comment\ntitle: [Alpha\n" + rest, "(in the list opened with '[' at 2:8)"},
		// The '{' of the second actor, line 4 column 5; the quoted
		// "]" and "{" in the first are text.
		{"mapping", "title: T\nactors:\n  - {id: a, name: \"x]{\", capability: 1}\n  - {id: b, name: B\nissues: []\n", "(in the mapping opened with '{' at 4:5)"},
	} {
		_, ds := scenario.Parse("f.yaml", []byte(c.data))
		if len(ds) == 0 || !strings.Contains(ds[0].Message, c.want) {
			t.Errorf("%s: got %v, want a diagnostic saying %q", c.name, ds, c.want)
		}
	}
}
