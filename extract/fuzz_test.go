package extract_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/extract"
)

func FuzzParseDictionary(f *testing.F) {
	for _, s := range []string{
		"actor r state Russia\n  name Russia, Russian Federation\n  metonym Moscow\nissue nuclear Nuclear\n  term JCPOA\n",
		"actor x\n", "  name y\n", "issue 1 x\n", "actor a state A # comment\n\tpeople As,,\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := extract.ParseDictionary("f.txt", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.txt:") {
				t.Fatalf("error without position: %v", err)
			}
			// Every diagnostic points into the file: a line it has
			// and a column from 1.
			var ds parley.Diagnostics
			if !errors.As(err, &ds) || len(ds) == 0 {
				t.Fatalf("error %v (%T), want diagnostics", err, err)
			}
			lines := 1 + bytes.Count(data, []byte("\n"))
			for _, x := range ds {
				if x.Pos.File != "f.txt" || x.Pos.Line < 1 || x.Pos.Line > lines || x.Pos.Col < 1 || x.Message == "" {
					t.Fatalf("diagnostic %+v outside the file's %d lines", x, lines)
				}
			}
			return
		}
		b := extract.Builtin()
		b.Merge(d)
		_ = extract.Proposals("x", "Moscow backed the JCPOA.", b)
	})
}

// FuzzProposals checks on arbitrary text that proposals never panic and
// that their offsets always give their quotes.
func FuzzProposals(f *testing.F) {
	for _, name := range []string{"dev.txt", "test.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", "eval", name))
		if err != nil {
			f.Fatal(err)
		}
		for _, c := range strings.Split(string(data), "\n## ") {
			if i := strings.Index(c, "\n--"); i > 0 {
				f.Add(c[strings.Index(c, "\n")+1 : i])
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return
		}
		r := []rune(text)
		for _, p := range extract.Proposals("x", text, nil) {
			if p.Start < 0 || p.End > len(r) || p.Start > p.End || string(r[p.Start:p.End]) != p.Quote {
				t.Fatalf("offsets [%d,%d) do not give the quote %q", p.Start, p.End, p.Quote)
			}
			if p.CueStart < p.Start || p.CueEnd > p.End {
				t.Fatalf("cue [%d,%d) outside its sentence [%d,%d)", p.CueStart, p.CueEnd, p.Start, p.End)
			}
		}
	})
}
