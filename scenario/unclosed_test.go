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

// TestNotUTF8: a file that is not UTF-8 (here Latin-1, as some editors
// save) is refused at the first bad byte, not read with the byte turned
// into U+FFFD. A comment counts too: the file is kept as written.
func TestNotUTF8(t *testing.T) {
	for _, c := range []struct{ name, data, want string }{
		// "café" in Latin-1: the é (0xE9) is column 11 of line 1.
		{"title", "title: caf\xe9\nactors: []\n", "f.yaml:1:11: the file is not UTF-8 text: byte 0xE9"},
		// 0x92 (a Windows-1252 apostrophe) in a comment, line 2 column 6.
		{"comment", "title: T\n# don\x92t\nactors: []\n", "f.yaml:2:6: the file is not UTF-8 text: byte 0x92"},
	} {
		f, ds := scenario.Parse("f.yaml", []byte(c.data))
		if f != nil || len(ds) != 1 || !strings.HasPrefix(ds[0].String(), c.want) {
			t.Errorf("%s: got %v, want one diagnostic starting %q", c.name, ds, c.want)
		}
	}
}
