package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitStatus checks the documented exit statuses: 0 ok, 1 findings or
// a failed run, 2 an unusable command line.
func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(good, []byte("actor,capability,position,salience\nA,1,1,1\nB,1,2,1\n"), 0o644)
	os.WriteFile(bad, []byte("actor,capability,position,salience\nA,1,1,7\n"), 0o644)
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"validate", good}, 0},
		{[]string{"run", good, "--model", "median"}, 0},
		{[]string{"validate", bad}, 1},
		{[]string{"run", bad}, 1},
		{[]string{"validate"}, 2},
		{[]string{"validate", filepath.Join(dir, "missing.yaml")}, 2},
		// A file named on the command line that cannot be read makes the
		// command line unusable, whatever the command.
		{[]string{"run", filepath.Join(dir, "missing.yaml")}, 2},
		{[]string{"simulate", filepath.Join(dir, "missing.yaml"), "--draws", "2"}, 2},
		{[]string{"convert", filepath.Join(dir, "missing.yaml"), "--to", "json"}, 2},
		{[]string{"extract", filepath.Join(dir, "missing.txt"), "--out", filepath.Join(dir, "d.yaml")}, 2},
		{[]string{"sweep", "run", filepath.Join(dir, "missing.json"), "--shard", "0"}, 2},
		{[]string{"sweep", "merge", filepath.Join(dir, "missing.json")}, 2},
		{[]string{"sweep", "local", filepath.Join(dir, "missing.json")}, 2},
		{[]string{"run", good, "--model", "nope"}, 2},
		{[]string{"run", good, "--bogus"}, 2},
		{[]string{"frobnicate"}, 2},
		{[]string{"run", good, "--opt", "nonsense"}, 2},
		{[]string{"run", good, "--model", "eum", "--opt", "q=2x"}, 1},
	}
	for _, tt := range tests {
		if got := Main(tt.args, io.Discard, io.Discard); got != tt.want {
			t.Errorf("parley %v: exit %d, want %d", tt.args, got, tt.want)
		}
	}
}

// A file that cannot be read exits 2 like a usage error, but the usage is
// not at fault: no "parley --help" hint. A bad flag or format still gets
// it.
func TestUsageHintOnlyForUsage(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nosuch.yaml")
	folder := filepath.Join(dir, "folder.yaml")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		hint bool
	}{
		{[]string{"validate", missing}, false},
		{[]string{"validate", folder}, false},
		{[]string{"validate", "--input-format", "zz", missing}, true},
		{[]string{"validate", "--bogus", missing}, true},
		{[]string{"validate"}, true},
	}
	for _, tt := range tests {
		var stderr strings.Builder
		code := Main(tt.args, io.Discard, &stderr)
		if code != exitUsage {
			t.Errorf("parley %v: exit %d, want %d", tt.args, code, exitUsage)
		}
		if got := strings.Contains(stderr.String(), "parley --help"); got != tt.hint {
			t.Errorf("parley %v: stderr %q; usage hint %v, want %v", tt.args, stderr.String(), got, tt.hint)
		}
	}
}
