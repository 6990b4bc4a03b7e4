package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutChecked: every command that writes --out refuses, with exit 2
// and a message naming the flag and the folder, an --out in a folder that
// does not exist or an --out that is a folder, and it does so before any
// work: the input here is a scenario whose variant does not exist, which
// the command would otherwise report first (and a long simulation would
// otherwise run to its end before failing at the write).
func TestOutChecked(t *testing.T) {
	dir := t.TempDir()
	scen := filepath.Join(dir, "s.csv")
	art := filepath.Join(dir, "art.txt")
	os.WriteFile(scen, []byte("actor,capability,position,salience\nA,1,1,1\nB,1,2,1\n"), 0o644)
	os.WriteFile(art, []byte("Moscow has backed Tehran on sanctions relief. Washington opposed the Russian plan.\n"), 0o644)
	missing := filepath.Join(dir, "nodir")
	for _, out := range []struct{ path, want string }{
		{filepath.Join(missing, "o.txt"), "folder " + missing + " does not exist"},
		{dir, "is a folder"},
	} {
		o := out.path
		tests := [][]string{
			{"run", scen, "--variant", "nope", "--out", o},
			{"simulate", scen, "--variant", "nope", "--draws", "1000000000", "--out", o},
			{"compare", scen, "--variants", "nope", "--out", o},
			{"leverage", scen, "--variant", "nope", "--out", o},
			{"sensitivity", scen, "--variant", "nope", "--out", o},
			{"strategy", scen, "--variant", "nope", "--actor", "A", "--question", "q", "--out", o},
			{"convert", scen, "--variant", "nope", "--out", o},
			{"sweep", "plan", scen, "--variant", "nope", "--out", o},
			{"sweep", "merge", filepath.Join(dir, "nosuch.json"), "--out", o},
			{"sweep", "local", filepath.Join(dir, "nosuch.json"), "--out", o},
		}
		if o != dir {
			tests = append(tests,
				[]string{"report", scen, "--out", strings.TrimSuffix(o, ".txt") + ".html"},
				[]string{"extract", art, "--out", strings.TrimSuffix(o, ".txt") + ".yaml"})
		}
		for _, args := range tests {
			var stderr strings.Builder
			code := Main(args, io.Discard, &stderr)
			msg := stderr.String()
			if code != exitUsage || !strings.Contains(msg, "--out ") || !strings.Contains(msg, out.want) {
				t.Errorf("parley %v: exit %d, stderr %q; want exit %d naming --out and %q", args, code, msg, exitUsage, out.want)
			}
			if strings.Contains(msg, "parley --help") {
				t.Errorf("parley %v: usage hint for a path problem: %q", args, msg)
			}
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("%s was created", missing)
	}
}

// TestSweepDirChecked: sweep run and local refuse a --dir that cannot be
// a folder with exit 2 and a message naming --dir, and write nothing.
func TestSweepDirChecked(t *testing.T) {
	dir := t.TempDir()
	scen := filepath.Join(dir, "s.csv")
	os.WriteFile(scen, []byte("actor,capability,position,salience\nA,1,1,1\nB,1,2,1\n"), 0o644)
	m := filepath.Join(dir, "m.json")
	if code := Main([]string{"sweep", "plan", scen, "--model", "median", "--draws", "10", "--shards", "2", "--out", m}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("sweep plan: exit %d", code)
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, args := range [][]string{
		{"sweep", "run", m, "--shard", "0", "--dir", file},
		{"sweep", "local", m, "--dir", file, "--out", filepath.Join(dir, "r.json")},
	} {
		var stderr strings.Builder
		code := Main(args, io.Discard, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), "--dir "+file) {
			t.Errorf("parley %v: exit %d, stderr %q; want exit %d naming --dir", args, code, stderr.String(), exitUsage)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		t.Errorf("%d files in %s, want s.csv, m.json and file", len(ents), dir)
	}
}

// TestExtractProposalsChecked: extract writes up to three kinds of file
// (the texts of HTML or PDF articles, the proposals, the draft); a
// --proposals in a missing folder is refused before any of them is
// written.
func TestExtractProposalsChecked(t *testing.T) {
	dir := t.TempDir()
	art := filepath.Join(dir, "art.html")
	os.WriteFile(art, []byte("<html><body><article><p>Moscow has backed Tehran on sanctions relief. Washington opposed the Russian plan.</p></article></body></html>"), 0o644)
	props := filepath.Join(dir, "nodir", "p.yaml")
	args := []string{"extract", art, "--out", filepath.Join(dir, "draft.yaml"), "--proposals", props}
	var stderr strings.Builder
	code := Main(args, io.Discard, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "--proposals "+props) {
		t.Errorf("parley %v: exit %d, stderr %q; want exit %d naming --proposals", args, code, stderr.String(), exitUsage)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files in %s, want only the article", len(ents), dir)
	}
}
