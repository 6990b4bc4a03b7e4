package parley_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parley-forecast/parley"
)

// FuzzParseCondition checks that ParseCondition never panics and that
// every syntax error is a *ConditionError whose column lies within the
// condition or just past its end (package scenario adds it to a file
// column).
func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{
		"", "scope >= 70 and nuclear >= 50", "not (a < 1) || b != 2", "(a > 1",
		"quota >= 33 and observrs => 5", "é > 1 and", "a > 1e5 and b < -0.5e3", "obs-2 >= 5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		c, err := parley.ParseCondition(src)
		if err == nil {
			if c == nil || c.String() != src {
				t.Fatalf("%q: condition %v", src, c)
			}
			return
		}
		if strings.TrimSpace(src) == "" {
			return // "empty condition", with no column
		}
		var ce *parley.ConditionError
		if !errors.As(err, &ce) {
			t.Fatalf("%q: error %v (%T), want a *ConditionError", src, err, err)
		}
		if n := utf8.RuneCountInString(src); ce.Col < 1 || ce.Col > n+1 {
			t.Fatalf("%q: column %d outside 1..%d", src, ce.Col, n+1)
		}
	})
}
