package scenario

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parley-forecast/parley"
)

// A File is a parsed scenario file: the scenario, the name it was read
// under, and where each value sits in the file, so that later checks
// (quotes, variants) can position what they find.
type File struct {
	// Name is the file name diagnostics carry.
	Name string
	// Scenario is the decoded scenario. When Parse reported errors it
	// holds what could be read, with zero values where the input was
	// unusable.
	Scenario *parley.Scenario

	t *tree
}

// ParseScenario is Parse for callers that need only the scenario (the
// server's Config.Parse): nil when Parse's File is nil.
func ParseScenario(name string, data []byte) (*parley.Scenario, parley.Diagnostics) {
	f, ds := Parse(name, data)
	if f == nil {
		return nil, ds
	}
	return f.Scenario, ds
}

// Parse reads a scenario from YAML or JSON (JSON is read as YAML; there is
// one path for both) and checks it: first its structure against the
// scenario schema (see Schema), then its meaning with
// (*parley.Scenario).Validate. It reports every problem it finds, each
// with its file:line:col and path, sorted by position; a problem found by
// the structural check is not reported again by the semantic one.
//
// File is nil when data cannot be read as YAML at all (larger than
// MaxSize, a syntax error, an empty file); otherwise it holds the
// scenario, which is complete only when the diagnostics hold no errors.
// Parse does no I/O and never panics.
func Parse(name string, data []byte) (*File, parley.Diagnostics) {
	if len(data) > MaxSize {
		return nil, parley.Diagnostics{{
			Pos:      parley.Pos{File: name, Line: 1, Col: 1},
			Message:  fmt.Sprintf("file too large: %d bytes; a scenario file may have at most %d MiB", len(data), MaxSize>>20),
			Severity: parley.SevError,
		}}
	}
	if line, col, b, bad := notUTF8(data); bad {
		return nil, parley.Diagnostics{{
			Pos:      parley.Pos{File: name, Line: line, Col: col},
			Message:  fmt.Sprintf("the file is not UTF-8 text: byte 0x%02X cannot start or continue a character here; save the file as UTF-8", b),
			Severity: parley.SevError,
		}}
	}
	t, ds := readTree(name, data)
	if t == nil {
		return nil, ds
	}
	prune, err := t.structure()
	if err != nil {
		t.notef(t.lookup(""), "", "internal error: cannot check the scenario's structure: %v", err)
	}
	s, err := t.decode(prune)
	if err != nil {
		t.notef(t.lookup(""), "", "internal error: cannot decode the scenario: %v", err)
	}
	t.checkSourcePaths(s)
	t.checkDates(s)
	t.checkChangeFields()
	f := &File{Name: name, Scenario: s, t: t}
	vds := f.Locate(validate(s))
	placeConditions(data, s, vds)
	ds = append(t.diags, vds...)
	return f, sorted(ds)
}

// Pos returns the position of the value at path (in the form
// "stances[3].salience"), or of its nearest enclosing value that is in the
// file when that value is missing. It returns line 1, column 1 when
// nothing on the path is in the file.
func (f *File) Pos(path string) parley.Pos {
	if f == nil || f.t == nil {
		return parley.Pos{Line: 1, Col: 1}
	}
	return f.t.lookup(path)
}

// Locate returns ds positioned in f: each diagnostic without a line gets
// the position of its path, and the file name. It drops diagnostics about
// values whose structural problems f has already reported, so that one
// problem is reported once.
func (f *File) Locate(ds parley.Diagnostics) parley.Diagnostics {
	if f == nil {
		return ds
	}
	var out parley.Diagnostics
	for _, d := range ds {
		if f.t != nil && (f.t.repeats(d.Path) || f.t.unbacked(d)) {
			continue
		}
		if d.Pos.Line == 0 {
			d.Pos = f.Pos(d.Path)
		}
		if d.Pos.File == "" {
			d.Pos.File = f.Name
		}
		out = append(out, d)
	}
	return out
}

// unbacked reports whether d is the warning that a stance has neither
// evidence nor an assumption while the stance's evidence or assumption
// was given but found faulty: that mistake has been reported already.
func (t *tree) unbacked(d parley.Diagnostic) bool {
	if d.Severity != parley.SevWarning || !strings.HasSuffix(d.Message, "has neither evidence nor an assumption note") {
		return false
	}
	return t.repeats(joinField(d.Path, "assumption")) || t.repeats(joinField(d.Path, "evidence"))
}

// lookup returns the position of the value at path or its nearest
// ancestor in the file.
func (t *tree) lookup(path string) parley.Pos {
	for {
		if s := t.index[path]; s != nil {
			if s.val.Line > 0 {
				return s.val
			}
			if s.key.Line > 0 {
				return s.key
			}
		}
		parent, ok := parentPath(path)
		if !ok {
			return parley.Pos{File: t.name, Line: 1, Col: 1}
		}
		path = parent
	}
}

// repeats reports whether a problem at path is one already reported: path
// is at or inside a value found faulty, or names the same uncertain Value.
func (t *tree) repeats(path string) bool { return repeats(path, t.flagged) }

func repeats(path string, flagged []string) bool {
	for _, f := range flagged {
		if within(path, f) || valuePath(path) == valuePath(f) {
			return true
		}
	}
	return false
}

// decode removes the unusable values at the pruned locations and decodes
// the rest into a Scenario through encoding/json, the same decoding the
// API uses.
func (t *tree) decode(prune [][]string) (*parley.Scenario, error) {
	root := t.root
	for _, loc := range prune {
		root = remove(root, loc)
	}
	s := &parley.Scenario{}
	m, ok := root.(map[string]any)
	if !ok {
		return s, nil // the structural check has said so
	}
	delete(m, "$schema")
	b, err := json.Marshal(m)
	if err != nil {
		return s, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(s); err != nil {
		return &parley.Scenario{}, err
	}
	return s, nil
}

// remove deletes the value at loc from v (a list element becomes null)
// and returns v.
func remove(v any, loc []string) any {
	if len(loc) == 0 {
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		if len(loc) == 1 {
			delete(x, loc[0])
		} else if c, ok := x[loc[0]]; ok {
			x[loc[0]] = remove(c, loc[1:])
		}
	case []any:
		i, err := strconv.Atoi(loc[0])
		if err == nil && i >= 0 && i < len(x) {
			x[i] = remove(x[i], loc[1:])
		}
	}
	return v
}

// checkSourcePaths reports source paths that are absolute: a scenario
// names its local source texts relative to itself, so that it can be
// moved and shared with them.
func (t *tree) checkSourcePaths(s *parley.Scenario) {
	for i, src := range s.Sources {
		if isAbs(src.Path) {
			p := joinField(joinIndex("sources", i), "path")
			t.errorf(t.lookup(p), p, "must be relative to the scenario file, got the absolute path %q", src.Path)
		}
	}
}

// changeFields lists the fields each change op uses, besides op and note
// (which every change may have), in the order the docs give them.
var changeFields = map[parley.ChangeOp][]string{
	parley.OpSet:             {"actor", "issue", "position", "salience", "capability"},
	parley.OpShift:           {"actor", "issue", "position", "salience"},
	parley.OpScaleCapability: {"actor", "factor", "issue"},
	parley.OpAddActor:        {"new_actor", "stances"},
	parley.OpRemoveActor:     {"actor"},
	parley.OpAddRelation:     {"relation"},
	parley.OpRemoveRelation:  {"relation"},
}

// checkChangeFields reports a variant change that gives a field its op
// does not use: applying the change would ignore it, and the author meant
// something by it (remove-actor with an issue removes the actor from every
// issue, not from that one). It reads the tree as written, so that a
// field given as 0 or empty counts too. A change whose op is unknown has
// been reported already.
func (t *tree) checkChangeFields() {
	root, _ := t.root.(map[string]any)
	variants, _ := root["variants"].([]any)
	for i, v := range variants {
		vm, _ := v.(map[string]any)
		changes, _ := vm["changes"].([]any)
		for j, c := range changes {
			cm, _ := c.(map[string]any)
			op, _ := cm["op"].(string)
			uses, ok := changeFields[parley.ChangeOp(op)]
			if !ok {
				continue
			}
			keys := make([]string, 0, len(cm))
			for k := range cm {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if k == "op" || k == "note" || slices.Contains(uses, k) {
					continue
				}
				p := joinField(joinIndex(joinField(joinIndex("variants", i), "changes"), j), k)
				pos := t.lookup(p)
				if sp := t.index[p]; sp != nil && sp.key.Line > 0 {
					pos = sp.key
				}
				t.errorf(pos, p, "change %q does not use %s (it takes %s)", op, k, strings.Join(uses, ", "))
			}
		}
	}
}

// checkDates reports dates that fit the schema's YYYY[-MM[-DD]] pattern
// (those that do not were reported and removed) but name no month or day
// on the calendar, such as 2024-13 or 2023-02-29.
func (t *tree) checkDates(s *parley.Scenario) {
	check := func(p, d string) {
		if why := calendarFault(d); why != "" {
			t.errorf(t.lookup(p), p, "must be a calendar date written YYYY, YYYY-MM or YYYY-MM-DD; got %q (%s)", d, why)
		}
	}
	check("date", s.Date)
	for i, src := range s.Sources {
		check(joinField(joinIndex("sources", i), "date"), src.Date)
	}
}

// calendarFault says what is wrong with a date written YYYY, YYYY-MM or
// YYYY-MM-DD, or returns "" when it is a real year, month or day (or is
// not written in that form at all, which the schema reports).
func calendarFault(d string) string {
	parts := strings.Split(d, "-")
	if len(parts) < 2 || len(parts) > 3 {
		return ""
	}
	year, err1 := strconv.Atoi(parts[0])
	month, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return ""
	}
	if month < 1 || month > 12 {
		return fmt.Sprintf("no month %d", month)
	}
	if len(parts) == 2 {
		return ""
	}
	day, err := strconv.Atoi(parts[2])
	if err != nil {
		return ""
	}
	// Day 0 of the next month is the last day of this one.
	last := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	switch {
	case day < 1:
		return fmt.Sprintf("no day %d", day)
	case day > last:
		return fmt.Sprintf("%s %d has %d days", time.Month(month), year, last)
	}
	return ""
}

// isAbs reports whether p is absolute on any common system, so that a
// scenario written on one stays portable to the others.
func isAbs(p string) bool {
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, `\`) {
		return true
	}
	return len(p) >= 2 && p[1] == ':' && ('a' <= p[0]|0x20 && p[0]|0x20 <= 'z')
}

// sorted orders ds by position, then path and message, and drops exact
// repeats.
func sorted(ds parley.Diagnostics) parley.Diagnostics {
	slices.SortStableFunc(ds, func(a, b parley.Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Message, b.Message),
			cmp.Compare(a.Severity, b.Severity),
		)
	})
	return slices.Compact(ds)
}

// notUTF8 reports the line and column (in characters) of the first byte
// of data that is not part of a UTF-8 character, and the byte. A scenario
// must be UTF-8 (YAML and JSON allow other encodings only with a marker
// we do not read): read otherwise, such a byte would become U+FFFD and the
// file would no longer be kept as written.
func notUTF8(data []byte) (line, col int, b byte, bad bool) {
	if utf8.Valid(data) {
		return 0, 0, 0, false
	}
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return line, col, data[i], true
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += n
	}
	return 0, 0, 0, false
}
