package csvcase

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parley-forecast/parley"
)

// IssueID is the id of the one issue of a parsed case.
const IssueID = "issue"

// SourceID is the id of the source, the table itself, that every stance's
// evidence cites: its quote is the stance's row as written.
const SourceID = "table"

// Columns are the names of the required columns, in the canonical order.
var Columns = []string{"actor", "capability", "position", "salience"}

const (
	colActor = iota
	colCapability
	colPosition
	colSalience
	nCols
)

// maxDiagnostics caps how many problems are reported, so that a file that
// is not a case table at all gives a readable error.
const maxDiagnostics = 50

// row is one parsed actor.
type row struct {
	line       int
	text       string // the row as written in the table
	name, id   string
	capability float64
	position   float64
	salience   float64
}

// Parse reads a case table (see the package documentation) and returns a
// scenario with one issue and one actor and stance per row. name is used
// as the file name in diagnostics and, without its extension, as the
// scenario's title. On bad input it returns a parley.Diagnostics listing
// every problem found.
func Parse(name string, data []byte) (*parley.Scenario, error) {
	rows, lo, hi, err := parse(name, data)
	if err != nil {
		return nil, err
	}
	// The scenario names the file without its folder, so that it does not
	// depend on where the file lies (a sweep's shard reads the manifest's
	// copy from a temporary folder and must find the same scenario);
	// diagnostics give name as it is.
	file := path.Base(name)
	title := strings.TrimSuffix(file, path.Ext(name))
	if strings.Trim(title, " ./") == "" {
		title = "case"
	}
	s := &parley.Scenario{
		Title:       title,
		Description: "One-issue case read from the table " + file + ".",
		Sources:     []parley.Source{{ID: SourceID, Title: "Case table " + file}},
		Actors:      make([]parley.Actor, len(rows)),
		Issues: []parley.Issue{{
			ID:    IssueID,
			Name:  title,
			Scale: parley.Scale{Min: lo, Max: hi},
		}},
		Stances: make([]parley.Stance, len(rows)),
	}
	for i, r := range rows {
		s.Actors[i] = parley.Actor{ID: r.id, Name: r.name, Capability: parley.Point(r.capability)}
		s.Stances[i] = parley.Stance{
			Actor:    r.id,
			Issue:    IssueID,
			Position: parley.Point(r.position),
			Salience: parley.Point(r.salience),
			Evidence: []parley.Evidence{{
				Source: SourceID,
				Quote:  r.text,
				Note:   fmt.Sprintf("line %d of %s gives the capability, position and salience", r.line, file),
			}},
		}
	}
	return s, nil
}

// ParseInstance reads a case table like Parse and returns the dense
// instance models run on (Scenario.Instance of the parsed scenario): the
// actors in table order, one issue with the weighted-median rule and no
// vetoes.
func ParseInstance(name string, data []byte) (*parley.Instance, error) {
	s, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	return s.Instance()
}

// parse reads the table into rows and returns the issue's scale.
func parse(name string, data []byte) (rows []row, lo, hi float64, err error) {
	var ds parley.Diagnostics
	at := func(line int, field, format string, args ...any) {
		if len(ds) == maxDiagnostics {
			ds = append(ds, parley.Diagnostic{
				Pos:      parley.Pos{File: name, Line: line},
				Message:  "too many problems; stopping here",
				Severity: parley.SevError,
			})
		}
		if len(ds) > maxDiagnostics {
			return
		}
		ds = append(ds, parley.Diagnostic{
			Pos:      parley.Pos{File: name, Line: line},
			Path:     field,
			Message:  fmt.Sprintf(format, args...),
			Severity: parley.SevError,
		})
	}

	data = normalise(data)
	lines := bytes.Split(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // field counts are checked below, with a clearer message
	r.Comment = '#'

	// Header.
	var cols [nCols]int
	hdr, err := r.Read()
	if err == io.EOF {
		at(1, "", "empty input: want a header line %s", strings.Join(Columns, ","))
		return nil, 0, 0, ds
	}
	if err != nil {
		csvError(err, at)
		return nil, 0, 0, ds
	}
	hdrLine, _ := r.FieldPos(0)
	if !header(hdr, &cols, hdrLine, at) {
		return nil, 0, 0, ds
	}
	nfields := len(hdr)

	// Rows.
	byID := map[string]int{} // id -> index in rows
	for len(ds) <= maxDiagnostics {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			csvError(err, at)
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				continue // the reader resumes on the next line
			}
			break
		}
		line, _ := r.FieldPos(0)
		if len(rec) != nfields {
			at(line, "", "want %d fields (%s), got %d", nfields, strings.Join(hdr, ","), len(rec))
			continue
		}
		fieldLine := func(c int) int { l, _ := r.FieldPos(cols[c]); return l }
		ok := true
		rw := row{line: line}
		if line >= 1 && line <= len(lines) {
			rw.text = strings.TrimSpace(strings.TrimSuffix(string(lines[line-1]), "\r"))
		}

		rw.name = strings.TrimSpace(rec[cols[colActor]])
		switch {
		case rw.name == "":
			at(fieldLine(colActor), "actor", "want a name, got an empty field")
			ok = false
		case !utf8.ValidString(rw.name):
			at(fieldLine(colActor), "actor", "want UTF-8 text, got %q", rw.name)
			ok = false
		default:
			rw.id = Slug(rw.name)
			if rw.id == "" {
				rw.id = fmt.Sprintf("actor-%d", line)
			}
		}

		var good bool
		rw.capability, good = number(rec[cols[colCapability]], func(x float64) bool { return x >= 0 })
		if !good {
			at(fieldLine(colCapability), "capability", "want a non-negative number, got %s", shown(rec[cols[colCapability]]))
			ok = false
		}
		rw.position, good = number(rec[cols[colPosition]], func(float64) bool { return true })
		if !good {
			at(fieldLine(colPosition), "position", "want a finite number, got %s", shown(rec[cols[colPosition]]))
			ok = false
		}
		rw.salience, good = number(rec[cols[colSalience]], func(x float64) bool { return x >= 0 && x <= 1 })
		if !good {
			at(fieldLine(colSalience), "salience", "want a number in [0,1], got %s", shown(rec[cols[colSalience]]))
			ok = false
		}

		if rw.id != "" {
			if prev, dup := byID[rw.id]; dup {
				p := rows[prev]
				if p.name == rw.name {
					at(fieldLine(colActor), "actor", "duplicate actor %q (first on line %d)", rw.name, p.line)
				} else {
					at(fieldLine(colActor), "actor", "actor %q gets the id %q, already taken by %q on line %d; rename one of them", rw.name, rw.id, p.name, p.line)
				}
				ok = false
			}
		}
		if !ok {
			// Remember the name even for a bad row, so that a later
			// duplicate is still reported against it.
			if rw.id != "" {
				if _, dup := byID[rw.id]; !dup {
					byID[rw.id] = len(rows)
					rows = append(rows, rw)
				}
			}
			continue
		}
		byID[rw.id] = len(rows)
		rows = append(rows, rw)
	}
	if len(ds) > 0 {
		return nil, 0, 0, ds
	}
	if len(rows) == 0 {
		at(hdrLine, "", "no actors: want at least one row after the header")
		return nil, 0, 0, ds
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, rw := range rows {
		lo = math.Min(lo, rw.position)
		hi = math.Max(hi, rw.position)
	}
	lo, hi = widen(lo, hi)
	return rows, lo, hi, nil
}

// header maps the required columns to their indices in hdr.
func header(hdr []string, cols *[nCols]int, line int, at func(int, string, string, ...any)) bool {
	for c := range cols {
		cols[c] = -1
	}
	ok := true
	for i, h := range hdr {
		key := strings.ToLower(strings.TrimSpace(h))
		c := -1
		for k, name := range Columns {
			if key == name {
				c = k
			}
		}
		switch {
		case c < 0:
			at(line, "", "unknown column %s in the header: want the columns %s, in any order", shown(h), strings.Join(Columns, ","))
			ok = false
		case cols[c] >= 0:
			at(line, "", "column %q appears twice in the header", Columns[c])
			ok = false
		default:
			cols[c] = i
		}
	}
	var missing []string
	for c, i := range cols {
		if i < 0 {
			missing = append(missing, Columns[c])
		}
	}
	if len(missing) > 0 {
		at(line, "", "header lacks the column(s) %s: want a header line naming %s, in any order", strings.Join(missing, ","), strings.Join(Columns, ","))
		ok = false
	}
	return ok
}

// csvError reports an error from the CSV reader.
func csvError(err error, at func(int, string, string, ...any)) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			at(pe.Line, "", "malformed quoting at column %d: want a field either without quotes or wholly in double quotes, with inner quotes doubled", pe.Column)
		default:
			at(pe.Line, "", "malformed CSV at column %d: %v", pe.Column, pe.Err)
		}
		return
	}
	at(0, "", "reading CSV: %v", err)
}

// number parses a finite number that satisfies ok.
func number(s string, ok func(float64) bool) (float64, bool) {
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || !ok(x) {
		return 0, false
	}
	return x, true
}

// shown renders a field for a message: as given when it is a plain
// printable token, quoted otherwise (empty, spaces, odd characters).
func shown(s string) string {
	t := strings.TrimSpace(s)
	if t == "" {
		return "an empty field"
	}
	if len(t) > 40 {
		return strconv.Quote(t[:40]) + "…"
	}
	if _, err := strconv.ParseFloat(t, 64); err == nil {
		return t
	}
	return strconv.Quote(t)
}

// normalise strips a UTF-8 byte-order mark and turns bare CR line endings
// into LF (CRLF is left to the CSV reader), copying data only if needed.
func normalise(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, '\r') < 0 {
		return data
	}
	out := make([]byte, len(data))
	for i, b := range data {
		if b == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			b = '\n'
		}
		out[i] = b
	}
	return out
}

// widen returns a scale [lo,hi] with lo < hi. When every position is the
// same x, the scale becomes [0,1] if x lies in it, and otherwise extends
// from x towards zero by max(1, |x|/2), which stays finite for every
// finite x.
func widen(lo, hi float64) (float64, float64) {
	if lo < hi {
		return lo, hi
	}
	x := lo
	if x >= 0 && x <= 1 {
		return 0, 1
	}
	d := math.Max(1, math.Abs(x)/2)
	if x > 0 {
		return x - d, x
	}
	return x, x + d
}

// Slug derives an actor id from a display name: ASCII letters and digits
// are kept with their case, common accented Latin letters are folded to
// ASCII (é→e, ß→ss, …), and every other run of characters becomes a single
// '-', with none at either end. The result matches the scenario id pattern
// ^[A-Za-z0-9][A-Za-z0-9_.-]*$, or is empty when the name has no letter or
// digit it can keep.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range name {
		var s string
		switch {
		case c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'):
			s = string(c)
		default:
			s = fold[c]
		}
		if s == "" {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteString(s)
	}
	return b.String()
}

// fold maps common accented Latin letters to ASCII.
var fold = func() map[rune]string {
	m := map[rune]string{}
	for _, p := range []struct{ from, to string }{
		{"àáâãäåāăą", "a"}, {"ÀÁÂÃÄÅĀĂĄ", "A"}, {"çćĉċč", "c"}, {"ÇĆĈĊČ", "C"},
		{"ďđ", "d"}, {"ĎĐ", "D"}, {"èéêëēĕėęě", "e"}, {"ÈÉÊËĒĔĖĘĚ", "E"},
		{"ĝğġģ", "g"}, {"ĜĞĠĢ", "G"}, {"ìíîïĩīĭįı", "i"}, {"ÌÍÎÏĨĪĬĮİ", "I"},
		{"ĺļľŀł", "l"}, {"ĹĻĽĿŁ", "L"}, {"ñńņňŉ", "n"}, {"ÑŃŅŇ", "N"},
		{"òóôõöøōŏő", "o"}, {"ÒÓÔÕÖØŌŎŐ", "O"}, {"ŕŗř", "r"}, {"ŔŖŘ", "R"},
		{"śŝşš", "s"}, {"ŚŜŞŠ", "S"}, {"ţťŧ", "t"}, {"ŢŤŦ", "T"},
		{"ùúûüũūŭůűų", "u"}, {"ÙÚÛÜŨŪŬŮŰŲ", "U"}, {"ýÿŷ", "y"}, {"ÝŸŶ", "Y"},
		{"źżž", "z"}, {"ŹŻŽ", "Z"},
	} {
		for _, c := range p.from {
			m[c] = p.to
		}
	}
	for c, s := range map[rune]string{'ß': "ss", 'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE", 'þ': "th", 'Þ': "TH", 'ð': "d", 'Ð': "D"} {
		m[c] = s
	}
	return m
}()
