package decide_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	parley "github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/decide"
)

// FuzzParse checks that Parse never panics and that it either returns a
// scenario that keeps Parse's promises or errors that each name the file
// and a line.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, p := range files {
		if strings.HasSuffix(p, ".golden") {
			continue
		}
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "#", "#A", "'#A'", "'#A", "#A\t", "#A\tx\n#P\tp\n#D\tx\tp\t1\t1\t1",
		"#M\tp\t1\n#P\tp", "#A;a\n#P;p\n#M;p;1\n#M;p;1\n#D;a;p;1;1;1",
		"#D,a,b,1e308,1e-308,0x1p3", "\"#A\"\t\"a\"\"b\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := decide.Parse("fuzz.tsv", data)
		if err != nil {
			var ds parley.Diagnostics
			if !errors.As(err, &ds) || len(ds) == 0 {
				t.Fatalf("err = %v (%T), want non-empty Diagnostics", err, err)
			}
			for _, d := range ds {
				if d.Pos.File != "fuzz.tsv" || d.Pos.Line < 1 || d.Severity != parley.SevError || d.Message == "" {
					t.Fatalf("diagnostic without position or message: %+v", d)
				}
				if !strings.HasPrefix(d.String(), "fuzz.tsv:") {
					t.Fatalf("diagnostic %q does not start with file:line", d.String())
				}
			}
			return
		}
		checkScenario(t, sc)
	})
}
