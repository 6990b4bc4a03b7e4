package atomicfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-forecast/parley/internal/atomicfile"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteFile(p, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("content %q, want new", b)
	}
	// A failed write (directory missing) leaves nothing behind.
	if err := atomicfile.WriteFile(filepath.Join(dir, "no", "x"), []byte("x"), 0o644); err == nil {
		t.Errorf("write into a missing directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want 1: %v", len(entries), entries)
	}
}
