package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// checkOut refuses, before any work is done, an --out that cannot be
// written: one in a folder that does not exist (or is not a folder), one
// that names a folder, or one whose folder refuses a new file. Without it a
// long analysis would run to its end and only then fail at the write. The
// error is an inputError: the command line is unusable (exit 2), but not
// its usage.
func checkOut(path string) error { return checkWritable("--out", path) }

// checkWritable is checkOut for the file that flag names.
func checkWritable(flag, path string) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return inputError{fmt.Errorf("%s %s is a folder; give the name of the file to write", flag, path)}
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return inputError{fmt.Errorf("%s %s: the folder %s does not exist; create it first", flag, path, dir)}
	}
	// The output goes through a temporary file beside it
	// (internal/atomicfile): try one.
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".check-*")
	if err != nil {
		return inputError{fmt.Errorf("%s %s: cannot write in the folder %s: %v", flag, path, dir, err)}
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}
