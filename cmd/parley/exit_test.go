package main

import (
	"io"
	"os"
	"path/filepath"
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
