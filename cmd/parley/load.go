package main

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/parley-forecast/parley"
)

// An input is a file turned into a scenario.
type input struct {
	Scenario *parley.Scenario
	// Params are model options the file itself sets (KTAB files name their
	// voting rule, for example); command-line --opt values override them.
	Params map[string]string
	// Diagnostics are the problems found, errors and warnings.
	Diagnostics parley.Diagnostics
}

// A reader turns one kind of file into a scenario. It returns an error
// only when the file cannot be read at all; problems in its content are
// Diagnostics.
type reader struct {
	// sniff reports whether the file looks like this kind, from its name
	// and first bytes.
	sniff func(path string, head []byte) bool
	read  func(path string) (*input, error)
	doc   string
}

// readers holds the input formats by name; each reader's file registers
// itself.
var readers = map[string]reader{}

// readerOrder lists format names in the order auto-detection tries them.
var readerOrder []string

func register(name string, r reader) {
	readers[name] = r
	readerOrder = append(readerOrder, name)
}

func formatNames() string {
	names := make([]string, 0, len(readers))
	for n := range readers {
		names = append(names, n)
	}
	sort.Strings(names)
	return "auto, " + strings.Join(names, ", ")
}

// load reads path as format ("auto" detects it).
func load(path, format string) (*input, error) {
	if format == "" || format == "auto" {
		head := make([]byte, 4096)
		f, err := os.Open(path)
		if err != nil {
			return nil, inputError{err}
		}
		n, _ := f.Read(head)
		f.Close()
		head = head[:n]
		for _, name := range readerOrder {
			if readers[name].sniff(path, head) {
				format = name
				break
			}
		}
		if format == "" || format == "auto" {
			return nil, usagef("%s: cannot tell the file's format from its name (%s); give --input-format (%s)", path, filepath.Ext(path), formatNames())
		}
	}
	r, ok := readers[format]
	if !ok {
		return nil, usagef("unknown input format %q: want %s", format, formatNames())
	}
	in, err := r.read(path)
	if err != nil {
		// A reader fails only when the file cannot be read at all: a
		// file named on the command line that is missing or unreadable
		// (exit 2, see inputError).
		var ue usageError
		if !errors.As(err, &ue) {
			err = inputError{err}
		}
		return nil, err
	}
	return in, nil
}

func hasExt(path string, exts ...string) bool {
	e := strings.ToLower(filepath.Ext(path))
	for _, x := range exts {
		if e == x {
			return true
		}
	}
	return false
}

// fromParse turns what a bytes-to-scenario parser returned into an input:
// diagnostics become the input's findings (with the scenario's own
// validation when parsing succeeded); any other error is returned.
func fromParse(s *parley.Scenario, err error) (*input, error) {
	if err != nil {
		var ds parley.Diagnostics
		if errors.As(err, &ds) {
			return &input{Scenario: s, Diagnostics: ds}, nil
		}
		return nil, err
	}
	return &input{Scenario: s, Diagnostics: s.Validate()}, nil
}
