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

// A flag value that is out of bounds makes the command line unusable:
// exit 2, checked before the file is read or any model runs, like
// simulate --draws 0. The file here is valid and has uncertain inputs, so
// only the flag can be at fault.
func TestExitStatusFlagValues(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	os.WriteFile(file, []byte(`title: T
actors:
  - {id: a, name: A, capability: {low: 1, mode: 2, high: 3}}
  - {id: b, name: B, capability: 1}
issues:
  - {id: k, name: K, scale: {min: 0, max: 100}}
stances:
  - {actor: a, issue: k, position: {low: 10, mode: 20, high: 30}, salience: 1, assumption: t}
  - {actor: b, issue: k, position: 60, salience: 1, assumption: t}
questions:
  - {id: high, when: k >= 50}
`), 0o644)
	m := []string{"--model", "median"}
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"simulate", file, "--draws", "10", "--bins", "7"}, 2},
		{[]string{"simulate", file, "--draws", "10", "--bins", "-5"}, 2},
		{[]string{"simulate", file, "--draws", "10", "--bins", "10"}, 0},
		{[]string{"sensitivity", file, "--levels", "3"}, 2},
		{[]string{"sensitivity", file, "--levels", "0"}, 2},
		{[]string{"sensitivity", file, "--draws", "1"}, 2},
		{[]string{"sensitivity", file, "--draws", "2", "--levels", "6"}, 0},
		{[]string{"sensitivity", file, "--method", "sobol", "--draws", "1"}, 2},
		{[]string{"sensitivity", file, "--method", "sobol", "--draws", "8", "--sampler", "zz"}, 2},
		{[]string{"sensitivity", file, "--method", "sobol", "--draws", "8", "--resamples", "-1"}, 2},
		{[]string{"sensitivity", file, "--method", "sobol", "--draws", "8", "--sampler", "random", "--resamples", "5"}, 0},
		{[]string{"strategy", file, "--actor", "b", "--question", "high", "--max-steps", "-1"}, 2},
		{[]string{"strategy", file, "--actor", "b", "--question", "high", "--max-steps", "5"}, 0},
		// A name the scenario does not hold is bad input, not a bad
		// command line: 1, as for an unknown --variant, in both commands
		// that take --actor.
		{[]string{"strategy", file, "--actor", "nobody", "--question", "high"}, 1},
		{[]string{"leverage", file, "--actor", "nobody"}, 1},
		{[]string{"leverage", file, "--actor", "b"}, 0},
		// sweep plan takes the same values, with the same bounds.
		{[]string{"sweep", "plan", file, "--draws", "10", "--bins", "7", "--out", filepath.Join(dir, "m1.json")}, 2},
		{[]string{"sweep", "plan", file, "--analysis", "sensitivity", "--levels", "3", "--out", filepath.Join(dir, "m2.json")}, 2},
		{[]string{"sweep", "plan", file, "--analysis", "sensitivity", "--draws", "1", "--out", filepath.Join(dir, "m3.json")}, 2},
		{[]string{"sweep", "plan", file, "--analysis", "sensitivity", "--method", "sobol", "--sampler", "zz", "--out", filepath.Join(dir, "m4.json")}, 2},
		{[]string{"sweep", "plan", file, "--analysis", "sensitivity", "--method", "sobol", "--resamples", "-1", "--out", filepath.Join(dir, "m5.json")}, 2},
		{[]string{"sweep", "plan", file, "--analysis", "sensitivity", "--method", "sobol", "--draws", "8", "--out", filepath.Join(dir, "m6.json")}, 0},
	}
	for _, tt := range tests {
		var stderr strings.Builder
		args := append(append([]string{}, tt.args...), m...)
		if got := Main(args, io.Discard, &stderr); got != tt.want {
			t.Errorf("parley %v: exit %d, want %d (%s)", args, got, tt.want, strings.TrimSpace(stderr.String()))
		}
	}
}

// compare refuses --variant (it takes --variants), so its help must not
// offer it.
func TestCompareHelpHasNoVariantFlag(t *testing.T) {
	var stdout strings.Builder
	if code := Main([]string{"compare", "--help"}, &stdout, io.Discard); code != 0 {
		t.Fatalf("compare --help: exit %d", code)
	}
	if strings.Contains(stdout.String(), "--variant ") {
		t.Errorf("compare --help offers --variant, which compare refuses:\n%s", stdout.String())
	}
	if !strings.Contains(stdout.String(), "--variants") {
		t.Errorf("compare --help lost --variants:\n%s", stdout.String())
	}
}
