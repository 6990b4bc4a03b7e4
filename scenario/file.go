package scenario

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/parley-forecast/parley"
)

// maxSourceSize is the largest source text ParseFile reads.
const maxSourceSize = 64 << 20

// ParseFile reads and parses the scenario file at path (see Parse), then
// checks every evidence quote against the local text of its source: each
// source's path is taken relative to the scenario file's directory and
// may lead out of it (../../sources/x.txt). A source whose text is
// missing or unreadable gets one warning, and its quotes go unchecked.
//
// The error is non-nil only when the scenario file itself cannot be read;
// problems in its content are diagnostics.
func ParseFile(path string) (*File, parley.Diagnostics, error) {
	data, err := readUpTo(path, MaxSize+1) // Parse reports a larger file
	if err != nil {
		return nil, nil, err
	}
	f, ds := Parse(path, data)
	if f == nil {
		return nil, ds, nil
	}
	texts, warnings := loadTexts(f, filepath.Dir(path))
	ds = append(ds, warnings...)
	if checkQuotes != nil {
		ds = append(ds, f.Locate(checkQuotes(f.Scenario, texts))...)
	}
	return f, sorted(ds), nil
}

// loadTexts reads the local text of every source that names one, by
// source id.
func loadTexts(f *File, dir string) (map[string]string, parley.Diagnostics) {
	texts := map[string]string{}
	var ds parley.Diagnostics
	for i, src := range f.Scenario.Sources {
		if src.Path == "" || isAbs(src.Path) {
			continue
		}
		p := joinField(joinIndex("sources", i), "path")
		file := filepath.Join(dir, filepath.FromSlash(src.Path))
		b, err := readUpTo(file, maxSourceSize+1)
		if err == nil && len(b) > maxSourceSize {
			err = errTooLarge
		}
		switch {
		case err == nil:
			texts[src.ID] = string(b)
			continue
		case errors.Is(err, fs.ErrNotExist):
			err = fmt.Errorf("quote check skipped: source text %q not found (looked for %s)", src.Path, file)
		case errors.Is(err, errTooLarge):
			err = fmt.Errorf("quote check skipped: source text %q is larger than %d MiB", src.Path, maxSourceSize>>20)
		default:
			err = fmt.Errorf("quote check skipped: source text %q cannot be read: %v", src.Path, err)
		}
		ds = append(ds, parley.Diagnostic{Pos: f.Pos(p), Path: p, Message: err.Error(), Severity: parley.SevWarning})
	}
	return texts, ds
}

var errTooLarge = errors.New("file too large")

// readUpTo reads at most n bytes of the regular file at path.
func readUpTo(path string, n int64) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if fi, err := fh.Stat(); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return io.ReadAll(io.LimitReader(fh, n))
}
