// Package refdata locates the shared reference material (../shared beside
// the repository) that conformance tests compare against. The material is
// not part of the repository: tests that need it skip cleanly when it is
// absent, so a plain clone still passes.
package refdata

import (
	"os"
	"path/filepath"
	"testing"
)

// Root returns the repository root: the nearest directory at or above the
// working directory that holds go.mod. It returns "" if there is none.
func Root() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Shared returns the path of the shared folder beside the repository
// (PARLEY_SHARED overrides it), or "" when it does not exist.
func Shared() string {
	if d := os.Getenv("PARLEY_SHARED"); d != "" {
		return d
	}
	root := Root()
	if root == "" {
		return ""
	}
	d := filepath.Join(filepath.Dir(root), "shared")
	if fi, err := os.Stat(d); err == nil && fi.IsDir() {
		return d
	}
	return ""
}

// Path returns the path of rel inside the shared folder, skipping tb when
// the shared folder or the file is absent.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	d := Shared()
	if d == "" {
		tb.Skipf("shared reference folder not found beside the repository; skipping (set PARLEY_SHARED to run)")
	}
	p := filepath.Join(d, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("reference file %s not found; skipping", rel)
	}
	return p
}
