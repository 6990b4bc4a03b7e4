package ktab

import (
	"bufio"
	"bytes"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/parley-forecast/parley"
)

// Limits that keep a malformed file from asking for absurd work.
const (
	maxActors = 100000
	maxDims   = 10000
)

type csvField struct {
	text string
	col  int
}

type csvLine struct {
	num    int
	fields []csvField
}

// splitCSVLine splits one line at commas. A field whose first non-blank
// character is a double quote runs to the matching quote and may contain
// commas; inside it "" stands for one quote. As in KTAB, "&quot;" stands for
// a quote and "$$" for a comma in any field.
func splitCSVLine(file string, num int, line string) ([]csvField, error) {
	var out []csvField
	i := 0
	for {
		start := i
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		var b strings.Builder
		if i < len(line) && line[i] == '"' {
			qcol := i + 1
			i++
			closed := false
			for i < len(line) {
				c := line[i]
				if c == '"' {
					if i+1 < len(line) && line[i+1] == '"' {
						b.WriteByte('"')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(c)
				i++
			}
			if !closed {
				return nil, errAt(file, num, qcol, "quoted field is not closed")
			}
			for i < len(line) && line[i] != ',' {
				if line[i] != ' ' && line[i] != '\t' {
					return nil, errAt(file, num, i+1, "unexpected %q after a quoted field; want a comma", line[i])
				}
				i++
			}
		} else {
			i = start
			for i < len(line) && line[i] != ',' {
				b.WriteByte(line[i])
				i++
			}
		}
		text := strings.ReplaceAll(b.String(), "&quot;", `"`)
		text = strings.ReplaceAll(text, "$$", ",")
		out = append(out, csvField{text: text, col: start + 1})
		if i >= len(line) {
			return out, nil
		}
		i++ // the comma
	}
}

func blankLine(line string) bool {
	return strings.Trim(line, " \t,") == ""
}

// ParseCSV reads a KTAB CSV scenario (SMPModel::csvRead's format):
//
//	<name>,<description>,<actors>,<dimensions>[,...]
//	Actor,Description,Power,<dim 1 name>,<salience 1 header>,...[,]
//	<actor>,<description>,<capability>,<position 1>,<salience 1>,...[,]
//
// Positions and saliences are on 0-100 and an actor's saliences add up to
// at most 100. Trailing commas, blank lines, padded fields, quoted fields
// and a UTF-8 byte-order mark are accepted. Errors are parley.Diagnostics
// naming file:line:col.
func ParseCSV(name string, data []byte) (*File, error) {
	data = bytes.TrimPrefix(data, bom)
	var lines []csvLine
	num := 0
	for len(data) > 0 {
		var raw []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			raw, data = data, nil
		}
		num++
		line := strings.TrimSuffix(string(raw), "\r")
		if blankLine(line) {
			continue
		}
		fs, err := splitCSVLine(name, num, line)
		if err != nil {
			return nil, err
		}
		lines = append(lines, csvLine{num, fs})
	}
	if len(lines) == 0 {
		return nil, errAt(name, 1, 0, "empty file; want a KTAB CSV scenario (name, description, number of actors, number of dimensions)")
	}

	// Line 1: scenario name, description, counts. Further fields are
	// ignored, as KTAB does (dummyData_6Dim.csv has some).
	l1 := lines[0]
	if len(l1.fields) < 4 {
		return nil, errAt(name, l1.num, 0, "the first line has %d fields; want scenario name, description, number of actors, number of dimensions", len(l1.fields))
	}
	count := func(f csvField, what string, max int) (int, error) {
		v, err := strconv.Atoi(strings.TrimSpace(f.text))
		if err != nil || v < 1 {
			return 0, errAt(name, l1.num, f.col, "number of %s: want a positive integer, got %q", what, strings.TrimSpace(f.text))
		}
		if v > max {
			return 0, errAt(name, l1.num, f.col, "number of %s: %d is more than the %d this reader accepts", what, v, max)
		}
		return v, nil
	}
	nAct, err := count(l1.fields[2], "actors", maxActors)
	if err != nil {
		return nil, err
	}
	nDim, err := count(l1.fields[3], "dimensions", maxDims)
	if err != nil {
		return nil, err
	}
	b := &builder{title: l1.fields[0].text, desc: l1.fields[1].text}
	want := 3 + 2*nDim

	checkWidth := func(l csvLine, what string) error {
		if len(l.fields) < want {
			return errAt(name, l.num, 0, "%s has %d fields; with %d dimensions want %d (%s)", what, len(l.fields), nDim, want, "3 then a position and a salience per dimension")
		}
		for _, f := range l.fields[want:] {
			if strings.TrimSpace(f.text) != "" {
				return errAt(name, l.num, f.col, "%s has an extra field %q after the %d that %d dimensions need", what, strings.TrimSpace(f.text), want, nDim)
			}
		}
		return nil
	}

	// Line 2: headers. The position headers name the dimensions.
	if len(lines) < 2 {
		return nil, errAt(name, l1.num+1, 0, "missing the header line (Actor,Description,Power,<dimension>,<salience>,...)")
	}
	hdr := lines[1]
	if err := checkWidth(hdr, "the header line"); err != nil {
		return nil, err
	}
	for d := 0; d < nDim; d++ {
		b.dims = append(b.dims, hdr.fields[3+2*d].text)
	}

	// Actor lines.
	rows := lines[2:]
	seen := map[string]int{}
	for _, l := range rows[:min(len(rows), nAct)] {
		if err := checkWidth(l, "the actor line"); err != nil {
			return nil, err
		}
		f := l.fields
		a := actorRow{name: strings.TrimSpace(f[0].text), desc: f[1].text}
		if a.name == "" {
			return nil, errAt(name, l.num, f[0].col, "actor name is empty")
		}
		if prev, ok := seen[a.name]; ok {
			return nil, errAt(name, l.num, f[0].col, "actor %q is already defined on line %d", a.name, prev)
		}
		seen[a.name] = l.num
		c, ok := parseNumber(f[2].text)
		if !ok || c < 0 {
			return nil, errAt(name, l.num, f[2].col, "capability of %s: want a non-negative number, got %q", a.name, strings.TrimSpace(f[2].text))
		}
		a.cap = c
		var total float64
		for d := 0; d < nDim; d++ {
			pf, sf := f[3+2*d], f[4+2*d]
			p, ok := parseNumber(pf.text)
			if !ok || p < 0 || p > 100 {
				return nil, errAt(name, l.num, pf.col, "position of %s on %s: want a number in [0,100], got %q", a.name, strings.TrimSpace(b.dims[d]), strings.TrimSpace(pf.text))
			}
			s, ok := parseNumber(sf.text)
			if !ok || s < 0 || s > 100 {
				return nil, errAt(name, l.num, sf.col, "salience of %s on %s: want a number in [0,100], got %q", a.name, strings.TrimSpace(b.dims[d]), strings.TrimSpace(sf.text))
			}
			total += s
			if total > 100+1e-9 {
				return nil, errAt(name, l.num, sf.col, "saliences of %s add up to %g; at most 100 is allowed", a.name, total)
			}
			a.pos = append(a.pos, p)
			a.sal = append(a.sal, s)
		}
		b.actors = append(b.actors, a)
	}
	if len(rows) < nAct {
		last := hdr.num
		if len(rows) > 0 {
			last = rows[len(rows)-1].num
		}
		return nil, errAt(name, last+1, 0, "line 1 declares %d actors but only %d actor lines follow the header", nAct, len(rows))
	}
	if len(rows) > nAct {
		return nil, errAt(name, rows[nAct].num, 1, "line 1 declares %d actors but more lines follow; fix the count or remove the line", nAct)
	}
	return &File{Scenario: b.scenario(name), Params: map[string]string{}}, nil
}

// WriteCSV writes s as a KTAB CSV scenario that KTAB's smpc reads. It writes
// each value's mode. Positions are mapped from each issue's scale onto
// KTAB's 0-100 and saliences from 0-1 to 0-100; an actor whose saliences add
// up to more than 1 has them scaled to add up to 1 (as the smp model does).
// An actor without a stance on an issue gets salience 0 and the middle of
// the scale. The capability column is the actor's capability, or, when
// stances override it, their salience-weighted mean (as the smp model
// combines them). Actor ids are written as KTAB names, and actor notes (or
// display names) as descriptions. It returns an error for scenarios KTAB
// cannot read: fewer than 3 or more than 250 actors, actor ids longer than
// 25 characters, capabilities above 10⁸.
func WriteCSV(w io.Writer, s *parley.Scenario) error {
	if s == nil {
		return parley.Errorf(parley.EINVALID, "ktab: no scenario to write")
	}
	n, m := len(s.Actors), len(s.Issues)
	if n < 3 || n > 250 {
		return parley.Errorf(parley.EINVALID, "ktab: KTAB needs 3 to 250 actors; the scenario has %d", n)
	}
	if m < 1 {
		return parley.Errorf(parley.EINVALID, "ktab: the scenario has no issues")
	}
	actorIdx := map[string]int{}
	for i, a := range s.Actors {
		if len(a.ID) == 0 || len(a.ID) > 25 {
			return parley.Errorf(parley.EINVALID, "ktab: actor id %q: KTAB allows names of 1 to 25 characters", a.ID)
		}
		if _, dup := actorIdx[a.ID]; dup {
			return parley.Errorf(parley.EINVALID, "ktab: actor id %q is used twice", a.ID)
		}
		actorIdx[a.ID] = i
	}
	issueIdx := map[string]int{}
	for k, is := range s.Issues {
		if !(is.Scale.Min < is.Scale.Max) {
			return parley.Errorf(parley.EINVALID, "ktab: issue %s: scale min %g must be below max %g", is.ID, is.Scale.Min, is.Scale.Max)
		}
		issueIdx[is.ID] = k
	}
	st := make([]*parley.Stance, n*m)
	for i := range s.Stances {
		x := &s.Stances[i]
		a, ok1 := actorIdx[x.Actor]
		k, ok2 := issueIdx[x.Issue]
		if !ok1 || !ok2 {
			return parley.Errorf(parley.EINVALID, "ktab: stance %d names unknown actor %q or issue %q", i, x.Actor, x.Issue)
		}
		st[a*m+k] = x
	}

	bw := bufio.NewWriter(w)
	row := func(fields ...string) {
		for i, f := range fields {
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString(csvQuote(f))
		}
		bw.WriteString(",\n")
	}
	row(s.Title, s.Description, strconv.Itoa(n), strconv.Itoa(m))
	hdr := []string{"Actor", "Description", "Power"}
	for _, is := range s.Issues {
		name := is.Name
		if name == "" {
			name = is.ID
		}
		hdr = append(hdr, name, name+" Salience")
	}
	row(hdr...)
	for i, a := range s.Actors {
		desc := a.Note
		if desc == "" && a.Name != a.ID {
			desc = a.Name
		}
		var salSum, cw, c0, csum float64
		sameCap, first, present := true, true, 0
		for k := 0; k < m; k++ {
			x := st[i*m+k]
			if x == nil {
				continue
			}
			c := a.Capability.Mode
			if x.Capability != nil {
				c = x.Capability.Mode
			}
			if first {
				c0, first = c, false
			} else if c != c0 {
				sameCap = false
			}
			salSum += x.Salience.Mode
			cw += x.Salience.Mode * c
			csum += c
			present++
		}
		capv := a.Capability.Mode
		switch {
		case first:
		case sameCap:
			capv = c0
		case salSum > 0:
			capv = cw / salSum
		default:
			capv = csum / float64(present)
		}
		if !(capv >= 0) || capv > 1e8 || math.IsInf(capv, 0) {
			return parley.Errorf(parley.EINVALID, "ktab: actor %s: capability %g is outside KTAB's range [0, 1e8]", a.ID, capv)
		}
		scale := 1.0
		if salSum > 1 {
			scale = 1 / salSum
		}
		fields := []string{a.ID, desc, strconv.FormatFloat(capv, 'g', -1, 64)}
		for k, is := range s.Issues {
			x := st[i*m+k]
			if x == nil {
				fields = append(fields, "50", "0")
				continue
			}
			t := (x.Position.Mode - is.Scale.Min) / (is.Scale.Max - is.Scale.Min)
			if !(t >= 0 && t <= 1) {
				return parley.Errorf(parley.EINVALID, "ktab: actor %s, issue %s: position %g is off the scale [%g,%g]", a.ID, is.ID, x.Position.Mode, is.Scale.Min, is.Scale.Max)
			}
			pos := percent(t)
			if is.Scale.Min == ScaleMin && is.Scale.Max == ScaleMax {
				pos = strconv.FormatFloat(x.Position.Mode, 'g', -1, 64) // already KTAB's scale
			}
			sal := x.Salience.Mode * scale
			if !(sal >= 0 && sal <= 1) {
				return parley.Errorf(parley.EINVALID, "ktab: actor %s, issue %s: salience %g is outside [0,1]", a.ID, is.ID, x.Salience.Mode)
			}
			fields = append(fields, pos, percent(sal))
		}
		row(fields...)
	}
	return bw.Flush()
}

// percent formats v·100 with the fewest digits that read back (divided by
// 100, as KTAB reads them) as exactly v.
func percent(v float64) string {
	for dec := 0; dec <= 17; dec++ {
		s := strconv.FormatFloat(v*100, 'f', dec, 64)
		if y, err := strconv.ParseFloat(s, 64); err == nil && y/100 == v {
			return s
		}
	}
	return strconv.FormatFloat(v*100, 'g', -1, 64)
}

// csvQuote quotes a text field when KTAB's reader would otherwise split or
// trim it.
func csvQuote(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "\r", " ")
	if strings.ContainsAny(s, `,"`) || s != strings.TrimSpace(s) {
		return `"` + strings.ReplaceAll(s, `"`, "&quot;") + `"`
	}
	return s
}
