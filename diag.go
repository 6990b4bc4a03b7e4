package parley

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a scenario file. Line and Col count from 1; a zero
// Line means the position is unknown.
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// String renders p as file:line:col, dropping the parts that are unknown.
func (p Pos) String() string {
	s := p.File
	if p.Line > 0 {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprintf("%d", p.Line)
		if p.Col > 0 {
			s += fmt.Sprintf(":%d", p.Col)
		}
	}
	return s
}

// Severity tells an error from a warning.
type Severity string

// Severities.
const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
)

// A Diagnostic is one problem found in a scenario: where it is, the path of
// the value at fault (as in "stances[3].salience"), and what was expected.
type Diagnostic struct {
	Pos      Pos      `json:"pos"`
	Path     string   `json:"path,omitempty"`
	Message  string   `json:"message"`
	Severity Severity `json:"severity"`
}

// String renders d as "file:line:col: path: message", prefixed with
// "warning: " for warnings.
func (d Diagnostic) String() string {
	var b strings.Builder
	if s := d.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if d.Severity == SevWarning {
		b.WriteString("warning: ")
	}
	if d.Path != "" {
		b.WriteString(d.Path)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Diagnostics is a list of problems. As an error it reports every entry,
// one per line.
type Diagnostics []Diagnostic

// Error implements the error interface.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// Errors returns the entries of severity SevError.
func (ds Diagnostics) Errors() Diagnostics { return ds.filter(SevError) }

// Warnings returns the entries of severity SevWarning.
func (ds Diagnostics) Warnings() Diagnostics { return ds.filter(SevWarning) }

func (ds Diagnostics) filter(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// Err returns ds.Errors() as an error, or nil when there are none.
func (ds Diagnostics) Err() error {
	if e := ds.Errors(); len(e) > 0 {
		return e
	}
	return nil
}

// Sort orders ds by file, line, column, then path, keeping the original
// order among equals.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return false
	})
}

// add appends an error at path.
func (ds *Diagnostics) add(path, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Path: path, Message: fmt.Sprintf(format, args...), Severity: SevError})
}

// warn appends a warning at path.
func (ds *Diagnostics) warn(path, format string, args ...any) {
	*ds = append(*ds, Diagnostic{Path: path, Message: fmt.Sprintf(format, args...), Severity: SevWarning})
}
